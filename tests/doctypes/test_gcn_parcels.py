"""Certificate parcels: the old-form parcel table, attributes printed once for every parcel."""

from __future__ import annotations

from digitize.config import Settings
from digitize.layout.extract import extract_fields
from digitize.layout.template import template_for
from digitize.model import Line, Page, SourceInfo
from digitize.ocr.base import create_backend


def _line(text: str, x: float, y: float, h: float = 30.0, conf: float = 0.95) -> Line:
    w = 14.0 * len(text)
    return Line(text=text, confidence=conf, polygon=[(x, y), (x + w, y), (x + w, y + h), (x, y + h)],
                char_confidences=[conf] * len(text))


def _page(lines: list[Line]) -> Page:
    return Page(source=SourceInfo(path="mem.png", width=2000, height=3000), lines=lines)


def _fields(page: Page, doc_type: str = "gcn_2009_2014") -> dict:
    template = template_for(doc_type)
    assert template is not None
    return {f.path: f for f in extract_fields(page, template, create_backend("fake", Settings()), Settings())}


def test_a_parcel_table_is_read_when_ocr_garbles_the_parcel_header() -> None:
    lines = [
        _line("a) Địa chỉ: Thôn Cầu Văn, xã Quảng Định, huyện Quảng Xương, tỉnh Thanh Hóa", 150, 250),
        _line("b) Hình thức sử dụng: Sử dụng riêng", 150, 340),
        _line("d) Gồm 2 thửa đất như sau:", 150, 430),
        _line("Thủửa", 185, 490), _line("Tờ, bản", 329, 487), _line("Diện tích", 492, 488),
        _line("Mục đích", 765, 488), _line("_Thời hạn", 1072, 487),
        _line("đất số", 179, 518), _line("_đồ số", 340, 515), _line("_m2)_", 531, 520),
        _line("551", 199, 566), _line("01", 366, 565), _line("197,7", 525, 566), _line("NTS", 806, 567),
        _line("2055", 1109, 567),
        _line("92", 207, 615), _line("47", 366, 615), _line("773,7", 525, 615), _line("HNK", 802, 615),
        _line("2073", 1109, 617),
        _line("2. Nhà ở: -/-", 121, 921),
    ]
    fields = _fields(_page(lines))
    assert fields["thua_dat[0].so_thua"].value == "551"
    assert fields["thua_dat[1].so_thua"].value == "92"
    assert fields["thua_dat[1].dien_tich"].value == 773.7
    assert fields["thua_dat[1].so_to_ban_do"].value == "47"
    assert fields["thua_dat[1].hinh_thuc_su_dung"].value == "Sử dụng riêng"  # printed once above the table
