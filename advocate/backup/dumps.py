"""Consistent database copies while the app runs, and loading them into an empty database.

SQLite: the online backup API copies the pages of one read transaction, so the copy is a state
that existed (WAL lets writers go on meanwhile). PostgreSQL: a REPEATABLE READ transaction
exports its snapshot; the rows are counted in that transaction and `pg_dump --snapshot` dumps
exactly the same state, so the counts in the manifest are the counts of the dump.
"""

from __future__ import annotations

import glob
import os
import shutil
import sqlite3
import subprocess  # noqa: S404 - pg_dump and pg_restore are run without a shell
from pathlib import Path

from flask import Flask
from sqlalchemy import inspect, text
from sqlalchemy.engine import Connection, Engine, make_url

SKIP_TABLES = frozenset({"alembic_version"})  # schema bookkeeping, not content


class DumpError(Exception):
    """The database could not be copied or loaded; the message is for the operator."""


# SQLite --------------------------------------------------------------------------------------


def sqlite_path(engine: Engine) -> Path:
    """The database file of a SQLite engine."""
    database = engine.url.database
    if not database or database == ":memory:" or database.startswith("file:"):
        raise DumpError("only a SQLite database in a file can be backed up")
    return Path(database)


def _sqlite_counts(connection: sqlite3.Connection) -> dict[str, int]:
    names = [row[0] for row in connection.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
        "ORDER BY name"
    )]
    counts = {}
    for name in names:
        quoted = '"' + name.replace('"', '""') + '"'
        # The name comes from the catalogue and is quoted: no user input reaches this SQL.
        sql = f"SELECT count(*) FROM {quoted}"  # noqa: S608
        counts[name] = connection.execute(sql).fetchone()[0]
    return counts


def sqlite_snapshot(source: Path, target: Path, busy_timeout: float) -> dict[str, int]:
    """Copy the live database to target with the online backup API; count rows in the copy."""
    if not source.exists():
        raise DumpError(f"the database file {source} does not exist")
    src = sqlite3.connect(source, timeout=busy_timeout)
    dst = sqlite3.connect(target)
    try:
        src.backup(dst)  # one step: the pages of a single read transaction
        return _sqlite_counts(dst)
    finally:
        dst.close()
        src.close()


def sqlite_load(snapshot: Path, target: Path, busy_timeout: float) -> None:
    """Replace the (empty) target database with the snapshot, page by page."""
    target.parent.mkdir(parents=True, exist_ok=True)
    src = sqlite3.connect(snapshot)
    dst = sqlite3.connect(target, timeout=busy_timeout)
    try:
        src.backup(dst)
    finally:
        dst.close()
        src.close()


# PostgreSQL ----------------------------------------------------------------------------------


def pg_binary(app: Flask, name: str) -> str:
    """pg_dump or pg_restore: PG_BIN_DIR, else PATH, else the newest /usr/lib/postgresql."""
    configured = app.config.get("PG_BIN_DIR")
    candidates = [str(Path(configured) / name)] if configured else []
    found = shutil.which(name)
    if found:
        candidates.append(found)
    installed = glob.glob(f"/usr/lib/postgresql/*/bin/{name}")
    candidates += sorted(installed, key=lambda p: int(Path(p).parts[-3]), reverse=True)
    for candidate in candidates:
        if os.access(candidate, os.X_OK):
            return candidate
    raise DumpError(f"{name} was not found: install the PostgreSQL client or set PG_BIN_DIR")


def libpq_environment(engine: Engine) -> dict[str, str]:
    """How pg_dump reaches the database: libpq variables (the password never on argv)."""
    url = make_url(engine.url)
    env = {key: value for key, value in os.environ.items() if not key.startswith("PG")}
    values = {
        "PGHOST": url.query.get("host") or url.host,
        "PGPORT": url.port,
        "PGUSER": url.username,
        "PGPASSWORD": url.password,
        "PGDATABASE": url.database,
        "PGSSLMODE": url.query.get("sslmode"),
    }
    env.update({key: str(value) for key, value in values.items() if value})
    return env


def table_counts(connection: Connection) -> dict[str, int]:
    """Rows per table, in the connection's current transaction."""
    preparer = connection.dialect.identifier_preparer
    counts = {}
    for name in sorted(inspect(connection).get_table_names()):
        # The name comes from the catalogue and is quoted: no user input reaches this SQL.
        query = text(f"SELECT count(*) FROM {preparer.quote(name)}")  # noqa: S608
        counts[name] = connection.execute(query).scalar_one()
    return counts


def _run(command: list[str], env: dict[str, str], what: str) -> None:
    # A list of arguments, no shell; the binary path comes from configuration or PATH.
    result = subprocess.run(  # noqa: S603
        command, env=env, capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        raise DumpError(f"{what} failed: {result.stderr.strip()[:1000]}")


def pg_snapshot(app: Flask, engine: Engine, target: Path) -> dict[str, int]:
    """Dump the database with pg_dump from one exported snapshot; count rows in that snapshot."""
    pg_dump = pg_binary(app, "pg_dump")
    with engine.connect() as connection:
        connection = connection.execution_options(isolation_level="REPEATABLE READ")
        with connection.begin():
            connection.execute(text("SET TRANSACTION READ ONLY"))
            snapshot = connection.execute(text("SELECT pg_export_snapshot()")).scalar_one()
            counts = table_counts(connection)
            # The snapshot lives as long as this transaction: pg_dump must run inside it.
            _run([pg_dump, "--format=custom", "--no-owner", "--no-privileges",
                  f"--snapshot={snapshot}", f"--file={target}"],
                 libpq_environment(engine), "pg_dump")
    return counts


def pg_load(app: Flask, engine: Engine, dump: Path) -> None:
    """Load a pg_dump archive into the (empty) database in one transaction."""
    env = libpq_environment(engine)
    _run([pg_binary(app, "pg_restore"), "--no-owner", "--no-privileges", "--clean",
          "--if-exists", "--single-transaction", "--exit-on-error",
          f"--dbname={env.get('PGDATABASE', '')}", str(dump)], env, "pg_restore")


# Either --------------------------------------------------------------------------------------


def content_counts(engine: Engine) -> dict[str, int]:
    """Rows per table of the live database (for the emptiness check and verification)."""
    with engine.connect() as connection, connection.begin():
        return table_counts(connection)


def non_empty_tables(engine: Engine) -> dict[str, int]:
    """Tables that hold rows, schema bookkeeping aside."""
    return {
        name: count for name, count in content_counts(engine).items()
        if count and name not in SKIP_TABLES
    }
