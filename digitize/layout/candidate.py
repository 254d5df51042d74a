"""What extractors produce: candidate values with their evidence, before scoring.

Template fields and named extractors (persons, tables, MRZ, QR...) all yield
:class:`Candidate` objects; :mod:`digitize.layout.extract` then re-reads them with a
second recogniser, validates them across fields, scores them and turns them into
:class:`~digitize.model.Field` objects.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from digitize.config import Settings
from digitize.fields.normalize import clean_text
from digitize.layout.reading import Span, TextStream
from digitize.layout.template import Template
from digitize.layout.values import normalize
from digitize.model import FieldStatus, Page


@dataclass
class Candidate:
    """One value found on the page, with everything that speaks for or against it."""

    path: str
    value: Any
    raw: str
    span: Span | None  # where on the text stream (boxes, character confidences, re-reading)
    kind: str = "text"  # "digits" | "text" -> which second reader; "none" -> not re-read
    normalizer: str | None = None  # applied to the second reader's text
    char_confidences: list[float] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)
    valid: bool | None = None  # validators' verdict (None: cannot tell)
    evidence: float = 1.0  # normalisation / vocabulary / anchor support in [0, 1]
    agree: bool | None = None  # second reader's verdict
    status: FieldStatus | None = None  # forced status (unreadable, conflict)
    box: list[float] | None = None  # region on the ORIGINAL image when no span gives one
    alternatives: list[Any] = field(default_factory=list)
    source: str = "ocr"  # "ocr", "mrz", "qr": where the value came from
    readers: int = 1  # how many independent readings support the value
    line_groups: list[list[int]] | None = None  # stream lines of each row of a multi-row code (MRZ)
    handwritten: bool = False  # read from handwriting (dotted leaders, low confidence): one reading is not enough

    def invalidate(self, reason: str) -> None:
        self.valid = False
        self.reasons.append(reason)

    def confirm(self, reason: str | None = None) -> None:
        if self.valid is None:
            self.valid = True
        if reason:
            self.reasons.append(reason)


@dataclass
class ExtractContext:
    """What an extractor may look at."""

    page: Page
    stream: TextStream
    template: Template
    settings: Settings
    page_number: int = 0


# What a document family provides (:mod:`digitize.doctypes`), by name, for templates to list:
# an extractor finds candidates a label cannot; a check validates candidates across fields.
Extractor = Callable[[ExtractContext], list[Candidate]]
Check = Callable[[dict[str, Candidate], ExtractContext], None]

def span_candidate(ctx: ExtractContext, path: str, span: Span, normalizer: str, kind: str) -> Candidate | None:
    """A candidate for ``path`` from a stream span, normalised by ``normalizer`` (None when it holds no value)."""
    value = normalize(normalizer, span.text)
    if value is None:
        return None
    return Candidate(path=path, value=value.value, raw=clean_text(span.text), span=span, kind=kind,
                     normalizer=normalizer, char_confidences=ctx.stream.char_confidences(span),
                     reasons=list(value.reasons), evidence=value.score)
