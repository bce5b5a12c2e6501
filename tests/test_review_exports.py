"""Exports for partners: small cells suppressed, nothing that identifies a case, one PDF page."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta

import pypdf
import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import select

from advocate.audit.models import AuditEvent
from advocate.extensions import db
from advocate.review import exports
from advocate.review.stages import Median

from .test_review_support import D0, client_for, new_case, record_refusal

pytest_plugins = ["tests.test_review_support"]


@pytest.mark.parametrize(("count", "shown"), [
    (0, "0"), (1, "<5"), (2, "<5"), (3, "<5"), (4, "<5"), (5, "5"), (6, "6"), (1234, "1234")])
def test_suppress(count, shown):
    assert exports.suppress(count) == shown


def test_medians_over_few_cases_are_withheld():
    assert exports.median_text(Median(12.5, 4)) == ""
    assert exports.median_text(Median(12.5, 5)) == "12.5"
    assert exports.median_text(Median(None, 0)) == ""
    assert exports.median_text(None) == ""


@pytest.fixture
def cohort(review_app, people, log_clock) -> dict[str, str]:
    """Six cases in Tatarstan (five with a beating claim), three in Moscow, one refused."""
    refs = {}
    for i in range(6):
        refs[f"t{i}"], _ = new_case(review_app, people["adv1"], clock_=log_clock,
                                    region_ru="tatarstan", initials="Z.Q.",
                                    label="QUIETLABEL", military_status="pressured",
                                    claims=["beating"] if i else [],
                                    steps=[(10 + i, "verifying_identity")])
    for i in range(3):
        refs[f"m{i}"], _ = new_case(review_app, people["adv2"], clock_=log_clock,
                                    region_ru="moscow_city", claims=["isolation"])
    refs["r"], _ = new_case(review_app, people["adv2"], clock_=log_clock, region_ru="moscow_city",
                            steps=[(1, "verifying_identity"), (2, "collecting_documents"),
                                   (3, "awaiting_consent"), (4, "ready_to_apply"),
                                   (5, "applied"), (6, "refused")])
    record_refusal(review_app, refs["r"], ["not_a_crime"], D0 + timedelta(days=6))
    return refs


def _csv(client, query: str = "") -> dict[tuple[str, str], list[str]]:
    response = client.get(f"/review/export.csv{query}")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    text = response.get_data().decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert rows[0] == ["section", "key", "label", "count", "median_days"]
    return {(r[0], r[1]): r[2:] for r in rows[1:]}


def test_csv_suppresses_small_counts(review_app, people, cohort):
    rows = _csv(client_for(review_app, people["supervisor"]))
    # Sections that count every case once: the small count and the smallest larger one are
    # both withheld ("*"), so the total (10 here) does not give the small one away.
    assert rows[("custody_region", "tatarstan")][1] == "*"  # 6, the partner
    assert rows[("custody_region", "moscow_city")][1] == "*"  # 4 cases
    assert rows[("funnel", "verifying_identity")][1] == "*"  # 6, the partner
    assert rows[("funnel", "intake")][1] == "*"  # 3
    assert rows[("funnel", "refused")][1] == "*"  # 1
    assert rows[("funnel", "applied")][1] == "0"
    assert rows[("military_status", "pressured")][1] == "*"  # 6 beside 4 of another status
    # Sections that do not add up to the cohort keep "<5".
    assert rows[("claims", "beating")][1] == "5"
    assert rows[("claims", "isolation")][1] == "<5"  # 3
    assert rows[("claims", "other")][1] == "0"
    assert rows[("outcome", "refused")][1] == "<5"
    assert rows[("refusal_ground", "not_a_crime")][1] == "<5"
    # Medians: intake stays of the six Tatarstan cases (10..15 days) plus the refused case's
    # one day and three Moscow cases still in intake (100 days): 10 values, median 13.5.
    assert rows[("funnel", "intake")][2] == "13.5"
    assert rows[("outcome", "intake_to_application")][2] == ""  # one case only
    counts = [r[1] for key, r in rows.items() if key[0] not in ("report", "outcome")
              or key[1] in ("transferred", "refused", "refused_without_ground")]
    assert not {"1", "2", "3", "4"} & set(counts)


@pytest.mark.parametrize(("counts", "shown"), [
    ([10, 7, 0, 5], ["10", "7", "0", "5"]),
    ([10, 7, 0, 3], ["10", "*", "0", "*"]),
    ([10, 7, 2, 3], ["10", "*", "*", "*"]),
    ([5, 5, 1], ["*", "5", "*"]),
    ([3, 1, 0], ["*", "*", "0"]),
    ([], []),
])
def test_protect_withholds_a_partner_beside_small_counts(counts, shown):
    assert exports.protect(counts) == shown


@given(st.lists(st.integers(min_value=0, max_value=12), min_size=1, max_size=8))
def test_no_small_count_can_be_worked_out_from_the_total(counts):
    """The reader knows the total (another section gives it) and every count shown."""
    shown = exports.protect(counts)
    withheld = [c for c, text in zip(counts, shown, strict=True) if text == exports.WITHHELD]
    assert all(text == exports.WITHHELD for c, text in zip(counts, shown, strict=True)
               if 1 <= c <= exports.THRESHOLD)
    assert all(text == str(c) for c, text in zip(counts, shown, strict=True)
               if text != exports.WITHHELD)
    if withheld and any(c > exports.THRESHOLD for c in counts):
        # What the withheld counts add up to is known; each is at least 1. Every withheld count
        # could then be anything from 1 to (sum - others): never a single value, and a small
        # one could as well be 5 or more.
        most = sum(withheld) - (len(withheld) - 1)
        assert len(withheld) >= 2
        assert most > exports.THRESHOLD


def test_csv_carries_no_identity_and_no_totals(review_app, people, cohort):
    client = client_for(review_app, people["supervisor"])
    text = client.get("/review/export.csv").get_data().decode("utf-8")
    for reference in cohort.values():
        assert reference not in text
    for private in ("Z.Q.", "QUIETLABEL", "adv1", "adv2", "chief"):
        assert private not in text
    assert "total" not in text.lower()
    narrowed = client.get("/review/export.csv?owner=adv1").get_data().decode("utf-8")
    assert "adv1" not in narrowed
    assert "Cases of one advocate" in narrowed
    unassigned = client.get("/review/export.csv?owner=none").get_data().decode("utf-8")
    assert "Cases without an advocate" in unassigned


def test_csv_applies_the_filters(review_app, people, cohort):
    rows = _csv(client_for(review_app, people["supervisor"]), "?region_ru=tatarstan")
    assert ("custody_region", "moscow_city") not in rows
    assert rows[("claims", "isolation")][1] == "0"
    assert rows[("report", "filter_3")] == ["Region of custody", "Tatarstan", ""]


def test_csv_cells_cannot_run_as_formulas(review_app, people, cohort, monkeypatch):
    # No user text reaches this export today (labels are ours, the advocate is not named);
    # a label that ever begins like a formula must still arrive as text.
    monkeypatch.setattr(exports, "describe_filter", lambda _f: [("=HYPERLINK(1)", "+1")])
    rows = _csv(client_for(review_app, people["supervisor"]))
    assert rows[("report", "filter_1")][:2] == ["'=HYPERLINK(1)", "'+1"]


def test_pdf_report_is_one_page_with_suppressed_figures(review_app, people, cohort):
    client = client_for(review_app, people["supervisor"])
    response = client.get("/review/report.pdf")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    reader = pypdf.PdfReader(io.BytesIO(response.get_data()))
    assert len(reader.pages) == 1
    text = reader.pages[0].extract_text()
    assert "Case review" in text
    assert "Tatarstan" in text
    assert "<5" in text
    assert "both shown as *" in " ".join(text.split())
    region_lines = [line for line in text.splitlines() if "Tatarstan" in line or "Moscow" in line]
    assert len(region_lines) == 2
    assert all(line.rstrip().endswith("*") for line in region_lines)  # 6 and 4 cases withheld
    for reference in cohort.values():
        assert reference not in text
    for private in ("Z.Q.", "QUIETLABEL", "adv1", "adv2"):
        assert private not in text


def test_pdf_fits_one_page_with_every_region(review_app, people):
    from advocate.cases import regions_ru

    for code in sorted(regions_ru.CODES)[:40]:
        new_case(review_app, people["adv1"], region_ru=code)
    response = client_for(review_app, people["supervisor"]).get("/review/report.pdf")
    reader = pypdf.PdfReader(io.BytesIO(response.get_data()))
    assert len(reader.pages) == 1
    assert "Other regions (30)" in reader.pages[0].extract_text()


def test_exports_are_recorded(review_app, people, cohort):
    client = client_for(review_app, people["supervisor"])
    client.get("/review/export.csv?region_ru=tatarstan&from=2026-01-01")
    client.get("/review/report.pdf")
    with review_app.app_context():
        found = db.session.execute(select(AuditEvent).where(
            AuditEvent.action == "review.export").order_by(AuditEvent.id)).scalars().all()
        assert [e.reason for e in found] == ["csv", "pdf"]
        assert found[0].changes_dict == {"region_ru": [None, "tatarstan"],
                                         "from": [None, date(2026, 1, 1).isoformat()]}
        assert found[0].actor_name == "chief"
