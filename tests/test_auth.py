"""Login, logout, disabled users and server-side sessions."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from advocate.audit.models import AuditEvent
from advocate.auth.models import User, UserSession
from advocate.extensions import db

from .conftest import PASSWORD


def _actions(app) -> list[str]:
    with app.app_context():
        return list(db.session.execute(select(AuditEvent.action).order_by(AuditEvent.id)).scalars())


def test_login_page_has_the_form_fields(client):
    body = client.get("/login").get_data(as_text=True)
    for name in ('name="username"', 'name="password"', 'name="csrf_token"'):
        assert name in body


def test_login_and_logout(app, client, make_user):
    user = make_user("advocate")
    response = client.post("/login", data={"username": user.username, "password": PASSWORD})
    assert response.status_code == 302
    assert user.username in client.get("/").get_data(as_text=True)
    assert client.get("/logout").status_code == 405  # POST only
    response = client.post("/logout", follow_redirects=True)
    assert "You are logged out" in response.get_data(as_text=True)
    assert client.get("/").status_code == 302
    assert _actions(app)[-2:] == ["login.success", "logout"]


def test_wrong_password_and_unknown_user_get_the_same_message(app, client, make_user):
    user = make_user("advocate")
    wrong = client.post("/login", data={"username": user.username, "password": "nope" * 4})
    unknown = client.post("/login", data={"username": "nobody", "password": PASSWORD})
    for response in (wrong, unknown):
        assert response.status_code == 200
        assert "Wrong user name or password." in response.get_data(as_text=True)
    assert client.get("/").status_code == 302
    assert _actions(app) == ["login.failure", "login.failure"]


def test_username_is_case_insensitive(client, make_user):
    user = make_user("advocate")
    response = client.post("/login", data={"username": user.username.upper(), "password": PASSWORD})
    assert response.status_code == 302


def test_disabled_user_cannot_log_in(client, make_user):
    user = make_user("advocate", active=False)
    response = client.post("/login", data={"username": user.username, "password": PASSWORD})
    assert "Wrong user name or password." in response.get_data(as_text=True)


def test_disabling_a_user_ends_their_session_at_once(app, client, auth, make_user):
    user = auth.login_as("advocate")
    assert client.get("/").status_code == 200
    admin_client = app.test_client()
    admin = make_user("supervisor", is_admin=True)
    admin_client.post("/login", data={"username": admin.username, "password": PASSWORD})
    response = admin_client.post(f"/admin/users/{user.id}/disable")
    assert response.status_code == 302
    assert client.get("/").status_code == 302  # back to the login page


def test_logout_invalidates_a_copied_cookie(app, client, auth):
    auth.login_as("advocate")
    cookie = client.get_cookie("advocate_session").value
    thief = app.test_client()
    thief.set_cookie("advocate_session", cookie)
    assert thief.get("/").status_code == 200
    auth.logout()
    assert thief.get("/").status_code == 302


def test_login_issues_a_new_session(app, client, make_user):
    user = make_user("advocate")
    client.get("/login")
    before = client.get_cookie("advocate_session")
    client.post("/login", data={"username": user.username, "password": PASSWORD})
    after = client.get_cookie("advocate_session")
    assert after is not None
    assert (before is None or before.value != after.value)
    with app.app_context():
        assert db.session.execute(select(UserSession)).scalars().all()[0].user_id == user.id


def test_idle_timeout(app, client, auth, monkeypatch):
    auth.login_as("advocate")
    assert client.get("/").status_code == 200
    from advocate import clock

    later = clock.utcnow() + timedelta(minutes=31)
    monkeypatch.setattr("advocate.auth.sessions.utcnow", lambda: later)
    assert client.get("/").status_code == 302


def test_absolute_lifetime(app, client, auth, monkeypatch):
    auth.login_as("advocate")
    with app.app_context():
        record = db.session.execute(select(UserSession)).scalar_one()
        record.created_at -= timedelta(hours=13)
        db.session.commit()
    assert client.get("/").status_code == 302


def test_password_change_ends_other_sessions(app, client, auth):
    user = auth.login_as("advocate")
    other = app.test_client()
    other.post("/login", data={"username": user.username, "password": PASSWORD})
    assert other.get("/").status_code == 200
    new = "a much longer new secret phrase"
    response = client.post("/account", data={
        "current_password": PASSWORD, "new_password": new, "confirm": new,
    }, follow_redirects=True)
    assert "Your password was changed" in response.get_data(as_text=True)
    assert client.get("/").status_code == 200
    assert other.get("/").status_code == 302
    auth.logout()
    assert auth.login(user.username, new).status_code == 302


def test_password_change_requires_the_current_password(client, auth):
    auth.login_as("advocate")
    new = "a much longer new secret phrase"
    response = client.post("/account", data={
        "current_password": "wrong password here", "new_password": new, "confirm": new,
    })
    assert "The current password is not correct." in response.get_data(as_text=True)


def test_next_parameter_only_follows_local_paths(client, make_user):
    user = make_user("advocate")
    response = client.post("/login?next=https://evil.example/x",
                           data={"username": user.username, "password": PASSWORD})
    assert response.headers["Location"] in ("/", "http://localhost/")
    client.post("/logout")
    response = client.post("/login?next=/account",
                           data={"username": user.username, "password": PASSWORD})
    assert response.headers["Location"].endswith("/account")


def test_no_remember_me_cookie(client, auth):
    auth.login_as("advocate")
    assert client.get_cookie("remember_token") is None


def test_user_password_is_hashed_with_argon2(app, make_user):
    user = make_user("advocate")
    with app.app_context():
        stored = db.session.get(User, user.id).password_hash
    assert stored.startswith("$argon2id$")
    assert PASSWORD not in stored
