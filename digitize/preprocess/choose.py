"""Which outline is the document: the choice among scored quad candidates.

:func:`~digitize.preprocess.crop.quad_candidates` scores every outline the cues give; the
best score is not always the document: a frame printed on the page scores like the
page's edge, one page of an open spread like the spread, a line on the paper (an inner
frame, a shadow's edge) like the paper against the table.  :func:`choose_candidate` picks
the document among the good ones by containment, colour contrast across the outline and
the proportions of pages and spreads.

Split out of :mod:`digitize.preprocess.crop` (outline finding) by concern.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import cv2
import numpy as np

from digitize.preprocess.geometry import Quad, order_corners, quad_area


@dataclass(frozen=True)
class QuadCandidate:
    quad: Quad  # in the coordinates of the image passed to find_document_quad
    score: float
    support: float  # mean fraction of each side on a real edge
    min_support: float
    area_fraction: float
    cue: str
    ring: float = 99.0  # colour contrast across the outline (low: a frame printed on paper)



def _sides(q: np.ndarray) -> tuple[float, float]:
    """(long, short) mean side lengths of an ordered quad."""
    a = (np.hypot(*(q[1] - q[0])) + np.hypot(*(q[2] - q[3]))) / 2
    b = (np.hypot(*(q[3] - q[0])) + np.hypot(*(q[2] - q[1]))) / 2
    return max(a, b), min(a, b)


PAGE_ASPECT = (1.25, 1.52)  # long/short side of a certificate page (2009/2014: 1.39; A4: 1.41)


def _is_page(q: np.ndarray) -> bool:
    long, short = _sides(q)
    return PAGE_ASPECT[0] < long / max(short, 1e-6) < PAGE_ASPECT[1]


def _is_spread_of(spread: np.ndarray, page: np.ndarray) -> bool:
    """A4-like page, A3-like spread whose long side is about two page widths (a little more
    when perspective makes the page the photo is taken from look smaller)."""
    _, ps = _sides(page)
    sl, ss = _sides(spread)
    return _is_page(page) and 1.15 < sl / max(ss, 1e-6) < 1.75 and 1.6 < sl / max(ps, 1e-6) < 2.7


def _facing_pages(cands: list[QuadCandidate], floor: float) -> QuadCandidate | None:
    """Two page outlines side by side (an open certificate whose spread outline was not found
    whole), one of them the best outline: their union, to be split later.  Pages are portrait
    and meet along their long sides, so two ID cards (landscape) one above the other never pair."""
    good = [c for c in cands[:6] if c.score >= floor and _is_page(order_corners(c.quad))]
    if not good or good[0] is not cands[0]:
        return None
    a = good[0]
    for b in good[1:]:
        ratio = b.area_fraction / max(a.area_fraction, 1e-6)
        if not 0.75 < ratio < 1.33:
            continue
        qa, qb = order_corners(a.quad), order_corners(b.quad)
        _, short = _sides(qa)
        tol = 0.3 * short
        ca, cb = qa.mean(axis=0), qb.mean(axis=0)
        if np.hypot(*(ca - cb)) < 0.7 * short:
            continue  # two outlines of one page (its printed frame and its edge)
        left, right = (qa, qb) if ca[0] < cb[0] else (qb, qa)
        top, bottom = (qa, qb) if ca[1] < cb[1] else (qb, qa)
        upright = abs(left[3][1] - left[0][1]) > abs(left[1][0] - left[0][0])  # taller than wide
        if (upright and np.hypot(*(left[1] - right[0])) < tol
                and np.hypot(*(left[2] - right[3])) < tol):
            union = np.array([left[0], right[1], right[2], left[3]])
        elif (np.hypot(*(top[3] - bottom[0])) < tol and np.hypot(*(top[2] - bottom[1])) < tol
              and abs(top[1][0] - top[0][0]) > abs(top[3][1] - top[0][1])):
            union = np.array([top[0], top[1], bottom[2], bottom[3]])
        else:
            continue
        return QuadCandidate(union, min(a.score, b.score), min(a.support, b.support),
                             min(a.min_support, b.min_support), a.area_fraction + b.area_fraction,
                             "facing-pages", min(a.ring, b.ring))
    return None


def _contains(outer: Quad, points: np.ndarray) -> bool:
    contour = order_corners(outer).astype(np.float32).reshape(-1, 1, 2)
    margin = -0.01 * math.sqrt(max(quad_area(outer), 1.0))
    return all(cv2.pointPolygonTest(contour, (float(x), float(y)), True) >= margin for x, y in points)


# The spread containing the best page scores as well as the page (0.92-1.0 of it on the default
# set's two-page photos); a page joined to a wedge of keyboard has the spread's proportions
# too, but not its edges and one paper colour (0.62 of the page in a keyboard round trip).
SPREAD_SCORE_SHARE = 0.8
OUTER_SCORE_SHARE = 0.9  # an outer outline scoring within 10 % of the best is as plausible an outline
# Paper against a table or a keyboard measures 35-120 across the edge; a line printed on the
# paper or a shadow's edge 16-25 (the real-style set): twice the contrast is the paper's edge.
OUTER_RING_FACTOR = 2.0


def _paper_edge_around(cands: list[QuadCandidate]) -> QuadCandidate:
    """The best outline, or an outline about as good that contains it with far more colour
    contrast across it: the best one is then a line on the paper (an inner printed frame,
    a shadow's edge; contrast 16-25) and the outer one the paper against the table (35-120)."""
    best = cands[0]
    if best.ring < 16.0:  # a printed frame: handled by the outermost-outline rule
        return best
    bq = order_corners(best.quad)
    for c in cands[1:]:
        if (c.score >= OUTER_SCORE_SHARE * best.score and c.area_fraction > best.area_fraction
                and c.ring >= OUTER_RING_FACTOR * best.ring
                and (_contains(c.quad, bq) or _overlap(c.quad, bq) >= SAME_OUTLINE_IOU)):
            return c
    return best


# Two outlines covering the same region to this intersection-over-union are readings of one
# sheet (an edge found a little outside the paper on one side does not make it another one).
SAME_OUTLINE_IOU = 0.85


def _overlap(a: Quad, b: Quad) -> float:
    """Intersection over union of two convex quads."""
    qa = order_corners(np.asarray(a, float)).astype(np.float32)
    qb = order_corners(np.asarray(b, float)).astype(np.float32)
    inter, _ = cv2.intersectConvexConvex(qa, qb)
    union = quad_area(qa) + quad_area(qb) - inter
    return float(inter / union) if union > 0 else 0.0


def choose_candidate(cands: list[QuadCandidate], min_score: float = 0.45) -> QuadCandidate:
    """The outermost good outline: a strong inner one is usually a frame printed on the page.

    Among candidates scoring within 20 % of the best, the largest one that contains the
    best one wins (a page in an open spread also gives way to the spread, which is then split).
    The best outline is first replaced by the paper's edge around it when it is a line on
    the paper (:func:`_paper_edge_around`), so the spread and pair rules start from the page.
    """
    lead = _paper_edge_around(cands)
    if lead is not cands[0]:
        cands = [lead, *(c for c in cands if c is not lead)]
    best = cands[0]
    bq = order_corners(best.quad)
    diag = math.sqrt(max(quad_area(best.quad) / max(best.area_fraction, 1e-6), 1.0)) * math.sqrt(2.0)
    # One page of an open spread: a candidate about twice as large shares two of its
    # corners (the outer side) and contains it.  The spread is wanted (it is split later).
    for c in cands[1:]:
        if c.score < max(min_score, SPREAD_SCORE_SHARE * best.score):
            continue
        ratio = c.area_fraction / max(best.area_fraction, 1e-6)
        if not 1.6 < ratio < 3.0:
            continue
        cq = order_corners(c.quad)
        shared = sum(1 for p in bq if np.min(np.hypot(*(cq - p).T)) < 0.03 * diag)
        if shared >= 2 and _contains(c.quad, bq) and _is_spread_of(cq, bq):
            return c
    pair = _facing_pages(cands, max(min_score, 0.5 * best.score))  # the pairing is strong evidence
    if pair is not None:
        return pair
    choice = best
    if best.ring >= 16.0:  # a real outline (table or bed around it): keep it
        return best
    for c in cands[1:]:
        if c.score < max(min_score, 0.8 * best.score) or c.area_fraction <= choice.area_fraction:
            continue
        if _contains(c.quad, bq):
            choice = c
    return choice
