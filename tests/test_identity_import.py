"""Identity columns in the CSV case import: into the vault, guarded, never exported."""

from __future__ import annotations

import csv
import io

from sqlalchemy import select

from advocate.cases import csvio, importer
from advocate.extensions import db
from advocate.identity.models import Contact, Identity
from advocate.identity.service import get_keyring
from advocate.identity.vault import read_vault

from .test_identity_support import assert_no_known_value, events, get_case

#: The vault fixtures (vault_app, key_file, people, case_ref).
pytest_plugins = ["tests.test_identity_support"]

HEADER = ["reference", "label", "full_name_latin", "full_name_cyrillic", "birth_date",
          "birth_place", "passport_number", "address_uz", "phone", "contact_name",
          "contact_relation", "contact_phone", "claim1_type", "claim1_narrative"]
GOOD = ["ADV-2024-0007", "drug charge", "Gʻulomov Oʻktam", "Гуломов Уктам", "14.03.1981",
        "Fargʻona", "AB 7654321", "Fargʻona, Mustaqillik koʻchasi 17", "+998 90 123-45-67",
        "Гуломова Мухаббат", "mother", "+7 916 555-44-33", "beating",
        "Beaten during questioning."]


def _csv(*rows: list[str]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(HEADER)
    writer.writerows(rows)
    return buffer.getvalue()


def _import(app, text: str):
    with app.app_context():
        report = importer.import_text(text, actor=None)
        if report.ok:
            db.session.commit()
        else:
            db.session.rollback()
        return report


def test_identity_columns_go_into_the_vault(vault_app, people):
    report = _import(vault_app, _csv(GOOD))
    assert report.problems == []
    assert report.created == ["ADV-2024-0007"]
    with vault_app.app_context():
        data = read_vault(get_case("ADV-2024-0007").id, get_keyring())
        assert data.identity.full_name_latin == "Gʻulomov Oʻktam"
        assert data.identity.birth_date.isoformat() == "1981-03-14"
        assert data.identity.phones == "+998 90 123-45-67"
        assert (data.contacts[0].name, data.contacts[0].relation) == ("Гуломова Мухаббат",
                                                                      "mother")
        row = db.session.execute(select(Identity)).scalar_one()
        assert "7654321" not in row.passport_number
    actions = [e.action for e in events(vault_app, "ADV-2024-0007")]
    assert actions == ["identity.edit", "identity.contact.add"]


def test_a_leaking_narrative_is_a_row_error_without_the_value(vault_app, people):
    leaking = list(GOOD)
    leaking[0] = "ADV-2024-0008"
    leaking[-1] = "Gulomov was beaten; call 90 123 45 67."
    report = _import(vault_app, _csv(GOOD, leaking))
    assert report.created == ["ADV-2024-0007"]  # reported as would-be; nothing is kept
    (problem,) = report.problems
    assert (problem.row, problem.column) == (3, "claim1_narrative")
    assert "contains a name or number from the row's identity columns" in problem.message
    assert "(at character 1)" in problem.message
    assert_no_known_value(str(problem))
    assert "Gulomov" not in str(problem)
    with vault_app.app_context():
        assert db.session.execute(select(Identity)).first() is None
        assert db.session.execute(select(Contact)).first() is None


def test_a_leaking_label_is_caught_too(vault_app, people):
    leaking = list(GOOD)
    leaking[1] = "Уктам, drug charge"
    (problem,) = _import(vault_app, _csv(leaking)).problems
    assert problem.column == "label"


def test_bad_identity_cells_are_row_errors(vault_app, people):
    bad = list(GOOD)
    bad[4] = "31.02.1981"
    bad[6] = "x" * 65
    problems = _import(vault_app, _csv(bad)).problems
    assert {(p.column, p.message) for p in problems} >= {
        ("birth_date", "Enter a date as YYYY-MM-DD or DD.MM.YYYY."),
        ("passport_number", "At most 64 characters."),
    }


def test_import_without_a_key_refuses_identity_columns(make_app, vault_app, people):
    keyless = make_app(IDENTITY_KEY_FILE="/nonexistent/identity.keys")
    (problem,) = _import(keyless, _csv(GOOD)).problems
    assert problem.column == "full_name_latin"
    assert "the identity key is missing" in problem.message
    blank = [GOOD[0], GOOD[1]] + [""] * (len(HEADER) - 2)
    assert _import(keyless, _csv(blank)).problems == []  # no identity: nothing to refuse


def test_export_never_includes_identity(vault_app, people):
    _import(vault_app, _csv(GOOD))
    with vault_app.app_context():
        rows = list(csvio.export_rows())
    text = "\n".join(",".join(row) for row in rows)
    assert "ADV-2024-0007" in text
    assert "drug charge" in text
    assert not set(rows[0]) & {"full_name_latin", "passport_number", "phone", "contact_name"}
    assert_no_known_value(text)
