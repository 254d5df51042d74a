"""Normalise raw OCR text of a field into the value the output schema wants.

Every function takes text (any text: OCR output may be garbage, ``None`` included) and
returns the normalised value or ``None`` when the text does not hold one.  None of them
raise on bad input, and each normalised value normalises to itself.

OCR confusions are repaired only where the position says what the character must be:
inside a number ``O`` is ``0`` and ``l`` is ``1``; inside the two letters of a serial
``0`` is ``O`` and ``5`` is ``S``.  A word is never turned into a number.
"""

from __future__ import annotations

import re
from datetime import date

from digitize.fields.text import as_text, fold

"""Longer text is cut before matching: a field value is short, a 10,000-character line is noise."""

_SPACES = re.compile(r"\s+")
_LEADERS = re.compile(r"[.…·_]{3,}")
_DASHES = str.maketrans({"\u00a0": " ", "\u2013": "-", "\u2014": "-", "\u2212": "-", "\u2010": "-", "\u2011": "-",
                         "\u2044": "/", "\u2215": "/"})  # fraction and division slashes read for "/"


def clean_text(text: str) -> str:
    """NFC, unify spaces and dashes, strip leader dots and outer punctuation."""
    t = as_text(text).translate(_DASHES)
    t = _LEADERS.sub(" ", t)
    t = _SPACES.sub(" ", t).strip(" ;,:")
    return t.strip()


_EMPTY_MARKER = re.compile(r"[-/\\_.\s]+")


def is_empty_marker(text: str) -> bool:
    """'-/-', '---', '/' and similar mean 'nothing' on certificates."""
    t = as_text(text).translate(_DASHES).strip()
    return bool(t) and _EMPTY_MARKER.fullmatch(t) is not None


# --- digits in OCR text ---------------------------------------------------------------

# Safe everywhere a number is expected (dates, areas, parcel numbers).
_TO_DIGIT = str.maketrans({"O": "0", "o": "0", "Q": "0", "I": "1", "l": "1", "|": "1", "S": "5", "B": "8", "Z": "2"})
# Inside a fixed-format number (serial, ID, registry digits) a few more shapes are digits.
_TO_DIGIT_POS = str.maketrans({"O": "0", "o": "0", "Q": "0", "D": "0", "I": "1", "l": "1", "L": "1", "|": "1",
                               "S": "5", "B": "8", "Z": "2"})
_TO_LETTER = str.maketrans({"0": "O", "1": "I", "5": "S", "8": "B", "2": "Z", "6": "G", "4": "A", "7": "T"})
_CONFUSABLE_DIGIT = "OoQIl|SBZ"
# A token that mixes digits with letters OCR confuses with digits: 'l4', '2O16', '25O,0'.
_MIXED_TOKEN = re.compile(rf"[0-9{re.escape(_CONFUSABLE_DIGIT)}][0-9{re.escape(_CONFUSABLE_DIGIT)}.,/]*")


def fix_digit_confusions(text: str) -> str:
    """Repair O/0, I/l/1, S/5, B/8, Z/2 inside number-like tokens, and only there.

    A token is repaired when it already holds at least as many real digits as confusable
    letters, so 'l4' -> '14' and '2O16' -> '2016' while 'Số', 'lô' and 'SO' stay words.
    """
    t = as_text(text)

    def repl(m: re.Match[str]) -> str:
        tok = m.group(0)
        # Word boundaries: a token glued to other letters ('Sơn', 'lô') is part of a word.
        s, e = m.start(), m.end()
        if (s > 0 and t[s - 1].isalpha()) or (e < len(t) and t[e].isalpha()):
            return tok
        digits = sum(c.isdigit() for c in tok)
        letters = sum(c in _CONFUSABLE_DIGIT for c in tok)
        if digits == 0 or letters == 0 or letters > digits:
            return tok
        return tok.translate(_TO_DIGIT)

    return _MIXED_TOKEN.sub(repl, t)


def parse_decimal(text: str) -> float | None:
    """One number written the Vietnamese way: '1.041,9' -> 1041.9, '250,0' -> 250.0.

    Decimal comma, dot or space thousands; '1,041.9' (English) and '152.4' (OCR turned
    the comma into a dot) are read too: when both marks appear the last one is the
    decimal mark, and a lone dot followed by exactly three digits groups thousands.
    """
    s = as_text(text).strip().replace("\u00a0", " ")
    if not s or not re.fullmatch(r"\d[\d.,  ]*", s) or not s[-1].isdigit():
        return None
    # Spaces only group thousands: '1 041,9'.
    if " " in s:
        if not re.fullmatch(r"\d{1,3}(?: \d{3})+(?:[.,]\d+)?", s):
            return None
        s = s.replace(" ", "")
    dots, commas = s.count("."), s.count(",")
    if dots and commas:
        dec = "." if s.rfind(".") > s.rfind(",") else ","
        thou = "," if dec == "." else "."
        if s.count(dec) > 1:
            return None
        whole, frac = s.split(dec)
        if not re.fullmatch(rf"\d{{1,3}}(?:{re.escape(thou)}\d{{3}})*", whole):
            return None
        whole = whole.replace(thou, "")
    elif commas:
        if commas == 1:
            whole, frac = s.split(",")
        elif re.fullmatch(r"\d{1,3}(?:,\d{3})+", s):
            whole, frac = s.replace(",", ""), ""
        else:
            return None
    elif dots:
        if re.fullmatch(r"\d{1,3}(?:\.\d{3})+", s) and (dots > 1 or not s.startswith("0")):
            whole, frac = s.replace(".", ""), ""
        elif dots == 1:
            whole, frac = s.split(".")
        else:
            return None
    else:
        whole, frac = s, ""
    if not whole.isdigit() or (frac and not frac.isdigit()) or len(whole) > 12:
        return None
    return float(f"{int(whole)}.{frac[:6]}") if frac else float(int(whole))


# --- dates ----------------------------------------------------------------------------

# Folded text: 'ngảy', 'ngáy', 'nqày' all fold to ngay/nqay; 'thảng' to thang; 'nǎm' to nam.
# OCR reads the vowel of the date words badly ("ngòy", "thắng", "nǎm" fold to "ngoy", "thang",
# "nam"): any single vowel (or look-alike) is accepted between the fixed consonants.
_W_DAY = r"(?:n[gq]\s?[aeiouy4@]\s?[yvi]|ngay)"
_W_MONTH = r"(?:th?\s?[aeiouy4@]\s?n\s?[gq]|thang|tháng)"
_W_YEAR = r"(?:n\s?[aeiou4@]\s?[mn]|nam)"
_DATE_WORDS = re.compile(
    rf"{_W_DAY}\W{{0,12}}(\d{{1,2}})\W{{0,12}}{_W_MONTH}\W{{0,12}}(\d{{1,2}})\W{{0,12}}{_W_YEAR}\W{{0,12}}(\d{{4}})",
    re.IGNORECASE,
)
# 'Quảng Ninh, ngày 14 tháng 3 năm 2016' with the 'tháng'/'năm' words lost: '14 / 3 / 2016'.
_DATE_NUMERIC = re.compile(r"(?<!\d)(\d{1,2})\s*[/.\-]\s*(\d{1,2})\s*[/.\-]\s*(\d{4})(?!\d)")
_DATE_ISO = re.compile(r"(?<!\d)(\d{4})-(\d{2})-(\d{2})(?!\d)")
_DATE_COMPACT = re.compile(r"(?<!\d)(\d{2})(\d{2})(\d{4})(?!\d)")


def _iso(day: int, month: int, year: int) -> str | None:
    if not 1900 <= year <= 2100:
        return None
    try:
        return date(year, month, day).isoformat()
    except ValueError:
        return None


def normalize_date(text: str) -> str | None:
    """'ngày 14 tháng 3 năm 2016', '14/03/2016', '14-3-2016', '14032016' -> '2016-03-14'.

    Diacritic errors in the date words ('ngảy 14 thảng 3 nǎm 2016') and digit confusions
    ('l4/O3/2016') are tolerated; an impossible date (31/02) gives ``None``.
    """
    t = fix_digit_confusions(clean_text(text))
    if not t:
        return None
    m = _DATE_ISO.search(t)
    if m:
        return _iso(int(m.group(3)), int(m.group(2)), int(m.group(1)))
    folded = fold(t, keep_case=True).lower()
    m = _DATE_WORDS.search(folded)
    if m:
        return _iso(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    m = _DATE_NUMERIC.search(t)
    if m:
        return _iso(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    m = _DATE_COMPACT.search(t)
    if m:
        return _iso(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    return None


_YEAR = re.compile(r"(?<!\d)(1[89]\d\d|20\d\d)(?!\d)")


def normalize_year(text: str) -> str | None:
    """A four-digit year 1800-2099 ('sinh năm: 1965' -> '1965'); digit confusions repaired."""
    m = _YEAR.search(fix_digit_confusions(clean_text(text)))
    return m.group(1) if m else None


# --- areas ----------------------------------------------------------------------------

_AREA_NUMBER = re.compile(r"(?<![\d.,])\d{1,3}(?:[. ]\d{3})+(?:,\d+)?(?![\d])|(?<![\d.,])\d+(?:[.,]\d+)*(?![\d])")
_HECTARE = re.compile(r"^\s*(?:ha|héc\s*ta|hec\s*ta)\b", re.IGNORECASE)


def normalize_area(text: str) -> float | None:
    """'250,0 m²' -> 250.0; '1.041,9 m2' -> 1041.9; '0,5 ha' -> 5000.0.

    Vietnamese decimal comma, dot or space thousands, 'm2' / 'm²' / 'm?' units and OCR
    digit confusions ('25O,0 m2') are handled; the first number in the text is the area.
    """
    t = fix_digit_confusions(clean_text(text))
    if not t:
        return None
    for m in _AREA_NUMBER.finditer(t):
        value = parse_decimal(m.group(0))
        if value is None:
            continue
        if _HECTARE.match(t[m.end():]):
            value = round(value * 10000, 4)
        return value
    return None


# --- serials and registry numbers ------------------------------------------------------

_SERIAL = re.compile(
    r"(?<![A-Za-z0-9])([A-Z0-9ĐÐ]{2})\s*[-.:]?\s*([0-9OQDIL|SB](?:\s?[0-9OQDIL|SB]){5,7})(?![\s]?[0-9])"
)


def normalize_serial(text: str, generation: str | None = None) -> str | None:
    """Certificate serial: 2 letters, a space, 6 (before 2024) or 8 digits: 'DP 947330'.

    ``generation`` ('gcn_2024' or an older one) restricts the digit count when known.  OCR
    confusions are repaired by position (letters part: 0->O, 5->S; digits part: O->0,
    l->1) only when the letters part holds a real letter and the digits part mostly digits.
    """
    t = clean_text(text).upper().replace("Ð", "Đ")
    if generation == "gcn_2024":
        allowed = {8}
    elif generation in ("gcn_2009_2014", "gcn_truoc_2009"):
        allowed = {6}
    else:
        allowed = {6, 8}
    for m in _SERIAL.finditer(t):
        letters_raw, digits_raw = m.group(1), m.group(2).replace(" ", "")
        if not any(c.isalpha() for c in letters_raw):
            continue
        if sum(c.isdigit() for c in digits_raw) < len(digits_raw) - 2:
            continue
        if len(digits_raw) not in allowed:
            continue
        letters = letters_raw.replace("Đ", "D").translate(_TO_LETTER)
        digits = digits_raw.translate(_TO_DIGIT_POS)
        if letters.isalpha() and letters.isascii() and digits.isdigit():
            return f"{letters} {digits}"
    return None


_REGISTRY_PREFIXES = ("CSD", "CTS", "CH", "CS", "CT", "CN", "VP", "BC", "DC")
_REGISTRY = re.compile(
    r"(?<![A-Z0-9])(CSD|CTS|C[HST5N]|VP|BC|DC)\s*[:.\-]?\s*([0-9OQIl|](?:[0-9OQIl| ./-]*[0-9OQIl|])?)",
    re.IGNORECASE,
)


def normalize_registry_number(text: str) -> str | None:
    """'Số vào sổ cấp GCN: CS 05494' -> 'CS05494' (internal spaces removed, '.', '/', '-' kept).

    Prefixes CH, CS, CT, CN, VP, BC (and the older DC, CSD, CTS); 'C5' is read as 'CS' and
    O/l inside the number as 0/1.
    """
    t = clean_text(text)
    for m in _REGISTRY.finditer(t):
        prefix = m.group(1).upper().replace("5", "S")
        number = m.group(2).replace(" ", "").strip("./-")
        core = re.sub(r"[./-]", "", number)
        if not core or sum(c.isdigit() for c in core) < len(core) - 1:
            continue
        number = number.translate(_TO_DIGIT_POS)
        if prefix in _REGISTRY_PREFIXES and re.fullmatch(r"[0-9][0-9./-]*", number):
            return prefix + number
    return None


_NUMBER_STRING = re.compile(r"(?<![A-Za-z0-9])[0-9OIl|]*[0-9][0-9OIl|]*[a-zA-Z]?(?:[-/][0-9]+)?(?![0-9])")


def normalize_number_string(text: str) -> str | None:
    """Parcel and map-sheet numbers stay strings (leading zeros kept): ' 012 ' -> '012'.

    'l25' -> '125' (an l or O next to digits is a digit); suffixes '125a', '45-1', '12/3' kept.
    """
    t = clean_text(text)
    for m in _NUMBER_STRING.finditer(t):
        tok = m.group(0)
        head = re.match(r"[0-9OIl|]+", tok)
        if head is None:
            continue
        digits = head.group(0)
        if sum(c.isdigit() for c in digits) * 2 < len(digits):
            continue
        return digits.translate(_TO_DIGIT) + tok[len(digits):]
    return None


def normalize_digits(text: str, lengths: tuple[int, ...] = (9, 12)) -> str | None:
    """ID-paper numbers: digits only, with OCR confusions repaired ('0O1O85 012345' -> '001085012345').

    Spaces, dots and dashes inside the number are dropped; the result must have one of
    ``lengths`` digits, otherwise ``None``.
    """
    t = clean_text(text)
    for m in re.finditer(r"[0-9OQDIl|SB](?:[\s.\-]?[0-9OQDIl|SB])+", t):
        s, e = m.start(), m.end()
        if (s > 0 and t[s - 1].isalpha()) or (e < len(t) and t[e].isalpha()):
            continue
        raw = re.sub(r"[\s.\-]", "", m.group(0))
        if sum(c.isdigit() for c in raw) < len(raw) - 2:
            continue
        digits = raw.translate(_TO_DIGIT_POS)
        if digits.isdigit() and len(digits) in lengths:
            return digits
    return None
