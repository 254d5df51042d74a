"""Template-driven field location: label anchors -> value spans on the text stream.

A template (``models/templates/*.toml``) lists, per output path, the printed labels
(regexes on the folded text: lower case, no diacritics, so OCR diacritic errors do not
break anchoring), the normaliser for the value, whether it is a digit field, and how
many rows a value may run over.  A value runs from the end of its label to the next
label of the same template, an item marker such as ``c)``, or its row limit.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from digitize.layout.reading import Span, TextStream, piece_polygon
from digitize.model import Line
from digitize.ocr.models import models_dir


@dataclass(frozen=True)
class FieldSpec:
    """How to find one field on a page."""

    path: str
    labels: tuple[str, ...] = ()  # folded-text regexes; the value follows the label
    pattern: str | None = None  # folded-text regex with one group: the value itself
    normalizer: str = "text"
    kind: str = "text"  # "digits" fields are re-read by the digit recogniser
    max_rows: int = 1
    required: bool = True
    stop: tuple[str, ...] = ()  # extra folded regexes that end this value
    after: str | None = None  # search only after the first match of this folded regex (a section heading)
    # Folded regex with a ``value`` group, tried only when no label is found: the value
    # recognised by its own shape where OCR garbled a small label ("Quốc ten ¿ wa: Việt Nam").
    fallback: str | None = None


@dataclass(frozen=True)
class Template:
    name: str
    doc_types: tuple[str, ...]
    fields: tuple[FieldSpec, ...]
    stop: tuple[str, ...] = ()  # regexes that end any value (section headings)
    extractors: tuple[str, ...] = ()  # named extractors for structures labels cannot express
    checks: tuple[str, ...] = ()  # named cross-field checks
    required: tuple[str, ...] = ()  # Form 01 paths a document of this type must yield
    meta: dict[str, Any] = field(default_factory=dict)

    @property
    def all_labels(self) -> tuple[str, ...]:
        return tuple(lab for f in self.fields for lab in f.labels)


def load_template(path: Path) -> Template:
    with open(path, "rb") as fh:
        data = tomllib.load(fh)
    fields = tuple(
        FieldSpec(
            path=f["path"],
            labels=tuple(f.get("labels", [])),
            pattern=f.get("pattern"),
            normalizer=f.get("normalizer", "text"),
            kind=f.get("kind", "text"),
            max_rows=int(f.get("max_rows", 1)),
            required=bool(f.get("required", True)),
            stop=tuple(f.get("stop", [])),
            after=f.get("after"),
            fallback=f.get("fallback"),
        )
        for f in data.get("field", [])
    )
    return Template(
        name=data.get("name", path.stem),
        doc_types=tuple(data.get("doc_types", [])),
        fields=fields,
        stop=tuple(data.get("stop", [])),
        extractors=tuple(data.get("extractors", [])),
        checks=tuple(data.get("checks", [])),
        required=tuple(data.get("required", [])),
        meta={k: v for k, v in data.items()
              if k not in ("field", "stop", "doc_types", "name", "extractors", "checks", "required")},
    )


@lru_cache(maxsize=1)
def all_templates() -> dict[str, Template]:
    folder = models_dir() / "templates"
    return {p.stem: load_template(p) for p in sorted(folder.glob("*.toml"))}


# A template may name its reading order (``reading_order = "..."``): how its page's lines
# become the text stream.  Cards, for instance, keep the photo column's text out of the
# rows of the fields column.  The families provide them (:func:`digitize.doctypes.registry.build_stream`).
StreamBuilder = Callable[[list[Line], Template], TextStream]


def template_for(doc_type: str) -> Template | None:
    for template in all_templates().values():
        if doc_type in template.doc_types:
            return template
    return None


# What precedes the next label on the same row is that label's item marker ("c)", and
# OCR variants such as "ø)"): it never belongs to the value before it.
_ITEM_MARKER = re.compile(r"(?:^|[\s;,.])\S{1,2}\s*\)\s*$")


@lru_cache(maxsize=2048)
def _compile(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern)


@dataclass
class LocatedValue:
    spec: FieldSpec
    label: Span | None
    value: Span
    label_errors: int = 0  # edits needed to match the label (0: exact)


def _letters(pattern: str) -> int:
    """How many literal letters a label regex spells (escapes and syntax left out)."""
    return len(re.sub(r"\\[a-zA-Z]|\(\?[^)]*\)|[^a-z]", "", pattern))


@lru_cache(maxsize=1024)
def _fuzzy(pattern: str) -> Any:
    """The label regex allowing OCR errors: 1 edit from 6 letters, 2 from 12; None for short labels."""
    import regex

    letters = _letters(pattern)
    if letters < 6:
        return None
    budget = 1 if letters < 12 else 2
    return regex.compile(f"(?:{pattern}){{e<={budget}}}", regex.BESTMATCH)


def label_matches(folded: str, labels: tuple[str, ...], origin: int = 0) -> list[tuple[int, int, int]]:
    """(start, end, edits) of every match of any of ``labels``; approximate only when none matches exactly.

    OCR garbles labels too ("Thừa đất xố", "Diệu tích"); an approximate match must start
    at a word boundary so that it cannot borrow letters from the word before.
    """
    exact = [(m.start(), m.end(), 0) for label in labels for m in _compile(label).finditer(folded, origin)]
    if exact:
        return sorted(exact)
    approximate: list[tuple[int, int, int]] = []
    for label in labels:
        pattern = _fuzzy(label)
        if pattern is None:
            continue
        for m in pattern.finditer(folded, origin):
            if m.start() > 0 and folded[m.start() - 1].isalpha():
                continue
            approximate.append((m.start(), m.end(), int(sum(m.fuzzy_counts))))
    return sorted(approximate)


def _row_limit(stream: TextStream, start: int, max_rows: int) -> int:
    """Index where the ``max_rows``-th row after ``start`` ends."""
    pos = start
    for _ in range(max_rows):
        nl = stream.text.find("\n", pos)
        if nl < 0:
            return len(stream.text)
        pos = nl + 1
    return pos - 1


# -- labels as value boundaries ------------------------------------------------------------------
# A value ends where the next label begins, on its own line or the next: real pages put two
# items on one printed row ("c. Loại đất: ... | d. Thời hạn sử dụng đất: ..."), and a line
# detector often returns both as ONE line.  A label counts as a boundary only where labels
# stand, so that a value that merely contains a label's words ("Ghi chú: Diện tích đất ở
# được công nhận ...") is not cut.

# An item marker right before a label: "c)" "c." "đ." (folded "d."), "-".  Item letters run
# a..k on the forms; a lone letter with a period elsewhere ("P. Suối Hoa") is not one,
# because it must stand right before a label to count.
_MARKER_BEFORE_LABEL = re.compile(r"(?:(?<=[\s;,.|])|^)(?:[a-k]\s*[.)]|\S{1,2}\s*\)|-)\s*$")
# Separators after which a label starts an item of its own ("125, tờ bản đồ số", "347 ; tờ ...").
_SEPARATORS = "),;"
# How far back (characters) an item marker is looked for.
_MARKER_REACH = 6


@dataclass(frozen=True)
class LabelBoundary:
    """Where an item begins on the stream: its marker (or label) start, and the label itself."""

    start: int  # the item marker's first character ("d." of "d. Thời hạn"), else the label's
    label_start: int
    label_end: int
    path: str
    errors: int = 0


def _line_head(stream: TextStream, pos: int) -> str:
    """The folded text of ``pos``'s line before ``pos`` (empty at a line start)."""
    offset = stream.offset_in_line[pos] if pos < len(stream.offset_in_line) else -1
    if offset <= 0:
        return ""
    return stream.folded[pos - offset:pos]


def _anchored(stream: TextStream, label_start: int, label_end: int) -> int | None:
    """The item's start when a label found at [label_start, label_end) stands where labels
    stand, else None: at a line start, after an item marker or a separator, or followed by
    its colon ("Lâu dài Nguồn gốc sử dụng: ...")."""
    head = _line_head(stream, label_start)
    if not head.strip(" \t-_.:•*"):
        return label_start - len(head) + (len(head) - len(head.lstrip(" \t-_.:•*")))
    marker = _MARKER_BEFORE_LABEL.search(head[-_MARKER_REACH:])
    if marker is not None:
        return label_start - len(head[-_MARKER_REACH:]) + marker.start()
    stripped = head.rstrip(" \t")
    if stripped and stripped[-1] in _SEPARATORS:
        return label_start
    tail = stream.folded[label_end:label_end + 3].lstrip(" \t")
    if tail.startswith(":") and (not head or not head[-1].isalpha()):
        return label_start
    return None


_BOUNDARY_CACHE: dict[int, tuple[TextStream, str, list[LabelBoundary]]] = {}
_BOUNDARY_CACHE_SIZE = 8


def label_boundaries(stream: TextStream, template: Template) -> list[LabelBoundary]:
    """Every place on ``stream`` where an item of ``template`` begins, in stream order.

    Labels are matched as :func:`label_matches` does (fuzzy where none matches exactly),
    with or without their item letter; only labels standing where labels stand count.
    """
    cached = _BOUNDARY_CACHE.get(id(stream))
    if cached is not None and cached[0] is stream and cached[1] == template.name:
        return cached[2]
    found: list[LabelBoundary] = []
    for spec in template.fields:
        if not spec.labels:
            continue
        for m_start, m_end, errors in label_matches(stream.folded, spec.labels):
            item_start = _anchored(stream, m_start, m_end)
            if item_start is not None:
                found.append(LabelBoundary(item_start, m_start, m_end, spec.path, errors))
    found.sort(key=lambda b: (b.start, b.label_start))
    if len(_BOUNDARY_CACHE) >= _BOUNDARY_CACHE_SIZE:
        _BOUNDARY_CACHE.clear()
    _BOUNDARY_CACHE[id(stream)] = (stream, template.name, found)
    return found


def _continuation_end(stream: TextStream, start: int, end: int, boundaries: list[LabelBoundary]) -> int:
    """``end`` cut so that a value wrapped onto later lines takes only lines that carry no
    label: a line holding another item belongs to that item (a two-column row), not to a
    value running on from above."""
    first_nl = stream.folded.find("\n", start, end)
    if first_nl < 0:
        return end
    labelled = {stream.line_of_char[b.label_start] for b in boundaries if first_nl < b.label_start < end}
    for pos in range(first_nl + 1, end):
        li = stream.line_of_char[pos]
        if li >= 0 and li in labelled:
            return stream.line_start[li]
    return end


# Punctuation that trails a value on real pages ("Lâu dài.", "Sử dụng riêng,", "-/-.").
_TRAILING = " \t\n,;."
# A wrapped line belongs to a value's column when it lies within this many line heights of
# the column's edges (print is not ruled; a photo bends it a little).
COLUMN_TOLERANCE_HEIGHTS = 1.0


def _x_at(stream: TextStream, pos: int) -> float | None:
    """Left x of the character at stream position ``pos`` (None on a separator)."""
    li = stream.line_of_char[pos] if 0 <= pos < len(stream.line_of_char) else -1
    if li < 0:
        return None
    k = stream.offset_in_line[pos]
    return min(x for x, _ in piece_polygon(stream.lines[li], k, k + 1))


def _column(stream: TextStream, item_start: int, start: int, cut: int | None) -> tuple[float, float] | None:
    """The x range of a value's column when its item shares its printed row with another item
    (a right-hand item, or a left-hand one cut by the item to its right), else None."""
    li = stream.line_of_char[start] if start < len(stream.line_of_char) else -1
    li_item = stream.line_of_char[item_start] if item_start < len(stream.line_of_char) else -1
    if li < 0 or li_item < 0 or stream.row_of_line[li] != stream.row_of_line[li_item]:
        return None
    row = stream.row_of_line[li]
    left, right = float("-inf"), float("inf")
    in_line_before = stream.folded[item_start - stream.offset_in_line[item_start]:item_start].strip()
    if in_line_before or stream.row_of_line.index(row) != li_item:
        x = _x_at(stream, item_start)
        left = left if x is None else x
    if cut is not None and stream.line_of_char[cut] >= 0 and stream.row_of_line[stream.line_of_char[cut]] == row:
        x = _x_at(stream, cut)
        right = right if x is None else x
    if left == float("-inf") and right == float("inf"):
        return None
    return left, right


def _column_span(stream: TextStream, template: Template, boundaries: list[LabelBoundary], start: int, end: int,
                 column: tuple[float, float], max_rows: int) -> Span:
    """The value from ``start`` to ``end`` on its own line, continued onto the lines of the next
    rows that lie in its column and carry no label (two-column rows of the 2024 form)."""
    first = stream.span(start, end)
    texts, pieces = [first.text], list(first.pieces)
    li = stream.line_of_char[start]
    height = max(1.0, stream.lines[li].bbox()[3] - stream.lines[li].bbox()[1])
    left, right = column[0] - COLUMN_TOLERANCE_HEIGHTS * height, column[1] + COLUMN_TOLERANCE_HEIGHTS * height
    labelled = {stream.line_of_char[b.label_start] for b in boundaries}
    stops = [_compile(stop) for stop in template.stop]
    last_end = end
    row = stream.row_of_line[li]
    for next_row in range(row + 1, row + max_rows):
        members = [i for i, r in enumerate(stream.row_of_line) if r == next_row]
        inside = [i for i in members if stream.lines[i].bbox()[0] >= left and stream.lines[i].bbox()[2] <= right]
        if not inside or any(i in labelled or any(p.search("\n" + stream.line_folded(i)) for p in stops)
                             for i in inside):
            break
        for i in inside:
            texts.append(stream.lines[i].text)
            pieces.append((i, 0, len(stream.lines[i].text)))
            last_end = stream.line_start[i] + len(stream.lines[i].text)
    text = "\n".join(texts)
    while pieces and text and text[-1] in _TRAILING:
        text = text[:-1]
        i, a, b = pieces[-1]
        pieces[-1] = (i, a, max(a, b - 1))
        last_end -= 1
    return Span(start, max(start, last_end), text, [p for p in pieces if p[2] > p[1]])


def locate(stream: TextStream, template: Template, spec: FieldSpec) -> list[LocatedValue]:
    """Every place ``spec`` is found on the stream (usually zero or one).

    A label's value runs from the end of the label to the first of: the next item's start
    (:func:`label_boundaries`: another label with or without its item letter, on the same
    line or a following one), a template stop, or the spec's row limit; a wrapped value
    continues only onto lines that carry no label, and trailing ", . ;" are dropped.
    """
    found: list[LocatedValue] = []
    folded = stream.folded
    origin = 0
    if spec.after:
        anchor = _compile(spec.after).search(folded)
        if anchor is None:
            return found
        origin = anchor.end()
    if spec.pattern:
        for m in _compile(spec.pattern).finditer(folded, origin):
            g: int | str = "value" if "value" in m.groupdict() else (1 if m.groups() else 0)
            found.append(LocatedValue(spec, None, stream.span(m.start(g), m.end(g))))
        return found
    boundaries = label_boundaries(stream, template)
    template_stops = [*template.stop, *spec.stop]
    for m_start, m_end, errors in label_matches(folded, spec.labels, origin):
        start = m_end
        # Skip the ':' and spaces that follow a label; a label that ends its row has
        # its value on the next row (ID cards, "Mã Giấy chứng nhận:").
        while start < len(folded) and folded[start] in " :.\t":
            start += 1
        if start < len(folded) and folded[start] == "\n":
            start += 1
            while start < len(folded) and folded[start] in " \t":
                start += 1
        end = _row_limit(stream, start, spec.max_rows)
        for stop in template_stops:
            sm = _compile(stop).search(folded, start, end)
            if sm and sm.start() < end:
                end = sm.start()
        cut = None
        for b in boundaries:
            if b.label_start >= start and b.label_start != m_start and b.start < end:
                end = cut = max(start, b.start)
                break
        item_start = next((b.start for b in boundaries if b.label_start == m_start), m_start)
        column = _column(stream, item_start, start, cut) if spec.max_rows > 1 else None
        if column is not None:
            li = stream.line_of_char[start]
            end = min(end, stream.line_start[li] + len(stream.lines[li].text))
        else:
            end = _continuation_end(stream, start, end, boundaries)
        value_text = folded[start:end]
        marker = _ITEM_MARKER.search(value_text)
        if marker:
            end = start + marker.start()
        # In a column the wrapped lines follow: a ";" between two land uses stays until the end.
        while end > start and folded[end - 1] in (_TRAILING if column is None else " \t\n"):
            end -= 1
        value = (stream.span(start, end) if column is None
                 else _column_span(stream, template, boundaries, start, end, column, spec.max_rows))
        found.append(LocatedValue(spec, stream.span(m_start, m_end), value, errors))
    found.sort(key=lambda lv: lv.value.start)
    return found
