"""What a document family declares: how to recognise its pages and how to read them."""

from __future__ import annotations

from dataclasses import dataclass, field

from digitize.layout.candidate import Check, Extractor
from digitize.layout.template import StreamBuilder
from digitize.model import DocType

# One piece of classification evidence: a regex on the page's folded text and its weight.
# Negative weights are evidence against.
Rule = tuple[str, float]


@dataclass(frozen=True)
class Family:
    """One document family (a generation of certificate, a kind of ID card).

    ``evidence`` lists, per document type of the family and in the order the classifier
    ranks ties, the rules scored on the page's folded text (long phrases also allow a few
    OCR errors when exact wording leaves the type unclear).  ``exact_evidence`` is scored
    on exact wording only (short labels shared with other types).  ``templates`` name the
    family's ``models/templates/<name>.toml`` files; ``extractors``, ``checks`` and
    ``reading_orders`` are what those templates may list by name.  ``sides`` give a card
    side's page role; ``fallback_role`` is a certificate page's role, by a regex on its
    folded text, when no section title told it.
    """

    name: str
    evidence: dict[DocType, tuple[Rule, ...]]
    templates: tuple[str, ...]
    extractors: dict[str, Extractor] = field(default_factory=dict)
    checks: dict[str, Check] = field(default_factory=dict)
    reading_orders: dict[str, StreamBuilder] = field(default_factory=dict)
    exact_evidence: dict[DocType, tuple[Rule, ...]] = field(default_factory=dict)
    sides: dict[DocType, str] = field(default_factory=dict)
    fallback_role: tuple[str, str] | None = None  # (page role, folded-text regex)

    @property
    def doc_types(self) -> tuple[DocType, ...]:
        return tuple(self.evidence)
