"""Every state-changing route refuses a request without a valid CSRF token."""

from __future__ import annotations

import re

import pytest

from .conftest import PASSWORD

STATE_CHANGING = {"POST", "PUT", "PATCH", "DELETE"}


def _fill(rule) -> str:
    """A URL for the rule with plausible values; the request must fail on CSRF before any lookup."""
    return re.sub(r"<(?:[^:>]+:)?([^>]+)>", "1", rule.rule)


@pytest.fixture
def csrf_app(make_app):
    return make_app(WTF_CSRF_ENABLED=True)


def test_every_state_changing_route_needs_a_token(csrf_app, make_user):
    admin = make_user("supervisor", is_admin=True)
    client = csrf_app.test_client()
    login_page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', login_page).group(1)
    response = client.post("/login", data={
        "username": admin.username, "password": PASSWORD, "csrf_token": token,
    })
    assert response.status_code == 302
    rules = [r for r in csrf_app.url_map.iter_rules() if r.methods & STATE_CHANGING]
    assert len(rules) >= 8
    checked = 0
    for rule in rules:
        for method in sorted(rule.methods & STATE_CHANGING):
            url = _fill(rule)
            for data in ({}, {"csrf_token": "forged"}):
                response = client.open(url, method=method, data=data)
                assert response.status_code == 400, (method, url, data, response.status_code)
                assert "The form expired or was not sent from this site" in response.get_data(
                    as_text=True
                )
            checked += 1
    assert client.get("/").status_code == 200  # still logged in: logout was refused too
    assert checked == sum(len(r.methods & STATE_CHANGING) for r in rules)


def test_login_without_token_is_refused(csrf_app, make_user):
    user = make_user("advocate")
    response = csrf_app.test_client().post(
        "/login", data={"username": user.username, "password": PASSWORD}
    )
    assert response.status_code == 400
