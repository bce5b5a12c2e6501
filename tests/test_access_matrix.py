"""The access matrix: every GET route of the URL map, for every role and ownership.

A new route fails `test_every_get_route_is_in_the_matrix` until its expected statuses are
written here, so no page escapes the access review. POST routes are covered by their feature
tests and by the CSRF walk (`test_csrf.py`).
"""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest

from advocate.cases import operations as case_ops
from advocate.clock import today
from advocate.extensions import db
from advocate.identity import operations as identity_ops
from advocate.identity.vault import ContactData
from advocate.procedures import operations as procedure_ops

from .test_letters_support import approved, client_for, complete_case, get_case, user_row

pytest_plugins = ["tests.test_letters_support"]

ROLES = ("anonymous", "owner", "collaborator", "other", "supervisor", "admin")

#: Expected status per role, in ROLES order. Anonymous users are sent to the login page (302).
ANY = (302, 200, 200, 200, 200, 200)
CASE_WORK = (302, 200, 200, 200, 200, 403)  # the case list and new cases: no administrator-only
CASE = (302, 200, 200, 404, 200, 404)  # a case's pages: people on the case and supervisors
CASE_TEAM = (302, 200, 200, 404, 403, 404)  # changes only the people on the case make
SUPERVISORS = (302, 403, 403, 403, 200, 403)
AUDIT = (302, 403, 403, 403, 200, 200)  # supervisors and administrators
ADMINS = (302, 403, 403, 403, 403, 200)
PUBLIC = (200, 302, 302, 302, 302, 302)  # the login page sends logged-in users home

EXPECTED: dict[str, tuple[int, ...]] = {
    "main.index": ANY,
    "main.healthz": (200,) * 6,
    "static": (200,) * 6,
    "auth.login": PUBLIC,
    "auth.account": ANY,
    "two_factor.enrol": ANY,
    "two_factor.code": (302,) * 6,  # only between password and code
    "two_factor.login_enrol": (302,) * 6,
    "procedures.calculator": ANY,
    "cases.index": CASE_WORK,
    "cases.new": CASE_WORK,
    "cases.import_csv": SUPERVISORS,
    "cases.export_csv": SUPERVISORS,
    "cases.show": CASE,
    "cases.edit": CASE,  # supervisors may correct any case
    "cases.assign": (302, 403, 403, 404, 200, 404),
    "cases.claim_new": CASE,
    "cases.claim_edit": CASE,
    "identity.page": CASE,
    "identity.edit": CASE_TEAM,
    "identity.contact_new": CASE_TEAM,
    "identity.contact_edit": CASE_TEAM,
    "procedures.transfer": CASE,
    "letters.index": CASE,
    "letters.new": CASE_TEAM,
    "letters.show": CASE,
    "letters.edit": CASE_TEAM,
    "letters.preview": CASE,
    "letters.pdf": CASE,
    "letters.reply": (302, 302, 302, 404, 302, 404),  # no reply uploaded yet: back to the letter
    "letters.settings": ADMINS,
    "review.index": SUPERVISORS,
    "review.letters": SUPERVISORS,
    "review.attention_list": (302, 200, 200, 200, 200, 403),  # advocates: their own items only
    "review.export_csv": SUPERVISORS,
    "review.report_pdf": SUPERVISORS,
    "audit.index": AUDIT,
    "audit.export_csv": AUDIT,
    "admin.users": ADMINS,
    "admin.user_new": ADMINS,
    "admin.user_edit": ADMINS,
    "admin.security": ADMINS,
    "procedures.legal_bases": ADMINS,
    "procedures.addressees": ADMINS,
}


@pytest.fixture
def world(letters_app, letter_people, make_user) -> dict[str, Any]:
    """A complete case with a collaborator, a claim, a contact and an approved letter."""
    app = letters_app
    collaborator = make_user("advocate")
    reference = complete_case(app, letter_people)
    with app.app_context():
        case = get_case(reference)
        case_ops.assign(case, owner=user_row(letter_people["owner"]),
                        collaborators=[user_row(collaborator)], actor=None)
        claim = case_ops.add_claim(case, {"type": "beating", "narrative": "In the SIZO."},
                                   actor=None)
        contact, _fields = identity_ops.save_contact(
            case, ContactData(name="Relative", relation="sister", phone="+998 00 000 00 01"),
            user_row(letter_people["owner"]))
        procedure_ops.add_hearing(case, due=today() + timedelta(days=5), title="Hearing",
                                  actor=user_row(letter_people["owner"]))
        db.session.commit()
        claim_id, contact_id = claim.id, contact.id
    letter_id = approved(app, reference, letter_people["owner"], letter_people["supervisor"])
    from .test_letters_support import draft

    draft_id = draft(app, reference, letter_people["owner"])
    users = {
        "owner": letter_people["owner"], "collaborator": collaborator,
        "other": letter_people["other"], "supervisor": letter_people["supervisor2"],
        "admin": letter_people["admin"],
    }
    values = {
        "reference": reference, "claim_id": claim_id, "contact_id": contact_id,
        "letter_id": letter_id, "user_id": letter_people["other"].id, "key": "overdue",
        "filename": "css/app.css", "route_id": "ru_uz",
    }
    return {"app": app, "users": users, "values": values, "draft_id": draft_id}


def _url(rule: Any, values: dict[str, Any], draft_id: int) -> str:
    if rule.endpoint == "letters.edit":
        values = {**values, "letter_id": draft_id}
    return re.sub(r"<(?:[^:>]+:)?([^>]+)>", lambda m: str(values[m.group(1)]), rule.rule)


def _get_rules(app) -> list[Any]:
    return [r for r in app.url_map.iter_rules() if "GET" in r.methods]


def test_every_get_route_is_in_the_matrix(letters_app):
    missing = sorted({r.endpoint for r in _get_rules(letters_app)} - set(EXPECTED))
    assert missing == []


def test_access_matrix(world):
    app = world["app"]
    clients = {"anonymous": app.test_client()}
    for role, user in world["users"].items():
        clients[role] = client_for(app, user)
    observed: dict[str, tuple[int, ...]] = {}
    for rule in _get_rules(app):
        url = _url(rule, world["values"], world["draft_id"])
        statuses = []
        for role in ROLES:
            response = clients[role].get(url)
            statuses.append(response.status_code)
            response.close()
        observed[rule.endpoint] = tuple(statuses)
    wrong = {
        endpoint: {"expected": EXPECTED.get(endpoint), "observed": statuses}
        for endpoint, statuses in observed.items()
        if EXPECTED.get(endpoint) != statuses
    }
    assert wrong == {}


def test_attention_lists_show_advocates_only_their_own_cases(world):
    from advocate.review.attention import SECTION_KEYS

    reference = world["values"]["reference"]
    app = world["app"]
    shown_to_team = False
    for role, expect_visible in (("other", False), ("owner", True)):
        client = client_for(app, world["users"][role])
        for key in SECTION_KEYS:
            body = client.get(f"/review/attention/{key}").get_data(as_text=True)
            if expect_visible:
                shown_to_team = shown_to_team or reference in body
            else:
                assert reference not in body, key
    assert shown_to_team  # the owner's hearing in five days is listed for them
