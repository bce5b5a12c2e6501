"""The factory, configuration order, database settings, health check, headers and error pages."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import text

from advocate import MissingSecretKey, create_app
from advocate.extensions import db


def test_refuses_to_start_without_secret(tmp_path, monkeypatch):
    monkeypatch.setenv("ADVOCATE_INSTANCE_PATH", str(tmp_path))
    monkeypatch.delenv("ADVOCATE_SECRET_KEY", raising=False)
    monkeypatch.delenv("FLASK_RUN_FROM_CLI", raising=False)
    with pytest.raises(MissingSecretKey, match="flask --app advocate init"):
        create_app()


def test_flask_run_without_secret_is_refused_but_init_is_not(tmp_path, monkeypatch):
    monkeypatch.setenv("ADVOCATE_INSTANCE_PATH", str(tmp_path))
    monkeypatch.setenv("FLASK_RUN_FROM_CLI", "true")
    monkeypatch.setattr("sys.argv", ["flask", "--app", "advocate", "run"])
    with pytest.raises(MissingSecretKey):
        create_app()
    monkeypatch.setattr("sys.argv", ["flask", "--app", "advocate", "init"])
    assert create_app().config["SECRET_KEY"] is None


def test_configuration_order(tmp_path, monkeypatch):
    monkeypatch.setenv("ADVOCATE_INSTANCE_PATH", str(tmp_path))
    (tmp_path / "config.py").write_text(
        "SECRET_KEY = 'from-instance'\nSESSION_IDLE_MINUTES = 5\nPASSWORD_MIN_LENGTH = 14\n"
    )
    monkeypatch.setenv("ADVOCATE_SESSION_IDLE_MINUTES", "7")
    app = create_app({"PASSWORD_MIN_LENGTH": 20})
    assert app.config["SECRET_KEY"] == "from-instance"  # instance file over defaults
    assert app.config["SESSION_IDLE_MINUTES"] == 7  # environment over instance file
    assert app.config["PASSWORD_MIN_LENGTH"] == 20  # test_config over everything
    assert app.instance_path == str(tmp_path)
    assert app.config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path / 'advocate.db'}"


def test_short_database_url_name(tmp_path, monkeypatch):
    monkeypatch.setenv("ADVOCATE_INSTANCE_PATH", str(tmp_path))
    monkeypatch.setenv("ADVOCATE_DATABASE_URL", f"sqlite:///{tmp_path / 'other.db'}")
    app = create_app({"SECRET_KEY": "x"})
    assert app.config["SQLALCHEMY_DATABASE_URI"].endswith("other.db")


def test_folders_are_at_the_repository_root(app):
    from advocate.config import REPO_ROOT

    assert app.template_folder == str(REPO_ROOT / "templates")
    assert app.static_folder == str(REPO_ROOT / "static")


def test_sqlite_runs_with_wal_foreign_keys_and_busy_timeout(app):
    with app.app_context():
        if db.engine.dialect.name != "sqlite":
            pytest.skip("SQLite only")
        assert db.session.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert db.session.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert db.session.execute(text("PRAGMA busy_timeout")).scalar() == 15000
        assert db.session.execute(text("PRAGMA cache_size")).scalar() == -65536


def test_healthz(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json == {"status": "ok", "database": "ok"}


def test_security_headers_on_every_response(client):
    for path in ("/login", "/healthz", "/no-such-page", "/static/css/app.css"):
        response = client.get(path)
        headers = response.headers
        response.close()
        csp = headers["Content-Security-Policy"]
        assert "default-src 'self'" in csp
        assert "frame-ancestors 'none'" in csp
        assert "unsafe-inline" not in csp
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["Referrer-Policy"] == "no-referrer"


def test_session_cookie_flags(client, auth):
    auth.login_as("advocate")
    response = client.get("/")
    assert response.status_code == 200
    cookie = client.get_cookie("advocate_session")
    assert cookie is not None
    assert cookie.http_only
    assert cookie.same_site == "Lax"


def test_secure_cookie_by_default(make_app):
    assert make_app(SESSION_COOKIE_SECURE=True).config["SESSION_COOKIE_SECURE"] is True
    from advocate.config import DEFAULTS

    assert DEFAULTS["SESSION_COOKIE_SECURE"] is True


@pytest.mark.parametrize(("path", "code", "words"), [
    ("/no-such-page", 404, "There is no such page"),
    ("/admin/users", 403, "You do not have access"),
])
def test_error_pages_in_the_application_style(client, auth, path, code, words):
    auth.login_as("advocate")
    response = client.get(path)
    assert response.status_code == code
    body = response.get_data(as_text=True)
    assert words in body
    assert "css/app.css" in body


def test_413_page(make_app):
    app = make_app(MAX_CONTENT_LENGTH=100)
    response = app.test_client().post("/login", data={"username": "x" * 500, "password": "y"})
    assert response.status_code == 413
    assert "The upload is too large" in response.get_data(as_text=True)


def test_500_page_rolls_back_and_shows_a_message(make_app):
    app = make_app(TESTING=False)

    @app.route("/boom")
    def boom():
        raise RuntimeError("boom")

    response = app.test_client().get("/boom")
    assert response.status_code == 500
    assert "Something went wrong on our side" in response.get_data(as_text=True)


def test_pages_request_nothing_from_another_host(client, auth):
    auth.login_as("supervisor", is_admin=True)
    for path in ("/", "/login", "/account", "/admin/users", "/admin/users/new"):
        body = client.get(path).get_data(as_text=True)
        for url in re.findall(r'(?:src|href|action)="([^"]+)"', body):
            assert url.startswith("/") or url.startswith("#"), (path, url)


def test_proxy_fix_uses_the_forwarded_client_address(make_app):
    seen = []
    for hops in (0, 1):
        app = make_app(PROXY_FIX_X_FOR=hops)

        @app.route(f"/whoami{hops}")
        def whoami():
            from flask import request

            seen.append(request.remote_addr)
            return "ok"

        app.test_client().get(f"/whoami{hops}", headers={"X-Forwarded-For": "203.0.113.7"},
                              environ_base={"REMOTE_ADDR": "127.0.0.1"})
    assert seen == ["127.0.0.1", "203.0.113.7"]
