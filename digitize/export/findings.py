"""Rows of the side sheets: failed inputs, conflicts and duplicates, and the review audit.

Conflicts come from fields with status ``conflict`` (a certificate and an ID card, or two
readers, disagree); duplicates and dossier problems from the documents' warnings (written
by :mod:`digitize.dossier`), plus certificates of the exported set that share a serial.
The audit lists every field a person reviewed (:attr:`digitize.model.Field.review`).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from digitize.export.form01 import serial_stem
from digitize.export.items import ExportItem
from digitize.model import FieldStatus

CONFLICT = "Mâu thuẫn"
DUPLICATE = "Trùng lặp"
DOSSIER = "Hồ sơ"

# Document warnings (English, from digitize.dossier) that the conflicts sheet reports.
DUPLICATE_MARKERS = ("duplicate",)
DOSSIER_MARKERS = ("belongs to another certificate", "matches no owner", "has no matching ID card", "differs")

FAILURE_HEADERS = ["Tệp nguồn", "Hồ sơ", "Mã lỗi", "Thông báo lỗi"]
FINDING_HEADERS = ["Tệp nguồn", "Hồ sơ", "Loại", "Trường", "Giá trị", "Giá trị khác", "Chi tiết"]
AUDIT_HEADERS = ["Tệp nguồn", "Hồ sơ", "Trường", "Người kiểm tra", "Thời điểm (UTC)", "Thao tác",
                 "Giá trị cũ", "Giá trị mới", "Trạng thái cũ", "Màn hình"]


@dataclass(frozen=True)
class Finding:
    """One line of the conflicts and duplicates sheet."""

    source: str
    dossier: str | None
    kind: str
    path: str | None
    value: str | None
    other: str | None
    detail: str


def plain(value: Any) -> str | None:
    """A field value as sheet text (lists and dicts as JSON)."""
    if value is None:
        return None
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def failure_rows(items: Iterable[ExportItem]) -> list[list[str | None]]:
    """Source, dossier, error code and message of every failed input."""
    return [[item.source, item.dossier, item.failure.code, item.failure.message]
            for item in items if item.failure is not None]


def findings(items: Iterable[ExportItem]) -> list[Finding]:
    """Conflicting fields, duplicate and dossier warnings, and certificates sharing a serial."""
    out: list[Finding] = []
    by_serial: dict[str, list[ExportItem]] = {}
    for item in items:
        doc = item.document
        if doc is None:
            continue
        for f in doc.fields:
            if f.status == FieldStatus.CONFLICT:
                others = "; ".join(p for p in (plain(a) for a in f.alternatives) if p) or None
                out.append(Finding(item.source, item.dossier, CONFLICT, f.path, plain(f.value), others,
                                   "; ".join(f.reasons)))
        for warning in doc.warnings:
            lowered = warning.lower()
            if any(m in lowered for m in DUPLICATE_MARKERS):
                out.append(Finding(item.source, item.dossier, DUPLICATE, None, None, None, warning))
            elif any(m in lowered for m in DOSSIER_MARKERS):
                out.append(Finding(item.source, item.dossier, DOSSIER, None, None, None, warning))
        serial = serial_stem(doc)
        if serial and doc.loai_tai_lieu.is_certificate:
            by_serial.setdefault(serial, []).append(item)
    for serial, group in by_serial.items():
        sources = [i.source for i in group]
        if len(set(sources)) < 2:
            continue
        for item in group:
            others = ", ".join(s for s in sources if s != item.source)
            out.append(Finding(item.source, item.dossier, DUPLICATE, "so_phat_hanh", serial, others,
                               "cùng số phát hành với tệp khác trong lần xuất này (same serial)"))
    return out


def finding_rows(items: Iterable[ExportItem]) -> list[list[str | None]]:
    """:func:`findings` as sheet rows in :data:`FINDING_HEADERS` order."""
    return [[f.source, f.dossier, f.kind, f.path, f.value, f.other, f.detail] for f in findings(items)]


def audit_rows(items: Iterable[ExportItem]) -> list[list[Any]]:
    """Every reviewed field: source, dossier, path, who, when (naive UTC), action, old, new, old status, screen."""
    rows: list[list[Any]] = []
    for item in items:
        if item.document is None:
            continue
        for f in item.document.fields:
            review = f.review
            if review is None:
                continue
            when = review.when
            if when.tzinfo is not None:
                when = when.astimezone(UTC).replace(tzinfo=None)
            rows.append([item.source, item.dossier, f.path, review.who, when, review.action,
                         plain(review.old_value), plain(review.new_value),
                         review.old_status.value if review.old_status else None, review.screen])
    rows.sort(key=lambda r: (r[4] if isinstance(r[4], datetime) else datetime.min, r[0], r[2]))
    return rows
