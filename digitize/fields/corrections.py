"""A reviewer's typed correction, normalised and validated as the engine would.

The key is the last name of a field path (``thua_dat[0].dien_tich`` -> ``dien_tich``); its
normaliser is the one extraction uses for that kind of value.  A value that cannot be read
as its kind is refused with the reason, never stored as typed: a reviewer's slip must not
become a clean-looking wrong value in the record.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from digitize.fields.idnumbers import check_cccd, id_kind, normalize_sex
from digitize.fields.normalize import (
    clean_text,
    normalize_area,
    normalize_date,
    normalize_registry_number,
    normalize_serial,
    normalize_year,
)
from digitize.model import parse_path


@dataclass(frozen=True)
class Correction:
    """The outcome of normalising a typed value: ``value`` when accepted, ``error`` otherwise."""

    value: Any = None
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


def _date(text: str) -> Correction:
    value = normalize_date(text)
    return Correction(value) if value else Correction(error="not a valid date (dd/mm/yyyy)")


def _year(text: str) -> Correction:
    value = normalize_year(text)
    return Correction(value) if value else Correction(error="not a four-digit year")


def _area(text: str) -> Correction:
    value = normalize_area(text)
    if value is None or value <= 0:
        return Correction(error="not an area in m² (e.g. 152,4)")
    return Correction(value)


def _id_number(text: str) -> Correction:
    digits = "".join(ch for ch in text if ch.isdigit())
    kind = id_kind(digits)
    if kind is None:
        return Correction(error="an ID number has 12 digits (CCCD) or 9 digits (CMND)")
    if kind == "CCCD":
        check = check_cccd(digits)
        if check.ok is False:
            return Correction(error="breaks the CCCD rules: " + "; ".join(check.reasons))
    return Correction(digits)


def _serial(text: str) -> Correction:
    value = normalize_serial(text)
    return Correction(value) if value else Correction(error="a serial is 2 letters and 6 or 8 digits")


def _registry(text: str) -> Correction:
    value = normalize_registry_number(text)
    if value:
        return Correction(value)
    # Old registry books used other numberings ("1234/QSDĐ"): kept as typed, spaces removed.
    typed = clean_text(text).replace(" ", "")
    if any(ch.isdigit() for ch in typed):
        return Correction(typed)
    return Correction(error="a registry number holds digits (e.g. CS05494)")


def _sex(text: str) -> Correction:
    value = normalize_sex(text)
    return Correction(value) if value else Correction(error="sex is Nam or Nữ")


def _digits_string(text: str) -> Correction:
    value = clean_text(text).replace(" ", "")
    if not value or not any(ch.isdigit() for ch in value):
        return Correction(error="a parcel or sheet number holds digits")
    return Correction(value)


def _text(text: str) -> Correction:
    value = clean_text(text)
    return Correction(value) if value else Correction(error="empty value")


_BY_KEY: dict[str, Callable[[str], Correction]] = {
    "ngay_cap": _date,
    "ngay_sinh": _date,
    "ngay_het_han": _date,
    "nam_sinh": _year,
    "dien_tich": _area,
    "dien_tich_xay_dung": _area,
    "dien_tich_san": _area,
    "so_dinh_danh": _id_number,
    "so_giay_to": _id_number,
    "so_phat_hanh": _serial,
    "so_vao_so": _registry,
    "gioi_tinh": _sex,
    "so_thua": _digits_string,
    "so_to_ban_do": _digits_string,
}


def normalize_correction(path: str, text: str) -> Correction:
    """Normalise a reviewer's text for the field at ``path``; unknown keys are free text."""
    parts = [p for p in parse_path(path) if isinstance(p, str)]
    key = parts[-1] if parts else path
    return _BY_KEY.get(key, _text)(text)
