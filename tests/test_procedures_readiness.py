"""The transfer readiness panel, the consent ledger, the workflow guard and `procedures check`.

"Today" is frozen at 15.01.2025, so the READY case (see procedures_factories) has at least
6 months left until 02.06.2026.
"""

from __future__ import annotations

import json
import re
from datetime import date

import pytest
from flask import render_template

from advocate.extensions import db

from .procedures_factories import READY, load, make_case

TODAY = date(2025, 1, 15)


@pytest.fixture(autouse=True)
def frozen_today(monkeypatch):
    monkeypatch.setattr("advocate.clock.today", lambda: TODAY)


def _record(app, reference, *, consent=True, dual="confirmed", risk=False):
    """Consent to transfer and the dual-criminality finding, through the operations."""
    from advocate.procedures import operations

    with app.app_context():
        case = load(reference)
        if dual:
            operations.set_case_facts(case, dual_criminality=dual, note=None,
                                      expected_decision=None, actor=None)
        if consent:
            operations.record_consent(case, kind="transfer", given_on=date(2025, 1, 10),
                                      language="uz", form="written", lawyer_present=True,
                                      return_risk_explained=risk, note=None, actor=None)
        db.session.commit()


def _rows(html: str) -> dict[str, str]:
    """condition id -> status, from the panel."""
    return dict(re.findall(r'<tr id="condition-(\w+)" class="status-(\w+)">', html))


def _row(html: str, condition: str) -> str:
    match = re.search(rf'<tr id="condition-{condition}".*?</tr>', html, re.S)
    assert match, condition
    return match.group(0)


def _page(client, reference) -> str:
    response = client.get(f"/cases/{reference}/transfer")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_everything_met_on_the_panel(app, client, auth):
    owner = auth.login_as("advocate")
    case = make_case(app, owner)
    _record(app, case.reference)
    html = _page(client, case.reference)
    assert _rows(html) == {c: "met" for c in (
        "citizenship", "judgment_final", "remaining_term", "consent", "dual_criminality",
        "no_pending_proceedings", "civil_claims")}
    assert "Every condition is met." in html
    assert "2026-12-02" in html
    assert "2026-06-02" in html
    assert "At least 6 months remain until 2026-06-02" in _row(html, "remaining_term")


NOT_MET = [
    ("citizenship", {"citizenship": "stateless"}, {}, "Not an Uzbek citizen"),
    ("judgment_final", {"custody_type": "sizo", "judgment_final_date": None}, {},
     "Not yet: the person is in pretrial custody"),
    ("judgment_final", {"custody_type": "immigration"}, {},
     "Not a transfer matter: consular and deportation route."),
    ("remaining_term", {"term_start": date(2020, 1, 1)}, {}, "Less than 6 months remain since"),
    ("consent", {}, {"consent": False}, "No consent to transfer is on record."),
    ("consent", {"military_status": "contract_signed"}, {},
     "Uzbek Criminal Code arts. 154, 154-1"),
    ("dual_criminality", {}, {"dual": "not_a_crime"}, "The act is not a crime under Uzbek law"),
    ("no_pending_proceedings", {"other_pending_proceedings": "yes"}, {},
     "Other criminal proceedings are pending"),
    ("civil_claims", {"fine_status": "unpaid"}, {}, "Civil claims or fines are unpaid."),
]
UNKNOWN = [
    ("citizenship", {"citizenship": None}, {}, "Citizenship is not confirmed."),
    ("judgment_final", {"judgment_final_date": None}, {},
     "The date the judgment became final is not recorded."),
    ("remaining_term", {"term_start": None}, {}, "The term is not recorded."),
    ("consent", {"military_status": "pressured"}, {}, "it is not known whether a contract"),
    ("dual_criminality", {}, {"dual": None}, "Dual criminality is not confirmed."),
    ("no_pending_proceedings", {"other_pending_proceedings": "unknown"}, {},
     "It is not known whether other proceedings are pending."),
    ("civil_claims", {"civil_claim_status": None}, {},
     "It is not known whether civil claims or fines were imposed and paid."),
]


@pytest.mark.parametrize(("condition", "values", "recorded", "reason"), NOT_MET)
def test_each_condition_not_met_is_shown_with_its_reason(app, client, auth, condition, values,
                                                         recorded, reason):
    owner = auth.login_as("advocate")
    case = make_case(app, owner, **values)
    _record(app, case.reference, **recorded)
    html = _page(client, case.reference)
    assert _rows(html)[condition] == "not_met"
    row = _row(html, condition)
    assert reason in row
    assert "not met" in row
    assert "Not ready to apply" in html


@pytest.mark.parametrize(("condition", "values", "recorded", "reason"), UNKNOWN)
def test_each_condition_unknown_is_shown_with_what_would_settle_it(app, client, auth, condition,
                                                                   values, recorded, reason):
    owner = auth.login_as("advocate")
    case = make_case(app, owner, **values)
    _record(app, case.reference, **recorded)
    html = _page(client, case.reference)
    assert _rows(html)[condition] == "unknown"
    row = _row(html, condition)
    assert reason in row
    cells = re.findall(r"<td>(.*?)</td>", row, re.S)
    assert cells[2].strip() not in ("", "—")  # a next step is always named
    assert cells[2].strip() in html.split("Next steps")[1]


def test_missing_term_data_is_named(app, client, auth):
    owner = auth.login_as("advocate")
    case = make_case(app, owner, term_start=None, regime=None)
    html = _page(client, case.reference)
    assert "To compute the term, record: Start of the term, Regime." in html


def test_unverified_basis_warning_on_the_panel(app, client, auth):
    owner = auth.login_as("advocate")
    case = make_case(app, owner)
    html = _page(client, case.reference)
    # consent rests on ets_112 and the Uzbek CC; dual criminality on ru_cpc_471: all verified.
    assert "Unverified legal basis" not in _row(html, "dual_criminality")
    with app.app_context():
        from advocate.procedures import get_procedure
        from advocate.procedures.organisation import basis_view

        view = basis_view(get_procedure().legal_bases["ru_cpc_472"], None)
        assert view.article is None
        assert "Unverified legal basis" in view.warning


def test_consent_withdrawal_flips_the_panel_at_once(app, client, auth):
    owner = auth.login_as("advocate")
    case = make_case(app, owner)
    _record(app, case.reference, consent=False)
    assert _rows(_page(client, case.reference))["consent"] == "not_met"
    response = client.post(f"/cases/{case.reference}/transfer/consents", data={
        "kind": "transfer", "given_on": "2025-01-10", "language": "uz", "form": "written",
        "lawyer_present": "y", "note": "explained in Uzbek during the visit"})
    assert response.status_code == 302
    html = _page(client, case.reference)
    assert _rows(html)["consent"] == "met"
    response = client.post(f"/cases/{case.reference}/transfer/consents/withdraw", data={
        "kind": "transfer", "withdrawn_on": "2025-01-14", "note": "letter from the colony"})
    assert response.status_code == 302
    html = _page(client, case.reference)
    assert _rows(html)["consent"] == "not_met"
    assert "The consent to transfer was withdrawn." in _row(html, "consent")
    # The ledger keeps both entries: the withdrawal is added, the consent is not overwritten.
    assert 'class="consent-given"' in html
    assert 'class="consent-withdrawn"' in html
    with app.app_context():
        from advocate.procedures.models import ConsentEntry

        entries = db.session.execute(db.select(ConsentEntry).order_by(ConsentEntry.id)).scalars()
        assert [(e.action, e.entry_date, e.recorded_by_id) for e in entries] == [
            ("given", date(2025, 1, 10), owner.id), ("withdrawn", date(2025, 1, 14), owner.id)]
        from advocate.audit.models import AuditEvent

        actions = db.session.execute(db.select(AuditEvent.action).where(
            AuditEvent.case_id == case.id)).scalars().all()
        assert {"procedure.consent.give", "procedure.consent.withdraw"} <= set(actions)


def test_withdrawal_without_consent_or_before_it_is_refused(app, client, auth):
    owner = auth.login_as("advocate")
    case = make_case(app, owner)
    url = f"/cases/{case.reference}/transfer/consents/withdraw"
    response = client.post(url, data={"kind": "transfer", "withdrawn_on": "2025-01-14"})
    assert response.status_code == 400
    assert "There is no consent of this kind to withdraw." in response.get_data(as_text=True)
    _record(app, case.reference)  # consent dated 2025-01-10
    response = client.post(url, data={"kind": "transfer", "withdrawn_on": "2025-01-02"})
    assert response.status_code == 400
    assert "cannot be earlier" in response.get_data(as_text=True)


def test_military_involvement_requires_the_return_risk_explanation(app, client, auth):
    owner = auth.login_as("advocate")
    case = make_case(app, owner, military_status="deployed")
    _record(app, case.reference, consent=False)
    html = _page(client, case.reference)
    assert 'id="return-risk"' in html
    assert "art. 154 (mercenarism)" in html
    client.post(f"/cases/{case.reference}/transfer/consents", data={
        "kind": "transfer", "given_on": "2025-01-10", "language": "uz", "form": "written"})
    assert _rows(_page(client, case.reference))["consent"] == "not_met"
    client.post(f"/cases/{case.reference}/transfer/consents", data={
        "kind": "transfer", "given_on": "2025-01-12", "language": "uz", "form": "through_lawyer",
        "lawyer_present": "y", "return_risk_explained": "y"})
    assert _rows(_page(client, case.reference))["consent"] == "met"


def test_no_military_involvement_no_return_risk_block(app, client, auth):
    owner = auth.login_as("advocate")
    case = make_case(app, owner)
    assert 'id="return-risk"' not in _page(client, case.reference)


def test_facts_form_records_who_and_when(app, client, auth):
    owner = auth.login_as("advocate")
    case = make_case(app, owner)
    response = client.post(f"/cases/{case.reference}/transfer/facts", data={
        "dual_criminality": "confirmed", "dual_criminality_note": "Uzbek CC art. 169",
        "expected_decision_date": "2026-08-01"})
    assert response.status_code == 302
    html = _page(client, case.reference)
    assert f"recorded by {owner.username}" in html
    # A decision expected after the lapse date (02.06.2026) fails the remaining-term condition.
    assert _rows(html)["remaining_term"] == "not_met"
    assert "Ask for a decision before 2026-06-02." in html
    with app.app_context():
        from advocate.procedures.models import CaseProcedure

        row = db.session.get(CaseProcedure, case.id)
        assert row.dual_criminality == "confirmed"
        assert row.dual_criminality_by_id == owner.id
        assert row.dual_criminality_at is not None


def test_the_panel_renders_for_the_case_page(app, auth, make_user):
    """The template the case page includes (web.case_panels) works on its own."""
    owner = make_user("advocate")
    case = make_case(app, owner, custody_country="KZ")
    with app.test_request_context():
        from flask_login import login_user

        from advocate.auth.models import User
        from advocate.web import case_panels

        login_user(db.session.get(User, owner.id))
        record = load(case.reference)
        assert "procedures/_panel.html" in case_panels(record)
        html = render_template("procedures/_panel.html", case=record)
    assert "No transfer route is defined for custody in Kazakhstan." in html
    assert f"/cases/{case.reference}/transfer" in html


def test_guard_refuses_ready_to_apply_naming_the_conditions(app):
    from advocate.cases import operations as case_operations

    case = make_case(app, None, citizenship="stateless")
    with app.app_context():
        record = load(case.reference)
        with pytest.raises(case_operations.TransitionBlocked) as refused:
            case_operations.change_status(record, "ready_to_apply", actor=None)
        reasons = refused.value.reasons
        assert any(r.startswith("Uzbek citizenship: not met — Not an Uzbek citizen")
                   for r in reasons)
        assert any(r.startswith("Informed consent: not met — No consent") for r in reasons)
        assert len(reasons) == 2
        db.session.rollback()
    _record(app, case.reference)
    with app.app_context():
        record = load(case.reference)
        record.citizenship = "uz_only"
        db.session.commit()
        case_operations.change_status(record, "ready_to_apply", actor=None)
        db.session.commit()
        assert load(case.reference).status == "ready_to_apply"


def test_guard_ignores_other_targets(app):
    from advocate.cases import operations as case_operations

    case = make_case(app, None, citizenship="stateless")
    with app.app_context():
        record = load(case.reference)
        case_operations.change_status(record, "collecting_documents", actor=None)
        db.session.commit()
        assert load(case.reference).status == "collecting_documents"


def test_cli_check_prints_each_condition(app, runner):
    case = make_case(app, None, fine_status="unpaid")
    _record(app, case.reference)
    result = runner.invoke(args=["procedures", "check", case.reference])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["reference"] == case.reference
    assert data["route"] == "ru_uz"
    assert data["today"] == "2025-01-15"
    states = {c["id"]: c["status"] for c in data["conditions"]}
    assert states["civil_claims"] == "not_met"
    assert states["consent"] == "met"
    assert data["blocking"] == ["civil_claims"]
    assert data["term"]["term_end"] == "2026-12-02"
    assert {"kind": "eligibility_lapse", "due_date": "2026-06-02", "source": "computed",
            "ref": "", "title": None} in data["deadlines"]
    assert "Pay them or arrange a guarantee" in " ".join(data["next_steps"])


def test_cli_check_on_a_later_date(app, runner):
    case = make_case(app, None)
    result = runner.invoke(args=["procedures", "check", case.reference, "--on", "2026-07-01"])
    states = {c["id"]: c["status"] for c in json.loads(result.stdout)["conditions"]}
    assert states["remaining_term"] == "not_met"


def test_cli_check_unknown_reference(app, runner):
    result = runner.invoke(args=["procedures", "check", "ADV-1999-0001"])
    assert result.exit_code == 1
    assert result.stderr.strip() == "Error: no case with the reference 'ADV-1999-0001'"


def test_ready_values_are_all_stored_fields():
    from advocate.cases.models import Case

    assert set(READY) <= set(Case.__table__.columns.keys())


def test_status_form_refusal_names_the_conditions(app, client, auth):
    owner = auth.login_as("advocate")
    case = make_case(app, owner, other_pending_proceedings="yes")
    _record(app, case.reference, consent=False)
    response = client.post(f"/cases/{case.reference}/status", data={"target": "ready_to_apply"})
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "Informed consent: not met — No consent to transfer is on record." in html
    assert "No other pending proceedings: not met — Other criminal proceedings are pending" in html
    with app.app_context():
        assert load(case.reference).status == "awaiting_consent"
