"""Form 01 CSV: same columns, ISO dates, numbers with a decimal point, failures as rows."""

from __future__ import annotations

import csv
import io

from digitize.engine import Failure
from digitize.export.form01 import HEADERS
from digitize.export.items import ExportItem
from digitize.export.tabular import write_form01_csv
from digitize.model import Document


def test_csv_rows(certificate: Document, page2: Document, failure: Failure) -> None:
    stream = io.StringIO()
    count = write_form01_csv([ExportItem.of(certificate), ExportItem.of(page2), ExportItem.of(failure)], stream)
    assert count == 3
    stream.seek(0)
    reader = csv.DictReader(stream)
    assert reader.fieldnames == HEADERS
    first, second, third = list(reader)
    assert first["Ngày cấp GCN"] == "2018-08-24" and first["Diện tích (m²)"] == "285.9"
    assert first["Ngày, tháng, năm sinh"] == "1960" and first["Số thửa"] == "483"
    assert first["Tên file GCN"] == "CC468480-GCN.pdf" and first["Phân loại"] == "Đã đọc đủ"
    assert first["Tệp nguồn"].endswith("gcn_2009_2014_trang_1-2.pdf")
    assert second["Phân loại"] == "Cần kiểm tra" and "so_phat_hanh" in second["Trường cần kiểm tra"]
    assert third["Phân loại"] == "Lỗi đọc tệp" and third["Tệp nguồn"] == "scans/broken.jpg"
    assert third["Số phát hành GCN"] == ""


def test_text_that_a_spreadsheet_would_run_as_a_formula_is_quoted() -> None:
    from digitize.export.tabular import csv_text

    assert csv_text('=HYPERLINK("http://x","y")') == '\'=HYPERLINK("http://x","y")'
    assert csv_text("@SUM(A1)") == "'@SUM(A1)"
    assert csv_text("+cmd") == "'+cmd"
    # Data that merely starts with a sign stays as it is.
    assert csv_text("-/-") == "-/-"
    assert csv_text("-5") == "-5"
    assert csv_text("Thôn Đồng Cầu") == "Thôn Đồng Cầu"
