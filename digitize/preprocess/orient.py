"""Page orientation: how far the content is turned from upright (0, 90, 180 or 270 CCW).

Two questions, two kinds of evidence:

1. Do the text lines run horizontally or vertically?  The projection-profile search of
   :mod:`deskew` is run on the ink mask and on its transpose; text lines give a far
   sharper profile across the lines than along them.
2. Which way is up?  Two independent voters on the levelled text lines:
   * typography: Latin script, and Vietnamese far more so, carries more ink ABOVE the
     x-height band (capitals, ascenders b d h k l t, tone marks and circumflexes) than
     below it (g p q y and the dot of the "nặng" tone), so upside-down lines are
     bottom-heavy;
   * PP-OCR's text-line orientation classifier (``ch_ppocr_mobile_v2.0_cls``, 0/180, shipped
     in the rapidocr-onnxruntime wheel) on up to a dozen line crops.
   The classifier only weighs in (at 0.75 weight) when typography is not decisive (|log-odds|
   < 2), which also saves its ~20 ms.  When the total is weak the answer is ``None``.

Tesseract OSD was measured on our synthetic certificates and rejected: ~1 s per page and
wrong on 4 of 16 turned pages.
"""

from __future__ import annotations

import math
import threading
from dataclasses import dataclass, field
from typing import Any

import cv2
import numpy as np

from digitize.preprocess.deskew import SkewEstimate, ink_mask, profile_search
from digitize.preprocess.geometry import to_gray

CLS_MODEL = "models/ch_ppocr_mobile_v2.0_cls_infer.onnx"
CLASSIFIER_WEIGHT = 0.75

_session_lock = threading.Lock()
_session: Any = None
_session_failed = False


def _cls_session() -> Any:
    """The text-line orientation classifier, loaded once per process (None if unavailable)."""
    global _session, _session_failed
    if _session is not None or _session_failed:
        return _session
    with _session_lock:
        if _session is None and not _session_failed:
            try:
                import onnxruntime as ort

                from digitize.ocr.models import package_dir

                base = package_dir("rapidocr_onnxruntime")
                path = base / CLS_MODEL if base else None
                if path is None or not path.is_file():
                    _session_failed = True
                else:
                    # one thread: parallelism belongs to the batch executor
                    opts = ort.SessionOptions()
                    opts.intra_op_num_threads = 1
                    opts.inter_op_num_threads = 1
                    opts.log_severity_level = 3
                    _session = ort.InferenceSession(str(path), sess_options=opts,
                                                    providers=["CPUExecutionProvider"])
            except Exception:
                _session_failed = True
    return _session


@dataclass
class OrientationEvidence:
    """What :func:`analyse_orientation` saw, for the report and for tuning."""

    rotation_deg: int | None
    horizontal: SkewEstimate | None = None
    vertical: SkewEstimate | None = None
    direction_ratio: float = 0.0  # horizontal / vertical peakiness (>1: lines run across)
    typography_logodds: float = 0.0  # > 0: upright
    classifier_logodds: float = 0.0  # > 0: upright
    lines_used: int = 0
    skew_deg: float | None = None  # skew of the lines in the INPUT, CCW positive
    notes: list[str] = field(default_factory=list)


def line_bands(mask: np.ndarray, min_height: int = 5, max_height: int = 120) -> list[tuple[int, int]]:
    """Row ranges of text lines in a levelled ink mask (lines horizontal)."""
    rows = mask.sum(axis=1, dtype=np.float64) / 255.0
    if rows.max(initial=0.0) <= 0:
        return []
    level = 0.08 * float(np.percentile(rows[rows > 0], 90)) if np.any(rows > 0) else 0.0
    on = rows > max(level, 1.0)
    bands = []
    start = None
    for y, v in enumerate(on):
        if v and start is None:
            start = y
        elif not v and start is not None:
            if min_height <= y - start <= max_height:
                bands.append((start, y))
            start = None
    if start is not None and min_height <= len(on) - start <= max_height:
        bands.append((start, len(on)))
    return bands


def _line_vote(rows: np.ndarray) -> float | None:
    """Vote in [-1, 1] of one levelled text line's row profile (> 0: upright).

    The x-height band is bounded by the largest rise (x-line) and the largest fall
    (baseline) of the profile.  Upright Latin/Vietnamese puts more ink above the band
    (capitals, ascenders, tone marks) than below it (descenders, the nang dot), and its
    baseline is the sharper of the two edges because every letter sits on it.
    """
    n = len(rows)
    if n < 5 or rows.max() < 8:
        return None
    d = np.diff(rows)
    top = int(np.argmax(d))  # rise: between row top and top+1
    bottom = int(np.argmin(d))  # fall: between row bottom and bottom+1
    if bottom - top < 2:  # no band (a rule, a row of dots)
        return None
    above = float(rows[: top + 1].sum())
    below = float(rows[bottom + 1 :].sum())
    band = float(rows[top + 1 : bottom + 1].sum())
    if band <= 0:
        return None
    mass = (above - below) / (above + below) if above + below > 0.02 * band else 0.0
    rise, fall = float(d[top]), float(-d[bottom])
    sharp = (fall - rise) / (fall + rise) if fall + rise > 0 else 0.0
    return float(np.clip(0.6 * mass + 0.4 * sharp, -1.0, 1.0))


def typography_vote(mask: np.ndarray, bands: list[tuple[int, int]]) -> tuple[float, int]:
    """Log-odds that levelled lines are upright, from each line's ink profile."""
    total = 0.0
    used = 0
    for y0, y1 in bands:
        # one row of margin each side so the band's edges are seen as rises and falls
        a, b = max(0, y0 - 1), min(mask.shape[0], y1 + 1)
        rows = mask[a:b].sum(axis=1, dtype=np.float64) / 255.0
        v = _line_vote(rows)
        if v is None:
            continue
        total += float(np.clip(v, -0.8, 0.8))
        used += 1
    # Scale: on our measurements an upright line votes +0.3..+0.6 on average.
    return 2.5 * total / math.sqrt(max(used, 1)), used


def _line_crops(gray: np.ndarray, mask: np.ndarray, bands: list[tuple[int, int]], limit: int = 12
                ) -> list[np.ndarray]:
    """Up to ``limit`` 48x192 crops of text from the widest bands (classifier input)."""
    candidates = []
    for y0, y1 in bands:
        h = y1 - y0
        if h < 6:
            continue
        cols = mask[y0:y1].sum(axis=0) > 0
        xs = np.nonzero(cols)[0]
        if len(xs) < 4 * h:
            continue
        candidates.append((len(xs), y0, y1, int(xs[0]), int(xs[-1])))
    candidates.sort(reverse=True)
    crops = []
    hh, ww = gray.shape[:2]
    for _, y0, y1, x0, x1 in candidates:
        pad = max(2, (y1 - y0) // 4)
        ya, yb = max(0, y0 - pad), min(hh, y1 + pad)
        band = gray[ya:yb, max(0, x0 - pad) : min(ww, x1 + pad)]
        scale = 48.0 / band.shape[0]
        width = max(8, round(band.shape[1] * scale))
        band = cv2.resize(band, (width, 48), interpolation=cv2.INTER_LINEAR)
        # Chunks of 4:1 (what the model was trained on) from the middle of the line.
        n = min(2, max(1, width // 192))
        starts = np.linspace(0, max(0, width - 192), n).astype(int)
        for s in starts:
            crops.append(band[:, s : s + 192])
            if len(crops) >= limit:
                return crops
    return crops


def classifier_vote(gray: np.ndarray, mask: np.ndarray, bands: list[tuple[int, int]]) -> tuple[float, int]:
    """Log-odds that levelled lines are upright, from the PP-OCR orientation classifier."""
    session = _cls_session()
    if session is None:
        return 0.0, 0
    crops = _line_crops(gray, mask, bands)
    if not crops:
        return 0.0, 0
    batch = np.zeros((len(crops), 3, 48, 192), np.float32)
    for i, c in enumerate(crops):
        v = (c.astype(np.float32) / 255.0 - 0.5) / 0.5
        batch[i, :, :, : c.shape[1]] = v[None]
    name = session.get_inputs()[0].name
    total = 0.0
    for i in range(len(crops)):  # one at a time: faster than a batch on one thread
        p = session.run(None, {name: batch[i : i + 1]})[0][0]
        p0, p180 = float(np.clip(p[0], 1e-4, 1 - 1e-4)), float(np.clip(p[1], 1e-4, 1 - 1e-4))
        total += float(np.clip(math.log(p0 / p180), -3.0, 3.0))
    # Crops of one page are not independent evidence: damp the sum.
    return total / math.sqrt(len(crops)), len(crops)


def _level(mask: np.ndarray, gray: np.ndarray, angle: float) -> tuple[np.ndarray, np.ndarray]:
    """Rotate mask and gray so that lines at ``angle`` (CCW) become horizontal."""
    h, w = mask.shape[:2]
    if abs(angle) < 0.05:
        return mask, gray
    m = cv2.getRotationMatrix2D(((w - 1) / 2.0, (h - 1) / 2.0), -angle, 1.0)
    lm = cv2.warpAffine(mask, m, (w, h), flags=cv2.INTER_NEAREST, borderValue=0)
    lg = cv2.warpAffine(gray, m, (w, h), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)
    return lm, lg


def analyse_orientation(
    gray: np.ndarray,
    use_classifier: bool = True,
    min_direction_ratio: float = 1.15,
    min_logodds: float = 1.25,
    mask: np.ndarray | None = None,
) -> OrientationEvidence:
    """Decide 0/90/180/270 with the evidence behind it (``rotation_deg`` None if unsure).

    ``gray`` should be an analysis-size copy (~1000-1600 px); lines may be skewed by up
    to 15 degrees.  ``mask`` may pass a precomputed ink mask (after colour dropout).
    """
    g = to_gray(gray)
    if mask is None:
        mask = ink_mask(g)
    ev = OrientationEvidence(rotation_deg=None)
    hor = profile_search(mask)
    ver = profile_search(np.ascontiguousarray(mask.T))
    ev.horizontal, ev.vertical = hor, ver
    if hor is None or ver is None:
        ev.notes.append("too little ink to judge orientation")
        return ev
    ev.direction_ratio = hor.peakiness / max(ver.peakiness, 1e-9)
    if max(ev.direction_ratio, 1.0 / max(ev.direction_ratio, 1e-9)) < min_direction_ratio:
        ev.notes.append("no dominant text-line direction")
        return ev
    vertical = ev.direction_ratio < 1.0
    if vertical:
        # Transposing swaps the axes; a line at angle a in the transpose is at a in the
        # original measured from the vertical.  Work on the image turned clockwise by 90
        # so the lines run across, then decide up/down there.
        mask_c = cv2.rotate(mask, cv2.ROTATE_90_CLOCKWISE)
        gray_c = cv2.rotate(g, cv2.ROTATE_90_CLOCKWISE)
        # Turning clockwise = transposing then mirroring, and a mirror negates angles.
        est = SkewEstimate(-ver.angle, ver.peakiness, ver.contrast, ver.points)
        base = 90
    else:
        mask_c, gray_c, est, base = mask, g, hor, 0
    if est is None:
        ev.notes.append("too little ink to judge orientation")
        return ev
    lm, lg = _level(mask_c, gray_c, est.angle)
    bands = line_bands(lm)
    typo, used = typography_vote(lm, bands)
    ev.typography_logodds = typo
    ev.lines_used = used
    cls = 0.0
    # The typography vote is right on every page we measured when it is strong; the
    # classifier (~2 ms a crop, and biased toward "upright") only breaks weak votes.
    if use_classifier and abs(typo) < 2.0:
        cls, _ = classifier_vote(lg, lm, bands)
    ev.classifier_logodds = cls
    # Weights chosen on 465 synthetic pages of two generators (ours and digitize.synth):
    # typography alone is right on body text but weak on card backs (MRZ, upper case) and
    # title pages; the classifier is strong there but biased toward "upright" elsewhere.
    # Together: 423 right, 3 wrong, 39 undecided.
    total = typo + CLASSIFIER_WEIGHT * float(np.clip(cls, -4.0, 4.0))
    if abs(total) < min_logodds:
        ev.notes.append(f"up/down evidence too weak ({total:+.2f})")
        return ev
    rotation = base if total > 0 else (base + 180) % 360
    ev.rotation_deg = rotation
    # est.angle is the lines' CCW angle after undoing ``base``; the content's total turn in
    # the input is rotation + that angle (a quarter turn does not change a small angle).
    ev.skew_deg = est.angle
    return ev


def detect_orientation(gray: np.ndarray, use_classifier: bool = True) -> int | None:
    """How far the page content is turned from upright: 0, 90, 180, 270 (CCW), or None."""
    return analyse_orientation(gray, use_classifier=use_classifier).rotation_deg
