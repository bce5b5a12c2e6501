"""Life imprisonment: the case record, its form and CSV import, and the transfer engine.

A life sentence has no length and no end: the record refuses a length beside it, eligibility
takes the remaining term as met (ETS 112 art. 3: "or the term is indeterminate"), the panel says
there is no term end, and no eligibility-lapse date is ever computed.
"""

from __future__ import annotations

import html
import json
import re
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import delete

from advocate.cases import rules
from advocate.extensions import db
from advocate.procedures.definitions import load_procedures
from advocate.procedures.eligibility import CaseFacts, Status, evaluate

from . import cases_support, procedures_factories
from .test_eligibility import GOOD as GOOD_FACTS

REFUSAL = "A life sentence has no length: leave years, months and days blank."
LIFE = {"sentence_life": True, "sentence_years": None, "sentence_months": None,
        "sentence_days": None}
TODAY = date(2025, 1, 15)


def _text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


# --- the rule --------------------------------------------------------------------------------


@pytest.mark.parametrize("length", [{"sentence_years": 10}, {"sentence_months": 0},
                                    {"sentence_days": 3}])
def test_a_life_sentence_with_a_length_is_refused(app, length):
    with app.test_request_context():
        assert rules.check_case({"sentence_life": True, **length}) == {
            "sentence_life": [REFUSAL]}


def test_a_life_sentence_alone_or_a_length_alone_is_accepted(app):
    with app.test_request_context():
        assert rules.check_case({"sentence_life": True}) == {}
        assert rules.check_case({"sentence_life": False, "sentence_years": 10}) == {}
        assert rules.check_case({"sentence_life": None, "sentence_years": 10}) == {}


# --- the form, the case page and the timeline ------------------------------------------------


def test_the_form_saves_a_life_sentence_and_the_case_page_shows_it(app, make_user):
    client = cases_support.client_for(app, make_user("advocate"))
    form = _text(client.get("/cases/new"))
    # The field sits with the sentence, right after its days.
    assert form.index('name="sentence_days"') < form.index('name="sentence_life"') \
        < form.index('name="additional_punishments"')
    response = client.post("/cases/new", data={"label": "Fictional: life case",
                                               "sentence_life": "yes"})
    assert response.status_code == 302
    reference = response.headers["Location"].rsplit("/", 1)[1]
    stored = cases_support.get_case(app, reference)
    assert stored["sentence_life"] is True
    assert stored["sentence_years"] is None
    page = _text(client.get(f"/cases/{reference}"))
    assert re.search(r"Life imprisonment</dt>\s*<dd>yes</dd>", page), page


def test_the_form_refuses_a_life_sentence_with_years(app, make_user):
    client = cases_support.client_for(app, make_user("advocate"))
    response = client.post("/cases/new", data={"label": "Fictional: life case",
                                               "sentence_life": "yes", "sentence_years": "12"})
    assert response.status_code == 400
    page = _text(response)
    assert REFUSAL in page
    assert 'value="12"' in page  # the input is kept
    assert cases_support.case_count(app) == 0


def test_the_edit_refuses_life_beside_the_stored_years_and_the_timeline_shows_the_change(
        app, make_user):
    owner = make_user("advocate")
    reference = cases_support.make_case(app, owner, label="sentence", sentence_years=10)
    client = cases_support.client_for(app, owner)
    refused = client.post(f"/cases/{reference}/edit",
                          data={"version": "1", "sentence_life": "yes", "sentence_years": "10"})
    assert refused.status_code == 400
    assert REFUSAL in _text(refused)
    assert cases_support.get_case(app, reference)["sentence_life"] is None
    saved = client.post(f"/cases/{reference}/edit",
                        data={"version": "1", "sentence_life": "yes", "sentence_years": ""})
    assert saved.status_code == 302
    stored = cases_support.get_case(app, reference)
    assert (stored["sentence_life"], stored["sentence_years"]) == (True, None)
    timeline = _text(client.get(f"/cases/{reference}")).split('id="timeline"')[1]
    assert re.search(r"Sentence: years</th><td>10</td><td>→ —</td>", timeline), timeline
    assert re.search(r"Life imprisonment</th><td>—</td><td>→ yes</td>", timeline), timeline


# --- CSV -------------------------------------------------------------------------------------


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "cases.csv"
    path.write_text(text, encoding="utf-8")
    return path


def test_csv_import_of_a_life_case_and_export(app, runner, make_user, tmp_path):
    owner = make_user("advocate")
    path = _write(tmp_path, "label,sentence_years,sentence_life\nFictional: life,,да\n")
    result = runner.invoke(args=["cases", "import", str(path), "--owner", owner.username])
    assert result.exit_code == 0, result.output
    with app.app_context():
        from advocate.cases.models import Case

        case = db.session.execute(db.select(Case)).scalar_one()
        assert (case.sentence_life, case.sentence_years) == (True, None)
    out = tmp_path / "out.csv"
    assert runner.invoke(args=["cases", "export", str(out)]).exit_code == 0
    rows = out.read_text(encoding="utf-8-sig").splitlines()
    header = rows[0].split(",")
    assert header.index("sentence_life") == header.index("sentence_days") + 1
    assert rows[1].split(",")[header.index("sentence_life")] == "yes"


def test_csv_import_refuses_a_life_case_with_a_length(app, runner, make_user, tmp_path):
    owner = make_user("advocate")
    path = _write(tmp_path, "label,sentence_years,sentence_life\n"
                            "Fictional: fine,8,no\nFictional: both,15,yes\n")
    result = runner.invoke(args=["cases", "import", str(path), "--owner", owner.username])
    assert result.exit_code == 1
    assert f"row 3, column sentence_life: {REFUSAL}" in result.output
    assert "row 2" not in result.output
    assert cases_support.case_count(app) == 0


# --- eligibility -----------------------------------------------------------------------------

ROUTE = load_procedures()["ru_uz"]


def test_eligibility_takes_a_life_sentence_as_an_indeterminate_term():
    facts = replace(GOOD_FACTS, term=None, life_sentence=True)
    # An expected decision years away changes nothing: a life term never runs out.
    results = {r.id: r for r in evaluate(facts, ROUTE, TODAY, date(2040, 1, 1))}
    result = results["remaining_term"]
    assert result.status == Status.MET
    assert result.reason == ("Life imprisonment: the term is indeterminate, so at least 6 months "
                             "remain on any date.")
    assert (result.next_step, result.warning) == (None, None)
    assert {r.status for r in results.values()} == {Status.MET}


def test_the_months_come_from_the_route():
    year_route = replace(ROUTE, conditions=replace(ROUTE.conditions, min_remaining_months=12))
    facts = CaseFacts(life_sentence=True)
    result = {r.id: r for r in evaluate(facts, year_route, TODAY)}["remaining_term"]
    assert "at least 12 months remain on any date" in result.reason


# --- readiness, its JSON and the deadlines ---------------------------------------------------


@pytest.fixture
def frozen_today(monkeypatch):
    monkeypatch.setattr("advocate.clock.today", lambda: TODAY)


def test_the_panel_says_there_is_no_term_end(app, client, auth, frozen_today):
    owner = auth.login_as("advocate")
    case = procedures_factories.make_case(app, owner, **LIFE)
    page = _text(client.get(f"/cases/{case.reference}/transfer"))
    row = re.search(r'<tr id="condition-remaining_term" class="status-met">.*?</tr>', page, re.S)
    assert row, page
    assert "Life imprisonment: the term is indeterminate, so at least 6 months" in row.group(0)
    assert "Life imprisonment: no term end" in page
    for absent in ("To compute the term, record", "The term is not recorded",
                   "Eligibility lapses on", "How the term was computed",
                   "Eligibility lapse"):
        assert absent not in page, absent
    case_page = _text(client.get(f"/cases/{case.reference}"))
    assert "Life imprisonment: no term end" in case_page


def test_readiness_json_of_a_life_case(app, frozen_today):
    from advocate.procedures.readiness import readiness_json

    case = procedures_factories.make_case(app, **LIFE)
    with app.test_request_context():
        data = json.loads(json.dumps(readiness_json(procedures_factories.load(case.reference))))
    assert data["life_sentence"] is True
    assert data["term"] is None
    assert data["term_problems"] == []
    remaining = next(c for c in data["conditions"] if c["id"] == "remaining_term")
    assert remaining["status"] == "met"
    assert data["deadlines"] == []
    assert not any("term" in step for step in data["next_steps"])


def _term_deadlines(app, reference) -> list[str]:
    from advocate.procedures import deadlines

    with app.app_context():
        return [d.kind for d in deadlines.for_case(procedures_factories.load(reference))
                if d.kind in {k.value for k in deadlines.TERM_KINDS}]


def test_no_lapse_deadline_for_life_and_one_goes_when_life_is_recorded(app, make_user):
    life = procedures_factories.make_case(app, **LIFE)
    assert _term_deadlines(app, life.reference) == []
    owner = make_user("advocate")
    fixed = procedures_factories.make_case(app, owner)
    assert sorted(_term_deadlines(app, fixed.reference)) == ["eligibility_lapse",
                                                              "lapse_reminder"]
    with app.app_context():
        from advocate.cases import operations

        case = procedures_factories.load(fixed.reference)
        operations.update_case(case, {"sentence_years": None, "sentence_months": None,
                                      "sentence_days": None, "sentence_life": True},
                               expected_version=case.version, actor=None)
        db.session.commit()
    assert _term_deadlines(app, fixed.reference) == []


def test_bulk_backfill_skips_life_cases(app):
    from advocate.procedures import deadlines
    from advocate.procedures.models import Deadline

    life = procedures_factories.make_case(app, **LIFE)
    fixed = procedures_factories.make_case(app)
    with app.app_context():
        db.session.execute(delete(Deadline))
        db.session.commit()
        assert deadlines.backfill_term() == 1
        db.session.commit()
    assert _term_deadlines(app, life.reference) == []
    assert len(_term_deadlines(app, fixed.reference)) == 2
