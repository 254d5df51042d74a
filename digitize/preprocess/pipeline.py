"""The preprocessing chain: find, rectify, orient, deskew, even out, drop colours, assess.

All decisions are taken on small copies (~480 px to find the document, ~1000 px for
orientation, skew, split, damage and quality); the full-resolution image is warped ONCE
with the composed matrix (crop -> quarter turn -> split -> deskew), so quality is not
lost to repeated resampling and the time stays within budget.  Every geometric step is
recorded as a :class:`~digitize.model.Transform`, so any box on the processed page maps
back to the original photo with :meth:`Page.to_original`.
"""

from __future__ import annotations

import math
import time
from pathlib import Path

import cv2
import numpy as np
from pydantic import BaseModel, Field

from digitize.config import Settings
from digitize.model import Page, Quality, Transform
from digitize.preprocess import cards
from digitize.preprocess import crop as crop_mod
from digitize.preprocess.damage import background_colour, damage_mask
from digitize.preprocess.deskew import ink_mask
from digitize.preprocess.dropout import drop_colours
from digitize.preprocess.enhance import denoise, flatten_illumination, stretch_contrast
from digitize.preprocess.geometry import (
    apply,
    content_angle,
    deskew_matrix,
    fast_downscale,
    order_corners,
    quad_area,
    quarter_turn_matrix,
    scale_matrix,
    to_bgr,
    turn_image,
    warp,
)
from digitize.preprocess.orient import analyse_orientation
from digitize.preprocess.paper import pull_in_to_paper
from digitize.preprocess.quality import _quality, assess_quality


class PreprocessSettings(BaseModel):
    """Tunables of the image pipeline (defaults measured on the synthetic sets)."""

    max_output_side: int = Field(default=2000, ge=64, le=10000)  # ~170 dpi for A4: enough for OCR
    analysis_side: int = Field(default=1000, ge=200, le=4000)
    find_document: bool = True
    orient: bool = True
    use_classifier: bool = True  # PP-OCR text-line orientation model breaks weak typography votes
    deskew: bool = True
    max_skew: float = Field(default=15.0, ge=0.0, le=45.0)
    min_skew_contrast: float = 1.08
    split_spreads: bool = True
    dropout: bool = True
    flatten: bool = True
    damage: bool = True


def _debug_write(debug_dir: Path | None, name: str, image: np.ndarray | None) -> None:
    if debug_dir is None or image is None or image.size == 0:
        return
    debug_dir.mkdir(parents=True, exist_ok=True)
    cv2.imwrite(str(debug_dir / name), image)


def _wrap180(angle: float) -> float:
    return (angle + 180.0) % 360.0 - 180.0


def _tiny_result(page: Page, src: np.ndarray | None, warning: str, started: float) -> list[Page]:
    quality = _quality({}, ["no_text"])
    quality.retake_recommended = True
    return [
        page.model_copy(
            update={
                "image": src,
                "color_image": src,
                "page_corners": None,
                "rotation_deg": None,
                "skew_deg": None,
                "damaged_fraction": 0.0,
                "damage_mask": None if src is None else np.zeros(src.shape[:2], np.uint8),
                "quality": quality,
                "warnings": [*page.warnings, warning],
                "timings": {**page.timings, "preprocess.total": round(time.perf_counter() - started, 4)},
            }
        )
    ]


def preprocess(
    page: Page,
    settings: Settings | None = None,
    debug_dir: Path | None = None,
    options: PreprocessSettings | None = None,
) -> list[Page]:
    """Clean one input page for OCR; two facing pages in one photo come back as two Pages.

    Each returned page carries the OCR ``image`` (grey as BGR: upright, flat, even light,
    seals and guilloche suppressed), the reviewer's ``color_image``, the transforms from
    the original, ``page_corners`` (original coordinates, in the document's own TL, TR, BR,
    BL order), ``rotation_deg``, ``skew_deg``, ``quality``, damage and ``warnings``.  It
    never raises on bad pixels: a blank page, a wall, a 1x1 or an all-black image give a
    result with warnings.
    """
    _ = settings  # the engine-wide settings carry nothing this stage needs yet
    opts = options or PreprocessSettings()
    started = time.perf_counter()
    timings: dict[str, float] = {}
    img = page.image
    if img is None or np.asarray(img).size == 0:
        return _tiny_result(page, None, "preprocess: the page has no image", started)
    try:
        src = to_bgr(np.asarray(img))
    except ValueError as exc:
        return _tiny_result(page, None, f"preprocess: unusable image ({exc})", started)
    H0, W0 = src.shape[:2]
    if min(H0, W0) < 16:
        return _tiny_result(page, src, f"preprocess: image too small to process ({W0}x{H0} px)", started)
    debug = Path(debug_dir) if debug_dir is not None else None
    warnings: list[str] = []

    # -- analysis copy ----------------------------------------------------------------
    t = time.perf_counter()
    ana, s_a = fast_downscale(src, opts.analysis_side)
    _debug_write(debug, "00_input.jpg", ana)

    # -- 1. find the document -----------------------------------------------------------
    quad, whole_page = crop_mod.find_document(ana) if opts.find_document else (None, False)
    is_card = False
    ana_size = (ana.shape[1], ana.shape[0])
    if opts.find_document and not whole_page and (cards.background_like(quad, ana_size)
                                                  or cards.small_card_like(quad, ana_size)):
        # Nothing found, the table itself, or a small card-shaped outline (which may have taken
        # in a row of keys): the card search, made for ID cards small in the frame, answers.
        card = cards.find_card_quad(ana)
        if card is not None:
            quad = crop_mod.refine_quad(ana, cards.refit_card_sides(ana, pull_in_to_paper(ana, card.quad)))
            is_card = True
    if quad is not None and not is_card and cards.is_card_shaped(quad, cards.CARD_REFIT_ASPECT):
        # a card the page search found (larger in the frame): its sides refitted the same way
        quad = crop_mod.refine_quad(ana, cards.refit_card_sides(ana, quad, keep_contrast=True))
    found = quad is not None
    card_crop = False
    if quad is None:
        quad_orig = np.array([[0, 0], [W0 - 1, 0], [W0 - 1, H0 - 1], [0, H0 - 1]], float)
        if opts.find_document:
            warnings.append("crop: no document outline found; the whole image is used as the page")
        scale = min(1.0, opts.max_output_side / max(W0, H0))
        Wp, Hp = max(1, round(W0 * scale)), max(1, round(H0 * scale))
        Hc = scale_matrix((Wp - 1) / max(W0 - 1, 1), (Hp - 1) / max(H0 - 1, 1))
    else:
        quad_orig = order_corners(quad / s_a)
        Wp, Hp, fmt = crop_mod.page_size(quad_orig, max_side=opts.max_output_side)
        small = quad_area(quad_orig) < cards.SMALL_CARD_AREA * W0 * H0
        card_crop = is_card or (fmt == "id1" and small)
        if card_crop:
            # A card is read from a crop large enough for its small print, whatever its size in the photo.
            Wp, Hp = cards.card_output_size((Wp, Hp), min(cards.CARD_LONG_SIDE_PX, opts.max_output_side))
            if is_card:
                warnings.append(f"crop: an ID card small in the frame, read from a crop upscaled to {max(Wp, Hp)} px")
        Hc = crop_mod.rectify_matrix(quad_orig, (Wp, Hp))
    cut_off = found and crop_mod.quad_cut_off(quad_orig, (W0, H0))
    if cut_off:
        warnings.append("crop: part of the document lies outside the photo")
    if debug is not None:
        vis = ana.copy()
        cv2.polylines(vis, [np.round(quad_orig * s_a).astype(np.int32)], True, (0, 0, 255), 2)
        _debug_write(debug, "01_quad.jpg", vis)
    timings["preprocess.crop"] = time.perf_counter() - t

    # -- 2. orientation and skew on the rectified analysis copy -------------------------
    t = time.perf_counter()
    a_scale = min(1.0, opts.analysis_side / max(Wp, Hp))
    Wa, Ha = max(1, round(Wp * a_scale)), max(1, round(Hp * a_scale))
    to_ana_page = scale_matrix(a_scale) @ Hc @ scale_matrix(1.0 / s_a)
    # A small card comes out larger than it is in the reduced copy: its analysis copy is
    # warped from the photo itself, or orientation and quality see the reduced copy's blur.
    # Only when the photo's own pixels are not more than the analysis copy's (a warp from the
    # photo would otherwise shrink without low-pass filtering, and alias), and only for cards:
    # pages keep the analysis copy their orientation weights were fitted on (a page of a
    # Zalo-sized photo warped from the photo got a wrong quarter turn on the real-style set).
    from_photo = card_crop and quad_area(quad_orig) < Wa * Ha
    if from_photo:
        rect_a = warp(src, scale_matrix(a_scale) @ Hc, (Wa, Ha), border=cv2.BORDER_REPLICATE)
    else:
        rect_a = warp(ana, to_ana_page, (Wa, Ha), border=cv2.BORDER_REPLICATE)
    # Dropout needs neutral paper: even out light and colour cast first (cheap at this size).
    flat_a = flatten_illumination(rect_a) if opts.flatten else rect_a
    drop_a = drop_colours(flat_a) if opts.dropout else None
    gray_a = drop_a.gray if drop_a is not None else cv2.cvtColor(flat_a, cv2.COLOR_BGR2GRAY)
    mask_a = ink_mask(gray_a)
    _debug_write(debug, "02_rectified.jpg", rect_a)
    _debug_write(debug, "03_dropout_analysis.png", gray_a)
    _debug_write(debug, "04_ink_mask.png", mask_a)
    rotation: int | None = 0
    skew: float | None = 0.0
    card_turned = False
    if opts.orient:
        ev = analyse_orientation(gray_a, use_classifier=opts.use_classifier, mask=mask_a)
        rotation = ev.rotation_deg
        if rotation is None and card_crop:
            rotation = cards.card_quarter_turn(gray_a, mask_a, use_classifier=opts.use_classifier)
            card_turned = rotation is not None
            if card_turned:
                warnings.append(f"orient: an ID card standing on its short side; turned by {rotation} degrees")
        if rotation is None:
            warnings.append("orient: cannot tell which way is up (" + "; ".join(ev.notes) + "); left as is")
        est = None
        if ev.horizontal is not None and ev.vertical is not None:
            est = ev.horizontal if ev.direction_ratio >= 1.0 else ev.vertical
        if est is None or est.contrast < opts.min_skew_contrast or abs(est.angle) >= opts.max_skew - 0.05:
            skew = None
        else:
            skew = est.angle if ev.direction_ratio >= 1.0 else -est.angle
        if rotation is None and ev.direction_ratio < 1.0:
            skew = None  # lines run vertically but we do not know which way: do not guess
        if card_turned:
            skew = 0.0  # the crop is the rectified card: its sides are the card's, nothing left to level
    if not opts.deskew:
        skew = 0.0
    if skew is None:
        warnings.append("deskew: cannot measure the skew of the text lines; not corrected")
    timings["preprocess.orient"] = time.perf_counter() - t

    # -- 3. compose the geometry, split spreads -----------------------------------------
    rot = rotation or 0
    R, size_r = quarter_turn_matrix(rot, (Wp, Hp))
    pieces: list[tuple[np.ndarray | None, tuple[int, int]]] = [(None, size_r)]
    if opts.split_spreads and found:
        upright_mask = turn_image(mask_a, rot)
        split_x = crop_mod.find_spread_split(upright_mask)
        if split_x is not None:
            pieces = [(m, sz) for m, sz in crop_mod.split_matrices(size_r, split_x)]
            warnings.append("crop: two facing pages found in one photo; split into two pages")
    skew_apply = float(skew) if skew is not None and abs(skew) >= 0.03 else 0.0

    # Damage and capture quality, once, on the rectified analysis copy.
    qt = time.perf_counter()
    bg_colour = background_colour(ana, quad_orig * s_a) if found else None
    d_img, d_scale = fast_downscale(rect_a, 500)
    dmask_small = (damage_mask(d_img, bg_colour) if (opts.damage and found)
                   else np.zeros(d_img.shape[:2], np.uint8))
    _debug_write(debug, "08_damage.png", dmask_small)
    timings["preprocess.damage"] = time.perf_counter() - qt
    qt = time.perf_counter()
    orig_per_ana_px = (math.sqrt(quad_area(quad_orig) / max(Wa * Ha, 1)) if found
                       else 1.0 / max(a_scale * Hc[0, 0], 1e-9))
    # analysis pixels per pixel of the image they were warped from (> 1: a small card, enlarged)
    upsampled = max(1.0, 1.0 / max(orig_per_ana_px * (1.0 if from_photo else s_a), 1e-9))
    quality_all = assess_quality(
        rect_a,
        original_scale=orig_per_ana_px,
        cut_off=cut_off,
        document_found=found or not opts.find_document,
        damaged_fraction=None,
        gray=gray_a,
        mask=mask_a,
        upsampled=upsampled,
    )
    timings["preprocess.quality"] = time.perf_counter() - qt
    results: list[Page] = []
    for index, (split_m, size_s) in enumerate(pieces):
        pt = time.perf_counter()
        transforms = list(page.transforms)
        transforms.append(Transform.from_array("crop" if found else "scale", Hc, (W0, H0), (Wp, Hp)))
        chain = Hc
        if rot:
            transforms.append(Transform.from_array(f"rotate_{rot}", R, (Wp, Hp), size_r))
        chain = R @ chain
        if split_m is not None:
            transforms.append(Transform.from_array(f"split_{'left' if index == 0 else 'right'}",
                                                   split_m, size_r, size_s))
            chain = split_m @ chain
        # A found page is already flat: a residual skew is corrected in place; a whole-image
        # page grows its canvas so the corners of a turned scan are kept.
        D, size_d = deskew_matrix(skew_apply, size_s, expand=not found)
        if skew_apply:
            transforms.append(Transform.from_array("deskew", D, size_s, size_d))
        chain = D @ chain

        # -- 4. one full-resolution warp, then light and colour --------------------------
        warped = warp(src, chain, size_d, border=cv2.BORDER_CONSTANT, fill=(255, 255, 255))
        _debug_write(debug, f"05_warped_{index}.jpg", warped)
        timings["preprocess.warp"] = timings.get("preprocess.warp", 0.0) + time.perf_counter() - pt
        et = time.perf_counter()
        colour = flatten_illumination(warped) if opts.flatten else warped
        _debug_write(debug, f"06_colour_{index}.jpg", colour)
        timings["preprocess.enhance"] = timings.get("preprocess.enhance", 0.0) + time.perf_counter() - et
        dt = time.perf_counter()
        gray = drop_colours(colour).gray if opts.dropout else cv2.cvtColor(colour, cv2.COLOR_BGR2GRAY)
        gray = denoise(stretch_contrast(gray))
        _debug_write(debug, f"07_gray_{index}.png", gray)
        timings["preprocess.dropout"] = timings.get("preprocess.dropout", 0.0) + time.perf_counter() - dt

        # -- 5. damage (analysis-size mask carried through the rest of the chain) ----------
        qt = time.perf_counter()
        after_crop = D @ (split_m if split_m is not None else np.eye(3)) @ R @ scale_matrix(1.0 / (a_scale * d_scale))
        dmask = warp(dmask_small, after_crop, size_d, border=cv2.BORDER_CONSTANT, fill=0)
        dmask = np.where(dmask > 127, 255, 0).astype(np.uint8)
        damaged = float(np.count_nonzero(dmask)) / max(dmask.size, 1)
        warnings_piece = (
            [f"damage: {damaged:.1%} of the page is missing paper (torn, cut or holed)"] if damaged > 0.002 else []
        )
        timings["preprocess.damage"] = timings.get("preprocess.damage", 0.0) + time.perf_counter() - qt
        quality = quality_all.model_copy(deep=True)
        if damaged > 0.002 and "damaged" not in quality.flags:
            quality = _quality(dict(quality.metrics), [*quality.flags, "damaged"])
        inv = np.linalg.inv(chain)

        # -- report -------------------------------------------------------------------------
        corners = None
        if found:
            # The document's own corners (upright order), before deskew, in the original.
            pre = split_m @ R @ Hc if split_m is not None else R @ Hc
            w_s, h_s = size_s
            box = np.array([[0, 0], [w_s - 1, 0], [w_s - 1, h_s - 1], [0, h_s - 1]], float)
            corners = apply(np.linalg.inv(pre), box).round(2).tolist()
        skew_deg = None
        if skew is not None:
            total = content_angle(inv, size_d)
            skew_deg = round(_wrap180(total - float(rot)), 3)
            if abs(skew_deg) > 45:  # cannot happen for a sane chain; never report nonsense
                skew_deg = None
        page_warnings = [*page.warnings, *warnings, *warnings_piece]
        if "no_text" in quality.flags:
            page_warnings.append("quality: no text found on the page")
        if quality.retake_recommended:
            page_warnings.append("quality: retake recommended (" + ", ".join(
                f for f in quality.flags if f in {"blurry", "glare", "text_too_small", "cut_off", "too_dark",
                                                  "low_contrast"}) + ")")
        tim = dict(page.timings)
        tim.update({k: round(v, 4) for k, v in timings.items()})
        tim["preprocess.total"] = round(time.perf_counter() - started, 4)
        results.append(
            page.model_copy(
                update={
                    "image": cv2.cvtColor(gray, cv2.COLOR_GRAY2BGR),
                    "color_image": colour,
                    "transforms": transforms,
                    "page_corners": corners,
                    "rotation_deg": rotation,
                    "skew_deg": skew_deg,
                    "damaged_fraction": round(damaged, 4),
                    "damage_mask": dmask,
                    "quality": quality,
                    "warnings": page_warnings,
                    "timings": tim,
                }
            )
        )
    return results


def report(page: Page) -> dict[str, object]:
    """The ``--report`` JSON for one processed page (keys of the issue's contract)."""
    return {
        "page_corners": page.page_corners,
        "rotation_deg": page.rotation_deg,
        "skew_deg": page.skew_deg,
        "transforms": [t.model_dump(mode="json") for t in page.transforms],
        "quality": page.quality.model_dump(mode="json"),
        "damaged_fraction": page.damaged_fraction,
        "warnings": list(page.warnings),
        "timings": dict(page.timings),
    }


__all__ = ["PreprocessSettings", "Quality", "preprocess", "report"]
