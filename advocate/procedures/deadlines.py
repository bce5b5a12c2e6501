"""THE one source of deadlines: the case page, the letters and the supervisor's review ask here.

Deadlines are stored in `procedure_deadlines` (indexed on the due date), so "overdue" and "due in
the next 14 days" across 100,000 cases is one indexed query, not a computation per case.

Two sources:

- **computed** from the record: the eligibility lapse and its reminder (lapse − the route's
  `lapse_reminder_days`), overdue document requests (requested + `document_request_overdue_days`)
  and letter follow-ups (sent + `follow_up_days`, set by the letters package through
  `set_follow_up`, or any other dated duty through `add_computed`);
- **manual**: court hearings entered on the case (`procedures.operations.add_hearing`).

Keeping computed dates fresh: the lapse and its reminder depend only on fields of the case
record, which the `cases` package changes. Rather than asking every writer of a case to call us,
a SQLAlchemy `before_flush` listener recomputes them for every new case and every case whose
term, custody or status fields changed, inside the same flush, so the dates can never disagree
with the record that was saved. Document deadlines depend only on our own documents table, so
`procedures.operations` recomputes them right after each document change. Writers that bypass
the ORM (bulk inserts) and a changed route file are caught up by `recompute_all`
(`flask --app advocate procedures recompute-deadlines`). Computed deadlines are derived data and
are not audited; the changes they derive from are.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from fractions import Fraction
from typing import Any

from flask import current_app, has_app_context
from sqlalchemy import Select, event, func, insert, inspect, select
from sqlalchemy.orm import Session

from advocate.cases.models import Case
from advocate.cases.vocab import CustodyType
from advocate.cases.workflow import Status
from advocate.clock import utcnow
from advocate.extensions import db
from advocate.procedures.facts import term_state
from advocate.procedures.models import (
    CaseDocument,
    Deadline,
    DeadlineKind,
    DeadlineSource,
    DocumentStatus,
)
from advocate.procedures.sentence import (
    CreditRules,
    TermInput,
    is_excluded,
    lapse_date,
    term_last_day,
)

#: Kinds derived from the case record alone; `recompute_term` owns them.
TERM_KINDS = (DeadlineKind.ELIGIBILITY_LAPSE, DeadlineKind.LAPSE_REMINDER)
#: Case fields the lapse date depends on (a change of any of them recomputes it).
TERM_FIELDS = (
    "term_start", "sentence_years", "sentence_months", "sentence_days", "sentence_life",
    "pretrial_days", "house_arrest_days", "regime", "articles", "judgment_final_date",
    "custody_type", "custody_country", "status",
)
#: Cases in these statuses have nothing left to watch.
FINISHED = (Status.CLOSED.value, Status.TRANSFERRED.value)
#: Custody with no transfer to watch for.
NO_TRANSFER = (CustodyType.IMMIGRATION.value, CustodyType.RELEASED.value,
               CustodyType.DECEASED.value)
#: Bigger id lists are queried in chunks (SQLite limits bound parameters).
_CHUNK = 900

Key = tuple[str, str]


def _procedure(case: Case) -> Any:
    from advocate.procedures import procedure_for

    return procedure_for(case)


def wanted_term_deadlines(case: Case) -> dict[Key, date]:
    """The lapse and reminder dates the record implies, by (kind, ref).

    None when the term cannot be computed, and none for a life sentence: it never lapses.
    """
    if case.status in FINISHED or case.custody_type in NO_TRANSFER:
        return {}
    procedure = _procedure(case)
    state = term_state(case)
    if procedure is None or state.term is None:
        return {}
    lapse = lapse_of(state.term, procedure.credit_rules())
    reminder = lapse - timedelta(days=procedure.deadlines.lapse_reminder_days)
    return {
        (DeadlineKind.ELIGIBILITY_LAPSE.value, ""): lapse,
        (DeadlineKind.LAPSE_REMINDER.value, ""): reminder,
    }


def lapse_of(term: TermInput, rules: CreditRules) -> date:
    """The eligibility lapse date of a term: what `compute_term` gives, without its explanation.

    The explanation lines cost gettext calls that dominated bulk recomputation; the numbers are
    those of `sentence` (a property test checks this equals `compute_term(...)`).
    """
    excluded = term.day_for_day or is_excluded(term.articles, rules.excluded)
    ratio = Fraction(1) if excluded else rules.ratios[term.regime]
    exact = term.pretrial_days * ratio + term.house_arrest_days * rules.house_arrest_ratio
    nominal_end = term_last_day(term.start, term.years, term.months, term.days)
    total = (nominal_end - term.start).days + 1
    term_end = nominal_end - timedelta(days=min(int(exact), total))
    return lapse_date(term_end, rules.min_remaining_months)


def wanted_document_deadlines(case: Case, documents: Iterable[CaseDocument]) -> dict[Key, date]:
    """When each outstanding document request becomes overdue, by (kind, document id)."""
    procedure = _procedure(case)
    if procedure is None or case.status in FINISHED:
        return {}
    days = timedelta(days=procedure.deadlines.document_request_overdue_days)
    return {
        (DeadlineKind.DOCUMENT_OVERDUE.value, d.document_id): d.requested_on + days
        for d in documents
        if d.status == DocumentStatus.REQUESTED and d.requested_on is not None
    }


def _existing(session: Session, case: Case, kinds: Iterable[str]) -> list[Deadline]:
    if case.id is None:
        return []
    return list(session.execute(
        select(Deadline).where(Deadline.case_id == case.id, Deadline.kind.in_(list(kinds)))
    ).scalars())


def _sync(session: Session, case: Case, kinds: tuple[str, ...], wanted: dict[Key, date],
          rows: Iterable[Deadline] | None = None) -> None:
    """Make the stored computed deadlines of these kinds match `wanted`."""
    if rows is None:
        rows = _existing(session, case, kinds)
    existing = {(d.kind, d.ref): d for d in rows
                if d.source == DeadlineSource.COMPUTED and d.kind in kinds}
    for key, row in existing.items():
        due = wanted.get(key)
        if due is None:
            session.delete(row)
        elif row.due_date != due:
            row.due_date, row.done_at = due, None  # a new date is a new duty
    for (kind, ref), due in wanted.items():
        if (kind, ref) not in existing:
            session.add(Deadline(case=case, kind=kind, ref=ref, due_date=due,
                                 source=DeadlineSource.COMPUTED.value))


def recompute_term(case: Case, session: Session | None = None) -> None:
    """Bring the lapse and reminder deadlines of the case up to date (no flush)."""
    _sync(session or db.session, case, tuple(k.value for k in TERM_KINDS),
          wanted_term_deadlines(case))


def recompute_documents(case: Case) -> None:
    """Bring the overdue-request deadlines of the case up to date, then flush."""
    documents = db.session.execute(
        select(CaseDocument).where(CaseDocument.case_id == case.id)
    ).scalars()
    _sync(db.session, case, (DeadlineKind.DOCUMENT_OVERDUE.value,),
          wanted_document_deadlines(case, documents))
    db.session.flush()


def add_computed(case: Case, kind: DeadlineKind | str, due: date, ref: str = "") -> Deadline:
    """Create or move the computed deadline (case, kind, ref) to `due`, then flush."""
    kind = DeadlineKind(kind).value
    row = db.session.execute(
        select(Deadline).where(Deadline.case_id == case.id, Deadline.kind == kind,
                               Deadline.ref == ref,
                               Deadline.source == DeadlineSource.COMPUTED.value)
    ).scalar_one_or_none()
    if row is None:
        row = Deadline(case=case, kind=kind, ref=ref, due_date=due,
                       source=DeadlineSource.COMPUTED.value)
        db.session.add(row)
    elif row.due_date != due:
        row.due_date, row.done_at = due, None
    db.session.flush()
    return row


def set_follow_up(case: Case, letter_ref: str, sent_on: date) -> Deadline | None:
    """The follow-up of a letter sent on `sent_on`: due after the route's `follow_up_days`."""
    procedure = _procedure(case)
    if procedure is None:
        return None
    due = sent_on + timedelta(days=procedure.deadlines.follow_up_days)
    return add_computed(case, DeadlineKind.FOLLOW_UP, due, letter_ref)


def resolve(case: Case, kind: DeadlineKind | str, ref: str = "") -> int:
    """Mark the open deadlines (case, kind, ref) done (e.g. an answer came); how many."""
    rows = db.session.execute(
        select(Deadline).where(Deadline.case_id == case.id, Deadline.kind == DeadlineKind(kind),
                               Deadline.ref == ref, Deadline.done_at.is_(None))
    ).scalars().all()
    for row in rows:
        row.done_at = utcnow()
    db.session.flush()
    return len(rows)


def for_case(case: Case, *, include_done: bool = False) -> list[Deadline]:
    """The deadlines of one case, earliest first."""
    query = select(Deadline).where(Deadline.case_id == case.id)
    if not include_done:
        query = query.where(Deadline.done_at.is_(None))
    return list(db.session.execute(
        query.order_by(Deadline.due_date, Deadline.id)
    ).scalars())


CaseIds = Iterable[int] | Select[Any] | None


def _chunks(case_ids: CaseIds) -> Iterator[Any]:
    """None (every case), one subquery, or the id list in chunks."""
    if case_ids is None or isinstance(case_ids, Select):
        yield case_ids
        return
    ids = sorted(set(case_ids))
    for start in range(0, len(ids), _CHUNK):
        yield ids[start:start + _CHUNK]


@dataclass(frozen=True)
class Window:
    """Which open deadlines a query asks for (beside the dates)."""

    case_ids: CaseIds = None
    kinds: Iterable[str] | None = None
    include_finished: bool = False


def _filtered(query: Select[Any], where: list[Any], chunk: Any, window: Window) -> Select[Any]:
    query = query.where(Deadline.done_at.is_(None), *where)
    if chunk is not None:
        query = query.where(Deadline.case_id.in_(chunk))
    if window.kinds is not None:
        query = query.where(Deadline.kind.in_([DeadlineKind(k).value for k in window.kinds]))
    if not window.include_finished:
        query = query.join(Case, Case.id == Deadline.case_id).where(
            Case.status.not_in(FINISHED))
    return query


def _open_deadlines(where: list[Any], window: Window, limit: int | None) -> list[Deadline]:
    results: list[Deadline] = []
    order = (Deadline.due_date, Deadline.case_id, Deadline.id)
    for chunk in _chunks(window.case_ids):
        query = _filtered(select(Deadline), where, chunk, window).order_by(*order)
        results += db.session.execute(query.limit(limit)).scalars()
    results.sort(key=lambda d: (d.due_date, d.case_id, d.id))
    return results[:limit] if limit is not None else results


def _count(where: list[Any], window: Window) -> int:
    return sum(
        db.session.execute(
            _filtered(select(func.count(Deadline.id)), where, chunk, window)
        ).scalar_one()
        for chunk in _chunks(window.case_ids)
    )


def due_between(start: date, end: date, case_ids: CaseIds = None, *,
                kinds: Iterable[str] | None = None, include_finished: bool = False,
                limit: int | None = None) -> list[Deadline]:
    """Open deadlines due from `start` through `end`, earliest first.

    `case_ids`: ids or a subquery of Case.id (e.g. the cases a user may see); `kinds`: only
    these DeadlineKind values; closed and transferred cases are left out unless asked for.
    """
    return _open_deadlines([Deadline.due_date >= start, Deadline.due_date <= end],
                           Window(case_ids, kinds, include_finished), limit)


def overdue(today: date, case_ids: CaseIds = None, *, kinds: Iterable[str] | None = None,
            include_finished: bool = False, limit: int | None = None) -> list[Deadline]:
    """Open deadlines due before `today`, earliest first (same filters as `due_between`)."""
    return _open_deadlines([Deadline.due_date < today],
                           Window(case_ids, kinds, include_finished), limit)


def counts(today: date, case_ids: CaseIds = None, *, soon_days: int = 14,
           kinds: Iterable[str] | None = None) -> dict[str, int]:
    """How many open deadlines are overdue and due within `soon_days` (from today on)."""
    window = Window(case_ids, kinds)
    return {
        "overdue": _count([Deadline.due_date < today], window),
        "due_soon": _count([Deadline.due_date >= today,
                            Deadline.due_date <= today + timedelta(days=soon_days)], window),
    }


def recompute_all(batch_size: int = 1000) -> int:
    """Recompute every case's computed lapse and document deadlines; how many cases.

    Works in batches with three queries each, so it can catch up 100,000 cases.
    """
    term_kinds = tuple(k.value for k in TERM_KINDS)
    doc_kinds = (DeadlineKind.DOCUMENT_OVERDUE.value,)
    count, last_id = 0, 0
    while True:
        cases = list(db.session.execute(
            select(Case).where(Case.id > last_id).order_by(Case.id).limit(batch_size)
        ).scalars())
        if not cases:
            return count
        ids = [c.id for c in cases]
        rows = _by_case(select(Deadline).where(
            Deadline.case_id.in_(ids), Deadline.kind.in_(term_kinds + doc_kinds)))
        documents = _by_case(select(CaseDocument).where(CaseDocument.case_id.in_(ids)))
        for case in cases:
            mine = rows.get(case.id, [])
            _sync(db.session, case, term_kinds, wanted_term_deadlines(case), mine)
            wanted = wanted_document_deadlines(case, documents.get(case.id, []))
            _sync(db.session, case, doc_kinds, wanted, mine)
        db.session.flush()
        count += len(cases)
        last_id = cases[-1].id


def backfill_term(batch_size: int = 5000) -> int:
    """Insert the lapse deadlines of cases that have none yet, in bulk; how many cases got them.

    For cases written without the ORM (bulk demo data, bulk imports): reads only the columns the
    term needs and inserts with Core, so 100,000 cases take seconds, not minutes.
    """
    columns = [Case.id, Case.status, Case.custody_type, Case.custody_country,
               *(getattr(Case, name) for name in TERM_FIELDS if name not in
                 ("status", "custody_type", "custody_country"))]
    has_any = select(Deadline.id).where(Deadline.case_id == Case.id,
                                        Deadline.kind.in_([k.value for k in TERM_KINDS]))
    filled, last_id, now = 0, 0, utcnow()
    while True:
        rows = db.session.execute(
            select(*columns).where(Case.id > last_id, ~has_any.exists())
            .order_by(Case.id).limit(batch_size)
        ).all()
        if not rows:
            return filled
        inserts = []
        for row in rows:
            wanted = wanted_term_deadlines(row)  # type: ignore[arg-type]  # reads attributes
            inserts += [{"case_id": row.id, "kind": kind, "ref": ref, "due_date": due,
                         "source": DeadlineSource.COMPUTED.value, "created_at": now}
                        for (kind, ref), due in wanted.items()]
            filled += bool(wanted)
        if inserts:
            db.session.execute(insert(Deadline.__table__), inserts)
        last_id = rows[-1].id


def _by_case(query: Select[Any]) -> dict[int, list[Any]]:
    grouped: dict[int, list[Any]] = {}
    for row in db.session.execute(query).scalars():
        grouped.setdefault(row.case_id, []).append(row)
    return grouped


def _term_changed(case: Case) -> bool:
    state = inspect(case)
    return any(state.attrs[name].history.has_changes() for name in TERM_FIELDS)


def _before_flush(session: Session, _context: Any, _instances: Any) -> None:
    """Recompute the lapse deadlines of new cases and of cases whose term fields changed."""
    if not has_app_context() or "advocate.procedures" not in current_app.extensions:
        return
    changed = [obj for obj in session.new if isinstance(obj, Case)]
    changed += [obj for obj in session.dirty if isinstance(obj, Case) and _term_changed(obj)]
    for case in changed:
        recompute_term(case, session)


def install_listener() -> None:
    """Register the before_flush listener once per process (on every Session)."""
    if not event.contains(Session, "before_flush", _before_flush):
        event.listen(Session, "before_flush", _before_flush)
