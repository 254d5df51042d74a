"""The detector's input size: the fixed max-side rule, and the letter-height target."""

from __future__ import annotations

import numpy as np
import pytest

from digitize.model import Page, Quality, SourceInfo, Transform
from digitize.ocr.default import page_text_height
from digitize.ocr.ppocr import MAX_UPSCALE, MIN_DETECT_SIDE, DbDetector


def _detector(max_side: int = 1600, target: float | None = None) -> DbDetector:
    detector = DbDetector.__new__(DbDetector)  # no model needed for the arithmetic
    detector.max_side = max_side
    detector.text_height_target = target
    return detector


def test_fixed_rule_shrinks_large_pages_and_enlarges_small_ones_up_to_a_limit() -> None:
    assert _detector().input_scale(3200, 2400) == pytest.approx(0.5)
    assert _detector().input_scale(960, 540) == pytest.approx(1600 / 960)
    assert _detector().input_scale(200, 100) == MAX_UPSCALE


def test_text_height_target_only_ever_shrinks_and_keeps_a_floor() -> None:
    detector = _detector(target=16.0)
    assert detector.input_scale(1600, 1200, 20.0) == pytest.approx(0.8)  # large print: smaller input
    assert detector.input_scale(1600, 1200, 10.0) == pytest.approx(1.0)  # small print: the fixed rule
    assert detector.input_scale(1600, 1200, None) == pytest.approx(1.0)  # unknown height: the fixed rule
    assert detector.input_scale(1600, 1200, 200.0) == pytest.approx(MIN_DETECT_SIDE / 1600)  # the floor
    assert _detector().input_scale(1600, 1200, 20.0) == pytest.approx(1.0)  # no target: no change


def test_page_text_height_follows_the_pages_scale() -> None:
    image = np.zeros((500, 400), np.uint8)
    page = Page(source=SourceInfo(path="x.png"), image=image, quality=Quality(metrics={"text_height_px": 30.0}))
    assert page_text_height(page) == pytest.approx(30.0)
    half = np.diag([0.5, 0.5, 1.0])  # the processed page is the original at half size
    scaled = page.model_copy(update={"transforms": [Transform.from_array("resize", half, (800, 1000), (400, 500))]})
    assert page_text_height(scaled) == pytest.approx(15.0)
    assert page_text_height(page.model_copy(update={"quality": Quality()})) is None
