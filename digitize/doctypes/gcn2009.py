"""GCN 2009/2014: the "Giấy chứng nhận quyền sử dụng đất, quyền sở hữu nhà ở và tài sản khác gắn
liền với đất" (Circulars 17/2009 and 23/2014), four pages; template ``gcn_2009_2014``."""

from __future__ import annotations

from digitize.doctypes.family import Family, Rule
from digitize.doctypes.gcn_checks import gcn_checks
from digitize.doctypes.gcn_dateline import date_line
from digitize.doctypes.gcn_parcels import parcel_table, shared_parcel_attributes, sketch
from digitize.doctypes.gcn_people import authority, persons
from digitize.doctypes.gcn_registry import registry_beside_label
from digitize.model import DocType

EVIDENCE: tuple[Rule, ...] = (
    (r"quyen so huu nha o va tai san khac gan lien voi dat", 6.0),
    (r"nguoi su dung dat,? chu so huu nha o", 3.0),
    (r"(^|\n)\s*[il1|]{1,3}\s*[.,)]?\s*thua dat,? nha o", 4.0),
    (r"muc dich su dung", 1.5),
    (r"nguon goc su dung", 1.5),
    (r"rung san xuat la rung trong", 2.0),
    # Roman section numbers (OCR reads III as II, Ill, 11...) before the sketch and changes pages.
    (r"(^|\n)\s*[il1|]{1,3}\s*[.,)]?\s*so do thua dat", 3.0),
    (r"(^|\n)\s*[il1|]?\s*[vy]\s*[.,)]?\s*nhung thay doi sau khi cap", 3.0),
    # The notice at the foot of page 4 (the page is otherwise a blank changes table).
    (r"khong duoc sua chua,? tay xoa", 3.0),
    (r"khai bao ngay voi co quan cap", 2.0),
    (r"thong tin thua dat", -3.0),
    (r"ma giay chung nhan", -3.0),
)


FAMILY = Family(
    name="gcn2009",
    evidence={DocType.GCN_2009_2014: EVIDENCE},
    templates=("gcn_2009_2014",),
    extractors={"persons": persons, "authority": authority, "sketch": sketch, "parcel_table": parcel_table,
                "date_line": date_line, "registry_beside_label": registry_beside_label},
    checks={"gcn": gcn_checks, "shared_parcel_attributes": shared_parcel_attributes},
)
