"""Fixtures: the app on SQLite and on PostgreSQL, clients, users, and logging in.

No app context stays pushed while the test client makes requests: Flask reuses a pushed
context for requests, and `g` (where Flask-Login caches the user) would then outlive the
request and hide session bugs. Test code that reads the database does so inside
`with app.app_context():`; factories return detached objects whose attributes are loaded.

Every test that uses `app` runs twice, once per database. PostgreSQL is a throwaway cluster
started for the session; without its binaries those runs are skipped, except in CI
(`CI=true`), where a missing PostgreSQL fails the run.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text

from advocate import create_app
from advocate.extensions import db

from . import pg

PASSWORD = "correct horse battery staple"
_STATE: dict[str, object] = {}


@pytest.fixture(scope="session")
def compiled_translations(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One compiled catalog folder for the whole session."""
    return tmp_path_factory.mktemp("translations")


@pytest.fixture(scope="session")
def pg_cluster() -> Iterator[pg.Cluster | None]:
    """Start PostgreSQL once per session if it can be started."""
    cluster, reason = pg.start()
    _STATE["pg_reason"] = reason
    yield cluster
    if cluster is not None:
        cluster.stop()


@pytest.fixture(scope="session")
def password_hash() -> str:
    """The hash of PASSWORD, computed once: argon2 is slow on purpose."""
    from advocate.auth.passwords import hash_password

    return hash_password(PASSWORD)


def _config(url: str, tmp_path: Path, translations: Path) -> dict[str, object]:
    return {
        "TESTING": True,
        "SECRET_KEY": "test-secret-key-not-for-production",
        "SQLALCHEMY_DATABASE_URI": url,
        "WTF_CSRF_ENABLED": False,
        "SESSION_COOKIE_SECURE": False,
        "BABEL_COMPILED_DIR": str(translations),
        "SERVER_NAME": "localhost",
        # Password-only logins for the tests in general; the two-factor tests turn it on.
        "TWO_FACTOR_ROLES": [],
    }


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A fresh, empty database for this test."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'test.db'}"
    cluster = request.getfixturevalue("pg_cluster")
    if cluster is None:
        reason = f"PostgreSQL not available: {_STATE.get('pg_reason')}"
        if os.environ.get("CI"):
            pytest.fail(f"{reason} (required in CI)")
        pytest.skip(reason)
    return cluster.url


@pytest.fixture
def make_app(
    database_url: str, tmp_path: Path, compiled_translations: Path,
    monkeypatch: pytest.MonkeyPatch,
):
    """Build an app on this test's database with extra configuration."""
    monkeypatch.setenv("ADVOCATE_INSTANCE_PATH", str(tmp_path / "instance"))
    for name in list(os.environ):
        if name.startswith("ADVOCATE_") and name != "ADVOCATE_INSTANCE_PATH":
            monkeypatch.delenv(name)
    built = []

    def factory(*, empty: bool = False, **overrides: object):
        """An app; `empty=True` leaves the database without tables (for `init` tests)."""
        config = _config(database_url, tmp_path, compiled_translations)
        config.update(overrides)
        application = create_app(config)
        if not built and not empty:
            with application.app_context():
                _reset_schema()
        built.append(application)
        return application

    yield factory
    for application in built:
        with application.app_context():
            db.session.remove()
            if db.engine.dialect.name == "postgresql":
                _truncate_all()
            db.engine.dispose()


def _reset_schema() -> None:
    db.create_all()  # creates what is missing; on PostgreSQL the tables are then emptied
    if db.engine.dialect.name == "postgresql":
        _truncate_all()


def _truncate_all() -> None:
    db.create_all()  # a test may have dropped tables (the migration test does)
    names = ", ".join(f'"{t.name}"' for t in db.metadata.sorted_tables)
    with db.engine.begin() as connection:
        connection.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))  # noqa: S608


@pytest.fixture
def app(make_app):
    """The application with default test configuration."""
    return make_app()


def detach(obj):
    """Load every attribute, then detach, so the object can be read outside the context."""
    db.session.refresh(obj)
    db.session.expunge(obj)
    return obj


@pytest.fixture
def client(app):
    """A test client."""
    return app.test_client()


@pytest.fixture
def runner(app):
    """A CLI runner."""
    return app.test_cli_runner()


@pytest.fixture
def make_user(app, password_hash: str):
    """Create a user directly (password: PASSWORD)."""
    from advocate.auth.models import User

    counter = {"n": 0}

    def factory(role: str = "advocate", *, is_admin: bool = False, username: str | None = None,
                active: bool = True) -> User:
        counter["n"] += 1
        with app.app_context():
            user = User(
                username=username or f"{role}{counter['n']}{'-admin' if is_admin else ''}",
                role=role, is_admin=is_admin, active=active, password_hash=password_hash,
            )
            db.session.add(user)
            db.session.commit()
            return detach(user)

    return factory


class Auth:
    """Log a test client in and out through the real forms."""

    def __init__(self, client, make_user) -> None:
        self.client = client
        self.make_user = make_user

    def login(self, username: str, password: str = PASSWORD):
        """Post the login form."""
        return self.client.post("/login", data={"username": username, "password": password})

    def login_as(self, role: str = "advocate", *, is_admin: bool = False):
        """Create a user of this role and log in as them; return the user."""
        user = self.make_user(role, is_admin=is_admin)
        response = self.login(user.username)
        assert response.status_code == 302, response.get_data(as_text=True)
        return user

    def logout(self):
        """Post the logout form."""
        return self.client.post("/logout")


@pytest.fixture
def auth(client, make_user) -> Auth:
    """The login helper."""
    return Auth(client, make_user)


def csrf_token_from(html: str) -> str:
    """The CSRF token in a rendered form."""
    match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html) or re.search(
        r'name="csrf_token" value="([^"]+)"', html
    )
    assert match, "no CSRF token in the page"
    return match.group(1)
