"""The case pages: forms, validation messages, the stale-edit conflict, claims, notes, status,
assignment and the timeline, as a user sees them."""

from __future__ import annotations

import html
import re
from datetime import date, timedelta

from advocate.cases import operations

from .cases_support import client_for, get_case, make_case

GOOD = {
    "label": "Fictional: drug charge", "custody_country": "RU", "custody_type": "colony",
    "regime": "strict", "region_ru": "mordovia", "region_uz": "fergana",
    "arrest_date": "02.03.2022", "judgment_date": "2022-09-01",
    "judgment_final_date": "15.10.2022", "articles": "228(2), 30 part 3",
    "sentence_years": "8", "sentence_months": "6", "languages": ["uz", "ru"],
    "civil_claim_amount": "1 500,50", "russian_permanent_residence": "no",
}


def _text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def _main(response) -> str:
    return _text(response).split('<main id="main">')[1]


def test_new_case_through_the_form(app, make_user):
    advocate = make_user("advocate")
    client = client_for(app, advocate)
    response = client.post("/cases/new", data=GOOD)
    assert response.status_code == 302
    reference = response.headers["Location"].rsplit("/", 1)[1]
    stored = get_case(app, reference)
    assert stored["owner"] == advocate.username
    assert stored["arrest_date"] == date(2022, 3, 2)
    assert stored["articles"] == "228 ч.2, 30 ч.3"
    assert stored["languages"] == "uz,ru"
    assert str(stored["civil_claim_amount"]) == "1500.50"
    assert stored["russian_permanent_residence"] is False
    page = _main(client.get(f"/cases/{reference}"))
    assert "228 ч.2, 30 ч.3" in page
    assert "Mordovia" in page
    assert "Uzbek, Russian" in page
    assert "Case opened" in page


def test_every_validation_error_is_shown_and_the_input_kept(app, make_user):
    client = client_for(app, make_user("advocate"))
    future = (date.today() + timedelta(days=30)).isoformat()
    data = {**GOOD, "custody_type": "sizo", "arrest_date": "2023-05-01",
            "judgment_date": "2023-04-01", "judgment_final_date": "2023-03-01",
            "sentence_months": "12", "articles": "228 ч.2, кража", "term_start": future,
            "custody_date": "31.02.2023", "birth_year": "abc"}
    response = client.post("/cases/new", data=data)
    assert response.status_code == 400
    page = _main(response)
    for message in (
        "A regime is recorded only for a person held in a penal colony or a prison.",
        "This date cannot be before date of arrest.",
        "This date cannot be before judgment date.",
        "Enter a number from 0 to 11.",
        "Could not read “кража”",
        "This date cannot be in the future.",
        "Enter a date as YYYY-MM-DD or DD.MM.YYYY.",
        "Not a valid integer value.",
    ):
        assert message in page, message
    assert 'value="31.02.2023"' in page
    assert 'value="Fictional: drug charge"' in page
    assert "Please correct the following:" in page


def test_a_refused_text_is_shown_on_its_field_without_losing_input(app, make_user, monkeypatch):
    def guard(case, texts):
        if "Secretname" in texts.get("label", ""):
            raise operations.TextRefused("label", "Secretname", "This looks like a name.")

    monkeypatch.setattr(operations, "text_guards", [guard])
    client = client_for(app, make_user("advocate"))
    response = client.post("/cases/new", data={**GOOD, "label": "Secretname case"})
    assert response.status_code == 400
    page = _main(response)
    assert "This looks like a name." in page
    assert 'value="Secretname case"' in page
    assert 'value="228(2), 30 part 3"' in page


def test_edit_shows_the_diff_in_the_timeline(app, make_user):
    owner = make_user("advocate")
    reference = make_case(app, owner, label="before", custody_type="sizo")
    client = client_for(app, owner)
    form = _text(client.get(f"/cases/{reference}/edit"))
    assert 'name="version" type="hidden" value="1"' in form
    response = client.post(f"/cases/{reference}/edit",
                           data={"version": "1", "label": "after", "custody_type": "colony"})
    assert response.status_code == 302
    page = _main(client.get(f"/cases/{reference}"))
    timeline = page.split('id="timeline"')[1]
    assert timeline.index("Record edited") < timeline.index("Case opened")  # newest first
    assert re.search(r"Label</th><td>before</td><td>→ after</td>", timeline)
    assert "pretrial detention centre (SIZO)</td><td>→ penal colony (IK)" in timeline


def test_stale_edit_shows_both_values_and_saves_nothing(app, make_user):
    owner = make_user("advocate")
    helper = make_user("advocate")
    reference = make_case(app, owner, collaborators=[helper], label="first", court="Court A")
    mine, theirs = client_for(app, owner), client_for(app, helper)
    mine.get(f"/cases/{reference}/edit")
    assert theirs.post(f"/cases/{reference}/edit",
                       data={"version": "1", "label": "their label"}).status_code == 302
    response = mine.post(f"/cases/{reference}/edit",
                         data={"version": "1", "label": "my label", "court": "Court B"})
    assert response.status_code == 409
    page = _main(response)
    assert "Nothing was saved" in page
    assert re.search(r"Label</th><td>my label</td><td>their label</td>", page)
    assert re.search(r"Court</th><td>Court B</td><td>Court A</td>", page)
    stored = get_case(app, reference)
    assert (stored["label"], stored["court"], stored["version"]) == ("their label", "Court A", 2)


def test_status_changes_from_the_case_page(app, make_user):
    owner = make_user("advocate")
    reference = make_case(app, owner)
    client = client_for(app, owner)
    url = f"/cases/{reference}/status"
    response = client.post(url, data={"target": "applied"})
    assert response.status_code == 400
    assert ("Cannot move from Intake to Applied. Allowed next: Verifying identity and "
            "citizenship, Closed.") in _main(response)
    response = client.post(url, data={"target": "closed"})
    assert "Closing a case needs a reason" in _main(response)
    assert client.post(url, data={"target": "closed", "closing_reason": "withdrew",
                                  "comment": "The family withdrew."}).status_code == 302
    response = client.post(url, data={"target": "intake"})
    assert "Only a supervisor can reopen a closed case." in _main(response)
    supervisor = client_for(app, make_user("supervisor"))
    assert supervisor.post(url, data={"target": "collecting_documents"}).status_code == 302
    page = _main(client.get(f"/cases/{reference}"))
    assert "Closed</td><td>→ Collecting documents" in page
    assert "The family withdrew." in page
    assert get_case(app, reference)["status"] == "collecting_documents"


def test_notes_are_added_and_listed(app, make_user):
    owner = make_user("advocate")
    reference = make_case(app, owner)
    client = client_for(app, owner)
    response = client.post(f"/cases/{reference}/notes", data={"text": "   "})
    assert response.status_code == 400
    assert "Write the note first." in _main(response)
    client.post(f"/cases/{reference}/notes", data={"text": "Lawyer visited the colony."})
    notes = _main(client.get(f"/cases/{reference}")).split('id="notes"')[1]
    assert "Lawyer visited the colony." in notes.split('id="timeline"')[0]


def test_claims_are_added_validated_and_corrected(app, make_user):
    owner = make_user("advocate")
    reference = make_case(app, owner)
    client = client_for(app, owner)
    url = f"/cases/{reference}/claims/new"
    response = client.post(url, data={"type": "beating", "date_from": "2024-05-02",
                                      "date_to": "01.05.2024"})
    assert response.status_code == 400
    assert "The end of the period cannot be before its start." in _main(response)
    response = client.post(url, data={"type": "forced_contract", "date_from": "2024-05-02",
                                      "evidence": ["statement", "medical"], "reported": "no",
                                      "narrative": "Pressed to sign a fictional contract."})
    assert response.status_code == 302
    stored = get_case(app, reference)
    (claim,) = stored["claims"]
    assert (claim["type"], claim["evidence"]) == ("forced_contract", "statement,medical")
    assert stored["claim_count"] == 1
    edit = f"/cases/{reference}/claims/{claim['id']}/edit"
    assert client.post(edit, data={"type": "forced_contract", "date_from": "2024-05-02",
                                   "evidence": ["statement"], "reported": "yes",
                                   "reported_to": "prosecutor"}).status_code == 302
    page = _main(client.get(f"/cases/{reference}"))
    assert "forced to sign a military contract" in page
    assert "Claim of coercion corrected" in page
    assert "statement, medical record</td><td>→ statement" in page


def test_supervisor_assigns_and_the_collaborator_gets_access(app, make_user):
    owner = make_user("advocate")
    helper = make_user("advocate")
    reference = make_case(app, owner)
    helper_client = client_for(app, helper)
    assert helper_client.get(f"/cases/{reference}").status_code == 404
    supervisor = client_for(app, make_user("supervisor"))
    form = _text(supervisor.get(f"/cases/{reference}/assign"))
    assert helper.username in form
    response = supervisor.post(f"/cases/{reference}/assign",
                               data={"owner": str(owner.id), "collaborators": [str(helper.id)]})
    assert response.status_code == 302
    assert helper_client.get(f"/cases/{reference}").status_code == 200
    page = _main(supervisor.get(f"/cases/{reference}"))
    assert f"Collaborators: {helper.username}" in page
    assert "People on the case changed" in page
