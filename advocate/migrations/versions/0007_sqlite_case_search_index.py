"""SQLite: FTS5 trigram index over cases.search_text, kept by triggers

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-25 17:30:00

PostgreSQL already has its pg_trgm index (0003); nothing happens there, nor on a SQLite without
FTS5 or older than 3.34 (no trigram tokenizer: the search keeps scanning). The statements are
written out here (not imported from advocate.cases.fulltext) so that this migration stays what
it was when later code changes.
"""
import sqlite3

from alembic import op


# revision identifiers, used by Alembic.
revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None

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
    "INSERT INTO cases_fts(cases_fts) VALUES ('rebuild')",
)
DROP = (
    "DROP TRIGGER IF EXISTS cases_fts_insert",
    "DROP TRIGGER IF EXISTS cases_fts_delete",
    "DROP TRIGGER IF EXISTS cases_fts_update",
    "DROP TABLE IF EXISTS cases_fts",
)


def _fts5_trigram(bind):
    if sqlite3.sqlite_version_info < (3, 34, 0):
        return False
    options = {row[0] for row in bind.exec_driver_sql("PRAGMA compile_options")}
    return "ENABLE_FTS5" in options


def upgrade():
    bind = op.get_bind()
    if bind.dialect.name == 'sqlite' and _fts5_trigram(bind):
        for statement in CREATE:
            op.execute(statement)


def downgrade():
    if op.get_bind().dialect.name == 'sqlite':
        for statement in DROP:
            op.execute(statement)
