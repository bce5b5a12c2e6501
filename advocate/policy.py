"""Every access rule, as pure predicates `can_<verb>(user, obj) -> bool`.

Views call them to refuse a request; templates call the same functions (registered as Jinja
globals) to hide what the user may not do.
"""

from __future__ import annotations

from typing import Any

from advocate.auth.models import Role


def _active(user: Any) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False) and user.is_active)


def can_administer(user: Any) -> bool:
    """Accounts and organisation settings."""
    return _active(user) and bool(user.is_admin)


def is_supervisor(user: Any) -> bool:
    """Supervisors review every case, approve letters and report."""
    return _active(user) and user.role == Role.SUPERVISOR


def is_advocate(user: Any) -> bool:
    """Advocates log cases and prepare letters."""
    return _active(user) and user.role == Role.ADVOCATE
