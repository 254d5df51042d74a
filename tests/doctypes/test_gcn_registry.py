"""The registry number beside its label, and one reading of it never extracted (issue 12, item 3)."""

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


def _fields(lines: list[Line], doc_type: str = "gcn_2024") -> dict[str, Any]:
    template = template_for(doc_type)
    assert template is not None
    page = Page(source=SourceInfo(path="mem.png", width=2000, height=3000), lines=lines)
    return {f.path: f for f in extract_fields(page, template, _OneReader(Settings()), Settings())}


def test_handwritten_number_above_its_label_line_is_taken_not_the_serial_below() -> None:
    # The hand wrote the number a little above the printed line: the detector makes two rows,
    # and the serial printed under the label comes next in reading order.
    lines = [
        _line("CN 40612", 560, 2478),
        _line("Số vào sổ cấp GCN:", 200, 2500),
        _line("BX 51700324", 200, 2600),
    ]
    fields = _fields(lines)
    assert fields["so_vao_so"].value == "CN40612"
    assert any("beside its label" in r for r in fields["so_vao_so"].reasons)
    assert fields["so_vao_so"].status == FieldStatus.NEEDS_REVIEW  # one reading of a handwritten value


def test_a_registry_number_on_its_label_line_on_one_reading_goes_to_review() -> None:
    fields = _fields([_line("Số vào sổ cấp GCN: CS 05494", 200, 2500)], "gcn_2009_2014")
    assert fields["so_vao_so"].value == "CS05494"
    assert fields["so_vao_so"].status == FieldStatus.NEEDS_REVIEW
