"""MRZ name row repair: '<' read as K, letters read as digits, one misread letter in a name word.

No check digit covers an ID card MRZ's third row (the holder's name), so it is repaired
only by what Vietnamese names allow: the name vocabulary (:mod:`digitize.fields.wordlists`)
and the rule that syllables never end in K.
"""

from __future__ import annotations

import re
from itertools import product

from digitize.fields import wordlists
from digitize.fields.text import fold

_NAME_VOCAB: frozenset[str] | None = None


def _name_vocabulary() -> frozenset[str]:
    global _NAME_VOCAB
    if _NAME_VOCAB is None:
        words: set[str] = set()
        for entries in (wordlists.SURNAMES, wordlists.MIDDLE_NAMES, wordlists.GIVEN_NAMES):
            for entry in entries:
                words.update(fold(entry).upper().split())
        _NAME_VOCAB = frozenset(words)
    return _NAME_VOCAB


_NAME_CONFUSE = {"T": "I", "I": "TL", "L": "I", "D": "O", "Q": "O", "O": "DQ", "V": "U", "U": "V", "E": "F",
                 "F": "E", "H": "N", "N": "H", "B": "Q"}
_TO_LETTER = str.maketrans({"0": "O", "1": "I", "2": "Z", "5": "S", "8": "B", "6": "G", "4": "A"})


def _k_heuristic(s: str) -> str:
    """'<' read as K: Vietnamese syllables never end in K and K starts only KH/KI/KE/KY syllables."""
    out: list[str] = []
    i = 0
    while i < len(s):
        if s[i] not in "<K":
            out.append(s[i])
            i += 1
            continue
        j = i
        while j < len(s) and s[j] in "<K":
            j += 1
        run, nxt, prev = s[i:j], (s[j] if j < len(s) else ""), (s[i - 1] if i > 0 else "")
        if j >= len(s):
            out.append("<" * len(run))
        elif len(run) >= 2 or "<" in run:
            out.append("<" * (len(run) - 1) + "K" if run.endswith("K") and nxt in "HIEY" else "<" * len(run))
        elif prev and prev != "<" and nxt not in "HIEY":
            out.append("<")
        else:
            out.append(run)
        i = j
    return "".join(out)


_NAME_SHAPE = re.compile(r"[A-Z]+(?:<[A-Z]+)*(?:<<[A-Z]+(?:<[A-Z]+)*)?<*")


def _repair_words(line: str, too_long: bool) -> tuple[str, int, int]:
    """Name words outside the vocabulary repaired by one letter when exactly one repair is known.

    Returns (line, words still unknown, repairs made)."""
    vocab = _name_vocabulary()
    unknown = repairs = 0
    parts = re.split(r"(<+)", line)
    for k, w in enumerate(parts):
        if not w or w.startswith("<") or w in vocab:
            continue
        # "TI" for "I" is a common misreading of the MRZ font: try it first.
        options = {w[:i] + w[i + 1:] for i in range(len(w) - 1) if w[i:i + 2] == "TI"} & vocab
        if not options:
            options = {w[:i] + a + w[i + 1:] for i in range(len(w)) for a in _NAME_CONFUSE.get(w[i], "")} & vocab
        if too_long and not options:
            options = {w[:i] + w[i + 1:] for i in range(len(w))} & vocab
        if len(options) == 1:
            parts[k] = options.pop()
            repairs += 1
        else:
            unknown += 1
    return "".join(parts), unknown, repairs


def repair_name_row(clean: str) -> tuple[str, list[str], bool]:
    """MRZ line 3 repaired: '<' read as K, letters read as digits, one misread letter in a name word.

    Each reading of the ambiguous K's is tried; the one whose words are all in the name
    vocabulary (fewest repairs, closest to the K rule) wins.  Returns (line, reasons, every
    name word known).
    """
    s = clean.translate(_TO_LETTER)
    too_long = len(s) > 30
    heuristic = _k_heuristic(s)
    ks = [i for i, c in enumerate(s) if c == "K" and i > 0]
    readings = [heuristic]
    if 0 < len(ks) <= 6:
        for choice in product("K<", repeat=len(ks)):
            t = list(s)
            for i, c in zip(ks, choice, strict=True):
                t[i] = c
            readings.append("".join(t))
    best: tuple[tuple[int, int, int, int], str, str, int] | None = None
    for reading in dict.fromkeys(readings):
        body = reading.rstrip("<")
        shape_bad = 0 if _NAME_SHAPE.fullmatch(body + "<") else 1
        line, unknown, repairs = _repair_words(reading, too_long)
        deviation = sum(a != b for a, b in zip(reading, heuristic, strict=False))
        key = (shape_bad, unknown, repairs, deviation)
        if best is None or key < best[0]:
            best = (key, reading, line, repairs)
    assert best is not None
    (_, unknown, _, _), reading, line, repairs = best
    reasons: list[str] = []
    if reading.rstrip("<") != clean.rstrip("<"):
        reasons.append("MRZ name line: fillers read as K, or letters read as digits, restored")
    if repairs:
        reasons.append("MRZ name line: one character of a name word repaired from the name vocabulary")
    line = (line + "<" * 30)[:30]
    return line, reasons, unknown == 0
