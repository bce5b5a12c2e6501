"""Two-factor login: enrolment, codes accepted once, recovery codes, the half-logged-in state."""

from __future__ import annotations

import logging
import re
from datetime import UTC, datetime, timedelta

import pyotp
import pytest
from sqlalchemy import func, select

from advocate import create_app
from advocate.audit.models import AuditEvent
from advocate.auth import twofactor
from advocate.auth.models import RecoveryCode, TwoFactor, User, UserSession
from advocate.extensions import db
from advocate.identity.keyring import generate_key
from advocate.identity.service import get_keyring

from .conftest import PASSWORD

RECOVERY_RE = re.compile(r"<code>([0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4})</code>")
SECRET_RE = re.compile(r"<code>([A-Z2-7 ]{32,})</code>")


@pytest.fixture
def app(make_app):
    """Two-factor as deployed: supervisors and administrators must use it; keys are loaded."""
    return make_app(TWO_FACTOR_ROLES=None, IDENTITY_KEYS=[generate_key()])


class FakeClock:
    """advocate.clock.utcnow under the test's control."""

    def __init__(self) -> None:
        self.now = datetime.now(UTC).replace(tzinfo=None, microsecond=0)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **kwargs: float) -> None:
        self.now += timedelta(**kwargs)

    def code(self, secret: str, steps_ahead: int = 0) -> str:
        step = int(self.now.replace(tzinfo=UTC).timestamp()) // 30 + steps_ahead
        return pyotp.TOTP(secret).generate_otp(step)

    def wrong_code(self, secret: str) -> str:
        """Six digits that no accepted time-step gives."""
        near = {self.code(secret, offset) for offset in (-1, 0, 1)}
        return next(c for c in ("000000", "111111", "222222", "333333") if c not in near)


@pytest.fixture
def clock(monkeypatch) -> FakeClock:
    fake = FakeClock()
    monkeypatch.setattr("advocate.clock.utcnow", fake)
    return fake


def _actions(app) -> list[str]:
    with app.app_context():
        return list(db.session.execute(select(AuditEvent.action).order_by(AuditEvent.id)).scalars())


def _session_count(app) -> int:
    with app.app_context():
        return db.session.execute(select(func.count()).select_from(UserSession)).scalar_one()


def _enrol_directly(app, user, clock: FakeClock) -> tuple[str, list[str]]:
    """Enrol a user without the pages; return the secret and the recovery codes."""
    secret = pyotp.random_base32(length=32)
    with app.app_context():
        codes = twofactor.enrol(db.session.get(User, user.id), secret, clock.code(secret))
        db.session.commit()
    clock.advance(seconds=30)  # the enrolment used this time-step's code
    return secret, codes


def _password(client, user, **kwargs):
    return client.post("/login", data={"username": user.username, "password": PASSWORD}, **kwargs)


def test_supervisor_must_enrol_right_after_the_password(app, client, make_user, clock):
    user = make_user("supervisor")
    response = _password(client, user)
    assert response.headers["Location"].endswith("/login/enrol")
    assert _session_count(app) == 0  # half-logged-in: no server-side session yet
    assert client.get("/").status_code == 302
    page = client.get("/login/enrol").get_data(as_text=True)
    assert "<svg" in page
    assert "<script" not in page
    svg = page[page.index("<svg"):page.index("</svg>")]
    assert "style=" not in svg  # the CSP forbids inline styles
    secret = SECRET_RE.search(page).group(1).replace(" ", "")
    assert client.get("/login/enrol").get_data(as_text=True).count(secret[:4]) >= 1  # same secret
    wrong = client.post("/login/enrol", data={"code": clock.wrong_code(secret)})
    assert wrong.status_code == 400
    assert "That code is not right" in wrong.get_data(as_text=True)
    done = client.post("/login/enrol", data={"code": clock.code(secret)})
    body = done.get_data(as_text=True)
    codes = RECOVERY_RE.findall(body)
    assert done.status_code == 200
    assert len(set(codes)) == 10
    assert "shown only now" in body
    assert client.get("/").status_code == 200
    with app.app_context():
        stored = db.session.get(TwoFactor, user.id)
        assert secret not in stored.secret_encrypted  # encrypted with the identity keyring
        assert get_keyring().decrypt(stored.secret_encrypted) == secret
        hashes = db.session.execute(select(RecoveryCode.code_hash)).scalars().all()
        assert len(hashes) == 10
        assert not set(codes) & set(hashes)
    actions = _actions(app)
    assert "two_factor.failure" in actions
    assert actions[-2:] == ["two_factor.enrol", "login.success"]


def test_enrolled_user_logs_in_with_a_code_once_only(app, client, make_user, clock):
    user = make_user("supervisor")
    secret, _ = _enrol_directly(app, user, clock)
    assert _password(client, user).headers["Location"].endswith("/login/code")
    assert _session_count(app) == 0
    code = clock.code(secret)
    response = client.post("/login/code", data={"code": code})
    assert response.status_code == 302
    assert client.get("/").status_code == 200
    client.post("/logout")
    _password(client, user)
    reused = client.post("/login/code", data={"code": code})
    assert reused.status_code == 200
    assert "used already" in reused.get_data(as_text=True)
    assert client.get("/").status_code == 302
    older = client.post("/login/code", data={"code": clock.code(secret, steps_ahead=-1)})
    assert "used already" in older.get_data(as_text=True)  # never a code older than the last
    clock.advance(seconds=30)
    fresh = client.post("/login/code", data={"code": clock.code(secret)})
    assert fresh.status_code == 302
    assert client.get("/").status_code == 200
    actions = _actions(app)
    assert actions.count("two_factor.failure") == 2
    with app.app_context():
        reasons = db.session.execute(
            select(AuditEvent.reason).where(AuditEvent.action == "login.success")
        ).scalars().all()
    assert reasons == ["second factor: totp", "second factor: totp"]


def test_half_logged_in_user_reaches_no_page(app, client, make_user, clock):
    user = make_user("supervisor", is_admin=True)
    _enrol_directly(app, user, clock)
    _password(client, user)
    open_endpoints = {"auth.login", "two_factor.code", "main.healthz", "static"}
    checked = 0
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.endpoint in open_endpoints:
            continue
        url = re.sub(r"<(?:[^:>]+:)?([^>]+)>", "1", rule.rule)
        response = client.get(url)
        body = response.get_data(as_text=True)
        response.close()
        assert response.status_code in (302, 404), (url, response.status_code)
        if response.status_code == 302:
            location = response.headers["Location"]
            assert "/login" in location, (url, location)
        assert user.username not in body
        checked += 1
    assert checked >= 5
    assert client.get("/login/code").status_code == 200  # still on the second step
    assert _session_count(app) == 0


def test_pending_marker_expires(app, client, make_user, clock):
    user = make_user("supervisor")
    secret, _ = _enrol_directly(app, user, clock)
    _password(client, user)
    clock.advance(minutes=6)
    response = client.post("/login/code", data={"code": clock.code(secret)})
    assert response.headers["Location"].endswith("/login")
    assert client.get("/").status_code == 302


def test_recovery_code_works_once(app, client, make_user, clock):
    user = make_user("supervisor")
    _, codes = _enrol_directly(app, user, clock)
    _password(client, user)
    # Lower case and without dashes is accepted: people copy codes by hand.
    typed = codes[0].replace("-", "").lower()
    response = client.post("/login/code", data={"code": typed}, follow_redirects=True)
    assert "You have 9 recovery codes left" in response.get_data(as_text=True)
    client.post("/logout")
    _password(client, user)
    again = client.post("/login/code", data={"code": codes[0]})
    assert again.status_code == 200
    assert "used already" in again.get_data(as_text=True)
    assert client.get("/").status_code == 302
    assert client.post("/login/code", data={"code": codes[1]}).status_code == 302
    assert "two_factor.recovery_code_used" in _actions(app)


def test_wrong_codes_are_throttled(app, client, make_user, clock):
    user = make_user("supervisor")
    secret, _ = _enrol_directly(app, user, clock)
    _password(client, user)
    for typed in (clock.wrong_code(secret), "ABCD-EFGH-JKMN-PQRS") * 2:
        wrong = client.post("/login/code", data={"code": typed})
        assert "not right" in wrong.get_data(as_text=True)
    locked = client.post("/login/code", data={"code": clock.wrong_code(secret)},
                         follow_redirects=True)
    assert "Too many failed attempts for this account" in locked.get_data(as_text=True)
    refused = _password(client, user)  # even the right password now waits
    assert refused.status_code == 429
    assert client.get("/").status_code == 302
    actions = _actions(app)
    assert actions.count("two_factor.failure") == 5
    assert "login.locked" in actions
    assert actions[-1] == "login.refused"


def test_administrator_resets_a_second_factor(app, client, make_user, clock):
    user = make_user("supervisor")
    _enrol_directly(app, user, clock)
    admin = make_user("advocate", is_admin=True)
    admin_client = app.test_client()
    admin_secret, _ = _enrol_directly(app, admin, clock)
    _password(admin_client, admin)
    admin_client.post("/login/code", data={"code": clock.code(admin_secret)})
    page = admin_client.get(f"/admin/users/{user.id}").get_data(as_text=True)
    assert "Reset two-factor login" in page
    assert "10 unused recovery codes" in page
    response = admin_client.post(f"/admin/users/{user.id}/reset-two-factor",
                                 follow_redirects=True)
    assert "was reset" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(TwoFactor, user.id) is None
        assert db.session.execute(select(RecoveryCode).where(
            RecoveryCode.user_id == user.id)).first() is None
        event = db.session.execute(select(AuditEvent).where(
            AuditEvent.action == "two_factor.reset")).scalar_one()
        assert event.actor_id == admin.id
        assert event.object_id == str(user.id)
    assert _password(client, user).headers["Location"].endswith("/login/enrol")


def test_advocates_follow_the_organisation_setting(app, client, make_user, clock):
    advocate = make_user("advocate")
    assert _password(client, advocate).headers["Location"] in ("/", "http://localhost/")
    client.post("/logout")
    admin = make_user("supervisor", is_admin=True)
    admin_client = app.test_client()
    admin_secret, _ = _enrol_directly(app, admin, clock)
    _password(admin_client, admin)
    admin_client.post("/login/code", data={"code": clock.code(admin_secret)})
    response = admin_client.post("/admin/security", data={"advocates": "y"},
                                 follow_redirects=True)
    assert "Security settings saved." in response.get_data(as_text=True)
    assert _password(client, advocate).headers["Location"].endswith("/login/enrol")
    with app.app_context():
        event = db.session.execute(select(AuditEvent).where(
            AuditEvent.action == "settings.change")).scalar_one()
        assert event.changes_dict == {twofactor.SETTING_ADVOCATES: [None, True]}


def test_signed_in_user_who_becomes_required_enrols_before_anything(app, client, make_user,
                                                                     clock):
    user = make_user("advocate")
    _password(client, user)
    assert client.get("/").status_code == 200
    with app.app_context():
        db.session.get(User, user.id).role = "supervisor"
        db.session.commit()
    response = client.get("/")
    assert response.headers["Location"].endswith("/account/two-factor")
    page = client.get("/account/two-factor").get_data(as_text=True)
    secret = SECRET_RE.search(page).group(1).replace(" ", "")
    done = client.post("/account/two-factor", data={"code": clock.code(secret)})
    assert len(RECOVERY_RE.findall(done.get_data(as_text=True))) == 10
    assert client.get("/").status_code == 200


def test_voluntary_second_factor_is_asked_and_can_be_turned_off(app, client, make_user, clock):
    user = make_user("advocate")
    secret, _ = _enrol_directly(app, user, clock)
    assert _password(client, user).headers["Location"].endswith("/login/code")
    client.post("/login/code", data={"code": clock.code(secret)})
    page = client.get("/account").get_data(as_text=True)
    assert "Two-factor login is on" in page
    assert "Turn two-factor login off" in page
    refused = client.post("/account/two-factor/disable", data={"code": clock.wrong_code(secret)},
                          follow_redirects=True)
    assert "not right" in refused.get_data(as_text=True)
    clock.advance(seconds=30)
    done = client.post("/account/two-factor/disable", data={"code": clock.code(secret)},
                       follow_redirects=True)
    assert "turned off" in done.get_data(as_text=True)
    assert "two_factor.disable" in _actions(app)
    client.post("/logout")
    assert _password(client, user).headers["Location"] in ("/", "http://localhost/")


def test_required_user_cannot_turn_it_off(app, client, make_user, clock):
    user = make_user("supervisor")
    secret, _ = _enrol_directly(app, user, clock)
    _password(client, user)
    client.post("/login/code", data={"code": clock.code(secret)})
    assert "Turn two-factor login off" not in client.get("/account").get_data(as_text=True)
    clock.advance(seconds=30)
    response = client.post("/account/two-factor/disable", data={"code": clock.code(secret)},
                           follow_redirects=True)
    assert "cannot be turned off" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(TwoFactor, user.id) is not None


def test_new_recovery_codes_replace_the_old(app, client, make_user, clock):
    user = make_user("supervisor")
    secret, old = _enrol_directly(app, user, clock)
    _password(client, user)
    client.post("/login/code", data={"code": clock.code(secret)})
    clock.advance(seconds=30)
    response = client.post("/account/two-factor/recovery-codes", data={"code": clock.code(secret)})
    new = RECOVERY_RE.findall(response.get_data(as_text=True))
    assert len(new) == 10
    assert not set(new) & set(old)
    client.post("/logout")
    _password(client, user)
    assert "used already" in client.post("/login/code", data={"code": old[0]}).get_data(
        as_text=True)
    assert client.post("/login/code", data={"code": new[0]}).status_code == 302


def test_recovery_codes_work_without_keys(app, make_app, make_user, clock, tmp_path):
    user = make_user("supervisor")
    secret, codes = _enrol_directly(app, user, clock)
    keyless = make_app(TWO_FACTOR_ROLES=None, IDENTITY_KEYS=None,
                       IDENTITY_KEY_FILE=str(tmp_path / "missing.keys"))
    client = keyless.test_client()
    _password(client, user)
    refused = client.post("/login/code", data={"code": clock.code(secret)})
    assert "cannot be checked right now" in refused.get_data(as_text=True)
    assert client.post("/login/code", data={"code": codes[0]}).status_code == 302
    other = make_user("supervisor")
    other_client = keyless.test_client()
    _password(other_client, other)
    page = other_client.get("/login/enrol")
    assert page.status_code == 503
    assert "cannot be set up right now" in page.get_data(as_text=True)


def test_override_empty_lets_supervisors_in_with_a_password_and_warns(make_app, make_user,
                                                                      caplog):
    with caplog.at_level(logging.WARNING):
        trial = make_app(TWO_FACTOR_ROLES=[])
    assert "admin, supervisor log in without a second factor" in caplog.text
    user = make_user("supervisor")
    response = trial.test_client().post(
        "/login", data={"username": user.username, "password": PASSWORD})
    assert response.headers["Location"] in ("/", "http://localhost/")


def test_override_from_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("ADVOCATE_INSTANCE_PATH", str(tmp_path))
    monkeypatch.setenv("ADVOCATE_TWO_FACTOR_ROLES", '["advocate", "supervisor", "admin"]')
    app = create_app({"SECRET_KEY": "x", "TESTING": True})
    with app.test_request_context():
        assert twofactor.required_roles() == {"advocate", "supervisor", "admin"}


@pytest.mark.parametrize("value", ['"supervisor"', '["boss"]'])
def test_malformed_override_refuses_to_start(value, tmp_path, monkeypatch):
    monkeypatch.setenv("ADVOCATE_INSTANCE_PATH", str(tmp_path))
    monkeypatch.setenv("ADVOCATE_TWO_FACTOR_ROLES", value)
    with pytest.raises(ValueError, match="TWO_FACTOR_ROLES"):
        create_app({"SECRET_KEY": "x", "TESTING": True})


def test_code_matching_accepts_one_step_of_drift_only():
    secret = pyotp.random_base32()
    totp = pyotp.TOTP(secret)
    for offset in (-1, 0, 1):
        assert twofactor.matching_step(secret, totp.generate_otp(1000 + offset), 1000) == 1000 + \
            offset
    assert twofactor.matching_step(secret, totp.generate_otp(1002), 1000) is None
