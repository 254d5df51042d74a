"""The issuing authority of a certificate, parsed as the closed formula it is.

Real authorities are written in a few formulas: a body ("ỦY BAN NHÂN DÂN", "SỞ TÀI NGUYÊN VÀ
MÔI TRƯỜNG", "VĂN PHÒNG ĐĂNG KÝ ĐẤT ĐAI", "CHI NHÁNH VĂN PHÒNG ĐĂNG KÝ ĐẤT ĐAI", since 2025
"SỞ NÔNG NGHIỆP VÀ MÔI TRƯỜNG"), then the unit it belongs to: a unit word (TỈNH, THÀNH PHỐ,
HUYỆN, QUẬN, THỊ XÃ) and a unit name from the gazetteer.  Below it stand the signature title
("KT. GIÁM ĐỐC"), the seal and the signature, which OCR often joins to the authority's rows.

:func:`parse_authority` finds the body fuzzily (letters only, so glued or split words and a
leading "TM." do not matter), repairs the unit word, matches the unit name against the
gazetteer and cuts what follows it.  A unit name that the gazetteer does not know is kept as
read with a low score (review): a unit is never invented.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rapidfuzz import fuzz
from rapidfuzz.distance import Levenshtein

from digitize.fields.gazetteer import gazetteer, gazetteer_key
from digitize.fields.normalize import clean_text
from digitize.fields.result import Correction
from digitize.fields.text import fold
from digitize.fields.unit_names import correct_unit_name

# Bodies that issue certificates, with the unit levels their name may continue with
# (Circulars 17/2009, 23/2014, 10/2024; the 2025 merger of the natural-resources departments).
PROVINCE = ("province",)
DISTRICT = ("district",)
BODIES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("CHI NHÁNH VĂN PHÒNG ĐĂNG KÝ ĐẤT ĐAI", DISTRICT),
    ("VĂN PHÒNG ĐĂNG KÝ QUYỀN SỬ DỤNG ĐẤT", DISTRICT + PROVINCE),
    ("VĂN PHÒNG ĐĂNG KÝ ĐẤT ĐAI", PROVINCE),
    ("SỞ TÀI NGUYÊN VÀ MÔI TRƯỜNG", PROVINCE),
    ("SỞ NÔNG NGHIỆP VÀ MÔI TRƯỜNG", PROVINCE),
    ("BỘ TÀI NGUYÊN VÀ MÔI TRƯỜNG", ()),
    ("ỦY BAN NHÂN DÂN", DISTRICT + PROVINCE),
)
# Unit words by level ("THÀNH PHỐ" is a province (Hà Nội) or a district-level city (Bảo Lộc)).
UNIT_WORDS = {"province": ("TỈNH", "THÀNH PHỐ"), "district": ("HUYỆN", "QUẬN", "THỊ XÃ", "THÀNH PHỐ")}
# Least partial-match ratio (0-100) of the body's letters within the reading: about one letter in
# eight misread or missing ("ỦYBẠN", "TÁTNGUYÊN", "VẤN Phù" is too far) still finds the body.
BODY_MIN_RATIO = 86.0
# Letters of a garbled unit word ("TENM" for "TỈNH", "TÂU") that may differ from the one it is,
# when a gazetteer name of the body's level follows it: the name confirms the slot.
UNIT_WORD_MAX_EDITS = 2
# Longest unit name in words ("BÀ RỊA - VŨNG TÀU" is 5 tokens with its dash).
NAME_MAX_WORDS = 5
# Letters of the body's last word left outside the fuzzy window that still belong to it.
MAX_TAIL_LETTERS = 2
# Longest garbled unit word, in tokens, skipped when a gazetteer name of the body's level follows.
GARBLED_UNIT_TOKENS = 2
# Score of an authority whose unit name the gazetteer does not confirm: review.
UNCONFIRMED_UNIT_SCORE = 0.5


# The signer's title that stands under the authority ("KT. GIÁM ĐỐC", "TM. ... CHỦ TỊCH",
# "PHÓ GIÁM ĐỐC"), on folded text, one misread letter in "giám" / "đốc" tolerated.
_SIGNATURE_TITLE = re.compile(r"^\W*(?:(?:kt|tm|tl|tuq|q)\W{0,3})?(?:pho\s*)?(?:gia\w?\s*d\w?c|chu\s*tich)\b")


@dataclass(frozen=True)
class _Body:
    name: str
    levels: tuple[str, ...]
    start: int  # position of its first letter in the cleaned text
    end: int  # position after its last letter
    ratio: float


def _letters_with_positions(text: str) -> tuple[str, list[int]]:
    """Folded letters and digits of ``text`` and the position of each in ``text``."""
    out: list[str] = []
    where: list[int] = []
    for i, ch in enumerate(text):
        f = fold(ch).lower()
        if len(f) == 1 and f.isalnum():
            out.append(f)
            where.append(i)
    return "".join(out), where


def _find_body(text: str) -> _Body | None:
    """The body's formula within ``text``, wherever it starts (junk or "TM." before it)."""
    letters, where = _letters_with_positions(text)
    best: _Body | None = None
    for name, levels in BODIES:
        key = gazetteer_key(name)
        if len(letters) < len(key) - 2:
            continue
        al = fuzz.partial_ratio_alignment(key, letters, score_cutoff=BODY_MIN_RATIO)
        if al is None or al.dest_end <= al.dest_start:
            continue
        # The body opens the authority: at most a prefix ("TM.", seal marks) may stand before it.
        if al.dest_start > 6:
            continue
        end = where[al.dest_end - 1] + 1
        # An inserted letter shifts the window: the last word's own letters ("TRƯỜNG" ending a
        # window "TRƯỜN") belong to the body, unless more than a couple (a glued next word).
        tail = re.match(r"\w*", text[end:])
        if tail is not None and len(tail.group(0)) <= MAX_TAIL_LETTERS:
            end += len(tail.group(0))
        body = _Body(name, levels, where[al.dest_start], end, al.score)
        if best is None or body.ratio > best.ratio + 5:
            best = body
    return best


def _unit_word(tokens: list[str], levels: tuple[str, ...]) -> tuple[str | None, int, int]:
    """The unit word at the start of ``tokens``: (word, tokens it takes, letters corrected)."""
    allowed = [w for lv in levels for w in UNIT_WORDS[lv]]
    best: tuple[str | None, int, int] = (None, 0, 99)
    for k in (2, 1):
        if len(tokens) < k:
            continue
        got = gazetteer_key(" ".join(tokens[:k]))
        for word in allowed:
            d = Levenshtein.distance(got, gazetteer_key(word))
            if d < best[2] and (k == len(word.split()) or d == 0):
                best = (word, k, d)
    return best


def _unit_name(tokens: list[str], levels: tuple[str, ...]) -> tuple[Correction, int] | None:
    """The longest run of ``tokens`` that is a gazetteer unit name of one of ``levels``."""
    for n in range(min(NAME_MAX_WORDS, len(tokens)), 0, -1):
        words = tokens[:n]
        if not re.search(r"[^\W\d_]|\d", words[-1]) or not re.search(r"\w", words[0]):
            continue
        text = " ".join(words)
        for level in levels:
            fixed = correct_unit_name(text, level)
            if fixed.score >= 0.75:
                return fixed, n
    return None


def _numbered_district(tokens: list[str]) -> int:
    """'QUẬN 5', 'QUẬN 10': a district named by its number (1-2 digits) takes one token."""
    return 1 if tokens and re.fullmatch(r"\d{1,2}", tokens[0]) else 0


def parse_authority(text: str) -> Correction | None:
    """'rM- ỦYBẠN NHÂN DÂN HUYỆN SA THẦY' -> 'ỦY BAN NHÂN DÂN HUYỆN SA THẦY', with reasons.

    ``None`` when no body's formula is found (the caller keeps its own reading).  The value is
    the body, its unit word and the unit name as the gazetteer spells it; what follows the
    unit name (signature title, seal text, marks) is cut.  Where the unit name is not found,
    the rest is kept as read and the score is :data:`UNCONFIRMED_UNIT_SCORE`.
    """
    t = clean_text(text)
    body = _find_body(t)
    if body is None:
        return None
    reasons: list[str] = []
    score = 1.0
    if t[:body.start].strip():
        reasons.append("marks before the authority's name dropped")
    head = t[body.start:body.end]
    if head != body.name:
        reasons.append("words of the authority's formula put right")
        score = min(score, 0.95 if body.ratio >= 99 else 0.9)
    tokens = [w for w in t[body.end:].split() if w]
    while tokens and not re.search(r"\w", tokens[0]):
        tokens = tokens[1:]
    if not body.levels:
        if tokens:
            reasons.append("text after the authority's name dropped")
        return Correction(body.name, True, score, reasons) if reasons else Correction(body.name, False, 1.0, [])
    word, used, edits = _unit_word(tokens, body.levels)
    if word is not None and edits <= 1:
        rest = tokens[used:]
        if edits:
            reasons.append(f"unit word '{word}' put right")
    else:
        rest = tokens
        word = None
    # A district named by its number ("QUẬN 5").
    if word == "QUẬN" and _numbered_district(rest):
        value = f"{body.name} QUẬN {rest[0]}"
        if len(rest) > 1:
            reasons.append("text after the unit's name dropped (signature title, seal)")
        return Correction(value, value != t, score, reasons)
    found = _unit_name(rest, _levels_of(word, body.levels))
    if found is None and word is None:
        # A garbled unit word ("TENM"): a unit name of the body's level right after it confirms the slot.
        garbled, _used, edits_g = _unit_word(tokens, body.levels)
        for skip in range(1, GARBLED_UNIT_TOKENS + 1):
            found = _unit_name(tokens[skip:], body.levels)
            if found is None:
                continue
            near = garbled if garbled is not None and edits_g <= UNIT_WORD_MAX_EDITS else None
            word = _unit_word_for(found[0].value, near, body.levels)
            if word is None:
                found = None
                continue
            rest = tokens[skip:]
            reasons.append(f"unit word read '{' '.join(tokens[:skip])}', put right to '{word}' "
                           "(a unit name of the gazetteer follows it)")
            score = min(score, 0.85)
            break
    if found is None and word is None and _SIGNATURE_TITLE.match(fold(" ".join(rest)).lower()):
        # "SỞ TÀI NGUYÊN VÀ MÔI TRƯỜNG / KT. GIÁM ĐỐC": the 2009 body printed without its unit.
        reasons.append("signature title after the authority's name dropped")
        return Correction(body.name, True, score, reasons)
    if found is None:
        value = " ".join([body.name, *([word] if word else []), *rest])
        if rest or word:
            reasons.append("unit name not found in the gazetteer: kept as read")
            score = min(score, UNCONFIRMED_UNIT_SCORE)
        return Correction(value, value != t, score, reasons)
    name, n = found
    if name.changed:
        reasons.extend(f"place of the authority: {why}" for why in name.reasons)
        score = min(score, name.score)
    if word is None:
        word = _unit_word_for(name.value, None, body.levels)
        if word is not None:
            reasons.append(f"unit word '{word}' missing in the reading, told by the gazetteer")
            score = min(score, 0.8)
    if len(rest) > n:
        reasons.append("text after the unit's name dropped (signature title, seal)")
    value = " ".join([body.name, *([word] if word else []), name.value.upper()])
    return Correction(value, value != t, score, reasons)


def _levels_of(word: str | None, levels: tuple[str, ...]) -> tuple[str, ...]:
    """The levels a unit name may have after ``word`` (TỈNH: a province; HUYỆN: a district)."""
    if word is None:
        return levels
    return tuple(lv for lv in levels if word in UNIT_WORDS[lv]) or levels


def _unit_word_for(name: str, read: str | None, levels: tuple[str, ...]) -> str | None:
    """The unit word the gazetteer gives ``name`` ('Thành phố Hà Nội', 'Huyện Sa Thầy'), among
    those of ``levels``; ``read`` (a garbled reading) decides between several."""
    g = gazetteer()
    if g is None:
        return read
    key = gazetteer_key(name)
    types: set[str] = set()
    if "province" in levels:
        for p in g.provinces.values():
            if gazetteer_key(p["provinceShort"]) == key:
                types.add("THÀNH PHỐ" if fold(p["province"]).lower().startswith("thanh pho") else "TỈNH")
    if "district" in levels and not types:
        for ds in g.districts.values():
            for d in ds.values():
                if gazetteer_key(d["districtShort"]) == key:
                    types.add(str(d.get("districtType", "")).upper())
    types.discard("")
    if len(types) == 1:
        return types.pop()
    return read if read in types else None
