"""The place/date line found by its shape; handwritten or one-reader values go to review."""

from __future__ import annotations

from typing import Any

from digitize.config import Settings
from digitize.layout.extract import extract_fields
from digitize.layout.template import template_for
from digitize.model import FieldStatus, Line, Page, SourceInfo
from digitize.ocr.base import create_backend


def _line(text: str, x: float, y: float, conf: float = 0.95) -> Line:
    w = 14.0 * len(text)
    return Line(text=text, confidence=conf, polygon=[(x, y), (x + w, y), (x + w, y + 30), (x, y + 30)],
                char_confidences=[conf] * len(text))


class _OneReader(type(create_backend("fake", Settings()))):  # type: ignore[misc]
    """A backend whose second reader reads nothing: every value has one reading."""

    def reread(self, page: Page, lines: list[Line], kind: str) -> list[None]:
        return [None for _ in lines]


def _fields(lines: list[Line], doc_type: str = "gcn_2024", one_reader: bool = False) -> dict[str, Any]:
    template = template_for(doc_type)
    assert template is not None
    page = Page(source=SourceInfo(path="mem.png", width=2000, height=3000), lines=lines)
    backend = _OneReader(Settings()) if one_reader else create_backend("fake", Settings())
    return {f.path: f for f in extract_fields(page, template, backend, Settings())}


def test_dotted_handwritten_date_and_its_place() -> None:
    fields = _fields([_line("Bắc Ninh, ngày ..14.. tháng ..7.. năm 2025", 900, 400)])
    assert fields["ngay_cap"].value == "2025-07-14"
    assert fields["noi_cap"].value == "Bắc Ninh"


def test_a_handwritten_date_on_one_reading_goes_to_review() -> None:
    fields = _fields([_line("Bắc Ninh, ngày ..14.. tháng ..7.. năm 2025", 900, 400)], one_reader=True)
    assert fields["ngay_cap"].value == "2025-07-14"
    assert fields["ngay_cap"].status == FieldStatus.NEEDS_REVIEW


def test_an_unreadable_day_is_never_invented() -> None:
    fields = _fields([_line("Quảng Ninh, ngày ..ấy.. tháng .3. năm 2016", 900, 400)], "gcn_2009_2014")
    assert fields["ngay_cap"].value is None
    assert fields["ngay_cap"].status == FieldStatus.UNREADABLE
    assert any("year 2016 printed" in r for r in fields["ngay_cap"].reasons)
    assert fields["noi_cap"].value == "Quảng Ninh"


def test_garbled_date_words_and_a_misspelt_place() -> None:
    fields = _fields([_line("Bắc Nình, ngảy 14 thảng 7 nǎm 2025", 900, 400)])
    assert fields["ngay_cap"].value == "2025-07-14"
    assert fields["noi_cap"].value == "Bắc Ninh"  # put right against the gazetteer


def test_a_date_in_a_value_is_not_the_date_line() -> None:
    fields = _fields([_line("e) Thời hạn sử dụng: Đến ngày 15 tháng 10 năm 2063", 100, 100)], "gcn_2009_2014")
    assert "noi_cap" not in fields and "ngay_cap" not in fields


def test_registry_number_on_one_reading_is_never_extracted() -> None:
    lines = [_line("Số vào sổ cấp GCN: CS 05494", 100, 900, conf=0.99)]
    one = _fields(lines, "gcn_2009_2014", one_reader=True)["so_vao_so"]
    assert one.value == "CS05494" and one.status == FieldStatus.NEEDS_REVIEW
    two = _fields(lines, "gcn_2009_2014")["so_vao_so"]  # a second reader agrees
    assert two.value == "CS05494" and two.status == FieldStatus.EXTRACTED


def test_a_registry_number_written_over_dotted_leaders_is_read_and_reviewed() -> None:
    lines = [_line("Số vào sổ cấp GCN: ....CH 02719....", 100, 900, conf=0.99)]
    field = _fields(lines, "gcn_2009_2014", one_reader=True)["so_vao_so"]
    assert field.value == "CH02719" and field.status == FieldStatus.NEEDS_REVIEW


def test_an_unreadable_year_still_gives_the_place_and_no_date() -> None:
    fields = _fields([_line("Hải Dương, ngày 02 thủng 12 nàn: —'2.:4", 900, 400)])
    assert fields["noi_cap"].value == "Hải Dương"
    assert fields["ngay_cap"].value is None and fields["ngay_cap"].status == FieldStatus.UNREADABLE


def test_the_date_line_normaliser_reads_a_second_readers_plain_date() -> None:
    from digitize.layout.values import normalize

    got = normalize("date_line", "14/03/2016")
    assert got is not None and got.value == "2016-03-14"
    dotted = normalize("date_line", "ngày ..14.. tháng ..7.. năm 2025")
    assert dotted is not None and dotted.value == "2025-07-14" and dotted.score < 1.0
    assert normalize("date_line", "ngày ..A.. tháng ..7.. năm 2025") is None


def test_a_date_line_split_by_handwriting_is_put_together() -> None:
    # The handwritten day raised one piece: the detector returns two lines, in two rows of the
    # reading order, and OCR lost the word "ngày".
    lines = [_line("7 tháng 3 năm 2019", 1150, 392), _line("Hà Tĩnh. ::", 900, 404)]
    fields = _fields(lines, "gcn_2009_2014", one_reader=True)
    assert fields["noi_cap"].value == "Hà Tĩnh"
    assert fields["ngay_cap"].value is None  # no "ngày": the day is not told apart, nothing invented
    assert any("year 2019 printed" in r for r in fields["ngay_cap"].reasons)


def test_garbled_date_words_on_two_pieces() -> None:
    lines = [_line("Kim Bảng, ngỏ", 900, 400), _line("ng „_ năm 2020", 1120, 396)]
    fields = _fields(lines, "gcn_2009_2014", one_reader=True)
    assert fields["noi_cap"].value == "Kim Bảng"
    assert fields["ngay_cap"].status != FieldStatus.EXTRACTED


def test_a_row_whose_start_is_no_place_is_not_a_date_line() -> None:
    lines = [_line("Ghi chú, cấp đổi năm 2019", 900, 400)]
    fields = _fields(lines, "gcn_2009_2014", one_reader=True)
    assert "noi_cap" not in fields or fields["noi_cap"].value is None
