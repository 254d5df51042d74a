"""Damage: where paper is missing (torn edges, cut corners, holes) on the rectified page.

After rectification the page fills the image, so missing paper shows whatever was behind
it: the table, the scanner lid.  Those pixels differ in colour from the paper (measured at
the page centre, with ink wiped out), and they are reached from the page's edge (a tear,
a cut corner) or, for holes, match the colour seen OUTSIDE the document in the photo.
Regions on missing paper must never be read as values: :func:`damaged_fraction_in`
lets field extraction mark such fields ``unreadable``.
"""

from __future__ import annotations

import cv2
import numpy as np

from digitize.model import Page
from digitize.preprocess.geometry import to_bgr


def _lab(image: np.ndarray) -> np.ndarray:
    return cv2.cvtColor(image, cv2.COLOR_BGR2LAB).astype(np.float32)


def background_colour(image: np.ndarray, quad: np.ndarray | None) -> np.ndarray | None:
    """Median BGR colour of the photo outside the document quad, or None."""
    if quad is None:
        return None
    h, w = image.shape[:2]
    inside = np.zeros((h, w), np.uint8)
    cv2.fillPoly(inside, [np.round(np.asarray(quad)).astype(np.int32)], 255)
    step = max(1, int(max(h, w) // 300))  # a median needs a sample, not every pixel
    outside = image[::step, ::step][inside[::step, ::step] == 0]
    if len(outside) < 0.02 * (h // step) * (w // step):
        return None
    return np.median(outside.reshape(-1, 3), axis=0)


def damage_mask(
    page_bgr: np.ndarray,
    background_bgr: np.ndarray | None = None,
    min_area: float = 0.0015,
    min_distance: float = 22.0,
    interior_holes: bool = True,
) -> np.ndarray:
    """uint8 mask (255 = missing paper) for a rectified page image at any resolution."""
    img = to_bgr(page_bgr)
    h, w = img.shape[:2]
    mask = np.zeros((h, w), np.uint8)
    if min(h, w) < 16:
        return mask
    k = max(3, int(min(h, w) * 0.015) | 1)
    closed = cv2.morphologyEx(img, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_RECT, (k, k)))
    lab = _lab(closed)
    cy0, cy1, cx0, cx1 = int(h * 0.3), int(h * 0.7), int(w * 0.3), int(w * 0.7)
    paper = np.median(lab[cy0:cy1:2, cx0:cx1:2].reshape(-1, 3), axis=0)
    dist = np.sqrt(((lab - paper) ** 2).sum(axis=2))
    if background_bgr is not None:
        bg_lab = _lab(np.asarray(background_bgr, np.uint8).reshape(1, 1, 3)).reshape(3)
        sep = float(np.sqrt(((bg_lab - paper) ** 2).sum()))
        if sep < min_distance:  # background looks like paper: cannot tell missing from present
            return mask
        dist_bg = np.sqrt(((lab - bg_lab) ** 2).sum(axis=2))
        # close to the table's colour, not merely far from the paper's (glare, shadow, a
        # photo on an ID card are far from the paper too, but they are not holes)
        candidate = (dist > min_distance) & (dist_bg < dist) & (dist_bg < 0.6 * sep)
    else:
        candidate = dist > max(min_distance, 2.0 * float(np.percentile(dist[::3, ::3], 50)) + 8.0)
    cand = cv2.morphologyEx(candidate.astype(np.uint8) * 255, cv2.MORPH_OPEN, np.ones((3, 3), np.uint8))
    n, labels, stats, _ = cv2.connectedComponentsWithStats(cand, connectivity=8)
    border = max(2, int(0.004 * max(h, w)))
    for i in range(1, n):
        x, y, bw, bh, area = stats[i]
        if area < min_area * h * w:
            continue
        touches = x <= border or y <= border or x + bw >= w - border or y + bh >= h - border
        # A thin sliver along a whole side is the quad being a pixel or two off, not a tear.
        if touches and (min(bw, bh) < 0.01 * min(h, w)):
            continue
        if touches or (interior_holes and background_bgr is not None):
            mask[labels == i] = 255
    return mask


def damaged_fraction_in(page: Page, box: list[float] | tuple[float, float, float, float],
                        on_original: bool = True) -> float:
    """Fraction of ``box`` [x0, y0, x1, y1] that lies on missing paper (0 if unknown).

    ``on_original``: the box is on the ORIGINAL image (as ``Field.box``), else on the
    processed page.  Field extraction marks a field ``unreadable`` above ~0.3.
    """
    if page.damage_mask is None or not page.damage_mask.any():
        return 0.0
    x0, y0, x1, y1 = (float(v) for v in box)
    corners = [(x0, y0), (x1, y0), (x1, y1), (x0, y1)]
    pts = np.asarray(page.from_original(corners) if on_original else corners, dtype=np.float64)
    m = page.damage_mask
    poly = np.zeros_like(m)
    cv2.fillPoly(poly, [np.round(pts).astype(np.int32)], 255)
    area = int(np.count_nonzero(poly))
    if area == 0:
        return 0.0
    return float(np.count_nonzero((poly > 0) & (m > 0))) / area
