"""Normalisers by name, as templates refer to them.

A normaliser takes the raw text of a value and returns a :class:`Normalized` (value plus
the reasons and evidence behind any correction) or ``None`` when the text holds no value.
The work itself lives in :mod:`digitize.fields`; this module adapts it to the templates.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from digitize.fields import landuse, registry_number
from digitize.fields.authority import parse_authority
from digitize.fields.dateline import read_date_line
from digitize.fields.domain_words import correct_domain_words, correct_land_use_name, repair_land_use_code
from digitize.fields.idnumbers import normalize_id_number, normalize_sex
from digitize.fields.normalize import (
    clean_text,
    normalize_area,
    normalize_date,
    normalize_number_string,
    normalize_serial,
    normalize_year,
)
from digitize.fields.text import fold
from digitize.fields.vietnamese import correct_authority, correct_name
from digitize.layout.card_values import (
    card_date,
    card_expiry,
    card_name,
    card_place,
    card_sex,
    card_text,
    nationality,
)
from digitize.layout.normalized import Normalized, text_value

# "29,7 m2": the superscript of m² read as a plain 2 (notes quote areas in m²).
_SQUARE_METRES = re.compile(r"(?<=\d)(\s?)m\s?2(?![\d\w])")


# "m?" / "mỶ" / "m>" after a number: the superscript of m² misread.
_SQUARE_METRES_MISREAD = re.compile(r"(?<=\d)(\s?)m[?Ỷ>`'’]")

# Standing wordings of certificate notes (registration practice): where a note has their
# letters, their diacritics are put back ("Cấp đối từ" is "Cấp đổi từ").
NOTE_PHRASES = (
    "Cấp đổi từ Giấy chứng nhận số", "Cấp lại Giấy chứng nhận", "Cấp đổi", "Cấp lại",
    "thuộc hành lang bảo vệ an toàn đường bộ", "hành lang bảo vệ an toàn lưới điện",
    "nằm trong quy hoạch", "Diện tích đất ở được công nhận theo hạn mức",
    "Chuyển mục đích sử dụng đất", "Thửa đất có",
)


def _note_text(raw: str) -> Normalized | None:
    """Free text (notes): cleaned, "m2" after a number written as printed, "m²", and the
    standing wordings of notes given their diacritics."""
    text = text_value(raw)
    if text is None:
        return None
    reasons: list[str] = []
    fixed = _SQUARE_METRES.sub(lambda m: f"{m.group(1)}m²", text)
    fixed = _SQUARE_METRES_MISREAD.sub(lambda m: f"{m.group(1)}m²", fixed)
    if fixed != text:
        reasons.append("'m2' after a number written 'm²'")
    folded = fold(fixed, keep_length=True).lower()
    for phrase in NOTE_PHRASES:
        key = fold(phrase, keep_length=True).lower()
        at = folded.find(key)
        if at < 0 or fixed[at:at + len(phrase)].lower() == phrase.lower():
            continue
        printed = phrase if fixed[at:at + 1].isupper() else phrase[:1].lower() + phrase[1:]
        fixed = fixed[:at] + printed + fixed[at + len(phrase):]
        reasons.append("diacritics of a standing note wording put back")
    return Normalized(fixed, reasons)


def _wrap(fn: Callable[[str], Any]) -> Callable[[str], Normalized | None]:
    def run(raw: str) -> Normalized | None:
        value = fn(raw)
        return None if value is None else Normalized(value)

    return run


_GLUED_MARK = re.compile(r"[%#$&@*^~§°?!£€¥](?=\d)|(?<=\d)[%#$&@*^~§°?£€¥](?=\d)")


def _number_string(raw: str) -> Normalized | None:
    """A parcel or map-sheet number; a mark glued to its digits ('%5' for '35') may be a digit
    misread, so the value is weaker evidence."""
    value = normalize_number_string(raw)
    if value is None:
        return None
    if _GLUED_MARK.search(clean_text(raw)):
        return Normalized(value, ["a mark glued to the number may be a misread digit"], 0.6)
    return Normalized(value)


def _place(raw: str) -> Normalized | None:
    """The place of the date line: a province or district name, checked against the gazetteer."""
    from digitize.fields.unit_names import correct_unit_name

    text = text_value(raw)
    if not text:
        return None
    text = text.strip(" .,")
    for level in ("province", "district"):
        fixed = correct_unit_name(text, level)
        if fixed.score >= 1.0 and not fixed.changed:
            return Normalized(text)
        if fixed.changed:
            return Normalized(fixed.value, [*fixed.reasons, f"place name corrected to the {level} gazetteer"],
                              fixed.score)
    return Normalized(text, ["place name not in the gazetteer"], 0.6)


def _name(raw: str) -> Normalized | None:
    text = text_value(raw)
    if not text:
        return None
    text = text.strip(" .,;:")
    text, recased = _one_case(text)
    correction = correct_name(text)
    reasons = list(correction.reasons) + (["name written in one case, as printed"] if recased else [])
    return Normalized(correction.value, reasons, correction.score)


def _one_case(name: str) -> tuple[str, bool]:
    """A name is printed in capitals or in title case, never both: 'PHAN Minh OANH' is OCR's
    case error, put right to the case most of its words have."""
    words = name.split()
    upper = sum(1 for w in words if w.isupper() and len(w) > 1)
    title = sum(1 for w in words if w[:1].isupper() and not w.isupper() and len(w) > 1)
    if not upper or not title or len(words) < 2:
        return name, False
    if upper > title:
        return " ".join(w.upper() for w in words), True
    if title > upper:
        return " ".join(w[:1] + w[1:].lower() for w in words), True
    return name, False


def _authority(raw: str) -> Normalized | None:
    text = text_value(raw)
    if not text:
        return None
    parsed = parse_authority(text)
    if parsed is not None:
        return Normalized(parsed.value, list(parsed.reasons), parsed.score)
    correction = correct_authority(text)
    value, reasons, score = correction.value, list(correction.reasons), correction.score
    m = _AUTHORITY_PLACE.search(value)
    if m is not None:
        from digitize.fields.unit_names import correct_unit_name

        level = "province" if m["unit"].upper() == "TỈNH" else "district"
        place = correct_unit_name(m["place"], level)
        if place.changed and place.score >= 0.75:
            value = value[:m.start("place")] + place.value
            reasons.extend(f"place of the authority: {why}" for why in place.reasons)
            score = min(score, place.score)
    return Normalized(value, reasons, score)


def authority_place(authority: str) -> str | None:
    """The place an authority names after its unit word ('... HUYỆN AN LÃO' -> 'AN LÃO')."""
    m = _AUTHORITY_PLACE.search(authority)
    return m["place"].strip() if m else None


# "... HUYỆN AN LÃO" / "... TỈNH TUYÊN QUANG": the place after the last unit word of an authority.
_AUTHORITY_PLACE = re.compile(r"\b(?P<unit>HUYỆN|QUẬN|THỊ XÃ|THÀNH PHỐ|TỈNH)\s+(?P<place>[^\W\d_][\w\s'-]*)$",
                              re.IGNORECASE)


def _vocab_text(raw: str) -> tuple[str, list[str], float] | None:
    text = text_value(raw)
    return correct_domain_words(text) if text else None


def _land_uses(raw: str) -> Normalized | None:
    text = text_value(raw)
    if not text:
        return None
    repaired = repair_land_use_code(text)
    code_reasons = ["land-use code read with a digit for a letter, repaired"] if repaired != text else []
    text = repaired
    text, vocab_reasons, vocab_score = correct_domain_words(text)
    uses = [correct_land_use_name(u) for u in landuse.parse_land_uses(text)]
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
    return Normalized(value, code_reasons + vocab_reasons + reasons, min(score, vocab_score))


# "Riêng: 949,8 m², chung: không m²" (2009/2014 apartments): two areas, each a number or "không".
_SHARED_FORM = re.compile(r"^\W*rieng\W{0,3}(?P<own>[\d.,]+|khong)\s*m\S?\W{0,3}chung\W{0,3}"
                          r"(?P<shared>[\d.,]+|khong)\s*m\S?\W*$")
# 'Sử dụng riêng' at the start of a value, whatever OCR did to its letters.
_FORM_HEAD = re.compile(r"^\W*s\S?\s*d\S{1,3}ng\s+(?P<which>[rt]ieng|chung)(?![a-z])")  # 'tiếng': r misread


def _use_form(raw: str) -> Normalized | None:
    """Hình thức sử dụng: a closed set of wordings ('Sử dụng riêng', 'Sử dụng chung', or the
    apartment form 'Riêng: … m², chung: … m²'), so the printed words are put right and text
    that ran on from the next item is dropped; the areas are kept as read."""
    corrected = _vocab_text(raw)
    if corrected is None:
        return None
    text, reasons, score = corrected
    folded = fold(text, keep_length=True).lower()
    shared = _SHARED_FORM.match(folded)
    if shared is not None:
        own, common = (text[shared.start(g):shared.end(g)] for g in ("own", "shared"))
        own = "không" if own.lower().startswith(("khong", "không")) else own
        common = "không" if common.lower().startswith(("khong", "không")) else common
        value = f"Riêng: {own} m², chung: {common} m²"
        if value != text:
            reasons = [*reasons, "apartment use form written as printed ('m²', 'không')"]
        return Normalized(value, reasons, score)
    head = _FORM_HEAD.match(folded)
    if head is not None and not re.search(r"\bva\s+s\S?\s*d", folded):
        value = "Sử dụng chung" if head["which"] == "chung" else "Sử dụng riêng"
        if value != text:
            reasons = [*reasons, "use form is one of a closed set: its words put right"
                       + (", text after it dropped" if len(folded) > head.end() + 2 else "")]
        if head["which"] == "tieng" or len(folded) > head.end() + 2:
            score = min(score, 0.9)  # a letter put right, or text dropped: not quite as read
        return Normalized(value, reasons, score)
    match = landuse.parse_use_form(text)
    # The printed text is the value; the vocabulary match is evidence for it.
    return Normalized(text, reasons + (list(match.reasons) if match else ["use form not in the vocabulary"]),
                      min(score, match.score if match else 0.6))


# A dd/mm/yyyy date OCR broke with spaces ("09/0 1/2048", "09 / 01 /2048").
_SPACED_DATE = re.compile(r"\b\d\s?\d?\s*/\s*\d\s?\d?\s*/\s*\d\s?\d\s?\d\s?\d\b")


def _use_term(raw: str) -> Normalized | None:
    """Thời hạn: the printed term; text that ran on after a complete term is dropped."""
    from digitize.fields.wordings import leading_term

    text = text_value(raw)
    if text is None:
        return None
    head = leading_term(text)
    text, reasons, score = correct_domain_words(head.text if head is not None else text)
    if head is not None:
        reasons, score = [*head.reasons, *reasons], min(score, head.score)
    text = _SPACED_DATE.sub(lambda m: re.sub(r"\s+", "", m.group(0)), text)
    # A table cell's stray marks: a rule or a letter before its year or date, a dot after it.
    trimmed = re.sub(r"(?<=\d)(?:\s*[.,;:|]+|\s+[^\W\d_])$", "",
                     re.sub(r"^(?:[^\w\s]+|[^\W\d_])\s*(?=\d)", "", text))
    if trimmed != text and trimmed:
        reasons = [*reasons, "stray marks around the term dropped"]
        text = trimmed
    term = landuse.parse_use_term(text)
    return Normalized(text, reasons + (list(term.reasons) if term else ["term not recognised"]),
                      min(score, 1.0 if term else 0.6))


def _origin(raw: str) -> Normalized | None:
    """Nguồn gốc: the standard legal formulas put back where OCR garbled them, then the
    remaining words checked against the vocabulary."""
    from digitize.fields.wordings import ORIGIN_FORMULAS, restore_wordings

    text = text_value(raw)
    if text is None:
        return None
    restored = restore_wordings(text, ORIGIN_FORMULAS)
    text, reasons, score = correct_domain_words(restored.text)
    reasons, score = [*restored.reasons, *reasons], min(score, restored.score)
    origin = landuse.classify_origin(text)
    return Normalized(text, reasons + ([] if origin else ["origin wording not recognised"]),
                      min(score, 1.0 if origin else 0.7))


_OLD_REGISTRY = re.compile(r"[0-9][0-9A-Za-zĐđÐ./\-\s]*[0-9A-Za-zĐđÐ]")


def _registry(raw: str) -> Normalized | None:
    """Registry number: 'CS 05494' -> 'CS05494'; old books ('03451 QSDĐ/1094/QĐ-UB') with their
    formula letters restored; a bare number only when it could be a serial (short), for review.
    See :mod:`digitize.fields.registry_number`."""
    for read in (registry_number.modern, registry_number.old_book):
        found = read(raw)
        if found is not None:
            return Normalized(found.value, list(found.reasons), found.score)
    text = text_value(raw)
    if not text:
        return None
    m = _OLD_REGISTRY.search(text)
    if m is None or sum(c.isdigit() for c in m.group(0)) < 3:
        return None
    value = re.sub(r"\s+", "", m.group(0))
    if value.isdigit():
        bare = registry_number.bare_number(value)
        return Normalized(bare.value, list(bare.reasons), bare.score) if bare is not None else None
    return Normalized(value, ["registry number without a CH/CS/... prefix (older book)"], 0.8)


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


# A date on dotted leaders (handwritten) supports its value less than a printed one.
HANDWRITTEN_DATE_SCORE = 0.8


def _date_line(raw: str) -> Normalized | None:
    """Normaliser for the date part: the ISO date when day and month read cleanly; a date on
    dotted leaders is weaker evidence (handwriting)."""
    reading = read_date_line(clean_text(raw))
    if reading is None:
        # A reader that lost the words ("14/03/2016", "ngày 14 tháng 3 năm 2016" spelt oddly)
        # still gives a date the general date normaliser reads.
        plain = normalize_date(raw)
        return None if plain is None else Normalized(plain)
    if reading.iso is None:
        return None
    return Normalized(reading.iso, list(reading.reasons), HANDWRITTEN_DATE_SCORE if reading.dotted else 1.0)


NORMALIZERS: dict[str, Callable[[str], Normalized | None]] = {
    "text": _note_text,
    "place": _place,
    "name": _name,
    "authority": _authority,
    "date": _wrap(normalize_date),
    "area": _wrap(normalize_area),
    "serial": _wrap(normalize_serial),
    "registry": _registry,
    "number_string": _number_string,
    "land_use": _land_uses,
    "use_form": _use_form,
    "use_term": _use_term,
    "origin": _origin,
    "id_number": _id_number,
    "address": card_place,
    "code12": _code12,
    "sex": _sex,
    "year": _year,
    "card_text": card_text,
    "card_place": card_place,
    "card_name": card_name,
    "card_date": card_date,
    "expiry": card_expiry,
    "card_sex": card_sex,
    "nationality": nationality,
    "date_line": _date_line,
}


def normalize(name: str, raw: str) -> Normalized | None:
    """Run the normaliser called ``name`` on ``raw`` (never raises on bad text)."""
    return NORMALIZERS[name](raw)
