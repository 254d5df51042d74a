"""Document type and page role from the words printed on the page.

Each type collects weighted evidence (folded-text regexes: titles, section headings,
labels, the MRZ; declared by its family in :mod:`digitize.doctypes`); the best-scoring
type wins, and its margin over the runner-up gives the confidence.  No evidence at all
gives ``khac`` and a warning, not a guess.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from digitize.doctypes.common import CERTIFICATE_EVIDENCE, CERTIFICATE_PAGE_ROLES
from digitize.doctypes.family import Rule
from digitize.doctypes.registry import EVIDENCE, EXACT_EVIDENCE, SIDES, family_of
from digitize.model import DocType

# Evidence per document type comes from the families (:mod:`digitize.doctypes.registry`).

# A page scoring below this on its best type is ``khac``: no type has enough evidence.
MIN_SCORE = 3.0
# Exact wording settles the type when the best score reaches SURE_SCORE with at least
# SURE_MARGIN over the runner-up; otherwise long phrases are read again allowing OCR errors.
SURE_SCORE = 6.0
SURE_MARGIN = 3.0
# Approximate matching: one error allowed per this many letters of a phrase, at most MAX_ERRORS
# (phrases shorter than one such run are matched exactly).
LETTERS_PER_ERROR = 12
MAX_ERRORS = 3
# The confidence of a classification: BASE_CONFIDENCE plus the rest scaled by the best
# type's margin over the runner-up relative to its score.
BASE_CONFIDENCE = 0.5


@dataclass(frozen=True)
class Classification:
    doc_type: DocType
    confidence: float
    page_role: str | None
    scores: dict[str, float]


@lru_cache(maxsize=512)
def _approximate(pattern: str) -> Any:
    """``pattern`` allowing one OCR error per LETTERS_PER_ERROR letters (None below that)."""
    import regex

    letters = len(re.sub(r"\\[a-zA-Z]|\(\?[^)]*\)|\[[^\]]*\]|[^a-z]", "", pattern))
    if letters < LETTERS_PER_ERROR:
        return None
    return regex.compile(f"(?:{pattern}){{e<={min(MAX_ERRORS, letters // LETTERS_PER_ERROR)}}}")


def _found(pattern: str, folded: str) -> bool:
    if re.search(pattern, folded):
        return True
    approximate = _approximate(pattern)
    return approximate is not None and approximate.search(folded) is not None


def _score(folded: str, rules: tuple[Rule, ...], approximate: bool) -> float:
    # Evidence against a type must be read exactly: a garbled phrase is no proof of absence.
    return sum(weight for pattern, weight in rules
               if (_found(pattern, folded) if approximate and weight > 0 else re.search(pattern, folded)))


def _scores(folded: str, approximate: bool) -> dict[DocType, float]:
    gcn_base = _score(folded, CERTIFICATE_EVIDENCE, approximate)
    scores: dict[DocType, float] = {}
    for doc_type, rules in EVIDENCE.items():
        score = _score(folded, rules, approximate)
        if doc_type in EXACT_EVIDENCE:
            score += _score(folded, EXACT_EVIDENCE[doc_type], approximate=False)
        scores[doc_type] = score + gcn_base if doc_type.is_certificate else score - gcn_base
    return scores


def classify_text(folded: str) -> Classification:
    """Classify a page from its folded text (see :class:`digitize.layout.reading.TextStream`)."""
    scores = _scores(folded, approximate=False)
    top = sorted(scores.values(), reverse=True)
    if top[0] < SURE_SCORE or top[0] - top[1] < SURE_MARGIN:
        # Exact wording left the type unclear: accept OCR errors in the long phrases.
        scores = _scores(folded, approximate=True)
    ranked = sorted(scores.items(), key=lambda kv: kv[1], reverse=True)
    best, best_score = ranked[0]
    runner = ranked[1][1] if len(ranked) > 1 else 0.0
    if best_score < MIN_SCORE:
        return Classification(DocType.KHAC, 0.0, None, {k.value: v for k, v in scores.items()})
    # A certificate page without a title (page 2 of the 2009 form) still scores high on
    # the common labels; the generation-specific evidence decides between generations.
    confidence = max(0.0, min(1.0, (best_score - max(runner, 0.0)) / max(best_score, 1e-6)))
    confidence = BASE_CONFIDENCE + (1 - BASE_CONFIDENCE) * confidence
    role = None
    if best.is_certificate:
        for name, pattern in CERTIFICATE_PAGE_ROLES:
            if _found(pattern, folded):
                role = name
                break
        family = family_of(best)
        if role is None and family is not None and family.fallback_role is not None:
            fallback, pattern = family.fallback_role
            role = fallback if re.search(pattern, folded) else None
    else:
        role = SIDES.get(best)
    return Classification(best, confidence, role, {k.value: v for k, v in scores.items()})
