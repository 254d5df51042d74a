"""Captures as real ones look (the ``real_style`` condition; domain.md, "As real certificates look").

- :func:`real_photo`: a phone photo of 720x960 to 1920x2560 pixels; the page at 5-10
  degrees, under perspective or turned 90 degrees in the frame; a keyboard, desk, woven mat
  or the adjacent page around it; the page curling at the binding; the phone's shadow; glare from a
  plastic sleeve; then the messaging-app recompression (Zalo: about 1280 px on the long
  side, JPEG quality 70-85).
- :func:`scanner_app`: a CamScanner-like output: cut out, whitened, over-sharpened, the
  pink guilloche bleached to near white.
- :func:`card_on_table`: an ID card small in a 960x1280 frame (its long side 30-45 % of the
  frame's short side, so the card text is 6-9 px high) on a patterned table, often turned 90
  degrees.

All geometry goes through :func:`digitize.synth.degrade.warp` (a homography applied to the
image, the masks and every truth point) or :func:`digitize.synth.degrade.bow`, so truth
lines, field boxes and page corners stay exact.
"""

from __future__ import annotations

import math
from dataclasses import replace

import cv2
import numpy as np

from digitize.synth import degrade, photo
from digitize.synth.degrade import Sample

PHONE_LONG_SIDES = (960, 1280, 1600, 2048, 2560)  # 720x960 ... 1920x2560 frames (3:4)
ZALO_LONG_SIDE = 1280
ZALO_SHARE = 0.7  # photos sent through a messaging app before they reach the office
JPEG_Q = (70, 86)
CAMERA_Q = (88, 96)
TILT_DEG = (5.0, 10.0)
TURNED_SHARE = 0.2  # the page turned 90 degrees in the frame
CURL_SHARE = 0.45
SHADOW_SHARE = 0.5
GLARE_SHARE = 0.35
ADJACENT_SHARE = 0.3
CARD_FRAME = (960, 1280)
CARD_SIDE = (0.30, 0.45)  # card long side / frame short side
CARD_TURNED_SHARE = 0.55
PREBLUR_BELOW = 0.6  # shrink factor under which the source is low-passed before warping
PREBLUR_K = 0.4
BLEACH_V = 0.72  # scanner app: light, low-saturation pixels (guilloche) go white
BLEACH_S = 0.35


# ------------------------------------------------------------------ backgrounds
def keyboard(w: int, h: int, rng: np.random.Generator) -> np.ndarray:
    """A laptop or desktop keyboard: dark keys in rows on a darker deck."""
    deck = np.array(rng.choice([[35, 35, 38], [60, 60, 66], [190, 190, 195]]), np.float32)
    img = np.broadcast_to(deck.astype(np.uint8), (h, w, 3)).copy()
    key = float(rng.uniform(0.045, 0.07)) * max(w, h)
    dark = deck[0] < 100
    key_col = deck * 1.5 + 25 if dark else deck * 0.85
    label = np.clip(key_col + 110, 0, 255) if dark else key_col * 0.35
    angle = float(rng.uniform(-25, 25))
    rows = int(max(w, h) * 1.6 / key) + 2
    cx, cy = w / 2, h / 2
    rot = cv2.getRotationMatrix2D((cx, cy), angle, 1.0)
    for r in range(-rows // 2, rows // 2):
        offset = (r % 3) * key * 0.33
        for c in range(-rows // 2, rows // 2):
            x0, y0 = cx + c * key + offset, cy + r * key
            pts = np.array([[x0, y0], [x0 + key * 0.86, y0], [x0 + key * 0.86, y0 + key * 0.86], [x0, y0 + key * 0.86]])
            p = (np.hstack([pts, np.ones((4, 1))]) @ rot.T).astype(np.int32)
            cv2.fillConvexPoly(img, p, [int(v) for v in np.clip(key_col, 0, 255)])
            if rng.random() < 0.6:  # the key's letter
                m = p.mean(axis=0).astype(int)
                cv2.putText(img, str(rng.choice(list("QWERTYUIOPASDFGHJKLZXCVBNM"))), (int(m[0] - key * 0.2),
                            int(m[1] + key * 0.15)), cv2.FONT_HERSHEY_SIMPLEX, key / 60, [int(v) for v in label],
                            max(1, int(key / 30)))
    return np.clip(img + rng.standard_normal((h, w, 1)).astype(np.float32) * 3, 0, 255).astype(np.uint8)


def woven_mat(w: int, h: int, rng: np.random.Generator) -> np.ndarray:
    """A woven bamboo / rattan or plastic mat (chiếu): interlaced strips."""
    base = np.array(rng.choice([[200, 170, 110], [185, 150, 95], [150, 170, 140], [190, 80, 70]]), np.float32)
    p = float(rng.uniform(8, 20))
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    a = math.radians(float(rng.uniform(0, 90)))
    u = (xx * math.cos(a) + yy * math.sin(a)) / p
    v = (-xx * math.sin(a) + yy * math.cos(a)) / p
    over = ((np.floor(u) + np.floor(v)) % 2).astype(np.float32)
    shade = np.where(over > 0, 0.85 + 0.15 * np.sin(np.pi * (v % 1.0)), 0.8 + 0.15 * np.sin(np.pi * (u % 1.0)))
    img = base[None, None, :] * shade[..., None]
    if rng.random() < 0.5:  # a coloured stripe pattern dyed in
        band = ((np.floor(v / 6) % 4) == 0)[..., None]
        img = np.where(band, img * np.array([0.6, 0.5, 0.9], np.float32), img)
    return np.clip(img + rng.standard_normal((h, w, 1)).astype(np.float32) * 4, 0, 255).astype(np.uint8)


def patterned_cloth(w: int, h: int, rng: np.random.Generator) -> np.ndarray:
    """A patterned tablecloth: dots or flowers on a coloured ground, or a tartan."""
    ground = np.array(rng.integers(90, 240, 3), np.float32)
    img = np.broadcast_to(ground, (h, w, 3)).copy()
    if rng.random() < 0.5:
        step = int(rng.integers(18, 45))
        col = np.array(rng.integers(20, 230, 3), np.float32).tolist()
        for y in range(0, h + step, step):
            for x in range((y // step % 2) * step // 2, w + step, step):
                r = int(step * float(rng.uniform(0.12, 0.3)))
                for k in range(5 if rng.random() < 0.5 else 1):
                    ang = 2 * math.pi * k / 5
                    cv2.circle(img, (int(x + r * math.cos(ang)), int(y + r * math.sin(ang))), r, col, -1)
    else:
        yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
        p = float(rng.uniform(20, 60))
        stripes = (0.5 + 0.5 * np.sin(xx / p * 2 * np.pi)) * (0.5 + 0.5 * np.sin(yy / p * 2 * np.pi))
        tint = np.array(rng.integers(40, 200, 3), np.float32)
        img = img * (1 - 0.5 * stripes[..., None]) + tint * 0.5 * stripes[..., None]
    return np.clip(img + rng.standard_normal((h, w, 1)).astype(np.float32) * 3, 0, 255).astype(np.uint8)


def background(w: int, h: int, rng: np.random.Generator, card: bool = False) -> tuple[np.ndarray, str]:
    """A background for a photo and its name: keyboard, woven mat, cloth or a desk / table."""
    kinds = ["mat", "cloth", "desk", "keyboard"] if card else ["keyboard", "desk", "mat", "desk", "cloth"]
    kind = str(rng.choice(kinds))
    if kind == "keyboard":
        return keyboard(w, h, rng), kind
    if kind == "mat":
        return woven_mat(w, h, rng), kind
    if kind == "cloth":
        return patterned_cloth(w, h, rng), kind
    return photo.texture(w, h, rng), kind


def adjacent_page(bg: np.ndarray, quad: np.ndarray, rng: np.random.Generator) -> None:
    """Draw the neighbouring page of the booklet beside the document's quad (in place).

    A pale page with grey text-like strokes shares one long edge with the document; it lies
    under the document, so the document is composited over it.
    """
    edge = int(rng.integers(0, 4))
    a, b = quad[edge], quad[(edge + 1) % 4]
    inward = quad.mean(axis=0) - (a + b) / 2
    depth = -inward / (np.linalg.norm(inward) + 1e-6) * float(np.linalg.norm(inward)) * 2 * float(rng.uniform(0.5, 1))
    poly = np.array([a, b, b + depth, a + depth])
    col = np.array(rng.choice([[246, 226, 228], [244, 240, 230], [235, 235, 235]]), np.float32)
    cv2.fillPoly(bg, [poly.astype(np.int32)], col.tolist())
    for t in np.linspace(0.1, 0.9, int(rng.integers(6, 16))):
        p0 = a + depth * t + (b - a) * 0.08
        p1 = p0 + (b - a) * float(rng.uniform(0.3, 0.8))
        cv2.line(bg, tuple(p0.astype(int)), tuple(p1.astype(int)), (110, 105, 110), max(1, int(rng.integers(1, 3))))


# ------------------------------------------------------------------ placement
def place(s: Sample, rng: np.random.Generator, out_w: int, out_h: int, fill: float, angle_deg: float,
          keystone: float) -> Sample:
    """Map the document into an out_w x out_h frame: scaled to ``fill``, turned, keystoned."""
    c = s.corners
    w = float(np.linalg.norm(c[1] - c[0]) + np.linalg.norm(c[2] - c[3])) / 2
    h = float(np.linalg.norm(c[3] - c[0]) + np.linalg.norm(c[2] - c[1])) / 2
    a = math.radians(angle_deg)
    bw = abs(w * math.cos(a)) + abs(h * math.sin(a))
    bh = abs(w * math.sin(a)) + abs(h * math.cos(a))
    scale = min(out_w / bw, out_h / bh) * fill
    dw, dh = w * scale, h * scale
    base = np.array([[-dw / 2, -dh / 2], [dw / 2, -dh / 2], [dw / 2, dh / 2], [-dw / 2, dh / 2]])
    rot = np.array([[math.cos(a), math.sin(a)], [-math.sin(a), math.cos(a)]])
    dst = base @ rot.T
    edge = int(rng.integers(0, 4))
    i, j = edge, (edge + 1) % 4
    mid = (dst[i] + dst[j]) / 2
    dst[i] += (mid - dst[i]) * keystone
    dst[j] += (mid - dst[j]) * keystone
    dst += rng.normal(0, 0.01 * min(dw, dh), (4, 2))
    span = dst.max(axis=0) - dst.min(axis=0)
    room = np.array([out_w, out_h]) * 0.97 - span
    centre = np.array([out_w, out_h]) / 2 + rng.uniform(-0.5, 0.5, 2) * np.maximum(room, 0)
    dst = dst - (dst.max(axis=0) + dst.min(axis=0)) / 2 + centre
    hm = cv2.getPerspectiveTransform(c.astype(np.float32), dst.astype(np.float32)).astype(float)
    if scale < PREBLUR_BELOW:  # a camera integrates light over each pixel: no aliasing on strong shrinks
        s = replace(s, image=cv2.GaussianBlur(s.image, (0, 0), PREBLUR_K / scale))
    return degrade.warp(s, hm, (out_w, out_h), "place")


def _resize(s: Sample, long_side: int, name: str) -> Sample:
    w, h = s.size
    k = long_side / max(w, h)
    ow, oh = round(w * k), round(h * k)
    hm = np.array([[ow / w, 0, 0], [0, oh / h, 0], [0, 0, 1]], dtype=float)
    return degrade.warp(s, hm, (ow, oh), name)


def recompress(s: Sample, rng: np.random.Generator) -> Sample:
    """The camera's JPEG, then (usually) a messaging app's downscale to ~1280 px and JPEG 70-85."""
    img = degrade.jpeg(s.image, int(rng.integers(*CAMERA_Q)))
    s = replace(s, image=img)
    if rng.random() < ZALO_SHARE and max(s.size) > ZALO_LONG_SIDE:
        s = _resize(s, ZALO_LONG_SIDE, "zalo_resize")
    q = int(rng.integers(*JPEG_Q))
    return replace(s, dpi=None, jpeg_quality=q, steps=[*s.steps, f"jpeg{q}"])


# ------------------------------------------------------------------ light
def _light(s: Sample, rng: np.random.Generator) -> Sample:
    """Uneven light, the phone's shadow, sleeve glare, defocus, noise and the phone's sharpening."""
    h, w = s.image.shape[:2]
    steps = []
    sw, sh = max(8, w // 8), max(8, h // 8)
    yy, xx = np.mgrid[0:sh, 0:sw].astype(np.float32)
    yy, xx = yy / sh, xx / sw
    gain = (1 + float(rng.normal(0, 0.2)) * (xx - 0.5) + float(rng.normal(0, 0.2)) * (yy - 0.5))
    gain *= float(rng.uniform(0.85, 1.05))
    if rng.random() < SHADOW_SHARE:  # the phone held over the page: a soft dark blob from one side
        m = np.zeros((sh, sw), np.uint8)
        cx, cy = float(rng.uniform(0.2, 0.8)) * sw, float(rng.choice([-0.1, 1.1])) * sh
        axes = (int(sw * float(rng.uniform(0.2, 0.4))), int(sh * float(rng.uniform(0.3, 0.5))))
        cv2.ellipse(m, (int(cx), int(cy)), axes, float(rng.uniform(0, 180)), 0, 360, 255, -1)
        soft = cv2.GaussianBlur(m, (0, 0), max(1.0, sw * 0.04)).astype(np.float32) / 255
        gain *= 1 - float(rng.uniform(0.3, 0.55)) * soft
        steps.append("phone_shadow")
    glare = np.zeros((sh, sw), np.float32)
    if rng.random() < GLARE_SHARE:  # a plastic sleeve: a long bright band with a hot core
        a = math.radians(float(rng.uniform(0, 180)))
        d = (xx - float(rng.uniform(0.3, 0.7))) * math.cos(a) + (yy - float(rng.uniform(0.3, 0.7))) * math.sin(a)
        along = (xx - 0.5) * -math.sin(a) + (yy - 0.5) * math.cos(a)
        width = float(rng.uniform(0.03, 0.09))
        glare = np.exp(-(d / width) ** 2) * np.exp(-(along / float(rng.uniform(0.25, 0.6))) ** 2)
        glare = glare * float(rng.uniform(0.55, 0.95)) + 0.25 * np.exp(-(d / (width * 0.25)) ** 2) * (glare > 0.3)
        glare = np.clip(glare, 0, 1).astype(np.float32)
        steps.append("sleeve_glare")
    gain_f = cv2.resize(gain.astype(np.float32), (w, h), interpolation=cv2.INTER_LINEAR)
    glare_f = cv2.resize(glare, (w, h), interpolation=cv2.INTER_LINEAR)
    if glare.any():  # the sleeve (or the card's lamination) covers the document only
        on_doc = cv2.GaussianBlur(s.paper, (0, 0), 2).astype(np.float32) / 255.0
        glare_f = (glare_f * on_doc).astype(np.float32)
    cast = np.array([1 + rng.normal(0, 0.03), 1.0, 1 + rng.normal(0, 0.04)], np.float32)
    img = s.image.astype(np.float32) * (gain_f[..., None] * cast)
    img = img + (255 - img) * glare_f[..., None]
    sigma = float(rng.uniform(0.5, 1.4)) * max(w, h) / 2000
    img = cv2.GaussianBlur(img, (0, 0), max(0.3, sigma))
    img = img + rng.standard_normal((h, w, 1)).astype(np.float32) * float(rng.uniform(2, 5))
    blur = cv2.GaussianBlur(img, (0, 0), 1.6)
    img = img + float(rng.uniform(0.3, 1.0)) * (img - blur)
    return replace(s, image=np.clip(img, 0, 255).astype(np.uint8), steps=[*s.steps, *steps])


def _gutter(s: Sample, rng: np.random.Generator) -> Sample:
    """A darker shadow along the binding of an open two-page spread (its middle)."""
    c = s.corners
    top, bottom = (c[0] + c[1]) / 2, (c[3] + c[2]) / 2
    w, h = s.size
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    d = np.abs((bottom[0] - top[0]) * (top[1] - yy) - (top[0] - xx) * (bottom[1] - top[1]))
    d /= float(np.linalg.norm(bottom - top)) + 1e-6
    width = float(np.linalg.norm(c[1] - c[0])) * float(rng.uniform(0.01, 0.025))
    gain = 1 - float(rng.uniform(0.25, 0.45)) * np.exp(-(d / width) ** 2)
    img = np.clip(s.image.astype(np.float32) * gain[..., None], 0, 255).astype(np.uint8)
    return replace(s, image=img, steps=[*s.steps, "binding_shadow"])


# ------------------------------------------------------------------ captures
def real_photo(s: Sample, rng: np.random.Generator, spread: bool = False) -> Sample:
    """A certificate page (or an open spread) photographed with a phone, as sent by a messaging app."""
    if spread or rng.random() < CURL_SHARE:  # the page curling at the binding / a page that does not lie flat
        s = degrade.bow(s, rng)
    long_side = int(rng.choice(PHONE_LONG_SIDES))
    short_side = long_side * 3 // 4
    c = s.corners
    landscape_doc = np.linalg.norm(c[1] - c[0]) > np.linalg.norm(c[3] - c[0])
    turned = rng.random() < TURNED_SHARE
    landscape_frame = landscape_doc != turned
    out_w, out_h = (long_side, short_side) if landscape_frame else (short_side, long_side)
    tilt = float(rng.uniform(*TILT_DEG)) * float(rng.choice([-1, 1])) if rng.random() < 0.6 else \
        float(rng.uniform(-5, 5))
    angle = tilt + (float(rng.choice([90, -90])) if turned else 0.0)
    keystone = float(rng.uniform(0.0, 0.08)) if rng.random() < 0.6 else float(rng.uniform(0.08, 0.2))
    out = place(s, rng, out_w, out_h, float(rng.uniform(0.72, 0.95)), angle, keystone)
    bg, kind = background(out_w, out_h, rng)
    if rng.random() < ADJACENT_SHARE and not spread:
        adjacent_page(bg, out.corners, rng)
        kind += "+adjacent_page"
    shadow = cv2.GaussianBlur(out.paper, (0, 0), 5).astype(np.float32) / 255.0
    shadow = np.roll(shadow, (int(rng.integers(2, 9)), int(rng.integers(-5, 6))), axis=(0, 1))
    bg = np.clip(bg.astype(np.float32) * (1 - 0.4 * shadow[..., None]), 0, 255).astype(np.uint8)
    out = degrade.composite(out, bg)
    out = replace(out, steps=[*out.steps, f"bg_{kind}"] + (["turned90"] if turned else []))
    if spread:
        out = _gutter(out, rng)
    return recompress(_light(out, rng), rng)


def scanner_app(s: Sample, rng: np.random.Generator) -> Sample:
    """A CamScanner-like output of a phone photo: cropped, whitened, guilloche bleached, over-sharpened."""
    out = place(s, rng, 1536, 2048, float(rng.uniform(0.75, 0.92)), float(rng.uniform(-6, 6)),
                float(rng.uniform(0, 0.1)))
    bg, _ = background(1536, 2048, rng)
    out = degrade.composite(out, bg)
    out = _light(out, rng)
    c = out.corners + rng.normal(0, 0.004 * float(np.linalg.norm(out.corners[2] - out.corners[0])), (4, 2))
    wd = float(np.linalg.norm(c[1] - c[0]) + np.linalg.norm(c[2] - c[3])) / 2
    hd = float(np.linalg.norm(c[3] - c[0]) + np.linalg.norm(c[2] - c[1])) / 2
    long_side = int(rng.integers(1600, 2340))
    ow, oh = (round(long_side * wd / hd), long_side) if hd >= wd else (long_side, round(long_side * hd / wd))
    dst = np.array([[0, 0], [ow, 0], [ow, oh], [0, oh]], dtype=np.float32)
    hm = cv2.getPerspectiveTransform(c.astype(np.float32), dst).astype(float)
    out = degrade.warp(out, hm, (ow, oh), "scanner_app_crop", fill=(255, 255, 255))
    img = out.image.astype(np.float32)
    small = cv2.resize(img, (max(8, ow // 16), max(8, oh // 16)), interpolation=cv2.INTER_AREA)
    bgl = cv2.resize(cv2.GaussianBlur(small, (0, 0), 3), (ow, oh), interpolation=cv2.INTER_LINEAR)
    img = np.clip(img / np.maximum(bgl, 1) * 250, 0, 255)
    hsv = cv2.cvtColor(img.astype(np.uint8), cv2.COLOR_RGB2HSV).astype(np.float32) / 255
    light = np.clip((hsv[..., 2] - BLEACH_V) / (1 - BLEACH_V), 0, 1) * (hsv[..., 1] < BLEACH_S)
    img = (img + (255 - img) * light[..., None]).astype(np.float32)
    blur = cv2.GaussianBlur(img, (0, 0), 1.2)
    img = np.clip(img + float(rng.uniform(1.0, 2.2)) * (img - blur), 0, 255)
    out = replace(out, image=img.astype(np.uint8), paper=np.full_like(out.paper, 255),
                  steps=[*out.steps, "whiten_bleach_sharpen"])
    q = int(rng.integers(*JPEG_Q))
    return replace(out, dpi=None, jpeg_quality=q, steps=[*out.steps, f"jpeg{q}"])


def card_on_table(s: Sample, rng: np.random.Generator) -> Sample:
    """An ID card photographed on a table: small in a 960x1280 frame, often turned 90 degrees."""
    out_w, out_h = CARD_FRAME
    c = s.corners
    card_long = float(max(np.linalg.norm(c[1] - c[0]), np.linalg.norm(c[3] - c[0])))
    card_short = float(min(np.linalg.norm(c[1] - c[0]), np.linalg.norm(c[3] - c[0])))
    target = float(rng.uniform(*CARD_SIDE)) * out_w
    turned = rng.random() < CARD_TURNED_SHARE
    angle = float(rng.uniform(-12, 12)) + (float(rng.choice([90, -90])) if turned else 0.0)
    a = math.radians(angle)
    bw = abs(card_long * math.cos(a)) + abs(card_short * math.sin(a))
    bh = abs(card_long * math.sin(a)) + abs(card_short * math.cos(a))
    fill = target / card_long / min(out_w / bw, out_h / bh)
    out = place(s, rng, out_w, out_h, fill, angle, float(rng.uniform(0, 0.1)))
    bg, kind = background(out_w, out_h, rng, card=True)
    shadow = cv2.GaussianBlur(out.paper, (0, 0), 3).astype(np.float32) / 255.0
    shadow = np.roll(shadow, (int(rng.integers(2, 6)), int(rng.integers(-4, 5))), axis=(0, 1))
    bg = np.clip(bg.astype(np.float32) * (1 - 0.45 * shadow[..., None]), 0, 255).astype(np.uint8)
    out = degrade.composite(out, bg)
    out = replace(out, steps=[*out.steps, f"bg_{kind}", f"card_side{target:.0f}px"] + (["turned90"] if turned else []))
    return recompress(_light(out, rng), rng)
