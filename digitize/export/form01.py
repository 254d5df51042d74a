"""Form 01 (PL3) rows: one row per certificate x parcel x person, values typed.

The column order and Vietnamese headers follow the spreadsheet communes filled in the
2025 campaign (domain.md); the columns after ``Tên file giấy tờ`` are ours (which file a
row came from, why it needs a look).  Each cell keeps the :class:`~digitize.model.Field`
it came from, so a writer can highlight the cells a person must check and say why.
Areas are numbers, dates are :class:`datetime.date`, parcel/sheet/ID numbers stay text.
Failed inputs get one row too (classification ``Lỗi đọc tệp``), so every input is counted.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import IO, Any

from digitize.export.items import ExportItem
from digitize.export.status import Classification, classify_row, field_needs_review
from digitize.fields.admin import convert_address
from digitize.model import Document, Field

MAX_LAND_USES = 3

COLUMNS: list[tuple[str, str]] = [
    ("ma_dvhc_xa", "Mã ĐVHC cấp xã"),
    ("so_phat_hanh", "Số phát hành GCN"),
    ("ngay_cap", "Ngày cấp GCN"),
    ("so_vao_so", "Số vào sổ GCN"),
    ("ten_to_chuc", "Tên tổ chức"),
    ("so_dinh_danh_to_chuc", "Số định danh tổ chức"),
    ("ho_ten", "Họ và tên chủ sử dụng"),
    ("ngay_sinh", "Ngày, tháng, năm sinh"),
    ("gioi_tinh", "Giới tính"),
    ("so_dinh_danh", "Số định danh cá nhân/CCCD"),
    ("dia_chi_thuong_tru", "Địa chỉ thường trú"),
    ("phap_nhan", "Pháp nhân trên GCN"),
    ("vai_tro", "Vai trò"),
    ("nguoi_hien_tai_ho_ten", "Họ tên người sử dụng hiện tại"),
    ("nguoi_hien_tai_cccd", "Số CCCD người sử dụng hiện tại"),
    ("nguoi_hien_tai_dia_chi", "Địa chỉ người sử dụng hiện tại (2 cấp)"),
    ("ly_do_thay_doi", "Lý do thay đổi"),
    ("ma_dinh_danh_thua_dat", "Mã định danh thửa đất"),
    ("so_to_ban_do", "Số tờ bản đồ"),
    ("so_thua", "Số thửa"),
    ("dia_chi_thua_dat", "Địa chỉ thửa đất"),
    ("dia_chi_thua_dat_2_cap", "Địa chỉ thửa đất (2 cấp)"),
    ("dien_tich", "Diện tích (m²)"),
]
for _k in range(1, MAX_LAND_USES + 1):
    COLUMNS += [
        (f"loai_dat_{_k}", f"Loại đất {_k}"),
        (f"dien_tich_{_k}", f"Diện tích {_k} (m²)"),
        (f"nguon_goc_{_k}", f"Nguồn gốc {_k}"),
        (f"hinh_thuc_{_k}", f"Hình thức {_k}"),
        (f"thoi_han_{_k}", f"Thời hạn {_k}"),
    ]
COLUMNS += [
    ("loai_tai_san", "Loại tài sản"),
    ("dien_tich_xay_dung", "Diện tích xây dựng (m²)"),
    ("dien_tich_san", "Diện tích sàn (m²)"),
    ("hinh_thuc_so_huu", "Hình thức sở hữu"),
    ("thoi_han_so_huu", "Thời hạn sở hữu"),
    ("cap_hang", "Cấp hạng"),
    ("file_gcn", "Tên file GCN"),
    ("file_giay_to", "Tên file giấy tờ"),
    ("phan_loai", "Phân loại"),
    # Ours, after the PL3 columns:
    ("tep_nguon", "Tệp nguồn"),
    ("ho_so", "Hồ sơ"),
    ("loai_giay_to", "Loại giấy tờ"),
    ("ly_do_kiem_tra", "Lý do cần kiểm tra"),
    ("truong_can_kiem_tra", "Trường cần kiểm tra"),
]
HEADERS = [h for _, h in COLUMNS]
KEYS = [k for k, _ in COLUMNS]
HEADER_OF = dict(COLUMNS)

NUMBER_KEYS = frozenset({"dien_tich", "dien_tich_xay_dung", "dien_tich_san",
                         *(f"dien_tich_{k}" for k in range(1, MAX_LAND_USES + 1))})
DATE_KEYS = frozenset({"ngay_cap", "ngay_sinh"})
GCN_SUFFIX = "-GCN.pdf"
GT_SUFFIX = "-GT.pdf"

CellValue = str | float | int | date | None


@dataclass
class Cell:
    """One spreadsheet cell: its typed value and the field it came from (None for derived cells)."""

    value: CellValue = None
    field: Field | None = None

    @property
    def flagged(self) -> bool:
        """Whether a person must look at this cell (its field needs review, conflicts or is unreadable)."""
        return self.field is not None and field_needs_review(self.field)


@dataclass
class Form01Row:
    """One Form 01 row: cells by column key, the item it came from and its classification."""

    item: ExportItem
    cells: dict[str, Cell] = field(default_factory=dict)
    classification: Classification | None = None

    def value(self, key: str) -> CellValue:
        """The typed value of column ``key`` (None when empty)."""
        cell = self.cells.get(key)
        return None if cell is None else cell.value


def serial_stem(document: Document | None) -> str | None:
    """The certificate serial as the campaign names files: ``so_phat_hanh`` without its space."""
    if document is None:
        return None
    f = document.field("so_phat_hanh")
    if f is None or f.value in (None, ""):
        return None
    return "".join(str(f.value).split())


def parse_iso_date(value: Any) -> date | None:
    """``2016-03-14`` -> date; anything else (a year alone, text) -> None."""
    if isinstance(value, date):
        return value
    if not isinstance(value, str):
        return None
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        return None


def _typed(key: str, value: Any) -> CellValue:
    if value is None or value == "":
        return None
    if key in NUMBER_KEYS:
        if isinstance(value, int | float) and not isinstance(value, bool):
            return float(value)
        try:
            return float(str(value).replace(",", "."))
        except ValueError:
            return str(value)
    if key in DATE_KEYS:
        parsed = parse_iso_date(value)
        if parsed is not None:
            return parsed
        text = str(value).strip()
        return int(text) if text.isdigit() and len(text) == 4 else text  # a birth year alone
    if isinstance(value, list | dict):
        return str(value)
    return value if isinstance(value, str | int | float) else str(value)


class _Cells:
    """Builds one row's cells from a document's fields (looked up by path)."""

    def __init__(self, document: Document) -> None:
        self.by_path = {f.path: f for f in document.fields}
        self.cells: dict[str, Cell] = {}

    def put(self, key: str, *paths: str) -> None:
        """The first of ``paths`` that has a value fills column ``key``; else the first field that exists."""
        found = [self.by_path[p] for p in paths if p in self.by_path]
        chosen = next((f for f in found if f.value not in (None, "") and f.status.value not in
                       ("not_found", "unreadable")), found[0] if found else None)
        value = None if chosen is None or chosen.status.value in ("not_found", "unreadable") else chosen.value
        self.cells[key] = Cell(_typed(key, value), chosen)

    def derived(self, key: str, value: CellValue) -> None:
        self.cells[key] = Cell(value, None)


def _indices(document: Document, prefix: str) -> list[int]:
    pattern = re.compile(re.escape(prefix) + r"\[(\d+)\]")
    found = {int(m.group(1)) for f in document.fields if (m := pattern.match(f.path))}
    return sorted(found)


def _land_use_indices(document: Document, parcel: int) -> list[int]:
    return _indices(document, f"thua_dat[{parcel}].muc_dich_su_dung")


def _document_rows(item: ExportItem) -> list[Form01Row]:
    document = item.document
    assert document is not None
    owners: list[int | None] = list(_indices(document, "chu_su_dung")) or [None]
    parcels: list[int | None] = list(_indices(document, "thua_dat")) or [None]
    assets = _indices(document, "tai_san")
    serial = serial_stem(document)
    has_cards = any(p.doc_type is not None and p.doc_type.is_id_card for p in document.pages)
    rows = []
    for j in parcels:
        for i in owners:
            c = _Cells(document)
            for key in ("so_phat_hanh", "ngay_cap", "so_vao_so", "phap_nhan"):
                c.put(key, key)
            o = f"chu_su_dung[{i}]"
            # A lone ID card: its own keys fill the owner columns.
            card = document.loai_tai_lieu.is_id_card
            c.put("ho_ten", f"{o}.ho_ten", *(["ho_ten"] if card else []))
            c.put("ngay_sinh", f"{o}.ngay_sinh", f"{o}.nam_sinh", *(["ngay_sinh"] if card else []))
            c.put("gioi_tinh", f"{o}.gioi_tinh", *(["gioi_tinh"] if card else []))
            c.put("so_dinh_danh", f"{o}.so_dinh_danh", f"{o}.so_giay_to", *(["so_dinh_danh"] if card else []))
            c.put("dia_chi_thuong_tru", f"{o}.dia_chi_thuong_tru", *(["noi_thuong_tru"] if card else []))
            c.put("vai_tro", f"{o}.vai_tro")
            p = f"thua_dat[{j}]"
            for key, leaf in (("so_to_ban_do", "so_to_ban_do"), ("so_thua", "so_thua"),
                              ("dia_chi_thua_dat", "dia_chi"), ("dien_tich", "dien_tich"),
                              ("ma_dinh_danh_thua_dat", "ma_dinh_danh")):
                c.put(key, f"{p}.{leaf}")
            address = c.cells["dia_chi_thua_dat"].value
            converted = convert_address(address) if isinstance(address, str) and address else None
            c.derived("ma_dvhc_xa", (converted.new_ward_code or None) if converted else None)
            c.derived("dia_chi_thua_dat_2_cap", (converted.two_level or None) if converted else None)
            uses = _land_use_indices(document, j) if j is not None else []
            for k, use in enumerate(uses[:MAX_LAND_USES], start=1):
                u = f"{p}.muc_dich_su_dung[{use}]"
                c.put(f"loai_dat_{k}", f"{u}.ten", f"{u}.ma")
                code = c.by_path.get(f"{u}.ma")
                name = c.cells[f"loai_dat_{k}"]
                if code is not None and code.value and isinstance(name.value, str) and name.value != code.value:
                    name.value = f"{code.value} {name.value}"
                if f"{u}.dien_tich" in c.by_path or len(uses) != 1:
                    c.put(f"dien_tich_{k}", f"{u}.dien_tich")
                else:  # one land use: the parcel's area is its area
                    c.put(f"dien_tich_{k}", f"{p}.dien_tich")
                c.put(f"nguon_goc_{k}", f"{p}.nguon_goc_su_dung")
                c.put(f"hinh_thuc_{k}", f"{p}.hinh_thuc_su_dung")
                c.put(f"thoi_han_{k}", f"{p}.thoi_han_su_dung")
            if assets:
                a = f"tai_san[{assets[0]}]"
                for key in ("dien_tich_xay_dung", "dien_tich_san", "hinh_thuc_so_huu", "thoi_han_so_huu", "cap_hang"):
                    c.put(key, f"{a}.{key}")
                c.put("loai_tai_san", f"{a}.loai")
            certificate = document.loai_tai_lieu.is_certificate
            c.derived("file_gcn", f"{serial}{GCN_SUFFIX}" if serial and certificate else None)
            c.derived("file_giay_to", f"{serial}{GT_SUFFIX}" if serial and has_cards else None)
            c.derived("tep_nguon", item.source)
            c.derived("ho_so", item.dossier)
            c.derived("loai_giay_to", document.loai_tai_lieu.value)
            row = Form01Row(item=item, cells=c.cells)
            row.classification = classify_row(document, owner=i, parcel=j)
            _fill_status(row)
            rows.append(row)
    return rows


def _fill_status(row: Form01Row) -> None:
    verdict = row.classification
    assert verdict is not None
    row.cells["phan_loai"] = Cell(verdict.label, None)
    row.cells["ly_do_kiem_tra"] = Cell("; ".join(verdict.reasons) or None, None)
    row.cells["truong_can_kiem_tra"] = Cell("; ".join(verdict.paths) or None, None)


def _failure_row(item: ExportItem) -> Form01Row:
    failure = item.failure
    assert failure is not None
    row = Form01Row(item=item, cells={
        "tep_nguon": Cell(item.source), "ho_so": Cell(item.dossier)})
    row.classification = Classification.failed(failure.code, failure.message)
    _fill_status(row)
    return row


def rows_for_item(item: ExportItem) -> list[Form01Row]:
    """The Form 01 rows of one item: one per parcel x owner (at least one), or one row for a failure."""
    if item.failure is not None:
        return [_failure_row(item)]
    return _document_rows(item)


def form01_rows(items: Iterable[ExportItem]) -> list[Form01Row]:
    """The Form 01 rows of all ``items``, in order."""
    return [row for item in items for row in rows_for_item(item)]


def rows_for(doc: Document) -> list[dict[str, CellValue]]:
    """Form 01 rows of one document as plain dicts (column key -> typed value)."""
    return [{k: row.value(k) for k in KEYS} for row in rows_for_item(ExportItem.of(doc))]


def write_csv(docs: Iterable[Document], stream: IO[str]) -> int:
    """Compatibility wrapper: Form 01 CSV of documents (see :func:`digitize.export.tabular.write_form01_csv`)."""
    from digitize.export.tabular import write_form01_csv

    return write_form01_csv([ExportItem.of(d) for d in docs], stream)


def write_xlsx(docs: Iterable[Document], path: Path) -> int:
    """Compatibility wrapper: Form 01 workbook of documents (see :func:`digitize.export.xlsx.write_form01_xlsx`)."""
    from digitize.export.xlsx import write_form01_xlsx

    return write_form01_xlsx([ExportItem.of(d) for d in docs], path)
