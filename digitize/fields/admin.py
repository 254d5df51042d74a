"""Addresses: parse the printed three-level address and convert it to the 2025 two-level units.

* :func:`convert_address` - 'Thôn Đồng Cầu, xã Hiệp Hòa, thị xã Quảng Yên, tỉnh Quảng Ninh'
  -> :class:`AddressResult` with the old units (canonical names and codes), the new
  commune and province, the two-level address 'phường Hiệp Hòa, tỉnh Quảng Ninh', and
  flags.  A ward that the 2025 reform split into several new ones is flagged with the
  candidates and **not** converted; an address not found gives ``two_level=None`` and
  the reason.
* :func:`digitize.fields.address_parse.parse_address` - the printed address split into
  street/hamlet and typed unit segments, no gazetteer needed (used here).
* unit-name correction is :mod:`digitize.fields.unit_names`; the gazetteer itself
  :mod:`digitize.fields.gazetteer`.

Gazetteer: the data files shipped inside the ``vietnamadminunits`` wheel (MIT), read
directly as JSON so that nothing is imported that geocodes: the package's own
converter asks an online geocoder when a split ward comes with a street, and picks a
"default" ward otherwise, which is a guess this module must not make.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from rapidfuzz.distance import Levenshtein

from digitize.fields.address_parse import DISTRICT_TYPES, PROVINCE_TYPES, TYPE_WORDS, WARD_TYPES, parse_address
from digitize.fields.gazetteer import Gazetteer, accent_key, gazetteer, gazetteer_key
from digitize.fields.normalize import clean_text
from digitize.fields.text import fold

# --- matching ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Hit:
    keys: list[str]
    how: str  # 'exact' | 'fuzzy'
    distance: int = 0


def _lookup(name: str, kind_prefix: str | None, index: dict[str, list[str]]) -> _Hit | None:
    """Exact key (with and without the type word), then a unique near key."""
    k = gazetteer_key(name)
    if not k:
        return None
    tried = [gazetteer_key(kind_prefix + " " + name)] if kind_prefix else []
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
        ak = accent_key(name)
        same = [k for k in keys if k in entries and accent_key(entries[k][short_field]) == ak]
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


def _convert(printed: str, g: Gazetteer) -> AddressResult:
    parsed = parse_address(printed)
    segs = list(parsed.segments)
    reasons: list[str] = []
    flags: list[str] = []
    score = 1.0
    # Drop a trailing country name.
    while segs and gazetteer_key(segs[-1].name) in ("vietnam", "vn"):
        segs.pop()
    # Province: the rightmost segment.
    pk = None
    pi = None
    for j in range(len(segs) - 1, max(-1, len(segs) - 2), -1):
        s = segs[j]
        if s.kind not in (None, *PROVINCE_TYPES):
            continue
        hit = _lookup(s.name, TYPE_WORDS.get(s.kind or ""), g.province_index)
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
        hit = _lookup(s.name, TYPE_WORDS.get(s.kind or ""), g.district_index.get(pk, {}))
        if hit:
            keys = _prefer(hit.keys, g.districts[pk], s.name, s.kind, "districtType", "districtShort")
            if len(keys) == 1:
                dk, di = keys[0], len(rest) - 1
                if hit.how == "fuzzy":
                    flags.append("corrected")
                    reasons.append(f"district name: {hit.distance} letter(s) corrected (OCR)")
                    score = min(score, 0.85)
        if dk is None:
            dkw = gazetteer_key(s.name)
            div = g.divided_districts.get(pk, {})
            for cand in (gazetteer_key(TYPE_WORDS.get(s.kind or "", "") + " " + s.name), dkw):
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
            hit = _lookup(ws.name, TYPE_WORDS.get(ws.kind or ""), g.new_ward_index.get(new_pk, {}))
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
        hit = _lookup(ws.name, TYPE_WORDS.get(ws.kind or ""), g.ward_index.get((pk, d), {}))
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
    if gazetteer_key(ws.name) not in (gazetteer_key(w["wardShort"]), gazetteer_key(w["ward"])) and hit.how == "exact":
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


def _district_name(g: Gazetteer, pk: str, dk: str | None) -> str | None:
    return g.districts[pk][dk]["district"] if dk else None


def _district_code(g: Gazetteer, pk: str, dk: str | None) -> str | None:
    return g.districts[pk][dk]["districtCode"] if dk else None


