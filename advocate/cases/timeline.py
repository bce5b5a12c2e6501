"""A case's timeline and notes: the one event log filtered by case, newest first, made readable."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from advocate.audit.models import AuditEvent
from advocate.cases.operations import NOTE_ACTION
from advocate.cases.record import FIELD_ORDER, case_field_label, display_change
from advocate.extensions import db

#: How many events the case page shows at once.
TIMELINE_LIMIT = 200

#: Readable names of the actions; other features add theirs (unknown actions show as stored).
ACTION_LABELS: dict[str, object] = {
    "case.create": _l("Case opened"),
    "case.update": _l("Record edited"),
    "case.claim.create": _l("Claim of coercion added"),
    "case.claim.update": _l("Claim of coercion corrected"),
    NOTE_ACTION: _l("Note"),
    "case.status": _l("Status changed"),
    "case.assign": _l("People on the case changed"),
}


#: Labels of fields other features write on the case's events (e.g. the identity vault's);
#: the case record's own fields are labelled by `record.case_field_label`.
FIELD_LABELS: dict[str, object] = {}


def field_label(name: str) -> str:
    """The label of a field named in an event's diff."""
    label = FIELD_LABELS.get(name)
    return str(label) if label is not None else case_field_label(name)


@dataclass(frozen=True)
class Change:
    """One field of an event's diff, ready to show."""

    label: str
    old: str
    new: str


@dataclass(frozen=True)
class Entry:
    """One event of the timeline."""

    id: int
    at: datetime
    actor: str
    action: str
    label: str
    changes: list[Change]
    note: str | None
    reason: str | None
    object_type: str | None
    object_id: str | None


def _entry(event: AuditEvent) -> Entry:
    items = sorted(event.changes_dict.items(), key=lambda i: (FIELD_ORDER.get(i[0], 999), i[0]))
    changes = [
        Change(field_label(name), display_change(name, old), display_change(name, new))
        for name, (old, new) in items
    ]
    return Entry(
        id=event.id, at=event.at, actor=event.actor_name, action=event.action,
        label=str(ACTION_LABELS.get(event.action, event.action)), changes=changes,
        note=event.note, reason=event.reason, object_type=event.object_type,
        object_id=event.object_id,
    )


def timeline(case_id: int, *, limit: int = TIMELINE_LIMIT) -> list[Entry]:
    """The newest events of a case, newest first."""
    events = db.session.execute(
        select(AuditEvent).where(AuditEvent.case_id == case_id)
        .order_by(AuditEvent.id.desc()).limit(limit)
    ).scalars()
    return [_entry(e) for e in events]


def event_count(case_id: int) -> int:
    """How many events a case has."""
    return db.session.execute(
        select(func.count(AuditEvent.id)).where(AuditEvent.case_id == case_id)
    ).scalar_one()


def notes(case_id: int) -> list[Entry]:
    """The notes of a case, newest first."""
    events = db.session.execute(
        select(AuditEvent).where(AuditEvent.case_id == case_id, AuditEvent.action == NOTE_ACTION)
        .order_by(AuditEvent.id.desc())
    ).scalars()
    return [_entry(e) for e in events]
