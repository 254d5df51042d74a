"""GCN 2024 form (Circular 10/2024), page 1: QR + certificate code, title, sections 1-4,
date line, authority, seal, registry number and the 2-letter + 8-digit serial."""

from __future__ import annotations

import numpy as np

from digitize.synth import art, common, gcn2009
from digitize.synth.canvas import BLACK, RED, Canvas, Rendered, Seg
from digitize.synth.data import Certificate, area_words, fmt_area

PAGE_MM = (210.0, 297.0)


def qr_text(cert: Certificate) -> str:
    """What the certificate's QR carries (synthetic layout: code|serial|parcel|sheet|area|date)."""
    p = cert.parcels[0]
    return "|".join([cert.ma_gcn, cert.serial, p.so_thua, p.so_to, f"{p.dien_tich:.1f}", cert.ngay_cap.isoformat()])


def render_page1(cert: Certificate, rng: np.random.Generator, dpi: float = 180.0) -> Rendered:
    """GCN 2024 page 1."""
    w, h = round(PAGE_MM[0] * dpi / 25.4), round(PAGE_MM[1] * dpi / 25.4)
    paper = art.guilloche_paper(w, h, rng, base=(251, 236, 236), ink=(232, 160, 172), density=1.2,
                                strength=float(rng.uniform(0.3, 0.5)),
                                border=(int(w * 0.03), int(w * 0.025), (212, 100, 118), 0.65))
    cv = Canvas(paper, dpi, rng)
    common.jitter_fill(cv, rng)
    mm = cv.mm
    size = cv.pt(12)
    lead = 1.38 * cv.lead_k
    # QR top right, the certificate code under it
    qr_px = int(mm(24))
    qx, qy = int(cv.w - mm(14) - qr_px), int(mm(14))
    cv.paste_ink(art.qr_mask(qr_text(cert), qr_px, quiet=1), qx, qy, BLACK)
    cv.text(qx + qr_px / 2, qy + qr_px + cv.pt(10), "Mã Giấy chứng nhận:", cv.pt(8), align="center")
    cv.text(qx + qr_px / 2, qy + qr_px + cv.pt(21), cert.ma_gcn, cv.pt(10), "bold", align="center", field="ma_gcn")
    cv.value("ma_gcn", cert.ma_gcn)
    cx = cv.w / 2 - mm(8)
    y = common.national_heading(cv, cx, mm(22), cv.pt(12.5), BLACK)
    y += mm(8)
    cv.text(cv.w / 2, y, "GIẤY CHỨNG NHẬN", cv.pt(22), "bold", color=RED, align="center")
    y += mm(8.5)
    cv.text(cv.w / 2, y, "QUYỀN SỬ DỤNG ĐẤT, QUYỀN SỞ HỮU TÀI SẢN GẮN LIỀN VỚI ĐẤT", cv.pt(13.5), "bold", color=RED,
            align="center")
    y += mm(12)
    x, right = mm(18) + cv.margin, cv.w - mm(16)
    cv.run(x, y, [Seg("1. Người sử dụng đất, chủ sở hữu tài sản gắn liền với đất:", style="bold")], size)
    y += size * lead
    for i, p in enumerate(cert.persons):
        honor = "Ông" if p.sex == "Nam" else "Bà"
        base = f"chu_su_dung[{i}]"
        label = {"CMND": "CMND số", "CCCD": "CCCD số", "Căn cước": "Số định danh cá nhân"}[p.id_type]
        cv.run(x + mm(4), y, [Seg(honor, field=f"{base}.gioi_tinh"), Seg(" "),
                              Seg(p.upper, field=f"{base}.ho_ten", style="bold"), Seg("; "), Seg(label + ": "),
                              Seg(p.id_number, field=f"{base}.so_giay_to")], size)
        for key, v in (("ho_ten", p.upper), ("gioi_tinh", p.sex), ("loai_giay_to", p.id_type),
                       ("so_giay_to", p.id_number)):
            cv.value(f"{base}.{key}", v)
        y += size * lead
    y += size * 0.3
    cv.run(x, y, [Seg("2. Thông tin thửa đất:", style="bold")], size)
    y += size * lead
    pc = cert.parcels[0]
    b = "thua_dat[0]"
    xi = x + mm(4)
    cv.run(xi, y, [Seg("a) Thửa đất số: "), Seg(pc.so_thua, field=f"{b}.so_thua"), Seg("; "),
                   Seg("Tờ bản đồ số: "), Seg(pc.so_to, field=f"{b}.so_to_ban_do"), Seg(";")], size)
    cv.value(f"{b}.so_thua", pc.so_thua)
    cv.value(f"{b}.so_to_ban_do", pc.so_to)
    y += size * lead
    area = fmt_area(pc.dien_tich)
    y_area = y
    y = cv.labelled(xi, y, "b) Diện tích:", f"{area} m² (Bằng chữ: {area_words(pc.dien_tich)})", None, size, right,
                    indent=mm(4), leading=lead)
    _box_number(cv, xi, y_area, size, "b) Diện tích: ", f"{area} m²", f"{b}.dien_tich")
    cv.value(f"{b}.dien_tich", pc.dien_tich)
    use_text = "; ".join(f"{u.ten}: {fmt_area(u.dien_tich)} m²" for u in pc.uses)
    y = cv.labelled(xi, y, "c) Loại đất:", use_text, f"{b}.muc_dich_su_dung", size, right, indent=mm(4), leading=lead)
    cv.share_box(f"{b}.muc_dich_su_dung", [f"{b}.muc_dich_su_dung[{k}].ten" for k in range(len(pc.uses))])
    for k, u in enumerate(pc.uses):
        cv.value(f"{b}.muc_dich_su_dung[{k}].ten", u.ten)
        cv.value(f"{b}.muc_dich_su_dung[{k}].ma", u.ma)
        cv.value(f"{b}.muc_dich_su_dung[{k}].dien_tich", u.dien_tich)
    y = cv.labelled(xi, y, "d) Thời hạn sử dụng:", pc.thoi_han, f"{b}.thoi_han_su_dung", size, right, indent=mm(4),
                    leading=lead)
    cv.value(f"{b}.thoi_han_su_dung", pc.thoi_han)
    y = cv.labelled(xi, y, "đ) Hình thức sử dụng:", pc.hinh_thuc, f"{b}.hinh_thuc_su_dung", size, right,
                    leading=lead)
    cv.value(f"{b}.hinh_thuc_su_dung", pc.hinh_thuc)
    y = cv.labelled(xi, y, "e) Địa chỉ:", pc.dia_chi, f"{b}.dia_chi", size, right, indent=mm(4), leading=lead)
    cv.value(f"{b}.dia_chi", pc.dia_chi)
    if rng.random() < 0.5:
        y = cv.labelled(xi, y, "g) Nguồn gốc sử dụng:", pc.nguon_goc, f"{b}.nguon_goc_su_dung", size, right,
                        indent=mm(4), leading=lead)
        cv.value(f"{b}.nguon_goc_su_dung", pc.nguon_goc)
    y += size * 0.3
    cv.run(x, y, [Seg("3. Thông tin tài sản gắn liền với đất: ", style="bold"), Seg("-/-")], size)
    y += size * lead
    if cert.ghi_chu != "-/-":
        y = cv.labelled(x, y, "4. Ghi chú:", cert.ghi_chu, "ghi_chu", size, right, label_style="bold", leading=lead)
        cv.value("ghi_chu", cert.ghi_chu)
    else:
        cv.run(x, y, [Seg("4. Ghi chú: ", style="bold"), Seg("-/-")], size)
        y += size * lead
    cx2 = cv.w * 0.66
    yb = max(y + size * 1.5, cv.h - mm(95))
    common.date_line(cv, cx2, yb, cert.noi_cap, cert.ngay_cap, cv.pt(12.5), hand_prob=0.15)
    common.authority_block(cv, cert, cx2, yb + size * 1.6, cv.pt(12), int(mm(36)))
    common.registry_line(cv, x, cv.h - mm(38), cert, cv.pt(12), "Số vào sổ cấp Giấy chứng nhận", hand_prob=0.3)
    common.red_serial(cv, x + mm(30), cv.h - mm(22), cert.serial, cv.pt(15))
    return cv.finish("gcn_2024", "trang_1")


def _box_number(cv: Canvas, x: float, y: float, size: float, label: str, number: str, path: str) -> None:
    """Register the box of the number right after a label on an already drawn line."""
    f = cv.font(size)
    x0 = x + cv.fill_dx + f.getlength(label)
    yb = y + cv.fill_dy
    bb = f.getbbox(number, anchor="ls")
    cv._add_box(path, (x0 + bb[0], yb + bb[1], x0 + bb[2], yb + bb[3]))


def render_page2(cert: Certificate, rng: np.random.Generator, dpi: float = 180.0) -> Rendered:
    """GCN 2024 page 2: 5. parcel sketch with its corner table, 6. changes after issue."""
    w, h = round(PAGE_MM[0] * dpi / 25.4), round(PAGE_MM[1] * dpi / 25.4)
    paper = art.guilloche_paper(w, h, rng, base=(251, 236, 236), ink=(232, 160, 172), density=1.2,
                                strength=float(rng.uniform(0.3, 0.5)),
                                border=(int(w * 0.03), int(w * 0.025), (212, 100, 118), 0.65))
    cv = Canvas(paper, dpi, rng)
    common.jitter_fill(cv, rng)
    mm = cv.mm
    size = cv.pt(12)
    x = mm(18) + cv.margin
    cv.run(x, mm(24), [Seg("5. Sơ đồ thửa đất:", style="bold")], size)
    y = gcn2009.draw_sketch(cv, cert.parcels[0], (mm(20), mm(30), cv.w - mm(20), mm(135)), x, mm(146),
                            (mm(26), cv.w - mm(26)))
    y += mm(12)
    cv.run(x, y, [Seg("6. Những thay đổi sau khi cấp Giấy chứng nhận:", style="bold")], size)
    y += mm(4)
    d = cv.draw(BLACK)
    tx0, tx1, colx, ty1 = mm(18), cv.w - mm(18), cv.w * 0.6, cv.h - mm(22)
    d.rectangle((tx0, y, tx1, ty1), outline=255, width=2)
    d.line((colx, y, colx, ty1), fill=255, width=2)
    d.line((tx0, y + mm(12), tx1, y + mm(12)), fill=255, width=2)
    cv.text((tx0 + colx) / 2, y + mm(7.5), "Nội dung thay đổi và cơ sở pháp lý", cv.pt(11), "bold", align="center")
    cv.text((colx + tx1) / 2, y + mm(7.5), "Xác nhận của cơ quan có thẩm quyền", cv.pt(11), "bold", align="center")
    return cv.finish("gcn_2024", "trang_2")


RENDERERS = {"trang_1": render_page1, "trang_2": render_page2}
