"""Form 01 as CSV: the same rows and columns as the spreadsheet, machine-readable values.

Dates are ISO (``2016-03-14``), areas are numbers with a decimal point (``152.4``), empty
cells are empty.  Open the file with UTF-8 (the CLI writes a byte-order mark so Excel
reads the accents).  Failed inputs are rows too (classification ``Lỗi đọc tệp``).
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from datetime import date
from typing import IO

from digitize.export.form01 import HEADERS, KEYS, CellValue, form01_rows
from digitize.export.items import ExportItem

# A text cell opening with one of these is run as a formula by spreadsheet programs
# (CSV injection): such text read off a document is written with a leading apostrophe.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
# Text that opens with a trigger but is plainly data, not a formula ("-/-" is the forms'
# empty marker, "-5" a negative number): written as it is.
_PLAIN_DATA = re.compile(r"-/-|[-+]?\d[\d.,]*")


def csv_text(value: CellValue) -> str:
    """One typed cell as CSV text: ISO dates, numbers with a decimal point, '' for empty."""
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float):
        return repr(value)
    text = str(value)
    if text.startswith(FORMULA_TRIGGERS) and not _PLAIN_DATA.fullmatch(text):
        return "'" + text
    return text


def write_form01_csv(items: Iterable[ExportItem], stream: IO[str]) -> int:
    """Write the Form 01 rows of ``items`` (header first) to ``stream``; returns the number of rows."""
    writer = csv.writer(stream)
    writer.writerow(HEADERS)
    count = 0
    for row in form01_rows(items):
        writer.writerow([csv_text(row.value(k)) for k in KEYS])
        count += 1
    return count
