"""Taking a backup while the app runs, and restoring one into an empty instance.

A backup holds the database and the stored files folder (letters, uploads), never the identity
keys or instance/config.py: without the keys a stolen backup reveals no identity, and the keys
are kept (and backed up) apart. The database is copied first and the files second: a file is
written before the row that names it is committed, so every file the copy refers to is there.
"""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from flask import Flask
from sqlalchemy import inspect, text

from advocate import clock
from advocate.atomic import replacing
from advocate.audit.operations import record
from advocate.backup import archive, dumps
from advocate.backup.crypto import BackupCryptoError
from advocate.extensions import db


class BackupError(Exception):
    """The backup or restore was refused or failed; the message is for the operator."""


@dataclass
class Report:
    """What a backup or restore did, as lines for the operator."""

    lines: list[str] = field(default_factory=list)

    def add(self, line: str) -> None:
        """Append a line."""
        self.lines.append(line)


def _size(n: int) -> str:
    if n < 1024:
        return f"{n} bytes"
    value, unit = float(n), "bytes"
    for unit in ("KiB", "MiB", "GiB"):  # noqa: B007 - the last unit reached is the one shown
        value /= 1024
        if value < 1024:
            break
    return f"{value:.1f} {unit}"


def files_dir(app: Flask) -> Path:
    """The stored files folder (FILES_DIR)."""
    return Path(app.config["FILES_DIR"])


def secret_paths(app: Flask) -> set[Path]:
    """Files a backup must never contain, even if FILES_DIR is set to a folder holding them."""
    instance = Path(app.instance_path)
    paths = {Path(app.config["IDENTITY_KEY_FILE"]), instance / "config.py"}
    if dialect_of(app) == "sqlite":
        database = dumps.sqlite_path(db.engine)
        paths |= {database, Path(f"{database}-wal"), Path(f"{database}-shm")}
    return {path.resolve() for path in paths}


def dialect_of(app: Flask) -> str:
    """"sqlite" or "postgresql"."""
    name = db.engine.dialect.name
    if name not in archive.DATABASE_MEMBERS:
        raise BackupError(f"backups support SQLite and PostgreSQL, not {name}")
    return name


def _revision() -> str | None:
    with db.engine.connect() as connection:
        if not inspect(connection).has_table("alembic_version"):
            return None
        return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()


def _snapshot(app: Flask, dialect: str, target: Path) -> dict[str, int]:
    try:
        if dialect == "sqlite":
            timeout = app.config["SQLITE_BUSY_TIMEOUT_MS"] / 1000
            return dumps.sqlite_snapshot(dumps.sqlite_path(db.engine), target, timeout)
        return dumps.pg_snapshot(app, db.engine, target)
    except dumps.DumpError as error:
        raise BackupError(str(error)) from None


def make_backup(app: Flask, path: Path, passphrase: str, *, overwrite: bool = False) -> Report:
    """Write one encrypted archive of the database and the stored files to path."""
    path, folder = path.resolve(), files_dir(app).resolve()
    if path.exists() and not overwrite:
        raise BackupError(f"{path} exists; choose a new name or pass --overwrite")
    if path.is_relative_to(folder):
        raise BackupError(f"write the backup outside the stored files folder {folder}")
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)  # as files.storage makes it
    dialect, excluded = dialect_of(app), secret_paths(app)
    report = Report()
    with tempfile.TemporaryDirectory(dir=app.instance_path, prefix=".backup-") as staging:
        copy = Path(staging) / archive.DATABASE_MEMBERS[dialect]
        counts = _snapshot(app, dialect, copy)
        files = list(archive.stored_files(folder, excluded))
        manifest = {"created_at": clock.utcnow().isoformat(timespec="seconds") + "Z",
                    "revision": _revision(), "tables": counts}
        contents = _write_atomically(path, passphrase, dialect, copy, files, manifest)
    report.add(f"database: {dialect} snapshot, {len(counts)} tables, "
               f"{sum(counts.values())} rows")
    report.add(f"files: {len(contents.files)} stored files from {folder} "
               f"({_size(sum(e.size for e in contents.files.values()))})")
    report.add(f"written: {path} ({_size(path.stat().st_size)}), encrypted with AES-256-GCM, "
               "key derived from the passphrase with scrypt")
    report.add(f"not included: the identity keys ({app.config['IDENTITY_KEY_FILE']} or "
               "ADVOCATE_IDENTITY_KEYS) and instance/config.py; keep them apart from backups")
    record("backup.create", object_type="backup",
           reason=f"{path.name}: {sum(counts.values())} rows, {len(contents.files)} files")
    db.session.commit()
    return report


def _write_atomically(path: Path, passphrase: str, dialect: str, copy: Path,
                      files: list[tuple[str, Path]], manifest: dict[str, Any]
                      ) -> archive.Contents:
    """Write to a 0600 temporary file beside path, then rename: never half a backup."""
    with replacing(path) as handle:
        return archive.write(handle, passphrase, dialect=dialect, database=copy, files=files,
                             manifest=manifest)


# Restore -------------------------------------------------------------------------------------


def instance_problems(app: Flask) -> list[str]:
    """Why this instance is not empty (a restore never overwrites data), or nothing."""
    problems = []
    full = dumps.non_empty_tables(db.engine)
    if full:
        listed = ", ".join(f"{name} ({count})" for name, count in sorted(full.items()))
        problems.append(f"the database is not empty: {listed}")
    folder = files_dir(app)
    if folder.exists() and any(p.is_file() or p.is_symlink() for p in folder.rglob("*")):
        problems.append(f"the stored files folder {folder} is not empty")
    return problems


def restore(app: Flask, path: Path, passphrase: str) -> Report:
    """Restore an archive into this empty instance; verify row counts and file checksums."""
    problems = instance_problems(app)
    if problems:
        raise BackupError("refusing to restore into a non-empty instance: " + "; ".join(problems))
    if not path.is_file():
        raise BackupError(f"{path} does not exist")
    dialect = dialect_of(app)
    with tempfile.TemporaryDirectory(dir=app.instance_path, prefix=".restore-") as staging:
        try:
            with path.open("rb") as handle:
                contents = archive.read(handle, passphrase, Path(staging))
        except (BackupCryptoError, archive.ArchiveError) as error:
            raise BackupError(str(error)) from None
        manifest = contents.manifest
        if manifest["dialect"] != dialect:
            raise BackupError(f"this backup is of a {manifest['dialect']} database; this "
                              f"instance uses {dialect}")
        _load(app, dialect, Path(staging) / manifest["database"]["member"])
        _move_files(Path(staging) / archive.FILES, files_dir(app), contents)
    return _verify(app, path, contents)


def _load(app: Flask, dialect: str, dump: Path) -> None:
    db.session.remove()
    db.engine.dispose()  # no pooled connection may hold the old database open
    try:
        if dialect == "sqlite":
            timeout = app.config["SQLITE_BUSY_TIMEOUT_MS"] / 1000
            dumps.sqlite_load(dump, dumps.sqlite_path(db.engine), timeout)
        else:
            dumps.pg_load(app, db.engine, dump)
    except dumps.DumpError as error:
        raise BackupError(str(error)) from None
    db.engine.dispose()


def _move_files(staged: Path, folder: Path, contents: archive.Contents) -> None:
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)  # as files.storage makes it
    for name in contents.files:
        target = folder.joinpath(*name.split("/"))
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(staged.joinpath(*name.split("/")), target)


def _verify(app: Flask, path: Path, contents: archive.Contents) -> Report:
    manifest, folder = contents.manifest, files_dir(app)
    restored = dumps.content_counts(db.engine)
    wrong = {name: (count, restored.get(name)) for name, count in manifest["tables"].items()
             if restored.get(name) != count}
    if wrong:
        raise BackupError(f"row counts differ after restoring (expected, found): {wrong}")
    for name, entry in contents.files.items():
        if archive.file_entry(folder.joinpath(*name.split("/"))) != entry:
            raise BackupError(f"checksum mismatch after restoring {name}")
    rows = sum(manifest["tables"].values())
    record("backup.restore", object_type="backup",
           reason=f"{path.name} of {manifest['created_at']}: {rows} rows, "
           f"{len(contents.files)} files")
    db.session.commit()
    report = Report()
    report.add(f"restored database: {len(manifest['tables'])} tables, {rows} rows "
               "(row counts match the backup)")
    report.add(f"restored files: {len(contents.files)} into {folder} (checksums match)")
    report.add(f"backup taken {manifest['created_at']}, schema revision "
               f"{manifest.get('revision') or 'unknown'}; run `flask --app advocate init` to "
               "bring the schema up to this version of advocate")
    report.add("the identity keys are not in backups: put the key file back at "
               f"{app.config['IDENTITY_KEY_FILE']} (or set ADVOCATE_IDENTITY_KEYS) before use")
    return report
