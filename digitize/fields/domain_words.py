"""The land-record vocabulary: words of the controlled values, and corrections to it.

Land types, origins, use forms and terms are closed vocabularies (Circular 08/2024 and its
predecessors); a word OCR garbled in such a value is corrected only to a unique close word
of the vocabulary, and a land-use name only to one printed name.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from digitize.fields import landuse
from digitize.fields.landuse import ORIGINS
from digitize.fields.landuse_codes import LAND_TYPES, LEGACY_CODES, OLD_NAMES
from digitize.fields.result import Correction
from digitize.fields.text import fold
from digitize.fields.vietnamese import Vocabulary, correct_to_vocabulary
from digitize.fields.wordings import ORIGIN_FORMULAS

# A word with exactly these letters but a stray mark ("gìao") is taken at this score when it
# is the one vocabulary word with them (names never get this).
SAME_LETTERS_SCORE = 0.85
# A land-use match at least this good is not second-guessed by the name vocabulary.
SURE_LAND_USE = 0.95

# Words of the controlled vocabularies (land types, origins, forms, terms) as the circulars
# print them; a word OCR garbled is corrected only to a unique close word of this list.
DOMAIN_PHRASES = (
    "Sử dụng riêng", "Sử dụng chung", "Riêng", "Chung", "Lâu dài", "Đến ngày", "Đến năm", "Đất ở", "Đất",
    "Nhận chuyển nhượng", "Nhận thừa kế", "Nhận tặng cho", "Nhận chuyển đổi", "Nhận góp vốn", "đất được",
    "Trúng đấu giá quyền sử dụng đất", "Nhà nước giao đất có thu tiền sử dụng đất",
    "Nhà nước giao đất không thu tiền sử dụng đất", "Nhà nước cho thuê đất trả tiền hằng năm",
    "Nhà nước cho thuê đất trả tiền một lần cho cả thời gian thuê", "Công nhận QSDĐ như giao đất",
    "Sở hữu riêng", "Sở hữu chung", "Nhà ở riêng lẻ", "Nhà ở", "Cấp",
)


@lru_cache(maxsize=1)
def domain_vocabulary() -> Any:
    """Every word of the controlled vocabularies (built once)."""
    phrases = list(DOMAIN_PHRASES)
    phrases += [t.name for t in LAND_TYPES.values()]
    phrases += [name for name, _new, _unc in LEGACY_CODES.values()]
    phrases += [canon for _p, _c, canon in ORIGINS]
    phrases += ORIGIN_FORMULAS
    words = {w.strip("(),;.:").lower() for phrase in phrases for w in phrase.split()}
    return Vocabulary.build(sorted(w for w in words if w and not w.isupper()))


def correct_domain_words(text: str) -> tuple[str, list[str], float]:
    """Each word of a controlled-vocabulary value corrected to a unique close vocabulary word.

    Only words that are not already vocabulary words, of at least three letters, change;
    upper case is kept; codes (ONT) and numbers are left alone.
    """
    vocab = domain_vocabulary()
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
                fixed = Correction(same_letters[0], True, SAME_LETTERS_SCORE, [])
        if fixed.changed:
            replacement = fixed.value if core[:1].islower() else fixed.value[:1].upper() + fixed.value[1:]
            words[i] = word.replace(core, replacement)
            changed += 1
            score = min(score, fixed.score)
    if not changed:
        return text, [], 1.0
    return " ".join(words), [f"{changed} word(s) corrected to the land-record vocabulary"], score


@lru_cache(maxsize=1)
def land_name_vocabulary() -> Any:
    """Every printed land-use name, current, old and legacy (built once)."""
    names = [t.name for t in LAND_TYPES.values()]
    names += [n for group in OLD_NAMES.values() for n in group]
    names += [name for name, _new, _unc in LEGACY_CODES.values()]
    return Vocabulary.build(names)


def correct_land_use_name(use: landuse.LandUse) -> landuse.LandUse:
    """A land use whose printed name OCR garbled ("Đất ở tại nông thời"), put back to the one
    name of the vocabulary it is close to; its code follows the corrected name."""
    if (use.match is not None and use.match.score >= SURE_LAND_USE) or not use.ten or use.ten.isupper():
        return use
    fixed = correct_to_vocabulary(use.ten, land_name_vocabulary(), max_edits=2)
    if not fixed.changed:
        return use
    match = landuse.land_use_code(fixed.value)
    if match is None:
        return use
    reasons = [*match.reasons, "land-use name corrected to the vocabulary (OCR error)"]
    return landuse.LandUse(fixed.value, match.code, use.dien_tich,
                           landuse.LandUseMatch(match.code, match.name, min(match.score, fixed.score), reasons,
                                                match.printed_code, match.uncertain, match.is_group))


CODE_DIGIT_LOOKALIKES = str.maketrans({"8": "B", "0": "O", "1": "L", "5": "S", "2": "Z", "6": "G", "4": "A"})


def repair_land_use_code(text: str) -> str:
    """A printed land-use code read with a digit for a letter ("8HK" -> "BHK"), when that gives a code."""
    token = text.strip(" .,;")
    if len(token) == 3 and token.isalnum() and not token.isdigit() and token.upper() == token:
        repaired = token.translate(CODE_DIGIT_LOOKALIKES)
        if repaired != token and (repaired in LAND_TYPES or repaired in LEGACY_CODES):
            return repaired
    return text
