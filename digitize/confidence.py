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

# Signals whose direction is known: more character confidence, agreement, validity and evidence
# can never lower a field's confidence; disagreement and invalidity can never raise it.  The fit
# keeps these signs so that correlated signals (mean and minimum character confidence) cannot
# produce a model that rewards a uniformly low OCR confidence.
FEATURE_SIGNS: dict[str, int] = {
    "char_mean": 1, "char_min": 1, "agree": 1, "disagree": -1, "valid": 1, "invalid": -1, "evidence": 1,
}


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

    def score(self, x: np.ndarray) -> float:
        z = float(np.dot(self.weights, x))
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))

    def predict(self, x: np.ndarray) -> float:
        p = self.score(x)
        if self.map_scores:
            p = float(np.interp(p, self.map_scores, self.map_values))
        return p

    def to_json(self) -> str:
        data: dict[str, object] = {"features": list(FEATURE_NAMES), "weights": [float(w) for w in self.weights]}
        if self.map_scores:
            data["isotonic"] = {"scores": [round(v, 6) for v in self.map_scores],
                                "values": [round(v, 6) for v in self.map_values]}
        data["meta"] = self.meta
        return json.dumps(data, ensure_ascii=False, indent=1)


def fit_isotonic(scores: np.ndarray, correct: np.ndarray) -> tuple[tuple[float, ...], tuple[float, ...]]:
    """Pool-adjacent-violators: the non-decreasing step function of correctness on score,
    as (block centre scores, block accuracies) for interpolation."""
    order = np.argsort(scores, kind="stable")
    blocks: list[list[float]] = []  # [sum correct, count, lowest score, highest score]
    for s, y in zip(scores[order], correct[order], strict=True):
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
    signs = np.array([FEATURE_SIGNS.get(name, 0) for name in FEATURE_NAMES], float)
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
    if tuple(data.get("features", ())) != FEATURE_NAMES:
        return None  # fitted for another feature set: fall back rather than mis-score
    iso = data.get("isotonic") or {}
    return Calibration(np.asarray(data["weights"], float), dict(data.get("meta", {})),
                       tuple(iso.get("scores", ())), tuple(iso.get("values", ())))


def calibration_path(settings: Settings) -> str:
    return settings.calibration_file or str(models_dir() / "calibration.json")


def field_confidence(c: Candidate, settings: Settings) -> float:
    """Calibrated confidence of a candidate in [0, 1]."""
    model = load_calibration(calibration_path(settings))
    if model is None:
        return heuristic_confidence(c)
    return model.predict(features(c))
