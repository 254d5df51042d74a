"""Address repair: an address as OCR reads it put back to how it was printed.

Card and certificate addresses end with their administrative units ("…, xã Nguyên Xá,
huyện Vũ Thư, tỉnh Thái Bình").  OCR garbles the diacritics of the unit words and names,
reads a comma as a dot, and leaves label residue before the address; this module repairs
what the gazetteer (:mod:`digitize.fields.unit_names`) and the fixed unit and hamlet words can
vouch for, and leaves street and village names as read.
"""

from __future__ import annotations

import re

from digitize.fields.idnumbers import CCCD_PROVINCES
from digitize.fields.text import fold
from digitize.fields.unit_names import correct_unit_name, correct_unit_within
from digitize.fields.vietnamese import is_valid_syllable

# An unmarked address must end with a province: below this the score says "check it".
NO_PROVINCE_SCORE = 0.6
# Any repair other than the gazetteer's (label residue, unit words, a dot, a hamlet word).
REPAIRED_SCORE = 0.9
# A province name the gazetteer matches at least this well counts as the address's end.
PROVINCE_MATCH = 0.75
# Text before the address start is label residue when fewer of its words are Vietnamese.
LABEL_RESIDUE_VIETNAMESE_SHARE = 0.6

UNIT_PREFIX = re.compile(
    r"^(?P<prefix>(?:tinh|thanh\s*pho|tp\.?|huyen|quan|thi\s*xa|tx\.?|thi\s*tran|tt\.?|xa|phuong|p\.?)\s+)",
)
_PREFIX_LEVEL = {"tinh": "province", "huyen": "district", "quan": "district", "thi xa": "district", "tx": "district",
                 "thi tran": "ward", "tt": "ward", "xa": "ward", "phuong": "ward", "p": "ward"}


def correct_unit_names(text: str) -> tuple[str, list[str], float]:
    """The administrative-unit names of an address ("…, Vị Xuyện, Hà Giang") checked against the
    gazetteer from the end (province, then district, then ward); only same-letter (diacritic)
    corrections are made below province level.  Street and village parts are left as read."""
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
        m = UNIT_PREFIX.match(fold(body))
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


def fix_first_hamlet_word(text: str) -> tuple[str, bool]:
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


def fix_unit_words(text: str) -> tuple[str, bool]:
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


def ends_with_province(address: str) -> bool:
    """Whether the last part of ``address`` names a province (by the ID-number province list or the gazetteer)."""
    last = address.rsplit(",", 1)[-1].strip(" .")
    m = UNIT_PREFIX.match(fold(last))
    name = last[m.end():].strip() if m else last
    if not name:
        return False
    key = fold(name).replace("-", " ")
    key = " ".join(key.split())
    if any(key.endswith(" ".join(fold(p).replace("-", " ").split())) for p in CCCD_PROVINCES.values()):
        return True
    return correct_unit_name(name, "province").score >= PROVINCE_MATCH


def vietnamese_share(text: str) -> float:
    """Share of the words of ``text`` that are Vietnamese syllables."""
    words = re.findall(r"[^\W\d_]+", text)
    return sum(is_valid_syllable(w) for w in words) / len(words) if words else 0.0


def repair_address(text: str) -> tuple[str, list[str], float]:
    """A card address as read -> (address, reasons, score): what is left of a garbled label
    before it dropped, unit and hamlet words spelled as printed, a dot read for a comma
    between parts put back, and unit names checked against the gazetteer (OCR diacritic
    errors repaired).  An address that does not end with a province scores 0.6."""
    reasons: list[str] = []
    m = _ADDRESS_START.search(fold(text, keep_length=True).lower())
    if m is not None and 0 < m.start() <= 30 and "," not in text[:m.start()]:
        prefix = text[:m.start()]
        if vietnamese_share(prefix) < LABEL_RESIDUE_VIETNAMESE_SHARE or re.search(r"[^\w\s]", prefix):
            text = text[m.start():].strip()
            reasons.append("text before the address dropped (what is left of a garbled label)")
    text, fixed = fix_unit_words(text)
    if fixed:
        reasons.append("unit words (xã, huyện, tỉnh...) spelled with their diacritics")
    separated = _PART_DOT.sub(", ", text)
    if separated != text:
        text = separated
        reasons.append("a dot read between address parts written as the comma printed")
    text, hamlet = fix_first_hamlet_word(text)
    if hamlet:
        reasons.append("the address's first word is the hamlet word one letter away")
    corrected, unit_reasons, score = correct_unit_names(text)
    if reasons:
        score = min(score, REPAIRED_SCORE)
    if not ends_with_province(corrected):
        # Card addresses end with their province; anything else is cut short or mixed with
        # another row (a tilted photo puts two addresses in one row).
        reasons.append("address does not end with a province name")
        score = min(score, NO_PROVINCE_SCORE)
    return corrected, reasons + unit_reasons, score
