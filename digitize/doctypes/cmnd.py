"""CMND: the old 9- or 12-digit identity card ("Chứng minh nhân dân", no MRZ, no English);
template ``cmnd`` (front and back share it)."""

from __future__ import annotations

from digitize.doctypes.card_checks import card_check
from digitize.doctypes.card_fields import card_columns, card_number
from digitize.doctypes.family import Family, Rule
from digitize.model import DocType

EVIDENCE: tuple[Rule, ...] = (
    (r"chung minh nhan dan", 6.0),
    (r"(?<![a-z])nguy[a-z]{0,2}n\s*qu[a-z]{1,2}n", 2.0),
    (r"noi\s*dkhk|noi\s*dang\s*ky\s*h[o0]\s*khau", 2.0),
    (r"(?<![a-z])sinh\s*ngay", 1.0),
    # The back: ethnicity, religion, "dấu vết riêng và dị hình", issue date.
    (r"dau\s*vet\s*rieng", 4.0),
    (r"(?<![a-z])di\s*hinh", 2.0),
    (r"(?<![a-z])ton\s*giao", 1.5),
    (r"(?<![a-z])dan\s*toc", 1.0),
    (r"can cuoc", -2.0),
    (r"(?<![a-z])[i1t]?\s*[do0]vnm", -4.0),
    # English labels belong to the chip cards, never to the CMND
    (r"full\s*name|date\s*o[a-z]?\s*birth|(?<![a-z])sex(?![a-z])|nationality", -2.0),
)


FAMILY = Family(
    name="cmnd",
    evidence={DocType.CMND: EVIDENCE},
    templates=("cmnd",),
    extractors={"card_number": card_number},
    checks={"card": card_check},
    reading_orders={"card_columns": card_columns},
    sides={DocType.CMND: "mat_truoc"},
)
