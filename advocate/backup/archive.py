"""The archive inside the encryption: a tar stream of the database copy, the stored files and a
manifest (row counts, file checksums), read back member by member into a staging folder.
"""

from __future__ import annotations

import hashlib
import io
import json
import tarfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any, BinaryIO

from advocate.backup.crypto import DecryptingReader, EncryptingWriter

FORMAT = 1
MANIFEST = "manifest.json"
DATABASE_MEMBERS = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}
FILES = "files"
COPY_BLOCK = 1024 * 1024
MAX_MANIFEST = 64 * 1024 * 1024


class ArchiveError(Exception):
    """The archive's content is not what a backup holds; the message is for the operator."""


@dataclass
class Entry:
    """A member's checksum and size."""

    sha256: str
    size: int

    def as_dict(self) -> dict[str, Any]:
        """For the manifest."""
        return {"sha256": self.sha256, "size": self.size}


@dataclass
class Contents:
    """What was written or read: the database member, the files, the manifest."""

    database: Entry | None = None
    files: dict[str, Entry] = field(default_factory=dict)
    manifest: dict[str, Any] = field(default_factory=dict)


def file_entry(path: Path) -> Entry:
    """SHA-256 and size of a file, read in blocks."""
    digest, size = hashlib.sha256(), 0
    with path.open("rb") as handle:
        while block := handle.read(COPY_BLOCK):
            digest.update(block)
            size += len(block)
    return Entry(digest.hexdigest(), size)


def stored_files(root: Path, excluded: set[Path]) -> Iterator[tuple[str, Path]]:
    """(relative POSIX name, path) of every regular file under root; symlinks are not followed."""
    for path in sorted(root.rglob("*")):
        if path.is_symlink() or not path.is_file() or path.resolve() in excluded:
            continue
        yield path.relative_to(root).as_posix(), path


def _info(name: str, size: int, mtime: float = 0) -> tarfile.TarInfo:
    info = tarfile.TarInfo(name)
    info.size, info.mode, info.mtime = size, 0o600, int(mtime)
    return info


def write(out: BinaryIO, passphrase: str, *, dialect: str, database: Path,
          files: list[tuple[str, Path]], manifest: dict[str, Any]) -> Contents:
    """Encrypt the database copy, the files and the manifest into out."""
    contents = Contents()
    writer = EncryptingWriter(out, passphrase)
    with tarfile.open(fileobj=writer, mode="w|", format=tarfile.PAX_FORMAT) as tar:
        contents.database = file_entry(database)
        with database.open("rb") as handle:
            tar.addfile(_info(DATABASE_MEMBERS[dialect], contents.database.size), handle)
        for name, path in files:
            # Read whole (uploads are bounded by MAX_CONTENT_LENGTH): size, checksum and bytes
            # then agree even if the file is replaced while we read it.
            data = path.read_bytes()
            contents.files[name] = Entry(hashlib.sha256(data).hexdigest(), len(data))
            tar.addfile(_info(f"{FILES}/{name}", len(data), path.stat().st_mtime),
                        io.BytesIO(data))
        manifest = {
            **manifest, "format": FORMAT, "dialect": dialect,
            "database": {"member": DATABASE_MEMBERS[dialect], **contents.database.as_dict()},
            "files": {name: entry.as_dict() for name, entry in contents.files.items()},
        }
        encoded = json.dumps(manifest, indent=1, sort_keys=True).encode()
        tar.addfile(_info(MANIFEST, len(encoded)), io.BytesIO(encoded))
    writer.close()
    contents.manifest = manifest
    return contents


def _member_path(name: str) -> PurePosixPath:
    """A safe relative path for a member name, or ArchiveError."""
    path = PurePosixPath(name)
    odd = any(part in ("", ".", "..") for part in path.parts) or "\\" in name or "\x00" in name
    if path.is_absolute() or not path.parts or odd:
        raise ArchiveError(f"unexpected member name in the backup: {name!r}")
    allowed = {MANIFEST, *DATABASE_MEMBERS.values()}
    if name not in allowed and (path.parts[0] != FILES or len(path.parts) < 2):
        raise ArchiveError(f"unexpected member in the backup: {name!r}")
    return path


def _copy(source: BinaryIO, target: Path) -> Entry:
    digest, size = hashlib.sha256(), 0
    target.parent.mkdir(parents=True, exist_ok=True)
    with target.open("xb") as handle:
        while block := source.read(COPY_BLOCK):
            digest.update(block)
            handle.write(block)
            size += len(block)
    return Entry(digest.hexdigest(), size)


def read(raw: BinaryIO, passphrase: str, staging: Path) -> Contents:
    """Decrypt and unpack into staging (refusing odd members); check against the manifest."""
    reader = DecryptingReader(raw, passphrase)
    contents = Contents()
    seen: dict[str, Entry] = {}
    try:
        with tarfile.open(fileobj=reader, mode="r|") as tar:
            for member in tar:
                path = _member_path(member.name)
                repeated = member.name in seen or (member.name == MANIFEST and contents.manifest)
                if not member.isreg() or repeated:
                    raise ArchiveError(f"unexpected member in the backup: {member.name!r}")
                source = tar.extractfile(member)
                if member.name == MANIFEST:
                    contents.manifest = json.loads(source.read(MAX_MANIFEST))
                    continue
                seen[member.name] = _copy(source, staging.joinpath(*path.parts))
    except tarfile.TarError as error:
        raise ArchiveError(f"the backup's content is damaged: {error}") from None
    reader.finish()
    return _check(contents, seen)


def _check(contents: Contents, seen: dict[str, Entry]) -> Contents:
    manifest = contents.manifest
    if manifest.get("format") != FORMAT:
        raise ArchiveError("the backup has no manifest, or one of an unknown format")
    database = manifest.get("database") or {}
    expected = {database.get("member"): Entry(database.get("sha256"), database.get("size"))}
    expected.update({
        f"{FILES}/{name}": Entry(entry["sha256"], entry["size"])
        for name, entry in (manifest.get("files") or {}).items()
    })
    if set(seen) != set(expected):
        missing = sorted(set(expected) - set(seen))
        extra = sorted(set(seen) - set(expected))
        raise ArchiveError(f"the backup does not match its manifest: missing {missing}, "
                           f"unexpected {extra}")
    for name, entry in expected.items():
        if seen[name] != entry:
            raise ArchiveError(f"checksum mismatch for {name} in the backup")
    contents.database = seen[database["member"]]
    contents.files = {name[len(FILES) + 1:]: e for name, e in seen.items()
                      if name.startswith(FILES + "/")}
    return contents
