"""Find the document in a photo and rectify it to its true proportions.

Phone photos show a certificate page or an ID card on a table: wood, cloth, other papers,
a finger over an edge, rounded card corners, shadows.  The search runs on a ~480 px copy:

1. Text and guilloche are wiped out with a grey closing (dark thin strokes vanish), so the
   page becomes a flat patch and its outline the strongest edge left.
2. Candidate regions come from three independent cues, because none works everywhere:
   Otsu on brightness (white or pink paper on a darker table), a colour model of the
   image centre (paper colour vs anything else, for light tables), and regions enclosed
   by Canny edges (paper on paper).
3. Each region's outline becomes a quadrilateral: the convex hull (bridges a finger
   over an edge) simplified to four vertices, then each side is refitted as a robust
   line through the outline points near it, and corners are re-intersected (so rounded
   card corners and torn corners give the true, sharp corner).
4. Candidates are scored by how much of their perimeter lies on a real edge across the
   side, their size and their shape; the best one wins, or None below a threshold.

Each side is then refined at ~1000 px against the image gradient, which brings corners
to within a few tenths of a percent of the diagonal.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable

import cv2
import numpy as np

# re-exported: the pipeline, the card search and tests import them from here
from digitize.preprocess.choose import PAGE_ASPECT as PAGE_ASPECT
from digitize.preprocess.choose import QuadCandidate as QuadCandidate
from digitize.preprocess.choose import choose_candidate as choose_candidate
from digitize.preprocess.geometry import (
    Quad,
    apply,
    downscale,
    intersect_lines,
    order_corners,
    quad_area,
    quad_is_convex,
    to_bgr,
)
from digitize.preprocess.paper import (
    PAPER_BORDER_MIN_AREA,
    PRINTED_FRAME_RING,
    density,
    expand_outward,
    homogeneity,
    paper_to_border,
    pull_in_to_paper,
    ring_contrast,
    wipe_text,
)
from digitize.preprocess.spread import find_spread_split as find_spread_split
from digitize.preprocess.spread import split_matrices as split_matrices

# Known document proportions (long side / short side).
A4_ASPECT = math.sqrt(2.0)  # 2024 form (A4), 2009/2014 pages (A3 folded = A4 pages)
ID1_ASPECT = 85.6 / 54.0  # CCCD / Căn cước cards (ISO/IEC 7810 ID-1)
KNOWN_ASPECTS = {"a4": A4_ASPECT, "id1": ID1_ASPECT}


def _largest_components(mask: np.ndarray, min_fraction: float, limit: int = 3) -> list[np.ndarray]:
    n, labels, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=4)
    total = mask.shape[0] * mask.shape[1]
    order: list[int] = (np.argsort(-stats[1:, cv2.CC_STAT_AREA]) + 1).tolist() if n > 1 else []
    out = []
    for i in order[:limit]:
        if stats[i, cv2.CC_STAT_AREA] < min_fraction * total:
            break
        out.append((labels == i).astype(np.uint8) * 255)
    return out


def _candidate_masks(bgr_small: np.ndarray) -> list[tuple[str, np.ndarray]]:
    """Binary masks that may be the document, each from one cue."""
    h, w = bgr_small.shape[:2]
    closed = np.dstack([wipe_text(bgr_small[:, :, c]) for c in range(3)])
    gray = cv2.cvtColor(closed, cv2.COLOR_BGR2GRAY)
    masks: list[tuple[str, np.ndarray]] = []
    open_k = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (5, 5))

    # 1. brightness: paper is usually the lightest large thing in view
    _, bright = cv2.threshold(gray, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    masks.append(("bright", cv2.morphologyEx(bright, cv2.MORPH_OPEN, open_k)))

    # 2. colour of the centre: the document is where the collector aimed
    lab = cv2.cvtColor(closed, cv2.COLOR_BGR2LAB).astype(np.float32)
    cy0, cy1, cx0, cx1 = int(h * 0.35), int(h * 0.65), int(w * 0.35), int(w * 0.65)
    ref = np.median(lab[cy0:cy1, cx0:cx1].reshape(-1, 3), axis=0)
    dist = np.sqrt(((lab - ref) ** 2 * np.array([0.5, 1.0, 1.0], np.float32)).sum(axis=2))
    d8 = np.clip(dist * 2.0, 0, 255).astype(np.uint8)
    _, far = cv2.threshold(d8, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    near = cv2.bitwise_not(far)
    masks.append(("colour", cv2.morphologyEx(near, cv2.MORPH_OPEN, open_k)))

    # 3. regions enclosed by edges (thresholds from the gradient distribution, so a
    #    dim photo or a pink page on a pink paper still gives its outline)
    blur = cv2.GaussianBlur(closed, (3, 3), 0)
    gmag = cv2.magnitude(cv2.Sobel(cv2.cvtColor(blur, cv2.COLOR_BGR2GRAY), cv2.CV_32F, 1, 0),
                         cv2.Sobel(cv2.cvtColor(blur, cv2.COLOR_BGR2GRAY), cv2.CV_32F, 0, 1))
    hi_t = float(np.clip(np.percentile(gmag, 92), 30, 200))
    edges = cv2.Canny(blur, 0.4 * hi_t, hi_t)
    edges = cv2.dilate(edges, np.ones((3, 3), np.uint8))
    inside = cv2.bitwise_not(edges)
    cv2.rectangle(inside, (0, 0), (w - 1, h - 1), 0, 1)
    masks.append(("edges", cv2.morphologyEx(inside, cv2.MORPH_OPEN, open_k)))
    # 4./5. the colour cues cut along edges: separates the page from touching papers
    cut = cv2.bitwise_not(edges)
    masks.append(("bright-cut", cv2.morphologyEx(cv2.bitwise_and(masks[0][1], cut), cv2.MORPH_OPEN, open_k)))
    masks.append(("colour-cut", cv2.morphologyEx(cv2.bitwise_and(masks[1][1], cut), cv2.MORPH_OPEN, open_k)))
    return masks


def _fit_side(points: np.ndarray, a: np.ndarray, b: np.ndarray, tol: float) -> tuple[np.ndarray, np.ndarray] | None:
    """Robust line (point, direction) through outline points near the segment a-b."""
    d = b - a
    length = float(np.hypot(*d))
    if length < 1e-6:
        return None
    u = d / length
    nrm = np.array([-u[1], u[0]])
    rel = points - a
    along = rel @ u
    across = rel @ nrm
    sel = (np.abs(across) < tol) & (along > 0.12 * length) & (along < 0.88 * length)
    if sel.sum() < 8:
        return None
    line = cv2.fitLine(points[sel].astype(np.float32), cv2.DIST_HUBER, 0, 0.01, 0.01).ravel()
    return np.array([line[2], line[3]], float), np.array([line[0], line[1]], float)


def refit_quad(quad: Quad, points: np.ndarray, tol: float) -> Quad:
    """Refit each side as a robust line through nearby ``points``; corners re-intersected."""
    q = order_corners(quad)
    lines = []
    for i in range(4):
        fit = _fit_side(points, q[i], q[(i + 1) % 4], tol)
        if fit is None:  # keep the side as it is
            a, b = q[i], q[(i + 1) % 4]
            d = b - a
            fit = (a, d / (np.hypot(*d) + 1e-9))
        lines.append(fit)
    out = []
    for i in range(4):
        c = intersect_lines(lines[(i - 1) % 4], lines[i])
        if c is None:
            return q
        out.append(c)
    res = np.array(out)
    # A refit that moves a corner far (a side fitted to the wrong edge) is not trusted.
    diag = math.hypot(*(q.max(axis=0) - q.min(axis=0)))
    if np.max(np.hypot(*(res - q).T)) > 0.08 * diag or not quad_is_convex(res):
        return q
    return order_corners(res)


def _reduce_to_quad(poly: np.ndarray) -> Quad | None:
    """Drop the shortest edge of a convex polygon until four sides remain.

    Each drop extends the two neighbouring sides to their intersection: a cut or torn
    corner, or a card's rounded corner, is replaced by the corner the paper would have.
    """
    pts = [np.asarray(p, float) for p in poly]
    while len(pts) > 4:
        n = len(pts)
        lengths = [np.hypot(*(pts[(i + 1) % n] - pts[i])) for i in range(n)]
        i = int(np.argmin(lengths))
        a0, a1 = pts[(i - 1) % n], pts[i]
        b0, b1 = pts[(i + 1) % n], pts[(i + 2) % n]
        c = intersect_lines((a0, a1 - a0), (b1, b0 - b1))
        if c is None:
            return None
        keep = [pts[j] for j in range(n) if j not in (i, (i + 1) % n)]
        insert_at = i if (i + 1) % n != 0 else len(keep)
        keep.insert(min(insert_at, len(keep)), c)
        pts = keep
    quad = np.array(pts)
    return quad if quad_is_convex(quad) else None


def _quad_from_mask(mask: np.ndarray) -> tuple[Quad, np.ndarray] | None:
    contours, _ = cv2.findContours(mask, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_NONE)
    if not contours:
        return None
    contour = max(contours, key=cv2.contourArea)
    hull = cv2.convexHull(contour)
    peri = cv2.arcLength(hull, True)
    quad = None
    approx = cv2.approxPolyDP(hull, 0.012 * peri, True).reshape(-1, 2).astype(float)
    if 4 <= len(approx) <= 10:
        quad = _reduce_to_quad(approx)
    if quad is None:
        for eps in (0.02, 0.03, 0.05, 0.08):
            approx2 = cv2.approxPolyDP(hull, eps * peri, True)
            if len(approx2) == 4:
                quad = approx2.reshape(4, 2).astype(float)
                break
            if len(approx2) < 4:
                break
    if quad is None:  # rounded or torn outline: the best rectangle still gives four sides
        quad = cv2.boxPoints(cv2.minAreaRect(hull)).astype(float)
    pts = contour.reshape(-1, 2).astype(float)
    tol = max(3.0, 0.015 * peri / 4)
    return refit_quad(quad, pts, tol), pts


SIDE_SUBSETS = 2  # alternative outlines tried per region (the longest sides first; each costs a scoring)


def _side_subset_quads(mask: np.ndarray, pts: np.ndarray) -> list[Quad]:
    """Other four-sided readings of a region whose outline has five to seven sides.

    A phone's shadow or a glare band over a corner of the page cuts that corner off the
    region diagonally; the polygon then has one side too many, and dropping the shortest
    side (what :func:`_quad_from_mask` does) can keep the cut and lose a real edge.  Here
    every choice of four of the sides is extended to a quadrilateral (the real paper edges
    meet where the paper's corner is, under the shadow); the ones with the longest chosen
    sides are returned, to be scored against the image's edges like any other outline.
    """
    contours, _ = cv2.findContours(mask, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_NONE)
    if not contours:
        return []
    hull = cv2.convexHull(max(contours, key=cv2.contourArea))
    peri = cv2.arcLength(hull, True)
    poly = cv2.approxPolyDP(hull, 0.012 * peri, True).reshape(-1, 2).astype(float)
    n = len(poly)
    if not 5 <= n <= 7:
        return []
    sides = [(poly[i], poly[(i + 1) % n] - poly[i]) for i in range(n)]
    lengths = [float(np.hypot(*d)) for _, d in sides]
    region = float(cv2.contourArea(hull))
    h, w = mask.shape[:2]
    margin = 0.01 * max(w, h)
    options: list[tuple[float, Quad]] = []
    for chosen in itertools.combinations(range(n), 4):
        corners = [intersect_lines(sides[chosen[k]], sides[chosen[(k + 1) % 4]]) for k in range(4)]
        if any(c is None for c in corners):
            continue
        quad = np.array(corners, float)
        if not quad_is_convex(quad):
            continue
        # The paper contains the region it was seen as, and is not much larger; the corner
        # found under a shadow is in the photo (a side extended off the frame is the table's).
        if not region * 0.97 <= quad_area(quad) <= region * 1.6:
            continue
        if np.any(quad < -margin) or np.any(quad[:, 0] > w + margin) or np.any(quad[:, 1] > h + margin):
            continue
        options.append((sum(lengths[i] for i in chosen), quad))
    options.sort(key=lambda o: -o[0])
    tol = max(3.0, 0.015 * peri / 4)
    return [refit_quad(q, pts, tol) for _, q in options[:SIDE_SUBSETS]]


def edge_support(grad_x: np.ndarray, grad_y: np.ndarray, quad: Quad, thr: float = 6.0,
                 extra: list[tuple[np.ndarray, np.ndarray]] | None = None) -> list[float]:
    """For each side, the fraction of its length lying on an image edge across the side.

    ``extra`` gradient pairs (e.g. of a colour channel) count too: pink paper on a white
    scanner bed differs in hue far more than in brightness.
    """
    grads = [(grad_x, grad_y), *(extra or [])]
    h, w = grad_x.shape[:2]
    q = order_corners(quad)
    out = []
    for i in range(4):
        a, b = q[i], q[(i + 1) % 4]
        d = b - a
        length = float(np.hypot(*d))
        if length < 4:
            out.append(0.0)
            continue
        u = d / length
        nrm = np.array([-u[1], u[0]])
        ts = np.linspace(0.05, 0.95, 40)
        best = np.zeros(len(ts))
        for off in (-2.0, -1.0, 0.0, 1.0, 2.0):
            p = a[None, :] + ts[:, None] * d[None, :] + off * nrm[None, :]
            x = np.clip(np.round(p[:, 0]).astype(int), 0, w - 1)
            y = np.clip(np.round(p[:, 1]).astype(int), 0, h - 1)
            inside = (p[:, 0] >= 1) & (p[:, 0] < w - 1) & (p[:, 1] >= 1) & (p[:, 1] < h - 1)
            for gxx, gyy in grads:
                g = np.abs(gxx[y, x] * nrm[0] + gyy[y, x] * nrm[1]) * inside
                best = np.maximum(best, g)
        out.append(float((best > thr).mean()))
    return out


def _shape_ok(quad: Quad, w: int, h: int) -> bool:
    if not quad_is_convex(quad):
        return False
    q = order_corners(quad)
    for i in range(4):
        a, b, c = q[i - 1], q[i], q[(i + 1) % 4]
        v1, v2 = a - b, c - b
        cosang = float(v1 @ v2 / (np.hypot(*v1) * np.hypot(*v2) + 1e-9))
        if abs(cosang) > 0.6:  # corner angle outside ~53..127 degrees
            return False
    # corners may lie a little outside (a cut-off page) but not far
    margin = 0.15 * max(w, h)
    return bool(np.all(q[:, 0] > -margin) and np.all(q[:, 0] < w + margin)
                and np.all(q[:, 1] > -margin) and np.all(q[:, 1] < h + margin))


def _score(quad: Quad, mean_sup: float, min_sup: float, area: float, closed_lab: np.ndarray,
           strokes: np.ndarray) -> tuple[float, float]:
    """Candidate score (edge support, one paper colour, size, text inside, not a printed frame).

    A per-side "paper just inside every side" factor was measured on the real-style set and
    left out: it lost more real-style pages (a shadowed margin is not the median paper
    colour) than it saved; strips of table are pulled in after the choice instead.
    """
    homog = homogeneity(closed_lab, quad)
    score = mean_sup * 0.45 + min_sup * 0.2 + homog * 0.25 + min(1.0, area / 0.25) * 0.1
    score *= 0.6 + 0.4 * min(1.0, density(strokes, quad) / 0.01)
    # Paper on both sides of the outline: a printed frame, not the document's edge.
    # Measured: printed frames 9-14, real outlines 35-120 (paper vs table or bed).
    ring = ring_contrast(closed_lab, quad)
    if ring < 16.0:
        score *= 0.25 + 0.02 * ring
    return score, ring


def quad_candidates(image: np.ndarray, work_side: int = 480, min_area: float = 0.06, components: int = 3,
                    shape: Callable[[Quad], bool] | None = None,
                    extra_cues: Callable[[np.ndarray], list[tuple[str, np.ndarray]]] | None = None,
                    ) -> list[QuadCandidate]:
    """All document-quad candidates, best first, in ``image`` coordinates.

    ``min_area`` (share of the frame) and ``components`` (regions kept per cue) default to
    a page filling much of the photo; the ID-card search (:mod:`.cards`) asks for smaller
    regions and more of them, and ``shape`` skips outlines of the wrong proportions
    before they are scored (scoring is the expensive part); ``extra_cues`` adds masks
    computed from the working copy.
    """
    bgr = to_bgr(image)
    small, s = downscale(bgr, work_side)
    h, w = small.shape[:2]
    if min(h, w) < 24:
        return []
    gray = cv2.cvtColor(small, cv2.COLOR_BGR2GRAY)
    blur = cv2.GaussianBlur(gray, (5, 5), 0).astype(np.float32)
    gx = cv2.Sobel(blur, cv2.CV_32F, 1, 0, ksize=3) / 4.0
    gy = cv2.Sobel(blur, cv2.CV_32F, 0, 1, ksize=3) / 4.0
    found: list[QuadCandidate] = []
    closed_lab = cv2.cvtColor(np.dstack([wipe_text(small[:, :, c]) for c in range(3)]), cv2.COLOR_BGR2LAB)
    closed_lab = closed_lab.astype(np.float32)
    # Dark thin strokes (text, rules): a document has them, a blank sheet beside it not.
    bh = cv2.morphologyEx(gray, cv2.MORPH_BLACKHAT, cv2.getStructuringElement(cv2.MORPH_RECT, (7, 7)))
    strokes = (bh > 25).astype(np.uint8)
    # hue edges: a* and b* of the ink-free image, amplified (their range is small)
    colour_grads = []
    for ch in (1, 2):
        c = cv2.GaussianBlur(closed_lab[:, :, ch], (5, 5), 0)
        colour_grads.append((cv2.Sobel(c, cv2.CV_32F, 1, 0, ksize=3) / 4.0 * 2.5,
                             cv2.Sobel(c, cv2.CV_32F, 0, 1, ksize=3) / 4.0 * 2.5))
    seen: list[np.ndarray] = []
    tol = 0.008 * math.hypot(w, h)
    masks = _candidate_masks(small) + (extra_cues(small) if extra_cues is not None else [])
    for cue, mask in masks:
        for comp in _largest_components(mask, min_area, components):
            res = _quad_from_mask(comp)
            if res is None:
                continue
            outlines = [(res[0], cue), *((q, cue + "+sides") for q in _side_subset_quads(comp, res[1]))]
            for quad, cue_name in outlines:
                # Several cues usually agree on the same outline: score each outline once.
                oq = order_corners(quad)
                if any(np.max(np.hypot(*(oq - other).T)) < tol for other in seen):
                    continue
                seen.append(oq)
                if not _shape_ok(quad, w, h):
                    continue
                area = quad_area(quad) / (w * h)
                if area < min_area or area > 1.05 or (shape is not None and not shape(quad)):
                    continue
                sup = edge_support(gx, gy, quad, extra=colour_grads)
                mean_sup, min_sup = float(np.mean(sup)), float(np.min(sup))
                # A region that is just the whole frame is not a document outline.
                if area > 0.93 and mean_sup < 0.5:
                    continue
                score, ring = _score(quad, mean_sup, min_sup, area, closed_lab, strokes)
                found.append(QuadCandidate(quad / s, score, mean_sup, min_sup, float(area), cue_name, ring))
                if ring >= 16.0:
                    continue
                # looks like a frame printed on the paper: look for the paper's edge (the
                # strongest edge out there, and the first one: see expand_outward)
                # (and the first one whatever the colour out there, as a shadow or a glare band
                # over the margin changes it: the scoring tells)
                for first, lab_ in ((False, None), (True, None), (True, closed_lab)):
                    outer = expand_outward(quad, [(gx, gy), *colour_grads], first=first, lab=lab_)
                    if outer is not None and _shape_ok(outer, w, h):
                        oq = order_corners(outer)
                        if any(np.max(np.hypot(*(oq - other).T)) < tol for other in seen):
                            continue
                        seen.append(oq)
                        o_area = quad_area(outer) / (w * h)
                        o_sup = edge_support(gx, gy, outer, extra=colour_grads)
                        o_score, o_ring = _score(outer, float(np.mean(o_sup)), float(np.min(o_sup)), o_area,
                                                 closed_lab, strokes)
                        found.append(QuadCandidate(outer / s, o_score, float(np.mean(o_sup)), float(np.min(o_sup)),
                                                   float(o_area), cue_name + ("+first" if first else "+outward"),
                                                   o_ring))
    found.sort(key=lambda c: -c.score)
    return found


def refine_quad(image: np.ndarray, quad: Quad, work_side: int = 1000, search: float = 0.006) -> Quad:
    """Move each side onto the strongest nearby edge at ~``work_side`` px (sub-pixel corners)."""
    bgr = to_bgr(image)
    small, s = downscale(bgr, work_side)
    gray = cv2.GaussianBlur(cv2.cvtColor(small, cv2.COLOR_BGR2GRAY), (3, 3), 0).astype(np.float32)
    gx = cv2.Sobel(gray, cv2.CV_32F, 1, 0, ksize=3)
    gy = cv2.Sobel(gray, cv2.CV_32F, 0, 1, ksize=3)
    h, w = gray.shape
    q = order_corners(np.asarray(quad, float) * s)
    reach = max(3.0, search * math.hypot(w, h))
    pts_all = []
    for i in range(4):
        a, b = q[i], q[(i + 1) % 4]
        d = b - a
        length = float(np.hypot(*d))
        if length < 10:
            return np.asarray(quad, float)
        u = d / length
        nrm = np.array([-u[1], u[0]])
        ts = np.linspace(0.1, 0.9, 48)
        offs = np.arange(-reach, reach + 0.5, 0.5)
        p = a[None, None, :] + ts[:, None, None] * d[None, None, :] + offs[None, :, None] * nrm[None, None, :]
        x = np.clip(p[..., 0], 0, w - 1.001)
        y = np.clip(p[..., 1], 0, h - 1.001)
        gxs = cv2.remap(gx, x.astype(np.float32), y.astype(np.float32), cv2.INTER_LINEAR)
        gys = cv2.remap(gy, x.astype(np.float32), y.astype(np.float32), cv2.INTER_LINEAR)
        g = np.abs(gxs * nrm[0] + gys * nrm[1])
        k = np.argmax(g, axis=1)
        strong = g[np.arange(len(ts)), k] > 20
        inside = (p[np.arange(len(ts)), k, 0] > 1) & (p[np.arange(len(ts)), k, 0] < w - 2)
        inside &= (p[np.arange(len(ts)), k, 1] > 1) & (p[np.arange(len(ts)), k, 1] < h - 2)
        keep = strong & inside
        pts_all.append(p[np.arange(len(ts)), k][keep])
    pts = np.vstack([pp for pp in pts_all if len(pp)]) if any(len(pp) for pp in pts_all) else np.zeros((0, 2))
    if len(pts) < 16:
        return np.asarray(quad, float)
    refined = refit_quad(q, pts, tol=reach + 1.0)
    return refined / s


def find_document_quad(image: np.ndarray, min_score: float = 0.45) -> Quad | None:
    """The document's four corners (TL, TR, BR, BL, in ``image`` pixels), or None.

    None means no convincing outline: the caller should use the whole image and say so.
    """
    return find_document(image, min_score)[0]


def find_document(image: np.ndarray, min_score: float = 0.45) -> tuple[Quad | None, bool]:
    """:func:`find_document_quad`, and whether the whole image was judged to BE the page.

    The second value is True when a frame printed on the paper has the same paper around
    it out to the image's border (a flat scan): then there is no table in view, and no
    small card to look for either.
    """
    try:
        cands = quad_candidates(image)
    except cv2.error:
        return None, False
    if not cands or cands[0].score < min_score:
        return None, False
    choice = choose_candidate(cands, min_score)
    if (choice.ring < PRINTED_FRAME_RING and choice.area_fraction >= PAPER_BORDER_MIN_AREA
            and paper_to_border(image, choice.quad)):
        # A printed frame with the same paper all around it out to the photo's border: a
        # flat scan or a print whose sheet IS the image.  The whole image is the page.
        return None, True
    return refine_quad(image, pull_in_to_paper(image, choice.quad)), False


def page_size(quad: Quad, snap_tolerance: float = 0.06, max_side: int = 4000) -> tuple[int, int, str | None]:
    """Output (width, height) for a rectified quad and the known format it snapped to.

    Side lengths are averaged over opposite sides; the aspect is snapped to A4 or ID-1
    when within ``snap_tolerance`` (perspective makes the measured aspect approximate).
    """
    q = order_corners(quad)
    top, bottom = np.hypot(*(q[1] - q[0])), np.hypot(*(q[2] - q[3]))
    left, right = np.hypot(*(q[3] - q[0])), np.hypot(*(q[2] - q[1]))
    w, h = max(1.0, (top + bottom) / 2), max(1.0, (left + right) / 2)
    aspect = max(w, h) / min(w, h)
    fmt = None
    best = snap_tolerance
    for name, target in KNOWN_ASPECTS.items():
        err = abs(aspect / target - 1.0)
        if err < best:
            best, fmt = err, name
    if fmt is not None:
        aspect = KNOWN_ASPECTS[fmt]
    longest = min(float(max_side), max(max(top, bottom), max(left, right)))
    if w >= h:
        W, H = longest, longest / aspect
    else:
        W, H = longest / aspect, longest
    return max(1, round(W)), max(1, round(H)), fmt


def rectify_matrix(quad: Quad, size: tuple[int, int]) -> np.ndarray:
    """Homography mapping the quad's corners to the corners of a ``size`` rectangle."""
    w, h = size
    src = order_corners(quad).astype(np.float32)
    dst = np.array([[0, 0], [w - 1, 0], [w - 1, h - 1], [0, h - 1]], np.float32)
    return cv2.getPerspectiveTransform(src, dst).astype(np.float64)


# A side clipped by the frame runs ALONG it: parallel to the border (its two ends within
# 0.3 % of the image's long side of each other; measured 0-0.25 % after refinement) and
# within 2 % of it (the region cues leave it a few px inside).  A flat scan turned by half a
# degree touches the border with one corner only (its side runs 0-8 px, 0.45 %, from it):
# all four corners are in view, no retake.
CUT_OFF_SIDE = 0.02
CUT_OFF_PARALLEL = 0.003


def quad_cut_off(quad: Quad, image_size: tuple[int, int], margin: float = 0.004) -> bool:
    """True when a corner lies outside the frame (the document is cut off)."""
    w, h = image_size
    m = margin * max(w, h)
    q = order_corners(np.asarray(quad, float))
    if bool(np.any(q[:, 0] < -m) or np.any(q[:, 1] < -m) or np.any(q[:, 0] > w - 1 + m)
            or np.any(q[:, 1] > h - 1 + m)):
        return True
    # a whole side lying ON the frame's edge: the region was clipped by the frame, the paper
    # goes on beyond the photo
    edge = CUT_OFF_SIDE * max(w, h)
    for i in range(4):
        a, b = q[i], q[(i + 1) % 4]
        for axis, limit in ((0, 0.0), (0, w - 1.0), (1, 0.0), (1, h - 1.0)):
            if (abs(a[axis] - limit) < edge and abs(b[axis] - limit) < edge
                    and abs(a[axis] - b[axis]) < CUT_OFF_PARALLEL * max(w, h)):
                return True
    return False


def map_quad(matrix: np.ndarray, quad: Quad) -> Quad:
    return apply(matrix, np.asarray(quad, float))

