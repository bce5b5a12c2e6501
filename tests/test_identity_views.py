"""Vault pages: who may reveal, the recorded "show", editing, and a missing or wrong key."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from advocate.extensions import db
from advocate.identity.keyring import generate_key
from advocate.identity.models import Contact, Identity
from advocate.identity.service import get_keyring

from .conftest import PASSWORD
from .test_identity_support import (
    CONTACT_NAME,
    CYRILLIC,
    LATIN,
    PASSPORT,
    assert_no_known_value,
    create_case,
    events,
    get_case,
)

#: The vault fixtures (vault_app, key_file, people, case_ref).
pytest_plugins = ["tests.test_identity_support"]


def _client(app, user=None):
    client = app.test_client()
    if user is not None:
        response = client.post("/login", data={"username": user.username, "password": PASSWORD})
        assert response.status_code == 302, response.get_data(as_text=True)
    return client


def _reveal(client, reference, reason=None):
    data = {} if reason is None else {"reason": reason}
    return client.post(f"/cases/{reference}/identity/reveal", data=data)


@pytest.mark.parametrize("who", ["owner", "collaborator"])
def test_people_on_the_case_reveal_without_a_reason(vault_app, people, case_ref, who):
    client = _client(vault_app, people[who])
    page = client.get(f"/cases/{case_ref}/identity")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Identity recorded." in html
    assert "Show identity" in html
    assert LATIN not in html
    assert CYRILLIC not in html
    response = _reveal(client, case_ref)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert LATIN in html
    assert CYRILLIC in html
    assert PASSPORT in html
    assert CONTACT_NAME in html
    assert response.headers["Cache-Control"] == "no-store"
    reveals = [e for e in events(vault_app, case_ref) if e.action == "identity.reveal"]
    assert len(reveals) == 1
    assert reveals[0].actor_name == people[who].username
    assert reveals[0].reason is None


@pytest.mark.parametrize("who", ["other", "admin"])
def test_no_access_is_404_everywhere(vault_app, people, case_ref, who):
    client = _client(vault_app, people[who])
    base = f"/cases/{case_ref}/identity"
    assert client.get(base).status_code == 404
    assert _reveal(client, case_ref, "checking").status_code == 404
    assert client.get(f"{base}/edit").status_code == 404
    assert client.post(f"{base}/contacts/new", data={"name": "x"}).status_code == 404
    assert events(vault_app, case_ref, "identity.reveal") == []


def test_missing_case_is_404_and_anonymous_goes_to_login(vault_app, people, case_ref):
    assert _client(vault_app, people["owner"]).get("/cases/ADV-1999-0001/identity").status_code \
        == 404
    response = _client(vault_app).post(f"/cases/{case_ref}/identity/reveal")
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


def test_supervisor_must_give_a_reason(vault_app, people, case_ref):
    client = _client(vault_app, people["supervisor"])
    page = client.get(f"/cases/{case_ref}/identity").get_data(as_text=True)
    assert "You are not on this case: say why" in page
    refused = _reveal(client, case_ref, "   ")
    html = refused.get_data(as_text=True)
    assert refused.status_code == 400
    assert "give the reason for looking at this identity" in html
    assert LATIN not in html
    assert CYRILLIC not in html
    assert events(vault_app, case_ref, "identity.reveal") == []
    shown = _reveal(client, case_ref, "Quarterly review of  transfer files")
    assert shown.status_code == 200
    assert LATIN in shown.get_data(as_text=True)
    (event,) = events(vault_app, case_ref, "identity.reveal")
    assert event.reason == "Quarterly review of transfer files"
    assert event.actor_name == people["supervisor"].username
    assert "Edit identity" not in shown.get_data(as_text=True)  # reviewers do not edit
    assert client.get(f"/cases/{case_ref}/identity/edit").status_code == 403


def test_a_reason_holding_the_identity_is_refused(vault_app, people, case_ref):
    client = _client(vault_app, people["supervisor"])
    response = _reveal(client, case_ref, "Mother of Gulomov called")
    assert response.status_code == 400
    assert "reason contains identifying details" in response.get_data(as_text=True)
    assert events(vault_app, case_ref, "identity.reveal") == []


def test_timeline_records_reveals_and_edits_without_values(vault_app, people, case_ref):
    owner = _client(vault_app, people["owner"])
    _reveal(owner, case_ref)
    form = owner.get(f"/cases/{case_ref}/identity/edit").get_data(as_text=True)
    assert LATIN in form  # the form shows the stored values ...
    response = owner.post(f"/cases/{case_ref}/identity/edit", data={
        "full_name_latin": LATIN, "full_name_cyrillic": CYRILLIC, "birth_date": "14.03.1981",
        "passport_number": "AB 9999999", "phones": "+998 90 123-45-67",
    })
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/cases/{case_ref}/identity")
    assert "9999999" not in response.headers["Location"]
    supervisor = _client(vault_app, people["supervisor"])
    _reveal(supervisor, case_ref, "review")
    trail = events(vault_app, case_ref)
    assert [e.action for e in trail][-4:] == [
        "identity.reveal", "identity.reveal", "identity.edit", "identity.reveal",
    ]  # ... and opening it was a reveal
    assert trail[-1].reason == "review"
    for event in trail:
        assert_no_known_value(event.payload())
        assert "9999999" not in event.payload()
    edit = trail[-2].changes_dict
    assert edit["passport_number"] == ["•••", "•••"]
    assert edit["other_spellings"] == ["•••", None]
    page = supervisor.get(f"/cases/{case_ref}").get_data(as_text=True)
    assert "Identity shown" in page
    assert "review" in page
    assert_no_known_value(page)


@pytest.mark.parametrize("kind", ["missing", "wrong"])
def test_case_page_works_without_the_right_key(make_app, vault_app, people, case_ref, kind):
    config = ({"IDENTITY_KEY_FILE": "/nonexistent/identity.keys"} if kind == "missing"
              else {"IDENTITY_KEYS": generate_key()})
    client = _client(make_app(**config), people["owner"])
    assert client.get(f"/cases/{case_ref}").status_code == 200
    page = client.get(f"/cases/{case_ref}/identity")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    expected = ("Identity unavailable — key missing." if kind == "missing"
                else "Identity unavailable — the loaded key does not open it (wrong key).")
    assert expected in html
    assert "Show identity" not in html
    response = _reveal(client, case_ref)
    assert response.status_code == 400
    assert expected in response.get_data(as_text=True)
    assert events(vault_app, case_ref, "identity.reveal") == []


@pytest.mark.parametrize("kind", ["missing", "wrong"])
def test_editing_is_refused_without_the_right_key(make_app, vault_app, people, case_ref, kind):
    config = ({"IDENTITY_KEY_FILE": "/nonexistent/identity.keys"} if kind == "missing"
              else {"IDENTITY_KEYS": generate_key()})
    broken = make_app(**config)
    with vault_app.app_context():
        before = db.session.execute(select(Identity.full_name_latin)).scalar_one()
    client = _client(broken, people["owner"])
    expected = "key missing" if kind == "missing" else "wrong key"
    response = client.get(f"/cases/{case_ref}/identity/edit", follow_redirects=True)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert expected in html
    assert "Identity cannot be changed until the key is loaded" in html
    response = client.post(f"/cases/{case_ref}/identity/edit",
                           data={"full_name_latin": "Someone Else"}, follow_redirects=True)
    assert "nothing was saved" in response.get_data(as_text=True)
    response = client.post(f"/cases/{case_ref}/identity/contacts/new",
                           data={"name": "Someone"}, follow_redirects=True)
    assert "nothing was saved" in response.get_data(as_text=True)
    with vault_app.app_context():
        assert db.session.execute(select(Identity.full_name_latin)).scalar_one() == before
        assert len(db.session.execute(select(Contact)).all()) == 1
        assert get_keyring().decrypt(before) == LATIN


def test_record_identity_and_contacts_through_the_forms(vault_app, people):
    reference = create_case(vault_app, people["owner"])
    client = _client(vault_app, people["owner"])
    page = client.get(f"/cases/{reference}/identity").get_data(as_text=True)
    assert "No identity recorded for this case." in page
    assert "Record identity" in page
    response = client.post(f"/cases/{reference}/identity/edit", data={
        "full_name_latin": "Toʻxtayev Jasur", "birth_date": "2099-01-01",
    })
    assert response.status_code == 200
    assert "This date cannot be in the future." in response.get_data(as_text=True)
    response = client.post(f"/cases/{reference}/identity/edit", data={
        "full_name_latin": "Toʻxtayev Jasur", "birth_date": "1990-05-02",
    })
    assert response.status_code == 302
    assert client.post(f"/cases/{reference}/identity/contacts/new",
                       data={"relation": "brother"}).status_code == 200  # needs name or phone
    assert client.post(f"/cases/{reference}/identity/contacts/new", data={
        "name": "Toʻxtayev Sardor", "relation": "brother", "phone": "+998 91 000 00 01",
    }).status_code == 302
    with vault_app.app_context():
        contact_id = db.session.execute(select(Contact.id)).scalar_one()
    edit_url = f"/cases/{reference}/identity/contacts/{contact_id}/edit"
    assert "Toʻxtayev Sardor" in client.get(edit_url).get_data(as_text=True)
    assert client.post(edit_url, data={"name": "Toʻxtayev Sardor", "relation": "cousin"}
                       ).status_code == 302
    shown = _reveal(client, reference).get_data(as_text=True)
    assert "Toʻxtayev Jasur" in shown
    assert "cousin" in shown
    assert "1990-05-02" in shown
    assert client.post(f"/cases/{reference}/identity/contacts/{contact_id}/delete"
                       ).status_code == 302
    actions = [e.action for e in events(vault_app, reference)]
    assert actions == ["identity.edit", "identity.contact.add", "identity.reveal",
                       "identity.contact.edit", "identity.reveal", "identity.contact.delete"]


def test_another_cases_contact_is_404(vault_app, people, case_ref):
    other_ref = create_case(vault_app, people["owner"])
    with vault_app.app_context():
        contact_id = db.session.execute(select(Contact.id)).scalar_one()
        assert get_case(other_ref).id != db.session.get(Contact, contact_id).case_id
    client = _client(vault_app, people["owner"])
    assert client.get(f"/cases/{other_ref}/identity/contacts/{contact_id}/edit").status_code \
        == 404


def test_reveal_needs_post(vault_app, people, case_ref):
    client = _client(vault_app, people["owner"])
    assert client.get(f"/cases/{case_ref}/identity/reveal").status_code == 405


def test_case_page_panel_is_registered_for_those_who_may_reveal(vault_app, people, case_ref):
    from flask import render_template_string
    from flask_login import login_user

    from advocate.auth.models import User
    from advocate.web import case_panels

    page = "{% for panel in case_panels(case) %}{% include panel %}{% endfor %}"
    for who, shown in (("owner", True), ("supervisor", True), ("admin", False)):
        with vault_app.test_request_context():
            login_user(db.session.get(User, people[who].id))
            case = get_case(case_ref)
            assert ("identity/_panel.html" in case_panels(case)) is shown
            html = render_template_string(page, case=case)
        assert ("Show identity" in html) is shown
        assert ("Reason for looking at the identity" in html) is (who == "supervisor")
        assert_no_known_value(html)
