"""Is this outline a sheet of paper?  Colour tests that score document-outline candidates.

Phone photos put the page on a keyboard, a woven mat, a cloth or beside the booklet's next
page; the largest or the most contrasted region is not always the page.  These tests look
at the colours (text wiped out first) around and inside a candidate outline:

* :func:`ring_contrast`: colour difference across the outline (paper on both sides: a
  frame printed on the page, not its edge); :func:`expand_outward` then looks for the
  paper's edge further out.
* :func:`homogeneity`: one paper colour inside.
* :func:`pull_in_to_paper`: a side that slipped onto a row of keys or a strip of mat (that
  strip lies just inside it) is moved in to where the paper begins.
* :func:`paper_to_border`: the same paper all the way out to the photo's border (a flat
  scan whose sheet is the image).

Split out of :mod:`digitize.preprocess.crop`, which scores candidates with them.
"""

from __future__ import annotations

import math

import cv2
import numpy as np

from digitize.preprocess.geometry import (
    Quad,
    downscale,
    intersect_lines,
    order_corners,
    quad_area,
    quad_is_convex,
    to_bgr,
)


def wipe_text(gray: np.ndarray) -> np.ndarray:
    """Remove dark strokes thinner than ~2 % of the image (text, guilloche, table rules)."""
    k = max(3, int(min(gray.shape[:2]) * 0.02) | 1)
    closed = cv2.morphologyEx(gray, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_RECT, (k, k)))
    return cv2.medianBlur(closed, 5)


def ring_contrast(lab: np.ndarray, quad: Quad, width: float = 0.025) -> float:
    """Colour difference between a band just outside the quad and a band just inside it.

    A document's edge separates paper from table; a frame PRINTED on the paper (the
    ornamental border of the certificates) has paper on both sides.  Bands lying outside
    the image count as "different" (the paper may go on beyond the frame: cut off).
    """
    h, w = lab.shape[:2]
    q = order_corners(quad)
    c = q.mean(axis=0)
    d = width * math.hypot(w, h)
    size = max(np.linalg.norm(q - c, axis=1).mean(), 1.0)
    grow, shrink = 1.0 + d / size, max(0.1, 1.0 - d / size)
    big = c + (q - c) * grow
    x0, y0 = np.clip(np.floor(big.min(axis=0)).astype(int), 0, [w - 1, h - 1])
    x1, y1 = np.clip(np.ceil(big.max(axis=0)).astype(int) + 1, 1, [w, h])
    off = np.array([x0, y0], float)
    sub = lab[y0:y1, x0:x1]
    shape = sub.shape[:2]
    outer = np.zeros(shape, np.uint8)
    inner = np.zeros(shape, np.uint8)
    band_in = np.zeros(shape, np.uint8)
    cv2.fillPoly(outer, [np.round(big - off).astype(np.int32)], 255)
    cv2.fillPoly(inner, [np.round(c + (q - c) * shrink - off).astype(np.int32)], 255)
    cv2.fillPoly(band_in, [np.round(q - off).astype(np.int32)], 255)
    band_out = cv2.subtract(outer, band_in)
    band_ring = cv2.subtract(band_in, inner)
    po, pi = sub[band_out > 0], sub[band_ring > 0]
    if len(po) < 30 or len(pi) < 30:
        return 99.0
    mo, mi = np.median(po[:: max(1, len(po) // 3000)], axis=0), np.median(pi[:: max(1, len(pi) // 3000)], axis=0)
    return float(np.sqrt((((mo - mi) ** 2) * np.array([0.5, 1.0, 1.0], np.float32)).sum()))


PRINTED_FRAME_RING = 16.0  # colour contrast across an outline below which paper lies on both sides
FIRST_EDGE_GRADIENT = 10.0  # gradient (Sobel/4 at 480 px) of a paper edge; the blank margin stays below ~4


MARGIN_MIN_RAYS = 10  # of 24 rays across a side: a blank margin seen along most of the side


def _first_edge_line(a: np.ndarray, d: np.ndarray, nrm: np.ndarray, ts: np.ndarray,
                     grads: list[tuple[np.ndarray, np.ndarray]], lab: np.ndarray | None,
                     paper: np.ndarray | None, lo: float, hi: float) -> tuple[np.ndarray, np.ndarray] | None:
    """The first edge outside one side of a printed frame, or None when the side is the paper's edge.

    Along rays outward from the side, past the printed line itself (``lo`` px, the width
    of a guilloche band), the margin of a printed frame is blank paper in the page's paper
    colour; the paper's edge is the first edge across it.  A side already on the paper's
    edge has the table out there (another colour than the page's paper in the band from
    ``lo`` to ``2 lo``), and stays.
    """
    h, w = grads[0][0].shape[:2]
    offs = np.arange(lo, hi, 1.0)
    p = a[None, None, :] + ts[:, None, None] * d[None, None, :] + offs[None, :, None] * nrm[None, None, :]
    x = np.round(p[..., 0]).astype(int)
    y = np.round(p[..., 1]).astype(int)
    valid = (x >= 1) & (x < w - 1) & (y >= 1) & (y < h - 1)
    xc, yc = np.clip(x, 0, w - 1), np.clip(y, 0, h - 1)
    mag = np.zeros(x.shape, np.float32)
    for gx, gy in grads:
        mag = np.maximum(mag, np.abs(gx[yc, xc] * nrm[0] + gy[yc, xc] * nrm[1]))
    mag *= valid
    if lab is not None and paper is not None:
        # just past the printed line: the blank margin (the page's paper) or the table
        band = lab[yc[:, : max(1, int(lo))], xc[:, : max(1, int(lo))]].reshape(-1, 3)
        dist = float(np.sqrt((((np.median(band, axis=0) - paper) ** 2) * np.array([0.5, 1.0, 1.0])).sum()))
        if dist >= 2 * PAPER_COLOUR_DIST:
            return None
    over = mag > FIRST_EDGE_GRADIENT
    k0 = np.argmax(over, axis=1)  # the first edge past the printed line
    rows = np.flatnonzero(over.any(axis=1))
    if len(rows) < MARGIN_MIN_RAYS:
        return None
    # the crest of each first edge: the maximum within a few px further out
    k = np.array([k0[r] + int(np.argmax(mag[r, k0[r]:k0[r] + 4])) for r in rows])
    pts = p[rows, k]
    line = cv2.fitLine(pts.astype(np.float32), cv2.DIST_HUBER, 0, 0.01, 0.01).ravel()
    u0, p0 = line[:2], line[2:]
    resid = np.abs((pts - p0) @ np.array([-u0[1], u0[0]]))
    near = resid <= max(2.0, float(np.median(resid)) * 2)  # starts on a key or a mat strand: left out
    if near.sum() >= 8:
        line = cv2.fitLine(pts[near].astype(np.float32), cv2.DIST_HUBER, 0, 0.01, 0.01).ravel()
    return np.array([line[2], line[3]], float), np.array([line[0], line[1]], float)


def expand_outward(quad: Quad, grads: list[tuple[np.ndarray, np.ndarray]], lo: float = 0.012,
                    hi: float = 0.1, first: bool = False, lab: np.ndarray | None = None) -> Quad | None:
    """The paper's edge outside a printed frame: per side, the strongest edge further out.

    Each side is sampled; along the outward normal, between ``lo`` and ``hi`` of the
    image diagonal, the strongest gradient across the side is taken, and a robust line is
    fitted through those points.  None when a side has no consistent edge out there.

    With ``first``, the FIRST edge out from the frame is taken instead of the strongest:
    beside the page there may be the booklet's adjacent page, a keyboard or a mat whose
    own edges are stronger than the page's edge against them, but the page's edge is the
    first thing met crossing the blank margin (:func:`_first_edge_line`); a side with no
    blank margin outside it is the paper's edge already and stays.  ``lab`` (the ink-free
    image) also requires the margin to be the page's paper colour.
    """
    h, w = grads[0][0].shape[:2]
    diag = math.hypot(w, h)
    q = order_corners(quad)
    centre = q.mean(axis=0)
    offs = np.arange(lo * diag, hi * diag, 1.0)
    paper = None
    if lab is not None:  # the page's paper: the commonest ink-free colour of the inner part
        inner = np.clip(np.round(centre + (q - centre) * 0.7).astype(int), 0, [w - 1, h - 1])
        (x0, y0), (x1, y1) = inner.min(axis=0), inner.max(axis=0) + 1
        paper = np.median(lab[y0:y1:3, x0:x1:3].reshape(-1, 3), axis=0)
    lines = []
    for i in range(4):
        a, b = q[i], q[(i + 1) % 4]
        d = b - a
        length = float(np.hypot(*d))
        if length < 10:
            return None
        u = d / length
        nrm = np.array([-u[1], u[0]])
        if float((a + d / 2 - centre) @ nrm) < 0:  # make the normal point outward
            nrm = -nrm
        ts = np.linspace(0.15, 0.85, 24)
        if first:
            side = _first_edge_line(a, d, nrm, ts, grads, lab, paper, lo * diag, hi * diag)
            lines.append(side if side is not None else (a, u))  # no blank margin outside: the paper's edge
            continue
        p = a[None, None, :] + ts[:, None, None] * d[None, None, :] + offs[None, :, None] * nrm[None, None, :]
        x = np.round(p[..., 0]).astype(int)
        y = np.round(p[..., 1]).astype(int)
        valid = (x >= 1) & (x < w - 1) & (y >= 1) & (y < h - 1)
        xc, yc = np.clip(x, 0, w - 1), np.clip(y, 0, h - 1)
        mag = np.zeros(x.shape, np.float32)
        for gx, gy in grads:
            mag = np.maximum(mag, np.abs(gx[yc, xc] * nrm[0] + gy[yc, xc] * nrm[1]))
        mag *= valid
        k = np.argmax(mag, axis=1)
        strong = mag[np.arange(len(ts)), k] > FIRST_EDGE_GRADIENT
        if strong.sum() < 10:
            return None
        pts = p[np.arange(len(ts)), k][strong]
        line = cv2.fitLine(pts.astype(np.float32), cv2.DIST_HUBER, 0, 0.01, 0.01).ravel()
        lines.append((np.array([line[2], line[3]], float), np.array([line[0], line[1]], float)))
    out = []
    for i in range(4):
        c = intersect_lines(lines[(i - 1) % 4], lines[i])
        if c is None:
            return None
        out.append(c)
    res = order_corners(np.array(out))
    return res if quad_is_convex(res) and quad_area(res) > quad_area(q) else None


def density(strokes: np.ndarray, quad: Quad) -> float:
    """Share of stroke pixels inside the quad."""
    m = np.zeros(strokes.shape[:2], np.uint8)
    cv2.fillPoly(m, [np.round(order_corners(quad)).astype(np.int32)], 1)
    n = int(m.sum())
    return float((strokes & m).sum()) / n if n else 0.0


def homogeneity(lab: np.ndarray, quad: Quad) -> float:
    """Share of the quad's inner part whose (ink-free) colour is close to its median.

    A page is one paper colour; a quad that also takes in a neighbouring paper or the
    table is not.
    """
    h, w = lab.shape[:2]
    q = order_corners(quad)
    c = q.mean(axis=0)
    inner = c + (q - c) * 0.9
    x0, y0 = np.clip(np.floor(inner.min(axis=0)).astype(int), 0, [w - 1, h - 1])
    x1, y1 = np.clip(np.ceil(inner.max(axis=0)).astype(int) + 1, 1, [w, h])
    m = np.zeros((y1 - y0, x1 - x0), np.uint8)
    cv2.fillPoly(m, [np.round(inner - [x0, y0]).astype(np.int32)], 255)
    px = lab[y0:y1:2, x0:x1:2][m[::2, ::2] > 0]
    if len(px) < 50:
        return 0.0
    px = px[:: max(1, len(px) // 3000)]
    med = np.median(px, axis=0)
    d = np.sqrt((((px - med) ** 2) * np.array([0.5, 1.0, 1.0], np.float32)).sum(axis=1))
    return float((d < 12.0).mean())


# A printed frame on a sheet that is the whole image leaves a thin margin: the frame covers
# most of the image (light cloth around a smaller page can pass the colour test).
PAPER_BORDER_MIN_AREA = 0.8
PAPER_OUTSIDE_SHARE = 0.85  # share of the frame outside the outline that must be that same paper
PAPER_COLOUR_DIST = 12.0  # Lab distance (L weighted 0.5) of one paper colour, as in homogeneity


def paper_to_border(image: np.ndarray, quad: Quad, work_side: int = 240) -> bool:
    """True when everything between the outline and the image border is the outline's paper."""
    small, s = downscale(to_bgr(image), work_side)
    lab = cv2.cvtColor(np.dstack([wipe_text(small[:, :, c]) for c in range(3)]), cv2.COLOR_BGR2LAB)
    lab = lab.astype(np.float32)
    inside = np.zeros(small.shape[:2], np.uint8)
    cv2.fillPoly(inside, [np.round(order_corners(np.asarray(quad, float)) * s).astype(np.int32)], 255)
    outside = inside == 0
    if int(outside.sum()) < 30 or int((inside > 0).sum()) < 30:
        return False
    # the page's paper: the commonest colour inside (the printed border band may be darker)
    paper = np.median(lab[inside > 0], axis=0)
    d = np.sqrt((((lab[outside] - paper) ** 2) * np.array([0.5, 1.0, 1.0], np.float32)).sum(axis=1))
    return float((d < PAPER_COLOUR_DIST).mean()) >= PAPER_OUTSIDE_SHARE


PULL_REACH = 0.08  # how far inside a side (share of the outline's diagonal) the paper may begin
PULL_MIN_SHARE = 0.3  # share of a side's samples that must start on something else (a wedge counts)
PULL_MAX_RESIDUAL = 2.0  # px at 480: the starts of a real strip lie on the paper's straight edge
PULL_MIN_STEP = 2.0  # px (at the 480 px working size): closer than this the side is on the paper already
PULL_PAPER_RUN = 3  # consecutive paper samples that mark where the paper begins


def pull_in_to_paper(image: np.ndarray, quad: Quad, work_side: int = 480) -> Quad:
    """Move a side inward onto where the paper begins when a strip of table lies inside it.

    The region cues can leak through a gap onto the next key row, mat strip or the
    adjacent page's margin, whose edge is as straight as the page's; the outline then
    takes a wedge of table in along one side.  Per side, samples walk inward from the side
    until the page's paper colour starts (text wiped out); when most of them start
    further in, a robust line through those starts replaces the side.  Sides already on
    the paper stay where they are.  Returns the outline in ``image`` coordinates.
    """
    small, s = downscale(to_bgr(image), work_side)
    lab = cv2.cvtColor(np.dstack([wipe_text(small[:, :, c]) for c in range(3)]), cv2.COLOR_BGR2LAB)
    lab = lab.astype(np.float32)
    h, w = lab.shape[:2]
    q = order_corners(np.asarray(quad, float)) * s
    c = q.mean(axis=0)
    inner = np.clip(np.round(c + (q - c) * 0.7).astype(int), 0, [w - 1, h - 1])
    x0, y0 = inner.min(axis=0)
    x1, y1 = inner.max(axis=0) + 1
    paper = np.median(lab[y0:y1:3, x0:x1:3].reshape(-1, 3), axis=0)
    offs = np.arange(0.0, PULL_REACH * float(np.hypot(*(q[2] - q[0]))), 1.0)
    ts = np.linspace(0.08, 0.92, 32)
    lines: list[tuple[np.ndarray, np.ndarray]] = []
    moved = False
    for i in range(4):
        a, b = q[i], q[(i + 1) % 4]
        d = b - a
        nrm = np.array([-d[1], d[0]]) / (float(np.hypot(*d)) + 1e-9)
        if float((a + d / 2 - c) @ nrm) > 0:  # make the normal point inward
            nrm = -nrm
        p = a[None, None, :] + ts[:, None, None] * d[None, None, :] + offs[None, :, None] * nrm[None, None, :]
        x = np.clip(np.round(p[..., 0]).astype(int), 0, w - 1)
        y = np.clip(np.round(p[..., 1]).astype(int), 0, h - 1)
        dist = np.sqrt((((lab[y, x] - paper) ** 2) * np.array([0.5, 1.0, 1.0], np.float32)).sum(axis=2))
        is_paper = (dist < 2 * PAPER_COLOUR_DIST).astype(np.int32)
        run = np.ones(PULL_PAPER_RUN, np.int32)
        starts = []
        for k in range(len(ts)):
            hits = np.flatnonzero(np.convolve(is_paper[k], run, mode="valid") == PULL_PAPER_RUN)
            starts.append(int(hits[0]) if len(hits) else -1)
        st = np.array(starts)
        found = st >= 0
        inward = found & (offs[np.maximum(st, 0)] > PULL_MIN_STEP)
        if found.sum() >= 0.8 * len(ts) and inward.sum() >= PULL_MIN_SHARE * len(ts):
            pts = p[np.arange(len(ts))[found], st[found]]
            line = cv2.fitLine(pts.astype(np.float32), cv2.DIST_HUBER, 0, 0.01, 0.01).ravel()
            u, p0 = np.array([line[0], line[1]], float), np.array([line[2], line[3]], float)
            resid = np.abs((pts - p0) @ np.array([-u[1], u[0]]))
            # the paper's edge is straight: starts in two groups (a photo or a seal near the
            # side, not a strip of table) do not make a line
            if float(np.percentile(resid, 80)) <= PULL_MAX_RESIDUAL:
                lines.append((p0, u))
                moved = True
                continue
        lines.append((a, d))
    if not moved:
        return np.asarray(quad, float)
    out = []
    for i in range(4):
        corner = intersect_lines(lines[(i - 1) % 4], lines[i])
        if corner is None:
            return np.asarray(quad, float)
        out.append(corner)
    res = order_corners(np.array(out))
    # never more than the strip: a pulled-in outline keeps most of the original's area
    if not quad_is_convex(res) or quad_area(res) < 0.75 * quad_area(q):
        return np.asarray(quad, float)
    return res / s
