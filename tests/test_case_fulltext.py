"""SQLite's trigram index for the case search: current after every write, same results as LIKE."""

from __future__ import annotations

import re
import sqlite3

import pytest
from flask_migrate import downgrade, upgrade
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import bindparam, event, func, select, text

from advocate import MIGRATIONS_DIR
from advocate.auth.models import User
from advocate.cases import fulltext, search
from advocate.cases.models import Case
from advocate.extensions import db

from .cases_support import client_for, make_case


@pytest.fixture
def sqlite_app(app):
    """The app, on SQLite only (PostgreSQL searches through pg_trgm instead)."""
    with app.app_context():
        if db.engine.dialect.name != "sqlite":
            pytest.skip("SQLite only: PostgreSQL has the pg_trgm index")
    return app


def _refs(client, query: str) -> set[str]:
    page = client.get("/cases", query_string={"q": query}).get_data(as_text=True)
    return set(re.findall(r'<td class="nowrap"><a href="/cases/(ADV-\d{4}-\d+)">', page))


def _indexed(app, query: str) -> set[int]:
    """The case ids the index alone answers for a query."""
    with app.app_context():
        ids = fulltext.matching_ids(search.fold(query))
        assert ids is not None
        return set(db.session.execute(ids).scalars())


def _case_id(app, reference: str) -> int:
    with app.app_context():
        return db.session.execute(select(Case.id).where(Case.reference == reference)).scalar_one()


def _migrate_from_empty() -> None:
    """Drop every table and build the schema with the migrations (in an app context)."""
    db.drop_all()
    with db.engine.begin() as connection:
        connection.exec_driver_sql("DROP TABLE IF EXISTS alembic_version")
    upgrade(directory=MIGRATIONS_DIR)


def _schema_names(*types: str) -> set[str]:
    """The names of the database's objects of these types (SQLite)."""
    query = text("SELECT name FROM sqlite_master WHERE type IN :types").bindparams(
        bindparam("types", expanding=True))
    return set(db.session.execute(query, {"types": list(types)}).scalars())


def test_a_search_asks_the_index(sqlite_app, make_user):
    app = sqlite_app
    make_case(app, None, label="Каримов")
    statements: list[str] = []
    with app.app_context():
        boss = db.session.get(User, make_user("supervisor").id)
        listener = lambda *args: statements.append(args[2])  # noqa: E731
        event.listen(db.engine, "before_cursor_execute", listener)
        try:
            found = search.list_cases(boss, search.CaseFilter.from_args({"q": "КАРИМ"}))
            short = search.list_cases(boss, search.CaseFilter.from_args({"q": "ка"}))
        finally:
            event.remove(db.engine, "before_cursor_execute", listener)
    assert [c.label for c in found.cases] == ["Каримов"]
    assert [c.label for c in short.cases] == ["Каримов"]  # two letters: the LIKE scan answers
    assert sum("cases_fts MATCH" in s for s in statements) == 2  # count and page, not the short one


def test_edits_notes_and_claims_keep_the_index_current(sqlite_app, make_user):
    app = sqlite_app
    owner = make_user("advocate")
    reference = make_case(app, owner, label="Рахимов", court="Суд Казани")
    case_id = _case_id(app, reference)
    client = client_for(app, owner)
    assert _indexed(app, "рахимов") == {case_id}

    assert client.post(f"/cases/{reference}/edit",
                       data={"version": "1", "label": "Юсупов"}).status_code == 302
    assert _indexed(app, "рахимов") == set()
    assert _indexed(app, "юсупов") == {case_id}
    assert _indexed(app, "суд казани") == {case_id}  # the untouched parts are still there
    assert _refs(client, "Юсупов") == {reference}
    assert _refs(client, "Рахимов") == set()

    with app.app_context():
        from advocate.cases import operations
        case = db.session.get(Case, case_id)
        operations.add_note(case, "Звонила сестра", actor=None)
        operations.add_claim(case, {"type": "beating", "narrative": "Угрожали отправкой"},
                             actor=None)
        db.session.commit()
    assert _indexed(app, "звонила") == {case_id}
    assert _indexed(app, "отправкой") == {case_id}
    assert _refs(client, "угрожали") == {reference}


def test_deleted_cases_leave_the_index(sqlite_app):
    app = sqlite_app
    reference = make_case(app, None, label="Ташкентов")
    case_id = _case_id(app, reference)
    with app.app_context():
        db.session.execute(text("DELETE FROM cases WHERE id = :id"), {"id": case_id})
        db.session.commit()
        # FTS5's own check: the index matches the text of the cases table exactly.
        db.session.execute(text("INSERT INTO cases_fts(cases_fts) VALUES ('integrity-check')"))
    assert _indexed(app, "ташкентов") == set()


def test_installing_indexes_the_cases_already_there(sqlite_app):
    app = sqlite_app
    reference = make_case(app, None, label="Наманганов")
    with app.app_context():
        with db.engine.begin() as connection:
            fulltext.uninstall(connection)
            fulltext.install(connection)
    assert _indexed(app, "наманганов") == {_case_id(app, reference)}


def test_the_migrations_leave_table_and_triggers_in_place(sqlite_app):
    app = sqlite_app
    with app.app_context():
        _migrate_from_empty()
        names = _schema_names("table", "trigger")
    # A later batch_alter_table('cases') that recreates the table would drop the triggers.
    assert {fulltext.TABLE, *fulltext.TRIGGERS} <= names
    reference = make_case(app, None, label="Самаркандов")
    assert _indexed(app, "самаркандов") == {_case_id(app, reference)}


def test_downgrading_past_a_table_rebuild_keeps_the_index(sqlite_app):
    app = sqlite_app
    with app.app_context():
        _migrate_from_empty()
        db.session.remove()
    reference = make_case(app, None, label="Бухарин")
    with app.app_context():
        downgrade(directory=MIGRATIONS_DIR, revision="0007")  # 0008 recreates `cases`
        assert set(fulltext.TRIGGERS) <= _schema_names("trigger")
        db.session.execute(text("INSERT INTO cases_fts(cases_fts) VALUES ('integrity-check')"))
        found = db.session.execute(fulltext.matching_ids("бухарин")).scalars().all()
        db.session.remove()
        upgrade(directory=MIGRATIONS_DIR)
    assert found == [_case_id(app, reference)]


TEXTS = ["Иванов Иван", "228.1 ч.4 п.«г»", "Gʻulomov \"Oʻktam\"", "100% sure_thing",
         "колония строгого режима", "ИК-2 (fictional)", "ёлка"]
ALPHABET = st.sampled_from(list("иванов ч.4«г»%_\"'ʻ()-228ёелкаgulomsr") + ["ИК", "ОВ", "NEAR"])


@settings(max_examples=150, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(query=st.lists(ALPHABET, min_size=1, max_size=8).map("".join))
def test_the_index_finds_exactly_what_like_finds(sqlite_app, query):
    app = sqlite_app
    with app.app_context():
        seeded = db.session.execute(select(func.count()).select_from(Case)).scalar_one()
        db.session.remove()
    if not seeded:
        for label in TEXTS:
            make_case(app, None, label=label)
    with app.app_context():
        folded = search.fold(query)
        everyone = select(Case.id)
        with_index = set(db.session.execute(
            everyone.where(*search.CaseFilter(values={"q": query}).conditions())).scalars())
        like_only = set(db.session.execute(everyone.where(
            Case.search_text.like(f"%{search._escape_like(folded)}%", escape="\\"))).scalars())
        if folded:
            assert with_index == like_only
        ids = fulltext.matching_ids(folded)
        if ids is not None:  # the index alone never misses a row the LIKE finds
            assert like_only <= set(db.session.execute(ids).scalars())


def test_an_sqlite_without_the_trigram_tokenizer_scans_instead(make_app, make_user, monkeypatch):
    app = make_app()
    monkeypatch.setattr(sqlite3, "sqlite_version_info", (3, 31, 1))  # before trigram (3.34)
    with app.app_context():
        if db.engine.dialect.name != "sqlite":
            pytest.skip("SQLite only")
        db.drop_all()
        db.create_all()
        names = _schema_names("table", "trigger")
        assert not {fulltext.TABLE, *fulltext.TRIGGERS} & names
        db.session.remove()
        _migrate_from_empty()  # 0007 leaves it out too; 0008 and later still run
        assert fulltext.TABLE not in _schema_names("table")
        db.session.remove()
    supervisor = make_user("supervisor")
    reference = make_case(app, None, label="Андижанов")
    assert _refs(client_for(app, supervisor), "андижанов") == {reference}
