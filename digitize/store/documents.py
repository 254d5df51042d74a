"""Documents in the store: save a result, read it back, record a review with optimistic locking."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from digitize.engine import ReviewAction, apply_review
from digitize.model import Document, Field, FieldStatus
from digitize.store.models import DocumentRow, FieldRow, InputFile, InputStatus, ReviewRow

# Statuses a reviewer opens (the review queue, the "needs review" counts).
REVIEW_STATUSES = frozenset({FieldStatus.NEEDS_REVIEW.value, FieldStatus.CONFLICT.value,
                             FieldStatus.UNREADABLE.value})


class StaleReview(Exception):
    """Someone else changed the field since the reviewer loaded it (optimistic lock)."""


def _field_columns(field: Field) -> dict[str, Any]:
    return {
        "value": field.value,
        "raw": field.raw,
        "confidence": float(field.confidence),
        "status": field.status.value,
        "page": field.page,
        "box": field.box,
        "reasons": list(field.reasons),
    }


def save_document(session: Session, document: Document, *, input_id: int | None = None,
                  dossier_id: int | None = None, kind: str = "input") -> DocumentRow:
    """Insert or replace the document of an input (or of a dossier) with its flat fields."""
    row: DocumentRow | None = None
    if input_id is not None:
        row = session.scalars(select(DocumentRow).where(DocumentRow.input_id == input_id)).first()
    elif dossier_id is not None and kind == "dossier":
        row = session.scalars(select(DocumentRow).where(DocumentRow.dossier_id == dossier_id,
                                                        DocumentRow.kind == "dossier")).first()
    result = document.to_output(include_lines=True)
    if row is None:
        row = DocumentRow(kind=kind, input_id=input_id, dossier_id=dossier_id, source=document.source,
                          doc_type=document.loai_tai_lieu.value, result=result)
        session.add(row)
    else:
        row.source, row.doc_type, row.result = document.source, document.loai_tai_lieu.value, result
        row.version += 1
        row.fields.clear()
        session.flush()
    row.dossier_id = dossier_id if dossier_id is not None else row.dossier_id
    row.n_fields = len(document.fields)
    row.n_review = sum(1 for f in document.fields if f.status.value in REVIEW_STATUSES)
    row.fields.extend(FieldRow(path=f.path, **_field_columns(f)) for f in document.fields)
    session.flush()
    return row


def load_document(row: DocumentRow) -> Document:
    """The Document a row holds."""
    return Document.from_output(row.result)


def iter_documents(session: Session, *, statuses: Iterable[str] | None = None, dossier_id: int | None = None,
                   kind: str | None = None) -> Iterator[DocumentRow]:
    """Document rows in id order; ``statuses`` keeps those with at least one field of those statuses."""
    query = select(DocumentRow).order_by(DocumentRow.id)
    if dossier_id is not None:
        query = query.where(DocumentRow.dossier_id == dossier_id)
    if kind is not None:
        query = query.where(DocumentRow.kind == kind)
    wanted = set(statuses) if statuses is not None else None
    if wanted:
        query = query.where(DocumentRow.id.in_(select(FieldRow.document_id).where(FieldRow.status.in_(wanted))))
    yield from session.scalars(query.execution_options(yield_per=100))


def failed_inputs(session: Session) -> list[InputFile]:
    """Inputs that gave no document, with their error."""
    return list(session.scalars(select(InputFile).where(InputFile.status == InputStatus.FAILED)
                                .order_by(InputFile.path)))


def review_field(session: Session, document_id: int, path: str, value: Any, who: str, *,
                 action: ReviewAction | None = None, screen: str | None = None,
                 expected_version: int | None = None) -> Document:
    """Apply a reviewer's decision to a stored document and keep it in the audit trail.

    ``expected_version`` is the field's ``version`` the reviewer saw: when another reviewer
    changed the field since, :class:`StaleReview` is raised and nothing is written.  A
    value that is not valid for its field raises :class:`digitize.engine.ReviewRejected`.
    """
    row = session.get(DocumentRow, document_id, with_for_update=True)
    if row is None:
        raise KeyError(f"no document {document_id}")
    field_row = session.scalars(select(FieldRow).where(FieldRow.document_id == document_id,
                                                       FieldRow.path == path)).first()
    if field_row is None:
        raise KeyError(f"no field {path!r} in document {document_id}")
    if expected_version is not None and field_row.version != expected_version:
        raise StaleReview(f"field {path} was changed by someone else (version {field_row.version}, "
                          f"you saw {expected_version}): reload it")
    when = datetime.now(UTC)
    before = load_document(row)
    after = apply_review(before, path, value, who, action=action, screen=screen, when=when)
    reviewed = after.field(path)
    assert reviewed is not None and reviewed.review is not None
    for key, column in _field_columns(reviewed).items():
        setattr(field_row, key, column)
    field_row.version += 1
    row.result = after.to_output(include_lines=True)
    row.n_review = sum(1 for f in after.fields if f.status.value in REVIEW_STATUSES)
    row.version += 1
    session.add(ReviewRow(document_id=document_id, field_path=path, who=who, at=when,
                          action=reviewed.review.action, old_value=reviewed.review.old_value,
                          new_value=reviewed.review.new_value,
                          old_status=(reviewed.review.old_status.value if reviewed.review.old_status else None),
                          screen=screen))
    session.flush()
    return after
