"""Random but valid synthetic data: people, addresses, parcels, certificates, ID cards.

Everything is drawn from a ``numpy.random.Generator``; the same generator state gives
the same data.  Names come from lists of name parts (no real person); administrative
units are the real pre-2025 three-level units shipped by ``vietnamadminunits``.
"""

from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache
from pathlib import Path
from typing import Any, TypeVar

import numpy as np

from digitize.synth import ids

T = TypeVar("T")


def pick(rng: np.random.Generator, seq: list[T] | tuple[T, ...]) -> T:
    """One element of ``seq``."""
    return seq[int(rng.integers(0, len(seq)))]


def pick_weighted(rng: np.random.Generator, items: list[tuple[T, float]]) -> T:
    """One element of ``[(item, weight), ...]``."""
    w = np.array([x[1] for x in items], dtype=float)
    return items[int(rng.choice(len(items), p=w / w.sum()))][0]


def rand_date(rng: np.random.Generator, start: date, end: date) -> date:
    """A uniform date in [start, end]."""
    return start + timedelta(days=int(rng.integers(0, (end - start).days + 1)))


# --------------------------------------------------------------------------- names
SURNAMES: list[tuple[str, float]] = [
    ("Nguyễn", 38), ("Trần", 11), ("Lê", 9.5), ("Phạm", 7), ("Hoàng", 4), ("Huỳnh", 1.1),
    ("Phan", 4.5), ("Vũ", 3.9), ("Võ", 1.5), ("Đặng", 2.1), ("Bùi", 2), ("Đỗ", 1.4),
    ("Hồ", 1.3), ("Ngô", 1.3), ("Dương", 1), ("Lý", 0.5), ("Đinh", 0.8), ("Đào", 0.6),
    ("Trương", 0.6), ("Lương", 0.4), ("Mai", 0.4), ("Tạ", 0.3), ("Vương", 0.2), ("Lã", 0.1),
    ("Quách", 0.1), ("Trịnh", 0.4), ("Phùng", 0.2), ("Cao", 0.3), ("Hà", 0.4), ("Lưu", 0.2),
]
MIDDLE_MALE = ["Văn", "Văn", "Văn", "Đức", "Minh", "Quang", "Hữu", "Công", "Thanh", "Xuân", "Ngọc",
               "Đình", "Trọng", "Tiến", "Anh", "Mạnh", "Duy", "Quốc", "Thế", "Bá", "Hải"]
MIDDLE_FEMALE = ["Thị", "Thị", "Thị", "Thị", "Ngọc", "Thu", "Thanh", "Kim", "Minh", "Hồng", "Phương",
                 "Thùy", "Mai", "Bích", "Diệu", "Khánh"]
GIVEN_MALE = ["An", "Bình", "Cường", "Dũng", "Đạt", "Đông", "Giang", "Hải", "Hiếu", "Hòa", "Hùng", "Huy",
              "Khánh", "Khoa", "Kiên", "Lâm", "Long", "Lộc", "Minh", "Nam", "Nghĩa", "Phong", "Phúc",
              "Quân", "Quang", "Sơn", "Tài", "Thắng", "Thành", "Thịnh", "Toàn", "Trung", "Tuấn", "Tùng",
              "Việt", "Vinh", "Vượng", "Chiến", "Đức", "Hưng", "Lợi", "Mạnh", "Thuận", "Tiến", "Trường",
              "Khải", "Nhân", "Quý", "Thiện", "Ước"]
GIVEN_FEMALE = ["Anh", "Ánh", "Bích", "Chi", "Dung", "Duyên", "Giang", "Hà", "Hạnh", "Hằng", "Hiền",
                "Hoa", "Huệ", "Hương", "Hường", "Lan", "Liên", "Linh", "Loan", "Mai", "My", "Nga", "Ngân",
                "Ngọc", "Nhung", "Oanh", "Phương", "Quỳnh", "Sen", "Tâm", "Thảo", "Thơm", "Thủy", "Trang",
                "Tuyết", "Uyên", "Vân", "Xuân", "Yến", "Thoa", "Lụa", "Nguyệt", "Phượng", "Hảo"]


def make_name(rng: np.random.Generator, sex: str) -> str:
    """A Vietnamese full name (title case): surname, one or two middle names, given name."""
    sur = pick_weighted(rng, SURNAMES)
    mids = MIDDLE_FEMALE if sex == "Nữ" else MIDDLE_MALE
    given = GIVEN_FEMALE if sex == "Nữ" else GIVEN_MALE
    parts = [sur, pick(rng, mids)]
    if rng.random() < 0.2:
        parts.append(pick(rng, ["Minh", "Ngọc", "Thanh", "Hoài", "Xuân", "Đức", "Kim"]))
    parts.append(pick(rng, given))
    return " ".join(parts)


# ----------------------------------------------------------------------- admin units
@dataclass(frozen=True)
class Unit:
    """One pre-2025 commune-level unit with its district and province."""

    province: str  # "Tỉnh Quảng Ninh"
    district: str  # "Thị xã Quảng Yên"
    ward: str  # "Xã Hải Hòa"
    province_short: str
    district_short: str
    ward_short: str
    province_code: str  # GSO code, 2 digits; the CCCD code is "0" + it
    ward_type: str
    district_type: str

    @property
    def cccd_code(self) -> str:
        """The 3-digit CCCD province code ("0" + the GSO code)."""
        return self.province_code.zfill(3)

    @property
    def urban(self) -> bool:
        """Wards and townships are urban."""
        return self.ward_type in ("Phường", "Thị trấn")


def _lower_type(name: str, kind: str) -> str:
    return name[: len(kind)].lower() + name[len(kind):] if name.startswith(kind) else name


@lru_cache(maxsize=1)
def admin_units() -> tuple[Unit, ...]:
    """All pre-2025 (63-province, three-level) units from the vietnamadminunits dataset."""
    import importlib.util

    spec = importlib.util.find_spec("vietnamadminunits")  # locate the data without importing the package
    if spec is None or spec.origin is None:
        raise RuntimeError("vietnamadminunits is not installed")
    db = Path(spec.origin).parent / "data" / "dataset.db"
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as conn:
        rows = conn.execute(
            "SELECT province, district, ward, provinceShort, districtShort, wardShort, provinceCode,"
            " wardType, districtType FROM admin_units_legacy ORDER BY wardCode"
        ).fetchall()
    out = []
    for r in rows:
        if not r[2]:
            continue
        vals = [str(x or "") for x in r]
        for i in (3, 4, 5):  # short names carry "(Xã)" where they collide: drop it
            vals[i] = re.sub(r"\s*\(.*?\)\s*$", "", vals[i])
        out.append(Unit(*vals))
    return tuple(out)


def pick_unit(rng: np.random.Generator, province_short: str | None = None) -> Unit:
    """A random unit, optionally within one province."""
    units = admin_units()
    if province_short:
        sub = [u for u in units if u.province_short == province_short]
        if sub:
            return pick(rng, sub)
    return pick(rng, units)


PLACE_WORDS = ["Đông", "Tây", "Nam", "Bắc", "Thượng", "Hạ", "Trung", "Đồng", "Cầu", "Tân", "Phú", "Yên",
               "Hòa", "An", "Lạc", "Thịnh", "Vĩnh", "Phúc", "Hưng", "Thọ", "Mỹ", "Bình", "Lộc", "Quý",
               "Ninh", "Xuân", "Lâm", "Hồng", "Thái", "Sơn", "Kim", "Văn", "Hà", "Gia", "Long"]
STREET_NAMES = ["Lê Lợi", "Trần Hưng Đạo", "Nguyễn Trãi", "Lý Thường Kiệt", "Hai Bà Trưng", "Quang Trung",
                "Lê Thánh Tông", "Nguyễn Du", "Phan Chu Trinh", "Hùng Vương", "Trần Phú", "Ngô Quyền",
                "Bạch Đằng", "Nguyễn Văn Cừ", "Lê Duẩn", "Võ Thị Sáu", "Điện Biên Phủ", "Hoàng Diệu"]


def place_name(rng: np.random.Generator) -> str:
    """A two-word village-like place name."""
    a, b = pick(rng, PLACE_WORDS), pick(rng, PLACE_WORDS)
    while b == a:
        b = pick(rng, PLACE_WORDS)
    return f"{a} {b}"


# northern mountain provinces (GSO codes) where villages are "bản"
MOUNTAIN_NORTH = {2, 4, 6, 8, 10, 11, 12, 14, 15, 17, 20}


def locality(rng: np.random.Generator, unit: Unit) -> str:
    """The part below the commune: village, hamlet, group, street and house number."""
    if unit.urban:
        forms = [
            lambda: f"Số {rng.integers(1, 300)}, đường {pick(rng, STREET_NAMES)}",
            lambda: f"Số {rng.integers(1, 120)}, ngõ {rng.integers(1, 400)}, phố {pick(rng, STREET_NAMES)}",
            lambda: f"Tổ {rng.integers(1, 40)}, khu {rng.integers(1, 12)}",
            lambda: f"Tổ dân phố {rng.integers(1, 25)}",
            lambda: f"Khu phố {place_name(rng)}",
        ]
    else:
        code = int(unit.province_code or 0)
        if code >= 70:  # the South: hamlets are "ấp"
            forms = [lambda: f"Ấp {place_name(rng)}", lambda: f"Ấp {rng.integers(1, 12)}",
                     lambda: f"Ấp {place_name(rng)}"]
        else:
            forms = [
                lambda: f"Thôn {place_name(rng)}",
                lambda: f"Xóm {rng.integers(1, 15)}",
                lambda: f"Thôn {rng.integers(1, 12)}",
                lambda: f"Xóm {place_name(rng)}",
            ]
            if code in MOUNTAIN_NORTH:
                forms.append(lambda: f"Bản {place_name(rng)}")
    return str(pick(rng, forms)())


def format_address(loc: str | None, unit: Unit, style: str = "full") -> str:
    """An old three-level address as certificates and cards print it.

    ``full``: "Thôn Đồng Cầu, xã Hải Hòa, thị xã Quảng Yên, tỉnh Quảng Ninh";
    ``card``: "Thôn Đồng Cầu, Hải Hòa, Quảng Yên, Quảng Ninh" (CCCD style).
    """
    if style == "card":
        parts = [unit.ward_short, unit.district_short, unit.province_short]
    else:
        parts = [
            _lower_type(unit.ward, unit.ward_type),
            _lower_type(unit.district, unit.district_type),
            unit.province[0].lower() + unit.province[1:],
        ]
    if loc:
        parts.insert(0, loc)
    return ", ".join(parts)


# --------------------------------------------------------------------- land vocabulary
# (printed name, Circular 08/2024 code); older codes and folk terms map to the new code.
LAND_TYPES_RESIDENTIAL = [("Đất ở tại nông thôn", "ONT"), ("Đất ở tại đô thị", "ODT")]
LAND_TYPES_OTHER = [
    ("Đất trồng cây lâu năm", "CLN"), ("Đất trồng cây hằng năm khác", "HNK"),
    ("Đất chuyên trồng lúa", "LUC"), ("Đất trồng lúa còn lại", "LUK"),
    ("Đất nuôi trồng thủy sản", "NTS"), ("Đất rừng sản xuất", "RSX"),
    ("Đất thương mại, dịch vụ", "TMD"), ("Đất cơ sở sản xuất phi nông nghiệp", "SKC"),
]
# 2009/2014 forms printed the older names of some of these.
LAND_TYPES_2009 = [
    ("Đất chuyên trồng lúa nước", "LUC"), ("Đất trồng lúa nước còn lại", "LUK"),
    ("Đất bằng trồng cây hằng năm khác", "HNK"), ("Đất nương rẫy trồng cây hằng năm khác", "HNK"),
    ("Đất trồng cây lâu năm", "CLN"), ("Đất nuôi trồng thủy sản", "NTS"), ("Đất rừng sản xuất", "RSX"),
]
# Folk terms and old codes seen on pre-2009 red books.
LAND_TYPES_OLD = [
    ("Đất thổ cư", "ONT"), ("Thổ cư", "ONT"), ("Đất ở", "ONT"), ("Đất vườn", "CLN"), ("Vườn", "CLN"),
    ("Lúa", "LUK"), ("2 lúa", "LUC"), ("Màu", "HNK"), ("Ao", "NTS"), ("BHK", "HNK"), ("LNK", "HNK"),
    ("T", "ONT"), ("LNQ", "CLN"),
]
HINH_THUC = [("Sử dụng riêng", 0.85), ("Sử dụng chung", 0.1), ("Riêng", 0.05)]
NGUON_GOC = [
    "Công nhận QSDĐ như giao đất có thu tiền sử dụng đất",
    "Công nhận QSDĐ như giao đất không thu tiền sử dụng đất",
    "Nhà nước giao đất có thu tiền sử dụng đất",
    "Nhà nước giao đất không thu tiền sử dụng đất",
    "Nhận chuyển nhượng đất được Công nhận QSDĐ như giao đất có thu tiền sử dụng đất",
    "Nhận thừa kế đất được Công nhận QSDĐ như giao đất không thu tiền sử dụng đất",
    "Nhận tặng cho đất được Nhà nước giao đất có thu tiền sử dụng đất",
    "Nhà nước công nhận quyền sử dụng đất",
]
ASSET_KINDS = ["Nhà ở riêng lẻ", "Nhà ở", "Nhà cấp 4", "Nhà 2 tầng", "Nhà 3 tầng"]
GHI_CHU = [
    "-/-",
    "Thửa đất có {x} m² đất thuộc hành lang bảo vệ an toàn đường bộ",
    "Đất nằm trong quy hoạch mở rộng đường",
    "Cấp đổi từ Giấy chứng nhận số {s}",
    "Diện tích đất ở được công nhận theo hạn mức",
]


# ------------------------------------------------------------------ number in words
_DIGITS = ["không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín"]


def _three(n: int, full: bool) -> list[str]:
    h, t, u = n // 100, (n // 10) % 10, n % 10
    out: list[str] = []
    if full or h:
        out += [_DIGITS[h], "trăm"]
    if t == 0:
        if u and (full or h):
            out.append("lẻ")
    elif t == 1:
        out.append("mười")
    else:
        out += [_DIGITS[t], "mươi"]
    if u:
        if u == 5 and t >= 1:
            out.append("lăm")
        elif u == 1 and t >= 2:
            out.append("mốt")
        else:
            out.append(_DIGITS[u])
    return out


def number_words(n: int) -> str:
    """Vietnamese reading of a non-negative integer: 250 -> 'hai trăm năm mươi'."""
    if n == 0:
        return "không"
    groups: list[int] = []
    while n:
        groups.append(n % 1000)
        n //= 1000
    scales = ["", "nghìn", "triệu", "tỷ"]
    words: list[str] = []
    for i in range(len(groups) - 1, -1, -1):
        g = groups[i]
        if g == 0:
            continue
        words += _three(g, full=i < len(groups) - 1)
        if scales[i]:
            words.append(scales[i])
    return " ".join(words)


def area_words(area: float) -> str:
    """'Hai trăm năm mươi mét vuông', 'Một trăm năm mươi hai phẩy bốn mét vuông'."""
    whole = int(area)
    frac = round((area - whole) * 10)
    text = number_words(whole)
    if frac:
        text += " phẩy " + _DIGITS[frac]
    text += " mét vuông"
    return text[0].upper() + text[1:]


def fmt_area(area: float, decimals: int = 1) -> str:
    """Vietnamese decimal comma, dot thousands: 1041.9 -> '1.041,9'."""
    s = f"{area:,.{decimals}f}"
    return s.replace(",", "X").replace(".", ",").replace("X", ".")


# ------------------------------------------------------------------------ records
@dataclass
class Person:
    """A land user or card holder."""

    name: str  # title case
    sex: str  # "Nam" / "Nữ"
    birth: date
    id_type: str  # "CMND" / "CCCD" / "Căn cước"
    id_number: str
    address: str  # full style
    unit: Unit
    loc: str | None
    birth_unit: Unit
    cccd: str = ""
    cmnd: str = ""

    @property
    def upper(self) -> str:
        """The name in upper case, as certificates print it."""
        return self.name.upper()


def make_person(rng: np.random.Generator, sex: str | None = None, unit: Unit | None = None,
                born: tuple[int, int] = (1940, 2001), id_type: str = "CCCD") -> Person:
    """A person with a consistent CCCD (province of birth registration, sex, birth year)."""
    sex = sex or pick(rng, ["Nam", "Nữ"])
    unit = unit or pick_unit(rng)
    birth = rand_date(rng, date(born[0], 1, 1), date(born[1], 12, 28))
    birth_unit = unit if rng.random() < 0.75 else pick_unit(rng)
    cccd = ids.make_cccd(birth_unit.cccd_code, sex, birth.year, rng)
    cmnd = ids.make_cmnd(birth_unit.province_short, rng)
    loc = locality(rng, unit)
    number = cmnd if id_type == "CMND" else cccd
    return Person(make_name(rng, sex), sex, birth, id_type, number, format_address(loc, unit), unit, loc,
                  birth_unit, cccd=cccd, cmnd=cmnd)


@dataclass
class LandUse:
    """One land-use purpose of a parcel with its area."""

    ten: str
    ma: str
    dien_tich: float


@dataclass
class Parcel:
    """One parcel (thửa đất)."""

    so_thua: str
    so_to: str
    dia_chi: str
    dien_tich: float
    hinh_thuc: str
    uses: list[LandUse]
    thoi_han: str
    nguon_goc: str
    unit: Unit


@dataclass
class Certificate:
    """The data of one land-use-right certificate, whatever its generation."""

    generation: str  # gcn_truoc_2009 | gcn_2009_2014 | gcn_2024
    serial: str  # "DP 947330"
    so_vao_so_printed: str  # "CS 05494"
    ngay_cap: date
    noi_cap: str
    authority_lines: list[str]  # printed block, upper case
    co_quan_cap: str
    signer_title: str
    signer: str
    holder_kind: str  # ca_nhan | vo_chong | ho
    persons: list[Person]
    parcels: list[Parcel]
    assets: list[dict[str, Any]] = field(default_factory=list)
    ghi_chu: str = "-/-"
    ma_gcn: str = ""
    seal_text: tuple[str, str] = ("", "")

    @property
    def so_vao_so(self) -> str:
        """The registry number normalised (internal spaces removed)."""
        return self.so_vao_so_printed.replace(" ", "")


def _serial(rng: np.random.Generator, digits: int, letters: list[str] | None = None) -> str:
    if letters:
        pre = pick(rng, letters)
    else:
        abc = "ABCDEGHKLMNPQSTVXY"
        pre = pick(rng, list(abc)) + pick(rng, list(abc))
    return f"{pre} {''.join(str(int(d)) for d in rng.integers(0, 10, digits))}"


def _parcel(rng: np.random.Generator, unit: Unit, generation: str, agricultural_only: bool = False) -> Parcel:
    residential = LAND_TYPES_RESIDENTIAL[1 if unit.urban else 0]
    roll = 0.85 if agricultural_only else rng.random()
    area = round(float(rng.uniform(35, 220) if unit.urban else rng.uniform(80, 1600)), 1)
    if rng.random() < 0.4:
        area = float(round(area))
    uses: list[LandUse]
    if generation == "gcn_truoc_2009":
        name, code = pick(rng, LAND_TYPES_OLD)
        uses = [LandUse(name, code, area)]
    elif (roll < 0.55 or unit.urban) and not agricultural_only:
        uses = [LandUse(residential[0], residential[1], area)]
    elif roll < 0.8:
        res = float(round(min(area * 0.5, float(rng.choice([200, 300, 400, 150])))))
        other = pick(rng, LAND_TYPES_2009 if generation == "gcn_2009_2014" else LAND_TYPES_OTHER)
        uses = [LandUse(residential[0], residential[1], res),
                LandUse(other[0], other[1], round(area - res, 1))]
    else:
        other = pick(rng, LAND_TYPES_2009 if generation == "gcn_2009_2014" else LAND_TYPES_OTHER)
        uses = [LandUse(other[0], other[1], area)]
    agricultural = all(u.ma not in ("ONT", "ODT") for u in uses)
    if agricultural:
        year = int(rng.integers(2043, 2075))
        term = pick(rng, [f"đến ngày {int(rng.integers(1, 29)):02d}/{int(rng.integers(1, 13)):02d}/{year}",
                          f"Đến năm {year}", "50 năm"])
    elif len(uses) > 1:
        year = int(rng.integers(2043, 2075))
        term = f"Đất ở: Lâu dài; {uses[1].ten}: đến ngày 15/10/{year}"
    else:
        term = "Lâu dài"
    loc = locality(rng, unit)
    so_to = str(int(rng.integers(1, 80)))
    if rng.random() < 0.15:
        so_to = so_to.zfill(2)
    return Parcel(
        so_thua=str(int(rng.integers(1, 1500))), so_to=so_to,
        dia_chi=format_address(loc, unit), dien_tich=area,
        hinh_thuc=pick_weighted(rng, HINH_THUC), uses=uses, thoi_han=term,
        nguon_goc=pick(rng, NGUON_GOC), unit=unit,
    )


def make_certificate(rng: np.random.Generator, generation: str) -> Certificate:
    """A consistent certificate: owner(s), parcel(s), issue date, authority, numbers."""
    unit = pick_unit(rng)
    if generation == "gcn_truoc_2009":
        issued = rand_date(rng, date(1994, 1, 1), date(2008, 12, 31))
    elif generation == "gcn_2009_2014":
        issued = rand_date(rng, date(2010, 1, 1), date(2024, 7, 31))
    else:
        issued = rand_date(rng, date(2024, 8, 1), date(2025, 6, 30))
    if generation == "gcn_2024":
        id_type = "Căn cước" if issued >= date(2024, 7, 1) and rng.random() < 0.3 else "CCCD"
    elif issued.year < 2016:
        id_type = "CMND"
    elif issued.year < 2021:
        id_type = "CMND" if rng.random() < 0.6 else "CCCD"
    else:
        id_type = "CCCD" if rng.random() < 0.85 else "CMND"
    kind = pick_weighted(rng, [("ca_nhan", 0.45), ("vo_chong", 0.4), ("ho", 0.15)])
    born_hi = min(issued.year - 18, 2001)
    first = make_person(rng, "Nam" if kind != "ca_nhan" else None, unit, (1935, born_hi), id_type)
    persons = [first]
    if kind == "vo_chong":
        wife = make_person(rng, "Nữ", unit, (max(1935, first.birth.year - 8), min(born_hi, first.birth.year + 5)),
                           id_type)
        wife.address = first.address
        wife.loc = first.loc
        persons.append(wife)
    # households often hold several farm parcels on one certificate (a table on page 2)
    many = generation in ("gcn_2009_2014", "gcn_truoc_2009") and not unit.urban and rng.random() < 0.25
    n_parcels = (int(rng.integers(2, 9)) if generation == "gcn_2009_2014" else int(rng.integers(2, 5))) if many else 1
    parcels = [_parcel(rng, unit, generation, agricultural_only=many) for _ in range(n_parcels)]
    if many:
        shared = parcels[0]
        for pc in parcels[1:]:
            pc.hinh_thuc, pc.nguon_goc = shared.hinh_thuc, shared.nguon_goc
            pc.dia_chi = format_address(None, unit)
        shared.dia_chi = format_address(None, unit)
    if rng.random() < 0.7:
        parcels[0].dia_chi = format_address(first.loc, unit)
    prov, dist = unit.province_short, unit.district_short
    district_full = unit.district.upper()
    if generation == "gcn_truoc_2009" or (generation == "gcn_2009_2014" and rng.random() < 0.55):
        authority = ["TM. ỦY BAN NHÂN DÂN", district_full] if rng.random() < 0.5 else [
            f"TM. ỦY BAN NHÂN DÂN {district_full}"]
        co_quan = "ỦY BAN NHÂN DÂN " + district_full
        signer_title = pick(rng, ["KT. CHỦ TỊCH\nPHÓ CHỦ TỊCH", "CHỦ TỊCH"])
        noi_cap = dist
        seal = ("ỦY BAN NHÂN DÂN", district_full)
    elif generation == "gcn_2009_2014":
        authority = ["SỞ TÀI NGUYÊN VÀ MÔI TRƯỜNG"]
        co_quan = "SỞ TÀI NGUYÊN VÀ MÔI TRƯỜNG"
        signer_title = pick(rng, ["KT. GIÁM ĐỐC\nPHÓ GIÁM ĐỐC", "GIÁM ĐỐC"])
        noi_cap = prov
        seal = ("SỞ TÀI NGUYÊN VÀ MÔI TRƯỜNG", unit.province.upper())
    else:
        if rng.random() < 0.5:
            so = "SỞ NÔNG NGHIỆP VÀ MÔI TRƯỜNG" if issued >= date(2025, 3, 1) else "SỞ TÀI NGUYÊN VÀ MÔI TRƯỜNG"
            authority = [so, unit.province.upper()]
            co_quan = so + " " + unit.province.upper()
            signer_title = "KT. GIÁM ĐỐC\nPHÓ GIÁM ĐỐC"
            seal = (so, unit.province.upper())
        else:
            authority = ["VĂN PHÒNG ĐĂNG KÝ ĐẤT ĐAI", unit.province.upper()]
            co_quan = "VĂN PHÒNG ĐĂNG KÝ ĐẤT ĐAI " + unit.province.upper()
            signer_title = "KT. GIÁM ĐỐC\nPHÓ GIÁM ĐỐC"
            seal = ("VĂN PHÒNG ĐĂNG KÝ ĐẤT ĐAI", unit.province.upper())
        noi_cap = prov
    if generation == "gcn_2024":
        serial = _serial(rng, 8)
        prefix = pick(rng, ["CS", "CH", "VP", "CN"])
        so_vao_so = f"{prefix} {int(rng.integers(1, 99999)):05d}"
        ma_gcn = f"{unit.province_code.zfill(2)}{issued.year % 100:02d}{int(rng.integers(0, 10**8)):08d}"
    elif generation == "gcn_2009_2014":
        serial = _serial(rng, 6, ["BA", "BB", "BC", "BD", "BE", "BG", "BH", "BK", "BL", "BM", "BN", "BO", "BP",
                                  "BQ", "BS", "BT", "BV", "BX", "BY", "CA", "CB", "CC", "CD", "CE", "CG", "CH",
                                  "CK", "CL", "CM", "CN", "CO", "CP", "CQ", "CS", "CT", "CU", "CV", "CX", "CY",
                                  "DA", "DB", "DC", "DD", "DE", "DG", "DH", "DK", "DL", "DM", "DN", "DO", "DP"])
        prefix = pick_weighted(rng, [("CH", 0.45), ("CS", 0.35), ("CT", 0.05), ("VP", 0.1), ("CN", 0.05)])
        num = f"{int(rng.integers(1, 99999)):05d}"
        so_vao_so = f"{prefix} {num}" if rng.random() < 0.8 else f"{prefix}{num}"
        ma_gcn = ""
    else:
        serial = _serial(rng, 6, ["AA", "AB", "AC", "AD", "AE", "AG", "AH", "AK", "AL", "AM", "AN", "AO", "AP",
                                  "AQ", "Đ", "L", "M", "N", "O", "P", "Q", "S", "T", "U", "V", "X"])
        if len(serial.split()[0]) == 1:
            serial = _serial(rng, 6, ["AQ", "AK", "AM", "AN"])
        so_vao_so = f"{int(rng.integers(1, 9999)):05d} QSDĐ/{int(rng.integers(1, 3000))}/QĐ-UB"
        ma_gcn = ""
    assets: list[dict[str, Any]] = []
    ghi = pick(rng, GHI_CHU)
    ghi = ghi.format(x=fmt_area(round(float(rng.uniform(5, 40)), 1)), s=_serial(rng, 6))
    return Certificate(
        generation=generation, serial=serial, so_vao_so_printed=so_vao_so, ngay_cap=issued, noi_cap=noi_cap,
        authority_lines=authority, co_quan_cap=co_quan, signer_title=signer_title,
        signer=make_name(rng, pick(rng, ["Nam", "Nam", "Nữ"])), holder_kind=kind, persons=persons,
        parcels=parcels, assets=assets, ghi_chu=ghi, ma_gcn=ma_gcn, seal_text=seal,
    )


@dataclass
class IdCard:
    """The data printed on a CCCD / Căn cước / CMND."""

    kind: str  # cccd_2021 | can_cuoc_2024 | cmnd
    person: Person
    number: str
    que_quan: str
    noi_thuong_tru: str
    noi_dang_ky_khai_sinh: str
    ngay_cap: date
    ngay_het_han: date | None
    marks: str
    mrz: list[str]
    qr: str


IDENT_MARKS = ["Nốt ruồi C:1cm trên sau đầu mày phải", "Nốt ruồi C:2cm dưới trước mép trái",
               "Sẹo chấm C:1,5cm trên trước đầu mày trái", "Nốt ruồi C:3cm dưới sau cánh mũi phải",
               "Sẹo chấm C:2cm sau đuôi mắt trái", "Nốt ruồi C:1cm dưới trước cằm"]


def expiry_for(birth: date, issued: date) -> date | None:
    """CCCD validity: until the 25th, 40th or 60th birthday after issue; none after 58."""
    age = issued.year - birth.year - ((issued.month, issued.day) < (birth.month, birth.day))
    for milestone in (25, 40, 60):
        if age < milestone - 2:
            try:
                return birth.replace(year=birth.year + milestone)
            except ValueError:  # 29 February
                return date(birth.year + milestone, 3, 1)
    return None


def make_id_card(rng: np.random.Generator, kind: str) -> IdCard:
    """A consistent ID card: number, dates, MRZ and QR all agree."""
    if kind == "cmnd":
        person = make_person(rng, born=(1950, 1995), id_type="CMND")
        issued = rand_date(rng, date(max(person.birth.year + 14, 1995), 1, 1), date(2015, 12, 31))
        number = person.cmnd
        expiry: date | None = None
    else:
        person = make_person(rng, born=(1945, 2008), id_type="CCCD")
        lo = date(2021, 1, 1) if kind == "cccd_2021" else date(2024, 7, 1)
        hi = date(2024, 6, 30) if kind == "cccd_2021" else date(2025, 6, 30)
        issued = rand_date(rng, max(lo, date(person.birth.year + 14, 1, 1)), hi)
        number = person.cccd
        expiry = expiry_for(person.birth, issued)
    hometown = format_address(None, person.birth_unit, "card")
    if rng.random() < 0.3:
        hometown = format_address(None, person.birth_unit, "full")
        hometown = hometown[0].upper() + hometown[1:]
    residence = format_address(person.loc, person.unit, "card" if rng.random() < 0.7 else "full")
    birthplace = format_address(None, person.birth_unit, "full")
    birthplace = birthplace[0].upper() + birthplace[1:]
    mrz = ids.make_mrz(number, person.birth, person.sex, expiry, person.name) if kind != "cmnd" else []
    cmnd_old = person.cmnd if rng.random() < 0.6 else ""
    qr = ids.qr_payload(number, cmnd_old, person.name, person.birth, person.sex, residence, issued) \
        if kind != "cmnd" else ""
    return IdCard(kind, person, number, hometown, residence, birthplace, issued, expiry,
                  pick(rng, IDENT_MARKS), mrz, qr)
