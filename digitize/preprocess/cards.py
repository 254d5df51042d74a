"""ID cards small in the frame: find the card, and read it from an upscaled crop.

People photograph a CCCD / Căn cước card lying on a table with the phone held well above
it: the card fills only 30-45 % of the frame's short side (domain.md, "Captures"), often
turned 90 degrees, on a keyboard, a woven mat or a patterned cloth.  The page search of
:mod:`.crop` looks for a document that fills much of the photo, so it either finds
nothing or takes the table (a keyboard's deck after the text wipe is a flat light-grey
region that looks like paper).

:func:`find_card_quad` searches again for smaller regions with the card's proportions
(ID-1, 85.6 x 54 mm) and strong edges on all four sides; :func:`background_like` tells
when the page search's answer is the table rather than a document, so the pipeline
knows to ask.  :func:`card_output_size` sizes the rectified crop so the card's text is
large enough for the OCR (the crop is upscaled; the rectifying homography carries the
scale, so boxes still map back to the photo).
"""

from __future__ import annotations

import cv2
import numpy as np

from digitize.preprocess.crop import ID1_ASPECT, PAGE_ASPECT, QuadCandidate, quad_candidates
from digitize.preprocess.geometry import Quad, order_corners, quad_area
from digitize.preprocess.paper import wipe_text

# The measured long/short ratio of a card under a few degrees of perspective stays within
# ~12 % of ID-1; pages (A4, 1.41) are 11 % away, so the card search also rejects most of them.
CARD_ASPECT_TOLERANCE = 0.12
# A card whose long side is 20 % of the frame's short side covers ~1.5 % of a 3:4 frame
# (its text is then ~4 px, below what can be read); real photos show 30-45 % (3-10 %).
CARD_MIN_AREA = 0.015
CARD_MAX_AREA = 0.6
CARD_WORK_SIDE = 640  # a 30 % card is ~130 px long at 480 px: too few pixels for its corners
CARD_COMPONENTS = 8  # patterned tables break into many regions; the card is one of them
CARD_MIN_SCORE = 0.5
TABLE_PATTERN = 0.025  # opening size (share of the short side): wider than a cloth's dots, narrower than a card
CARD_MIN_SIDE_SUPPORT = 0.45  # a card lying on a table has an edge on all four sides
# Rectified card crop: 1400 px on the long side is ~16 px/mm, so the 6-7 pt labels reach
# ~22 px and the 8-9 pt values ~30 px cap height, what the OCR reads best (the cards of our
# own flat scans come out at 1000-1600 px).
CARD_LONG_SIDE_PX = 1400
# An ID-1 outline found by the page search is upscaled too when it covers less than this
# share of the frame (a page under perspective can measure ID-1-like proportions, but is
# not photographed that small).
SMALL_CARD_AREA = 0.25
# The page search's answer is the table when two or more sides lie along the frame's
# border (the table goes on beyond the photo) ...
BORDER_BAND = 0.02
# An open spread (A3-like, 1.15-1.75) photographed to be read covers at least ~30 % of the frame.
SPREAD_MIN_AREA = 0.3


def _sides(q: np.ndarray) -> tuple[float, float]:
    a = (np.hypot(*(q[1] - q[0])) + np.hypot(*(q[2] - q[3]))) / 2
    b = (np.hypot(*(q[3] - q[0])) + np.hypot(*(q[2] - q[1]))) / 2
    return float(max(a, b)), float(min(a, b))


def is_card_shaped(quad: Quad, tolerance: float = CARD_ASPECT_TOLERANCE) -> bool:
    """True when the quad's long/short side ratio is within ``tolerance`` of ID-1."""
    long, short = _sides(order_corners(np.asarray(quad, float)))
    return abs(long / max(short, 1e-6) / ID1_ASPECT - 1.0) <= tolerance


def sides_on_border(quad: Quad, size: tuple[int, int], band: float = BORDER_BAND) -> int:
    """How many of the quad's sides lie along the frame's border (both ends within ``band``)."""
    w, h = size
    m = band * max(w, h)
    q = order_corners(np.asarray(quad, float))
    count = 0
    for i in range(4):
        a, b = q[i], q[(i + 1) % 4]
        for axis, limit in ((0, 0.0), (0, w - 1.0), (1, 0.0), (1, h - 1.0)):
            if abs(a[axis] - limit) < m and abs(b[axis] - limit) < m:
                count += 1
                break
    return count


def background_like(quad: Quad | None, size: tuple[int, int]) -> bool:
    """True when the page search found nothing, or a region that may be the table, not a paper.

    Two or more sides on the frame's border: the table (keyboard, mat, cloth) going on
    beyond the photo.  Neither page nor card proportions: a stripe of a mat, a key row.
    A page cut off by the frame looks alike; :func:`find_card_quad` then only replaces
    it by a card-shaped outline with strong edges on all four sides.
    """
    if quad is None:
        return True
    q = order_corners(np.asarray(quad, float))
    long, short = _sides(q)
    ratio = long / max(short, 1e-6)
    spread = 1.15 < ratio < 1.75 and quad_area(q) > SPREAD_MIN_AREA * size[0] * size[1]
    document_shaped = PAGE_ASPECT[0] < ratio < PAGE_ASPECT[1] or is_card_shaped(q) or spread
    return sides_on_border(q, size) >= 2 or not document_shaped


def small_card_like(quad: Quad | None, size: tuple[int, int]) -> bool:
    """True when the page search's answer has ID-1 proportions and is small in the frame.

    The page search works at 480 px and takes its regions from cues made for pages: on a
    keyboard the bright-region cue joins the card to the next row of keys, and the outline
    comes out card-shaped but a key row too long (the MRZ, at the card's bottom, is then
    read from a warped crop).  The card search (640 px, table-aware cues, an edge on every
    side) then gets to answer too.
    """
    if quad is None:
        return False
    q = order_corners(np.asarray(quad, float))
    return is_card_shaped(q) and quad_area(q) < SMALL_CARD_AREA * size[0] * size[1]


def _not_table(small: np.ndarray) -> list[tuple[str, np.ndarray]]:
    """Regions unlike the table's commonest colour, with the table's pattern opened away.

    The page search models the paper by the colour at the image centre; with a small card
    the centre is the table.  Here the table is the image's median colour and the card is
    what differs from it; an opening wider than a cloth's dots or a mat's strands removes
    the pattern, and a cut along strong edges parts the card from a glare band or a
    pattern blob touching it.
    """
    closed = np.dstack([wipe_text(small[:, :, c]) for c in range(3)])
    lab = cv2.cvtColor(closed, cv2.COLOR_BGR2LAB).astype(np.float32)
    table = np.median(lab.reshape(-1, 3), axis=0)
    dist = np.sqrt(((lab - table) ** 2 * np.array([0.5, 1.0, 1.0], np.float32)).sum(axis=2))
    _, far = cv2.threshold(np.clip(dist * 2.0, 0, 255).astype(np.uint8), 0, 255,
                           cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    k = max(3, int(min(small.shape[:2]) * TABLE_PATTERN) | 1)
    far = cv2.morphologyEx(far, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (k, k)))
    gray = cv2.GaussianBlur(cv2.cvtColor(closed, cv2.COLOR_BGR2GRAY), (3, 3), 0)
    edges = cv2.dilate(cv2.Canny(gray, 40, 100), np.ones((3, 3), np.uint8))
    cut = cv2.morphologyEx(cv2.bitwise_and(far, cv2.bitwise_not(edges)), cv2.MORPH_OPEN,
                           cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (5, 5)))
    return [("not-table", far), ("not-table-cut", cut)]


def card_candidates(image: np.ndarray) -> list[QuadCandidate]:
    """Card-shaped outlines of at least :data:`CARD_MIN_AREA` of the frame, best first."""
    cands = quad_candidates(image, work_side=CARD_WORK_SIDE, min_area=CARD_MIN_AREA,
                            components=CARD_COMPONENTS, shape=is_card_shaped, extra_cues=_not_table)
    return [c for c in cands if c.area_fraction <= CARD_MAX_AREA]


def find_card_quad(image: np.ndarray, min_score: float = CARD_MIN_SCORE) -> QuadCandidate | None:
    """The best ID card outline in ``image`` (its coordinates), or None.

    The card must be ID-1 shaped, have an edge on every side (not a region of the table's
    pattern that happens to have the card's proportions), differ in colour from what lies
    around it, and carry text.
    """
    good = [c for c in card_candidates(image)
            if c.score >= min_score and c.min_support >= CARD_MIN_SIDE_SUPPORT and c.ring >= 16.0]
    return good[0] if good else None


def card_output_size(size: tuple[int, int], long_side: int = CARD_LONG_SIDE_PX) -> tuple[int, int]:
    """The rectified card's (width, height): upscaled so its long side is ``long_side``.

    A card already larger than that keeps its size (no downscale: detail is never thrown
    away here; the pipeline's ``max_output_side`` still caps it).
    """
    w, h = size
    k = max(1.0, long_side / max(w, h, 1))
    return max(1, round(w * k)), max(1, round(h * k))


__all__ = [
    "CARD_LONG_SIDE_PX",
    "SMALL_CARD_AREA",
    "background_like",
    "card_candidates",
    "card_output_size",
    "find_card_quad",
    "is_card_shaped",
    "sides_on_border",
    "small_card_like",
]
