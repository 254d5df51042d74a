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
from digitize.preprocess.geometry import Quad, downscale, order_corners, quad_area, to_bgr
from digitize.preprocess.paper import ring_contrast, wipe_text

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


# A page-search outline is refitted as a card only within 6 % of ID-1: an A4 page (11 % away)
# under keystone can come within 12 %, and a page's sides must not jump to its printed frame.
CARD_REFIT_ASPECT = 0.06
CONTRAST_SIDE = 480  # working size of the colour-contrast check (the page search's)
SIDE_SEARCH = 0.2  # how far (share of the card's short side) a side may move when refitted
SIDE_SAMPLES = 48  # rays across each side
SIDE_EDGE = 12.0  # gradient (Sobel/4 at 1000 px) of a card's edge against the table
SIDE_PEAKS = 4  # candidate edge points kept per ray
SIDE_HYPOTHESES = 80  # RANSAC line hypotheses per side and polarity
SIDE_INLIER_PX = 1.5  # px from the fitted line that count as on it
SIDE_MIN_INLIERS = 0.5  # share of the rays that must agree on the side's line


def _side_line(grads: tuple[np.ndarray, np.ndarray], a: np.ndarray, b: np.ndarray, out: np.ndarray, reach: float,
               rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray] | None:
    """The straight edge near the side a-b that most rays across it agree on (RANSAC).

    ``grads`` is the gradient image pair (gx, gy); along each ray the local maxima
    of the gradient across the side are candidate edge points, of either polarity (a
    white card on a dark keyboard, a grey card on a white cloth).
    """
    gx, gy = grads
    h, w = gx.shape
    ts = np.linspace(0.12, 0.88, SIDE_SAMPLES)
    offs = np.arange(-reach, reach + 0.5, 0.5)
    p = a[None, None, :] + ts[:, None, None] * (b - a)[None, None, :] + offs[None, :, None] * out[None, None, :]
    x = np.clip(p[..., 0], 0, w - 1.001).astype(np.float32)
    y = np.clip(p[..., 1], 0, h - 1.001).astype(np.float32)
    g = cv2.remap(gx, x, y, cv2.INTER_LINEAR) * out[0] + cv2.remap(gy, x, y, cv2.INTER_LINEAR) * out[1]
    best: tuple[int, np.ndarray] | None = None
    for sign in (1.0, -1.0):
        gs = g * sign
        peak = (gs > SIDE_EDGE) & (gs >= np.roll(gs, 1, axis=1)) & (gs >= np.roll(gs, -1, axis=1))
        # the strongest few peaks per ray (a page's text gives dozens; the edge is among the strongest)
        rank = np.argsort(-np.where(peak, gs, 0.0), axis=1)[:, :SIDE_PEAKS]
        ri = np.repeat(np.arange(len(ts)), SIDE_PEAKS)
        ci = rank.ravel()
        ok = peak[ri, ci]
        ri, ci = ri[ok], ci[ok]
        if len(ri) < SIDE_MIN_INLIERS * SIDE_SAMPLES:
            continue
        pts = p[ri, ci]
        # all hypotheses at once: lines through random pairs of points on different rays
        i, j = rng.integers(0, len(pts), (2, SIDE_HYPOTHESES))
        keep = ri[i] != ri[j]
        i, j = i[keep], j[keep]
        if len(i) == 0:
            continue
        d = pts[j] - pts[i]
        nrm = np.stack([-d[:, 1], d[:, 0]], axis=1) / (np.hypot(d[:, 0], d[:, 1])[:, None] + 1e-9)
        dist = np.abs(np.einsum("hk,hpk->hp", nrm, pts[None, :, :] - pts[i][:, None, :]))
        near = dist <= SIDE_INLIER_PX
        hit = np.zeros((len(i), SIDE_SAMPLES), bool)  # one point per ray counts
        hh, pp = np.nonzero(near)
        hit[hh, ri[pp]] = True
        rays = hit.sum(axis=1)
        k = int(np.argmax(rays))
        if best is None or int(rays[k]) > best[0]:
            best = (int(rays[k]), pts[near[k]])
    if best is None or best[0] < SIDE_MIN_INLIERS * SIDE_SAMPLES:
        return None
    line = cv2.fitLine(best[1].astype(np.float32), cv2.DIST_HUBER, 0, 0.01, 0.01).ravel()
    return np.array([line[2], line[3]], float), np.array([line[0], line[1]], float)


def refit_card_sides(image: np.ndarray, quad: Quad, keep_contrast: bool = False) -> Quad:
    """Each side of a found card moved onto the straight edge most of its length agrees on.

    A glare band or the phone's shadow joins the card to the table along part of a side,
    and the region's outline bends out there; the card's edge is still a straight line of
    strong gradient along most of the side.  Per side, candidate edge points within
    :data:`SIDE_SEARCH` of the card's short side are taken on rays across it and the line
    most rays agree on (RANSAC) replaces the side.  Sides with no such line stay.

    ``keep_contrast``: the refit is kept only when the colour contrast across the outline
    does not drop (:func:`~digitize.preprocess.paper.ring_contrast`): for an outline that
    may be a page rather than a card (their measured proportions overlap under keystone),
    a side must not move from the paper's edge onto a line printed inside it.
    """
    from digitize.preprocess.geometry import intersect_lines, quad_is_convex

    q = order_corners(np.asarray(quad, float))
    gray = cv2.GaussianBlur(cv2.cvtColor(image, cv2.COLOR_BGR2GRAY) if image.ndim == 3 else image, (3, 3), 0)
    gray = gray.astype(np.float32)
    grads = (cv2.Sobel(gray, cv2.CV_32F, 1, 0, ksize=3, scale=0.25),
             cv2.Sobel(gray, cv2.CV_32F, 0, 1, ksize=3, scale=0.25))
    _long, short = _sides(q)
    reach = max(3.0, SIDE_SEARCH * short)
    c = q.mean(axis=0)
    rng = np.random.default_rng(0)  # deterministic: the same photo gives the same crop
    lines = []
    for i in range(4):
        a, b = q[i], q[(i + 1) % 4]
        d = b - a
        out = np.array([-d[1], d[0]]) / (np.hypot(*d) + 1e-9)
        if float((a + d / 2 - c) @ out) < 0:
            out = -out
        fit = _side_line(grads, a, b, out, reach, rng)
        lines.append(fit if fit is not None else (a, d / (np.hypot(*d) + 1e-9)))
    corners = [intersect_lines(lines[(i - 1) % 4], lines[i]) for i in range(4)]
    if any(k is None for k in corners):
        return q
    res = order_corners(np.array(corners, float))
    if not quad_is_convex(res) or not is_card_shaped(res) or np.max(np.hypot(*(res - q).T)) > reach * 1.5:
        return q
    if keep_contrast:
        small, k = downscale(to_bgr(image), CONTRAST_SIDE)
        lab = cv2.cvtColor(np.dstack([wipe_text(small[:, :, ch]) for ch in range(3)]), cv2.COLOR_BGR2LAB)
        lab = lab.astype(np.float32)
        if ring_contrast(lab, res * k) < ring_contrast(lab, q * k):
            return q
    return res


def card_quarter_turn(gray: np.ndarray, mask: np.ndarray, use_classifier: bool = True) -> int | None:
    """90 or 270 for a rectified card crop standing on its short side, when the page rule is unsure.

    CCCD, Căn cước and CMND cards are printed landscape: their text lines run along the
    long side.  A card photographed turned by a quarter turn comes out of the crop portrait,
    and "cannot tell which way is up" would leave it sideways, which is wrong either way;
    here the up/down vote is taken with the lines laid along the long side, and its sign
    decides however weak it is.  None for a landscape crop (upright is then the likelier
    guess) or when the lines do not run along the long side.
    """
    from digitize.preprocess.orient import analyse_orientation

    h, w = gray.shape[:2]
    if h <= w:
        return None
    turned = cv2.rotate(gray, cv2.ROTATE_90_CLOCKWISE)
    ev = analyse_orientation(turned, use_classifier=use_classifier, min_direction_ratio=0.0, min_logodds=0.0,
                             mask=cv2.rotate(mask, cv2.ROTATE_90_CLOCKWISE))
    if ev.rotation_deg not in (0, 180):
        return None
    return (90 + ev.rotation_deg) % 360


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
    "card_quarter_turn",
    "find_card_quad",
    "is_card_shaped",
    "refit_card_sides",
    "sides_on_border",
    "small_card_like",
]
