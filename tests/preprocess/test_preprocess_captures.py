"""Captures as real ones look: pages on keyboards, mats and beside the next page; ID cards
small in the frame; clean scans that need no retake (domain.md, "Captures").

Round trips: a page or card is pasted at known corners, and the pipeline must give those
corners back.
"""

from __future__ import annotations

import math

import cv2
import numpy as np
import pytest

from digitize.model import Page, SourceInfo
from digitize.preprocess import find_document_quad, preprocess
from digitize.preprocess import testing as synth
from digitize.preprocess.cards import CARD_LONG_SIDE_PX, background_like, find_card_quad
from digitize.preprocess.geometry import order_corners
from digitize.preprocess.quality import glare_fraction


def make_page(image: np.ndarray) -> Page:
    h, w = image.shape[:2]
    return Page(source=SourceInfo(path="capture.jpg", width=w, height=h), image=image)


def corner_error(found: np.ndarray, truth: np.ndarray, size: tuple[int, int]) -> float:
    """Largest corner distance as a share of the image diagonal, in any corner order."""
    f, t = order_corners(np.asarray(found, float)), order_corners(np.asarray(truth, float))
    return float(np.max(np.hypot(*(f - t).T))) / math.hypot(*size)


@pytest.mark.parametrize(
    ("bg", "adjacent", "seed"),
    [("keyboard", False, 1), ("keyboard", False, 2), ("mat", False, 3), ("mat", True, 4), ("wood", True, 5)],
)
def test_page_on_real_background_corners_back(bg: str, adjacent: bool, seed: int) -> None:
    page = synth.render_page(50 + seed, size=(827, 1169), pink=seed % 2 == 0, seal=True, font_index=seed % 5)
    ph = synth.photograph(page, seed=seed, bg_kind=bg, skew_deg=6.0 if seed % 2 else -7.0, perspective=0.03,
                          photo_size=(960, 1280), fill=0.7, adjacent_page=adjacent)
    quad = find_document_quad(ph.image)
    assert quad is not None
    assert corner_error(quad, ph.corners, (960, 1280)) < 0.01
    # the keyboard or the mat reaching the frame's edge is not the page being cut off
    quality = preprocess(make_page(ph.image))[0].quality
    assert "cut_off" not in quality.flags


def _card_photo(seed: int, bg: str, rotation: int, long_share: float) -> synth.SyntheticPhoto:
    """An ID-1 card whose long side is ``long_share`` of the 960 px short side of the frame."""
    card = synth.render_page(80 + seed, size=(856, 540), pink=False, seal=False, n_lines=8, font_index=seed % 5)
    turned = rotation in (90, 270)
    ext = (540, 856) if turned else (856, 540)
    fit = min(960 / ext[0], 1280 / ext[1])
    fill = long_share * 960 / 856 / fit
    return synth.photograph(card, seed=seed, bg_kind=bg, rotation_deg=rotation, skew_deg=5.0, perspective=0.02,
                            photo_size=(960, 1280), fill=fill)


@pytest.mark.parametrize(("bg", "rotation", "seed"), [("keyboard", 90, 11), ("mat", 270, 12), ("cloth", 90, 13)])
def test_small_card_found_and_read_from_upscaled_crop(bg: str, rotation: int, seed: int) -> None:
    ph = _card_photo(seed, bg, rotation, 0.38)
    pages = preprocess(make_page(ph.image))
    assert len(pages) == 1
    p = pages[0]
    assert p.page_corners is not None
    assert corner_error(np.asarray(p.page_corners), ph.corners, (960, 1280)) < 0.01
    assert p.image is not None
    h, w = p.image.shape[:2]
    assert max(h, w) >= CARD_LONG_SIDE_PX  # upscaled from ~365 px
    assert abs(max(h, w) / min(h, w) - 85.6 / 54.0) < 0.01
    if p.rotation_deg is not None:  # upright: the card's long side is horizontal
        assert w > h
    # boxes on the upscaled crop map back onto the card in the photo
    box = np.array([[0, 0], [w - 1, 0], [w - 1, h - 1], [0, h - 1]], float)
    back = np.asarray(p.to_original(box.tolist()))
    assert corner_error(back, ph.corners, (960, 1280)) < 0.012
    # 6-9 px card text is read from the enlarged crop: no "text too small", no retake
    assert "text_too_small" not in p.quality.flags
    assert not p.quality.retake_recommended, p.quality.flags


def test_card_search_keeps_a_real_page() -> None:
    page = synth.render_page(61, size=(827, 1169), pink=True, seal=True, font_index=1)
    ph = synth.photograph(page, seed=6, bg_kind="keyboard", skew_deg=4.0, perspective=0.03, photo_size=(960, 1280),
                          fill=0.75)
    quad = find_document_quad(ph.image)
    assert quad is not None and not background_like(quad, (960, 1280))
    # a keyboard with no card on it has no card
    empty = synth.background("keyboard", (960, 1280), np.random.default_rng(3))
    assert find_card_quad(empty) is None


def test_clean_scan_gets_no_glare_or_retake() -> None:
    page = synth.render_page(71, size=(1240, 1754), pink=False, seal=True, font_index=2)
    img, _ = synth.scan(page, 0, 0.0)
    p = preprocess(make_page(img))[0]
    assert "glare" not in p.quality.flags
    assert not p.quality.retake_recommended, p.quality.flags


def test_glare_over_text_is_flagged() -> None:
    page = synth.render_page(72, size=(827, 1169), pink=False, seal=False, font_index=0)
    img = (page.image.astype(np.float32) * 0.88).astype(np.uint8)  # paper ~225 in room light
    # a sleeve's highlight across the text: a band that washes the strokes out
    h, w = img.shape[:2]
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    d = (xx - w * 0.5) * 0.8 + (yy - h * 0.3) * 0.6
    band = np.exp(-((d / (0.1 * w)) ** 2))[..., None]
    glared = np.clip(img + (255 - img.astype(np.float32)) * 0.93 * band, 0, 255).astype(np.uint8)
    assert glare_fraction(img) < 0.01
    assert glare_fraction(glared) > 0.03
    ph = synth.photograph(synth.SyntheticPage(glared, page.lines), seed=9, bg_kind="wood", perspective=0.02,
                          photo_size=(1200, 1600), fill=0.85, shadow=False)
    assert "glare" in preprocess(make_page(ph.image))[0].quality.flags


def test_blurred_page_still_told_to_retake() -> None:
    ph = _card_photo(14, "mat", 0, 0.4)
    blurred = cv2.GaussianBlur(ph.image, (0, 0), 2.5)
    q = preprocess(make_page(blurred))[0].quality
    assert q.retake_recommended, q.flags


def test_blank_sheet_is_not_called_blurry() -> None:
    # blur is judged without letters too (a blurred card), but a sheet with nothing on it has no edges to judge
    q = preprocess(make_page(np.full((900, 700, 3), 250, np.uint8)))[0].quality
    assert "blurry" not in q.flags and "no_text" in q.flags
