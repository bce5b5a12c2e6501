"""`flask --app advocate identity ...`: keys, rotation, reveal for operators, and the leak scan.

Errors are one line on stderr and exit status 1 (click.ClickException), never a traceback, and
never an identity value: only `identity show` prints values, on purpose, and records that it did.
"""

from __future__ import annotations

import getpass
import json
from dataclasses import dataclass
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy import select

from advocate.cases.models import Case
from advocate.extensions import db
from advocate.identity import operations, scan
from advocate.identity.keyring import (
    Keyring,
    KeyUnavailable,
    create_key_file,
    generate_key,
    prepend_key,
)
from advocate.identity.service import key_file, keys_in_file, reload_keyring
from advocate.identity.vault import Vault

identity_cli = AppGroup("identity", help="The identity vault: keys, rotation, reveal, leak scan.")


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


def init_key_file(app) -> str | None:
    """`init` step: create the key file (mode 0600) unless keys come from the environment."""
    if not keys_in_file(app):
        return None
    path = key_file(app)
    if not create_key_file(path):
        return None
    reload_keyring(app)
    return f"created identity key file {path} (mode 0600); back it up apart from the database"


def _loaded_keyring():
    keyring = reload_keyring(current_app)
    if not keyring.available:
        raise click.ClickException(f"identity key unavailable: {keyring.problem}")
    return keyring


@identity_cli.command("generate-key")
def generate_key_command() -> None:
    """Print a new random key (for keys kept in ADVOCATE_IDENTITY_KEYS)."""
    click.echo(generate_key())


@identity_cli.command("key-status")
def key_status() -> None:
    """Loaded keys and which key encrypted how many rows; exit 1 if any row cannot be read."""
    keyring = reload_keyring(current_app)
    source = "the key file " + str(key_file(current_app)) if keys_in_file(current_app) else (
        "ADVOCATE_IDENTITY_KEYS")
    if keyring.available:
        prints = keyring.fingerprints()
        click.echo(f"keys from {source}: primary {prints[0]}, also {', '.join(prints[1:]) or '-'}")
    else:
        click.echo(f"no key loaded: {keyring.problem}")
    for fingerprint, count in sorted(operations.fingerprint_counts().items()):
        click.echo(f"  {count} row(s) encrypted with key {fingerprint or '?'}")
    unreadable = operations.count_unreadable(keyring)
    if unreadable:
        raise click.ClickException(f"{unreadable} row(s) cannot be opened with the loaded keys")
    click.echo("every row can be opened with the loaded keys")


def _add_key_to_file(path: Path) -> None:
    key = generate_key()
    prepend_key(path, key)  # first, so the re-encrypted values never exist without their key
    keyring = reload_keyring(current_app)
    if not keyring.available or keyring.fingerprints()[0] != _fingerprint_of(key):
        raise click.ClickException(f"the key file {path} did not take the new key; nothing changed")


def _fingerprint_of(key: str) -> str:
    return Keyring([key]).fingerprint()


@identity_cli.command("rotate-key")
@click.option("--no-new-key", is_flag=True,
              help="Only re-encrypt with the current first key (after putting a new key first "
                   "in ADVOCATE_IDENTITY_KEYS).")
def rotate_key(no_new_key: bool) -> None:
    """Add a new first key to the key file and re-encrypt every vault value with it."""
    keyring = _loaded_keyring()
    unreadable = operations.count_unreadable(keyring)
    if unreadable:
        raise click.ClickException(
            f"{unreadable} row(s) cannot be opened with the loaded keys; nothing changed. "
            "Load the key they need (see `identity key-status`) and try again."
        )
    if not no_new_key:
        if not keys_in_file(current_app):
            raise click.ClickException(
                "the keys come from ADVOCATE_IDENTITY_KEYS, which this command cannot change: "
                "put a new key (`identity generate-key`) first in it, keep the old keys after "
                "it, then run `identity rotate-key --no-new-key`"
            )
        _add_key_to_file(key_file(current_app))
        keyring = reload_keyring(current_app)
    try:
        report, others = operations.reencrypt_everything(keyring)
    except KeyUnavailable as error:
        db.session.rollback()
        raise click.ClickException(f"re-encryption stopped, nothing changed: {error}") from None
    db.session.commit()
    click.echo(
        f"re-encrypted {report.values} value(s) in {report.identities} identity record(s) and "
        f"{report.contacts} contact(s) with key {report.new_fingerprint}"
    )
    for line in others:
        click.echo(line)
    if report.old_fingerprints:
        click.echo(
            f"no row needs the old key(s) {', '.join(report.old_fingerprints)} any more; remove "
            "them once no backup of the database made before now is needed"
        )


def _case(reference: str) -> Case:
    case = db.session.execute(
        select(Case).where(Case.reference == reference.strip().upper())
    ).scalar_one_or_none()
    if case is None:
        raise click.ClickException(f"no case {reference}")
    return case


def vault_json(reference: str, data: Vault) -> dict:
    """The vault as plain JSON data."""
    return {
        "reference": reference,
        "identity": data.identity.as_text() if data.identity else None,
        "contacts": [contact.as_text() for contact in data.contacts],
    }


@identity_cli.command("show")
@click.argument("reference")
@click.option("--reason", required=True, help="Why you look; recorded in the case timeline.")
def show(reference: str, reason: str) -> None:
    """Print a case's identity as JSON (recorded in the timeline like a reveal)."""
    case = _case(reference)
    _loaded_keyring()
    try:
        data = operations.reveal(case, None, reason, actor=_actor())
    except operations.IdentityRefused as error:
        raise click.ClickException(str(error)) from None
    db.session.commit()
    click.echo(json.dumps(vault_json(case.reference, data), ensure_ascii=False, indent=2))


@identity_cli.command("scan")
def scan_command() -> None:
    """Report every free-text field holding its case's identity; exit 1 if any does."""
    keyring = _loaded_keyring()
    report = scan.scan(keyring)
    for hit in report.hits:
        click.echo(f"{hit.reference}\t{hit.place}")
    for reference in report.unreadable:
        click.echo(f"{reference}\tnot checked: no loaded key opens its identity")
    click.echo(
        f"checked {report.cases_checked} case(s) with an identity: "
        f"{len(report.hits)} free-text value(s) contain identity values"
    )
    if report.hits or report.unreadable:
        raise click.exceptions.Exit(1)


commands = [identity_cli]
