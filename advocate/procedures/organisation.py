"""The organisation's additions to a route: confirmed legal bases and completed addressees.

Both are organisation settings (`admin.settings`, audited there), one key per basis or addressee:

- ``procedures.<route>.basis.<id>``: ``{"article", "note", "by", "by_id", "at"}`` when the
  organisation's lawyer confirmed the basis (and supplied or corrected its article), or null.
- ``procedures.<route>.addressee.<id>``: ``{"recipient", "address", "by", "at"}``.

Reading only; `procedures.operations` writes. `effective_bases` is what letters print: the article
of a verified basis, else the organisation-confirmed one, else None. A letter must never print
an article number that nobody has verified.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select

from advocate.admin.models import Setting
from advocate.extensions import db
from advocate.procedures.definitions import Addressee, LegalBasis, Procedure


class BasisStatus(StrEnum):
    """How far a legal basis can be relied on."""

    VERIFIED = "verified"
    CONFIRMED = "confirmed"
    UNVERIFIED = "unverified"


@dataclass(frozen=True)
class Confirmation:
    """The organisation's confirmation of a basis: who, when, which article."""

    article: str | None
    note: str
    by: str
    at: str


@dataclass(frozen=True)
class BasisView:
    """A legal basis with the article letters may print and its status."""

    basis: LegalBasis
    status: BasisStatus
    article: str | None
    confirmation: Confirmation | None

    @property
    def id(self) -> str:
        """The basis id of the route file."""
        return self.basis.id

    @property
    def needs_confirmation(self) -> bool:
        """False only for a basis verified together with its article."""
        return not (self.basis.verified and self.basis.article)

    @property
    def warning(self) -> str | None:
        """The warning shown wherever an unverified basis appears."""
        if self.status == BasisStatus.UNVERIFIED:
            return _(
                "Unverified legal basis: letters cite no article for it until the "
                "organisation's lawyer confirms it."
            )
        return None

    @property
    def status_label(self) -> str:
        """The status in words."""
        if self.status == BasisStatus.VERIFIED and self.article is None:
            return _("verified; article not known (letters cite the instrument only)")
        return {
            BasisStatus.VERIFIED: _("verified"),
            BasisStatus.CONFIRMED: _("confirmed by the organisation"),
            BasisStatus.UNVERIFIED: _("unverified"),
        }[self.status]


@dataclass(frozen=True)
class AddresseeView:
    """An addressee with the recipient and address the administrator completed."""

    addressee: Addressee
    recipient: str
    address: str
    by: str | None
    at: str | None

    @property
    def id(self) -> str:
        """The addressee id of the route file."""
        return self.addressee.id

    @property
    def complete(self) -> bool:
        """Whether a letter can be addressed: both fields filled."""
        return bool(self.recipient.strip() and self.address.strip())


def basis_key(procedure: Procedure, basis_id: str) -> str:
    """The settings key of a basis confirmation."""
    return f"procedures.{procedure.id}.basis.{basis_id}"


def addressee_key(procedure: Procedure, addressee_id: str) -> str:
    """The settings key of an addressee's details."""
    return f"procedures.{procedure.id}.addressee.{addressee_id}"


def _settings(prefix: str) -> dict[str, Any]:
    """Every setting whose key starts with `prefix`, decoded, by the rest of the key."""
    rows = db.session.execute(
        select(Setting).where(Setting.key.startswith(prefix, autoescape=True))
    ).scalars()
    return {row.key[len(prefix):]: row.data for row in rows}


def _confirmation(data: Any) -> Confirmation | None:
    if not isinstance(data, dict):
        return None
    return Confirmation(
        article=data.get("article") or None,
        note=str(data.get("note") or ""),
        by=str(data.get("by") or ""),
        at=str(data.get("at") or ""),
    )


def basis_view(basis: LegalBasis, confirmation: Confirmation | None) -> BasisView:
    """Decide the status and the printable article of one basis."""
    if basis.verified and basis.article:
        return BasisView(basis, BasisStatus.VERIFIED, basis.article, confirmation)
    if confirmation is not None:
        article = confirmation.article or basis.article
        return BasisView(basis, BasisStatus.CONFIRMED, article, confirmation)
    if basis.verified:
        return BasisView(basis, BasisStatus.VERIFIED, None, None)
    return BasisView(basis, BasisStatus.UNVERIFIED, None, None)


def effective_bases(
    procedure: Procedure, ids: Iterable[str] | None = None
) -> list[BasisView]:
    """Each basis (all, or those of `ids` in that order) with the article to print, or None."""
    stored = _settings(f"procedures.{procedure.id}.basis.")
    chosen = list(ids) if ids is not None else list(procedure.legal_bases)
    return [
        basis_view(procedure.legal_bases[i], _confirmation(stored.get(i))) for i in chosen
    ]


def effective_basis(procedure: Procedure, basis_id: str) -> BasisView:
    """One basis with its printable article."""
    return effective_bases(procedure, [basis_id])[0]


def addressee_details(
    procedure: Procedure, ids: Iterable[str] | None = None
) -> list[AddresseeView]:
    """Each addressee with the recipient and address to print (the route file's as default)."""
    stored = _settings(f"procedures.{procedure.id}.addressee.")
    chosen = list(ids) if ids is not None else list(procedure.addressees)
    views = []
    for addressee_id in chosen:
        addressee = procedure.addressees[addressee_id]
        data = stored.get(addressee_id)
        data = data if isinstance(data, dict) else {}
        views.append(AddresseeView(
            addressee,
            recipient=str(data.get("recipient", addressee.recipient) or ""),
            address=str(data.get("address", addressee.address) or ""),
            by=data.get("by"),
            at=data.get("at"),
        ))
    return views


def addressee_detail(procedure: Procedure, addressee_id: str) -> AddresseeView:
    """One addressee with its details."""
    return addressee_details(procedure, [addressee_id])[0]
