"""Plain identity values and their encrypted rows: read, decrypt, encrypt, describe.

The dataclasses here hold decrypted values; their repr hides them, so a value that reaches a log
line or a traceback shows as ``<IdentityData>``. Nothing here records events or checks access:
``identity.operations`` does that around these helpers.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from advocate.extensions import db
from advocate.identity.keyring import Keyring
from advocate.identity.leakguard import IdentityValues
from advocate.identity.models import CONTACT_FIELDS, IDENTITY_FIELDS, Contact, Identity

#: Field labels, for forms, pages, the timeline and the scan report.
FIELD_LABELS: dict[str, Any] = {
    "full_name_latin": _l("Full name (Latin script)"),
    "full_name_cyrillic": _l("Full name (Cyrillic script)"),
    "other_spellings": _l("Other spellings"),
    "birth_date": _l("Date of birth"),
    "birth_place": _l("Place of birth"),
    "passport_number": _l("Passport or ID number"),
    "passport_issued": _l("Passport issued by, on"),
    "address_uz": _l("Address in Uzbekistan"),
    "phones": _l("Phone numbers"),
    "name": _l("Name"),
    "relation": _l("Relation"),
    "phone": _l("Phone"),
    "messenger": _l("Messenger"),
    "notes": _l("Notes"),
}

#: The longest value each field accepts (forms and the CSV import).
MAX_LENGTHS: dict[str, int] = {
    "full_name_latin": 200,
    "full_name_cyrillic": 200,
    "other_spellings": 1000,
    "birth_place": 200,
    "passport_number": 64,
    "passport_issued": 300,
    "address_uz": 500,
    "phones": 300,
    "name": 200,
    "relation": 100,
    "phone": 200,
    "messenger": 200,
    "notes": 2000,
}

# Several phone numbers or spellings are written one per line, or separated by , or ;.
_LIST_SEPARATORS = re.compile(r"[\n;,]+")


def split_list(text: str) -> list[str]:
    """The items of a one-per-line (or comma-separated) list, stripped, without blanks."""
    return [item.strip() for item in _LIST_SEPARATORS.split(text or "") if item.strip()]


@dataclass(repr=False)
class IdentityData:
    """Decrypted identity values; empty text for an empty field."""

    full_name_latin: str = ""
    full_name_cyrillic: str = ""
    other_spellings: str = ""
    birth_date: date | None = None
    birth_place: str = ""
    passport_number: str = ""
    passport_issued: str = ""
    address_uz: str = ""
    phones: str = ""

    def __repr__(self) -> str:
        return "<IdentityData>"

    def as_text(self) -> dict[str, str]:
        """Every field as stored text (the date in ISO form; "" when empty)."""
        values = {name: getattr(self, name) for name in IDENTITY_FIELDS}
        values["birth_date"] = self.birth_date.isoformat() if self.birth_date else ""
        return values

    def filled(self) -> list[str]:
        """The names of the fields that hold a value."""
        return [name for name, value in self.as_text().items() if value]


@dataclass(repr=False)
class ContactData:
    """Decrypted contact values; ``id`` is None for a contact not yet stored."""

    name: str = ""
    relation: str = ""
    phone: str = ""
    messenger: str = ""
    notes: str = ""
    id: int | None = None

    def __repr__(self) -> str:
        return f"<ContactData {self.id}>"

    def as_text(self) -> dict[str, str]:
        """Every field as stored text."""
        return {name: getattr(self, name) for name in CONTACT_FIELDS}


@dataclass(repr=False)
class Vault:
    """A case's decrypted identity (None when not recorded) and contacts."""

    identity: IdentityData | None = None
    contacts: list[ContactData] = field(default_factory=list)

    def __repr__(self) -> str:
        return f"<Vault identity={self.identity is not None} contacts={len(self.contacts)}>"

    def __bool__(self) -> bool:
        return bool((self.identity and self.identity.filled()) or self.contacts)

    def needle_values(self) -> IdentityValues:
        """The names and numbers the leak guard looks for in free text."""
        names: list[str] = []
        numbers: list[str] = []
        if self.identity is not None:
            names += [self.identity.full_name_latin, self.identity.full_name_cyrillic]
            names += split_list(self.identity.other_spellings)
            numbers.append(self.identity.passport_number)
            numbers += split_list(self.identity.phones)
        for contact in self.contacts:
            names.append(contact.name)
            numbers += split_list(contact.phone)
        return IdentityValues(names=[n for n in names if n], numbers=[n for n in numbers if n])


def identity_row(case_id: int) -> Identity | None:
    """The case's identity row, if any."""
    return db.session.execute(
        select(Identity).where(Identity.case_id == case_id)
    ).scalar_one_or_none()


def contact_rows(case_id: int) -> list[Contact]:
    """The case's contact rows, oldest first."""
    return list(
        db.session.execute(
            select(Contact).where(Contact.case_id == case_id).order_by(Contact.id)
        ).scalars()
    )


def _open(keyring: Keyring, token: str | None) -> str:
    return "" if token is None else keyring.decrypt(token)


def _seal(keyring: Keyring, value: str) -> str | None:
    return keyring.encrypt(value) if value else None


def decrypt_identity(row: Identity, keyring: Keyring) -> IdentityData:
    """The row's values; KeyUnavailable when no loaded key opens one of them."""
    text = {name: _open(keyring, getattr(row, name)) for name in IDENTITY_FIELDS}
    born = text.pop("birth_date")
    return IdentityData(birth_date=date.fromisoformat(born) if born else None, **text)


def decrypt_contact(row: Contact, keyring: Keyring) -> ContactData:
    """The contact's values; KeyUnavailable when no loaded key opens one of them."""
    return ContactData(id=row.id, **{n: _open(keyring, getattr(row, n)) for n in CONTACT_FIELDS})


def write_identity(row: Identity, data: IdentityData, keyring: Keyring) -> None:
    """Encrypt every field of data into row with the primary key."""
    for name, value in data.as_text().items():
        setattr(row, name, _seal(keyring, value))
    row.key_fingerprint = keyring.fingerprint()


def write_contact(row: Contact, data: ContactData, keyring: Keyring) -> None:
    """Encrypt every field of data into row with the primary key."""
    for name, value in data.as_text().items():
        setattr(row, name, _seal(keyring, value))
    row.key_fingerprint = keyring.fingerprint()


def read_vault(case_id: int, keyring: Keyring) -> Vault:
    """A case's decrypted identity and contacts; KeyUnavailable when a value cannot be opened."""
    row = identity_row(case_id)
    identity = decrypt_identity(row, keyring) if row is not None else None
    return Vault(identity, [decrypt_contact(c, keyring) for c in contact_rows(case_id)])


def changed_fields(old: dict[str, str], new: dict[str, str]) -> list[str]:
    """The names of the fields whose value differs."""
    return [name for name in new if (old.get(name) or "") != (new.get(name) or "")]
