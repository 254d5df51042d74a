"""Land use ("Mục đích sử dụng" / 2024 "Loại đất"), use form, term and origin.

* :func:`land_use_code` - printed land-use text or code -> :class:`LandUseMatch` with the
  Circular 08/2024 code, its canonical name, a score and reasons.  Older codes (BHK, NHK,
  LNQ, TSN, ...) and folk terms ('đất thổ cư', 'đất vườn') are mapped; mappings that the
  circulars do not settle are marked ``uncertain``.
* :func:`parse_land_uses` - 'Đất ở tại nông thôn: 400,0 m²; Đất trồng cây lâu năm: 1041,9 m²'
  -> one :class:`LandUse` per part (printed name, code, area).
* :func:`parse_use_form`, :func:`parse_use_term`, :func:`classify_origin` - the other
  columns of a land-use group (Hình thức, Thời hạn, Nguồn gốc).

The printed text is always kept by the caller; codes are added, never substituted.
The codes and names themselves are in :mod:`digitize.fields.landuse_codes`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from rapidfuzz.distance import Levenshtein

from digitize.fields.landuse_codes import FOLK_TERMS, LAND_TYPES, LEGACY_CODES, OLD_NAMES
from digitize.fields.normalize import clean_text, normalize_area, normalize_date
from digitize.fields.text import as_text, fold


@dataclass(frozen=True)
class LandUseMatch:
    """A recognised land use.

    ``code``: Circular 08/2024 code (a group code such as OTC or LUA when the text only
    says that much); ``name``: its canonical name; ``printed_code``: an older code read
    on the certificate, if any; ``uncertain``: the mapping is a convention, not a rule.
    """

    code: str
    name: str
    score: float
    reasons: list[str] = field(default_factory=list)
    printed_code: str | None = None
    uncertain: bool = False
    is_group: bool = False


_ALL_CODES = frozenset(LAND_TYPES) | frozenset(LEGACY_CODES)
_CODE_TOKEN = re.compile(r"(?<![A-Za-z])([A-Z]{3})(?![A-Za-z])")
_LABEL_PREFIX = re.compile(
    r"^\s*(?:[a-zđ]\)\s*)?(?:m[uụ]c\s*[dđ][íi]ch\s*s[uử]\s*d[uụ]ng(?:\s*[dđ][aấ]t)?|lo[aạ]i\s*[dđ][aấ]t)\s*:?\s*",
    re.IGNORECASE,
)


@lru_cache(maxsize=1)
def _name_index() -> tuple[dict[str, tuple[str, float, str | None]], tuple[str, ...]]:
    """Folded name -> (code, base score, reason or None); longest names first for containment."""
    idx: dict[str, tuple[str, float, str | None]] = {}
    for t in LAND_TYPES.values():
        idx.setdefault(fold(t.name), (t.code, 1.0, None))
    for code, names in OLD_NAMES.items():
        for n in names:
            idx.setdefault(fold(n), (code, 0.97, "older name of the same land type"))
    for old, (name, _new, _unc) in LEGACY_CODES.items():
        idx.setdefault(fold(name), (old, 0.97, "name of an older land type"))
    for term, code, score, reason in FOLK_TERMS:
        idx.setdefault(fold(term), (code, score, reason))
    keys = tuple(sorted(idx, key=len, reverse=True))
    return idx, keys


def _resolve(code: str, score: float, reasons: list[str], urban: bool | None) -> LandUseMatch | None:
    """Turn a current or legacy code into a match, resolving OTC by ``urban`` when known."""
    printed: str | None = None
    uncertain = False
    if code in LEGACY_CODES and code not in LAND_TYPES:
        name, new, unc = LEGACY_CODES[code]
        printed = code
        if new is None:
            return LandUseMatch(code, name, min(score, 0.6),
                                [*reasons, f"older code {code} has no single Circular 08/2024 code; kept as printed"],
                                printed_code=code, uncertain=True)
        reasons = [*reasons, f"older code {code} mapped to {new}" + (" (convention, not settled by the circulars)"
                                                                       if unc else "")]
        code, uncertain = new, unc
        score = min(score, 0.85 if unc else 0.95)
    t = LAND_TYPES.get(code)
    if t is None:
        return None
    if code == "OTC" and urban is not None:
        new = "ODT" if urban else "ONT"
        return LandUseMatch(new, LAND_TYPES[new].name, min(score, 0.9),
                            [*reasons, f"residential land resolved to {new}: the address is "
                                       f"{'urban (phường / thị trấn)' if urban else 'rural (xã)'}"],
                            printed_code=printed, uncertain=uncertain)
    if t.is_group:
        reasons = [*reasons, f"only the group {code} ({t.name}) can be told from the text"]
    return LandUseMatch(code, t.name, score, reasons, printed_code=printed, uncertain=uncertain or t.is_group,
                        is_group=t.is_group)


def land_use_code(text: str, *, urban: bool | None = None) -> LandUseMatch | None:
    """Printed land use -> Circular 08/2024 code with canonical name, score and reasons.

    Accepts a code ('ONT', older 'BHK'), a name in any spelling or case, with diacritics
    damaged ('ĐÁT Ở TẠI NÔNG THÔN'), a name with its code ('Đất ở tại nông thôn (ONT)') or
    a folk term ('đất thổ cư' -> OTC, or ODT / ONT when ``urban`` is known from the
    address: see :func:`urban_from_address`).  ``None`` when nothing land-like is found.
    """
    raw = clean_text(text)
    if not raw:
        return None
    t = _LABEL_PREFIX.sub("", raw)
    # A printed code is the strongest evidence, but only upper-case ASCII tokens count:
    # 'Sơn', 'tin' in running text are words.
    codes = [c for c in _CODE_TOKEN.findall(t) if c in _ALL_CODES]
    f = fold(t)
    f = re.sub(r"[()\[\]]", " ", f)
    f = re.sub(r"\s+", " ", f).strip(" .;:-")
    idx, keys = _name_index()
    name_hit: tuple[str, float, str | None] | None = idx.get(f)
    how = "name"
    if name_hit is None and len(f) >= 4:
        for k in keys:
            if len(k) >= 5 and re.search(rf"(?<![a-z]){re.escape(k)}(?![a-z])", f):
                name_hit = idx[k]
                how = "name inside the text"
                break
    if name_hit is None and len(f) >= 8 and not codes:
        name_hit, how = _fuzzy_name(f)
    if codes:
        code = codes[0]
        reasons = ["printed code"]
        if name_hit is not None and _same_type(name_hit[0], code):
            return _resolve(code, 1.0, ["printed code agrees with the printed name"], urban)
        if name_hit is not None:
            reasons.append(f"printed name suggests {name_hit[0]}, printed code {code} kept")
            return _resolve(code, 0.7, reasons, urban)
        return _resolve(code, 0.95, reasons, urban)
    if name_hit is None:
        return None
    code, score, why = name_hit
    reasons = [why] if why else []
    if how != "name":
        reasons.append(how)
        score = min(score, 0.9 if how == "name inside the text" else score)
    return _resolve(code, score, reasons, urban)


def _same_type(a: str, b: str) -> bool:
    def modern(c: str) -> str | None:
        if c in LEGACY_CODES and c not in LAND_TYPES:
            return LEGACY_CODES[c][1]
        return c

    return a == b or modern(a) == modern(b) or (a == "OTC" and b in ("ONT", "ODT"))


def _fuzzy_name(f: str) -> tuple[tuple[str, float, str | None] | None, str]:
    idx, keys = _name_index()
    limit = max(1, len(f) // 8)
    scored = sorted(
        (Levenshtein.distance(f, k, score_cutoff=limit + 1), k) for k in keys if abs(len(k) - len(f)) <= limit
    )
    if not scored or scored[0][0] > limit:
        return None, ""
    if len(scored) > 1 and scored[1][0] <= scored[0][0] and idx[scored[1][1]][0] != idx[scored[0][1]][0]:
        return None, ""
    code, score, why = idx[scored[0][1]]
    return (code, min(score, 0.85 - 0.05 * scored[0][0]), why), f"{scored[0][0]} letter(s) corrected (OCR)"


_URBAN = re.compile(r"(?<![a-z])(phuong|thi tran|p\.|tt\.)\s*\S")
_RURAL = re.compile(r"(?<![a-z])(?<!thi )(xa|x\.)\s+\S")


def urban_from_address(address: str) -> bool | None:
    """True for a ward (phường) or town (thị trấn) address, False for a commune (xã), None if unclear.

    Residential land is ODT in urban units and ONT in rural ones.  'thị xã' is a district
    level unit and says nothing by itself.
    """
    f = fold(address)
    urban = _URBAN.search(f) is not None
    rural = _RURAL.search(f) is not None
    if urban == rural:
        return None
    return urban


# --- several land uses in one value ------------------------------------------------------


@dataclass(frozen=True)
class LandUse:
    """One part of a multi-use value: ``ten`` as printed, ``ma`` code, ``dien_tich`` m²."""

    ten: str
    ma: str | None
    dien_tich: float | None
    match: LandUseMatch | None = None


# The land-type code printed after the name, "Đất ở tại đô thị (ODT)" (2024 form, "c. Loại đất"):
# in brackets, the closing one often lost ("(ONT"), or a bare code ending the part.
_PRINTED_CODE = re.compile(r"\s*(?:[(\[{]\s*([A-Z0-9]{3})\s*[)\]}]?|(?<=\s)([A-Z]{3}))\s*$")
# Digits OCR reads for the capital letters of a code ("0NT" -> "ONT").
_CODE_LOOKALIKES = str.maketrans({"8": "B", "0": "O", "1": "L", "5": "S", "2": "Z", "6": "G", "4": "A"})
# Share of the official name's letters that may differ when the printed code confirms which
# name it is: the code is independent evidence, so a badly garbled name ("Đi ở tại nông thôe")
# is still that name; without a code the fuzzy match allows only an eighth (_fuzzy_name).
NAME_EDIT_SHARE_WITH_CODE = 0.25


@dataclass(frozen=True)
class NameAndCode:
    """A land-use part cut into the name (official where the code confirms it) and its code."""

    ten: str
    code: str | None
    reasons: list[str]
    score: float


def _letters(text: str) -> str:
    """Folded letters and single spaces only (OCR punctuation inside a name dropped)."""
    return re.sub(r"\s+", " ", re.sub(r"[^a-z ]", " ", fold(text).lower())).strip()


def split_name_and_code(part: str) -> NameAndCode | None:
    """'Đất ở tại nông thôn (ONT)' -> name 'Đất ở tại nông thôn', code ONT.

    The name field holds the name only.  Where the printed code is a current one and the printed
    name is that code's official name within :data:`NAME_EDIT_SHARE_WITH_CODE`, the official name
    is given ('Đi ở tại nông thôe (ONT' -> 'Đất ở tại nông thôn'); where name and code name
    different land types, the name is kept as read and the score drops (review).  ``None``
    when the part ends with no code.
    """
    m = _PRINTED_CODE.search(part)
    if m is None or m.start() == 0:
        return None
    token = (m.group(1) or m.group(2) or "").upper()
    code = token.translate(_CODE_LOOKALIKES)
    if code not in _ALL_CODES:
        return None
    name = part[:m.start()].strip(" .,;:-")
    reasons = [] if code == token else [f"land-use code read '{token}', repaired to {code}"]
    if not name:
        return NameAndCode("", code, reasons, 0.95)
    t = LAND_TYPES.get(code)
    if t is not None and not t.is_group:
        target, got = _letters(t.name), _letters(name)
        edits = Levenshtein.distance(got, target)
        if edits <= NAME_EDIT_SHARE_WITH_CODE * len(target):
            if name != t.name:
                reasons.append(f"name put back to the official name of {code} ({edits} letter(s) differed)")
            return NameAndCode(t.name, code, reasons, 1.0 if edits == 0 and code == token else 0.95)
    alone = land_use_code(name)
    if alone is not None and _same_type(alone.code, code):
        return NameAndCode(name, code, [*reasons, "printed code agrees with the printed name"], 1.0)
    if alone is not None:
        return NameAndCode(name, code, [*reasons, f"printed name suggests {alone.code}, printed code {code}: "
                                                  "name and code disagree"], 0.6)
    return NameAndCode(name, code, [*reasons, f"printed name not recognised; code {code} as printed"], 0.8)


_SPLIT_USES = re.compile(r"\s*(?:;|\n|\+|,\s*(?=(?:đ|Đ|d|D)(?:ấ|a|Ấ|A)t\b)|,\s*(?=[A-Z]{3}\b))\s*")
# The area at the end of a part; the superscript of "m²" is often misread ("m`", "m'", "m>").
_AREA_TAIL = re.compile(r"[:\-]?\s*(?:dt|diện tích)?\s*:?\s*(\d[\d., ]*(?:\s*(?:m\s*[²2?`'’>Ỷ°ºz]?|ha))?)\s*$",
                        re.IGNORECASE)


def parse_land_uses(text: str, *, urban: bool | None = None) -> list[LandUse]:
    """'Đất ở tại nông thôn: 400,0 m²; Đất trồng cây lâu năm: 1041,9 m²' -> two :class:`LandUse`.

    Parts are separated by ';', '+', new lines or a comma before the next 'Đất' / code;
    each part's area is the number at its end ('ONT 400m2', 'Đất ở: 100 m²').  Parts
    with no recognisable land use keep ``ma=None`` with their printed name.
    """
    t = _LABEL_PREFIX.sub("", clean_text(text))
    out: list[LandUse] = []
    for part in _SPLIT_USES.split(t):
        # Marks before a part ("ˆ Đất ở ...": a speck or a stroke read as a character) are no part of its name.
        part = re.sub(r"^(?:[^\w(]|[\u02b0-\u02ff])+", "", part).strip(" .,;:")  # modifier letters too
        if not part or len(out) >= 50:
            continue
        area = None
        name = part
        m = _AREA_TAIL.search(part)
        if m and m.start() > 0:
            area = normalize_area(m.group(1))
            name = part[: m.start()].strip(" .,;:-")
        if not name:
            continue
        coded = split_name_and_code(name)
        if coded is not None and coded.ten:
            found = _resolve(coded.code or "", coded.score, coded.reasons, urban)
            if found is not None:
                out.append(LandUse(ten=coded.ten, ma=found.code, dien_tich=area, match=found))
                continue
        match = land_use_code(name, urban=urban)
        out.append(LandUse(ten=name, ma=match.code if match else None, dien_tich=area, match=match))
    return out


# --- use form, term, origin --------------------------------------------------------------


@dataclass(frozen=True)
class TermMatch:
    """A vocabulary value: ``value`` canonical text, ``code`` a stable key, plus evidence."""

    value: str
    code: str
    score: float
    reasons: list[str] = field(default_factory=list)


_FORM_RIENG = re.compile(r"(?<![a-z])rieng(?![a-z])")
_FORM_CHUNG = re.compile(r"(?<![a-z])chung(?![a-z])")


def parse_use_form(text: str) -> TermMatch | None:
    """Hình thức sử dụng: 'Sử dụng riêng' / 'Sử dụng chung' / both, from any spelling or damage."""
    f = fold(text)
    if not f:
        return None
    rieng = _FORM_RIENG.search(f) is not None
    chung = _FORM_CHUNG.search(f) is not None
    if rieng and chung:
        return TermMatch("Sử dụng riêng và sử dụng chung", "rieng_va_chung", 0.95)
    if rieng:
        return TermMatch("Sử dụng riêng", "rieng", 0.95 if "su dung" in f else 0.8)
    if chung:
        return TermMatch("Sử dụng chung", "chung", 0.95 if "su dung" in f else 0.8)
    # 'Sử dụng riêng' with the last word lost to OCR: a near match of the folded phrase.
    for canon, code in (("su dung rieng", "rieng"), ("su dung chung", "chung")):
        if len(f) >= 10 and Levenshtein.distance(f, canon, score_cutoff=2) <= 2:
            return TermMatch(f"Sử dụng {'riêng' if code == 'rieng' else 'chung'}", code, 0.7,
                             ["letters corrected (OCR)"])
    return None


@dataclass(frozen=True)
class UseTerm:
    """Thời hạn sử dụng: the printed text (cleaned), 'lâu dài' or not, and an end date if any."""

    text: str
    lau_dai: bool
    den_ngay: str | None
    so_nam: int | None = None
    reasons: list[str] = field(default_factory=list)
    den_nam: int | None = None  # "Đến năm 2057" (old certificates give only the year)


_LAU_DAI = re.compile(r"l[aâ]u\s*d[aà]i")
_YEARS = re.compile(r"(?<!\d)(\d{1,2})\s*n[aă]m(?![a-z])")
_UNTIL_YEAR = re.compile(r"den\s*nam\s*((?:19|20)\d\d)(?!\d)")


def parse_use_term(text: str) -> UseTerm | None:
    """'Lâu dài' -> lau_dai; 'đến ngày 01/07/2064' -> den_ngay '2064-07-01'; '50 năm' -> so_nam.

    The printed text is kept (cleaned, NFC) for the record; several terms in one value
    ('Đất ở: Lâu dài; Đất trồng cây lâu năm: đến ngày 15/10/2063') give both flags.
    """
    t = clean_text(text)
    if not t:
        return None
    f = fold(t, keep_case=True).lower()
    # 'Đất trồng cây lâu năm' must not read as a term; drop land-use names first.
    f_terms = re.sub(r"(?:dat\s+)?trong\s+cay\s+lau\s+nam", " ", f)
    lau_dai = _LAU_DAI.search(f_terms) is not None
    den = normalize_date(t) if re.search(r"\d", t) else None
    years = None
    m = _YEARS.search(f_terms)
    if m and not den:
        years = int(m.group(1))
    until = _UNTIL_YEAR.search(f_terms)
    until_year = int(until.group(1)) if until and not den else None
    bare = re.fullmatch(r"((?:19|20)\d\d)", f_terms.strip())
    if bare and not den:
        until_year = int(bare.group(1))  # a parcel table's term column gives the end year alone
    if not lau_dai and den is None and years is None and until_year is None:
        return None
    reasons = []
    if lau_dai and den:
        reasons.append("both a permanent term and an end date: several land uses with different terms")
    return UseTerm(t, lau_dai, den, years, reasons, until_year)


# Origin phrases: folded keywords -> (code, canonical phrase).  Order matters: specific first.
ORIGINS: tuple[tuple[str, str, str], ...] = (
    (r"cong nhan.*(?:nhu|như).*giao.*khong thu tien", "cong_nhan_nhu_giao_khong_thu_tien",
     "Công nhận QSDĐ như giao đất không thu tiền sử dụng đất"),
    (r"cong nhan.*(?:nhu|như).*giao.*co thu tien", "cong_nhan_nhu_giao_co_thu_tien",
     "Công nhận QSDĐ như giao đất có thu tiền sử dụng đất"),
    (r"cong nhan.*(?:nhu|như).*thue.*(?:hang|hang) nam", "cong_nhan_nhu_thue_tra_hang_nam",
     "Công nhận QSDĐ như cho thuê đất trả tiền hằng năm"),
    (r"cong nhan.*(?:nhu|như).*thue.*(?:mot|1) lan", "cong_nhan_nhu_thue_tra_mot_lan",
     "Công nhận QSDĐ như cho thuê đất trả tiền một lần"),
    (r"giao dat khong thu tien", "giao_khong_thu_tien", "Nhà nước giao đất không thu tiền sử dụng đất"),
    (r"giao dat co thu tien", "giao_co_thu_tien", "Nhà nước giao đất có thu tiền sử dụng đất"),
    (r"thue dat.*(?:hang|hàng) nam", "thue_tra_hang_nam", "Nhà nước cho thuê đất trả tiền hằng năm"),
    (r"thue dat.*(?:mot|1) lan", "thue_tra_mot_lan", "Nhà nước cho thuê đất trả tiền một lần"),
    (r"giao dat de quan ly", "giao_de_quan_ly", "Nhà nước giao đất để quản lý"),
    (r"cong nhan", "cong_nhan", "Nhà nước công nhận quyền sử dụng đất"),
)
_TRANSFERS: tuple[tuple[str, str], ...] = (
    (r"nhan chuyen nhuong|chuyen nhuong", "nhan_chuyen_nhuong"),
    (r"nhan thua ke|thua ke", "nhan_thua_ke"),
    (r"nhan tang cho|tang cho", "nhan_tang_cho"),
    (r"nhan chuyen doi|chuyen doi", "nhan_chuyen_doi"),
    (r"nhan gop von|gop von", "nhan_gop_von"),
    (r"dau gia", "dau_gia"),
    (r"phan chia quyen su dung dat", "phan_chia"),
    (r"giai quyet tranh chap|hoa giai", "tranh_chap"),
    (r"ke bien|phat mai|the chap", "xu_ly_the_chap"),
)


@lru_cache(maxsize=1)
def _origin_patterns() -> tuple[tuple[re.Pattern[str], str, str], ...]:
    return tuple((re.compile(p), c, canon) for p, c, canon in ORIGINS)


@lru_cache(maxsize=1)
def _transfer_patterns() -> tuple[tuple[re.Pattern[str], str], ...]:
    return tuple((re.compile(p), c) for p, c in _TRANSFERS)


@dataclass(frozen=True)
class OriginMatch:
    """Nguồn gốc sử dụng: ``codes`` (how the State allocated + how the holder received),
    ``canonical`` the State-allocation phrase when one is recognised."""

    codes: list[str]
    canonical: str | None
    score: float
    reasons: list[str] = field(default_factory=list)


def classify_origin(text: str) -> OriginMatch | None:
    """Nguồn gốc text -> codes: 'Công nhận QSDĐ như giao đất có thu tiền sử dụng đất' ->
    ['cong_nhan_nhu_giao_co_thu_tien']; 'Nhận chuyển nhượng đất được Nhà nước giao đất
    có thu tiền sử dụng đất' -> ['nhan_chuyen_nhuong', 'giao_co_thu_tien'].

    Works on folded text, so lost diacritics do not matter; the printed text is for the
    caller to keep.
    """
    f = fold(as_text(text))
    if not f:
        return None
    f = re.sub(r"qsdd|qsd d|q\.s\.d\.d", "quyen su dung dat", f)
    f = f.replace("như", "nhu")
    codes: list[str] = []
    for pat, code in _transfer_patterns():
        if pat.search(f):
            codes.append(code)
    canonical = None
    for pat, code, canon in _origin_patterns():
        if pat.search(f):
            codes.append(code)
            canonical = canon
            break
    if not codes:
        return None
    return OriginMatch(codes, canonical, 0.9 if canonical else 0.8)
