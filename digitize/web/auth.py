"""Accounts, passwords, server-side sessions, CSRF and sign-in rate limits.

A session is a random token in an HttpOnly, SameSite=Lax cookie (Secure behind TLS); the
database keeps only its SHA-256, with the session's CSRF token and expiry.  Passwords are
argon2 hashes.  Sign-in attempts are counted per user name and per client address.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from digitize.store.models_web import LoginAttempt, Role, User, WebSession

SESSION_COOKIE = "digitize_session"
SESSION_HOURS = 12
TOKEN_BYTES = 32
RATE_WINDOW = timedelta(minutes=15)
MAX_FAILURES_PER_USER = 5  # failed sign-ins per user name within RATE_WINDOW
MAX_FAILURES_PER_IP = 20  # failed sign-ins per client address within RATE_WINDOW
MIN_PASSWORD_LENGTH = 8

_hasher = PasswordHasher()
# Verified against when the user does not exist, so a wrong name costs the same time as a wrong password.
_DUMMY_HASH = _hasher.hash("not a password of anyone")


class AuthError(Exception):
    """Sign-in refused; the message is for the person signing in (Vietnamese)."""


class RateLimited(AuthError):
    """Too many failed sign-ins for this name or address."""


@dataclass(frozen=True)
class Principal:
    """The signed-in user as the request handlers see them."""

    user_id: int
    name: str
    role: str
    unit: str | None
    csrf: str

    @property
    def is_admin(self) -> bool:
        return self.role == Role.ADMIN

    def can_see_unit(self, unit: str | None) -> bool:
        """An admin sees every unit; anyone else their own unit only."""
        return self.is_admin or (self.unit is not None and unit == self.unit)


def hash_password(password: str) -> str:
    """The argon2 hash of ``password`` (refuses one shorter than MIN_PASSWORD_LENGTH)."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ValueError(f"the password must have at least {MIN_PASSWORD_LENGTH} characters")
    return _hasher.hash(password)


def verify_password(stored_hash: str, password: str) -> bool:
    """Whether ``password`` matches ``stored_hash``."""
    try:
        return _hasher.verify(stored_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def token_hash(token: str) -> str:
    """What the database keeps of a session token."""
    return hashlib.sha256(token.encode()).hexdigest()


def add_user(session: Session, name: str, role: str, unit: str | None, password: str) -> User:
    """Create an account; an admin may have no unit, anyone else must have one."""
    if role not in Role.ALL:
        raise ValueError(f"role must be one of {', '.join(Role.ALL)}")
    if role != Role.ADMIN and not unit:
        raise ValueError("a collector or reviewer needs a unit (commune/ward)")
    if session.scalars(select(User).where(User.name == name)).first() is not None:
        raise ValueError("a user with this name exists")
    user = User(name=name, role=role, unit=unit or None, password_hash=hash_password(password))
    session.add(user)
    session.flush()
    return user


def set_password(session: Session, name: str, password: str) -> None:
    """Change a user's password and end their sessions."""
    user = _user(session, name)
    user.password_hash = hash_password(password)
    end_sessions(session, user.id)


def disable_user(session: Session, name: str) -> None:
    """Disable an account: it can no longer sign in and its sessions end now."""
    user = _user(session, name)
    user.disabled = True
    end_sessions(session, user.id)


def _user(session: Session, name: str) -> User:
    user = session.scalars(select(User).where(User.name == name)).first()
    if user is None:
        raise ValueError("no such user")
    return user


def end_sessions(session: Session, user_id: int) -> None:
    """Delete every session of a user."""
    session.execute(delete(WebSession).where(WebSession.user_id == user_id))


def _failures(session: Session, column: Any, value: str, since: datetime) -> int:
    query = select(func.count(LoginAttempt.id)).where(column == value, LoginAttempt.at >= since,
                                                      LoginAttempt.ok.is_(False))
    return int(session.scalar(query) or 0)


def sign_in(session: Session, name: str, password: str, ip: str) -> tuple[str, WebSession]:
    """Check a user's password and open a session: (cookie token, session row).

    Raises :class:`RateLimited` after too many recent failures for the name or the address
    and :class:`AuthError` for a wrong name/password or a disabled account.
    """
    now = datetime.now(UTC)
    since = now - RATE_WINDOW
    name = name.strip()[:128]
    if (_failures(session, LoginAttempt.name, name, since) >= MAX_FAILURES_PER_USER
            or _failures(session, LoginAttempt.ip, ip, since) >= MAX_FAILURES_PER_IP):
        raise RateLimited("Đăng nhập sai quá nhiều lần. Vui lòng thử lại sau 15 phút.")
    user = session.scalars(select(User).where(User.name == name)).first()
    ok = verify_password(user.password_hash if user is not None else _DUMMY_HASH, password)
    ok = ok and user is not None and not user.disabled
    session.add(LoginAttempt(name=name, ip=ip[:64], at=now, ok=ok))
    if not ok or user is None:
        session.flush()
        raise AuthError("Tên đăng nhập hoặc mật khẩu không đúng.")
    token = secrets.token_urlsafe(TOKEN_BYTES)
    row = WebSession(token_hash=token_hash(token), user_id=user.id, csrf=secrets.token_urlsafe(TOKEN_BYTES),
                     created_at=now, expires_at=now + timedelta(hours=SESSION_HOURS))
    session.add(row)
    session.flush()
    return token, row


def principal_for(session: Session, token: str | None) -> Principal | None:
    """The user a cookie token signs in, or None (unknown, expired, or disabled account)."""
    if not token:
        return None
    row = session.scalars(select(WebSession).where(WebSession.token_hash == token_hash(token))).first()
    if row is None:
        return None
    expires = row.expires_at if row.expires_at.tzinfo else row.expires_at.replace(tzinfo=UTC)
    if expires <= datetime.now(UTC):
        return None
    user = session.get(User, row.user_id)
    if user is None or user.disabled:
        return None
    return Principal(user_id=user.id, name=user.name, role=user.role, unit=user.unit, csrf=row.csrf)


def sign_out(session: Session, token: str | None) -> None:
    """End the session a cookie token belongs to."""
    if token:
        session.execute(delete(WebSession).where(WebSession.token_hash == token_hash(token)))


def csrf_ok(principal: Principal, submitted: str | None) -> bool:
    """Whether a submitted CSRF token is the session's (constant-time)."""
    return bool(submitted) and hmac.compare_digest(principal.csrf, str(submitted))
