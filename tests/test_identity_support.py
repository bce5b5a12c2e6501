"""Fixtures and helpers shared by the identity tests (this module holds no tests itself).

Other test modules import the fixtures they use from here. The vault's known values are written
in Latin (with oʻ/gʻ) and Cyrillic so that every test can look for both scripts.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from advocate.audit.models import AuditEvent
from advocate.cases import operations as case_ops
from advocate.cases.models import Case
from advocate.extensions import db
from advocate.identity import operations
from advocate.identity.keyring import create_key_file
from advocate.identity.vault import ContactData, IdentityData

LATIN = "Gʻulomov Oʻktam Baxtiyor oʻgʻli"
CYRILLIC = "Гуломов Уктам Бахтиёрович"
PASSPORT = "AB 7654321"
PHONE = "+998 90 123-45-67"
ADDRESS = "Fargʻona, Mustaqillik koʻchasi 17"
CONTACT_NAME = "Гуломова Мухаббат"
CONTACT_PHONE = "+7 916 555-44-33"
#: Every value, and the distinctive fragments a leak would show.
KNOWN_VALUES = (
    LATIN, CYRILLIC, PASSPORT, PHONE, ADDRESS, CONTACT_NAME, CONTACT_PHONE,
    "Gʻulomov", "Oʻktam", "Гуломов", "Уктам", "Бахтиёрович", "7654321", "1234567",
    "Mustaqillik", "Мухаббат", "5554433", "1981-03-14",
)


def known_identity() -> IdentityData:
    """The identity every test stores."""
    return IdentityData(
        full_name_latin=LATIN, full_name_cyrillic=CYRILLIC, other_spellings="Gulyamov Uktam",
        birth_date=date(1981, 3, 14), birth_place="Fargʻona", passport_number=PASSPORT,
        passport_issued="IIV Fargʻona, 2015", address_uz=ADDRESS, phones=PHONE,
    )


def known_contact() -> ContactData:
    """The contact every test stores."""
    return ContactData(name=CONTACT_NAME, relation="mother", phone=CONTACT_PHONE,
                       messenger="Telegram", notes="Calls on Sundays")


@pytest.fixture
def key_file(tmp_path: Path) -> Path:
    """A key file with one new key (mode 0600)."""
    path = tmp_path / "keys" / "identity.keys"
    create_key_file(path)
    return path


@pytest.fixture
def vault_app(make_app, key_file: Path):
    """The app with a key file, so the vault can be read and written."""
    return make_app(IDENTITY_KEY_FILE=str(key_file))


@pytest.fixture
def people(vault_app, make_user) -> dict[str, Any]:
    """Owner, collaborator, another advocate, a supervisor, an administrator who is not one."""
    return {
        "owner": make_user("advocate"),
        "collaborator": make_user("advocate"),
        "other": make_user("advocate"),
        "supervisor": make_user("supervisor"),
        "admin": make_user("advocate", is_admin=True),
    }


def create_case(app, owner, collaborators=(), **values: Any) -> str:
    """A case through the cases operations; returns its reference."""
    with app.app_context():
        from advocate.auth.models import User

        owner_row = db.session.get(User, owner.id)
        case = case_ops.create_case(values, actor=None, owner=owner_row)
        if collaborators:
            helpers = [db.session.get(User, user.id) for user in collaborators]
            case_ops.assign(case, owner=owner_row, collaborators=helpers, actor=None)
        db.session.commit()
        return case.reference


def get_case(reference: str) -> Case:
    """The case with this reference (inside an app context)."""
    return db.session.execute(select(Case).where(Case.reference == reference)).scalar_one()


def store_identity(app, reference: str, *, contact: bool = True) -> None:
    """Put the known identity (and contact) into the vault of the case."""
    with app.app_context():
        case = get_case(reference)
        operations.save_identity(case, known_identity(), None)
        if contact:
            operations.save_contact(case, known_contact(), None)
        db.session.commit()


@pytest.fixture
def case_ref(vault_app, people) -> str:
    """A case owned by people['owner'] with people['collaborator'], holding the known identity."""
    reference = create_case(vault_app, people["owner"], [people["collaborator"]],
                            label="drug charge, Tver colony")
    store_identity(vault_app, reference)
    return reference


def events(app, reference: str, prefix: str = "identity.") -> list[AuditEvent]:
    """The case's events whose action starts with prefix, oldest first, detached."""
    with app.app_context():
        case = get_case(reference)
        rows = db.session.execute(
            select(AuditEvent).where(AuditEvent.case_id == case.id,
                                     AuditEvent.action.startswith(prefix))
            .order_by(AuditEvent.id)
        ).scalars().all()
        db.session.expunge_all()
        return list(rows)


def assert_no_known_value(text: str) -> None:
    """None of the known values (or their distinctive fragments) is in text."""
    found = [value for value in KNOWN_VALUES if value in text]
    assert not found, f"identity values found: {found}"
