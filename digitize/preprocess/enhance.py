"""Illumination and colour: even out shadows and gradients, remove colour casts, stretch contrast.

The paper is the reference: whatever colour and brightness the paper has at a point is
what light and camera did there.  A low-resolution estimate of the paper (the image with
ink removed by a grey closing, then smoothed) is divided out of every channel, so a
shadow, a lamp's warm cast and yellowing all become white paper, while ink keeps its
darkness ratio and colour relative to the paper.  The result serves both the reviewer's
colour copy and the OCR grey image.  Denoising is a light median only where the noise
measure calls for it: heavy denoisers cost more than the whole budget and blur thin
diacritics.
"""

from __future__ import annotations

import cv2
import numpy as np

from digitize.preprocess.geometry import to_bgr


def _paper_estimate(channel: np.ndarray, factor: int) -> np.ndarray:
    """Smooth estimate of the paper under one channel, at 1/``factor`` resolution."""
    h, w = channel.shape[:2]
    small = cv2.resize(channel, (max(1, w // factor), max(1, h // factor)), interpolation=cv2.INTER_LINEAR)
    sh, sw = small.shape[:2]
    # Closing (max then min) wipes ink strokes thinner than the kernel.
    k = max(3, int(min(sh, sw) * 0.04) | 1)
    bg = cv2.morphologyEx(small, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (k, k)))
    bg = cv2.GaussianBlur(bg, (0, 0), max(1.0, k / 2.0))
    return bg


def flatten_illumination(image: np.ndarray, factor: int = 8, target: float = 245.0) -> np.ndarray:
    """Divide each channel by its paper estimate: shadows, gradients and colour casts go.

    Works on BGR (per channel, which also white-balances) or grey.  ``target`` is the
    brightness the paper gets (a little below 255 so faint ink keeps some room).
    """
    img = np.asarray(image)
    if img.size == 0 or min(img.shape[:2]) < 8:
        return img.copy()
    channels = cv2.split(img) if img.ndim == 3 else [img]
    out = []
    h, w = img.shape[:2]
    for ch in channels:
        bg = _paper_estimate(ch, factor)
        bg = cv2.resize(bg, (w, h), interpolation=cv2.INTER_LINEAR)
        # cv2.divide with scale: ch * target / bg, saturating (paper -> target)
        out.append(cv2.divide(ch, np.maximum(bg, 1).astype(bg.dtype), scale=target))
    return cv2.merge(out) if img.ndim == 3 else out[0]


def stretch_contrast(gray: np.ndarray, low_pct: float = 0.5, high_pct: float = 99.0) -> np.ndarray:
    """Linear stretch so the darkest ink is near black and the paper near white."""
    g = np.asarray(gray)
    if g.size == 0:
        return g.copy()
    sample = g[:: max(1, g.shape[0] // 300), :: max(1, g.shape[1] // 300)]
    lo, hi = np.percentile(sample, [low_pct, high_pct])
    if hi - lo < 10:  # nothing to stretch (blank page): leave it alone
        return g.copy()
    lut = np.clip((np.arange(256, dtype=np.float32) - lo) * (255.0 / (hi - lo)), 0, 255).astype(np.uint8)
    return cv2.LUT(g, lut)


def noise_level(gray: np.ndarray) -> float:
    """Robust noise sigma (grey levels) from the median absolute Laplacian (Immerkaer-like)."""
    g = np.asarray(gray, dtype=np.float32)
    if g.size == 0 or min(g.shape[:2]) < 3:
        return 0.0
    lap = cv2.Laplacian(g, cv2.CV_32F, ksize=1)
    return float(np.median(np.abs(lap)) * 1.4826 / 2.0)


def denoise(gray: np.ndarray, noise: float | None = None, threshold: float = 6.0) -> np.ndarray:
    """A 3x3 median when the image is noisy (``noise`` above ``threshold``); else unchanged."""
    n = noise_level(gray) if noise is None else noise
    if n < threshold:
        return gray
    return cv2.medianBlur(gray, 3)


def enhance_colour(image: np.ndarray) -> np.ndarray:
    """The reviewer's colour copy: even light, neutral paper, colours kept."""
    return flatten_illumination(to_bgr(image))
