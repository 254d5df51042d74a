"""The store's tables (SQLAlchemy 2 declarative models).

One row per input file (``inputs``) and per page of it (``input_pages``: PDFs and
multi-page TIFFs are processed page by page, so a long file resumes where it stopped);
one ``documents`` row per finished input (its full JSON result) or per merged dossier,
with its fields flattened into ``fields`` for queues and filters; ``reviews`` keeps every
human decision (who, when, old, new).  The schema is created and changed by Alembic
migrations (``digitize/store/migrations``), never by ``create_all``.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import JSON, DateTime, Float, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


def utcnow() -> datetime:
    return datetime.now(UTC)


class Base(DeclarativeBase):
    """Every table of the store."""


class InputStatus:
    """Values of ``inputs.status`` and ``input_pages.status``."""

    PENDING = "pending"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


class Job(Base):
    """One run of ``digitize batch`` (or the web app's processing of one upload set)."""

    __tablename__ = "jobs"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(32), default="batch")
    started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    status: Mapped[str] = mapped_column(String(16), default="running")  # running | done | interrupted
    command: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)  # arguments, never file contents
    counts: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class Dossier(Base):
    """Certificate pages and the owners' ID cards that make one record (a folder, or a web upload set)."""

    __tablename__ = "dossiers"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(512))
    unit: Mapped[str | None] = mapped_column(String(128), index=True)  # commune/ward that owns it (access)
    status: Mapped[str] = mapped_column(String(16), default="open")  # open|processing|needs_review|done
    created_by: Mapped[str | None] = mapped_column(String(128))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)

    inputs: Mapped[list[InputFile]] = relationship(back_populates="dossier")

    __table_args__ = (UniqueConstraint("name", "unit", name="uq_dossier_name_unit"),)


class InputFile(Base):
    """One input file, identified by its path within the run's root and its content hash."""

    __tablename__ = "inputs"

    id: Mapped[int] = mapped_column(primary_key=True)
    path: Mapped[str] = mapped_column(String(2048), unique=True)  # relative to the input root (display name)
    location: Mapped[str] = mapped_column(String(4096))  # where the file is read from
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    size: Mapped[int] = mapped_column(Integer, default=0)
    media_type: Mapped[str] = mapped_column(String(64), default="")
    page_count: Mapped[int | None] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(16), default=InputStatus.PENDING, index=True)
    error_code: Mapped[str | None] = mapped_column(String(64))
    error: Mapped[str | None] = mapped_column(Text)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    seconds: Mapped[float] = mapped_column(Float, default=0.0)
    timings: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    job_id: Mapped[int | None] = mapped_column(ForeignKey("jobs.id"))
    dossier_id: Mapped[int | None] = mapped_column(ForeignKey("dossiers.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)

    dossier: Mapped[Dossier | None] = relationship(back_populates="inputs")
    pages: Mapped[list[InputPage]] = relationship(back_populates="input", cascade="all, delete-orphan",
                                                  order_by="InputPage.page_index")
    document: Mapped[DocumentRow | None] = relationship(back_populates="input", uselist=False)


class InputPage(Base):
    """One page of an input: the unit of work a worker processes."""

    __tablename__ = "input_pages"

    id: Mapped[int] = mapped_column(primary_key=True)
    input_id: Mapped[int] = mapped_column(ForeignKey("inputs.id", ondelete="CASCADE"))
    page_index: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(16), default=InputStatus.PENDING)
    error_code: Mapped[str | None] = mapped_column(String(64))
    error: Mapped[str | None] = mapped_column(Text)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    seconds: Mapped[float] = mapped_column(Float, default=0.0)
    result: Mapped[dict[str, Any] | None] = mapped_column(JSON)  # the page's Document output until merged

    input: Mapped[InputFile] = relationship(back_populates="pages")

    __table_args__ = (UniqueConstraint("input_id", "page_index", name="uq_input_page"),)


class DocumentRow(Base):
    """A finished result: of one input (``input_id``) or of a merged dossier (``kind='dossier'``)."""

    __tablename__ = "documents"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(16), default="input")  # input | dossier
    input_id: Mapped[int | None] = mapped_column(ForeignKey("inputs.id", ondelete="CASCADE"), unique=True)
    dossier_id: Mapped[int | None] = mapped_column(ForeignKey("dossiers.id"), index=True)
    source: Mapped[str] = mapped_column(String(2048))
    doc_type: Mapped[str] = mapped_column(String(32), index=True)
    result: Mapped[dict[str, Any]] = mapped_column(JSON)  # Document.to_output(include_lines=True)
    n_fields: Mapped[int] = mapped_column(Integer, default=0)
    n_review: Mapped[int] = mapped_column(Integer, default=0)  # fields a reviewer should open
    version: Mapped[int] = mapped_column(Integer, default=1)  # optimistic lock for reviews
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)

    input: Mapped[InputFile | None] = relationship(back_populates="document")
    fields: Mapped[list[FieldRow]] = relationship(back_populates="document", cascade="all, delete-orphan",
                                                  order_by="FieldRow.id")


class FieldRow(Base):
    """One field of a document, flat, for the review queue and filters."""

    __tablename__ = "fields"

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"))
    path: Mapped[str] = mapped_column(String(256))
    value: Mapped[Any] = mapped_column(JSON, nullable=True)
    raw: Mapped[str | None] = mapped_column(Text)
    confidence: Mapped[float] = mapped_column(Float, default=0.0)
    status: Mapped[str] = mapped_column(String(16), index=True)
    page: Mapped[int | None] = mapped_column(Integer)
    box: Mapped[list[Any] | None] = mapped_column(JSON)
    reasons: Mapped[list[Any]] = mapped_column(JSON, default=list)
    version: Mapped[int] = mapped_column(Integer, default=1)  # optimistic lock for reviews

    document: Mapped[DocumentRow] = relationship(back_populates="fields")

    __table_args__ = (
        UniqueConstraint("document_id", "path", name="uq_field_path"),
        Index("ix_fields_status_confidence", "status", "confidence"),
    )


class ReviewRow(Base):
    """Every human decision on a field: the audit trail."""

    __tablename__ = "reviews"

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), index=True)
    field_path: Mapped[str] = mapped_column(String(256))
    who: Mapped[str] = mapped_column(String(128))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    action: Mapped[str] = mapped_column(String(32))
    old_value: Mapped[Any] = mapped_column(JSON, nullable=True)
    new_value: Mapped[Any] = mapped_column(JSON, nullable=True)
    old_status: Mapped[str | None] = mapped_column(String(16))
    screen: Mapped[str | None] = mapped_column(String(64))
