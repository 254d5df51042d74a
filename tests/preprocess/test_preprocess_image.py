"""Colour dropout, damage, capture quality, bad input and the CLI."""

from __future__ import annotations

import json
from pathlib import Path

import cv2
import numpy as np
import pytest
from click.testing import CliRunner

from digitize.model import Page, SourceInfo
from digitize.preprocess import assess_quality, damage_mask, drop_colours, preprocess
from digitize.preprocess import testing as synth
from digitize.preprocess.cli import preprocess_command
from digitize.preprocess.damage import damaged_fraction_in


def make_page(image: np.ndarray) -> Page:
    return Page(source=SourceInfo(path="synthetic.png", width=image.shape[1], height=image.shape[0]), image=image)




def test_dropout_keeps_black_and_blue_removes_red_and_pink() -> None:
    img = synth.guilloche(600, 400, np.random.default_rng(0))
    cv2.rectangle(img, (20, 20), (120, 60), (20, 20, 20), -1)  # black print
    cv2.rectangle(img, (20, 100), (120, 140), (160, 50, 25), -1)  # blue ink (BGR)
    cv2.circle(img, (400, 250), 90, (40, 40, 210), 8)  # red seal ring
    cv2.circle(img, (400, 250), 60, (40, 40, 210), 4)
    cv2.line(img, (350, 250), (450, 250), (20, 20, 20), 6)  # black print under the seal
    res = drop_colours(img)
    g = res.gray
    assert g[30:50, 30:110].mean() < 60
    assert g[110:130, 30:110].mean() < 110
    assert g[250, 310] > 200  # on the seal ring
    assert g[250, 400] < 80  # print under the seal stays
    assert g[300:380, 150:250].std() < 12  # pink guilloche flattened away
    assert res.seal_count >= 1


def test_damage_mask_finds_cut_corner() -> None:
    page = np.full((700, 500, 3), (235, 228, 250), np.uint8)
    cv2.putText(page, "Thua dat so 125", (40, 200), cv2.FONT_HERSHEY_SIMPLEX, 1.0, (20, 20, 20), 2)
    wood = (60, 100, 150)
    tri = np.array([[380, 0], [500, 0], [500, 140]], np.int32)
    cv2.fillPoly(page, [tri], wood)
    mask = damage_mask(page, np.array(wood, np.uint8))
    assert mask[10, 490] == 255
    assert mask[350, 250] == 0
    frac = np.count_nonzero(mask) / mask.size
    assert 0.015 < frac < 0.05


def test_pipeline_reports_missing_corner(plain_page: synth.SyntheticPage) -> None:
    ph = synth.photograph(plain_page, seed=3, bg_kind="dark", perspective=0.02, photo_size=(900, 1200),
                          shadow=False, jpeg_quality=None)
    img = ph.image.copy()
    tl, tr, br = ph.corners[0], ph.corners[1], ph.corners[2]
    a = tr + (tl - tr) * 0.25
    b = tr + (br - tr) * 0.18
    colour = tuple(int(v) for v in img[5, 5])
    cv2.fillPoly(img, [np.round(np.array([a, tr + (tr - tl) * 0.05, b])).astype(np.int32)], colour)
    page = preprocess(make_page(img))[0]
    assert page.damaged_fraction is not None and page.damaged_fraction > 0.01
    assert "damaged" in page.quality.flags
    h, w = page.damage_mask.shape
    assert page.damage_mask[int(h * 0.02), int(w * 0.97)] == 255
    # a field box in that corner (original coordinates) is on missing paper
    box_orig = np.array(page.to_original([(w * 0.9, h * 0.01), (w * 0.99, h * 0.05)]))
    box = [*box_orig.min(axis=0), *box_orig.max(axis=0)]
    assert damaged_fraction_in(page, box) > 0.3


def test_quality_flags_blur_dark_and_cut_off(plain_page: synth.SyntheticPage) -> None:
    sharp = synth.photograph(plain_page, seed=4, bg_kind="wood", perspective=0.02, photo_size=(1200, 1600),
                             fill=0.85)
    good = preprocess(make_page(sharp.image))[0].quality
    assert not good.retake_recommended, good
    blurred = cv2.GaussianBlur(sharp.image, (0, 0), 3.0)
    q = preprocess(make_page(blurred))[0].quality
    assert "blurry" in q.flags and q.retake_recommended
    assert any(m["flag"] == "blurry" and m["vi"] and m["en"] for m in q.messages)
    dark = (sharp.image.astype(np.float32) * 0.18).astype(np.uint8)
    assert "too_dark" in preprocess(make_page(dark))[0].quality.flags
    shifted = np.full_like(sharp.image, 90)
    shift = 350
    shifted[:, shift:] = sharp.image[:, : sharp.image.shape[1] - shift]
    # pretend the photo was taken too far right: the left page edge leaves the frame
    cut = sharp.image[:, 250:]
    page = preprocess(make_page(np.ascontiguousarray(cut)))[0]
    assert "cut_off" in page.quality.flags or "no_document_found" in page.quality.flags
    assert page.quality.retake_recommended or "no_document_found" in page.quality.flags


def _text_sheet(factor: float) -> np.ndarray:
    """Lines of 10 px letters, reduced by ``factor`` (as a photo taken from further away)."""
    img = np.full((600, 800, 3), 240, np.uint8)
    for y in range(30, 580, 16):
        cv2.putText(img, "abc def ghi jkl mno pqr", (5, y), cv2.FONT_HERSHEY_PLAIN, 0.9, (20, 20, 20), 1)
    return cv2.resize(img, None, fx=factor, fy=factor, interpolation=cv2.INTER_AREA)


def test_assess_quality_small_text() -> None:
    # ~3 px letters: too small to read, a person would move closer
    q = assess_quality(_text_sheet(0.3))
    assert "text_too_small" in q.flags and q.retake_recommended
    # 5-6 px letters (a card on a table, a page in a Zalo-sized photo) are read: no retake
    for factor in (0.5, 0.6):
        q = assess_quality(_text_sheet(factor))
        assert "text_too_small" not in q.flags, (factor, q.metrics)


@pytest.mark.parametrize(
    "image",
    [
        np.zeros((1, 1, 3), np.uint8),
        np.zeros((900, 700, 3), np.uint8),
        np.full((900, 700, 3), 250, np.uint8),
        np.random.default_rng(0).integers(90, 140, (800, 1000, 3)).astype(np.uint8),  # a wall
        np.zeros((5, 2000), np.uint8),
        np.full((600, 500, 4), 200, np.uint8),
    ],
    ids=["1x1", "black", "blank", "wall", "sliver", "bgra"],
)
def test_bad_input_gives_result_and_warning(image: np.ndarray) -> None:
    pages = preprocess(make_page(image))
    assert len(pages) == 1
    assert pages[0].warnings
    assert pages[0].image is not None


def test_cli_writes_image_and_report(tmp_path: Path, pink_page: synth.SyntheticPage) -> None:
    ph = synth.photograph(pink_page, seed=9, bg_kind="cloth", rotation_deg=180, photo_size=(900, 1200))
    src = tmp_path / "photo.jpg"
    cv2.imwrite(str(src), ph.image)
    out = tmp_path / "out.png"
    rep = tmp_path / "report.json"
    result = CliRunner().invoke(preprocess_command, [str(src), "-o", str(out), "--report", str(rep),
                                                     "--debug", str(tmp_path / "dbg")])
    assert result.exit_code == 0, result.output
    assert out.is_file()
    data = json.loads(rep.read_text(encoding="utf-8"))
    for key in ("page_corners", "rotation_deg", "skew_deg", "transforms", "quality", "damaged_fraction", "warnings"):
        assert key in data
    assert data["rotation_deg"] == 180
    assert {"metrics", "flags", "messages", "retake_recommended"} <= set(data["quality"])
    assert any((tmp_path / "dbg").iterdir())


def test_cli_bad_file_one_line_error(tmp_path: Path) -> None:
    bad = tmp_path / "bad.png"
    bad.write_bytes(b"not an image at all")
    result = CliRunner().invoke(preprocess_command, [str(bad), "-o", str(tmp_path / "o.png")])
    assert result.exit_code != 0
    assert result.output.strip().count("\n") == 0
    assert "error" in result.output
