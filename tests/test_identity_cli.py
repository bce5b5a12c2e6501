"""`flask --app advocate identity ...` and the init and demo steps of the vault."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest
from sqlalchemy import select

from advocate.audit.models import AuditEvent
from advocate.extensions import db
from advocate.identity import demo, operations
from advocate.identity.keyring import Keyring, KeyUnavailable, generate_key
from advocate.identity.models import Identity
from advocate.identity.service import get_keyring
from advocate.identity.vault import read_vault

from .test_identity_support import (
    CYRILLIC,
    LATIN,
    PASSPORT,
    assert_no_known_value,
    create_case,
    events,
    get_case,
    known_contact,
    known_identity,
    store_identity,
)

#: The vault fixtures (vault_app, key_file, people, case_ref).
pytest_plugins = ["tests.test_identity_support"]


def _keys(path: Path) -> list[str]:
    return [line for line in path.read_text().splitlines() if line and not line.startswith("#")]


def _read_all(app, reference):
    with app.app_context():
        return read_vault(get_case(reference).id, get_keyring())


def test_rotate_key_then_remove_the_old_key(make_app, vault_app, key_file, case_ref):
    (old_key,) = _keys(key_file)
    result = vault_app.test_cli_runner().invoke(args=["identity", "rotate-key"])
    assert result.exit_code == 0, result.output
    assert "re-encrypted 14 value(s) in 1 identity record(s) and 1 contact(s)" in result.output
    new_key, kept = _keys(key_file)
    assert kept == old_key
    assert new_key != old_key
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert "no row needs the old key(s)" in result.output
    key_file.write_text(new_key + "\n")  # the operator removes the old key
    after = make_app(IDENTITY_KEY_FILE=str(key_file))
    data = _read_all(after, case_ref)
    assert data.identity.as_text() == known_identity().as_text()
    assert data.contacts[0].as_text() == known_contact().as_text()
    only_old = make_app(IDENTITY_KEYS=old_key)
    with only_old.app_context():
        assert operations.status(get_case(case_ref)).problem is not None
    with after.app_context():
        fingerprint = get_keyring().fingerprint()
        assert operations.fingerprint_counts() == {fingerprint: 2}
        rotations = db.session.execute(
            select(AuditEvent).where(AuditEvent.action == "identity.rotate_key")
        ).scalars().all()
        assert len(rotations) == 1
        assert rotations[0].changes_dict["primary_key"][1] == fingerprint
    status = after.test_cli_runner().invoke(args=["identity", "key-status"])
    assert status.exit_code == 0
    assert f"2 row(s) encrypted with key {fingerprint}" in status.output


def test_rotation_refuses_when_a_value_cannot_be_opened(make_app, vault_app, case_ref, tmp_path):
    other_file = tmp_path / "other.keys"
    other_file.write_text(generate_key() + "\n")
    stranger = make_app(IDENTITY_KEY_FILE=str(other_file))
    before = other_file.read_text()
    result = stranger.test_cli_runner().invoke(args=["identity", "rotate-key"])
    assert result.exit_code == 1
    assert "2 row(s) cannot be opened with the loaded keys; nothing changed" in result.output
    assert other_file.read_text() == before
    assert _read_all(vault_app, case_ref).identity.full_name_latin == LATIN
    status = stranger.test_cli_runner().invoke(args=["identity", "key-status"])
    assert status.exit_code == 1
    assert "2 row(s) cannot be opened" in status.output


def test_rotation_with_keys_in_the_environment(make_app, vault_app, key_file, case_ref):
    (old_key,) = _keys(key_file)
    new_key = generate_key()
    env_app = make_app(IDENTITY_KEYS=f"{new_key}, {old_key}")
    runner = env_app.test_cli_runner()
    refused = runner.invoke(args=["identity", "rotate-key"])
    assert refused.exit_code == 1
    assert "ADVOCATE_IDENTITY_KEYS" in refused.output
    result = runner.invoke(args=["identity", "rotate-key", "--no-new-key"])
    assert result.exit_code == 0, result.output
    assert "re-encrypted 14 value(s)" in result.output
    only_new = make_app(IDENTITY_KEYS=new_key)
    assert _read_all(only_new, case_ref).identity.full_name_cyrillic == CYRILLIC


def test_rotation_without_any_key_fails_cleanly(app):
    result = app.test_cli_runner().invoke(args=["identity", "rotate-key"])
    assert result.exit_code == 1
    assert "identity key unavailable" in result.output
    assert "does not exist" in result.output


def test_show_prints_json_and_records_a_reveal(vault_app, case_ref):
    runner = vault_app.test_cli_runner()
    result = runner.invoke(args=["identity", "show", case_ref, "--reason", "court request 12/3"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["reference"] == case_ref
    assert data["identity"]["full_name_latin"] == LATIN
    assert data["identity"]["passport_number"] == PASSPORT
    assert data["identity"]["birth_date"] == "1981-03-14"
    assert data["contacts"][0]["relation"] == "mother"
    (event,) = events(vault_app, case_ref, "identity.reveal")
    assert event.reason == "court request 12/3"
    assert event.actor_name.startswith("command line (")
    assert event.actor_id is None
    assert_no_known_value(event.payload())


def test_show_failures(make_app, vault_app, case_ref):
    runner = vault_app.test_cli_runner()
    assert runner.invoke(args=["identity", "show", case_ref]).exit_code == 2  # reason required
    unknown = runner.invoke(args=["identity", "show", "ADV-1999-0001", "--reason", "x"])
    assert unknown.exit_code == 1
    assert "no case ADV-1999-0001" in unknown.output
    keyless = make_app(IDENTITY_KEY_FILE="/nonexistent/identity.keys")
    result = keyless.test_cli_runner().invoke(
        args=["identity", "show", case_ref, "--reason", "check"])
    assert result.exit_code == 1
    assert "identity key unavailable" in result.output
    assert LATIN not in result.output
    wrong = make_app(IDENTITY_KEYS=generate_key())
    result = wrong.test_cli_runner().invoke(args=["identity", "show", case_ref, "--reason", "x"])
    assert result.exit_code == 1
    assert "wrong key" in result.output
    assert events(vault_app, case_ref, "identity.reveal") == []


def test_generate_key_prints_a_usable_key(vault_app):
    result = vault_app.test_cli_runner().invoke(args=["identity", "generate-key"])
    assert result.exit_code == 0
    assert Keyring([result.output.strip()]).available


def test_init_creates_the_key_file_once(make_app, tmp_path):
    app = make_app(empty=True, SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'init.db'}")
    path = tmp_path / "instance" / "identity.keys"
    runner = app.test_cli_runner()
    result = runner.invoke(args=["init"])
    assert result.exit_code == 0, result.output
    assert f"created identity key file {path}" in result.output
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    content = path.read_text()
    assert len(_keys(path)) == 1
    with app.app_context():
        assert get_keyring().available  # loaded again after the file was created
    again = runner.invoke(args=["init"])
    assert "identity key file" not in again.output
    assert path.read_text() == content


def test_init_leaves_keys_from_the_environment_alone(make_app, tmp_path):
    app = make_app(empty=True, SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'init.db'}",
                   IDENTITY_KEYS=generate_key())
    result = app.test_cli_runner().invoke(args=["init"])
    assert result.exit_code == 0
    assert "identity key file" not in result.output
    assert not (tmp_path / "instance" / "identity.keys").exists()


def test_demo_gives_fictional_identities_once(vault_app, people, monkeypatch):
    references = [create_case(vault_app, people["owner"]) for _ in range(3)]
    store_identity(vault_app, references[0])
    monkeypatch.setattr(demo, "DEMO_LIMIT", 1)
    with vault_app.app_context():
        assert demo.demo_step({}) == "identity: fictional identities added to 1 demo case(s)"
        assert demo.demo_step({}) == "identity: fictional identities added to 1 demo case(s)"
        assert demo.demo_step({}) is None
        db.session.commit()
        names = []
        for reference in references[1:]:
            data = read_vault(get_case(reference).id, get_keyring())
            names.append(data.identity.full_name_cyrillic)
            assert "ʻ" in data.identity.full_name_latin
            assert data.identity.passport_number.startswith("ZZ000")
            assert data.identity.phones.startswith("+998 00 ")
            assert data.contacts[0].relation == "mother"
        assert all(any("\u0400" <= c <= "\u04ff" for c in name) for name in names)
        assert read_vault(get_case(references[0]).id, get_keyring()).identity.full_name_latin \
            == LATIN  # an existing identity is kept
        assert len(db.session.execute(select(Identity)).all()) == 3


def test_demo_is_the_same_for_a_reference(vault_app, people):
    reference = create_case(vault_app, people["owner"])
    with vault_app.app_context():
        case = get_case(reference)
        first, _ = demo.fictional_identity(case)
        second, _ = demo.fictional_identity(case)
    assert first.as_text() == second.as_text()


def test_demo_without_a_key_skips(app):
    with app.app_context():
        assert demo.demo_step({}) == "identity: no key loaded, demo identities skipped"
        with pytest.raises(KeyUnavailable) as caught:
            get_keyring().encrypt("x")
        assert caught.value.reason == "missing"


def test_rotation_also_re_encrypts_second_factor_keys(make_app, vault_app, key_file, make_user):
    from advocate.auth.models import TwoFactor
    from advocate.clock import utcnow

    user = make_user("supervisor")
    with vault_app.app_context():
        secret = get_keyring().encrypt("JBSWY3DPEHPK3PXP")
        db.session.add(TwoFactor(user_id=user.id, secret_encrypted=secret,
                                 enrolled_at=utcnow()))
        db.session.commit()
    result = vault_app.test_cli_runner().invoke(args=["identity", "rotate-key"])
    assert result.exit_code == 0, result.output
    assert "re-encrypted 1 second-factor key(s)" in result.output
    assert "stored file(s)" in result.output
    new_key, _old = _keys(key_file)
    key_file.write_text(new_key + "\n")  # the old key is gone
    after = make_app(IDENTITY_KEY_FILE=str(key_file))
    with after.app_context():
        stored = db.session.get(TwoFactor, user.id).secret_encrypted
        assert get_keyring().decrypt(stored) == "JBSWY3DPEHPK3PXP"
