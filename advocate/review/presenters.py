"""What the review page shows beside the figures: its charts (each with the rows of its table)
and the choices of its filter form. No queries of figures here; see `queries`."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from flask import url_for
from flask_babel import gettext as _
from markupsafe import Markup

from advocate.review.charts import ChartRow, bar_chart
from advocate.review.filters import ReviewFilter
from advocate.review.queries import Figures, Row

#: Regions drawn one by one; the rest are added up in one bar.
CHART_REGIONS = 15


@dataclass(frozen=True)
class Chart:
    """A chart and the rows its table shows: the same numbers, drawn and written."""

    key: str
    title: str
    svg: Markup
    rows: list[ChartRow]


def _chart(key: str, title: str, rows: Sequence[ChartRow], *, centred: bool = False) -> Chart:
    return Chart(key, title, bar_chart(title, rows, chart_id=f"chart-{key}", centred=centred),
                 list(rows))


def _counted(rows: Sequence[Row]) -> list[ChartRow]:
    return [ChartRow(r.label, r.count, str(r.count), r.key or None) for r in rows]


def region_rows(regions: Sequence[Row]) -> list[ChartRow]:
    """The largest regions one by one, the others added up."""
    rows = _counted(regions[:CHART_REGIONS])
    rest = regions[CHART_REGIONS:]
    if rest:
        total = sum(r.count for r in rest)
        rows.append(ChartRow(_("Other regions (%(n)s)", n=len(rest)), total, str(total)))
    return rows


def charts(figures: Figures) -> dict[str, Chart]:
    """The page's charts by key: funnel, claims, regions, military, refusal grounds."""
    out = figures.outcomes
    return {
        "funnel": _chart("funnel", _("Cases by status"),
                         [ChartRow(s.label, s.count, str(s.count), s.status)
                          for s in figures.funnel], centred=True),
        "claims": _chart("claims", _("Coercion claims by type"),
                         [ChartRow(c.label, c.claims, str(c.claims), c.key)
                          for c in figures.claims]),
        "regions": _chart("regions", _("Cases by region of custody"),
                          region_rows(figures.regions)),
        "military": _chart("military", _("Military-recruitment status"),
                           _counted(figures.military)),
        "grounds": _chart("grounds", _("Refusals by ground"),
                          _counted([g for g in out.grounds if g.count])),
    }


def case_links(review_filter: ReviewFilter, *, period: bool = True
               ) -> Callable[[str], Callable[[str], str]]:
    """`links(param)(value)`: the case list filtered like the review and by param=value
    (without the period for the figures about today, such as the workload)."""

    def links(param: str) -> Callable[[str], str]:
        def url(value: str) -> str:
            args = review_filter.case_list_args(period=period, **{param: value})
            return url_for("cases.index", **args)

        return url

    return links


__all__ = ["CHART_REGIONS", "Chart", "case_links", "charts", "region_rows"]
