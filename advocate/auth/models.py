"""Users and their server-side sessions."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from flask_babel import lazy_gettext as _l
from flask_login import UserMixin
from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from advocate.clock import utcnow
from advocate.extensions import db


class Role(StrEnum):
    """A user's one role; administration is a separate flag."""

    ADVOCATE = "advocate"
    SUPERVISOR = "supervisor"

    @property
    def label(self) -> str:
        """The translated name of the role."""
        return str({Role.ADVOCATE: _l("advocate"), Role.SUPERVISOR: _l("supervisor")}[self])

    @classmethod
    def choices(cls) -> list[tuple[str, str]]:
        """(value, label) pairs for a select field."""
        return [(r.value, r.label) for r in cls]


class User(UserMixin, db.Model):
    """An account: advocate or supervisor, optionally administrator."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(16), default=Role.ADVOCATE.value)
    is_admin: Mapped[bool] = mapped_column(default=False)
    active: Mapped[bool] = mapped_column(default=True)
    locale: Mapped[str | None] = mapped_column(String(8))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive users
        """Whether the account may log in."""
        return self.active

    @property
    def is_supervisor(self) -> bool:
        """Whether the user's role is supervisor."""
        return self.role == Role.SUPERVISOR

    @property
    def role_label(self) -> str:
        """The translated role, with administrator when the flag is set."""
        label = Role(self.role).label
        administrator = _l("administrator")
        return f"{label}, {administrator}" if self.is_admin else label


class UserSession(db.Model):
    """A login: revocable on the server, with idle and absolute expiry."""

    __tablename__ = "user_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column()
    ip: Mapped[str | None] = mapped_column(String(64))
    user_agent: Mapped[str | None] = mapped_column(String(255))


class TwoFactor(db.Model):
    """A user's TOTP second factor: the secret, encrypted with the identity keyring.

    `last_step` is the time-step of the last accepted code: a code is accepted once only, and
    never one older than the last, so a code seen over someone's shoulder cannot be replayed.
    """

    __tablename__ = "two_factor"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    secret_encrypted: Mapped[str] = mapped_column(Text)
    last_step: Mapped[int] = mapped_column(default=0)
    enrolled_at: Mapped[datetime] = mapped_column(default=utcnow)


class RecoveryCode(db.Model):
    """A single-use recovery code, stored as a SHA-256 hash (the code has 80 random bits)."""

    __tablename__ = "recovery_codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    used_at: Mapped[datetime | None] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class LoginFailure(db.Model):
    """A failed password or second-factor code, kept for the throttling window only."""

    __tablename__ = "login_failures"
    __table_args__ = (
        Index("ix_login_failures_username_at", "username", "at"),
        Index("ix_login_failures_ip_at", "ip", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(index=True)
    username: Mapped[str] = mapped_column(String(64))  # as typed, lower-cased: unknown names too
    ip: Mapped[str | None] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(16))  # "password" or "code"


class LoginLock(db.Model):
    """Logins refused for an account or from an address until a time."""

    __tablename__ = "login_locks"
    __table_args__ = (Index("ix_login_locks_scope_key_until", "scope", "key", "until"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    scope: Mapped[str] = mapped_column(String(16))  # "account" or "address"
    key: Mapped[str] = mapped_column(String(64))
    started_at: Mapped[datetime] = mapped_column()
    until: Mapped[datetime] = mapped_column(index=True)
