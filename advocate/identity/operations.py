"""The only code that changes the vault or shows its values: check, change, record, flush.

Every reveal, edit and export is an event on the case's timeline (``audit.record``) carrying the
action, the reason and the names of the fields concerned, never a value: an edited field shows
in the event's diff as ``HIDDEN`` on both sides (``None`` when the field was or became empty).
Operations never commit; the request or command commits once.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import func, select

from advocate import policy
from advocate.audit.operations import record
from advocate.clock import utcnow
from advocate.extensions import db
from advocate.identity import vault
from advocate.identity.keyring import Keyring, KeyUnavailable
from advocate.identity.leakguard import Needles, find_leaks
from advocate.identity.models import CONTACT_FIELDS, IDENTITY_FIELDS, Contact, Identity
from advocate.identity.service import get_keyring
from advocate.identity.vault import ContactData, IdentityData, Vault

#: What the event log shows instead of an identity value.
HIDDEN = "•••"
#: The longest reason we keep for a reveal.
MAX_REASON = 500


class IdentityRefused(Exception):
    """A reveal or change that is not allowed or not possible; the message is for the user."""


@dataclass(frozen=True)
class VaultStatus:
    """What the case page may say about the vault without revealing anything."""

    recorded: bool
    contact_count: int
    #: None when every value can be opened; otherwise why not, for the user.
    problem: str | None

    @property
    def readable(self) -> bool:
        """Whether the values can be decrypted with the loaded keys."""
        return self.problem is None


def key_problem(error: KeyUnavailable) -> str:
    """The user-facing line for a key that is missing or does not open the values."""
    if error.reason == "missing":
        return _("Identity unavailable — key missing.")
    return _("Identity unavailable — the loaded key does not open it (wrong key).")


def status(case: Any, keyring: Keyring | None = None) -> VaultStatus:
    """Whether the case has an identity and whether the loaded keys open it; never raises."""
    keyring = keyring or get_keyring()
    row = vault.identity_row(case.id)
    contacts = vault.contact_rows(case.id)
    recorded = row is not None and any(getattr(row, n) for n in IDENTITY_FIELDS)
    if not recorded and not contacts:
        return VaultStatus(False, 0, None)
    try:
        if row is not None:
            vault.decrypt_identity(row, keyring)
        for contact in contacts:
            vault.decrypt_contact(contact, keyring)
    except KeyUnavailable as error:
        return VaultStatus(recorded, len(contacts), key_problem(error))
    return VaultStatus(recorded, len(contacts), None)


def _clean_reason(reason: str | None) -> str:
    return " ".join((reason or "").split())[:MAX_REASON]


def _check_reveal(case: Any, user: Any, reason: str) -> None:
    """Refuse a reveal the user may not make, or a supervisor's reveal without a reason."""
    if user is None:  # the operator at the command line holds the keys, but still says why
        if not reason:
            raise IdentityRefused(_("Give the reason for looking at this identity."))
        return
    if not policy.can_reveal_identity(user, case):
        raise IdentityRefused(_("You may not see this identity."))
    if not reason and not policy.can_reveal_identity_without_reason(user, case):
        raise IdentityRefused(
            _("You are not on this case: give the reason for looking at this identity.")
        )


def _read(case: Any) -> Vault:
    """The decrypted vault; IdentityRefused with the key problem when it cannot be opened."""
    try:
        return vault.read_vault(case.id, get_keyring())
    except KeyUnavailable as error:
        raise IdentityRefused(key_problem(error)) from None


def reveal(case: Any, user: Any, reason: str | None = None, *, actor: Any = None) -> Vault:
    """Show a case's identity to user (None: the command line), recording who, when and why."""
    reason = _clean_reason(reason)
    _check_reveal(case, user, reason)
    data = _read(case)
    if not data:
        return data  # nothing recorded: nothing was shown
    if reason and find_leaks(reason, Needles.from_identity(data.needle_values())):
        # The reason is kept in the timeline, which must stay free of identity values.
        raise IdentityRefused(_("The reason contains identifying details of the person: "
                                "write it without names or numbers."))
    record(
        "identity.reveal",
        object_type="identity",
        object_id=case.id,
        case_id=case.id,
        reason=reason or None,
        actor=actor if actor is not None else user,
    )
    return data


def export(case: Any, user: Any, purpose: str, *, actor: Any = None) -> Vault:
    """Hand a case's identity to another feature (a letter, a file), recording the purpose."""
    if user is not None and not policy.can_reveal_identity(user, case):
        raise IdentityRefused(_("You may not see this identity."))
    data = _read(case)
    record(
        "identity.export",
        object_type="identity",
        object_id=case.id,
        case_id=case.id,
        reason=_clean_reason(purpose) or None,
        actor=actor if actor is not None else user,
    )
    return data


def hidden_diff(old: dict[str, str], new: dict[str, str]) -> dict[str, list[str | None]]:
    """{field: [HIDDEN or None, HIDDEN or None]} for the changed fields: names, never values."""
    return {
        name: [HIDDEN if old.get(name) else None, HIDDEN if new.get(name) else None]
        for name in vault.changed_fields(old, new)
    }


def require_editable(case: Any, user: Any) -> Keyring:
    """The keyring, when user may edit the case's identity and every value can be opened."""
    if user is not None and not policy.can_edit_identity(user, case):
        raise IdentityRefused(_("Only the people on this case may change its identity."))
    keyring = get_keyring()
    problem = status(case, keyring).problem
    if problem is None and not keyring.available:
        problem = key_problem(KeyUnavailable("missing", ""))
    if problem is not None:
        raise IdentityRefused(
            _("%(problem)s Identity cannot be changed until the key is loaded; nothing was saved.",
              problem=problem)
        )
    return keyring


def save_identity(case: Any, data: IdentityData, user: Any, *, actor: Any = None) -> list[str]:
    """Record or correct the identity; return the names of the changed fields."""
    keyring = require_editable(case, user)
    row = vault.identity_row(case.id)
    old = vault.decrypt_identity(row, keyring).as_text() if row is not None else {}
    new = data.as_text()
    changes = hidden_diff(old, new)
    if not changes:
        return []
    if row is None:
        row = Identity(case_id=case.id)
        db.session.add(row)
    vault.write_identity(row, data, keyring)
    row.updated_at = utcnow()
    db.session.flush()
    record(
        "identity.edit", object_type="identity", object_id=case.id, case_id=case.id,
        changes=changes, actor=actor if actor is not None else user,
    )
    return list(changes)


def get_contact(case: Any, contact_id: int) -> Contact | None:
    """The case's contact with this id, or None (also for another case's contact)."""
    row = db.session.get(Contact, contact_id)
    return row if row is not None and row.case_id == case.id else None


def save_contact(
    case: Any, data: ContactData, user: Any, *, actor: Any = None
) -> tuple[Contact, list[str]]:
    """Add a contact (data.id None) or correct one; return it and the changed field names."""
    keyring = require_editable(case, user)
    row = get_contact(case, data.id) if data.id is not None else Contact(case_id=case.id)
    if row is None:
        raise IdentityRefused(_("There is no such contact on this case."))
    old = vault.decrypt_contact(row, keyring).as_text() if row.id is not None else {}
    changes = hidden_diff(old, data.as_text())
    if not changes:
        return row, []
    action = "identity.contact.edit" if row.id is not None else "identity.contact.add"
    db.session.add(row)
    vault.write_contact(row, data, keyring)
    row.updated_at = utcnow()
    db.session.flush()
    record(
        action, object_type="identity_contact", object_id=row.id, case_id=case.id,
        changes=changes, actor=actor if actor is not None else user,
    )
    return row, list(changes)


def delete_contact(case: Any, contact_id: int, user: Any, *, actor: Any = None) -> None:
    """Remove a contact from the vault."""
    require_editable(case, user)
    row = get_contact(case, contact_id)
    if row is None:
        raise IdentityRefused(_("There is no such contact on this case."))
    names = [n for n in CONTACT_FIELDS if getattr(row, n)]
    db.session.delete(row)
    db.session.flush()
    record(
        "identity.contact.delete", object_type="identity_contact", object_id=contact_id,
        case_id=case.id, changes={n: [HIDDEN, None] for n in names},
        actor=actor if actor is not None else user,
    )


@dataclass(frozen=True)
class RotationReport:
    """What a re-encryption did."""

    identities: int
    contacts: int
    values: int
    old_fingerprints: tuple[str, ...]
    new_fingerprint: str


def _batches(model: type, size: int = 500) -> Iterator[list[Any]]:
    """Every row of model, in id order, a batch at a time (memory stays flat on large vaults)."""
    last_id = 0
    while True:
        rows = db.session.execute(
            select(model).where(model.id > last_id).order_by(model.id).limit(size)
        ).scalars().all()
        if not rows:
            return
        yield list(rows)
        last_id = rows[-1].id
        db.session.flush()
        db.session.expunge_all()


_VAULT_TABLES: tuple[tuple[type, tuple[str, ...]], ...] = (
    (Identity, IDENTITY_FIELDS),
    (Contact, CONTACT_FIELDS),
)


def count_unreadable(keyring: Keyring) -> int:
    """How many vault rows hold a value no loaded key opens (every row, when none is loaded)."""
    count = 0
    for model, names in _VAULT_TABLES:
        for rows in _batches(model):
            for row in rows:
                try:
                    for name in names:
                        if getattr(row, name) is not None:
                            keyring.decrypt(getattr(row, name))
                except KeyUnavailable:
                    count += 1
    return count


def _rotate_rows(model: type, names: tuple[str, ...], keyring: Keyring, fingerprint: str) -> int:
    """Re-encrypt every value of every row of model; return how many values."""
    count = 0
    for rows in _batches(model):
        for row in rows:
            for name in names:
                token = getattr(row, name)
                if token is not None:
                    setattr(row, name, keyring.rotate_token(token))
                    count += 1
            row.key_fingerprint = fingerprint
    return count


def fingerprint_counts() -> dict[str, int]:
    """How many identity and contact rows each key (by fingerprint) encrypted."""
    counts: dict[str, int] = {}
    for model in (Identity, Contact):
        rows = db.session.execute(
            select(model.key_fingerprint, func.count()).group_by(model.key_fingerprint)
        ).all()
        for fingerprint, number in rows:
            counts[fingerprint] = counts.get(fingerprint, 0) + number
    return counts


#: Other holders of values under the one keyring (letters' inputs, stored files, second-factor
#: keys) re-encrypt them during `identity rotate-key`, in the same transaction: each hook takes
#: the new keyring and returns one line for the report. Registered by those features.
rotation_hooks: list[Callable[[Keyring], str]] = []


def reencrypt_everything(keyring: Keyring) -> tuple[RotationReport, list[str]]:
    """The vault, then every registered holder; KeyUnavailable anywhere means nothing is kept."""
    report = reencrypt_all(keyring)
    return report, [hook(keyring) for hook in rotation_hooks]


def reencrypt_all(keyring: Keyring) -> RotationReport:
    """Re-encrypt every vault value with the keyring's first key (KeyUnavailable: nothing kept)."""
    fingerprint = keyring.fingerprint()
    old = tuple(sorted(f for f in fingerprint_counts() if f != fingerprint))
    identities = db.session.scalar(select(func.count()).select_from(Identity)) or 0
    contacts = db.session.scalar(select(func.count()).select_from(Contact)) or 0
    values = sum(_rotate_rows(m, names, keyring, fingerprint) for m, names in _VAULT_TABLES)
    record(
        "identity.rotate_key", object_type="keyring",
        changes={"primary_key": [",".join(old) or None, fingerprint]},
        note=f"{identities} identities, {contacts} contacts, {values} values re-encrypted",
    )
    return RotationReport(identities, contacts, values, old, fingerprint)
