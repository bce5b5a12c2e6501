"""`flask --app advocate letters ...`: the letter types, and unregistered draft PDFs.

Errors are one line on stderr: an unknown case reference or missing data exits 1, an unknown
letter type or language exits 2 (a usage error).
"""

from __future__ import annotations

import getpass
from dataclasses import dataclass
from pathlib import Path

import click
from flask.cli import AppGroup
from sqlalchemy import select

from advocate.cases.models import Case
from advocate.extensions import db
from advocate.letters import operations
from advocate.letters.catalogue import LETTER_TYPES
from advocate.letters.dates import LANGUAGES

letters_cli = AppGroup("letters", help="Letters: the types, and draft PDFs for checking.")


@dataclass(frozen=True)
class CommandLineActor:
    """Who is recorded for a command: the operating-system account that ran it."""

    id: None
    username: str


def _actor() -> CommandLineActor:
    try:
        name = getpass.getuser()
    except (KeyError, OSError):  # no passwd entry (containers)
        name = "unknown"
    return CommandLineActor(None, f"command line ({name})"[:64])


def _usage_error(message: str) -> None:
    """One line on stderr and exit status 2."""
    click.echo(f"Error: {message}", err=True)
    raise SystemExit(2)


@letters_cli.command("types")
def types_command() -> None:
    """List the letter type identifiers with a one-line description."""
    width = max(len(type_id) for type_id in LETTER_TYPES)
    for type_id, letter_type in LETTER_TYPES.items():
        click.echo(f"{type_id:<{width}}  {letter_type.description}")


@letters_cli.command("render")
@click.argument("reference")
@click.argument("type_id", metavar="TYPE")
@click.option("--lang", default="ru", show_default=True, help="ru, uz or en.")
@click.option("-o", "--output", "output", required=True, type=click.Path(dir_okay=False),
              help="Where to write the PDF.")
def render_command(reference: str, type_id: str, lang: str, output: str) -> None:
    """Render an unregistered draft PDF of a case's letter (recorded in the case timeline)."""
    if type_id not in LETTER_TYPES:
        _usage_error(f"unknown letter type {type_id!r}; see `flask --app advocate letters types`")
    if lang not in LANGUAGES:
        _usage_error(f"unknown letter language {lang!r}; use one of {', '.join(LANGUAGES)}")
    case = db.session.execute(select(Case).where(Case.reference == reference)).scalar_one_or_none()
    if case is None:
        raise click.ClickException(f"no case with reference {reference!r}")
    try:
        pdf = operations.render_unregistered(case, type_id, lang, actor=_actor())
    except operations.MissingData as exc:
        db.session.rollback()
        raise click.ClickException(
            f"{type_id} ({lang}) for {reference} is missing: {', '.join(exc.fields)}"
        ) from None
    except operations.LetterError as exc:
        db.session.rollback()
        raise click.ClickException(str(exc)) from None
    try:
        Path(output).write_bytes(pdf)
    except OSError as exc:
        db.session.rollback()
        raise click.ClickException(f"cannot write {output}: {exc.strerror}") from None
    db.session.commit()
    click.echo(f"wrote {output} ({len(pdf)} bytes): a draft without an outgoing number")


commands = [letters_cli]
