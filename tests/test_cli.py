"""`flask --app advocate` commands and their error cases."""

from __future__ import annotations

import os
import stat

from sqlalchemy import select

from advocate.auth.models import User
from advocate.auth.passwords import verify_password
from advocate.extensions import db

GOOD = "a long enough passphrase 7\n"


def _user(app, username):
    with app.app_context():
        query = select(User).where(User.username == username)
        return db.session.execute(query).scalar_one_or_none()


def test_init_writes_secrets_once_and_is_idempotent(make_app, tmp_path):
    app = make_app(empty=True, SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'init.db'}")
    runner = app.test_cli_runner()
    result = runner.invoke(args=["init"])
    assert result.exit_code == 0, result.output
    config = tmp_path / "instance" / "config.py"
    assert "wrote" in result.output
    assert config.exists()
    assert stat.S_IMODE(os.stat(config).st_mode) == 0o600
    assert "SECRET_KEY = '" in config.read_text()
    assert "database upgraded from empty to" in result.output
    before = config.read_text()
    again = runner.invoke(args=["init"])
    assert again.exit_code == 0
    assert "Nothing to do" in again.output
    assert config.read_text() == before


def test_demo_creates_accounts_once(make_app, tmp_path):
    app = make_app(empty=True, SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'demo.db'}")
    runner = app.test_cli_runner()
    result = runner.invoke(args=["demo", "--cases", "0"])
    assert result.exit_code == 0, result.output
    for name in ("admin", "supervisor", "advocate1", "advocate2"):
        assert name in result.output
        assert _user(app, name) is not None
    line = next(x for x in result.output.splitlines() if x.strip().startswith("advocate1"))
    password = line.split()[-1]
    assert verify_password(_user(app, "advocate1").password_hash, password)
    assert _user(app, "admin").is_admin
    again = runner.invoke(args=["demo", "--cases", "0"])
    assert again.exit_code == 0
    assert "exist already" in again.output
    with app.app_context():
        assert len(db.session.execute(select(User)).scalars().all()) == 4


def test_users_create_list_disable_enable(app, runner):
    result = runner.invoke(args=["users", "create", "--username", "Amina", "--role", "advocate",
                                 "--password-stdin"], input=GOOD)
    assert result.exit_code == 0, result.output
    assert "created amina (advocate)" in result.output
    result = runner.invoke(args=["users", "create", "--username", "boss", "--role", "supervisor",
                                 "--admin", "--password-stdin"], input=GOOD)
    assert result.exit_code == 0
    listing = runner.invoke(args=["users", "list"]).output
    assert "amina\tadvocate" in listing
    assert "boss\tsupervisor\tadmin" in listing
    assert runner.invoke(args=["users", "disable", "amina"]).exit_code == 0
    assert not _user(app, "amina").active
    assert "disabled" in runner.invoke(args=["users", "list"]).output
    assert runner.invoke(args=["users", "enable", "amina"]).exit_code == 0
    assert _user(app, "amina").active


def test_users_create_prompts_twice(app, runner):
    result = runner.invoke(args=["users", "create", "--username", "zafar", "--role", "advocate"],
                           input="a long enough passphrase 7\na long enough passphrase 7\n")
    assert result.exit_code == 0, result.output
    assert "Password:" in result.output
    assert "Repeat for confirmation:" in result.output


def test_set_password(app, runner, make_user):
    user = make_user("advocate")
    result = runner.invoke(args=["users", "set-password", user.username, "--password-stdin"],
                           input=GOOD)
    assert result.exit_code == 0
    assert verify_password(_user(app, user.username).password_hash, GOOD.strip())


def test_errors_are_one_line_and_non_zero(app, runner, make_user):
    make_user("advocate", username="taken")
    create = ["users", "create", "--role", "advocate", "--password-stdin", "--username"]
    cases = [
        (["users", "create", "--username", "x1y", "--role", "boss", "--password-stdin"], GOOD),
        ([*create, "taken"], GOOD),
        ([*create, "shorty"], "short\n"),
        ([*create, "empty"], "\n"),
        (["users", "create", "--role", "advocate"], GOOD),
        (["users", "disable", "nobody"], None),
        (["users", "enable", "nobody"], None),
        (["users", "set-password", "nobody", "--password-stdin"], GOOD),
    ]
    for args, stdin in cases:
        result = runner.invoke(args=args, input=stdin)
        assert result.exit_code != 0, args
        assert "Traceback" not in result.output, args
        assert "Error" in result.output, (args, result.output)
        assert not isinstance(result.exception, Exception) or isinstance(
            result.exception, SystemExit
        ), (args, result.exception)
