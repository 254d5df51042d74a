"""The place/date line of a certificate, found by its shape: ``<place>, ngày D tháng M năm YYYY``.

On real certificates the year is printed and the day and month are usually written by hand
on dotted leaders ("Bắc Ninh, ngày ..14.. tháng ..7.. năm 2025"); OCR reads the dots, drops
or garbles the handwriting.  The line is therefore recognised by its printed words and its
printed year alone; the day and month are read where they can be, and a date whose day or
month was written by hand (dotted leaders, low character confidence) is never reported as
sure on one reading.  A date whose day or month cannot be read is not invented: the field
keeps its raw text, says which year is printed, and goes to review.

- :func:`find_date_line` - the line's parts on a text stream;
- :func:`read_date_line` - day, month and year of the date part, and whether it looks
  handwritten;
- extractor ``date_line`` - ``ngay_cap`` and ``noi_cap`` from it;
- normaliser ``date_line`` - the same reading for the second reader's text.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from digitize.confidence import HANDWRITING_CHAR_CONFIDENCE
from digitize.fields.normalize import clean_text, fix_digit_confusions, normalize_date
from digitize.fields.text import fold
from digitize.layout.candidate import Candidate, ExtractContext, extractor
from digitize.layout.reading import TextStream
from digitize.layout.values import NORMALIZERS, Normalized, normalize

# Folded words of the line, tolerant of one garbled letter ("ngảy" -> "ngay", "thảng", "nǎm").
_NGAY = r"(?<![a-z])n[a-z]{1,2}y(?![a-z])"
_THANG = r"(?<![a-z])t[a-z]{2,4}g(?![a-z])"
_NAM = r"(?<![a-z])n[a-z]{1,2}m(?![a-z])"
# Between the words: the day or the month, handwritten or printed, with its dotted leader.
_PART = r"[^\n\t]{0,14}?"
# The shape on the folded stream; the place is the start of the line, up to the comma
# (OCR may read the comma as a dot or drop it).
DATE_LINE = re.compile(
    r"(?:^|(?<=[\n\t]))[ \t]*(?P<place>[^\n\t,;:]{2,60}?)\s*[,.]?\s*(?P<date>" + _NGAY + r"(?P<day>" + _PART + r")"
    + _THANG + r"(?P<month>" + _PART + r")" + _NAM + r"\s*[.:]?\s*(?P<year>" + r"[12][0-9a-z]{3}))(?![0-9a-z])"
)
# The same line with its year unreadable ("Hải Dương, ngày 02 thủng 12 nàn: —'2.:4"): the
# place is still the start of the line; the comma is required here, as nothing else marks it.
DATE_LINE_NO_YEAR = re.compile(
    r"(?:^|(?<=[\n\t]))[ \t]*(?P<place>[^\n\t,;:]{2,60}?)\s*,\s*(?P<date>" + _NGAY + r"(?P<day>" + _PART + r")"
    + _THANG + r"(?P<month>" + _PART + r")(?:" + _NAM + r"[^\n\t]{0,10})?)"
)
# Dotted leaders and the marks OCR makes of them.
_LEADER = re.compile(r"[.…_·:,]{2,}|…")
# A place must have at least this many letters (what is left of a place, not a stray mark).
MIN_PLACE_LETTERS = 3
# Years a certificate's date line can carry (the earliest land certificates to the near future).
MIN_YEAR, MAX_YEAR = 1950, 2099


@dataclass
class DateReading:
    """What the date part of the line says."""

    year: int
    day: int | None
    month: int | None
    dotted: bool  # written on dotted leaders: handwritten
    reasons: list[str] = field(default_factory=list)

    @property
    def iso(self) -> str | None:
        """The ISO date when day and month were read and form a real date."""
        if self.day is None or self.month is None:
            return None
        try:
            return dt.date(self.year, self.month, self.day).isoformat()
        except ValueError:
            return None


@dataclass
class DateLine:
    """Stream positions of the line's place and date parts."""

    place: tuple[int, int]
    date: tuple[int, int]
    day: tuple[int, int]
    month: tuple[int, int]


def _number(part: str, low: int, high: int) -> int | None:
    """A day or month number in ``part`` when that part holds one and nothing else but leaders."""
    text = fix_digit_confusions(part)
    core = re.sub(r"[\s.…_·:,'`\-]", "", text)
    if not core or not core.isdigit() or len(core) > 2:
        return None
    value = int(core)
    return value if low <= value <= high else None


def _year(text: str) -> int | None:
    """The printed year, digit confusions repaired ('2O16'), within the years certificates carry."""
    fixed = fix_digit_confusions(text)
    if not fixed.isdigit() or not MIN_YEAR <= int(fixed) <= MAX_YEAR:
        return None
    return int(fixed)


def read_date_line(text: str) -> DateReading | None:
    """Day, month and year of a date line ('ngày ..14.. tháng ..7.. năm 2025'), or None
    when its printed words and year are not there.  A day or month that is not a clean
    number is left None, never guessed."""
    folded = fold(text, keep_length=True)
    m = re.search(_NGAY + r"(?P<day>" + _PART + r")" + _THANG + r"(?P<month>" + _PART + r")" + _NAM
                  + r"\s*[.:]?\s*(?P<year>[12][0-9a-z]{3})(?![0-9a-z])", folded)
    year = _year(text[m.start("year"):m.end("year")]) if m is not None else None
    if m is None or year is None:
        return None
    day_text, month_text = text[m.start("day"):m.end("day")], text[m.start("month"):m.end("month")]
    day, month = _number(day_text, 1, 31), _number(month_text, 1, 12)
    dotted = bool(_LEADER.search(day_text) or _LEADER.search(month_text))
    reasons: list[str] = []
    if dotted:
        reasons.append("day and month written by hand on dotted leaders")
    if day is None or month is None:
        missing = " and ".join(w for w, v in (("day", day), ("month", month)) if v is None)
        reasons.append(f"year {year} printed; {missing} not readable")
    return DateReading(year, day, month, dotted, reasons)


def find_date_line(stream: TextStream) -> DateLine | None:
    """The first ``<place>, ngày … tháng … năm YYYY`` line of the stream whose place has letters;
    failing that, the first ``<place>, ngày … tháng …`` line (its year unreadable)."""
    for shape in (DATE_LINE, DATE_LINE_NO_YEAR):
        for m in shape.finditer(stream.folded):
            place = m.group("place").strip(" .-_")
            if sum(c.isalpha() for c in place) < MIN_PLACE_LETTERS:
                continue
            if "year" in m.groupdict() and _year(stream.text[m.start("year"):m.end("year")]) is None:
                continue
            return DateLine((m.start("place"), m.end("place")), (m.start("date"), m.end("date")),
                            (m.start("day"), m.end("day")), (m.start("month"), m.end("month")))
    return None


def _date_line_normalizer(raw: str) -> Normalized | None:
    """Normaliser for the date part: the ISO date when day and month read cleanly; a date on
    dotted leaders is weaker evidence (handwriting)."""
    reading = read_date_line(clean_text(raw))
    if reading is None:
        # A reader that lost the words ("14/03/2016", "ngày 14 tháng 3 năm 2016" spelt oddly)
        # still gives a date the general date normaliser reads.
        plain = normalize_date(raw)
        return None if plain is None else Normalized(plain)
    if reading.iso is None:
        return None
    return Normalized(reading.iso, list(reading.reasons), 0.8 if reading.dotted else 1.0)


NORMALIZERS["date_line"] = _date_line_normalizer


def _looks_handwritten(ctx: ExtractContext, line: DateLine) -> bool:
    """Low character confidence over the day and the month."""
    confs = [*ctx.stream.char_confidences(ctx.stream.span(*line.day)),
             *ctx.stream.char_confidences(ctx.stream.span(*line.month))]
    return bool(confs) and sum(confs) / len(confs) < HANDWRITING_CHAR_CONFIDENCE


@extractor("date_line")
def date_line(ctx: ExtractContext) -> list[Candidate]:
    """``ngay_cap`` and ``noi_cap`` from the place/date line, recognised by its shape."""
    stream = ctx.stream
    line = find_date_line(stream)
    if line is None:
        return []
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
                         reasons=reasons, evidence=0.8 if handwritten else 1.0, handwritten=handwritten)
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
