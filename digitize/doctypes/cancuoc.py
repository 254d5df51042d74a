"""Căn cước 2024: the identity card of the 2023 Identity Law (no "công dân" in its title, place of
residence and birth registration on the back); templates ``can_cuoc_2024_mat_truoc`` and
``can_cuoc_2024_mat_sau``."""

from __future__ import annotations

from digitize.doctypes.card_checks import card_check
from digitize.doctypes.card_fields import card_columns, card_mrz, card_name, card_number
from digitize.doctypes.common import CHIP_CARD_FRONT_EVIDENCE
from digitize.doctypes.family import Family, Rule
from digitize.model import DocType

FRONT_EVIDENCE: tuple[Rule, ...] = (
    (r"(?<!chung minh )can cuoc(?! cong dan)", 3.0),
    (r"identity card(?!.*citizen)", 1.0),
    (r"so\s*[a-z]{0,4}\s*danh\s*ca\s*n", 4.0),
    (r"personal\s*identification\s*n", 2.0),
    (r"ho,?\s*ch[a-z]{0,2}\s*d[a-z]{1,2}m\s*v[ao]\s*t[eo]n", 4.0),
    (r"surname\s*,?\s*middle", 2.0),
    (r"can cuoc cong dan", -6.0),
    (r"(?<![a-z])[i1t]?\s*[do0]vnm", -3.0),
)

BACK_EVIDENCE: tuple[Rule, ...] = (
    (r"(?<![a-z])[i1t]?\s*[do0]vnm", 4.0),
    (r"(?<![a-z])n[a-z]{0,2}\s*c[uw]\s*tr?u(?![a-z])", 3.0),
    (r"n[a-z]{0,2}\s*d[a-z]{2,3}\s*k[yi]\s*kh[a-z]{1,2}\s*s", 4.0),
    (r"place\s*o[a-z]?\s*birth", 1.5),
    (r"ngay\s*[,.]?\s*thang\s*[,.]?\s*[a-z]{2,4}\s*(cap|h[a-z]{1,2}t\s*han)", 3.0),
    (r"date\s*o[a-z]?\s*issue", 1.5),
    (r"(?<![a-z])bo\s*cong\s*an", 1.0),
    (r"ministry\s*of\s*public", 1.0),
    (r"dac\s*diem\s*nhan\s*dang", -3.0),
    (r"ngon\s*tro", -3.0),
)


FAMILY = Family(
    name="cancuoc",
    evidence={DocType.CAN_CUOC_2024_MAT_TRUOC: FRONT_EVIDENCE, DocType.CAN_CUOC_2024_MAT_SAU: BACK_EVIDENCE},
    exact_evidence={DocType.CAN_CUOC_2024_MAT_TRUOC: CHIP_CARD_FRONT_EVIDENCE},
    templates=("can_cuoc_2024_mat_truoc", "can_cuoc_2024_mat_sau"),
    extractors={"card_number": card_number, "card_name": card_name, "card_mrz": card_mrz},
    checks={"card": card_check},
    reading_orders={"card_columns": card_columns},
    sides={DocType.CAN_CUOC_2024_MAT_TRUOC: "mat_truoc", DocType.CAN_CUOC_2024_MAT_SAU: "mat_sau"},
)
