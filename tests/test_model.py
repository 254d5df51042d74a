from __future__ import annotations

import numpy as np
import pytest

from digitize.model import Document, Field, FieldStatus, Page, SourceInfo, Transform, build_record, parse_path


def test_parse_path() -> None:
    assert parse_path("thua_dat[0].muc_dich_su_dung[2].ma") == ["thua_dat", 0, "muc_dich_su_dung", 2, "ma"]
    assert parse_path("so_phat_hanh") == ["so_phat_hanh"]
    with pytest.raises(ValueError):
        parse_path("thua_dat[x]")


def test_build_record_nests_and_hides_missing_values() -> None:
    fields = [
        Field(path="so_phat_hanh", value="DP 947330", status=FieldStatus.EXTRACTED),
        Field(path="thua_dat[0].so_thua", value="125", status=FieldStatus.EXTRACTED),
        Field(path="thua_dat[0].muc_dich_su_dung[1].ten", value="Đất trồng cây lâu năm",
              status=FieldStatus.NEEDS_REVIEW),
        Field(path="ngay_cap", value="2016-03-14", status=FieldStatus.UNREADABLE),
        Field(path="so_vao_so", status=FieldStatus.NOT_FOUND),
    ]
    record = build_record(fields)
    assert record["so_phat_hanh"] == "DP 947330"
    assert record["thua_dat"][0]["so_thua"] == "125"
    assert record["thua_dat"][0]["muc_dich_su_dung"] == [None, {"ten": "Đất trồng cây lâu năm"}]
    assert record["ngay_cap"] is None  # unreadable values are never passed on as data
    assert record["so_vao_so"] is None


def _page_with(transforms: list[Transform]) -> Page:
    return Page(source=SourceInfo(path="x.png", width=1000, height=800), transforms=transforms)


def test_transform_chain_round_trip() -> None:
    rotate = Transform.from_array("rotate", np.array([[0, -1, 800], [1, 0, 0]], float), (1000, 800), (800, 1000))
    scale = Transform.from_array("scale", np.diag([0.5, 0.5, 1.0]), (800, 1000), (400, 500))
    page = _page_with([rotate, scale])
    original = [(10.0, 20.0), (990.0, 20.0), (990.0, 780.0)]
    processed = page.from_original(original)
    back = page.to_original(processed)
    assert np.allclose(back, original, atol=1e-6)
    # A 90-degree turn then halving: (10, 20) -> (780, 10) -> (390, 5)
    assert np.allclose(processed[0], (390.0, 5.0))


def test_page_image_is_never_serialised() -> None:
    page = Page(source=SourceInfo(path="x.png"), image=np.zeros((4, 4, 3), np.uint8))
    dumped = page.model_dump(mode="json")
    assert "image" not in dumped and "color_image" not in dumped


def test_document_output_shape() -> None:
    doc = Document(source="a.jpg", fields=[Field(path="so_phat_hanh", value="AA 01085158",
                                                 status=FieldStatus.EXTRACTED, confidence=0.97)])
    out = doc.to_output()
    assert set(out) >= {"record", "fields", "loai_tai_lieu", "warnings", "timings", "pages", "schema_version"}
    assert out["record"] == {"so_phat_hanh": "AA 01085158"}
    assert out["fields"][0]["status"] == "extracted"
