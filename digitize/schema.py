"""JSON Schema of a result: the public output keys of domain.md, typed.

``record`` nests the values; ``fields`` lists each value with its evidence.  The record
models here document the keys; a result carries only the keys its document has.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from digitize.model import SCHEMA_VERSION, DocType
from digitize.model import Field as ResultField
from digitize.model import Page as PageModel


class _Open(BaseModel):
    model_config = ConfigDict(extra="allow")


class MucDichSuDung(_Open):
    ten: str | None = Field(None, description="Land use (2024: 'Loại đất') as printed, NFC")
    ma: str | None = Field(None, description="Circular 08/2024 code, e.g. ONT")
    dien_tich: float | None = Field(None, description="Area of this use in m²")


class ThuaDat(_Open):
    so_thua: str | None = Field(None, description="Parcel number, as printed (string, leading zeros kept)")
    so_to_ban_do: str | None = Field(None, description="Map sheet number, as printed")
    dia_chi: str | None = Field(None, description="Parcel address as printed")
    dien_tich: float | None = Field(None, description="Area in m²")
    hinh_thuc_su_dung: str | None = None
    muc_dich_su_dung: list[MucDichSuDung] | None = None
    thoi_han_su_dung: str | None = None
    nguon_goc_su_dung: str | None = None


class ChuSuDung(_Open):
    ho_ten: str | None = None
    nam_sinh: str | None = None
    ngay_sinh: str | None = Field(None, description="ISO date")
    gioi_tinh: str | None = Field(None, description="'Nam' or 'Nữ'")
    loai_giay_to: str | None = Field(None, description="CCCD, CMND or Căn cước")
    so_giay_to: str | None = Field(None, description="Digits only")
    dia_chi_thuong_tru: str | None = None
    dia_chi_2_cap: str | None = Field(None, description="Address in the 2025 two-level units")


class TaiSan(_Open):
    loai: str | None = None
    dien_tich_xay_dung: float | None = None
    dien_tich_san: float | None = None
    hinh_thuc_so_huu: str | None = None
    thoi_han_so_huu: str | None = None
    cap_hang: str | None = None


class Record(_Open):
    """Certificate keys and ID-card keys; only those of the document's type are present."""

    so_phat_hanh: str | None = Field(None, description="Certificate serial, 'DP 947330' / 'AA 01085158'")
    ma_gcn: str | None = None
    so_vao_so: str | None = Field(None, description="Registry number without internal spaces, 'CS05494'")
    ngay_cap: str | None = Field(None, description="Issue date, ISO")
    noi_cap: str | None = None
    co_quan_cap: str | None = None
    chu_su_dung: list[ChuSuDung] | None = None
    thua_dat: list[ThuaDat] | None = None
    tai_san: list[TaiSan] | None = None
    ghi_chu: str | None = None
    so_dinh_danh: str | None = None
    ho_ten: str | None = None
    ngay_sinh: str | None = None
    gioi_tinh: str | None = None
    quoc_tich: str | None = None
    que_quan: str | None = None
    noi_thuong_tru: str | None = None
    noi_dang_ky_khai_sinh: str | None = None
    ngay_het_han: str | None = None
    mrz: str | None = None
    qr: str | None = None


class Result(BaseModel):
    """What ``digitize extract`` writes for one input."""

    schema_version: str = SCHEMA_VERSION
    source: str
    loai_tai_lieu: DocType
    record: Record
    fields: list[ResultField]
    pages: list[PageModel]
    warnings: list[str]
    timings: dict[str, float]
    backend: str


def result_schema() -> dict[str, Any]:
    return Result.model_json_schema(mode="serialization")
