"""Addresses: parse the printed three-level address and convert it to the 2025 two-level units.

* :func:`convert_address` - 'Thôn Đồng Cầu, xã Hiệp Hòa, thị xã Quảng Yên, tỉnh Quảng Ninh'
  -> :class:`AddressResult` with the old units (canonical names and codes), the new
  commune and province, the two-level address 'phường Hiệp Hòa, tỉnh Quảng Ninh', and
  flags.  A ward that the 2025 reform split into several new ones is flagged with the
  candidates and **not** converted; an address not found gives ``two_level=None`` and
  the reason.
* :func:`parse_address` - the printed address split into street/hamlet and typed unit
  segments, no gazetteer needed.
* :func:`correct_unit_name` - an OCR'd unit name corrected against the gazetteer
  (diacritic-insensitive, at most one or two letters off, unique), with evidence.

Gazetteer: the data files shipped inside the ``vietnamadminunits`` wheel (MIT), read
directly as JSON so that nothing is imported that geocodes: the package's own
converter asks an online geocoder when a split ward comes with a street, and picks a
"default" ward otherwise, which is a guess this module must not make.
"""

from __future__ import annotations

import importlib.util
import json
import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

from digitize.fields.normalize import clean_text
from digitize.fields.result import Correction
from digitize.fields.text import as_text, fold
from digitize.fields.vietnamese import marks_compatible

# --- segments -----------------------------------------------------------------------------

WARD_TYPES = ("xa", "phuong", "thi_tran", "dac_khu")
DISTRICT_TYPES = ("huyen", "quan", "thi_xa", "thanh_pho")
PROVINCE_TYPES = ("tinh", "thanh_pho")

# Two-word markers, then one-word: (folded words, the spelling whose marks a read may lack).
_MARKERS_2 = {("thanh", "pho"): ("thanh_pho", "thành phố"), ("thi", "xa"): ("thi_xa", "thị xã"),
              ("thi", "tran"): ("thi_tran", "thị trấn"), ("dac", "khu"): ("dac_khu", "đặc khu")}
_MARKERS_1 = {"tinh": ("tinh", "tỉnh"), "huyen": ("huyen", "huyện"), "quan": ("quan", "quận"),
              "xa": ("xa", "xã"), "phuong": ("phuong", "phường")}
_ABBREV = {"tp": "thanh_pho", "tx": "thi_xa", "tt": "thi_tran", "p": "phuong", "x": "xa", "q": "quan",
           "h": "huyen", "t": "tinh"}
_GLUED_ABBREV = re.compile(r"(?<![^\W\d_])(TP|Tp|tp|TX|Tx|tx|TT|Tt|tt|P|p|X|x|Q|q|H|h|T)\.(?=\S)")
_TYPE_WORDS = {"xa": "xã", "phuong": "phường", "thi_tran": "thị trấn", "dac_khu": "đặc khu", "huyen": "huyện",
               "quan": "quận", "thi_xa": "thị xã", "thanh_pho": "thành phố", "tinh": "tỉnh"}


@dataclass(frozen=True)
class Segment:
    """A unit named in the address: ``kind`` from the marker word (None if unmarked)."""

    kind: str | None
    name: str


@dataclass(frozen=True)
class ParsedAddress:
    """The printed address split: ``street`` (hamlet, house number...) and unit segments, left to right."""

    street: str | None
    segments: list[Segment]


def _marker_at(words: list[str], i: int) -> tuple[str, int] | None:
    """(kind, words used) when a unit marker starts at ``words[i]``."""
    w = words[i]
    lw = w.lower().rstrip(".")
    if w.endswith(".") and lw in _ABBREV and (len(lw) > 1 or i + 1 < len(words)):
        return _ABBREV[lw], 1
    if lw in ("tp", "tx", "tt"):
        return _ABBREV[lw], 1
    if i + 1 < len(words):
        pair = (fold(w), fold(words[i + 1]))
        if pair in _MARKERS_2:
            kind, spelled = _MARKERS_2[pair]
            if marks_compatible(f"{w} {words[i + 1]}".lower(), spelled):
                return kind, 2
    f = fold(w)
    if f in _MARKERS_1:
        kind, spelled = _MARKERS_1[f]
        if not marks_compatible(lw, spelled):
            return None
        # 'Quan' and 'Phuong' without marks are also names (xã Quan Lạn, xã Phương Đình).
        if kind == "quan" and lw != "quận" and not (i + 1 < len(words) and words[i + 1][:1].isdigit()):
            return None
        return kind, 1
    return None


def parse_address(text: str) -> ParsedAddress:
    """Split an address into street/hamlet and typed unit segments; never raises.

    Markers: tỉnh, thành phố / TP., huyện, quận, thị xã / TX., xã, phường, thị trấn / TT.,
    đặc khu (diacritics may be missing).  Comma-separated parts without a marker become
    untyped segments.  A marker right after another marker is part of the name
    ('xã Phường ...' does not exist, 'xã Phương Đình' does).
    """
    t = clean_text(text)
    t = _GLUED_ABBREV.sub(lambda m: m.group(0) + " ", t)
    t = re.sub(r"\s*[,;]\s*", " , ", t)
    t = re.sub(r"\s+-\s+", " , ", t)
    words = t.split()
    if len(words) > 200:
        words = words[:200]
    parts: list[tuple[str | None, list[str]]] = [(None, [])]
    i = 0
    prev_marker = False
    while i < len(words):
        w = words[i]
        if w == ",":
            parts.append((None, []))
            prev_marker = False
            i += 1
            continue
        mk = None if prev_marker else _marker_at(words, i)
        if mk is not None:
            kind, used = mk
            parts.append((kind, []))
            prev_marker = True
            i += used
            continue
        prev_marker = False
        parts[-1][1].append(w)
        i += 1
    segs = [(k, " ".join(ws).strip(" .")) for k, ws in parts]
    segs = [(k, n) for k, n in segs if n]
    # The street is whatever precedes the first marked segment, or the first of several
    # untyped parts when nothing is marked.
    first_marked = next((j for j, (k, _) in enumerate(segs) if k is not None), None)
    street_parts: list[str] = []
    if first_marked is not None:
        street_parts = [n for _, n in segs[:first_marked]]
        segs = segs[first_marked:]
    street = ", ".join(street_parts) or None
    return ParsedAddress(street, [Segment(k, n) for k, n in segs])


# --- gazetteer ------------------------------------------------------------------------------


def _key(text: str) -> str:
    """Folded, no spaces, letters and digits only: the gazetteer's own key shape."""
    return re.sub(r"[^a-z0-9]", "", fold(text))


def _akey(text: str) -> str:
    """Like :func:`_key` but keeping diacritics (to split 'Tân Thạnh' from 'Tân Thành')."""
    return re.sub(r"[^\w]", "", unicodedata.normalize("NFC", as_text(text).lower()).replace("_", ""))


@dataclass
class _Gazetteer:
    provinces: dict[str, dict[str, Any]]
    province_index: dict[str, list[str]]
    districts: dict[str, dict[str, dict[str, Any]]]
    district_index: dict[str, dict[str, list[str]]]
    divided_districts: dict[str, dict[str, list[str]]]
    wards: dict[tuple[str, str], dict[str, dict[str, Any]]]
    ward_index: dict[tuple[str, str], dict[str, list[str]]]
    new_province_of: dict[str, str]
    new_provinces: dict[str, dict[str, Any]]
    new_wards: dict[str, dict[str, dict[str, Any]]]
    new_ward_index: dict[str, dict[str, list[str]]]
    old_to_new: dict[str, tuple[str, str]]
    divided: dict[str, tuple[str, list[str]]]


def _data_dir() -> Path | None:
    try:
        spec = importlib.util.find_spec("vietnamadminunits")
    except (ImportError, ValueError):
        return None
    if spec is None or not spec.submodule_search_locations:
        return None
    d = Path(next(iter(spec.submodule_search_locations))) / "data"
    return d if d.is_dir() else None


# Printed names that the package's keywords lack.
_EXTRA_PROVINCE_KEYS = {"thuathienhue": "thanhphohue", "tinhthuathienhue": "thanhphohue",
                        "tphcm": "thanhphohochiminh", "tphochiminh": "thanhphohochiminh"}


@lru_cache(maxsize=1)
def gazetteer() -> _Gazetteer | None:
    """The administrative-unit gazetteer (loaded once), or None when its data is not installed."""
    d = _data_dir()
    if d is None:
        return None
    try:
        leg = json.loads((d / "parser_legacy.json").read_text(encoding="utf-8"))
        conv = json.loads((d / "converter_2025.json").read_text(encoding="utf-8"))
        new = json.loads((d / "parser_from_2025.json").read_text(encoding="utf-8"))
        return _build(leg, conv, new)
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None


def _add(index: dict[str, list[str]], k: str, v: str) -> None:
    if k:
        lst = index.setdefault(k, [])
        if v not in lst:
            lst.append(v)


def _build(leg: dict[str, Any], conv: dict[str, Any], new: dict[str, Any]) -> _Gazetteer:
    provinces = leg["DICT_PROVINCE"]
    province_index: dict[str, list[str]] = {}
    for pk, p in provinces.items():
        for kw in p["provinceKeywords"]:
            if len(kw) >= 3:
                _add(province_index, kw, pk)
        _add(province_index, _key(p["provinceShort"]), pk)
        _add(province_index, _key(p["province"]), pk)
    for k, pk in _EXTRA_PROVINCE_KEYS.items():
        if pk in provinces:
            _add(province_index, k, pk)
    districts = leg["DICT_PROVINCE_DISTRICT"]
    district_index: dict[str, dict[str, list[str]]] = {}
    for pk, ds in districts.items():
        idx: dict[str, list[str]] = {}
        for dk, dd in ds.items():
            for kw in dd["districtKeywords"]:
                _add(idx, kw, dk)
            _add(idx, _key(dd["districtShort"]), dk)
        district_index[pk] = idx
    divided_districts: dict[str, dict[str, list[str]]] = {}
    for pk, dd in leg.get("DICT_PROVINCE_DISTRICT_DIVIDED", {}).items():
        for name_key, info in dd.items():
            for kw in info.get("dividedDistrictKeywords", [name_key]):
                divided_districts.setdefault(pk, {})[kw] = list(info["districts"])
    wards: dict[tuple[str, str], dict[str, dict[str, Any]]] = {}
    for src in ("DICT_PROVINCE_DISTRICT_WARD_NO_ACCENTED", "DICT_PROVINCE_DISTRICT_WARD_ACCENTED"):
        for pk, ds in leg.get(src, {}).items():
            for dk, ws in ds.items():
                wards.setdefault((pk, dk), {}).update(ws)
    ward_index: dict[tuple[str, str], dict[str, list[str]]] = {}
    for pd, ws in wards.items():
        idx = {}
        for wk, w in ws.items():
            for kw in w["wardKeywords"]:
                _add(idx, _key(kw), wk)
            _add(idx, _key(w["wardShort"]), wk)
            _add(idx, _key(w["ward"]), wk)
        ward_index[pd] = idx
    new_province_of: dict[str, str] = {}
    for nk, olds in conv["DICT_PROVINCE"].items():
        for ok in olds:
            new_province_of[ok] = nk
    new_wards: dict[str, dict[str, dict[str, Any]]] = {}
    for src in ("DICT_PROVINCE_WARD_NO_ACCENTED", "DICT_PROVINCE_WARD_ACCENTED"):
        for pk, ws in new.get(src, {}).items():
            new_wards.setdefault(pk, {}).update(ws)
    new_ward_index: dict[str, dict[str, list[str]]] = {}
    for pk, ws in new_wards.items():
        idx = {}
        for wk, w in ws.items():
            _add(idx, _key(w["wardShort"]), wk)
            _add(idx, _key(w["ward"]), wk)
        new_ward_index[pk] = idx
    old_to_new: dict[str, tuple[str, str]] = {}
    for nk, ws in conv["DICT_PROVINCE_WARD_NO_DIVIDED"].items():
        for new_ward, olds in ws.items():
            for o in olds:
                old_to_new[o] = (nk, new_ward)
    divided: dict[str, tuple[str, list[str]]] = {}
    for nk, ws in conv["DICT_PROVINCE_WARD_DIVIDED"].items():
        for o, cands in ws.items():
            divided[o] = (nk, [c["newWardKey"] for c in cands])
    return _Gazetteer(provinces, province_index, districts, district_index, divided_districts, wards, ward_index,
                      new_province_of, new["DICT_PROVINCE"], new_wards, new_ward_index, old_to_new, divided)


def gazetteer_available() -> bool:
    """Whether the vietnamadminunits data could be read (the converter needs it)."""
    return gazetteer() is not None


# --- matching ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Hit:
    keys: list[str]
    how: str  # 'exact' | 'fuzzy'
    distance: int = 0


def _lookup(name: str, kind_prefix: str | None, index: dict[str, list[str]]) -> _Hit | None:
    """Exact key (with and without the type word), then a unique near key."""
    k = _key(name)
    if not k:
        return None
    tried = [_key(kind_prefix + " " + name)] if kind_prefix else []
    tried.append(k)
    for key in tried:
        if key in index:
            return _Hit(list(index[key]), "exact")
    if len(k) < 5:
        return None
    limit = 1 if len(k) < 10 else 2
    best: list[tuple[int, str]] = []
    for key in index:
        if abs(len(key) - len(k)) <= limit:
            dist = Levenshtein.distance(k, key, score_cutoff=limit)
            if dist <= limit:
                best.append((dist, key))
    if not best:
        return None
    best.sort()
    d0 = best[0][0]
    keys = {v for dist, key in best if dist == d0 for v in index[key]}
    return _Hit(sorted(keys), "fuzzy", d0)


def _prefer(keys: list[str], entries: dict[str, dict[str, Any]], name: str, kind: str | None,
            type_field: str, short_field: str) -> list[str]:
    """Narrow several candidates by the printed unit type, then by the accented spelling."""
    if len(keys) > 1 and kind:
        typed = [k for k in keys if k in entries and fold(entries[k][type_field]).replace(" ", "_") == kind]
        keys = typed or keys
    if len(keys) > 1:
        ak = _akey(name)
        same = [k for k in keys if k in entries and _akey(entries[k][short_field]) == ak]
        keys = same or keys
    return keys


def _two_level_text(ward: str | None, province: str | None) -> str | None:
    def lower_type(name: str) -> str:
        for t in ("Thành phố", "Thị trấn", "Đặc khu", "Phường", "Tỉnh", "Xã"):
            if name.startswith(t + " "):
                return t.lower() + name[len(t):]
        return name

    if not province:
        return None
    return ", ".join(lower_type(p) for p in (ward, province) if p)


@dataclass(frozen=True)
class AddressResult:
    """An address as printed and in the 2025 two-level units.

    ``old_*``: canonical names of the units the printed address names (before 1 July
    2025), with their GSO codes; ``new_*``: the 2025 commune and province;
    ``two_level``: 'xã ..., tỉnh ...' (None when the commune cannot be told);
    ``two_level_full``: the same with the printed street/hamlet in front;
    ``candidates``: new communes a split ward went to (never chosen between);
    ``flags``: machine-readable ('ward_split', 'ward_not_found', 'district_not_found',
    'province_not_found', 'corrected', 'already_two_level', 'district_inferred').
    """

    printed: str
    street: str | None = None
    old_province: str | None = None
    old_province_code: str | None = None
    old_district: str | None = None
    old_district_code: str | None = None
    old_ward: str | None = None
    old_ward_code: str | None = None
    new_province: str | None = None
    new_province_code: str | None = None
    new_ward: str | None = None
    new_ward_code: str | None = None
    two_level: str | None = None
    two_level_full: str | None = None
    candidates: list[str] = field(default_factory=list)
    flags: list[str] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)
    score: float = 0.0


def convert_address(text: str) -> AddressResult:
    """Printed (old three-level or new two-level) address -> :class:`AddressResult`; never raises.

    Each unit is matched within its parent (ward within district within province),
    diacritic-insensitively, with at most one letter (two for long names) of OCR error
    and only when unique.  Older ward names merged before 2025 are recognised through
    the gazetteer's aliases.
    """
    printed = clean_text(text)
    g = gazetteer()
    if not printed:
        return AddressResult(printed, flags=["empty"], reasons=["empty address"])
    if g is None:
        return AddressResult(printed, flags=["gazetteer_unavailable"],
                             reasons=["vietnamadminunits data not found; address not converted"])
    try:
        return _convert(printed, g)
    except (KeyError, ValueError, TypeError, IndexError) as exc:  # defensive: data shape surprises
        return AddressResult(printed, flags=["error"], reasons=[f"address not converted ({type(exc).__name__})"])


def _convert(printed: str, g: _Gazetteer) -> AddressResult:
    parsed = parse_address(printed)
    segs = list(parsed.segments)
    reasons: list[str] = []
    flags: list[str] = []
    score = 1.0
    # Drop a trailing country name.
    while segs and _key(segs[-1].name) in ("vietnam", "vn"):
        segs.pop()
    # Province: the rightmost segment.
    pk = None
    pi = None
    for j in range(len(segs) - 1, max(-1, len(segs) - 2), -1):
        s = segs[j]
        if s.kind not in (None, *PROVINCE_TYPES):
            continue
        hit = _lookup(s.name, _TYPE_WORDS.get(s.kind or ""), g.province_index)
        if hit and len(set(hit.keys)) == 1:
            pk, pi = hit.keys[0], j
            if hit.how == "fuzzy":
                flags.append("corrected")
                reasons.append(f"province name: {hit.distance} letter(s) corrected (OCR)")
                score = min(score, 0.85)
            break
    if pk is None:
        return AddressResult(printed, street=parsed.street, flags=["province_not_found"],
                             reasons=["no province recognised at the end of the address"], score=0.0)
    prov = g.provinces[pk]
    new_pk = g.new_province_of.get(pk)
    new_prov = g.new_provinces.get(new_pk or "", {})
    base = {"printed": printed, "old_province": prov["province"], "old_province_code": prov["provinceCode"],
            "new_province": new_prov.get("province"), "new_province_code": new_prov.get("provinceCode")}
    rest = segs[:pi]
    # District: the segment left of the province.
    dk = None
    di = None
    district_keys: list[str] = []
    if rest and rest[-1].kind in (None, *DISTRICT_TYPES):
        s = rest[-1]
        hit = _lookup(s.name, _TYPE_WORDS.get(s.kind or ""), g.district_index.get(pk, {}))
        if hit:
            keys = _prefer(hit.keys, g.districts[pk], s.name, s.kind, "districtType", "districtShort")
            if len(keys) == 1:
                dk, di = keys[0], len(rest) - 1
                if hit.how == "fuzzy":
                    flags.append("corrected")
                    reasons.append(f"district name: {hit.distance} letter(s) corrected (OCR)")
                    score = min(score, 0.85)
        if dk is None:
            dkw = _key(s.name)
            div = g.divided_districts.get(pk, {})
            for cand in (_key(_TYPE_WORDS.get(s.kind or "", "") + " " + s.name), dkw):
                if cand in div:
                    district_keys, di = div[cand], len(rest) - 1
                    reasons.append("district reorganised before 2025: matched through its wards")
                    break
    if dk is not None:
        district_keys = [dk]
    ward_segs = rest[:di] if di is not None else rest
    # Ward: the segment left of the district (or of the province for two-level addresses).
    if not ward_segs or ward_segs[-1].kind not in (None, *WARD_TYPES):
        out = AddressResult(**base, old_district=_district_name(g, pk, dk),
                            old_district_code=_district_code(g, pk, dk), street=parsed.street,
                            two_level=_two_level_text(None, new_prov.get("province")),
                            flags=[*flags, "ward_not_found"],
                            reasons=[*reasons, "no commune/ward in the address; only the province converts"],
                            score=min(score, 0.3))
        return out
    ws = ward_segs[-1]
    street_parts = [s.name for s in ward_segs[:-1]]
    street = ", ".join([p for p in (parsed.street, *street_parts) if p]) or None
    if not district_keys:
        # Already two-level (printed after 1 July 2025)?
        if di is None and new_pk:
            hit = _lookup(ws.name, _TYPE_WORDS.get(ws.kind or ""), g.new_ward_index.get(new_pk, {}))
            if hit and hit.how == "exact":
                keys = _prefer(hit.keys, g.new_wards[new_pk], ws.name, ws.kind, "wardType", "wardShort")
                new_type = fold(g.new_wards[new_pk][keys[0]]["wardType"]).replace(" ", "_")
                typed_ok = ws.kind is None or new_type == ws.kind
                if len(keys) == 1 and pk == new_pk and typed_ok:
                    w = g.new_wards[new_pk][keys[0]]
                    return AddressResult(**base, street=street, new_ward=w["ward"], new_ward_code=w["wardCode"],
                                         two_level=_two_level_text(w["ward"], new_prov.get("province")),
                                         two_level_full=_full(street, w["ward"], new_prov.get("province")),
                                         flags=[*flags, "already_two_level"],
                                         reasons=[*reasons, "the address already names a 2025 commune"],
                                         score=min(score, 0.95))
        # No district printed: search the wards of the whole province.
        district_keys = [d for (p, d) in g.wards if p == pk]
        if di is not None:
            flags.append("district_not_found")
            reasons.append("district not recognised; ward searched in the whole province")
            score = min(score, 0.7)
    found: list[tuple[str, str, _Hit]] = []
    for d in district_keys:
        hit = _lookup(ws.name, _TYPE_WORDS.get(ws.kind or ""), g.ward_index.get((pk, d), {}))
        if hit:
            for wk in _prefer(hit.keys, g.wards[(pk, d)], ws.name, ws.kind, "wardType", "wardShort"):
                found.append((d, wk, hit))
    exact = [f for f in found if f[2].how == "exact"]
    found = exact or found
    if len(found) > 1:
        typed = [f for f in found if fold(g.wards[(pk, f[0])][f[1]]["wardType"]).replace(" ", "_") == ws.kind]
        found = typed or found
    if not found:
        return AddressResult(**base, old_district=_district_name(g, pk, dk),
                             old_district_code=_district_code(g, pk, dk), street=street, two_level=None,
                             flags=[*flags, "ward_not_found"],
                             reasons=[*reasons, "commune/ward not found in the district (check the OCR or "
                                      "the district)"], score=0.2)
    if len(found) > 1:
        names = sorted({g.wards[(pk, d)][w]["ward"] + ", " + g.districts[pk][d]["district"] for d, w, _ in found})
        return AddressResult(**base, old_district=_district_name(g, pk, dk),
                             old_district_code=_district_code(g, pk, dk), street=street, candidates=names,
                             flags=[*flags, "ward_ambiguous"],
                             reasons=[*reasons, f"{len(names)} communes/wards match the printed name"], score=0.2)
    d, wk, hit = found[0]
    if dk is None:
        dk = d
        if "district_not_found" not in flags and di is None:
            flags.append("district_inferred")
            reasons.append("district not printed; inferred from the unique ward name in the province")
            score = min(score, 0.9)
    w = g.wards[(pk, dk)][wk]
    if hit.how == "fuzzy":
        flags.append("corrected")
        reasons.append(f"ward name: {hit.distance} letter(s) corrected (OCR)")
        score = min(score, 0.85)
    if _key(ws.name) not in (_key(w["wardShort"]), _key(w["ward"])) and hit.how == "exact":
        reasons.append("older ward name (units merged before 2025) recognised")
    old = {**base, "old_district": g.districts[pk][dk]["district"],
           "old_district_code": g.districts[pk][dk]["districtCode"], "old_ward": w["ward"],
           "old_ward_code": w["wardCode"], "street": street}
    old_key = f"{pk}_{dk}_{wk}"
    if old_key in g.old_to_new:
        nk, nwk = g.old_to_new[old_key]
        nw = g.new_wards.get(nk, {}).get(nwk)
        if nw is None:
            return AddressResult(**old, flags=[*flags, "ward_not_found"],
                                 reasons=[*reasons, "new commune missing from the gazetteer"], score=0.2)
        return AddressResult(**old, new_ward=nw["ward"], new_ward_code=nw["wardCode"],
                             two_level=_two_level_text(nw["ward"], new_prov.get("province")),
                             two_level_full=_full(street, nw["ward"], new_prov.get("province")),
                             flags=flags, reasons=reasons, score=score)
    if old_key in g.divided:
        nk, cands = g.divided[old_key]
        names = [g.new_wards.get(nk, {}).get(c, {}).get("ward", c) for c in cands]
        return AddressResult(**old, candidates=names, flags=[*flags, "ward_split"],
                             reasons=[*reasons, f"the 2025 reform split this ward into {len(names)} communes; "
                                      "which one holds the parcel cannot be told from the name"],
                             score=min(score, 0.5))
    return AddressResult(**old, flags=[*flags, "ward_not_found"],
                         reasons=[*reasons, "ward has no 2025 mapping in the gazetteer"], score=0.2)


def _full(street: str | None, ward: str | None, province: str | None) -> str | None:
    two = _two_level_text(ward, province)
    if two is None:
        return None
    return f"{street}, {two}" if street else two


def _district_name(g: _Gazetteer, pk: str, dk: str | None) -> str | None:
    return g.districts[pk][dk]["district"] if dk else None


def _district_code(g: _Gazetteer, pk: str, dk: str | None) -> str | None:
    return g.districts[pk][dk]["districtCode"] if dk else None


# --- unit-name correction ------------------------------------------------------------------------


@lru_cache(maxsize=1)
def _all_names() -> dict[str, dict[str, list[str]]]:
    """Level -> folded key -> canonical short names (old and new units together)."""
    g = gazetteer()
    out: dict[str, dict[str, list[str]]] = {"province": {}, "district": {}, "ward": {}}
    if g is None:
        return out
    for p in g.provinces.values():
        _add(out["province"], _key(p["provinceShort"]), p["provinceShort"])
    for ds in g.districts.values():
        for d in ds.values():
            _add(out["district"], _key(d["districtShort"]), d["districtShort"])
    for ws in g.wards.values():
        for w in ws.values():
            _add(out["ward"], _key(w["wardShort"]), w["wardShort"])
    for ws in g.new_wards.values():
        for w in ws.values():
            _add(out["ward"], _key(w["wardShort"]), w["wardShort"])
    return out


@lru_cache(maxsize=4)
def _name_keys(level: str) -> tuple[str, ...]:
    return tuple(_all_names().get(level, {}))


def correct_unit_name(text: str, level: str = "province") -> Correction:
    """An OCR'd unit name ('Quàng Ninh', 'QUANG NINH', 'Quảng Nịnh') -> the gazetteer spelling.

    ``level`` is 'province', 'district' or 'ward'.  Changes only when exactly one
    spelling in the gazetteer has these letters and keeps the marks read, or (for names of
    five letters or more) one name is one letter away and no other is as close.
    """
    t = clean_text(text)
    names = _all_names().get(level, {})
    if not t:
        return Correction("", False, 0.0, ["empty text"])
    if not names:
        return Correction(t, False, 0.0, ["gazetteer unavailable or unknown level"])
    k = _key(t)
    cands = names.get(k, [])
    if any(c == t for c in cands):
        return Correction(t, False, 1.0, [])
    upper = t.isupper()

    def case(v: str) -> str:
        return v.upper() if upper else v

    if cands:
        comp = [c for c in cands if marks_compatible(t.lower(), c.lower())]
        if len(comp) == 1:
            if case(comp[0]) == t:
                return Correction(t, False, 1.0, [])
            return Correction(case(comp[0]), True, 0.9, [f"{level} name: diacritics restored from the gazetteer "
                                                         "(unique spelling with these letters)"])
        if len(cands) == 1:
            return Correction(case(cands[0]), True, 0.75, [f"{level} name: diacritics differ from the only "
                                                           "gazetteer name with these letters"])
        return Correction(t, False, 0.5, [f"{level} name: {len(cands)} gazetteer names share these letters; "
                                          "left as read"])
    if len(k) < 5:
        return Correction(t, False, 0.3, [f"{level} name not in the gazetteer"])
    best = [(int(d), key) for key, d, _ in process.extract(k, _name_keys(level), scorer=Levenshtein.distance,
                                                          score_cutoff=2, limit=3)]
    if not best or best[0][0] > 1 or (len(best) > 1 and best[1][0] <= best[0][0]) or len(names[best[0][1]]) > 1:
        return Correction(t, False, 0.3, [f"{level} name not in the gazetteer and no unique near name"])
    return Correction(case(names[best[0][1]][0]), True, 0.75,
                      [f"{level} name: 1 letter corrected to the only near gazetteer name (OCR)"])


def correct_unit_within(text: str, level: str, province: str, district: str | None = None) -> Correction:
    """A district (``level`` 'district') or commune ('ward') name checked against the units of
    its own province (district), a list of a few dozen names instead of the country's
    thousands: one letter away from exactly one of them ('Kuân Trường' in Nam Định) is that
    one.  Names of fewer than four letters, or near several units, are left as read."""
    t = clean_text(text)
    g = gazetteer()
    if not t or g is None:
        return Correction(t, False, 0.0, ["gazetteer unavailable"] if t else ["empty text"])
    pks = g.province_index.get(_key(province), [])
    if len(set(pks)) != 1:
        return Correction(t, False, 0.5, ["province not known: the unit is not checked"])
    pk = pks[0]
    if level == "district":
        units = {dd["districtShort"] for dd in g.districts.get(pk, {}).values()}
    else:
        dks = g.district_index.get(pk, {}).get(_key(district or ""), [])
        if len(set(dks)) != 1:
            return Correction(t, False, 0.5, ["district not known: the commune is not checked"])
        units = {w["wardShort"] for w in g.wards.get((pk, dks[0]), {}).values()}
    k = _key(t)
    if any(_key(u) == k for u in units):
        return Correction(t, False, 1.0, [])
    if len(k) < 4:
        return Correction(t, False, 0.5, [f"{level} name not among the units of its province"])
    close = [u for u in units if Levenshtein.distance(_key(u), k, score_cutoff=2) <= 1]
    if len(close) != 1:
        return Correction(t, False, 0.4, [f"{level} name not among the units of its province"])
    value = close[0].upper() if t.isupper() else close[0]
    return Correction(value, True, 0.75, [f"{level} name: one letter from the only such unit of its province"])
