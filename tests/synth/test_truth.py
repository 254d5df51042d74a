"""Ground truth: record keys and value forms, geometry inside the image, unreadable fields."""

from __future__ import annotations

import re
import unicodedata
from typing import Any

import numpy as np
import pytest

from digitize.model import DocType, parse_path
from digitize.synth import data, degrade, gcn2009, sets
from digitize.truth import GroundTruth

CERT_KEYS = {"so_phat_hanh", "ma_gcn", "so_vao_so", "ngay_cap", "noi_cap", "co_quan_cap", "chu_su_dung", "thua_dat",
             "tai_san", "ghi_chu"}
PERSON_KEYS = {"ho_ten", "nam_sinh", "ngay_sinh", "gioi_tinh", "loai_giay_to", "so_giay_to", "dia_chi_thuong_tru",
               "dia_chi_2_cap"}
PARCEL_KEYS = {"so_thua", "so_to_ban_do", "dia_chi", "dien_tich", "hinh_thuc_su_dung", "muc_dich_su_dung",
               "thoi_han_su_dung", "nguon_goc_su_dung"}
USE_KEYS = {"ten", "ma", "dien_tich"}
ASSET_KEYS = {"loai", "dien_tich_xay_dung", "dien_tich_san", "hinh_thuc_so_huu", "thoi_han_so_huu", "cap_hang"}
CARD_KEYS = {"so_dinh_danh", "ho_ten", "ngay_sinh", "gioi_tinh", "quoc_tich", "que_quan", "noi_thuong_tru",
             "noi_dang_ky_khai_sinh", "ngay_cap", "ngay_het_han", "mrz", "qr"}
ISO = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _check_record(record: dict[str, Any], card: bool) -> None:
    top = CARD_KEYS if card else CERT_KEYS
    assert set(record) <= top, set(record) - top
    for k, v in record.items():
        if isinstance(v, str):
            assert unicodedata.normalize("NFC", v) == v
        if k in ("ngay_cap", "ngay_sinh") or (k == "ngay_het_han" and v != "Không thời hạn"):
            assert ISO.match(v), (k, v)
    if card:
        return
    if "so_phat_hanh" in record:
        assert re.fullmatch(r"[A-Z]{2} (\d{6}|\d{8})", record["so_phat_hanh"])
    if "so_vao_so" in record:
        assert " " not in record["so_vao_so"]
    for p in record.get("chu_su_dung", []):
        assert set(p) <= PERSON_KEYS
        assert p.get("gioi_tinh") in (None, "Nam", "Nữ")
        if "so_giay_to" in p:
            assert p["so_giay_to"].isdigit()
    for t in record.get("thua_dat", []):
        assert set(t) <= PARCEL_KEYS
        if "dien_tich" in t:
            assert isinstance(t["dien_tich"], float)
        for u in t.get("muc_dich_su_dung", []):
            assert set(u) <= USE_KEYS
            assert re.fullmatch(r"[A-Z]{3}", u["ma"])
    for a in record.get("tai_san", []):
        assert set(a) <= ASSET_KEYS


def _get(record: dict[str, Any], path: str) -> Any:
    node: Any = record
    for part in parse_path(path):
        node = node[part]
    return node


def _check_geometry(img: np.ndarray, truth: GroundTruth) -> None:
    h, w = img.shape[:2]
    assert truth.image_size == (w, h)
    for line in truth.lines:
        assert line.text == line.text.strip() and line.text
        for x, y in line.polygon:
            assert 0 <= x <= w and 0 <= y <= h
    for path, (x0, y0, x1, y1) in truth.field_boxes.items():
        assert 0 <= x0 <= x1 <= w and 0 <= y0 <= y1 <= h, path
        assert _get(truth.record, path) is not None  # a box only for a value in the record
    assert truth.page_corners is not None and len(truth.page_corners) == 4
    for x, y in truth.page_corners:
        assert 0 <= x <= w and 0 <= y <= h
    for line in truth.lines:
        if line.field:
            assert line.field in truth.field_boxes
    assert set(truth.unreadable) <= set(truth.field_boxes)


def test_every_type_and_condition_has_valid_truth(rendered: list[tuple[sets.Item, np.ndarray, GroundTruth]]) -> None:
    for item, img, truth in rendered:
        _check_geometry(img, truth)
        _check_record(truth.record, card=DocType(item.doc_type).is_id_card)
        assert truth.doc_type == DocType(item.doc_type)
        assert truth.page_role == item.page_role
        assert truth.condition == item.condition
        assert truth.lines
        if item.page_role != "trang_4":
            assert truth.record, item
        again = GroundTruth.model_validate_json(truth.model_dump_json())  # JSON round trip
        assert again == truth
    assert {it.doc_type for it, _, _ in rendered} == {d.value for d in DocType if d != DocType.KHAC}
    assert {it.condition for it, _, _ in rendered} == set(sets.CONDITIONS)


def test_rotation_matches_condition(rendered: list[tuple[sets.Item, np.ndarray, GroundTruth]]) -> None:
    for item, _, truth in rendered:
        if item.condition == "rotated":
            assert truth.rotation_deg in (90, 180, 270)
            assert any(s.startswith("rotate") for s in truth.degradations)
        else:
            assert truth.rotation_deg == 0, item
        assert abs(truth.skew_deg) <= 12


def test_damage_over_a_field_makes_it_unreadable() -> None:
    rng = np.random.default_rng(4)
    cert = data.make_certificate(rng, "gcn_2009_2014")
    s = degrade.from_rendered(gcn2009.render_page2(cert, rng, dpi=120))
    quad = s.boxes["so_vao_so"]
    x0, y0 = np.floor(quad.min(axis=0)).astype(int)
    x1, y1 = np.ceil(quad.max(axis=0)).astype(int)
    s.damage[y0:y1, x0:x1] = 255
    truth = sets.build_truth(s, sets.Item(0, "gcn_2009_2014", "trang_2", "damaged", 1), {"so_vao_so": "x"})
    assert "so_vao_so" in truth.unreadable
    assert "thua_dat[0].so_thua" not in truth.unreadable
    assert any(line.occluded for line in truth.lines if line.field == "so_vao_so")


@pytest.mark.parametrize("corners,expected", [
    ([[0, 0], [10, 0], [10, 5], [0, 5]], (0, 0.0)),
    ([[0, 10], [0, 0], [5, 0], [5, 10]], (90, 0.0)),
    ([[10, 5], [0, 5], [0, 0], [10, 0]], (180, 0.0)),
    ([[5, 0], [5, 10], [0, 10], [0, 0]], (270, 0.0)),
])
def test_orientation_convention(corners: list[list[float]], expected: tuple[int, float]) -> None:
    rot, skew = degrade.orientation(np.array(corners, dtype=float))
    assert rot == expected[0]
    assert abs(skew - expected[1]) < 1e-6


def test_several_parcels_each_have_a_record_and_boxes() -> None:
    for seed in range(300):
        rng = np.random.default_rng(seed)
        cert = data.make_certificate(rng, "gcn_2009_2014")
        if len(cert.parcels) > 1:
            break
    else:
        pytest.fail("no multi-parcel certificate in 300 seeds")
    r = gcn2009.render_page2(cert, rng, dpi=100)
    assert len(r.record["thua_dat"]) == len(cert.parcels)
    _check_record(r.record, card=False)
    for j, pc in enumerate(cert.parcels):
        assert r.record["thua_dat"][j]["so_thua"] == pc.so_thua
        assert r.record["thua_dat"][j]["dien_tich"] == pc.dien_tich
        for key in ("so_thua", "so_to_ban_do", "dien_tich", "dia_chi", "muc_dich_su_dung[0].ten"):
            assert f"thua_dat[{j}].{key}" in r.boxes
