"""CCCD: the citizen identity card of 2016 and its 2021 chip version (MRZ on the back, QR code on
the front); templates ``cccd_mat_truoc`` and ``cccd_mat_sau``."""

from __future__ import annotations

from digitize.doctypes.card_checks import card_check
from digitize.doctypes.card_fields import card_columns, card_mrz, card_name, card_number
from digitize.doctypes.common import CHIP_CARD_FRONT_EVIDENCE
from digitize.doctypes.family import Family, Rule
from digitize.model import DocType

# ID cards: titles, bilingual labels (Vietnamese and English halves score apart, so a card
# whose title or one language is garbled still classifies) and the MRZ; OCR-tolerant
# patterns as in the card templates.  Certificate wording counts against a card (a
# certificate's owner line may spell out "căn cước công dân").
FRONT_EVIDENCE: tuple[Rule, ...] = (
    (r"can cuoc cong dan", 6.0),
    (r"citizen identity card", 3.0),
    (r"c[o0]\s*g[a-z]{1,3}\s*tr?[a-z]{0,2}\s*den", 2.0),
    (r"(?<![a-z])qu[a-z]{0,2}\s*qu[a-z]n(?![a-z])", 1.5),
    (r"place\s*o[a-z]?\s*origin", 1.5),
    (r"(?<![a-z])n[a-z]{0,2}\s*th[a-z]{1,3}ng\s*tr?u(?![a-z])", 1.5),
    (r"(?<![a-z])h[o0]\s*v[ao]\s*t[eo]n", 1.0),
    (r"full\s*name", 1.0),
)

BACK_EVIDENCE: tuple[Rule, ...] = (
    (r"(?<![a-z])[i1t]?\s*[do0]vnm", 5.0),
    (r"dac\s*diem\s*nhan\s*dang", 4.0),
    (r"ngon\s*tro\s*(trai|phai)", 3.0),
    (r"(left|right)\s*index\s*f", 1.5),
    (r"cuc\s*truong\s*cuc\s*canh\s*sat", 2.0),
    (r"date\s*,?\s*month\s*,?\s*year", 1.5),
    (r"(?<![a-z])n[a-z]{0,2}\s*c[uw]\s*tr?u(?![a-z])", -3.0),
    (r"khai\s*sinh", -3.0),
)


FAMILY = Family(
    name="cccd",
    evidence={DocType.CCCD_MAT_TRUOC: FRONT_EVIDENCE, DocType.CCCD_MAT_SAU: BACK_EVIDENCE},
    exact_evidence={DocType.CCCD_MAT_TRUOC: CHIP_CARD_FRONT_EVIDENCE},
    templates=("cccd_mat_truoc", "cccd_mat_sau"),
    extractors={"card_number": card_number, "card_name": card_name, "card_mrz": card_mrz},
    checks={"card": card_check},
    reading_orders={"card_columns": card_columns},
    sides={DocType.CCCD_MAT_TRUOC: "mat_truoc", DocType.CCCD_MAT_SAU: "mat_sau"},
)
