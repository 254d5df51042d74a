"""Pieces shared by the certificate renderers: headings, date line, authority block, seal."""

from __future__ import annotations

from datetime import date

import numpy as np

from digitize.synth import art
from digitize.synth.canvas import BLACK, BLUE_INK, RED, Canvas, Color, Seg
from digitize.synth.data import Certificate, pick

HEADING_1 = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
HEADING_2 = "Độc lập - Tự do - Hạnh phúc"


def national_heading(cv: Canvas, cx: float, y: float, size: float, color: Color = BLACK) -> float:
    """The two-line national heading centred on cx with its short rule; returns the next y."""
    cv.text(cx, y, HEADING_1, size, "bold", color=color, align="center")
    y2 = y + size * 1.3
    cv.text(cx, y2, HEADING_2, size * 1.05, "bold", color=color, align="center")
    w = cv.text_width(HEADING_2, size * 1.05, "bold")
    cv.draw(color).line((cx - w / 2, y2 + size * 0.35, cx + w / 2, y2 + size * 0.35), fill=255,
                        width=max(1, int(size / 14)))
    return y2 + size * 1.6


def date_line(cv: Canvas, cx: float, y: float, place: str, d: date, size: float, hand_prob: float = 0.5,
              zero_pad: bool | None = None) -> None:
    """'Quảng Ninh, ngày 14 tháng 3 năm 2016' in italics, day/month often handwritten."""
    rng = cv.rng
    hand = rng.random() < hand_prob
    hand_year = hand and rng.random() < 0.3
    pad = rng.random() < 0.5 if zero_pad is None else zero_pad
    dd = f"{d.day:02d}" if pad else str(d.day)
    mm = f"{d.month:02d}" if pad else str(d.month)
    segs = [Seg(place, field="noi_cap", style="italic"), Seg(", ", style="italic"),
            Seg("ngày ", field="ngay_cap", style="italic"),
            Seg(dd, field="ngay_cap", hand=hand, style="italic", gap=hand),
            Seg(" tháng ", field="ngay_cap", style="italic", gap=hand),
            Seg(mm, field="ngay_cap", hand=hand, style="italic", gap=hand),
            Seg(" năm ", field="ngay_cap", style="italic", gap=hand),
            Seg(str(d.year), field="ngay_cap", hand=hand_year, style="italic", gap=hand_year)]
    total = sum(cv.text_width(s.text, size, "italic") for s in segs)
    cv.run(cx - total / 2, y, segs, size)
    cv.value("noi_cap", place)
    cv.value("ngay_cap", d.isoformat())


def authority_block(cv: Canvas, cert: Certificate, cx: float, y: float, size: float, seal_px: int) -> float:
    """Authority lines, signer title, signature, red seal over it, signer name; returns the bottom y."""
    rng = cv.rng
    top = y - size
    for i, line in enumerate(cert.authority_lines):
        is_value = not line.startswith(("TM.", "KT."))
        segs: list[Seg]
        if line.startswith("TM. "):
            segs = [Seg("TM. ", style="bold"), Seg(line[4:], field="co_quan_cap", style="bold")]
        else:
            segs = [Seg(line, field="co_quan_cap" if is_value or i > 0 else None, style="bold")]
        w = sum(cv.text_width(s.text, size, "bold") for s in segs)
        cv.run(cx - w / 2, y, segs, size)
        y += size * 1.3
    cv.value("co_quan_cap", cert.co_quan_cap)
    for line in cert.signer_title.split("\n"):
        cv.text(cx, y, line, size, "bold", align="center", fill=True)
        y += size * 1.3
    sig_w, sig_h = int(size * 7), int(size * 3)
    sig_y = y + size * 0.2
    sig = art.signature(sig_w, sig_h, rng, width=max(2, int(size / 12)))
    ink = BLUE_INK if rng.random() < 0.7 else BLACK
    sx = int(cx - sig_w / 2 + float(rng.normal(0, size)))
    cv.paste_ink(sig, sx, int(sig_y), ink)
    # the seal sits left of the signature, over it and over the authority lines
    seal = art.seal(seal_px, cert.seal_text[0], cert.seal_text[1], rng)
    scx = cx - seal_px * float(rng.uniform(0.25, 0.5))
    scy = (top + sig_y + sig_h) / 2 + float(rng.normal(0, size * 0.5))
    ox, oy = int(scx - seal_px / 2), int(scy - seal_px / 2)
    cv.paste_ink(seal, ox, oy, (205, 38, 52))
    from PIL import Image

    if cv.seal_layer is None:
        cv.seal_layer = Image.new("L", (cv.w, cv.h), 0)
    cv._paste_max(cv.seal_layer, seal, ox, oy)
    y = sig_y + sig_h + size * 0.9
    cv.text(cx, y, cert.signer, size, "bold", align="center", fill=True)
    return y + size


def registry_line(cv: Canvas, x: float, y: float, cert: Certificate, size: float, label: str,
                  hand_prob: float = 0.7) -> None:
    """'Số vào sổ cấp GCN: CS 05494', the number usually handwritten over dots."""
    rng = cv.rng
    hand = rng.random() < hand_prob
    end = cv.run(x, y, [Seg(label + ": ", style=str(pick(rng, ["regular", "bold"])))], size)
    if hand:
        cv.dotted(end + 2 + cv.fill_dx, end + cv.mm(38) + cv.fill_dx, y + size * 0.1 + cv.fill_dy)
        cv.run(end + cv.mm(3), y - size * 0.05,
               [Seg(cert.so_vao_so_printed, field="so_vao_so", hand=True,
                    color=BLUE_INK if rng.random() < 0.8 else BLACK)], size * 1.05)
    else:
        cv.run(end, y, [Seg(cert.so_vao_so_printed, field="so_vao_so", style="bold")], size)
    cv.value("so_vao_so", cert.so_vao_so)


def red_serial(cv: Canvas, cx: float, y: float, serial: str, size: float) -> None:
    """The serial (số phát hành) printed in red on the form."""
    cv.text(cx, y, serial, size, "bold", role="serif", color=RED, field="so_phat_hanh", align="center")
    cv.value("so_phat_hanh", serial)


def jitter_fill(cv: Canvas, rng: np.random.Generator) -> None:
    """Offset the filled-in data relative to the pre-printed form (printer feed tolerance)."""
    cv.fill_dx = float(rng.normal(0, cv.mm(0.8)))
    cv.fill_dy = float(rng.normal(0, cv.mm(0.8)))
