"""The review pages: access, charts (well-formed SVG whose table has the same numbers), links to
the filtered case list, refusal grounds on the case page, and the memo."""

from __future__ import annotations

import html as html_lib
import re
import xml.etree.ElementTree as ET
from datetime import date, timedelta
from typing import Any

import pytest
from sqlalchemy import func, select

from advocate.audit.models import AuditEvent
from advocate.extensions import db
from advocate.review.charts import ChartRow, bar_chart
from advocate.review.models import RefusalGround

from .test_review_support import TODAY, client_for, new_case

pytest_plugins = ["tests.test_review_support"]

SVG = "{http://www.w3.org/2000/svg}"
REVIEW_URLS = ("/review", "/review/letters", "/review/export.csv", "/review/report.pdf")


@pytest.fixture
def some_cases(review_app, people) -> dict[str, str]:
    """Seven cases in Tatarstan under adv1, two in Moscow under adv2, with claims."""
    refs = {}
    for i in range(7):
        refs[f"t{i}"], _ = new_case(review_app, people["adv1"], region_ru="tatarstan",
                                    military_status="pressured",
                                    claims=["beating"] if i < 3 else [])
    for i in range(2):
        refs[f"m{i}"], _ = new_case(review_app, people["adv2"], region_ru="moscow_city",
                                    status="verifying_identity", claims=["isolation"])
    return refs


@pytest.mark.parametrize("who", ["adv1", "admin", "supervisor_admin", "supervisor"])
def test_review_access(review_app, people, who):
    client = client_for(review_app, people[who])
    allowed = who in ("supervisor", "supervisor_admin")
    for url in REVIEW_URLS:
        assert client.get(url).status_code == (200 if allowed else 403), url
    # Needs-attention lists: supervisors and advocates; an administrator who does no case work
    # has no cases to list.
    expected = 403 if who == "admin" else 200
    assert client.get("/review/attention/overdue").status_code == expected


def test_logged_out_is_sent_to_the_login(review_app):
    response = review_app.test_client().get("/review")
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


def test_nav_link_only_for_supervisors(review_app, people):
    supervisor = client_for(review_app, people["supervisor"]).get("/").get_data(as_text=True)
    advocate = client_for(review_app, people["adv1"]).get("/").get_data(as_text=True)
    assert 'href="/review"' in supervisor
    assert 'href="/review"' not in advocate


def _parse(text: str) -> ET.Element:
    """Parse our own server's SVG (strictly: anything not well formed raises)."""
    return ET.fromstring(text)  # noqa: S314 — the app's own output, not untrusted input


def _svgs(page: str) -> dict[str, ET.Element]:
    found = {}
    for match in re.finditer(r"<svg .*?</svg>", page, re.S):
        root = _parse(match.group(0))
        found[root.get("id")] = root
    return found


def _bar_values(svg: ET.Element) -> list[tuple[str, str]]:
    rows = []
    for group in svg.findall(f"{SVG}g"):
        texts = [t.text or "" for t in group.findall(f"{SVG}text")]
        rows.append((texts[0], texts[1]))
    return rows


def _table_values(page: str, chart_id: str) -> list[tuple[str, str]]:
    match = re.search(rf'<table id="[\w-]+" data-chart="{chart_id}">(.*?)</table>', page, re.S)
    assert match, chart_id
    rows = re.findall(r'<th scope="row">(?:<a [^>]*>)?(.*?)(?:</a>)?</th>\s*'
                      r'<td class="n">(.*?)</td>', match.group(1), re.S)
    return [(html_lib.unescape(label), html_lib.unescape(value)) for label, value in rows]


def test_every_chart_is_well_formed_svg_matching_its_table(review_app, people, some_cases):
    page = client_for(review_app, people["supervisor"]).get("/review").get_data(as_text=True)
    svgs = _svgs(page)
    assert {"chart-funnel", "chart-claims", "chart-regions", "chart-military"} <= set(svgs)
    for chart_id, svg in svgs.items():
        assert svg.find(f"{SVG}title").text, chart_id
        assert svg.get("role") == "img"
        drawn = _bar_values(svg)
        written = _table_values(page, chart_id)
        assert [v for _, v in drawn] == [v for _, v in written], chart_id
        for (short, _), (label, _) in zip(drawn, written, strict=True):
            assert label.startswith(short.rstrip("…")), (short, label)
    regions = dict(_table_values(page, "chart-regions"))
    assert regions["Tatarstan"] == "7"
    claims = dict(_table_values(page, "chart-claims"))
    assert claims["beating"] == "3"
    assert claims["isolation"] == "2"
    funnel = dict(_table_values(page, "chart-funnel"))
    assert funnel["Intake"] == "7"
    assert funnel["Verifying identity and citizenship"] == "2"


def test_svg_has_no_style_attribute_and_escapes_labels():
    svg = bar_chart('Cases <"&">', [ChartRow("A & B <c>", 3, "3"), ChartRow("none", 0, "0"),
                                    ChartRow("small", None, "<5")], chart_id="x")
    root = _parse(str(svg))
    assert "style=" not in str(svg)
    assert root.find(f"{SVG}title").text == 'Cases <"&">'
    rects = [r for r in root.iter(f"{SVG}rect") if r.get("fill") != "#ffffff"]
    assert len(rects) == 1  # zero and withheld values draw no bar
    assert _bar_values(root)[2] == ("small", "<5")


def test_bars_are_proportional():
    root = _parse(str(bar_chart("t", [ChartRow("a", 10, "10"), ChartRow("b", 5, "5")],
                                chart_id="p")))
    widths = [float(r.get("width")) for r in root.iter(f"{SVG}rect") if r.get("fill") != "#ffffff"]
    assert widths[0] == pytest.approx(2 * widths[1])


def test_sections_link_to_the_filtered_case_list(review_app, people, some_cases):
    client = client_for(review_app, people["supervisor"])
    page = client.get("/review?owner=adv1&region_ru=tatarstan").get_data(as_text=True)
    assert 'href="/cases?owner=adv1&amp;region_ru=tatarstan&amp;status=intake"' in page
    assert 'href="/cases?owner=adv1&amp;region_ru=tatarstan&amp;military=pressured"' in page
    assert 'href="/cases?owner=adv1&amp;region_ru=tatarstan&amp;has_claims=yes"' in page
    assert 'href="/review/export.csv?owner=adv1&amp;region_ru=tatarstan"' in page
    listing = client.get("/cases?owner=adv1&region_ru=tatarstan&status=intake")
    text = listing.get_data(as_text=True)
    assert some_cases["t0"] in text
    assert some_cases["m0"] not in text


def test_links_carry_the_period_and_the_type_of_claim(review_app, people, some_cases):
    client = client_for(review_app, people["supervisor"])
    today = date.today().isoformat()
    page = client.get(f"/review?from=2020-01-01&to={today}").get_data(as_text=True)
    period = f"opened_from=2020-01-01&amp;opened_to={today}"
    assert f'href="/cases?claim_type=beating&amp;{period}"' in page
    assert f'href="/cases?status=intake&amp;{period}"' in page
    assert 'href="/cases?owner=adv1"' in page  # the workload is about today: no period
    cases_with_beating = re.search(
        r'<a href="/cases\?claim_type=beating[^"]*">[^<]*</a></th><td>(\d+)</td>', page).group(1)
    listing = client.get(f"/cases?opened_from=2020-01-01&opened_to={today}&claim_type=beating")
    assert f"{cases_with_beating} cases" in listing.get_data(as_text=True)
    assert cases_with_beating == "3"
    before = client.get("/cases?opened_to=2020-01-01&claim_type=beating").get_data(as_text=True)
    assert "0 cases" in before


def test_filters_in_the_url_narrow_the_page(review_app, people, some_cases):
    client = client_for(review_app, people["supervisor"])
    page = client.get("/review?region_ru=moscow_city").get_data(as_text=True)
    assert "2 cases" in page
    funnel = dict(_table_values(page, "chart-funnel"))
    assert funnel["Intake"] == "0"
    assert funnel["Verifying identity and citizenship"] == "2"
    assert '<option value="moscow_city" selected>' in page


def test_memo_serves_until_the_log_moves_on(make_app, people, some_cases):
    app = make_app(REVIEW_CACHE_SECONDS=300)
    client = client_for(app, people["supervisor"])
    first = client.get("/review").get_data(as_text=True)
    assert "9 cases" in first
    # A case written without an event is not seen while the log stands still ...
    from advocate.cases.models import Case

    with app.app_context():
        db.session.add(Case(reference="ADV-2026-9999", status="intake"))
        db.session.commit()
    assert "9 cases" in client.get("/review").get_data(as_text=True)
    # ... and any event (here a new case through the operations) brings fresh figures.
    new_case(app, people["adv1"])
    assert "11 cases" in client.get("/review").get_data(as_text=True)


def _refused_case(app, people) -> str:
    reference, _ = new_case(app, people["adv1"], status="refused")
    return reference


def test_refusal_grounds_panel_records_and_removes(review_app, people):
    reference = _refused_case(review_app, people)
    client = client_for(review_app, people["adv1"])
    page = client.get(f"/cases/{reference}").get_data(as_text=True)
    assert "Grounds of refusal" in page
    assert "No ground recorded yet" in page
    day = (TODAY - timedelta(days=2)).isoformat()
    response = client.post(f"/cases/{reference}/refusal",
                           data={"decided_on": day, "grounds": ["not_a_crime", "civil_claim"]})
    assert response.status_code == 302
    page = client.get(f"/cases/{reference}").get_data(as_text=True)
    assert "not a crime under Uzbek law" in page
    assert "civil claim or fine not paid or guaranteed" in page
    assert "Refusal grounds recorded" in page  # the timeline names the event
    with review_app.app_context():
        rows = db.session.execute(select(RefusalGround)).scalars().all()
        assert sorted(r.ground for r in rows) == ["civil_claim", "not_a_crime"]
        ground_id = rows[0].id
        event = db.session.execute(select(AuditEvent).where(
            AuditEvent.action == "review.refusal.record")).scalar_one()
        assert event.changes_dict["decided_on"] == [None, day]
    # Recording the same again adds nothing; removing one is audited.
    client.post(f"/cases/{reference}/refusal", data={"decided_on": day, "grounds": ["civil_claim"]})
    assert client.post(f"/cases/{reference}/refusal/{ground_id}/delete").status_code == 302
    with review_app.app_context():
        assert db.session.execute(select(func.count(RefusalGround.id))).scalar_one() == 1
        assert db.session.execute(select(func.count(AuditEvent.id)).where(
            AuditEvent.action.like("review.refusal.%"))).scalar_one() == 2


def test_refusal_grounds_refused_where_not_allowed(review_app, people):
    reference = _refused_case(review_app, people)
    other = client_for(review_app, people["adv2"])
    day = TODAY.isoformat()
    assert other.post(f"/cases/{reference}/refusal",
                      data={"decided_on": day, "grounds": ["other"]}).status_code == 404
    never, _ = new_case(review_app, people["adv1"])
    owner = client_for(review_app, people["adv1"])
    assert "Grounds of refusal" not in owner.get(f"/cases/{never}").get_data(as_text=True)
    owner.post(f"/cases/{never}/refusal", data={"decided_on": day, "grounds": ["other"]})
    future = (TODAY + timedelta(days=5)).isoformat()
    owner.post(f"/cases/{reference}/refusal", data={"decided_on": future, "grounds": ["other"]})
    owner.post(f"/cases/{reference}/refusal", data={"decided_on": day})
    with review_app.app_context():
        assert db.session.execute(select(func.count(RefusalGround.id))).scalar_one() == 0


def test_review_page_shows_the_outcomes(review_app, people, log_clock):
    steps = [(1, "verifying_identity"), (2, "collecting_documents"), (3, "awaiting_consent"),
             (4, "ready_to_apply"), (5, "applied"), (6, "under_review"), (7, "approved"),
             (8, "transferred")]
    new_case(review_app, people["adv1"], clock_=log_clock, steps=steps)
    page = client_for(review_app, people["supervisor"]).get("/review").get_data(as_text=True)
    assert re.search(r'id="outcome-transferred"><a [^>]*>1</a>', page)
    assert re.search(r'id="outcome-to-application">5 <span class="muted">\(1 cases\)', page)
    assert re.search(r'id="outcome-to-transfer">8 ', page)


def test_review_page_lists_workload(review_app, people, some_cases):
    page = client_for(review_app, people["supervisor"]).get("/review").get_data(as_text=True)
    workload = re.search(r'<section id="workload".*?</section>', page, re.S).group(0)
    rows: dict[str, Any] = dict(re.findall(
        r'<a href="/cases\?owner=(\w+)">\w+</a></th>\s*<td>(\d+)</td>', workload))
    assert rows == {"adv1": "7", "adv2": "2"}
