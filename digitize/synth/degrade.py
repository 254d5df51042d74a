"""Composable, seeded degradations that carry the ground truth along.

A :class:`Sample` is an image plus everything the ground truth needs (line quads, field
quads, document corners) and three masks (paper, damage, occlusion).  Every geometric
step is a 3x3 homography applied to the image, the masks and all the points at once;
photometric steps touch only the pixels.  Steps take and return a Sample and draw all
their randomness from the generator they are given.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

import cv2
import numpy as np

from digitize.synth.canvas import DrawnLine, Rendered


@dataclass
class Sample:
    """An image on its way to the file, with the geometry of what is on it."""

    image: np.ndarray  # H x W x 3 uint8 RGB
    paper: np.ndarray  # H x W uint8: 255 where the document is (0 torn away / background)
    damage: np.ndarray  # H x W uint8: 255 where damage destroyed the content
    occlusion: np.ndarray  # H x W uint8: 255 where a seal or tape covers content
    lines: list[DrawnLine]
    boxes: dict[str, np.ndarray]  # field path -> (4, 2) quad
    corners: np.ndarray  # (4, 2) TL, TR, BR, BL of the document
    dpi: float | None
    steps: list[str] = field(default_factory=list)
    jpeg_quality: int = 92

    @property
    def size(self) -> tuple[int, int]:
        """(width, height) of the image."""
        return self.image.shape[1], self.image.shape[0]


def from_rendered(r: Rendered) -> Sample:
    """Start a sample from a flat rendered page."""
    h, w = r.image.shape[:2]
    occl = r.seal_mask if r.seal_mask is not None else np.zeros((h, w), np.uint8)
    alpha = r.extra.get("alpha")
    paper = alpha.copy() if isinstance(alpha, np.ndarray) else np.full((h, w), 255, np.uint8)
    return Sample(
        image=r.image.copy(), paper=paper, damage=np.zeros((h, w), np.uint8),
        occlusion=occl.copy(), lines=[replace(ln, quad=ln.quad.copy()) for ln in r.lines],
        boxes={k: v.copy() for k, v in r.boxes.items()},
        corners=np.array([[0, 0], [w, 0], [w, h], [0, h]], dtype=float), dpi=r.dpi,
    )


def map_points(h: np.ndarray, pts: np.ndarray) -> np.ndarray:
    """Map (N, 2) points through a 3x3 homography."""
    p = np.hstack([pts.reshape(-1, 2), np.ones((len(pts.reshape(-1, 2)), 1))]) @ h.T
    return p[:, :2] / p[:, 2:3]


def warp(s: Sample, hmat: np.ndarray, out_size: tuple[int, int], name: str, fill: tuple[int, int, int] = (0, 0, 0)
         ) -> Sample:
    """Apply a homography to the image, masks and every point; ``out_size`` is (w, h)."""
    w, h = out_size
    img = cv2.warpPerspective(s.image, hmat, (w, h), flags=cv2.INTER_AREA if _shrinks(hmat) else cv2.INTER_LINEAR,
                              borderMode=cv2.BORDER_CONSTANT, borderValue=fill)
    masks = np.dstack([s.paper, s.damage, s.occlusion])
    m = cv2.warpPerspective(masks, hmat, (w, h), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT,
                            borderValue=(0, 0, 0))
    return replace(
        s, image=img, paper=m[..., 0].copy(), damage=m[..., 1].copy(), occlusion=m[..., 2].copy(),
        lines=[replace(ln, quad=map_points(hmat, ln.quad)) for ln in s.lines],
        boxes={k: map_points(hmat, v) for k, v in s.boxes.items()},
        corners=map_points(hmat, s.corners), steps=[*s.steps, name],
    )


def _shrinks(hmat: np.ndarray) -> bool:
    return bool(abs(np.linalg.det(hmat[:2, :2])) < 0.8)


def rotate90(s: Sample, k: int) -> Sample:
    """Turn the whole image k x 90 degrees counter-clockwise (exact, no resampling)."""
    k %= 4
    if k == 0:
        return s
    # one CCW quarter turn: (x, y) -> (y, w - x); image becomes h x w
    out = s
    for _ in range(k):
        w = out.size[0]
        hmat = np.array([[0, 1, 0], [-1, 0, w], [0, 0, 1]], dtype=float)
        out = replace(
            out, image=np.ascontiguousarray(np.rot90(out.image, 1)), paper=np.ascontiguousarray(np.rot90(out.paper, 1)),
            damage=np.ascontiguousarray(np.rot90(out.damage, 1)),
            occlusion=np.ascontiguousarray(np.rot90(out.occlusion, 1)),
            lines=[replace(ln, quad=map_points(hmat, ln.quad)) for ln in out.lines],
            boxes={kk: map_points(hmat, v) for kk, v in out.boxes.items()}, corners=map_points(hmat, out.corners),
        )
    return replace(out, steps=[*s.steps, f"rotate{90 * k}"])


def _dense_boundary(quad: np.ndarray, n: int = 9) -> np.ndarray:
    """Points along the four edges of a quad."""
    t = np.linspace(0, 1, n)[:, None]
    return np.vstack([quad[i] + (quad[(i + 1) % 4] - quad[i]) * t for i in range(4)])


def _cover_quad(original: np.ndarray, mapped_pts: np.ndarray, mapped_corners: np.ndarray) -> np.ndarray:
    """The oriented rectangle around mapped boundary points, corners in the original order."""
    rect = cv2.boxPoints(cv2.minAreaRect(mapped_pts.astype(np.float32))).astype(float)
    out = np.empty((4, 2))
    free = list(range(4))
    for i in range(4):
        j = min(free, key=lambda k: float(np.sum((rect[k] - mapped_corners[i]) ** 2)))
        out[i] = rect[j]
        free.remove(j)
    del original
    return out


def bow(s: Sample, rng: np.random.Generator) -> Sample:
    """Paper that does not lie flat: a smooth bulge of the edges (a non-homographic warp).

    Pixels move by a displacement field D; every point p goes to q with q = p + D(q) (solved
    by fixed-point iteration, the exact inverse of the remap).  Line and field quads become
    the oriented rectangles around their densely mapped edges, so they still cover the ink.
    """
    w, h = s.size
    ax = float(rng.uniform(0.004, 0.014)) * h * float(rng.choice([-1, 1]))
    ay = float(rng.uniform(0.0, 0.008)) * w * float(rng.choice([-1, 1]))
    m = math.ceil(max(abs(ax), abs(ay))) + 4
    s = warp(s, np.array([[1, 0, m], [0, 1, m], [0, 0, 1]], dtype=float), (w + 2 * m, h + 2 * m), "pad")

    def disp(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        u = np.clip((x - m) / w, 0, 1)
        v = np.clip((y - m) / h, 0, 1)
        return ay * np.sin(np.pi * v) * (2 * u - 1), ax * np.sin(np.pi * u) * (2 * v - 1)

    big_w, big_h = s.size
    qy, qx = np.mgrid[0:big_h, 0:big_w].astype(np.float32)
    dx, dy = disp(qx, qy)
    mapx, mapy = (qx - dx).astype(np.float32), (qy - dy).astype(np.float32)
    img = cv2.remap(s.image, mapx, mapy, cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT, borderValue=(0, 0, 0))
    masks = cv2.remap(np.dstack([s.paper, s.damage, s.occlusion]), mapx, mapy, cv2.INTER_LINEAR,
                      borderMode=cv2.BORDER_CONSTANT, borderValue=(0, 0, 0))

    def fwd(pts: np.ndarray) -> np.ndarray:
        q = pts.astype(float).copy()
        for _ in range(6):
            ddx, ddy = disp(q[:, 0], q[:, 1])
            q = pts + np.stack([ddx, ddy], axis=1)
        return q

    def quad(qd: np.ndarray) -> np.ndarray:
        return _cover_quad(qd, fwd(_dense_boundary(qd)), fwd(qd))

    return replace(
        s, image=img, paper=masks[..., 0].copy(), damage=masks[..., 1].copy(), occlusion=masks[..., 2].copy(),
        lines=[replace(ln, quad=quad(ln.quad)) for ln in s.lines], boxes={k: quad(v) for k, v in s.boxes.items()},
        corners=fwd(s.corners), steps=[*s.steps, "bow"],
    )


def on_cover(s: Sample, rng: np.random.Generator) -> Sample:
    """An old red book lies open: the page sits on its red cover (part of the photo, not the page)."""
    w, h = s.size
    m = int(min(w, h) * float(rng.uniform(0.03, 0.06)))
    out = warp(s, np.array([[1, 0, m], [0, 1, m], [0, 0, 1]], dtype=float), (w + 2 * m, h + 2 * m), "cover")
    base = np.array([int(rng.integers(120, 170)), int(rng.integers(15, 35)), int(rng.integers(20, 40))], np.float32)
    tex = 0.85 + 0.25 * lowfreq(h + 2 * m, w + 2 * m, rng, 12)
    cover = np.clip(base[None, None, :] * tex[..., None], 0, 255).astype(np.uint8)
    out = composite(out, cover)
    return replace(out, paper=np.full_like(out.paper, 255))


def composite(s: Sample, background: np.ndarray) -> Sample:
    """Lay the document (where paper > 0) over a background of the same size."""
    a = s.paper.astype(np.float32) * (1.0 / 255.0)
    img = cv2.blendLinear(s.image, np.ascontiguousarray(background, dtype=np.uint8), a, 1.0 - a)
    return replace(s, image=img)


# ----------------------------------------------------------------------- helpers
def lowfreq(h: int, w: int, rng: np.random.Generator, cells: int = 4) -> np.ndarray:
    """A smooth random field in [0, 1]."""
    g = rng.random((cells, cells)).astype(np.float32)
    return cv2.resize(g, (w, h), interpolation=cv2.INTER_CUBIC).clip(0, 1)


def apply_gain(img: np.ndarray, gain: np.ndarray) -> np.ndarray:
    g = gain if gain.ndim == 3 else gain[..., None]
    return np.clip(img.astype(np.float32) * g, 0, 255).astype(np.uint8)


def jpeg(img: np.ndarray, quality: int) -> np.ndarray:
    """Round-trip through JPEG at a quality."""
    ok, buf = cv2.imencode(".jpg", img[..., ::-1], [cv2.IMWRITE_JPEG_QUALITY, int(quality)])
    if not ok:
        return img
    dec = cv2.imdecode(buf, cv2.IMREAD_COLOR)
    return img if dec is None else dec[..., ::-1].copy()


# ------------------------------------------------------------------------- age
def age(s: Sample, rng: np.random.Generator) -> Sample:
    """Yellowing, faded ink, stains and fold creases (on the flat document)."""
    h, w = s.image.shape[:2]
    img: np.ndarray = s.image.astype(np.float32)
    # fade: pull everything towards the paper colour
    fade = float(rng.uniform(0.65, 0.9))
    paper_col = np.median(img.reshape(-1, 3)[:: max(1, (h * w) // 5000)], axis=0)
    img = paper_col + (img - paper_col) * fade
    # yellowing, stronger towards the edges
    yy, xx = np.ogrid[0:h, 0:w]
    yy, xx = yy.astype(np.float32), xx.astype(np.float32)
    edge = np.minimum(np.minimum(xx / w, (w - xx) / w), np.minimum(yy / h, (h - yy) / h))
    k = float(rng.uniform(0.03, 0.08)) * (1 + 1.2 * np.clip(0.1 - edge, 0, 0.1) / 0.1) * (
        0.6 + 0.8 * lowfreq(h, w, rng, 5))
    tint = np.array([0.08, 0.3, 0.85], np.float32)
    img = img * (1 - k[..., None] * tint[None, None, :])
    # stains: brown rings / blots
    for _ in range(int(rng.integers(1, 4))):
        cx, cy = float(rng.uniform(0, w)), float(rng.uniform(0, h))
        r = float(rng.uniform(0.03, 0.12)) * max(w, h)
        x0, x1 = max(0, int(cx - 1.3 * r)), min(w, int(cx + 1.3 * r))
        y0, y1 = max(0, int(cy - 1.3 * r)), min(h, int(cy + 1.3 * r))
        if x1 <= x0 or y1 <= y0:
            continue
        sy, sx = np.ogrid[y0:y1, x0:x1]
        sx, sy = sx.astype(np.float32), sy.astype(np.float32)
        d = np.hypot(sx - cx, sy - cy) / r
        lobes = int(rng.integers(3, 8))
        d = d * (1 + 0.15 * np.sin(np.arctan2(sy - cy, sx - cx) * lobes))
        blot = np.clip(1 - d, 0, 1) ** 0.5 * 0.35 + np.exp(-((d - 1) ** 2) / 0.004) * 0.5
        blot *= float(rng.uniform(0.2, 0.6))
        stain = np.array([0.15, 0.35, 0.75], np.float32)
        img[y0:y1, x0:x1] *= 1 - blot[..., None] * stain[None, None, :]
    out = replace(s, image=np.clip(img, 0, 255).astype(np.uint8), steps=[*s.steps, "age"])
    return creases(out, rng)


def creases(s: Sample, rng: np.random.Generator) -> Sample:
    """Fold creases: a dark/bright line pair with cracked ink along it."""
    h, w = s.image.shape[:2]
    img: np.ndarray = s.image.astype(np.float32)
    yy, xx = np.ogrid[0:h, 0:w]
    yy, xx = yy.astype(np.float32), xx.astype(np.float32)
    folds = []
    if rng.random() < 0.8:
        folds.append(("h", h * float(rng.uniform(0.45, 0.55))))
    if rng.random() < 0.5:
        folds.append(("v", w * float(rng.uniform(0.45, 0.55))))
    if not folds:
        folds.append(("h", h * float(rng.uniform(0.3, 0.7))))
    for kind, pos in folds:
        slope = float(rng.normal(0, 0.01))
        d = (yy - pos - slope * xx) if kind == "h" else (xx - pos - slope * yy)
        width = max(2.0, min(w, h) / 400)
        dark = np.exp(-(d / width) ** 2) * 0.25
        bright = np.exp(-((d - 2.5 * width) / (2 * width)) ** 2) * 0.12
        img = img * (1 - dark[..., None]) + (255 - img) * bright[..., None]
        crack = (np.abs(d) < width * 0.8) & (rng.random((h, w), dtype=np.float32) < 0.35)
        img[crack] = img[crack] * 0.3 + 235 * 0.7
    return replace(s, image=np.clip(img, 0, 255).astype(np.uint8), steps=[*s.steps, "creases"])


# ---------------------------------------------------------------------- damage
def _jagged(p0: np.ndarray, p1: np.ndarray, rng: np.random.Generator, amp: float, n: int = 40) -> np.ndarray:
    t = np.linspace(0, 1, n)[:, None]
    pts = p0 + (p1 - p0) * t
    normal = np.array([-(p1 - p0)[1], (p1 - p0)[0]], dtype=float)
    normal /= np.linalg.norm(normal) + 1e-9
    walk = np.cumsum(rng.normal(0, amp / 4, n))
    walk -= np.linspace(walk[0], walk[-1], n)
    return pts + normal[None, :] * (walk[:, None] + rng.normal(0, amp / 8, (n, 1)))


def damage(s: Sample, rng: np.random.Generator) -> Sample:
    """One to three of: torn edge, missing corner, holes, tape."""
    h, w = s.image.shape[:2]
    lost = np.zeros((h, w), np.uint8)
    tape = np.zeros((h, w), np.uint8)
    kinds = list(rng.choice(["torn_edge", "missing_corner", "holes", "tape"], size=int(rng.integers(1, 4)),
                            replace=False))
    for kind in kinds:
        if kind == "torn_edge":
            side = int(rng.integers(0, 4))
            depth = float(rng.uniform(0.02, 0.08)) * (w if side in (1, 3) else h)
            span = sorted(rng.uniform(0, 1, 2))
            # the torn strip runs along one side; "inward" points into the page
            if side == 0:
                a, b, inward = np.array([w * span[0], 0.0]), np.array([w * span[1], 0.0]), np.array([0.0, 1.0])
            elif side == 2:
                a, b, inward = np.array([w * span[0], h]), np.array([w * span[1], h]), np.array([0.0, -1.0])
            elif side == 1:
                a, b, inward = np.array([w, h * span[0]]), np.array([w, h * span[1]]), np.array([-1.0, 0.0])
            else:
                a, b, inward = np.array([0.0, h * span[0]]), np.array([0.0, h * span[1]]), np.array([1.0, 0.0])
            inner = _jagged(a + inward * depth * 0.3, b + inward * depth * 0.3, rng, depth)
            poly = np.vstack([a[None, :], inner + inward * depth * 0.5, b[None, :]])
            cv2.fillPoly(lost, [poly.astype(np.int32)], 255)
        elif kind == "missing_corner":
            c = int(rng.integers(0, 4))
            sx, sy = float(rng.uniform(0.06, 0.2)) * w, float(rng.uniform(0.04, 0.14)) * h
            corner = np.array([[0, 0], [w, 0], [w, h], [0, h]], dtype=float)[c]
            dx = sx if c in (0, 3) else -sx
            dy = sy if c in (0, 1) else -sy
            p0, p1 = corner + np.array([dx, 0.0]), corner + np.array([0.0, dy])
            edge = _jagged(p0, p1, rng, min(sx, sy) * 0.3)
            poly = np.vstack([[corner], edge])
            cv2.fillPoly(lost, [poly.astype(np.int32)], 255)
        elif kind == "holes":
            mmpx = (s.dpi or 200) / 25.4
            if rng.random() < 0.5:  # binder punch holes
                r_px = int(3 * mmpx)
                x = int(12 * mmpx)
                for fy in (0.35, 0.65):
                    cv2.circle(lost, (x, int(h * fy)), r_px, 255, -1)
            else:
                for _ in range(int(rng.integers(1, 4))):
                    c0 = np.array([rng.uniform(0.1, 0.9) * w, rng.uniform(0.1, 0.9) * h])
                    if s.boxes and rng.random() < 0.5:  # insects and burns favour nothing, but the
                        # benchmark needs destroyed values: half the holes land on one
                        keys = sorted(s.boxes)
                        c0 = s.boxes[keys[int(rng.integers(0, len(keys)))]].mean(axis=0)
                    r = float(rng.uniform(2, 9)) * mmpx
                    angles = np.linspace(0, 2 * math.pi, 24, endpoint=False)
                    rr = r * rng.uniform(0.6, 1.2, 24)
                    pts = np.stack([c0[0] + rr * np.cos(angles), c0[1] + rr * np.sin(angles)], axis=1)
                    cv2.fillPoly(lost, [pts.astype(np.int32)], 255)
        else:  # tape
            cx, cy = rng.uniform(0.1, 0.9) * w, rng.uniform(0.1, 0.9) * h
            tw, th = float(rng.uniform(0.25, 0.6)) * w, float(rng.uniform(0.03, 0.06)) * h
            ang = float(rng.uniform(-40, 40))
            box = cv2.boxPoints(((float(cx), float(cy)), (tw, th), ang))
            cv2.fillPoly(tape, [box.astype(np.int32)], 255)
    img: np.ndarray = s.image.astype(np.float32)
    if tape.any():
        t = cv2.GaussianBlur(tape, (0, 0), 1.5).astype(np.float32)[..., None] / 255.0
        col = np.array([236, 226, 180], np.float32)
        img = img * (1 - 0.3 * t) + col * 0.3 * t
        gl = lowfreq(h, w, rng, 6)[..., None]
        img = img + (255 - img) * t * np.clip(gl - 0.35, 0, 1) * 1.2
        rim = cv2.morphologyEx(tape, cv2.MORPH_GRADIENT, np.ones((3, 3), np.uint8))
        img[rim > 0] *= 0.85
    # the torn paper edge shows a whiter fibrous rim
    rim = (cv2.dilate(lost, np.ones((5, 5), np.uint8)) > 0) & (lost == 0)
    img[rim > 0] = img[rim > 0] * 0.3 + 245 * 0.7
    paper = np.minimum(s.paper, 255 - lost)
    occl = np.maximum(s.occlusion, tape)
    return replace(s, image=np.clip(img, 0, 255).astype(np.uint8), paper=paper, damage=np.maximum(s.damage, lost),
                   occlusion=occl, steps=[*s.steps, *[str(k) for k in kinds]])


def card_damage(s: Sample, rng: np.random.Generator) -> Sample:
    """Plastic-card wear: scratches, a worn (faded) patch, a cracked corner of the laminate."""
    h, w = s.image.shape[:2]
    img: np.ndarray = s.image.astype(np.float32)
    lost = np.zeros((h, w), np.uint8)
    steps = []
    for _ in range(int(rng.integers(3, 12))):
        p0 = rng.uniform(0, 1, 2) * [w, h]
        p1 = p0 + rng.normal(0, 0.25, 2) * [w, h]
        m: np.ndarray = np.zeros((h, w), np.uint8)
        cv2.line(m, tuple(int(v) for v in p0), tuple(int(v) for v in p1), 255, int(rng.integers(1, 3)))
        img[m > 0] = img[m > 0] * 0.4 + 245 * 0.6
    steps.append("scratches")
    if rng.random() < 0.7:
        cx, cy = rng.uniform(0.2, 0.8) * w, rng.uniform(0.3, 0.8) * h
        r = float(rng.uniform(0.06, 0.15)) * w
        m = np.zeros((h, w), np.uint8)
        cv2.ellipse(m, (int(cx), int(cy)), (int(r * 1.6), int(r)), float(rng.uniform(0, 180)), 0, 360, 255, -1)
        mf = cv2.GaussianBlur(m, (0, 0), r / 4).astype(np.float32) / 255.0
        fade = float(rng.uniform(0.6, 0.9))
        img = img + (235 - img) * (mf * fade)[..., None]
        lost = np.maximum(lost, (mf * fade > 0.55).astype(np.uint8) * 255)
        steps.append("worn_patch")
    out = replace(s, image=np.clip(img, 0, 255).astype(np.uint8), damage=np.maximum(s.damage, lost),
                  steps=[*s.steps, *steps])
    return out


def finger(s: Sample, rng: np.random.Generator) -> Sample:
    """A thumb over one edge of the document (a phone photo held in hand); covers content."""
    h, w = s.image.shape[:2]
    c = s.corners
    edge = int(rng.integers(0, 4))
    a, b = c[edge], c[(edge + 1) % 4]
    t = float(rng.uniform(0.2, 0.8))
    p = a + (b - a) * t
    centre = c.mean(axis=0)
    inward = centre - p
    inward /= np.linalg.norm(inward) + 1e-9
    doc_size = float(np.linalg.norm(c[2] - c[0]))
    length = doc_size * float(rng.uniform(0.1, 0.18))
    width = length * float(rng.uniform(0.45, 0.6))
    tip = p + inward * length * float(rng.uniform(0.25, 0.55))
    base = tip - inward * length
    ang = math.degrees(math.atan2(inward[1], inward[0]))
    m: np.ndarray = np.zeros((h, w), np.uint8)
    cv2.ellipse(m, (int(tip[0]), int(tip[1])), (int(length * 0.55), int(width / 2)), ang, 0, 360, 255, -1)
    # the rest of the finger runs out of the frame
    far = base - inward * doc_size
    quad = np.array([base + [-inward[1], inward[0]] * np.array(width / 2), base - [-inward[1], inward[0]] *
                     np.array(width / 2), far - [-inward[1], inward[0]] * np.array(width / 2),
                     far + [-inward[1], inward[0]] * np.array(width / 2)])
    cv2.fillPoly(m, [quad.astype(np.int32)], 255)
    cv2.line(m, tuple(int(v) for v in tip), tuple(int(v) for v in base), 255, int(width))
    soft = cv2.GaussianBlur(m, (0, 0), max(1.5, width / 25)).astype(np.float32) / 255.0
    skin = np.array([int(rng.integers(180, 230)), int(rng.integers(130, 175)), int(rng.integers(100, 145))],
                    np.float32)
    shade = 0.75 + 0.35 * lowfreq(h, w, rng, 4)
    # rounded shading across the finger (darker at its sides) and a paler nail near the tip
    across = np.abs(cv2.GaussianBlur(m, (0, 0), max(2.0, width / 5)).astype(np.float32) / 255.0)
    shade = shade * (0.7 + 0.3 * across)
    finger_img = skin[None, None, :] * shade[..., None]
    nail = np.zeros((h, w), np.uint8)
    ntip = tip + inward * length * 0.18
    cv2.ellipse(nail, (int(ntip[0]), int(ntip[1])), (int(length * 0.2), int(width * 0.32)), ang, 0, 360, 255, -1)
    nail_f = cv2.GaussianBlur(nail, (0, 0), max(1.0, width / 30)).astype(np.float32)[..., None] / 255.0
    finger_img = finger_img * (1 - 0.6 * nail_f) + np.array([235, 200, 195], np.float32) * 0.6 * nail_f
    img: np.ndarray = s.image.astype(np.float32) * (1 - soft[..., None]) + finger_img * soft[..., None]
    return replace(s, image=np.clip(img, 0, 255).astype(np.uint8), damage=np.maximum(s.damage, m),
                   occlusion=np.maximum(s.occlusion, m), steps=[*s.steps, "finger"])


# -------------------------------------------------------------------- scanner
def bleed_through(s: Sample, rng: np.random.Generator) -> Sample:
    """The back page showing through: a mirrored, blurred ghost of dark content."""
    gray = cv2.cvtColor(s.image, cv2.COLOR_RGB2GRAY).astype(np.float32)
    ink = np.clip((200 - gray) / 200, 0, 1)
    ghost = cv2.GaussianBlur(ink[:, ::-1], (0, 0), 2.0)
    shift = int(rng.integers(-40, 40))
    ghost = np.roll(ghost, shift, axis=0)
    k = float(rng.uniform(0.06, 0.14))
    img = s.image.astype(np.float32) * (1 - k * ghost[..., None])
    return replace(s, image=np.clip(img, 0, 255).astype(np.uint8), steps=[*s.steps, "bleed_through"])


def scanner(s: Sample, rng: np.random.Generator, max_skew: float = 10.0, dpi: float | None = None,
            bleed: bool = True) -> Sample:
    """Flatbed scan: bleed-through, skew on the bed, resample to 150-300 dpi, noise, blur."""
    if bleed and rng.random() < 0.7:
        s = bleed_through(s, rng)
    target = dpi or float(rng.choice([150, 150, 200, 300]))
    scale = min(1.5, target / (s.dpi or target))
    skew = float(rng.normal(0, max_skew / 3))
    skew = float(np.clip(skew, -max_skew, max_skew))
    w, h = s.size
    c = np.array([w / 2, h / 2])
    rot = cv2.getRotationMatrix2D((float(c[0]), float(c[1])), skew, scale)
    hm = np.vstack([rot, [0, 0, 1]])
    pts = map_points(hm, s.corners)
    margin = float(rng.uniform(0.01, 0.06)) * max(w, h) * scale
    x0, y0 = pts.min(axis=0) - margin
    x1, y1 = pts.max(axis=0) + margin
    t = np.array([[1, 0, -x0], [0, 1, -y0], [0, 0, 1]], dtype=float)
    out_w, out_h = math.ceil(x1 - x0), math.ceil(y1 - y0)
    out = warp(s, t @ hm, (out_w, out_h), f"scan_skew{skew:+.1f}")
    bed_level = float(rng.uniform(225, 252))
    # lid shadow along one edge (a 1-D falloff broadcast over the bed)
    side = int(rng.integers(0, 4))
    n = out_h if side in (0, 2) else out_w
    dist = np.arange(n, dtype=np.float32)
    if side in (1, 2):
        dist = dist[::-1]
    fall = 1 - 0.35 * np.exp(-dist / (0.02 * max(out_w, out_h)))
    shade = fall[:, None] if side in (0, 2) else fall[None, :]
    bed = np.broadcast_to((bed_level * shade)[..., None], (out_h, out_w, 1)).astype(np.uint8)
    out = composite(out, np.broadcast_to(bed, (out_h, out_w, 3)))
    img: np.ndarray = cv2.GaussianBlur(out.image, (0, 0), float(rng.uniform(0.3, 0.8))).astype(np.float32)
    img += rng.standard_normal(img.shape, dtype=np.float32) * float(rng.uniform(1.5, 4.5))
    img = np.clip(img, 0, 255).astype(np.uint8)
    if rng.random() < 0.25:
        gray = cv2.cvtColor(img, cv2.COLOR_RGB2GRAY)
        img = np.dstack([gray, gray, gray])
        out.steps.append("grayscale")
    return replace(out, image=img, dpi=target, jpeg_quality=int(rng.integers(70, 92)), steps=[*out.steps,
                                                                                               f"scan{int(target)}dpi"])


def photocopy(s: Sample, rng: np.random.Generator) -> Sample:
    """A photocopy of the document (the original is mortgaged): grey, the background drops out."""
    g = cv2.cvtColor(s.image, cv2.COLOR_RGB2GRAY).astype(np.float32)
    lo, hi = float(rng.uniform(50, 100)), float(rng.uniform(165, 205))
    g = np.clip((g - lo) * 255.0 / (hi - lo), 0, 255)
    g = g + rng.standard_normal(g.shape, dtype=np.float32) * 6 * (g < 250)  # toner speckle
    g8 = np.clip(g, 0, 255).astype(np.uint8)
    return replace(s, image=np.dstack([g8, g8, g8]), steps=[*s.steps, "photocopy"])


def certified_copy(s: Sample, rng: np.random.Generator) -> Sample:
    """A commune's certification on a copy: "SAO Y BẢN CHÍNH" stamp, certification number and
    date, a round seal and a signature, in red or violet stamp ink (lines of kind "stamp")."""
    from PIL import Image, ImageDraw

    from digitize.synth import art, fonts

    h, w = s.image.shape[:2]
    dpi = s.dpi or 200.0
    mm = dpi / 25.4
    ink = np.array([(196, 36, 48), (112, 48, 150)][int(rng.integers(0, 2))], np.float32)
    mask = Image.new("L", (w, h), 0)
    d = ImageDraw.Draw(mask)
    bold = fonts.load(fonts.font_path("sans", fonts.families("sans")[0], "bold"), round(5.5 * mm))
    reg = fonts.load(fonts.font_path("serif", fonts.families("serif")[0], "regular"), round(3.6 * mm))
    lines: list[DrawnLine] = []
    x0 = float(rng.uniform(0.08, 0.45)) * w
    y0 = float(rng.uniform(0.03, 0.12)) * h if rng.random() < 0.5 else float(rng.uniform(0.55, 0.7)) * h
    title = "SAO Y BẢN CHÍNH"
    tb = bold.getbbox(title, anchor="ls")
    pad = 2.0 * mm
    d.text((x0, y0), title, font=bold, fill=255, anchor="ls")
    d.rectangle((x0 + tb[0] - pad, y0 + tb[1] - pad, x0 + tb[2] + pad, y0 + tb[3] + pad), outline=255,
                width=max(2, int(0.5 * mm)))
    lines.append(DrawnLine(title, _box(x0 + tb[0], y0 + tb[1], x0 + tb[2], y0 + tb[3]), "stamp", None))
    year = int(rng.integers(2020, 2026))
    texts = [f"Số chứng thực: {int(rng.integers(1, 9999))}, Quyển số: {int(rng.integers(1, 12)):02d}/{year}-SCT/BS",
             f"Ngày {int(rng.integers(1, 29))} tháng {int(rng.integers(1, 13))} năm {year}"]
    yy = y0 + tb[3] + pad + 6 * mm
    for t in texts:
        d.text((x0, yy), t, font=reg, fill=255, anchor="ls")
        b = reg.getbbox(t, anchor="ls")
        lines.append(DrawnLine(t, _box(x0 + b[0], yy + b[1], x0 + b[2], yy + b[3]), "stamp", None))
        yy += 5.5 * mm
    seal_px = int(26 * mm)
    sl = art.seal(seal_px, "ỦY BAN NHÂN DÂN", f"XÃ {rng.choice(['AN BÌNH', 'HÒA LẠC', 'TÂN TIẾN'])!s}", rng)
    sx, sy = int(x0 + float(rng.uniform(0, 20)) * mm), int(yy - 4 * mm)
    mask.paste(sl, (sx, sy), sl)
    sig = art.signature(int(30 * mm), int(12 * mm), rng, width=max(2, int(0.35 * mm)))
    mask.paste(sig, (sx + int(12 * mm), sy + int(6 * mm)), sig)
    a = np.asarray(mask, np.float32)[..., None] / 255.0 * float(rng.uniform(0.7, 0.95))
    img = s.image.astype(np.float32) * (1 - a * (1 - ink / 255.0))
    occl = np.maximum(s.occlusion, (np.asarray(mask) > 60).astype(np.uint8) * 255)
    return replace(s, image=np.clip(img, 0, 255).astype(np.uint8), occlusion=occl, lines=[*s.lines, *lines],
                   steps=[*s.steps, "certified_copy"])


def _box(x0: float, y0: float, x1: float, y1: float) -> np.ndarray:
    return np.array([[x0, y0], [x1, y0], [x1, y1], [x0, y1]], dtype=float)


# ------------------------------------------------------------------ two pages
def side_by_side(left: Sample, right: Sample, rng: np.random.Generator) -> Sample:
    """Two facing pages as one open spread, with the fold shading in the middle."""
    h = max(left.size[1], right.size[1])
    wl = left.size[0]
    w = wl + right.size[0]
    img = np.zeros((h, w, 3), np.uint8)
    img[: left.size[1], :wl] = left.image
    img[: right.size[1], wl:] = right.image
    xx = np.arange(w, dtype=np.float32)
    fold = 1 - 0.3 * np.exp(-(((xx - wl) / (w * 0.015)) ** 2))
    img = np.clip(img * fold[None, :, None], 0, 255).astype(np.uint8)

    def cat(a: np.ndarray, b: np.ndarray) -> np.ndarray:
        out = np.zeros((h, w), np.uint8)
        out[: a.shape[0], :wl] = a
        out[: b.shape[0], wl:] = b
        return out

    shift = np.array([wl, 0.0])
    lines = [*left.lines, *[replace(ln, quad=ln.quad + shift) for ln in right.lines]]
    boxes = {**left.boxes, **{k: v + shift for k, v in right.boxes.items()}}
    return Sample(image=img, paper=cat(left.paper, right.paper), damage=cat(left.damage, right.damage),
                  occlusion=cat(left.occlusion, right.occlusion), lines=lines, boxes=boxes,
                  corners=np.array([[0, 0], [w, 0], [w, h], [0, h]], dtype=float), dpi=left.dpi,
                  steps=["two_pages"])


def print_jitter(s: Sample, rng: np.random.Generator) -> Sample:
    """Light print variation: toner density and a touch of blur (for clean renders)."""
    img: np.ndarray = s.image.astype(np.float32)
    img = cv2.GaussianBlur(img, (0, 0), float(rng.uniform(0.2, 0.5)))
    img = img + rng.standard_normal(img.shape, dtype=np.float32) * 1.2
    return replace(s, image=np.clip(img, 0, 255).astype(np.uint8), steps=[*s.steps, "print"])


# --------------------------------------------------------------- measurements
def orientation(corners: np.ndarray) -> tuple[int, float]:
    """(rotation_deg in 0/90/180/270, skew_deg) of a document from its corners, CCW positive."""
    top = corners[1] - corners[0]
    bottom = corners[2] - corners[3]
    ang = [math.degrees(math.atan2(-v[1], v[0])) for v in (top, bottom)]
    # average the two edge angles on the circle
    theta = math.degrees(math.atan2(sum(math.sin(math.radians(a)) for a in ang),
                                    sum(math.cos(math.radians(a)) for a in ang)))
    quarter = round(theta / 90.0)
    return int((quarter * 90) % 360), float(theta - quarter * 90)


def covered_fraction(mask: np.ndarray, quad: np.ndarray) -> float:
    """Fraction of a quad's area where ``mask`` is set (> 127); area outside the image counts as covered."""
    h, w = mask.shape[:2]
    x0, y0 = np.floor(quad.min(axis=0)).astype(int)
    x1, y1 = np.ceil(quad.max(axis=0)).astype(int)
    if x1 <= x0 or y1 <= y0:
        return 0.0
    local = np.zeros((y1 - y0 + 1, x1 - x0 + 1), np.uint8)
    cv2.fillPoly(local, [np.round(quad - [x0, y0]).astype(np.int32)], 1)
    area = int(local.sum())
    if area == 0:
        return 0.0
    cx0, cy0, cx1, cy1 = max(0, x0), max(0, y0), min(w, x1 + 1), min(h, y1 + 1)
    inside = np.zeros_like(local)
    if cx1 > cx0 and cy1 > cy0:
        inside[cy0 - y0: cy1 - y0, cx0 - x0: cx1 - x0] = 1
        sub = mask[cy0:cy1, cx0:cx1] > 127
        hit = np.zeros_like(local)
        hit[cy0 - y0: cy1 - y0, cx0 - x0: cx1 - x0] = sub
    else:
        hit = np.zeros_like(local)
    covered = int((local & hit).sum()) + int((local & (1 - inside)).sum())
    return covered / area


# ------------------------------------------------------------------ composing
def _photo() -> Any:
    """The capture simulations (``synth/photo.py``), imported when a step needs them: they build on
    this module's primitives, so a top-level import would be a cycle."""
    from digitize.synth import photo

    return photo


STEPS: dict[str, Callable[[Sample, np.random.Generator], Sample]] = {
    "print": print_jitter,
    "age": age,
    "creases": creases,
    "damage": damage,
    "card_damage": card_damage,
    "bleed_through": bleed_through,
    "bow": bow,
    "cover": on_cover,
    "scan": scanner,
    "photocopy": photocopy,
    "certified_copy": certified_copy,
    "phone": lambda s, rng: _photo().phone(s, rng),
    "scanner_app": lambda s, rng: _photo().scanner_app(s, rng),
    "finger": finger,
    "rotate90": lambda s, rng: rotate90(s, 1),
    "rotate180": lambda s, rng: rotate90(s, 2),
    "rotate270": lambda s, rng: rotate90(s, 3),
}


def apply_steps(s: Sample, names: list[str], rng: np.random.Generator) -> Sample:
    """Compose named steps in order, e.g. ``["age", "damage", "phone", "rotate90"]``."""
    for name in names:
        if name not in STEPS:
            raise ValueError(f"unknown degradation step {name!r}; known: {sorted(STEPS)}")
        s = STEPS[name](s, rng)
    return s
