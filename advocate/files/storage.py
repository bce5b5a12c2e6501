"""Writing, reading and checking encrypted files under ``FILES_DIR``.

Every file is encrypted with the vault's keyring (``identity.service.get_keyring``: one keyring
for identity fields and files) before it touches the disk, written under a random name with
mode 0600 in a folder with mode 0700, outside ``static/``. Uploads are accepted only when their
first bytes say PDF, JPEG or PNG: the browser's content type and the filename's extension are
ignored, so a ``.pdf`` that is really HTML is refused, and path characters in a filename never
reach the disk because no filename is used at all.
"""

from __future__ import annotations

import hashlib
import os
import secrets
from pathlib import Path
from typing import IO, Any

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select

from advocate.atomic import replacing
from advocate.extensions import db
from advocate.files.models import StoredFile
from advocate.identity.keyring import Keyring, KeyUnavailable
from advocate.identity.service import get_keyring

#: Default upper bound of one upload, below MAX_CONTENT_LENGTH so a form can say so politely.
DEFAULT_UPLOAD_MAX_BYTES = 8 * 1024 * 1024
PDF = "application/pdf"
JPEG = "image/jpeg"
PNG = "image/png"
#: Magic numbers of the accepted types (PDF files start with "%PDF-": ISO 32000-1, 7.5.2).
_MAGIC = ((b"%PDF-", PDF), (b"\xff\xd8\xff", JPEG), (b"\x89PNG\r\n\x1a\n", PNG))
_CHUNK = 64 * 1024


class FileRefused(ValueError):
    """An upload or a stored file that cannot be accepted or served; the message is for users."""


class FileDamaged(FileRefused):
    """A stored file whose content no longer matches its recorded SHA-256."""


def upload_limit() -> int:
    """The largest upload accepted, in bytes (config UPLOAD_MAX_BYTES)."""
    return int(current_app.config.get("UPLOAD_MAX_BYTES") or DEFAULT_UPLOAD_MAX_BYTES)


def files_dir() -> Path:
    """The folder of stored files (config FILES_DIR), created with mode 0700 on first use."""
    folder = Path(current_app.config.get("FILES_DIR") or Path(current_app.instance_path) / "files")
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    return folder


def sniff(data: bytes) -> str | None:
    """The type the first bytes announce (PDF, JPEG or PNG), or None for anything else."""
    for magic, mime_type in _MAGIC:
        if data.startswith(magic):
            return mime_type
    return None


def read_limited(stream: IO[bytes], limit: int) -> bytes:
    """Read at most limit bytes; FileRefused when the stream holds more."""
    chunks: list[bytes] = []
    size = 0
    while True:
        chunk = stream.read(_CHUNK)
        if not chunk:
            return b"".join(chunks)
        size += len(chunk)
        if size > limit:
            raise FileRefused(_("The file is too large: at most %(size)s.", size=_size(limit)))
        chunks.append(chunk)


def _size(size: int) -> str:
    """A byte count for people: "8 MB", "512 KB"."""
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):.0f} MB"
    return f"{max(1, size // 1024)} KB"


def check_upload(data: bytes) -> str:
    """The sniffed type of an upload; FileRefused when empty or not a PDF, JPEG or PNG."""
    if not data:
        raise FileRefused(_("The file is empty."))
    mime_type = sniff(data)
    if mime_type is None:
        raise FileRefused(_("Only PDF, JPEG and PNG files are accepted (checked by content)."))
    return mime_type


def _path(name: str) -> Path:
    # Names are ours (hex), but a row edited by hand must still not point outside the folder.
    if not name.isalnum():
        raise FileRefused(_("The stored file's name is not valid."))
    return files_dir() / name


def _write_new(data: bytes) -> str:
    """Write data to a new random name (mode 0600, never overwriting); return the name."""
    folder = files_dir()
    while True:
        name = secrets.token_hex(16)
        try:
            fd = os.open(folder / name, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:  # pragma: no cover - 128 random bits do not collide
            continue
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        return name


def store(data: bytes, *, kind: str, case_id: int | None, mime_type: str,
          actor: Any = None) -> StoredFile:
    """Encrypt and write data; add its row and flush. KeyUnavailable when no key is loaded."""
    keyring = get_keyring()
    sealed = keyring.encrypt_bytes(data)
    name = _write_new(sealed)
    row = StoredFile(
        name=name, case_id=case_id, kind=kind, mime_type=mime_type, size=len(data),
        sha256=hashlib.sha256(data).hexdigest(), key_fingerprint=keyring.fingerprint(),
        created_by_id=getattr(actor, "id", None),
    )
    db.session.add(row)
    try:
        db.session.flush()
    except Exception:
        discard(name)
        raise
    return row


def store_upload(stream: IO[bytes], *, kind: str, case_id: int | None,
                 actor: Any = None) -> StoredFile:
    """Check an uploaded stream (size, type by content), then store it encrypted."""
    data = read_limited(stream, upload_limit())
    mime_type = check_upload(data)
    return store(data, kind=kind, case_id=case_id, mime_type=mime_type, actor=actor)


def load(row: StoredFile) -> bytes:
    """The decrypted content, checked against its SHA-256.

    FileDamaged when the file is gone or altered; KeyUnavailable when no loaded key opens it.
    """
    try:
        sealed = _path(row.name).read_bytes()
    except OSError:
        raise FileDamaged(_("The stored file is missing.")) from None
    data = get_keyring().decrypt_bytes(sealed)
    if hashlib.sha256(data).hexdigest() != row.sha256:
        raise FileDamaged(_("The stored file does not match its recorded checksum."))
    return data


def rotate_all(keyring: Keyring) -> int:
    """Re-encrypt every stored file with the keyring's first key; return how many files.

    Each file is rewritten through a new file and an atomic rename, so a crash leaves either
    the old or the new encryption, both readable while the old key is still loaded.
    """
    fingerprint = keyring.fingerprint()
    rows = db.session.execute(select(StoredFile).order_by(StoredFile.id)).scalars().all()
    for row in rows:
        path = _path(row.name)
        with replacing(path) as handle:
            handle.write(keyring.rotate_bytes(path.read_bytes()))
        row.key_fingerprint = fingerprint
    db.session.flush()
    return len(rows)


def raw_path(row: StoredFile) -> Path:
    """Where the encrypted bytes of a row lie (for operators and tests)."""
    return _path(row.name)


def discard(name: str) -> None:
    """Remove an encrypted file whose row was not kept (a failed transaction)."""
    try:
        _path(name).unlink(missing_ok=True)
    except (OSError, FileRefused):
        current_app.logger.warning("could not remove the orphan stored file %s", name)


__all__ = [
    "DEFAULT_UPLOAD_MAX_BYTES", "FileDamaged", "FileRefused", "KeyUnavailable", "check_upload",
    "discard", "files_dir", "load", "raw_path", "read_limited", "rotate_all", "sniff", "store",
    "store_upload", "upload_limit",
]
