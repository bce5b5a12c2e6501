"""Password hashing (argon2id) and the password policy."""

from __future__ import annotations

import gzip
from functools import lru_cache
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask_babel import gettext as _

COMMON_PASSWORDS_FILE = Path(__file__).resolve().parent.parent / "data" / "common-passwords.txt.gz"
_hasher = PasswordHasher()


def hash_password(password: str) -> str:
    """An argon2id hash of the password."""
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    """Whether the password matches the hash; False for a malformed hash."""
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    return _hasher.hash("timing-equaliser-for-unknown-users")


def burn_time() -> None:
    """Spend the time of a verification, so unknown users answer as slowly as known ones."""
    verify_password(_dummy_hash(), "not-the-password")


@lru_cache(maxsize=1)
def common_passwords() -> frozenset[str]:
    """The shipped list of common passwords, lower-cased."""
    with gzip.open(COMMON_PASSWORDS_FILE, "rt", encoding="utf-8") as handle:
        return frozenset(line.strip().lower() for line in handle if line.strip())


def password_problems(password: str, username: str, min_length: int) -> list[str]:
    """What is wrong with a new password, as messages for the user (empty when acceptable)."""
    problems = []
    if len(password) < min_length:
        problems.append(_("Use at least %(n)d characters.", n=min_length))
    lowered = password.lower()
    if lowered in common_passwords() or len(set(lowered)) < 4:
        problems.append(_("This password is too common; choose another."))
    if username and username.lower() in lowered:
        problems.append(_("The password must not contain the user name."))
    return problems
