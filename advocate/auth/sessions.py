"""Server-side sessions: a random token in the signed cookie, its hash in the database.

Flask's signed cookie cannot be revoked by itself; every request checks the token against
`user_sessions`, so logout, a password change, disabling a user or an administrator's "end
sessions" stop a copied cookie at once. The time of the last request is kept in the signed
cookie (a client cannot forge it) so that page views need no database write; an old copy of
the cookie carries an old time and expires on the idle timeout.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from flask import current_app, request, session
from flask_login import login_user, logout_user
from sqlalchemy import select, update

from advocate.auth.models import User, UserSession
from advocate.clock import utcnow
from advocate.extensions import db

TOUCH_EVERY = timedelta(seconds=60)  # write last_seen at most once a minute


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def start(user: User) -> UserSession:
    """Begin a fresh session for the user: new identifier, old cookie content discarded."""
    session.clear()
    token = secrets.token_urlsafe(32)
    record = UserSession(
        token_hash=_hash(token),
        user_id=user.id,
        ip=request.remote_addr,
        user_agent=(request.user_agent.string or "")[:255],
    )
    db.session.add(record)
    db.session.flush()
    session["sid"] = token
    session["seen"] = int(utcnow().timestamp())
    login_user(user, remember=False)
    return record


def current() -> UserSession | None:
    """The valid server-side session of this request, or None (expired, revoked, unknown)."""
    token = session.get("sid")
    if not isinstance(token, str):
        return None
    record = db.session.execute(
        select(UserSession).where(UserSession.token_hash == _hash(token))
    ).scalar_one_or_none()
    if record is None or record.revoked_at is not None:
        return None
    now = utcnow()
    idle = timedelta(minutes=current_app.config["SESSION_IDLE_MINUTES"])
    lifetime = timedelta(hours=current_app.config["SESSION_LIFETIME_HOURS"])
    seen = session.get("seen")
    if not isinstance(seen, int) or now.timestamp() - seen > idle.total_seconds():
        return None
    if now - record.created_at > lifetime:
        return None
    if now.timestamp() - seen > TOUCH_EVERY.total_seconds():
        session["seen"] = int(now.timestamp())
    if now - record.last_seen_at > TOUCH_EVERY and request.method not in {"GET", "HEAD"}:
        record.last_seen_at = now
    return record


def end() -> None:
    """Revoke this request's session on the server and clear the cookie."""
    record = current()
    if record is not None:
        record.revoked_at = utcnow()
    logout_user()
    session.clear()


def revoke_all(user: User, *, keep: UserSession | None = None) -> int:
    """Revoke every open session of the user (except `keep`); return how many."""
    query = update(UserSession).where(
        UserSession.user_id == user.id, UserSession.revoked_at.is_(None)
    )
    if keep is not None:
        query = query.where(UserSession.id != keep.id)
    result = db.session.execute(query.values(revoked_at=utcnow()))
    return result.rowcount or 0
