"""``digitize calibrate``: fit the confidence model on generated documents.

The calibration set is generated with its own seed, never the benchmark's, so the
benchmark measures calibration on documents the model was not fitted on.  Every field
the engine returns is a sample: its signals (:data:`digitize.confidence.FEATURE_NAMES`)
and whether its value is right.  Invented values (fields the document does not carry)
are wrong samples too; fields destroyed by damage are left out.

Besides the random-split ECE it reports how the model does on pages it was not fitted to
(:mod:`digitize.bench.transfer`): each capture condition left out in turn, and the
``real_style`` set (a later generator version imitating real photos) scored, never fitted
on, for each field-prior variant of :data:`PRIOR_VARIANTS`; the table is printed and stored
in the calibration file's ``meta["transfer"]`` (docs/confidence.md).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click
import numpy as np

from digitize.bench.metrics import DERIVED_KEYS, field_key, flatten_record, values_match
from digitize.bench.transfer import RANDOM_SPLITS
from digitize.confidence import (
    FEATURE_NAMES,
    HANDWRITING_REASON,
    LOW_CONFIDENCE_REASON,
    MODEL_INPUTS,
    PRIOR_SMOOTHING,
    TWO_READINGS_REASON,
    UNCONFIRMED_REASON,
    Calibration,
    calibration_file_name,
    field_family,
    fit_calibration,
    fit_isotonic,
    fit_priors,
    logit,
)
from digitize.config import Settings
from digitize.ocr.models import models_dir

CALIBRATION_SEED = 913_2025  # distinct from every benchmark set's seed


def samples_from(results: list[dict[str, Any]], truths: list[Any],
                 families: list[str] | None = None,
                 extra: dict[str, list[Any]] | None = None) -> tuple[np.ndarray, np.ndarray]:
    """(signals, correct) for every returned field that carries a value; each field's family
    (:func:`digitize.confidence.field_family`) is appended to ``families`` when given, and
    ``extra`` (when given) receives per field: its image's condition, generator version and
    index, whether the score decided its status and which review rule held it back."""
    xs: list[list[float]] = []
    ys: list[float] = []
    for index, (result, truth) in enumerate(zip(results, truths, strict=True)):
        if "error" in result:
            continue
        expected = flatten_record(truth.record)
        unreadable = set(truth.unreadable)
        for f in result["fields"]:
            if f.get("signals") is None or f["value"] is None or f["path"] in unreadable:
                continue
            if f["status"] in ("not_found", "unreadable"):
                continue
            if field_key(f["path"]) in DERIVED_KEYS and f["path"] not in expected:
                continue  # a value the generator's truth does not model: neither right nor wrong
            correct = f["path"] in expected and values_match(f["value"], expected[f["path"]])
            xs.append(list(f["signals"]))
            ys.append(1.0 if correct else 0.0)
            if families is not None:
                families.append(field_family(f["path"]))
            if extra is not None:
                reasons = set(f.get("reasons") or ())
                for key, value in (
                    ("condition", truth.condition), ("version", truth.generator_version), ("image", index),
                    ("decided", f["status"] == "extracted" or bool(reasons & DECIDING_REASONS)),
                    ("handwriting_rule", bool(reasons & {HANDWRITING_REASON, TWO_READINGS_REASON})),
                    ("unconfirmed_rule", UNCONFIRMED_REASON in reasons),
                ):
                    extra.setdefault(key, []).append(value)
    if not xs:
        return np.zeros((0, len(FEATURE_NAMES))), np.zeros(0)
    return np.asarray(xs, float), np.asarray(ys, float)


# Reasons that mark a status decided by the score and the review rule (not forced by extraction).
DECIDING_REASONS = frozenset({LOW_CONFIDENCE_REASON, HANDWRITING_REASON, TWO_READINGS_REASON, UNCONFIRMED_REASON})


SAMPLE_KEYS = ("condition", "version", "image", "decided", "handwriting_rule", "unconfirmed_rule")


def collect_samples(set_dir: Path, settings: Settings, jobs: int) -> dict[str, np.ndarray]:
    """Run the engine over a set with ground truth; every valued field's signals, correctness,
    family and the :data:`SAMPLE_KEYS` facts, as arrays."""
    from digitize.bench.runner import MAIN_VARIANT, find_items, run_variant

    items = find_items(set_dir)
    if not items:
        raise click.ClickException(f"no images with ground truth in {set_dir}")
    click.echo(f"calibrate: running {len(items)} images of {set_dir.name} with {jobs} worker(s)", err=True)
    results, _ = run_variant(MAIN_VARIANT, [it.image for it in items], settings, jobs)
    families: list[str] = []
    extra: dict[str, list[Any]] = {}
    x, y = samples_from(results, [it.truth for it in items], families, extra)
    return {"x": x, "y": y, "features": np.array(FEATURE_NAMES), "families": np.array(families),
            "set": np.array(set_dir.name), **{k: np.array(extra.get(k, [])) for k in SAMPLE_KEYS}}


def save_samples(path: Path, samples: dict[str, np.ndarray]) -> None:
    """Write samples for ``--reuse-samples``."""
    arrays: dict[str, Any] = dict(samples)
    np.savez(path, **arrays)


def load_samples(path: Path) -> dict[str, np.ndarray]:
    """Samples saved by :func:`collect_samples` (``np.savez``), derived-only fields left out."""
    if not path.is_file():
        raise click.ClickException(f"no saved samples at {path}: run without --reuse-samples first")
    saved = dict(np.load(path, allow_pickle=False))
    if tuple(str(n) for n in saved["features"]) != FEATURE_NAMES or any(k not in saved for k in SAMPLE_KEYS):
        raise click.ClickException(f"the samples in {path} were taken with other signals: run without --reuse-samples")
    keep = np.array([str(f) not in DERIVED_KEYS for f in saved["families"]], bool)
    return {k: (v[keep] if v.ndim and len(v) == len(keep) and k != "features" else v) for k, v in saved.items()}


def _fit_from_reviews(db: str, output: Path | None, variant: str, threshold: float) -> None:
    """Fit on reviewers' first decisions in the web app's store (no conditions there: no transfer report)."""
    from digitize.store import Store
    from digitize.store.review_samples import review_samples

    store = Store.open(db, migrate_schema=False)
    with store.session() as session:
        xs, ys, paths = review_samples(session, len(FEATURE_NAMES))
    store.close()
    x = np.asarray(xs, float).reshape(-1, len(FEATURE_NAMES))
    y = np.asarray(ys, float)
    if len(y) < 50 or y.min() == y.max():
        raise click.ClickException(f"too few or one-sided samples to calibrate ({len(y)})")
    families = [field_family(p) for p in paths]
    model = fit_model(x, y, families, PRIOR_VARIANTS[variant])
    model = Calibration(model.weights, {
        "fitted": time.strftime("%Y-%m-%d %H:%M"), "samples": len(y), "accuracy": float(y.mean()),
        "set": "reviews", "variant": variant, "prior_smoothing": PRIOR_VARIANTS[variant],
        "review_threshold": threshold, "inputs": list(MODEL_INPUTS if model.priors is not None else FEATURE_NAMES),
    }, model.map_scores, model.map_values, model.priors, model.default_prior)
    target = output or models_dir() / "calibration.json"
    target.write_text(model.to_json(), encoding="utf-8")
    click.echo(f"calibrate: {len(y)} reviewed fields ({y.mean():.1%} right), variant {variant}; wrote {target}")


# The field-prior variants compared on held-out pages: samples' worth of the overall accuracy
# mixed into each field family's prior (more: the prior says less), or None: no prior at all.
PRIOR_VARIANTS: dict[str, float | None] = {"priors-20": 20.0, "priors-200": 200.0, "priors-1000": 1000.0,
                                            "no-priors": None}
# The variant stored, chosen on the held-out figures (docs/confidence.md): priors shrunk with 1000
# samples' weight gave the lowest ECE on held-out conditions and on the real_style set, and a leak on
# real_style as low as any variant's (no priors leaked a little less on held-out conditions, more there).
DEFAULT_VARIANT = "priors-1000"
HELD_OUT_SET = "real_style"  # scored, never fitted on: the leave-one-generator-version-out check


def fit_model(x: np.ndarray, y: np.ndarray, families: list[str] | None = None,
              prior_smoothing: float | None = PRIOR_SMOOTHING) -> Calibration:
    """Logistic model on the signals (and, given the fields' families and a smoothing, their
    priors), then an isotonic map of its scores."""
    if families is None or prior_smoothing is None:
        weights = fit_calibration(x, y)
        raw = Calibration(weights, {})
        scores = np.array([raw.score(v) for v in x])
        centres, values = fit_isotonic(scores, y)
        return Calibration(weights, {}, centres, values)
    priors, overall = fit_priors(families, y, prior_smoothing)
    full = np.column_stack([x, [logit(priors[f]) for f in families]])
    weights = fit_calibration(full, y)
    raw = Calibration(weights, {}, priors=priors, default_prior=overall)
    scores = np.array([raw.score(v, f) for v, f in zip(x, families, strict=True)])
    centres, values = fit_isotonic(scores, y)
    return Calibration(weights, {}, centres, values, priors, overall)


def variant_fit(prior_smoothing: float | None) -> Callable[[np.ndarray, np.ndarray, list[str]], Calibration]:
    """A fit function (signals, correct, families) -> model for one prior variant."""
    def fit(x: np.ndarray, y: np.ndarray, families: list[str]) -> Calibration:
        return fit_model(x, y, families, prior_smoothing)
    return fit


def _summary(report: dict[str, Any]) -> dict[str, Any]:
    """The headline held-out figures of one variant, for the calibration file's meta."""
    out: dict[str, Any] = {"random_split_ece": report["random_split_ece"]}
    for key in ("leave_one_condition_out_pooled", "held_out_set", "held_out_set_real_style"):
        if key in report:
            out[key] = {k: report[key][k] for k in ("fields", "wrong", "ece", "leak", "leak_without_rule",
                                                   "right_flagged", "right_flagged_without_rule")}
    out["leave_one_condition_out"] = {c: {k: f[k] for k in ("fields", "wrong", "ece", "leak", "right_flagged")}
                                      for c, f in report["leave_one_condition_out"].items()}
    return out


@click.command("calibrate")
@click.option("--jobs", type=click.IntRange(1, 64), default=2, show_default=True)
@click.option("--set-dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Images with .gt.json sidecars to calibrate on (default: a generated calibration set).")
@click.option("--data-dir", type=click.Path(file_okay=False, path_type=Path), default=Path("bench-data"),
              show_default=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Where to write the model (default: models/calibration.json).")
@click.option("--from-reviews", "from_reviews", default=None, metavar="DB",
              help="Fit on the fields reviewers decided in the web app's store (URL or SQLite file).")
@click.option("--reuse-samples", is_flag=True,
              help="Refit from the signals saved by the last run (calibration-samples.npz and "
                   "heldout-samples.npz in --data-dir) instead of reading the sets again.")
@click.option("--no-held-out-set", is_flag=True,
              help=f"Skip the {HELD_OUT_SET} set (the leave-one-generator-version-out check).")
@click.option("--variant", type=click.Choice(sorted(PRIOR_VARIANTS)), default=DEFAULT_VARIANT, show_default=True,
              help="Field-prior variant of the stored model (all are compared in the report).")
def calibrate_command(jobs: int, set_dir: Path | None, data_dir: Path, output: Path | None,
                      from_reviews: str | None, reuse_samples: bool, no_held_out_set: bool, variant: str) -> None:
    """Fit the field-confidence model so that a field at confidence 0.9 is right about 90 % of the time,
    and report how it does on conditions and pages it was not fitted to."""
    from digitize.bench.runner import ensure_set
    from digitize.bench.transfer import render_table, transfer_report

    settings = Settings.load()
    setup = settings.reader_setup()
    suffix = "" if setup == "default" else f"-{setup}"
    cache = data_dir / f"calibration-samples{suffix}.npz"
    held_cache = data_dir / f"heldout-samples{suffix}.npz"
    if from_reviews is not None:
        _fit_from_reviews(from_reviews, output, variant, settings.review_threshold)
        return
    held: dict[str, np.ndarray] | None = None
    if reuse_samples:
        samples = load_samples(cache)
        if not no_held_out_set:
            held = load_samples(held_cache)
    else:
        if set_dir is None:
            set_dir = ensure_set("default", data_dir, jobs=jobs, seed=CALIBRATION_SEED)
        samples = collect_samples(set_dir, settings, jobs)
        data_dir.mkdir(parents=True, exist_ok=True)
        save_samples(cache, samples)
        if not no_held_out_set:
            held = collect_samples(ensure_set(HELD_OUT_SET, data_dir, jobs=jobs), settings, jobs)
            save_samples(held_cache, held)
        samples = load_samples(cache)
        held = None if no_held_out_set else load_samples(held_cache)
    x, y = samples["x"], samples["y"]
    families = [str(f) for f in samples["families"]]
    if len(y) < 50 or y.min() == y.max():
        raise click.ClickException(f"too few or one-sided samples to calibrate ({len(y)})")
    threshold = settings.review_threshold
    reports = {name: transfer_report(variant_fit(smoothing), samples, held, threshold)
               for name, smoothing in PRIOR_VARIANTS.items()}
    model = fit_model(x, y, families, PRIOR_VARIANTS[variant])  # the stored model uses every sample
    chosen = reports[variant]
    model = Calibration(model.weights, {
        "fitted": time.strftime("%Y-%m-%d %H:%M"), "samples": len(y), "accuracy": float(y.mean()),
        "held_out_ece": chosen["random_split_ece"], "held_out_splits": RANDOM_SPLITS, "set": str(samples["set"]),
        "held_out_set": None if held is None else str(held["set"]),
        "variant": variant, "prior_smoothing": PRIOR_VARIANTS[variant], "review_threshold": threshold,
        "inputs": list(MODEL_INPUTS if model.priors is not None else FEATURE_NAMES),
        "transfer": {name: _summary(r) for name, r in reports.items()},
    }, model.map_scores, model.map_values, model.priors, model.default_prior)
    target = output or models_dir() / calibration_file_name(settings)
    target.write_text(model.to_json(), encoding="utf-8")
    click.echo(render_table(reports, variant))
    click.echo(f"calibrate: {len(y)} fields ({y.mean():.1%} right), variant {variant}, random-split ECE "
               f"{chosen['random_split_ece']:.3f}; wrote {target}")
