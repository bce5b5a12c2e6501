"""The review's cohort conditions (`ReviewFilter.cohort`): the owner looked up once, period bounds
that leave out no case dropped, the same cases selected as `conditions`; and the needs-attention
deadline counts (one grouped query) against the deadline source's own counts."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import func, select

from advocate.cases.models import Case
from advocate.extensions import db
from advocate.procedures import deadlines
from advocate.procedures.models import DeadlineKind
from advocate.review import attention, queries
from advocate.review.filters import ReviewFilter

from .test_review_support import TODAY, add_computed, add_hearing, new_case, set_columns

pytest_plugins = ["tests.test_review_support"]

#: Far enough ahead that "to" lies after now whatever the time zone.
FUTURE = date.today() + timedelta(days=2)


@pytest.fixture
def dated(review_app, people) -> dict[str, Any]:
    """Three cases opened on 10 and 20 January and 5 February 2025 (adv1, adv1, adv2)."""
    made = {}
    for key, owner, opened in (("jan10", "adv1", datetime(2025, 1, 10, 12, 0)),
                               ("jan20", "adv1", datetime(2025, 1, 20, 12, 0)),
                               ("feb05", "adv2", datetime(2025, 2, 5, 12, 0))):
        reference, case_id = new_case(review_app, people[owner], region_ru="tatarstan")
        set_columns(review_app, case_id, created_at=opened)
        made[key] = reference
    return made


def _cohort(app, review_filter: ReviewFilter, *, period: bool = True) -> list[Any]:
    with app.app_context():
        return review_filter.cohort(period=period)


def _count(app, conditions: list[Any]) -> int:
    with app.app_context():
        return db.session.execute(select(func.count(Case.id)).where(*conditions)).scalar_one()


def _total(app, review_filter: ReviewFilter) -> int:
    with app.test_request_context():
        return queries.compute(review_filter, TODAY, "en").total


def _period_bounds(conditions: list[Any]) -> int:
    return sum("created_at" in str(c) for c in conditions)


def test_a_period_covering_every_case_is_dropped(review_app, dated):
    covering = ReviewFilter(start=date(2025, 1, 1), end=FUTURE)
    assert _period_bounds(_cohort(review_app, covering)) == 0
    assert _total(review_app, covering) == 3
    assert _total(review_app, covering) == _total(review_app, ReviewFilter())


def test_a_period_leaving_out_cases_keeps_its_bounds(review_app, dated):
    january = ReviewFilter(start=date(2025, 1, 15), end=date(2025, 1, 31))
    assert _period_bounds(_cohort(review_app, january)) == 2
    assert _total(review_app, january) == 1
    since = ReviewFilter(start=date(2025, 1, 15), end=FUTURE)
    assert _period_bounds(_cohort(review_app, since)) == 1  # the end leaves out nothing
    assert _total(review_app, since) == 2
    until = ReviewFilter(start=date(2024, 12, 1), end=date(2025, 1, 10))
    assert _period_bounds(_cohort(review_app, until)) == 1  # the start leaves out nothing
    assert _total(review_app, until) == 1


def test_an_end_before_now_is_kept_even_when_it_leaves_out_nothing(review_app, dated):
    """A case opened meanwhile (now) would lie after it: the bound must stay."""
    past = ReviewFilter(start=date(2025, 1, 1), end=date(2025, 3, 1))
    assert _period_bounds(_cohort(review_app, past)) == 1
    assert _total(review_app, past) == 3


def test_a_start_after_now_is_kept(review_app, dated):
    ahead = ReviewFilter(start=FUTURE)
    assert _period_bounds(_cohort(review_app, ahead)) == 1
    assert _total(review_app, ahead) == 0


def test_without_period_the_dates_are_ignored(review_app, dated):
    january = ReviewFilter(start=date(2025, 1, 15), end=date(2025, 1, 31))
    assert _period_bounds(_cohort(review_app, january, period=False)) == 0


@pytest.mark.parametrize(("owner", "region", "start", "end", "expected"), [
    ("adv1", "", None, None, 2),
    ("ADV2", "", None, None, 1),
    ("none", "", None, None, 0),
    ("no-such-user", "", None, None, 0),
    ("", "tatarstan", date(2025, 1, 15), None, 2),
    ("", "moscow_city", None, None, 0),
    ("adv1", "tatarstan", date(2025, 1, 1), date(2025, 1, 15), 1),
])
def test_cohort_selects_the_same_cases_as_conditions(review_app, dated, owner, region, start,
                                                     end, expected):
    review_filter = ReviewFilter(owner=owner, region_ru=region, start=start, end=end)
    assert _count(review_app, _cohort(review_app, review_filter)) == expected
    assert _count(review_app, review_filter.conditions()) == expected
    assert _total(review_app, review_filter) == expected


def test_the_owner_is_a_literal_id_not_a_subquery(review_app, dated):
    conditions = _cohort(review_app, ReviewFilter(owner="adv1"))
    assert len(conditions) == 1
    assert "users" not in str(conditions[0])


def _source_counts(app, scope: attention.Scope, s: attention.Settings) -> dict[str, int]:
    """The deadline counts as the deadline source computes them (three calls)."""
    with app.app_context():
        ids = select(Case.id).where(*scope.conditions) if scope.conditions else None
        action = attention.ACTION_KINDS
        every = deadlines.counts(s.today, ids, soon_days=s.soon_days, kinds=action)
        answers = deadlines.counts(s.today, ids, soon_days=s.soon_days,
                                   kinds=(DeadlineKind.FOLLOW_UP.value,))
        lapsing = deadlines.counts(s.today, ids, soon_days=s.lapse_days,
                                   kinds=(DeadlineKind.ELIGIBILITY_LAPSE.value,))
        return {"overdue": every["overdue"] - answers["overdue"], "upcoming": every["due_soon"],
                "lapsing": lapsing["due_soon"], "answers": answers["overdue"]}


def test_deadline_counts_match_the_deadline_source(review_app, people):
    mine, _ = new_case(review_app, people["adv1"])
    theirs, _ = new_case(review_app, people["adv2"])
    closed, _ = new_case(review_app, people["adv1"], status="closed", closing_reason="released")
    for reference in (mine, theirs, closed):
        add_hearing(review_app, reference, TODAY - timedelta(days=3))
        add_hearing(review_app, reference, TODAY + timedelta(days=5))
    add_hearing(review_app, mine, TODAY + timedelta(days=40))  # beyond the 14 days
    add_computed(review_app, mine, DeadlineKind.ELIGIBILITY_LAPSE, TODAY + timedelta(days=30))
    add_computed(review_app, mine, DeadlineKind.LAPSE_REMINDER, TODAY - timedelta(days=1))
    add_computed(review_app, theirs, DeadlineKind.FOLLOW_UP, TODAY - timedelta(days=2),
                 ref="letter-1")
    with review_app.test_request_context():
        settings = attention.Settings.current(TODAY)
        scopes = {"all": attention.Scope(),
                  "adv1": attention.Scope(tuple(ReviewFilter(owner="adv1").cohort())),
                  "adv2": attention.Scope(tuple(ReviewFilter(owner="adv2").cohort()))}
        found = {name: attention.deadline_counts(scope, settings)
                 for name, scope in scopes.items()}
    expected = {name: _source_counts(review_app, scope, settings)
                for name, scope in scopes.items()}
    assert found == expected
    assert found["adv1"] == {"overdue": 1, "upcoming": 1,
                             "lapsing": 1 if settings.lapse_days >= 30 else 0, "answers": 0}
    assert found["adv2"] == {"overdue": 1, "upcoming": 1, "lapsing": 0, "answers": 1}
    assert found["all"]["overdue"] == 2  # the closed case's hearing is left out
