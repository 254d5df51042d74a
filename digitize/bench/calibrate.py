"""``digitize calibrate``: fit the confidence model on generated documents.

The calibration set is generated with its own seed, never the benchmark's, so the
benchmark measures calibration on documents the model was not fitted on.  Every field
the engine returns is a sample: its signals (:data:`digitize.confidence.FEATURE_NAMES`)
and whether its value is right.  Invented values (fields the document does not carry)
are wrong samples too; fields destroyed by damage are left out.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import click
import numpy as np

from digitize.bench.metrics import DERIVED_KEYS, expected_calibration_error, field_key, flatten_record, values_match
from digitize.confidence import (
    FEATURE_NAMES,
    MODEL_INPUTS,
    Calibration,
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
                 families: list[str] | None = None) -> tuple[np.ndarray, np.ndarray]:
    """(signals, correct) for every returned field that carries a value; each field's family
    (:func:`digitize.confidence.field_family`) is appended to ``families`` when given."""
    xs: list[list[float]] = []
    ys: list[float] = []
    for result, truth in zip(results, truths, strict=True):
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
    if not xs:
        return np.zeros((0, len(FEATURE_NAMES))), np.zeros(0)
    return np.asarray(xs, float), np.asarray(ys, float)


HELD_OUT_SPLITS = 10  # the held-out ECE is averaged over this many random 70/30 splits


def fit_model(x: np.ndarray, y: np.ndarray, families: list[str] | None = None) -> Calibration:
    """Logistic model on the signals (and, given the fields' families, their priors), then an
    isotonic map of its scores."""
    if families is None:
        weights = fit_calibration(x, y)
        raw = Calibration(weights, {})
        scores = np.array([raw.score(v) for v in x])
        centres, values = fit_isotonic(scores, y)
        return Calibration(weights, {}, centres, values)
    priors, overall = fit_priors(families, y)
    full = np.column_stack([x, [logit(priors[f]) for f in families]])
    weights = fit_calibration(full, y)
    raw = Calibration(weights, {}, priors=priors, default_prior=overall)
    scores = np.array([raw.score(v, f) for v, f in zip(x, families, strict=True)])
    centres, values = fit_isotonic(scores, y)
    return Calibration(weights, {}, centres, values, priors, overall)


def _held_out_ece(x: np.ndarray, y: np.ndarray, families: list[str], seed: int) -> float:
    """ECE on 30 % of the fields of a model (priors included) fitted on the other 70 %."""
    order = np.random.default_rng(seed).permutation(len(y))
    split = int(0.7 * len(y))
    train, held = order[:split], order[split:]
    model = fit_model(x[train], y[train], [families[i] for i in train])
    ece = expected_calibration_error([model.predict(x[i], families[i]) for i in held], list(y[held] > 0.5))
    return float("nan") if ece is None else ece


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
              help="Refit from the signals saved by the last run (calibration-samples.npz in --data-dir) "
                   "instead of reading the set again.")
def calibrate_command(jobs: int, set_dir: Path | None, data_dir: Path, output: Path | None,
                      from_reviews: str | None, reuse_samples: bool) -> None:
    """Fit the field-confidence model so that a field at confidence 0.9 is right about 90 % of the time."""
    from digitize.bench.runner import MAIN_VARIANT, ensure_set, find_items, run_variant

    cache = data_dir / "calibration-samples.npz"
    if from_reviews is not None:
        from digitize.store import Store
        from digitize.store.review_samples import review_samples

        store = Store.open(from_reviews, migrate_schema=False)
        with store.session() as session:
            xs, ys, paths = review_samples(session, len(FEATURE_NAMES))
        store.close()
        x = np.asarray(xs, float).reshape(-1, len(FEATURE_NAMES))
        y = np.asarray(ys, float)
        families = [field_family(p) for p in paths]
        set_name = "reviews"
    elif reuse_samples:
        if not cache.is_file():
            raise click.ClickException(f"no saved samples at {cache}: run without --reuse-samples first")
        saved = np.load(cache, allow_pickle=False)
        if tuple(str(n) for n in saved["features"]) != FEATURE_NAMES or "families" not in saved:
            raise click.ClickException("the saved samples were taken with other signals: run without --reuse-samples")
        x, y, set_name = saved["x"], saved["y"], str(saved["set"])
        families = [str(f) for f in saved["families"]]
        modelled = np.array([f not in DERIVED_KEYS for f in families], bool)
        x, y, families = x[modelled], y[modelled], [f for f, keep in zip(families, modelled, strict=True) if keep]
    else:
        settings = Settings.load()
        if set_dir is None:
            set_dir = ensure_set("default", data_dir, jobs=jobs, seed=CALIBRATION_SEED)
        items = find_items(set_dir)
        if not items:
            raise click.ClickException(f"no images with ground truth in {set_dir}")
        click.echo(f"calibrate: running {len(items)} images with {jobs} worker(s)", err=True)
        results, _ = run_variant(MAIN_VARIANT, [it.image for it in items], settings, jobs)
        families = []
        x, y = samples_from(results, [it.truth for it in items], families)
        set_name = set_dir.name
        data_dir.mkdir(parents=True, exist_ok=True)
        np.savez(cache, x=x, y=y, features=np.array(FEATURE_NAMES), families=np.array(families),
                 set=np.array(set_name))
    if len(y) < 50 or y.min() == y.max():
        raise click.ClickException(f"too few or one-sided samples to calibrate ({len(y)})")
    held_ece = float(np.mean([_held_out_ece(x, y, families, seed) for seed in range(HELD_OUT_SPLITS)]))
    model = fit_model(x, y, families)  # the stored model uses every sample
    model = Calibration(model.weights, {
        "fitted": time.strftime("%Y-%m-%d %H:%M"), "samples": len(y), "accuracy": float(y.mean()),
        "held_out_ece": held_ece, "held_out_splits": HELD_OUT_SPLITS, "set": set_name,
        "inputs": list(MODEL_INPUTS),
    }, model.map_scores, model.map_values, model.priors, model.default_prior)
    target = output or models_dir() / "calibration.json"
    target.write_text(model.to_json(), encoding="utf-8")
    click.echo(f"calibrate: {len(y)} fields ({y.mean():.1%} right), held-out ECE {held_ece:.3f}; wrote {target}")
