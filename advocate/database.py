"""Database engine set-up: SQLite pragmas and write transactions that do not deadlock."""

from __future__ import annotations

from typing import Any

from flask import Flask, has_request_context, request
from sqlalchemy import event
from sqlalchemy.engine import Engine

from advocate.cases import fulltext
from advocate.extensions import db

READ_ONLY_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def is_sqlite(app: Flask) -> bool:
    """Whether the configured database is SQLite."""
    return str(app.config["SQLALCHEMY_DATABASE_URI"]).startswith("sqlite")


def configure_sqlite(engine: Engine, busy_timeout_ms: int, cache_kib: int = 2000) -> None:
    """WAL, foreign keys and a busy timeout on every connection; IMMEDIATE transactions for writers.

    pysqlite opens transactions lazily and as DEFERRED; a request that reads and then writes
    can then fail at once with SQLITE_BUSY when another process wrote in between. Taking the
    write lock at BEGIN for every request that may write (and for CLI commands) makes writers
    queue on the busy timeout instead, while page views keep reading concurrently.
    """

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
        cursor.execute(f"PRAGMA cache_size=-{int(cache_kib)}")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        reading = has_request_context() and request.method in READ_ONLY_METHODS
        conn.exec_driver_sql("BEGIN" if reading else "BEGIN IMMEDIATE")


def init_app(app: Flask) -> None:
    """Bind SQLAlchemy and apply the per-dialect settings."""
    if is_sqlite(app):
        options = dict(app.config["SQLALCHEMY_ENGINE_OPTIONS"])
        options.setdefault("connect_args", {}).setdefault(
            "timeout", app.config["SQLITE_BUSY_TIMEOUT_MS"] / 1000
        )
        app.config["SQLALCHEMY_ENGINE_OPTIONS"] = options
    else:
        app.config["SQLALCHEMY_ENGINE_OPTIONS"] = {
            "pool_pre_ping": True,
            **app.config["SQLALCHEMY_ENGINE_OPTIONS"],
        }
    db.init_app(app)
    if is_sqlite(app):
        with app.app_context():
            configure_sqlite(
                db.engine, app.config["SQLITE_BUSY_TIMEOUT_MS"], app.config["SQLITE_CACHE_KIB"]
            )


def include_object_for(dialect_name: str) -> Any:
    """An Alembic `include_object` filter: skip objects whose DDL is for another dialect.

    A model index declared with `.ddl_if(dialect="postgresql")` (the trigram search index)
    is created only there; on SQLite autogenerate must not see it as missing. SQLite's
    full-text table and FTS5's shadow tables are not models: autogenerate must not drop them.
    """

    def include_object(obj: Any, name: Any, type_: str, reflected: bool, _compare: Any) -> bool:
        if type_ == "table" and reflected and fulltext.is_index_table(name):
            return False  # SQLite's search index (cases/fulltext.py): made by triggers' DDL
        condition = getattr(obj, "_ddl_if", None)
        if type_ == "index" and condition is not None and condition.dialect:
            return condition.dialect == dialect_name
        return True

    return include_object
