"""The contract every OCR backend keeps, run over each backend installed here."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from digitize.config import Settings
from digitize.errors import MissingDependency
from digitize.io.loader import load_pages
from digitize.model import Line, Page, SourceInfo
from digitize.ocr.base import OcrBackend, available_backends, backend_names, create_backend

SETTINGS = Settings()
AVAILABLE = [name for name, problem in available_backends(SETTINGS).items() if problem is None]


@pytest.fixture(
    scope="module",
    params=[pytest.param(name, marks=[pytest.mark.paddle] if name == "paddle" else []) for name in AVAILABLE],
)
def backend(request: pytest.FixtureRequest) -> Iterator[OcrBackend]:
    engine = create_backend(request.param, SETTINGS)
    yield engine
    engine.close()


def _check_lines(lines: list[Line], page: Page) -> None:
    assert page.image is not None
    h, w = page.image.shape[:2]
    for line in lines:
        assert isinstance(line, Line)
        assert line.text == unicodedata.normalize("NFC", line.text)
        assert 0.0 <= line.confidence <= 1.0
        assert len(line.polygon) == 4
        for x, y in line.polygon:
            assert -1 <= x <= w + 1 and -1 <= y <= h + 1
        if line.char_confidences is not None:
            assert all(0.0 <= c <= 1.0 for c in line.char_confidences)


def test_reads_the_certificate_page(backend: OcrBackend, gcn_page2: Path) -> None:
    [page] = load_pages(gcn_page2)
    lines = backend.read_page(page)
    _check_lines(lines, page)
    text = "\n".join(line.text for line in lines)
    # Every backend must find the digits; Vietnamese words only the Vietnamese-capable ones.
    assert "318" in text and "152" in text
    if backend.name != "rapidocr":
        assert "Thửa đất" in text


def test_reread_returns_one_reading_per_line(backend: OcrBackend, gcn_page2: Path) -> None:
    [page] = load_pages(gcn_page2)
    lines = backend.read_page(page)[:3]
    for kind in ("digits", "text"):
        readings = backend.reread(page, lines, kind)  # type: ignore[arg-type]
        assert len(readings) == len(lines)
        for reading in readings:
            if reading is not None:
                assert 0.0 <= reading.confidence <= 1.0
                assert reading.text == unicodedata.normalize("NFC", reading.text)


def test_blank_page_gives_no_lines_and_no_crash(backend: OcrBackend, tmp_path: Path) -> None:
    if backend.name == "fake":
        pytest.skip("the fake backend reads sidecars, not pixels")
    page = Page(source=SourceInfo(path=str(tmp_path / "blank.png"), width=600, height=400),
                image=np.full((400, 600, 3), 255, np.uint8))
    lines = backend.read_page(page)
    assert all(line.text.strip() for line in lines)
    assert len(lines) <= 1


def test_tiny_and_dark_images(backend: OcrBackend, tmp_path: Path) -> None:
    if backend.name == "fake":
        pytest.skip("the fake backend reads sidecars, not pixels")
    for image in (np.zeros((1, 1, 3), np.uint8), np.zeros((300, 300, 3), np.uint8)):
        page = Page(source=SourceInfo(path=str(tmp_path / "x.png")), image=image)
        _check_lines(backend.read_page(page), page)


def test_registry_names_and_errors() -> None:
    assert {"default", "fake", "paddle", "tesseract", "rapidocr", "trained"} <= set(backend_names())
    with pytest.raises(ValueError, match="unknown OCR backend"):
        create_backend("nope", SETTINGS)


def test_trained_backend_is_registered_and_says_why_it_cannot_run() -> None:
    assert "trained" in backend_names()
    problem = available_backends(SETTINGS)["trained"]
    if problem is None:
        pytest.skip("the trained recogniser is installed: covered by the contract tests above")
    assert "not available" in problem or "not found" in problem
    with pytest.raises(MissingDependency):
        create_backend("trained", SETTINGS)


def test_paddle_backend_reports_missing_extra_clearly() -> None:
    if "paddle" in AVAILABLE:
        pytest.skip("paddle extra installed: covered by the contract tests above")
    with pytest.raises(MissingDependency, match="paddle"):
        create_backend("paddle", SETTINGS)


@pytest.mark.slow
@pytest.mark.skipif("default" not in AVAILABLE, reason="the default backend's models are not installed")
def test_a_line_longer_than_a_recogniser_takes_is_read_in_pieces_not_crashed() -> None:
    """asterocr's graph holds 256 steps: a 1100 px wide line at its height used to raise in onnxruntime."""
    import cv2

    from digitize.ocr.models import model_path
    from digitize.ocr.ppocr import load_aster_recognizer

    aster = load_aster_recognizer(model_path("asterocr_rec"), model_path("asterocr_vocab"))
    words = "Nha nuoc cong nhan quyen su dung dat nhu giao dat khong thu tien su dung dat"
    image = np.full((40, 2300, 3), 255, np.uint8)
    cv2.putText(image, words + " va tai san", (5, 30), cv2.FONT_HERSHEY_SIMPLEX, 0.8, (0, 0, 0), 2)
    [(text, confidence, confidences)] = aster.recognize([image])
    assert text.startswith("Nha nuoc cong nhan") and "tai san" in text
    assert len(confidences) == len(text) and 0.0 < confidence <= 1.0
