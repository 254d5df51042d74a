"""Capture simulations: a page photographed with a phone on a table (background textures,
clutter, perspective, light, blur, recompression) and a scanner app's output.

Built on :mod:`digitize.synth.degrade`'s primitives (the :class:`Sample`, its homography
``warp`` and ``bow``, ``jpeg``, the low-frequency light field), so the ground truth travels
through every step as it does there.
"""

from __future__ import annotations

import math
from dataclasses import replace

import cv2
import numpy as np

from digitize.synth.degrade import Sample, apply_gain, bow, composite, lowfreq, warp


def texture(w: int, h: int, rng: np.random.Generator) -> np.ndarray:
    """A table-like background: wood, cloth check, stone or plain desk (made at half size)."""
    small = _texture(max(8, w // 2), max(8, h // 2), rng)
    return cv2.resize(small, (w, h), interpolation=cv2.INTER_LINEAR)


def _pen(img: np.ndarray, mask: np.ndarray | None, centre: np.ndarray, length: float, width: float, angle: float,
         rng: np.random.Generator) -> None:
    """Draw a pen (body, clip, highlight) into ``img`` in place; mark ``mask`` where it lies."""
    body = np.array(rng.choice([[20, 30, 90], [15, 15, 18], [180, 30, 30], [230, 230, 235]]), dtype=float)
    box = cv2.boxPoints(((float(centre[0]), float(centre[1])), (length, width), angle)).astype(np.int32)
    m = np.zeros(img.shape[:2], np.uint8)
    cv2.fillPoly(m, [box], 255)
    # the tip: a small cone at one end
    a = math.radians(angle)
    axis = np.array([math.cos(a), math.sin(a)])
    tip = centre + axis * (length / 2 + width * 1.2)
    side = np.array([-axis[1], axis[0]]) * width / 2
    end = centre + axis * length / 2
    cv2.fillPoly(m, [np.array([end + side, end - side, tip]).astype(np.int32)], 255)
    soft = cv2.GaussianBlur(m, (0, 0), 1.2).astype(np.float32)[..., None] / 255.0
    shade = np.clip(1.1 - 0.5 * np.abs(cv2.GaussianBlur(m, (0, 0), width / 3).astype(np.float32) / 255 - 0.6), 0.6, 1)
    col = body[None, None, :] * shade[..., None]
    img[:] = np.clip(img * (1 - soft) + col * soft, 0, 255).astype(np.uint8)
    if mask is not None:
        mask[:] = np.maximum(mask, m)


def clutter(bg: np.ndarray, rng: np.random.Generator, scale: float) -> None:
    """Objects on the table under the document (in place): a pen, a phone, coins."""
    h, w = bg.shape[:2]
    for _ in range(int(rng.integers(0, 3))):
        kind = str(rng.choice(["pen", "phone", "coin"]))
        c = np.array([rng.uniform(0, w), rng.uniform(0, h)])
        if kind == "pen":
            _pen(bg, None, c, scale * 0.55, scale * 0.035, float(rng.uniform(0, 180)), rng)
        elif kind == "phone":
            box = cv2.boxPoints(((float(c[0]), float(c[1])), (scale * 0.35, scale * 0.7), float(rng.uniform(0, 180))))
            cv2.fillPoly(bg, [box.astype(np.int32)], (25, 25, 30))
            inner = cv2.boxPoints(((float(c[0]), float(c[1])), (scale * 0.31, scale * 0.62),
                                   float(cv2.minAreaRect(box)[2])))
            cv2.fillPoly(bg, [inner.astype(np.int32)], (45, 50, 60))
        else:
            r = int(scale * 0.05)
            cv2.circle(bg, (int(c[0]), int(c[1])), r, (int(rng.integers(150, 200)),) * 3, -1)
            cv2.circle(bg, (int(c[0]), int(c[1])), r, (110, 110, 110), 2)


def _texture(w: int, h: int, rng: np.random.Generator) -> np.ndarray:
    kind = str(rng.choice(["wood", "cloth", "stone", "desk"]))
    yy, xx = np.ogrid[0:h, 0:w]
    yy, xx = yy.astype(np.float32), xx.astype(np.float32)
    if kind == "wood":
        base = np.array(rng.choice([[150, 100, 60], [120, 80, 50], [180, 140, 95], [95, 60, 40]]), np.float32)
        # growth rings (wavy bands) plus fine streaks stretched along the grain
        warpf = lowfreq(h, w, rng, 3) * 40
        u = (yy + warpf) / float(rng.uniform(10, 25))
        rings = 0.5 + 0.5 * np.sin(u + 2 * np.sin(u / 5))
        noise = rng.standard_normal((h, w), dtype=np.float32)
        streaks: np.ndarray = cv2.GaussianBlur(noise, (0, 0), sigmaX=25, sigmaY=0.8)
        streaks = streaks / (float(np.abs(streaks).max()) + 1e-6)
        shade = 0.82 + 0.1 * rings + 0.25 * streaks + 0.1 * (lowfreq(h, w, rng, 4) - 0.5)
        img = base[None, None, :] * shade[..., None]
        if rng.random() < 0.5:  # grain running the other way
            img = cv2.resize(np.ascontiguousarray(np.transpose(img, (1, 0, 2))[:w, :h]), (w, h))
    elif kind == "cloth":
        c1 = np.array(rng.integers(60, 230, 3), np.float32)
        c2 = c1 * float(rng.uniform(0.6, 0.85))
        p = float(rng.uniform(10, 30))
        chk = ((np.floor(xx / p) + np.floor(yy / p)) % 2)[..., None]
        img = c1 * chk + c2 * (1 - chk)
        img *= (0.92 + 0.08 * np.sin(xx * 2.6) * np.sin(yy * 2.6))[..., None]
    elif kind == "stone":
        base = np.array(rng.integers(120, 210, 3), np.float32)
        n = lowfreq(h, w, rng, 40) * 0.5 + lowfreq(h, w, rng, 9) * 0.5
        img = base[None, None, :] * (0.75 + 0.45 * n[..., None])
    else:
        base = np.array(rng.choice([[70, 70, 75], [200, 200, 205], [40, 50, 70], [230, 225, 215]]), np.float32)
        img = np.broadcast_to(base, (h, w, 3)).copy()
    img += rng.standard_normal((h, w, 1), dtype=np.float32) * 4
    return np.clip(img, 0, 255).astype(np.uint8)


def phone(s: Sample, rng: np.random.Generator, long_side: int | None = None, fill: tuple[float, float] = (0.6, 0.9),
          max_tilt: float = 8.0) -> Sample:
    """Phone photo: perspective on a table, light falloff, shadow, glare, blur, sharpening, JPEG 40-70."""
    if rng.random() < 0.45:
        s = bow(s, rng)
    c = s.corners
    w = float(np.linalg.norm(c[1] - c[0]) + np.linalg.norm(c[2] - c[3])) / 2
    h = float(np.linalg.norm(c[3] - c[0]) + np.linalg.norm(c[2] - c[1])) / 2
    doc_landscape = w > h
    if long_side is None:  # messaging apps often deliver small images
        roll = rng.random()
        long_side = int(rng.integers(720, 960)) if roll < 0.08 else int(rng.integers(960, 1300)) if roll < 0.25 \
            else int(rng.integers(1400, 2100))
    short_side = int(long_side * 0.75)
    out_w, out_h = (long_side, short_side) if doc_landscape else (short_side, long_side)
    f = float(rng.uniform(*fill))
    scale = min(out_w / w, out_h / h) * f
    dw, dh = w * scale, h * scale
    cx = out_w / 2 + float(rng.uniform(-1, 1)) * (out_w - dw) * 0.3
    cy = out_h / 2 + float(rng.uniform(-1, 1)) * (out_h - dh) * 0.3
    tilt = math.radians(float(rng.uniform(-max_tilt, max_tilt)))
    base = np.array([[-dw / 2, -dh / 2], [dw / 2, -dh / 2], [dw / 2, dh / 2], [-dw / 2, dh / 2]])
    rotm = np.array([[math.cos(tilt), math.sin(tilt)], [-math.sin(tilt), math.cos(tilt)]])
    dst = base @ rotm.T + [cx, cy]
    # keystone: the far edge shorter, plus corner jitter
    key = float(rng.uniform(0, 0.12)) if rng.random() < 0.7 else float(rng.uniform(0.12, 0.25))
    edge = int(rng.integers(0, 4))
    a, b = edge, (edge + 1) % 4
    mid = (dst[a] + dst[b]) / 2
    dst[a] += (mid - dst[a]) * key
    dst[b] += (mid - dst[b]) * key
    dst += rng.normal(0, 0.012 * min(dw, dh), (4, 2))
    # keep it inside the frame
    lo = np.array([out_w * 0.02, out_h * 0.02])
    hi = np.array([out_w * 0.98, out_h * 0.98])
    mn, mx = dst.min(axis=0), dst.max(axis=0)
    shrink = min(1.0, float(np.min((hi - lo) / (mx - mn))))
    ctr = (mn + mx) / 2
    dst = (dst - ctr) * shrink + ctr
    mn, mx = dst.min(axis=0), dst.max(axis=0)
    dst += np.clip(lo - mn, 0, None) - np.clip(mx - hi, 0, None)
    hm = cv2.getPerspectiveTransform(s.corners.astype(np.float32), dst.astype(np.float32)).astype(float)
    out = warp(s, hm, (out_w, out_h), "perspective")
    bg = texture(out_w, out_h, rng)
    if rng.random() < 0.4:
        clutter(bg, rng, float(max(dw, dh)))
    # the document's soft drop shadow on the table
    sh = cv2.GaussianBlur(out.paper, (0, 0), 6).astype(np.float32) / 255.0
    sh = np.roll(sh, (int(rng.integers(2, 10)), int(rng.integers(-6, 7))), axis=(0, 1))
    bg = apply_gain(bg, 1 - 0.45 * sh)
    out = composite(out, bg)
    if rng.random() < 0.1:  # a pen left lying on the page
        pen_mask = np.zeros((out_h, out_w), np.uint8)
        c_doc = out.corners.mean(axis=0) + rng.normal(0, 0.2, 2) * [dw, dh]
        img_pen = out.image.copy()
        _pen(img_pen, pen_mask, c_doc, max(dw, dh) * 0.5, max(dw, dh) * 0.03, float(rng.uniform(0, 180)), rng)
        out = replace(out, image=img_pen, damage=np.maximum(out.damage, pen_mask),
                      occlusion=np.maximum(out.occlusion, pen_mask), steps=[*out.steps, "pen"])
    # light: gradient x low-frequency falloff x colour cast, minus shadow, plus glare, all built
    # at 1/8 resolution (they are smooth) and applied in one pass
    sw, sh_ = max(8, out_w // 8), max(8, out_h // 8)
    yy, xx = np.ogrid[0:sh_, 0:sw]
    yy, xx = yy.astype(np.float32) / sh_, xx.astype(np.float32) / sw
    gx, gy = float(rng.normal(0, 0.25)), float(rng.normal(0, 0.25))
    gain = (1 + gx * (xx - 0.5) + gy * (yy - 0.5)) * (0.85 + 0.3 * lowfreq(sh_, sw, rng, 3))
    gain = gain * float(rng.uniform(0.8, 1.08))
    steps = []
    if rng.random() < 0.6:  # soft shadow of a hand or the phone
        m = np.zeros((sh_, sw), np.uint8)
        c0 = np.array([rng.uniform(0, sw), rng.choice([0, sh_])])
        pts = c0 + rng.normal(0, 0.35, (6, 2)) * [sw, sh_]
        cv2.fillPoly(m, [cv2.convexHull(pts.astype(np.int32))], 255)
        mf = cv2.GaussianBlur(m, (0, 0), float(rng.uniform(25, 70)) / 8).astype(np.float32) / 255.0
        gain = gain * (1 - float(rng.uniform(0.25, 0.5)) * mf)
        steps.append("shadow")
    glare: np.ndarray = np.zeros((sh_, sw), np.float32)
    if rng.random() < 0.5:  # glare spot
        gx0, gy0 = float(rng.uniform(0.2, 0.8)), float(rng.uniform(0.2, 0.8))
        r = float(rng.uniform(0.05, 0.15)) * max(out_w, out_h)
        rx, ry = r / out_w, r * float(rng.uniform(0.5, 1.2)) / out_h
        glare = np.exp(-(((xx - gx0) / rx) ** 2 + ((yy - gy0) / ry) ** 2)) * float(rng.uniform(0.5, 0.95))
        steps.append("glare")
    cast = np.array([1 + rng.normal(0, 0.04), 1.0, 1 + rng.normal(0, 0.05)], np.float32)
    gain_full = cv2.resize(gain.astype(np.float32), (out_w, out_h), interpolation=cv2.INTER_LINEAR)
    glare_full = cv2.resize(glare.astype(np.float32), (out_w, out_h), interpolation=cv2.INTER_LINEAR)
    img: np.ndarray = out.image.astype(np.float32) * (gain_full[..., None] * cast[None, None, :])
    img = img + (255 - img) * glare_full[..., None]
    img = np.clip(img, 0, 255)
    if rng.random() < 0.3:
        length = int(rng.integers(3, 10))
        k: np.ndarray = np.zeros((length, length), np.float32)
        k[length // 2, :] = 1.0 / length
        rot = cv2.getRotationMatrix2D((length / 2 - 0.5, length / 2 - 0.5), float(rng.uniform(0, 180)), 1.0)
        k = cv2.warpAffine(k, rot, (length, length))
        k = (k / max(float(k.sum()), 1e-6)).astype(np.float32)
        img = cv2.filter2D(img, -1, k)
        steps.append(f"motion_blur{length}")
    else:
        sigma = float(rng.uniform(0.4, 1.8))
        img = cv2.GaussianBlur(img, (0, 0), sigma)
        steps.append(f"defocus{sigma:.1f}")
    noise = rng.standard_normal((out_h, out_w, 1), dtype=np.float32) * float(rng.uniform(2, 6))
    img = img + noise
    if rng.random() < 0.5:
        blur = cv2.GaussianBlur(img, (0, 0), 2.0)
        amt = float(rng.uniform(0.5, 1.5))
        img = img + amt * (img - blur)
        steps.append("oversharpen")
    img = np.clip(img, 0, 255).astype(np.uint8)
    q = int(rng.integers(40, 71))
    return replace(out, image=img, dpi=None, jpeg_quality=q, steps=[*out.steps, *steps, f"jpeg{q}"])


def scanner_app(s: Sample, rng: np.random.Generator) -> Sample:
    """A phone scanner app's output (CamScanner-like): the page cut out by slightly wrong
    corners, flattened to an A-series rectangle, background whitened, often black and white."""
    c = s.corners + rng.normal(0, 0.006 * float(np.linalg.norm(s.corners[2] - s.corners[0])), (4, 2))
    w_doc = float(np.linalg.norm(c[1] - c[0]) + np.linalg.norm(c[2] - c[3])) / 2
    h_doc = float(np.linalg.norm(c[3] - c[0]) + np.linalg.norm(c[2] - c[1])) / 2
    long_side = int(rng.integers(1400, 2000))
    if h_doc >= w_doc:
        out_h, out_w = long_side, int(long_side * w_doc / h_doc)
    else:
        out_w, out_h = long_side, int(long_side * h_doc / w_doc)
    dst = np.array([[0, 0], [out_w, 0], [out_w, out_h], [0, out_h]], dtype=np.float32)
    hm = cv2.getPerspectiveTransform(c.astype(np.float32), dst).astype(float)
    out = warp(s, hm, (out_w, out_h), "scanner_app_crop", fill=(255, 255, 255))
    img = out.image.astype(np.float32)
    bg = cv2.GaussianBlur(cv2.resize(img, (out_w // 8, out_h // 8), interpolation=cv2.INTER_AREA), (0, 0), 6)
    bg = cv2.resize(bg, (out_w, out_h), interpolation=cv2.INTER_LINEAR)
    img = np.clip(img / np.maximum(bg, 1) * 245, 0, 255)
    mode = "bw" if rng.random() < 0.4 else "color"
    if mode == "bw":
        g = cv2.cvtColor(img.astype(np.uint8), cv2.COLOR_RGB2GRAY)
        g = cv2.adaptiveThreshold(g, 255, cv2.ADAPTIVE_THRESH_GAUSSIAN_C, cv2.THRESH_BINARY, 31, 12)
        img = np.dstack([g, g, g]).astype(np.float32)
    else:
        img = np.clip((img - 40) * 1.2, 0, 255)  # the "magic colour" contrast boost
    q = int(rng.integers(60, 86))
    return replace(out, image=img.astype(np.uint8), paper=np.full_like(out.paper, 255), dpi=None, jpeg_quality=q,
                   steps=[*out.steps, f"scanner_app_{mode}", f"jpeg{q}"])

