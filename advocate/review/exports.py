"""The figures for partners: CSV and a one-page PDF, with small cells suppressed.

Only aggregates leave: counts by status, claim type, region, military status and outcome, and
median durations. No reference, initials, name, advocate or single case appears; needs attention
and the workload per advocate stay on the supervisor's screen. Every count from 1 to 4 is written
"<5", and a median taken over fewer than 5 cases is withheld, so that no individual can be
singled out. Totals are not exported: with a total, a withheld cell could be worked out by
subtracting the others.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

from flask import render_template
from flask_babel import get_locale
from flask_babel import gettext as _

from advocate.cases.search import UNASSIGNED
from advocate.letters.render import render_pdf
from advocate.review.charts import ChartRow, bar_chart
from advocate.review.filters import ReviewFilter
from advocate.review.queries import Figures, Row
from advocate.review.stages import Median
from advocate.spreadsheet import safe_cell

#: Counts from 1 to this are shown as SMALL.
THRESHOLD = 4
SMALL = "<5"
#: A median over fewer cases than this is withheld.
MIN_FOR_MEDIAN = 5
#: Regions shown one by one in the PDF (the rest are added up); the CSV lists them all.
PDF_REGIONS = 10
def suppress(count: int) -> str:
    """A count as exported: 0 stays 0, 1 to 4 become "<5", the rest are written out."""
    return SMALL if 1 <= count <= THRESHOLD else str(count)


def median_text(median: Median | None) -> str:
    """A median in days as exported: empty when there is none or it rests on too few cases."""
    if median is None or median.days is None or median.count < MIN_FOR_MEDIAN:
        return ""
    return f"{median.days:g}"


@dataclass(frozen=True)
class ExportRow:
    """One line of the export: section, item key, label, count and median days, as text."""

    section: str
    key: str
    label: str
    count: str
    median_days: str = ""


def _breakdown(section: str, rows: list[Row], *, skip_empty: bool = False) -> Iterator[ExportRow]:
    for row in rows:
        if skip_empty and not row.count:
            continue
        yield ExportRow(section, row.key or "not_recorded", row.label, suppress(row.count))


def export_rows(figures: Figures) -> list[ExportRow]:
    """The exported figures, in the order of the review page."""
    rows = [ExportRow("funnel", s.status, s.label, suppress(s.count), median_text(s.median))
            for s in figures.funnel]
    rows += [ExportRow("claims", c.key, c.label, suppress(c.claims)) for c in figures.claims]
    rows += [ExportRow("cases_with_claim", c.key, c.label, suppress(c.cases))
             for c in figures.claims]
    rows += _breakdown("custody_region", figures.regions, skip_empty=True)
    rows += _breakdown("military_status", figures.military)
    out = figures.outcomes
    rows += [
        ExportRow("outcome", "transferred", _("Transferred"), suppress(out.transferred)),
        ExportRow("outcome", "refused", _("Refused"), suppress(out.refused)),
        ExportRow("outcome", "refused_without_ground", _("Refused, no ground recorded"),
                  suppress(out.refused_without_ground)),
        ExportRow("outcome", "intake_to_application", _("Days from intake to application"),
                  "", median_text(out.to_application)),
        ExportRow("outcome", "intake_to_transfer", _("Days from intake to transfer"),
                  "", median_text(out.to_transfer)),
    ]
    rows += _breakdown("refusal_ground", out.grounds)
    return rows


def describe_filter(review_filter: ReviewFilter) -> list[tuple[str, str]]:
    """The filter as (label, value) pairs for the export's header."""
    from advocate.cases import regions_ru

    lang = str(get_locale() or "en")
    pairs = [(_("Cases opened from"), review_filter.start.isoformat() if review_filter.start
              else _("the beginning")),
             (_("Cases opened until"), review_filter.end.isoformat() if review_filter.end
              else _("today"))]
    if review_filter.region_ru:
        pairs.append((_("Region of custody"), regions_ru.name(review_filter.region_ru, lang)))
    if review_filter.owner == UNASSIGNED:
        pairs.append((_("Cases without an advocate"), _("yes")))
    elif review_filter.owner:
        pairs.append((_("Cases of one advocate"), _("yes")))
    return pairs


def to_csv(figures: Figures, review_filter: ReviewFilter) -> bytes:
    """The figures as CSV (UTF-8 with a BOM, so spreadsheets read the labels right)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(["section", "key", "label", "count", "median_days"])
    writer.writerow(["report", "generated_on", _("Generated on"), figures.today.isoformat(), ""])
    for index, (label, value) in enumerate(describe_filter(review_filter)):
        writer.writerow(["report", f"filter_{index + 1}", safe_cell(label), safe_cell(value), ""])
    for row in export_rows(figures):
        writer.writerow([row.section, row.key, safe_cell(row.label), row.count, row.median_days])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def _pdf_regions(figures: Figures) -> list[ExportRow]:
    shown = figures.regions[:PDF_REGIONS]
    rows = [ExportRow("custody_region", r.key, r.label, suppress(r.count)) for r in shown]
    rest = figures.regions[PDF_REGIONS:]
    if rest:
        rows.append(ExportRow("custody_region", "other", _("Other regions (%(n)s)", n=len(rest)),
                              suppress(sum(r.count for r in rest))))
    return rows


def funnel_chart(figures: Figures) -> str:
    """The funnel as an SVG chart with suppressed counts (a withheld count draws no bar)."""
    rows = []
    for stage in figures.funnel:
        text = suppress(stage.count)
        rows.append(ChartRow(stage.label, None if text == SMALL else stage.count, text))
    return bar_chart(_("Cases by status"), rows, chart_id="report-funnel", centred=True)


def to_pdf(figures: Figures, review_filter: ReviewFilter, generated: date) -> bytes:
    """The one-page report, rendered with the letters' WeasyPrint set-up and fonts."""
    rows = export_rows(figures)
    sections: dict[str, list[ExportRow]] = {}
    for row in rows:
        sections.setdefault(row.section, []).append(row)
    sections["custody_region"] = _pdf_regions(figures)
    sections["refusal_ground"] = [r for r in sections.get("refusal_ground", []) if r.count != "0"]
    lang = str(get_locale() or "en")
    html = render_template(
        "review/report.html", sections=sections, filters=describe_filter(review_filter),
        generated=generated, funnel_svg=funnel_chart(figures), small=SMALL,
        min_for_median=MIN_FOR_MEDIAN, lang=lang,
    )
    return render_pdf(html, title=_("Case review"), author="advocate", lang=lang)


__all__ = [
    "MIN_FOR_MEDIAN", "SMALL", "ExportRow", "describe_filter", "export_rows", "funnel_chart",
    "median_text", "suppress", "to_csv", "to_pdf",
]
