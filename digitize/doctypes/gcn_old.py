"""GCN before 2009: the red-cover "Giấy chứng nhận quyền sử dụng đất" (one parcel table per
certificate); template ``gcn_truoc_2009``."""

from __future__ import annotations

from digitize.doctypes.family import Family, Rule
from digitize.doctypes.gcn_checks import gcn_checks
from digitize.doctypes.gcn_dateline import date_line
from digitize.doctypes.gcn_parcels import parcel_table, shared_parcel_attributes
from digitize.doctypes.gcn_people import authority, persons
from digitize.doctypes.gcn_registry import registry_beside_label
from digitize.model import DocType

EVIDENCE: tuple[Rule, ...] = (
    (r"giay chung nhan\s*quyen su dung dat(?![,\s]*quyen so huu)", 2.0),
    (r"duoc quyen su dung dat tai cac thua", 4.0),
    (r"vao so cap giay", 3.0),
    (r"(^|\n)\s*ong\s*\(\s*ba\s*\)", 2.0),
    (r"tong cuc quan ly ruong dat|tong cuc dia chinh", 4.0),
    (r"(^|\n)\s*(i|1)\s*[.)]?\s*ten nguoi su dung dat", 3.0),
    (r"(^|\n)\s*so do thua dat", 0.5),
    (r"quyen so huu", -2.0),
    (r"thong tin thua dat", -3.0),
)


FAMILY = Family(
    name="gcn_old",
    evidence={DocType.GCN_TRUOC_2009: EVIDENCE},
    templates=("gcn_truoc_2009",),
    extractors={"persons": persons, "authority": authority, "parcel_table": parcel_table, "date_line": date_line,
                "registry_beside_label": registry_beside_label},
    checks={"gcn": gcn_checks, "shared_parcel_attributes": shared_parcel_attributes},
)
