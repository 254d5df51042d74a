"""The classification column of a Form 01 row: is it fully read, or what must a person do.

A row is ``Đã đọc đủ`` (fully read) only when the document is a certificate, no page
asked for a retake, every required value of the row is there, and no field of the row
needs review, conflicts or is unreadable.  Otherwise the most pressing label wins:
failed file > unrecognised document > ID papers only > retake > needs review.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from digitize.model import DocType, Document, Field, FieldStatus

FULLY_READ = "Đã đọc đủ"
NEEDS_REVIEW = "Cần kiểm tra"
RETAKE = "Cần chụp lại"
ID_PAPERS_ONLY = "Chỉ có giấy tờ tùy thân, không có GCN"
UNRECOGNISED = "Không nhận ra giấy tờ"
FAILED = "Lỗi đọc tệp"

LABELS = (FULLY_READ, NEEDS_REVIEW, RETAKE, ID_PAPERS_ONLY, UNRECOGNISED, FAILED)
_SEVERITY = {label: rank for rank, label in enumerate(LABELS)}

REVIEW_STATUSES = frozenset({FieldStatus.NEEDS_REVIEW, FieldStatus.CONFLICT, FieldStatus.UNREADABLE})
ABSENT_STATUSES = frozenset({FieldStatus.NOT_FOUND, FieldStatus.UNREADABLE})

# Values every certificate row must carry (Form 01's mandatory fields that a certificate prints);
# {o} is the row's owner index, {p} its parcel index.
ROW_REQUIRED = ("so_phat_hanh", "ngay_cap", "so_vao_so", "chu_su_dung[{o}].ho_ten",
                "thua_dat[{p}].so_thua", "thua_dat[{p}].so_to_ban_do", "thua_dat[{p}].dia_chi",
                "thua_dat[{p}].dien_tich")

_INDEXED = re.compile(r"^(chu_su_dung|thua_dat)\[(\d+)\]")

STATUS_WORDS = {
    FieldStatus.NEEDS_REVIEW: "cần xem lại",
    FieldStatus.CONFLICT: "mâu thuẫn",
    FieldStatus.UNREADABLE: "không đọc được",
    FieldStatus.NOT_FOUND: "không tìm thấy",
}


def field_needs_review(f: Field) -> bool:
    """Whether a person must look at ``f`` (status needs_review, conflict or unreadable)."""
    return f.status in REVIEW_STATUSES


@dataclass
class Classification:
    """A row's label (one of :data:`LABELS`), the reasons in Vietnamese and the field paths concerned."""

    label: str = FULLY_READ
    reasons: list[str] = field(default_factory=list)
    paths: list[str] = field(default_factory=list)

    @property
    def fully_read(self) -> bool:
        """True only for :data:`FULLY_READ`."""
        return self.label == FULLY_READ

    def raise_to(self, label: str, reason: str, path: str | None = None) -> None:
        """Record ``reason``; the label becomes ``label`` if that is more pressing."""
        if _SEVERITY[label] > _SEVERITY[self.label]:
            self.label = label
        if reason not in self.reasons:
            self.reasons.append(reason)
        if path is not None and path not in self.paths:
            self.paths.append(path)

    @classmethod
    def failed(cls, code: str, message: str) -> Classification:
        """The classification of an input that gave no document."""
        return cls(label=FAILED, reasons=[f"{code}: {message}" if message else code])


def _belongs_to_row(path: str, owner: int | None, parcel: int | None) -> bool:
    m = _INDEXED.match(path)
    if m is None:
        return True
    index = int(m.group(2))
    wanted = owner if m.group(1) == "chu_su_dung" else parcel
    return index == (wanted if wanted is not None else 0)


def _present(f: Field | None) -> bool:
    return f is not None and f.status not in ABSENT_STATUSES and f.value not in (None, "", [])


def classify_row(document: Document, owner: int | None = None, parcel: int | None = None) -> Classification:
    """The classification of the row of ``document`` for owner index ``owner`` and parcel index ``parcel``."""
    verdict = Classification()
    doc_type = document.loai_tai_lieu
    if doc_type == DocType.KHAC or not document.pages:
        verdict.raise_to(UNRECOGNISED, "không nhận ra loại giấy tờ (không phải GCN hay giấy tờ tùy thân)")
    elif not doc_type.is_certificate:
        verdict.raise_to(ID_PAPERS_ONLY, f"chỉ có giấy tờ tùy thân ({doc_type.value}), không có trang GCN")
    for number, page in enumerate(document.pages, start=1):
        if page.quality.retake_recommended:
            flags = ", ".join(page.quality.flags) or "chất lượng ảnh"
            verdict.raise_to(RETAKE, f"trang {number} cần chụp lại ({flags})")
    by_path = {f.path: f for f in document.fields}
    if doc_type.is_certificate:
        o, p = owner if owner is not None else 0, parcel if parcel is not None else 0
        for template in ROW_REQUIRED:
            path = template.format(o=o, p=p)
            if not _present(by_path.get(path)):
                verdict.raise_to(NEEDS_REVIEW, f"thiếu {path}", path)
    for f in document.fields:
        if not _belongs_to_row(f.path, owner, parcel):
            continue
        if field_needs_review(f):
            verdict.raise_to(NEEDS_REVIEW, f"{f.path}: {STATUS_WORDS[f.status]}", f.path)
        elif f.status == FieldStatus.NOT_FOUND and f.reasons and doc_type.is_certificate:
            # A required field the pages did not give (digitize.pipeline.missing_required).
            verdict.raise_to(NEEDS_REVIEW, f"thiếu {f.path}", f.path)
    return verdict
