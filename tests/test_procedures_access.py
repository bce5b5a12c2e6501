"""Access matrix of every procedures route, for every role and relation to the case.

A case's transfer pages follow the case page: the owner, a collaborator and supervisors get in;
another advocate and an administrator who does not work with cases get 404, as if the case did
not exist. The settings pages are for administrators (403 for others); the calculator is for
anyone logged in.
"""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from advocate.extensions import db
from advocate.procedures.models import Deadline

from .conftest import PASSWORD
from .procedures_factories import make_case

CASE_ROLES = {
    "owner": True,
    "collaborator": True,
    "supervisor": True,
    "supervisor_admin": True,
    "other_advocate": False,
    "admin_only": False,
}
ADMIN_ONLY = {"/admin/legal-bases", "/admin/addressees"}


@pytest.fixture
def people(make_user):
    return {
        "owner": make_user("advocate"),
        "collaborator": make_user("advocate"),
        "other_advocate": make_user("advocate"),
        "supervisor": make_user("supervisor"),
        "supervisor_admin": make_user("supervisor", is_admin=True),
        "admin_only": make_user("advocate", is_admin=True),
    }


def _url(rule: str, values: dict[str, str]) -> str:
    return re.sub(r"<(?:[^:>]+:)?([^>]+)>", lambda m: values[m.group(1)], rule)


def _procedure_rules(app) -> list:
    return [r for r in app.url_map.iter_rules() if r.endpoint.startswith("procedures.")]


def test_every_route_is_in_the_matrix(app):
    rules = {r.rule for r in _procedure_rules(app)}
    case_rules = {r for r in rules if "<reference>" in r}
    admin_rules = {r for r in rules if r.startswith("/admin/")}
    assert rules == case_rules | admin_rules | {"/procedures/calculator"}
    assert {r for r in admin_rules if "<" not in r} == ADMIN_ONLY


@pytest.mark.parametrize("who", sorted(CASE_ROLES))
def test_case_routes_for_every_role(app, client, people, who):
    case = make_case(app, people["owner"], collaborators=[people["collaborator"]])
    with app.app_context():
        lapse = db.session.execute(select(Deadline.id).where(
            Deadline.case_id == case.id, Deadline.kind == "eligibility_lapse")).scalar_one()
    values = {"reference": case.reference, "document_id": "judgment_certified",
              "deadline_id": str(lapse)}
    assert client.post("/login", data={"username": people[who].username,
                                       "password": PASSWORD}).status_code == 302
    checked = 0
    for rule in _procedure_rules(app):
        if "<reference>" not in rule.rule or rule.endpoint.endswith("deadline_remove"):
            continue  # removal is checked last: it would delete what the others use
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            response = client.open(_url(rule.rule, values), method=method, data={})
            if CASE_ROLES[who]:
                assert response.status_code in (200, 302, 400), (who, method, rule.rule)
            else:
                assert response.status_code == 404, (who, method, rule.rule)
            checked += 1
    assert checked == 7
    remove = client.post(f"/cases/{case.reference}/transfer/deadlines/{lapse}/remove")
    assert remove.status_code == (400 if CASE_ROLES[who] else 404)  # computed: not removable


def test_unknown_reference_is_404_for_everyone(client, auth):
    auth.login_as("supervisor")
    assert client.get("/cases/ADV-1999-0001/transfer").status_code == 404
    assert client.post("/cases/ADV-1999-0001/transfer/consents", data={}).status_code == 404


def test_a_deadline_of_another_case_is_404(app, client, auth):
    owner = auth.login_as("advocate")
    mine, other = make_case(app, owner), make_case(app, owner)
    with app.app_context():
        theirs = db.session.execute(select(Deadline.id).where(
            Deadline.case_id == other.id)).scalars().first()
    response = client.post(f"/cases/{mine.reference}/transfer/deadlines/{theirs}/done")
    assert response.status_code == 404


def test_case_pages_need_login(app, client):
    case = make_case(app)
    response = client.get(f"/cases/{case.reference}/transfer")
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


def test_the_case_page_shows_the_panel_to_those_who_see_the_case(app, client, people):
    case = make_case(app, people["owner"])
    client.post("/login", data={"username": people["owner"].username, "password": PASSWORD})
    response = client.get(f"/cases/{case.reference}")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert 'id="transfer-readiness"' in html
    assert 'id="condition-consent" class="status-not_met"' in html
