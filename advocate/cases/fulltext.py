"""SQLite's index for the case search: an FTS5 trigram table over `cases.search_text`.

A substring search (`search_text LIKE '%иванов%'`) cannot use an ordinary index, so on SQLite
it read the text of every case (100,000 cases: p95 ~100 ms, and growing with the register).
The trigram tokenizer indexes every three-character sequence; a quoted phrase then matches
exactly the rows that contain the text as a substring, in well under a millisecond.

The table holds no copy of the text (`content='cases'`): it indexes the column where it is.
Triggers on `cases` keep it current on every insert, update of `search_text` and delete, so
no write path (forms, imports, the demo's bulk insert, restores) can forget it. The list keeps
its LIKE condition beside the index lookup, so results are exactly what they were without it.

PostgreSQL has its own answer (the pg_trgm index in models.py); nothing here runs there.
Queries shorter than three characters have no trigram and fall back to the LIKE scan, and so
does every search on a SQLite without FTS5 or older than 3.34 (no trigram tokenizer): there
the table is not created, and the list finds that out once per database.

Migration 0007 writes out the same statements (a migration must not change with this module).
Careful in migrations: a `batch_alter_table('cases')` that recreates the table (dropping or
altering a column) drops these triggers with the old table; such a migration must call
`install()` again. tests/test_case_fulltext.py fails when the triggers are missing at head.
"""

from __future__ import annotations

import sqlite3
import weakref
from typing import Any

from sqlalchemy import DDL, Select, event, literal_column, select, table, text
from sqlalchemy.engine import Engine

TABLE = "cases_fts"
#: Shorter queries contain no trigram: the index cannot answer them.
MIN_CHARS = 3
TRIGGERS = ("cases_fts_insert", "cases_fts_delete", "cases_fts_update")

CREATE = (
    "CREATE VIRTUAL TABLE IF NOT EXISTS cases_fts USING fts5("
    "search_text, content='cases', content_rowid='id', tokenize='trigram case_sensitive 1')",
    "CREATE TRIGGER IF NOT EXISTS cases_fts_insert AFTER INSERT ON cases BEGIN "
    "INSERT INTO cases_fts(rowid, search_text) VALUES (new.id, new.search_text); END",
    "CREATE TRIGGER IF NOT EXISTS cases_fts_delete AFTER DELETE ON cases BEGIN "
    "INSERT INTO cases_fts(cases_fts, rowid, search_text) "
    "VALUES ('delete', old.id, old.search_text); END",
    "CREATE TRIGGER IF NOT EXISTS cases_fts_update AFTER UPDATE OF search_text ON cases BEGIN "
    "INSERT INTO cases_fts(cases_fts, rowid, search_text) "
    "VALUES ('delete', old.id, old.search_text); "
    "INSERT INTO cases_fts(rowid, search_text) VALUES (new.id, new.search_text); END",
    # Index what the table already holds (a migration on a register with cases).
    "INSERT INTO cases_fts(cases_fts) VALUES ('rebuild')",
)
DROP = (
    "DROP TRIGGER IF EXISTS cases_fts_insert",
    "DROP TRIGGER IF EXISTS cases_fts_delete",
    "DROP TRIGGER IF EXISTS cases_fts_update",
    "DROP TABLE IF EXISTS cases_fts",
)


#: Engine -> whether its database has the index table (looked up on the first search).
_PRESENT: weakref.WeakKeyDictionary[Engine, bool] = weakref.WeakKeyDictionary()


def supported(connection: Any) -> bool:
    """Whether this SQLite has FTS5 with the trigram tokenizer (3.34 and later)."""
    if sqlite3.sqlite_version_info < (3, 34, 0):
        return False
    options = {row[0] for row in connection.exec_driver_sql("PRAGMA compile_options")}
    return "ENABLE_FTS5" in options


def install(connection: Any) -> None:
    """Create the index table and its triggers (SQLite), and index the cases already there;
    nothing where SQLite cannot (the search then scans, as it always could)."""
    if not supported(connection):
        return
    for statement in CREATE:
        connection.exec_driver_sql(statement)


def present(session: Any) -> bool:
    """Whether the database of this session has the index (asked once per engine)."""
    engine = session.get_bind()
    if engine not in _PRESENT:
        found = session.execute(text(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = :name"
        ), {"name": TABLE}).first()
        _PRESENT[engine] = found is not None
    return _PRESENT[engine]


def uninstall(connection: Any) -> None:
    """Drop the triggers and the index table (SQLite)."""
    for statement in DROP:
        connection.exec_driver_sql(statement)


def is_index_table(name: str | None) -> bool:
    """Whether a reflected table is the index or one of FTS5's shadow tables (not in the models)."""
    return bool(name) and (name == TABLE or str(name).startswith(f"{TABLE}_"))


def matching_ids(folded_query: str) -> Select[Any] | None:
    """The ids of the cases whose search text contains the (folded) query; None if too short."""
    if len(folded_query) < MIN_CHARS:
        return None
    # One FTS5 phrase: double quotes inside it are doubled; nothing else is special there.
    phrase = '"' + folded_query.replace('"', '""') + '"'
    index = table(TABLE)
    return (
        select(literal_column("rowid"))
        .select_from(index)
        .where(literal_column(TABLE).op("MATCH")(phrase))
    )


def _can_create(_ddl: Any, _target: Any, bind: Any, **_kw: Any) -> bool:
    return bind is None or supported(bind)  # (no connection: DDL only compiled, not run)


def attach(cases_table: Any) -> None:
    """Create the index with the `cases` table and drop it before (db.create_all/drop_all)."""
    for statement in CREATE[:-1]:
        event.listen(cases_table, "after_create",
                     DDL(statement).execute_if(dialect="sqlite", callable_=_can_create))
    event.listen(
        cases_table, "before_drop",
        DDL(DROP[-1]).execute_if(dialect="sqlite"),
    )
