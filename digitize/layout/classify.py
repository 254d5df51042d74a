"""Document type and page role from the words printed on the page.

Each type collects weighted evidence (folded-text regexes: titles, section headings,
labels, the MRZ); the best-scoring type wins, and its margin over the runner-up gives
the confidence.  No evidence at all gives ``khac`` and a warning, not a guess.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from digitize.model import DocType

# (regex on folded text, weight).  Negative weights are evidence against.
_EVIDENCE: dict[DocType, list[tuple[str, float]]] = {
    DocType.GCN_2009_2014: [
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
    ],
    DocType.GCN_2024: [
        (r"quyen so huu tai san gan lien voi dat", 5.0),
        (r"thong tin thua dat", 4.0),
        (r"thong tin tai san gan lien voi dat", 3.0),
        (r"ma giay chung nhan", 3.0),
        (r"(?<![a-z])loai dat", 1.5),
        # Page 2 of the 2024 sheet: arabic-numbered sketch and changes sections.
        (r"(^|\n)\s*5\s*[.)]\s*so do thua dat", 4.0),
        (r"(^|\n)\s*6\s*[.)]\s*nhung thay doi sau khi cap", 4.0),
        (r"quyen so huu nha o va tai san khac", -5.0),
    ],
    DocType.GCN_TRUOC_2009: [
        (r"giay chung nhan\s*quyen su dung dat(?![,\s]*quyen so huu)", 2.0),
        (r"duoc quyen su dung dat tai cac thua", 4.0),
        (r"vao so cap giay", 3.0),
        (r"(^|\n)\s*ong\s*\(\s*ba\s*\)", 2.0),
        (r"tong cuc quan ly ruong dat|tong cuc dia chinh", 4.0),
        (r"(^|\n)\s*(i|1)\s*[.)]?\s*ten nguoi su dung dat", 3.0),
        (r"(^|\n)\s*so do thua dat", 0.5),
        (r"quyen so huu", -2.0),
        (r"thong tin thua dat", -3.0),
    ],
    # ID cards: titles, bilingual labels (Vietnamese and English halves score apart, so a card
    # whose title or one language is garbled still classifies) and the MRZ; OCR-tolerant
    # patterns as in the card templates.  Certificate wording counts against a card (a
    # certificate's owner line may spell out "căn cước công dân").
    DocType.CCCD_MAT_TRUOC: [
        (r"can cuoc cong dan", 6.0),
        (r"citizen identity card", 3.0),
        (r"c[o0]\s*g[a-z]{1,3}\s*tr?[a-z]{0,2}\s*den", 2.0),
        (r"(?<![a-z])qu[a-z]{0,2}\s*qu[a-z]n(?![a-z])", 1.5),
        (r"place\s*o[a-z]?\s*origin", 1.5),
        (r"(?<![a-z])n[a-z]{0,2}\s*th[a-z]{1,3}ng\s*tr?u(?![a-z])", 1.5),
        (r"(?<![a-z])h[o0]\s*v[ao]\s*t[eo]n", 1.0),
        (r"full\s*name", 1.0),
    ],
    DocType.CCCD_MAT_SAU: [
        (r"(?<![a-z])[i1t]?\s*[do0]vnm", 5.0),
        (r"dac\s*diem\s*nhan\s*dang", 4.0),
        (r"ngon\s*tro\s*(trai|phai)", 3.0),
        (r"(left|right)\s*index\s*f", 1.5),
        (r"cuc\s*truong\s*cuc\s*canh\s*sat", 2.0),
        (r"date\s*,?\s*month\s*,?\s*year", 1.5),
        (r"(?<![a-z])n[a-z]{0,2}\s*c[uw]\s*tr?u(?![a-z])", -3.0),
        (r"khai\s*sinh", -3.0),
    ],
    DocType.CAN_CUOC_2024_MAT_TRUOC: [
        (r"(?<!chung minh )can cuoc(?! cong dan)", 3.0),
        (r"identity card(?!.*citizen)", 1.0),
        (r"so\s*[a-z]{0,4}\s*danh\s*ca\s*n", 4.0),
        (r"personal\s*identification\s*n", 2.0),
        (r"ho,?\s*ch[a-z]{0,2}\s*d[a-z]{1,2}m\s*v[ao]\s*t[eo]n", 4.0),
        (r"surname\s*,?\s*middle", 2.0),
        (r"can cuoc cong dan", -6.0),
        (r"(?<![a-z])[i1t]?\s*[do0]vnm", -3.0),
    ],
    DocType.CAN_CUOC_2024_MAT_SAU: [
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
    ],
    DocType.CMND: [
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
    ],
}

# Labels every chip-card front carries (CCCD 2021 and Căn cước 2024; the old CMND has none of
# them), so a front whose title is garbled still tells itself from a certificate or a back.
_CARD_FRONT_COMMON = [
    (r"(?<![a-z])gi[a-z]{1,2}i\s*t[iy]nh", 1.0),
    (r"(?<![a-z])qu[a-z]{1,2}c\s*t[iy]ch", 1.0),
    (r"(?<![a-z])ngay\s*s[iy]nh", 0.5),
    (r"date\s*o[a-z]?\s*b[a-z]{2,5}", 1.0),
    (r"(?<![a-z])sex(?![a-z])", 0.5),
    (r"(?<![a-z])nation[a-z]{0,6}", 0.5),
]
_CARD_FRONTS = (DocType.CCCD_MAT_TRUOC, DocType.CAN_CUOC_2024_MAT_TRUOC)

_GCN_COMMON = [
    (r"giay chung nhan", 2.0),
    (r"quyen su dung dat", 2.0),
    (r"thua dat so", 2.0),
    (r"to ban do so", 2.0),
    (r"so vao so cap", 1.5),
    (r"so do thua dat", 2.0),
    (r"bang ke toa do", 2.0),
    (r"nhung thay doi sau khi cap", 2.0),
]

# Page roles by their section titles (numerals are what OCR reads worst).
_PAGE_ROLES = [
    ("trang_2", r"(^|\n)\s*5\s*[.)]\s*so do thua dat"),  # 2024: sketch on page 2
    ("trang_4", r"nhung thay doi sau khi cap|khong duoc sua chua,? tay xoa"),
    ("trang_3", r"so do thua dat"),
    ("trang_2", r"(^|\n)\s*[il1|]{1,3}\s*[.,)]?\s*thua dat,? nha o"),
    ("trang_1", r"nguoi su dung dat,? chu so huu|(^|\n)\s*[il1|]\s*[.,)]?\s*(nguoi su dung|ten nguoi)"),
]


@dataclass(frozen=True)
class Classification:
    doc_type: DocType
    confidence: float
    page_role: str | None
    scores: dict[str, float]


@lru_cache(maxsize=512)
def _approximate(pattern: str) -> Any:
    """``pattern`` allowing one OCR error per 12 letters (None below 12 letters)."""
    import regex

    letters = len(re.sub(r"\\[a-zA-Z]|\(\?[^)]*\)|\[[^\]]*\]|[^a-z]", "", pattern))
    if letters < 12:
        return None
    return regex.compile(f"(?:{pattern}){{e<={min(3, letters // 12)}}}")


def _found(pattern: str, folded: str) -> bool:
    if re.search(pattern, folded):
        return True
    approximate = _approximate(pattern)
    return approximate is not None and approximate.search(folded) is not None


def _score(folded: str, rules: list[tuple[str, float]], approximate: bool) -> float:
    # Evidence against a type must be read exactly: a garbled phrase is no proof of absence.
    return sum(weight for pattern, weight in rules
               if (_found(pattern, folded) if approximate and weight > 0 else re.search(pattern, folded)))


def _scores(folded: str, approximate: bool) -> dict[DocType, float]:
    gcn_base = _score(folded, _GCN_COMMON, approximate)
    scores: dict[DocType, float] = {}
    for doc_type, rules in _EVIDENCE.items():
        score = _score(folded, rules, approximate)
        if doc_type in _CARD_FRONTS:
            score += _score(folded, _CARD_FRONT_COMMON, approximate=False)
        scores[doc_type] = score + gcn_base if doc_type.is_certificate else score - gcn_base
    return scores


def classify_text(folded: str) -> Classification:
    """Classify a page from its folded text (see :class:`digitize.layout.reading.TextStream`)."""
    scores = _scores(folded, approximate=False)
    top = sorted(scores.values(), reverse=True)
    if top[0] < 6.0 or top[0] - top[1] < 3.0:
        # Exact wording left the type unclear: accept OCR errors in the long phrases.
        scores = _scores(folded, approximate=True)
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
            if _found(pattern, folded):
                role = name
                break
        if role is None and best == DocType.GCN_2024:
            role = "trang_1" if re.search(r"thong tin thua dat", folded) else None
    elif best in (DocType.CCCD_MAT_TRUOC, DocType.CAN_CUOC_2024_MAT_TRUOC, DocType.CMND):
        role = "mat_truoc"
    elif best in (DocType.CCCD_MAT_SAU, DocType.CAN_CUOC_2024_MAT_SAU):
        role = "mat_sau"
    return Classification(best, confidence, role, {k.value: v for k, v in scores.items()})
