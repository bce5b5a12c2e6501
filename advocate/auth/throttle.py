"""Login throttling: too many failures for one account or from one address pause logins.

State lives in the database (`login_failures`, `login_locks`), so every worker process sees the
same counts. On PostgreSQL a transaction-level advisory lock serialises the check and the count,
so parallel guesses cannot slip past the limit between them; SQLite writers are serialised by
the database lock already (a POST begins with BEGIN IMMEDIATE). Wrong passwords and wrong
second-factor codes count alike; attempts refused during a lock do not count, so a lock lasts
exactly its configured time and then starts from a clean slate.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app, has_request_context, request
from flask_babel import gettext as _
from sqlalchemy import delete, func, select, text

from advocate import clock
from advocate.audit.operations import record
from advocate.auth.models import LoginFailure, LoginLock
from advocate.extensions import db

THROTTLE_LOCK_ID = 7_004_202  # PostgreSQL advisory lock (the audit chain uses 7_004_201)
ACCOUNT, ADDRESS = "account", "address"


@dataclass(frozen=True)
class Lock:
    """An active lock: which scope caused it and when it lifts."""

    scope: str
    until: datetime

    def message(self) -> str:
        """The message shown on the login page."""
        minutes = max(1, math.ceil((self.until - clock.utcnow()).total_seconds() / 60))
        if self.scope == ACCOUNT:
            return _(
                "Too many failed attempts for this account. Logging in is paused for a while: "
                "try again in %(minutes)d minutes.", minutes=minutes,
            )
        return _(
            "Too many failed attempts from your network address. Logging in is paused for a "
            "while: try again in %(minutes)d minutes.", minutes=minutes,
        )


def normalise(username: str) -> str:
    """The account key: the user name as typed, stripped, lower-cased, at most 64 characters."""
    return username.strip().lower()[:64]


def client_ip() -> str | None:
    """The client's address (behind a proxy, configure ProxyFix so this is the real one)."""
    if not has_request_context() or not request.remote_addr:
        return None
    return request.remote_addr[:64]


def _serialise() -> None:
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": THROTTLE_LOCK_ID})


def _active_lock(scope: str, key: str | None, now: datetime) -> LoginLock | None:
    if key is None:
        return None
    return db.session.execute(
        select(LoginLock)
        .where(LoginLock.scope == scope, LoginLock.key == key, LoginLock.until > now)
        .order_by(LoginLock.until.desc())
        .limit(1)
    ).scalar_one_or_none()


def check(username: str, ip: str | None = None) -> Lock | None:
    """The lock that refuses this attempt, or None; a refusal is audited.

    Call first in the request that checks a password or code: it also takes the lock that
    serialises throttled logins on PostgreSQL until the transaction ends.
    """
    _serialise()
    ip = ip if ip is not None else client_ip()
    now = clock.utcnow()
    key = normalise(username)
    for scope, value in ((ACCOUNT, key), (ADDRESS, ip)):
        lock = _active_lock(scope, value, now)
        if lock is not None:
            record(
                "login.refused", object_type="user",
                reason=f"{scope} locked until {lock.until.isoformat(timespec='seconds')}; "
                f"user name {key!r}",
            )
            return Lock(scope, lock.until)
    return None


def _setting(name: str) -> int:
    return int(current_app.config[name])


def _failures_since(scope: str, value: str, now: datetime) -> int:
    """Failures in the window, not counting those before the last lock of this key lifted."""
    window_start = now - timedelta(minutes=_setting("LOGIN_THROTTLE_WINDOW_MINUTES"))
    last_lift = db.session.execute(
        select(func.max(LoginLock.until)).where(LoginLock.scope == scope, LoginLock.key == value)
    ).scalar_one_or_none()
    since = max(window_start, last_lift) if last_lift is not None else window_start
    column = LoginFailure.username if scope == ACCOUNT else LoginFailure.ip
    return db.session.execute(
        select(func.count())
        .select_from(LoginFailure)
        .where(column == value, LoginFailure.at >= since)
    ).scalar_one()


def record_failure(username: str, kind: str, ip: str | None = None) -> Lock | None:
    """Count a failed password or code; start a lock when a limit is reached and return it."""
    ip = ip if ip is not None else client_ip()
    now = clock.utcnow()
    key = normalise(username)
    _prune(now)
    db.session.add(LoginFailure(at=now, username=key, ip=ip, kind=kind))
    db.session.flush()
    started = None
    limits = (
        (ACCOUNT, key, _setting("LOGIN_THROTTLE_ACCOUNT_LIMIT")),
        (ADDRESS, ip, _setting("LOGIN_THROTTLE_ADDRESS_LIMIT")),
    )
    for scope, value, limit in limits:
        if value is None or _failures_since(scope, value, now) < limit:
            continue
        until = now + timedelta(minutes=_setting("LOGIN_THROTTLE_LOCK_MINUTES"))
        db.session.add(LoginLock(scope=scope, key=value, started_at=now, until=until))
        db.session.flush()
        record(
            "login.locked", object_type="user",
            reason=f"{limit} failed attempts for {scope} {value!r}; refused until "
            f"{until.isoformat(timespec='seconds')}",
        )
        started = started or Lock(scope, until)
    return started


def _prune(now: datetime) -> None:
    """Forget old failures and locks lifted a day ago; the audit log keeps the history."""
    window = timedelta(minutes=_setting("LOGIN_THROTTLE_WINDOW_MINUTES"))
    db.session.execute(delete(LoginFailure).where(LoginFailure.at < now - window))
    db.session.execute(delete(LoginLock).where(LoginLock.until < now - timedelta(days=1)))


def active_locks() -> list[LoginLock]:
    """Locks in force now (for the administrators' security page)."""
    now = clock.utcnow()
    return list(
        db.session.execute(
            select(LoginLock).where(LoginLock.until > now).order_by(LoginLock.until)
        ).scalars()
    )


def lift(lock_id: int, *, actor: object = None) -> LoginLock | None:
    """End early every active lock of the account or address of this lock (audited)."""
    now = clock.utcnow()
    lock = db.session.get(LoginLock, lock_id)
    if lock is None or lock.until <= now:
        return None
    for active in db.session.execute(
        select(LoginLock).where(
            LoginLock.scope == lock.scope, LoginLock.key == lock.key, LoginLock.until > now
        )
    ).scalars():
        active.until = now
    db.session.flush()
    record("login.unlock", object_type="user", reason=f"{lock.scope} {lock.key!r} unlocked early",
           actor=actor)
    return lock
