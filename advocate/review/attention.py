"""Needs attention: what someone must do something about today, in seven sections.

The same sections serve the supervisor's review (every case, narrowed by the review's filters)
and an advocate's home page (the cases they own or collaborate on). Deadlines come from the one
deadline source, `procedures.deadlines` (its stored table, queried here with the scope's conditions
on the case it joins anyway):

- overdue: open deadlines past their date (letter follow-ups have their own section below, and a
  lapse reminder only announces the lapse, which has its own section too);
- upcoming: open deadlines in the next 14 days (REVIEW_SOON_DAYS);
- lapsing: eligibility lapses within the route's reminder window (`lapse_reminder_days`);
- letters: letters awaiting approval;
- answers: letters sent whose follow-up date passed without an answer;
- stale: open cases with no activity for REVIEW_STALE_DAYS (30) days;
- consent: cases whose latest consent entry of a kind is a withdrawal.

Closed and transferred cases have nothing left to watch and are left out everywhere.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import case, exists, func, or_, select
from sqlalchemy.orm import aliased

from advocate.cases.models import Case, case_collaborators
from advocate.extensions import db
from advocate.letters.models import Letter
from advocate.letters.workflow import LetterStatus
from advocate.procedures import get_procedure
from advocate.procedures.deadlines import FINISHED
from advocate.procedures.models import (
    ConsentAction,
    ConsentEntry,
    ConsentKind,
    Deadline,
    DeadlineKind,
)
from advocate.review.queries import ACTION_KINDS, ACTIVE

SECTION_KEYS = ("overdue", "upcoming", "lapsing", "letters", "answers", "stale", "consent")
TITLES: dict[str, object] = {
    "overdue": _l("Overdue deadlines"),
    "upcoming": _l("Deadlines in the next %(days)s days"),
    "lapsing": _l("Eligibility lapsing within %(days)s days"),
    "letters": _l("Letters awaiting approval"),
    "answers": _l("Answers overdue"),
    "stale": _l("No activity for %(days)s days"),
    "consent": _l("Consent withdrawn"),
}
_FOLLOW_UP = DeadlineKind.FOLLOW_UP.value
_LAPSE = DeadlineKind.ELIGIBILITY_LAPSE.value
OVERDUE_KINDS = tuple(k for k in ACTION_KINDS if k != _FOLLOW_UP)
DEFAULT_LAPSE_WINDOW = 60


@dataclass(frozen=True)
class Item:
    """One thing to look at: the case, the date that matters, what it is."""

    reference: str
    when: date | None
    what: str
    detail: str | None = None
    letter_id: int | None = None


@dataclass(frozen=True)
class Section:
    """One section of needs attention: its size and its first items."""

    key: str
    title: str
    count: int
    items: list[Item]


@dataclass(frozen=True)
class Scope:
    """Which cases: SQL conditions on Case (none: every case)."""

    conditions: tuple[Any, ...] = ()

    @classmethod
    def own(cls, user: Any) -> Scope:
        """The cases this user owns or collaborates on."""
        helping = select(case_collaborators.c.case_id).where(
            case_collaborators.c.user_id == user.id)
        return cls((or_(Case.owner_id == user.id, Case.id.in_(helping)),))


@dataclass(frozen=True)
class Settings:
    """The day and the windows the sections use."""

    today: date
    soon_days: int
    stale_days: int
    lapse_days: int

    @classmethod
    def current(cls, today: date) -> Settings:
        """The configured windows (REVIEW_SOON_DAYS, REVIEW_STALE_DAYS, the route's reminder)."""
        procedure = get_procedure()
        lapse = procedure.deadlines.lapse_reminder_days if procedure else DEFAULT_LAPSE_WINDOW
        config = current_app.config
        return cls(today, int(config.get("REVIEW_SOON_DAYS", 14)),
                   int(config.get("REVIEW_STALE_DAYS", 30)), lapse)

    def title(self, key: str) -> str:
        """The section's title with its window filled in."""
        days = {"upcoming": self.soon_days, "lapsing": self.lapse_days,
                "stale": self.stale_days}.get(key)
        return str(TITLES[key]) % {"days": days} if days is not None else str(TITLES[key])


def _references(case_ids: set[int]) -> dict[int, str]:
    if not case_ids:
        return {}
    return dict(db.session.execute(
        select(Case.id, Case.reference).where(Case.id.in_(case_ids))
    ).all())


def _deadline_items(rows: Sequence[Any]) -> list[Item]:
    refs = _references({d.case_id for d in rows})
    items = []
    for row in rows:
        letter_id = None
        if row.kind == _FOLLOW_UP and row.ref.startswith("letter-"):
            letter_id = int(row.ref.removeprefix("letter-")) if row.ref[7:].isdigit() else None
        items.append(Item(refs.get(row.case_id, "?"), row.due_date, row.kind_label,
                          row.title, letter_id))
    return items


def _open_deadlines(query: Any, scope: Scope, kinds: Sequence[str], *where: Any) -> Any:
    """Open deadlines of these kinds on the scope's unfinished cases.

    The same rows as the deadline source's `counts`, `overdue` and `due_between` (which join the
    case for its status anyway); the scope's conditions go on that join, where a list of the
    scope's ids (`IN (SELECT id ...)`) would be built again for every query.
    """
    return query.select_from(Deadline).join(Case, Case.id == Deadline.case_id).where(
        Deadline.done_at.is_(None), Deadline.kind.in_(kinds), Case.status.not_in(FINISHED),
        *where, *scope.conditions)


def deadline_counts(scope: Scope, s: Settings) -> dict[str, int]:
    """The sizes of the four deadline sections, in one query grouped by kind."""
    today = s.today
    soon = Deadline.due_date.between(today, today + timedelta(days=s.soon_days))
    lapse = Deadline.due_date.between(today, today + timedelta(days=s.lapse_days))
    last = today + timedelta(days=max(s.soon_days, s.lapse_days))
    rows = db.session.execute(_open_deadlines(
        select(Deadline.kind, func.sum(case((Deadline.due_date < today, 1), else_=0)),
               func.sum(case((soon, 1), else_=0)), func.sum(case((lapse, 1), else_=0))),
        scope, ACTION_KINDS, Deadline.due_date <= last,
    ).group_by(Deadline.kind)).all()
    past = {kind: int(n or 0) for kind, n, _, _ in rows}
    return {"overdue": sum(past.values()) - past.get(_FOLLOW_UP, 0),
            "upcoming": sum(int(n or 0) for _, _, n, _ in rows),
            "lapsing": sum(int(n or 0) for kind, _, _, n in rows if kind == _LAPSE),
            "answers": past.get(_FOLLOW_UP, 0)}


#: The deadline sections: past due (True) or due from today on, which kinds.
_DEADLINE_SECTIONS: dict[str, tuple[bool, tuple[str, ...]]] = {
    "overdue": (True, OVERDUE_KINDS),
    "upcoming": (False, ACTION_KINDS),
    "lapsing": (False, (_LAPSE,)),
    "answers": (True, (_FOLLOW_UP,)),
}


def _deadline_items_of(key: str, scope: Scope, s: Settings, limit: int, offset: int
                       ) -> list[Item]:
    past, kinds = _DEADLINE_SECTIONS[key]
    if past:
        when = [Deadline.due_date < s.today]
    else:
        days = s.lapse_days if key == "lapsing" else s.soon_days
        when = [Deadline.due_date >= s.today,
                Deadline.due_date <= s.today + timedelta(days=days)]
    rows = db.session.execute(
        _open_deadlines(select(Deadline), scope, kinds, *when)
        .order_by(Deadline.due_date, Deadline.case_id, Deadline.id).limit(limit).offset(offset)
    ).scalars().all()
    return _deadline_items(rows)


def _letters(scope: Scope, s: Settings, limit: int, offset: int) -> tuple[int, list[Item]]:
    where = [Letter.status == LetterStatus.IN_REVIEW.value, *scope.conditions]
    base = select(Letter).join(Case, Case.id == Letter.case_id).where(*where)
    count = db.session.execute(
        select(func.count()).select_from(base.subquery())).scalar_one()
    letters = db.session.execute(
        base.order_by(Letter.submitted_at, Letter.id).limit(limit).offset(offset)
    ).scalars().all()
    from advocate.letters.catalogue import LETTER_TYPES

    items = [Item(x.case.reference, x.submitted_at.date() if x.submitted_at else None,
                  str(LETTER_TYPES[x.type_id].description) if x.type_id in LETTER_TYPES
                  else x.type_id, x.author.username if x.author else None, x.id)
             for x in letters]
    return count, items


def _stale(scope: Scope, s: Settings, limit: int, offset: int) -> tuple[int, list[Item]]:
    cutoff = datetime.combine(s.today - timedelta(days=s.stale_days), time.min)
    where = [Case.status.in_(ACTIVE), Case.last_activity_at < cutoff, *scope.conditions]
    # With a scope, the cutoff is compared through coalesce (the same rows: a missing date is
    # never stale), so the scope's own index answers the count alone, instead of one row read
    # per case found through the activity index.
    stale = func.coalesce(Case.last_activity_at, cutoff) < cutoff
    counted = [Case.status.in_(ACTIVE), stale, *scope.conditions] if scope.conditions else where
    # count(*), not count(id): PostgreSQL then answers from an index alone (33 -> 4 ms)
    count = db.session.execute(select(func.count()).select_from(Case).where(*counted)).scalar_one()
    rows = db.session.execute(
        select(Case.reference, Case.last_activity_at).where(*where)
        .order_by(Case.last_activity_at, Case.id).limit(limit).offset(offset)
    ).all()
    what = str(_l("last activity"))
    return count, [Item(ref, at.date(), what) for ref, at in rows]


def _withdrawals() -> list[Any]:
    """Every withdrawal that is the latest entry of its kind: (case id, date, kind, entry id).

    Withdrawals are few; each is checked for a later entry of the same kind (the ledger's order
    is its ids': entries are never back-dated), instead of grouping the whole ledger.
    """
    later = aliased(ConsentEntry)
    return list(db.session.execute(
        select(ConsentEntry.case_id, ConsentEntry.entry_date, ConsentEntry.kind, ConsentEntry.id)
        .where(ConsentEntry.action == ConsentAction.WITHDRAWN.value,
               ~exists().where(later.case_id == ConsentEntry.case_id,
                               later.kind == ConsentEntry.kind, later.id > ConsentEntry.id))
    ).all())


def _consent(scope: Scope, s: Settings, limit: int, offset: int) -> tuple[int, list[Item]]:
    withdrawn = _withdrawals()
    refs: dict[int, str] = {}
    ids = sorted({row.case_id for row in withdrawn})
    # In chunks of ids (SQLite limits bound parameters); each chunk is a lookup by primary key.
    for start in range(0, len(ids), 500):
        refs.update(db.session.execute(
            select(Case.id, Case.reference).where(Case.id.in_(ids[start:start + 500]),
                                                  Case.status.in_(ACTIVE), *scope.conditions)
        ).all())
    shown = sorted((row for row in withdrawn if row.case_id in refs),
                   key=lambda row: (row.entry_date, row.id), reverse=True)
    return len(shown), [
        Item(refs[row.case_id], row.entry_date,
             ConsentKind(row.kind).label if row.kind in set(ConsentKind) else row.kind)
        for row in shown[offset:offset + limit]]


#: The other sections: (count, items) for a scope, the settings, limit and offset.
_RUNNERS: dict[str, Callable[..., tuple[int, list[Item]]]] = {
    "letters": _letters,
    "stale": _stale,
    "consent": _consent,
}


def section(key: str, scope: Scope, settings: Settings, *, limit: int = 10,
            offset: int = 0, counts: dict[str, int] | None = None) -> Section:
    """One section: its count and `limit` items from `offset`."""
    if key in _DEADLINE_SECTIONS:
        counts = counts if counts is not None else deadline_counts(scope, settings)
        count = counts[key]
        items = _deadline_items_of(key, scope, settings, limit, offset)
    else:
        count, items = _RUNNERS[key](scope, settings, limit, offset)
    return Section(key, settings.title(key), count, items)


def needs_attention(scope: Scope, settings: Settings, *, limit: int = 10) -> list[Section]:
    """Every section for these cases, each with its first `limit` items."""
    counts = deadline_counts(scope, settings)
    return [section(key, scope, settings, limit=limit, counts=counts) for key in SECTION_KEYS]


__all__ = [
    "SECTION_KEYS", "Item", "Scope", "Section", "Settings", "deadline_counts", "needs_attention",
    "section",
]
