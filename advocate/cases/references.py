"""Case references `ADV-YYYY-NNNN`: allocated from a per-year counter, never from identity.

The counter row is bumped with one INSERT ... ON CONFLICT DO UPDATE ... RETURNING statement, so
two transactions creating cases at once on PostgreSQL queue on the row lock and get different
numbers; on SQLite the write transaction already serialises writers.
"""

from __future__ import annotations

import re

from sqlalchemy import case as sql_case
from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite

from advocate.cases.models import Case, CaseReferenceCounter
from advocate.clock import today
from advocate.extensions import db

PREFIX = "ADV"
REFERENCE_RE = re.compile(r"ADV-(\d{4})-(\d{4,7})", re.ASCII)


def format_reference(year: int, number: int) -> str:
    """ADV-2026-0042."""
    return f"{PREFIX}-{year}-{number:04d}"


def parse_reference(text: str) -> tuple[int, int] | None:
    """(year, number) of a well-formed reference, else None."""
    match = REFERENCE_RE.fullmatch(text)
    if not match or int(match.group(2)) == 0:
        return None
    return int(match.group(1)), int(match.group(2))


def _insert():
    dialect = db.session.get_bind().dialect.name
    return (postgresql if dialect == "postgresql" else sqlite).insert(CaseReferenceCounter)


def _bump(year: int, by: int) -> int:
    """Add `by` to the year's counter and return the new last number."""
    table = CaseReferenceCounter.__table__
    stmt = _insert().values(year=year, last=by)
    stmt = stmt.on_conflict_do_update(
        index_elements=[table.c.year], set_={"last": table.c.last + by}
    ).returning(table.c.last)
    return int(db.session.execute(stmt).scalar_one())


def _taken(reference: str) -> bool:
    return db.session.execute(
        select(Case.id).where(Case.reference == reference)
    ).first() is not None


def allocate(year: int | None = None) -> str:
    """A fresh reference for this year, never used before."""
    year = year or today().year
    while True:
        reference = format_reference(year, _bump(year, 1))
        # Every kept reference moves the counter past it (`claim`), so a taken number means a
        # row written outside the operations; skipping it keeps allocation safe regardless.
        if not _taken(reference):
            return reference


def allocate_many(count: int, year: int | None = None) -> list[str]:
    """`count` fresh references in one counter update (bulk demo data)."""
    year = year or today().year
    last = _bump(year, count)
    candidates = [format_reference(year, n) for n in range(last - count + 1, last + 1)]
    taken = set(
        db.session.execute(
            select(Case.reference).where(Case.reference.like(f"{PREFIX}-{year}-%"))
        ).scalars()
    )
    references = [r for r in candidates if r not in taken]
    while len(references) < count:
        references.append(allocate(year))
    return references


def claim(reference: str) -> None:
    """Note that an imported reference is in use, so the counter never hands it out again."""
    parsed = parse_reference(reference)
    if parsed is None:
        return
    year, number = parsed
    table = CaseReferenceCounter.__table__
    stmt = _insert().values(year=year, last=number)
    stmt = stmt.on_conflict_do_update(
        index_elements=[table.c.year],
        set_={"last": sql_case((table.c.last < number, number), else_=table.c.last)},
    )
    db.session.execute(stmt)
