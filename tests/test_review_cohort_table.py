"""The cohort's ids written once per computation (`review.cohort`): on SQLite a temporary table
that gives the same figures as the plain conditions and never shows one computation's ids to
the next; on PostgreSQL the ids stay a subquery."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select, text

from advocate.cases.models import Case, Claim
from advocate.cases.vocab import CoercionType
from advocate.extensions import db
from advocate.review import cohort, queries
from advocate.review.filters import ReviewFilter

from .test_review_support import D0, TODAY, client_for, new_case, record_refusal

pytest_plugins = ["tests.test_review_support"]

TO_REFUSAL = [(10, "verifying_identity"), (30, "collecting_documents"), (40, "awaiting_consent"),
              (50, "ready_to_apply"), (60, "applied"), (80, "refused")]
TO_TRANSFER = [(20, "verifying_identity"), (25, "collecting_documents"), (45, "awaiting_consent"),
               (55, "ready_to_apply"), (70, "applied"), (80, "under_review"), (90, "approved"),
               (99, "transferred")]


@pytest.fixture
def cases(review_app, people, log_clock) -> dict[str, int]:
    """Cases of two advocates and one nobody owns, with claims, stays and a refusal."""
    app, adv1, adv2 = review_app, people["adv1"], people["adv2"]
    made = {
        "a1": new_case(app, adv1, clock_=log_clock, steps=TO_REFUSAL, region_ru="tatarstan",
                       claims=["beating", "beating", "isolation"]),
        "a2": new_case(app, adv1, clock_=log_clock, steps=TO_TRANSFER, region_ru="tatarstan",
                       claims=["isolation"]),
        "a3": new_case(app, adv1, clock_=log_clock, steps=[(12, "verifying_identity")]),
        "b1": new_case(app, adv2, clock_=log_clock, steps=TO_TRANSFER, region_ru="moscow_city",
                       claims=["beating"]),
        "b2": new_case(app, adv2, clock_=log_clock, steps=[(3, "verifying_identity")],
                       claims=["threats_to_family", "beating"]),
        "n1": new_case(app, None, clock_=log_clock, steps=TO_REFUSAL),
    }
    log_clock.day = 100
    record_refusal(app, made["a1"][0], ["not_a_crime"], D0 + timedelta(days=80))
    return {key: case_id for key, (_, case_id) in made.items()}


def _dialect() -> str:
    return db.engine.dialect.name


def _sqlite_only() -> None:
    if _dialect() != "sqlite":
        pytest.skip("the temporary table is SQLite's")


def _figures_of(found: cohort.Cohort) -> tuple[Any, ...]:
    """Every figure that selects the cohort's ids (claims, durations, outcomes)."""
    times = queries.durations(found, TODAY)
    return queries.claims(found), times, queries.outcomes(found, times)


def _table_ids() -> set[int]:
    return set(db.session.execute(select(cohort.TABLE.c.id)).scalars())


def _owner_ids(owner_id: int) -> set[int]:
    return set(db.session.execute(select(Case.id).where(Case.owner_id == owner_id)).scalars())


@pytest.mark.parametrize("review_filter", [
    ReviewFilter(owner="adv1"), ReviewFilter(owner="adv2"), ReviewFilter(owner="none"),
    ReviewFilter(region_ru="tatarstan"), ReviewFilter(owner="no-such-user"), ReviewFilter(),
])
def test_figures_from_the_table_equal_those_of_the_plain_conditions(review_app, cases,
                                                                    review_filter):
    with review_app.test_request_context():
        conditions = review_filter.cohort()
        plain = _figures_of(cohort.plain(conditions))
        with cohort.materialised(conditions) as found:
            assert found.materialised is (_dialect() == "sqlite" and bool(conditions))
            assert _figures_of(found) == plain


def test_the_owner_view_counts_only_that_advocates_cases(review_app, cases):
    with review_app.test_request_context():
        adv1 = queries.compute(ReviewFilter(owner="adv1"), TODAY, "en")
        adv2 = queries.compute(ReviewFilter(owner="adv2"), TODAY, "en")
    claims1 = {r.key: (r.claims, r.cases) for r in adv1.claims if r.claims}
    claims2 = {r.key: (r.claims, r.cases) for r in adv2.claims if r.claims}
    assert claims1 == {"beating": (2, 1), "isolation": (2, 2)}
    assert claims2 == {"beating": (2, 2), "threats_to_family": (1, 1)}
    assert (adv1.total, adv2.total) == (3, 2)
    assert (adv1.outcomes.transferred, adv1.outcomes.refused) == (1, 1)
    assert (adv2.outcomes.transferred, adv2.outcomes.refused) == (1, 0)
    assert adv1.outcomes.to_transfer.days == 99
    assert adv1.outcomes.to_transfer.count == 1
    assert adv1.outcomes.to_application.days == 65  # a1 on day 60, a2 on day 70
    medians1 = {r.status: r.median for r in adv1.funnel if r.median and r.median.count}
    # Verifying: a1 20 days, a2 5, a3 still there after 88: median 20.
    assert (medians1["verifying_identity"].days, medians1["verifying_identity"].count) == (20, 3)
    medians2 = {r.status: r.median for r in adv2.funnel if r.median and r.median.count}
    # Verifying: b1 5 days, b2 still there after 97.
    assert (medians2["verifying_identity"].days, medians2["verifying_identity"].count) == (51, 2)


def test_a_second_computation_sees_only_its_own_ids(review_app, cases, people):
    with review_app.test_request_context():
        _sqlite_only()
        connection = db.session.connection()
        with cohort.materialised(ReviewFilter(owner="adv1").cohort()) as first:
            assert first.materialised
            assert first.size == 3
            assert _table_ids() == _owner_ids(people["adv1"].id)
        assert _table_ids() == set()  # emptied at the end
        with cohort.materialised(ReviewFilter(owner="adv2").cohort()) as second:
            assert db.session.connection() is connection  # the same connection, the same table
            assert second.size == 2
            assert _table_ids() == _owner_ids(people["adv2"].id)
            assert {r.key: r.claims for r in queries.claims(second) if r.claims} == {
                "beating": 2, "threats_to_family": 1}
        assert _table_ids() == set()


def test_ids_left_behind_are_emptied_before_filling(review_app, cases, people):
    with review_app.test_request_context():
        _sqlite_only()
        db.session.execute(text("CREATE TEMP TABLE IF NOT EXISTS review_cohort "
                                "(id INTEGER PRIMARY KEY)"))
        db.session.execute(text("INSERT INTO temp.review_cohort (id) VALUES (:a), (:b)"),
                           {"a": cases["b1"], "b": 999_999})
        with cohort.materialised(ReviewFilter(owner="adv1").cohort()):
            assert _table_ids() == _owner_ids(people["adv1"].id)


def test_an_interrupted_computation_leaves_no_ids(review_app, cases):
    with review_app.test_request_context():
        _sqlite_only()
        with pytest.raises(RuntimeError), cohort.materialised(ReviewFilter(owner="adv1").cohort()):
            raise RuntimeError("stop")
        assert _table_ids() == set()
        with cohort.materialised(ReviewFilter(owner="adv2").cohort()) as again:
            assert again.materialised  # not taken for a computation still running


def test_a_nested_computation_leaves_the_outer_ids_alone(review_app, cases, people):
    with review_app.test_request_context():
        _sqlite_only()
        with cohort.materialised(ReviewFilter(owner="adv1").cohort()) as outer:
            with cohort.materialised(ReviewFilter(owner="adv2").cohort()) as inner:
                assert not inner.materialised
                assert {r.key: r.claims for r in queries.claims(inner) if r.claims} == {
                    "beating": 2, "threats_to_family": 1}
            assert outer.materialised
            assert _table_ids() == _owner_ids(people["adv1"].id)


def test_postgresql_keeps_the_subquery(review_app, cases):
    with review_app.test_request_context():
        if _dialect() != "postgresql":
            pytest.skip("PostgreSQL hashes the subquery itself")
        with cohort.materialised(ReviewFilter(owner="adv1").cohort()) as found:
            assert not found.materialised
            assert "review_cohort" not in str(found.ids())


@pytest.mark.parametrize("whole_table", [0, 10**9])
def test_claims_by_seek_or_by_join_are_the_same(review_app, cases, monkeypatch, whole_table):
    """A small cohort seeks each id's claims, a large one is joined: the same counts."""
    monkeypatch.setattr(cohort, "WHOLE_TABLE", whole_table)
    with review_app.test_request_context():
        _sqlite_only()
        with cohort.materialised(ReviewFilter(owner="adv1").cohort()) as found:
            query = found.scoped(select(Claim.type), Claim.case_id, Claim.id)
            assert ("JOIN" in str(query)) is bool(whole_table)
            claims = {r.key: (r.claims, r.cases) for r in queries.claims(found) if r.claims}
    assert claims == {"beating": (2, 1), "isolation": (2, 2)}


def _claim_cases(page: str) -> dict[str, int]:
    """The "cases with a claim" table of a review page: label -> cases, non-zero ones."""
    table = re.search(r'<table id="claims-cases">.*?</table>', page, re.S)
    assert table, "no claims table"
    rows = re.findall(r'<th scope="row">(?:<a [^>]*>)?([^<]+)(?:</a>)?</th><td>(\d+)</td>',
                      table.group(0))
    return {label: int(n) for label, n in rows if int(n)}


def test_owner_pages_one_after_the_other(review_app, cases, people):
    """Owner views in read requests on a pooled connection, each with its own figures."""
    client = client_for(review_app, people["supervisor"])
    pages = [client.get(f"/review?owner={name}") for name in ("adv1", "adv2", "adv1")]
    assert [p.status_code for p in pages] == [200, 200, 200]
    found = [_claim_cases(p.get_data(as_text=True)) for p in pages]
    beating, isolation = str(CoercionType.BEATING.label), str(CoercionType.ISOLATION.label)
    threats = str(CoercionType.THREATS_TO_FAMILY.label)
    assert found[0] == found[2] == {beating: 1, isolation: 2}
    assert found[1] == {beating: 2, threats: 1}
