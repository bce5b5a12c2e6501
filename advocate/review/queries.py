"""The review's figures: funnel with medians, claims, regions, military status, outcomes, workload.

Every figure is a grouped query over the filtered cases (a handful of rows each, never one row per
case); `figures` keeps them in the review's memo (see `memo`) until the event log moves on.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import distinct, func, select

from advocate import clock
from advocate.auth.models import User
from advocate.cases import regions_ru
from advocate.cases.models import Case, Claim
from advocate.cases.vocab import ClosingReason, CoercionType, MilitaryStatus
from advocate.cases.workflow import FUNNEL_DEPTH, FUNNEL_ORDER, Status
from advocate.extensions import db
from advocate.letters.models import Letter
from advocate.letters.workflow import LetterStatus
from advocate.procedures.deadlines import FINISHED
from advocate.procedures.models import Deadline, DeadlineKind
from advocate.review import memo, stages
from advocate.review.cohort import Cohort, materialised
from advocate.review.filters import ReviewFilter
from advocate.review.models import RefusalGround, RefusalReason
from advocate.review.stages import Median

#: The funnel's rows: the main line, then the branches at the depth of review, then closed.
FUNNEL_ROWS: tuple[Status, ...] = (*FUNNEL_ORDER, Status.REFUSED, Status.APPEAL, Status.CLOSED)
#: Statuses whose stay has no end to measure.
NO_MEDIAN = frozenset({Status.TRANSFERRED, Status.CLOSED})
#: Deadlines a person must act on (the lapse reminder only announces the lapse).
ACTION_KINDS = tuple(k.value for k in DeadlineKind if k is not DeadlineKind.LAPSE_REMINDER)
#: Statuses with something left to do, as a list: `IN` lets SQLite seek its status indexes,
#: where `NOT IN` (closed, transferred) makes it read every case.
ACTIVE = tuple(s.value for s in Status if s.value not in FINISHED)


@dataclass(frozen=True)
class Row:
    """One labelled count of a breakdown."""

    key: str
    label: str
    count: int


@dataclass(frozen=True)
class StageRow:
    """One status of the funnel: cases there now, cases that got at least this far, median."""

    status: str
    label: str
    count: int
    reached: int | None
    median: Median | None


@dataclass(frozen=True)
class ClaimRow:
    """One type of coercion claim: how many claims, and how many cases report one."""

    key: str
    label: str
    claims: int
    cases: int


@dataclass(frozen=True)
class Outcomes:
    """Transfers and refusals of the cohort, and how long the way there took."""

    transferred: int
    refused: int
    refused_without_ground: int
    grounds: list[Row]
    to_application: Median
    to_transfer: Median


@dataclass(frozen=True)
class WorkloadRow:
    """One advocate's load: open cases owned, overdue deadlines on them, letters in review."""

    user_id: int | None
    username: str | None
    open_cases: int
    overdue: int
    letters_in_review: int


@dataclass(frozen=True)
class Durations:
    """Median days in each stage, and from intake to application and to transfer."""

    stages: dict[str, Median]
    to_application: Median
    to_transfer: Median


@dataclass
class Figures:
    """Everything the review page and the exports show, for one filter on one day."""

    today: date
    total: int
    funnel: list[StageRow]
    claims: list[ClaimRow]
    regions: list[Row]
    military: list[Row]
    outcomes: Outcomes
    workload: list[WorkloadRow] = field(default_factory=list)


def _grouped(column: Any, conditions: Sequence[Any]) -> dict[str | None, int]:
    rows = db.session.execute(
        select(column, func.count()).select_from(Case).where(*conditions).group_by(column)
    ).all()
    return {key: count for key, count in rows}


def durations(cohort: Cohort, today: date) -> Durations:
    """The median durations of these cases (the slowest figures: a walk through every stay)."""
    return Durations(
        stages=stages.stage_medians([s.value for s in FUNNEL_ROWS if s not in NO_MEDIAN],
                                    cohort, today),
        **_times_to(cohort),
    )


def _times_to(cohort: Cohort) -> dict[str, Median]:
    found = stages.times_to([Status.APPLIED.value, Status.TRANSFERRED.value], cohort)
    return {"to_application": found[Status.APPLIED.value],
            "to_transfer": found[Status.TRANSFERRED.value]}


def funnel(conditions: Sequence[Any], medians: dict[str, Median]) -> tuple[int, list[StageRow]]:
    """The total and the funnel rows: count now, reached at least (open cases), median days."""
    counts = _grouped(Case.status, conditions)
    depth_counts = [0] * len(FUNNEL_ORDER)
    for status, depth in FUNNEL_DEPTH.items():
        depth_counts[depth] += counts.get(status.value, 0)
    reached = [sum(depth_counts[d:]) for d in range(len(FUNNEL_ORDER))]
    rows = []
    for status in FUNNEL_ROWS:
        in_line = status in FUNNEL_ORDER
        rows.append(StageRow(
            status=status.value, label=status.label, count=counts.get(status.value, 0),
            reached=reached[FUNNEL_ORDER.index(status)] if in_line else None,
            median=medians.get(status.value),
        ))
    return sum(counts.values()), rows


def claims(cohort: Cohort) -> list[ClaimRow]:
    """Coercion claims by type: claims and distinct cases, every type listed."""
    query = cohort.scoped(select(Claim.type, func.count(), func.count(distinct(Claim.case_id))),
                          Claim.case_id, Claim.id)
    found = {t: (n, c) for t, n, c in db.session.execute(query.group_by(Claim.type)).all()}
    return [ClaimRow(t.value, t.label, *found.get(t.value, (0, 0))) for t in CoercionType]


def regions(conditions: Sequence[Any], lang: str | None) -> list[Row]:
    """Cases by region of custody in Russia, largest first; regions with none left out."""
    counts = _grouped(Case.region_ru, conditions)
    rows = [Row(code or "", regions_ru.name(code or regions_ru.UNKNOWN, lang), n)
            for code, n in counts.items() if n]
    return sorted(rows, key=lambda r: (-r.count, r.label))


def military(conditions: Sequence[Any]) -> list[Row]:
    """Cases by military-recruitment status, in the vocabulary's order, then not recorded."""
    counts = _grouped(Case.military_status, conditions)
    rows = [Row(m.value, m.label, counts.get(m.value, 0)) for m in MilitaryStatus]
    unrecorded = sum(n for key, n in counts.items() if key not in set(MilitaryStatus))
    return [*rows, Row("", _("not recorded"), unrecorded)]


def _count(conditions: Sequence[Any]) -> int:
    return db.session.execute(
        select(func.count()).select_from(Case).where(*conditions)
    ).scalar_one()


def outcomes(cohort: Cohort, times: Durations) -> Outcomes:
    """Transferred and refused cases of the cohort, refusal grounds, time to apply and transfer.

    Transferred: the case reached "transferred", or was recorded as closed for that reason
    without passing through it (an imported older case).
    """
    conditions = cohort.conditions
    ever = stages.ever_in_counts([Status.TRANSFERRED.value, Status.REFUSED.value], cohort,
                                 without=select(RefusalGround.case_id))
    closed_as = _count([*conditions, Case.status == Status.CLOSED.value,
                        Case.closing_reason == ClosingReason.TRANSFERRED.value,
                        Case.id.not_in(stages.ever_in(Status.TRANSFERRED.value))])
    refused = ever[Status.REFUSED.value]
    # Grounds are few: joined to their cases, where `IN (the cohort's ids)` would list them all.
    query = select(RefusalGround.ground, func.count(distinct(RefusalGround.case_id)))
    if conditions:
        query = query.join(Case, Case.id == RefusalGround.case_id).where(*conditions)
    found = dict(db.session.execute(query.group_by(RefusalGround.ground)).all())
    grounds = [Row(g.value, g.label, found.get(g.value, 0)) for g in RefusalReason]
    return Outcomes(
        transferred=ever[Status.TRANSFERRED.value].cases + closed_as, refused=refused.cases,
        refused_without_ground=refused.without,
        grounds=grounds, to_application=times.to_application, to_transfer=times.to_transfer,
    )


def workload(conditions: Sequence[Any], today: date) -> list[WorkloadRow]:
    """Per owner: open cases, overdue deadlines on them, letters they wrote awaiting review."""
    open_conds = [*conditions, Case.status.in_(ACTIVE)]
    open_cases = _grouped(Case.owner_id, open_conds)
    overdue = dict(db.session.execute(
        select(Case.owner_id, func.count()).select_from(Deadline)
        .join(Case, Case.id == Deadline.case_id)
        .where(Deadline.done_at.is_(None), Deadline.due_date < today,
               Deadline.kind.in_(ACTION_KINDS), *open_conds)
        .group_by(Case.owner_id)
    ).all())
    # Letters in review are few: joined to their cases rather than listing the cohort's ids.
    letters_query = select(Letter.author_id, func.count(Letter.id)).where(
        Letter.status == LetterStatus.IN_REVIEW.value)
    if conditions:
        letters_query = letters_query.join(Case, Case.id == Letter.case_id).where(*conditions)
    letters = dict(db.session.execute(letters_query.group_by(Letter.author_id)).all())
    ids = {i for i in (*open_cases, *overdue, *letters) if i is not None}
    names = dict(db.session.execute(
        select(User.id, User.username).where(User.id.in_(ids))
    ).all()) if ids else {}
    rows = [WorkloadRow(i, names.get(i), open_cases.get(i, 0), overdue.get(i, 0),
                        letters.get(i, 0)) for i in ids]
    rows.sort(key=lambda r: (r.username or "").casefold())
    if open_cases.get(None) or overdue.get(None):
        rows.append(WorkloadRow(None, None, open_cases.get(None, 0), overdue.get(None, 0), 0))
    return rows


def compute(review_filter: ReviewFilter, today: date, lang: str | None) -> Figures:
    """Every figure for this filter, fresh from the database except the median durations.

    A change to one case moves a median by a day at most, so the medians are kept for the
    memo's age limit (REVIEW_CACHE_SECONDS) whatever is logged meanwhile; every count is fresh.
    """
    conditions = review_filter.cohort()
    # The figures over claims and spans select the cohort's ids four times: listed once.
    with materialised(conditions) as cohort:
        times = memo.cached("durations", (review_filter.key, today),
                            lambda: durations(cohort, today), versioned=False)
        found_claims, found_outcomes = claims(cohort), outcomes(cohort, times)
    total, stage_rows = funnel(conditions, times.stages)
    return Figures(
        today=today, total=total, funnel=stage_rows, claims=found_claims,
        regions=regions(conditions, lang), military=military(conditions),
        outcomes=found_outcomes,
        workload=workload(review_filter.cohort(period=False), today),
    )


def figures(review_filter: ReviewFilter, lang: str | None, today: date | None = None) -> Figures:
    """The figures for this filter, from the memo when nothing was logged since."""
    day = today or clock.today()
    return memo.cached("figures", (review_filter.key, day, lang),
                       lambda: compute(review_filter, day, lang))


__all__ = [
    "ACTION_KINDS", "ACTIVE", "FUNNEL_ROWS", "ClaimRow", "Durations", "Figures", "Outcomes", "Row",
    "StageRow", "WorkloadRow", "claims", "compute", "durations", "figures", "funnel", "military",
    "outcomes", "regions", "workload",
]
