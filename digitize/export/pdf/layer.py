"""The invisible text layer of one page: OCR lines placed on the ORIGINAL image.

Line polygons are in the processed page's coordinates; :meth:`Page.to_original` maps
them back to the image the user supplied.  A page whose result carries no lines (a
result written without ``--include-lines``) gets its fields' raw text at their boxes
instead, which are already on the original image.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from digitize.export.pdf.font import TextFont
from digitize.model import Document, Page, Polygon, nfc

MIN_FONT_SIZE = 0.5  # points; smaller boxes are skipped
BASELINE_RAISE = 0.2  # of the line height: the baseline sits above the box's bottom edge
MIN_HORIZONTAL_SCALE, MAX_HORIZONTAL_SCALE = 1.0, 1000.0  # percent, for Tz


@dataclass(frozen=True)
class PlacedText:
    """A text and the quad it covers on the original image (pixels: TL, TR, BR, BL)."""

    text: str
    quad: Polygon


def _quad(points: Polygon) -> Polygon:
    if len(points) == 4:
        return list(points)
    xs, ys = [p[0] for p in points], [p[1] for p in points]
    x0, y0, x1, y1 = min(xs), min(ys), max(xs), max(ys)
    return [(x0, y0), (x1, y0), (x1, y1), (x0, y1)]


def page_texts(document: Document, page_number: int) -> list[PlacedText]:
    """What to write on page ``page_number`` (0-based) of ``document``: its lines, else its fields' text."""
    page: Page = document.pages[page_number]
    placed = []
    for line in page.lines:
        text = nfc(line.text).strip()
        if text and len(line.polygon) >= 2:
            placed.append(PlacedText(text, _quad(page.to_original(line.polygon))))
    if placed:
        return placed
    for f in document.fields:
        if f.page != page_number or f.box is None:
            continue
        text = nfc(f.raw or ("" if f.value is None else str(f.value))).strip()
        if text:
            quad = _quad(f.polygon) if f.polygon else _quad([(f.box[0], f.box[1]), (f.box[2], f.box[3])])
            placed.append(PlacedText(text, quad))
    return placed


def _fmt(value: float) -> str:
    return f"{value:.3f}".rstrip("0").rstrip(".") or "0"


def text_operators(texts: list[PlacedText], font: TextFont, font_name: str, image_size: tuple[int, int],
                   page_size: tuple[float, float]) -> bytes:
    """Content-stream operators writing ``texts`` invisibly (render mode 3) over an image of ``image_size``
    pixels drawn on ``page_size`` points (origin bottom-left)."""
    width_px, height_px = image_size
    width_pt, height_pt = page_size
    sx, sy = width_pt / width_px, height_pt / height_px

    def to_pdf(point: tuple[float, float]) -> tuple[float, float]:
        return point[0] * sx, height_pt - point[1] * sy

    ops = ["BT", "3 Tr"]
    for placed in texts:
        tl, tr, br, bl = (to_pdf(p) for p in placed.quad)
        base_dx, base_dy = br[0] - bl[0], br[1] - bl[1]
        length = math.hypot(base_dx, base_dy)
        height = (math.hypot(tl[0] - bl[0], tl[1] - bl[1]) + math.hypot(tr[0] - br[0], tr[1] - br[1])) / 2
        natural = font.text_width(placed.text) / 1000.0 * height
        if length <= 0 or height < MIN_FONT_SIZE or natural <= 0:
            continue
        cos, sin = base_dx / length, base_dy / length
        x = bl[0] - sin * height * BASELINE_RAISE
        y = bl[1] + cos * height * BASELINE_RAISE
        scale = min(MAX_HORIZONTAL_SCALE, max(MIN_HORIZONTAL_SCALE, 100.0 * length / natural))
        ops.append(f"/{font_name} {_fmt(height)} Tf {_fmt(scale)} Tz "
                   f"{_fmt(cos)} {_fmt(sin)} {_fmt(-sin)} {_fmt(cos)} {_fmt(x)} {_fmt(y)} Tm "
                   f"<{font.encode(placed.text).hex()}> Tj")
    ops.append("ET")
    return ("\n".join(ops) + "\n").encode("ascii")
