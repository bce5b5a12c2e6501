"""The vault at rest: values encrypted field by field, edits recorded without values, keys."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import String, Text, cast, select

from advocate.audit.models import AuditEvent
from advocate.extensions import db
from advocate.identity import operations
from advocate.identity.keyring import generate_key
from advocate.identity.models import Contact, Identity
from advocate.identity.service import get_keyring
from advocate.identity.vault import read_vault

from .test_identity_support import (
    CYRILLIC,
    KNOWN_VALUES,
    LATIN,
    PASSPORT,
    assert_no_known_value,
    create_case,
    events,
    get_case,
    known_identity,
)

#: The vault fixtures (vault_app, key_file, people, case_ref).
pytest_plugins = ["tests.test_identity_support"]


def _database_text(app) -> str:
    """Every text-like column of every table, read with plain SELECTs, as one string."""
    chunks = []
    with app.app_context():
        for table in db.metadata.sorted_tables:
            columns = [cast(c, Text) for c in table.columns if isinstance(c.type, String | Text)]
            if columns:
                for row in db.session.execute(select(*columns)):
                    chunks += [str(v) for v in row if v is not None]
    return "\n".join(chunks)


def test_values_are_nowhere_in_the_database_in_plain_text(vault_app, case_ref, tmp_path):
    with vault_app.app_context():
        row = db.session.execute(select(Identity)).scalar_one()
        assert row.full_name_latin.startswith("gAAAA")  # a Fernet token, not the name
        assert get_keyring().decrypt(row.full_name_cyrillic) == CYRILLIC
        url = db.engine.url
        db.session.remove()
        db.engine.dispose()
    assert_no_known_value(_database_text(vault_app))
    if url.get_backend_name() == "sqlite":
        files = [Path(url.database)] + [Path(url.database + s) for s in ("-wal", "-journal")]
        raw = b"".join(p.read_bytes() for p in files if p.exists())
        assert len(raw) > 10_000
        for value in KNOWN_VALUES:
            for encoding in ("utf-8", "utf-16-le", "utf-16-be"):
                assert value.encode(encoding) not in raw, value
        assert b"drug charge, Tver colony" in raw  # the check can see plain text


def test_read_back_and_edit_records_field_names_only(vault_app, case_ref, people):
    with vault_app.app_context():
        case = get_case(case_ref)
        data = read_vault(case.id, get_keyring())
        assert data.identity.full_name_latin == LATIN
        assert data.identity.birth_date.isoformat() == "1981-03-14"
        assert data.contacts[0].relation == "mother"
        changed = known_identity()
        changed.passport_number = "AB 1111111"
        changed.phones = ""
        owner = db.session.get(type(case.owner), people["owner"].id)
        assert operations.save_identity(case, changed, owner) == ["passport_number", "phones"]
        assert operations.save_identity(case, changed, owner) == []  # nothing changed
        db.session.commit()
    edits = [e for e in events(vault_app, case_ref) if e.action == "identity.edit"]
    assert json.loads(edits[-1].changes) == {
        "passport_number": ["•••", "•••"], "phones": ["•••", None],
    }
    assert edits[-1].actor_name == people["owner"].username
    for event in edits:
        assert_no_known_value(event.payload())
        assert "1111111" not in event.payload()


def test_only_people_on_the_case_edit(vault_app, case_ref, people):
    with vault_app.app_context():
        case = get_case(case_ref)
        user_type = type(case.owner)
        for name in ("supervisor", "other", "admin"):
            user = db.session.get(user_type, people[name].id)
            with pytest.raises(operations.IdentityRefused, match="Only the people on this case"):
                operations.save_identity(case, known_identity(), user)
        collaborator = db.session.get(user_type, people["collaborator"].id)
        changed = known_identity()
        changed.birth_place = "Qoʻqon"
        assert operations.save_identity(case, changed, collaborator) == ["birth_place"]


def test_key_fingerprint_is_recorded_per_row(vault_app, case_ref):
    with vault_app.app_context():
        fingerprint = get_keyring().fingerprint()
        assert operations.fingerprint_counts() == {fingerprint: 2}  # identity and contact


def test_missing_key_status_and_refused_edit_keep_the_data(make_app, vault_app, case_ref, people):
    with vault_app.app_context():
        before = db.session.execute(select(Identity.passport_number)).scalar_one()
    keyless = make_app(IDENTITY_KEY_FILE="/nonexistent/identity.keys")
    with keyless.app_context():
        case = get_case(case_ref)
        status = operations.status(case)
        assert status.recorded
        assert status.contact_count == 1
        assert status.problem == "Identity unavailable — key missing."
        owner = db.session.get(type(case.owner), people["owner"].id)
        with pytest.raises(operations.IdentityRefused, match="key missing") as refused:
            operations.save_identity(case, known_identity(), owner)
        assert "nothing was saved" in str(refused.value)
        assert db.session.execute(select(Identity.passport_number)).scalar_one() == before


def test_wrong_key_status(make_app, vault_app, case_ref):
    wrong = make_app(IDENTITY_KEYS=generate_key())
    with wrong.app_context():
        status = operations.status(get_case(case_ref))
    assert status.problem is not None
    assert "wrong key" in status.problem
    assert not status.readable


def test_no_identity_is_a_quiet_status(vault_app, people):
    reference = create_case(vault_app, people["owner"])
    with vault_app.app_context():
        status = operations.status(get_case(reference))
    assert (status.recorded, status.contact_count, status.problem) == (False, 0, None)


def test_contacts_add_edit_delete_are_recorded_without_values(vault_app, case_ref, people):
    with vault_app.app_context():
        case = get_case(case_ref)
        owner = db.session.get(type(case.owner), people["owner"].id)
        contact = read_vault(case.id, get_keyring()).contacts[0]
        contact.phone = "+7 999 000-11-22"
        row, changed = operations.save_contact(case, contact, owner)
        assert changed == ["phone"]
        operations.delete_contact(case, row.id, owner)
        db.session.commit()
        assert db.session.execute(select(Contact)).first() is None
    actions = [e.action for e in events(vault_app, case_ref)]
    assert actions == ["identity.edit", "identity.contact.add", "identity.contact.edit",
                       "identity.contact.delete"]
    for event in events(vault_app, case_ref):
        assert_no_known_value(event.payload())
        assert "000-11-22" not in event.payload()


def test_reprs_hide_values(vault_app, case_ref):
    with vault_app.app_context():
        data = read_vault(get_case(case_ref).id, get_keyring())
    text = repr(data) + repr(data.identity) + repr(data.contacts)
    assert_no_known_value(text)
    assert PASSPORT not in text


def test_audit_log_never_holds_values(vault_app, case_ref):
    with vault_app.app_context():
        payloads = [e.payload() for e in db.session.execute(select(AuditEvent)).scalars()]
    assert payloads
    for payload in payloads:
        assert_no_known_value(payload)


def test_export_to_another_feature_is_recorded_with_its_purpose(vault_app, case_ref, people):
    with vault_app.app_context():
        case = get_case(case_ref)
        user_type = type(case.owner)
        supervisor = db.session.get(user_type, people["supervisor"].id)
        data = operations.export(case, supervisor, "letter: application to the Prosecutor General")
        assert data.identity.full_name_latin == LATIN
        with pytest.raises(operations.IdentityRefused):
            operations.export(case, db.session.get(user_type, people["admin"].id), "letter")
        db.session.commit()
    (event,) = events(vault_app, case_ref, "identity.export")
    assert event.reason == "letter: application to the Prosecutor General"
    assert event.actor_name == people["supervisor"].username
    assert_no_known_value(event.payload())
