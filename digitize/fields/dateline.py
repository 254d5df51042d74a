"""The date of a certificate's place/date line: ``ngày D tháng M năm YYYY``.

On real certificates the year is printed and the day and month are usually written by hand
on dotted leaders ("ngày ..14.. tháng ..7.. năm 2025"); OCR reads the dots, drops or
garbles the handwriting.  The date is therefore recognised by its printed words and its
printed year alone; the day and month are read where they can be, never guessed.

- :data:`DATE_LINE`, :data:`DATE_LINE_NO_YEAR` - the whole line's shape on folded text;
- :func:`read_date_line` - day, month and year of the date part, and whether it looks
  handwritten;
- :func:`read_year` - a printed year, digit confusions repaired.

The extractor that finds the line on a page is :mod:`digitize.doctypes.gcn_dateline`.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from digitize.fields.normalize import fix_digit_confusions
from digitize.fields.text import fold

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
# The line as the line detector leaves it when the handwriting breaks it up: the pieces of one
# printed row put together again, the words "ngày" / "tháng" lost or garbled ("Lý Nhân, ngỏ" +
# "ng „_ năm 2021").  Only the place (start of the row, then a comma or a dot), the printed
# "năm" and the year are required; the caller checks the place against the gazetteer, as
# nothing else marks such a row as the date line.
DATE_LINE_LOOSE = re.compile(
    r"^[ \t]*(?P<place>[^\n\t,;:.]{2,40}?)\s*[,.]\s*(?P<date>(?P<day>[^\n]{0,30}?)" + _NAM
    + r"\s*[.:]?\s*(?P<year>[12][0-9a-z]{3}))(?![0-9a-z])"
)
# Dotted leaders and the marks OCR makes of them.
_LEADER = re.compile(r"[.…_·:,]{2,}|…")
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


def _number(part: str, low: int, high: int) -> int | None:
    """A day or month number in ``part`` when that part holds one and nothing else but leaders."""
    text = fix_digit_confusions(part)
    core = re.sub(r"[\s.…_·:,'`\-]", "", text)
    if not core or not core.isdigit() or len(core) > 2:
        return None
    value = int(core)
    return value if low <= value <= high else None


def read_year(text: str) -> int | None:
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
    year = read_year(text[m.start("year"):m.end("year")]) if m is not None else None
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
