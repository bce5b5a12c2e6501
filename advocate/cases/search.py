"""The case list: visibility, filters from the URL, text search, sorting and pages.

Text search reads `Case.search_text`, kept by the operations as the folded text of the reference,
label, facility, court, articles, notes and claim narratives. Folding happens in Python
(`fold`), identically for the stored text and the query, because SQLite's LIKE and lower() fold
ASCII only ('Иванов' LIKE 'иванов' is false there); the query is then a plain LIKE on both
databases. Each page costs two queries: the count and the rows.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import false, func, or_, select, true
from sqlalchemy.orm import contains_eager

from advocate import policy
from advocate.auth.models import User
from advocate.cases import fulltext
from advocate.cases.models import Case, Claim, case_collaborators
from advocate.extensions import db
from advocate.fields import parse_flexible_date
from advocate.web import page_number

PAGE_SIZE = 50
# Uzbek Latin oʻ/gʻ and the tutuq belgisi are typed with any of these; one form makes them match.
_APOSTROPHES = re.compile("[\u02bb\u02bc\u2018\u2019\u0060\u00b4\u02b9\u2032']")
_SPACES = re.compile(r"\s+")

#: sort key in the URL -> (column, descending by default)
SORTS: Mapping[str, Any] = {
    "activity": Case.last_activity_at,
    "reference": Case.reference,
    "status": Case.status,
    "updated": Case.updated_at,
    "created": Case.created_at,
    "arrest": Case.arrest_date,
}
DEFAULT_SORT = "-activity"
#: URL filter parameter -> Case column matched for equality.
EQUALITY_FILTERS: Mapping[str, Any] = {
    "status": Case.status,
    "custody_type": Case.custody_type,
    "region_ru": Case.region_ru,
    "region_uz": Case.region_uz,
    "military": Case.military_status,
}
FILTER_KEYS = ("q", *EQUALITY_FILTERS, "owner", "has_claims", "claim_type",
               "opened_from", "opened_to")
#: Date filters on the day a case was opened (inclusive on both ends).
DATE_FILTERS = ("opened_from", "opened_to")
#: The `owner` filter value for cases nobody owns.
UNASSIGNED = "none"


def fold(text: str | None) -> str:
    """Text folded for matching: NFC, case-folded, ё as е, one apostrophe, single spaces."""
    if not text:
        return ""
    text = unicodedata.normalize("NFC", text).casefold().replace("ё", "е")
    text = _APOSTROPHES.sub("'", text)
    return _SPACES.sub(" ", text).strip()


def build_search_text(case: Case, notes: Iterable[str], narratives: Iterable[str]) -> str:
    """The stored search text of a case."""
    parts = [case.reference, case.label, case.facility_name, case.court, case.articles,
             *narratives, *notes]
    return "\n".join(fold(p) for p in parts if p)


def _on_sqlite() -> bool:
    return db.session.get_bind().dialect.name == "sqlite"


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def visible_to(user: Any) -> Any:
    """The SQL condition for the cases a user may see (none for anyone without case access)."""
    if policy.can_see_all_cases(user):
        return true()
    if not policy.can_list_cases(user):
        return false()
    collaborating = select(case_collaborators.c.case_id).where(
        case_collaborators.c.user_id == user.id
    )
    return or_(Case.owner_id == user.id, Case.id.in_(collaborating))


@dataclass
class CaseFilter:
    """The list's filters, sort and page as read from the URL."""

    values: dict[str, str] = field(default_factory=dict)
    sort: str = DEFAULT_SORT
    page: int = 1
    #: The days of the date filters, read from `values`.
    dates: dict[str, date] = field(default_factory=dict)
    #: Filter key -> why its value was ignored (an unreadable date), shown on the page.
    problems: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_args(cls, args: Mapping[str, str]) -> CaseFilter:
        """Read the query string, ignoring unknown keys and bad values (dates say why)."""
        values = {k: args.get(k, "").strip() for k in FILTER_KEYS if args.get(k, "").strip()}
        sort = args.get("sort", DEFAULT_SORT)
        if sort.lstrip("-") not in SORTS:
            sort = DEFAULT_SORT
        dates: dict[str, date] = {}
        problems: dict[str, str] = {}
        for key in DATE_FILTERS:
            try:
                day = parse_flexible_date(values.get(key, ""))
            except ValueError as exc:
                problems[key] = str(exc)
                continue
            if day is not None:
                dates[key] = day
        return cls(values=values, sort=sort, page=page_number(args), dates=dates,
                   problems=problems)

    def args(self, **overrides: Any) -> dict[str, Any]:
        """The query-string arguments of this filter with some replaced (for links)."""
        result: dict[str, Any] = {**self.values, "sort": self.sort, "page": self.page}
        result.update(overrides)
        return {k: v for k, v in result.items() if v not in (None, "", 1) or k == "sort"}

    def conditions(self) -> list[Any]:
        """The WHERE conditions of the filters."""
        conds: list[Any] = []
        for key, column in EQUALITY_FILTERS.items():
            if key in self.values:
                conds.append(column == self.values[key])
        owner = self.values.get("owner")
        if owner == UNASSIGNED:
            conds.append(Case.owner_id.is_(None))
        elif owner:
            # A scalar subquery (one user id) lets the database use the owner_id index.
            owner_id = select(User.id).where(func.lower(User.username) == owner.lower())
            conds.append(Case.owner_id == owner_id.scalar_subquery())
        claim_type = self.values.get("claim_type")
        if claim_type:
            conds.append(Case.id.in_(select(Claim.case_id).where(Claim.type == claim_type)))
        conds += self._period()
        has_claims = self.values.get("has_claims")
        if has_claims == "yes":
            conds.append(Case.claim_count > 0)
        elif has_claims == "no":
            conds.append(Case.claim_count == 0)
        query = fold(self.values.get("q"))
        if query:
            conds.append(Case.search_text.like(f"%{_escape_like(query)}%", escape="\\"))
            # SQLite: the trigram index finds the candidates; the LIKE above decides.
            ids = (fulltext.matching_ids(query)
                   if _on_sqlite() and fulltext.present(db.session) else None)
            if ids is not None:
                conds.append(Case.id.in_(ids))
        return conds

    def _period(self) -> list[Any]:
        """Opened on or after `opened_from` and on or before `opened_to` (whole days, UTC)."""
        conds = []
        if "opened_from" in self.dates:
            conds.append(Case.created_at >= datetime.combine(self.dates["opened_from"], time.min))
        if "opened_to" in self.dates:
            end = datetime.combine(self.dates["opened_to"] + timedelta(days=1), time.min)
            conds.append(Case.created_at < end)
        return conds

    def order_by(self) -> list[Any]:
        """ORDER BY: the chosen column, then id so pages never overlap."""
        column = SORTS[self.sort.lstrip("-")]
        if self.values.get("q") and _on_sqlite():
            # A text search keeps few rows; walking the sort column's index to find them would
            # visit every case (SQLite: 4x slower), so hide the index and sort the matches.
            # Not on PostgreSQL: there the trigram index finds the rows and the planner
            # chooses well; the trick turned a 0.3 ms index walk into a 145 ms sort.
            column = func.coalesce(column, column)
        if self.sort.startswith("-"):
            return [column.desc(), Case.id.desc()]
        return [column.asc(), Case.id.asc()]


@dataclass
class CasePage:
    """One page of the list."""

    cases: list[Case]
    total: int
    page: int
    pages: int


def list_cases(user: Any, case_filter: CaseFilter) -> CasePage:
    """The page of cases this user may see that match the filter; two queries."""
    where = [visible_to(user), *case_filter.conditions()]
    # count(*), not count(id): PostgreSQL then answers from an index alone (3–7 ms, not 40–63)
    total = db.session.execute(select(func.count()).select_from(Case).where(*where)).scalar_one()
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(case_filter.page, pages)
    # The page's ids first, from the indexes alone; then those 50 rows with their owners.
    # Without the subquery, deep pages would read (and join) every skipped row.
    page_ids = (
        select(Case.id).where(*where).order_by(*case_filter.order_by())
        .limit(PAGE_SIZE).offset((page - 1) * PAGE_SIZE)
    ).subquery()
    rows = db.session.execute(
        select(Case)
        .outerjoin(Case.owner)
        .options(contains_eager(Case.owner))
        .where(Case.id.in_(select(page_ids.c.id)))
        .order_by(*case_filter.order_by())
    ).scalars().all()
    return CasePage(cases=list(rows), total=total, page=page, pages=pages)
