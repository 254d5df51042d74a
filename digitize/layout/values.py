"""Normalisers by name, as templates refer to them.

A normaliser takes the raw text of a value and returns a :class:`Normalized` (value plus
the reasons and evidence behind any correction) or ``None`` when the text holds no value.
The work itself lives in :mod:`digitize.fields`; this module adapts it to the templates.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from digitize.fields import landuse
from digitize.fields.idnumbers import normalize_id_number, normalize_sex
from digitize.fields.normalize import (
    clean_text,
    is_empty_marker,
    normalize_area,
    normalize_date,
    normalize_number_string,
    normalize_registry_number,
    normalize_serial,
    normalize_year,
)
from digitize.fields.vietnamese import correct_authority, correct_name


@dataclass
class Normalized:
    """A normalised value with the evidence for it."""

    value: Any
    reasons: list[str] = field(default_factory=list)
    score: float = 1.0  # how strongly normalisation/correction supports the value (1 = exact)


def text_value(raw: str) -> str | None:
    """Clean text; ``-/-`` and friends mean empty."""
    text = clean_text(raw)
    if not text or is_empty_marker(text):
        return None
    return text


def _wrap(fn: Callable[[str], Any]) -> Callable[[str], Normalized | None]:
    def run(raw: str) -> Normalized | None:
        value = fn(raw)
        return None if value is None else Normalized(value)

    return run


def _place(raw: str) -> Normalized | None:
    text = text_value(raw)
    return Normalized(text.strip(" .,")) if text else None


def _name(raw: str) -> Normalized | None:
    text = text_value(raw)
    if not text:
        return None
    text = text.strip(" .,;:")
    correction = correct_name(text)
    return Normalized(correction.value, list(correction.reasons), correction.score)


def _authority(raw: str) -> Normalized | None:
    text = text_value(raw)
    if not text:
        return None
    correction = correct_authority(text)
    return Normalized(correction.value, list(correction.reasons), correction.score)


def _land_uses(raw: str) -> Normalized | None:
    text = text_value(raw)
    if not text:
        return None
    uses = landuse.parse_land_uses(text)
    if not uses:
        return None
    reasons: list[str] = []
    score = 1.0
    value = []
    for use in uses:
        item: dict[str, Any] = {"ten": use.ten}
        if use.ma:
            item["ma"] = use.ma
        if use.dien_tich is not None:
            item["dien_tich"] = use.dien_tich
        value.append(item)
        if use.match is not None:
            reasons.extend(use.match.reasons)
            score = min(score, use.match.score)
        else:
            reasons.append("land use not in the Circular 08/2024 vocabulary: code left empty")
            score = min(score, 0.5)
    return Normalized(value, reasons, score)


def _use_form(raw: str) -> Normalized | None:
    text = text_value(raw)
    if not text:
        return None
    match = landuse.parse_use_form(text)
    # The printed text is the value; the vocabulary match is evidence for it.
    return Normalized(text, list(match.reasons) if match else ["use form not in the vocabulary"],
                      match.score if match else 0.6)


def _use_term(raw: str) -> Normalized | None:
    text = text_value(raw)
    if not text:
        return None
    term = landuse.parse_use_term(text)
    return Normalized(text, list(term.reasons) if term else ["term not recognised"], 1.0 if term else 0.6)


def _origin(raw: str) -> Normalized | None:
    text = text_value(raw)
    if not text:
        return None
    origin = landuse.classify_origin(text)
    return Normalized(text, [] if origin else ["origin wording not recognised"], 1.0 if origin else 0.7)


_OLD_REGISTRY = re.compile(r"[0-9][0-9A-Za-zĐđ./\-\s]*[0-9A-Za-zĐđ]")


def _registry(raw: str) -> Normalized | None:
    """Registry number: 'CS 05494' -> 'CS05494'; old books ('03451 QSDĐ/1094/QĐ-UB') kept, spaces removed."""
    value = normalize_registry_number(raw)
    if value:
        return Normalized(value)
    text = text_value(raw)
    if not text:
        return None
    m = _OLD_REGISTRY.search(text)
    if m is None or sum(c.isdigit() for c in m.group(0)) < 3:
        return None
    return Normalized(re.sub(r"\s+", "", m.group(0)), ["registry number without a CH/CS/... prefix (older book)"],
                      0.8)


def _code12(raw: str) -> Normalized | None:
    """'Mã Giấy chứng nhận': 12 characters as printed (digits in every specimen seen)."""
    from digitize.fields.normalize import normalize_digits

    value = normalize_digits(raw, (12,))
    return Normalized(value) if value else None


def _id_number(raw: str) -> Normalized | None:
    value = normalize_id_number(raw)
    return Normalized(value) if value else None


def _sex(raw: str) -> Normalized | None:
    value = normalize_sex(raw)
    return Normalized(value) if value else None


def _year(raw: str) -> Normalized | None:
    value = normalize_year(raw)
    return Normalized(value) if value else None


NORMALIZERS: dict[str, Callable[[str], Normalized | None]] = {
    "text": _wrap(text_value),
    "place": _place,
    "name": _name,
    "authority": _authority,
    "date": _wrap(normalize_date),
    "area": _wrap(normalize_area),
    "serial": _wrap(normalize_serial),
    "registry": _registry,
    "number_string": _wrap(normalize_number_string),
    "land_use": _land_uses,
    "use_form": _use_form,
    "use_term": _use_term,
    "origin": _origin,
    "id_number": _id_number,
    "code12": _code12,
    "sex": _sex,
    "year": _year,
}


def normalize(name: str, raw: str) -> Normalized | None:
    """Run the normaliser called ``name`` on ``raw`` (never raises on bad text)."""
    return NORMALIZERS[name](raw)
