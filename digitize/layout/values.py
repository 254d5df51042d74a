"""Normalisers by name, as templates refer to them.

A normaliser takes the raw text of a value and returns a :class:`Normalized` (value plus
the reasons and evidence behind any correction) or ``None`` when the text holds no value.
The work itself lives in :mod:`digitize.fields`; this module adapts it to the templates.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
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
from digitize.fields.text import fold
from digitize.fields.vietnamese import correct_authority, correct_name


@dataclass
class Normalized:
    """A normalised value with the evidence for it."""

    value: Any
    reasons: list[str] = field(default_factory=list)
    score: float = 1.0  # how strongly normalisation/correction supports the value (1 = exact)
    span: tuple[int, int] | None = None  # [start, end) of the value within the raw text, when it is only part of it


def text_value(raw: str) -> str | None:
    """Clean text; ``-/-`` and friends mean empty (also when alone on the value's first row)."""
    first_row = (raw or "").split("\n", 1)[0]
    if is_empty_marker(first_row.strip()):
        return None
    text = clean_text(raw)
    if not text or is_empty_marker(text):
        return None
    return text


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
    from digitize.fields.admin import correct_unit_name

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
    correction = correct_authority(text)
    value, reasons, score = correction.value, list(correction.reasons), correction.score
    m = _AUTHORITY_PLACE.search(value)
    if m is not None:
        from digitize.fields.admin import correct_unit_name

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


# Words of the controlled vocabularies (land types, origins, forms, terms) as the circulars
# print them; a word OCR garbled is corrected only to a unique close word of this list.
_DOMAIN_PHRASES = (
    "Sử dụng riêng", "Sử dụng chung", "Riêng", "Chung", "Lâu dài", "Đến ngày", "Đến năm", "Đất ở", "Đất",
    "Nhận chuyển nhượng", "Nhận thừa kế", "Nhận tặng cho", "Nhận chuyển đổi", "Nhận góp vốn", "đất được",
    "Trúng đấu giá quyền sử dụng đất", "Nhà nước giao đất có thu tiền sử dụng đất",
    "Nhà nước giao đất không thu tiền sử dụng đất", "Nhà nước cho thuê đất trả tiền hằng năm",
    "Nhà nước cho thuê đất trả tiền một lần cho cả thời gian thuê", "Công nhận QSDĐ như giao đất",
    "Sở hữu riêng", "Sở hữu chung", "Nhà ở riêng lẻ", "Nhà ở", "Cấp",
)


@lru_cache(maxsize=1)
def _domain_words() -> Any:
    from digitize.fields.landuse import _ORIGINS, LAND_TYPES, LEGACY_CODES
    from digitize.fields.vietnamese import Vocabulary

    phrases = list(_DOMAIN_PHRASES)
    phrases += [t.name for t in LAND_TYPES.values()]
    phrases += [name for name, _new, _unc in LEGACY_CODES.values()]
    phrases += [canon for _p, _c, canon in _ORIGINS]
    from digitize.fields.wordings import ORIGIN_FORMULAS

    phrases += ORIGIN_FORMULAS
    words = {w.strip("(),;.:").lower() for phrase in phrases for w in phrase.split()}
    return Vocabulary.build(sorted(w for w in words if w and not w.isupper()))


def correct_domain_words(text: str) -> tuple[str, list[str], float]:
    """Each word of a controlled-vocabulary value corrected to a unique close vocabulary word.

    Only words that are not already vocabulary words, of at least three letters, change;
    upper case is kept; codes (ONT) and numbers are left alone.
    """
    from digitize.fields.result import Correction
    from digitize.fields.vietnamese import correct_to_vocabulary

    vocab = _domain_words()
    words = text.split(" ")
    changed = 0
    score = 1.0
    for i, word in enumerate(words):
        core = word.strip("(),;.:")
        if len(core) < 3 or not core.isalpha() or core.isupper() or core.lower() in vocab.by_exact:
            continue
        fixed = correct_to_vocabulary(core.lower(), vocab, max_edits=1)
        if not fixed.changed:
            # Controlled vocabularies tolerate a stray mark too ("gìao"): one entry with
            # exactly these letters is enough evidence here (names never get this).
            same_letters = vocab.by_fold.get(fold(core), ())
            if len(same_letters) == 1:
                fixed = Correction(same_letters[0], True, 0.85, [])
        if fixed.changed:
            replacement = fixed.value if core[:1].islower() else fixed.value[:1].upper() + fixed.value[1:]
            words[i] = word.replace(core, replacement)
            changed += 1
            score = min(score, fixed.score)
    if not changed:
        return text, [], 1.0
    return " ".join(words), [f"{changed} word(s) corrected to the land-record vocabulary"], score


def _vocab_text(raw: str) -> tuple[str, list[str], float] | None:
    text = text_value(raw)
    return correct_domain_words(text) if text else None


@lru_cache(maxsize=1)
def _land_names() -> Any:
    from digitize.fields.landuse import _OLD_NAMES, LAND_TYPES, LEGACY_CODES
    from digitize.fields.vietnamese import Vocabulary

    names = [t.name for t in LAND_TYPES.values()]
    names += [n for group in _OLD_NAMES.values() for n in group]
    names += [name for name, _new, _unc in LEGACY_CODES.values()]
    return Vocabulary.build(names)


def _corrected_use(use: landuse.LandUse) -> landuse.LandUse:
    """A land use whose printed name OCR garbled ("Đất ở tại nông thời"), put back to the one
    name of the vocabulary it is close to; its code follows the corrected name."""
    from digitize.fields.vietnamese import correct_to_vocabulary

    if (use.match is not None and use.match.score >= 0.95) or not use.ten or use.ten.isupper():
        return use
    fixed = correct_to_vocabulary(use.ten, _land_names(), max_edits=2)
    if not fixed.changed:
        return use
    match = landuse.land_use_code(fixed.value)
    if match is None:
        return use
    reasons = [*match.reasons, "land-use name corrected to the vocabulary (OCR error)"]
    return landuse.LandUse(fixed.value, match.code, use.dien_tich,
                           landuse.LandUseMatch(match.code, match.name, min(match.score, fixed.score), reasons,
                                                match.printed_code, match.uncertain, match.is_group))


_CODE_DIGIT_LOOKALIKES = str.maketrans({"8": "B", "0": "O", "1": "L", "5": "S", "2": "Z", "6": "G", "4": "A"})


def _repair_code(text: str) -> str:
    """A printed land-use code read with a digit for a letter ("8HK" -> "BHK"), when that gives a code."""
    from digitize.fields.landuse import LAND_TYPES, LEGACY_CODES

    token = text.strip(" .,;")
    if len(token) == 3 and token.isalnum() and not token.isdigit() and token.upper() == token:
        repaired = token.translate(_CODE_DIGIT_LOOKALIKES)
        if repaired != token and (repaired in LAND_TYPES or repaired in LEGACY_CODES):
            return repaired
    return text


def _land_uses(raw: str) -> Normalized | None:
    text = text_value(raw)
    if not text:
        return None
    repaired = _repair_code(text)
    code_reasons = ["land-use code read with a digit for a letter, repaired"] if repaired != text else []
    text = repaired
    text, vocab_reasons, vocab_score = correct_domain_words(text)
    uses = [_corrected_use(u) for u in landuse.parse_land_uses(text)]
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
    value = re.sub(r"\s+", "", m.group(0))
    reasons = ["registry number without a CH/CS/... prefix (older book)"]
    book = _OLD_BOOK.fullmatch(value)
    if book is not None:
        # "<n> QSDĐ/<decision>/QĐ-UB": the letters are fixed words, so "QSDD" or a dot before
        # them is an OCR error, not a variant
        canonical = f"{book['n']}QSDĐ/{book['decision']}/QĐ-{book['body']}"
        if canonical != value:
            reasons.append("'QSDĐ' and 'QĐ' of the old book number spelled as printed")
            value = canonical
    return Normalized(value, reasons, 0.8)


# The fixed words as OCR breaks them: dots between their letters ('.Q.SDĐ'), a doubled 'Đ'.
_OLD_BOOK = re.compile(r"(?P<n>\d+)[.,]?Q\.?S\.?D\.?[DĐđÐ]{1,2}\.?/(?P<decision>\d+)/Q[DĐđÐ]{1,2}-?(?P<body>UBND|UB)",
                       re.IGNORECASE)


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


# -- ID cards ----------------------------------------------------------------------------------
# Card labels are bilingual ("Quê quán / Place of origin:"); when OCR garbles the English
# half or drops its colon, what is left of it precedes the value.  These normalisers look
# for the value's own shape and drop label residue and stray marks around it.

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


def _card_text(raw: str) -> Normalized | None:
    text = _strip_card_residue(raw)
    if not text or is_empty_marker(text) or not re.search(r"[^\W\d_]", text):
        return None
    return Normalized(text)


_UNIT_PREFIX = re.compile(
    r"^(?P<prefix>(?:tinh|thanh\s*pho|tp\.?|huyen|quan|thi\s*xa|tx\.?|thi\s*tran|tt\.?|xa|phuong|p\.?)\s+)",
)
_PREFIX_LEVEL = {"tinh": "province", "huyen": "district", "quan": "district", "thi xa": "district", "tx": "district",
                 "thi tran": "ward", "tt": "ward", "xa": "ward", "phuong": "ward", "p": "ward"}


def _correct_units(text: str) -> tuple[str, list[str], float]:
    """The administrative-unit names of an address ("…, Vị Xuyện, Hà Giang") checked against the
    gazetteer from the end (province, then district, then ward); only same-letter (diacritic)
    corrections are made below province level.  Street and village parts are left as read."""
    from digitize.fields.admin import correct_unit_name
    parts = text.split(",")
    if len(parts) < 2:
        return text, [], 1.0
    reasons: list[str] = []
    score = 1.0
    names: dict[str, tuple[int, str, str, str]] = {}  # level -> (part index, lead, prefix, name)
    positional = ["province", "district", "ward"]
    for k in range(len(parts) - 1, max(-1, len(parts) - 4), -1):
        part = parts[k]
        lead = part[:len(part) - len(part.lstrip())]
        body = part.strip()
        m = _UNIT_PREFIX.match(fold(body))
        prefix = body[:m.end()] if m else ""
        name = body[len(prefix):].strip()
        key = re.sub(r"[\s.]+", " ", fold(prefix)).strip().rstrip(".") if prefix else ""
        level = _PREFIX_LEVEL.get(key) or ("province" if key in ("thanh pho", "tp") and k == len(parts) - 1
                                           else ("district" if key in ("thanh pho", "tp") else None))
        level = level or positional[len(parts) - 1 - k]
        if not name or any(c.isdigit() for c in name):
            continue
        fixed = correct_unit_name(name, level)
        same_letters = fold(fixed.value) == fold(name)
        if fixed.changed and (level == "province" or same_letters):
            parts[k] = f"{lead}{prefix}{fixed.value}"
            reasons.extend(fixed.reasons)
            score = min(score, fixed.score)
        names[level] = (k, lead, prefix, parts[k][len(lead) + len(prefix):].strip())
    # Below the province, a name one letter off is checked against its own province's units.
    province, district = names.get("province"), names.get("district")
    if province is not None:
        from digitize.fields.admin import correct_unit_within

        for level, parent in (("district", None), ("ward", district)):
            entry = names.get(level)
            if entry is None or (level == "ward" and parent is None):
                continue
            k, lead, prefix, name = entry
            fixed = correct_unit_within(name, level, province[3], parent[3] if parent else None)
            if fixed.changed:
                parts[k] = f"{lead}{prefix}{fixed.value}"
                names[level] = (k, lead, prefix, fixed.value)
                district = names.get("district")
                reasons.extend(fixed.reasons)
                score = min(score, fixed.score)
    return ",".join(parts), reasons, score


# Words an address on a card starts with; text before one of them, with no comma, is what is
# left of a garbled label ("Đi&ce cự Đờth- Xã Nguyên Xá, ...").
_ADDRESS_START = re.compile(
    r"(?:^|\s)(?=(?:xa|phuong|thi\s*tran|thon|xom|ap|ban|to|so|khu|khoi|buon|lang|doi|cum|soc|phum|thanh\s*pho"
    r"|tinh|huyen|quan|thi\s*xa|tdp|kp)\s)"
)
_UNIT_WORDS = {"xa": "xã", "phuong": "phường", "thi tran": "thị trấn", "huyen": "huyện", "quan": "quận",
               "thi xa": "thị xã", "thanh pho": "thành phố", "tinh": "tỉnh"}
_UNIT_WORD = re.compile(r"(?<![^\W\d_])(" + "|".join(
    r"\s*".join(w.split()) for w in sorted(_UNIT_WORDS, key=len, reverse=True)) + r")(?=\s+[^\W\d_])")


# Words that open the first part of an address below the commune (hamlet, residential group),
# spelled as printed; only where a part of the address starts, and "tổ" only before its number
# or "dân phố", so a name such as "Tô" is never touched.
_HAMLET_WORDS = {"to dan pho": "tổ dân phố", "khu pho": "khu phố", "thon": "thôn", "xom": "xóm", "ap": "ấp",
                 "khoi": "khối", "buon": "buôn", "lang": "làng", "to": "tổ"}
_HAMLET_WORD = re.compile(r"(?:^|,\s*)(" + "|".join(
    r"\s*".join(w.split()) for w in sorted(_HAMLET_WORDS, key=len, reverse=True)) + r")(?=\s+\S)")


# "Ấp Cầu Hà. xã Khánh Bình": a dot before a unit word is OCR's reading of the comma.
_PART_DOT = re.compile(r"(?<=[^\W\d_])\s*\.\s+(?=(?:xã|phường|thị trấn|huyện|quận|thị xã|thành phố|tỉnh)\s)")


def _fix_first_hamlet_word(text: str) -> tuple[str, bool]:
    """An address's first word one letter from a hamlet word of the same length, before a name or
    number ("Xám An Hạ" -> "Xóm An Hạ"): only a hamlet word opens an address there."""
    m = re.match(r"(\S{3,5})(\s+)(?=[^\W_])", text)
    if m is None or not m.group(1)[:1].isupper():
        return text, False
    word = m.group(1)
    folded = fold(word, keep_length=True).lower()
    if folded in _HAMLET_WORDS:
        return text, False
    close = [w for w in _HAMLET_WORDS if " " not in w and len(w) == len(folded)
             and sum(a != b for a, b in zip(w, folded, strict=True)) == 1]
    if len(close) != 1:
        return text, False
    canonical = _HAMLET_WORDS[close[0]]
    return canonical[:1].upper() + canonical[1:] + text[len(word):], True


def _fix_unit_words(text: str) -> tuple[str, bool]:
    """Diacritics of the unit words themselves ("tình Thái Bình" -> "tỉnh Thái Bình", "Tố 8" ->
    "Tổ 8"), case kept."""
    folded = fold(text, keep_length=True)
    out = list(text)
    changed = False
    matches = list(_UNIT_WORD.finditer(folded))
    for m in _HAMLET_WORD.finditer(folded.lower()):
        key = " ".join(m.group(1).split())
        if key == "to" and not re.match(r"\s+\d", folded[m.end(1):]):
            continue
        matches.append(m)
    for m in matches:
        key = " ".join(m.group(1).lower().split())
        canonical = _UNIT_WORDS.get(key) or _HAMLET_WORDS.get(key)
        printed = text[m.start(1):m.end(1)]
        if canonical is None or len(canonical) != len(printed) or printed.lower() == canonical:
            continue
        if printed[:1].isupper():
            canonical = canonical[:1].upper() + canonical[1:]
        out[m.start(1):m.end(1)] = list(canonical)
        changed = True
    return "".join(out), changed


def _card_place(raw: str) -> Normalized | None:
    """An address or place as printed; label residue and stray marks dropped, unit names
    checked against the gazetteer (OCR diacritic errors repaired)."""
    text = _strip_card_residue(raw)
    if not text or is_empty_marker(text) or len(re.findall(r"[^\W\d_]", text)) < 2:
        return None
    reasons: list[str] = []
    m = _ADDRESS_START.search(fold(text, keep_length=True).lower())
    if m is not None and 0 < m.start() <= 30 and "," not in text[:m.start()]:
        prefix = text[:m.start()]
        if _vietnamese_share(prefix) < 0.6 or re.search(r"[^\w\s]", prefix):
            text = text[m.start():].strip()
            reasons.append("text before the address dropped (what is left of a garbled label)")
    text, fixed = _fix_unit_words(text)
    if fixed:
        reasons.append("unit words (xã, huyện, tỉnh...) spelled with their diacritics")
    separated = _PART_DOT.sub(", ", text)
    if separated != text:
        text = separated
        reasons.append("a dot read between address parts written as the comma printed")
    text, hamlet = _fix_first_hamlet_word(text)
    if hamlet:
        reasons.append("the address's first word is the hamlet word one letter away")
    corrected, unit_reasons, score = _correct_units(text)
    if reasons:
        score = min(score, 0.9)
    if not _ends_with_province(corrected):
        # Card addresses end with their province; anything else is cut short or mixed with
        # another row (a tilted photo puts two addresses in one row).
        reasons.append("address does not end with a province name")
        score = min(score, 0.6)
    return Normalized(corrected, reasons + unit_reasons, score)


def _ends_with_province(address: str) -> bool:
    from digitize.fields.admin import correct_unit_name
    from digitize.fields.idnumbers import CCCD_PROVINCES
    last = address.rsplit(",", 1)[-1].strip(" .")
    m = _UNIT_PREFIX.match(fold(last))
    name = last[m.end():].strip() if m else last
    if not name:
        return False
    key = fold(name).replace("-", " ")
    key = " ".join(key.split())
    if any(key.endswith(" ".join(fold(p).replace("-", " ").split())) for p in CCCD_PROVINCES.values()):
        return True
    return correct_unit_name(name, "province").score >= 0.75


def _vietnamese_share(text: str) -> float:
    """Share of the words of ``text`` that are Vietnamese syllables."""
    from digitize.fields.vietnamese import is_valid_syllable

    words = re.findall(r"[^\W\d_]+", text)
    return sum(is_valid_syllable(w) for w in words) / len(words) if words else 0.0


def _card_name(raw: str) -> Normalized | None:
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
    from digitize.fields.normalize import fix_digit_confusions

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


def _card_date(raw: str) -> Normalized | None:
    """Card dates: "20/11/1949", "30-04-1994"; OCR reads some separators as ':' and a 1 as '†'."""
    text = re.sub(r"†\s?(?=\d)", "1", raw)
    value = normalize_date(text)
    if value:
        return _located(Normalized(value), raw, _DATE_SHAPE, lead=4)
    fixed = _DATE_COLONS.sub(lambda m: f"{m.group(1)}/{m.group(2)}/{m.group(3)}", clean_text(text))
    value = normalize_date(fixed)
    return _located(Normalized(value, ["date separators repaired"], 0.9), raw, _DATE_SHAPE, lead=4) if value else None


_NO_EXPIRY = re.compile(r"kh\w{0,2}n?g\s*th\w{0,2}i\s*h\w{0,2}n|khong\s*thoi\s*han")


def _expiry(raw: str) -> Normalized | None:
    """Card expiry: an ISO date, or the printed "Không thời hạn" (no expiry)."""
    folded = fold(raw)
    if re.search(r"khong\s*thoi\s*han", folded):
        return _located(Normalized("Không thời hạn"), raw, _NO_EXPIRY)
    date_value = _card_date(raw)
    if date_value is not None:
        return date_value
    if _NO_EXPIRY.search(folded):
        return _located(Normalized("Không thời hạn", ["'Không thời hạn' read with OCR errors"], 0.8), raw, _NO_EXPIRY)
    return None


_SEX_WORD = re.compile(r"(?<![a-z])(?:nam|nu|male|female)(?![a-z])")


def _card_sex(raw: str) -> Normalized | None:
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


def _nationality(raw: str) -> Normalized | None:
    """Nationality as printed; "Việt Nam" recognised through OCR diacritic errors."""
    if _VIET_NAM.search(fold(raw)):
        return _located(Normalized("Việt Nam"), raw, _VIET_NAM)
    text = _strip_card_residue(raw)
    if not text or not re.search(r"[^\W\d_]{3}", text):
        return None
    return Normalized(text, ["nationality other than Việt Nam: check it"], 0.7)


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
    "address": _card_place,
    "code12": _code12,
    "sex": _sex,
    "year": _year,
    "card_text": _card_text,
    "card_place": _card_place,
    "card_name": _card_name,
    "card_date": _card_date,
    "expiry": _expiry,
    "card_sex": _card_sex,
    "nationality": _nationality,
}


def normalize(name: str, raw: str) -> Normalized | None:
    """Run the normaliser called ``name`` on ``raw`` (never raises on bad text)."""
    return NORMALIZERS[name](raw)
