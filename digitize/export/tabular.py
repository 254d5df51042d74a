"""Form 01 as CSV: the same rows and columns as the spreadsheet, machine-readable values.

Dates are ISO (``2016-03-14``), areas are numbers with a decimal point (``152.4``), empty
cells are empty.  Open the file with UTF-8 (the CLI writes a byte-order mark so Excel
reads the accents).  Failed inputs are rows too (classification ``Lỗi đọc tệp``).
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from datetime import date
from typing import IO

from digitize.export.form01 import HEADERS, KEYS, CellValue, form01_rows
from digitize.export.items import ExportItem


def csv_text(value: CellValue) -> str:
    """One typed cell as CSV text: ISO dates, numbers with a decimal point, '' for empty."""
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float):
        return repr(value)
    return str(value)


def write_form01_csv(items: Iterable[ExportItem], stream: IO[str]) -> int:
    """Write the Form 01 rows of ``items`` (header first) to ``stream``; returns the number of rows."""
    writer = csv.writer(stream)
    writer.writerow(HEADERS)
    count = 0
    for row in form01_rows(items):
        writer.writerow([csv_text(row.value(k)) for k in KEYS])
        count += 1
    return count
