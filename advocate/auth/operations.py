"""Account operations: the only code that changes users. Each checks, changes, audits, flushes."""

from __future__ import annotations

import re

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import func, select

from advocate.audit.operations import record
from advocate.auth import sessions
from advocate.auth.models import Role, User
from advocate.auth.passwords import burn_time, hash_password, password_problems, verify_password
from advocate.extensions import db

USERNAME_RE = re.compile(r"^[a-z0-9][a-z0-9._-]{2,63}$")


class AccountError(ValueError):
    """A refused account change; the message is for the user."""


def find_user(username: str) -> User | None:
    """The user with this name (case-insensitive), or None."""
    return db.session.execute(
        select(User).where(func.lower(User.username) == username.strip().lower())
    ).scalar_one_or_none()


def check_new_password(password: str, username: str) -> None:
    """Raise AccountError listing every problem with the new password."""
    problems = password_problems(password, username, current_app.config["PASSWORD_MIN_LENGTH"])
    if problems:
        raise AccountError(" ".join(problems))


def create_user(
    username: str, role: str, password: str, *, is_admin: bool = False, actor: User | None = None
) -> User:
    """Create an account after checking the name, the role and the password."""
    username = username.strip().lower()
    if not USERNAME_RE.match(username):
        raise AccountError(
            _("A user name has 3–64 characters: lower-case letters, digits, dot, dash, underscore.")
        )
    if role not in {r.value for r in Role}:
        raise AccountError(_("Unknown role: %(role)s.", role=role))
    if find_user(username) is not None:
        raise AccountError(_("The user name %(name)s is taken.", name=username))
    check_new_password(password, username)
    user = User(
        username=username, role=role, is_admin=is_admin, password_hash=hash_password(password)
    )
    db.session.add(user)
    db.session.flush()
    record(
        "user.create",
        object_type="user",
        object_id=user.id,
        changes={"username": [None, username], "role": [None, role], "is_admin": [None, is_admin]},
        actor=actor,
    )
    return user


def authenticate(username: str, password: str) -> User | None:
    """The active user with these credentials, or None; failures are audited."""
    user = find_user(username)
    if user is None:
        burn_time()
        record("login.failure", object_type="user", reason=f"unknown user {username[:64]!r}")
        return None
    if not verify_password(user.password_hash, password) or not user.active:
        reason = "wrong password" if user.active else "account disabled"
        record("login.failure", object_type="user", object_id=user.id, reason=reason, actor=user)
        return None
    return user


def log_in(user: User, *, reason: str | None = None) -> None:
    """Start a server-side session and audit the login (reason: how the second step went)."""
    sessions.start(user)
    record("login.success", object_type="user", object_id=user.id, actor=user, reason=reason)


def log_out(user: User) -> None:
    """End the session on the server and audit it."""
    record("logout", object_type="user", object_id=user.id, actor=user)
    sessions.end()


def change_own_password(user: User, current_password: str, new_password: str) -> None:
    """Change the password after checking the current one; other sessions end."""
    if not verify_password(user.password_hash, current_password):
        raise AccountError(_("The current password is not correct."))
    check_new_password(new_password, user.username)
    user.password_hash = hash_password(new_password)
    sessions.revoke_all(user, keep=sessions.current())
    record("user.password_change", object_type="user", object_id=user.id)


def set_password(user: User, new_password: str, *, actor: User | None = None) -> None:
    """An administrator's (or the CLI's) password reset; every session of the user ends."""
    check_new_password(new_password, user.username)
    user.password_hash = hash_password(new_password)
    sessions.revoke_all(user)
    record("user.password_reset", object_type="user", object_id=user.id, actor=actor)


def set_active(user: User, active: bool, *, actor: User | None = None) -> None:
    """Disable (sessions end at once) or enable an account."""
    if actor is not None and actor.id == user.id and not active:
        raise AccountError(_("You cannot disable your own account."))
    if user.active == active:
        return
    user.active = active
    if not active:
        sessions.revoke_all(user)
    record(
        "user.enable" if active else "user.disable",
        object_type="user",
        object_id=user.id,
        changes={"active": [not active, active]},
        actor=actor,
    )


def set_role(user: User, role: str, is_admin: bool, *, actor: User | None = None) -> None:
    """Change a user's role and administrator flag."""
    if role not in {r.value for r in Role}:
        raise AccountError(_("Unknown role: %(role)s.", role=role))
    if actor is not None and actor.id == user.id and not is_admin:
        raise AccountError(_("You cannot remove your own administrator rights."))
    changes = {}
    if user.role != role:
        changes["role"] = [user.role, role]
    if user.is_admin != is_admin:
        changes["is_admin"] = [user.is_admin, is_admin]
    if not changes:
        return
    user.role, user.is_admin = role, is_admin
    record("user.role_change", object_type="user", object_id=user.id, changes=changes, actor=actor)


def end_sessions(user: User, *, actor: User | None = None) -> int:
    """An administrator ends every session of a user."""
    count = sessions.revoke_all(user)
    record("user.sessions_end", object_type="user", object_id=user.id, actor=actor)
    return count


def set_locale(user: User, locale: str) -> None:
    """Remember the user's interface language."""
    if user.locale != locale:
        record("user.locale", object_type="user", object_id=user.id,
               changes={"locale": [user.locale, locale]})
        user.locale = locale
