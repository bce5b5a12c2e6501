"""The organisation's outgoing register: unique, gap-free numbers in the organisation's format.

The format is an organisation setting such as ``{seq}/{year}`` or ``ПД-{seq:04}/{yy}``: ``{seq}``
is the running number (``:04`` pads it with zeros), ``{year}`` and ``{yy}`` the year of approval.
A format with a year counts from 1 each year; one without counts on forever.

Numbers are handed out inside the approving transaction from a counter row read with
``SELECT ... FOR UPDATE``: on PostgreSQL a second approval waits on the row lock until the first
commits or rolls back, so two approvals never get the same number and a rolled-back approval
gives its number back (no gap). On SQLite the write transaction is already exclusive (``BEGIN
IMMEDIATE``, see ``database.py``), which serialises approvals the same way.
"""

from __future__ import annotations

import re
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite

from advocate.admin import settings
from advocate.extensions import db
from advocate.letters.models import Letter, OutgoingCounter

SETTING = "letters.number_format"
DEFAULT_FORMAT = "{seq}/{year}"
MAX_FORMAT = 40
_PLACEHOLDER = re.compile(r"\{(seq|year|yy)(?::0([1-9]))?\}")
# What may stand between the placeholders: letters in any script, digits, a few separators.
_LITERAL = re.compile(r"[\w\-/.№ ]*")


class InvalidFormat(ValueError):
    """A number format the register cannot use; the message is for the administrator."""


def validate_format(text: str) -> str:
    """The format, stripped; InvalidFormat saying what is wrong with it."""
    fmt = (text or "").strip()
    if not fmt or len(fmt) > MAX_FORMAT:
        raise InvalidFormat(_("Write a format of at most %(n)s characters.", n=MAX_FORMAT))
    names = [m.group(1) for m in _PLACEHOLDER.finditer(fmt)]
    if names.count("seq") != 1:
        raise InvalidFormat(_("The format must contain {seq}, the running number, once."))
    literal = _PLACEHOLDER.sub("", fmt)
    if not _LITERAL.fullmatch(literal):
        raise InvalidFormat(_(
            "Use only {seq}, {seq:04}, {year} and {yy}, with letters, digits, spaces and "
            "- / . № between them."
        ))
    return fmt


def current_format() -> str:
    """The organisation's format (the default while none is set)."""
    value = settings.get(SETTING)
    return value if isinstance(value, str) and value.strip() else DEFAULT_FORMAT


def format_number(fmt: str, seq: int, on: date) -> str:
    """Write the running number and the year into the format."""

    def fill(match: re.Match[str]) -> str:
        name, width = match.group(1), match.group(2)
        if name == "year":
            return f"{on.year:04d}"
        if name == "yy":
            return f"{on.year % 100:02d}"
        return f"{seq:0{int(width)}d}" if width else str(seq)

    return _PLACEHOLDER.sub(fill, fmt)


def scope(fmt: str, on: date) -> str:
    """The counter a format counts in: the year when it shows one, else "all"."""
    return str(on.year) if re.search(r"\{(year|yy)\}", fmt) else "all"


def _ensure_counter(name: str) -> None:
    """Create the counter row if it does not exist (a no-op when another transaction did)."""
    dialect = db.session.get_bind().dialect.name
    insert = (postgresql if dialect == "postgresql" else sqlite).insert(OutgoingCounter)
    db.session.execute(insert.values(scope=name, last=0).on_conflict_do_nothing())


def _locked_counter(name: str) -> OutgoingCounter:
    """The counter row, locked until the transaction ends (SELECT ... FOR UPDATE)."""
    _ensure_counter(name)
    return db.session.execute(
        select(OutgoingCounter).where(OutgoingCounter.scope == name).with_for_update()
        # The row may be in the session already: read what the lock protects, not a cache.
        .execution_options(populate_existing=True)
    ).scalar_one()


def _taken(number: str) -> bool:
    return db.session.execute(select(Letter.id).where(Letter.number == number)).first() is not None


def allocate(on: date) -> str:
    """The next outgoing number for a letter approved on `on` (call inside the transaction)."""
    fmt = current_format()
    counter = _locked_counter(scope(fmt, on))
    while True:
        counter.last += 1
        number = format_number(fmt, counter.last, on)
        # Only a changed format can make a number that exists already (say "{seq}" after
        # "{seq}/{yy}" in 2000); skipping it keeps numbers unique, which matters more.
        if not _taken(number):
            db.session.flush()
            return number


def preview(fmt: str, on: date) -> str:
    """What the next number would look like under fmt (for the settings page)."""
    row = db.session.get(OutgoingCounter, scope(fmt, on))
    return format_number(fmt, (row.last if row else 0) + 1, on)
