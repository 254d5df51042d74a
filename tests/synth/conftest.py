"""Shared renders for the synth tests (rendering is the slow part: do it once)."""

from __future__ import annotations

import numpy as np
import pytest

from digitize.synth import sets
from digitize.truth import GroundTruth


@pytest.fixture(scope="session")
def rendered_conditions() -> dict[str, tuple[np.ndarray, GroundTruth]]:
    """One GCN 2009/2014 page 2 and one card per condition: (image, truth)."""
    out: dict[str, tuple[np.ndarray, GroundTruth]] = {}
    for i, cond in enumerate(sets.CONDITIONS):
        role = "trang_2+trang_3" if cond == "two_pages" else "trang_2"
        img, truth, _ = sets.render(sets.Item(i, "gcn_2009_2014", role, cond, 1000 + i))
        out[f"gcn_{cond}"] = (img, truth)
    for i, cond in enumerate(("clean", "phone", "damaged", "rotated")):
        img, truth, _ = sets.render(sets.Item(20 + i, "cccd_mat_truoc", "mat_truoc", cond, 2000 + i))
        out[f"card_{cond}"] = (img, truth)
    return out
