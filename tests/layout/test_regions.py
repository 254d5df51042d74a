"""Regions of the page: span boxes on the original image, QR regions."""

from __future__ import annotations

import numpy as np

from digitize.layout.reading import TextStream
from digitize.layout.regions import damaged_share, decode_region, qr_region_box, span_region
from digitize.model import Line, Page, SourceInfo


def _line(text: str, x: float, y: float, h: float = 30.0) -> Line:
    w = 10.0 * len(text)
    return Line(text=text, confidence=0.9, polygon=[(x, y), (x + w, y), (x + w, y + h), (x, y + h)],
                char_confidences=[0.9] * len(text))


def test_a_span_box_covers_its_characters_only() -> None:
    stream = TextStream.from_lines([_line("Số: 12345", 100, 50)])
    page = Page(source=SourceInfo(path="mem.png", width=400, height=200), lines=stream.lines)
    start = stream.text.index("12345")
    box, quad = span_region(page, stream, stream.span(start, start + 5))
    assert box is not None and 100 < box[0] < box[2] <= 190 and box[1] == 50 and box[3] == 80
    assert len(quad) == 4
    assert damaged_share(page, stream, stream.span(start, start + 5)) == 0.0  # no damage mask


def test_the_qr_region_is_the_top_right_corner() -> None:
    page = Page(source=SourceInfo(path="mem.png"), image=np.full((1000, 2000, 3), 255, np.uint8))
    assert qr_region_box(page, 0.35, 0.25) == (1300, 0, 2000, 250)
    assert qr_region_box(Page(source=SourceInfo(path="mem.png")), 0.35, 0.25) is None
    assert decode_region(page, (0, 0, 2000, 1000)) == []  # a blank page holds no code
