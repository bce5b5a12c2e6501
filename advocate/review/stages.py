"""Stage spans: how long each case stayed in each status, derived from the one event log.

Status changes are audit events (`case.create` and `case.status`, with the new status in their
field diff). A mapper listener turns each such event into a span as it is inserted, in the same
transaction: the open span of the case is closed and a new one opened. Events written without
the ORM (the bulk demo data) are caught up by `sync`, which reads their events from the log; a
case with no status event at all (impossible through the operations) gets one span from its
creation. `rebuild` drops every span and derives them again.

Durations are whole days (`date.toordinal()` numbers), so the grouping query is plain integer
arithmetic on SQLite and PostgreSQL alike; a stay still running counts up to today.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import case as sql_case
from sqlalchemy import delete, distinct, event, exists, func, insert, inspect, select, update
from sqlalchemy.orm import aliased

from advocate.audit.models import AuditEvent
from advocate.cases.models import Case
from advocate.extensions import db
from advocate.review.cohort import Cohort
from advocate.review.models import StageSpan

#: The audit actions that set a case's status (see cases.operations).
STATUS_ACTIONS = ("case.create", "case.status")
_SPANS = StageSpan.__table__


def new_status(action: str, changes: str | None) -> str | None:
    """The status an event moved its case to, or None for events that do not change it."""
    if action not in STATUS_ACTIONS or not changes:
        return None
    pair = json.loads(changes).get("status")
    return pair[1] if isinstance(pair, list) and len(pair) == 2 and pair[1] else None


def _move(connection: Any, case_id: int, status: str, at: datetime, event_id: int | None) -> None:
    """Close the case's open span at `at` and open one in `status`."""
    day = at.date().toordinal()
    connection.execute(
        update(_SPANS).where(_SPANS.c.case_id == case_id, _SPANS.c.left_at.is_(None))
        .values(left_at=at, left_day=day)
    )
    connection.execute(insert(_SPANS).values(
        case_id=case_id, status=status, entered_at=at, entered_day=day, event_id=event_id))


#: Databases known to have the spans table (by URL). Until the migration that creates it has
#: run, status events are written without spans and `sync` catches up afterwards.
_READY: set[str] = set()


def available(connection: Any = None) -> bool:
    """Whether the spans table exists in this database (checked until it does)."""
    bind = connection if connection is not None else db.session.connection()
    url = bind.engine.url.render_as_string()
    if url not in _READY and inspect(bind).has_table(StageSpan.__tablename__):
        _READY.add(url)
    return url in _READY


def _after_audit_insert(_mapper: Any, connection: Any, target: AuditEvent) -> None:
    status = new_status(target.action, target.changes)
    if status is not None and target.case_id is not None and available(connection):
        _move(connection, target.case_id, status, target.at, target.id)


def install_listener() -> None:
    """Keep spans in step with every status event inserted through the ORM (once per process)."""
    if not event.contains(AuditEvent, "after_insert", _after_audit_insert):
        event.listen(AuditEvent, "after_insert", _after_audit_insert)


def _spans_of(events: Sequence[tuple[str, datetime, int]]) -> list[dict[str, Any]]:
    """The spans of one case from its status events in log order."""
    rows = []
    for index, (status, at, event_id) in enumerate(events):
        left = events[index + 1][1] if index + 1 < len(events) else None
        rows.append({
            "status": status, "entered_at": at, "entered_day": at.date().toordinal(),
            "left_at": left, "left_day": left.date().toordinal() if left else None,
            "event_id": event_id,
        })
    return rows


def _batch_rows(cases: Sequence[Any]) -> list[dict[str, Any]]:
    """Span rows for these cases (id, status, created_at) from their status events."""
    by_case: dict[int, list[tuple[str, datetime, int]]] = {c.id: [] for c in cases}
    events = db.session.execute(
        select(AuditEvent.case_id, AuditEvent.action, AuditEvent.changes, AuditEvent.at,
               AuditEvent.id)
        .where(AuditEvent.case_id.in_(list(by_case)), AuditEvent.action.in_(STATUS_ACTIONS))
        .order_by(AuditEvent.id)
    ).all()
    for case_id, action, changes, at, event_id in events:
        status = new_status(action, changes)
        if status is not None:
            by_case[case_id].append((status, at, event_id))
    rows = []
    for case in cases:
        found = by_case[case.id] or [(case.status, case.created_at, None)]
        rows += [{"case_id": case.id, **row} for row in _spans_of(found)]
    return rows


def sync(batch_size: int = 2000) -> int:
    """Derive the spans of every case that has none yet; return how many cases got them."""
    has_span = exists().where(StageSpan.case_id == Case.id)
    done, last_id = 0, 0
    while True:
        cases = db.session.execute(
            select(Case.id, Case.status, Case.created_at)
            .where(Case.id > last_id, ~has_span).order_by(Case.id).limit(batch_size)
        ).all()
        if not cases:
            return done
        db.session.execute(insert(_SPANS), _batch_rows(cases))
        done += len(cases)
        last_id = cases[-1].id


def rebuild(batch_size: int = 2000) -> int:
    """Drop every span and derive them again from the log; return how many cases."""
    db.session.execute(delete(_SPANS))
    return sync(batch_size)


def demo_step(_options: dict[str, Any]) -> str | None:
    """The `demo` command's step: spans for the demo cases written without the ORM."""
    if not available():
        return "review: no stage spans table yet (run the migrations); spans not derived"
    count = sync()
    return f"review: stage spans derived for {count} cases" if count else None


# --- Medians -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Median:
    """A median number of days and how many values it was taken over."""

    days: float | None
    count: int


def median_of(histogram: Iterable[tuple[int, int]]) -> Median:
    """The median of values given as (value, how many times) pairs."""
    pairs = sorted((int(v), int(n)) for v, n in histogram if n)
    total = sum(n for _, n in pairs)
    if total == 0:
        return Median(None, 0)
    wanted = ((total - 1) // 2, total // 2)  # the two middle positions (equal when total is odd)
    found: list[int] = []
    seen = 0
    for value, n in pairs:
        while len(found) < 2 and seen + n > wanted[len(found)]:
            found.append(value)
        seen += n
        if len(found) == 2:
            break
    return Median((found[0] + found[1]) / 2, total)


def _scoped(query: Any, span: Any, cohort: Cohort) -> Any:
    return query.where(*cohort.of(span.case_id))


def _medians(sub: Any, wanted: list[str]) -> dict[str, Median]:
    """Median of `sub.days` per `sub.status` (every wanted status listed), counted in SQL."""
    rows = db.session.execute(
        select(sub.c.status, sub.c.days, func.count()).group_by(sub.c.status, sub.c.days)
    ).all()
    grouped: dict[str, list[tuple[int, int]]] = {status: [] for status in wanted}
    for status, value, count in rows:
        grouped[status].append((value, count))
    return {status: median_of(pairs) for status, pairs in grouped.items()}


def stage_medians(statuses: Iterable[str], cohort: Cohort, today: date) -> dict[str, Median]:
    """Median days spent in each status (running stays count to today), over these cases."""
    wanted = list(statuses)
    days = (func.coalesce(StageSpan.left_day, today.toordinal()) - StageSpan.entered_day)
    inner = _scoped(select(StageSpan.status, days.label("days")), StageSpan, cohort)
    sub = inner.where(StageSpan.status.in_(wanted)).subquery()
    return _medians(sub, wanted)


def times_to(statuses: Iterable[str], cohort: Cohort) -> dict[str, Median]:
    """Median days from intake to the first time a case reached each status (one query).

    Only cases that reached it by a status change count: a case recorded directly at that stage
    (an import of an older case) says nothing about how long getting there takes.
    """
    wanted = list(statuses)
    reached, first = aliased(StageSpan), aliased(StageSpan)
    intake = select(func.min(first.entered_day)).where(first.case_id == reached.case_id)
    earlier = exists().where(first.case_id == reached.case_id, first.id < reached.id)
    per_case = _scoped(
        select(reached.status, reached.case_id,
               (func.min(reached.entered_day) - intake.scalar_subquery()).label("days")),
        reached, cohort,
    ).where(reached.status.in_(wanted), earlier).group_by(reached.status, reached.case_id)
    sub = per_case.subquery()
    return _medians(sub, wanted)


def time_to(status: str, cohort: Cohort) -> Median:
    """Median days from intake to the first time a case reached `status` (see `times_to`)."""
    return times_to([status], cohort)[status]


def ever_in(status: str) -> Any:
    """A subquery of the ids of the cases that were ever in `status`."""
    return select(StageSpan.case_id).where(StageSpan.status == status)


@dataclass(frozen=True)
class EverIn:
    """How many cases were ever in a status, and how many of them are not `without`'s."""

    cases: int
    without: int


def ever_in_counts(statuses: Iterable[str], cohort: Cohort, *, without: Any
                   ) -> dict[str, EverIn]:
    """Per status, how many of these cases were ever in it, with and without the ids `without`
    selects, in one pass over the spans' (status, case) index."""
    wanted = list(statuses)
    bare = sql_case((StageSpan.case_id.not_in(without), StageSpan.case_id))
    query = select(StageSpan.status, func.count(distinct(StageSpan.case_id)),
                   func.count(distinct(bare))).where(StageSpan.status.in_(wanted))
    rows = db.session.execute(_scoped(query, StageSpan, cohort).group_by(StageSpan.status))
    found = {status: EverIn(n, m) for status, n, m in rows}
    return {status: found.get(status, EverIn(0, 0)) for status in wanted}


__all__ = [
    "STATUS_ACTIONS", "EverIn", "Median", "available", "demo_step", "ever_in",
    "ever_in_counts", "install_listener", "median_of", "new_status", "rebuild",
    "stage_medians", "sync", "time_to", "times_to",
]
