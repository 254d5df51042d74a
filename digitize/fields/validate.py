"""Plausibility checks on normalised values; each returns a :class:`Check` (ok None = cannot tell).

Inputs are the normalised values (ISO dates, floats, 'DP 947330'); raw text is accepted
too and normalised first, so a caller can pass what it has.  Nothing here raises.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date

from digitize.fields.idnumbers import check_cccd, parse_cmnd
from digitize.fields.normalize import normalize_area, normalize_date, normalize_serial
from digitize.fields.result import Check

__all__ = [
    "Check",
    "check_area_sum",
    "check_birth_date",
    "check_cccd",
    "check_cmnd",
    "check_expiry",
    "check_issue_date",
    "check_registry_number",
    "check_serial_generation",
]

# The first certificates under the 1987 Land Law were issued from 1990 (Decision
# 201/QĐ-ĐKTK, 1989); an earlier issue date is almost surely a misread.
FIRST_GCN_YEAR = 1989
GENERATIONS_6_DIGITS = ("gcn_truoc_2009", "gcn_2009_2014")


def _as_date(value: object) -> date | None:
    if isinstance(value, date):
        return value
    if not isinstance(value, str):
        return None
    iso = normalize_date(value)
    if iso is None:
        return None
    try:
        return date.fromisoformat(iso)
    except ValueError:
        return None


def check_issue_date(value: object, *, today: date | None = None, document: str = "gcn") -> Check:
    """An issue date is not in the future and not before certificates / ID cards existed.

    ``document``: 'gcn' (from 1989) or 'cccd' (chip-less CCCD from 2016; an older date is
    allowed but flagged None as it may be a CMND).
    """
    d = _as_date(value)
    if d is None:
        return Check(None, ["no date to check"])
    today = today or date.today()
    if d > today:
        return Check(False, ["issue date is in the future"])
    if document == "gcn" and d.year < FIRST_GCN_YEAR:
        return Check(False, [f"issue date before {FIRST_GCN_YEAR}, when certificates began"])
    if document == "cccd" and d.year < 2016:
        return Check(None, ["CCCD issue date before 2016: probably a CMND date"])
    return Check(True, [])


def check_birth_date(value: object, *, today: date | None = None, issue_date: object = None,
                     min_year: int = 1880) -> Check:
    """A birth date or year ('1965', ISO date) lies between ``min_year`` and today, and before the issue date."""
    today = today or date.today()
    year: int | None = None
    d = None
    if isinstance(value, int) and not isinstance(value, bool):
        year = value
    elif isinstance(value, str) and re.fullmatch(r"\s*\d{4}\s*", value):
        year = int(value)
    else:
        d = _as_date(value)
        year = d.year if d else None
    if year is None:
        return Check(None, ["no birth date to check"])
    if year < min_year:
        return Check(False, [f"birth year before {min_year}"])
    if (d and d > today) or year > today.year:
        return Check(False, ["birth date in the future"])
    issue = _as_date(issue_date)
    if issue is not None and ((d and d > issue) or year > issue.year):
        return Check(False, ["born after the issue date"])
    return Check(True, [])


def check_expiry(issue_date: object, expiry_date: object) -> Check:
    """The expiry date falls after the issue date."""
    i, e = _as_date(issue_date), _as_date(expiry_date)
    if i is None or e is None:
        return Check(None, ["issue or expiry date missing"])
    if e <= i:
        return Check(False, ["expiry date not after the issue date"])
    return Check(True, [])


def check_area_sum(total: object, parts: Iterable[object], *, abs_tol: float = 0.15,
                   rel_tol: float = 0.001) -> Check:
    """The land-use areas add up to the parcel area (within rounding: 0.15 m² or 0.1 %).

    ``total`` and ``parts`` are numbers or area text ('1.441,9 m²').  A single part with
    no area, or no parts, cannot be judged (None).
    """
    t = _area(total)
    vals = [_area(p) for p in parts]
    if t is None or not vals or any(v is None for v in vals):
        return Check(None, ["parcel area or a land-use area missing"])
    s = sum(v for v in vals if v is not None)
    tol = max(abs_tol, rel_tol * t)
    if abs(s - t) <= tol:
        return Check(True, [])
    return Check(False, [f"land-use areas sum to {s:.1f} m², parcel area is {t:.1f} m²"])


def _area(v: object) -> float | None:
    if isinstance(v, bool):
        return None
    if isinstance(v, int | float):
        return float(v) if v == v and abs(v) != float("inf") else None
    if isinstance(v, str):
        return normalize_area(v)
    return None


def check_serial_generation(serial: object, generation: str | None) -> Check:
    """The serial's shape matches the certificate generation: 2 letters + 6 digits before 2024, + 8 in 2024."""
    if not isinstance(serial, str):
        return Check(None, ["no serial"])
    s = normalize_serial(serial)
    if s is None:
        return Check(False, ["not a serial: 2 letters and 6 or 8 digits expected"])
    digits = len(s.split(" ")[1])
    if generation == "gcn_2024":
        return Check(digits == 8, [] if digits == 8 else ["2024 certificates have 8-digit serials"])
    if generation in GENERATIONS_6_DIGITS:
        return Check(digits == 6, [] if digits == 6 else ["pre-2024 certificates have 6-digit serials"])
    return Check(None, ["generation unknown"])


def check_registry_number(value: object) -> Check:
    """A registry number has a known prefix (CH, CS, CT, CN, VP, BC...) and digits."""
    if not isinstance(value, str) or not value.strip():
        return Check(None, ["no registry number"])
    from digitize.fields.registry_number import registry_problems

    problems = registry_problems(value.strip())
    return Check(False, problems) if problems else Check(True, [])


def check_cmnd(value: object) -> Check:
    """A CMND is 9 digits (12-digit CMND: CCCD structure)."""
    if not isinstance(value, str):
        return Check(None, ["no number"])
    info = parse_cmnd(value)
    if info is None:
        return Check(False, ["a CMND has 9 (or 12) digits"])
    return info.check
