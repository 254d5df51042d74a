"""Where a value or a code lies on the page: regions of the processed page and the original image.

Shared by the extractors of every document family and by :mod:`digitize.layout.extract`:
a span's box on the original image, the share of it on missing paper, and QR codes decoded
in a region of the page.
"""

from __future__ import annotations

import numpy as np

from digitize.fields.qr import decode_qr
from digitize.layout.reading import Span, TextStream, piece_polygon
from digitize.model import Page


def span_region(page: Page, stream: TextStream, span: Span) -> tuple[list[float] | None, list[tuple[float, float]]]:
    """Box [x0, y0, x1, y1] and quad of a span on the ORIGINAL image."""
    points: list[tuple[float, float]] = []
    for li, a, b in span.pieces:
        points.extend(piece_polygon(stream.lines[li], a, b))
    if not points:
        return None, []
    original = page.to_original(points) if page.transforms else points
    arr = np.asarray(original, dtype=float)
    x0, y0 = arr.min(axis=0)
    x1, y1 = arr.max(axis=0)
    box = [float(x0), float(y0), float(x1), float(y1)]
    if len(span.pieces) == 1:
        return box, list(original)
    return box, [(box[0], box[1]), (box[2], box[1]), (box[2], box[3]), (box[0], box[3])]


def damaged_share(page: Page, stream: TextStream, span: Span) -> float:
    """Share of a span's region (processed page coordinates) lying on missing paper."""
    mask = page.damage_mask
    if mask is None or not span.pieces:
        return 0.0
    import cv2

    region = np.zeros(mask.shape[:2], np.uint8)
    for li, a, b in span.pieces:
        poly = np.asarray(piece_polygon(stream.lines[li], a, b), np.int32)
        cv2.fillPoly(region, [poly], 255)
    area = int(np.count_nonzero(region))
    if area == 0:
        return 0.0
    return float(np.count_nonzero((region > 0) & (mask > 0))) / area


def qr_region_box(page: Page, fraction_x: float, fraction_y: float,
                  corner: str = "top_right") -> tuple[int, int, int, int] | None:
    """A region of the processed page image, as (x0, y0, x1, y1)."""
    image = page.color_image if page.color_image is not None else page.image
    if image is None:
        return None
    h, w = image.shape[:2]
    if corner == "top_right":
        return int(w * (1 - fraction_x)), 0, w, int(h * fraction_y)
    return 0, 0, w, h


def decode_region(page: Page, region: tuple[int, int, int, int]) -> list[tuple[str, list[float]]]:
    """QR payloads decoded in a region, with their boxes on the ORIGINAL image."""
    image = page.image if page.image is not None else page.color_image
    if image is None:
        return []
    x0, y0, x1, y1 = region
    found = []
    for code in decode_qr(image[y0:y1, x0:x1]):
        points = [(float(x + x0), float(y + y0)) for x, y in code.corners]
        original = page.to_original(points) if page.transforms else points
        xs, ys = [p[0] for p in original], [p[1] for p in original]
        found.append((code.text, [min(xs), min(ys), max(xs), max(ys)]))
    return found
