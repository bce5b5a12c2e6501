"""Passphrase encryption of a backup stream: scrypt for the key, AES-256-GCM in chunks.

The file is a header and a sequence of chunks (the STREAM construction): each chunk is sealed
with a nonce made of a random prefix, its index and a "last chunk" flag, and authenticates the
header, so chunks cannot be reordered, dropped, appended or cut off without detection. A
verifier derived from the passphrase (not the key) tells a wrong passphrase from a damaged file.
Streaming keeps memory flat however large the stored files are.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import struct
from typing import BinaryIO

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

MAGIC = b"ADVBKP1\n"
CHUNK = 1024 * 1024
SCRYPT_LOG2_N, SCRYPT_R, SCRYPT_P = 15, 8, 1  # 32 MiB of memory per guess
_HEADER = struct.Struct(">8sBBB16s7s32s")  # magic, log2 n, r, p, salt, nonce prefix, verifier
_CHUNK_HEAD = struct.Struct(">BI")  # last-chunk flag, ciphertext length
_TAG = 16


class BackupCryptoError(Exception):
    """The archive cannot be opened; the message is for the operator."""


class WrongPassphrase(BackupCryptoError):
    """The passphrase does not open this archive."""


def _derive(passphrase: str, salt: bytes, log2_n: int, r: int, p: int) -> tuple[bytes, bytes]:
    material = Scrypt(salt=salt, length=64, n=2**log2_n, r=r, p=p).derive(passphrase.encode())
    return material[:32], hashlib.sha256(material[32:]).digest()


def _nonce(prefix: bytes, index: int, last: bool) -> bytes:
    if index >= 2**32:
        raise BackupCryptoError("archive too large")
    return prefix + struct.pack(">I", index) + (b"\x01" if last else b"\x00")


class EncryptingWriter:
    """A write-only file object that encrypts everything written to `raw`."""

    def __init__(self, raw: BinaryIO, passphrase: str) -> None:
        """Derive a key from the passphrase with a fresh salt and write the header."""
        salt, prefix = os.urandom(16), os.urandom(7)
        key, verifier = _derive(passphrase, salt, SCRYPT_LOG2_N, SCRYPT_R, SCRYPT_P)
        self._header = _HEADER.pack(MAGIC, SCRYPT_LOG2_N, SCRYPT_R, SCRYPT_P, salt, prefix,
                                    verifier)
        raw.write(self._header)
        self._raw, self._aead, self._prefix = raw, AESGCM(key), prefix
        self._buffer = bytearray()
        self._index = 0
        self.closed = False

    def write(self, data: bytes) -> int:
        """Buffer data; seal and write every full chunk."""
        self._buffer.extend(data)
        while len(self._buffer) > CHUNK:  # keep at least one byte back for the last chunk
            self._seal(bytes(self._buffer[:CHUNK]), last=False)
            del self._buffer[:CHUNK]
        return len(data)

    def _seal(self, plain: bytes, *, last: bool) -> None:
        sealed = self._aead.encrypt(_nonce(self._prefix, self._index, last), plain, self._header)
        self._raw.write(_CHUNK_HEAD.pack(1 if last else 0, len(sealed)) + sealed)
        self._index += 1

    def close(self) -> None:
        """Seal the last chunk (the raw file stays open)."""
        if not self.closed:
            self._seal(bytes(self._buffer), last=True)
            self._buffer.clear()
            self.closed = True


class DecryptingReader:
    """A read-only file object over an encrypted archive; raises on any damage."""

    def __init__(self, raw: BinaryIO, passphrase: str) -> None:
        """Read the header and check the passphrase (WrongPassphrase) before any chunk."""
        header = raw.read(_HEADER.size)
        if len(header) != _HEADER.size or not header.startswith(MAGIC):
            raise BackupCryptoError("this is not an advocate backup (unknown file format)")
        _, log2_n, r, p, salt, prefix, verifier = _HEADER.unpack(header)
        if not (14 <= log2_n <= 20 and 1 <= r <= 16 and 1 <= p <= 4):  # refuse a memory bomb
            raise BackupCryptoError("the backup header is damaged (unreasonable key parameters)")
        key, expected = _derive(passphrase, salt, log2_n, r, p)
        if not hmac.compare_digest(expected, verifier):
            raise WrongPassphrase("wrong passphrase: it does not open this backup")
        self._raw, self._aead, self._prefix, self._header = raw, AESGCM(key), prefix, header
        self._buffer, self._pos = b"", 0
        self._index = 0
        self._done = False

    def _next_chunk(self) -> None:
        head = self._raw.read(_CHUNK_HEAD.size)
        if len(head) != _CHUNK_HEAD.size:
            raise BackupCryptoError("the backup is truncated: its last part is missing")
        last, length = _CHUNK_HEAD.unpack(head)
        sealed = self._raw.read(length)
        if last not in (0, 1) or length > CHUNK + _TAG or len(sealed) != length:
            raise BackupCryptoError("the backup is damaged or truncated")
        try:
            plain = self._aead.decrypt(_nonce(self._prefix, self._index, bool(last)), sealed,
                                       self._header)
        except InvalidTag:
            raise BackupCryptoError(
                f"the backup is damaged or was altered (part {self._index + 1} fails its check)"
            ) from None
        self._index += 1
        self._buffer, self._pos = plain, 0
        if last:
            if self._raw.read(1):
                raise BackupCryptoError("the backup has data after its end: it was altered")
            self._done = True

    def read(self, size: int = -1) -> bytes:
        """Up to size bytes of plaintext (all the rest when size is negative)."""
        parts: list[bytes] = []
        wanted = size
        while wanted != 0:
            available = len(self._buffer) - self._pos
            if available == 0:
                if self._done:
                    break
                self._next_chunk()
                continue
            take = available if wanted < 0 else min(available, wanted)
            parts.append(self._buffer[self._pos:self._pos + take])
            self._pos += take
            if wanted > 0:
                wanted -= take
        return b"".join(parts)

    def finish(self) -> None:
        """Read to the end, so truncation is detected even if the reader stopped early."""
        while not self._done:
            self._next_chunk()
        self._buffer, self._pos = b"", 0
