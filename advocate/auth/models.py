"""Users and their server-side sessions."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from flask_babel import lazy_gettext as _l
from flask_login import UserMixin
from sqlalchemy import ForeignKey, String
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
        return f"{label}, {_l('administrator')}" if self.is_admin else label


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
