"""Capture quality: can the collector keep this photo, or should they retake it now?

Each measurement is cheap (it runs on the ~1000 px analysis copy) and relative to the
text, not to the image, so the thresholds hold from a 540x960 phone picture to a 600 dpi
scan:

* ``reblur``: the no-reference blur measure of Crété-Roffet (0 sharp .. 1 blurred), which
  decides the ``blurry`` flag; ``blur_sigma_px`` (edge contrast over peak gradient) is
  reported for information.
* ``text_height_px``: median height of letter-sized ink components, in ORIGINAL pixels
  (what the collector controls by moving closer).
* ``glare_fraction``: share of the text area washed out by a highlight brighter than the paper.
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

# Median letter height (original pixels) below which a person would move closer.  Real
# photos of ID cards on a table (card text 6-9 px high) are read without trouble; on such
# cards the median letter is the small bilingual labels' x-height, measured 4.2-6 px on
# the real-style set; below ~4 px letters and tone marks merge.  The OCR scales lines to
# its own height, and small cards are read from an upscaled crop (:mod:`.cards`).
MIN_TEXT_PX = 4.0

BLUR_MIN_CONTRAST = 20.0  # grey levels between paper and darkest marks below which blur is not judged
GLARE_WHITE = 248  # blown out: the paper as white as the camera records
GLARE_MARGIN = 8  # ... and brighter than the page's own paper (grey levels)
GLARE_WIPE = 0.02  # closing size (share of the short side) that wipes text out of the paper
GLARE_CELLS = 40  # cells across the short side
GLARE_TEXT_MIN = 24.0  # stroke contrast of a cell that carries text (grey levels)
GLARE_WASHED = 0.45  # strokes under glare keep less than this share of the page's contrast
GLARE_FLAG = 0.03  # retake when more than this share of the text area is washed out

RETAKE_FLAGS = frozenset({"blurry", "glare", "text_too_small", "cut_off", "too_dark", "low_contrast"})


def text_height(mask: np.ndarray, min_height: float = 3.0) -> float | None:
    """Median height (px) of letter-like ink components, or None if there are too few.

    Components lower than ``min_height`` (specks, dots, JPEG noise) are not letters; on a
    crop upscaled from a small card the caller raises it by the upscale factor, or the
    enlarged noise outvotes the letters.
    """
    n, _, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
    if n < 12:
        return None
    hs = stats[1:, cv2.CC_STAT_HEIGHT].astype(float)
    ws = stats[1:, cv2.CC_STAT_WIDTH].astype(float)
    area = stats[1:, cv2.CC_STAT_AREA].astype(float)
    h, w = mask.shape[:2]
    letter = (hs >= min_height) & (hs < 0.1 * h) & (ws < 0.2 * w) & (ws < 4 * hs) & (area >= 4)
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


def _cells(a: np.ndarray, cell: int, fn: str, q: float = 98.0) -> np.ndarray:
    """Per-cell mean, or percentile ``q``, of ``a`` over a grid of ``cell`` x ``cell`` blocks."""
    h, w = a.shape[:2]
    gh, gw = h // cell, w // cell
    blocks = a[: gh * cell, : gw * cell].reshape(gh, cell, gw, cell)
    if fn == "mean":
        return np.asarray(blocks.mean(axis=(1, 3)))
    return np.percentile(blocks.swapaxes(1, 2).reshape(gh, gw, -1), q, axis=2)


def glare_fraction(bgr: np.ndarray, page_mask: np.ndarray | None = None) -> float:
    """Share of the page's text area washed out by glare (0..1).

    Glare matters when it hides text: a highlight ON the paper, brighter than the page's
    own paper, where the strokes have lost most of their contrast.  The page is cut into
    cells; a cell is text-bearing when its strokes (a black-hat: wiped-out paper minus
    the image) stand out; it is washed out when its paper is blown out (>= 248), brighter
    than the page's median paper by :data:`GLARE_MARGIN`, and its strokes keep less than
    :data:`GLARE_WASHED` of the page's typical stroke contrast.  A clean scan or a
    whitened scanner-app page (white all over) and a brightly lit white page whose text
    stays black have no glare.
    """
    gray = bgr if bgr.ndim == 2 else cv2.cvtColor(bgr, cv2.COLOR_BGR2GRAY)
    if min(gray.shape[:2]) < 32:
        return 0.0
    k = max(3, int(min(gray.shape[:2]) * GLARE_WIPE) | 1)
    paper = cv2.morphologyEx(gray, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_RECT, (k, k)))
    strokes = cv2.subtract(paper, gray)
    cell = max(8, min(gray.shape[:2]) // GLARE_CELLS)
    # every other pixel is enough for the cells' percentiles (a quarter of the sorting)
    half = max(4, cell // 2)
    paper_c = _cells(paper[::2, ::2].astype(np.float32), half, "pct", 50.0)
    ink_c = _cells(strokes[::2, ::2].astype(np.float32), half, "pct", 98.0)
    if page_mask is not None:
        inside = _cells((page_mask > 0).astype(np.float32), cell, "mean") > 0.5
        paper_c, ink_c = paper_c[inside], ink_c[inside]
    text = ink_c >= GLARE_TEXT_MIN
    if int(text.sum()) < 8:
        return 0.0
    typical = float(np.median(ink_c[text]))
    page_paper = float(np.median(paper_c))
    blown = (paper_c >= GLARE_WHITE) & (paper_c >= page_paper + GLARE_MARGIN)
    washed = blown & (ink_c < GLARE_WASHED * typical) & (ink_c >= GLARE_TEXT_MIN * 0.5)
    return float(washed.sum()) / float(text.sum() + washed.sum() - (washed & text).sum())


def assess_quality(
    page_bgr: np.ndarray,
    original_scale: float = 1.0,
    cut_off: bool = False,
    document_found: bool = True,
    damaged_fraction: float | None = None,
    gray: np.ndarray | None = None,
    mask: np.ndarray | None = None,
    upsampled: float = 1.0,
) -> Quality:
    """Measure a rectified (or whole) page at analysis size and derive flags and messages.

    ``page_bgr`` is the page BEFORE illumination correction (glare and darkness are
    measured on it); ``original_scale`` is original pixels per ``page_bgr`` pixel, so text
    size is reported in original pixels; ``gray`` may pass the dropout grey for text;
    ``upsampled`` is how much ``page_bgr`` was enlarged from the photo (a small card).
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
    th = text_height(mask, 3.0 * max(1.0, upsampled)) if ink > 0.002 else None
    sigma = None  # blur_sigma() is kept for diagnosis; the reblur score decides (cheaper)
    # Blur is measured with or without letters: a strongly blurred photo has none left, while
    # a blank sheet's grain still looks sharp.  At the photo's own resolution: an enlarged
    # crop looks blurred by construction.
    # A sheet with nothing on it (no contrast at all) has no edges to judge.
    reblur: float | None = None
    if th is not None or paper - dark >= BLUR_MIN_CONTRAST:
        g_r = g0 if upsampled <= 1.05 else cv2.resize(
            g0, None, fx=1.0 / upsampled, fy=1.0 / upsampled, interpolation=cv2.INTER_AREA)
        reblur = reblur_score(g_r)
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
    if glare > GLARE_FLAG:
        flags.append("glare")
    if th is None:
        flags.append("no_text")
    elif th * original_scale < MIN_TEXT_PX:
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
