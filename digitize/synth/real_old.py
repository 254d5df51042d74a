"""A pre-2009 certificate (red book inside page) as real ones look (the ``real_style`` condition).

Cream or white paper with a thin printed frame; entries typed or written by hand over
dotted lines; the land in a ruled table whose rows read type | area | term ("Đất vườn 280
2043", "Đất ở 200 Lâu dài", "Ao 95 2013") after the parcel and sheet numbers; the date
written the short way ("Điện Biên, ngày 12-8-2003"), usually by hand; the registry number
("Vào sổ cấp giấy CNQSDĐ số: 00457 QSDĐ/1234/QĐ-UB") by hand.
"""

from __future__ import annotations

import numpy as np

from digitize.synth import art, common, real_forms
from digitize.synth.canvas import BLACK, RED, Rendered, Seg
from digitize.synth.data import Certificate, pick
from digitize.synth.gcn_old import PAGE_MM
from digitize.synth.handwriting import HandCanvas, hand_on_dots, pen_color

HAND_SHARE = 0.6  # entries written by hand rather than typed
SHORT_DATE_HAND_SHARE = 0.7
PAPERS = ((247, 240, 222), (250, 249, 244), (243, 234, 212))  # cream, white, older cream
OLD_TERM_YEARS = (2013, 2018, 2023, 2043, 2045, 2048)  # 20- and 50-year terms from the 1990s


def _terms(cert: Certificate, rng: np.random.Generator) -> None:
    """Old books print the term as a year (or "Lâu dài" for homestead land) and whole square metres."""
    for pc in cert.parcels:
        pc.dien_tich = float(round(pc.dien_tich))
        for u in pc.uses:
            u.dien_tich = pc.dien_tich
        pc.thoi_han = "Lâu dài" if pc.uses[0].ma == "ONT" else str(pick(rng, list(OLD_TERM_YEARS)))


def render_old_page(cert: Certificate, rng: np.random.Generator, dpi: float = 200.0) -> Rendered:
    """The inside page of an old red book as real ones look (see the module docstring)."""
    _terms(cert, rng)
    w, h = round(PAGE_MM[0] * dpi / 25.4), round(PAGE_MM[1] * dpi / 25.4)
    paper = art.plain_paper(w, h, rng, base=PAPERS[int(rng.integers(0, len(PAPERS)))])
    art.border_band(paper, int(w * 0.04), int(w * 0.012), rng, (190, 80, 80))
    cv = HandCanvas(paper, dpi, rng)
    common.jitter_fill(cv, rng)
    mm = cv.mm
    hand = rng.random() < HAND_SHARE
    ink = pen_color(rng)
    size = cv.pt(12)
    lead = size * 1.55
    cx = cv.w / 2
    y = common.national_heading(cv, cx, mm(20), cv.pt(11.5), BLACK) + mm(6)
    cv.text(cx, y, "GIẤY CHỨNG NHẬN", cv.pt(20), "bold", color=RED, align="center")
    y += mm(8)
    cv.text(cx, y, "QUYỀN SỬ DỤNG ĐẤT", cv.pt(17), "bold", color=RED, align="center")
    y += mm(12)
    x, right = mm(16), cv.w - mm(16)
    cv.run(x, y, [Seg("ỦY BAN NHÂN DÂN "), Seg(cert.co_quan_cap.replace("ỦY BAN NHÂN DÂN ", ""), style="bold")],
           size, fill=False)
    y += lead
    cv.run(x, y, [Seg("Chứng nhận:")], size, fill=False)
    y += lead
    p = cert.persons[0]
    lab = "Hộ ông (bà): " if cert.holder_kind == "ho" else "Ông (bà): "
    end = cv.run(x + mm(4), y, [Seg(lab)], size, fill=False)
    name = p.name if hand else p.upper
    if hand:
        hand_on_dots(cv, end, y, name, size, "chu_su_dung[0].ho_ten", ink, (right - end) / mm(1))
    else:
        cv.run(end + mm(2), y, [Seg(name, field="chu_su_dung[0].ho_ten", style="bold")], size)
    cv.value("chu_su_dung[0].ho_ten", name)
    y += lead
    end = cv.run(x + mm(4), y, [Seg("Địa chỉ thường trú: ")], size, fill=False)
    parts = cv.wrap(p.address, (right - end - mm(3)) * 0.8, (right - x - mm(8)) * 0.8, size)
    for i, part in enumerate(parts):
        px = end if i == 0 else x + mm(4)
        if hand:
            hand_on_dots(cv, px, y, part, size, "chu_su_dung[0].dia_chi_thuong_tru", ink, (right - px) / mm(1))
        else:
            cv.run(px + mm(2), y, [Seg(part, field="chu_su_dung[0].dia_chi_thuong_tru")], size)
        y += lead
    cv.value("chu_su_dung[0].dia_chi_thuong_tru", p.address)
    cv.run(x, y, [Seg("Được quyền sử dụng đất tại các thửa đất sau đây:")], size, fill=False)
    y = _table(cv, cert, x, right, y + size * 0.9, size, hand, ink)
    cx2 = cv.w * 0.64
    yb = max(y + size * 2.0, cv.h - mm(80))
    _short_date(cv, cx2, yb, cert, cv.pt(12))
    common.authority_block(cv, cert, cx2, yb + size * 1.6, cv.pt(11.5), int(mm(34)))
    label = str(pick(rng, ["Vào sổ cấp giấy CNQSDĐ số", "Số vào sổ cấp giấy chứng nhận QSDĐ"]))
    real_forms.registry_line(cv, x, cv.h - mm(28), cert, cv.pt(11), label)
    common.red_serial(cv, x + mm(25), cv.h - mm(16), cert.serial, cv.pt(14))
    return cv.finish("gcn_truoc_2009", "trang_1")


def _table(cv: HandCanvas, cert: Certificate, x: float, right: float, ty: float, size: float, hand: bool,
           ink: tuple[int, int, int]) -> float:
    """The ruled land table (parcel | sheet | land type | area | term); return the y under it."""
    mm = cv.mm
    heads = [("Thửa", "số"), ("Tờ", "bản đồ"), ("Loại đất", ""), ("Diện tích", "(m²)"), ("Thời hạn", "sử dụng")]
    widths = [0.13, 0.13, 0.3, 0.2, 0.24]
    cols = [x]
    for wd in widths:
        cols.append(cols[-1] + wd * (right - x))
    row_h, head_h = size * 1.9, size * 2.6
    n_rows = max(len(cert.parcels) + 1, int(cv.rng.integers(4, 7)))
    d = cv.draw(BLACK)
    for cxx in cols:
        d.line((cxx, ty, cxx, ty + head_h + n_rows * row_h), fill=255, width=2)
    for yy in (ty, ty + head_h):
        d.line((x, yy, right, yy), fill=255, width=2)
    for r in range(1, n_rows + 1):
        d.line((x, ty + head_h + r * row_h, right, ty + head_h + r * row_h), fill=255, width=1)
    for c, (h1, h2) in enumerate(heads):
        mid = (cols[c] + cols[c + 1]) / 2
        cv.text(mid, ty + size * (1.1 if h2 else 1.6), h1, cv.pt(10.5), "bold", align="center")
        if h2:
            cv.text(mid, ty + size * 2.2, h2, cv.pt(10.5), "bold", align="center")
    vsize = cv.pt(11)
    for j, pc in enumerate(cert.parcels):
        u = pc.uses[0]
        b = f"thua_dat[{j}]"
        row = [(pc.so_thua, f"{b}.so_thua"), (pc.so_to, f"{b}.so_to_ban_do"), (u.ten, f"{b}.muc_dich_su_dung[0].ten"),
               (str(int(pc.dien_tich)), f"{b}.dien_tich"), (pc.thoi_han, f"{b}.thoi_han_su_dung")]
        ry = ty + head_h + row_h * (j + 0.68)
        for c, (text, path) in enumerate(row):
            tw = cv.text_width(text, vsize) * (1.2 if hand else 1.0)
            room = cols[c + 1] - cols[c] - mm(2)
            vs = vsize * room / tw if tw > room else vsize
            left = (cols[c] + cols[c + 1]) / 2 - min(tw, room) / 2
            cv.run(left, ry, [Seg(text, field=path, hand=hand, color=ink if hand else None)], vs)
        for key, v in (("so_thua", pc.so_thua), ("so_to_ban_do", pc.so_to), ("dien_tich", pc.dien_tich),
                       ("muc_dich_su_dung[0].ten", u.ten), ("muc_dich_su_dung[0].ma", u.ma),
                       ("thoi_han_su_dung", pc.thoi_han)):
            cv.value(f"{b}.{key}", v)
    return ty + head_h + n_rows * row_h + size * 1.6


def _short_date(cv: HandCanvas, cx: float, y: float, cert: Certificate, size: float) -> None:
    """'Điện Biên, ngày 12-8-2003': the date the short way, usually by hand over dots."""
    d = cert.ngay_cap
    text = f"{d.day}-{d.month}-{d.year}"
    head = f"{cert.noi_cap}, ngày "
    if cv.rng.random() >= SHORT_DATE_HAND_SHARE:
        common.date_line(cv, cx, y, cert.noi_cap, d, size, hand_prob=0.0)
        return
    x = cx - (cv.text_width(head, size, "italic") + cv.text_width(text, size) * 1.3) / 2
    yy = y + cv.fill_dy
    end = cv.run(x, y, [Seg(cert.noi_cap, field="noi_cap", style="italic"), Seg(", ngày ", style="italic")], size)
    hand_on_dots(cv, end, yy, text, size, "ngay_cap", pen_color(cv.rng), 24.0)
    cv.value("noi_cap", cert.noi_cap)
    cv.value("ngay_cap", d.isoformat())
