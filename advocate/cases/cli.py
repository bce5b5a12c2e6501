"""`flask --app advocate cases import|export`: the CSV format of docs/csv-format.md."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask.cli import AppGroup

from advocate.cases import csvio, importer, operations
from advocate.extensions import db

cases_cli = AppGroup("cases", help="Case files: CSV import and export.")


def _owner(username: str | None):
    if not username:
        return None
    from advocate import policy
    from advocate.auth.operations import find_user

    user = find_user(username)
    if user is None or not policy.can_list_cases(user):
        raise click.ClickException(f"no advocate or supervisor named {username!r}")
    return user


@cases_cli.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--owner", "owner_name", help="Owner of the rows whose owner column is blank.")
@click.option("--dry-run", is_flag=True, help="Check the file only; write nothing.")
def import_command(path: Path, owner_name: str | None, dry_run: bool) -> None:
    """Import cases from a CSV file: every row, or none and a list of every problem."""
    owner = _owner(owner_name)
    report = importer.import_bytes(
        path.read_bytes(), actor=None, default_owner=owner, dry_run=dry_run
    )
    if not report.ok:
        db.session.rollback()
        for problem in report.problems:
            click.echo(str(problem), err=True)
        raise click.ClickException(
            f"nothing imported: {len(report.problems)} problem(s) in {path.name}"
        )
    if dry_run:
        db.session.rollback()
        click.echo(f"{path.name} is valid: {len(report.created)} case(s) would be imported "
                   "(dry run, nothing written)")
        return
    db.session.commit()
    click.echo(f"imported {len(report.created)} case(s) from {path.name}")


@cases_cli.command("export")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
def export_command(path: Path) -> None:
    """Export every case to a CSV file (`-` for standard output); no identifying data."""
    operations.record_export(actor=None, destination=f"file {path}")
    db.session.commit()
    if str(path) == "-":
        count = csvio.write_csv(csvio.export_rows(), sys.stdout)
    else:
        with path.open("w", encoding="utf-8", newline="") as handle:
            count = csvio.write_csv(csvio.export_rows(), handle)
    click.echo(f"exported {count} case(s) to {path}", err=str(path) == "-")


#: Registered by advocate.cli (FEATURE_CLIS).
commands = [cases_cli]
