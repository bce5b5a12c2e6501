"""`flask --app advocate ...` commands: init, demo, users, audit.

Errors are one line on stderr and a non-zero exit (click.ClickException), never a traceback.
"""

from __future__ import annotations

import os
import secrets
import sys
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import AppGroup, with_appcontext
from sqlalchemy import select

from advocate.extensions import db

#: Feature command modules; each exposes `commands` (a list of click commands or groups).
FEATURE_CLIS: tuple[str, ...] = (
    "advocate.cases.cli", "advocate.identity.cli", "advocate.procedures.cli", "advocate.backup",
    "advocate.letters.cli",
)

DEMO_USERS = (
    ("admin", "supervisor", True),
    ("supervisor", "supervisor", False),
    ("advocate1", "advocate", False),
    ("advocate2", "advocate", False),
)


def _write_instance_config(instance: Path) -> bool:
    """Write instance/config.py with random secrets (mode 0600) unless it exists."""
    path = instance / "config.py"
    if path.exists():
        return False
    instance.mkdir(parents=True, exist_ok=True)
    content = (
        "# Written by `flask --app advocate init`. Keep this file secret; never commit it.\n"
        f"SECRET_KEY = {secrets.token_hex(32)!r}\n"
    )
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(content)
    return True


def _current_revision() -> str | None:
    from alembic.runtime.migration import MigrationContext

    with db.engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def run_init(app: Flask) -> list[str]:
    """Create secrets and bring the database to the latest migration; say what changed."""
    from flask_migrate import upgrade

    from advocate import MIGRATIONS_DIR

    done = []
    instance = Path(app.instance_path)
    if _write_instance_config(instance):
        done.append(f"wrote {instance / 'config.py'} with a new random SECRET_KEY (mode 0600)")
    for step in INIT_STEPS:
        message = step(app)
        if message:
            done.append(message)
    before = _current_revision()
    upgrade(directory=MIGRATIONS_DIR)
    after = _current_revision()
    if before != after:
        done.append(f"database upgraded from {before or 'empty'} to {after}")
    return done


def _init_identity_keys(app: Flask) -> str | None:
    from advocate.identity.cli import init_key_file

    return init_key_file(app)


#: Extra init steps (callables taking the app, returning a message or None), added by features.
INIT_STEPS: list = [_init_identity_keys]


@click.command("init")
@with_appcontext
def init_command() -> None:
    """Write secrets to the instance folder and upgrade the database."""
    done = run_init(current_app)
    if done:
        for line in done:
            click.echo(line)
    else:
        click.echo("Nothing to do: configuration and database are up to date.")


def _ensure_demo_users() -> list[tuple[str, str, str]]:
    from advocate.auth import operations

    created = []
    for username, role, is_admin in DEMO_USERS:
        if operations.find_user(username) is not None:
            continue
        password = secrets.token_urlsafe(12)
        operations.create_user(username, role, password, is_admin=is_admin)
        created.append((username, role + (", administrator" if is_admin else ""), password))
    return created


def _demo_cases(options: dict) -> str | None:
    from advocate.cases import demo

    return demo.run(options)


def _demo_identities(options: dict) -> str | None:
    from advocate.identity.demo import demo_step

    return demo_step(options)


def _demo_procedures(options: dict) -> str | None:
    from advocate.procedures.demo import demo_step

    return demo_step(options)


#: Extra demo steps (callables taking the click options dict, returning a message), from features.
DEMO_STEPS: list = [_demo_cases, _demo_identities, _demo_procedures]


@click.command("demo")
@click.option("--cases", "case_count", type=click.IntRange(min=0), default=None,
              help="How many demo cases to create (default about 40).")
@with_appcontext
def demo_command(case_count: int | None) -> None:
    """`init`, then demo accounts (and demo data); safe to run again."""
    for line in run_init(current_app):
        click.echo(line)
    created = _ensure_demo_users()
    messages = [step({"cases": case_count}) for step in DEMO_STEPS]
    db.session.commit()
    if created:
        click.echo("Demo accounts (passwords are shown only now):")
        for username, role, password in created:
            click.echo(f"  {username:<12} {role:<26} {password}")
    else:
        click.echo(
            "Demo accounts exist already; set a new password with "
            "`flask --app advocate users set-password USERNAME`."
        )
    for message in messages:
        if message:
            click.echo(message)


users_cli = AppGroup("users", help="Manage accounts.")


def _read_password(from_stdin: bool) -> str:
    if from_stdin:
        line = sys.stdin.readline().rstrip("\r\n")
        if not line:
            raise click.ClickException("no password on standard input")
        return line
    return click.prompt("Password", hide_input=True, confirmation_prompt=True)


def _user_or_fail(username: str):
    from advocate.auth import operations

    user = operations.find_user(username)
    if user is None:
        raise click.ClickException(f"no user named {username!r}")
    return user


@users_cli.command("create")
@click.option("--username", required=True)
@click.option("--role", required=True, type=click.Choice(["advocate", "supervisor"]))
@click.option("--admin", "is_admin", is_flag=True, help="Also an administrator.")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
def users_create(username: str, role: str, is_admin: bool, password_stdin: bool) -> None:
    """Create an account."""
    from advocate.auth import operations

    password = _read_password(password_stdin)
    try:
        operations.create_user(username, role, password, is_admin=is_admin)
    except operations.AccountError as exc:
        raise click.ClickException(str(exc)) from None
    db.session.commit()
    suffix = ", administrator" if is_admin else ""
    click.echo(f"created {username.strip().lower()} ({role}{suffix})")


@users_cli.command("list")
def users_list() -> None:
    """List accounts."""
    from advocate.auth.models import User

    for user in db.session.execute(select(User).order_by(User.username)).scalars():
        flags = ["admin"] if user.is_admin else []
        if not user.active:
            flags.append("disabled")
        click.echo(f"{user.username}\t{user.role}\t{','.join(flags)}")


def _set_active(username: str, active: bool) -> None:
    from advocate.auth import operations

    user = _user_or_fail(username)
    operations.set_active(user, active)
    db.session.commit()
    click.echo(f"{user.username} {'enabled' if active else 'disabled'}")


@users_cli.command("disable")
@click.argument("username")
def users_disable(username: str) -> None:
    """Disable an account; its sessions end at once."""
    _set_active(username, False)


@users_cli.command("enable")
@click.argument("username")
def users_enable(username: str) -> None:
    """Enable an account."""
    _set_active(username, True)


@users_cli.command("set-password")
@click.argument("username")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
def users_set_password(username: str, password_stdin: bool) -> None:
    """Set a new password; the user's sessions end."""
    from advocate.auth import operations

    user = _user_or_fail(username)
    password = _read_password(password_stdin)
    try:
        operations.set_password(user, password)
    except operations.AccountError as exc:
        raise click.ClickException(str(exc)) from None
    db.session.commit()
    click.echo(f"password set for {user.username}")


audit_cli = AppGroup("audit", help="The event log.")


@audit_cli.command("verify")
def audit_verify() -> None:
    """Check the hash chain; exit 1 naming the first altered, inserted or deleted entry."""
    from advocate.audit.operations import verify

    count, problem = verify()
    if problem is not None:
        raise click.ClickException(f"audit chain broken: {problem.describe()}")
    click.echo(f"audit chain intact: {count} entries")


def init_app(app: Flask) -> None:
    """Register the commands."""
    for command in (init_command, demo_command, users_cli, audit_cli):
        app.cli.add_command(command)
    for module_name in FEATURE_CLIS:
        module = __import__(module_name, fromlist=["commands"])
        for command in module.commands:
            app.cli.add_command(command)
