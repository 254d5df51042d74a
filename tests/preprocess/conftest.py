"""Shared synthetic fixtures for the preprocessing tests (small pages keep the suite fast)."""

from __future__ import annotations

import numpy as np
import pytest

from digitize.model import Page, SourceInfo
from digitize.preprocess import testing as synth

SMALL_A4 = (827, 1169)  # ~100 dpi: quick to render, still readable text


def make_page(image: np.ndarray, name: str = "synthetic.png") -> Page:
    return Page(source=SourceInfo(path=name, width=image.shape[1], height=image.shape[0]), image=image)


@pytest.fixture(scope="session")
def pink_page() -> synth.SyntheticPage:
    return synth.render_page(11, size=SMALL_A4, pink=True, seal=True, font_index=0)


@pytest.fixture(scope="session")
def plain_page() -> synth.SyntheticPage:
    return synth.render_page(12, size=SMALL_A4, pink=False, seal=False, font_index=1)
