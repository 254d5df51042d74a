"""A last word on orientation from the OCR itself.

The image pipeline decides orientation from typography; when it is wrong or cannot tell,
the page reads as garbage.  Upside-down or sideways Vietnamese gives low recogniser
confidence and few valid syllables, so a page that reads badly is read again turned by
180 degrees (and by 90/270 when its lines stand upright or the pipeline could not
tell), and the turn that reads best is kept, recorded as a transform.
"""

from __future__ import annotations

import numpy as np

from digitize.fields.vietnamese import vietnamese_ratio
from digitize.model import Line, Page, Transform
from digitize.ocr.base import OcrBackend
from digitize.preprocess.geometry import quarter_turn_matrix, turn_image

GOOD_READING = 0.55  # reading score above which a page is left as it is
BETTER_BY = 0.12  # how much a turned reading must beat the current one


def reading_score(lines: list[Line]) -> float:
    """How much a page reads like Vietnamese print: confidence x valid syllables, weighted by length."""
    total = sum(len(ln.text) for ln in lines)
    if total == 0:
        return 0.0
    score = 0.0
    for ln in lines:
        ratio = vietnamese_ratio(ln.text)
        validity = 0.6 if ratio is None else ratio  # digits-only lines: neutral
        score += len(ln.text) * ln.confidence * validity
    return score / total


def standing_share(lines: list[Line]) -> float:
    """Share of detected lines taller than wide: a page on its side."""
    if not lines:
        return 0.0
    tall = 0
    for ln in lines:
        pts = np.asarray(ln.polygon, float)
        if len(pts) != 4:
            continue
        width = np.linalg.norm(pts[1] - pts[0])
        height = np.linalg.norm(pts[3] - pts[0])
        tall += int(height > 1.5 * width)
    return tall / len(lines)


def turned(page: Page, rotation: int) -> Page:
    """``page`` turned by ``rotation`` (90/180/270, the content's counter-clockwise turn to undo)."""
    assert page.image is not None
    h, w = page.image.shape[:2]
    matrix, size = quarter_turn_matrix(rotation, (w, h))
    transform = Transform.from_array(f"rotate_{rotation}_ocr", matrix, (w, h), size)
    update: dict[str, object] = {
        "image": turn_image(page.image, rotation),
        "transforms": [*page.transforms, transform],
        "rotation_deg": ((page.rotation_deg or 0) + rotation) % 360,
    }
    if page.color_image is not None:
        update["color_image"] = turn_image(page.color_image, rotation)
    if page.damage_mask is not None:
        update["damage_mask"] = turn_image(page.damage_mask, rotation)
    if page.page_corners is not None and len(page.page_corners) == 4:
        # Corners are listed in the document's upright order: a quarter turn CCW of the
        # content makes the view's bottom-left the true top-left, and so on.
        shift = rotation // 90
        corners = page.page_corners
        update["page_corners"] = [corners[(k - shift) % 4] for k in range(4)]
    return page.model_copy(update=update)


def read_upright(page: Page, backend: OcrBackend) -> tuple[Page, list[Line], list[str]]:
    """Read ``page``; if it reads badly, try the other turns and keep the best reading."""
    lines = backend.read_page(page)
    if backend.name == "fake" or page.image is None:
        return page, lines, []
    best = (reading_score(lines), page, lines)
    if best[0] >= GOOD_READING and standing_share(lines) < 0.5:
        if page.rotation_deg is None:
            # The image pipeline could not tell; a page that reads as Vietnamese print the
            # way it stands is upright as it is: the OCR settles it.
            return (page.model_copy(update={"rotation_deg": 0}), lines,
                    ["orientation confirmed by the OCR: the page reads upright as it is"])
        return page, lines, []
    candidates = [180]
    if page.rotation_deg is None or standing_share(lines) >= 0.3:
        candidates = [90, 270, 180] if standing_share(lines) >= 0.3 else [180, 90, 270]
    for rotation in candidates:
        trial = turned(page, rotation)
        trial_lines = backend.read_page(trial)
        score = reading_score(trial_lines)
        if score > best[0] + BETTER_BY:
            best = (score, trial, trial_lines)
            if score >= GOOD_READING:
                break
    if best[1] is page:
        return page, lines, []
    turn = (best[1].rotation_deg or 0) - (page.rotation_deg or 0)
    return best[1], best[2], [f"orientation corrected by the OCR: turned {turn % 360} degrees"]
