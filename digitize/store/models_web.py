"""Tables of the web app: accounts, server-side sessions, login attempts, field signals.

On the store's ``Base`` so one Alembic history covers them (migration ``0002w``).
Passwords are argon2 hashes; a session is known by the SHA-256 of its random token, so a
copy of the database does not let anyone in.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, DateTime, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from digitize.store.models import Base, utcnow


class Role:
    """Values of ``users.role``."""

    ADMIN = "admin"
    COLLECTOR = "collector"
    REVIEWER = "reviewer"
    ALL = ("admin", "collector", "reviewer")


class User(Base):
    """A person who signs in: a role and the unit (commune/ward) whose dossiers they see."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(128), unique=True)
    role: Mapped[str] = mapped_column(String(16))
    unit: Mapped[str | None] = mapped_column(String(128))
    password_hash: Mapped[str] = mapped_column(String(256))
    disabled: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class WebSession(Base):
    """A signed-in browser: the hash of its cookie token, its CSRF token and expiry."""

    __tablename__ = "web_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    csrf: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class LoginAttempt(Base):
    """One sign-in attempt (the user name as typed, the client address), for rate limiting."""

    __tablename__ = "login_attempts"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(128))
    ip: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    ok: Mapped[bool] = mapped_column(Boolean, default=False)

    __table_args__ = (Index("ix_login_attempts_name_at", "name", "at"), Index("ix_login_attempts_ip_at", "ip", "at"))


class FieldSignals(Base):
    """The confidence model's signals of a field as the engine produced it.

    ``Field.signals`` is not part of a document's JSON; the web app keeps them here when it
    saves a document so reviewed fields can refit the model (``calibrate --from-reviews``).
    """

    __tablename__ = "field_signals"

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), index=True)
    path: Mapped[str] = mapped_column(String(256))
    value: Mapped[Any] = mapped_column(JSON, nullable=True)  # the engine's value the signals describe
    signals: Mapped[list[float]] = mapped_column(JSON)
    n_model: Mapped[int] = mapped_column(Integer, default=0)  # len(signals), for a model-version check
