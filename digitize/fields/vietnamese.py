"""Vietnamese-aware checks and corrections of OCR text.

* :func:`is_valid_syllable` - onset / rhyme / tone rules of Vietnamese orthography, with
  tone-mark placement variants ('hoà' / 'hòa') accepted alike.
* :func:`tone_key` - a spelling key that ignores where the tone mark sits.
* :class:`Vocabulary` and :func:`correct_to_vocabulary` - correct a value to a closed
  vocabulary only when the evidence supports it, and say why in ``reasons``.
* :func:`correct_name` - restore missing diacritics in a person's name only where the
  folded syllable has a single spelling among common names; otherwise flag, never guess.
* :func:`correct_authority` - the fixed phrases of the signature block ('TM. ỦY BAN NHÂN
  DÂN', 'KT. GIÁM ĐỐC'), with upper-case diacritic confusions (ĐẤT -> ĐÁT) repaired.

Evidence rules, in order: an exact entry; the same letters with the tone mark placed
differently; the same letters with marks only *missing* (OCR drops marks far more often
than it invents them) and a single such entry; for closed vocabularies, a small edit
distance with a clear margin over the next entry.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz.distance import Levenshtein

from digitize.fields import wordlists
from digitize.fields.normalize import clean_text
from digitize.fields.result import Correction
from digitize.fields.text import as_text, fold

# --- tone marks and spelling keys -------------------------------------------------------

_TONE_MARKS = {"\u0300": "huyen", "\u0301": "sac", "\u0309": "hoi", "\u0303": "nga", "\u0323": "nang"}
_STROKE = "\u0335"  # stands in for the bar of đ, which has no decomposition


def _decompose(word: str) -> tuple[str, str | None, bool]:
    """(toneless NFC text, tone name or None, more than one tone mark?)."""
    nfd = unicodedata.normalize("NFD", word)
    tones = [c for c in nfd if c in _TONE_MARKS]
    base = "".join(c for c in nfd if c not in _TONE_MARKS)
    return unicodedata.normalize("NFC", base), (_TONE_MARKS[tones[0]] if tones else None), len(tones) > 1


def tone_key(text: str) -> str:
    """Lower-case spelling key that ignores tone-mark placement: 'Hoà' and 'hòa' share one.

    Each word becomes its toneless spelling plus the tone name, so quality marks (ă â ê ô
    ơ ư đ) still count but the position of the tone mark does not.
    """
    out = []
    for w in clean_text(text).lower().split():
        base, tone, _ = _decompose(w)
        out.append(base + ("~" + tone if tone else ""))
    return " ".join(out)


def _marks(ch: str) -> frozenset[str]:
    if ch in "đĐ":
        return frozenset({_STROKE})
    return frozenset(c for c in unicodedata.normalize("NFD", ch) if unicodedata.combining(c))


def marks_compatible(observed: str, candidate: str) -> bool:
    """True when ``candidate`` has every diacritic ``observed`` has, letter by letter.

    OCR drops marks (ĐẤT -> ĐÁT, PHỐ -> PHÓ, Nguyễn -> Nguyen); it rarely invents one.  Both
    strings must fold to the same letters.
    """
    o, c = as_text(observed), as_text(candidate)
    if len(o) != len(c) or fold(o) != fold(c):
        return False
    return all(_marks(a) <= _marks(b) for a, b in zip(o, c, strict=True))


def _mark_count(text: str) -> int:
    return sum(len(_marks(c)) for c in text)


# --- syllables --------------------------------------------------------------------------

_ONSETS = ("ngh", "ng", "nh", "gh", "gi", "kh", "ph", "th", "tr", "ch", "qu",
           "b", "c", "d", "đ", "g", "h", "k", "l", "m", "n", "p", "r", "s", "t", "v", "x", "")

_OPEN_RHYMES = (  # noqa: SIM905 - a word list reads better as text
    "a e ê i y o ô ơ u ư ai ao au ay âu ây eo êu ia iu oi ôi ơi ua ui ưa ưi ưu ươi ươu uôi iêu yêu "
    "oa oe uê uy oai oay oao oeo uây uya uyu uơ"
).split()
_CODA_RHYMES = {
    "a": "m n ng nh p t c ch", "ă": "m n ng p t c", "â": "m n ng p t c", "e": "m n ng p t c",
    "ê": "m n nh p t ch", "i": "m n nh p t ch", "o": "m n ng p t c", "ô": "m n ng p t c", "ơ": "m n p t",
    "u": "m n ng p t c", "ư": "m n ng t c", "iê": "m n ng p t c", "yê": "m n t", "uô": "m n ng t c",
    "ươ": "m n ng p t c", "oa": "m n ng nh p t c ch", "oă": "m n ng t c", "oe": "n t", "uâ": "n ng t",
    "uyê": "n t", "uê": "nh ch", "uy": "n nh t ch", "oo": "ng c",
}
_RHYMES = frozenset(_OPEN_RHYMES) | frozenset(
    nucleus + coda for nucleus, codas in _CODA_RHYMES.items() for coda in codas.split()
)
_STOP_CODAS = ("p", "t", "c", "ch")
_FRONT = ("i", "e", "ê", "y")
_LETTERS = frozenset("aăâbcdđeêghiklmnoôơpqrstuưvxy")


def _onset_ok(onset: str, rhyme: str) -> bool:
    first = rhyme[:1]
    if onset in ("k", "gh", "ngh"):
        return first in _FRONT
    if onset in ("c", "ng") or onset == "g":
        return first not in ("i", "e", "ê") and not rhyme.startswith("y")
    if onset == "qu":
        return bool(rhyme) and first not in ("u", "o")
    return True


@lru_cache(maxsize=8192)
def is_valid_syllable(word: str) -> bool:
    """Whether ``word`` is a well-formed Vietnamese syllable ('nguyễn', 'HÒA', 'hoà' yes; 'ngueyn' no).

    Checks the onset, the rhyme (vần) and that stop codas (-p -t -c -ch) carry only the
    sắc or nặng tone; one tone mark at most, anywhere in the rhyme.
    """
    if not isinstance(word, str) or not word or len(word) > 8:
        return False
    base, tone, multi = _decompose(word.lower())
    if multi or not base or any(c not in _LETTERS for c in base):
        return False
    for onset in _ONSETS:
        if not base.startswith(onset):
            continue
        rhyme = base[len(onset):]
        # 'gi' swallows the i of the rhyme: 'gìn' = gi + in, 'giếng' = gi + iêng, 'gì' = gi + i.
        rhymes = (rhyme, "i" + rhyme) if onset == "gi" else (rhyme,)
        for r in rhymes:
            if r not in _RHYMES or not _onset_ok(onset, r):
                continue
            if r.endswith(_STOP_CODAS) and tone not in (None, "sac", "nang"):
                continue
            return True
    return False


_WORD = re.compile(r"[^\W\d_]+")


def vietnamese_ratio(text: str) -> float | None:
    """Share of the words in ``text`` that are valid Vietnamese syllables (None: no words).

    A cheap OCR-quality signal: clean Vietnamese text scores near 1, text read with a
    Latin-only dictionary or garbage scores low.  Abbreviations (TM., KT., CMND) count as
    invalid, so compare like with like.
    """
    words = _WORD.findall(as_text(text))
    if not words:
        return None
    return sum(is_valid_syllable(w) for w in words) / len(words)


# --- vocabularies -----------------------------------------------------------------------


@dataclass(frozen=True)
class Vocabulary:
    """A closed list of values with the indexes the corrector needs, built once.

    ``fuzzy`` allows letter edits (for closed lists of phrases); name lists set it False
    so that only diacritics are ever restored.
    """

    entries: tuple[str, ...]
    by_exact: dict[str, str]
    by_tone: dict[str, str]
    by_fold: dict[str, tuple[str, ...]]
    fold_keys: tuple[str, ...]
    fuzzy: bool = True

    @staticmethod
    def build(entries: Iterable[str], *, fuzzy: bool = True) -> Vocabulary:
        """Index ``entries`` (NFC, duplicates dropped, order kept)."""
        seen: dict[str, None] = {}
        for e in entries:
            e = clean_text(e)
            if e:
                seen.setdefault(e, None)
        ents = tuple(seen)
        by_fold: dict[str, list[str]] = {}
        by_tone: dict[str, str] = {}
        for e in ents:
            by_fold.setdefault(fold(e), []).append(e)
            by_tone.setdefault(tone_key(e), e)
        return Vocabulary(
            entries=ents,
            by_exact={e: e for e in ents},
            by_tone=by_tone,
            by_fold={k: tuple(v) for k, v in by_fold.items()},
            fold_keys=tuple(by_fold),
            fuzzy=fuzzy,
        )


@lru_cache(maxsize=64)
def _cached_vocabulary(entries: tuple[str, ...]) -> Vocabulary:
    return Vocabulary.build(entries)


def _as_vocabulary(vocabulary: Vocabulary | Iterable[str]) -> Vocabulary:
    if isinstance(vocabulary, Vocabulary):
        return vocabulary
    return _cached_vocabulary(tuple(vocabulary))


def _case_like(value: str, template: str) -> str:
    """Write ``value`` in the case style of ``template`` (upper case certificates stay upper)."""
    letters = [c for c in template if c.isalpha()]
    if letters and all(c.isupper() for c in letters):
        return value.upper()
    if letters and all(c.islower() for c in letters):
        return value.lower()
    return value


def correct_to_vocabulary(
    text: str,
    vocabulary: Vocabulary | Iterable[str],
    *,
    max_edits: int | None = None,
    keep_case: bool = True,
) -> Correction:
    """Correct OCR text to an entry of ``vocabulary`` when the evidence supports it.

    Returns the input (cleaned) with ``changed=False`` when it is already an entry, when
    nothing is close, or when several entries are equally close; ``reasons`` say which.
    ``max_edits`` bounds letter edits on the folded text (default: 1 per 8 letters, at
    least 1; 0 disables; vocabularies built with ``fuzzy=False`` never edit letters).
    ``keep_case`` writes the entry in the input's case style (upper stays upper).
    """
    vocab = _as_vocabulary(vocabulary)
    t = clean_text(text)
    if not t:
        return Correction("", False, 0.0, ["empty text"])

    def out(entry: str) -> str:
        return _case_like(entry, t) if keep_case else entry

    if t in vocab.by_exact:
        # 'Hai' is an entry, but so is 'Hải': an unmarked read may have lost its marks.
        richer = [c for c in vocab.by_fold.get(fold(t), ()) if c != t and marks_compatible(t.lower(), c.lower())]
        if richer:
            return Correction(t, False, 0.6, [f"may have lost diacritics: {len(richer)} other vocabulary "
                                              "entry(ies) share these letters; left as read"])
        return Correction(t, False, 1.0, [])
    tk = tone_key(t)
    if tk in vocab.by_tone:
        value = out(vocab.by_tone[tk])
        changed = value != t
        return Correction(value, changed, 0.98, ["tone-mark placement or letter case normalised"] if changed else [])
    f = fold(t)
    cands = vocab.by_fold.get(f, ())
    if cands:
        compatible = [c for c in cands if marks_compatible(t.lower(), c.lower())]
        if len(compatible) == 1:
            value = out(compatible[0])
            missing = _mark_count(compatible[0]) - _mark_count(t)
            score = 0.9 if _mark_count(t) else 0.85
            return Correction(value, value != t, score,
                              [f"diacritics restored ({missing} mark(s) missing): the only vocabulary entry "
                               "with these letters that keeps the marks read"])
        if len(compatible) > 1:
            return Correction(t, False, 0.5, [f"ambiguous: {len(compatible)} vocabulary entries share these "
                                              "letters; left as read"])
        if len(cands) == 1 and vocab.fuzzy:
            return Correction(out(cands[0]), True, 0.75,
                              ["diacritics differ from the only vocabulary entry with these letters"])
        return Correction(t, False, 0.4, ["diacritics contradict every vocabulary entry with these letters; "
                                          "left as read"])
    if not vocab.fuzzy or max_edits == 0 or len(f) < 4:
        return Correction(t, False, 0.3, ["not in vocabulary"])
    limit = max_edits if max_edits is not None else max(1, len(f) // 8)
    best: list[tuple[int, str]] = []
    for key in vocab.fold_keys:
        if abs(len(key) - len(f)) > limit:
            continue
        d = Levenshtein.distance(f, key, score_cutoff=limit + 1)
        if d <= limit + 1:
            best.append((d, key))
    best.sort()
    if not best or best[0][0] > limit:
        return Correction(t, False, 0.3, ["not in vocabulary and no entry within the edit limit"])
    d0, k0 = best[0]
    if (len(best) > 1 and best[1][0] <= d0) or len(vocab.by_fold[k0]) > 1:
        return Correction(t, False, 0.4, ["ambiguous: several vocabulary entries equally close; left as read"])
    value = out(vocab.by_fold[k0][0])
    return Correction(value, True, max(0.5, 0.85 - 0.1 * d0),
                      [f"{d0} letter(s) corrected to the nearest vocabulary entry (the next is farther)"])


# --- names ------------------------------------------------------------------------------

SURNAMES = Vocabulary.build(wordlists.SURNAMES, fuzzy=False)
_SURNAMES_FUZZY = Vocabulary.build(wordlists.SURNAMES)
MIDDLE_NAMES = Vocabulary.build(wordlists.MIDDLE_NAMES, fuzzy=False)
GIVEN_NAMES = Vocabulary.build(wordlists.GIVEN_NAMES, fuzzy=False)
_MIDDLE_OR_GIVEN = Vocabulary.build(wordlists.MIDDLE_NAMES + wordlists.GIVEN_NAMES, fuzzy=False)
_FLAGGED = ("ambiguous", "diacritics contradict", "may have")
_NAME_TOKEN = re.compile(r"[^\W\d_]+", re.UNICODE)


def correct_name(text: str) -> Correction:
    """Restore missing diacritics in a person's name, syllable by syllable, only when unambiguous.

    The first syllable is checked against common surnames, the last against given names,
    the ones between against middle and given names.  A syllable changes only when its
    folded letters have one listed spelling compatible with the marks read ('NGUYEN' ->
    'NGUYỄN'); 'VAN' (Văn or Vân) is left as read and flagged.  Case is kept.  Reasons
    name syllable positions, never the name.
    """
    t = clean_text(text)
    tokens = _NAME_TOKEN.findall(t)
    if not tokens or len(tokens) > 12:
        return Correction(t, False, 0.0 if not tokens else 0.3, ["no name" if not tokens else "too many words"])
    pieces: list[str] = []
    reasons: list[str] = []
    scores: list[float] = []
    last = len(tokens) - 1
    pos = 0
    for i, tok in enumerate(tokens):
        start = t.index(tok, pos)
        pieces.append(t[pos:start])
        pos = start + len(tok)
        vocab = SURNAMES if i == 0 and last > 0 else GIVEN_NAMES if i == last else _MIDDLE_OR_GIVEN
        c = correct_to_vocabulary(tok, vocab)
        if vocab is SURNAMES and not c.changed and not is_valid_syllable(tok):
            # Not a Vietnamese syllable at all ("WGUYỆN"): the surname list is short enough
            # that the one surname a letter away is evidence, but only for review.
            near = correct_to_vocabulary(tok, _SURNAMES_FUZZY, max_edits=1)
            if near.changed:
                c = Correction(near.value, True, min(near.score, 0.6),
                               ["not a Vietnamese syllable; the only surname one letter away"])
        pieces.append(c.value)
        scores.append(c.score if c.score > 0.3 else 0.6)
        if c.changed:
            reasons.append(f"syllable {i + 1}: {c.reasons[0] if c.reasons else 'corrected'}")
        elif c.score < 0.9 and c.reasons and c.reasons[0].startswith(_FLAGGED):
            reasons.append(f"syllable {i + 1}: {c.reasons[0]}")
        elif not is_valid_syllable(tok):
            reasons.append(f"syllable {i + 1}: not a valid Vietnamese syllable")
            scores[-1] = 0.3
    pieces.append(t[pos:])
    value = "".join(pieces)
    return Correction(value, value != t, min(scores) if scores else 0.0, reasons)


# --- authority phrases -------------------------------------------------------------------

AUTHORITY_PHRASES = Vocabulary.build(wordlists.AUTHORITY_PHRASES)
_UNIT_WORDS = Vocabulary.build(wordlists.UNIT_WORDS)
_PHRASES_FOLDED = tuple((p, fold(p), len(p.split()))
                        for p in sorted(wordlists.AUTHORITY_PHRASES, key=lambda p: -len(p.split())))


_UNITS_BY_LETTERS = {fold(u): u for u in wordlists.UNIT_WORDS}


def correct_authority(text: str) -> Correction:
    """Correct the fixed head of an authority line and its unit word; keep the place name as read.

    'TM. ỦY BAN NHÂN DÂN HUYỆN HOÀNH BỒ' read as 'TM. UY BAN NHAN DAN HUYÊN HOÀNH BỒ' has
    its phrase and 'HUYỆN' restored; 'SỞ TÀI NGUYÊN VÀ MÔI TRƯỜNG' read as 'SO TAI NGUYEN
    VA MOI TRUONG' likewise.  The place name that follows is left for the gazetteer
    (:func:`digitize.fields.admin.correct_unit_name`).
    """
    t = clean_text(text)
    words = t.split()
    if not words:
        return Correction("", False, 0.0, ["empty text"])
    for phrase, fp, n in _PHRASES_FOLDED:
        if n > len(words):
            continue
        head = " ".join(words[:n])
        fh = fold(head)
        if fh[:1] != fp[:1] and Levenshtein.distance(fh, fp, score_cutoff=2) > 1:
            continue
        if fh == fp:
            score, why = 0.95, "diacritics of a fixed phrase restored"
        elif Levenshtein.distance(fh, fp, score_cutoff=max(1, len(fp) // 8) + 1) <= max(1, len(fp) // 8):
            score, why = 0.8, "letters of a fixed phrase corrected"
        else:
            continue
        fixed = _case_like(phrase, head)
        reasons = [why] if fixed != head else []
        rest = words[n:]
        # Marks of the seal or signature between the head and the unit word ('-/-', '“') are no part of it.
        while rest and not re.search(r"[^\W\d_]", rest[0]):
            rest = rest[1:]
            reasons.append("stray marks after the authority's head dropped")
        if rest:
            rest = [rest[0].lstrip("\"'“”‘’-–—_~`|/\\"), *rest[1:]]
        for k in (2, 1):
            if len(rest) >= k:
                # Right after the authority's head only a unit word can stand, so its letters
                # alone tell it ("TĨNH" is "TỈNH").
                words_k = " ".join(rest[:k])
                unit = _UNITS_BY_LETTERS.get(fold(words_k).strip(".,:;"))
                if unit is not None:
                    unit = _case_like(unit, words_k)
                    if unit != words_k:
                        reasons.append(f"unit word '{unit}' spelled with its diacritics")
                    rest = [unit, *rest[k:]]
                    break
        value = " ".join([fixed, *rest])
        score = score if fixed != head else 1.0
        if "stray marks after the authority's head dropped" in reasons:
            score = min(score, 0.9)
        return Correction(value, value != t, score, reasons)
    m = _PEOPLES_COMMITTEE.match(fold(t))
    if m is not None:
        # "ỦY BAN S?? DÂN HUYỆN ...": the committee's name is fixed wherever a unit word follows it.
        rest = t.split()[len(m.group(0).split()):]
        value = " ".join(["ỦY BAN NHÂN DÂN" if t[:1].isupper() else "Ủy ban nhân dân", *rest])
        committee = correct_authority(value)
        return Correction(committee.value, True, min(committee.score, 0.6),
                          ["'ỦY BAN NHÂN DÂN' read from its garbled letters before a unit word",
                           *committee.reasons])
    return Correction(t, False, 0.3, ["no known authority phrase at the start"])


# "uy ban <one garbled word> d?n" before a unit word: the people's committee.
_PEOPLES_COMMITTEE = re.compile(r"u\S?\s*ban\s+(?:\S+\s*)?d\S{1,2}n(?=\s+(?:huyen|quan|thi\s*xa|thanh\s*pho|tinh"
                                r"|xa|phuong|thi\s*tran)\b)")
