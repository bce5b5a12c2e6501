"""The one source of "now" and "today", so tests and date logic agree."""

from __future__ import annotations

from datetime import UTC, date, datetime


def utcnow() -> datetime:
    """The current time in UTC, naive (stored that way on SQLite and PostgreSQL alike)."""
    return datetime.now(UTC).replace(tzinfo=None)


def today() -> date:
    """Today's date in UTC."""
    return utcnow().date()
