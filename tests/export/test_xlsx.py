"""The Form 01 workbook read back with openpyxl: sheets, header order, cell types, comments."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from digitize.engine import Failure, apply_review
from digitize.export.form01 import HEADERS
from digitize.export.items import ExportItem
from digitize.export.status import FAILED, FULLY_READ, ID_PAPERS_ONLY, NEEDS_REVIEW
from digitize.export.xlsx import SHEET_AUDIT, SHEET_FAILURES, SHEET_FINDINGS, SHEET_FORM01, write_form01_xlsx
from digitize.model import Document, FieldStatus

openpyxl = pytest.importorskip("openpyxl")


def _doubtful(doc: Document, path: str, status: FieldStatus) -> Document:
    fields = [f.model_copy(update={"status": status, "confidence": 0.41, "reasons": ["readers disagree"]})
              if f.path == path else f for f in doc.fields]
    return doc.model_copy(update={"fields": fields})


@pytest.fixture
def workbook(tmp_path: Path, certificate: Document, card: Document, failure: Failure):  # type: ignore[no-untyped-def]
    doubtful = _doubtful(certificate, "thua_dat[0].dien_tich", FieldStatus.NEEDS_REVIEW)
    doubtful = doubtful.model_copy(update={"source": "lo2/copy.pdf"})
    reviewed = apply_review(certificate, "so_vao_so", "VP 23106", "can_bo_xa", screen="review-queue",
                            when=datetime(2025, 9, 1, 8, 30, tzinfo=UTC))
    items = [ExportItem.of(reviewed, dossier="lo1"), ExportItem.of(doubtful), ExportItem.of(card),
             ExportItem.of(failure)]
    path = tmp_path / "form01.xlsx"
    assert write_form01_xlsx(items, path) == 4
    return openpyxl.load_workbook(path)


def _rows(sheet):  # type: ignore[no-untyped-def]
    header = [c.value for c in sheet[1]]
    return header, [dict(zip(header, row, strict=False)) for row in sheet.iter_rows(min_row=2)]


def test_sheets_and_header_order(workbook) -> None:  # type: ignore[no-untyped-def]
    assert workbook.sheetnames == [SHEET_FORM01, SHEET_FAILURES, SHEET_FINDINGS, SHEET_AUDIT]
    header, _ = _rows(workbook[SHEET_FORM01])
    assert header == HEADERS
    assert header[:3] == ["Mã ĐVHC cấp xã", "Số phát hành GCN", "Ngày cấp GCN"]
    assert "Tệp nguồn" in header and header.index("Tệp nguồn") > header.index("Phân loại")


def test_numbers_are_numbers_and_dates_are_dates(workbook) -> None:  # type: ignore[no-untyped-def]
    _, rows = _rows(workbook[SHEET_FORM01])
    first = rows[0]
    assert first["Tệp nguồn"].value.endswith("samples/gcn_2009_2014_trang_1-2.pdf") and first["Hồ sơ"].value == "lo1"
    assert isinstance(first["Ngày cấp GCN"].value, datetime) and first["Ngày cấp GCN"].value.date().isoformat() \
        == "2018-08-24"
    assert first["Ngày cấp GCN"].number_format == "dd/mm/yyyy"
    assert first["Diện tích (m²)"].value == pytest.approx(285.9) and first["Diện tích (m²)"].data_type == "n"
    assert first["Số thửa"].value == "483" and first["Số thửa"].data_type == "s"
    assert first["Số định danh cá nhân/CCCD"].value == "198605665"
    assert first["Số vào sổ GCN"].value == "VP23106"  # the reviewer's correction, normalised
    assert first["Phân loại"].value == FULLY_READ
    card_row = rows[2]
    assert card_row["Số định danh cá nhân/CCCD"].value == "025075239401"  # leading zero kept: text
    assert card_row["Phân loại"].value == ID_PAPERS_ONLY


def test_doubtful_cells_are_highlighted_with_a_comment(workbook) -> None:  # type: ignore[no-untyped-def]
    _, rows = _rows(workbook[SHEET_FORM01])
    cell = rows[1]["Diện tích (m²)"]
    assert cell.comment is not None
    assert "Độ tin cậy: 0.41" in cell.comment.text and "readers disagree" in cell.comment.text
    assert cell.fill.fgColor.rgb.endswith("FCE4D6")
    assert rows[1]["Phân loại"].value == NEEDS_REVIEW
    assert rows[1]["Trường cần kiểm tra"].value == "thua_dat[0].dien_tich"
    assert rows[0]["Diện tích (m²)"].comment is None


def test_failures_findings_and_audit_sheets(workbook) -> None:  # type: ignore[no-untyped-def]
    _, rows = _rows(workbook[SHEET_FORM01])
    assert rows[3]["Phân loại"].value == FAILED and rows[3]["Tệp nguồn"].value == "scans/broken.jpg"
    _, failures = _rows(workbook[SHEET_FAILURES])
    assert [(r["Tệp nguồn"].value, r["Mã lỗi"].value) for r in failures] == [("scans/broken.jpg", "corrupt_file")]
    _, findings = _rows(workbook[SHEET_FINDINGS])
    kinds = {(r["Loại"].value, r["Trường"].value) for r in findings}
    assert ("Trùng lặp", "so_phat_hanh") in kinds  # two results of serial CC 468480
    _, audit = _rows(workbook[SHEET_AUDIT])
    assert len(audit) == 1
    entry = audit[0]
    assert entry["Người kiểm tra"].value == "can_bo_xa" and entry["Thao tác"].value == "correct"
    assert entry["Giá trị cũ"].value == "VP23105" and entry["Giá trị mới"].value == "VP23106"
    assert entry["Thời điểm (UTC)"].value == datetime(2025, 9, 1, 8, 30)
    assert entry["Màn hình"].value == "review-queue" and entry["Trường"].value == "so_vao_so"


def test_conflicts_and_dossier_warnings_are_listed(tmp_path: Path, engine, certificate: Document,  # type: ignore[no-untyped-def]
                                                  card: Document) -> None:
    dossier = engine.dossier([certificate, card], "lo1")  # the card is someone else's: the names conflict
    assert dossier.field("chu_su_dung[0].ho_ten").status == FieldStatus.CONFLICT  # type: ignore[union-attr]
    warned = dossier.model_copy(update={"warnings": [*dossier.warnings, "a.jpg belongs to another certificate"]})
    path = tmp_path / "d.xlsx"
    write_form01_xlsx([ExportItem.of(warned, dossier="lo1")], path)
    _, findings = _rows(openpyxl.load_workbook(path)[SHEET_FINDINGS])
    conflicts = {r["Trường"].value: r["Giá trị khác"].value for r in findings if r["Loại"].value == "Mâu thuẫn"}
    assert conflicts["chu_su_dung[0].ho_ten"] == "NGUYỄN HỮU QUÝ"  # the card's name
    assert any("belongs to another certificate" in r["Chi tiết"].value for r in findings
               if r["Loại"].value == "Hồ sơ")
