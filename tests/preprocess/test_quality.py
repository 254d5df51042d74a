"""Retake advice only where a person would also retake (issue 12, item 6).

No glare flag on a clean scan (pink guilloche or plain, with a seal); no cut-off flag
because a keyboard or a mat reaches the photo's edge around a whole page or card; but a
page whose corner really lies outside the photo is still flagged.
"""

from __future__ import annotations

import numpy as np
import pytest

from digitize.model import Page, SourceInfo
from digitize.preprocess import preprocess
from digitize.preprocess import testing as synth


def _page(image: np.ndarray) -> Page:
    h, w = image.shape[:2]
    return Page(source=SourceInfo(path="capture.jpg", width=w, height=h), image=image)


@pytest.mark.parametrize(("pink", "seed"), [(True, 81), (False, 82)])
def test_clean_scan_no_glare(pink: bool, seed: int) -> None:
    page = synth.render_page(seed, size=(1240, 1754), pink=pink, seal=True, font_index=seed % 5)
    img, _ = synth.scan(page, 0, 0.4)
    q = preprocess(_page(img))[0].quality
    assert "glare" not in q.flags
    assert not q.retake_recommended, q.flags


@pytest.mark.parametrize(("bg", "seed"), [("keyboard", 83), ("mat", 84)])
def test_background_reaching_the_edge_is_not_cut_off(bg: str, seed: int) -> None:
    page = synth.render_page(seed, size=(827, 1169), pink=True, seal=True, font_index=seed % 5)
    ph = synth.photograph(page, seed=seed, bg_kind=bg, skew_deg=5.0, perspective=0.03, photo_size=(960, 1280),
                          fill=0.8)
    q = preprocess(_page(ph.image))[0].quality
    assert "cut_off" not in q.flags
    assert not q.retake_recommended, q.flags


def test_page_really_cut_off_is_flagged() -> None:
    page = synth.render_page(85, size=(827, 1169), pink=True, seal=True, font_index=1)
    # the page is larger than the frame's width: its left and right sides lie outside the photo
    ph = synth.photograph(page, seed=85, bg_kind="wood", skew_deg=3.0, perspective=0.02, photo_size=(960, 1280),
                          fill=1.08)
    q = preprocess(_page(ph.image))[0].quality
    assert "cut_off" in q.flags or "no_document_found" in q.flags
