"""Fixtures and helpers shared by the letters tests (this module holds no tests itself).

A complete case: the known identity in the vault, custody in a Tver colony, a judgment under
art. 228 part 2 (credited day for day), two documents received, consent given in Uzbek; the
organisation's letterhead and signatory in all three languages.
"""

from __future__ import annotations

import io
import re
from datetime import date
from pathlib import Path
from typing import Any

import pypdf
import pytest
from sqlalchemy import select

from advocate.audit.models import AuditEvent
from advocate.auth.models import User
from advocate.cases import operations as case_ops
from advocate.cases.models import Case
from advocate.extensions import db
from advocate.identity import operations as identity_ops
from advocate.identity.keyring import create_key_file
from advocate.identity.vault import IdentityData
from advocate.letters import operations
from advocate.letters import organisation as org_settings
from advocate.letters.context import LetterInputs
from advocate.letters.models import Letter
from advocate.procedures import operations as procedure_ops

from .conftest import PASSWORD

LATIN = "Gʻulomov Oʻktam Baxtiyor oʻgʻli"
CYRILLIC = "Гуломов Уктам Бахтиёрович"
PASSPORT = "AB 7654321"
RELATIVE = "Гуломова Мухаббат Рашидовна"
COURT = "Приозёрный районный суд г. Москвы"
FACILITY = "ФКУ ИК-99 УФСИН России по Тверской области"
#: Term start 30 May 2023, 7 years, 442 days of pretrial custody credited day for day.
TERM_END = {"ru": "13 марта 2029 г.", "uz": "2029-yil 13-mart", "en": "13 March 2029"}
ORG = {
    "ru": ("Правозащитная организация «Путь домой» (тест)", "Иванова Мария Петровна",
           "Руководитель"),
    "uz": ("«Uyga yoʻl» huquq himoyasi tashkiloti (test)", "Ivanova Mariya Petrovna", "Rahbar"),
    "en": ("Road Home Rights Group (test)", "Maria Ivanova", "Director"),
}
CASE_VALUES: dict[str, Any] = {
    "label": "drug charge, Tver colony",
    "citizenship": "uz_only",
    "custody_type": "colony",
    "regime": "general",
    "facility_name": FACILITY,
    "region_ru": "tver_oblast",
    "pretrial_days": 442,
    "articles": "228 ч.2",
    "court": COURT,
    "court_case_number": "1-0999/2023",
    "judgment_date": date(2023, 2, 20),
    "judgment_final_date": date(2023, 5, 30),
    "appeal_status": "decided",
    "sentence_years": 7,
    "term_start": date(2023, 5, 30),
    "civil_claim_status": "none",
    "fine_status": "none",
}


def known_identity() -> IdentityData:
    """The identity every letters test stores."""
    return IdentityData(
        full_name_latin=LATIN, full_name_cyrillic=CYRILLIC, birth_date=date(1981, 3, 14),
        birth_place="Fargʻona viloyati, Margʻilon shahri", passport_number=PASSPORT,
        passport_issued="IIV Fargʻona, 2015", address_uz="Fargʻona, Mustaqillik koʻchasi 17",
    )


@pytest.fixture
def letters_key_file(tmp_path: Path) -> Path:
    """A key file with one new key."""
    path = tmp_path / "keys" / "identity.keys"
    create_key_file(path)
    return path


@pytest.fixture
def letters_files_dir(tmp_path: Path) -> Path:
    """Where stored files go in this test."""
    return tmp_path / "files"


@pytest.fixture
def letters_app(make_app, letters_key_file: Path, letters_files_dir: Path):
    """The app with a key file and a files folder."""
    return make_app(IDENTITY_KEY_FILE=str(letters_key_file), FILES_DIR=str(letters_files_dir))


@pytest.fixture
def letter_people(letters_app, make_user) -> dict[str, Any]:
    """Owner, another advocate, two supervisors, an administrator who does no case work."""
    return {
        "owner": make_user("advocate"),
        "other": make_user("advocate"),
        "supervisor": make_user("supervisor"),
        "supervisor2": make_user("supervisor"),
        "admin": make_user("advocate", is_admin=True),
    }


def user_row(user: Any) -> User:
    """The user's row in the current session."""
    return db.session.get(User, user.id)


def get_case(reference: str) -> Case:
    """The case with this reference (inside an app context)."""
    return db.session.execute(select(Case).where(Case.reference == reference)).scalar_one()


def save_organisation(app, admin: Any) -> None:
    """The organisation's letterhead and signatory in every language."""
    values: dict[str, Any] = {"phone": "+7 (000) 000-00-00", "email": "office@example.org",
                              "number_format": "{seq}/{year}"}
    for lang, (name, signatory, position) in ORG.items():
        values.update({f"{lang}_name": name, f"{lang}_address": "г. Москва, ул. Примерная, 1",
                       f"{lang}_signatory_name": signatory,
                       f"{lang}_signatory_position": position})
    with app.app_context():
        org_settings.save(values, actor=user_row(admin))
        db.session.commit()


def complete_case(app, letter_people: dict[str, Any], **overrides: Any) -> str:
    """A case with everything the letters need; returns its reference."""
    save_organisation(app, letter_people["admin"])
    with app.app_context():
        owner = user_row(letter_people["owner"])
        case = case_ops.create_case({**CASE_VALUES, **overrides}, actor=owner)
        identity_ops.save_identity(case, known_identity(), owner)
        for document in ("judgment_certified", "time_served_statement"):
            procedure_ops.update_document(case, document, status="received", note=None,
                                          actor=owner, received_on=date(2025, 1, 10))
        procedure_ops.record_consent(
            case, kind="transfer", given_on=date(2025, 1, 15), language="uz", form="written",
            lawyer_present=True, return_risk_explained=True, note=None, actor=owner)
        db.session.commit()
        return case.reference


@pytest.fixture
def letter_case(letters_app, letter_people) -> str:
    """The complete case, owned by letter_people['owner']."""
    return complete_case(letters_app, letter_people)


def draft(app, reference: str, author: Any, type_id: str = "application_ru", lang: str = "ru",
          **inputs: Any) -> int:
    """A draft letter made through the operations; returns its id."""
    with app.app_context():
        case = get_case(reference)
        letter = operations.create_draft(
            case, type_id=type_id, lang=lang, addressee_id=None,
            inputs=LetterInputs(**inputs), actor=user_row(author))
        db.session.commit()
        return letter.id


def submitted(app, reference: str, author: Any, **kwargs: Any) -> int:
    """A letter in review; returns its id."""
    letter_id = draft(app, reference, author, **kwargs)
    with app.app_context():
        operations.submit(db.session.get(Letter, letter_id), actor=user_row(author))
        db.session.commit()
    return letter_id


def approved(app, reference: str, author: Any, reviewer: Any, **kwargs: Any) -> int:
    """An approved letter; returns its id."""
    letter_id = submitted(app, reference, author, **kwargs)
    with app.app_context():
        operations.approve(db.session.get(Letter, letter_id), actor=user_row(reviewer))
        db.session.commit()
    return letter_id


def client_for(app, user: Any = None):
    """A test client, logged in as user when given."""
    client = app.test_client()
    if user is not None:
        response = client.post("/login", data={"username": user.username, "password": PASSWORD})
        assert response.status_code == 302, response.get_data(as_text=True)
    return client


def events(app, reference: str, prefix: str = "letter.") -> list[AuditEvent]:
    """The case's events whose action starts with prefix, oldest first, detached."""
    with app.app_context():
        case = get_case(reference)
        rows = db.session.execute(
            select(AuditEvent).where(AuditEvent.case_id == case.id,
                                     AuditEvent.action.startswith(prefix))
            .order_by(AuditEvent.id)
        ).scalars().all()
        for row in rows:
            db.session.expunge(row)
        return list(rows)


def pdf_text(pdf: bytes) -> str:
    """The text of every page, whitespace runs as one space, hyphenated words joined again."""
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    text = "\n".join(page.extract_text() for page in reader.pages)
    # WeasyPrint hyphenates with U+2010: "граждан‐ ство" is "гражданство".
    text = re.sub("\u2010\\s+", "", text)
    return re.sub(r"\s+", " ", re.sub(r"-\n", "-", text))
