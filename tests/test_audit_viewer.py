"""The event log viewer: who may read it, filters, pages, CSV export."""

from __future__ import annotations

import csv
import io
from datetime import datetime

import pytest
from sqlalchemy import select, update

from advocate.audit.models import AuditEvent
from advocate.audit.operations import record
from advocate.cases.models import Case
from advocate.extensions import db


def _seed(app) -> int:
    """Two cases and a few events; return the id of the first case."""
    with app.app_context():
        first, second = Case(reference="ADV-2025-0001"), Case(reference="ADV-2025-0002")
        db.session.add_all([first, second])
        db.session.flush()
        record("case.create", object_type="case", object_id=first.id, case_id=first.id,
               changes={"region_ru": [None, "MOW"]})
        record("case.note", object_type="case", object_id=first.id, case_id=first.id,
               note="Met the lawyer on Tuesday")
        record("case.create", object_type="case", object_id=second.id, case_id=second.id)
        record("settings.change", object_type="setting", object_id="letterhead",
               changes={"letterhead": ["old", "=HYPERLINK(\"http://x\")"]})
        db.session.commit()
        return first.id


def _backdate(app, action: str, when: datetime) -> None:
    # Rewriting `at` breaks the chain, which the viewer does not care about.
    with app.app_context():
        db.session.execute(update(AuditEvent).where(AuditEvent.action == action).values(at=when))
        db.session.commit()


@pytest.mark.parametrize(("role", "is_admin", "status"), [
    ("advocate", False, 403), ("supervisor", False, 200), ("advocate", True, 200),
])
def test_who_may_read_the_log(client, auth, role, is_admin, status):
    auth.login_as(role, is_admin=is_admin)
    assert client.get("/audit").status_code == status
    assert client.get("/audit/export.csv").status_code == status


def test_anonymous_is_sent_to_login(client):
    assert "/login" in client.get("/audit").headers["Location"]
    assert "/login" in client.get("/audit/export.csv").headers["Location"]


def test_nav_link_for_readers_only(client, auth):
    auth.login_as("supervisor")
    assert 'href="/audit"' in client.get("/").get_data(as_text=True)
    auth.logout()
    auth.login_as("advocate")
    assert 'href="/audit"' not in client.get("/").get_data(as_text=True)


def test_filters(app, client, auth):
    case_id = _seed(app)
    user = auth.login_as("supervisor")

    def actions(**query) -> list[str]:
        page = client.get("/audit", query_string=query).get_data(as_text=True)
        return [a for a in ("case.create", "case.note", "settings.change", "login.success")
                if f"<code>{a}</code>" in page]

    assert actions() == ["case.create", "case.note", "settings.change", "login.success"]
    assert actions(case="adv-2025-0001") == ["case.create", "case.note"]
    assert actions(case=str(case_id)) == ["case.create", "case.note"]
    assert actions(case="ADV-1999-0009") == []
    assert actions(action="case") == ["case.create", "case.note"]
    assert actions(action="case.note") == ["case.note"]
    assert actions(action="cas") == []  # a prefix counts only up to a dot
    assert actions(user=user.username.upper()) == ["login.success"]
    assert actions(user="system") == ["case.create", "case.note", "settings.change"]
    _backdate(app, "settings.change", datetime(2024, 5, 10, 23, 59))
    assert actions(start="2024-05-10", end="2024-05-10") == ["settings.change"]
    assert actions(end="2024-05-09") == []


def test_invalid_date_is_a_400_with_a_message(client, auth):
    auth.login_as("supervisor")
    response = client.get("/audit", query_string={"start": "0000-00-00"})
    assert response.status_code == 400
    assert "Please correct the following" in response.get_data(as_text=True)
    assert client.get("/audit/export.csv", query_string={"end": "soon"}).status_code == 400


def test_pagination(app, client, auth):
    with app.app_context():
        for number in range(120):
            record("test.event", object_type="thing", object_id=f"n{number:03d}")
        db.session.commit()
    auth.login_as("supervisor")
    first = client.get("/audit", query_string={"action": "test"}).get_data(as_text=True)
    assert "120 events" in first
    assert "Page 1 of 3" in first
    assert "thing n119" in first
    assert "thing n069" not in first
    second = client.get("/audit", query_string={"action": "test", "page": 2}).get_data(
        as_text=True)
    assert "thing n069" in second
    assert "thing n119" not in second
    assert "action=test" in second  # page links keep the filter
    assert "thing n000" in client.get("/audit?action=test&page=3").get_data(as_text=True)


def test_csv_export_is_filtered_neutralised_and_audited(app, client, auth):
    _seed(app)
    auth.login_as("supervisor")
    response = client.get("/audit/export.csv", query_string={"action": "settings"})
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert rows[0][:4] == ["id", "at_utc", "actor", "action"]
    assert [row[3] for row in rows[1:]] == ["settings.change"]
    changes = rows[1][rows[0].index("changes")]
    assert '=HYPERLINK' in changes
    with app.app_context():
        event = db.session.execute(
            select(AuditEvent).where(AuditEvent.action == "audit.export")
        ).scalar_one()
    assert "action=settings" in event.reason


def test_csv_cells_cannot_start_a_formula(app, client, auth):
    with app.app_context():
        record("test.event", reason="=1+2", note="@SUM(A1)")
        db.session.commit()
    auth.login_as("supervisor")
    body = client.get("/audit/export.csv", query_string={"action": "test"}).get_data(
        as_text=True)
    row = list(csv.reader(io.StringIO(body)))[1]
    assert "'=1+2" in row
    assert "'@SUM(A1)" in row


def test_administrator_without_supervision_sees_no_case_content(app, client, auth):
    _seed(app)
    auth.login_as("advocate", is_admin=True)
    page = client.get("/audit").get_data(as_text=True)
    assert "ADV-2025-0001" in page  # who touched which case is visible
    assert "Met the lawyer" not in page
    assert "MOW" not in page
    assert "letterhead" in page  # not case content
    assert "Case content: shown to supervisors only." in page
    body = client.get("/audit/export.csv").get_data(as_text=True)
    assert "Met the lawyer" not in body
    assert "MOW" not in body


def test_supervisor_sees_case_content(app, client, auth):
    _seed(app)
    auth.login_as("supervisor")
    page = client.get("/audit").get_data(as_text=True)
    assert "Met the lawyer on Tuesday" in page
    assert "region_ru: — → MOW" in page


def test_html_in_events_is_escaped(app, client, auth):
    with app.app_context():
        record("test.event", reason="<script>alert(1)</script>")
        db.session.commit()
    auth.login_as("supervisor")
    page = client.get("/audit").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
