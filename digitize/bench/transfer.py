"""Held-out figures of the confidence model the way it is used: on pages it was not fitted to.

``digitize calibrate`` fits on generated pages; real pages differ from them.  A random split of
the calibration set says how well the model fits pages like its own.  Two stricter checks say
how it transfers:

* leave one condition out: for each capture condition C (clean, scan, phone...), fit on the
  other conditions and score on C;
* leave the generator version out: fit on the calibration set and score on the ``real_style``
  set (a later generator version that imitates real photos), never fitted on.

Each reports the expected calibration error and the review net's two error rates on the held-out
fields: wrong values shown as ``extracted`` (of all wrong values: the leak) and right values sent
to review (of all right values).  The status of a held-out field is the engine's decision re-made
with the held-out model's score: a field whose status extraction forced (conflict, a contradicting
validator...) stays flagged, the review rule (:func:`digitize.confidence.review_reason`) keeps
what it held back, and the rest is ``extracted`` when the score reaches the review threshold.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from digitize.bench.metrics import expected_calibration_error
from digitize.confidence import FEATURE_NAMES, Calibration

Samples = dict[str, np.ndarray]
FitFn = Callable[[np.ndarray, np.ndarray, list[str]], Calibration]

INVALID = FEATURE_NAMES.index("invalid")
RANDOM_SPLITS = 10  # the random-split ECE is averaged over this many 70/30 splits
RANDOM_FIT_SHARE = 0.7


def leave_one_out_splits(groups: Sequence[str] | np.ndarray) -> list[tuple[str, np.ndarray, np.ndarray]]:
    """(group, fit rows, held-out rows) for each distinct group, in sorted order: every group is
    held out exactly once and its rows are never in the fit that scores them."""
    labels = np.asarray([str(g) for g in groups])
    out = []
    for group in sorted(set(labels.tolist())):
        held = np.flatnonzero(labels == group)
        fit = np.flatnonzero(labels != group)
        out.append((group, fit, held))
    return out


def predictions(model: Calibration, samples: Samples, rows: np.ndarray) -> np.ndarray:
    """The model's calibrated confidence for the given rows."""
    x, families = samples["x"], samples["families"]
    return np.array([model.predict(x[i], str(families[i])) for i in rows], float)


def shown_as_extracted(samples: Samples, rows: np.ndarray, scores: np.ndarray, threshold: float,
                       rule: bool = True) -> np.ndarray:
    """Which rows the engine would show as ``extracted`` with these scores (see module doc);
    ``rule=False`` leaves out the unconfirmed-value rule (the handwriting rule stays)."""
    shown = (samples["decided"][rows].astype(bool) & (samples["x"][rows, INVALID] < 0.5)
             & ~samples["handwriting_rule"][rows].astype(bool) & (scores >= threshold))
    if rule:
        shown &= ~samples["unconfirmed_rule"][rows].astype(bool)
    return shown


def figures(samples: Samples, rows: np.ndarray, scores: np.ndarray, threshold: float) -> dict[str, Any]:
    """ECE, the leak (wrong shown as extracted / wrong) with and without the unconfirmed-value
    rule, and the right values flagged (with the rule), on the given rows."""
    right = samples["y"][rows] > 0.5
    shown = shown_as_extracted(samples, rows, scores, threshold)
    shown_no_rule = shown_as_extracted(samples, rows, scores, threshold, rule=False)
    wrong = int((~right).sum())
    return {
        "fields": len(rows), "wrong": wrong,
        "ece": expected_calibration_error(scores.tolist(), right.tolist()),
        "wrong_extracted": int((shown & ~right).sum()),
        "leak": float((shown & ~right).sum() / wrong) if wrong else None,
        "leak_without_rule": float((shown_no_rule & ~right).sum() / wrong) if wrong else None,
        "right_flagged": float((~shown & right).sum() / right.sum()) if right.any() else None,
        "right_flagged_without_rule": float((~shown_no_rule & right).sum() / right.sum()) if right.any() else None,
    }


def _fit(fit: FitFn, samples: Samples, rows: np.ndarray) -> Calibration:
    return fit(samples["x"][rows], samples["y"][rows], [str(f) for f in samples["families"][rows]])


def random_split_ece(fit: FitFn, samples: Samples) -> float:
    """Mean ECE over :data:`RANDOM_SPLITS` random splits (fit on 70 %, score the other 30 %)."""
    n = len(samples["y"])
    values = []
    for seed in range(RANDOM_SPLITS):
        order = np.random.default_rng(seed).permutation(n)
        cut = int(RANDOM_FIT_SHARE * n)
        model = _fit(fit, samples, order[:cut])
        held = order[cut:]
        ece = expected_calibration_error(predictions(model, samples, held).tolist(),
                                         (samples["y"][held] > 0.5).tolist())
        values.append(float("nan") if ece is None else ece)
    return float(np.mean(values))


def transfer_report(fit: FitFn, samples: Samples, held: Samples | None, threshold: float) -> dict[str, Any]:
    """Random-split ECE, leave-one-condition-out figures (each condition, and all held-out
    predictions pooled) and, given the held-out set, its figures (all of it and its
    ``real_style`` pages) for a model fitted on ``samples`` by ``fit``."""
    report: dict[str, Any] = {"random_split_ece": random_split_ece(fit, samples)}
    per_condition: dict[str, Any] = {}
    pooled_rows: list[np.ndarray] = []
    pooled_scores: list[np.ndarray] = []
    for condition, fit_rows, held_rows in leave_one_out_splits(samples["condition"]):
        if len(set(samples["y"][fit_rows].tolist())) < 2:
            continue  # a fit needs both right and wrong values
        model = _fit(fit, samples, fit_rows)
        scores = predictions(model, samples, held_rows)
        per_condition[condition] = figures(samples, held_rows, scores, threshold)
        pooled_rows.append(held_rows)
        pooled_scores.append(scores)
    report["leave_one_condition_out"] = per_condition
    if pooled_rows:
        report["leave_one_condition_out_pooled"] = figures(
            samples, np.concatenate(pooled_rows), np.concatenate(pooled_scores), threshold)
    if held is not None and len(held["y"]):
        model = _fit(fit, samples, np.arange(len(samples["y"])))
        rows = np.arange(len(held["y"]))
        scores = predictions(model, held, rows)
        report["held_out_set"] = figures(held, rows, scores, threshold)
        real = np.flatnonzero(held["condition"] == "real_style")
        if len(real):
            report["held_out_set_real_style"] = figures(held, real, scores[real], threshold)
    return report


def _pct(v: float | None) -> str:
    return "-" if v is None else f"{v:.1%}"


def _num(v: float | None) -> str:
    return "-" if v is None else f"{v:.3f}"


def render_table(reports: dict[str, dict[str, Any]], chosen: str) -> str:
    """A Markdown table: one row per held-out part and model variant."""
    lines = ["| model | held out | fields | wrong | ECE | wrong as extracted (rule off) | wrong as extracted "
             "| right flagged |", "|---|---|---:|---:|---:|---:|---:|---:|"]
    for name, report in reports.items():
        label = f"**{name}**" if name == chosen else name
        lines.append(f"| {label} | random 70/30 split | | | {_num(report['random_split_ece'])} | | | |")
        parts = [(f"condition {c}", f) for c, f in report["leave_one_condition_out"].items()]
        parts.append(("all conditions, pooled", report.get("leave_one_condition_out_pooled")))
        parts.append(("real_style set (all)", report.get("held_out_set")))
        parts.append(("real_style set, real_style pages", report.get("held_out_set_real_style")))
        for part, f in parts:
            if f is None:
                continue
            lines.append(f"| {label} | {part} | {f['fields']} | {f['wrong']} | {_num(f['ece'])} "
                         f"| {_pct(f['leak_without_rule'])} | {_pct(f['leak'])} | {_pct(f['right_flagged'])} |")
    return "\n".join(lines)
