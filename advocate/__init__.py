"""advocate: case files and repatriation letters for advocates of Uzbek citizens held in Russia."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

from flask import Flask

from advocate import config as config_module
from advocate.config import REPO_ROOT

MIGRATIONS_DIR = str(Path(__file__).resolve().parent / "migrations")

#: Feature blueprints, registered in this order.
BLUEPRINTS = (
    "advocate.main",
    "advocate.auth.views",
    "advocate.auth.twofactor_views",
    "advocate.admin.views",
    "advocate.audit.views",
    "advocate.cases.views",
    "advocate.identity.views",
    "advocate.procedures.views",
    "advocate.letters.views",
    "advocate.review.views",
)


class MissingSecretKey(RuntimeError):
    """The app was asked to serve without a SECRET_KEY."""


def _cli_subcommand() -> str | None:
    """The `flask` subcommand being run, if this process is the flask CLI."""
    if not os.environ.get("FLASK_RUN_FROM_CLI"):
        return None
    args = sys.argv[1:]
    options_with_value = {"--app", "-A", "--env-file", "-e"}
    skip = False
    for arg in args:
        if skip:
            skip = False
        elif arg in options_with_value:
            skip = True
        elif not arg.startswith("-"):
            return arg
    return None


def _require_secret(app: Flask) -> None:
    """Refuse to serve without a secret; CLI commands other than `run` may set one up."""
    if app.config.get("SECRET_KEY") or app.testing:
        return
    command = _cli_subcommand()
    if command is not None and command != "run":
        return
    raise MissingSecretKey(
        "No SECRET_KEY is configured. Run `flask --app advocate init` to write "
        f"{Path(app.instance_path) / 'config.py'} with random secrets, or set ADVOCATE_SECRET_KEY."
    )


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    """Build the application: configuration, extensions, blueprints, CLI."""
    app = Flask(
        __name__,
        instance_path=config_module.default_instance_path(),
        instance_relative_config=True,
        template_folder=str(REPO_ROOT / "templates"),
        static_folder=str(REPO_ROOT / "static"),
    )
    config_module.load(app, test_config)
    _require_secret(app)
    hops = int(app.config["PROXY_FIX_X_FOR"] or 0)
    if hops > 0:
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)  # type: ignore[method-assign]
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)

    from advocate import database, i18n, web
    from advocate.extensions import babel, csrf, login_manager, migrate

    database.init_app(app)
    from advocate.extensions import db

    migrate.init_app(app, db, directory=MIGRATIONS_DIR, render_as_batch=True, compare_type=True)
    csrf.init_app(app)
    i18n.compile_catalogs(i18n.SOURCE_DIR, i18n.compiled_dir(app))
    babel.init_app(
        app,
        locale_selector=i18n.select_locale,
        default_translation_directories=str(i18n.compiled_dir(app)),
    )
    _init_login(app, login_manager)
    web.init_app(app)
    _register_models()
    from advocate import procedures

    procedures.init_app(app)  # a malformed route file stops the app here, naming the problem
    for module_name in BLUEPRINTS:
        module = __import__(module_name, fromlist=["bp"])
        app.register_blueprint(module.bp)

    from advocate import cli

    cli.init_app(app)
    return app


def _register_models() -> None:
    """Import every model module so metadata (and Alembic) sees all tables."""
    import advocate.admin.models  # noqa: F401
    import advocate.audit.models  # noqa: F401
    import advocate.auth.models  # noqa: F401
    import advocate.cases.models  # noqa: F401
    import advocate.files.models  # noqa: F401
    import advocate.identity.models  # noqa: F401
    import advocate.letters.models  # noqa: F401
    import advocate.procedures.models  # noqa: F401
    import advocate.review.models  # noqa: F401


def _init_login(app: Flask, login_manager: Any) -> None:
    """Flask-Login on top of the server-side sessions."""
    from flask_babel import lazy_gettext as _l

    from advocate.auth import sessions
    from advocate.auth.models import User
    from advocate.extensions import db

    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Please log in to see this page.")
    login_manager.login_message_category = "info"
    login_manager.session_protection = "strong"

    @login_manager.user_loader
    def load_user(user_id: str) -> User | None:
        record = sessions.current()
        if record is None or str(record.user_id) != user_id:
            return None
        user = db.session.get(User, record.user_id)
        return user if user is not None and user.active else None
