"""Administrative-unit names as OCR reads them, corrected against the gazetteer.

* :func:`correct_unit_name` - an OCR'd unit name corrected against the gazetteer
  (diacritic-insensitive, at most one or two letters off, unique), with evidence.
* :func:`correct_unit_within` - the same within one province (and district).
"""

from __future__ import annotations

from functools import lru_cache

from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

from digitize.fields.gazetteer import add_key, gazetteer, gazetteer_key
from digitize.fields.normalize import clean_text
from digitize.fields.result import Correction
from digitize.fields.vietnamese import marks_compatible


@lru_cache(maxsize=1)
def _all_names() -> dict[str, dict[str, list[str]]]:
    """Level -> folded key -> canonical short names (old and new units together)."""
    g = gazetteer()
    out: dict[str, dict[str, list[str]]] = {"province": {}, "district": {}, "ward": {}}
    if g is None:
        return out
    for p in g.provinces.values():
        add_key(out["province"], gazetteer_key(p["provinceShort"]), p["provinceShort"])
    for ds in g.districts.values():
        for d in ds.values():
            add_key(out["district"], gazetteer_key(d["districtShort"]), d["districtShort"])
    for ws in g.wards.values():
        for w in ws.values():
            add_key(out["ward"], gazetteer_key(w["wardShort"]), w["wardShort"])
    for ws in g.new_wards.values():
        for w in ws.values():
            add_key(out["ward"], gazetteer_key(w["wardShort"]), w["wardShort"])
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
    k = gazetteer_key(t)
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
    pks = g.province_index.get(gazetteer_key(province), [])
    if len(set(pks)) != 1:
        return Correction(t, False, 0.5, ["province not known: the unit is not checked"])
    pk = pks[0]
    if level == "district":
        units = {dd["districtShort"] for dd in g.districts.get(pk, {}).values()}
    else:
        dks = g.district_index.get(pk, {}).get(gazetteer_key(district or ""), [])
        if len(set(dks)) != 1:
            return Correction(t, False, 0.5, ["district not known: the commune is not checked"])
        units = {w["wardShort"] for w in g.wards.get((pk, dks[0]), {}).values()}
    k = gazetteer_key(t)
    if any(gazetteer_key(u) == k for u in units):
        return Correction(t, False, 1.0, [])
    if len(k) < 4:
        return Correction(t, False, 0.5, [f"{level} name not among the units of its province"])
    close = [u for u in units if Levenshtein.distance(gazetteer_key(u), k, score_cutoff=2) <= 1]
    if len(close) != 1:
        return Correction(t, False, 0.4, [f"{level} name not among the units of its province"])
    value = close[0].upper() if t.isupper() else close[0]
    return Correction(value, True, 0.75, [f"{level} name: one letter from the only such unit of its province"])
