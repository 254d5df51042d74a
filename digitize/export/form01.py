"""Form 01 (PL3) spreadsheet rows: one row per certificate x parcel x person.

The column order and Vietnamese headers follow the spreadsheet communes filled in the
2025 campaign (domain.md).  Values are text, as the office keys them; two review
columns say which fields a person must still look at.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from pathlib import Path
from typing import IO, Any

from digitize.fields.admin import convert_address
from digitize.model import Document, FieldStatus

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
    ("trang_thai", "Trạng thái kiểm tra"),
    ("truong_can_kiem_tra", "Trường cần kiểm tra"),
]
HEADERS = [h for _, h in COLUMNS]
KEYS = [k for k, _ in COLUMNS]


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.1f}".replace(".", ",")
    return str(value)


def _vn_date(iso: Any) -> str:
    """ISO date as the office writes it: dd/mm/yyyy."""
    text = _text(iso)
    parts = text.split("-")
    return f"{parts[2]}/{parts[1]}/{parts[0]}" if len(parts) == 3 else text


def rows_for(doc: Document) -> list[dict[str, str]]:
    """Form 01 rows of one result (one per parcel x owner; at least one row)."""
    record = doc.record
    owners = [o for o in (record.get("chu_su_dung") or []) if isinstance(o, dict)] or [{}]
    parcels = [p for p in (record.get("thua_dat") or []) if isinstance(p, dict)] or [{}]
    assets = [a for a in (record.get("tai_san") or []) if isinstance(a, dict)]
    review = sorted({f.path for f in doc.fields
                     if f.status in (FieldStatus.NEEDS_REVIEW, FieldStatus.CONFLICT, FieldStatus.UNREADABLE,
                                     FieldStatus.NOT_FOUND)})
    serial = _text(record.get("so_phat_hanh")).replace(" ", "")
    cards = [c for c in (record.get("giay_to_tuy_than") or []) if isinstance(c, dict)]
    rows = []
    for parcel in parcels:
        address = _text(parcel.get("dia_chi"))
        converted = convert_address(address) if address else None
        uses = [u for u in (parcel.get("muc_dich_su_dung") or []) if isinstance(u, dict)]
        for owner in owners:
            row = dict.fromkeys(KEYS, "")
            row.update({
                "ma_dvhc_xa": (converted.new_ward_code or "") if converted else "",
                "so_phat_hanh": _text(record.get("so_phat_hanh")),
                "ngay_cap": _vn_date(record.get("ngay_cap")),
                "so_vao_so": _text(record.get("so_vao_so")),
                "ho_ten": _text(owner.get("ho_ten")),
                "ngay_sinh": _vn_date(owner.get("ngay_sinh")) or _text(owner.get("nam_sinh")),
                "gioi_tinh": _text(owner.get("gioi_tinh")),
                "so_dinh_danh": _text(owner.get("so_dinh_danh") or owner.get("so_giay_to")),
                "dia_chi_thuong_tru": _text(owner.get("dia_chi_thuong_tru")),
                "phap_nhan": _text(record.get("phap_nhan")),
                "vai_tro": _text(owner.get("vai_tro")),
                "so_to_ban_do": _text(parcel.get("so_to_ban_do")),
                "so_thua": _text(parcel.get("so_thua")),
                "dia_chi_thua_dat": address,
                "dia_chi_thua_dat_2_cap": (converted.two_level or "") if converted else "",
                "dien_tich": _text(parcel.get("dien_tich")),
                "file_gcn": f"{serial}-GCN.pdf" if serial else "",
                "file_giay_to": f"{serial}-GT.pdf" if serial and cards else "",
                "phan_loai": doc.loai_tai_lieu.value,
                "trang_thai": "Cần kiểm tra" if review else "Đã đọc đủ",
                "truong_can_kiem_tra": "; ".join(review),
            })
            for k, use in enumerate(uses[:MAX_LAND_USES], start=1):
                row[f"loai_dat_{k}"] = " ".join(x for x in (_text(use.get("ma")), _text(use.get("ten"))) if x)
                row[f"dien_tich_{k}"] = _text(use.get("dien_tich") if use.get("dien_tich") is not None
                                              else (parcel.get("dien_tich") if len(uses) == 1 else None))
                row[f"nguon_goc_{k}"] = _text(parcel.get("nguon_goc_su_dung"))
                row[f"hinh_thuc_{k}"] = _text(parcel.get("hinh_thuc_su_dung"))
                row[f"thoi_han_{k}"] = _text(parcel.get("thoi_han_su_dung"))
            if assets:
                asset = assets[0]
                row.update({
                    "loai_tai_san": _text(asset.get("loai")),
                    "dien_tich_xay_dung": _text(asset.get("dien_tich_xay_dung")),
                    "dien_tich_san": _text(asset.get("dien_tich_san")),
                    "hinh_thuc_so_huu": _text(asset.get("hinh_thuc_so_huu")),
                    "thoi_han_so_huu": _text(asset.get("thoi_han_so_huu")),
                    "cap_hang": _text(asset.get("cap_hang")),
                })
            rows.append(row)
    return rows


def write_csv(docs: Iterable[Document], stream: IO[str]) -> int:
    """Form 01 rows as CSV (UTF-8 with BOM when written to a file, so Excel reads the accents)."""
    writer = csv.writer(stream)
    writer.writerow(HEADERS)
    count = 0
    for doc in docs:
        for row in rows_for(doc):
            writer.writerow([row[k] for k in KEYS])
            count += 1
    return count


def write_xlsx(docs: Iterable[Document], path: Path) -> int:
    """Form 01 rows as an Excel workbook; cells needing review are highlighted."""
    import xlsxwriter

    workbook = xlsxwriter.Workbook(str(path))
    try:
        sheet = workbook.add_worksheet("Mẫu 01")
        head = workbook.add_format({"bold": True, "text_wrap": True, "valign": "top", "bg_color": "#DDEBF7",
                                    "border": 1})
        text = workbook.add_format({"num_format": "@"})
        flagged = workbook.add_format({"num_format": "@", "bg_color": "#FCE4D6"})
        sheet.write_row(0, 0, HEADERS, head)
        sheet.freeze_panes(1, 0)
        row_index = 1
        for doc in docs:
            for row in rows_for(doc):
                needs = row["trang_thai"] != "Đã đọc đủ"
                for col, key in enumerate(KEYS):
                    fmt = flagged if needs and key in ("trang_thai", "truong_can_kiem_tra") else text
                    sheet.write_string(row_index, col, row[key], fmt)
                row_index += 1
        for col, (_, header) in enumerate(COLUMNS):
            sheet.set_column(col, col, max(12, min(40, len(header) + 2)))
    finally:
        workbook.close()
    return row_index - 1
