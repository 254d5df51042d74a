"""Form 01 as an Excel workbook (XlsxWriter), four sheets.

1. ``Mẫu 01``: the Form 01 rows (PL3 order), areas as numbers, dates as date cells;
   each cell whose field needs review, conflicts or is unreadable is filled and carries
   a comment with the confidence, status and reasons; required values that are missing
   are filled too; the classification column is coloured by label.
2. ``Lỗi``: inputs that gave no document (error code and message).
3. ``Xung đột, trùng lặp``: conflicting fields, duplicates, dossier problems.
4. ``Kiểm duyệt``: the audit of reviewed fields (who, when, action, old and new value, screen).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from pathlib import Path
from typing import Any

from digitize.export.findings import (
    AUDIT_HEADERS,
    FAILURE_HEADERS,
    FINDING_HEADERS,
    audit_rows,
    failure_rows,
    finding_rows,
)
from digitize.export.form01 import COLUMNS, DATE_KEYS, HEADERS, KEYS, NUMBER_KEYS, Cell, Form01Row, form01_rows
from digitize.export.items import ExportItem
from digitize.export.status import FAILED, FULLY_READ, NEEDS_REVIEW, RETAKE, STATUS_WORDS

SHEET_FORM01 = "Mẫu 01"
SHEET_FAILURES = "Lỗi"
SHEET_FINDINGS = "Xung đột, trùng lặp"
SHEET_AUDIT = "Kiểm duyệt"

DATE_FORMAT = "dd/mm/yyyy"
DATETIME_FORMAT = "dd/mm/yyyy hh:mm:ss"
AREA_FORMAT = "#,##0.0#"
REVIEW_FILL = "#FCE4D6"  # orange: a person must check this value
MISSING_FILL = "#FFF2CC"  # yellow: a required value is missing
HEADER_FILL = "#DDEBF7"
LABEL_FILLS = {FULLY_READ: "#E2EFDA", NEEDS_REVIEW: REVIEW_FILL, RETAKE: "#F8CBAD", FAILED: "#FF9999"}
OTHER_LABEL_FILL = "#D9D9D9"
COMMENT_AUTHOR = "digitize"
MIN_WIDTH, MAX_WIDTH = 10, 40
COMMENT_SCALE = {"x_scale": 2.0, "y_scale": 1.5}


def review_comment(cell: Cell) -> str:
    """The comment text of a flagged cell: status, confidence, reasons and other values read."""
    f = cell.field
    assert f is not None
    lines = [f"Trạng thái: {STATUS_WORDS.get(f.status, f.status.value)} ({f.status.value})",
             f"Độ tin cậy: {f.confidence:.2f}", f"Trường: {f.path}"]
    if f.page is not None:
        lines.append(f"Trang: {f.page + 1}")
    if f.raw:
        lines.append(f"Đọc được: {f.raw}")
    if f.alternatives:
        lines.append("Giá trị khác: " + "; ".join(str(a) for a in f.alternatives))
    if f.reasons:
        lines.append("Lý do: " + "; ".join(f.reasons))
    return "\n".join(lines)


class _Formats:
    def __init__(self, workbook: Any) -> None:
        add = workbook.add_format
        self.head = add({"bold": True, "text_wrap": True, "valign": "top", "bg_color": HEADER_FILL, "border": 1})
        self.plain: dict[str, Any] = {}
        self.fills: dict[tuple[str, str], Any] = {}
        self.workbook = workbook
        self.datetime = add({"num_format": DATETIME_FORMAT})

    def for_key(self, key: str, fill: str | None) -> Any:
        kind = "date" if key in DATE_KEYS else "number" if key in NUMBER_KEYS else "text"
        cache_key = (kind, fill or "")
        if cache_key not in self.fills:
            spec: dict[str, Any] = {"num_format": {"date": DATE_FORMAT, "number": AREA_FORMAT, "text": "@"}[kind]}
            if fill:
                spec["bg_color"] = fill
            self.fills[cache_key] = self.workbook.add_format(spec)
        return self.fills[cache_key]


def _write_cell(sheet: Any, r: int, c: int, value: Any, fmt: Any) -> None:
    if value is None:
        sheet.write_blank(r, c, None, fmt)
    elif isinstance(value, datetime):
        sheet.write_datetime(r, c, value, fmt)
    elif isinstance(value, date):
        sheet.write_datetime(r, c, datetime(value.year, value.month, value.day), fmt)
    elif isinstance(value, int | float) and not isinstance(value, bool):
        sheet.write_number(r, c, value, fmt)
    else:
        sheet.write_string(r, c, str(value), fmt)


def _write_form01(sheet: Any, formats: _Formats, rows: list[Form01Row]) -> None:
    sheet.write_row(0, 0, HEADERS, formats.head)
    sheet.freeze_panes(1, 0)
    for r, row in enumerate(rows, start=1):
        verdict = row.classification
        missing = set(verdict.paths) if verdict else set()
        for c, key in enumerate(KEYS):
            cell = row.cells.get(key) or Cell()
            fill = None
            if cell.flagged:
                fill = REVIEW_FILL
            elif cell.value is None and cell.field is not None and cell.field.path in missing:
                fill = MISSING_FILL
            elif key == "phan_loai" and verdict is not None:
                fill = LABEL_FILLS.get(verdict.label, OTHER_LABEL_FILL)
            _write_cell(sheet, r, c, cell.value, formats.for_key(key, fill))
            if cell.flagged:
                sheet.write_comment(r, c, review_comment(cell), {"author": COMMENT_AUTHOR, **COMMENT_SCALE})
            elif fill == MISSING_FILL and cell.field is not None:
                sheet.write_comment(r, c, f"Không tìm thấy: {cell.field.path}",
                                    {"author": COMMENT_AUTHOR, **COMMENT_SCALE})
    for c, (_, header) in enumerate(COLUMNS):
        sheet.set_column(c, c, max(MIN_WIDTH, min(MAX_WIDTH, len(header) + 2)))
    if rows:
        sheet.autofilter(0, 0, len(rows), len(KEYS) - 1)


def _write_table(sheet: Any, formats: _Formats, headers: list[str], rows: list[list[Any]]) -> None:
    sheet.write_row(0, 0, headers, formats.head)
    sheet.freeze_panes(1, 0)
    text = formats.for_key("", None)
    for r, values in enumerate(rows, start=1):
        for c, value in enumerate(values):
            _write_cell(sheet, r, c, value, formats.datetime if isinstance(value, datetime) else text)
    for c, header in enumerate(headers):
        sheet.set_column(c, c, max(MIN_WIDTH + 6, min(MAX_WIDTH, len(header) + 2)))


def write_form01_xlsx(items: Iterable[ExportItem], path: str | Path) -> int:
    """Write the Form 01 workbook of ``items`` to ``path``; returns the number of Form 01 rows."""
    import xlsxwriter

    items = list(items)
    rows = form01_rows(items)
    workbook = xlsxwriter.Workbook(str(path), {"strings_to_numbers": False, "strings_to_formulas": False,
                                               "strings_to_urls": False})
    try:
        formats = _Formats(workbook)
        _write_form01(workbook.add_worksheet(SHEET_FORM01), formats, rows)
        _write_table(workbook.add_worksheet(SHEET_FAILURES), formats, FAILURE_HEADERS, failure_rows(items))
        _write_table(workbook.add_worksheet(SHEET_FINDINGS), formats, FINDING_HEADERS, finding_rows(items))
        _write_table(workbook.add_worksheet(SHEET_AUDIT), formats, AUDIT_HEADERS, audit_rows(items))
    finally:
        workbook.close()
    return len(rows)
