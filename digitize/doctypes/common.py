"""Classification evidence shared by several families: certificate wording, chip-card front labels."""

from __future__ import annotations

from digitize.doctypes.family import Rule

# Wording every certificate generation prints: added to each certificate type's score and
# taken from each card type's.
CERTIFICATE_EVIDENCE: tuple[Rule, ...] = (
    (r"giay chung nhan", 2.0),
    (r"quyen su dung dat", 2.0),
    (r"thua dat so", 2.0),
    (r"to ban do so", 2.0),
    (r"so vao so cap", 1.5),
    (r"so do thua dat", 2.0),
    (r"bang ke toa do", 2.0),
    (r"nhung thay doi sau khi cap", 2.0),
)

# Page roles by their section titles (numerals are what OCR reads worst).
CERTIFICATE_PAGE_ROLES: tuple[tuple[str, str], ...] = (
    ("trang_2", r"(^|\n)\s*5\s*[.)]\s*so do thua dat"),  # 2024: sketch on page 2
    ("trang_4", r"nhung thay doi sau khi cap|khong duoc sua chua,? tay xoa"),
    ("trang_3", r"so do thua dat"),
    ("trang_2", r"(^|\n)\s*[il1|]{1,3}\s*[.,)]?\s*thua dat,? nha o"),
    ("trang_1", r"nguoi su dung dat,? chu so huu|(^|\n)\s*[il1|]\s*[.,)]?\s*(nguoi su dung|ten nguoi)"),
)

# Labels every chip-card front carries (CCCD 2021 and Căn cước 2024; the old CMND has none of
# them), so a front whose title is garbled still tells itself from a certificate or a back.
CHIP_CARD_FRONT_EVIDENCE: tuple[Rule, ...] = (
    (r"(?<![a-z])gi[a-z]{1,2}i\s*t[iy]nh", 1.0),
    (r"(?<![a-z])qu[a-z]{1,2}c\s*t[iy]ch", 1.0),
    (r"(?<![a-z])ngay\s*s[iy]nh", 0.5),
    (r"date\s*o[a-z]?\s*b[a-z]{2,5}", 1.0),
    (r"(?<![a-z])sex(?![a-z])", 0.5),
    (r"(?<![a-z])nation[a-z]{0,6}", 0.5),
)
