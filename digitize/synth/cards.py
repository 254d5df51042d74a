"""ID cards: CCCD 2021 (chip) front/back, Căn cước 2024 front/back, old 9-digit CMND front.

Card size 85.6 x 54 mm, rendered at ~480 dpi.  Bilingual labels in small type, values
larger; QR on the CCCD front and the Căn cước back; TD1 MRZ on both backs.
"""

from __future__ import annotations

from datetime import date

import numpy as np
from PIL import Image, ImageDraw

from digitize.synth import art, common
from digitize.synth.canvas import BLACK, BLUE_INK, RED, Canvas, Color, Rendered, Seg
from digitize.synth.data import IdCard, pick

CARD_MM = (85.6, 54.0)
DPI = 480.0


def _dmy(d: date, sep: str = "/") -> str:
    return f"{d.day:02d}{sep}{d.month:02d}{sep}{d.year}"


def _card_canvas(rng: np.random.Generator, base: Color, ink: Color, dpi: float = DPI) -> Canvas:
    w, h = round(CARD_MM[0] * dpi / 25.4), round(CARD_MM[1] * dpi / 25.4)
    paper = art.guilloche_paper(w, h, rng, base=base, ink=ink, density=1.6, strength=float(rng.uniform(0.3, 0.5)))
    cv = Canvas(paper, dpi, rng, serif=None, sans=str(pick(rng, ["liberationsans", "notosans", "freesans"])),
                vary=False)
    return cv


def _round(r: Rendered, radius: int) -> Rendered:
    """The card is cut round: outside the corners is white and not part of the document."""
    h, w = r.image.shape[:2]
    m = Image.new("L", (w * 2, h * 2), 0)
    ImageDraw.Draw(m).rounded_rectangle((0, 0, w * 2 - 1, h * 2 - 1), radius=radius * 2, fill=255)
    alpha = np.asarray(m.resize((w, h), Image.Resampling.LANCZOS))
    a = alpha[..., None] / 255.0
    r.image = (r.image * a + 255 * (1 - a)).astype(np.uint8)
    r.extra["alpha"] = alpha
    return r


def _label(cv: Canvas, x: float, y: float, vi: str, en: str, size: float) -> float:
    """'Vi / En:' label in small sans; returns the x after it."""
    return cv.run(x, y, [Seg(f"{vi} / ", style="regular"), Seg(f"{en}:", style="italic")], size, role="sans",
                  fill=False)


def _heading(cv: Canvas, cx: float, y: float, english: bool = True) -> float:
    s1, s2 = cv.pt(6.2), cv.pt(4.6)
    cv.text(cx, y, common.HEADING_1, s1, "bold", role="sans", align="center")
    y += s1 * 1.15
    if english:
        cv.text(cx, y, "SOCIALIST REPUBLIC OF VIET NAM", s2, "bold", role="sans", align="center")
        y += s2 * 1.3
    cv.text(cx, y, common.HEADING_2, s1, "bold", role="sans", align="center")
    y += s1 * 1.15
    if english:
        cv.text(cx, y, "Independence - Freedom - Happiness", s2, "italic", role="sans", align="center")
        y += s2 * 1.3
    return y


def _values_multi(cv: Canvas, x: float, y: float, text: str, path: str, size: float, right: float,
                  first_x: float | None = None, lead: float = 1.25) -> float:
    parts = cv.wrap(text, right - (first_x or x), right - x, size, "regular", "sans")
    for i, p in enumerate(parts):
        cv.run(first_x if (i == 0 and first_x) else x, y, [Seg(p, field=path)], size, role="sans", fill=False)
        y += size * lead
    cv.value(path, text)
    return y


def render_cccd_front(card: IdCard, rng: np.random.Generator) -> Rendered:
    """CCCD 2021 chip card front."""
    cv = _card_canvas(rng, (226, 236, 238), (150, 190, 205))
    mm = cv.mm
    em = art.emblem(int(mm(13)), rng)
    cv.overlay(em, int(mm(3.5)), int(mm(3)))
    y = _heading(cv, mm(43), mm(6))
    qr_px = int(mm(15))
    cv.paste_ink(art.qr_mask(card.qr, qr_px, quiet=1), int(mm(69)), int(mm(3)), BLACK)
    cv._add_box("qr", (mm(69), mm(3), mm(69) + qr_px, mm(3) + qr_px))
    cv.value("qr", card.qr)
    cv.text(mm(47), mm(18.3), "CĂN CƯỚC CÔNG DÂN", cv.pt(10), "bold", role="sans", color=RED, align="center")
    cv.text(mm(47), mm(20.8), "Citizen Identity Card", cv.pt(5), "bold", role="sans", color=RED, align="center")
    del y
    ph = art.portrait(int(mm(19)), int(mm(25)), rng)
    cv.overlay(ph, int(mm(3.5)), int(mm(19.5)))
    lx, right = mm(25), mm(84)
    ls, vs = cv.pt(4.8), cv.pt(6.3)
    step = mm(3.0)
    yy = mm(26.3)
    end = _label(cv, lx, yy, "Số", "No.", ls)
    cv.run(end + mm(1.5), yy + cv.pt(0.5), [Seg(card.number, field="so_dinh_danh", style="bold")], cv.pt(9.5),
           role="sans", fill=False)
    cv.value("so_dinh_danh", card.number)
    yy += step
    _label(cv, lx, yy, "Họ và tên", "Full name", ls)
    yy += mm(3.4)
    cv.run(lx, yy, [Seg(card.person.upper, field="ho_ten", style="bold")], cv.pt(8), role="sans", fill=False)
    cv.value("ho_ten", card.person.upper)
    yy += mm(3.2)
    end = _label(cv, lx, yy, "Ngày sinh", "Date of birth", ls)
    cv.run(end + mm(1), yy, [Seg(_dmy(card.person.birth), field="ngay_sinh")], vs, role="sans", fill=False)
    cv.value("ngay_sinh", card.person.birth.isoformat())
    yy += step
    end = _label(cv, lx, yy, "Giới tính", "Sex", ls)
    cv.run(end + mm(1), yy, [Seg(card.person.sex, field="gioi_tinh")], vs, role="sans", fill=False)
    end = _label(cv, mm(50), yy, "Quốc tịch", "Nationality", ls)
    cv.run(end + mm(1), yy, [Seg("Việt Nam", field="quoc_tich")], vs, role="sans", fill=False)
    cv.value("gioi_tinh", card.person.sex)
    cv.value("quoc_tich", "Việt Nam")
    yy += step
    _label(cv, lx, yy, "Quê quán", "Place of origin", ls)
    yy += step
    yy = _values_multi(cv, lx, yy, card.que_quan, "que_quan", vs, right, lead=1.15)
    yy += mm(0.2)
    end = _label(cv, lx, yy, "Nơi thường trú", "Place of residence", ls)
    _values_multi(cv, lx, yy, card.noi_thuong_tru, "noi_thuong_tru", vs, right, first_x=end + mm(1), lead=1.15)
    # expiry under the photo
    ey = mm(47.5)
    cv.run(mm(3), ey, [Seg("Có giá trị đến:", style="italic")], cv.pt(4.6), role="sans", fill=False)
    exp = _dmy(card.ngay_het_han) if card.ngay_het_han else "Không thời hạn"
    cv.run(mm(3), ey + cv.pt(5.2), [Seg("Date of expiry", style="italic")], cv.pt(4.2), role="sans", fill=False)
    cv.run(mm(3), ey + cv.pt(11), [Seg(exp, field="ngay_het_han")], cv.pt(5.6), role="sans", fill=False)
    cv.value("ngay_het_han", card.ngay_het_han.isoformat() if card.ngay_het_han else exp)
    r = cv.finish("cccd_mat_truoc", "mat_truoc")
    return _round(r, int(mm(3)))


def _mrz_values(cv: Canvas, card: IdCard) -> None:
    """What the MRZ prints in clear on a card back: the ID number, birth date, sex and expiry."""
    for path, value in (("so_dinh_danh", card.number), ("ngay_sinh", card.person.birth.isoformat()),
                        ("gioi_tinh", card.person.sex)):
        cv.value(path, value)
        cv.boxes[path] = list(cv.boxes["mrz"])
    if card.ngay_het_han is not None:
        cv.value("ngay_het_han", card.ngay_het_han.isoformat())
        cv.boxes["ngay_het_han"] = list(cv.boxes["mrz"])


def _mrz(cv: Canvas, lines: list[str], y0: float) -> None:
    size = cv.pt(8.6)
    mono = cv.font(size, role="mono")
    x = cv.mm(4)
    for i, line in enumerate(lines):
        y = y0 + i * size * 1.25
        ImageDraw.Draw(cv.layer(BLACK)).text((x, y), line, font=mono, fill=255, anchor="ls")
        b = mono.getbbox(line, anchor="ls")
        from digitize.synth.canvas import DrawnLine, box_quad

        cv.lines.append(DrawnLine(line, box_quad(x + b[0], y + b[1], x + b[2], y + b[3]), "mrz", "mrz"))
        cv._add_box("mrz", (x + b[0], y + b[1], x + b[2], y + b[3]))
    cv.value("mrz", "\n".join(lines))


def _issuer_block(cv: Canvas, cx: float, y: float, title: list[str], english: str, rng: np.random.Generator,
                  signer: str) -> None:
    s = cv.pt(5)
    for t in title:
        cv.text(cx, y, t, s, "bold", role="sans", align="center")
        y += s * 1.2
    if english:
        for t in cv.wrap(english, cv.mm(40), cv.mm(40), cv.pt(3.8), "regular", "sans"):
            cv.text(cx, y, t, cv.pt(3.8), role="sans", align="center")
            y += cv.pt(3.8) * 1.2
    seal_px = int(cv.mm(15))
    sl = art.seal(seal_px, "BỘ CÔNG AN", "CỤC CẢNH SÁT QLHC VỀ TTXH" if english else "", rng)
    ox, oy = int(cx - seal_px * 0.95), int(y - seal_px * 0.35)
    cv.paste_ink(sl, ox, oy, (205, 38, 52))
    if cv.seal_layer is None:
        cv.seal_layer = Image.new("L", (cv.w, cv.h), 0)
    cv._paste_max(cv.seal_layer, sl, ox, oy)
    sig = art.signature(int(cv.mm(18)), int(cv.mm(6)), rng, width=3)
    cv.paste_ink(sig, int(cx - cv.mm(6)), int(y), BLUE_INK if rng.random() < 0.5 else BLACK)
    cv.text(cx, y + cv.mm(9), signer, cv.pt(5.5), "bold", role="sans", align="center")


def render_cccd_back(card: IdCard, rng: np.random.Generator) -> Rendered:
    """CCCD 2021 back: identifying marks, issue date, issuer, fingerprints, chip, MRZ."""
    cv = _card_canvas(rng, (232, 238, 236), (170, 200, 200))
    mm = cv.mm
    ls, vs = cv.pt(4.8), cv.pt(6.2)
    x = mm(3.5)
    y = mm(5)
    _label(cv, x, y, "Đặc điểm nhân dạng", "Personal identification", ls)
    y += mm(2.8)
    for part in cv.wrap(card.marks, mm(44), mm(44), vs, "regular", "sans"):
        cv.run(x, y, [Seg(part)], vs, role="sans", fill=False)
        y += vs * 1.2
    y += mm(1.2)
    end = _label(cv, x, y, "Ngày, tháng, năm", "Date, month, year", ls)
    cv.run(end + mm(1), y, [Seg(_dmy(card.ngay_cap), field="ngay_cap")], vs, role="sans", fill=False)
    cv.value("ngay_cap", card.ngay_cap.isoformat())
    _issuer_block(cv, mm(25), y + mm(3.4), ["CỤC TRƯỞNG CỤC CẢNH SÁT", "QUẢN LÝ HÀNH CHÍNH VỀ TRẬT TỰ XÃ HỘI"],
                  "DIRECTOR GENERAL OF THE POLICE DEPARTMENT FOR ADMINISTRATIVE MANAGEMENT OF SOCIAL ORDER", rng,
                  pick(rng, ["Tô Văn Huệ", "Nguyễn Văn Long", "Phạm Quang Minh"]))
    # fingerprints
    for i, (vi, en) in enumerate([("Ngón trỏ trái", "Left index finger"), ("Ngón trỏ phải", "Right index finger")]):
        fx = mm(52) + i * mm(16.5)
        cv.draw(BLACK).rectangle((fx, mm(4), fx + mm(15), mm(24)), outline=140, width=2)
        cv.paste_ink(art.fingerprint(int(mm(12)), int(mm(14)), rng), int(fx + mm(1.5)), int(mm(5)), BLACK)
        cv.text(fx + mm(7.5), mm(26.5), vi, cv.pt(4.2), role="sans", align="center")
        cv.text(fx + mm(7.5), mm(28.5), en, cv.pt(3.6), "italic", role="sans", align="center")
    ch = art.chip(int(mm(11)), int(mm(8.5)))
    cv.overlay(ch, int(mm(70)), int(mm(30)))
    cv.draw((250, 250, 250))
    _mrz(cv, card.mrz, mm(43.5))
    _mrz_values(cv, card)
    r = cv.finish("cccd_mat_sau", "mat_sau")
    return _round(r, int(mm(3)))


def render_can_cuoc_front(card: IdCard, rng: np.random.Generator) -> Rendered:
    """Căn cước 2024 front: number, birth name, birth date, sex, nationality."""
    cv = _card_canvas(rng, (236, 232, 222), (200, 170, 150))
    mm = cv.mm
    em = art.emblem(int(mm(12)), rng)
    cv.overlay(em, int(mm(4)), int(mm(3)))
    y = _heading(cv, mm(48), mm(6))
    cv.text(mm(48), y + cv.pt(10), "CĂN CƯỚC", cv.pt(12), "bold", role="sans", color=RED, align="center")
    cv.text(mm(48), y + cv.pt(10) + cv.pt(6.5), "IDENTITY CARD", cv.pt(5.5), "bold", role="sans", color=RED,
            align="center")
    ph = art.portrait(int(mm(19)), int(mm(25)), rng)
    cv.overlay(ph, int(mm(4)), int(mm(20)))
    ch = art.chip(int(mm(9)), int(mm(7)))
    cv.overlay(ch, int(mm(8)), int(mm(46)))
    lx, ls, vs = mm(26), cv.pt(4.8), cv.pt(7.2)
    yy = mm(30)
    _label(cv, lx, yy, "Số định danh cá nhân", "Personal identification number", ls)
    yy += mm(3.8)
    cv.run(lx, yy, [Seg(card.number, field="so_dinh_danh", style="bold")], cv.pt(10.5), role="sans", fill=False)
    cv.value("so_dinh_danh", card.number)
    yy += mm(3.4)
    _label(cv, lx, yy, "Họ, chữ đệm và tên khai sinh", "Surname, middle name and given name", ls)
    yy += mm(3.6)
    cv.run(lx, yy, [Seg(card.person.upper, field="ho_ten", style="bold")], cv.pt(8.5), role="sans", fill=False)
    cv.value("ho_ten", card.person.upper)
    yy += mm(3.6)
    end = _label(cv, lx, yy, "Ngày sinh", "Date of birth", ls)
    cv.run(end + mm(1), yy, [Seg(_dmy(card.person.birth), field="ngay_sinh")], vs, role="sans", fill=False)
    cv.value("ngay_sinh", card.person.birth.isoformat())
    yy += mm(3.4)
    end = _label(cv, lx, yy, "Giới tính", "Sex", ls)
    cv.run(end + mm(1), yy, [Seg(card.person.sex, field="gioi_tinh")], vs, role="sans", fill=False)
    end = _label(cv, mm(52), yy, "Quốc tịch", "Nationality", ls)
    cv.run(end + mm(1), yy, [Seg("Việt Nam", field="quoc_tich")], vs, role="sans", fill=False)
    cv.value("gioi_tinh", card.person.sex)
    cv.value("quoc_tich", "Việt Nam")
    r = cv.finish("can_cuoc_2024_mat_truoc", "mat_truoc")
    return _round(r, int(mm(3)))


def render_can_cuoc_back(card: IdCard, rng: np.random.Generator) -> Rendered:
    """Căn cước 2024 back: residence, birth registration place, QR, dates, issuer, MRZ."""
    cv = _card_canvas(rng, (238, 234, 226), (205, 180, 160))
    mm = cv.mm
    qr_px = int(mm(15))
    cv.paste_ink(art.qr_mask(card.qr, qr_px, quiet=1), int(mm(3.5)), int(mm(3)), BLACK)
    cv._add_box("qr", (mm(3.5), mm(3), mm(3.5) + qr_px, mm(3) + qr_px))
    cv.value("qr", card.qr)
    lx, right, ls, vs = mm(21), mm(83), cv.pt(4.8), cv.pt(6.4)
    y = mm(5)
    _label(cv, lx, y, "Nơi cư trú", "Place of residence", ls)
    y = _values_multi(cv, lx, y + mm(2.9), card.noi_thuong_tru, "noi_thuong_tru", vs, right, lead=1.2)
    _label(cv, lx, y, "Nơi đăng ký khai sinh", "Place of birth", ls)
    y = _values_multi(cv, lx, y + mm(2.9), card.noi_dang_ky_khai_sinh, "noi_dang_ky_khai_sinh", vs, right, lead=1.2)
    x2 = mm(4)
    y = max(y, mm(22))
    end = _label(cv, x2, y, "Ngày, tháng, năm cấp", "Date of issue", ls)
    cv.run(end + mm(1), y, [Seg(_dmy(card.ngay_cap), field="ngay_cap")], vs, role="sans", fill=False)
    cv.value("ngay_cap", card.ngay_cap.isoformat())
    y += mm(3)
    end = _label(cv, x2, y, "Ngày, tháng, năm hết hạn", "Date of expiry", ls)
    exp = _dmy(card.ngay_het_han) if card.ngay_het_han else "Không thời hạn"
    cv.run(end + mm(1), y, [Seg(exp, field="ngay_het_han")], vs, role="sans", fill=False)
    cv.value("ngay_het_han", card.ngay_het_han.isoformat() if card.ngay_het_han else exp)
    _issuer_block(cv, mm(62), mm(26), ["BỘ CÔNG AN"], "MINISTRY OF PUBLIC SECURITY", rng,
                  pick(rng, ["Nguyễn Ngọc Lâm", "Trần Quốc Tỏ", "Lê Quốc Hùng"]))
    _mrz(cv, card.mrz, mm(43.5))
    _mrz_values(cv, card)
    r = cv.finish("can_cuoc_2024_mat_sau", "mat_sau")
    return _round(r, int(mm(3)))


def render_cmnd(card: IdCard, rng: np.random.Generator) -> Rendered:
    """Old 9-digit CMND front: red number, values typed (or handwritten) over dotted lines."""
    cv = _card_canvas(rng, (222, 234, 240), (140, 175, 205))
    mm = cv.mm
    em = art.emblem(int(mm(14)), rng)
    cv.overlay(em, int(mm(4)), int(mm(4)))
    ph = art.portrait(int(mm(18)), int(mm(24)), rng)
    cv.overlay(ph, int(mm(4)), int(mm(22)))
    cx = mm(55)
    y = _heading(cv, cx, mm(6), english=False)
    cv.text(cx, y + cv.pt(6), "GIẤY CHỨNG MINH NHÂN DÂN", cv.pt(8.5), "bold", role="sans", color=RED, align="center")
    y += cv.pt(6) + cv.pt(11)
    end = cv.run(mm(33), y, [Seg("SỐ ", style="bold")], cv.pt(9), role="sans", color=RED, fill=False)
    cv.run(end, y, [Seg(card.number, field="so_dinh_danh", style="bold")], cv.pt(11), role="serif", color=RED,
           fill=False)
    cv.value("so_dinh_danh", card.number)
    hand = rng.random() < 0.35
    vs, ls = cv.pt(7), cv.pt(6.5)
    lx, right = mm(25), mm(83)
    rows = [("Họ tên", card.person.upper, "ho_ten", card.person.upper),
            ("Sinh ngày", _dmy(card.person.birth, "-"), "ngay_sinh", card.person.birth.isoformat()),
            ("Nguyên quán", card.que_quan, "que_quan", card.que_quan),
            ("Nơi ĐKHK thường trú", card.noi_thuong_tru, "noi_thuong_tru", card.noi_thuong_tru)]
    yy = y + mm(5)
    for label, text, path, value in rows:
        end = cv.run(lx, yy, [Seg(label + " ")], ls, role="sans", fill=False)
        parts = cv.wrap(text, right - end, right - lx, vs, "bold" if path == "ho_ten" else "regular", "sans")
        for i, part in enumerate(parts):
            px = end if i == 0 else lx
            cv.dotted(px, right, yy + cv.pt(1))
            cv.run(px + mm(0.5), yy - cv.pt(0.5),
                   [Seg(part, field=path, hand=hand, style="bold" if path == "ho_ten" else "regular",
                        color=BLUE_INK if hand else None)], vs, role="sans", fill=False)
            yy += mm(3.9)
        cv.value(path, value)
        if len(parts) == 1 and path in ("que_quan", "noi_thuong_tru"):
            cv.dotted(lx, right, yy + cv.pt(1))
            yy += mm(3.9)
    r = cv.finish("cmnd", "mat_truoc")
    return _round(r, int(mm(2.5)))


RENDERERS = {
    ("cccd_mat_truoc", "mat_truoc"): ("cccd_2021", render_cccd_front),
    ("cccd_mat_sau", "mat_sau"): ("cccd_2021", render_cccd_back),
    ("can_cuoc_2024_mat_truoc", "mat_truoc"): ("can_cuoc_2024", render_can_cuoc_front),
    ("can_cuoc_2024_mat_sau", "mat_sau"): ("can_cuoc_2024", render_can_cuoc_back),
    ("cmnd", "mat_truoc"): ("cmnd", render_cmnd),
}
