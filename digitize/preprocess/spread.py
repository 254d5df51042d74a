"""Open two-page spreads: where the gutter between the facing pages is, and the crops.

Split out of :mod:`digitize.preprocess.crop` (which re-exports both functions).
"""

from __future__ import annotations

import numpy as np


def find_spread_split(mask: np.ndarray, min_aspect: float = 1.2) -> float | None:
    """x (fraction of width) of the gutter between two facing pages, or None.

    ``mask`` is the ink mask of an upright rectified image.  A spread is landscape, has ink
    on both halves, and a text-free column near the middle (the fold).
    """
    h, w = mask.shape[:2]
    if w < min_aspect * h or w < 40:
        return None
    cols = mask.sum(axis=0, dtype=np.float64) / 255.0
    k = max(3, w // 100)
    smooth = np.convolve(cols, np.ones(k) / k, mode="same")
    lo, hi = int(w * 0.38), int(w * 0.62)
    mid = smooth[lo:hi]
    if mid.size == 0:
        return None
    x = lo + int(np.argmin(mid))
    left, right = smooth[int(w * 0.08) : int(w * 0.35)], smooth[int(w * 0.65) : int(w * 0.92)]
    if left.size == 0 or right.size == 0:
        return None
    level = min(float(np.median(left)), float(np.median(right)))
    if level <= 0.002 * h or smooth[x] > 0.15 * level:
        return None
    # the empty column must be wide enough to be a gutter, not a gap between two words
    empty = smooth < 0.15 * level
    a = b = x
    while a > 0 and empty[a - 1]:
        a -= 1
    while b < w - 1 and empty[b + 1]:
        b += 1
    if b - a < 0.015 * w:
        return None
    return float((a + b) / 2.0 / w)


def split_matrices(size: tuple[int, int], split_x: float) -> list[tuple[np.ndarray, tuple[int, int]]]:
    """Translations that crop the left and right page of a spread (matrix, page size)."""
    w, h = size
    x = round(split_x * w)
    return [
        (np.eye(3), (max(1, x), h)),
        (np.array([[1.0, 0.0, -float(x)], [0.0, 1.0, 0.0], [0.0, 0.0, 1.0]]), (max(1, w - x), h)),
    ]
