"""Colour dropout: a grey image for OCR without red seals and the pink guilloche.

Certificates print black text on a pink security background and get a red seal over the
signature (and often over text).  Inks absorb: a red seal over black print leaves the
print dark in every channel, while the seal itself is bright in the RED channel, and so
is the pink background.  Blue handwriting is dark in red too.  So the red channel is the
classic dropout, but used alone it throws away the sharper luminance and drops red
printed titles.  Here:

* a per-pixel "redness" weight (R above max(G, B)) blends luminance toward the red
  channel, so black and blue keep their luminance contrast and reddish pixels vanish;
* seals are found as large, compact clusters of strong red ink and always dropped;
* dark, strongly red pixels OUTSIDE a seal (red printed titles) are kept as text.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from digitize.preprocess.geometry import to_bgr


@dataclass(frozen=True)
class DropoutResult:
    gray: np.ndarray  # uint8, seals and pink suppressed
    seal_mask: np.ndarray  # uint8, 255 where a seal was found
    red_fraction: float  # fraction of pixels judged reddish (pink + seal + red print)
    seal_count: int


def redness(image: np.ndarray) -> np.ndarray:
    """R - max(G, B) as int16 (BGR input); > 0 for pink, red and magenta."""
    b, g, r = cv2.split(image)
    return r.astype(np.int16) - cv2.max(g, b).astype(np.int16)


def strong_red(red: np.ndarray, red_ch: np.ndarray, luma: np.ndarray) -> np.ndarray:
    """Saturated red ink (seal or red print), not the pale pink background.

    Chroma relative to the red channel separates red ink (R - max(G,B) ~ 0.4-0.8 R, even
    when a phone's blur and JPEG wash it out) from the pale guilloche (< 0.2 R) whatever
    the exposure.
    """
    return (red.astype(np.float32) > 0.4 * red_ch.astype(np.float32)) & (red > 50) & (luma < 190)


def find_seals(strong_ink: np.ndarray, min_frac: float = 0.04, max_frac: float = 0.6) -> np.ndarray:
    """Mask of seal-like regions: compact clusters of strong red ink, sized like a stamp.

    Sizes are fractions of the image's shorter side.  A seal is ring-shaped, so ink is
    gathered with a closing before the components are measured.
    """
    full_h, full_w = strong_ink.shape[:2]
    strong = strong_ink.astype(np.uint8) * 255
    # Seals are large: find them at <= 600 px (the closing is the costly part).
    f = max(1, int(np.ceil(max(full_h, full_w) / 600)))
    if f > 1:
        small = cv2.resize(strong, (max(1, full_w // f), max(1, full_h // f)), interpolation=cv2.INTER_AREA)
        strong = np.where(small > 40, 255, 0).astype(np.uint8)
    h, w = strong.shape[:2]
    short = min(h, w)
    mask = np.zeros((h, w), np.uint8)
    if short < 40 or not strong.any():
        return np.zeros((full_h, full_w), np.uint8)
    k = max(3, int(short * 0.02) | 1)
    closed = cv2.morphologyEx(strong, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (k, k)))
    n, _labels, stats, _ = cv2.connectedComponentsWithStats(closed, connectivity=8)
    for i in range(1, n):
        x, y, bw, bh, area = stats[i]
        side = max(bw, bh)
        if not (min_frac * short <= side <= max_frac * short):
            continue
        if min(bw, bh) < 0.6 * side:  # a stamp is round or square, a red title is a long line
            continue
        if area < 0.08 * bw * bh:
            continue
        cv2.ellipse(mask, (int(x + bw / 2), int(y + bh / 2)), (int(bw * 0.55), int(bh * 0.55)), 0, 0, 360, 255, -1)
    if f > 1:
        return np.asarray(cv2.resize(mask, (full_w, full_h), interpolation=cv2.INTER_NEAREST), np.uint8)
    return mask


def lift_faint(gray: np.ndarray, fraction: float = 0.22) -> np.ndarray:
    """Whiten marks fainter than ``fraction`` of the ink contrast (washed-out guilloche).

    Phone JPEGs keep a thin pink line's darkness but smear its colour, so colour alone
    cannot drop it; its faintness can.  Print is far darker than the background pattern.
    """
    sample = gray[:: max(1, gray.shape[0] // 300), :: max(1, gray.shape[1] // 300)]
    ink, paper = np.percentile(sample, [1, 90])
    if paper - ink < 40:
        return gray
    level = paper - fraction * (paper - ink)
    lut = np.arange(256, dtype=np.float32)
    # linear up to the level, then a short ramp to white (no hard edge on stroke borders)
    ramp = np.clip((lut - (level - 12)) / 12.0, 0, 1)
    lut = lut * (1 - ramp) + 255.0 * ramp
    return cv2.LUT(gray, np.clip(lut, 0, 255).astype(np.uint8))


def drop_colours(image: np.ndarray, keep_red_print: bool = True, soft: float = 15.0,
                 lift: bool = True) -> DropoutResult:
    """Grey image with red seals and pink background suppressed; black and blue kept.

    ``soft`` is the redness (0-255) at which a pixel is fully replaced by its red channel.
    """
    bgr = to_bgr(image)
    h, w = bgr.shape[:2]
    luma = cv2.cvtColor(bgr, cv2.COLOR_BGR2GRAY)
    red_ch = np.ascontiguousarray(bgr[:, :, 2])
    # Phone JPEGs carry colour at half resolution, so the colour decisions (weight, seal,
    # red print) are taken at half resolution too, then brought back up: same result,
    # a quarter of the work.  The grey itself keeps full resolution.
    half = min(h, w) >= 64
    small = cv2.resize(bgr, (w // 2, h // 2), interpolation=cv2.INTER_AREA) if half else bgr
    s_luma = cv2.cvtColor(small, cv2.COLOR_BGR2GRAY)
    red = redness(small)
    weight = np.clip((red.astype(np.float32) - 3.0) / soft, 0.0, 1.0)
    strong = strong_red(red, small[:, :, 2], s_luma)
    seals = find_seals(strong)
    if keep_red_print:
        red_print = strong & (s_luma < 175) & (seals == 0)
        weight[red_print] = 0.0
    weight = cv2.blur(weight, (3, 3))
    if half:
        weight = cv2.resize(weight, (w, h), interpolation=cv2.INTER_LINEAR)
        seals = cv2.resize(seals, (w, h), interpolation=cv2.INTER_NEAREST)
        strong_full = cv2.resize(strong.astype(np.uint8), (w, h), interpolation=cv2.INTER_NEAREST) > 0
    else:
        strong_full = strong
    lf = luma.astype(np.float32)
    gray = lf + weight * (red_ch.astype(np.float32) - lf)
    out = cv2.convertScaleAbs(gray)
    if seals.any():
        # Seal ink still shows as a light grey in the red channel: paint it paper-white.
        # Print under the seal is not strongly red, so it stays.
        paper = int(np.percentile(out[:: max(1, out.shape[0] // 200), :: max(1, out.shape[1] // 200)], 90))
        out[(seals > 0) & strong_full] = paper
    if lift:
        out = lift_faint(out)
    n_seals = 0
    if seals.any():
        n_seals = int(cv2.connectedComponents(seals[::4, ::4])[0] - 1)
    return DropoutResult(out, seals, float((red[::4, ::4] > 12).mean()), n_seals)
