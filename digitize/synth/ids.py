"""Identity numbers: CCCD (PPP G YY RRRRRR), old 9-digit CMND, ICAO TD1 MRZ, chip-card QR.

Pure functions; the checks here are also what the tests validate against.
"""

from __future__ import annotations

import unicodedata
from datetime import date

import numpy as np

# Old 9-digit CMND prefixes by (old, 63-unit) province short name.  Two-digit prefixes
# were shared by neighbouring provinces; this is the commonly published table.
CMND_PREFIX: dict[str, str] = {
    "Hà Nội": "01", "Hồ Chí Minh": "02", "Hải Phòng": "03", "Điện Biên": "04", "Lai Châu": "04",
    "Sơn La": "05", "Lào Cai": "06", "Yên Bái": "06", "Hà Giang": "07", "Tuyên Quang": "07",
    "Lạng Sơn": "08", "Cao Bằng": "08", "Thái Nguyên": "09", "Bắc Kạn": "09", "Quảng Ninh": "10",
    "Bắc Giang": "12", "Bắc Ninh": "12", "Phú Thọ": "13", "Vĩnh Phúc": "13", "Hòa Bình": "11",
    "Hải Dương": "14", "Hưng Yên": "14", "Thái Bình": "15", "Nam Định": "16", "Hà Nam": "16",
    "Ninh Bình": "16", "Thanh Hóa": "17", "Nghệ An": "18", "Hà Tĩnh": "18", "Quảng Bình": "19",
    "Quảng Trị": "19", "Thừa Thiên Huế": "19", "Quảng Nam": "20", "Đà Nẵng": "20",
    "Quảng Ngãi": "21", "Bình Định": "21", "Khánh Hòa": "22", "Phú Yên": "22", "Gia Lai": "23",
    "Kon Tum": "23", "Đắk Lắk": "24", "Đắk Nông": "24", "Lâm Đồng": "25", "Ninh Thuận": "26",
    "Bình Thuận": "26", "Đồng Nai": "27", "Bà Rịa - Vũng Tàu": "27", "Bình Dương": "28",
    "Bình Phước": "28", "Tây Ninh": "29", "Long An": "30", "Tiền Giang": "31", "Bến Tre": "32",
    "Vĩnh Long": "33", "Trà Vinh": "33", "Đồng Tháp": "34", "An Giang": "35", "Cần Thơ": "36",
    "Sóc Trăng": "36", "Hậu Giang": "36", "Kiên Giang": "37", "Cà Mau": "38", "Bạc Liêu": "38",
}


def cccd_gender_digit(sex: str, birth_year: int) -> int:
    """G of PPP G YY RRRRRR: century (1900s 0/1, 2000s 2/3, ...) and sex (even male)."""
    century = (birth_year // 100) - 19
    if not 0 <= century <= 4:
        raise ValueError("birth year out of the CCCD range")
    return century * 2 + (1 if sex == "Nữ" else 0)


def make_cccd(province_code: str, sex: str, birth_year: int, rng: np.random.Generator) -> str:
    """A 12-digit CCCD / personal identification number consistent with its holder."""
    ppp = province_code.zfill(3)[-3:]
    tail = "".join(str(int(d)) for d in rng.integers(0, 10, 6))
    return f"{ppp}{cccd_gender_digit(sex, birth_year)}{birth_year % 100:02d}{tail}"


def parse_cccd(number: str) -> tuple[str, str, int]:
    """(province code, sex, birth year) encoded in a 12-digit CCCD number."""
    if len(number) != 12 or not number.isdigit():
        raise ValueError("not a 12-digit number")
    g = int(number[3])
    sex = "Nữ" if g % 2 else "Nam"
    year = 1900 + (g // 2) * 100 + int(number[4:6])
    return number[:3], sex, year


def make_cmnd(province_short: str, rng: np.random.Generator) -> str:
    """An old 9-digit CMND number with its province prefix."""
    prefix = CMND_PREFIX.get(province_short, "0" + str(int(rng.integers(1, 10))))
    return prefix + "".join(str(int(d)) for d in rng.integers(0, 10, 9 - len(prefix)))


def mrz_check_digit(text: str) -> int:
    """ICAO 9303 check digit (weights 7, 3, 1; '<' = 0, A = 10 ... Z = 35)."""
    total = 0
    for i, c in enumerate(text):
        if c.isdigit():
            v = int(c)
        elif "A" <= c <= "Z":
            v = ord(c) - 55
        else:
            v = 0
        total += v * (7, 3, 1)[i % 3]
    return total % 10


def ascii_fold(text: str) -> str:
    """Upper-case ASCII without Vietnamese marks (for the MRZ name line)."""
    t = unicodedata.normalize("NFD", text).replace("\u0111", "d").replace("\u0110", "D")
    t = "".join(c for c in t if unicodedata.category(c) != "Mn")
    t = t.replace("đ", "d").replace("Đ", "D")
    return t.upper()


def _yymmdd(d: date) -> str:
    return f"{d.year % 100:02d}{d.month:02d}{d.day:02d}"


def make_mrz(id12: str, birth: date, sex: str, expiry: date | None, full_name: str) -> list[str]:
    """The three 30-character TD1 lines of a Vietnamese chip ID card."""
    doc = id12[-9:]
    line1 = f"IDVNM{doc}{mrz_check_digit(doc)}{id12}<<{mrz_check_digit(id12)}"
    exp = _yymmdd(expiry) if expiry else "<<<<<<"
    exp_cd = str(mrz_check_digit(exp)) if expiry else "<"
    b = _yymmdd(birth)
    line2 = f"{b}{mrz_check_digit(b)}{'F' if sex == 'Nữ' else 'M'}{exp}{exp_cd}VNM"
    line2 = line2.ljust(29, "<")
    composite = line1[5:30] + line2[0:7] + line2[8:15] + line2[18:29]
    line2 += str(mrz_check_digit(composite))
    parts = ascii_fold(full_name).split()
    line3 = (parts[0] + "<<" + "<".join(parts[1:]))[:30].ljust(30, "<")
    if len(line1) != 30 or len(line2) != 30:
        raise AssertionError("MRZ line length")
    return [line1, line2, line3]


def mrz_is_valid(lines: list[str]) -> bool:
    """Validate every check digit of a TD1 MRZ as made by :func:`make_mrz`."""
    if len(lines) != 3 or any(len(x) != 30 for x in lines):
        return False
    l1, l2, _ = lines
    ok = mrz_check_digit(l1[5:14]) == int(l1[14])
    ok &= mrz_check_digit(l1[15:27]) == int(l1[29])
    ok &= mrz_check_digit(l2[0:6]) == int(l2[6])
    if l2[8:14] != "<<<<<<":
        ok &= mrz_check_digit(l2[8:14]) == int(l2[14])
    composite = l1[5:30] + l2[0:7] + l2[8:15] + l2[18:29]
    ok &= mrz_check_digit(composite) == int(l2[29])
    return bool(ok)


def qr_payload(id12: str, cmnd: str, name: str, birth: date, sex: str, address: str, issued: date) -> str:
    """Chip-card QR text: ``CCCD|CMND|Họ tên|DDMMYYYY|Giới tính|Địa chỉ|DDMMYYYY``."""
    def dmy(d: date) -> str:
        return f"{d.day:02d}{d.month:02d}{d.year:04d}"

    return "|".join([id12, cmnd, name, dmy(birth), sex, address, dmy(issued)])
