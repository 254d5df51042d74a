"""Shared renders for the synth tests (rendering is the slow part: do it once)."""

from __future__ import annotations

import numpy as np
import pytest

from digitize.synth import sets
from digitize.truth import GroundTruth

# every document type once, the conditions cycled so that each appears at least once
_PLAN = [
    ("gcn_2009_2014", "trang_1", "clean"),
    ("gcn_2009_2014", "trang_2+trang_3", "two_pages"),
    ("gcn_2009_2014", "trang_3", "aged"),
    ("gcn_2009_2014", "trang_4", "scan"),
    ("gcn_2024", "trang_1", "damaged"),
    ("gcn_2024", "trang_2", "clean"),
    ("gcn_truoc_2009", "trang_1", "phone"),
    ("cccd_mat_truoc", "mat_truoc", "rotated"),
    ("cccd_mat_sau", "mat_sau", "damaged"),
    ("can_cuoc_2024_mat_truoc", "mat_truoc", "phone"),
    ("can_cuoc_2024_mat_sau", "mat_sau", "scan"),
    ("cmnd", "mat_truoc", "clean"),
    ("gcn_2009_2014", "trang_2", "rotated"),
]


@pytest.fixture(scope="session")
def rendered() -> list[tuple[sets.Item, np.ndarray, GroundTruth]]:
    """(item, image, truth) for each entry of the plan above."""
    out = []
    for i, (doc, role, cond) in enumerate(_PLAN):
        item = sets.Item(i, doc, role, cond, 1000 + i)
        img, truth, _ = sets.render(item)
        out.append((item, img, truth))
    return out
