"""GCN 2024: the one-sheet certificate of Circular 10/2024 (QR code, 12-digit code, serial by
shape); template ``gcn_2024``."""

from __future__ import annotations

from digitize.doctypes.family import Family, Rule
from digitize.doctypes.gcn_checks import gcn_checks, gcn_qr
from digitize.doctypes.gcn_dateline import date_line
from digitize.doctypes.gcn_parcels import sketch
from digitize.doctypes.gcn_people import authority, persons
from digitize.doctypes.gcn_registry import registry_beside_label
from digitize.doctypes.gcn_serial import serial_by_shape
from digitize.model import DocType

EVIDENCE: tuple[Rule, ...] = (
    (r"quyen so huu tai san gan lien voi dat", 5.0),
    (r"thong tin thua dat", 4.0),
    (r"thong tin tai san gan lien voi dat", 3.0),
    (r"ma giay chung nhan", 3.0),
    (r"(?<![a-z])loai dat", 1.5),
    # Page 2 of the 2024 sheet: arabic-numbered sketch and changes sections.
    (r"(^|\n)\s*5\s*[.)]\s*so do thua dat", 4.0),
    (r"(^|\n)\s*6\s*[.)]\s*nhung thay doi sau khi cap", 4.0),
    (r"quyen so huu nha o va tai san khac", -5.0),
)

# Page 1 of the 2024 sheet when no section title told its role: its parcel section.
PAGE_1 = r"thong tin thua dat"

FAMILY = Family(
    name="gcn2024",
    evidence={DocType.GCN_2024: EVIDENCE},
    templates=("gcn_2024",),
    extractors={"persons": persons, "authority": authority, "sketch": sketch, "date_line": date_line,
                "serial_by_shape": serial_by_shape, "registry_beside_label": registry_beside_label},
    checks={"gcn": gcn_checks, "gcn_qr": gcn_qr},
    fallback_role=("trang_1", PAGE_1),
)
