"""Old red-cover "sổ đỏ" (before 2009): the inside page with the owner and a ruled parcel table.

Cream paper with a faint pattern, red title, "ỦY BAN NHÂN DÂN ... chứng nhận" text, the
owner, a ruled table (parcel, sheet, area, purpose, term, notes) filled by hand or by
print, date line, authority and seal, registry number and red serial.
"""

from __future__ import annotations

import numpy as np

from digitize.synth import art, common
from digitize.synth.canvas import BLACK, BLUE_INK, RED, Canvas, Rendered, Seg
from digitize.synth.data import Certificate, fmt_area, pick

PAGE_MM = (180.0, 255.0)


def render_page(cert: Certificate, rng: np.random.Generator, dpi: float = 200.0) -> Rendered:
    """The inside page of an old red book."""
    w, h = round(PAGE_MM[0] * dpi / 25.4), round(PAGE_MM[1] * dpi / 25.4)
    paper = art.guilloche_paper(w, h, rng, base=(246, 238, 222), ink=(222, 190, 170), density=0.8, rosette=True,
                                strength=float(rng.uniform(0.15, 0.3)),
                                border=(int(w * 0.035), int(w * 0.02), (200, 90, 90), 0.5))
    cv = Canvas(paper, dpi, rng)
    common.jitter_fill(cv, rng)
    mm = cv.mm
    hand = rng.random() < 0.6
    ink = BLUE_INK if rng.random() < 0.75 else BLACK
    size = cv.pt(12)
    cx = cv.w / 2
    y = common.national_heading(cv, cx, mm(20), cv.pt(11.5), BLACK)
    y += mm(6)
    cv.text(cx, y, "GIẤY CHỨNG NHẬN", cv.pt(20), "bold", color=RED, align="center")
    y += mm(8)
    cv.text(cx, y, "QUYỀN SỬ DỤNG ĐẤT", cv.pt(17), "bold", color=RED, align="center")
    y += mm(12)
    x, right = mm(16), cv.w - mm(16)
    auth = cert.co_quan_cap.replace("ỦY BAN NHÂN DÂN ", "")
    cv.run(x, y, [Seg("ỦY BAN NHÂN DÂN "), Seg(auth, style="bold")], size, fill=False)
    y += size * 1.5
    cv.run(x, y, [Seg("Chứng nhận: ")], size, fill=False)

    def value_segs(text: str, path: str | None, bold: bool = False) -> list[Seg]:
        return [Seg(text, field=path, hand=hand, color=ink if hand else None, style="bold" if bold else "regular")]

    p = cert.persons[0]
    honor = "Ông" if p.sex == "Nam" else "Bà"
    lab = "Hộ ông (bà): " if cert.holder_kind == "ho" else "Ông (bà): "
    y += size * 1.5
    end = cv.run(x + mm(4), y, [Seg(lab)], size, fill=False)
    cv.dotted(end, right, y + size * 0.15)
    name = p.upper if not hand else p.name
    cv.run(end + mm(2), y, value_segs(name, "chu_su_dung[0].ho_ten", bold=not hand), size)
    cv.value("chu_su_dung[0].ho_ten", name)
    del honor
    y += size * 1.5
    addr_label = "Địa chỉ thường trú: "
    end = cv.run(x + mm(4), y, [Seg(addr_label)], size, fill=False)
    k = 0.8 if hand else 1.0  # handwriting runs wider than the serif it is measured with
    parts = cv.wrap(p.address, (right - end - mm(3)) * k, (right - x - mm(8)) * k, size)
    for i, part in enumerate(parts):
        px = end if i == 0 else x + mm(4)
        cv.dotted(px, right, y + size * 0.15)
        cv.run(px + mm(2), y, value_segs(part, "chu_su_dung[0].dia_chi_thuong_tru"), size)
        y += size * 1.5
    cv.value("chu_su_dung[0].dia_chi_thuong_tru", p.address)
    cv.run(x, y, [Seg("Được quyền sử dụng đất tại các thửa đất sau đây:")], size, fill=False)
    y += size * 0.9
    # ruled table
    heads = [("Thửa", "đất số"), ("Tờ bản", "đồ số"), ("Diện tích", "(m²)"), ("Mục đích", "sử dụng"),
             ("Thời hạn", "sử dụng"), ("Ghi chú", "")]
    widths = [0.13, 0.13, 0.16, 0.22, 0.2, 0.16]
    tw = right - x
    cols = [x]
    for wd in widths:
        cols.append(cols[-1] + wd * tw)
    row_h = size * 1.9
    n_rows = max(len(cert.parcels) + 1, int(rng.integers(4, 7)))
    d = cv.draw(BLACK)
    ty = y
    head_h = size * 2.6
    for cxx in cols:
        d.line((cxx, ty, cxx, ty + head_h + n_rows * row_h), fill=255, width=2)
    d.line((x, ty, right, ty), fill=255, width=2)
    d.line((x, ty + head_h, right, ty + head_h), fill=255, width=2)
    for r in range(1, n_rows + 1):
        d.line((x, ty + head_h + r * row_h, right, ty + head_h + r * row_h), fill=255, width=1)
    for c, (h1, h2) in enumerate(heads):
        mid = (cols[c] + cols[c + 1]) / 2
        cv.text(mid, ty + size * 1.1, h1, cv.pt(10.5), "bold", align="center")
        if h2:
            cv.text(mid, ty + size * 2.2, h2, cv.pt(10.5), "bold", align="center")
    vsize = cv.pt(11)
    for j, pc in enumerate(cert.parcels):
        u = pc.uses[0]
        b = f"thua_dat[{j}]"
        row = [(pc.so_thua, f"{b}.so_thua"), (pc.so_to, f"{b}.so_to_ban_do"),
               (fmt_area(pc.dien_tich, 1 if pc.dien_tich % 1 else 0), f"{b}.dien_tich"),
               (u.ten, f"{b}.muc_dich_su_dung[0].ten"), (pc.thoi_han, f"{b}.thoi_han_su_dung"), ("", None)]
        ry = ty + head_h + row_h * (j + 0.68)
        for c, (text, path) in enumerate(row):
            if not text:
                continue
            tw_ = cv.text_width(text, vsize) * (1.15 if hand else 1.0)
            room = cols[c + 1] - cols[c] - mm(2)
            vsize_c = vsize * room / tw_ if tw_ > room else vsize
            mid = (cols[c] + cols[c + 1]) / 2
            cv.run(mid - min(tw_, room) / 2, ry, value_segs(text, path), vsize_c)
        cv.value(f"{b}.so_thua", pc.so_thua)
        cv.value(f"{b}.so_to_ban_do", pc.so_to)
        cv.value(f"{b}.dien_tich", pc.dien_tich)
        cv.value(f"{b}.muc_dich_su_dung[0].ten", u.ten)
        cv.value(f"{b}.muc_dich_su_dung[0].ma", u.ma)
        cv.value(f"{b}.thoi_han_su_dung", pc.thoi_han)
    y = ty + head_h + n_rows * row_h + size * 1.6
    total_area = round(sum(pc.dien_tich for pc in cert.parcels), 1)
    total = f"Tổng diện tích: {fmt_area(total_area, 1 if total_area % 1 else 0)} m²"
    cv.run(x, y, [Seg(total)], size)
    cx2 = cv.w * 0.64
    yb = max(y + size * 2.0, cv.h - mm(80))
    common.date_line(cv, cx2, yb, cert.noi_cap, cert.ngay_cap, cv.pt(12), hand_prob=0.8 if hand else 0.3)
    common.authority_block(cv, cert, cx2, yb + size * 1.6, cv.pt(11.5), int(mm(34)))
    label = str(pick(rng, ["Vào sổ cấp giấy CNQSDĐ số", "Số vào sổ cấp giấy chứng nhận QSDĐ"]))
    common.registry_line(cv, x, cv.h - mm(28), cert, cv.pt(11), label, hand_prob=0.8)
    common.red_serial(cv, x + mm(25), cv.h - mm(16), cert.serial, cv.pt(14))
    return cv.finish("gcn_truoc_2009", "trang_1")


RENDERERS = {"trang_1": render_page}
