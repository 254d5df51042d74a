"""Values bounded by labels, not by lines: two-column rows, run-on items, wrapped values."""

from __future__ import annotations

from typing import Any

from digitize.config import Settings
from digitize.layout.extract import extract_fields
from digitize.layout.reading import TextStream
from digitize.layout.template import label_boundaries, template_for
from digitize.model import Line, Page, SourceInfo
from digitize.ocr.base import create_backend


def _line(text: str, x: float, y: float, h: float = 30.0, conf: float = 0.95) -> Line:
    w = 14.0 * len(text)
    return Line(text=text, confidence=conf, polygon=[(x, y), (x + w, y), (x + w, y + h), (x, y + h)],
                char_confidences=[conf] * len(text))


def _fields(lines: list[Line], doc_type: str) -> dict[str, Any]:
    template = template_for(doc_type)
    assert template is not None
    page = Page(source=SourceInfo(path="mem.png", width=2000, height=3000), lines=lines)
    return {f.path: f for f in extract_fields(page, template, create_backend("fake", Settings()), Settings())}


def test_a_2024_two_column_row_read_as_one_line_is_split_into_its_items() -> None:
    fields = _fields([
        _line("2. Thông tin thửa đất", 100, 40),
        _line("a. Thửa đất số: 347 ; tờ bản đồ số: 15 b. Diện tích: 96,25m²", 100, 100),
        _line("c. Loại đất: Đất ở tại đô thị (ODT) d. Thời hạn sử dụng đất: Lâu dài", 100, 160),
        _line("đ. Hình thức sử dụng: Sử dụng riêng,", 100, 220),
    ], "gcn_2024")
    assert fields["thua_dat[0].so_thua"].value == "347"
    assert fields["thua_dat[0].so_to_ban_do"].value == "15"
    assert fields["thua_dat[0].dien_tich"].value == 96.25
    assert fields["thua_dat[0].muc_dich_su_dung[0].ten"].value == "Đất ở tại đô thị"
    assert fields["thua_dat[0].muc_dich_su_dung[0].ma"].value == "ODT"
    # the right-hand item is found too, without the "đất:" of its longer label
    assert fields["thua_dat[0].thoi_han_su_dung"].value == "Lâu dài"
    assert fields["thua_dat[0].hinh_thuc_su_dung"].value == "Sử dụng riêng"


def test_right_column_item_as_its_own_line_and_trailing_punctuation_dropped() -> None:
    fields = _fields([
        _line("c. Loại đất: Đất ở tại nông thôn (ONT),", 100, 160),
        _line("d. Thời hạn sử dụng đất: Lâu dài.", 900, 162),
        _line("đ. Hình thức sử dụng: Sử dụng riêng", 100, 220),
    ], "gcn_2024")
    assert fields["thua_dat[0].muc_dich_su_dung[0].ten"].value == "Đất ở tại nông thôn"
    assert fields["thua_dat[0].thoi_han_su_dung"].value == "Lâu dài"


def test_the_term_does_not_swallow_the_origin_that_follows_on_its_line() -> None:
    fields = _fields([
        _line("e) Thời hạn sử dụng: Lâu dài. Nguồn gốc sử dụng: Nhà nước giao đất có thu tiền sử dụng đất", 100, 100),
    ], "gcn_2009_2014")
    assert fields["thua_dat[0].thoi_han_su_dung"].value == "Lâu dài"
    assert fields["thua_dat[0].nguon_goc_su_dung"].value == "Nhà nước giao đất có thu tiền sử dụng đất"


def test_a_garbled_label_with_its_item_letter_still_ends_the_value_before_it() -> None:
    fields = _fields([
        _line("c. Loại đất: Đất ở tại đô thị (ODT) d. Thời hạn sủ dụng đất: Lâu dài", 100, 160),
    ], "gcn_2024")
    assert fields["thua_dat[0].muc_dich_su_dung[0].ten"].value == "Đất ở tại đô thị"


def test_a_wrapped_value_continues_only_onto_lines_without_a_label() -> None:
    fields = _fields([
        _line("2. Thông tin thửa đất", 100, 220),
        _line("e. Địa chỉ: Số 12 đường Lý Thái Tổ, phường Suối Hoa,", 100, 280),
        _line("thành phố Bắc Ninh, tỉnh Bắc Ninh.", 100, 320),
        _line("3. Thông tin tài sản gắn liền với đất", 100, 380),
        _line("a. Tên tài sản: Nhà ở riêng lẻ b. Diện tích sử dụng: 180,5m²", 100, 420),
    ], "gcn_2024")
    assert fields["thua_dat[0].dia_chi"].value == (
        "Số 12 đường Lý Thái Tổ, phường Suối Hoa, thành phố Bắc Ninh, tỉnh Bắc Ninh")
    fields = _fields([
        _line("d) Hình thức sử dụng: Sử dụng riêng", 100, 100),
        _line("thêm chữ đ) Mục đích sử dụng: Đất ở tại nông thôn", 100, 140),
    ], "gcn_2009_2014")
    # the next line carries a label: none of it belongs to the use form
    assert fields["thua_dat[0].hinh_thuc_su_dung"].value == "Sử dụng riêng"
    assert fields["thua_dat[0].muc_dich_su_dung[0].ten"].value == "Đất ở tại nông thôn"


def test_words_of_a_label_inside_a_value_do_not_end_it() -> None:
    fields = _fields([
        _line("Ghi chú: Diện tích đất ở được công nhận theo hạn mức là 200 m2", 100, 100),
    ], "gcn_2009_2014")
    assert fields["ghi_chu"].value.startswith("Diện tích đất ở được công nhận theo hạn mức")
    assert "200" in fields["ghi_chu"].value


def test_label_boundaries_start_at_the_item_letter() -> None:
    template = template_for("gcn_2024")
    assert template is not None
    text = "c. Loại đất: Đất ở tại đô thị (ODT) d. Thời hạn sử dụng đất: Lâu dài"
    stream = TextStream.from_lines([_line(text, 100, 100)])
    starts = {b.path: b.start for b in label_boundaries(stream, template)}
    assert starts["thua_dat[0].muc_dich_su_dung"] == 0
    assert starts["thua_dat[0].thoi_han_su_dung"] == text.index("d. Thời")


def test_a_left_item_wraps_within_its_column_and_the_right_item_keeps_to_its_own() -> None:
    # "c. Loại đất" lists two land types over two rows; "d. Thời hạn" sits right of its first row
    lines = [
        _line("c. Loại đất: Đất ở tại nông thôn: 400,0 m²;", 100, 160),
        _line("d. Thời hạn sử dụng đất: Lâu dài", 900, 162),
        _line("Đất trồng cây lâu năm: 1041,9 m²", 130, 200),
        _line("đ. Hình thức sử dụng: Sử dụng riêng", 100, 240),
    ]
    fields = _fields(lines, "gcn_2024")
    assert fields["thua_dat[0].muc_dich_su_dung[0].ten"].value == "Đất ở tại nông thôn"
    assert fields["thua_dat[0].muc_dich_su_dung[1].ten"].value == "Đất trồng cây lâu năm"
    assert fields["thua_dat[0].muc_dich_su_dung[1].dien_tich"].value == 1041.9
    assert fields["thua_dat[0].thoi_han_su_dung"].value == "Lâu dài"
    # the same with the two items read as one line
    merged = [_line("c. Loại đất: Đất ở tại nông thôn: 400,0 m²; d. Thời hạn sử dụng đất: Lâu dài", 100, 160),
              *lines[2:]]
    fields = _fields(merged, "gcn_2024")
    assert fields["thua_dat[0].muc_dich_su_dung[1].dien_tich"].value == 1041.9
    assert fields["thua_dat[0].thoi_han_su_dung"].value == "Lâu dài"


def test_a_right_item_wraps_within_its_column() -> None:
    lines = [
        _line("c. Loại đất: Đất ở tại đô thị (ODT)", 100, 160),
        _line("d. Thời hạn sử dụng đất: Đất ở: Lâu dài;", 900, 162),
        _line("Đất trồng cây lâu năm: đến ngày 15/10/2063", 920, 200),
        _line("đ. Hình thức sử dụng: Sử dụng riêng", 100, 240),
    ]
    fields = _fields(lines, "gcn_2024")
    assert fields["thua_dat[0].thoi_han_su_dung"].value == "Đất ở: Lâu dài; Đất trồng cây lâu năm: đến ngày 15/10/2063"
    assert fields["thua_dat[0].muc_dich_su_dung[0].ten"].value == "Đất ở tại đô thị"


def test_2024_section_3_asset_rows_split_into_their_items() -> None:
    fields = _fields([
        _line("3. Thông tin tài sản gắn liền với đất", 100, 380),
        _line("a. Tên tài sản: Nhà ở riêng lẻ b. Diện tích sử dụng: 180,5m²", 100, 420),
        _line("c. Hình thức sở hữu: Sở hữu riêng d. Thời hạn sở hữu: -/-", 100, 460),
    ], "gcn_2024")
    assert fields["tai_san[0].loai"].value == "Nhà ở riêng lẻ"
    assert fields["tai_san[0].hinh_thuc_so_huu"].value == "Sở hữu riêng"
    assert "tai_san[0].thoi_han_so_huu" not in fields  # "-/-" is empty


def test_the_section_heading_is_not_the_asset_type_label() -> None:
    fields = _fields([_line("3. Thông tin tài sản gắn liền với đất: -/-", 100, 380),
                      _line("4. Ghi chú: -/-", 100, 420)], "gcn_2024")
    assert "tai_san[0].loai" not in fields
