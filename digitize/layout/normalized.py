"""What a normaliser returns: a value with the evidence for it; and the shared empty-value rule."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from digitize.fields.normalize import clean_text, is_empty_marker


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
