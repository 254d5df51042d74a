"""Ballpoint handwriting for the real-style pages: entries written by hand over dotted leaders.

:class:`HandCanvas` is a :class:`~digitize.synth.canvas.Canvas` whose handwriting is
closer to a ballpoint entry than the base canvas's: a stronger and more varied pen slant,
per-glyph size, baseline and rotation jitter, a stroke width that changes along the run
(pen pressure), uneven ink and a slightly rising or falling baseline.  It is used only by
the ``real_style`` renderers, so the older conditions keep their exact bytes.

:func:`hand_on_dots` writes a value by hand over a printed dotted leader, the way dates
and registry numbers are filled in on printed certificates.
"""

from __future__ import annotations

import math

import numpy as np
from PIL import Image, ImageDraw, ImageFilter

from digitize.synth import fonts
from digitize.synth.canvas import BLACK, BLUE_INK, Canvas, Color, Seg

SLANT_DEG = (4.0, 20.0)  # forward slant of a right-handed writer
GLYPH_ROT_DEG = 4.0  # each glyph turned a little on its own
TILT_DEG = 3.0  # the run's baseline rises or falls
PRESSURE_MAX = 2  # extra stroke width (pixels) at the heaviest pressure
PRESSURE_STEP = 0.15  # how fast the pressure changes from one glyph to the next
INK_FLOOR = 0.7  # lightest ink density where the ballpoint skips
BLUE_SHARE = 0.75  # ballpoint entries in blue rather than black
LEADER_PAD_MM = 2.0  # dotted leader beyond the written entry, each side


def pen_color(rng: np.random.Generator) -> Color:
    """Blue or black ballpoint ink, blue most of the time."""
    return BLUE_INK if rng.random() < BLUE_SHARE else BLACK


class HandCanvas(Canvas):
    """A canvas whose handwritten runs look like ballpoint entries (see the module docstring)."""

    def hand_text(self, text: str, x: float, y: float, size_px: float, color: Color) -> tuple[
            tuple[float, float, float, float], float]:
        """Draw ``text`` as a ballpoint entry from (x, baseline y); return the ink box and the advance.

        ASCII entries (digits, registry numbers) use a script font when one is installed;
        others a jittered italic face that covers Vietnamese marks.
        """
        rng = self.rng
        ascii_only = all(ord(c) < 128 for c in text) and bool(self.hand_family)
        role, fam = ("hand", self.hand_family) if ascii_only else ("hand_vi", self.hand_vi_family)
        size = size_px * (1.3 if ascii_only and fam in ("dancing", "kaushan") else 1.1)
        pad = int(size)
        width = int(sum(fonts.load(fonts.font_path(role, fam), round(size)).getlength(c) for c in text) * 1.35)
        canvas = Image.new("L", (width + 2 * pad, int(size * 2.8)), 0)
        base = int(size * 1.7)
        cx = float(pad)
        pressure = float(rng.uniform(0, 1))
        for ch in text:
            s = size * float(rng.uniform(0.88, 1.14))
            f = fonts.load(fonts.font_path(role, fam), round(s))
            if ch.strip():
                pressure = float(np.clip(pressure + rng.normal(0, PRESSURE_STEP), 0, 1))
                stroke = round(pressure * PRESSURE_MAX) if s > 18 else 0
                glyph = Image.new("L", (int(s * 2), int(s * 2.4)), 0)
                gd = ImageDraw.Draw(glyph)
                gd.text((s * 0.5, s * 1.6), ch, font=f, fill=255, anchor="ls", stroke_width=stroke, stroke_fill=255)
                glyph = glyph.rotate(float(rng.uniform(-GLYPH_ROT_DEG, GLYPH_ROT_DEG)), Image.Resampling.BILINEAR,
                                     center=(s * 0.5, s * 1.6))
                ink = float(rng.uniform(INK_FLOOR, 1.0))
                glyph = glyph.point(lambda v, k=ink: int(v * k))
                gx = round(cx - s * 0.5)
                gy = round(base + float(rng.normal(0, size * 0.04)) - s * 1.6)
                self._paste_max(canvas, glyph, gx, gy)
            cx += f.getlength(ch) * float(rng.uniform(0.92, 1.15)) + (size * 0.04 if ch != " " else size * 0.1)
        slant = math.tan(math.radians(float(rng.uniform(*SLANT_DEG))))
        tilt = math.radians(float(rng.uniform(-TILT_DEG, TILT_DEG)))
        ct, st = math.cos(tilt), math.sin(tilt)
        m00, m01, m10, m11 = ct - slant * st, st + slant * ct, -st, ct
        o_x, o_y = float(pad), float(base)
        coeffs = (m00, m01, o_x - (m00 * o_x + m01 * o_y), m10, m11, o_y - (m10 * o_x + m11 * o_y))
        canvas = canvas.transform(canvas.size, Image.Transform.AFFINE, coeffs, resample=Image.Resampling.BILINEAR)
        canvas = canvas.filter(ImageFilter.GaussianBlur(0.7))
        bb = canvas.getbbox()
        if bb is None:
            return (x, y, x, y), 0.0
        ox, oy = round(x - pad), round(y - base)
        self._paste_max(self.layer(color), canvas, ox, oy)
        return (ox + bb[0], oy + bb[1], ox + bb[2], oy + bb[3]), float(cx - pad)


def hand_on_dots(cv: Canvas, x: float, y: float, text: str, size: float, field: str | None, color: Color,
                 min_width_mm: float = 10.0) -> float:
    """A dotted leader from x with ``text`` handwritten over it; return the x after the leader.

    The dots are part of the printed form (not the fill-in offset); the entry sits on them,
    slightly above, offset a little along the leader.  The truth line is the entry alone.
    """
    mm = cv.mm
    rng = cv.rng
    width = max(mm(min_width_mm), cv.text_width(text, size) * 1.35 + 2 * mm(LEADER_PAD_MM))
    cv.dotted(x, x + width, y + size * 0.08)
    start = x + mm(LEADER_PAD_MM) * float(rng.uniform(0.4, 1.4)) - cv.fill_dx
    cv.run(start, y - size * float(rng.uniform(0.0, 0.15)) - cv.fill_dy,
           [Seg(text, field=field, hand=True, color=color)], size)
    return x + width
