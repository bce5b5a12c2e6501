"""The review's figures against a hand-built set of cases: funnel, medians, claims, regions,
military status, outcomes, workload, filters; the stage spans they rest on."""

from __future__ import annotations

import statistics
from datetime import date, datetime, timedelta
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import select

from advocate.extensions import db
from advocate.letters.workflow import LetterStatus
from advocate.review import queries, stages
from advocate.review.filters import ReviewFilter
from advocate.review.models import StageSpan
from advocate.review.stages import median_of

from .test_review_support import (
    D0,
    TODAY,
    add_hearing,
    add_letter,
    new_case,
    record_refusal,
    set_columns,
)

pytest_plugins = ["tests.test_review_support"]

PATH_A = [(10, "verifying_identity"), (30, "collecting_documents"), (40, "awaiting_consent"),
          (50, "ready_to_apply"), (60, "applied"), (70, "under_review"), (80, "approved"),
          (90, "transferred")]
PATH_B = [(20, "verifying_identity"), (40, "collecting_documents"), (45, "awaiting_consent"),
          (50, "ready_to_apply"), (70, "applied"), (80, "refused")]


@pytest.fixture
def scenario(review_app, people, log_clock) -> dict[str, Any]:
    """Six cases opened on D0 (see the module's expectations below)."""
    app, adv1, adv2 = review_app, people["adv1"], people["adv2"]
    refs: dict[str, Any] = {}
    refs["A"] = new_case(app, adv1, clock_=log_clock, steps=PATH_A, region_ru="tatarstan",
                         military_status="pressured", claims=["beating", "beating", "isolation"])
    refs["B"] = new_case(app, adv1, clock_=log_clock, steps=PATH_B, region_ru="tatarstan",
                         military_status="none")
    refs["C"] = new_case(app, adv2, clock_=log_clock, steps=[(5, "verifying_identity")],
                         region_ru="moscow_city", military_status="contract_signed",
                         claims=["beating"])
    # An older case imported as closed after its transfer: no stay in "transferred".
    refs["D"] = new_case(app, adv2, clock_=log_clock, status="closed",
                         closing_reason="transferred", region_ru="moscow_city")
    refs["E"] = new_case(app, None, clock_=log_clock, steps=[(10, "closed")],
                         closing_reason="withdrew")
    refs["F"] = new_case(app, adv1, clock_=log_clock, region_ru="tatarstan")
    log_clock.day = 100
    record_refusal(app, refs["B"][0], ["not_a_crime"], D0 + timedelta(days=80))
    add_hearing(app, refs["F"][0], TODAY - timedelta(days=1))
    add_letter(app, refs["C"][0], adv2, LetterStatus.IN_REVIEW)
    return refs


def _figures(app, review_filter: ReviewFilter | None = None) -> queries.Figures:
    with app.test_request_context():
        return queries.compute(review_filter or ReviewFilter(), TODAY, "en")


def _funnel(figures: queries.Figures) -> dict[str, Any]:
    return {row.status: row for row in figures.funnel}


def test_funnel_counts_and_reached(review_app, scenario):
    figures = _figures(review_app)
    funnel = _funnel(figures)
    assert figures.total == 6
    assert {s: r.count for s, r in funnel.items() if r.count} == {
        "intake": 1, "verifying_identity": 1, "transferred": 1, "refused": 1, "closed": 2}
    # Open cases by depth: F intake, C verifying, B refused (depth of review), A transferred.
    assert [funnel[s].reached for s in ("intake", "verifying_identity", "awaiting_judgment",
                                        "under_review", "approved", "transferred")] == \
        [4, 3, 2, 2, 1, 1]
    assert funnel["refused"].reached is None
    assert funnel["closed"].reached is None


def test_median_days_in_each_stage(review_app, scenario):
    funnel = _funnel(_figures(review_app))
    medians = {s: (r.median.days, r.median.count) for s, r in funnel.items() if r.median}
    # Intake: A 10, B 20, C 5, E 10, F still there after 100 days.
    assert medians["intake"] == (10, 5)
    # Verifying: A 20, B 20, C still there after 95 days.
    assert medians["verifying_identity"] == (20, 3)
    assert medians["collecting_documents"] == (7.5, 2)
    assert medians["ready_to_apply"] == (15, 2)
    assert medians["applied"] == (10, 2)
    assert medians["refused"] == (20, 1)  # B, refused on day 80, still refused on day 100
    assert medians["awaiting_judgment"] == (None, 0)
    assert "transferred" not in medians
    assert "closed" not in medians


def test_outcomes(review_app, scenario):
    out = _figures(review_app).outcomes
    assert out.transferred == 2  # A through "transferred", D closed as transferred
    assert out.refused == 1
    assert out.refused_without_ground == 0
    assert {g.key: g.count for g in out.grounds if g.count} == {"not_a_crime": 1}
    # Intake to application: A 60 days, B 70; to transfer: A 90. D was imported closed.
    assert (out.to_application.days, out.to_application.count) == (65, 2)
    assert (out.to_transfer.days, out.to_transfer.count) == (90, 1)


def test_refused_without_ground_until_recorded(review_app, people, log_clock):
    reference, _ = new_case(review_app, people["adv1"], clock_=log_clock,
                            steps=[(1, "verifying_identity"), (2, "collecting_documents"),
                                   (3, "awaiting_consent"), (4, "ready_to_apply"),
                                   (5, "applied"), (6, "refused")])
    assert _figures(review_app).outcomes.refused_without_ground == 1
    record_refusal(review_app, reference, ["civil_claim", "no_treaty"], D0 + timedelta(days=6))
    out = _figures(review_app).outcomes
    assert out.refused_without_ground == 0
    assert {g.key: g.count for g in out.grounds if g.count} == {"civil_claim": 1, "no_treaty": 1}


def test_claims_regions_military(review_app, scenario):
    figures = _figures(review_app)
    claims = {c.key: (c.claims, c.cases) for c in figures.claims if c.claims}
    assert claims == {"beating": (3, 2), "isolation": (1, 1)}
    assert len(figures.claims) == 10  # every type listed, zero or not
    regions = {r.key: r.count for r in figures.regions}
    assert regions == {"tatarstan": 3, "moscow_city": 2, "": 1}
    assert [r.key for r in figures.regions][:2] == ["tatarstan", "moscow_city"]
    military = {m.key: m.count for m in figures.military}
    assert military["pressured"] == 1
    assert military["none"] == 1
    assert military["contract_signed"] == 1
    assert military[""] == 3
    assert sum(military.values()) == 6


def test_workload_per_advocate(review_app, scenario):
    rows = {r.username: r for r in _figures(review_app).workload}
    # adv1: B (refused) and F open, A transferred; adv2: C open, D closed; E closed.
    assert (rows["adv1"].open_cases, rows["adv1"].overdue, rows["adv1"].letters_in_review) == \
        (2, 1, 0)
    assert (rows["adv2"].open_cases, rows["adv2"].overdue, rows["adv2"].letters_in_review) == \
        (1, 0, 1)
    assert None not in rows  # no open unassigned case


def test_filters_narrow_every_figure(review_app, scenario):
    mine = _figures(review_app, ReviewFilter(owner="ADV1"))
    assert mine.total == 3
    assert {r.key: r.count for r in mine.regions} == {"tatarstan": 3}
    assert {c.key: c.claims for c in mine.claims if c.claims} == {"beating": 2, "isolation": 1}
    assert [r.username for r in mine.workload] == ["adv1"]
    moscow = _figures(review_app, ReviewFilter(region_ru="moscow_city"))
    assert moscow.total == 2
    assert moscow.outcomes.transferred == 1
    nobody = _figures(review_app, ReviewFilter(owner="none"))
    assert nobody.total == 1  # E
    unknown = _figures(review_app, ReviewFilter(owner="no-such-user"))
    assert unknown.total == 0


def test_period_selects_cases_opened_in_it(review_app, scenario):
    set_columns(review_app, scenario["C"][1], created_at=datetime(2025, 1, 15, 9, 0))
    period = ReviewFilter(start=date(2025, 1, 1), end=date(2025, 1, 31))
    figures = _figures(review_app, period)
    assert figures.total == 1
    assert _funnel(figures)["verifying_identity"].count == 1
    assert {c.key: c.claims for c in figures.claims if c.claims} == {"beating": 1}
    # The workload is about today: the period does not narrow it.
    assert {r.username for r in figures.workload} == {"adv1", "adv2"}
    edge = _figures(review_app, ReviewFilter(start=date(2025, 1, 15), end=date(2025, 1, 15)))
    assert edge.total == 1


def test_filter_from_args_reads_and_ignores():
    f = ReviewFilter.from_args({"owner": " Adv1 ", "region_ru": "tatarstan",
                                "from": "31.01.2025", "to": "2025-01-01"})
    assert (f.owner, f.region_ru, f.start, f.end) == ("adv1", "tatarstan", date(2025, 1, 1),
                                                      date(2025, 1, 31))
    bad = ReviewFilter.from_args({"region_ru": "atlantis", "from": "yesterday"})
    assert (bad.region_ru, bad.start) == ("", None)
    assert f.args() == {"owner": "adv1", "region_ru": "tatarstan", "from": "2025-01-01",
                        "to": "2025-01-31"}
    assert f.case_list_args(status="applied") == {
        "owner": "adv1", "region_ru": "tatarstan", "status": "applied",
        "opened_from": "2025-01-01", "opened_to": "2025-01-31"}
    assert f.case_list_args(period=False, status="applied") == {
        "owner": "adv1", "region_ru": "tatarstan", "status": "applied"}


def _spans(app, case_id: int) -> list[tuple[str, int, int | None]]:
    with app.app_context():
        rows = db.session.execute(
            select(StageSpan.status, StageSpan.entered_day, StageSpan.left_day)
            .where(StageSpan.case_id == case_id).order_by(StageSpan.id)
        ).all()
        return [(s, e - D0.toordinal(), None if left is None else left - D0.toordinal())
                for s, e, left in rows]


def test_spans_follow_status_events_and_rebuild_the_same(review_app, scenario):
    b = scenario["B"][1]
    expected = [("intake", 0, 20), ("verifying_identity", 20, 40),
                ("collecting_documents", 40, 45), ("awaiting_consent", 45, 50),
                ("ready_to_apply", 50, 70), ("applied", 70, 80), ("refused", 80, None)]
    assert _spans(review_app, b) == expected
    with review_app.app_context():
        assert stages.rebuild() == 6
        db.session.commit()
    assert _spans(review_app, b) == expected
    assert _spans(review_app, scenario["D"][1]) == [("closed", 0, None)]


def test_sync_derives_spans_for_cases_written_without_the_orm(review_app, scenario):
    from sqlalchemy import delete

    with review_app.app_context():
        db.session.execute(delete(StageSpan).where(StageSpan.case_id == scenario["A"][1]))
        db.session.commit()
        assert stages.sync() == 1
        assert stages.sync() == 0
        db.session.commit()
    assert [s for s, _, _ in _spans(review_app, scenario["A"][1])] == [
        "intake", *(status for _, status in PATH_A)]


def test_demo_step_is_registered_for_the_demo_command(review_app):
    from advocate import cli

    assert stages.demo_step in cli.DEMO_STEPS
    assert cli.DEMO_STEPS.index(stages.demo_step) > 0  # after the demo cases exist


@given(st.lists(st.integers(min_value=0, max_value=400), min_size=1, max_size=60))
def test_median_of_histogram_equals_the_median_of_the_values(values):
    histogram: dict[int, int] = {}
    for value in values:
        histogram[value] = histogram.get(value, 0) + 1
    result = median_of(histogram.items())
    assert result.count == len(values)
    assert result.days == statistics.median(values)


def test_median_of_nothing():
    assert median_of([]) == stages.Median(None, 0)
    assert median_of([(5, 0)]) == stages.Median(None, 0)


def test_cases_still_work_before_the_spans_table_exists(review_app, people):
    """Until the migration has run, status events are written without spans (sync catches up)."""
    with review_app.app_context():
        StageSpan.__table__.drop(db.engine)
        stages._READY.clear()
    try:
        reference, case_id = new_case(review_app, people["adv1"], steps=[(1, "verifying_identity")])
        with review_app.app_context():
            assert "no stage spans table" in stages.demo_step({})
        from .test_review_support import client_for

        page = client_for(review_app, people["adv1"]).get(f"/cases/{reference}")
        assert page.status_code == 200
    finally:
        with review_app.app_context():
            StageSpan.__table__.create(db.engine)
    with review_app.app_context():
        assert stages.sync() == 1
        db.session.commit()
    assert [s for s, _, _ in _spans(review_app, case_id)] == ["intake", "verifying_identity"]
