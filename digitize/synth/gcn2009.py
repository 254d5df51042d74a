"""GCN 2009/2014 pink form (Circulars 17/2009, 23/2014): pages 1 to 4 of the folded A3 sheet.

Page 1: national heading, emblem, red title, section I (users), red serial.
Page 2: section II (parcel a-g, assets "-/-", notes), place/date line, authority, seal over
the signature, handwritten-looking registry number.  Page 3: section III, parcel sketch
and VN-2000 corner table.  Page 4: section IV (changes) and a barcode.
"""

from __future__ import annotations

import math

import numpy as np

from digitize.synth import art, common
from digitize.synth.canvas import BLACK, RED, Canvas, Rendered, Seg
from digitize.synth.data import Certificate, Parcel, area_words, fmt_area, pick

PAGE_MM = (190.0, 265.0)
PINK = (250, 226, 230)
PINK_INK = (226, 138, 158)


def _paper(w: int, h: int, rng: np.random.Generator, dpi: float) -> np.ndarray:
    base = tuple(int(v + rng.normal(0, 2)) for v in PINK)
    mm = dpi / 25.4
    return art.guilloche_paper(w, h, rng, base=base, ink=PINK_INK, strength=float(rng.uniform(0.35, 0.6)),  # type: ignore[arg-type]
                               border=(int(6 * mm), int(6 * mm), (214, 96, 120), 0.7))


def _canvas(rng: np.random.Generator, dpi: float) -> Canvas:
    w, h = round(PAGE_MM[0] * dpi / 25.4), round(PAGE_MM[1] * dpi / 25.4)
    cv = Canvas(_paper(w, h, rng, dpi), dpi, rng)
    common.jitter_fill(cv, rng)
    return cv


def person_lines(cv: Canvas, cert: Certificate, x: float, y: float, right: float, size: float) -> float:
    """Section I persons: 'Ông: NAME, sinh năm: 1965' / 'CMND số: ...' / address."""
    rng = cv.rng
    lead = size * 1.45 * cv.lead_k
    for i, p in enumerate(cert.persons):
        honor = "Ông" if p.sex == "Nam" else "Bà"
        prefix: list[Seg] = []
        if i == 0 and cert.holder_kind == "ho":
            prefix = [Seg("Hộ "), Seg(honor.lower(), field=f"chu_su_dung[{i}].gioi_tinh")]
        elif i == 1:
            prefix = [Seg("Và vợ: " if rng.random() < 0.5 else "Vợ: "), Seg("Bà", field=f"chu_su_dung[{i}].gioi_tinh")]
        else:
            prefix = [Seg(honor, field=f"chu_su_dung[{i}].gioi_tinh")]
        base = f"chu_su_dung[{i}]"
        split = rng.random() < 0.5
        segs = [*prefix, Seg(": "), Seg(p.upper, field=f"{base}.ho_ten", style="bold"), Seg(", "),
                Seg("Sinh năm: " if rng.random() < 0.5 else "sinh năm: "),
                Seg(str(p.birth.year), field=f"{base}.nam_sinh")]
        id_label = {"CMND": "CMND số", "CCCD": "CCCD số", "Căn cước": "Căn cước số"}[p.id_type]
        id_segs = [Seg(f"{id_label}: "), Seg(p.id_number, field=f"{base}.so_giay_to")]
        if split:
            cv.run(x, y, segs, size)
            y += lead
            cv.run(x, y, id_segs, size)
        else:
            cv.run(x, y, [*segs, Seg(", "), *id_segs], size)
        y += lead
        cv.value(f"{base}.ho_ten", p.upper)
        cv.value(f"{base}.gioi_tinh", p.sex)
        cv.value(f"{base}.nam_sinh", str(p.birth.year))
        cv.value(f"{base}.loai_giay_to", p.id_type)
        cv.value(f"{base}.so_giay_to", p.id_number)
        if i == len(cert.persons) - 1:
            y = cv.labelled(x, y, "Địa chỉ thường trú:", p.address, f"{base}.dia_chi_thuong_tru", size, right,
                            indent=0, leading=1.45 * cv.lead_k)
            for j in range(len(cert.persons)):
                cv.value(f"chu_su_dung[{j}].dia_chi_thuong_tru", p.address)
                if j != i:
                    cv.boxes[f"chu_su_dung[{j}].dia_chi_thuong_tru"] = list(cv.boxes[f"{base}.dia_chi_thuong_tru"])
        y += size * 0.3
    return y


def render_page1(cert: Certificate, rng: np.random.Generator, dpi: float = 200.0) -> Rendered:
    """Page 1: heading, emblem, red title, section I, red serial."""
    cv = _canvas(rng, dpi)
    mm = cv.mm
    cx = cv.w / 2
    size = cv.pt(13)
    y = mm(24)
    y = common.national_heading(cv, cx, y, cv.pt(12.5), RED)
    em = art.emblem(int(mm(26)), rng)
    cv.overlay(em, int(cx - em.width / 2), int(y))
    y += mm(26) + mm(12)
    cv.text(cx, y, "GIẤY CHỨNG NHẬN", cv.pt(26), "bold", color=RED, align="center")
    y += mm(10)
    cv.text(cx, y, "QUYỀN SỬ DỤNG ĐẤT", cv.pt(15), "bold", color=RED, align="center")
    y += mm(7)
    cv.text(cx, y, "QUYỀN SỞ HỮU NHÀ Ở VÀ TÀI SẢN KHÁC GẮN LIỀN VỚI ĐẤT", cv.pt(14), "bold", color=RED, align="center")
    y += mm(16)
    x, right = mm(20) + cv.margin, cv.w - mm(20)
    cv.run(x, y, [Seg("I. Người sử dụng đất, chủ sở hữu nhà ở và tài sản khác gắn liền với đất", style="bold")],
           cv.pt(13.5))
    y += size * 1.9
    person_lines(cv, cert, x + mm(4), y, right, size)
    common.red_serial(cv, cx, cv.h - mm(24), cert.serial, cv.pt(17))
    return cv.finish("gcn_2009_2014", "trang_1")


def _use_text(cert: Certificate) -> str:
    uses = cert.parcels[0].uses
    if len(uses) == 1:
        return uses[0].ten
    return "; ".join(f"{u.ten}: {fmt_area(u.dien_tich)} m²" for u in uses)


def render_page2(cert: Certificate, rng: np.random.Generator, dpi: float = 200.0) -> Rendered:
    """Page 2: section II items a)-g), assets, notes, date line, authority, seal, registry number."""
    cv = _canvas(rng, dpi)
    mm = cv.mm
    size = cv.pt(13)
    lead = 1.42 * cv.lead_k
    x, right = mm(18) + cv.margin, cv.w - mm(17)
    y = mm(24)
    cv.run(x, y, [Seg("II. Thửa đất, nhà ở và tài sản khác gắn liền với đất", style="bold")], cv.pt(13.5))
    y += size * 1.7
    p = cert.parcels[0]
    base = "thua_dat[0]"
    cv.run(x, y, [Seg("1. Thửa đất:", style="bold")], size)
    y += size * lead
    xi = x + mm(4)
    if len(cert.parcels) > 1:
        y = _parcel_table(cv, cert, x, xi, y, right, size, lead)
        return _page2_tail(cv, cert, x, right, y, size, lead)
    tab = float(rng.uniform(0, mm(25)))
    cv.run(xi, y, [Seg("a) Thửa đất số: "), Seg(p.so_thua, field=f"{base}.so_thua"), Seg(", "),
                   Seg("tờ bản đồ số: ", gap=tab > mm(5), tab=tab), Seg(p.so_to, field=f"{base}.so_to_ban_do"),
                   Seg(";")], size)
    cv.value(f"{base}.so_thua", p.so_thua)
    cv.value(f"{base}.so_to_ban_do", p.so_to)
    y += size * lead
    y = cv.labelled(xi, y, "b) Địa chỉ:", p.dia_chi, f"{base}.dia_chi", size, right, indent=mm(4), leading=lead)
    cv.value(f"{base}.dia_chi", p.dia_chi)
    area = fmt_area(p.dien_tich)
    in_words = area_words(p.dien_tich)
    cv.run(xi, y, [Seg("c) Diện tích: "), Seg(f"{area} m²", field=f"{base}.dien_tich"), Seg(", (bằng chữ: ")], size)
    y += size * lead
    cv.run(xi + mm(4), y, [Seg(in_words + ");", style="italic")], size)
    cv.value(f"{base}.dien_tich", p.dien_tich)
    y += size * lead
    if rng.random() < 0.6:
        hinh = p.hinh_thuc
        y = cv.labelled(xi, y, "d) Hình thức sử dụng:", hinh, f"{base}.hinh_thuc_su_dung", size, right, leading=lead)
    else:
        hinh = f"Riêng: {area} m², chung: không m²" if "riêng" in p.hinh_thuc.lower() else \
            f"Riêng: không m², chung: {area} m²"
        y = cv.labelled(xi, y, "d) Hình thức sử dụng:", hinh, f"{base}.hinh_thuc_su_dung", size, right, leading=lead)
    cv.value(f"{base}.hinh_thuc_su_dung", hinh)
    use = _use_text(cert)
    y0 = y
    y = cv.labelled(xi, y, "đ) Mục đích sử dụng:", use, f"{base}.muc_dich_su_dung", size, right, indent=mm(4),
                    leading=lead)
    cv.share_box(f"{base}.muc_dich_su_dung", [f"{base}.muc_dich_su_dung[{k}].ten" for k in range(len(p.uses))])
    for k, u in enumerate(p.uses):
        cv.value(f"{base}.muc_dich_su_dung[{k}].ten", u.ten)
        cv.value(f"{base}.muc_dich_su_dung[{k}].ma", u.ma)
        if len(p.uses) > 1:
            cv.value(f"{base}.muc_dich_su_dung[{k}].dien_tich", u.dien_tich)
    del y0
    y = cv.labelled(xi, y, "e) Thời hạn sử dụng:", p.thoi_han, f"{base}.thoi_han_su_dung", size, right, indent=mm(4),
                    leading=lead)
    cv.value(f"{base}.thoi_han_su_dung", p.thoi_han)
    y = cv.labelled(xi, y, "g) Nguồn gốc sử dụng:", p.nguon_goc, f"{base}.nguon_goc_su_dung", size, right,
                    indent=mm(4), leading=lead)
    cv.value(f"{base}.nguon_goc_su_dung", p.nguon_goc)
    return _page2_tail(cv, cert, x, right, y, size, lead)


def _parcel_table(cv: Canvas, cert: Certificate, x: float, xi: float, y: float, right: float, size: float,
                  lead: float) -> float:
    """Several farm parcels: shared address / form / origin lines and a ruled table."""
    mm = cv.mm
    rng = cv.rng
    n = len(cert.parcels)
    paths = [f"thua_dat[{j}]" for j in range(n)]
    first = cert.parcels[0]
    y = cv.labelled(xi, y, "a) Địa chỉ:", first.dia_chi, "thua_dat[0].dia_chi", size, right, indent=mm(4),
                    leading=lead)
    cv.share_box("thua_dat[0].dia_chi", [f"{b}.dia_chi" for b in paths])
    y = cv.labelled(xi, y, "b) Hình thức sử dụng:", first.hinh_thuc, "thua_dat[0].hinh_thuc_su_dung", size, right,
                    leading=lead)
    cv.share_box("thua_dat[0].hinh_thuc_su_dung", [f"{b}.hinh_thuc_su_dung" for b in paths])
    y = cv.labelled(xi, y, "c) Nguồn gốc sử dụng:", first.nguon_goc, "thua_dat[0].nguon_goc_su_dung", size, right,
                    indent=mm(4), leading=lead)
    cv.share_box("thua_dat[0].nguon_goc_su_dung", [f"{b}.nguon_goc_su_dung" for b in paths])
    cv.run(xi, y, [Seg(f"d) Gồm {n} thửa đất như sau:")], size)
    y += size * 0.7
    heads = [("Thửa", "đất số"), ("Tờ bản", "đồ số"), ("Diện tích", "(m²)"), ("Mục đích", "sử dụng"),
             ("Thời hạn", "sử dụng")]
    widths = [0.14, 0.14, 0.18, 0.3, 0.24]
    tw = right - xi
    cols = [xi + cv.fill_dx]
    for wd in widths:
        cols.append(cols[-1] + wd * tw)
    ts = size * 0.9
    row_h = ts * 1.7
    head_h = ts * 2.5
    ty = y + cv.fill_dy
    d = cv.draw(BLACK)
    for cx_ in cols:
        d.line((cx_, ty, cx_, ty + head_h + n * row_h), fill=255, width=2)
    for yy in [ty, ty + head_h, *[ty + head_h + r * row_h for r in range(1, n + 1)]]:
        d.line((cols[0], yy, cols[-1], yy), fill=255, width=2)
    for c, (h1, h2) in enumerate(heads):
        mid = (cols[c] + cols[c + 1]) / 2
        cv.text(mid, ty + ts * 1.05, h1, ts, "bold", align="center")
        cv.text(mid, ty + ts * 2.1, h2, ts, "bold", align="center")
    codes = rng.random() < 0.5
    for j, pc in enumerate(cert.parcels):
        b = paths[j]
        u = pc.uses[0]
        ten = u.ma if codes else u.ten
        term = pc.thoi_han.replace("đến ngày ", "").replace("Đến năm ", "")
        cells = [(pc.so_thua, f"{b}.so_thua"), (pc.so_to, f"{b}.so_to_ban_do"),
                 (fmt_area(pc.dien_tich), f"{b}.dien_tich"), (ten, f"{b}.muc_dich_su_dung[0].ten"),
                 (term, f"{b}.thoi_han_su_dung")]
        ry = ty + head_h + row_h * (j + 0.68)
        for c, (text, path) in enumerate(cells):
            room = cols[c + 1] - cols[c] - mm(2)
            w = cv.text_width(text, ts)
            s_ = ts * min(1.0, room / w) if w else ts
            cv.run((cols[c] + cols[c + 1]) / 2 - min(w, room) / 2, ry, [Seg(text, field=path)], s_, fill=False)
        cv.value(f"{b}.so_thua", pc.so_thua)
        cv.value(f"{b}.so_to_ban_do", pc.so_to)
        cv.value(f"{b}.dien_tich", pc.dien_tich)
        cv.value(f"{b}.muc_dich_su_dung[0].ten", ten)
        cv.value(f"{b}.muc_dich_su_dung[0].ma", u.ma)
        cv.value(f"{b}.thoi_han_su_dung", term)
        cv.value(f"{b}.dia_chi", first.dia_chi)
        cv.value(f"{b}.hinh_thuc_su_dung", first.hinh_thuc)
        cv.value(f"{b}.nguon_goc_su_dung", first.nguon_goc)
    return ty - cv.fill_dy + head_h + n * row_h + size * 1.2


def _page2_tail(cv: Canvas, cert: Certificate, x: float, right: float, y: float, size: float, lead: float
                ) -> Rendered:
    """Items 2-6, the date line, authority, seal and registry number."""
    mm = cv.mm
    rng = cv.rng
    xi = x + mm(4)
    p = cert.parcels[0]
    y += size * 0.2
    if rng.random() < 0.2 and len(cert.parcels) == 1:
        cv.run(x, y, [Seg("2. Nhà ở:", style="bold")], size)
        y += size * lead
        # the house stands on the parcel: a parcel under 40 m² gets a house of half to all of it
        dxd = round(float(rng.uniform(min(40.0, p.dien_tich * 0.5), min(150, p.dien_tich))), 1)
        floors = int(rng.integers(1, 4))
        items = [("Loại nhà ở", pick(rng, ["Nhà ở riêng lẻ", "Nhà ở"]), "loai"),
                 ("Diện tích xây dựng", f"{fmt_area(dxd)} m²", "dien_tich_xay_dung"),
                 ("Diện tích sàn", f"{fmt_area(dxd * floors)} m²", "dien_tich_san"),
                 ("Hình thức sở hữu", "Sở hữu riêng", "hinh_thuc_so_huu"),
                 ("Cấp (Hạng)", pick(rng, ["Cấp 4", "Cấp III", "Cấp 3"]), "cap_hang"),
                 ("Thời hạn sở hữu", "-/-", "thoi_han_so_huu")]
        for label, val, key in items:
            y = cv.labelled(xi, y, f"- {label}:", val, f"tai_san[0].{key}" if val != "-/-" else None, size, right,
                            leading=lead)
            if val != "-/-":
                parsed: object = val
                if key.startswith("dien_tich"):
                    parsed = float(val.replace(" m²", "").replace(".", "").replace(",", "."))
                cv.value(f"tai_san[0].{key}", parsed)
    else:
        cv.run(x, y, [Seg("2. Nhà ở: ", style="bold"), Seg("-/-")], size)
        y += size * lead
    for label in ("3. Công trình xây dựng khác: ", "4. Rừng sản xuất là rừng trồng: ", "5. Cây lâu năm: "):
        cv.run(x, y, [Seg(label, style="bold"), Seg("-/-")], size)
        y += size * lead
    if cert.ghi_chu == "-/-":
        cv.run(x, y, [Seg("6. Ghi chú: ", style="bold"), Seg("-/-")], size)
        y += size * lead
    else:
        y = cv.labelled(x, y, "6. Ghi chú:", cert.ghi_chu, "ghi_chu", size, right, label_style="bold", leading=lead)
        cv.value("ghi_chu", cert.ghi_chu)
    # signature block, lower right
    cx = cv.w * 0.64
    yb = max(y + size * 1.5, cv.h - mm(82))
    common.date_line(cv, cx, yb, cert.noi_cap, cert.ngay_cap, cv.pt(13))
    common.authority_block(cv, cert, cx, yb + size * 1.6, cv.pt(12.5), int(mm(34)))
    common.registry_line(cv, x, cv.h - mm(22), cert, cv.pt(12.5), "Số vào sổ cấp GCN")
    return cv.finish("gcn_2009_2014", "trang_2")


def _sketch_polygon(rng: np.random.Generator, n: int) -> np.ndarray:
    """A convex-ish parcel outline in unit coordinates (x right, y down)."""
    base = np.linspace(0, 2 * math.pi, n, endpoint=False) + float(rng.uniform(0, 2 * math.pi / n))
    angles = base + rng.uniform(-0.25, 0.25, n) * (2 * math.pi / n)
    radii = rng.uniform(0.8, 1.0, n)
    return np.stack([np.cos(angles) * radii * float(rng.uniform(0.8, 1.2)), np.sin(angles) * radii], axis=1)


def _shoelace(poly: np.ndarray) -> float:
    x, y = poly[:, 0], poly[:, 1]
    return float(abs(np.dot(x, np.roll(y, -1)) - np.dot(y, np.roll(x, -1))) / 2)


def render_page3(cert: Certificate, rng: np.random.Generator, dpi: float = 200.0) -> Rendered:
    """Page 3: section III, parcel sketch with edge lengths and a VN-2000 corner table."""
    cv = _canvas(rng, dpi)
    mm = cv.mm
    x = mm(18)
    cv.run(x, mm(24), [Seg("III. Sơ đồ thửa đất, nhà ở và tài sản khác gắn liền với đất", style="bold")],
           cv.pt(13.5))
    draw_sketch(cv, cert.parcels[0], (mm(20), mm(32), cv.w - mm(20), mm(150)), x, mm(162), (mm(24), mm(172)))
    return cv.finish("gcn_2009_2014", "trang_3")


def draw_sketch(cv: Canvas, p: Parcel, frame: tuple[float, float, float, float], caption_x: float,
                table_y: float, table_x: tuple[float, float]) -> float:
    """A parcel sketch in ``frame`` and its VN-2000 corner table below; returns the y under the table.

    Edge lengths and coordinates are consistent with the parcel's area; the parcel number
    and area in the middle are registered as ``thua_dat[0].so_thua`` / ``.dien_tich``.
    """
    rng = cv.rng
    mm = cv.mm
    size = cv.pt(12)
    fx0, fy0, fx1, fy1 = frame
    d = cv.draw(BLACK)
    d.rectangle((fx0, fy0, fx1, fy1), outline=255, width=2)
    n = int(rng.choice([4, 4, 5, 6]))
    poly = _sketch_polygon(rng, n)
    cx, cy = (fx0 + fx1) / 2, (fy0 + fy1) / 2 + mm(4)
    scale = min(mm(40), (fy1 - fy0) * 0.3)
    pts = [(cx + px * scale, cy + py * scale) for px, py in poly]
    d.line([*pts, pts[0]], fill=255, width=max(3, int(cv.dpi / 60)))
    for i in range(n):  # neighbours
        a, b = np.array(pts[i]), np.array(pts[(i + 1) % n])
        mid = (a + b) / 2
        out = mid - np.array([cx, cy])
        out = out / (np.linalg.norm(out) + 1e-6)
        lab = pick(rng, [f"Thửa {int(rng.integers(1, 1500))}", "Đường bê tông", "Đường đất", "Mương nước",
                         f"Thửa {int(rng.integers(1, 1500))}"])
        lx, ly = mid + out * mm(18)
        cv.text(float(lx), float(ly), lab, cv.pt(10), "italic", align="center", fill=True)
    # vertex numbers and edge lengths (metres, consistent with the area and the table)
    metres = math.sqrt(p.dien_tich / _shoelace(poly))
    centre = np.array([cx, cy])
    for i in range(n):
        a, b = np.array(pts[i]), np.array(pts[(i + 1) % n])
        out = a - centre
        out = out / (np.linalg.norm(out) + 1e-6)
        vx, vy = a + out * mm(5)
        cv.text(float(vx), float(vy) + size * 0.3, str(i + 1), size, "bold", align="center", fill=True)
        length = float(np.linalg.norm(poly[(i + 1) % n] - poly[i])) * metres
        inward = centre - (a + b) / 2
        inward = inward / (np.linalg.norm(inward) + 1e-6)
        mx, my = (a + b) / 2 - inward * mm(3.5)  # just outside the edge
        cv.text(float(mx), float(my) + size * 0.3, fmt_area(length, 2), cv.pt(10), align="center", fill=True)
    # parcel label in the middle: number / area
    cv.text(cx, cy - size * 0.3, p.so_thua, cv.pt(13), "bold", align="center", field="thua_dat[0].so_thua", fill=True)
    cv.draw(BLACK).line((cx - mm(9), cy + size * 0.1 + cv.fill_dy, cx + mm(9), cy + size * 0.1 + cv.fill_dy),
                        fill=255, width=2)
    cv.text(cx, cy + size * 1.2, fmt_area(p.dien_tich), cv.pt(13), align="center", field="thua_dat[0].dien_tich",
            fill=True)
    cv.value("thua_dat[0].so_thua", p.so_thua)
    cv.value("thua_dat[0].dien_tich", p.dien_tich)
    # north arrow
    ax, ay = fx1 - mm(14), fy0 + mm(10)
    d.polygon([(ax, ay - mm(6)), (ax - mm(2.5), ay + mm(4)), (ax, ay + mm(2)), (ax + mm(2.5), ay + mm(4))], fill=255)
    cv.text(ax, ay - mm(7.5), "N", cv.pt(11), "bold", align="center")
    # coordinate table
    ty = table_y
    cv.run(caption_x, ty, [Seg("Bảng kê tọa độ góc ranh giới thửa đất (Hệ tọa độ VN-2000)", style="italic")], size)
    ty += mm(4)
    tx0, tx1 = table_x
    cols = [tx0 + (tx1 - tx0) * f for f in (0.0, 0.23, 0.5, 0.77)]
    row_h = size * 1.5
    rows = n + 1
    for r in range(rows + 1):
        d.line((cols[0], ty + r * row_h, tx1, ty + r * row_h), fill=255, width=2)
    for c in [*cols, tx1]:
        d.line((c, ty, c, ty + rows * row_h), fill=255, width=2)
    heads = ["Số hiệu điểm", "X (m)", "Y (m)", "Cạnh (m)"]
    for c, head in enumerate(heads):
        right_edge = cols[c + 1] if c + 1 < len(cols) else tx1
        cv.text((cols[c] + right_edge) / 2, ty + row_h * 0.7, head, size, "bold", align="center", fill=False)
    x0 = float(rng.uniform(1_200_000, 2_500_000))
    y0 = float(rng.uniform(380_000, 620_000))
    for i, (px, py) in enumerate(poly):
        edge = float(np.linalg.norm(poly[(i + 1) % n] - poly[i])) * metres
        vals = [str(i + 1), fmt_area(x0 - py * metres, 2), fmt_area(y0 + px * metres, 2), fmt_area(edge, 2)]
        for c, v in enumerate(vals):
            right_edge = cols[c + 1] if c + 1 < len(cols) else tx1
            cv.text((cols[c] + right_edge) / 2, ty + row_h * (i + 1.7), v, size, align="center", fill=False)
    return ty + rows * row_h


def render_page4(cert: Certificate, rng: np.random.Generator, dpi: float = 200.0) -> Rendered:
    """Page 4: section IV (changes after issue) table, the holder's notice and a barcode."""
    cv = _canvas(rng, dpi)
    mm = cv.mm
    size = cv.pt(12)
    x = mm(18)
    y = mm(24)
    cv.run(x, y, [Seg("IV. Những thay đổi sau khi cấp Giấy chứng nhận", style="bold")], cv.pt(13.5))
    d = cv.draw(BLACK)
    tx0, tx1, ty0, ty1 = mm(18), cv.w - mm(18), mm(32), mm(195)
    colx = mm(118)
    d.rectangle((tx0, ty0, tx1, ty1), outline=255, width=2)
    d.line((colx, ty0, colx, ty1), fill=255, width=2)
    d.line((tx0, ty0 + mm(14), tx1, ty0 + mm(14)), fill=255, width=2)
    cv.text((tx0 + colx) / 2, ty0 + mm(6), "Nội dung thay đổi và cơ sở pháp lý", size, "bold", align="center")
    cv.text((colx + tx1) / 2, ty0 + mm(6), "Xác nhận của", size, "bold", align="center")
    cv.text((colx + tx1) / 2, ty0 + mm(11), "cơ quan có thẩm quyền", size, "bold", align="center")
    if rng.random() < 0.35:
        yy = ty0 + mm(22)
        bank = pick(rng, ["Ngân hàng Nông nghiệp và Phát triển Nông thôn", "Ngân hàng TMCP Công thương Việt Nam",
                          "Quỹ tín dụng nhân dân"])
        for ln in cv.wrap(f"Thế chấp bằng quyền sử dụng đất tại {bank} theo hồ sơ số "
                          f"{int(rng.integers(100, 9999))}.TC ngày {int(rng.integers(1, 28))}/"
                          f"{int(rng.integers(1, 12))}/{cert.ngay_cap.year + 1}", colx - tx0 - mm(6),
                          colx - tx0 - mm(6), size):
            cv.run(tx0 + mm(3), yy, [Seg(ln)], size)
            yy += size * 1.35
    notice = ("Người được cấp Giấy chứng nhận không được sửa chữa, tẩy xóa hoặc bổ sung bất kỳ nội dung nào trong "
              "Giấy chứng nhận; khi bị mất hoặc hư hỏng Giấy chứng nhận phải khai báo ngay với cơ quan cấp Giấy.")
    yy = ty1 + mm(10)
    cv.run(x, yy, [Seg("* Lưu ý:", style="bolditalic")], size)
    yy += size * 1.35
    for ln in cv.wrap(notice, cv.w - 2 * x, cv.w - 2 * x, size, "italic"):
        cv.run(x, yy, [Seg(ln, style="italic")], size)
        yy += size * 1.35
    bw, bh = int(mm(55)), int(mm(12))
    bx, by = int(cv.w - mm(20) - bw), int(cv.h - mm(36))
    cv.paste_ink(art.barcode(bw, bh, rng), bx, by, BLACK)
    code = "".join(str(int(v)) for v in rng.integers(0, 10, int(rng.integers(13, 16))))
    cv.text(bx + bw / 2, by + bh + size * 1.1, code, cv.pt(10), align="center")
    return cv.finish("gcn_2009_2014", "trang_4")


RENDERERS = {"trang_1": render_page1, "trang_2": render_page2, "trang_3": render_page3, "trang_4": render_page4}
