"""Normalise raw OCR text of a field into the value the output schema wants.

Every function takes text (any text: OCR output may be garbage) and returns the
normalised value or ``None`` when the text does not hold one.  None of them raise on
bad input.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date

from digitize.model import nfc

_SPACES = re.compile(r"\s+")


def clean_text(text: str) -> str:
    """NFC, unify spaces and dashes, strip leader dots and outer punctuation."""
    t = nfc(text or "")
    t = t.replace("\u00a0", " ").replace("\u2013", "-").replace("\u2014", "-")
    t = re.sub(r"[.…·_]{3,}", " ", t)
    t = _SPACES.sub(" ", t).strip(" ;,:")
    return t.strip()


def strip_diacritics(text: str) -> str:
    """ASCII-fold Vietnamese: 'Đất ở' -> 'Dat o'.  For matching only, never for output."""
    t = unicodedata.normalize("NFD", nfc(text or ""))
    t = "".join(c for c in t if unicodedata.category(c) != "Mn")
    return t.replace("đ", "d").replace("Đ", "D")


def fold(text: str) -> str:
    """Lower-case, diacritic-free, single-spaced: the key for fuzzy label matching."""
    return _SPACES.sub(" ", strip_diacritics(text).lower()).strip()


def is_empty_marker(text: str) -> bool:
    """'-/-', '---', '/' and similar mean 'nothing' on certificates."""
    t = (text or "").strip()
    return bool(t) and re.fullmatch(r"[-/\\_.\s]+", t) is not None


_DATE_WORDS = re.compile(
    r"ng[aà]y\s*(\d{1,2})\s*th[aá]ng\s*(\d{1,2})\s*n[aă]m\s*(\d{4})", re.IGNORECASE
)
_DATE_NUMERIC = re.compile(r"(?<!\d)(\d{1,2})\s*[/.\-]\s*(\d{1,2})\s*[/.\-]\s*(\d{4})(?!\d)")
_DATE_COMPACT = re.compile(r"(?<!\d)(\d{2})(\d{2})(\d{4})(?!\d)")


def _iso(day: int, month: int, year: int) -> str | None:
    if not 1900 <= year <= 2100:
        return None
    try:
        return date(year, month, day).isoformat()
    except ValueError:
        return None


def normalize_date(text: str) -> str | None:
    """'ngày 14 tháng 3 năm 2016', '14/03/2016', '14-3-2016', '14032016' -> '2016-03-14'."""
    t = clean_text(text)
    folded = strip_diacritics(t)
    m = _DATE_WORDS.search(folded) or _DATE_WORDS.search(t)
    if m:
        return _iso(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    m = _DATE_NUMERIC.search(t)
    if m:
        return _iso(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    m = _DATE_COMPACT.search(t)
    if m:
        return _iso(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    return None


_AREA = re.compile(r"(\d{1,3}(?:[.\s]\d{3})+|\d+)(?:\s*[,]\s*(\d+))?")


def normalize_area(text: str) -> float | None:
    """'250,0 m²' -> 250.0; '1.041,9 m2' -> 1041.9.  Vietnamese decimal comma, dot thousands."""
    t = clean_text(text)
    t = re.sub(r"m\s*[²2?]\b|m\s*[²2?]$|m²", " ", t)
    m = _AREA.search(t)
    if not m:
        return None
    whole = re.sub(r"[.\s]", "", m.group(1))
    frac = m.group(2)
    # "250.5" printed with a dot (rare, but OCR turns commas into dots): a single group
    # of 1-2 digits after a dot is a decimal, three digits is a thousands separator.
    if frac is None:
        dot = re.fullmatch(r"(\d+)\.(\d{1,2})", m.group(1))
        if dot:
            whole, frac = dot.group(1), dot.group(2)
    try:
        value = float(f"{int(whole)}.{frac}" if frac else int(whole))
    except ValueError:
        return None
    return value


_SERIAL = re.compile(r"\b([A-ZĐ]{2})\s*[-.]?\s*(\d{6}|\d{8})\b")


def normalize_serial(text: str) -> str | None:
    """Certificate serial: 2 letters, a space, 6 (before 2024) or 8 digits: 'DP 947330'."""
    t = clean_text(text).upper()
    m = _SERIAL.search(t)
    if not m:
        return None
    letters = m.group(1).replace("Đ", "D")
    return f"{letters} {m.group(2)}"


_REGISTRY = re.compile(r"\b(CH|CS|CT|CN|VP|BC|DC|CSD|CTS)\s*[:.]?\s*([0-9][0-9 ./-]*[0-9]|[0-9])", re.IGNORECASE)


def normalize_registry_number(text: str) -> str | None:
    """'Số vào sổ cấp GCN: CS 05494' -> 'CS05494' (internal spaces removed, '.', '/', '-' kept)."""
    t = clean_text(text)
    m = _REGISTRY.search(t)
    if not m:
        return None
    return (m.group(1).upper() + m.group(2)).replace(" ", "")


def normalize_number_string(text: str) -> str | None:
    """Parcel and map-sheet numbers stay strings (leading zeros kept): ' 012 ' -> '012'."""
    m = re.search(r"\d+[a-zA-Z]?(?:[-/]\d+)?", clean_text(text))
    return m.group(0) if m else None
