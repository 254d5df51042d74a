"""scripts/quantize_detector.py: the int8 detector made from a couple of calibration pages still finds lines."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from digitize.config import Settings
from digitize.io.loader import load_pages
from digitize.ocr.base import available_backends
from digitize.ocr.ppocr import DbDetector

ROOT = Path(__file__).resolve().parents[2]

pytest.importorskip("onnx", reason="the train extra (onnx) is not installed: pip install -e .[train]")
pytestmark = pytest.mark.slow


def test_quantised_detector_is_written_and_detects(tmp_path: Path, gcn_page2: Path) -> None:
    if available_backends(Settings())["default"] is not None:
        pytest.skip("the PP-OCRv4 detector is not installed")
    out = tmp_path / "det_int8.onnx"
    done = subprocess.run([sys.executable, str(ROOT / "scripts" / "quantize_detector.py"), "--pages", "2",
                           "--out", str(out)], capture_output=True, text=True, timeout=600, cwd=ROOT)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    assert "sha256" in done.stdout and out.stat().st_size < 3_000_000
    [page] = load_pages(gcn_page2)
    assert page.image is not None
    assert len(DbDetector(out).detect(page.image)) >= 10
