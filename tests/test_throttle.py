"""Brute force: one account, one address; refused, audited, lifted after 15 minutes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from advocate.audit.models import AuditEvent
from advocate.auth.models import LoginFailure, LoginLock, UserSession
from advocate.extensions import db

from .conftest import PASSWORD

WRONG = "not the password at all"
ACCOUNT_MESSAGE = "Too many failed attempts for this account"
ADDRESS_MESSAGE = "Too many failed attempts from your network address"


class FakeClock:
    """advocate.clock.utcnow under the test's control."""

    def __init__(self) -> None:
        self.now = datetime.now(UTC).replace(tzinfo=None, microsecond=0)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **kwargs: float) -> None:
        self.now += timedelta(**kwargs)


@pytest.fixture
def clock(monkeypatch) -> FakeClock:
    fake = FakeClock()
    monkeypatch.setattr("advocate.clock.utcnow", fake)
    return fake


def _from(app, address: str):
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    return client


def _try(client, username: str, password: str = PASSWORD):
    response = client.post("/login", data={"username": username, "password": password})
    return response.status_code, response.get_data(as_text=True)


def _count(app, action: str) -> int:
    with app.app_context():
        return db.session.execute(
            select(func.count()).select_from(AuditEvent).where(AuditEvent.action == action)
        ).scalar_one()


def test_five_failures_lock_the_account_for_fifteen_minutes(app, make_user, clock):
    user = make_user("advocate")
    attacker = _from(app, "203.0.113.7")
    for attempt in range(5):
        status, body = _try(attacker, user.username, WRONG)
        assert "Wrong user name or password." in body
        assert (ACCOUNT_MESSAGE in body) == (attempt == 4)
    status, body = _try(attacker, user.username)  # the right password is refused too
    assert status == 429
    assert ACCOUNT_MESSAGE in body
    assert "try again in 15 minutes" in body
    owner = _from(app, "198.51.100.20")  # the lock is on the account, wherever from
    status, body = _try(owner, user.username)
    assert status == 429
    assert ACCOUNT_MESSAGE in body
    with app.app_context():
        assert db.session.execute(select(UserSession)).first() is None
    assert _count(app, "login.failure") == 5
    assert _count(app, "login.locked") == 1
    assert _count(app, "login.refused") == 2
    clock.advance(minutes=14, seconds=59)
    assert _try(owner, user.username)[0] == 429
    clock.advance(seconds=1)
    assert _try(owner, user.username)[0] == 302  # the lock has lifted


def test_other_accounts_are_not_locked(app, make_user, clock):
    target, other = make_user("advocate"), make_user("advocate")
    client = _from(app, "203.0.113.7")
    for _ in range(5):
        _try(client, target.username, WRONG)
    assert _try(client, target.username)[0] == 429
    assert _try(client, other.username)[0] == 302


def test_unknown_user_names_lock_the_same_way(app, clock):
    client = _from(app, "203.0.113.7")
    for _ in range(5):
        _try(client, "nobody", WRONG)
    status, body = _try(client, "NoBody ", WRONG)  # same account key: stripped, lower-cased
    assert status == 429
    assert ACCOUNT_MESSAGE in body


def test_twenty_failures_from_one_address_lock_the_address(app, make_user, clock):
    victim = make_user("advocate")
    spray = _from(app, "203.0.113.9")
    for number in range(20):
        status, _ = _try(spray, f"guess{number % 5}x{number // 5}", WRONG)  # 4 tries per name
        assert status == (429 if number == 19 else 200)
    status, body = _try(spray, victim.username)
    assert status == 429
    assert ADDRESS_MESSAGE in body
    assert _try(_from(app, "198.51.100.20"), victim.username)[0] == 302
    clock.advance(minutes=15)
    assert _try(spray, victim.username)[0] == 302


def test_failures_outside_the_window_do_not_add_up(app, make_user, clock):
    user = make_user("advocate")
    client = _from(app, "203.0.113.7")
    for _ in range(4):
        _try(client, user.username, WRONG)
    clock.advance(minutes=15, seconds=1)
    for _ in range(4):
        _try(client, user.username, WRONG)
    assert _try(client, user.username)[0] == 302
    with app.app_context():
        assert db.session.execute(select(LoginLock)).first() is None


def test_a_lifted_lock_starts_from_a_clean_slate(app, make_user, clock):
    user = make_user("advocate")
    client = _from(app, "203.0.113.7")
    for _ in range(5):
        _try(client, user.username, WRONG)
    clock.advance(minutes=15)
    status, body = _try(client, user.username, WRONG)
    assert status == 200
    assert ACCOUNT_MESSAGE not in body


def test_state_is_shared_by_worker_processes(make_app, make_user, clock):
    first, second = make_app(), make_app()  # two apps, two engines: as two gunicorn workers
    user = make_user("advocate")
    for attempt in range(5):
        worker = first if attempt % 2 else second
        _try(_from(worker, "203.0.113.7"), user.username, WRONG)
    assert _try(_from(first, "198.51.100.1"), user.username)[0] == 429
    assert _try(_from(second, "198.51.100.2"), user.username)[0] == 429


def test_failures_are_stored_and_pruned(app, make_user, clock):
    user = make_user("advocate")
    client = _from(app, "203.0.113.7")
    _try(client, user.username, WRONG)
    with app.app_context():
        failure = db.session.execute(select(LoginFailure)).scalar_one()
        assert (failure.username, failure.ip, failure.kind) == (user.username, "203.0.113.7",
                                                                "password")
    clock.advance(minutes=16)
    _try(client, "someone-else", WRONG)
    with app.app_context():
        names = db.session.execute(select(LoginFailure.username)).scalars().all()
    assert names == ["someone-else"]


def test_administrator_lets_a_locked_account_in_again(app, make_user, clock):
    user = make_user("advocate")
    attacker = _from(app, "203.0.113.7")
    for _ in range(5):
        _try(attacker, user.username, WRONG)
    admin = make_user("supervisor", is_admin=True)
    admin_client = _from(app, "198.51.100.5")
    assert _try(admin_client, admin.username)[0] == 302
    page = admin_client.get("/admin/security").get_data(as_text=True)
    assert user.username in page
    with app.app_context():
        lock_id = db.session.execute(select(LoginLock.id)).scalar_one()
    response = admin_client.post(f"/admin/security/locks/{lock_id}/lift", follow_redirects=True)
    assert "Logins are allowed again." in response.get_data(as_text=True)
    assert "No logins are paused." in response.get_data(as_text=True)
    assert _try(_from(app, "198.51.100.20"), user.username)[0] == 302
    assert _count(app, "login.unlock") == 1
    assert admin_client.post("/admin/security/locks/999/lift").status_code == 404


def test_security_page_is_for_administrators(client, auth):
    auth.login_as("supervisor")
    assert client.get("/admin/security").status_code == 403
