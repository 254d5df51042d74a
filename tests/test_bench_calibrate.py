"""The calibration report: leave-one-out splits and held-out figures on hand-made samples."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
from click.testing import CliRunner

from digitize.bench.calibrate import PRIOR_VARIANTS, save_samples
from digitize.bench.transfer import figures, leave_one_out_splits, transfer_report
from digitize.confidence import FEATURE_NAMES, Calibration

NAMES = list(FEATURE_NAMES)


def _samples(n: int, conditions: list[str], seed: int, agree_right: float = 0.97) -> dict[str, np.ndarray]:
    """Fields whose correctness depends on reader agreement, spread over the given conditions."""
    rng = np.random.default_rng(seed)
    agree = rng.random(n) < 0.6
    y = np.where(agree, rng.random(n) < agree_right, rng.random(n) < 0.5).astype(float)
    x = np.zeros((n, len(NAMES)))
    x[:, 0] = 1.0
    x[:, NAMES.index("agree")] = agree
    x[:, NAMES.index("no_second_reading")] = ~agree
    x[:, NAMES.index("char_mean")] = x[:, NAMES.index("char_min")] = 0.9
    return {"x": x, "y": y, "features": np.array(FEATURE_NAMES),
            "families": np.array(["ho_ten" if i % 2 else "so_thua" for i in range(n)]), "set": np.array("t"),
            "condition": np.array([conditions[i % len(conditions)] for i in range(n)]),
            "version": np.array(["1"] * n), "image": np.arange(n) // 10, "decided": np.ones(n, bool),
            "handwriting_rule": np.zeros(n, bool), "unconfirmed_rule": ~agree}


def test_each_condition_is_held_out_once_and_never_in_its_fit() -> None:
    groups = ["clean", "phone", "scan", "phone", "clean", "aged"]
    splits = leave_one_out_splits(groups)
    assert [g for g, _, _ in splits] == ["aged", "clean", "phone", "scan"]
    held_all = np.concatenate([held for _, _, held in splits])
    assert sorted(held_all.tolist()) == list(range(len(groups)))  # every row held out exactly once
    for group, fit, held in splits:
        assert not set(fit.tolist()) & set(held.tolist())
        assert all(groups[i] == group for i in held) and all(groups[i] != group for i in fit)


def test_transfer_report_scores_only_what_it_did_not_fit() -> None:
    samples = _samples(1200, ["clean", "phone", "scan"], seed=1)
    held = _samples(300, ["real_style"], seed=2, agree_right=0.8)  # a later generator: agreement means less
    fitted: list[int] = []

    def fit(x: np.ndarray, y: np.ndarray, families: list[str]) -> Calibration:
        from digitize.bench.calibrate import fit_model

        fitted.append(len(y))
        return fit_model(x, y, families, None)

    report = transfer_report(fit, samples, held, threshold=0.85)
    assert set(report["leave_one_condition_out"]) == {"clean", "phone", "scan"}
    assert 800 in fitted and 1200 in fitted  # two thirds without the held-out condition; all for real_style
    pooled = report["leave_one_condition_out_pooled"]
    assert pooled["fields"] == 1200 and pooled["ece"] < 0.05
    # Unconfirmed values go to review: nothing unconfirmed leaks, whatever the score.
    real = report["held_out_set_real_style"]
    assert real["fields"] == 300 and real["leak"] <= real["leak_without_rule"]
    assert real["ece"] > pooled["ece"]  # the model fitted on the old generator is off on the new one


def test_figures_follow_the_engine_status_decision() -> None:
    samples = _samples(4, ["clean"], seed=0)
    samples["y"] = np.array([0.0, 0.0, 1.0, 1.0])
    samples["unconfirmed_rule"] = np.array([True, False, False, False])
    samples["decided"] = np.array([True, True, True, False])  # the last one's status was forced
    f = figures(samples, np.arange(4), np.array([0.99, 0.99, 0.99, 0.99]), threshold=0.85)
    assert f["wrong"] == 2 and f["wrong_extracted"] == 1 and f["leak"] == 0.5 and f["leak_without_rule"] == 1.0
    assert f["right_flagged"] == 0.5


def test_calibrate_reuses_samples_and_stores_the_report(tmp_path: Path) -> None:
    from digitize.cli import main

    save_samples(tmp_path / "calibration-samples.npz", _samples(900, ["clean", "phone", "scan"], seed=3))
    save_samples(tmp_path / "heldout-samples.npz", _samples(200, ["real_style", "phone"], seed=4))
    out = tmp_path / "calibration.json"
    result = CliRunner().invoke(main, ["calibrate", "--reuse-samples", "--data-dir", str(tmp_path), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "condition phone" in result.output and "real_style set, real_style pages" in result.output
    meta = json.loads(out.read_text(encoding="utf-8"))["meta"]
    assert set(meta["transfer"]) == set(PRIOR_VARIANTS)
    chosen = meta["transfer"][meta["variant"]]
    assert set(chosen["leave_one_condition_out"]) == {"clean", "phone", "scan"}
    assert chosen["held_out_set_real_style"]["fields"] == 100


def test_stored_model_was_fitted_without_real_style_pages_and_carries_its_report() -> None:
    from digitize.bench.calibrate import DEFAULT_VARIANT
    from digitize.ocr.models import models_dir

    meta = json.loads((models_dir() / "calibration.json").read_text(encoding="utf-8"))["meta"]
    assert "real_style" not in meta["set"] and meta["held_out_set"].startswith("real_style")
    assert meta["variant"] == DEFAULT_VARIANT and set(meta["transfer"]) == set(PRIOR_VARIANTS)
    chosen = meta["transfer"][meta["variant"]]
    assert chosen["held_out_set_real_style"]["fields"] > 0 and chosen["leave_one_condition_out"]
