"""Configuration defaults and the load order.

defaults → instance/config.py → ADVOCATE_* environment → test_config.
"""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path
from typing import Any

from flask import Flask

REPO_ROOT = Path(__file__).resolve().parent.parent

#: Shorter environment names accepted beside ADVOCATE_<CONFIG_KEY>.
ENV_ALIASES = {"ADVOCATE_DATABASE_URL": "SQLALCHEMY_DATABASE_URI"}

DEFAULTS: dict[str, Any] = {
    "SECRET_KEY": None,
    "SQLALCHEMY_DATABASE_URI": None,  # default: SQLite file in the instance folder
    "SQLALCHEMY_ENGINE_OPTIONS": {},
    "SQLITE_BUSY_TIMEOUT_MS": 15000,
    "SQLITE_CACHE_KIB": 65536,  # page cache per connection; the review's aggregates read a lot
    "REVIEW_STALE_DAYS": 30,  # "no activity for N days" on the review page
    "REVIEW_SOON_DAYS": 14,  # "deadlines in the next N days"
    "REVIEW_CACHE_SECONDS": 300,  # how long review medians are reused; 0 turns the memo off
    "LANGUAGES": ["en", "ru", "uz"],
    "BABEL_DEFAULT_LOCALE": "en",
    "BABEL_DEFAULT_TIMEZONE": "UTC",
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
    "SESSION_COOKIE_SECURE": True,
    "SESSION_COOKIE_NAME": "advocate_session",
    "REMEMBER_COOKIE_DURATION": timedelta(seconds=0),
    "SESSION_IDLE_MINUTES": 30,
    "SESSION_LIFETIME_HOURS": 12,
    "MAX_CONTENT_LENGTH": 10 * 1024 * 1024,
    "WTF_CSRF_TIME_LIMIT": None,  # the token lives as long as the server-side session
    # Pages are served with Referrer-Policy: no-referrer, so browsers send no Referer (and
    # Origin: null) on our own forms; the token plus SameSite cookies are the CSRF defence.
    "WTF_CSRF_SSL_STRICT": False,
    "PASSWORD_MIN_LENGTH": 12,
    "IDENTITY_KEYS": None,
    "IDENTITY_KEY_FILE": None,  # default: <instance>/identity.keys
    "PREFERRED_URL_SCHEME": "https",
    # Behind a reverse proxy: how many proxies set X-Forwarded-For/-Proto (0: none). Without it
    # every client seems to come from the proxy, and login throttling by address pauses everyone.
    "PROXY_FIX_X_FOR": 0,
    # Which roles must use a second factor ("advocate", "supervisor", "admin"). None: supervisors
    # and administrators, and advocates when the organisation setting says so. A list overrides
    # that for a deployment (ADVOCATE_TWO_FACTOR_ROLES='[]' for a local trial), with a warning.
    "TWO_FACTOR_ROLES": None,
    "TWO_FACTOR_ISSUER": "advocate",  # the account name shown in authenticator apps
    "TWO_FACTOR_PENDING_MINUTES": 5,  # time between a correct password and the code
    "LOGIN_THROTTLE_ACCOUNT_LIMIT": 5,
    "LOGIN_THROTTLE_ADDRESS_LIMIT": 20,
    "LOGIN_THROTTLE_WINDOW_MINUTES": 15,
    "LOGIN_THROTTLE_LOCK_MINUTES": 15,
    "FILES_DIR": None,  # default: <instance>/files (stored letters and uploads)
    # The largest upload (a scanned reply), below MAX_CONTENT_LENGTH so the form can say so.
    "UPLOAD_MAX_BYTES": 8 * 1024 * 1024,
    "PG_BIN_DIR": None,  # where pg_dump/pg_restore live; default: PATH, then /usr/lib/postgresql
}


def default_instance_path() -> str:
    """The instance folder: ADVOCATE_INSTANCE_PATH, else instance/ at the repository root."""
    return os.environ.get("ADVOCATE_INSTANCE_PATH") or str(REPO_ROOT / "instance")


def load(app: Flask, test_config: dict[str, Any] | None) -> None:
    """Fill app.config in order; derive the defaults that depend on the instance."""
    app.config.from_mapping(DEFAULTS)
    app.config.from_pyfile("config.py", silent=True)
    app.config.from_prefixed_env("ADVOCATE")
    for env_name, key in ENV_ALIASES.items():
        if env_name in os.environ:
            app.config[key] = os.environ[env_name]
    if test_config:
        app.config.from_mapping(test_config)
    instance = Path(app.instance_path)
    if not app.config["SQLALCHEMY_DATABASE_URI"]:
        app.config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{instance / 'advocate.db'}"
    if not app.config["IDENTITY_KEY_FILE"]:
        app.config["IDENTITY_KEY_FILE"] = str(instance / "identity.keys")
    if not app.config["FILES_DIR"]:
        app.config["FILES_DIR"] = str(instance / "files")
    app.permanent_session_lifetime = timedelta(hours=app.config["SESSION_LIFETIME_HOURS"])
