"""The real_style condition: determinism, exact truth, the real layouts' features."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest

from digitize.bench.report import _condition_by_doc_type
from digitize.synth import captures, data, degrade, real_forms, real_style, sets
from digitize.truth import GroundTruth

_PLAN = [
    ("gcn_2024", "trang_1"),
    ("gcn_2009_2014", "trang_2"),
    ("gcn_2009_2014", "trang_2+trang_3"),
    ("gcn_truoc_2009", "trang_1"),
    ("cccd_mat_truoc", "mat_truoc"),
    ("cmnd", "mat_truoc"),
]


@pytest.fixture(scope="module")
def real() -> list[tuple[sets.Item, np.ndarray, GroundTruth]]:
    """(item, image, truth) for one real_style image per document type of the plan above."""
    out = []
    for i, (doc, role) in enumerate(_PLAN):
        item = sets.Item(i, doc, role, real_style.CONDITION, 500 + i)
        img, truth, _ = sets.render(item)
        out.append((item, img, truth))
    return out


def test_same_seed_same_bytes(real: list[tuple[sets.Item, np.ndarray, GroundTruth]]) -> None:
    item, img, truth = real[0]
    img2, truth2, _ = sets.render(item)
    assert np.array_equal(img, img2)
    assert truth.model_dump_json() == truth2.model_dump_json()
    other, _, _ = sets.render(sets.Item(0, item.doc_type, item.page_role, item.condition, item.seed + 1))
    assert other.shape != img.shape or not np.array_equal(other, img)


def test_truth_inside_image(real: list[tuple[sets.Item, np.ndarray, GroundTruth]]) -> None:
    for item, img, truth in real:
        h, w = img.shape[:2]
        assert truth.image_size == (w, h)
        assert truth.condition == "real_style"
        assert truth.record
        for path, (x0, y0, x1, y1) in truth.field_boxes.items():
            assert 0 <= x0 <= x1 <= w and 0 <= y0 <= y1 <= h, (item.stem, path)
        for ln in truth.lines:
            for x, y in ln.polygon:
                assert 0 <= x <= w and 0 <= y <= h, (item.stem, ln.text)


def test_phone_frames_as_real(real: list[tuple[sets.Item, np.ndarray, GroundTruth]]) -> None:
    for item, img, truth in real:
        long_side = max(img.shape[:2])
        assert 960 <= long_side <= 2560, item.stem
        assert truth.dpi is None


def _down(truth: GroundTruth) -> np.ndarray:
    c = np.array(truth.page_corners, dtype=float)
    v = (c[3] - c[0]) + (c[2] - c[1])
    return v / np.linalg.norm(v)


def test_two_column_row_in_truth(real: list[tuple[sets.Item, np.ndarray, GroundTruth]]) -> None:
    _, _, truth = real[0]
    left = [ln for ln in truth.lines if ln.text.startswith("a. Thửa đất số:")]
    right = [ln for ln in truth.lines if ln.text.startswith("b. Diện tích:")]
    assert left and right
    down = _down(truth)
    yl = float(np.mean(np.array(left[0].polygon), axis=0) @ down)
    yr = float(np.mean(np.array(right[0].polygon), axis=0) @ down)
    height = float(np.ptp(np.array(left[0].polygon) @ down))
    assert abs(yl - yr) < height  # same printed row
    assert any(ln.text.startswith("c. Loại đất:") for ln in truth.lines)
    assert any(ln.text.startswith("d. Thời hạn sử dụng đất:") for ln in truth.lines)


def test_2009_spaced_commas() -> None:
    rng = np.random.default_rng(3)
    page = real_forms.render_2009_page2(data.make_certificate(rng, "gcn_2009_2014"), rng)
    texts = [ln.text for ln in page.lines]
    assert any(" , tờ bản đồ số:" in t for t in texts)
    assert any(t.startswith("c) Diện tích:") and "m², (bằng chữ:" in t for t in texts)
    assert any(t.startswith("6. Ghi chú:") for t in texts)


def test_serial_black_at_bottom_left() -> None:
    for seed in range(3):
        rng = np.random.default_rng(seed)
        page = real_forms.render_2024_page1(data.make_certificate(rng, "gcn_2024"), rng)
        x0, y0, x1, y1 = page.boxes["so_phat_hanh"][0].tolist() + page.boxes["so_phat_hanh"][2].tolist()
        h, w = page.image.shape[:2]
        assert x1 < w / 2 and y0 > h * 0.8
        crop = page.image[int(y0):int(y1), int(x0):int(x1)].reshape(-1, 3).astype(int)
        ink = crop[crop.sum(axis=1) < np.percentile(crop.sum(axis=1), 10)]
        r, g, b = ink.mean(axis=0)
        assert r < 90 and abs(r - g) < 25, (r, g, b)  # black, not red
        assert any(ln.text == "Thông tin chi tiết được thể hiện tại mã QR." for ln in page.lines)


def test_handwritten_date_and_registry_marked() -> None:
    hand_dates = hand_regs = 0
    for seed in range(6):
        rng = np.random.default_rng(seed)
        cert = data.make_certificate(rng, "gcn_2009_2014")
        page = real_forms.render_2009_page2(cert, rng)
        hand = [ln for ln in page.lines if ln.kind == "handwriting"]
        days = [ln.text for ln in hand if ln.field == "ngay_cap"]
        if days:
            hand_dates += 1
            assert days == [str(cert.ngay_cap.day), str(cert.ngay_cap.month)]
            year = [ln for ln in page.lines if ln.field == "ngay_cap" and ln.kind == "print"]
            assert year and year[-1].text.endswith(str(cert.ngay_cap.year))  # the year is printed
        regs = [ln.text for ln in hand if ln.field == "so_vao_so"]
        if regs:
            hand_regs += 1
            assert regs == [cert.so_vao_so_printed]
    assert hand_dates >= 3 and hand_regs >= 2


def test_card_small_in_frame() -> None:
    for seed in range(4):
        rng = np.random.default_rng(seed)
        kind, fn = sets.cards.RENDERERS[("cccd_mat_truoc", "mat_truoc")]
        s = degrade.from_rendered(fn(data.make_id_card(rng, kind), rng))
        out = captures.card_on_table(s, rng)
        w, h = out.size
        assert sorted((w, h)) == [960, 1280] or max(w, h) <= 1280
        c = out.corners
        long_side = max(np.linalg.norm(c[1] - c[0]), np.linalg.norm(c[3] - c[0]))
        assert 0.25 * min(w, h) <= long_side <= 0.5 * min(w, h)


def test_real_style_set_plan() -> None:
    items = sets.plan(real_style.SET_NAME)
    assert len(items) == sets.SET_SIZES[real_style.SET_NAME]
    conditions = {it.condition for it in items}
    assert real_style.CONDITION in conditions and {"phone", "clean"} <= conditions
    assert [it.seed for it in items] == [it.seed for it in sets.plan(real_style.SET_NAME)]
    assert sets.plan("quick") == sets.plan("quick")  # the older sets are planned as before
    assert all(it.condition != real_style.CONDITION for it in sets.plan("default"))


def test_report_condition_by_doc_type() -> None:
    summary = {"field_exact": 0.5, "images": 2}
    main = SimpleNamespace(by_condition_doc_type={"phone|gcn_2024": summary, "real_style|gcn_2024": summary})
    lines: list[str] = []
    _condition_by_doc_type(main, lines.append)  # type: ignore[arg-type]
    assert "| document type | phone | real_style |" in lines
    assert "| gcn_2024 | 50.0 % (2) | 50.0 % (2) |" in lines
