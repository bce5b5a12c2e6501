"""The vault's tables: one identity record per case (optional) and any number of contacts.

Every value column holds a Fernet token made by the app's keyring (``identity.service``), one
token per field, or NULL when the field is empty. There is no plaintext column and no index on
a value, so a stolen database file, a backup or a dump gives nothing away but which fields are
filled. ``key_fingerprint`` names the key that encrypted the row (not secret), so an operator
can see whether any row still needs an old key. Only ``identity.operations`` writes here.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from advocate.clock import utcnow
from advocate.extensions import db

#: The encrypted fields of an identity record, in form order.
IDENTITY_FIELDS: tuple[str, ...] = (
    "full_name_latin",
    "full_name_cyrillic",
    "other_spellings",
    "birth_date",  # ISO date text
    "birth_place",
    "passport_number",
    "passport_issued",
    "address_uz",
    "phones",
)
#: The encrypted fields of a contact, in form order.
CONTACT_FIELDS: tuple[str, ...] = ("name", "relation", "phone", "messenger", "notes")


class Identity(db.Model):
    """A case's identifying details, each field a Fernet token (or NULL when empty)."""

    __tablename__ = "identities"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(
        ForeignKey("cases.id", ondelete="CASCADE"), unique=True
    )
    full_name_latin: Mapped[str | None] = mapped_column(Text)
    full_name_cyrillic: Mapped[str | None] = mapped_column(Text)
    other_spellings: Mapped[str | None] = mapped_column(Text)
    birth_date: Mapped[str | None] = mapped_column(Text)
    birth_place: Mapped[str | None] = mapped_column(Text)
    passport_number: Mapped[str | None] = mapped_column(Text)
    passport_issued: Mapped[str | None] = mapped_column(Text)
    address_uz: Mapped[str | None] = mapped_column(Text)
    phones: Mapped[str | None] = mapped_column(Text)
    #: First 8 hex digits of the SHA-256 of the key that encrypted this row.
    key_fingerprint: Mapped[str] = mapped_column(String(16), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    def __repr__(self) -> str:
        return f"<Identity of case {self.case_id}>"


class Contact(db.Model):
    """A relative or other contact of the person, each field a Fernet token (or NULL)."""

    __tablename__ = "identity_contacts"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    name: Mapped[str | None] = mapped_column(Text)
    relation: Mapped[str | None] = mapped_column(Text)
    phone: Mapped[str | None] = mapped_column(Text)
    messenger: Mapped[str | None] = mapped_column(Text)
    notes: Mapped[str | None] = mapped_column(Text)
    key_fingerprint: Mapped[str] = mapped_column(String(16), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    def __repr__(self) -> str:
        return f"<Contact {self.id} of case {self.case_id}>"
