"""Deadlines: computed when a case is saved, kept fresh, entered by hand; overdue and due-soon
queries across cases; document requests flagged overdue.

The READY case ends on 02.12.2026 and stops being eligible after 02.06.2026 (see
procedures_factories); the route's reminder comes 60 days earlier: 02.06 − 2 days = 31.05,
− 31 = 30.04, − 27 = 03.04.2026. Without the 312 days of custody the term ends on 14.03.2028
(3 years from 15.03.2025, 2028 a leap year), lapse 14.09.2027 (15.09.2027 + 6 months − 1 day =
14.03.2028), reminder 16.07.2027 (14.09 − 14 = 31.08, − 31 = 31.07, − 15 = 16.07).
"""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from sqlalchemy import insert, select

from advocate.cases.models import Case
from advocate.cases.vocab import Regime
from advocate.extensions import db
from advocate.procedures import deadlines, operations
from advocate.procedures.articles import parse_articles
from advocate.procedures.definitions import load_procedures
from advocate.procedures.models import Deadline
from advocate.procedures.sentence import TermInput, compute_term

from .procedures_factories import READY, load, make_case

TODAY = date(2025, 1, 15)
ROUTE = load_procedures()["ru_uz"]


@pytest.fixture(autouse=True)
def frozen_today(monkeypatch):
    monkeypatch.setattr("advocate.clock.today", lambda: TODAY)


def _dates(app, reference: str, *, include_done: bool = False) -> dict[tuple[str, str], date]:
    with app.app_context():
        rows = deadlines.for_case(load(reference), include_done=include_done)
        return {(d.kind, d.ref): d.due_date for d in rows}


def test_lapse_and_reminder_are_stored_when_a_case_is_created(app):
    case = make_case(app)
    assert _dates(app, case.reference) == {
        ("eligibility_lapse", ""): date(2026, 6, 2),
        ("lapse_reminder", ""): date(2026, 4, 3),
    }


def test_a_changed_term_moves_them_in_the_same_flush(app):
    case = make_case(app)
    with app.app_context():
        record = load(case.reference)
        record.pretrial_days = 0
        db.session.flush()  # the listener runs here, before anything is committed
        assert {d.kind: d.due_date for d in deadlines.for_case(record)} == {
            "eligibility_lapse": date(2027, 9, 14), "lapse_reminder": date(2027, 7, 16)}
        db.session.commit()


def test_unrelated_edits_leave_them_alone(app):
    case = make_case(app)
    with app.app_context():
        record = load(case.reference)
        lapse = next(d for d in deadlines.for_case(record) if d.kind == "eligibility_lapse")
        operations.complete_deadline(record, lapse, actor=None)
        record.label = "drug charge, Tver colony"
        db.session.commit()
    assert ("eligibility_lapse", "") not in _dates(app, case.reference)
    assert _dates(app, case.reference, include_done=True)[("eligibility_lapse", "")] == date(
        2026, 6, 2)


@pytest.mark.parametrize("change", [
    {"status": "closed", "closing_reason": "released"},
    {"status": "transferred"},
    {"custody_type": "released"},
    {"custody_type": "immigration"},
    {"term_start": None},
    {"custody_country": "KZ"},
])
def test_nothing_to_watch_removes_the_lapse(app, change):
    case = make_case(app)
    with app.app_context():
        record = load(case.reference)
        for name, value in change.items():
            setattr(record, name, value)
        db.session.commit()
    assert _dates(app, case.reference) == {}


def test_no_term_no_lapse(app):
    case = make_case(app, sentence_years=None)
    assert _dates(app, case.reference) == {}


def test_follow_ups_and_generic_dates_for_letters(app):
    case = make_case(app)
    with app.app_context():
        record = load(case.reference)
        follow = deadlines.set_follow_up(record, "OUT-2025-0007", date(2025, 1, 2))
        assert (follow.kind, follow.due_date, follow.source) == (
            "follow_up", date(2025, 2, 1), "computed")  # 30 days
        again = deadlines.set_follow_up(record, "OUT-2025-0007", date(2025, 1, 5))
        assert again.id == follow.id
        assert again.due_date == date(2025, 2, 4)  # moved, not duplicated
        deadlines.add_computed(record, "follow_up", date(2025, 3, 1), "OUT-2025-0009")
        assert deadlines.resolve(record, "follow_up", "OUT-2025-0009") == 1
        db.session.commit()
    dates = _dates(app, case.reference)
    assert dates[("follow_up", "OUT-2025-0007")] == date(2025, 2, 4)
    assert ("follow_up", "OUT-2025-0009") not in dates


def test_hearing_entered_by_hand_shown_and_removed(app, client, auth):
    owner = auth.login_as("advocate")
    case = make_case(app, owner)
    response = client.post(f"/cases/{case.reference}/transfer/hearings",
                           data={"due_date": "20.01.2025", "title": "Appeal, Tver regional court"})
    assert response.status_code == 302
    html = client.get(f"/cases/{case.reference}/transfer").get_data(as_text=True)
    assert "2025-01-20 — Court hearing: Appeal, Tver regional court" in html
    assert "due soon" in html
    with app.app_context():
        row = db.session.execute(select(Deadline).where(Deadline.kind == "hearing")).scalar_one()
        assert (row.source, row.created_by_id) == ("manual", owner.id)
        lapse_id = db.session.execute(select(Deadline.id).where(
            Deadline.kind == "eligibility_lapse")).scalar_one()
    refused = client.post(f"/cases/{case.reference}/transfer/deadlines/{lapse_id}/remove")
    assert refused.status_code == 400  # computed dates cannot be removed
    response = client.post(f"/cases/{case.reference}/transfer/deadlines/{row.id}/remove")
    assert response.status_code == 302
    assert ("hearing", "") not in _dates(app, case.reference)
    response = client.post(f"/cases/{case.reference}/transfer/hearings",
                           data={"due_date": "", "title": ""})
    assert response.status_code == 400


def test_overdue_and_due_between_across_cases(app):
    first, second, third = make_case(app), make_case(app), make_case(app)
    closed = make_case(app)
    with app.app_context():
        a, b, c, d = (load(x.reference) for x in (first, second, third, closed))
        operations.add_hearing(a, due=date(2025, 1, 10), title="hearing A", actor=None)
        operations.add_hearing(b, due=date(2025, 1, 20), title="hearing B", actor=None)
        operations.add_hearing(c, due=date(2025, 2, 20), title="hearing C", actor=None)
        operations.add_hearing(d, due=date(2025, 1, 11), title="hearing D", actor=None)
        done = operations.add_hearing(c, due=date(2025, 1, 5), title="done", actor=None)
        operations.complete_deadline(c, done, actor=None)
        d.status, d.closing_reason = "closed", "withdrew"
        db.session.commit()

        late = deadlines.overdue(TODAY)
        assert [(x.case_id, x.title) for x in late] == [(a.id, "hearing A")]
        assert [x.title for x in deadlines.overdue(TODAY, include_finished=True)] == [
            "hearing A", "hearing D"]
        soon = deadlines.due_between(TODAY, date(2025, 1, 29))
        assert [(x.case_id, x.title) for x in soon] == [(b.id, "hearing B")]
        assert deadlines.due_between(TODAY, date(2025, 1, 29), case_ids=[a.id, c.id]) == []
        subquery = select(Case.id).where(Case.id.in_([b.id]))
        assert [x.title for x in deadlines.due_between(TODAY, date(2025, 3, 1), subquery)] == [
            "hearing B"]
        later = deadlines.due_between(date(2026, 1, 1), date(2026, 12, 31))
        assert sorted((x.kind, x.case_id) for x in later) == sorted(
            [(k, i) for i in (a.id, b.id, c.id) for k in ("eligibility_lapse", "lapse_reminder")])


def test_kinds_limit_and_counts(app):
    cases = [make_case(app) for _ in range(3)]
    with app.app_context():
        for i, case in enumerate(cases):
            operations.add_hearing(load(case.reference), due=date(2025, 1, 10 + i), title=str(i),
                                   actor=None)
            deadlines.set_follow_up(load(case.reference), f"OUT-{i}", date(2024, 12, 1))
        db.session.commit()
        assert [d.title for d in deadlines.overdue(TODAY, kinds=["hearing"])] == ["0", "1", "2"]
        assert [d.title for d in deadlines.overdue(TODAY, kinds=["hearing"], limit=2)] == [
            "0", "1"]
        assert [d.ref for d in deadlines.overdue(TODAY, kinds=["follow_up"])] == [
            "OUT-0", "OUT-1", "OUT-2"]  # 01.12.2024 + 30 days = 31.12.2024
        assert deadlines.counts(TODAY) == {"overdue": 6, "due_soon": 0}
        assert deadlines.counts(date(2025, 1, 11), case_ids=[load(cases[2].reference).id]) == {
            "overdue": 1, "due_soon": 1}
        assert deadlines.counts(date(2026, 5, 25), kinds=["eligibility_lapse"]) == {
            "overdue": 0, "due_soon": 3}


def test_id_lists_longer_than_a_chunk(app):
    case = make_case(app)
    with app.app_context():
        ids = list(range(100_000, 102_000)) + [case.id]
        found = deadlines.due_between(date(2026, 1, 1), date(2026, 12, 31), case_ids=ids)
        assert {x.case_id for x in found} == {case.id}


def test_document_request_overdue_flag_and_deadline(app, client, auth):
    owner = auth.login_as("advocate")
    case = make_case(app, owner)
    url = f"/cases/{case.reference}/transfer/documents/time_served_statement"
    prefix = "doc-time_served_statement-"
    response = client.post(url, data={f"{prefix}status": "requested",
                                      f"{prefix}requested_on": "2024-12-01",
                                      f"{prefix}note": "asked the colony by post"})
    assert response.status_code == 302
    html = client.get(f"/cases/{case.reference}/transfer").get_data(as_text=True)
    assert "Overdue: no answer since 2024-12-01 (due by 2024-12-31)." in html
    assert "Chase the overdue request: Statement of time served" in html
    assert "2024-12-31 — Document request overdue: Statement of time served" in html
    assert _dates(app, case.reference)[("document_overdue", "time_served_statement")] == date(
        2024, 12, 31)
    with app.app_context():
        assert [x.ref for x in deadlines.overdue(TODAY)] == ["time_served_statement"]
    response = client.post(url, data={f"{prefix}status": "received",
                                      f"{prefix}requested_on": "2024-12-01"})
    assert response.status_code == 302
    html = client.get(f"/cases/{case.reference}/transfer").get_data(as_text=True)
    assert "Overdue:" not in html
    assert ("document_overdue", "time_served_statement") not in _dates(app, case.reference)
    with app.app_context():
        from advocate.procedures.models import CaseDocument

        row = db.session.execute(select(CaseDocument)).scalar_one()
        assert (row.status, row.requested_on, row.received_on) == (
            "received", date(2024, 12, 1), TODAY)  # blank date of the step: today


def test_a_recent_request_is_not_overdue(app, client, auth):
    owner = auth.login_as("advocate")
    case = make_case(app, owner)
    prefix = "doc-judgment_certified-"
    client.post(f"/cases/{case.reference}/transfer/documents/judgment_certified",
                data={f"{prefix}status": "requested", f"{prefix}requested_on": "2025-01-01"})
    html = client.get(f"/cases/{case.reference}/transfer").get_data(as_text=True)
    assert "Overdue:" not in html
    assert _dates(app, case.reference)[("document_overdue", "judgment_certified")] == date(
        2025, 1, 31)


@pytest.mark.parametrize(("data", "message"), [
    ({"status": "received", "requested_on": "2025-01-10", "received_on": "2025-01-02"},
     "This date cannot be before the previous step"),
    ({"status": "requested", "requested_on": "2099-01-01"}, "This date cannot be in the future."),
    ({"status": "lost"}, "Not a valid choice"),
])
def test_document_form_refuses_bad_dates(app, client, auth, data, message):
    owner = auth.login_as("advocate")
    case = make_case(app, owner)
    prefix = "doc-judgment_certified-"
    response = client.post(f"/cases/{case.reference}/transfer/documents/judgment_certified",
                           data={prefix + k: v for k, v in data.items()})
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)


def test_unknown_document_is_404(app, client, auth):
    owner = auth.login_as("advocate")
    case = make_case(app, owner)
    response = client.post(f"/cases/{case.reference}/transfer/documents/passport_photo",
                           data={"doc-passport_photo-status": "requested"})
    assert response.status_code == 404


def test_bulk_inserted_cases_are_caught_up(app, runner):
    with app.app_context():
        db.session.execute(insert(Case.__table__), [
            {**READY, "reference": "ADV-2024-0900", "languages": "", "claim_count": 0,
             "version": 1, "search_text": ""},
            {**READY, "reference": "ADV-2024-0901", "languages": "", "claim_count": 0,
             "version": 1, "search_text": "", "pretrial_days": 0},
        ])
        db.session.commit()
        assert db.session.execute(select(Deadline)).first() is None  # the ORM never saw them
        assert deadlines.backfill_term() == 2
        assert deadlines.backfill_term() == 0  # only cases without lapse dates
        db.session.commit()
    assert _dates(app, "ADV-2024-0901")[("eligibility_lapse", "")] == date(2027, 9, 14)
    with app.app_context():
        load("ADV-2024-0900").status = "closed"  # committed below, through the ORM
        db.session.commit()
        assert deadlines.for_case(load("ADV-2024-0900")) == []
        db.session.execute(Deadline.__table__.delete())
        db.session.commit()
    result = runner.invoke(args=["procedures", "recompute-deadlines"])
    assert result.exit_code == 0
    assert result.stdout.strip() == "deadlines recomputed for 2 cases"
    assert _dates(app, "ADV-2024-0900") == {}
    assert _dates(app, "ADV-2024-0901")[("lapse_reminder", "")] == date(2027, 7, 16)


@settings(max_examples=300, deadline=None)
@given(
    start=st.dates(min_value=date(1990, 1, 1), max_value=date(2040, 12, 31)),
    years=st.integers(0, 20), months=st.integers(0, 11), days=st.integers(0, 400),
    pretrial=st.integers(0, 4000), house=st.integers(0, 2000),
    regime=st.sampled_from(list(Regime)),
    articles=st.sampled_from(["", "158 ч.3", "228 ч.2", "205.1", "30 ч.3, 228.1 ч.4"]),
)
def test_fast_lapse_equals_compute_term(start, years, months, days, pretrial, house, regime,
                                        articles):
    """The deadline's lapse date is the one the calculator and the panel show."""
    assume(years or months or days)
    term = TermInput(start=start, regime=regime, years=years, months=months, days=days,
                     pretrial_days=pretrial, house_arrest_days=house,
                     articles=tuple(parse_articles(articles)))
    rules = ROUTE.credit_rules()
    assert deadlines.lapse_of(term, rules) == compute_term(term, rules, start).eligibility_lapses_on
