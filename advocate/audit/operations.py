"""Writing to and checking the event log."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from flask import has_request_context, request
from flask_login import current_user
from sqlalchemy import select, text

from advocate.audit.models import AuditEvent
from advocate.clock import utcnow
from advocate.extensions import db

GENESIS = "0" * 64
CHAIN_LOCK_ID = 7_004_201  # PostgreSQL advisory lock that serialises appends to the chain


def _jsonable(value: Any) -> Any:
    if value is None or isinstance(value, str | int | float | bool):
        return value
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def diff(old: dict[str, Any], new: dict[str, Any]) -> dict[str, list[Any]]:
    """{field: [old, new]} for the fields whose value changed."""
    return {
        key: [_jsonable(old.get(key)), _jsonable(new.get(key))]
        for key in sorted(set(old) | set(new))
        if old.get(key) != new.get(key)
    }


def _actor(actor: Any) -> tuple[int | None, str]:
    if actor is None and has_request_context() and current_user.is_authenticated:
        actor = current_user
    if actor is None:
        return None, "system"
    return actor.id, actor.username


def _lock_chain() -> None:
    # SQLite writers already hold the database write lock (BEGIN IMMEDIATE); PostgreSQL needs
    # an explicit lock so that two transactions never chain onto the same previous entry.
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": CHAIN_LOCK_ID})


def record(
    action: str,
    *,
    object_type: str | None = None,
    object_id: Any = None,
    case_id: int | None = None,
    changes: dict[str, list[Any]] | None = None,
    reason: str | None = None,
    note: str | None = None,
    actor: Any = None,
) -> AuditEvent:
    """Append one event to the chain and flush; the caller's transaction commits it."""
    _lock_chain()
    prev = db.session.execute(
        select(AuditEvent.hash).order_by(AuditEvent.id.desc()).limit(1)
    ).scalar_one_or_none()
    actor_id, actor_name = _actor(actor)
    event = AuditEvent(
        at=utcnow(),
        actor_id=actor_id,
        actor_name=actor_name,
        action=action,
        object_type=object_type,
        object_id=None if object_id is None else str(object_id),
        case_id=case_id,
        changes=json.dumps(changes, sort_keys=True, ensure_ascii=False) if changes else None,
        reason=reason,
        note=note,
        ip=request.remote_addr if has_request_context() else None,
        prev_hash=prev or GENESIS,
    )
    event.hash = event.compute_hash()
    db.session.add(event)
    db.session.flush()
    return event


@dataclass(frozen=True)
class ChainProblem:
    """The first place where the chain does not hold."""

    event_id: int
    kind: str  # "altered" or "broken link"

    def describe(self) -> str:
        """A one-line description for the operator."""
        if self.kind == "altered":
            return f"entry {self.event_id} was altered: its content does not match its hash"
        return (
            f"entry {self.event_id} does not follow the entry before it: "
            "an entry was inserted or deleted there"
        )


def verify(events: Iterable[AuditEvent] | None = None) -> tuple[int, ChainProblem | None]:
    """Walk the chain in order; return how many entries were checked and the first problem."""
    if events is not None:
        return _walk(events)
    result = db.session.execute(
        select(AuditEvent).order_by(AuditEvent.id).execution_options(yield_per=1000)
    ).scalars()
    try:
        return _walk(result)
    finally:
        result.close()  # a streamed (server-side) cursor must be closed when we stop early


def _walk(events: Iterable[AuditEvent]) -> tuple[int, ChainProblem | None]:
    prev = GENESIS
    count = 0
    for event in events:
        count += 1
        if event.prev_hash != prev:
            return count, ChainProblem(event.id, "broken link")
        if event.compute_hash() != event.hash:
            return count, ChainProblem(event.id, "altered")
        prev = event.hash
    return count, None
