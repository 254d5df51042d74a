"""Normalisers of ID card values: the value's own shape found among label residue and stray marks.

Card labels are bilingual ("Quê quán / Place of origin:"); when OCR garbles the English
half or drops its colon, what is left of it precedes the value.  These normalisers look for
the value's own shape and drop label residue and stray marks around it; they are listed by
name in :data:`digitize.layout.values.NORMALIZERS`.
"""

from __future__ import annotations

import re

from digitize.fields.address_repair import repair_address
from digitize.fields.idnumbers import normalize_sex
from digitize.fields.normalize import clean_text, fix_digit_confusions, is_empty_marker, normalize_date
from digitize.fields.text import fold
from digitize.fields.vietnamese import correct_name
from digitize.layout.normalized import Normalized

_CARD_LABEL_WORDS = frozenset((
    "full", "name", "date", "of", "birth", "sex", "nationality", "place", "origin", "residence", "expiry", "issue",
    "personal", "identification", "number", "no", "surname", "middle", "and", "given", "month", "year",
))
_LABEL_GLYPHS = str.maketrans({"ƒ": "f", "œ": "o", "ø": "o", "0": "o", "1": "l", "ı": "i"})
_STRAY = "_—–~`'\"“”‘’|#*^°•›‹«»¬=+"


def _strip_card_residue(raw: str) -> str:
    """The value without a leading English label remainder ("/ Place of origin:") and stray marks."""
    text = clean_text(raw)
    # "/ Place oƒ residence: value" (or "(", "|" for the slash): drop up to the colon.
    m = re.match(r"^\s*[/|(\\]\s*[^:\n]{0,50}:\s*", text)
    text = text[m.end():] if m else re.sub(r"^\s*[/|(\\]\s*", "", text)
    words = text.split(" ")
    # Leading English label words (fuzzy: OCR reads "Place oƒ" for "Place of").
    from rapidfuzz import fuzz, process

    while words:
        w = words[0].strip(_STRAY + ":.,;/").lower().translate(_LABEL_GLYPHS)
        if not w:
            words.pop(0)
            continue
        hit = process.extractOne(w, _CARD_LABEL_WORDS, scorer=fuzz.ratio)
        if hit is not None and hit[1] >= (100 if len(w) <= 3 else 75) and len(words) > 1 and w.isascii():
            words.pop(0)
            continue
        break
    # A dash standing alone between two words belongs to a name ("Phan Rang - Tháp Chàm").
    words = ["-" if w in ("-", "–", "—") and 0 < i < len(words) - 1 else w.strip(_STRAY).lstrip(".,;:")
             for i, w in enumerate(words)]
    words = [w for w in words if w and (w == "-" or re.search(r"\w", w))]
    text = " ".join(words).strip(" .,;:-")
    return text


def card_text(raw: str) -> Normalized | None:
    text = _strip_card_residue(raw)
    if not text or is_empty_marker(text) or not re.search(r"[^\W\d_]", text):
        return None
    return Normalized(text)


def card_place(raw: str) -> Normalized | None:
    """An address or place as printed; label residue and stray marks dropped, then repaired
    (:func:`digitize.fields.address_repair.repair_address`)."""
    text = _strip_card_residue(raw)
    if not text or is_empty_marker(text) or len(re.findall(r"[^\W\d_]", text)) < 2:
        return None
    return Normalized(*repair_address(text))


def card_name(raw: str) -> Normalized | None:
    """A card holder's name: printed in capitals; vocabulary-checked like other names."""
    text = _strip_card_residue(raw)
    text = re.sub(r"[^\w\s'-]", " ", text)
    text = " ".join(w for w in text.split() if not w.isdigit()).strip(" -'")
    if not text or not re.search(r"[^\W\d_]", text):
        return None
    correction = correct_name(text)
    reasons = list(correction.reasons)
    score = correction.score
    letters = [c for c in text if c.isalpha()]
    if letters and sum(c.islower() for c in letters) > len(letters) / 2:
        reasons.append("card names are printed in capitals; this reads mostly lower case")
        score = min(score, 0.6)
    if len(text.split()) < 2:
        reasons.append("a single word: a full name has at least two")
        score = min(score, 0.5)
    return Normalized(correction.value, reasons, score)


def _located(value: Normalized, raw: str, pattern: re.Pattern[str], lead: int = 0) -> Normalized:
    """``value`` with the span of ``pattern``'s first match in ``raw`` (folded, digit confusions repaired)."""
    fixed = fix_digit_confusions(raw)
    if len(fixed) != len(raw):
        return value
    m = pattern.search(fold(fixed, keep_length=True))
    if m is not None and (m.start(), m.end()) != (0, len(raw)):
        # A few characters of margin before the value: the second reader's crop is cut by
        # character proportions, and digits are wider than the letters before them.
        start = m.start()
        while start > 0 and m.start() - start < lead and raw[start - 1] != "\n":
            start -= 1
        value.span = (start, m.end())
    return value


_DATE_SHAPE = re.compile(r"(?<!\d)\d{1,2}\s*[/.\-:;,]\s*\d{1,2}\s*[/.\-:;,]\s*\d{4}(?!\d)"
                         r"|ngay\s*\d{1,2}\s*thang\s*\d{1,2}\s*nam\s*\d{4}|(?<!\d)\d{8}(?!\d)")
_DATE_COLONS = re.compile(r"(?<!\d)(\d{1,2})\s*[:;,]\s*(\d{1,2})\s*[:;,./-]\s*(\d{4})(?!\d)")


def card_date(raw: str) -> Normalized | None:
    """Card dates: "20/11/1949", "30-04-1994"; OCR reads some separators as ':' and a 1 as '†'."""
    text = re.sub(r"†\s?(?=\d)", "1", raw)
    value = normalize_date(text)
    if value:
        return _located(Normalized(value), raw, _DATE_SHAPE, lead=4)
    fixed = _DATE_COLONS.sub(lambda m: f"{m.group(1)}/{m.group(2)}/{m.group(3)}", clean_text(text))
    value = normalize_date(fixed)
    return _located(Normalized(value, ["date separators repaired"], 0.9), raw, _DATE_SHAPE, lead=4) if value else None


_NO_EXPIRY = re.compile(r"kh\w{0,2}n?g\s*th\w{0,2}i\s*h\w{0,2}n|khong\s*thoi\s*han")


def card_expiry(raw: str) -> Normalized | None:
    """Card expiry: an ISO date, or the printed "Không thời hạn" (no expiry)."""
    folded = fold(raw)
    if re.search(r"khong\s*thoi\s*han", folded):
        return _located(Normalized("Không thời hạn"), raw, _NO_EXPIRY)
    date_value = card_date(raw)
    if date_value is not None:
        return date_value
    if _NO_EXPIRY.search(folded):
        return _located(Normalized("Không thời hạn", ["'Không thời hạn' read with OCR errors"], 0.8), raw, _NO_EXPIRY)
    return None


_SEX_WORD = re.compile(r"(?<![a-z])(?:nam|nu|male|female)(?![a-z])")


def card_sex(raw: str) -> Normalized | None:
    """"Nam" / "Nữ" from a value that may still carry the English label ("/ Sex: Nữ")."""
    tokens = re.findall(r"[a-z]+", fold(raw))
    found = [t for t in tokens if t in ("nam", "nu", "male", "female")]
    if not found:
        value = normalize_sex(raw)
        return Normalized(value) if value else None
    values = {"Nam" if t in ("nam", "male") else "Nữ" for t in found}
    if len(values) > 1:
        return None
    return _located(Normalized(values.pop()), raw, _SEX_WORD)


# "Việt Nam", also as a second reader reads a crop that cut its first letters ("ệt Nam").
_VIET_NAM = re.compile(r"(?:(?<![a-z])v\s*)?(?:i\s*)?e\s*t\s*nam(?![a-z])|viet\s*nam")


def nationality(raw: str) -> Normalized | None:
    """Nationality as printed; "Việt Nam" recognised through OCR diacritic errors."""
    if _VIET_NAM.search(fold(raw)):
        return _located(Normalized("Việt Nam"), raw, _VIET_NAM)
    text = _strip_card_residue(raw)
    if not text or not re.search(r"[^\W\d_]{3}", text):
        return None
    return Normalized(text, ["nationality other than Việt Nam: check it"], 0.7)
