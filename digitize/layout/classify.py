"""Document type and page role from the words printed on the page.

Each type collects weighted evidence (folded-text regexes: titles, section headings,
labels, the MRZ); the best-scoring type wins, and its margin over the runner-up gives
the confidence.  No evidence at all gives ``khac`` and a warning, not a guess.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from digitize.model import DocType

# (regex on folded text, weight).  Negative weights are evidence against.
_EVIDENCE: dict[DocType, list[tuple[str, float]]] = {
    DocType.GCN_2009_2014: [
        (r"quyen so huu nha o va tai san khac gan lien voi dat", 6.0),
        (r"nguoi su dung dat,? chu so huu nha o", 3.0),
        (r"(^|\n)\s*ii\s*[.)]?\s*thua dat,? nha o", 4.0),
        (r"muc dich su dung", 1.5),
        (r"nguon goc su dung", 1.5),
        (r"rung san xuat la rung trong", 2.0),
        (r"(^|\n)\s*iii\s*[.)]?\s*so do thua dat", 3.0),
        (r"(^|\n)\s*iv\s*[.)]?\s*nhung thay doi sau khi cap", 3.0),
        (r"thong tin thua dat", -3.0),
        (r"ma giay chung nhan", -3.0),
    ],
    DocType.GCN_2024: [
        (r"quyen so huu tai san gan lien voi dat", 5.0),
        (r"thong tin thua dat", 4.0),
        (r"thong tin tai san gan lien voi dat", 3.0),
        (r"ma giay chung nhan", 3.0),
        (r"(?<![a-z])loai dat", 1.5),
        (r"quyen so huu nha o va tai san khac", -5.0),
    ],
    DocType.GCN_TRUOC_2009: [
        (r"giay chung nhan\s*quyen su dung dat(?!,? quyen so huu)", 2.0),
        (r"tong cuc quan ly ruong dat|tong cuc dia chinh", 4.0),
        (r"(^|\n)\s*(i|1)\s*[.)]?\s*ten nguoi su dung dat", 3.0),
        (r"(^|\n)\s*so do thua dat", 0.5),
        (r"quyen so huu", -2.0),
        (r"thong tin thua dat", -3.0),
    ],
    DocType.CCCD_MAT_TRUOC: [
        (r"can cuoc cong dan", 6.0),
        (r"citizen identity card", 3.0),
        (r"co gia tri den", 2.0),
        (r"que quan", 1.5),
        (r"noi thuong tru", 1.5),
    ],
    DocType.CCCD_MAT_SAU: [
        (r"idvnm", 5.0),
        (r"dac diem nhan dang", 4.0),
        (r"ngon tro (trai|phai)", 3.0),
        (r"cuc truong cuc canh sat", 2.0),
        (r"noi cu tru", -3.0),
    ],
    DocType.CAN_CUOC_2024_MAT_TRUOC: [
        (r"(?<!chung minh )can cuoc(?! cong dan)", 3.0),
        (r"identity card(?!.*citizen)", 1.0),
        (r"so dinh danh ca nhan", 4.0),
        (r"ho,? chu dem va ten khai sinh", 4.0),
        (r"can cuoc cong dan", -6.0),
    ],
    DocType.CAN_CUOC_2024_MAT_SAU: [
        (r"idvnm", 4.0),
        (r"noi cu tru", 3.0),
        (r"noi dang ky khai sinh", 4.0),
        (r"bo cong an", 1.0),
        (r"dac diem nhan dang", -3.0),
    ],
    DocType.CMND: [
        (r"chung minh nhan dan", 6.0),
        (r"nguyen quan", 2.0),
        (r"noi dkhk thuong tru|noi dang ky ho khau", 2.0),
    ],
}

_GCN_COMMON = [
    (r"giay chung nhan", 2.0),
    (r"quyen su dung dat", 2.0),
    (r"thua dat so", 2.0),
    (r"to ban do so", 2.0),
    (r"so vao so cap", 1.5),
]

_PAGE_ROLES = [
    ("trang_4", r"(^|\n)\s*iv\s*[.)]?\s*nhung thay doi"),
    ("trang_3", r"(^|\n)\s*iii\s*[.)]?\s*so do"),
    ("trang_2", r"(^|\n)\s*ii\s*[.)]?\s*thua dat"),
    ("trang_1", r"(^|\n)\s*i\s*[.)]?\s*(nguoi su dung|ten nguoi)"),
]


@dataclass(frozen=True)
class Classification:
    doc_type: DocType
    confidence: float
    page_role: str | None
    scores: dict[str, float]


def _score(folded: str, rules: list[tuple[str, float]]) -> float:
    return sum(weight for pattern, weight in rules if re.search(pattern, folded))


def classify_text(folded: str) -> Classification:
    """Classify a page from its folded text (see :class:`digitize.layout.reading.TextStream`)."""
    gcn_base = _score(folded, _GCN_COMMON)
    scores: dict[DocType, float] = {}
    for doc_type, rules in _EVIDENCE.items():
        score = _score(folded, rules)
        if doc_type.is_certificate:
            score += gcn_base
        scores[doc_type] = score
    ranked = sorted(scores.items(), key=lambda kv: kv[1], reverse=True)
    best, best_score = ranked[0]
    runner = ranked[1][1] if len(ranked) > 1 else 0.0
    if best_score < 3.0:
        return Classification(DocType.KHAC, 0.0, None, {k.value: v for k, v in scores.items()})
    # A certificate page without a title (page 2 of the 2009 form) still scores high on
    # the common labels; the generation-specific evidence decides between generations.
    confidence = max(0.0, min(1.0, (best_score - max(runner, 0.0)) / max(best_score, 1e-6)))
    confidence = 0.5 + 0.5 * confidence
    role = None
    if best.is_certificate:
        for name, pattern in _PAGE_ROLES:
            if re.search(pattern, folded):
                role = name
                break
        if role is None and best == DocType.GCN_2024:
            role = "trang_1" if re.search(r"thong tin thua dat", folded) else None
    elif best in (DocType.CCCD_MAT_TRUOC, DocType.CAN_CUOC_2024_MAT_TRUOC, DocType.CMND):
        role = "mat_truoc"
    elif best in (DocType.CCCD_MAT_SAU, DocType.CAN_CUOC_2024_MAT_SAU):
        role = "mat_sau"
    return Classification(best, confidence, role, {k.value: v for k, v in scores.items()})
