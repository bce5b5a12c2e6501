"""The case list: text search in Cyrillic and Uzbek Latin, every filter, sorting, pages."""

from __future__ import annotations

import re
from datetime import datetime

import pytest
from sqlalchemy import event

from advocate.auth.models import User
from advocate.cases import search
from advocate.cases.models import Case
from advocate.extensions import db

from .cases_support import client_for, make_case


def _refs(client, query: str) -> list[str]:
    page = client.get(f"/cases?{query}").get_data(as_text=True)
    return re.findall(r'<td class="nowrap"><a href="/cases/(ADV-\d{4}-\d+)">', page)


@pytest.fixture
def world(app, make_user):
    """Three cases of two advocates, each distinctive in one way, and a supervisor's client."""
    one, two = make_user("advocate"), make_user("advocate")
    refs = {
        "ivanov": make_case(
            app, one, label="Иванов, drug charge", custody_type="colony", regime="strict",
            region_ru="tatarstan", region_uz="fergana", military_status="pressured",
            status="collecting_documents", court="Fictional court of Kazan",
            claims=[{"type": "beating", "narrative": "Били дубинкой"}],
        ),
        "gulomov": make_case(
            app, two, label="Gʻulomov", custody_type="sizo", region_ru="moscow_city",
            region_uz="andijan", military_status="none", facility_name="СИЗО-99 (fictional)",
            articles="228.1 ч.4 п.«г»", notes=["Brother Oʻktam called"],
        ),
        "plain": make_case(app, None, label="100% sure_thing", custody_type="immigration",
                           region_uz="andijan"),
    }
    return {"refs": refs, "one": one, "two": two,
            "boss": client_for(app, make_user("supervisor"))}


QUERIES = [
    ("q=иванов", {"ivanov"}),
    ("q=ИВАНОВ", {"ivanov"}),
    ("q=Иванов", {"ivanov"}),
    ("q=g'ulomov", {"gulomov"}),
    ("q=GʻULOMOV", {"gulomov"}),
    ("q=g’ulomov", {"gulomov"}),
    ("q=o'ktam", {"gulomov"}),
    ("q=дубинкой", {"ivanov"}),
    ("q=сизо-99", {"gulomov"}),
    ("q=228.1 ч.4", {"gulomov"}),
    ("q=kazan", {"ivanov"}),
    ("q=100%25", {"plain"}),
    ("q=%25", {"plain"}),
    ("q=_", {"plain"}),
    ("q=nothing+like+this", set()),
    ("status=collecting_documents", {"ivanov"}),
    ("status=intake", {"gulomov", "plain"}),
    ("custody_type=sizo", {"gulomov"}),
    ("region_ru=tatarstan", {"ivanov"}),
    ("region_uz=andijan", {"gulomov", "plain"}),
    ("military=pressured", {"ivanov"}),
    ("has_claims=yes", {"ivanov"}),
    ("has_claims=no", {"gulomov", "plain"}),
    ("owner=none", {"plain"}),
    ("region_uz=andijan&custody_type=sizo&q=gʻulomov", {"gulomov"}),
    ("status=bogus", set()),
    ("claim_type=beating", {"ivanov"}),
    ("claim_type=isolation", set()),
    ("claim_type=beating&has_claims=yes&q=иванов", {"ivanov"}),
]


def test_search_and_filters(world):
    # One world for every query: building it per query would cost a minute.
    names = {v: k for k, v in world["refs"].items()}
    found = {query: {names[r] for r in _refs(world["boss"], query)} for query, _ in QUERIES}
    assert found == dict(QUERIES)


def _opened(app, reference: str, when: datetime) -> None:
    with app.app_context():
        db.session.execute(db.update(Case).where(Case.reference == reference)
                           .values(created_at=when))
        db.session.commit()


def test_the_opened_period_counts_whole_days(app, world):
    refs = world["refs"]
    _opened(app, refs["ivanov"], datetime(2025, 3, 1, 0, 0))
    _opened(app, refs["gulomov"], datetime(2025, 3, 31, 23, 59))
    _opened(app, refs["plain"], datetime(2025, 4, 1, 0, 0))
    names = {v: k for k, v in refs.items()}
    queries = {
        "opened_from=2025-03-01&opened_to=2025-03-31": {"ivanov", "gulomov"},
        "opened_from=01.04.2025": {"plain"},
        "opened_to=2025-02-28": set(),
        "opened_to=2025-03-01": {"ivanov"},
        "opened_from=2025-03-02&claim_type=beating": set(),
    }
    for query, expected in queries.items():
        assert {names[r] for r in _refs(world["boss"], query)} == expected, query
    page = world["boss"].get("/cases?opened_from=01.04.2025").get_data(as_text=True)
    assert 'name="opened_from" value="2025-04-01"' in page


def test_an_unreadable_date_is_named_and_not_applied(world):
    response = world["boss"].get("/cases?opened_from=2025-13-45&opened_to=yesterday")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert page.count("This filter was not applied.") == 2
    assert 'aria-invalid="true" aria-describedby="filter-opened_from-error"' in page
    assert 'value="yesterday"' in page  # what was typed stays in the box
    assert len(_refs(world["boss"], "opened_from=2025-13-45")) == 3


def test_owner_filter_by_username(app, world):
    refs = _refs(world["boss"], f"owner={world['two'].username.upper()}")
    assert refs == [world["refs"]["gulomov"]]


def test_advocates_search_only_their_cases(app, world):
    client = client_for(app, world["one"])
    assert _refs(client, "") == [world["refs"]["ivanov"]]
    assert _refs(client, "q=gulomov") == []
    assert _refs(client, "region_uz=andijan") == []


def test_the_form_keeps_the_filters_of_the_url(world):
    page = world["boss"].get("/cases?q=иванов&custody_type=colony").get_data(as_text=True)
    assert 'value="иванов"' in page
    assert '<option value="colony" selected>' in page


def test_sorting(world):
    refs = sorted(world["refs"].values())
    assert _refs(world["boss"], "sort=reference") == refs
    assert _refs(world["boss"], "sort=-reference") == refs[::-1]
    assert _refs(world["boss"], "sort=nonsense") == _refs(world["boss"], "")


def test_pages_of_fifty_each_costing_two_queries(app, make_user):
    owner = make_user("advocate")
    made = [make_case(app, owner, label=f"Fictional {i}") for i in range(53)]
    client = client_for(app, make_user("supervisor"))
    first = _refs(client, "sort=reference")
    second = _refs(client, "sort=reference&page=2")
    assert first == made[:50]
    assert second == made[50:]
    page = client.get("/cases?sort=reference&page=2").get_data(as_text=True)
    assert "53 cases" in page
    assert '<a href="/cases?sort=reference" rel="prev">' in page
    assert _refs(client, "sort=reference&page=99") == made[50:]  # past the end: the last page
    assert len(_refs(client, "q=fictional")) == 50  # (SQLite: the first search looks for its index)
    with app.app_context():
        boss = db.session.execute(db.select(User).where(User.role == "supervisor")).scalar_one()
        statements = []
        listener = lambda *args: statements.append(args[2])  # noqa: E731
        event.listen(db.engine, "before_cursor_execute", listener)
        try:
            result = search.list_cases(boss, search.CaseFilter.from_args({"q": "fictional"}))
        finally:
            event.remove(db.engine, "before_cursor_execute", listener)
        assert result.total == 53
        assert len(result.cases) == 50
        assert len(statements) == 2


def test_postgresql_searches_through_a_trigram_index(app):
    with app.app_context():
        if db.engine.dialect.name != "postgresql":
            pytest.skip("PostgreSQL only: SQLite has its FTS5 table (test_case_fulltext.py)")
        names = db.session.execute(
            db.text("SELECT indexname FROM pg_indexes WHERE tablename = 'cases'")
        ).scalars().all()
        assert "ix_cases_search_text_trgm" in names
