"""Results to export, read with the fake OCR backend from the shipped samples (fast, deterministic)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from digitize.config import Settings
from digitize.engine import Engine, Failure
from digitize.model import DocType, Document
from digitize.truth import GroundTruth, save_truth
from tests.fixtures import blank_image

SAMPLES = Path(__file__).resolve().parents[2] / "samples"
CERTIFICATE_PDF = SAMPLES / "gcn_2009_2014_trang_1-2.pdf"  # serial CC 468480, owner ĐẶNG THU NGỌC
CARD_JPG = SAMPLES / "0003_cccd_mat_truoc_mat_truoc_clean.jpg"
PAGE2_JPG = SAMPLES / "0000_gcn_2009_2014_trang_2_clean.jpg"  # page 2 only: no serial, no owner
TRUTH_DPI = 150  # the PDF sample's ground truth is drawn at 150 dpi


@pytest.fixture(scope="session")
def engine() -> Iterator[Engine]:
    with Engine(Settings(backend="fake", pdf_dpi=TRUTH_DPI)) as e:
        yield e


def _process(engine: Engine, path: Path) -> Document:
    result = engine.process(path)
    assert isinstance(result, Document), result
    return result


@pytest.fixture(scope="session")
def certificate(engine: Engine) -> Document:
    return _process(engine, CERTIFICATE_PDF)


@pytest.fixture(scope="session")
def card(engine: Engine) -> Document:
    return _process(engine, CARD_JPG)


@pytest.fixture(scope="session")
def page2(engine: Engine) -> Document:
    return _process(engine, PAGE2_JPG)


@pytest.fixture(scope="session")
def black_page(engine: Engine, tmp_path_factory: pytest.TempPathFactory) -> Document:
    path = blank_image(tmp_path_factory.mktemp("black") / "black.png", (800, 600), 0)
    save_truth(GroundTruth(generator_version="tests", seed=0, doc_type=DocType.KHAC, page_role=None, record={},
                           image_size=(800, 600), lines=[]), path)
    return _process(engine, path)


@pytest.fixture
def failure() -> Failure:
    return Failure(path="scans/broken.jpg", code="corrupt_file", message="scans/broken.jpg: image data is corrupt")
