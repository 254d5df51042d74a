"""The 2024 serial found by its shape anywhere on the page, bottom left first."""

from __future__ import annotations

from typing import Any

from digitize.config import Settings
from digitize.layout.extract import extract_fields
from digitize.layout.template import template_for
from digitize.model import Line, Page, SourceInfo
from digitize.ocr.base import create_backend


def _line(text: str, x: float, y: float) -> Line:
    w = 14.0 * len(text)
    return Line(text=text, confidence=0.95, polygon=[(x, y), (x + w, y), (x + w, y + 30), (x, y + 30)],
                char_confidences=[0.95] * len(text))


def _fields(lines: list[Line]) -> dict[str, Any]:
    template = template_for("gcn_2024")
    assert template is not None
    page = Page(source=SourceInfo(path="mem.png", width=2000, height=3000), lines=lines)
    return {f.path: f for f in extract_fields(page, template, create_backend("fake", Settings()), Settings())}


_BODY = [
    _line("GIẤY CHỨNG NHẬN QUYỀN SỬ DỤNG ĐẤT, QUYỀN SỞ HỮU TÀI SẢN GẮN LIỀN VỚI ĐẤT", 100, 100),
    _line("1. Người sử dụng đất, chủ sở hữu tài sản gắn liền với đất", 100, 300),
    _line("2. Thông tin thửa đất", 100, 600),
]


def test_serial_joined_to_the_foot_line_with_a_space_in_its_digits() -> None:
    fields = _fields([*_BODY, _line("AA 0247 1936 Thông tin chi tiết được thể hiện tại mã QR.", 100, 2000)])
    assert fields["so_phat_hanh"].value == "AA 02471936"
    assert any("by its shape" in r and "bottom left" in r for r in fields["so_phat_hanh"].reasons)


def test_the_bottom_left_one_wins_over_a_code_of_the_same_shape_elsewhere() -> None:
    # the other code is lower on the page, but on the right
    fields = _fields([*_BODY, _line("Xem AA 02471936", 100, 2000), _line("Trang 1", 1400, 2000),
                      _line("Tham chiếu: BX 11112222 (hồ sơ)", 1200, 2400)])
    assert fields["so_phat_hanh"].value == "AA 02471936"


def test_a_serial_alone_on_its_line_is_still_found_by_the_template() -> None:
    fields = _fields([*_BODY, _line("AA 02471936", 100, 2000)])
    assert fields["so_phat_hanh"].value == "AA 02471936"
    assert not any("by its shape" in r for r in fields["so_phat_hanh"].reasons)


def test_no_serial_is_made_from_longer_codes_or_lower_case_words() -> None:
    fields = _fields([*_BODY, _line("Mã Giấy chứng nhận: 123456789012", 1200, 150),
                      _line("ab 12345678 và CCCD số 001085012345", 100, 2000)])
    assert "so_phat_hanh" not in fields
