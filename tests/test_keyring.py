"""The keyring: Fernet keys from the environment or a key file, rotation, and failure modes."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest
from cryptography.fernet import Fernet

from advocate.identity.keyring import (
    Keyring,
    KeyUnavailable,
    create_key_file,
    generate_key,
    prepend_key,
)

SECRET = "Юсупова Шахноза Бахтиёр қизи, AA1234567"


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def _keyring(*keys: str) -> Keyring:
    return Keyring.load(",".join(keys), Path("/nonexistent/identity.keys"))


@pytest.fixture
def key_file(tmp_path: Path) -> Path:
    path = tmp_path / "instance" / "identity.keys"
    assert create_key_file(path) is True
    return path


def test_round_trip_text_and_bytes() -> None:
    keyring = _keyring(generate_key())

    token = keyring.encrypt(SECRET)

    assert token.isascii()
    assert "Юсупова" not in token
    assert "1234567" not in token
    assert keyring.encrypt(SECRET) != token  # a fresh IV each time
    assert keyring.decrypt(token) == SECRET
    blob = b"%PDF-1.7 letter\x00\xff"
    assert keyring.decrypt_bytes(keyring.encrypt_bytes(blob)) == blob
    assert keyring.available
    assert keyring.problem is None
    assert keyring.key_count == 1


def test_token_from_one_key_is_readable_by_plain_fernet() -> None:
    key = generate_key()

    token = _keyring(key).encrypt("Жасур")

    assert Fernet(key).decrypt(token.encode()) == "Жасур".encode()


def test_created_key_file_is_0600_and_loads(key_file: Path) -> None:
    assert _mode(key_file) == 0o600
    keyring = Keyring.load(None, key_file)
    assert keyring.available, keyring.problem
    assert keyring.decrypt(keyring.encrypt(SECRET)) == SECRET


def test_create_key_file_never_overwrites(key_file: Path) -> None:
    before = key_file.read_text()

    assert create_key_file(key_file) is False

    assert key_file.read_text() == before


@pytest.mark.parametrize("umask", [0o000, 0o277])
def test_create_key_file_is_0600_whatever_the_umask(tmp_path: Path, umask: int) -> None:
    old = os.umask(umask)
    try:
        create_key_file(tmp_path / "k")
    finally:
        os.umask(old)
    assert _mode(tmp_path / "k") == 0o600
    assert Keyring.load(None, tmp_path / "k").available


def test_old_key_still_decrypts_after_a_new_key_is_prepended(key_file: Path) -> None:
    old = Keyring.load(None, key_file)
    old_token = old.encrypt(SECRET)
    new_key = generate_key()

    prepend_key(key_file, new_key)
    both = Keyring.load(None, key_file)

    assert both.key_count == 2
    assert both.fingerprint() == _keyring(new_key).fingerprint() != old.fingerprint()
    assert both.fingerprints()[1] == old.fingerprint()
    assert both.decrypt(old_token) == SECRET
    assert _keyring(new_key).decrypt(both.encrypt("x")) == "x"  # the new key encrypts
    with pytest.raises(KeyUnavailable):
        old.decrypt(both.encrypt("x"))


def test_rotation_then_removing_the_old_key_loses_nothing(key_file: Path) -> None:
    old_token = Keyring.load(None, key_file).encrypt(SECRET)
    old_bytes = Keyring.load(None, key_file).encrypt_bytes(b"stored file")
    new_key = generate_key()
    prepend_key(key_file, new_key)
    both = Keyring.load(None, key_file)

    rotated = both.rotate_token(old_token)
    rotated_bytes = both.rotate_bytes(old_bytes)
    key_file.write_text(new_key + "\n")  # the old key is gone
    only_new = Keyring.load(None, key_file)

    assert only_new.key_count == 1
    assert only_new.decrypt(rotated) == SECRET
    assert only_new.decrypt_bytes(rotated_bytes) == b"stored file"
    with pytest.raises(KeyUnavailable) as error:
        only_new.decrypt(old_token)
    assert error.value.reason == "wrong"


def test_prepend_keeps_comments_old_keys_and_mode(key_file: Path) -> None:
    old_lines = key_file.read_text().splitlines()
    old_key = old_lines[-1]
    key_file.chmod(0o644)  # someone loosened it; writing puts it back
    new_key = generate_key()

    prepend_key(key_file, new_key)

    lines = key_file.read_text().splitlines()
    assert lines[: len(old_lines) - 1] == old_lines[:-1]  # the header comments stay on top
    assert lines[len(old_lines) - 1 :] == [new_key, old_key]
    assert _mode(key_file) == 0o600
    assert sorted(p.name for p in key_file.parent.iterdir()) == ["identity.keys"]  # no temp left


def test_prepending_an_existing_key_moves_it_first(tmp_path: Path) -> None:
    first, second = generate_key(), generate_key()
    path = tmp_path / "keys"
    path.write_text(f"{first}\n{second}\n")

    prepend_key(path, second)

    assert path.read_text().splitlines() == [second, first]


def test_prepend_creates_a_missing_file(tmp_path: Path) -> None:
    key = generate_key()
    path = tmp_path / "new" / "keys"

    prepend_key(path, key)

    assert path.read_text() == key + "\n"
    assert _mode(path) == 0o600


def test_prepend_refuses_a_bad_key_and_leaves_the_file(key_file: Path) -> None:
    before = key_file.read_text()

    with pytest.raises(ValueError, match="not a valid"):
        prepend_key(key_file, "not-a-key")

    assert key_file.read_text() == before


def test_wrong_key_is_key_unavailable_without_the_value() -> None:
    token = _keyring(generate_key()).encrypt(SECRET)
    other = _keyring(generate_key())

    with pytest.raises(KeyUnavailable) as error:
        other.decrypt(token)

    assert error.value.reason == "wrong"
    assert "wrong key" in str(error.value)
    assert SECRET not in str(error.value)
    assert token not in str(error.value)


@pytest.mark.parametrize("token", ["", "garbage", "Шахноза", "gAAAAA" + "A" * 80])
def test_garbage_tokens_are_key_unavailable(token: str) -> None:
    with pytest.raises(KeyUnavailable) as error:
        _keyring(generate_key()).decrypt(token)
    assert error.value.reason == "wrong"


def test_tampered_token_is_rejected() -> None:
    keyring = _keyring(generate_key())
    token = keyring.encrypt(SECRET)
    tampered = token[:-5] + ("A" if token[-5] != "A" else "B") + token[-4:]

    with pytest.raises(KeyUnavailable):
        keyring.decrypt(tampered)


def test_missing_key_file_is_unavailable_not_a_crash(tmp_path: Path) -> None:
    keyring = Keyring.load(None, tmp_path / "absent.keys")

    assert not keyring.available
    assert "does not exist" in keyring.problem
    assert "absent.keys" in keyring.problem
    for action in (
        lambda: keyring.encrypt("x"),
        lambda: keyring.decrypt("x"),
        lambda: keyring.encrypt_bytes(b"x"),
        lambda: keyring.rotate_token("x"),
        keyring.fingerprint,
    ):
        with pytest.raises(KeyUnavailable) as error:
            action()
        assert error.value.reason == "missing"
        assert "no key is loaded" in str(error.value)
    assert keyring.fingerprints() == []


def test_key_file_with_only_comments_is_unavailable(tmp_path: Path) -> None:
    path = tmp_path / "keys"
    path.write_text("# nothing here yet\n\n   \n")

    keyring = Keyring.load(None, path)

    assert not keyring.available
    assert "holds no key" in keyring.problem


def test_garbled_line_names_the_line_but_not_its_content(tmp_path: Path) -> None:
    good = generate_key()
    garbled = good[:-6] + "!!"
    path = tmp_path / "keys"
    path.write_text(f"# header\n{good}\n{garbled}\n")

    keyring = Keyring.load(None, path)

    assert not keyring.available
    assert "Line 3" in keyring.problem
    assert garbled not in keyring.problem
    assert good[:10] not in keyring.problem


def test_unreadable_sources_are_problems(tmp_path: Path) -> None:
    directory = Keyring.load(None, tmp_path)
    binary = tmp_path / "binary"
    binary.write_bytes(b"\xff\xfe\x00")

    assert not directory.available
    assert "cannot be read" in directory.problem
    assert "not a text file" in Keyring.load(None, binary).problem


def test_key_file_comments_and_blank_lines_are_allowed(tmp_path: Path) -> None:
    first, second = generate_key(), generate_key()
    path = tmp_path / "keys"
    path.write_text(f"# ключи\n\n{first}   # added in May\n  {second}\n")

    keyring = Keyring.load(None, path)

    assert keyring.fingerprints() == [_keyring(first).fingerprint(), _keyring(second).fingerprint()]


def test_env_value_wins_over_the_key_file(key_file: Path) -> None:
    env_key = generate_key()

    keyring = Keyring.load(env_key, key_file)

    assert keyring.fingerprints() == [_keyring(env_key).fingerprint()]
    assert Keyring.load(None, key_file).fingerprint() != keyring.fingerprint()


@pytest.mark.parametrize("separator", [",", " ", "\n", " ,\n\t"])
def test_env_value_lists_several_keys(separator: str, tmp_path: Path) -> None:
    first, second = generate_key(), generate_key()

    keyring = Keyring.load(f"\n{first}{separator}{second}\n", tmp_path / "absent")

    assert keyring.key_count == 2
    assert keyring.fingerprint() == _keyring(first).fingerprint()


def test_blank_env_value_falls_back_to_the_file(key_file: Path) -> None:
    from_file = Keyring.load(None, key_file)

    assert Keyring.load("  \n", key_file).fingerprint() == from_file.fingerprint()


def test_garbled_env_value_is_a_problem(key_file: Path) -> None:
    keyring = Keyring.load(f"{generate_key()},oops", key_file)

    assert not keyring.available
    assert "Entry 2 of ADVOCATE_IDENTITY_KEYS" in keyring.problem
    assert "oops" not in keyring.problem


def test_fingerprint_is_short_and_not_the_key() -> None:
    key = generate_key()

    fingerprint = _keyring(key).fingerprint()

    assert len(fingerprint) == 8
    assert int(fingerprint, 16) >= 0
    assert fingerprint not in key
    assert fingerprint != _keyring(generate_key()).fingerprint()


def test_repr_never_shows_a_key() -> None:
    key = generate_key()

    text = repr(_keyring(key))

    assert key not in text
    assert key[:12] not in text
    assert _keyring(key).fingerprint() in text
    assert repr(Keyring()) == "<Keyring unavailable>"


def test_constructor_rejects_a_bad_key() -> None:
    with pytest.raises(ValueError, match="Fernet key"):
        Keyring(["short"])
