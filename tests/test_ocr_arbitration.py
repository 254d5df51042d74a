"""Lines Tesseract reads badly are read by asterocr too; the better reading wins."""

from __future__ import annotations

import numpy as np
import pytest

from digitize.model import Line, Page, Reading, SourceInfo
from digitize.ocr import default as default_backend
from digitize.ocr.default import DefaultBackend, reading_quality


def test_reading_quality_sees_garbage_inside_words() -> None:
    clean = reading_quality("Ông (bà): Phạm Ngọc Hạnh", 0.9)
    garbled = reading_quality("Ông 0à): 2Ø. Hữu Kim Phong -", 0.9)
    assert clean > 0.9 > garbled
    assert reading_quality("12/03/2020 1.342,0", 0.5) == 1.0  # numbers only: not arbitrated
    assert reading_quality("CMND số 012345678", 0.9) > 0.9  # abbreviations and numbers are fine


def _line(text: str, y: float) -> Line:
    return Line(text=text, confidence=0.9, engine="tesseract",
                polygon=[(10, y), (300, y), (300, y + 20), (10, y + 20)])


def test_the_better_reading_of_a_weak_line_wins_and_the_other_is_kept(monkeypatch: pytest.MonkeyPatch) -> None:
    backend = DefaultBackend.__new__(DefaultBackend)
    backend.text_reader = object()  # type: ignore[assignment]
    asked: list[str] = []

    def fake_reread(self: object, page: Page, lines: list[Line], kind: str) -> list[Reading | None]:
        asked.extend(ln.text for ln in lines)
        return [Reading(engine="asterocr", text="Ông (bà): Phạm Ngọc Hạnh", confidence=0.95) for _ in lines]

    monkeypatch.setattr(default_backend._DetectingBackend, "reread", fake_reread)
    page = Page(source=SourceInfo(path="mem.png"), image=np.full((100, 400), 255, np.uint8))
    good = _line("Giấy chứng nhận quyền sử dụng đất", 10)
    weak = _line("_ Ông Đầ)...2/grp MgọC //Ø0/—", 50)
    out = backend._arbitrate(page, [good, weak])
    assert asked == [weak.text]  # a line that reads well is not read twice
    assert out[0] == good
    assert out[1].text == "Ông (bà): Phạm Ngọc Hạnh" and out[1].engine == "asterocr"
    assert out[1].alternatives[-1].engine == "tesseract" and out[1].alternatives[-1].text == weak.text
