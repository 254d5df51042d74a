"""Round trips: known turn, skew and perspective in, the same numbers out."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from digitize.model import Page, SourceInfo
from digitize.preprocess import detect_orientation, estimate_skew, find_document_quad, preprocess
from digitize.preprocess import testing as synth
from digitize.preprocess.dropout import drop_colours
from digitize.preprocess.geometry import (
    apply,
    deskew_matrix,
    downscale,
    order_corners,
    quarter_turn_matrix,
    turn_image,
)


def make_page(image: np.ndarray) -> Page:
    return Page(source=SourceInfo(path="synthetic.png", width=image.shape[1], height=image.shape[0]), image=image)




@pytest.mark.parametrize("rotation", [0, 90, 180, 270])
def test_orientation_recovered(pink_page: synth.SyntheticPage, rotation: int) -> None:
    img, _ = synth.scan(pink_page, rotation, 2.5, yellow=0.4, seed=rotation)
    gray = drop_colours(downscale(img, 1000)[0]).gray
    assert detect_orientation(gray) == rotation


@pytest.mark.parametrize("angle", [-12.3, -3.7, 0.6, 8.9])
def test_skew_recovered(plain_page: synth.SyntheticPage, angle: float) -> None:
    img, _ = synth.scan(plain_page, 0, angle)
    est = estimate_skew(img[:, :, 1])
    assert est is not None
    assert abs(est - angle) < 0.15


def test_skew_cannot_tell_on_blank() -> None:
    blank = np.full((800, 600), 245, np.uint8)
    assert estimate_skew(blank) is None


@pytest.mark.parametrize("bg, seed", [("wood", 1), ("cloth", 2), ("dark", 3), ("desk", 4)])
def test_perspective_quad_found(pink_page: synth.SyntheticPage, bg: str, seed: int) -> None:
    ph = synth.photograph(pink_page, seed=seed, bg_kind=bg, skew_deg=6.0 * (seed - 2.5), perspective=0.06,
                          photo_size=(900, 1200), finger=seed == 2)
    quad = find_document_quad(ph.image)
    assert quad is not None
    diag = float(np.hypot(*ph.image.shape[:2]))
    err = np.max(np.hypot(*(order_corners(quad) - order_corners(ph.corners)).T)) / diag
    assert err < 0.01


def test_pipeline_maps_boxes_both_ways(pink_page: synth.SyntheticPage) -> None:
    ph = synth.photograph(pink_page, seed=7, bg_kind="wood", rotation_deg=90, skew_deg=3.0, perspective=0.04,
                          photo_size=(900, 1200))
    pages = preprocess(make_page(ph.image))
    assert len(pages) == 1
    page = pages[0]
    assert page.rotation_deg == 90
    assert page.page_corners is not None
    # the document's own corners (upright order) come back where the generator put them
    diag = float(np.hypot(*ph.image.shape[:2]))
    err = np.max(np.hypot(*(np.asarray(page.page_corners) - ph.corners).T)) / diag
    assert err < 0.01
    # a box on the processed page goes to the original and back unchanged
    box = [(100.0, 120.0), (400.0, 120.0), (400.0, 180.0), (100.0, 180.0)]
    back = page.from_original(page.to_original(box))
    assert np.allclose(back, box, atol=1e-6)
    # a text line of the ground truth lands inside the processed page, upright (wide, not tall)
    text, poly = pink_page.lines[3]
    on_photo = apply(ph.homography, np.asarray(poly))
    on_page = np.asarray(page.from_original(on_photo))
    h, w = page.image.shape[:2]
    assert on_page[:, 0].min() > -5 and on_page[:, 0].max() < w + 5
    assert on_page[:, 1].min() > -5 and on_page[:, 1].max() < h + 5
    span = on_page.max(axis=0) - on_page.min(axis=0)
    assert span[0] > 3 * span[1], text


def test_transform_helpers_invert_cleanly() -> None:
    for rot in (0, 90, 180, 270):
        m, size = quarter_turn_matrix(rot, (40, 30))
        img = np.arange(30 * 40, dtype=np.uint16).reshape(30, 40)
        turned = turn_image(img, rot)
        assert turned.shape[::-1] == size
        # pixel (x=5, y=7) of the input is found where the matrix says
        x, y = apply(m, np.array([[5.0, 7.0]]))[0]
        assert turned[round(y), round(x)] == img[7, 5]
    d, size = deskew_matrix(10.0, (400, 300))
    assert size[0] > 400 and size[1] > 300
    assert np.allclose(apply(np.linalg.inv(d), apply(d, np.array([[3.0, 4.0]]))), [[3.0, 4.0]])


def test_two_facing_pages_split() -> None:
    left = synth.render_page(21, size=(620, 877), pink=False, seal=False, font_index=0)
    right = synth.render_page(22, size=(620, 877), pink=False, seal=False, font_index=0)
    spread_img = np.hstack([left.image, right.image])
    spread = synth.SyntheticPage(spread_img, [])
    ph = synth.photograph(spread, seed=5, bg_kind="dark", perspective=0.03, photo_size=(1600, 1200), fill=0.85)
    pages = preprocess(make_page(ph.image))
    assert len(pages) == 2
    for p in pages:
        assert p.image is not None
        h, w = p.image.shape[:2]
        assert h > w  # each half is a portrait page
    # left page's top-left corner is the spread's top-left corner
    diag = float(np.hypot(*ph.image.shape[:2]))
    assert pages[0].page_corners is not None
    assert np.hypot(*(np.asarray(pages[0].page_corners[0]) - ph.corners[0])) / diag < 0.01


def test_card_rectified_to_id1_aspect() -> None:
    card = synth.render_page(31, size=(856, 540), pink=False, seal=False, n_lines=8, font_index=3)
    ph = synth.photograph(card, seed=8, bg_kind="wood", skew_deg=-7.0, perspective=0.05, photo_size=(1200, 900),
                          fill=0.6)
    pages = preprocess(make_page(ph.image))
    assert pages[0].image is not None
    h, w = pages[0].image.shape[:2]
    assert abs(w / h - 85.6 / 54.0) < 0.01
    assert pages[0].rotation_deg in (0, None)  # eight short lines may not be enough to tell


def test_printed_frame_is_not_the_page_edge() -> None:
    page = synth.render_page(41, size=(827, 1169), pink=True, seal=False, font_index=0)
    img = page.image.copy()
    m = 40  # an ornamental band printed 40 px inside the paper's edge, as on the certificates
    cv2.rectangle(img, (m, m), (827 - m, 1169 - m), (150, 110, 220), 14)
    framed = synth.SyntheticPage(img, page.lines)
    ph = synth.photograph(framed, seed=12, bg_kind="wood", skew_deg=4.0, perspective=0.03, photo_size=(900, 1200))
    quad = find_document_quad(ph.image)
    assert quad is not None
    diag = float(np.hypot(*ph.image.shape[:2]))
    err = np.max(np.hypot(*(order_corners(quad) - order_corners(ph.corners)).T)) / diag
    assert err < 0.01


def test_two_page_outlines_side_by_side_are_taken_as_one_spread() -> None:
    from digitize.preprocess.crop import QuadCandidate, choose_candidate

    def cand(quad: list[list[float]], score: float, area: float) -> QuadCandidate:
        return QuadCandidate(np.array(quad, float), score, 1.0, 1.0, area, "edges", 14.0)

    # An open certificate whose whole outline was not found: its two pages' printed frames.
    left = cand([[71, 96], [460, 84], [477, 651], [88, 662]], 0.54, 0.30)
    right = cand([[521, 82], [910, 71], [928, 638], [538, 650]], 0.53, 0.30)
    chosen = choose_candidate([left, right])
    assert chosen.cue == "facing-pages"
    assert np.allclose(chosen.quad, [[71, 96], [910, 71], [928, 638], [88, 662]])
    # Two ID cards (landscape) one above the other are not a spread.
    top = cand([[100, 100], [500, 100], [500, 352], [100, 352]], 0.9, 0.2)
    bottom = cand([[100, 380], [500, 380], [500, 632], [100, 632]], 0.88, 0.2)
    assert choose_candidate([top, bottom]).cue == "edges"
