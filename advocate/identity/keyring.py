"""One keyring for identity fields and stored files: Fernet keys kept outside the database.

Keys come from the ``ADVOCATE_IDENTITY_KEYS`` value (keys separated by commas, spaces or new
lines) when it is set and not blank, else from a key file (one key per line, ``#`` starts a
comment). The first key encrypts; every key decrypts (``MultiFernet``), so a new key can be put
first, every value re-encrypted with ``rotate_token``, and the old key then removed.

Loading never raises: a missing, empty or garbled source gives an unavailable keyring whose
``problem`` says why, so pages can show "unavailable" instead of crashing. A garbled line makes
the whole keyring unavailable rather than being skipped, because skipping a garbled first line
would silently encrypt with a different key than the operator put first.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Literal

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel.speaklater import LazyString

from advocate.atomic import replacing

KEY_FILE_MODE = 0o600
_ENV_SEPARATORS = re.compile(r"[\s,]+")
_KEY_FILE_HEADER = (
    "# advocate identity keys: the first key encrypts, every key decrypts.\n"
    "# Keep this file secret, and back it up apart from the database: without it the identity\n"
    "# vault and the stored files cannot be read.\n"
)


class KeyUnavailable(Exception):
    """No key is loaded (reason "missing") or none of the loaded keys opens a value ("wrong")."""

    def __init__(self, reason: Literal["missing", "wrong"], message: str) -> None:
        super().__init__(message)
        self.reason = reason


class Keyring:
    """The loaded identity keys; encrypts with the first, decrypts with any."""

    def __init__(self, keys: Sequence[str] = (), problem: str | LazyString | None = None) -> None:
        """Keys as Fernet key strings (ValueError for a bad one); no keys means unavailable."""
        self._keys = tuple(dict.fromkeys(keys))  # duplicates add nothing; order is meaning
        self._fernet = MultiFernet([Fernet(key) for key in self._keys]) if self._keys else None
        if self._fernet is not None:
            self._problem = None
        else:
            self._problem = problem or _l("No identity key is loaded.")

    @classmethod
    def load(cls, env_value: str | None, key_file: Path) -> Keyring:
        """Keys from the environment value if it is set and not blank, else from the key file."""
        if env_value is not None and env_value.strip():
            return cls._from_env(env_value)
        return cls._from_file(Path(key_file))

    @classmethod
    def _from_env(cls, env_value: str) -> Keyring:
        entries = _ENV_SEPARATORS.split(env_value.strip())
        for number, entry in enumerate(entries, start=1):
            if not _is_key(entry):
                return cls(
                    problem=_l(
                        "Entry %(number)s of ADVOCATE_IDENTITY_KEYS is not a valid key.",
                        number=number,
                    )
                )
        return cls(entries)

    @classmethod
    def _from_file(cls, path: Path) -> Keyring:
        text, problem = _read_key_file(path)
        if text is None:
            return cls(problem=problem)
        keys: list[str] = []
        for number, line in enumerate(text.splitlines(), start=1):
            entry = _strip_comment(line)
            if not entry:
                continue
            if not _is_key(entry):
                # Never quote the line: a nearly valid key is still a secret.
                return cls(
                    problem=_l(
                        "Line %(number)s of the key file %(path)s is not a valid key.",
                        number=number,
                        path=str(path),
                    )
                )
            keys.append(entry)
        if not keys:
            return cls(problem=_l("The key file %(path)s holds no key.", path=str(path)))
        return cls(keys)

    @property
    def available(self) -> bool:
        """Whether at least one key is loaded."""
        return self._fernet is not None

    @property
    def problem(self) -> str | None:
        """Why the keyring is unavailable, in the current language; None when it is available."""
        return None if self._problem is None else str(self._problem)

    @property
    def key_count(self) -> int:
        """How many keys are loaded."""
        return len(self._keys)

    def encrypt(self, text: str) -> str:
        """Encrypt text with the primary key; the token is ASCII."""
        return self._require().encrypt(text.encode("utf-8")).decode("ascii")

    def decrypt(self, token: str) -> str:
        """Decrypt a token made by encrypt with any loaded key."""
        return self.decrypt_bytes(_token_bytes(token)).decode("utf-8")

    def encrypt_bytes(self, data: bytes) -> bytes:
        """Encrypt bytes (a stored file) with the primary key."""
        return self._require().encrypt(data)

    def decrypt_bytes(self, data: bytes) -> bytes:
        """Decrypt bytes made by encrypt_bytes with any loaded key."""
        fernet = self._require()
        try:
            return fernet.decrypt(data)
        except InvalidToken:
            raise _wrong_key() from None

    def rotate_token(self, token: str) -> str:
        """Re-encrypt a token with the primary key (it may have been made with any loaded key)."""
        return self.rotate_bytes(_token_bytes(token)).decode("ascii")

    def rotate_bytes(self, data: bytes) -> bytes:
        """Re-encrypt encrypted bytes (a stored file) with the primary key."""
        fernet = self._require()
        try:
            return fernet.rotate(data)
        except InvalidToken:
            raise _wrong_key() from None

    def fingerprint(self) -> str:
        """A short non-secret id of the primary key: the first 8 hex digits of its SHA-256."""
        self._require()
        return _fingerprint(self._keys[0])

    def fingerprints(self) -> list[str]:
        """The fingerprints of every loaded key, primary first."""
        return [_fingerprint(key) for key in self._keys]

    def __repr__(self) -> str:
        # Never the keys themselves: a repr ends up in logs and tracebacks.
        if not self.available:
            return "<Keyring unavailable>"
        return f"<Keyring {self.key_count} key(s), primary {self.fingerprint()}>"

    def _require(self) -> MultiFernet:
        if self._fernet is None:
            raise KeyUnavailable("missing", _("Identity is unavailable: no key is loaded."))
        return self._fernet


def generate_key() -> str:
    """A new random Fernet key."""
    return Fernet.generate_key().decode("ascii")


def create_key_file(path: Path) -> bool:
    """Create the key file with one new key and mode 0600 unless it exists; True if created."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        # O_EXCL: never overwrite (or follow a symlink to) an existing file.
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, KEY_FILE_MODE)
    except FileExistsError:
        return False
    os.fchmod(descriptor, KEY_FILE_MODE)  # the umask may have narrowed it to something odd
    with os.fdopen(descriptor, "w", encoding="ascii") as handle:
        handle.write(_KEY_FILE_HEADER + generate_key() + "\n")
        handle.flush()
        os.fsync(handle.fileno())
    return True


def prepend_key(path: Path, key: str) -> None:
    """Make key the primary key of the key file, keeping the other keys and comments (mode 0600)."""
    path = Path(path)
    if not _is_key(key):
        raise ValueError("not a valid Fernet key")
    lines = path.read_text(encoding="utf-8").splitlines() if path.exists() else []
    lines = [line for line in lines if _strip_comment(line) != key]
    first_key = next((i for i, line in enumerate(lines) if _strip_comment(line)), len(lines))
    lines.insert(first_key, key)  # after the header comments, before the old primary key
    _write_atomically(path, "\n".join(lines) + "\n")


def _write_atomically(path: Path, text: str) -> None:
    """Replace path with text via a 0600 temporary file in the same folder and os.replace."""
    with replacing(path, KEY_FILE_MODE) as handle:
        handle.write(text.encode("utf-8"))


def _read_key_file(path: Path) -> tuple[str | None, LazyString | None]:
    """The key file's text, or None and the reason it cannot be read."""
    try:
        return path.read_text(encoding="utf-8"), None
    except FileNotFoundError:
        return None, _l("The key file %(path)s does not exist.", path=str(path))
    except UnicodeDecodeError:
        return None, _l("The key file %(path)s is not a text file.", path=str(path))
    except OSError as error:
        return None, _l(
            "The key file %(path)s cannot be read: %(detail)s.",
            path=str(path),
            detail=error.strerror,
        )


def _strip_comment(line: str) -> str:
    """A key-file line without its comment and surrounding blanks."""
    return line.split("#", 1)[0].strip()


def _is_key(candidate: str) -> bool:
    """Whether candidate is a well-formed Fernet key."""
    try:
        Fernet(candidate)
    except (ValueError, TypeError):
        return False
    return True


def _fingerprint(key: str) -> str:
    return hashlib.sha256(key.encode("ascii")).hexdigest()[:8]


def _token_bytes(token: str) -> bytes:
    """A token as bytes; a non-ASCII string cannot be a token, so no key opens it."""
    try:
        return token.encode("ascii")
    except UnicodeEncodeError:
        raise _wrong_key() from None


def _wrong_key() -> KeyUnavailable:
    return KeyUnavailable(
        "wrong",
        _("Identity is unavailable: no loaded key opens this value (wrong key or damaged value)."),
    )
