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

from sqlalchemy import func, select

from advocate.auth.models import User
from advocate.cases import regions_ru
from advocate.cases.models import Case
from advocate.cases.search import UNASSIGNED
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
        if period and self.start:
            conds.append(Case.created_at >= datetime.combine(self.start, time.min))
        if period and self.end:
            conds.append(Case.created_at < datetime.combine(self.end + timedelta(days=1),
                                                            time.min))
        return conds

    def args(self) -> dict[str, str]:
        """The query string of this filter (for links between review pages and exports)."""
        values = {"owner": self.owner, "region_ru": self.region_ru,
                  "from": self.start.isoformat() if self.start else "",
                  "to": self.end.isoformat() if self.end else ""}
        return {k: v for k, v in values.items() if v}

    def case_list_args(self, **extra: str) -> dict[str, str]:
        """The parameters of the case list (`/cases`) for this filter plus `extra`."""
        values = {"owner": self.owner, "region_ru": self.region_ru, **extra}
        return {k: v for k, v in values.items() if v}


__all__ = ["ReviewFilter"]
