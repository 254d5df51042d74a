from __future__ import annotations

import os
from pathlib import Path

import pytest

from digitize.config import Settings, find_tessdata
from tests.fixtures import GCN_PAGE2_LINES, GCN_PAGE2_RECORD, render_lines

# Tests must not depend on the developer's environment.
for key in [k for k in os.environ if k.startswith("DIGITIZE_")]:
    del os.environ[key]

HAVE_TESSERACT = find_tessdata() is not None


@pytest.fixture(scope="session")
def gcn_page2(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A clean rendering of a 2009/2014 certificate page 2, with ground truth."""
    folder = tmp_path_factory.mktemp("gcn")
    return render_lines(folder / "gcn_page2.png", GCN_PAGE2_LINES, record=GCN_PAGE2_RECORD)


@pytest.fixture
def settings() -> Settings:
    return Settings()


needs_tesseract = pytest.mark.skipif(not HAVE_TESSERACT, reason="tesseract-ocr-vie is not installed")
