"""Scoring one result against its ground truth, and aggregating scores.

Pure functions over plain data so that the benchmark, the calibration and the tests
share one definition of "right".
"""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

AREA_TOLERANCE = 0.05  # m²: areas are printed with one decimal


def flatten_record(record: Any, prefix: str = "") -> dict[str, Any]:
    """Nested record -> {"thua_dat[0].so_thua": "125", ...}; ``None`` leaves are dropped."""
    out: dict[str, Any] = {}
    if isinstance(record, dict):
        for key, value in record.items():
            out.update(flatten_record(value, f"{prefix}.{key}" if prefix else key))
    elif isinstance(record, list):
        for i, value in enumerate(record):
            out.update(flatten_record(value, f"{prefix}[{i}]"))
    elif record is not None:
        out[prefix] = record
    return out


def canonical(value: Any) -> Any:
    """The form two values are compared in: NFC, single spaces; numbers as floats."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str):
        return " ".join(unicodedata.normalize("NFC", value).split())
    return value


def values_match(predicted: Any, expected: Any) -> bool:
    p, e = canonical(predicted), canonical(expected)
    if isinstance(e, float):
        try:
            return abs(float(p) - e) <= AREA_TOLERANCE
        except (TypeError, ValueError):
            return False
    return bool(p == e)


def levenshtein(a: str, b: str) -> int:
    from rapidfuzz.distance import Levenshtein

    return int(Levenshtein.distance(a, b))


def cer(predicted: str, expected: str) -> float:
    """Character error rate of one string (edits / expected length)."""
    p = unicodedata.normalize("NFC", predicted)
    e = unicodedata.normalize("NFC", expected)
    if not e:
        return 0.0 if not p else 1.0
    return levenshtein(p, e) / len(e)


@dataclass
class FieldOutcome:
    """One expected (or spuriously predicted) field."""

    path: str
    key: str  # the path without list indices, for per-field tables: thua_dat[].so_thua
    expected: Any
    predicted: Any
    status: str  # the engine's status, or "missing" when no field came back
    confidence: float
    correct: bool
    unreadable_in_truth: bool = False
    spurious: bool = False  # predicted a value the document does not carry


def field_key(path: str) -> str:
    import re

    return re.sub(r"\[\d+\]", "[]", path)


# Values the engine derives rather than reads (the 2025 two-level address): a generator
# that does not compute them cannot count them as invented.
DERIVED_KEYS = frozenset({"chu_su_dung[].dia_chi_2_cap", "chu_su_dung[].vai_tro", "phap_nhan"})

# Fields whose value is free text (names, addresses, authorities, wording): reported also as a
# character error rate, since one wrong letter there is a small, reviewable error.
FREE_TEXT_KEYS = frozenset({
    "chu_su_dung[].ho_ten", "chu_su_dung[].dia_chi_thuong_tru", "ho_ten", "que_quan", "noi_thuong_tru",
    "noi_dang_ky_khai_sinh", "co_quan_cap", "noi_cap", "ghi_chu", "thua_dat[].dia_chi",
    "thua_dat[].hinh_thuc_su_dung", "thua_dat[].nguon_goc_su_dung", "thua_dat[].thoi_han_su_dung",
    "thua_dat[].muc_dich_su_dung[].ten", "tai_san[].ten", "to_chuc[].ten",
})


def text_field_errors(expected: Any, predicted: Any) -> tuple[int, int]:
    """(edits, expected characters) of a free-text field; a missing value costs every character."""
    e = unicodedata.normalize("NFC", str(expected))
    p = unicodedata.normalize("NFC", str(predicted)) if predicted is not None else ""
    return levenshtein(p, e), len(e)


FLAGGED_STATUSES = frozenset({"needs_review", "unreadable", "conflict", "not_found", "missing"})


def score_fields(
    predicted_fields: Sequence[dict[str, Any]], truth_record: dict[str, Any], unreadable: Iterable[str] = ()
) -> list[FieldOutcome]:
    """Compare the engine's field list with the truth record of the same image."""
    expected = flatten_record(truth_record)
    unreadable_set = set(unreadable)
    by_path = {f["path"]: f for f in predicted_fields}
    outcomes: list[FieldOutcome] = []
    for path, value in expected.items():
        got = by_path.get(path)
        if got is None:
            outcomes.append(FieldOutcome(path, field_key(path), value, None, "missing", 0.0, False,
                                         path in unreadable_set))
            continue
        has_value = got["status"] not in ("not_found", "unreadable") and got["value"] is not None
        correct = has_value and values_match(got["value"], value)
        outcomes.append(FieldOutcome(path, field_key(path), value, got["value"], got["status"],
                                     float(got["confidence"]), correct, path in unreadable_set))
    for path, got in by_path.items():
        if path in expected or path in unreadable_set or field_key(path) in DERIVED_KEYS:
            continue
        if got["status"] in ("not_found",) or got["value"] is None:
            continue
        outcomes.append(FieldOutcome(path, field_key(path), None, got["value"], got["status"],
                                     float(got["confidence"]), False, spurious=True))
    return outcomes


def expected_calibration_error(confidences: Sequence[float], correct: Sequence[bool], bins: int = 10) -> float | None:
    """ECE: the gap between confidence and accuracy, averaged over equal-width bins."""
    if not confidences:
        return None
    conf = np.clip(np.asarray(confidences, float), 0, 1)
    hit = np.asarray(correct, float)
    edges = np.linspace(0, 1, bins + 1)
    total = 0.0
    for i in range(bins):
        mask = (conf >= edges[i]) & ((conf < edges[i + 1]) if i < bins - 1 else (conf <= edges[i + 1]))
        if mask.any():
            total += mask.sum() / len(conf) * abs(conf[mask].mean() - hit[mask].mean())
    return float(total)


def accuracy_coverage(confidences: Sequence[float], correct: Sequence[bool],
                      points: Sequence[float] = (0.5, 0.7, 0.8, 0.9, 0.95, 1.0)) -> dict[str, float]:
    """Accuracy of the most confident fraction of fields, for several coverages."""
    if not confidences:
        return {}
    order = np.argsort(-np.asarray(confidences, float), kind="stable")
    hits = np.asarray(correct, float)[order]
    out = {}
    for p in points:
        n = max(1, math.ceil(p * len(hits)))
        out[f"{p:.2f}"] = float(hits[:n].mean())
    return out


def box_iou(a: Sequence[float], b: Sequence[float]) -> float:
    ix = max(0.0, min(a[2], b[2]) - max(a[0], b[0]))
    iy = max(0.0, min(a[3], b[3]) - max(a[1], b[1]))
    inter = ix * iy
    union = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter
    return inter / union if union > 0 else 0.0


def polygon_box(points: Sequence[Sequence[float]]) -> tuple[float, float, float, float]:
    arr = np.asarray(points, float).reshape(-1, 2)
    return float(arr[:, 0].min()), float(arr[:, 1].min()), float(arr[:, 0].max()), float(arr[:, 1].max())


@dataclass
class LineScore:
    truth_lines: int
    found: int
    edits: int  # over matched lines
    chars: int  # truth characters of matched lines
    missed_chars: int  # truth characters of lines not found


def score_lines(predicted: Sequence[tuple[str, Sequence[Sequence[float]]]],
                truth: Sequence[tuple[str, Sequence[Sequence[float]]]], min_overlap: float = 0.5) -> LineScore:
    """Match truth lines to predicted lines (on the original image) and count character edits.

    A truth line is found when predicted boxes cover at least ``min_overlap`` of its
    area; the predicted texts covering it (left to right) are joined and compared,
    so a line the detector split in two still counts.
    """
    pred_boxes = [(text, polygon_box(poly)) for text, poly in predicted if poly]
    found = edits = chars = missed = 0
    for text, poly in truth:
        tb = polygon_box(poly)
        area = max((tb[2] - tb[0]) * (tb[3] - tb[1]), 1e-6)
        covering = []
        covered = 0.0
        for ptext, pb in pred_boxes:
            ix = max(0.0, min(tb[2], pb[2]) - max(tb[0], pb[0]))
            iy = max(0.0, min(tb[3], pb[3]) - max(tb[1], pb[1]))
            inter = ix * iy
            pb_area = max((pb[2] - pb[0]) * (pb[3] - pb[1]), 1e-6)
            # The predicted line must lie mostly on this truth line, not merely touch it.
            if inter / pb_area >= 0.5 or inter / area >= 0.5:
                covering.append((pb[0], ptext))
                covered += inter
        if covered / area >= min_overlap and covering:
            found += 1
            joined = unicodedata.normalize("NFC", " ".join(t for _, t in sorted(covering)))
            expected = unicodedata.normalize("NFC", text)
            edits += levenshtein(_aligned_part(joined, expected), expected)
            chars += len(text)
        else:
            missed += len(text)
    return LineScore(len(truth), found, edits, chars, missed)


def _aligned_part(read: str, expected: str) -> str:
    """The stretch of ``read`` that corresponds to ``expected``.

    A detector may merge a label and its value, printed as two lines, into one line:
    each expected line is compared with its own part of that reading, widened to whole
    words so that a cut never hides an error.
    """
    from rapidfuzz import fuzz

    if len(read) <= len(expected) + 2:
        return read
    alignment = fuzz.partial_ratio_alignment(expected, read)
    if alignment is None or alignment.score < 50:
        return read
    a, b = alignment.dest_start, alignment.dest_end
    while a > 0 and not read[a - 1].isspace():
        a -= 1
    while b < len(read) and not read[b].isspace():
        b += 1
    return read[a:b].strip()


def corner_error(predicted: Sequence[Sequence[float]] | None, truth: Sequence[Sequence[float]] | None,
                 image_size: tuple[int, int]) -> float | None:
    """Largest corner distance as a fraction of the document's diagonal (None when either is missing)."""
    if predicted is None or truth is None:
        return None
    p = np.asarray(predicted, float).reshape(4, 2)
    t = np.asarray(truth, float).reshape(4, 2)
    diagonal = max(float(np.linalg.norm(t[0] - t[2])), float(np.linalg.norm(t[1] - t[3])), 1.0)
    return float(np.max(np.linalg.norm(p - t, axis=1)) / diagonal)


def angle_error(predicted: float | None, truth: float) -> float | None:
    if predicted is None:
        return None
    d = (predicted - truth + 180.0) % 360.0 - 180.0
    return abs(d)
