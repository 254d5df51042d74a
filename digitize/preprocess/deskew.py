"""Skew estimation: how far the text lines are turned from horizontal (up to 15 degrees).

Method: projection profiles (Postl).  For a candidate angle the ink pixels are projected
onto the normal of lines at that angle; when the angle matches the text, the profile is
a comb of sharp peaks (lines) and gaps (leading), so the sum of squared bin counts is
largest.  A coarse search over +-15 degrees is refined around the best angle and
interpolated with a parabola, which gives sub-0.1-degree precision at ~1000 px.

Why not Hough or FFT (``deskew``, ``jdeskew``): on forms, ruled lines, seals and the
guilloche background produce strong spurious directions and the angle quantisation of
those methods (0.1-1 degree) is above our target.  The profile method uses every ink
pixel of every line, and it tells us when it cannot tell: a flat score curve (blank
page, photo of a wall) returns ``None``.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from digitize.preprocess.geometry import to_gray


@dataclass(frozen=True)
class SkewEstimate:
    """Result of a profile search along one axis."""

    angle: float  # CCW degrees
    peakiness: float  # normalised sharpness of the best profile (~1 = no structure)
    contrast: float  # best score / median score over the search range
    points: int


def ink_mask(gray: np.ndarray, block: int | None = None, c: float = 12.0) -> np.ndarray:
    """Dark marks on a locally lighter background (255 = ink), robust to uneven light.

    Very large components (a dark table edge, a photo background) are dropped: they
    carry no line direction and would swamp the profiles.
    """
    g = to_gray(gray)
    h, w = g.shape[:2]
    if block is None:
        block = max(15, (min(h, w) // 40) | 1)
    block = max(3, block | 1)
    # Faint texture (guilloche whose colour JPEG washed out, paper grain) is far lighter
    # than print: require a darkness of at least ~30 % of the page's ink contrast.
    sample = g[:: max(1, h // 200), :: max(1, w // 200)]
    lo, hi = np.percentile(sample, [1, 95])
    c = max(c, 0.3 * float(hi - lo))
    mask = cv2.adaptiveThreshold(g, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV, block, c)
    n, labels, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
    if n > 1:
        big = (stats[:, cv2.CC_STAT_WIDTH] > 0.5 * w) & (stats[:, cv2.CC_STAT_HEIGHT] > 0.5 * h)
        area = stats[:, cv2.CC_STAT_AREA]
        dense_big = (area > 0.02 * h * w) & (
            area > 0.5 * stats[:, cv2.CC_STAT_WIDTH] * stats[:, cv2.CC_STAT_HEIGHT]
        )
        drop = big | dense_big
        drop[0] = False
        if drop.any():
            mask[drop[labels]] = 0
    return mask


def _ink_points(mask: np.ndarray, max_points: int, seed: int = 0) -> np.ndarray:
    ys, xs = np.nonzero(mask)
    if len(xs) > max_points:
        rng = np.random.default_rng(seed)
        idx = rng.integers(0, len(xs), size=max_points)
        xs, ys = xs[idx], ys[idx]
    pts = np.stack([xs, ys], axis=1).astype(np.float32)
    return pts - pts.mean(axis=0) if len(pts) else pts


def _scores(pts: np.ndarray, angles_deg: np.ndarray, bin_px: float = 1.0) -> np.ndarray:
    """Sum of squared profile counts for each angle (points already centred)."""
    t = np.deg2rad(angles_deg.astype(np.float32))
    # A line turned CCW by t on screen (y down) has direction (cos t, -sin t);
    # its normal coordinate is x sin t + y cos t.
    proj = np.outer(np.sin(t), pts[:, 0]) + np.outer(np.cos(t), pts[:, 1])
    if bin_px != 1.0:
        proj /= bin_px
    lo = float(np.floor(proj.min()))
    nb = int(np.ceil(float(proj.max()) - lo)) + 1
    proj += (np.arange(len(angles_deg), dtype=np.float32) * nb - lo)[:, None]
    bins = proj.astype(np.int32)
    counts = np.bincount(bins.ravel(), minlength=nb * len(angles_deg)).reshape(len(angles_deg), nb)
    return (counts.astype(np.float64) ** 2).sum(axis=1)


def profile_search(
    mask: np.ndarray,
    max_angle: float = 15.0,
    coarse_step: float = 0.5,
    max_points: int = 20_000,
    coarse_points: int = 6_000,
) -> SkewEstimate | None:
    """Best line angle of an ink mask along the horizontal axis, or None without ink."""
    pts = _ink_points(mask, max_points)
    if len(pts) < 200:
        return None
    # The coarse pass only has to land within one step of the peak: fewer points do.
    coarse_pts = pts[:: max(1, len(pts) // coarse_points)]
    coarse = np.arange(-max_angle, max_angle + 1e-9, coarse_step)
    s = _scores(coarse_pts, coarse)
    angle = float(coarse[int(np.argmax(s))])
    step = coarse_step
    best_score = float(s.max())
    # Two zoom passes (x5 each), then a parabola through the peak and its neighbours.
    for _ in range(2):
        step /= 5.0
        grid = angle + np.arange(-6, 7) * step
        fs = _scores(pts, grid)
        k = int(np.argmax(fs))
        angle = float(grid[k])
        best_score = float(fs[k])
    if 0 < k < len(fs) - 1:
        y0, y1, y2 = fs[k - 1], fs[k], fs[k + 1]
        denom = y0 - 2 * y1 + y2
        if denom < 0:
            angle += float(np.clip(0.5 * (y0 - y2) / denom, -0.5, 0.5)) * step
    s = s * (len(pts) / max(len(coarse_pts), 1)) ** 2  # same scale as the fine scores
    n = float(len(pts))
    # Normalise: a structureless cloud spread over E bins scores about n^2 / E.
    t = np.deg2rad(angle)
    proj = pts[:, 0] * np.sin(t) + pts[:, 1] * np.cos(t)
    extent = max(float(np.percentile(proj, 99) - np.percentile(proj, 1)), 1.0)
    peakiness = float(best_score * extent / (n * n))
    contrast = float(best_score / max(float(np.median(s)), 1e-9))
    return SkewEstimate(angle=angle, peakiness=peakiness, contrast=contrast, points=len(pts))


def estimate_skew(
    gray: np.ndarray,
    max_angle: float = 15.0,
    min_contrast: float = 1.08,
    analysis_side: int = 1400,
) -> float | None:
    """Skew of the text lines, CCW-positive degrees in [-max_angle, max_angle], or None.

    ``None`` means "cannot tell" (too little ink, no line structure, or the best angle is
    at the edge of the search range); the caller must not correct then.
    """
    est = skew_details(gray, max_angle=max_angle, analysis_side=analysis_side)
    if est is None or est.contrast < min_contrast:
        return None
    if abs(est.angle) >= max_angle - 0.05:
        return None
    return est.angle


def skew_details(gray: np.ndarray, max_angle: float = 15.0, analysis_side: int = 1400) -> SkewEstimate | None:
    """Like :func:`estimate_skew` but returns the full estimate (for confidence decisions)."""
    g = to_gray(np.asarray(gray))
    if g.size == 0 or min(g.shape[:2]) < 16:
        return None
    if g.dtype != np.uint8:
        f = g.astype(np.float64)
        g = ((f - f.min()) * (255.0 / max(float(f.max() - f.min()), 1e-9))).astype(np.uint8)
    h, w = g.shape[:2]
    s = min(1.0, analysis_side / max(h, w))
    if s < 1.0:
        g = cv2.resize(g, (max(1, round(w * s)), max(1, round(h * s))), interpolation=cv2.INTER_AREA)
    mask = ink_mask(g)
    return profile_search(mask, max_angle=max_angle)
