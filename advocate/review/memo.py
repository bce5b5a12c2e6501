"""The review's memo: results kept in this process until the event log moves on.

Every change to a case, a claim, a consent, a deadline a person enters or a letter writes an event
with the case's id to the one log (computed deadlines change in the same transaction as the event
they follow), so the newest such event versions everything the review reads. Events that only
read (an identity shown or exported for a letter, a file downloaded) or concern no case (logins,
settings) leave the version alone. A result is kept under its name, its arguments (filter, day,
language, user) and that version; a new event makes the next request compute afresh.

`versioned=False` keeps a result for its age limit whatever happens: the median durations, which
a single change moves by a day at most, are refreshed that way. Writes that bypass the log (bulk
command-line recomputations) show within REVIEW_CACHE_SECONDS (default 300); 0 turns the memo
off. Results are plain data, never ORM objects, so requests may share them.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

from flask import current_app
from sqlalchemy import select

from advocate.audit.models import AuditEvent
from advocate.extensions import db

T = TypeVar("T")
#: How many results the memo keeps (least recently used go first).
SIZE = 64
DEFAULT_SECONDS = 300


class Memo:
    """A small least-recently-used store with an age limit, safe across threads."""

    def __init__(self, size: int = SIZE) -> None:
        self.size = size
        self._lock = threading.Lock()
        self._items: OrderedDict[Hashable, tuple[float, Any]] = OrderedDict()

    def get(self, key: Hashable, max_age: float) -> tuple[bool, Any]:
        """(found, value) for a key stored less than `max_age` seconds ago."""
        with self._lock:
            found = self._items.get(key)
            if found is None or time.monotonic() - found[0] > max_age:
                return False, None
            self._items.move_to_end(key)
            return True, found[1]

    def put(self, key: Hashable, value: Any) -> None:
        """Keep a value, dropping the least recently used beyond the size."""
        with self._lock:
            self._items[key] = (time.monotonic(), value)
            self._items.move_to_end(key)
            while len(self._items) > self.size:
                self._items.popitem(last=False)

    def clear(self) -> None:
        """Forget everything."""
        with self._lock:
            self._items.clear()


MEMO = Memo()


#: Case events that change nothing the review shows.
READ_ONLY_ACTIONS = ("identity.reveal", "identity.export", "letter.download", "letter.render")


def log_version() -> tuple[int, str]:
    """The id and hash of the newest event that may change a figure ((0, "") when none).

    The hash chains every earlier entry, so two logs that happen to reach the same id (a
    database emptied and filled again) still differ.
    """
    newest = db.session.execute(
        select(AuditEvent.id, AuditEvent.hash)
        .where(AuditEvent.case_id.is_not(None), AuditEvent.action.not_in(READ_ONLY_ACTIONS))
        .order_by(AuditEvent.id.desc()).limit(1)
    ).first()
    return (newest.id, newest.hash) if newest is not None else (0, "")


def cached(name: str, arguments: tuple[Hashable, ...], compute: Callable[[], T], *,
           versioned: bool = True) -> T:
    """`compute()`, or its result kept from an earlier call with the same log version."""
    max_age = float(current_app.config.get("REVIEW_CACHE_SECONDS", DEFAULT_SECONDS))
    if max_age <= 0:
        return compute()
    version = log_version() if versioned else None
    key = (db.engine.url.render_as_string(), name, arguments, version)
    found, value = MEMO.get(key, max_age)
    if not found:
        value = compute()
        MEMO.put(key, value)
    return value


__all__ = ["MEMO", "READ_ONLY_ACTIONS", "Memo", "cached", "log_version"]
