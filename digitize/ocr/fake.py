"""A backend that reads the ground-truth sidecar instead of the pixels.

For fast, deterministic tests of everything after OCR.  It maps the truth lines (on the
original image) onto the processed page through the page's transforms, so layout and
extraction see exactly what a perfect OCR engine would report.
"""

from __future__ import annotations

from digitize.config import Settings
from digitize.errors import InputError
from digitize.model import Line, Page, Reading, TextKind, nfc
from digitize.ocr.base import OcrBackend
from digitize.truth import load_page_truth


def _iou(a: tuple[float, float, float, float], b: tuple[float, float, float, float]) -> float:
    ix = max(0.0, min(a[2], b[2]) - max(a[0], b[0]))
    iy = max(0.0, min(a[3], b[3]) - max(a[1], b[1]))
    inter = ix * iy
    union = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter
    return inter / union if union > 0 else 0.0


class FakeBackend(OcrBackend):
    """Perfect OCR from ``<stem>.gt.json``; lines covered by damage are left out."""

    name = "fake"

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.load_seconds = 0.0

    def read_page(self, page: Page) -> list[Line]:
        truth = load_page_truth(page.source.path, page.source.page_index, page.source.page_count)
        if truth is None:
            raise InputError(f"{page.source.path}: the fake backend needs a ground-truth sidecar (.gt.json)")
        lines = []
        for t in truth.lines:
            if t.occluded or not t.text.strip():
                continue
            polygon = page.from_original(t.polygon) if page.transforms else list(t.polygon)
            text = nfc(t.text)
            lines.append(Line(text=text, confidence=0.99, polygon=polygon, char_confidences=[0.99] * len(text),
                              engine="fake"))
        return lines

    def reread(self, page: Page, lines: list[Line], kind: TextKind) -> list[Reading | None]:
        # The second reader agrees with the first, as two perfect readers would.
        return [Reading(engine=f"fake_{kind}", text=line.text, confidence=0.99) for line in lines]
