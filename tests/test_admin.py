"""Account administration pages, for every role."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from advocate.audit.models import AuditEvent
from advocate.auth.models import User
from advocate.extensions import db

from .conftest import PASSWORD

NEW_PASSWORD = "another long passphrase 42"
ADMIN_PAGES = ["/admin/users", "/admin/users/new", "/admin/users/{id}"]


@pytest.mark.parametrize(("role", "is_admin", "expected"), [
    ("advocate", False, 403),
    ("supervisor", False, 403),
    ("advocate", True, 200),
    ("supervisor", True, 200),
])
def test_admin_pages_for_every_role(client, auth, role, is_admin, expected):
    user = auth.login_as(role, is_admin=is_admin)
    for page in ADMIN_PAGES:
        assert client.get(page.format(id=user.id)).status_code == expected, page


def test_admin_pages_need_login(client):
    response = client.get("/admin/users")
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


def test_admin_creates_an_advocate_who_can_log_in(app, client, auth):
    auth.login_as("supervisor", is_admin=True)
    response = client.post("/admin/users/new", data={
        "username": "new.advocate", "role": "advocate", "password": NEW_PASSWORD,
        "confirm": NEW_PASSWORD,
    }, follow_redirects=True)
    assert "Account new.advocate created." in response.get_data(as_text=True)
    auth.logout()
    assert auth.login("new.advocate", NEW_PASSWORD).status_code == 302
    with app.app_context():
        user = db.session.execute(select(User).where(User.username == "new.advocate")).scalar_one()
        assert user.role == "advocate"
        assert not user.is_admin
        event = db.session.execute(
            select(AuditEvent).where(AuditEvent.action == "user.create")
        ).scalar_one()
        assert event.changes_dict["username"] == [None, "new.advocate"]
        assert NEW_PASSWORD not in (event.changes or "")


@pytest.mark.parametrize(("password", "message"), [
    ("short", "Use at least 12 characters."),
    ("password1234", "This password is too common"),
    ("aaaaaaaaaaaaaaaa", "This password is too common"),
    ("new.advocate-secret", "must not contain the user name"),
])
def test_password_policy_on_the_form(client, auth, password, message):
    auth.login_as("supervisor", is_admin=True)
    response = client.post("/admin/users/new", data={
        "username": "new.advocate", "role": "advocate", "password": password, "confirm": password,
    })
    body = response.get_data(as_text=True)
    assert message in body
    assert "Please correct the following" in body


def test_duplicate_and_malformed_usernames(client, auth, make_user):
    make_user("advocate", username="taken")
    auth.login_as("supervisor", is_admin=True)
    for name, message in (("taken", "is taken"), ("Bad Name!", "A user name has 3–64")):
        response = client.post("/admin/users/new", data={
            "username": name, "role": "advocate", "password": NEW_PASSWORD, "confirm": NEW_PASSWORD,
        })
        assert message in response.get_data(as_text=True)


def test_change_role_disable_enable_reset(app, client, auth, make_user):
    auth.login_as("supervisor", is_admin=True)
    target = make_user("advocate")
    client.post(f"/admin/users/{target.id}", data={"role": "supervisor", "is_admin": "y"})
    client.post(f"/admin/users/{target.id}/disable")
    with app.app_context():
        user = db.session.get(User, target.id)
        assert (user.role, user.is_admin, user.active) == ("supervisor", True, False)
    client.post(f"/admin/users/{target.id}/enable")
    response = client.post(f"/admin/users/{target.id}/password",
                           data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD},
                           follow_redirects=True)
    assert "New password set" in response.get_data(as_text=True)
    other = app.test_client()
    assert other.post("/login", data={"username": target.username,
                                      "password": NEW_PASSWORD}).status_code == 302
    with app.app_context():
        actions = set(db.session.execute(select(AuditEvent.action)).scalars())
    assert {"user.role_change", "user.disable", "user.enable", "user.password_reset"} <= actions


def test_admin_cannot_disable_themselves(client, auth):
    me = auth.login_as("supervisor", is_admin=True)
    response = client.post(f"/admin/users/{me.id}/disable", follow_redirects=True)
    assert "You cannot disable your own account." in response.get_data(as_text=True)


def test_end_sessions(app, client, auth, make_user):
    auth.login_as("supervisor", is_admin=True)
    target = make_user("advocate")
    other = app.test_client()
    other.post("/login", data={"username": target.username, "password": PASSWORD})
    assert other.get("/").status_code == 200
    client.post(f"/admin/users/{target.id}/end-sessions")
    assert other.get("/").status_code == 302


def test_unknown_user_is_404(client, auth):
    auth.login_as("supervisor", is_admin=True)
    assert client.get("/admin/users/9999").status_code == 404
