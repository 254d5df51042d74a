"""Certificate pages as real ones look (the ``real_style`` condition; domain.md, "As real
certificates look").

- GCN 2024 page 1: sections 2 and 3 as a two-column grid lettered "a." "b." ... ("a. Thửa
  đất số: 347 ; tờ bản đồ số: 15" | "b. Diện tích: 96,25m²"; "đ." and "e." whole rows, the
  address wrapping), trailing punctuation, wide fill-in gaps, the serial in large BLACK
  type at the bottom left above the centred foot line "Thông tin chi tiết được thể hiện
  tại mã QR.", the QR top right.
- GCN 2009/2014 page 2: "a) Thửa đất số: 347 , tờ bản đồ số: 15" (a space before the
  comma), "c) Diện tích: 45,6 m², (bằng chữ: ...)", "d) Hình thức sử dụng: riêng: 45,6 m²;
  chung: Không m²", wide gaps between label and value, items 2-6 without blank lines.
- Both: the signing date's day and month handwritten over dotted leaders (the year
  printed), the registry number handwritten over dots, a 2-3 line bold authority block
  with a red seal over a blue signature and the signer's name in bold.

Each renderer draws on a :class:`~digitize.synth.handwriting.HandCanvas` and returns a
:class:`~digitize.synth.canvas.Rendered` with exact lines, boxes and record.
"""

from __future__ import annotations

from datetime import date

import numpy as np

from digitize.synth import art, common, gcn2009
from digitize.synth.canvas import BLACK, RED, Canvas, Rendered, Seg
from digitize.synth.data import Certificate, area_words, fmt_area, pick
from digitize.synth.gcn2024 import PAGE_MM as PAGE_2024_MM
from digitize.synth.gcn2024 import qr_text
from digitize.synth.handwriting import HandCanvas, hand_on_dots, pen_color

HAND_DATE_SHARE = 0.85  # day and month written by hand on the date line
HAND_REGISTRY_SHARE = 0.75  # registry number written by hand
BRANCH_SHARE_2024 = 0.5  # 2024 certificates signed by a district branch of the registration office
GAP_MM = (1.0, 22.0)  # blank fill-in gap between a label and its value
SPLIT_GAP_MM = 5.0  # a gap wider than this starts a new truth line (as the base canvas does)
TRAILS = ("", "", ";", ".", ",")  # punctuation printed after a value
ASSET_SHARE_2024 = 0.35
PINK_2024 = (251, 236, 236)
PINK_INK_2024 = (232, 160, 172)


# ------------------------------------------------------------------------------ pieces
def realize_authority(cert: Certificate, rng: np.random.Generator) -> None:
    """Give a 2024 certificate the district branch authority that many real ones carry (in place).

    "CHI NHÁNH VĂN PHÒNG ĐĂNG KÝ ĐẤT ĐAI / THÀNH PHỐ BẮC NINH", "KT. GIÁM ĐỐC / PHÓ GIÁM
    ĐỐC"; the date line's place becomes the district.  Other certificates keep theirs.
    """
    if cert.generation != "gcn_2024" or rng.random() >= BRANCH_SHARE_2024:
        return
    unit = cert.parcels[0].unit
    branch = "CHI NHÁNH VĂN PHÒNG ĐĂNG KÝ ĐẤT ĐAI"
    district = unit.district.upper()
    cert.authority_lines = [branch, district]
    cert.co_quan_cap = f"{branch} {district}"
    cert.signer_title = pick(rng, ["KT. GIÁM ĐỐC\nPHÓ GIÁM ĐỐC", "GIÁM ĐỐC"])
    cert.noi_cap = unit.district_short
    cert.seal_text = (branch, district)


def date_line(cv: Canvas, cx: float, y: float, place: str, d: date, size: float) -> None:
    """'Bắc Ninh, ngày ..14.. tháng ..7.. năm 2025' centred on cx: day and month usually by hand."""
    rng = cv.rng
    hand = rng.random() < HAND_DATE_SHARE
    ink = pen_color(rng)
    day, month = str(d.day), str(d.month)
    if not hand:
        common.date_line(cv, cx, y, place, d, size, hand_prob=0.0)
        return
    dot_w = cv.mm(float(rng.uniform(9, 14)))
    head = f"{place}, ngày "
    total = (cv.text_width(head, size, "italic") + 2 * dot_w + cv.text_width(" tháng ", size, "italic")
             + cv.text_width(f" năm {d.year}", size, "italic"))
    x = cx - total / 2
    yy = y + cv.fill_dy  # the whole line is printed data: work in absolute coordinates after the first piece
    x = cv.run(x, y, [Seg(place, field="noi_cap", style="italic"), Seg(", ngày ", style="italic")], size)
    x = hand_on_dots(cv, x, yy, day, size, "ngay_cap", ink, dot_w / cv.mm(1))
    x = cv.run(x, yy, [Seg(" tháng ", style="italic")], size, fill=False)
    x = hand_on_dots(cv, x, yy, month, size, "ngay_cap", ink, dot_w / cv.mm(1))
    cv.run(x, yy, [Seg(" năm ", style="italic"), Seg(str(d.year), field="ngay_cap", style="italic")], size,
           fill=False)
    cv.value("noi_cap", place)
    cv.value("ngay_cap", d.isoformat())


def registry_line(cv: Canvas, x: float, y: float, cert: Certificate, size: float, label: str) -> None:
    """'Số vào sổ cấp GCN: CH 02719', the number usually handwritten over a dotted leader."""
    rng = cv.rng
    end = cv.run(x, y, [Seg(label + ": ")], size, fill=False)
    if rng.random() < HAND_REGISTRY_SHARE:
        hand_on_dots(cv, end + cv.mm(1), y, cert.so_vao_so_printed, size * 1.05, "so_vao_so", pen_color(rng), 30.0)
    else:
        cv.run(end + cv.mm(float(rng.uniform(1, 8))), y, [Seg(cert.so_vao_so_printed, field="so_vao_so",
                                                              style="bold")], size)
    cv.value("so_vao_so", cert.so_vao_so)


def flow(cv: Canvas, x: float, y: float, head: list[Seg], value: str, path: str | None, size: float,
         right: float, lead: float, indent: float = 0.0, gap: float = 0.0, trail: str = "",
         style: str = "regular") -> float:
    """``head`` pieces then ``value`` wrapped to ``right`` (later lines at x + indent); return the next baseline.

    ``gap`` is a blank fill-in gap before the value (a new truth line when wide);
    ``trail`` is punctuation printed after the value, outside its box.
    """
    w0 = sum(cv.text_width(s.text, size, s.style) + s.tab for s in head) + gap
    parts = cv.wrap(value + trail, right - x - w0, right - x - indent, size, style) or [""]
    last = parts[-1]
    tail: list[Seg] = []
    if trail and last.endswith(trail):
        parts[-1] = last[: len(last) - len(trail)]
        tail = [Seg(trail)]
    wide = gap > cv.mm(SPLIT_GAP_MM)
    for i, part in enumerate(parts):
        segs = [*head, Seg(part, field=path, style=style, tab=gap, gap=wide)] if i == 0 else \
            [Seg(part, field=path, style=style)]
        if i == len(parts) - 1:
            segs += tail
        cv.run(x if i == 0 else x + indent, y, segs, size)
        y += size * lead
    return y


def _gap(cv: Canvas) -> float:
    return cv.mm(float(cv.rng.uniform(*GAP_MM))) if cv.rng.random() < 0.6 else cv.mm(float(cv.rng.uniform(0, 2)))


def _trail(cv: Canvas) -> str:
    return str(pick(cv.rng, list(TRAILS)))


# ------------------------------------------------------------------------- 2024 page 1
def _cell(cv: Canvas, x: float, y: float, letter: str, label: str, value: str, path: str | None, size: float,
          right: float, lead: float) -> float:
    """One grid cell 'a. Label: value' wrapped inside its column; return the baseline after it."""
    gap = cv.mm(float(cv.rng.uniform(0.5, 4)))
    return flow(cv, x, y, [Seg(f"{letter}. {label}: ")], value, path, size, right, lead, gap=gap, trail=_trail(cv))


def grid_2024(cv: Canvas, cert: Certificate, x: float, y: float, right: float, size: float, lead: float) -> float:
    """Section 2 of the real 2024 form as a two-column grid; return the next baseline."""
    rng = cv.rng
    pc = cert.parcels[0]
    b = "thua_dat[0]"
    mid = x + (right - x) * float(rng.uniform(0.52, 0.58))
    col_gap = cv.mm(3)
    # row 1: a. parcel ; sheet | b. area
    sep = pick(rng, [" ; ", "; "])
    segs = [Seg("a. Thửa đất số: "), Seg(pc.so_thua, field=f"{b}.so_thua"), Seg(sep + "tờ bản đồ số: "),
            Seg(pc.so_to, field=f"{b}.so_to_ban_do")]
    trail = _trail(cv)
    if trail:
        segs.append(Seg(trail))
    cv.run(x, y, segs, size)
    area = f"{fmt_area(pc.dien_tich)}{pick(rng, ['m²', 'm²', ' m²'])}"
    y_right = _cell(cv, mid, y, "b", "Diện tích", area, f"{b}.dien_tich", size, right, lead)
    y = max(y + size * lead, y_right)
    for key, v in (("so_thua", pc.so_thua), ("so_to_ban_do", pc.so_to), ("dien_tich", pc.dien_tich)):
        cv.value(f"{b}.{key}", v)
    # row 2: c. land type | d. term
    if len(pc.uses) == 1:
        use_text = f"{pc.uses[0].ten} ({pc.uses[0].ma})"
    else:
        use_text = "; ".join(f"{u.ten} ({u.ma}): {fmt_area(u.dien_tich)}m²" for u in pc.uses)
    y_left = _cell(cv, x, y, "c", "Loại đất", use_text, f"{b}.muc_dich_su_dung", size, mid - col_gap, lead)
    y_right = _cell(cv, mid, y, "d", "Thời hạn sử dụng đất", pc.thoi_han, f"{b}.thoi_han_su_dung", size, right, lead)
    y = max(y_left, y_right)
    cv.share_box(f"{b}.muc_dich_su_dung", [f"{b}.muc_dich_su_dung[{k}].ten" for k in range(len(pc.uses))])
    for k, u in enumerate(pc.uses):
        cv.value(f"{b}.muc_dich_su_dung[{k}].ten", u.ten)
        cv.value(f"{b}.muc_dich_su_dung[{k}].ma", u.ma)
        if len(pc.uses) > 1:
            cv.value(f"{b}.muc_dich_su_dung[{k}].dien_tich", u.dien_tich)
    cv.value(f"{b}.thoi_han_su_dung", pc.thoi_han)
    # rows 3 and 4: whole rows
    y = _cell(cv, x, y, "đ", "Hình thức sử dụng", pc.hinh_thuc, f"{b}.hinh_thuc_su_dung", size, right, lead)
    cv.value(f"{b}.hinh_thuc_su_dung", pc.hinh_thuc)
    y = flow(cv, x, y, [Seg("e. Địa chỉ: ")], pc.dia_chi, f"{b}.dia_chi", size, right, lead,
             gap=cv.mm(float(rng.uniform(0.5, 4))), trail=_trail(cv))
    cv.value(f"{b}.dia_chi", pc.dia_chi)
    return y


def assets_2024(cv: Canvas, x: float, y: float, right: float, size: float, lead: float) -> float:
    """Section 3 as a grid (a house in about a third of the certificates) or '-/-'."""
    rng = cv.rng
    if rng.random() >= ASSET_SHARE_2024:
        cv.run(x, y, [Seg("3. Thông tin tài sản gắn liền với đất: ", style="bold"), Seg("-/-")], size)
        return y + size * lead
    cv.run(x, y, [Seg("3. Thông tin tài sản gắn liền với đất:", style="bold")], size)
    y += size * lead
    xi = x + cv.mm(4)
    mid = xi + (right - xi) * 0.55
    loai = pick(rng, ["Nhà ở riêng lẻ", "Nhà ở riêng lẻ", "Nhà ở"])
    san = round(float(rng.uniform(40, 320)), 1)
    hinh = "Sở hữu riêng"
    y1 = _cell(cv, xi, y, "a", "Tên tài sản", loai, "tai_san[0].loai", size, mid - cv.mm(3), lead)
    y2 = _cell(cv, mid, y, "b", "Diện tích sử dụng", f"{fmt_area(san)}m²", "tai_san[0].dien_tich_san", size, right,
               lead)
    y = max(y1, y2)
    y1 = _cell(cv, xi, y, "c", "Hình thức sở hữu", hinh, "tai_san[0].hinh_thuc_so_huu", size, mid - cv.mm(3), lead)
    y2 = _cell(cv, mid, y, "d", "Thời hạn sở hữu", "-/-", None, size, right, lead)
    cv.value("tai_san[0].loai", loai)
    cv.value("tai_san[0].dien_tich_san", san)
    cv.value("tai_san[0].hinh_thuc_so_huu", hinh)
    return max(y1, y2)


def black_serial(cv: Canvas, x: float, y: float, serial: str, size: float) -> None:
    """The 2024 serial in large black type at the bottom left."""
    cv.text(x, y, serial, size, "bold", color=BLACK, field="so_phat_hanh")
    cv.value("so_phat_hanh", serial)


def render_2024_page1(cert: Certificate, rng: np.random.Generator, dpi: float = 180.0) -> Rendered:
    """GCN 2024 page 1 as real certificates print it (see the module docstring)."""
    realize_authority(cert, rng)
    w, h = round(PAGE_2024_MM[0] * dpi / 25.4), round(PAGE_2024_MM[1] * dpi / 25.4)
    paper = art.guilloche_paper(w, h, rng, base=PINK_2024, ink=PINK_INK_2024, density=1.2,
                                strength=float(rng.uniform(0.3, 0.5)),
                                border=(int(w * 0.03), int(w * 0.025), (212, 100, 118), 0.65))
    cv = HandCanvas(paper, dpi, rng)
    common.jitter_fill(cv, rng)
    mm = cv.mm
    size = cv.pt(12)
    lead = 1.32 * cv.lead_k
    qr_px = int(mm(22))
    qx, qy = int(cv.w - mm(14) - qr_px), int(mm(12))
    cv.paste_ink(art.qr_mask(qr_text(cert), qr_px, quiet=1), qx, qy, BLACK)
    cv.text(qx + qr_px / 2, qy + qr_px + cv.pt(10), "Mã Giấy chứng nhận:", cv.pt(8), align="center")
    cv.text(qx + qr_px / 2, qy + qr_px + cv.pt(21), cert.ma_gcn, cv.pt(10), "bold", align="center", field="ma_gcn")
    cv.value("ma_gcn", cert.ma_gcn)
    y = common.national_heading(cv, cv.w / 2 - mm(8), mm(22), cv.pt(12.5), BLACK) + mm(8)
    cv.text(cv.w / 2, y, "GIẤY CHỨNG NHẬN", cv.pt(22), "bold", color=RED, align="center")
    y += mm(8.5)
    cv.text(cv.w / 2, y, "QUYỀN SỬ DỤNG ĐẤT, QUYỀN SỞ HỮU TÀI SẢN GẮN LIỀN VỚI ĐẤT", cv.pt(13.5), "bold", color=RED,
            align="center")
    y += mm(12)
    x, right = mm(18) + cv.margin, cv.w - mm(16)
    cv.run(x, y, [Seg("1. Người sử dụng đất, chủ sở hữu tài sản gắn liền với đất:", style="bold")], size)
    y += size * lead
    for i, p in enumerate(cert.persons):
        base = f"chu_su_dung[{i}]"
        label = {"CMND": "CMND số", "CCCD": "CCCD số", "Căn cước": "Số định danh cá nhân"}[p.id_type]
        segs = [Seg("Ông" if p.sex == "Nam" else "Bà", field=f"{base}.gioi_tinh"), Seg(pick(rng, [": ", " "])),
                Seg(p.upper, field=f"{base}.ho_ten", style="bold"), Seg(pick(rng, [" ; ", "; ", ", "]))]
        if rng.random() < 0.5:
            segs += [Seg("năm sinh: "), Seg(str(p.birth.year), field=f"{base}.nam_sinh"), Seg(", ")]
            cv.value(f"{base}.nam_sinh", str(p.birth.year))
        segs += [Seg(label + ": "), Seg(p.id_number, field=f"{base}.so_giay_to")]
        cv.run(x + mm(4), y, segs, size)
        for key, v in (("ho_ten", p.upper), ("gioi_tinh", p.sex), ("loai_giay_to", p.id_type),
                       ("so_giay_to", p.id_number)):
            cv.value(f"{base}.{key}", v)
        y += size * lead
    cv.run(x, y, [Seg("2. Thông tin thửa đất:", style="bold")], size)
    y = grid_2024(cv, cert, x + mm(4), y + size * lead, right, size, lead)
    y = assets_2024(cv, x, y, right, size, lead)
    if cert.ghi_chu != "-/-":
        y = flow(cv, x, y, [Seg("4. Ghi chú: ", style="bold")], cert.ghi_chu, "ghi_chu", size, right, lead,
                 trail=_trail(cv))
        cv.value("ghi_chu", cert.ghi_chu)
    else:
        cv.run(x, y, [Seg("4. Ghi chú: ", style="bold"), Seg("-/-")], size)
        y += size * lead
    cx2 = cv.w * 0.66
    yb = max(y + size * 1.5, cv.h - mm(100))
    date_line(cv, cx2, yb, cert.noi_cap, cert.ngay_cap, cv.pt(12.5))
    common.authority_block(cv, cert, cx2, yb + size * 1.6, cv.pt(12), int(mm(36)))
    registry_line(cv, x, cv.h - mm(44), cert, cv.pt(12), "Số vào sổ cấp GCN")
    black_serial(cv, x, cv.h - mm(24), cert.serial, cv.pt(20))
    cv.text(cv.w / 2, cv.h - mm(13), "Thông tin chi tiết được thể hiện tại mã QR.", cv.pt(10.5), "italic",
            align="center")
    return cv.finish("gcn_2024", "trang_1")


# --------------------------------------------------------------------- 2009/2014 page 2
def _hinh_thuc_2009(cv: Canvas, area: str, own: str) -> str:
    if cv.rng.random() < 0.5:
        return own
    if "chung" in own.lower():
        return f"riêng: Không m²; chung: {area} m²"
    return f"riêng: {area} m²; chung: Không m²"


def render_2009_page2(cert: Certificate, rng: np.random.Generator, dpi: float = 200.0) -> Rendered:
    """GCN 2009/2014 page 2 as real certificates print it (one parcel; see the module docstring)."""
    cert.parcels = cert.parcels[:1]
    w, h = round(gcn2009.PAGE_MM[0] * dpi / 25.4), round(gcn2009.PAGE_MM[1] * dpi / 25.4)
    cv = HandCanvas(gcn2009._paper(w, h, rng, dpi), dpi, rng)
    common.jitter_fill(cv, rng)
    mm = cv.mm
    size = cv.pt(13)
    lead = 1.3 * cv.lead_k
    x, right = mm(18) + cv.margin, cv.w - mm(17)
    y = mm(24)
    cv.run(x, y, [Seg("II. Thửa đất, nhà ở và tài sản khác gắn liền với đất", style="bold")], cv.pt(13.5))
    y += size * 1.6
    p = cert.parcels[0]
    b = "thua_dat[0]"
    cv.run(x, y, [Seg("1. Thửa đất:", style="bold")], size)
    y += size * lead
    xi = x + mm(4)
    gap = _gap(cv)
    cv.run(xi, y, [Seg("a) Thửa đất số: "), Seg(p.so_thua, field=f"{b}.so_thua", tab=gap, gap=gap > mm(SPLIT_GAP_MM)),
                   Seg(" , "), Seg("tờ bản đồ số: "), Seg(p.so_to, field=f"{b}.so_to_ban_do"), Seg(_trail(cv))], size)
    y += size * lead
    cv.value(f"{b}.so_thua", p.so_thua)
    cv.value(f"{b}.so_to_ban_do", p.so_to)
    y = flow(cv, xi, y, [Seg("b) Địa chỉ: ")], p.dia_chi, f"{b}.dia_chi", size, right, lead, gap=_gap(cv),
             trail=_trail(cv))
    cv.value(f"{b}.dia_chi", p.dia_chi)
    area = fmt_area(p.dien_tich)
    gap = _gap(cv)
    head = [Seg("c) Diện tích: "), Seg(f"{area} m²", field=f"{b}.dien_tich", tab=gap, gap=gap > mm(SPLIT_GAP_MM))]
    y = flow(cv, xi, y, head, f", (bằng chữ: {area_words(p.dien_tich)});", None, size, right, lead)
    cv.value(f"{b}.dien_tich", p.dien_tich)
    hinh = _hinh_thuc_2009(cv, area, p.hinh_thuc)
    y = flow(cv, xi, y, [Seg("d) Hình thức sử dụng: ")], hinh, f"{b}.hinh_thuc_su_dung", size, right, lead,
             gap=_gap(cv), trail=_trail(cv))
    cv.value(f"{b}.hinh_thuc_su_dung", hinh)
    use = gcn2009._use_text(cert)
    y = flow(cv, xi, y, [Seg("đ) Mục đích sử dụng: ")], use, f"{b}.muc_dich_su_dung", size, right, lead,
             gap=_gap(cv), trail=_trail(cv))
    cv.share_box(f"{b}.muc_dich_su_dung", [f"{b}.muc_dich_su_dung[{k}].ten" for k in range(len(p.uses))])
    for k, u in enumerate(p.uses):
        cv.value(f"{b}.muc_dich_su_dung[{k}].ten", u.ten)
        cv.value(f"{b}.muc_dich_su_dung[{k}].ma", u.ma)
        if len(p.uses) > 1:
            cv.value(f"{b}.muc_dich_su_dung[{k}].dien_tich", u.dien_tich)
    y = flow(cv, xi, y, [Seg("e) Thời hạn sử dụng: ")], p.thoi_han, f"{b}.thoi_han_su_dung", size, right, lead,
             gap=_gap(cv), trail=_trail(cv))
    cv.value(f"{b}.thoi_han_su_dung", p.thoi_han)
    y = flow(cv, xi, y, [Seg("g) Nguồn gốc sử dụng: ")], p.nguon_goc, f"{b}.nguon_goc_su_dung", size, right, lead,
             gap=_gap(cv), trail=_trail(cv))
    cv.value(f"{b}.nguon_goc_su_dung", p.nguon_goc)
    for label in ("2. Nhà ở: ", "3. Công trình xây dựng khác: ", "4. Rừng sản xuất là rừng trồng: ",
                  "5. Cây lâu năm: "):
        cv.run(x, y, [Seg(label, style="bold"), Seg(pick(rng, ["-/-.", "-/-", "-/-."]))], size)
        y += size * lead
    if cert.ghi_chu == "-/-":
        cv.run(x, y, [Seg("6. Ghi chú: ", style="bold"), Seg("-/-.")], size)
        y += size * lead
    else:
        y = flow(cv, x, y, [Seg("6. Ghi chú: ", style="bold")], cert.ghi_chu, "ghi_chu", size, right, lead,
                 gap=_gap(cv), trail=_trail(cv))
        cv.value("ghi_chu", cert.ghi_chu)
    cx = cv.w * 0.64
    yb = max(y + size * 1.2, cv.h - mm(84))
    date_line(cv, cx, yb, cert.noi_cap, cert.ngay_cap, cv.pt(13))
    common.authority_block(cv, cert, cx, yb + size * 1.6, cv.pt(12.5), int(mm(34)))
    registry_line(cv, x, cv.h - mm(22), cert, cv.pt(12.5), "Số vào sổ cấp GCN")
    return cv.finish("gcn_2009_2014", "trang_2")
