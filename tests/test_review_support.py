"""Fixtures and helpers shared by the review tests (this module holds no tests itself).

Cases are made through the case operations, so their status events (and the stage spans derived
from them) are those of real use. The clock of the event log is under the test's control, so a
stay in a status lasts exactly the days the scenario says; the eligibility guard is switched off
where a scenario walks a case to "applied" without a full record.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date, datetime, time, timedelta
from typing import Any

import pytest
from sqlalchemy import select, update

from advocate import clock
from advocate.auth.models import User
from advocate.cases import operations as case_ops
from advocate.cases.models import Case
from advocate.extensions import db
from advocate.letters.models import Letter
from advocate.letters.workflow import LetterStatus
from advocate.procedures import deadlines
from advocate.procedures import operations as procedure_ops
from advocate.procedures.models import DeadlineKind
from advocate.review import operations as review_ops

from .conftest import PASSWORD

TODAY = clock.today()
#: The day every scenario case is opened on (events are dated from it).
D0 = TODAY - timedelta(days=100)


class LogClock:
    """The event log's clock: events are dated `D0 + day` at noon."""

    def __init__(self) -> None:
        self.day = 0

    def __call__(self) -> datetime:
        return datetime.combine(D0 + timedelta(days=self.day), time(12, 0))


@pytest.fixture
def log_clock(monkeypatch: pytest.MonkeyPatch) -> LogClock:
    """Control the time of new audit events; switch off the transition guards."""
    fake = LogClock()
    monkeypatch.setattr("advocate.audit.operations.utcnow", fake)
    monkeypatch.setattr(case_ops, "transition_guards", [])
    return fake


@pytest.fixture
def review_app(make_app):
    """The app with the review's memo off (each request reads the database)."""
    return make_app(REVIEW_CACHE_SECONDS=0)


@pytest.fixture
def people(review_app, make_user) -> dict[str, Any]:
    """Two advocates, a supervisor, and an administrator who is not a supervisor."""
    return {
        "adv1": make_user("advocate", username="adv1"),
        "adv2": make_user("advocate", username="adv2"),
        "supervisor": make_user("supervisor", username="chief"),
        "admin": make_user("advocate", is_admin=True, username="sysadmin"),
        "supervisor_admin": make_user("supervisor", is_admin=True, username="chiefadmin"),
    }


def user_row(user: Any) -> User | None:
    """The user's row in the current session (None for None)."""
    return db.session.get(User, user.id) if user is not None else None


def walk(clock_: LogClock | None, case: Case, steps: Iterable[tuple[int, str]], **kwargs: Any
         ) -> None:
    """Move the case through (day, status) steps, each event dated that day."""
    for day, status in steps:
        if clock_ is not None:
            clock_.day = day
        reason = kwargs.get("closing_reason") if status == "closed" else None
        case_ops.change_status(case, status, actor=None, closing_reason=reason)


def new_case(app, owner: Any = None, *, clock_: LogClock | None = None,
             steps: Iterable[tuple[int, str]] = (), status: str | None = None,
             closing_reason: str | None = None, claims: Iterable[str] = (),
             collaborators: Iterable[Any] = (), **values: Any) -> tuple[str, int]:
    """A case made through the operations (opened on day 0); returns (reference, id)."""
    with app.app_context():
        if clock_ is not None:
            clock_.day = 0
        owner_row = user_row(owner)
        case = case_ops.create_case(values, actor=None, owner=owner_row, status=status,
                                    closing_reason=closing_reason)
        for kind in claims:
            case_ops.add_claim(case, {"type": kind}, actor=None)
        helpers = [user_row(u) for u in collaborators]
        if helpers:
            case_ops.assign(case, owner=owner_row, collaborators=helpers, actor=None)
        walk(clock_, case, steps, closing_reason=closing_reason)
        db.session.commit()
        return case.reference, case.id


def case_row(reference: str) -> Case:
    """The case with this reference (inside an app context)."""
    return db.session.execute(select(Case).where(Case.reference == reference)).scalar_one()


def set_columns(app, case_id: int, **values: Any) -> None:
    """Write columns no operation sets by hand (last activity, created at)."""
    with app.app_context():
        db.session.execute(update(Case).where(Case.id == case_id).values(**values))
        db.session.commit()


def add_hearing(app, reference: str, due: date, title: str = "Regional court hearing") -> None:
    """A hand-entered deadline on the case."""
    with app.app_context():
        procedure_ops.add_hearing(case_row(reference), due=due, title=title, actor=None)
        db.session.commit()


def add_computed(app, reference: str, kind: DeadlineKind, due: date, ref: str = "") -> None:
    """A computed deadline, as the procedures engine or the letters package would set it."""
    with app.app_context():
        deadlines.add_computed(case_row(reference), kind, due, ref)
        db.session.commit()


def add_letter(app, reference: str, author: Any, status: LetterStatus, *,
               type_id: str = "application_ru", lang: str = "ru",
               sent_on: date | None = None) -> int:
    """A letter row in a given status (the letters package's own tests cover its steps)."""
    with app.app_context():
        case = case_row(reference)
        letter = Letter(case_id=case.id, type_id=type_id, lang=lang, status=status.value,
                        author_id=author.id, submitted_at=clock.utcnow(), sent_on=sent_on)
        db.session.add(letter)
        db.session.commit()
        return letter.id


def withdraw_consent(app, reference: str) -> None:
    """Consent to transfer given, then withdrawn."""
    with app.app_context():
        case = case_row(reference)
        procedure_ops.record_consent(
            case, kind="transfer", given_on=TODAY - timedelta(days=20), language="uz",
            form="written", lawyer_present=False, return_risk_explained=False, note=None,
            actor=None)
        procedure_ops.withdraw_consent(case, kind="transfer", withdrawn_on=TODAY - timedelta(
            days=3), note=None, actor=None)
        db.session.commit()


def record_refusal(app, reference: str, grounds: list[str], decided_on: date) -> None:
    """Grounds of a refusal, recorded through the review's operation."""
    with app.app_context():
        review_ops.record_refusal(case_row(reference), decided_on=decided_on, grounds=grounds,
                                  actor=None)
        db.session.commit()


def client_for(app, user: Any):
    """A test client logged in as this user."""
    client = app.test_client()
    response = client.post("/login", data={"username": user.username, "password": PASSWORD})
    assert response.status_code == 302, response.get_data(as_text=True)
    return client


def section_counts(html: str) -> dict[str, int]:
    """The count shown in each needs-attention section of a page, by section key."""
    found = re.findall(
        r'id="attention-(\w+)-title">[^<]*: <span class="count">(\d+)</span>', html)
    return {key: int(count) for key, count in found}


def section_html(html: str, key: str) -> str:
    """The HTML of one needs-attention section."""
    match = re.search(rf'<section id="attention-{key}".*?</section>', html, re.S)
    assert match, f"no section {key}"
    return match.group(0)
