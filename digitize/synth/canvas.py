"""Drawing surface that records what it draws: text lines, value boxes and the record.

Ink is drawn into one coverage mask per colour and composited multiplicatively onto
the paper at the end (toner, ballpoint and stamp ink all darken the paper under them),
so drawing order never matters.  Every text run registers its line(s) with exact text
and box, and the boxes of the field values it carries.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from PIL import Image, ImageChops, ImageDraw, ImageFilter

from digitize.model import nfc, parse_path
from digitize.synth import fonts

Color = tuple[int, int, int]

BLACK: Color = (22, 20, 24)
RED: Color = (200, 30, 40)
BLUE_INK: Color = (30, 45, 150)


@dataclass
class DrawnLine:
    """One text line as drawn on the flat page."""

    text: str
    quad: np.ndarray  # (4, 2) TL, TR, BR, BL
    kind: str = "print"
    field: str | None = None


@dataclass
class Seg:
    """A piece of a text run.  ``field`` marks the piece as the value of a field path."""

    text: str
    field: str | None = None
    style: str = "regular"
    color: Color | None = None
    hand: bool = False
    scale: float = 1.0
    gap: bool = False  # a visual gap before this piece: a new truth line starts
    kind: str | None = None  # override ("stamp", "mrz")
    tab: float = 0.0  # extra advance (pixels) before this piece, like a tab stop


@dataclass
class Rendered:
    """A rendered flat page with everything the ground truth needs."""

    image: np.ndarray  # H x W x 3 uint8 RGB
    lines: list[DrawnLine]
    boxes: dict[str, np.ndarray]  # field path -> (4, 2) quad
    record: dict[str, Any]
    dpi: float
    doc_type: str
    page_role: str
    seal_mask: np.ndarray | None = None  # H x W uint8, where seal ink covers the page
    extra: dict[str, Any] = field(default_factory=dict)


def set_path(record: dict[str, Any], path: str, value: Any) -> None:
    """Set ``record[path]`` for a field path such as ``thua_dat[0].muc_dich_su_dung[1].ma``."""
    parts = parse_path(path)
    node: Any = record
    for i, part in enumerate(parts):
        last = i == len(parts) - 1
        nxt = None if last else parts[i + 1]
        if isinstance(part, int):
            while len(node) <= part:
                node.append(None)
            if last:
                node[part] = value
            else:
                if node[part] is None:
                    node[part] = [] if isinstance(nxt, int) else {}
                node = node[part]
        else:
            if last:
                node[part] = value
            else:
                if node.get(part) is None:
                    node[part] = [] if isinstance(nxt, int) else {}
                node = node[part]


def box_quad(x0: float, y0: float, x1: float, y1: float) -> np.ndarray:
    """Axis-aligned box as a (4, 2) quad TL, TR, BR, BL."""
    return np.array([[x0, y0], [x1, y0], [x1, y1], [x0, y1]], dtype=float)


def _pick_serif(rng: np.random.Generator) -> str:
    """Times-like first: Liberation Serif most of the time, other Vietnamese serifs sometimes."""
    fams = list(fonts.families("serif"))
    weights = np.array([{"liberation": 6.0, "freeserif": 1.5, "notoserif": 1.0}.get(f, 1.0) for f in fams])
    return fams[int(rng.choice(len(fams), p=weights / weights.sum()))]


class Canvas:
    """A page being drawn: paper, ink masks per colour, recorded lines, values and boxes."""

    def __init__(self, paper: np.ndarray, dpi: float, rng: np.random.Generator,
                 serif: str | None = None, sans: str | None = None, hand: str | None = None,
                 hand_vi: str | None = None, vary: bool = True) -> None:
        self.paper = paper.astype(np.uint8)
        self.h, self.w = paper.shape[:2]
        self.dpi = dpi
        self.rng = rng
        self.layers: dict[Color, Image.Image] = {}
        self.lines: list[DrawnLine] = []
        self.boxes: dict[str, list[float]] = {}
        self.record: dict[str, Any] = {}
        self.serif = serif or _pick_serif(rng)
        self.sans = sans or fonts.families("sans")[0]
        script_fonts = fonts.available("hand")  # optional Debian packages; simulated handwriting otherwise
        self.hand_family = hand or (str(rng.choice(script_fonts)) if script_fonts else "")
        self.hand_vi_family = hand_vi or str(rng.choice(fonts.families("hand_vi")))
        self.overlays: list[tuple[Image.Image, tuple[int, int]]] = []  # RGBA pasted over (emblem, photo)
        self.seal_layer: Image.Image | None = None
        # the filled-in data of a pre-printed form lands slightly off (printer feed)
        self.fill_dx = 0.0
        self.fill_dy = 0.0
        # office-to-office variation of type size, leading and margins
        self.k = float(rng.uniform(0.94, 1.05)) if vary else 1.0
        self.lead_k = float(rng.uniform(0.95, 1.08)) if vary else 1.0
        self.margin = float(rng.normal(0, 1.2)) * dpi / 25.4 if vary else 0.0

    # -- units ------------------------------------------------------------------------
    def mm(self, v: float) -> float:
        """Millimetres to pixels."""
        return v * self.dpi / 25.4

    def pt(self, v: float) -> int:
        """Typographic points to pixels (times this page's type-size factor)."""
        return round(v * self.k * self.dpi / 72.0)

    def layer(self, color: Color) -> Image.Image:
        """The ink coverage mask of one colour."""
        if color not in self.layers:
            self.layers[color] = Image.new("L", (self.w, self.h), 0)
        return self.layers[color]

    # -- record -----------------------------------------------------------------------
    def value(self, path: str, value: Any) -> None:
        """Register the normalised value of a field printed on this page."""
        if isinstance(value, str):
            value = nfc(value)
        set_path(self.record, path, value)

    def share_box(self, group: str, paths: list[str]) -> None:
        """Give the box drawn for ``group`` to each of ``paths`` (one text carrying several values)."""
        box = self.boxes.pop(group, None)
        if box is None:
            return
        for p in paths:
            self.boxes[p] = list(box)
        for ln in self.lines:
            if ln.field == group:
                ln.field = paths[0] if paths else None

    def _add_box(self, path: str, bbox: tuple[float, float, float, float]) -> None:
        if path in self.boxes:
            b = self.boxes[path]
            self.boxes[path] = [min(b[0], bbox[0]), min(b[1], bbox[1]), max(b[2], bbox[2]), max(b[3], bbox[3])]
        else:
            self.boxes[path] = list(bbox)

    # -- text -------------------------------------------------------------------------
    def font(self, size_px: float, style: str = "regular", role: str = "serif", family: str | None = None) -> Any:
        """A font of a role (serif, sans, mono...) in this page's family."""
        fam = family or (self.serif if role == "serif" else self.sans if role == "sans" else fonts.families(role)[0])
        return fonts.load(fonts.font_path(role, fam, style), round(size_px))

    def text_width(self, text: str, size_px: float, style: str = "regular", role: str = "serif") -> float:
        """Advance width of a string."""
        return float(self.font(size_px, style, role).getlength(text))

    def run(self, x: float, y: float, segs: list[Seg], size_px: float, role: str = "serif",
            color: Color = BLACK, kind: str = "print", fill: bool = True, track: float = 0.0) -> float:
        """Draw pieces of text on one baseline from (x, y); return the x after the last piece.

        ``fill`` applies the page's fill-in offset (variable data printed on a form).
        A new truth line starts at a gap, or where print meets handwriting.
        """
        if fill:
            x += self.fill_dx
            y += self.fill_dy
        groups: list[list[tuple[str, tuple[float, float, float, float], str, str | None]]] = []
        cur_kind: str | None = None
        for seg in segs:
            seg_kind = seg.kind or ("handwriting" if seg.hand else kind)
            x += seg.tab
            if seg.gap or seg_kind != cur_kind or not groups:
                groups.append([])
                cur_kind = seg_kind
            lead = seg.text[: len(seg.text) - len(seg.text.lstrip())]
            core = seg.text.strip()
            trail = seg.text[len(seg.text.rstrip()):] if core else ""
            size = size_px * seg.scale
            if seg.hand:
                f_sp = self.font(size, "regular", "serif")
                x += f_sp.getlength(lead) if lead else 0
                bbox, adv = self.hand_text(core, x, y, size, seg.color or BLUE_INK)
                x += adv
                x += f_sp.getlength(trail) if trail else 0
            else:
                f = self.font(size, seg.style, role)
                x += f.getlength(lead) if lead else 0
                col = seg.color or color
                if core:
                    ImageDraw.Draw(self.layer(col)).text((x, y), core, font=f, fill=255, anchor="ls")
                    b = f.getbbox(core, anchor="ls")
                    bbox = (x + b[0], y + b[1], x + b[2], y + b[3])
                    adv = f.getlength(core)
                else:
                    bbox, adv = (x, y, x, y), 0.0
                x += adv + (f.getlength(trail) if trail else 0)
            if core:
                groups[-1].append((seg.text, bbox, seg_kind, seg.field))
                if seg.field:
                    self._add_box(seg.field, bbox)
            elif seg.text:
                groups[-1].append((seg.text, bbox, seg_kind, None))
        for g in groups:
            text = "".join(t for t, *_ in g).strip()
            boxes = [b for t, b, *_ in g if t.strip()]
            if not text or not boxes:
                continue
            x0 = min(b[0] for b in boxes)
            y0 = min(b[1] for b in boxes)
            x1 = max(b[2] for b in boxes)
            y1 = max(b[3] for b in boxes)
            fields_in = [f for *_, f in g if f]
            field0 = fields_in[0] if fields_in else None
            self.lines.append(DrawnLine(nfc(text), box_quad(x0, y0, x1, y1), g[0][2], field0))
        return x

    def text(self, x: float, y: float, text: str, size_px: float, style: str = "regular", role: str = "serif",
             color: Color = BLACK, field: str | None = None, align: str = "left", kind: str = "print",
             fill: bool = False) -> float:
        """One plain piece of text; ``align`` left/center/right around x."""
        w = self.text_width(text, size_px, style, role)
        if align == "center":
            x -= w / 2
        elif align == "right":
            x -= w
        return self.run(x, y, [Seg(text, field=field, style=style)], size_px, role, color, kind, fill)

    def hand_text(self, text: str, x: float, y: float, size_px: float, color: Color) -> tuple[
            tuple[float, float, float, float], float]:
        """Handwriting-like text: a script font for ASCII, jittered italic for Vietnamese.

        Per-glyph baseline, size and spacing jitter, a pen slant and a slight baseline tilt.
        Returns the ink bounding box on the page and the advance.
        """
        rng = self.rng
        ascii_only = all(ord(c) < 128 for c in text) and bool(self.hand_family)
        role, fam = ("hand", self.hand_family) if ascii_only else ("hand_vi", self.hand_vi_family)
        scale = 1.25 if ascii_only and fam in ("dancing", "kaushan") else 1.05
        size = size_px * scale
        pad = int(size)
        font = fonts.load(fonts.font_path(role, fam), round(size))
        width = int(sum(font.getlength(c) for c in text) * 1.25) + 2 * pad
        tmp = Image.new("L", (width, int(size * 2.6)), 0)
        d = ImageDraw.Draw(tmp)
        base = int(size * 1.6)
        cx = float(pad)
        stroke = int(rng.integers(0, 2)) if size > 30 else 0
        for c in text:
            s = size * float(rng.uniform(0.9, 1.1))
            f = fonts.load(fonts.font_path(role, fam), round(s))
            dy = float(rng.normal(0, size * 0.035))
            d.text((cx, base + dy), c, font=f, fill=255, anchor="ls", stroke_width=stroke, stroke_fill=255)
            cx += f.getlength(c) * float(rng.uniform(0.95, 1.12)) + (size * 0.03 if c != " " else 0)
        slant = math.tan(math.radians(float(rng.uniform(-4, 16)) if not ascii_only else float(rng.uniform(-6, 8))))
        tilt = math.radians(float(rng.uniform(-2.5, 2.5)))
        # forward: out = R(tilt) . Shear(slant) . (in - o) + o about the run origin o;
        # PIL wants the inverse: in = M (out - o) + o with M = Shear^-1 . R^-1
        ct, st = math.cos(tilt), math.sin(tilt)
        m00, m01, m10, m11 = ct - slant * st, st + slant * ct, -st, ct
        o_x, o_y = float(pad), float(base)
        a, b, c0 = m00, m01, o_x - (m00 * o_x + m01 * o_y)
        dd, e, f0 = m10, m11, o_y - (m10 * o_x + m11 * o_y)
        tmp = tmp.transform(tmp.size, Image.Transform.AFFINE, (a, b, c0, dd, e, f0), resample=Image.Resampling.BILINEAR)
        tmp = tmp.filter(ImageFilter.GaussianBlur(0.6))
        bb = tmp.getbbox()
        if bb is None:
            return (x, y, x, y), 0.0
        ox, oy = round(x - pad), round(y - base)
        self._paste_max(self.layer(color), tmp, ox, oy)
        bbox = (ox + bb[0], oy + bb[1], ox + bb[2], oy + bb[3])
        return bbox, float(cx - pad)

    @staticmethod
    def _paste_max(layer: Image.Image, mask: Image.Image, ox: int, oy: int) -> None:
        x0, y0 = max(0, ox), max(0, oy)
        x1, y1 = min(layer.width, ox + mask.width), min(layer.height, oy + mask.height)
        if x1 <= x0 or y1 <= y0:
            return
        src = mask.crop((x0 - ox, y0 - oy, x1 - ox, y1 - oy))
        dst = layer.crop((x0, y0, x1, y1))
        layer.paste(ImageChops.lighter(dst, src), (x0, y0))

    def paste_ink(self, mask: Image.Image, ox: int, oy: int, color: Color) -> None:
        """Add an ink coverage mask (L) of a colour at (ox, oy)."""
        self._paste_max(self.layer(color), mask, ox, oy)

    def wrap(self, text: str, first_width: float, width: float, size_px: float, style: str = "regular",
             role: str = "serif") -> list[str]:
        """Greedy word wrap: first line ``first_width`` wide, the next ones ``width``."""
        words = text.split()
        lines: list[str] = []
        cur = ""
        limit = first_width
        for wd in words:
            trial = (cur + " " + wd).strip()
            if cur and self.text_width(trial, size_px, style, role) > limit:
                lines.append(cur)
                cur = wd
                limit = width
            else:
                cur = trial
        if cur:
            lines.append(cur)
        return lines

    def labelled(self, x: float, y: float, label: str, value: str, path: str | None, size_px: float,
                 right: float, indent: float | None = None, leading: float = 1.35, value_style: str = "regular",
                 label_style: str = "regular", role: str = "serif") -> float:
        """'Label: value' with the value wrapped to the right margin; return the next baseline."""
        lw = self.text_width(label + " ", size_px, label_style, role)
        parts = self.wrap(value, right - x - lw, right - x - (indent or 0), size_px, value_style, role)
        if not parts:
            parts = [""]
        self.run(x, y, [Seg(label + " ", style=label_style), Seg(parts[0], field=path, style=value_style)],
                 size_px, role)
        for p in parts[1:]:
            y += size_px * leading
            self.run(x + (indent or 0), y, [Seg(p, field=path, style=value_style)], size_px, role)
        return y + size_px * leading

    # -- shapes -----------------------------------------------------------------------
    def draw(self, color: Color) -> ImageDraw.ImageDraw:
        """A drawing handle on the ink mask of a colour (lines, rectangles...)."""
        return ImageDraw.Draw(self.layer(color))

    def overlay(self, rgba: Image.Image, x: int, y: int) -> None:
        """Paste a full-colour RGBA picture (emblem, portrait) over the page."""
        self.overlays.append((rgba, (x, y)))

    def dotted(self, x0: float, x1: float, y: float, color: Color = BLACK, step: float | None = None) -> None:
        """A dotted leader line (the dots handwriting is written over)."""
        step = step or self.mm(0.9)
        d = self.draw(color)
        r = max(1.0, self.dpi / 250)
        xx = x0
        while xx < x1:
            d.ellipse((xx - r, y - r, xx + r, y + r), fill=200)
            xx += step

    # -- finish -----------------------------------------------------------------------
    def compose(self) -> np.ndarray:
        """Paper x every ink layer (multiply), then the colour overlays."""
        out = self.paper.astype(np.float32) * (1.0 / 255.0)
        for color, layer in self.layers.items():
            bb = layer.getbbox()
            if bb is None:
                continue
            x0, y0, x1, y1 = bb
            a = np.asarray(layer.crop(bb), dtype=np.float32) * (1.0 / 255.0)
            col = 1.0 - np.array(color, dtype=np.float32) / 255.0
            out[y0:y1, x0:x1] *= 1.0 - a[..., None] * col[None, None, :]
        img = Image.fromarray(np.clip(out * 255.0 + 0.5, 0, 255).astype(np.uint8))
        for rgba, (x, y) in self.overlays:
            img.paste(rgba, (x, y), rgba)
        return np.asarray(img)

    def finish(self, doc_type: str, page_role: str, extra_ink: list[tuple[np.ndarray, Color]] | None = None
               ) -> Rendered:
        """The rendered page with its lines, boxes and record."""
        img = self.compose()
        seal = np.asarray(self.seal_layer) if self.seal_layer is not None else None
        return Rendered(
            image=img, lines=self.lines, boxes={k: box_quad(*v) for k, v in self.boxes.items()},
            record=self.record, dpi=self.dpi, doc_type=doc_type, page_role=page_role, seal_mask=seal,
        )
