"""The default backend's reader choice: the trained recogniser as Tesseract's second reader, and
the int8 detector against the fp32 one (real models, a rendered page)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from digitize.config import Settings
from digitize.io.loader import load_pages
from digitize.ocr.base import available_backends, create_backend
from digitize.ocr.default import make_detector

pytestmark = pytest.mark.slow


def _need_default_backend(settings: Settings) -> None:
    problem = available_backends(settings)["default"]
    if problem is not None:
        pytest.skip(f"default backend not available: {problem}")


def test_trained_second_reader_replaces_asterocr(gcn_page2: Path) -> None:
    settings = Settings(second_recogniser="trained")
    _need_default_backend(settings)
    backend = create_backend("default", settings)
    try:
        assert backend.model_info()["recogniser"].startswith("tesseract")
        assert backend.model_info()["second_reader"].startswith("trained")
        assert backend.text_reader is None  # asterocr is not loaded
        [page] = load_pages(gcn_page2)
        lines = backend.read_page(page)
        assert lines and all(ln.engine in ("tesseract", "trained") for ln in lines)
        # the second reading must come from the other recogniser than the line's own
        readings = backend.reread(page, lines[:6], "text")
        for line, reading in zip(lines[:6], readings, strict=True):
            assert reading is not None
            assert reading.engine == ("tesseract" if line.engine == "trained" else "trained")
        digits = backend.reread(page, lines[:2], "digits")
        assert all(r is not None and r.engine == "ppocr_rec" for r in digits)
    finally:
        backend.close()


def test_no_second_reader_reads_nothing_twice(gcn_page2: Path) -> None:
    settings = Settings(second_recogniser="trained", second_reader=False)
    _need_default_backend(settings)
    backend = create_backend("default", settings)
    try:
        assert backend.model_info()["second_reader"] == "none"
        [page] = load_pages(gcn_page2)
        lines = backend.read_page(page)
        assert lines and all(ln.engine == "tesseract" and not ln.alternatives for ln in lines)
        assert backend.reread(page, lines[:3], "text") == [None, None, None]
    finally:
        backend.close()


def _matched(found: list[np.ndarray], reference: list[np.ndarray], min_iou: float = 0.5) -> int:
    """How many reference quads have a found quad overlapping them by ``min_iou`` (axis-aligned boxes)."""
    def box(q: np.ndarray) -> tuple[float, float, float, float]:
        return float(q[:, 0].min()), float(q[:, 1].min()), float(q[:, 0].max()), float(q[:, 1].max())

    count = 0
    for ref in map(box, reference):
        for cand in map(box, found):
            ix = max(0.0, min(ref[2], cand[2]) - max(ref[0], cand[0]))
            iy = max(0.0, min(ref[3], cand[3]) - max(ref[1], cand[1]))
            inter = ix * iy
            union = (ref[2] - ref[0]) * (ref[3] - ref[1]) + (cand[2] - cand[0]) * (cand[3] - cand[1]) - inter
            if union > 0 and inter / union >= min_iou:
                count += 1
                break
    return count


def test_int8_detector_finds_the_lines_the_fp32_one_finds(gcn_page2: Path) -> None:
    fp32_settings = Settings()
    _need_default_backend(fp32_settings)
    [page] = load_pages(gcn_page2)
    assert page.image is not None
    fp32 = [q for q, _ in make_detector(fp32_settings).detect(page.image)]
    int8 = [q for q, _ in make_detector(Settings(det_model="ppocr_v4_det_int8")).detect(page.image)]
    assert len(fp32) >= 10
    assert _matched(int8, fp32) >= 0.95 * len(fp32)
    assert _matched(fp32, int8) >= 0.95 * len(int8)
