"""The figures for partners: CSV and a one-page PDF, with small cells suppressed.

Only aggregates leave: counts by status, claim type, region, military status and outcome, and
median durations. No reference, initials, name, advocate or single case appears; needs attention
and the workload per advocate stay on the supervisor's screen. Every count from 1 to 4 is written
"<5", and a median taken over fewer than 5 cases is withheld, so that no individual can be
singled out. Totals are not exported: with a total, a withheld cell could be worked out by
subtracting the others.

That is not enough where every case is counted in exactly one row of a section (cases by
status, by region of custody, by military status): each such section adds up to the same
total, so one section without a small count gives the total away, and then a lone small count
in another section is that total minus the rest. In these sections a small count is therefore
withheld together with the smallest larger count, and both are written "*" (`protect`): the
reader learns only what the withheld counts add up to, never which one is small or its value.
"""

from __future__ import annotations

import csv
import io
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
#: Written for every count withheld in a section whose rows add up to the cohort (`protect`).
WITHHELD = "*"
#: The sections in which every case of the cohort is counted in exactly one row.
PARTITIONS = ("funnel", "custody_region", "military_status")
#: A median over fewer cases than this is withheld.
MIN_FOR_MEDIAN = 5
#: Regions shown one by one in the PDF (the rest are added up); the CSV lists them all.
PDF_REGIONS = 10
def suppress(count: int) -> str:
    """A count as exported: 0 stays 0, 1 to 4 become "<5", the rest are written out."""
    return SMALL if 1 <= count <= THRESHOLD else str(count)


def protect(counts: list[int]) -> list[str]:
    """The counts of a section whose rows add up to the cohort, as exported.

    Without a small count (1 to 4) they are written out. With one, every small count and the
    smallest larger count are written WITHHELD: the total is known from another section, so
    the reader can work out what the withheld counts add up to, but with a count of 5 or more
    among them not which is small, nor its value. A section with no larger count (a cohort of
    very few cases) withholds its small counts only.
    """
    texts = [str(c) for c in counts]
    small = [i for i, c in enumerate(counts) if 1 <= c <= THRESHOLD]
    if not small:
        return texts
    larger = [i for i, c in enumerate(counts) if c > THRESHOLD]
    partner = [min(larger, key=lambda i: (counts[i], i))] if larger else []
    for index in small + partner:
        texts[index] = WITHHELD
    return texts


def _protected(rows: list[ExportRow], counts: list[int]) -> list[ExportRow]:
    """Rows of a partition section with their counts replaced by `protect`'s."""
    return [ExportRow(r.section, r.key, r.label, text, r.median_days)
            for r, text in zip(rows, protect(counts), strict=True)]


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


def _breakdown(section: str, rows: list[Row], *, skip_empty: bool = False) -> list[ExportRow]:
    kept = [r for r in rows if r.count or not skip_empty]
    out = [ExportRow(section, r.key or "not_recorded", r.label, suppress(r.count)) for r in kept]
    if section in PARTITIONS:
        out = _protected(out, [r.count for r in kept])
    return out


def _funnel(figures: Figures) -> list[ExportRow]:
    rows = [ExportRow("funnel", s.status, s.label, suppress(s.count), median_text(s.median))
            for s in figures.funnel]
    return _protected(rows, [s.count for s in figures.funnel])


def export_rows(figures: Figures) -> list[ExportRow]:
    """The exported figures, in the order of the review page."""
    rows = _funnel(figures)
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
    counts = [r.count for r in shown]
    rest = figures.regions[PDF_REGIONS:]
    if rest:
        counts.append(sum(r.count for r in rest))
        rows.append(ExportRow("custody_region", "other", _("Other regions (%(n)s)", n=len(rest)),
                              suppress(counts[-1])))
    return _protected(rows, counts)


def funnel_chart(figures: Figures) -> str:
    """The funnel as an SVG chart with suppressed counts (a withheld count draws no bar)."""
    rows = []
    for stage, row in zip(figures.funnel, _funnel(figures), strict=True):
        withheld = row.count in (SMALL, WITHHELD)
        rows.append(ChartRow(stage.label, None if withheld else stage.count, row.count))
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
        generated=generated, funnel_svg=funnel_chart(figures), small=SMALL, withheld=WITHHELD,
        min_for_median=MIN_FOR_MEDIAN, lang=lang,
    )
    return render_pdf(html, title=_("Case review"), author="advocate", lang=lang)


__all__ = [
    "MIN_FOR_MEDIAN", "PARTITIONS", "SMALL", "WITHHELD", "ExportRow", "describe_filter",
    "export_rows", "funnel_chart", "median_text", "protect", "suppress", "to_csv", "to_pdf",
]
