"""The access matrix of the case pages: every route for every role and relation to the case.

Someone who may not see a case gets 404 whether or not the reference exists; someone who sees
it but may not do an action gets 403; an administrator who is not a supervisor sees no case.
"""

from __future__ import annotations

import pytest
from sqlalchemy import select

from advocate.cases.models import Claim
from advocate.extensions import db

from .cases_support import client_for, make_case

CLAIM = {"type": "beating", "narrative": "Fictional"}
# (method, path template, data): {ref} is the case, {claim} its claim.
ROUTES = {
    "list": ("GET", "/cases", None),
    "new": ("GET", "/cases/new", None),
    "show": ("GET", "/cases/{ref}", None),
    "edit": ("GET", "/cases/{ref}/edit", None),
    "claim_new": ("GET", "/cases/{ref}/claims/new", None),
    "claim_edit": ("GET", "/cases/{ref}/claims/{claim}/edit", None),
    "note": ("POST", "/cases/{ref}/notes", {"text": "A fictional note"}),
    "status": ("POST", "/cases/{ref}/status", {"target": "verifying_identity"}),
    "assign": ("GET", "/cases/{ref}/assign", None),
    "import": ("GET", "/cases/import", None),
    "export": ("GET", "/cases/export.csv", None),
    "missing": ("GET", "/cases/ADV-1999-9999", None),
    "missing_edit": ("GET", "/cases/ADV-1999-9999/edit", None),
}
ON_CASE = {"list": 200, "new": 200, "show": 200, "edit": 200, "claim_new": 200,
           "claim_edit": 200, "note": 302, "status": 302, "assign": 403, "import": 403,
           "export": 403, "missing": 404, "missing_edit": 404}
STRANGER = {**ON_CASE, **{k: 404 for k in (
    "show", "edit", "claim_new", "claim_edit", "note", "status", "assign")}}
SUPERVISOR = {**ON_CASE, "assign": 200, "import": 200, "export": 200}
ADMIN_ONLY = {**STRANGER, "list": 403, "new": 403}
EXPECTED = {
    "owner": ON_CASE,
    "collaborator": ON_CASE,
    "other advocate": STRANGER,
    "supervisor": SUPERVISOR,
    "supervisor and administrator": SUPERVISOR,
    "administrator (advocate role)": ADMIN_ONLY,
}


def _setup(app, make_user, relation: str):
    owner = make_user("advocate")
    helper = make_user("advocate")
    reference = make_case(app, owner, collaborators=[helper], claims=[CLAIM], label="Fictional")
    with app.app_context():
        claim_id = db.session.execute(select(Claim.id)).scalar_one()
    users = {
        "owner": owner,
        "collaborator": helper,
        "other advocate": lambda: make_user("advocate"),
        "supervisor": lambda: make_user("supervisor"),
        "supervisor and administrator": lambda: make_user("supervisor", is_admin=True),
        "administrator (advocate role)": lambda: make_user("advocate", is_admin=True),
    }
    user = users[relation]
    return (user() if callable(user) else user), reference, claim_id


@pytest.mark.parametrize("relation", list(EXPECTED))
def test_case_routes_for_every_role(app, make_user, relation):
    user, reference, claim_id = _setup(app, make_user, relation)
    client = client_for(app, user)
    seen = {}
    for name, (method, template, data) in ROUTES.items():
        path = template.format(ref=reference, claim=claim_id)
        response = client.open(path, method=method, data=data)
        seen[name] = response.status_code
        body = response.get_data(as_text=True)  # also ends a streamed response's context
        if response.status_code == 404:  # the same page as for a reference that does not exist
            assert reference not in body.split('<main id="main">')[1]
    assert seen == EXPECTED[relation]


def test_anonymous_users_are_sent_to_the_login_page(app, make_user):
    reference = make_case(app, make_user("advocate"))
    client = app.test_client()
    for method, template, data in ROUTES.values():
        response = client.open(template.format(ref=reference, claim=1), method=method, data=data)
        assert response.status_code == 302
        assert "/login" in response.headers["Location"]


def test_the_nav_link_follows_the_policy(app, make_user):
    advocate = client_for(app, make_user("advocate"))
    admin_only = client_for(app, make_user("advocate", is_admin=True))
    assert 'href="/cases"' in advocate.get("/").get_data(as_text=True)
    assert 'href="/cases"' not in admin_only.get("/").get_data(as_text=True)


def test_a_stranger_sees_no_trace_of_other_cases_in_the_list(app, make_user):
    make_case(app, make_user("advocate"), label="Secret fictional label")
    page = client_for(app, make_user("advocate")).get("/cases?q=secret").get_data(as_text=True)
    assert "Secret fictional label" not in page
    assert "0 cases" in page
