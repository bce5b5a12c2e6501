"""Backups: `flask --app advocate backup FILE` and `restore FILE`, encrypted with a passphrase.

The passphrase comes from ADVOCATE_BACKUP_PASSPHRASE, or from the first line of standard input
with --passphrase-stdin. Errors are one line and exit status 1.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

ENV_VARIABLE = "ADVOCATE_BACKUP_PASSPHRASE"
MIN_PASSPHRASE = 12


def read_passphrase(from_stdin: bool, *, new: bool) -> str:
    """The passphrase from standard input or the environment; a new one must be long enough."""
    if from_stdin:
        passphrase = sys.stdin.readline().rstrip("\r\n")
        if not passphrase:
            raise click.ClickException("no passphrase on standard input")
    else:
        passphrase = os.environ.get(ENV_VARIABLE, "")
        if not passphrase:
            raise click.ClickException(
                f"no passphrase: set {ENV_VARIABLE} or pass --passphrase-stdin"
            )
    if new and len(passphrase) < MIN_PASSPHRASE:
        raise click.ClickException(
            f"the passphrase is too short: use at least {MIN_PASSPHRASE} characters"
        )
    return passphrase


def _run(action, *args) -> None:
    from advocate.backup.operations import BackupError

    try:
        report = action(current_app, *args)
    except BackupError as error:
        raise click.ClickException(str(error)) from None
    for line in report.lines:
        click.echo(line)


@click.command("backup")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--passphrase-stdin", is_flag=True,
              help="Read the passphrase from the first line of standard input.")
@click.option("--overwrite", is_flag=True, help="Replace FILE if it exists.")
@with_appcontext
def backup_command(file: Path, passphrase_stdin: bool, overwrite: bool) -> None:
    """Write an encrypted backup of the database and stored files (never the identity keys)."""
    from advocate.backup.operations import make_backup

    passphrase = read_passphrase(passphrase_stdin, new=True)
    _run(lambda app, path: make_backup(app, path, passphrase, overwrite=overwrite), file)


@click.command("restore")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--passphrase-stdin", is_flag=True,
              help="Read the passphrase from the first line of standard input.")
@with_appcontext
def restore_command(file: Path, passphrase_stdin: bool) -> None:
    """Restore a backup into this empty instance; verify row counts and file checksums."""
    from advocate.backup.operations import restore

    passphrase = read_passphrase(passphrase_stdin, new=False)
    _run(lambda app, path: restore(app, path, passphrase), file)


#: Registered by advocate.cli (FEATURE_CLIS).
commands = [backup_command, restore_command]
