"""Capture quality: can the collector keep this photo, or should they retake it now?

Each measurement is cheap (it runs on the ~1000 px analysis copy) and relative to the
text, not to the image, so the thresholds hold from a 540x960 phone picture to a 600 dpi
scan:

* ``reblur``: the no-reference blur measure of Crété-Roffet (0 sharp .. 1 blurred), which
  decides the ``blurry`` flag; ``blur_sigma_px`` (edge contrast over peak gradient) is
  reported for information.
* ``text_height_px``: median height of letter-sized ink components, in ORIGINAL pixels
  (what the collector controls by moving closer).
* ``glare_fraction``: share of the page in large blown-out (near-white, flat) blobs.
* ``paper_brightness``: how light the paper is before correction (too dark below ~70).
* ``cut_off``: a document corner outside the frame.
"""

from __future__ import annotations

import math

import cv2
import numpy as np

from digitize.model import Quality
from digitize.preprocess.deskew import ink_mask
from digitize.preprocess.geometry import to_gray

MESSAGES: dict[str, tuple[str, str]] = {
    "blurry": ("Ảnh bị mờ, chữ không rõ. Giữ chắc máy, lấy nét rồi chụp lại.",
               "The photo is blurred. Hold the phone steady, focus and retake it."),
    "glare": ("Ảnh bị lóa sáng trên giấy. Đổi góc chụp hoặc tắt đèn flash rồi chụp lại.",
              "Glare on the paper. Change the angle or turn off the flash and retake it."),
    "text_too_small": ("Chữ quá nhỏ. Đưa máy lại gần giấy tờ hơn rồi chụp lại.",
                       "The text is too small. Move closer to the document and retake it."),
    "cut_off": ("Giấy tờ bị cắt mất một phần. Chụp lại để thấy đủ bốn góc.",
                "Part of the document is cut off. Retake it with all four corners visible."),
    "too_dark": ("Ảnh quá tối. Chụp ở nơi đủ sáng.",
                 "The photo is too dark. Retake it in better light."),
    "low_contrast": ("Chữ quá nhạt so với nền. Chụp lại ở nơi đủ sáng, không bị lóa.",
                     "The text is too faint against the paper. Retake it in even light."),
    "no_document_found": ("Không tìm thấy mép giấy tờ; đã dùng toàn bộ ảnh.",
                          "No document edges were found; the whole image was used."),
    "no_text": ("Không thấy chữ trên trang này. Kiểm tra lại ảnh hoặc mặt giấy.",
                "No text was found on this page. Check the photo or the side photographed."),
    "damaged": ("Giấy tờ bị rách hoặc mất góc; các ô nằm trên phần bị mất sẽ không đọc được.",
                "The document is torn or missing a corner; fields on the missing part cannot be read."),
}

RETAKE_FLAGS = frozenset({"blurry", "glare", "text_too_small", "cut_off", "too_dark", "low_contrast"})


def text_height(mask: np.ndarray) -> float | None:
    """Median height (px) of letter-like ink components, or None if there are too few."""
    n, _, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
    if n < 12:
        return None
    hs = stats[1:, cv2.CC_STAT_HEIGHT].astype(float)
    ws = stats[1:, cv2.CC_STAT_WIDTH].astype(float)
    area = stats[1:, cv2.CC_STAT_AREA].astype(float)
    h, w = mask.shape[:2]
    letter = (hs >= 3) & (hs < 0.1 * h) & (ws < 0.2 * w) & (ws < 4 * hs) & (area >= 4)
    if letter.sum() < 10:
        return None
    return float(np.median(hs[letter]))


def blur_sigma(gray: np.ndarray, mask: np.ndarray) -> float | None:
    """Gaussian-equivalent blur (px) of ink edges, or None without enough edges."""
    g = cv2.GaussianBlur(gray.astype(np.float32), (3, 3), 0.6)
    gx = np.asarray(cv2.Sobel(g, cv2.CV_32F, 1, 0, ksize=3), np.float32) / np.float32(8.0)
    gy = np.asarray(cv2.Sobel(g, cv2.CV_32F, 0, 1, ksize=3), np.float32) / np.float32(8.0)
    mag = cv2.magnitude(gx, gy)
    k = np.ones((9, 9), np.uint8)
    hi = cv2.dilate(g, k)
    lo = cv2.erode(g, k)
    contrast = hi - lo
    near_ink = cv2.dilate(mask, np.ones((3, 3), np.uint8)) > 0
    peak = mag >= cv2.dilate(mag, np.ones((3, 3), np.uint8)) - 1e-3
    sel = near_ink & peak & (contrast > 40) & (mag > 2)
    if sel.sum() < 200:
        return None
    ratio = contrast[sel] / (mag[sel] * math.sqrt(2 * math.pi))
    # Slightly above the median: edges are blurred unevenly, and the worst matter.
    sigma = float(np.percentile(ratio, 60))
    # Remove the smoothing we added (0.6) and the pixel footprint (~0.5) in quadrature.
    return max(0.0, math.sqrt(max(sigma * sigma - 0.6 * 0.6 - 0.5 * 0.5, 0.0)))


def reblur_score(gray: np.ndarray) -> float:
    """0 (sharp) .. 1 (blurred): how little a further 9-px blur changes the edges.

    Crété-Roffet et al. (2007): a sharp image loses much of its pixel-to-pixel variation
    when blurred again, a blurred one hardly any.  Measured at the ~1000 px analysis size.
    """
    g = gray.astype(np.float32)
    scores = []
    for axis, k in ((0, (1, 9)), (1, (9, 1))):
        b = cv2.blur(g, k[::-1] if axis == 0 else k)
        dg = np.abs(np.diff(g, axis=axis))
        db = np.abs(np.diff(b, axis=axis))
        v = np.maximum(0.0, dg - db)
        scores.append(1.0 - float(v.sum()) / max(float(dg.sum()), 1e-6))
    return max(scores)


def glare_fraction(bgr: np.ndarray, page_mask: np.ndarray | None = None) -> float:
    """Share of the page in blown-out blobs (near-white in every channel, >= 0.1 % each)."""
    white = bgr >= 250 if bgr.ndim == 2 else np.all(bgr >= 248, axis=2)
    region = page_mask > 0 if page_mask is not None else np.ones(white.shape, bool)
    white &= region
    total = int(region.sum())
    if total == 0 or not white.any():
        return 0.0
    _n, _, stats, _ = cv2.connectedComponentsWithStats(white.astype(np.uint8), connectivity=8)
    big = stats[1:, cv2.CC_STAT_AREA]
    big = big[big >= 0.001 * total]
    return float(big.sum()) / total


def assess_quality(
    page_bgr: np.ndarray,
    original_scale: float = 1.0,
    cut_off: bool = False,
    document_found: bool = True,
    damaged_fraction: float | None = None,
    gray: np.ndarray | None = None,
    mask: np.ndarray | None = None,
) -> Quality:
    """Measure a rectified (or whole) page at analysis size and derive flags and messages.

    ``page_bgr`` is the page BEFORE illumination correction (glare and darkness are
    measured on it); ``original_scale`` is original pixels per ``page_bgr`` pixel, so text
    size is reported in original pixels; ``gray`` may pass the dropout grey for text.
    """
    bgr = np.asarray(page_bgr)
    metrics: dict[str, float] = {}
    flags: list[str] = []
    if bgr.size == 0 or min(bgr.shape[:2]) < 8:
        flags.append("no_text")
        return _quality(metrics, flags)
    g0 = to_gray(bgr)
    g = g0 if gray is None else gray
    if mask is None or mask.shape != g.shape:
        mask = ink_mask(g)
    ink = float(np.count_nonzero(mask)) / mask.size
    metrics["ink_fraction"] = round(ink, 4)
    paper = float(np.percentile(g0[:: 4, :: 4], 90))
    metrics["paper_brightness"] = round(paper, 1)
    dark = float(np.percentile(g0[:: 4, :: 4], 2))
    metrics["contrast"] = round(paper - dark, 1)
    glare = glare_fraction(bgr)
    metrics["glare_fraction"] = round(glare, 4)
    th = text_height(mask) if ink > 0.002 else None
    sigma = None  # blur_sigma() is kept for diagnosis; the reblur score decides (cheaper)
    reblur = reblur_score(g0) if th is not None else None
    if reblur is not None:
        metrics["reblur"] = round(reblur, 3)
    if th is not None:
        metrics["text_height_px"] = round(th * original_scale, 1)
    if sigma is not None:
        metrics["blur_sigma_px"] = round(sigma * original_scale, 2)
        if th:
            metrics["blur_ratio"] = round(sigma / th, 3)
    if paper < 70:
        flags.append("too_dark")
    elif paper - dark < 45 and ink > 0.002:
        flags.append("low_contrast")
    if glare > 0.02:
        flags.append("glare")
    if th is None:
        if ink < 0.002 or th is None:
            flags.append("no_text")
    else:
        if th * original_scale < 9.0:
            flags.append("text_too_small")
        # Calibrated on synthetic photos: 0.78 ~ a Gaussian blur of 2 px at analysis size.
        if reblur is not None and reblur > 0.78:
            flags.append("blurry")
    if cut_off:
        flags.append("cut_off")
    if not document_found:
        flags.append("no_document_found")
    if damaged_fraction is not None and damaged_fraction > 0.002:
        flags.append("damaged")
    return _quality(metrics, flags)


def _quality(metrics: dict[str, float], flags: list[str]) -> Quality:
    messages = [{"flag": f, "vi": MESSAGES[f][0], "en": MESSAGES[f][1]} for f in flags if f in MESSAGES]
    return Quality(
        metrics=metrics,
        flags=flags,
        messages=messages,
        retake_recommended=any(f in RETAKE_FLAGS for f in flags),
    )
