"""ID cards small in the frame: the card search answers when the page search's outline is card-shaped.

On a keyboard the page search's bright-region cue joins a small card to the next row of
keys; the outline still has ID-1 proportions, and the MRZ at the card's bottom was then
read from a warped crop.  The card search (table-aware cues, an edge on every side) now
answers for small card-shaped outlines too.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from digitize.model import Page, SourceInfo
from digitize.preprocess import crop as crop_mod
from digitize.preprocess import preprocess
from digitize.preprocess import testing as synth
from digitize.preprocess.cards import CARD_LONG_SIDE_PX, small_card_like
from digitize.preprocess.geometry import order_corners


def corner_error(found: np.ndarray, truth: np.ndarray, size: tuple[int, int]) -> float:
    f, t = order_corners(np.asarray(found, float)), order_corners(np.asarray(truth, float))
    return float(np.max(np.hypot(*(f - t).T))) / math.hypot(*size)


def card_photo(seed: int, bg: str, rotation: int, long_share: float = 0.36) -> synth.SyntheticPhoto:
    """An ID-1 card whose long side is ``long_share`` of the 960 px short side of a 960x1280 frame."""
    card = synth.render_page(90 + seed, size=(856, 540), pink=False, seal=False, n_lines=8, font_index=seed % 5)
    ext = (540, 856) if rotation in (90, 270) else (856, 540)
    fit = min(960 / ext[0], 1280 / ext[1])
    return synth.photograph(card, seed=seed, bg_kind=bg, rotation_deg=rotation, skew_deg=-4.0, perspective=0.02,
                            photo_size=(960, 1280), fill=long_share * 960 / 856 / fit)


def test_small_card_like() -> None:
    size = (1000, 1333)
    card = np.array([[300, 400], [600, 400], [600, 589], [300, 589]], float)  # ID-1, 4 % of the frame
    assert small_card_like(card, size)
    page = np.array([[100, 100], [800, 100], [800, 1090], [100, 1090]], float)  # A4
    assert not small_card_like(page, size)
    big_card = card * 2.6  # ID-1 but over a quarter of the frame: a page under perspective may look like it
    assert not small_card_like(big_card, size)
    assert not small_card_like(None, size)


def test_card_outline_with_a_key_row_is_replaced_by_the_card(monkeypatch: pytest.MonkeyPatch) -> None:
    """The page search returns the card plus a strip of keys below it (still ID-1-shaped)."""
    ph = card_photo(31, "keyboard", 0)
    truth = order_corners(ph.corners)
    real = crop_mod.find_document

    def with_key_row(image: np.ndarray, min_score: float = 0.45) -> tuple[np.ndarray | None, bool]:
        _quad, whole = real(image, min_score)
        s = image.shape[1] / 960
        q = truth.copy() * s
        q[2:] += (q[2:] - q[1::-1]) * 0.12  # the bottom side slipped onto the next key row
        return q, whole

    monkeypatch.setattr(crop_mod, "find_document", with_key_row)
    p = preprocess(Page(source=SourceInfo(path="card.jpg", width=960, height=1280), image=ph.image))[0]
    assert p.page_corners is not None
    assert corner_error(np.asarray(p.page_corners), truth, (960, 1280)) < 0.01


@pytest.mark.parametrize(("bg", "rotation", "seed"), [("keyboard", 90, 32), ("mat", 270, 33), ("wood", 90, 34)])
def test_small_turned_card_found_upscaled_and_oriented(bg: str, rotation: int, seed: int) -> None:
    ph = card_photo(seed, bg, rotation)
    p = preprocess(Page(source=SourceInfo(path="card.jpg", width=960, height=1280), image=ph.image))[0]
    assert p.page_corners is not None
    assert corner_error(np.asarray(p.page_corners), ph.corners, (960, 1280)) < 0.01
    assert p.image is not None
    h, w = p.image.shape[:2]
    assert max(h, w) >= CARD_LONG_SIDE_PX  # the ~345 px card is read from an upscaled crop
    assert w > h  # turned back: the card's long side is horizontal
    assert not p.quality.retake_recommended, p.quality.flags
