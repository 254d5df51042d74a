from __future__ import annotations

import pytest

from digitize.bench.metrics import (
    accuracy_coverage,
    angle_error,
    cer,
    corner_error,
    expected_calibration_error,
    flatten_record,
    score_fields,
    score_lines,
    values_match,
)


def test_flatten_record() -> None:
    record = {"so_phat_hanh": "DP 1", "thua_dat": [{"so_thua": "1", "muc_dich_su_dung": [{"ten": "x", "ma": None}]}]}
    assert flatten_record(record) == {"so_phat_hanh": "DP 1", "thua_dat[0].so_thua": "1",
                                      "thua_dat[0].muc_dich_su_dung[0].ten": "x"}


def test_values_match_is_exact_but_tolerates_float_print_precision() -> None:
    assert values_match("Đất ở tại nông thôn", "Đất ở tại nông thôn")
    assert not values_match("Dat o tai nong thon", "Đất ở tại nông thôn")  # diacritics count
    assert values_match(152.4, 152.40001)
    assert not values_match(152.4, 154.2)
    assert values_match("  a   b ", "a b")
    assert not values_match(None, "x")


def test_score_fields_counts_missing_wrong_spurious_and_unreadable() -> None:
    truth = {"so_phat_hanh": "DP 947330", "ngay_cap": "2016-03-14", "thua_dat": [{"so_thua": "125"}]}
    predicted = [
        {"path": "so_phat_hanh", "value": "DP 947330", "status": "extracted", "confidence": 0.98},
        {"path": "ngay_cap", "value": "2016-03-17", "status": "needs_review", "confidence": 0.4},
        {"path": "ghi_chu", "value": "invented", "status": "extracted", "confidence": 0.9},
    ]
    outcomes = {o.path: o for o in score_fields(predicted, truth, unreadable=["thua_dat[0].so_thua"])}
    assert outcomes["so_phat_hanh"].correct
    assert not outcomes["ngay_cap"].correct and outcomes["ngay_cap"].status == "needs_review"
    assert outcomes["thua_dat[0].so_thua"].status == "missing" and outcomes["thua_dat[0].so_thua"].unreadable_in_truth
    assert outcomes["ghi_chu"].spurious


def test_ece() -> None:
    assert expected_calibration_error([], []) is None
    assert expected_calibration_error([1.0, 1.0], [True, True]) == pytest.approx(0.0)
    assert expected_calibration_error([0.9] * 10, [True] * 5 + [False] * 5) == pytest.approx(0.4)


def test_accuracy_coverage_sorts_by_confidence() -> None:
    curve = accuracy_coverage([0.9, 0.8, 0.2, 0.1], [True, True, False, False], points=(0.5, 1.0))
    assert curve == {"0.50": 1.0, "1.00": 0.5}


def test_cer_and_lines() -> None:
    assert cer("abc", "abc") == 0.0
    assert cer("ab", "abc") == pytest.approx(1 / 3)
    truth = [("Thửa đất số: 125", [(0, 0), (100, 0), (100, 10), (0, 10)]),
             ("missing line", [(0, 50), (100, 50), (100, 60), (0, 60)])]
    predicted = [("Thửa đất", [(0, 0), (45, 0), (45, 10), (0, 10)]),
                 ("số: 126", [(50, 0), (100, 0), (100, 10), (50, 10)])]
    score = score_lines(predicted, truth)
    assert score.truth_lines == 2 and score.found == 1
    assert score.edits == 1 and score.missed_chars == len("missing line")


def test_geometry_errors() -> None:
    truth = [[0, 0], [100, 0], [100, 100], [0, 100]]
    assert corner_error(truth, truth, (200, 200)) == 0.0
    shifted = [[1, 0], [100, 0], [100, 100], [0, 100]]
    assert corner_error(shifted, truth, (200, 200)) == pytest.approx(1 / (100 * 2**0.5))
    assert corner_error(None, truth, (200, 200)) is None
    assert angle_error(359.5, 0.5) == pytest.approx(1.0)
    assert angle_error(None, 0.0) is None


def test_free_text_fields_get_a_character_error_rate() -> None:
    from digitize.bench.runner import Tally

    truth = {"co_quan_cap": "SỞ TÀI NGUYÊN VÀ MÔI TRƯỜNG", "noi_cap": "Bắc Giang", "so_phat_hanh": "DP 947330"}
    predicted = [
        {"path": "co_quan_cap", "value": "SỞ TÀI NGUYÊN VÀ MÔI TRUỜNG", "status": "extracted", "confidence": 0.9},
        {"path": "so_phat_hanh", "value": "DP 947331", "status": "extracted", "confidence": 0.9},
    ]
    tally = Tally()
    tally.add_outcomes(score_fields(predicted, truth))
    # one wrong letter in 27, and the missing place costs its 9 letters; serials are not free text
    assert tally.text_edits == 1 + 9 and tally.text_chars == 27 + 9
    assert tally.summary()["text_field_cer"] == round(10 / 36, 4)
