"""Closed-set legal wordings of certificates, and restoring a garbled reading to them.

The origin of use (Nguồn gốc sử dụng), the use form and the term are not free text: they are
written in standard legal formulas, alone or joined ("Nhận chuyển nhượng đất được Nhà nước
giao đất có thu tiền sử dụng đất").  OCR reads them with a letter or two wrong ("Mà mước
công nhận ...", "Nhận chuyên nhượng ...", "Phân chưa ... hộ giá đình ..."); where a stretch
of the reading is within :data:`RESTORE_MAX_EDIT_SHARE` of a formula, it is put back to the
formula, and the value says so in its reasons.  Text that matches no formula (a person's
name after "hộ gia đình ông", a decision number) is kept as read.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from rapidfuzz.distance import Levenshtein

from digitize.fields.text import fold

# Origin formulas (Circulars 17/2009, 23/2014, 10/2024 and registration practice), and the
# phrases they are joined from.  Longer formulas come first where they overlap.
ORIGIN_FORMULAS: tuple[str, ...] = (
    "Nhà nước công nhận quyền sử dụng đất như giao đất có thu tiền sử dụng đất",
    "Nhà nước công nhận quyền sử dụng đất như giao đất không thu tiền sử dụng đất",
    "Công nhận QSDĐ như giao đất có thu tiền sử dụng đất",
    "Công nhận QSDĐ như giao đất không thu tiền sử dụng đất",
    "Công nhận QSDĐ như cho thuê đất trả tiền hằng năm",
    "Công nhận QSDĐ như cho thuê đất trả tiền một lần",
    "Nhà nước giao đất có thu tiền sử dụng đất",
    "Nhà nước giao đất không thu tiền sử dụng đất",
    "Nhà nước cho thuê đất trả tiền hằng năm",
    "Nhà nước cho thuê đất trả tiền một lần cho cả thời gian thuê",
    "Nhà nước giao đất để quản lý",
    "Nhận chuyển nhượng đất được",
    "Nhận thừa kế đất được",
    "Nhận tặng cho đất được",
    "Nhận chuyển đổi đất được",
    "Nhận chuyển nhượng quyền sử dụng đất",
    "Nhận thừa kế quyền sử dụng đất",
    "Nhận tặng cho quyền sử dụng đất",
    "Phân chia quyền sử dụng đất của hộ gia đình",
    "Trúng đấu giá quyền sử dụng đất",
)
# Terms of use: the wordings a term value starts with.
TERM_FORMULAS: tuple[str, ...] = ("Lâu dài", "Sử dụng lâu dài")

# A stretch of the reading is restored when at most this share of the formula's letters
# differ (edits over the folded formula's length): "Mà mước công nhận ..." is 3 edits in 70.
RESTORE_MAX_EDIT_SHARE = 0.2
# Formulas shorter than this (folded letters and spaces) are not restored by themselves: too
# few letters to tell an OCR error from another word.
MIN_FORMULA_CHARS = 12
# Each edit costs this many matched characters when two formulas compete for one stretch
# ("... có thu tiền ..." against "... không thu tiền ..."): the closer one wins.
EDIT_WEIGHT = 3.0


@dataclass
class Restored:
    """A reading put back to its standard wording."""

    text: str
    reasons: list[str] = field(default_factory=list)
    score: float = 1.0
    formulas: list[str] = field(default_factory=list)  # the formulas found, in order


def _key(word: str) -> str:
    return fold(word.strip(".,;:()"))


@lru_cache(maxsize=64)
def _target(formula: str) -> str:
    """The formula as compared: folded words joined by single spaces."""
    return " ".join(_key(w) for w in formula.split())


def _best_at(words: list[str], i: int, formulas: tuple[str, ...]) -> tuple[str, int, int] | None:
    """The formula that best explains the words from ``i`` on: (formula, word count, edits)."""
    best: tuple[float, str, int, int] | None = None
    tied = False
    for formula in formulas:
        target = _target(formula)
        if len(target) < MIN_FORMULA_CHARS:
            continue
        size = len(formula.split())
        for k in (size - 1, size, size + 1):
            if k < 1 or i + k > len(words):
                continue
            stretch = " ".join(_key(w) for w in words[i:i + k])
            budget = int(RESTORE_MAX_EDIT_SHARE * len(target))
            edits = Levenshtein.distance(stretch, target, score_cutoff=budget)
            if edits > budget:
                continue
            gain = len(target) - EDIT_WEIGHT * edits
            if best is None or gain > best[0]:
                best, tied = (gain, formula, k, edits), False
            elif gain == best[0] and formula != best[1]:
                tied = True
    if best is None or tied:
        return None  # nothing close, or two formulas equally close: left as read
    return best[1], best[2], best[3]


def restore_wordings(text: str, formulas: tuple[str, ...]) -> Restored:
    """``text`` with every stretch close to one of ``formulas`` put back to that formula.

    Words outside any formula are kept as read; punctuation after a restored stretch is kept;
    a value that starts with a formula starts with its capital.
    """
    words = text.split()
    out: list[str] = []
    reasons: list[str] = []
    found: list[str] = []
    score = 1.0
    i = 0
    while i < len(words):
        hit = _best_at(words, i, formulas)
        if hit is None:
            out.append(words[i])
            i += 1
            continue
        formula, k, edits = hit
        stretch = words[i:i + k]
        tail = stretch[-1][len(stretch[-1].rstrip(".,;:")):]
        printed = formula[:1].upper() + formula[1:] if i == 0 else formula
        out.append(printed + tail)
        found.append(formula)
        if " ".join(stretch).rstrip(".,;:") != printed:
            reasons.append(f"restored to the standard wording '{formula}' ({edits} letter(s) differed)"
                           if edits else f"diacritics of the standard wording '{formula}' put back")
            score = min(score, 1.0 - edits / max(1, len(formula)))
        i += k
    return Restored(" ".join(out), reasons, score, found)


# A term at the start of a value: "Lâu dài" (any two letters garbled in its vowels),
# "Sử dụng lâu dài", "Đến ngày dd/mm/yyyy", "Đến năm yyyy".
_TERM_HEAD = re.compile(r"^\W*(?:(?:s[a-z]? ?d[a-z]{1,3}ng\s+)?(?P<lau_dai>l[a-z]u\s*d[a-z]i)(?![a-z])"
                        r"|d[a-z]n\s*ng[a-z]y\s*\d{1,2}\s*/\s*\d{1,2}\s*/\s*\d{4}|d[a-z]n\s*n[a-z]m\s*\d{4})")
# Another term after the first: the value lists terms per land use ("Đất ở: Lâu dài; Đất
# trồng cây lâu năm: đến ngày 15/10/2063") and is kept whole.
_ANOTHER_TERM = re.compile(r"l[a-z]u\s*d[a-z]i|d[a-z]n\s*ng[a-z]y|d[a-z]n\s*n[a-z]m|\d{1,2}\s*/\s*\d{1,2}\s*/\s*\d{4}")


def leading_term(text: str) -> Restored | None:
    """The term a value starts with, when text that is no term follows it (an item that ran
    on: "Lâu dài đ. Hình thức ..."), or None when the value is a term alone or a list of terms.
    "Lâu dài" read with a garbled letter is put back to its standard wording."""
    folded = fold(text, keep_length=True)
    m = _TERM_HEAD.match(folded)
    if m is None:
        return None
    rest = text[m.end():]
    if not rest.strip(" .,;:") or _ANOTHER_TERM.search(folded[m.end():]):
        return None
    term = text[:m.end()].strip(" .,;:")
    reasons = ["text after the term dropped (it ran on from the next item)"]
    if m.group("lau_dai") is not None and not fold(term, keep_length=True).startswith("s"):
        if term != "Lâu dài":
            reasons.append("restored to the standard wording 'Lâu dài'")
        term = "Lâu dài"
    return Restored(term, reasons, 0.9, [term])
