"""ID-paper numbers: 12-digit CCCD / personal ID numbers and 9-digit CMND.

The 12-digit number is PPP G YY RRRRRR (Decree 137/2015, Circular 07/2016/TT-BCA and its
successor 59/2021/TT-BCA): PPP the code of the province where the birth was registered
(table below, Appendix 1 of Circular 07/2016, unchanged by the 2025 merger), G the century
and sex (0/1 male/female born 1900-1999, 2/3 2000-2099, 4/5 2100-2199, 6/7 2200-2299, 8/9
2300-2399), YY the last two digits of the birth year, six random digits.  There is no
check digit: the number is checked against the birth year, sex, province table, MRZ and QR.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from digitize.fields.normalize import normalize_digits
from digitize.fields.result import Check

# Appendix 1 of Circular 07/2016/TT-BCA: province of birth registration -> code.  The same
# numbers are the GSO province codes (Decision 124/2004/QĐ-TTg) with a leading zero.
CCCD_PROVINCES: dict[str, str] = {
    "001": "Hà Nội", "002": "Hà Giang", "004": "Cao Bằng", "006": "Bắc Kạn", "008": "Tuyên Quang",
    "010": "Lào Cai", "011": "Điện Biên", "012": "Lai Châu", "014": "Sơn La", "015": "Yên Bái",
    "017": "Hòa Bình", "019": "Thái Nguyên", "020": "Lạng Sơn", "022": "Quảng Ninh", "024": "Bắc Giang",
    "025": "Phú Thọ", "026": "Vĩnh Phúc", "027": "Bắc Ninh", "030": "Hải Dương", "031": "Hải Phòng",
    "033": "Hưng Yên", "034": "Thái Bình", "035": "Hà Nam", "036": "Nam Định", "037": "Ninh Bình",
    "038": "Thanh Hóa", "040": "Nghệ An", "042": "Hà Tĩnh", "044": "Quảng Bình", "045": "Quảng Trị",
    "046": "Thừa Thiên Huế", "048": "Đà Nẵng", "049": "Quảng Nam", "051": "Quảng Ngãi", "052": "Bình Định",
    "054": "Phú Yên", "056": "Khánh Hòa", "058": "Ninh Thuận", "060": "Bình Thuận", "062": "Kon Tum",
    "064": "Gia Lai", "066": "Đắk Lắk", "067": "Đắk Nông", "068": "Lâm Đồng", "070": "Bình Phước",
    "072": "Tây Ninh", "074": "Bình Dương", "075": "Đồng Nai", "077": "Bà Rịa - Vũng Tàu", "079": "Hồ Chí Minh",
    "080": "Long An", "082": "Tiền Giang", "083": "Bến Tre", "084": "Trà Vinh", "086": "Vĩnh Long",
    "087": "Đồng Tháp", "089": "An Giang", "091": "Kiên Giang", "092": "Cần Thơ", "093": "Hậu Giang",
    "094": "Sóc Trăng", "095": "Bạc Liêu", "096": "Cà Mau",
}


@dataclass(frozen=True)
class IdNumberInfo:
    """A parsed ID number.  ``kind``: 'cccd' (12 digits) or 'cmnd' (9 digits)."""

    number: str
    kind: str
    province_code: str | None = None
    province: str | None = None
    sex: str | None = None  # 'Nam' / 'Nữ'
    birth_year_suffix: str | None = None
    century_start: int | None = None
    check: Check = field(default_factory=lambda: Check(None))

    def birth_year_candidates(self) -> list[int]:
        """The birth year the number encodes (a single year for a valid CCCD)."""
        if self.century_start is None or self.birth_year_suffix is None:
            return []
        return [self.century_start + int(self.birth_year_suffix)]


def normalize_id_number(text: str) -> str | None:
    """Digits of a 9- or 12-digit ID number, OCR confusions repaired; None otherwise."""
    return normalize_digits(text, (12, 9))


def parse_cccd(text: str) -> IdNumberInfo | None:
    """Structure of a 12-digit CCCD / personal ID number; None when the text holds no 12 digits.

    ``check.ok`` is False when the province code is not in the table or the
    century/sex digit cannot be right for a living person; the reasons say which.
    """
    n = normalize_digits(text, (12,))
    if n is None:
        return None
    reasons: list[str] = []
    ok: bool | None = True
    pcode = n[:3]
    province = CCCD_PROVINCES.get(pcode)
    if province is None:
        ok = False
        reasons.append(f"province code {pcode} is not one of the 63 birth-registration codes")
    g = int(n[3])
    century_start = 1900 + 100 * (g // 2)
    sex = "Nam" if g % 2 == 0 else "Nữ"
    if century_start > 2000:
        ok = False
        reasons.append(f"century digit {g} means a birth after {century_start}")
    return IdNumberInfo(n, "cccd", pcode, province, sex, n[4:6], century_start, Check(ok, reasons))


def check_cccd(text: str, *, birth_year: int | str | None = None, sex: str | None = None,
               birth_province: str | None = None) -> Check:
    """A 12-digit number against the birth year, sex and birth-registration province printed elsewhere.

    ``sex`` accepts 'Nam'/'Nữ'/'M'/'F'/'Ông'/'Bà'; ``birth_province`` a province name
    (compared diacritic-insensitively).  Unknown inputs are skipped, not failed; ``ok``
    is None when nothing could be compared.
    """
    info = parse_cccd(text)
    if info is None:
        return Check(False, ["not a 12-digit number"])
    checks = [info.check]
    if birth_year is not None:
        try:
            y = int(str(birth_year).strip()[:4])
        except ValueError:
            y = None
        if y is not None:
            enc = info.birth_year_candidates()
            if enc and enc[0] != y:
                checks.append(Check(False, [f"number encodes birth year {enc[0]}, printed {y}"]))
            elif enc:
                checks.append(Check(True, ["birth year agrees"]))
    if sex is not None:
        s = _sex(sex)
        if s is not None:
            checks.append(Check(s == info.sex, ["sex agrees" if s == info.sex else "sex digit disagrees with the "
                                                "printed sex"]))
    if birth_province and info.province:
        from digitize.fields.text import fold

        same = fold(birth_province).replace("tinh ", "").replace("thanh pho ", "").strip() == fold(info.province)
        # A person registered in one province may live anywhere: a mismatch is a hint, not an error.
        checks.append(Check(True if same else None,
                            ["birth-registration province agrees" if same else
                             "province code differs from the printed place (only a hint)"]))
    return Check.combine(checks)


def _sex(text: str) -> str | None:
    from digitize.fields.text import fold

    f = fold(text)
    if f in ("nam", "m", "male", "ong", "chong"):
        return "Nam"
    if f in ("nu", "f", "female", "ba", "vo"):
        return "Nữ"
    return None


def normalize_sex(text: str) -> str | None:
    """'Nam' / 'Nữ' from 'Nam', 'NỮ', 'Nu', 'M', 'F', 'Ông', 'Bà'; None otherwise."""
    return _sex(text or "")


# First two digits of a 9-digit CMND name the issuing police (roughly the province); the
# allocation changed with province splits, so it is reported, never used to reject.
def parse_cmnd(text: str) -> IdNumberInfo | None:
    """A 9-digit CMND (valid until 31/12/2024, still printed on old certificates).

    ``check.ok`` True for 9 digits; None for 12-digit CMND (issued 2012-2016 in some
    provinces: they share the CCCD structure, so :func:`parse_cccd` applies).
    """
    n = normalize_digits(text, (9, 12))
    if n is None:
        return None
    if len(n) == 12:
        info = parse_cccd(n)
        if info is None:  # pragma: no cover - 12 digits always parse
            return None
        return IdNumberInfo(n, "cmnd", info.province_code, info.province, info.sex, info.birth_year_suffix,
                            info.century_start, Check(info.check.ok, ["12-digit CMND: same structure as CCCD",
                                                                      *info.check.reasons]))
    return IdNumberInfo(n, "cmnd", check=Check(True, ["9-digit CMND"]))


def id_kind(text: str) -> str | None:
    """'CCCD' for 12 digits, 'CMND' for 9, None otherwise (a 12-digit CMND reads as CCCD)."""
    n = normalize_digits(text, (9, 12))
    if n is None:
        return None
    return "CCCD" if len(n) == 12 else "CMND"
