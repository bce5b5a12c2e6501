"""The review's filters, read from the URL: advocate (owner), region of Russia, and period.

The owner and region use the case list's own parameter names (`owner`, `region_ru`), so a link
from a section to `/cases` carries them unchanged. The period (`from`, `to`, inclusive dates)
selects the cases opened in it: the funnel, claims, regions, military status and outcomes describe
that cohort; needs attention and workload are about today and ignore it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import false, func, select

from advocate import clock
from advocate.auth.models import User
from advocate.cases import regions_ru
from advocate.cases.models import Case
from advocate.cases.search import UNASSIGNED
from advocate.extensions import db
from advocate.fields import parse_flexible_date


def _date(value: str | None) -> date | None:
    try:
        return parse_flexible_date(value or "")
    except ValueError:
        return None


@dataclass(frozen=True)
class ReviewFilter:
    """Which cases the review looks at."""

    owner: str = ""
    region_ru: str = ""
    start: date | None = None
    end: date | None = None

    @classmethod
    def from_args(cls, args: Mapping[str, str]) -> ReviewFilter:
        """Read the query string; unknown regions and unreadable dates are ignored."""
        owner = (args.get("owner") or "").strip().lower()
        region = (args.get("region_ru") or "").strip()
        start, end = _date(args.get("from")), _date(args.get("to"))
        if start and end and end < start:
            start, end = end, start
        return cls(owner=owner[:64], region_ru=region if region in regions_ru.CODES else "",
                   start=start, end=end)

    @property
    def has_period(self) -> bool:
        """Whether a period narrows the cohort."""
        return self.start is not None or self.end is not None

    @property
    def key(self) -> tuple[Any, ...]:
        """A hashable identity of the filter (for the figures cache)."""
        return (self.owner, self.region_ru, self.start, self.end)

    def conditions(self, *, period: bool = True) -> list[Any]:
        """SQL conditions on Case; without `period` the dates are left out."""
        conds: list[Any] = []
        owner = self.owner.lower()
        if owner == UNASSIGNED:
            conds.append(Case.owner_id.is_(None))
        elif owner:
            # Through the user's id (one indexed lookup), not a join on every case.
            owner_id = select(User.id).where(func.lower(User.username) == owner)
            conds.append(Case.owner_id == owner_id.scalar_subquery())
        if self.region_ru:
            conds.append(Case.region_ru == self.region_ru)
        start, end = self._bounds()
        if period and start is not None:
            conds.append(Case.created_at >= start)
        if period and end is not None:
            conds.append(Case.created_at < end)
        return conds

    def _bounds(self) -> tuple[datetime | None, datetime | None]:
        """The period as [from, to) datetimes on `Case.created_at` (None: unbounded)."""
        start = datetime.combine(self.start, time.min) if self.start else None
        end = datetime.combine(self.end + timedelta(days=1), time.min) if self.end else None
        return start, end

    def cohort(self, *, period: bool = True) -> list[Any]:
        """The same cases as `conditions`, in conditions that are cheaper to ask many times.

        The owner's id is looked up once (a literal, instead of a subquery in every figure's
        query), and a period bound that leaves out no case is dropped (the default view's year
        usually covers every case): the cases selected are exactly the same. A bound is only
        dropped while it lies on the right side of now, so a case opened meanwhile (created now)
        would have been selected by it too.
        """
        conds: list[Any] = []
        owner = self.owner.lower()
        if owner == UNASSIGNED:
            conds.append(Case.owner_id.is_(None))
        elif owner:
            owner_id = db.session.execute(
                select(User.id).where(func.lower(User.username) == owner)).scalar()
            conds.append(Case.owner_id == owner_id if owner_id is not None else false())
        if self.region_ru:
            conds.append(Case.region_ru == self.region_ru)
        if not period:
            return conds
        start, end = self._bounds()
        now = clock.utcnow()
        if start is not None and (start > now or _any_case(Case.created_at < start)):
            conds.append(Case.created_at >= start)
        if end is not None and (end <= now or _any_case(Case.created_at >= end)):
            conds.append(Case.created_at < end)
        return conds

    def args(self) -> dict[str, str]:
        """The query string of this filter (for links between review pages and exports)."""
        values = {"owner": self.owner, "region_ru": self.region_ru,
                  "from": self.start.isoformat() if self.start else "",
                  "to": self.end.isoformat() if self.end else ""}
        return {k: v for k, v in values.items() if v}

    def case_list_args(self, *, period: bool = True, **extra: str) -> dict[str, str]:
        """The parameters of the case list (`/cases`) for this filter plus `extra`; the
        period as the days the cases were opened (the same cases: whole days, both ends in)."""
        values = {"owner": self.owner, "region_ru": self.region_ru, **extra}
        if period:
            values["opened_from"] = self.start.isoformat() if self.start else ""
            values["opened_to"] = self.end.isoformat() if self.end else ""
        return {k: v for k, v in values.items() if v}


def _any_case(condition: Any) -> bool:
    """Whether some case meets this condition on its creation time (one index lookup)."""
    return db.session.execute(select(Case.id).where(condition).limit(1)).first() is not None


__all__ = ["ReviewFilter"]
