"""The administrative-unit gazetteer: old three-level units, the 2025 two-level units and the mapping.

Read from the data files shipped inside the ``vietnamadminunits`` wheel (MIT), directly as
JSON so that nothing is imported that geocodes (see :mod:`digitize.fields.admin`), and
indexed once per process by folded name keys (:func:`gazetteer_key`).
"""

from __future__ import annotations

import importlib.util
import json
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from digitize.fields.text import as_text, fold


def gazetteer_key(text: str) -> str:
    """Folded, no spaces, letters and digits only: the gazetteer's own key shape."""
    return re.sub(r"[^a-z0-9]", "", fold(text))


def accent_key(text: str) -> str:
    """Like :func:`gazetteer_key` but keeping diacritics (to split 'Tân Thạnh' from 'Tân Thành')."""
    return re.sub(r"[^\w]", "", unicodedata.normalize("NFC", as_text(text).lower()).replace("_", ""))


@dataclass
class Gazetteer:
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
def gazetteer() -> Gazetteer | None:
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


def add_key(index: dict[str, list[str]], k: str, v: str) -> None:
    """Append ``v`` under key ``k`` of a name index, once."""
    if k:
        lst = index.setdefault(k, [])
        if v not in lst:
            lst.append(v)


def _build(leg: dict[str, Any], conv: dict[str, Any], new: dict[str, Any]) -> Gazetteer:
    provinces = leg["DICT_PROVINCE"]
    province_index: dict[str, list[str]] = {}
    for pk, p in provinces.items():
        for kw in p["provinceKeywords"]:
            if len(kw) >= 3:
                add_key(province_index, kw, pk)
        add_key(province_index, gazetteer_key(p["provinceShort"]), pk)
        add_key(province_index, gazetteer_key(p["province"]), pk)
    for k, pk in _EXTRA_PROVINCE_KEYS.items():
        if pk in provinces:
            add_key(province_index, k, pk)
    districts = leg["DICT_PROVINCE_DISTRICT"]
    district_index: dict[str, dict[str, list[str]]] = {}
    for pk, ds in districts.items():
        idx: dict[str, list[str]] = {}
        for dk, dd in ds.items():
            for kw in dd["districtKeywords"]:
                add_key(idx, kw, dk)
            add_key(idx, gazetteer_key(dd["districtShort"]), dk)
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
                add_key(idx, gazetteer_key(kw), wk)
            add_key(idx, gazetteer_key(w["wardShort"]), wk)
            add_key(idx, gazetteer_key(w["ward"]), wk)
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
            add_key(idx, gazetteer_key(w["wardShort"]), wk)
            add_key(idx, gazetteer_key(w["ward"]), wk)
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
    return Gazetteer(provinces, province_index, districts, district_index, divided_districts, wards, ward_index,
                      new_province_of, new["DICT_PROVINCE"], new_wards, new_ward_index, old_to_new, divided)


def gazetteer_available() -> bool:
    """Whether the vietnamadminunits data could be read (the converter needs it)."""
    return gazetteer() is not None
