"""Per-field confidence: reading signals combined, then calibrated.

Raw OCR confidences are not calibrated (phone photos come out over-confident), so a
field's confidence is a logistic model over several signals: the recogniser's character
confidences, whether a second, independent reader agrees, whether validators confirm
or contradict the value, and how strongly normalisation/vocabulary support it.  The
model is fitted on generated documents by ``digitize calibrate`` and stored in
``models/calibration.json``; without it a conservative hand-set combination is used.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from digitize.ocr.models import models_dir

if TYPE_CHECKING:
    from digitize.config import Settings
    from digitize.layout.candidate import Candidate

FEATURE_NAMES = (
    "bias",
    "char_mean",
    "char_min",
    "agree",
    "disagree",
    "no_second_reading",
    "valid",
    "invalid",
    "evidence",
    "digits",
    "from_code",  # value read from an MRZ or QR code
    "long_value",
)

# The model's inputs: the candidate's signals, then the field prior (how often the engine gets
# this kind of field right on the calibration set, as log-odds).  The prior lets the model
# tell a sex read from "Ông"/"Bà" (nearly always right) from a handwritten registry number
# (often wrong) when their reading signals look alike.
MODEL_INPUTS = (*FEATURE_NAMES, "field_prior")
PRIOR_SMOOTHING = 20.0  # samples' worth of the overall accuracy mixed into each field's prior

# Signals whose direction is known: more character confidence, agreement, validity and evidence
# can never lower a field's confidence; disagreement and invalidity can never raise it.  The fit
# keeps these signs so that correlated signals (mean and minimum character confidence) cannot
# produce a model that rewards a uniformly low OCR confidence.
FEATURE_SIGNS: dict[str, int] = {
    "char_mean": 1, "char_min": 1, "agree": 1, "disagree": -1, "valid": 1, "invalid": -1, "evidence": 1,
    "field_prior": 1,
}


def field_family(path: str) -> str:
    """The kind of field a path names: indices dropped, list values kept whole
    ('thua_dat[0].muc_dich_su_dung[1].ma' -> 'thua_dat[].muc_dich_su_dung')."""
    family = re.sub(r"\[\d+\]", "[]", path)
    first = family.find("[]")
    second = family.find("[]", first + 2) if first >= 0 else -1
    return family[:second] if second >= 0 else family


def logit(p: float) -> float:
    """log(p / (1 - p)), with p kept off 0 and 1."""
    p = min(max(p, 1e-3), 1 - 1e-3)
    return math.log(p / (1 - p))


def fit_priors(families: list[str], correct: np.ndarray,
               smoothing: float = PRIOR_SMOOTHING) -> tuple[dict[str, float], float]:
    """Each field family's accuracy, smoothed toward the overall accuracy (``smoothing`` samples'
    worth of it mixed in), and that overall accuracy."""
    overall = float(np.mean(correct)) if len(correct) else 0.5
    sums: dict[str, list[float]] = {}
    for family, y in zip(families, correct, strict=True):
        entry = sums.setdefault(family, [0.0, 0.0])
        entry[0] += float(y)
        entry[1] += 1.0
    priors = {f: (right + smoothing * overall) / (n + smoothing) for f, (right, n) in sums.items()}
    return priors, overall


def features(c: Candidate) -> np.ndarray:
    """The signals of one candidate, in :data:`FEATURE_NAMES` order."""
    confs = c.char_confidences
    mean = float(np.mean(confs)) if confs else 0.5
    low = float(np.min(confs)) if confs else 0.5
    return np.array([
        1.0,
        mean,
        low,
        1.0 if c.agree is True else 0.0,
        1.0 if c.agree is False else 0.0,
        1.0 if c.agree is None else 0.0,
        1.0 if c.valid is True else 0.0,
        1.0 if c.valid is False else 0.0,
        float(c.evidence),
        1.0 if c.kind == "digits" else 0.0,
        1.0 if c.source in ("mrz", "qr") else 0.0,
        1.0 if len(c.raw or "") > 40 else 0.0,
    ], dtype=float)


def heuristic_confidence(c: Candidate) -> float:
    """The uncalibrated combination used when no calibration file is present."""
    confs = c.char_confidences
    base = 0.5 if not confs else 0.5 * float(np.mean(confs)) + 0.5 * float(np.min(confs))
    if c.source in ("mrz", "qr") and c.valid is not False:
        base = max(base, 0.97 if c.valid else 0.9)
    if c.agree is True:
        base = 1.0 - (1.0 - base) * 0.3
    elif c.agree is False:
        base *= 0.6
    if c.valid is False:
        base *= 0.5
    base *= 0.6 + 0.4 * float(c.evidence)
    return float(max(0.0, min(1.0, base)))


@dataclass(frozen=True)
class Calibration:
    """Logistic model: score = sigmoid(weights . features), then an optional monotone map
    (isotonic regression of correctness on the score) that fixes the shape of the curve."""

    weights: np.ndarray
    meta: dict[str, object]
    map_scores: tuple[float, ...] = ()
    map_values: tuple[float, ...] = ()
    priors: dict[str, float] | None = None  # field family -> accuracy (weights then cover MODEL_INPUTS)
    default_prior: float = 0.5

    def inputs(self, x: np.ndarray, family: str | None = None) -> np.ndarray:
        """The model's input vector: the signals, plus the field prior when the model has one."""
        if len(self.weights) == len(x):
            return x
        prior = (self.priors or {}).get(family or "", self.default_prior)
        return np.append(x, logit(prior))

    def score(self, x: np.ndarray, family: str | None = None) -> float:
        z = float(np.dot(self.weights, self.inputs(x, family)))
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))

    def predict(self, x: np.ndarray, family: str | None = None) -> float:
        p = self.score(x, family)
        if self.map_scores:
            p = float(np.interp(p, self.map_scores, self.map_values))
        return p

    def to_json(self) -> str:
        names = MODEL_INPUTS if self.priors is not None else FEATURE_NAMES
        data: dict[str, object] = {"features": list(names), "weights": [float(w) for w in self.weights]}
        if self.map_scores:
            data["isotonic"] = {"scores": [round(v, 6) for v in self.map_scores],
                                "values": [round(v, 6) for v in self.map_values]}
        if self.priors is not None:
            data["field_priors"] = {"default": round(self.default_prior, 6),
                                    **{k: round(v, 6) for k, v in sorted(self.priors.items())}}
        data["meta"] = self.meta
        return json.dumps(data, ensure_ascii=False, indent=1)


def fit_isotonic(scores: np.ndarray, correct: np.ndarray) -> tuple[tuple[float, ...], tuple[float, ...]]:
    """Pool-adjacent-violators: the non-decreasing step function of correctness on score,
    as (block centre scores, block accuracies) for interpolation."""
    order = np.argsort(scores, kind="stable")
    blocks: list[list[float]] = []  # [sum correct, count, lowest score, highest score]
    for s, y in zip(scores[order], correct[order], strict=True):
        if blocks and blocks[-1][3] == float(s):
            # Tied scores are one point of the curve: pooled, whatever order they came in.
            blocks[-1][0] += float(y)
            blocks[-1][1] += 1.0
        else:
            blocks.append([float(y), 1.0, float(s), float(s)])
        while len(blocks) > 1 and blocks[-2][0] / blocks[-2][1] >= blocks[-1][0] / blocks[-1][1]:
            last = blocks.pop()
            prev = blocks[-1]
            blocks[-1] = [prev[0] + last[0], prev[1] + last[1], prev[2], last[3]]
    centres = tuple((b[2] + b[3]) / 2 for b in blocks)
    values = tuple(b[0] / b[1] for b in blocks)
    return centres, values


def _fit_logistic(x: np.ndarray, y: np.ndarray, penalty: np.ndarray, free: np.ndarray,
                  iterations: int) -> np.ndarray:
    """Ridge logistic regression by Newton's method over the ``free`` columns (others stay 0)."""
    w = np.zeros(x.shape[1])
    xf = x[:, free]
    pen = penalty[free]
    wf = np.zeros(xf.shape[1])
    for _ in range(iterations):
        p = 1.0 / (1.0 + np.exp(-np.clip(xf @ wf, -30, 30)))
        gradient = xf.T @ (p - y) + pen * wf
        hessian = (xf * (p * (1 - p))[:, None]).T @ xf + np.diag(pen + 1e-9)
        step = np.linalg.solve(hessian, gradient)
        wf -= step
        if float(np.max(np.abs(step))) < 1e-7:
            break
    w[free] = wf
    return w


def fit_calibration(x: np.ndarray, y: np.ndarray, l2: float = 1e-2, iterations: int = 50) -> np.ndarray:
    """Logistic regression with a small ridge penalty (none on the bias) and the signs of
    :data:`FEATURE_SIGNS` kept: a signal whose fitted weight takes the wrong sign is left out
    and the rest refitted, until every constrained weight has its sign (an active-set fit)."""
    penalty = np.full(x.shape[1], l2)
    penalty[0] = 0.0
    names = MODEL_INPUTS if x.shape[1] == len(MODEL_INPUTS) else FEATURE_NAMES
    signs = np.array([FEATURE_SIGNS.get(name, 0) for name in names], float)
    free = np.ones(x.shape[1], bool)
    while True:
        w = _fit_logistic(x, y, penalty, free, iterations)
        wrong = free & (signs * w < 0)
        if not wrong.any():
            return w
        # drop the most wrongly-signed signal only: dropping one can fix the others
        worst = int(np.argmin(np.where(wrong, signs * w, np.inf)))
        free[worst] = False


@lru_cache(maxsize=4)
def load_calibration(path: str) -> Calibration | None:
    p = Path(path)
    if not p.is_file():
        return None
    data = json.loads(p.read_text(encoding="utf-8"))
    names = tuple(data.get("features", ()))
    if names not in (FEATURE_NAMES, MODEL_INPUTS) or (names == MODEL_INPUTS) != ("field_priors" in data):
        return None  # fitted for another feature set: fall back rather than mis-score
    iso = data.get("isotonic") or {}
    table = dict(data.get("field_priors") or {})
    default = float(table.pop("default", 0.5))
    return Calibration(np.asarray(data["weights"], float), dict(data.get("meta", {})),
                       tuple(iso.get("scores", ())), tuple(iso.get("values", ())),
                       {k: float(v) for k, v in table.items()} if names == MODEL_INPUTS else None, default)


def calibration_file_name(settings: Settings) -> str:
    """``calibration.json`` for the default readers, ``calibration-<setup>.json`` for another setup."""
    setup = settings.reader_setup()
    return "calibration.json" if setup == "default" else f"calibration-{setup}.json"


def calibration_path(settings: Settings) -> str:
    """The confidence model to use: the configured file, else the one fitted for the settings'
    reader setup, else the default readers' one (its signals then come from other readers)."""
    if settings.calibration_file:
        return settings.calibration_file
    own = models_dir() / calibration_file_name(settings)
    return str(own if own.exists() else models_dir() / "calibration.json")


def field_confidence(c: Candidate, settings: Settings) -> float:
    """Calibrated confidence of a candidate in [0, 1]."""
    model = load_calibration(calibration_path(settings))
    if model is None:
        return heuristic_confidence(c)
    return model.predict(features(c), field_family(c.path))


# -- values a reviewer must see unless two readings agree --------------------------------------

# Mean character confidence below which a value reads as handwriting (ballpoint over a printed
# form): printed text reads well above it.
HANDWRITING_CHAR_CONFIDENCE = 0.6
# Dotted leaders (and the marks OCR makes of them) around a value written by hand.
_DOTTED_LEADER = re.compile(r"[.…_·]{2,}|…")


def looks_handwritten(c: Candidate) -> bool:
    """True when the value was flagged as handwriting, sits on dotted leaders, or its
    characters were read with low confidence."""
    if c.handwritten or _DOTTED_LEADER.search(c.raw or ""):
        return True
    confs = c.char_confidences
    return bool(confs) and sum(confs) / len(confs) < HANDWRITING_CHAR_CONFIDENCE


HANDWRITING_REASON = "reads as handwriting and no second reading confirms it"
TWO_READINGS_REASON = "often handwritten on real certificates and only one reading gives it"
UNCONFIRMED_REASON = "no second reading, validator or closed vocabulary confirms it"
LOW_CONFIDENCE_REASON = "confidence below the review threshold"

# Field families whose values come from a closed set (a handful of printed wordings, codes or
# country names): a value that matched the set fully is supported by the set itself, on any page.
CLOSED_VOCABULARY_FAMILIES = frozenset({
    "gioi_tinh", "chu_su_dung[].gioi_tinh", "quoc_tich", "chu_su_dung[].loai_giay_to",
    "thua_dat[].hinh_thuc_su_dung", "thua_dat[].muc_dich_su_dung", "thua_dat[].nguon_goc_su_dung",
    "tai_san[].loai", "tai_san[].hinh_thuc_so_huu",
})
# Evidence (normalisation / vocabulary support) at or above which a closed-set value counts as a
# full match of the set: a fuzzy or partial match is weaker and does not excuse a missing second reading.
VOCABULARY_EVIDENCE = 0.95


def one_reading_review(c: Candidate, two_readings: frozenset[str] | set[str]) -> str | None:
    """Why ``c`` must go to review although its score is high, or None.

    Values that are often handwritten on real certificates (the registry number, the day and
    month of the signing date; a template lists them under ``two_readings``) and any value read
    from handwriting are never ``extracted`` on one reading: a second reader (or a code) must
    agree.  A handwritten digit read wrong looks exactly as sure as one read right.
    """
    if c.readers >= 2 or c.agree is True:
        return None
    if c.handwritten or (c.path in two_readings and looks_handwritten(c)):
        return HANDWRITING_REASON
    if c.path in two_readings:
        return TWO_READINGS_REASON
    return None


def confirmed_by_reading(c: Candidate) -> bool:
    """A second, independent reading backs the value: the second reader agrees, two readings
    were merged, or the value came from a machine-readable code (MRZ, QR)."""
    return c.agree is True or c.readers >= 2 or c.source in ("mrz", "qr")


def supported_by_rules(c: Candidate) -> bool:
    """Something that means the same on any page backs the value: a validator confirms it
    (check digits, ID-number structure, area sums, gazetteer, dates), or it fully matches the
    closed vocabulary of its field."""
    if c.valid is True:
        return True
    return field_family(c.path) in CLOSED_VOCABULARY_FAMILIES and c.evidence >= VOCABULARY_EVIDENCE


def unconfirmed_review(c: Candidate) -> str | None:
    """:data:`UNCONFIRMED_REASON` when no second reading confirms ``c`` and no validator or
    closed vocabulary supports it, else None.  Such a value goes to review whatever its score:
    the score of an unconfirmed value rests on how the training pages looked, which real pages
    need not share."""
    if confirmed_by_reading(c) or supported_by_rules(c):
        return None
    return UNCONFIRMED_REASON


def review_reason(c: Candidate, two_readings: frozenset[str] | set[str]) -> str | None:
    """The rule no fit can undo: why ``c`` must go to review whatever its calibrated score
    (:func:`one_reading_review`, then :func:`unconfirmed_review`), or None."""
    return one_reading_review(c, two_readings) or unconfirmed_review(c)
