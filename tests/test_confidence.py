from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from digitize.bench.calibrate import samples_from
from digitize.confidence import FEATURE_NAMES, Calibration, features, fit_calibration, heuristic_confidence
from digitize.layout.candidate import Candidate
from digitize.truth import GroundTruth


def _cand(**kw: object) -> Candidate:
    base = {"path": "thua_dat[0].so_thua", "value": "125", "raw": "125", "span": None, "kind": "digits",
            "char_confidences": [0.95, 0.9, 0.97]}
    base.update(kw)
    return Candidate(**base)  # type: ignore[arg-type]


def test_features_follow_the_declared_order() -> None:
    x = features(_cand(agree=True, valid=False))
    assert len(x) == len(FEATURE_NAMES)
    named = dict(zip(FEATURE_NAMES, x, strict=True))
    assert named["agree"] == 1.0 and named["disagree"] == 0.0 and named["invalid"] == 1.0 and named["digits"] == 1.0


def test_heuristic_rewards_agreement_and_punishes_contradiction() -> None:
    plain = heuristic_confidence(_cand())
    assert heuristic_confidence(_cand(agree=True)) > plain > heuristic_confidence(_cand(agree=False))
    assert heuristic_confidence(_cand(valid=False)) < plain
    assert 0.0 <= heuristic_confidence(_cand(char_confidences=[])) <= 1.0


def test_fitted_model_is_calibrated_on_its_own_distribution() -> None:
    rng = np.random.default_rng(1)
    n = 4000
    agree = rng.random(n) < 0.6
    # Ground truth: right 97 % of the time when the readers agree, 60 % when not.
    y = np.where(agree, rng.random(n) < 0.97, rng.random(n) < 0.6).astype(float)
    x = np.array([features(_cand(agree=bool(a) if a else None)) for a in agree])
    model = Calibration(fit_calibration(x, y), {})
    p_agree = model.predict(features(_cand(agree=True)))
    p_none = model.predict(features(_cand()))
    assert abs(p_agree - 0.97) < 0.02 and abs(p_none - 0.6) < 0.04


def test_samples_count_invented_values_as_wrong_and_skip_damaged_ones() -> None:
    truth = GroundTruth(generator_version="t", seed=0, doc_type="gcn_2009_2014",  # type: ignore[arg-type]
                        record={"so_phat_hanh": "DP 947330", "ngay_cap": "2016-03-14"}, unreadable=["ngay_cap"])
    sig = [0.0] * len(FEATURE_NAMES)
    result = {"fields": [
        {"path": "so_phat_hanh", "value": "DP 947330", "status": "extracted", "confidence": 0.9, "signals": sig},
        {"path": "ngay_cap", "value": "2016-03-17", "status": "needs_review", "confidence": 0.4, "signals": sig},
        {"path": "ghi_chu", "value": "invented", "status": "extracted", "confidence": 0.9, "signals": sig},
        {"path": "so_vao_so", "value": None, "status": "not_found", "confidence": 0.0, "signals": None},
    ]}
    x, y = samples_from([result], [truth])
    assert x.shape == (2, len(FEATURE_NAMES)) and list(y) == [1.0, 0.0]


def test_fit_keeps_known_signs_when_signals_are_correlated() -> None:
    # Mean and minimum character confidence move together; on noisy data an unconstrained fit
    # may give one a negative weight, which would reward uniformly low OCR confidence.
    rng = np.random.default_rng(7)
    n = 3000
    quality = rng.random(n)
    spread = rng.random(n) * 0.1
    mean = np.clip(quality + spread, 0, 1)
    low = np.clip(quality - spread, 0, 1)
    # Right more often when the spread is small (the unconstrained fit's bait), barely by quality.
    y = (rng.random(n) < 0.55 + 0.3 * (spread < 0.05) + 0.05 * quality).astype(float)
    x = np.zeros((n, len(FEATURE_NAMES)))
    x[:, 0] = 1.0
    names = list(FEATURE_NAMES)
    x[:, names.index("char_mean")] = mean
    x[:, names.index("char_min")] = low
    w = dict(zip(FEATURE_NAMES, fit_calibration(x, y), strict=True))
    assert w["char_mean"] >= 0 and w["char_min"] >= 0
    model = Calibration(np.array(list(w.values())), {})
    low_x, high_x = x[0].copy(), x[0].copy()
    low_x[names.index("char_mean")] = low_x[names.index("char_min")] = 0.3
    high_x[names.index("char_mean")] = high_x[names.index("char_min")] = 0.95
    assert model.predict(low_x) <= model.predict(high_x)


def test_isotonic_map_is_monotone_and_matches_block_accuracy() -> None:
    from digitize.confidence import fit_isotonic

    rng = np.random.default_rng(3)
    scores = rng.random(2000)
    correct = (rng.random(2000) < scores**2).astype(float)  # the raw score is over-confident
    centres, values = fit_isotonic(scores, correct)
    assert list(values) == sorted(values) and list(centres) == sorted(centres)
    mapped = np.interp(0.5, centres, values)
    assert abs(mapped - 0.25) < 0.08  # right about a quarter of the time at raw score 0.5
    model = Calibration(np.zeros(len(FEATURE_NAMES)), {}, centres, values)
    assert model.predict(np.zeros(len(FEATURE_NAMES))) == np.interp(0.5, centres, values)


def test_field_families_keep_list_values_whole() -> None:
    from digitize.confidence import field_family

    assert field_family("thua_dat[2].so_thua") == "thua_dat[].so_thua"
    assert field_family("thua_dat[0].muc_dich_su_dung[1].ma") == "thua_dat[].muc_dich_su_dung"
    assert field_family("thua_dat[0].muc_dich_su_dung") == "thua_dat[].muc_dich_su_dung"
    assert field_family("ngay_cap") == "ngay_cap"


def test_field_prior_separates_fields_whose_signals_look_alike(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from digitize.bench.calibrate import fit_model
    from digitize.confidence import load_calibration

    rng = np.random.default_rng(3)
    n = 3000
    families = ["chu_su_dung[].gioi_tinh" if i % 2 else "so_vao_so" for i in range(n)]
    # Same signals; one family right 95 % of the time, the other 40 %.
    y = np.array([rng.random() < (0.95 if f.endswith("gioi_tinh") else 0.4) for f in families], float)
    x = np.array([features(_cand(kind="none", char_confidences=[0.9]))] * n)
    model = fit_model(x, y, families)
    sex = model.predict(x[0], "chu_su_dung[].gioi_tinh")
    registry = model.predict(x[0], "so_vao_so")
    assert abs(sex - 0.95) < 0.05 and abs(registry - 0.4) < 0.06
    # An unknown family gets the overall accuracy's prior; the model survives a round trip.
    assert registry < model.predict(x[0], "never_seen") < sex
    path = tmp_path / "calibration.json"
    path.write_text(model.to_json(), encoding="utf-8")
    loaded = load_calibration(str(path))
    assert loaded is not None and abs(loaded.predict(x[0], "so_vao_so") - registry) < 1e-4


def test_samples_leave_out_values_the_truth_does_not_model() -> None:
    truth = GroundTruth(generator_version="t", seed=0, doc_type="gcn_2009_2014",  # type: ignore[arg-type]
                        record={"so_phat_hanh": "DP 947330"})
    sig = [0.0] * len(FEATURE_NAMES)
    result = {"fields": [
        {"path": "so_phat_hanh", "value": "DP 947330", "status": "extracted", "confidence": 0.9, "signals": sig},
        {"path": "phap_nhan", "value": "Cá nhân", "status": "extracted", "confidence": 0.9, "signals": sig},
        {"path": "chu_su_dung[0].vai_tro", "value": "Cá nhân", "status": "extracted", "confidence": 0.9,
         "signals": sig},
    ]}
    families: list[str] = []
    _, y = samples_from([result], [truth], families)
    assert list(y) == [1.0] and families == ["so_phat_hanh"]


# -- the review rule no fit can undo ------------------------------------------------------------

def test_unconfirmed_value_goes_to_review_whatever_supports_it_or_not() -> None:
    from digitize.confidence import UNCONFIRMED_REASON, review_reason

    one_reading = {"kind": "text", "path": "ho_ten", "value": "Nguyễn Văn An", "raw": "Nguyễn Văn An"}
    assert review_reason(_cand(**one_reading), frozenset()) == UNCONFIRMED_REASON
    assert review_reason(_cand(**one_reading, agree=False), frozenset()) == UNCONFIRMED_REASON
    # A second reader, two merged readings, a code or a validator each confirm it.
    assert review_reason(_cand(**one_reading, agree=True), frozenset()) is None
    assert review_reason(_cand(**one_reading, readers=2), frozenset()) is None
    assert review_reason(_cand(**one_reading, source="mrz"), frozenset()) is None
    assert review_reason(_cand(path="so_dinh_danh", value="001203004567", raw="001203004567", valid=True),
                         frozenset()) is None
    # A closed vocabulary supports a full match only; a validator that contradicts never supports.
    sex = {"path": "gioi_tinh", "value": "Nam", "raw": "Nam", "kind": "text"}
    assert review_reason(_cand(**sex, evidence=1.0), frozenset()) is None
    assert review_reason(_cand(**sex, evidence=0.6), frozenset()) == UNCONFIRMED_REASON
    assert review_reason(_cand(**one_reading, evidence=1.0, valid=False), frozenset()) == UNCONFIRMED_REASON


def test_handwriting_needs_a_second_reading_even_when_a_validator_agrees() -> None:
    from digitize.confidence import HANDWRITING_REASON, TWO_READINGS_REASON, review_reason

    day = {"path": "ngay_ky", "value": "2016-03-14", "raw": "14", "valid": True}
    assert review_reason(_cand(**day, handwritten=True), frozenset()) == HANDWRITING_REASON
    assert review_reason(_cand(**day), frozenset({"ngay_ky"})) == TWO_READINGS_REASON
    assert review_reason(_cand(**day, handwritten=True, agree=True), frozenset({"ngay_ky"})) is None


def _always_sure(tmp_path) -> str:  # type: ignore[no-untyped-def]
    """A calibration file whose model gives every value confidence ~1."""
    import json

    weights = [30.0] + [0.0] * (len(FEATURE_NAMES) - 1)
    path = tmp_path / "sure.json"
    path.write_text(json.dumps({"features": list(FEATURE_NAMES), "weights": weights, "meta": {}}), encoding="utf-8")
    return str(path)


def test_no_score_lifts_an_unconfirmed_value_out_of_review(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from types import SimpleNamespace

    from digitize.confidence import UNCONFIRMED_REASON
    from digitize.config import Settings
    from digitize.layout.extract import to_fields

    ctx = SimpleNamespace(settings=Settings(calibration_file=_always_sure(tmp_path)),
                          template=SimpleNamespace(meta={}), page=None, stream=None, page_number=0)
    name = {"kind": "text", "path": "ho_ten", "value": "Nguyễn Văn An", "raw": "Nguyễn Văn An"}
    fields = to_fields(ctx, [_cand(**name), _cand(**name, agree=True),  # type: ignore[arg-type]
                             _cand(path="so_thua", value="125", raw="125", valid=True)], [])
    assert [f.status.value for f in fields] == ["needs_review", "extracted", "extracted"]
    assert fields[0].confidence > 0.99 and UNCONFIRMED_REASON in fields[0].reasons


def test_samples_record_how_the_status_was_decided() -> None:
    from digitize.confidence import LOW_CONFIDENCE_REASON, UNCONFIRMED_REASON

    truth = GroundTruth(generator_version="t", seed=0, doc_type="gcn_2009_2014",  # type: ignore[arg-type]
                        record={"so_phat_hanh": "DP 947330", "ngay_cap": "2016-03-14", "so_vao_so": "CS 01"},
                        condition="phone")
    sig = [0.0] * len(FEATURE_NAMES)
    result = {"fields": [
        {"path": "so_phat_hanh", "value": "DP 947330", "status": "extracted", "confidence": 0.9, "signals": sig},
        {"path": "ngay_cap", "value": "2016-03-14", "status": "needs_review", "confidence": 0.4, "signals": sig,
         "reasons": [LOW_CONFIDENCE_REASON]},
        {"path": "so_vao_so", "value": "CS 01", "status": "needs_review", "confidence": 0.9, "signals": sig,
         "reasons": [UNCONFIRMED_REASON]},
        {"path": "ghi_chu", "value": "x", "status": "conflict", "confidence": 0.9, "signals": sig,
         "reasons": ["two values"]},
    ]}
    extra: dict[str, list[object]] = {}
    samples_from([result], [truth], [], extra)
    assert extra["decided"] == [True, True, True, False]
    assert extra["unconfirmed_rule"] == [False, False, True, False]
    assert extra["condition"] == ["phone"] * 4 and extra["image"] == [0] * 4


def test_each_reader_setup_has_its_own_confidence_model(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The signals depend on who read the text: a setup's own fitted model is used when it exists."""
    from digitize import confidence
    from digitize.config import Settings

    assert Settings().reader_setup() == "default"
    assert Settings(recogniser="trained").reader_setup() == "trained-first"
    assert Settings(backend="trained").reader_setup() == "trained-first"
    assert Settings(second_recogniser="trained").reader_setup() == "trained-second"
    monkeypatch.setattr(confidence, "models_dir", lambda: tmp_path)
    (tmp_path / "calibration.json").write_text("{}", encoding="utf-8")
    trained = Settings(recogniser="trained")
    assert confidence.calibration_path(trained) == str(tmp_path / "calibration.json")  # none of its own yet
    (tmp_path / "calibration-trained-first.json").write_text("{}", encoding="utf-8")
    assert confidence.calibration_path(trained) == str(tmp_path / "calibration-trained-first.json")
    assert confidence.calibration_path(Settings()) == str(tmp_path / "calibration.json")
    chosen = str(tmp_path / "mine.json")
    assert confidence.calibration_path(Settings(recogniser="trained", calibration_file=chosen)) == chosen
