"""End to end through the real default backend: pixels in, Form 01 fields out."""

from __future__ import annotations

from pathlib import Path

import pytest

from digitize.config import Settings
from digitize.model import FieldStatus
from digitize.ocr.base import available_backends, create_backend
from digitize.pipeline import process_file
from tests.conftest import needs_tesseract
from tests.fixtures import GCN_PAGE2_RECORD

BACKENDS = [
    pytest.param("default", marks=[pytest.mark.slow]),
    pytest.param("paddle", marks=[pytest.mark.slow, pytest.mark.paddle,
                                  pytest.mark.skipif(available_backends(Settings())["paddle"] is not None,
                                                     reason="paddle extra not installed")]),
]


@needs_tesseract
@pytest.mark.parametrize("backend_name", BACKENDS)
def test_backend_reads_the_certificate_page(gcn_page2: Path, backend_name: str) -> None:
    settings = Settings()
    backend = create_backend(backend_name, settings)
    try:
        doc = process_file(gcn_page2, backend, settings)
    finally:
        backend.close()
    expected = GCN_PAGE2_RECORD["thua_dat"][0]
    parcel = doc.record["thua_dat"][0]
    for key in ("so_thua", "so_to_ban_do", "dien_tich", "hinh_thuc_su_dung", "dia_chi"):
        assert parcel[key] == expected[key], key
    assert doc.record["ngay_cap"] == GCN_PAGE2_RECORD["ngay_cap"]
    for field in doc.fields:
        if field.status in (FieldStatus.EXTRACTED, FieldStatus.NEEDS_REVIEW):
            assert field.box is not None and field.page == 0
    assert doc.timings["ocr"] > 0
