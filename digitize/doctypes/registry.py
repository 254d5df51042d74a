"""The document families the engine knows, listed explicitly, and what templates look up in them.

To add a family: write its module (evidence, templates, extractors, checks: see
``docs/doctypes.md``) and add its ``FAMILY`` to :data:`FAMILIES`.  The order of
:data:`FAMILIES` is the order in which the classifier ranks tied scores.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TypeVar

from digitize.doctypes import cancuoc, cccd, cmnd, gcn2009, gcn2024, gcn_old
from digitize.doctypes.family import Family, Rule
from digitize.layout.candidate import Check, Extractor
from digitize.layout.reading import TextStream
from digitize.layout.template import StreamBuilder, Template
from digitize.model import DocType, Line

FAMILIES: tuple[Family, ...] = (
    gcn2009.FAMILY,
    gcn2024.FAMILY,
    gcn_old.FAMILY,
    cccd.FAMILY,
    cancuoc.FAMILY,
    cmnd.FAMILY,
)

_T = TypeVar("_T")


def _merged(what: str, tables: list[Mapping[str, _T]]) -> dict[str, _T]:
    """One name -> one function over all families (two families may share a function, never a name)."""
    out: dict[str, _T] = {}
    for table in tables:
        for name, fn in table.items():
            if out.setdefault(name, fn) is not fn:
                raise ValueError(f"two {what} are registered as {name!r}")
    return out


EXTRACTORS: dict[str, Extractor] = _merged("extractors", [f.extractors for f in FAMILIES])
CHECKS: dict[str, Check] = _merged("checks", [f.checks for f in FAMILIES])
READING_ORDERS: dict[str, StreamBuilder] = _merged("reading orders", [f.reading_orders for f in FAMILIES])

# Classification evidence by document type, in the order of FAMILIES.
EVIDENCE: dict[DocType, tuple[Rule, ...]] = {t: rules for f in FAMILIES for t, rules in f.evidence.items()}
EXACT_EVIDENCE: dict[DocType, tuple[Rule, ...]] = {t: rules for f in FAMILIES for t, rules in f.exact_evidence.items()}
SIDES: dict[DocType, str] = {t: side for f in FAMILIES for t, side in f.sides.items()}


def family_of(doc_type: DocType) -> Family | None:
    """The family a document type belongs to (None for ``khac``)."""
    return next((f for f in FAMILIES if doc_type in f.evidence), None)


def build_stream(lines: list[Line], template: Template | None) -> TextStream:
    """The text stream of ``lines`` in the reading order ``template`` asks for (rows top to
    bottom across the page when it names none, or one no family provides)."""
    name = template.meta.get("reading_order") if template is not None else None
    builder = READING_ORDERS.get(name) if isinstance(name, str) else None
    return builder(lines, template) if builder is not None and template is not None else TextStream.from_lines(lines)
