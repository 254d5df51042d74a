"""Non-text artwork: guilloche papers, emblem, seals, signatures, QR, portrait, fingerprints.

All procedural (nothing copied from real documents) and seeded.
"""

from __future__ import annotations

import math
from functools import lru_cache

import cv2
import numpy as np
from PIL import Image, ImageDraw, ImageFilter

from digitize.synth import fonts

Color = tuple[int, int, int]


def _grid(w: int, h: int) -> tuple[np.ndarray, np.ndarray]:
    ys, xs = np.mgrid[0:h, 0:w].astype(np.float32)
    return xs, ys


def _lines(u: np.ndarray, sharp: float = 0.94) -> np.ndarray:
    """Thin-line mask from a phase field: 1 on the crest of cos(u)."""
    c = np.cos(u)
    return np.clip((c - sharp) / (1.0 - sharp), 0.0, 1.0)


def paper_noise(h: int, w: int, rng: np.random.Generator, amount: float = 4.0) -> np.ndarray:
    """Low-contrast paper fibre texture (H x W float, around 0)."""
    n: np.ndarray = rng.standard_normal((h // 4 + 1, w // 4 + 1), dtype=np.float32)
    n = cv2.resize(n, (w, h), interpolation=cv2.INTER_CUBIC)
    fine = rng.standard_normal((h, w), dtype=np.float32) * 0.5
    return (n * 0.7 + fine) * amount


def guilloche_paper(w: int, h: int, rng: np.random.Generator, base: Color = (249, 226, 229),
                    ink: Color = (226, 140, 160), density: float = 1.0, rosette: bool = True,
                    strength: float = 0.55, border: tuple[int, int, Color, float] | None = None) -> np.ndarray:
    """Security-paper background: crossing wave-line families, a central rosette, fibres.

    The line pattern is one of a few cached variants per size (a pure function of the
    variant number, so still deterministic); colours, strength and fibres vary per call.
    ``border`` = (margin px, band px, ink, strength) adds a guilloche frame.
    """
    variant = int(rng.integers(0, _VARIANTS))
    tex = _paper_texture(w, h, density, rosette, border[:2] if border else None, variant)
    # colour through a lookup table on the cached ink-amount index (fast), then the frame
    t = np.arange(256, dtype=np.float32) / 255.0 * strength
    lut = np.stack([base[c] - t * (base[c] - ink[c]) for c in range(3)], axis=-1)
    out = cv2.LUT(tex.index3, np.clip(lut, 0, 255).astype(np.uint8).reshape(256, 1, 3))
    if border is not None and tex.border_w is not None:
        frame = np.empty_like(out)
        frame[:] = border[2]
        wb = tex.border_w * border[3]
        out = cv2.blendLinear(out, frame, 1.0 - wb, wb)
    out = cv2.add(out, tex.noise_pos)
    return cv2.subtract(out, tex.noise_neg)


class _Texture:
    """Cached per-size pattern data: ink index (3 channels), frame weights, fibre noise."""

    def __init__(self, index3: np.ndarray, border_w: np.ndarray | None, noise: np.ndarray) -> None:
        self.index3 = index3
        self.border_w = border_w
        self.noise_pos = np.dstack([np.clip(noise, 0, 255).astype(np.uint8)] * 3)
        self.noise_neg = np.dstack([np.clip(-noise, 0, 255).astype(np.uint8)] * 3)


@lru_cache(maxsize=12)
def _paper_texture(w: int, h: int, density: float, rosette: bool, border: tuple[int, int] | None,
                   variant: int) -> _Texture:
    m = _pattern(w, h, density, rosette, variant)
    idx = np.clip(m * 255 + 0.5, 0, 255).astype(np.uint8)
    bw = _border_pattern(w, h, border[0], border[1], variant).astype(np.float32) if border else None
    noise = paper_noise(h, w, np.random.default_rng([w, h, variant, 7]), 2.5)
    return _Texture(cv2.merge([idx, idx, idx]), bw, np.round(noise))


_VARIANTS = 4


@lru_cache(maxsize=16)
def _pattern(w: int, h: int, density: float, rosette: bool, variant: int) -> np.ndarray:
    """The guilloche line mask of one variant (cached, read-only)."""
    rng = np.random.default_rng([w, h, int(density * 100), int(rosette), variant])
    m = _pattern_raw(w, h, rng, density, rosette)
    m.setflags(write=False)
    return m


@lru_cache(maxsize=16)
def _border_pattern(w: int, h: int, margin: int, band: int, variant: int) -> np.ndarray:
    rng = np.random.default_rng([w, h, margin, band, variant])
    img = np.full((h, w, 3), 255, np.uint8)
    border_band(img, margin, band, rng, (0, 0, 0), strength=1.0)
    m = 1.0 - img[..., 0].astype(np.float32) / 255.0
    m.setflags(write=False)
    return m


def _pattern_raw(w: int, h: int, rng: np.random.Generator, density: float, rosette: bool) -> np.ndarray:
    xs, ys = _grid(w, h)
    unit = max(w, h) / 1500.0
    m = np.zeros((h, w), np.float32)
    for _ in range(2):
        period = float(rng.uniform(7, 11)) * unit / density
        lam = float(rng.uniform(120, 260)) * unit
        amp = float(rng.uniform(8, 22)) * unit
        phi = float(rng.uniform(0, 2 * math.pi))
        ang = float(rng.uniform(-0.25, 0.25))
        yy = ys * math.cos(ang) + xs * math.sin(ang)
        xx = xs * math.cos(ang) - ys * math.sin(ang)
        u = (yy + amp * np.sin(xx * 2 * math.pi / lam + phi)) * 2 * math.pi / period
        m = np.maximum(m, _lines(u, 0.9) * 0.55)
    if rosette:
        cx, cy = w * float(rng.uniform(0.45, 0.55)), h * float(rng.uniform(0.42, 0.55))
        r = np.hypot(xs - cx, ys - cy)
        th = np.arctan2(ys - cy, xs - cx)
        k = int(rng.integers(12, 30))
        for j in range(2):
            u = (r + 18 * unit * np.sin(k * th + j * math.pi / k)) * 2 * math.pi / (9 * unit)
            fade = np.clip(1.0 - r / (min(w, h) * 0.42), 0, 1) ** 0.7
            m = np.maximum(m, _lines(u, 0.88) * fade * 0.8)
    return m


def plain_paper(w: int, h: int, rng: np.random.Generator, base: Color = (244, 242, 236)) -> np.ndarray:
    """Plain off-white paper with fibres."""
    noise = paper_noise(h, w, rng, 3.0)
    out = np.stack([base[c] + noise for c in range(3)], axis=-1)
    return np.clip(out, 0, 255).astype(np.uint8)


def border_band(img: np.ndarray, margin: int, band: int, rng: np.random.Generator, ink: Color,
                strength: float = 0.8) -> None:
    """A guilloche frame: two rules and a wave band between them (in place)."""
    h, w = img.shape[:2]
    xs, ys = _grid(w, h)
    inner = (xs > margin + band) & (xs < w - margin - band) & (ys > margin + band) & (ys < h - margin - band)
    outer = (xs >= margin) & (xs <= w - margin) & (ys >= margin) & (ys <= h - margin)
    zone = outer & ~inner
    # distance along the frame drives the wave phase
    t = np.where(np.minimum(xs - margin, w - margin - xs) < np.minimum(ys - margin, h - margin - ys), ys, xs)
    d = np.minimum.reduce([xs - margin, w - margin - xs, ys - margin, h - margin - ys])
    per = band / 3.0
    m = np.zeros((h, w), np.float32)
    for j in range(3):
        u = (d + band * 0.3 * np.sin(t * 2 * math.pi / (band * 2.2) + j * 2.1)) * 2 * math.pi / per
        m = np.maximum(m, _lines(u, 0.8))
    m = m * zone
    edge = (np.abs(d) < 1.6) | (np.abs(d - band) < 1.6)
    m = np.maximum(m, edge.astype(np.float32) * outer)
    m *= strength
    for c in range(3):
        img[..., c] = (img[..., c] - m * (img[..., c].astype(np.float32) - ink[c])).astype(np.uint8)


def watermark_emblem(img: np.ndarray, cx: int, cy: int, r: int, color: Color, alpha: float = 0.12) -> None:
    """A faint star-in-circle watermark (in place)."""
    mask = Image.new("L", (img.shape[1], img.shape[0]), 0)
    d = ImageDraw.Draw(mask)
    d.ellipse((cx - r, cy - r, cx + r, cy + r), outline=255, width=max(2, r // 25))
    d.polygon(star_points(cx, cy, r * 0.55), fill=255)
    a = np.asarray(mask, np.float32) / 255.0 * alpha
    for c in range(3):
        img[..., c] = (img[..., c] * (1 - a) + color[c] * a).astype(np.uint8)


def star_points(cx: float, cy: float, r: float, inner: float = 0.38,
                rot: float = -math.pi / 2) -> list[tuple[float, float]]:
    """The 10 points of a five-pointed star."""
    pts = []
    for i in range(10):
        rr = r if i % 2 == 0 else r * inner
        a = rot + i * math.pi / 5
        pts.append((cx + rr * math.cos(a), cy + rr * math.sin(a)))
    return pts


def emblem(size: int, rng: np.random.Generator) -> Image.Image:
    """A simplified national-emblem-like roundel (RGBA): red disc, yellow star, rice ring, gear."""
    s = size * 4
    im = Image.new("RGBA", (s, s), (0, 0, 0, 0))
    d = ImageDraw.Draw(im)
    c = s / 2
    gold = (236, 186, 40, 255)
    red = (206, 32, 38, 255)
    # rice ears: ellipses around the ring
    for i in range(28):
        a = math.pi * 0.62 + i * (math.pi * 1.76) / 27
        rx, ry = c + s * 0.42 * math.cos(a), c + s * 0.42 * math.sin(a)
        d.ellipse((rx - s * 0.05, ry - s * 0.05, rx + s * 0.05, ry + s * 0.05), fill=gold)
    d.ellipse((c - s * 0.36, c - s * 0.36, c + s * 0.36, c + s * 0.36), fill=red)
    d.polygon(star_points(c, c - s * 0.04, s * 0.24), fill=gold)
    # gear at the bottom
    gy = c + s * 0.33
    d.ellipse((c - s * 0.1, gy - s * 0.1, c + s * 0.1, gy + s * 0.1), fill=gold)
    for i in range(10):
        a = i * math.pi / 5
        d.rectangle((c + s * 0.1 * math.cos(a) - s * 0.02, gy + s * 0.1 * math.sin(a) - s * 0.02,
                     c + s * 0.1 * math.cos(a) + s * 0.02, gy + s * 0.1 * math.sin(a) + s * 0.02), fill=gold)
    d.ellipse((c - s * 0.045, gy - s * 0.045, c + s * 0.045, gy + s * 0.045), fill=red)
    d.rectangle((c - s * 0.3, c + s * 0.42, c + s * 0.3, c + s * 0.47), fill=red)
    return im.resize((size, size), Image.Resampling.LANCZOS)


def seal(size: int, top_text: str, bottom_text: str, rng: np.random.Generator, emblem_center: bool = True
         ) -> Image.Image:
    """A round official seal as an ink coverage mask (L): rings, curved text, centre device.

    The ink is uneven (stamp pressure): coverage varies smoothly and has speckle gaps.
    """
    s = size * 2
    im = Image.new("L", (s, s), 0)
    d = ImageDraw.Draw(im)
    c = s / 2
    w1 = max(3, s // 45)
    d.ellipse((w1, w1, s - w1, s - w1), outline=255, width=w1)
    r_in = s * 0.33
    d.ellipse((c - r_in, c - r_in, c + r_in, c + r_in), outline=255, width=max(2, s // 120))
    font_px = int(s * 0.075)
    font = fonts.load(fonts.font_path("sans", fonts.families("sans")[0], "bold"), font_px)
    r_text = s * 0.415

    def arc_text(text: str, center_angle: float, upper: bool) -> None:
        widths = [font.getlength(ch) * 1.05 for ch in text]
        total = sum(widths)
        ang_total = total / r_text
        a = center_angle - ang_total / 2 if upper else center_angle + ang_total / 2
        for ch, wch in zip(text, widths, strict=True):
            step = wch / r_text
            mid = a + step / 2 if upper else a - step / 2
            g = Image.new("L", (int(font_px * 1.8), int(font_px * 1.8)), 0)
            ImageDraw.Draw(g).text((g.width / 2, g.height / 2), ch, font=font, fill=255, anchor="mm")
            rot = -math.degrees(mid) - 90 if upper else -math.degrees(mid) + 90
            g = g.rotate(rot, resample=Image.Resampling.BICUBIC)
            px, py = c + r_text * math.cos(mid), c + r_text * math.sin(mid)
            im.paste(255, (int(px - g.width / 2), int(py - g.height / 2)), g)
            a = a + step if upper else a - step
    arc_text(top_text, -math.pi / 2, True)
    if bottom_text:
        arc_text(bottom_text, math.pi / 2, False)
    if emblem_center:
        d.ellipse((c - s * 0.2, c - s * 0.2, c + s * 0.2, c + s * 0.2), outline=255, width=max(2, s // 100))
        d.polygon(star_points(c, c - s * 0.015, s * 0.15), fill=255)
        for i in range(16):
            ang = math.pi * 0.7 + i * math.pi * 1.6 / 15
            ex, ey = c + s * 0.25 * math.cos(ang), c + s * 0.25 * math.sin(ang)
            d.ellipse((ex - s * 0.018, ey - s * 0.018, ex + s * 0.018, ey + s * 0.018), fill=255)
    else:
        d.polygon(star_points(c, c, s * 0.18), fill=255)
    im = im.resize((size, size), Image.Resampling.LANCZOS)
    a: np.ndarray = np.asarray(im, np.float32) / 255.0
    press = cv2.resize(rng.uniform(0.55, 1.0, (8, 8)).astype(np.float32), (size, size), interpolation=cv2.INTER_CUBIC)
    speck = rng.random((size, size)) > 0.08
    a = a * np.clip(press, 0.4, 1.0) * speck * float(rng.uniform(0.75, 0.95))
    out = Image.fromarray((np.clip(a, 0, 1) * 255).astype(np.uint8))
    out = out.rotate(float(rng.uniform(-25, 25)), resample=Image.Resampling.BICUBIC)
    return out.filter(ImageFilter.GaussianBlur(0.7))


def rect_stamp(text_lines: list[str], size_px: int, rng: np.random.Generator) -> Image.Image:
    """A rectangular rubber stamp mask (L) of short upper-case lines."""
    font = fonts.load(fonts.font_path("sans", fonts.families("sans")[0], "bold"), size_px)
    w = int(max(font.getlength(t) for t in text_lines) + size_px * 1.2)
    h = int(len(text_lines) * size_px * 1.3 + size_px * 0.8)
    im = Image.new("L", (w, h), 0)
    d = ImageDraw.Draw(im)
    d.rectangle((2, 2, w - 3, h - 3), outline=255, width=max(2, size_px // 10))
    for i, t in enumerate(text_lines):
        d.text((w / 2, size_px * 0.4 + (i + 0.5) * size_px * 1.3), t, font=font, fill=255, anchor="mm")
    return im


def signature(w: int, h: int, rng: np.random.Generator, width: int = 3) -> Image.Image:
    """A scribbled signature mask (L): loops from a sum of sines, a flourish underline."""
    im = Image.new("L", (w * 2, h * 2), 0)
    d = ImageDraw.Draw(im)
    n = 220
    t = np.linspace(0, 1, n)
    x = 0.08 + 0.8 * t + 0.04 * np.sin(t * float(rng.uniform(18, 30)))
    y = 0.5 + 0.25 * np.sin(t * float(rng.uniform(14, 26)) + float(rng.uniform(0, 6))) * np.exp(-t * 1.2)
    y += 0.1 * np.sin(t * float(rng.uniform(3, 6)))
    pts = [(float(a * w * 2), float(b * h * 2)) for a, b in zip(x, y, strict=True)]
    d.line(pts, fill=255, width=width * 2, joint="curve")
    x2 = np.linspace(0.05, float(rng.uniform(0.7, 0.98)), 60)
    y2 = 0.78 + 0.06 * np.sin(x2 * 6 + float(rng.uniform(0, 3))) - 0.1 * x2
    d.line([(float(a * w * 2), float(b * h * 2)) for a, b in zip(x2, y2, strict=True)], fill=255, width=width * 2)
    return im.resize((w, h), Image.Resampling.LANCZOS)


def qr_matrix(payload: str) -> np.ndarray:
    """QR code modules (True = dark) for a payload, with medium error correction."""
    import segno

    q = segno.make(payload, error="m", micro=False, boost_error=False)
    return np.array([[bool(v) for v in row] for row in q.matrix], dtype=bool)


def qr_mask(payload: str, size: int, quiet: int = 2) -> Image.Image:
    """The QR code as an ink mask (L) of ``size`` pixels with a ``quiet``-module margin."""
    mat = qr_matrix(payload)
    n = mat.shape[0] + 2 * quiet
    big = np.zeros((n, n), np.uint8)
    big[quiet:quiet + mat.shape[0], quiet:quiet + mat.shape[0]] = mat * 255
    return Image.fromarray(big).resize((size, size), Image.Resampling.NEAREST)


def portrait(w: int, h: int, rng: np.random.Generator) -> Image.Image:
    """A faceless portrait silhouette on a light backdrop (RGBA); no real person."""
    bg = (*(int(v) for v in rng.integers(200, 240, 3)), 255)
    im = Image.new("RGBA", (w, h), bg)
    d = ImageDraw.Draw(im)
    skin = (int(rng.integers(190, 235)), int(rng.integers(150, 195)), int(rng.integers(120, 165)), 255)
    shirt = (*(int(v) for v in rng.integers(30, 240, 3)), 255)
    hair = (*((int(rng.integers(10, 50)),) * 3), 255)
    d.ellipse((w * 0.05, h * 0.72, w * 0.95, h * 1.3), fill=shirt)
    d.rectangle((w * 0.4, h * 0.55, w * 0.6, h * 0.78), fill=skin)
    d.ellipse((w * 0.25, h * 0.16, w * 0.75, h * 0.68), fill=skin)
    d.chord((w * 0.23, h * 0.1, w * 0.77, h * 0.55), 180, 360, fill=hair)
    for ex in (0.4, 0.6):
        d.ellipse((w * ex - 3, h * 0.4 - 2, w * ex + 3, h * 0.4 + 2), fill=(40, 30, 30, 255))
    d.line((w * 0.44, h * 0.56, w * 0.56, h * 0.56), fill=(150, 80, 80, 255), width=2)
    return im.filter(ImageFilter.GaussianBlur(1.2))


def fingerprint(w: int, h: int, rng: np.random.Generator) -> Image.Image:
    """A fingerprint-like ridge pattern mask (L)."""
    xs, ys = _grid(w, h)
    cx, cy = w * float(rng.uniform(0.4, 0.6)), h * float(rng.uniform(0.4, 0.55))
    r = np.hypot((xs - cx) / (w * 0.42), (ys - cy) / (h * 0.48))
    th = np.arctan2(ys - cy, xs - cx)
    u = r * float(rng.uniform(55, 75)) + 2.0 * np.sin(th * 2 + r * 3)
    ridges = (np.sin(u) > 0.1).astype(np.float32)
    inside = np.clip((1.0 - r) * 6, 0, 1)
    m = ridges * inside * rng.uniform(0.6, 1.0, (h, w))
    return Image.fromarray((m * 200).astype(np.uint8)).filter(ImageFilter.GaussianBlur(0.8))


def barcode(w: int, h: int, rng: np.random.Generator) -> Image.Image:
    """A linear barcode-like bar pattern mask (L)."""
    im = Image.new("L", (w, h), 0)
    d = ImageDraw.Draw(im)
    x = 0.0
    unit = w / 190
    while x < w - 4 * unit:
        bw = unit * int(rng.integers(1, 4))
        d.rectangle((x, 0, x + bw - 1, h), fill=255)
        x += bw + unit * int(rng.integers(1, 4))
    return im


def chip(w: int, h: int) -> Image.Image:
    """A smart-card contact chip (RGBA)."""
    im = Image.new("RGBA", (w, h), (0, 0, 0, 0))
    d = ImageDraw.Draw(im)
    d.rounded_rectangle((0, 0, w - 1, h - 1), radius=w // 8, fill=(212, 175, 95, 255), outline=(150, 115, 50, 255),
                        width=2)
    for fx in (0.33, 0.67):
        d.line((w * fx, 0, w * fx, h), fill=(150, 115, 50, 255), width=2)
    for fy in (0.33, 0.5, 0.67):
        d.line((0, h * fy, w * 0.33, h * fy), fill=(150, 115, 50, 255), width=2)
        d.line((w * 0.67, h * fy, w, h * fy), fill=(150, 115, 50, 255), width=2)
    return im
