"""`flask --app advocate procedures ...`: the term calculator, a case's readiness, deadlines.

Output is JSON on stdout. Bad input to `term` is one line on stderr and exit 2; an unknown
reference to `check` is one line and exit 1.
"""

from __future__ import annotations

import json
from typing import Any

import click
from flask.cli import AppGroup
from sqlalchemy import select

from advocate import clock
from advocate.extensions import db

procedures_cli = AppGroup("procedures", help="Transfer procedures: term, readiness, deadlines.")


def _usage_error(message: str) -> None:
    """One line on stderr, exit 2 (bad input)."""
    click.echo(f"Error: {' '.join(str(message).split())}", err=True)
    raise click.exceptions.Exit(2)


def _echo_json(data: Any) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2))


@procedures_cli.command("term")
@click.option("--start", help="Start of the term, YYYY-MM-DD.")
@click.option("--years", default="0")
@click.option("--months", default="0")
@click.option("--days", default="0")
@click.option("--pretrial-days", default="0", help="Custody before the judgment became final.")
@click.option("--house-arrest-days", default="0")
@click.option("--regime", help="general, strict, special, settlement, educational or prison.")
@click.option("--articles", default="", help='Criminal Code articles, e.g. "228 ч.2".')
@click.option("--on", "on", help="Compute served and remaining on this date (default today).")
@click.option("--judgment-final", help="Date the judgment became final, YYYY-MM-DD.")
@click.option("--route", default=None, help="Route id (default: ru_uz).")
def term_command(start: str | None, regime: str | None, route: str | None, **values: str) -> None:
    """Term end, credit, served and remaining days and the eligibility lapse date, as JSON."""
    from advocate.procedures import get_procedure
    from advocate.procedures.sentence import SentenceInputError, parse_term_args, term_json

    if not start:
        _usage_error("--start is required (YYYY-MM-DD).")
    if not regime:
        _usage_error("--regime is required (general, strict, special, settlement, "
                     "educational or prison).")
    procedure = get_procedure(route)
    if procedure is None:
        _usage_error(f"no route {route!r}.")
    try:
        parsed = parse_term_args(start=start, regime=regime, **values)  # type: ignore[arg-type]
    except SentenceInputError as exc:
        _usage_error(str(exc))
        return
    _echo_json(term_json(parsed.term, procedure.credit_rules(), parsed.on or clock.today()))


@procedures_cli.command("check")
@click.argument("reference")
@click.option("--on", "on", help="Evaluate on this date (default today), YYYY-MM-DD.")
def check_command(reference: str, on: str | None) -> None:
    """Each transfer condition of a case: met, not met or unknown, with reasons, as JSON."""
    from datetime import date

    from advocate.cases.models import Case
    from advocate.procedures.readiness import readiness_json

    try:
        day = date.fromisoformat(on) if on else clock.today()
    except ValueError:
        _usage_error(f"--on: {on!r} is not a date (use YYYY-MM-DD).")
        return
    case = db.session.execute(
        select(Case).where(Case.reference == reference.strip().upper())
    ).scalar_one_or_none()
    if case is None:
        raise click.ClickException(f"no case with the reference {reference!r}")
    _echo_json(readiness_json(case, day))


@procedures_cli.command("recompute-deadlines")
def recompute_command() -> None:
    """Recompute every case's computed deadlines (after a bulk import or a route change)."""
    from advocate.procedures.deadlines import recompute_all

    count = recompute_all()
    db.session.commit()
    click.echo(f"deadlines recomputed for {count} cases")


commands = [procedures_cli]
