"""Synthetic certificate-like pages with exact geometry, for round-trip tests and evaluation.

This is not the project's sample generator (``digitize.synth``); it is a small, fast,
dependency-free renderer that lets the preprocessing tests state "this page was turned by
exactly 7.3 degrees and lies at these four corners" and expect it back.  Pages get
Vietnamese text in several fonts, a pink guilloche background, ruled table lines, blue
"handwriting", a red seal, and can be placed on wood, cloth, dark or cluttered
backgrounds under a known homography, or "scanned" with a known skew, yellowing and a
cut corner.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path

import cv2
import numpy as np
from PIL import Image, ImageDraw, ImageFont

FONT_DIRS = ("/usr/share/fonts/truetype/liberation2", "/usr/share/fonts/truetype/dejavu")
FONT_FILES = (
    "LiberationSerif-Regular.ttf",
    "LiberationSans-Regular.ttf",
    "DejaVuSerif.ttf",
    "DejaVuSans.ttf",
    "LiberationSerif-Bold.ttf",
)

VI_LINES = (
    "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
    "Độc lập - Tự do - Hạnh phúc",
    "GIẤY CHỨNG NHẬN QUYỀN SỬ DỤNG ĐẤT",
    "I. Người sử dụng đất, chủ sở hữu nhà ở và tài sản khác",
    "Ông: NGUYỄN VĂN AN, sinh năm: 1965, CMND số: 012345678",
    "Địa chỉ thường trú: Thôn Đồng Cầu, xã Hải Hòa, thị xã Quảng Yên",
    "II. Thửa đất, nhà ở và tài sản khác gắn liền với đất",
    "a) Thửa đất số: 125, tờ bản đồ số: 12",
    "b) Địa chỉ: Thôn Đồng Cầu, xã Hải Hòa, tỉnh Quảng Ninh",
    "c) Diện tích: 250,0 m² (bằng chữ: Hai trăm năm mươi mét vuông)",
    "d) Hình thức sử dụng: Sử dụng riêng",
    "đ) Mục đích sử dụng: Đất ở tại nông thôn",
    "e) Thời hạn sử dụng: Lâu dài",
    "g) Nguồn gốc sử dụng: Công nhận QSDĐ như giao đất có thu tiền",
    "2. Nhà ở: -/-        3. Công trình xây dựng khác: -/-",
    "4. Rừng sản xuất là rừng trồng: -/-   5. Cây lâu năm: -/-",
    "Quảng Ninh, ngày 14 tháng 3 năm 2016",
    "TM. ỦY BAN NHÂN DÂN HUYỆN",
    "Số vào sổ cấp GCN: CS 05494",
    "Bà: TRẦN THỊ BÌNH, sinh năm 1970, CCCD số: 022170001234",
    "Loại đất: Đất trồng cây lâu năm: 1041,9 m²",
    "Hộ ông: LÊ VĂN HÙNG; Địa chỉ: phường Hồng Hải, thành phố Hạ Long",
)


def font_path(index: int = 0) -> str:
    """A font file with Vietnamese glyphs (Liberation 2 or DejaVu), chosen by index."""
    for offset in range(len(FONT_FILES)):
        name = FONT_FILES[(index + offset) % len(FONT_FILES)]
        for folder in FONT_DIRS:
            p = Path(folder) / name
            if p.is_file():
                return str(p)
    raise FileNotFoundError("no Vietnamese-capable font found (apt-get install fonts-liberation2)")


@dataclass
class SyntheticPage:
    """An upright page and where its text lines are (page pixel coordinates)."""

    image: np.ndarray  # BGR
    lines: list[tuple[str, list[list[float]]]] = field(default_factory=list)  # text, TL TR BR BL
    seal_centre: tuple[float, float] | None = None
    seal_radius: float = 0.0


def guilloche(width: int, height: int, rng: np.random.Generator, strength: float = 1.0) -> np.ndarray:
    """A pink security-print background: light pink paper with fine wavy rose lines."""
    yy, xx = np.mgrid[0:height, 0:width].astype(np.float32)
    f1, f2 = rng.uniform(0.02, 0.05, 2)
    phase = rng.uniform(0, 2 * np.pi)
    wave = np.sin(xx * f1 + 8 * np.sin(yy * f2 + phase)) * np.sin(yy * f1 * 0.7 + 6 * np.cos(xx * f2))
    lines = (np.abs(wave) < 0.08).astype(np.float32) * strength
    base = np.array([236, 228, 252], np.float32)  # BGR light pink
    ink = np.array([214, 190, 248], np.float32)
    img = base[None, None, :] * (1 - lines[..., None]) + ink[None, None, :] * lines[..., None]
    return img.astype(np.uint8)


def render_page(
    seed: int = 0,
    size: tuple[int, int] = (1240, 1754),
    pink: bool = True,
    seal: bool = True,
    handwriting: bool = True,
    font_index: int | None = None,
    n_lines: int = 22,
) -> SyntheticPage:
    """Render an upright certificate-like page (A4 proportions at ~150 dpi by default)."""
    rng = np.random.default_rng(seed)
    w, h = size
    if pink:
        bg = guilloche(w, h, rng)
    else:
        tone = rng.integers(235, 252)
        bg = np.full((h, w, 3), tone, np.uint8)
    img = Image.fromarray(bg[:, :, ::-1].copy())
    draw = ImageDraw.Draw(img)
    fi = int(rng.integers(0, len(FONT_FILES))) if font_index is None else font_index
    scale = w / 1240.0
    fsize = round(rng.uniform(22, 28) * scale)
    font = ImageFont.truetype(font_path(fi), fsize)
    margin_x = int(w * rng.uniform(0.08, 0.12))
    y = int(h * rng.uniform(0.06, 0.09))
    line_gap = int(fsize * rng.uniform(1.7, 2.1))
    lines: list[tuple[str, list[list[float]]]] = []
    order = rng.permutation(len(VI_LINES))
    usable = [VI_LINES[i] for i in order][: max(1, n_lines)]
    # Title lines centred, the rest left-aligned; a ruled table in the lower part.
    for i, text in enumerate(usable):
        if y + fsize * 2 > h * 0.78:
            break
        tw = draw.textlength(text, font=font)
        if tw > w - 2 * margin_x:
            text = text[: max(4, int(len(text) * (w - 2 * margin_x) / tw) - 1)]
            tw = draw.textlength(text, font=font)
        x = (w - tw) / 2 if i < 2 else margin_x
        colour = (20, 20, 25)
        if i == 2:
            colour = (200, 30, 40)  # red printed title, as on the certificates
        draw.text((x, y), text, font=font, fill=colour)
        x0, y0, x1, y1 = draw.textbbox((x, y), text, font=font)
        lines.append((text, [[x0, y0], [x1, y0], [x1, y1], [x0, y1]]))
        y += line_gap
    # ruled table
    ty0 = int(h * 0.8)
    ty1 = int(h * 0.93)
    for k in range(4):
        yy = ty0 + (ty1 - ty0) * k // 3
        draw.line([(margin_x, yy), (w - margin_x, yy)], fill=(30, 30, 30), width=max(1, int(2 * scale)))
    for k in range(5):
        xx = margin_x + (w - 2 * margin_x) * k // 4
        draw.line([(xx, ty0), (xx, ty1)], fill=(30, 30, 30), width=max(1, int(2 * scale)))
    if handwriting:
        hfont = ImageFont.truetype(font_path(fi + 2), int(fsize * 1.1))
        text = "CS 05494"
        draw.text((margin_x + 40 * scale, ty0 + 12 * scale), text, font=hfont, fill=(25, 50, 160))
        x0, y0, x1, y1 = draw.textbbox((margin_x + 40 * scale, ty0 + 12 * scale), text, font=hfont)
        lines.append((text, [[x0, y0], [x1, y0], [x1, y1], [x0, y1]]))
    out = np.asarray(img)[:, :, ::-1].copy()
    seal_centre = None
    radius = 0.0
    if seal:
        radius = w * rng.uniform(0.09, 0.12)
        cx, cy = w * rng.uniform(0.55, 0.75), h * rng.uniform(0.55, 0.72)
        seal_centre = (cx, cy)
        overlay = out.copy()
        red = (40, 40, 210)
        cv2.circle(overlay, (int(cx), int(cy)), int(radius), red, max(2, int(6 * scale)), cv2.LINE_AA)
        cv2.circle(overlay, (int(cx), int(cy)), int(radius * 0.75), red, max(1, int(3 * scale)), cv2.LINE_AA)
        cv2.drawMarker(overlay, (int(cx), int(cy)), red, cv2.MARKER_STAR, int(radius * 0.5), max(2, int(4 * scale)))
        for a in np.linspace(0, 2 * np.pi, 24, endpoint=False):
            px = int(cx + radius * 0.87 * np.cos(a))
            py = int(cy + radius * 0.87 * np.sin(a))
            cv2.circle(overlay, (px, py), max(2, int(4 * scale)), red, -1, cv2.LINE_AA)
        # seal ink is translucent: multiply, so black print under it stays black
        out = (out.astype(np.float32) * overlay.astype(np.float32) / 255.0).astype(np.uint8)
    return SyntheticPage(out, lines, seal_centre, radius)


def turn(image: np.ndarray, rotation_deg: int, skew_deg: float, fill: tuple[int, int, int] = (255, 255, 255)
         ) -> tuple[np.ndarray, np.ndarray]:
    """Turn content counter-clockwise by ``rotation_deg + skew_deg``, canvas expanded.

    Returns the image and the 3x3 matrix mapping upright-page points to the output.
    """
    h, w = image.shape[:2]
    angle = float(rotation_deg) + float(skew_deg)
    m = cv2.getRotationMatrix2D((w / 2.0, h / 2.0), angle, 1.0)
    cos, sin = abs(m[0, 0]), abs(m[0, 1])
    nw = math.ceil(w * cos + h * sin)
    nh = math.ceil(w * sin + h * cos)
    m[0, 2] += nw / 2.0 - w / 2.0
    m[1, 2] += nh / 2.0 - h / 2.0
    out = cv2.warpAffine(image, m, (nw, nh), flags=cv2.INTER_LINEAR, borderValue=fill)
    return out, np.vstack([m, [0, 0, 1]])


def background(kind: str, size: tuple[int, int], rng: np.random.Generator) -> np.ndarray:
    """A table-top texture: wood, cloth, dark, desk (grey), clutter (other papers), keyboard or mat."""
    w, h = size
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    if kind == "wood":
        grain = np.sin(yy * 0.05 + 3 * np.sin(xx * 0.004) + rng.uniform(0, 6)) * 0.5 + 0.5
        noise = cv2.GaussianBlur(rng.normal(0, 1, (h, w)).astype(np.float32), (0, 0), 3)
        t = np.clip(grain * 0.7 + noise * 0.15, 0, 1)
        c0, c1 = np.array([40, 70, 120], np.float32), np.array([70, 120, 180], np.float32)
        img = c0 * (1 - t[..., None]) + c1 * t[..., None]
    elif kind == "cloth":
        weave = (np.sin(xx * 0.8) * np.sin(yy * 0.8)) * 0.5 + 0.5
        base = rng.uniform(60, 200, 3).astype(np.float32)
        img = base[None, None, :] * (0.8 + 0.2 * weave[..., None])
    elif kind == "dark":
        img = np.full((h, w, 3), rng.uniform(20, 60), np.float32)
        img += rng.normal(0, 4, (h, w, 1)).astype(np.float32)
    elif kind == "clutter":
        img = np.full((h, w, 3), rng.uniform(90, 140, 3), np.float32)
        for _ in range(4):
            cx, cy = rng.uniform(0, w), rng.uniform(0, h)
            rw, rh = rng.uniform(0.15, 0.4) * w, rng.uniform(0.15, 0.4) * h
            ang = rng.uniform(0, 180)
            box = cv2.boxPoints(((cx, cy), (rw, rh), ang)).astype(np.int32)
            cv2.fillPoly(img, [box], tuple(float(v) for v in rng.uniform(170, 235, 3)))
    elif kind == "keyboard":  # dark or light keys with letters in rows, turned
        deck = float(rng.choice([35.0, 190.0]))
        img = np.full((h, w, 3), deck, np.uint8)  # drawn in uint8: putText needs it
        key = 0.06 * max(w, h)
        ink = (230.0,) * 3 if deck < 100 else (40.0,) * 3
        cap = (deck * 1.6 + 20,) * 3 if deck < 100 else (deck * 0.85,) * 3
        rot = cv2.getRotationMatrix2D((w / 2, h / 2), float(rng.uniform(-20, 20)), 1.0)
        n = int(max(w, h) * 1.6 / key) + 2
        for r in range(-n // 2, n // 2):
            for c in range(-n // 2, n // 2):
                x0, y0 = w / 2 + c * key + (r % 3) * key / 3, h / 2 + r * key
                k = key * 0.86
                box = np.array([[x0, y0], [x0 + k, y0], [x0 + k, y0 + k], [x0, y0 + k]])
                pts = (np.hstack([box, np.ones((4, 1))]) @ rot.T).astype(np.int32)
                cv2.fillConvexPoly(img, pts, cap)
                m = pts.mean(axis=0).astype(int)
                cv2.putText(img, chr(65 + int(rng.integers(0, 26))), (int(m[0] - key * 0.2), int(m[1] + key * 0.15)),
                            cv2.FONT_HERSHEY_SIMPLEX, key / 60, ink, max(1, int(key / 30)))
    elif kind == "mat":  # woven strips (a bamboo or plastic mat)
        p = float(rng.uniform(8, 18))
        a = math.radians(float(rng.uniform(0, 90)))
        u = (xx * math.cos(a) + yy * math.sin(a)) / p
        v = (-xx * math.sin(a) + yy * math.cos(a)) / p
        over = (np.floor(u) + np.floor(v)) % 2
        shade = np.where(over > 0, 0.85 + 0.15 * np.sin(np.pi * (v % 1.0)), 0.8 + 0.15 * np.sin(np.pi * (u % 1.0)))
        base = np.array(rng.choice([[110, 170, 200], [95, 150, 185], [140, 170, 150]]), np.float32)
        img = base[None, None, :] * shade[..., None].astype(np.float32)
    else:  # "desk": plain grey with a gradient
        img = np.full((h, w, 3), rng.uniform(100, 160), np.float32)
        img *= (0.8 + 0.4 * xx / max(w, 1))[..., None]
    return np.clip(img, 0, 255).astype(np.uint8)


@dataclass
class SyntheticPhoto:
    """A photo of a page with its exact ground truth."""

    image: np.ndarray
    corners: np.ndarray  # 4x2, TL TR BR BL of the page in the photo
    homography: np.ndarray  # upright page -> photo
    rotation_deg: int
    skew_deg: float
    page: SyntheticPage


def photograph(
    page: SyntheticPage,
    seed: int = 0,
    photo_size: tuple[int, int] = (1200, 1600),
    bg_kind: str = "wood",
    rotation_deg: int = 0,
    skew_deg: float = 0.0,
    perspective: float = 0.08,
    fill: float = 0.75,
    shadow: bool = True,
    finger: bool = False,
    blur_sigma: float = 0.0,
    jpeg_quality: int | None = 85,
    adjacent_page: bool = False,
) -> SyntheticPhoto:
    """Place ``page`` on a background under a known homography, as a phone would see it.

    ``adjacent_page``: the booklet's next page lies beside it, sharing its right side (a
    pale sheet with lines of text, under the page).
    """
    rng = np.random.default_rng(seed)
    ph, pw = page.image.shape[:2]
    W, H = photo_size
    src = np.array([[0, 0], [pw, 0], [pw, ph], [0, ph]], np.float64)
    # Where the upright page lands: rotate its corners, scale to fit, jitter for perspective.
    angle = math.radians(rotation_deg + skew_deg)
    c, s = math.cos(angle), math.sin(angle)
    centred = src - [pw / 2, ph / 2]
    # counter-clockwise on screen with y pointing down
    rot = np.stack([centred[:, 0] * c + centred[:, 1] * s, -centred[:, 0] * s + centred[:, 1] * c], axis=1)
    ext = rot.max(axis=0) - rot.min(axis=0)
    scale = fill * min(W / ext[0], H / ext[1])
    dst = rot * scale + [W / 2 + rng.uniform(-0.03, 0.03) * W, H / 2 + rng.uniform(-0.03, 0.03) * H]
    diag = math.hypot(*(ext * scale))
    dst += rng.uniform(-perspective, perspective, (4, 2)) * diag * 0.5
    hmat = cv2.getPerspectiveTransform(src.astype(np.float32), dst.astype(np.float32))
    bg = background(bg_kind, (W, H), rng)
    if adjacent_page:
        a, b = dst[1], dst[2]
        out = (dst[1] - dst[0]) * 0.6
        sheet = np.array([a, a + out, b + out, b])
        cv2.fillPoly(bg, [sheet.astype(np.int32)], (232, 236, 240))
        for t in np.linspace(0.1, 0.9, 12):
            p0 = a + (b - a) * t + out * 0.1
            cv2.line(bg, tuple(int(v) for v in p0), tuple(int(v) for v in p0 + out * 0.7), (90, 90, 95), 2)
    warped = cv2.warpPerspective(page.image, hmat, (W, H), flags=cv2.INTER_AREA if scale < 1 else cv2.INTER_LINEAR)
    mask = cv2.warpPerspective(np.full((ph, pw), 255, np.uint8), hmat, (W, H), flags=cv2.INTER_LINEAR)
    alpha = (mask.astype(np.float32) / 255.0)[..., None]
    img = warped.astype(np.float32) * alpha + bg.astype(np.float32) * (1 - alpha)
    if shadow:
        yy, xx = np.mgrid[0:H, 0:W].astype(np.float32)
        gx, gy = rng.uniform(-1, 1, 2)
        grad = 1.0 - 0.35 * np.clip((xx / W - 0.5) * gx + (yy / H - 0.5) * gy + 0.5, 0, 1)
        img *= grad[..., None]
        cast = rng.uniform(0.9, 1.08, 3).astype(np.float32)
        img *= cast[None, None, :]
    if finger:
        edge = int(rng.integers(0, 4))
        a, b = dst[edge], dst[(edge + 1) % 4]
        t = rng.uniform(0.3, 0.7)
        p = a + (b - a) * t
        direction = (dst.mean(axis=0) - p)
        direction /= np.linalg.norm(direction) + 1e-9
        tip = p + direction * 0.06 * diag
        base = p - direction * 0.1 * diag
        cv2.line(img, tuple(int(v) for v in base), tuple(int(v) for v in tip),
                 (120, 150, 205), int(0.04 * diag), cv2.LINE_AA)
    if blur_sigma > 0:
        img = cv2.GaussianBlur(img, (0, 0), blur_sigma)
    img += rng.normal(0, 3, img.shape).astype(np.float32)
    out = np.clip(img, 0, 255).astype(np.uint8)
    if jpeg_quality:
        ok, buf = cv2.imencode(".jpg", out, [cv2.IMWRITE_JPEG_QUALITY, jpeg_quality])
        if ok:
            out = cv2.imdecode(buf, cv2.IMREAD_COLOR)
    return SyntheticPhoto(out, dst.astype(np.float64), hmat.astype(np.float64), rotation_deg, skew_deg, page)


def scan(
    page: SyntheticPage,
    rotation_deg: int = 0,
    skew_deg: float = 0.0,
    yellow: float = 0.0,
    cut_corner: float = 0.0,
    seed: int = 0,
) -> tuple[np.ndarray, np.ndarray]:
    """A flatbed-like scan: the page turned by a known angle on a white lid, optionally aged.

    ``cut_corner`` removes that fraction of the page width from the top-right corner (a
    triangle showing the scanner lid).  Returns the image and the upright-page -> scan matrix.
    """
    rng = np.random.default_rng(seed)
    img = page.image.copy()
    if yellow > 0:
        tint = np.array([1 - 0.35 * yellow, 1 - 0.1 * yellow, 1.0], np.float32)
        img = np.clip(img.astype(np.float32) * tint, 0, 255)
        stains = cv2.GaussianBlur(rng.normal(0, 1, img.shape[:2]).astype(np.float32), (0, 0), 25)
        stains = 1 - yellow * 0.25 * np.clip(stains / (np.abs(stains).max() + 1e-6), 0, 1)
        img = (img * stains[..., None]).astype(np.uint8)
    _h, w = img.shape[:2]
    if cut_corner > 0:
        d = int(cut_corner * w)
        tri = np.array([[w - d, 0], [w, 0], [w, d]], np.int32)
        cv2.fillPoly(img, [tri], (250, 250, 250))
    out, m = turn(img, rotation_deg, skew_deg, fill=(250, 250, 250))
    return out, m
