"""The cases one computation of the review looks at, and how other tables select theirs.

Figures over other tables (claims, stage spans) keep the rows of the cohort's cases by
`case_id IN (the cohort's ids)`. SQLite builds that list of ids afresh for every query: about
20 ms for an advocate's 50,000 cases, four times per computation. On SQLite the ids are therefore
written once into a temporary table of the connection (`temp.review_cohort`, its integer primary
key the index the queries seek), emptied before it is filled and again when the computation ends.
A temporary table is private to its connection and a request uses one connection, so no other
request can see the ids; writing to it needs no lock on the database file, so a page view's
read transaction may fill it. PostgreSQL hashes the subquery once per query itself: there, and
without conditions (every case), the ids stay a subquery.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Column, Integer, MetaData, Table, delete, func, insert, select

from advocate.cases.models import Case
from advocate.extensions import db

#: The connection's temporary table of ids (never part of the application's metadata).
TABLE = Table("review_cohort", MetaData(), Column("id", Integer, primary_key=True), schema="temp")
_CREATE = "CREATE TEMP TABLE IF NOT EXISTS review_cohort (id INTEGER PRIMARY KEY)"
#: Key in the connection's info while its table holds a cohort (a nested computation must not
#: empty it under the outer one).
_IN_USE = "review_cohort_in_use"


@dataclass(frozen=True)
class Cohort:
    """Conditions on Case, and (when materialised) the table holding their cases' ids."""

    conditions: tuple[Any, ...]
    materialised: bool = False
    size: int | None = None

    def ids(self) -> Any:
        """A subquery of the cohort's case ids."""
        if self.materialised:
            return select(TABLE.c.id)
        return select(Case.id).where(*self.conditions)

    def of(self, column: Any) -> list[Any]:
        """`column IN (the cohort's ids)`, or nothing when the cohort is every case.

        A semi-join on the ids: the database lists them once, where a join on the cases would
        read the (wide) case row of every span or claim.
        """
        return [column.in_(self.ids())] if self.conditions else []

    def scoped(self, query: Any, column: Any, rows: Any) -> Any:
        """`query` kept to the cohort's rows of a table: its `column` holds the case id, `rows`
        is its integer primary key.

        SQLite seeks the rows of each id in the cohort (the plan `of` gets); once the cohort
        holds more ids than about a quarter of the table's rows, reading the table's index
        whole and looking each row's case up in the cohort costs less (measured on claims at
        100,000 cases: 20 -> 12 ms for an advocate's 50,000), and a join on the ids is planned so.
        """
        if self.materialised and self.size and self.size * WHOLE_TABLE > _row_estimate(rows):
            return query.join(TABLE, TABLE.c.id == column)
        return query.where(*self.of(column))


#: A materialised cohort larger than 1/WHOLE_TABLE of a table's rows is joined (see `scoped`).
WHOLE_TABLE = 4


def _row_estimate(rows: Any) -> int:
    """About how many rows a table has: its highest id (one index lookup; ids only grow)."""
    return int(db.session.execute(select(func.max(rows))).scalar() or 0)


def plain(conditions: Sequence[Any]) -> Cohort:
    """The cohort of these conditions with its ids as a subquery (nothing written)."""
    return Cohort(tuple(conditions))


@contextmanager
def materialised(conditions: Sequence[Any]) -> Iterator[Cohort]:
    """The cohort of these conditions, its ids in `temp.review_cohort` on SQLite until the end."""
    conds = tuple(conditions)
    connection = db.session.connection()
    if not conds or connection.dialect.name != "sqlite" or connection.info.get(_IN_USE):
        yield plain(conds)
        return
    connection.exec_driver_sql(_CREATE)
    connection.execute(delete(TABLE))  # whatever an interrupted computation left
    size = connection.execute(
        insert(TABLE).from_select(["id"], select(Case.id).where(*conds).order_by(Case.id))).rowcount
    info = connection.info
    info[_IN_USE] = True
    try:
        yield Cohort(conds, materialised=True, size=size)
    finally:
        info.pop(_IN_USE, None)
        if not connection.closed and connection.in_transaction():
            connection.execute(delete(TABLE))


__all__ = ["TABLE", "Cohort", "materialised", "plain"]
