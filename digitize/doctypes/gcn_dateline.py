"""The place/date line of a certificate, found by its shape: ``<place>, ngày D tháng M năm YYYY``.

On real certificates the year is printed and the day and month are usually written by hand
on dotted leaders ("Bắc Ninh, ngày ..14.. tháng ..7.. năm 2025"); OCR reads the dots, drops
or garbles the handwriting.  The line is therefore recognised by its printed words and its
printed year alone; the day and month are read where they can be, and a date whose day or
month was written by hand (dotted leaders, low character confidence) is never reported as
sure on one reading.  A date whose day or month cannot be read is not invented: the field
keeps its raw text, says which year is printed, and goes to review.

- :func:`find_date_line` - the line's parts on a text stream;
- extractor ``date_line`` - ``ngay_cap`` and ``noi_cap`` from it (the date read by
  :func:`digitize.fields.dateline.read_date_line`; the normaliser ``date_line`` of
  :mod:`digitize.layout.values` reads the second reader's text the same way).
"""

from __future__ import annotations

from dataclasses import dataclass

from digitize.confidence import HANDWRITING_CHAR_CONFIDENCE
from digitize.fields.dateline import (
    DATE_LINE,
    DATE_LINE_LOOSE,
    DATE_LINE_NO_YEAR,
    DateReading,
    read_date_line,
    read_year,
)
from digitize.fields.normalize import clean_text
from digitize.fields.text import fold
from digitize.layout.candidate import Candidate, ExtractContext
from digitize.layout.reading import TextStream
from digitize.layout.values import normalize

# A place must have at least this many letters (what is left of a place, not a stray mark).
MIN_PLACE_LETTERS = 3
# A date written by hand is weaker evidence than a printed one.
HANDWRITTEN_EVIDENCE = 0.8


@dataclass
class DateLine:
    """Stream positions of the line's place and date parts."""

    place: tuple[int, int]
    date: tuple[int, int]
    day: tuple[int, int]
    month: tuple[int, int]


def find_date_line(stream: TextStream) -> DateLine | None:
    """The first ``<place>, ngày … tháng … năm YYYY`` line of the stream whose place has letters;
    failing that, the first ``<place>, ngày … tháng …`` line (its year unreadable)."""
    for shape in (DATE_LINE, DATE_LINE_NO_YEAR):
        for m in shape.finditer(stream.folded):
            place = m.group("place").strip(" .-_")
            if sum(c.isalpha() for c in place) < MIN_PLACE_LETTERS:
                continue
            if "year" in m.groupdict() and read_year(stream.text[m.start("year"):m.end("year")]) is None:
                continue
            return DateLine((m.start("place"), m.end("place")), (m.start("date"), m.end("date")),
                            (m.start("day"), m.end("day")), (m.start("month"), m.end("month")))
    return None


# Share of the lower line's height by which two detected lines must overlap vertically to be
# pieces of one printed row (handwriting raises or lowers a piece, but not by half a line).
SAME_ROW_OVERLAP = 0.5
# A place read from a row put together from pieces must be a gazetteer name (score 1.0 is an
# exact name, 0.9 a name with its diacritics restored): nothing else marks that row.
PIECES_PLACE_MIN_SCORE = 0.9


@dataclass
class PiecedDateLine:
    """A date line put together from the detected lines of one printed row."""

    lines: list[int]  # stream line indices, left to right
    text: str  # their texts joined, left to right
    place: str
    date: str


def _same_row(stream: TextStream, i: int) -> list[int]:
    """Lines overlapping line ``i`` vertically by :data:`SAME_ROW_OVERLAP`, left to right."""
    _, y0, _, y1 = stream.lines[i].bbox()
    out = []
    for j, line in enumerate(stream.lines):
        _, b0, _, b1 = line.bbox()
        overlap = min(y1, b1) - max(y0, b0)
        if overlap >= SAME_ROW_OVERLAP * min(y1 - y0, b1 - b0) > 0:
            out.append(j)
    return sorted(out, key=lambda j: stream.lines[j].bbox()[0])


def find_pieced_date_line(stream: TextStream) -> PiecedDateLine | None:
    """``<place>, … năm YYYY`` on one printed row that the detector split into several lines
    (handwritten day and month break it) or whose "ngày"/"tháng" OCR lost: the pieces in the
    row are joined left to right; the place must be a gazetteer name."""
    seen: set[tuple[int, ...]] = set()
    for i in range(len(stream.lines)):
        if not stream.lines[i].polygon:
            continue
        row = tuple(_same_row(stream, i))
        if row in seen:
            continue
        seen.add(row)
        text = " ".join(stream.lines[j].text for j in row)
        m = DATE_LINE_LOOSE.search(fold(text, keep_length=True))
        if m is None or read_year(text[m.start("year"):m.end("year")]) is None:
            continue
        place_text = text[m.start("place"):m.end("place")].strip(" .-_")
        place = normalize("place", place_text)
        if place is None or place.score < PIECES_PLACE_MIN_SCORE:
            continue
        return PiecedDateLine(list(row), text, place_text, text[m.start("date"):m.end("date")])
    return None


def _pieced_candidates(ctx: ExtractContext, found: PiecedDateLine) -> list[Candidate]:
    """``ngay_cap`` and ``noi_cap`` from a pieced date line: handwriting, one reading (review)."""
    stream = ctx.stream
    first, last = min(found.lines), max(found.lines)
    span = stream.span(stream.line_start[first], stream.line_start[last] + len(stream.lines[last].text))
    year = read_year(found.date[-4:])
    reading = read_date_line(found.date)
    if reading is None and year is not None:
        reading = DateReading(year, None, None, True, [f"year {year} printed; day and month not readable"])
    why = f"place/date line put together from {len(found.lines)} piece(s) of one printed row"
    out = [Candidate(path="ngay_cap", value=reading.iso if reading else None, raw=clean_text(found.date), span=span,
                     kind="none", char_confidences=stream.char_confidences(span),
                     reasons=[why, *(reading.reasons if reading else [])], evidence=HANDWRITTEN_EVIDENCE,
                     handwritten=True)]
    place = normalize("place", found.place)
    if place is not None:
        out.append(Candidate(path="noi_cap", value=place.value, raw=clean_text(found.place), span=span, kind="none",
                             char_confidences=stream.char_confidences(span),
                             reasons=[why, "the start of the place/date line", *place.reasons], evidence=place.score))
    return out


def _looks_handwritten(ctx: ExtractContext, line: DateLine) -> bool:
    """Low character confidence over the day and the month."""
    confs = [*ctx.stream.char_confidences(ctx.stream.span(*line.day)),
             *ctx.stream.char_confidences(ctx.stream.span(*line.month))]
    return bool(confs) and sum(confs) / len(confs) < HANDWRITING_CHAR_CONFIDENCE


def date_line(ctx: ExtractContext) -> list[Candidate]:
    """``ngay_cap`` and ``noi_cap`` from the place/date line, recognised by its shape."""
    stream = ctx.stream
    line = find_date_line(stream)
    if line is None:
        pieced = find_pieced_date_line(stream)
        return _pieced_candidates(ctx, pieced) if pieced is not None else []
    out: list[Candidate] = []
    date_span = stream.span(*line.date)
    reading = read_date_line(date_span.text)
    if reading is None:
        # The line is there but its year does not read: its box goes to the second reader and
        # to review, and no date is made up.
        out.append(Candidate(path="ngay_cap", value=None, raw=clean_text(date_span.text), span=date_span,
                             kind="digits", normalizer="date_line",
                             char_confidences=stream.char_confidences(date_span),
                             reasons=["the place/date line's year is not readable"], handwritten=True))
    else:
        handwritten = reading.dotted or _looks_handwritten(ctx, line)
        reasons = list(reading.reasons)
        if handwritten and not reading.dotted:
            reasons.append("day and month read with low confidence: handwriting")
        cand = Candidate(path="ngay_cap", value=reading.iso, raw=clean_text(date_span.text), span=date_span,
                         kind="digits", normalizer="date_line", char_confidences=stream.char_confidences(date_span),
                         reasons=reasons, evidence=HANDWRITTEN_EVIDENCE if handwritten else 1.0,
                         handwritten=handwritten)
        if reading.iso is None and reading.day is not None and reading.month is not None:
            cand.reasons.append("day and month do not form a real date")
        out.append(cand)
    place_span = stream.span(*line.place)
    place = normalize("place", place_span.text)
    if place is not None:
        out.append(Candidate(path="noi_cap", value=place.value, raw=clean_text(place_span.text), span=place_span,
                             kind="text", normalizer="place", char_confidences=stream.char_confidences(place_span),
                             reasons=["the start of the place/date line", *place.reasons], evidence=place.score))
    return out
