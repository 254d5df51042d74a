"""The OCR's last word on orientation (digitize.ocr.orientation.read_upright)."""

from __future__ import annotations

import numpy as np

from digitize.model import Line, Page, SourceInfo
from digitize.ocr.base import OcrBackend
from digitize.ocr.orientation import read_upright


def _line(text: str, y: float, confidence: float) -> Line:
    return Line(text=text, confidence=confidence,
                polygon=[(10, y), (10 + 12 * len(text), y), (10 + 12 * len(text), y + 20), (10, y + 20)])


class _ReadsUprightOnly(OcrBackend):
    """Reads good Vietnamese when the page has not been turned, garbage when it has."""

    name = "stub"

    def read_page(self, page: Page) -> list[Line]:
        if page.transforms:
            return [_line("ʍǝ ɐɥɔ ƃunp", 10, 0.3)]
        return [_line("Giấy chứng nhận quyền sử dụng đất", 10, 0.93),
                _line("Thửa đất số 125, tờ bản đồ số 12", 40, 0.91)]


def _page(rotation: int | None) -> Page:
    return Page(source=SourceInfo(path="mem.png", width=400, height=300),
                image=np.full((300, 400), 255, np.uint8), rotation_deg=rotation)


def test_a_page_the_pipeline_could_not_orient_is_settled_when_it_reads_well() -> None:
    page, lines, notes = read_upright(_page(None), _ReadsUprightOnly())
    assert page.rotation_deg == 0
    assert len(lines) == 2 and notes and "confirmed by the OCR" in notes[0]


def test_a_page_the_pipeline_oriented_is_left_alone_when_it_reads_well() -> None:
    page, _, notes = read_upright(_page(180), _ReadsUprightOnly())
    assert page.rotation_deg == 180 and notes == []
