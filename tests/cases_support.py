"""Helpers for the case tests: create cases through the operations, log clients in."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import select

from advocate.auth.models import User
from advocate.cases import operations
from advocate.cases.models import Case
from advocate.extensions import db

from .conftest import PASSWORD


def make_case(
    app: Any,
    owner: Any = None,
    *,
    status: str | None = None,
    closing_reason: str | None = None,
    collaborators: Iterable[Any] = (),
    claims: Iterable[dict[str, Any]] = (),
    notes: Iterable[str] = (),
    **values: Any,
) -> str:
    """Create a case as the system would (owner and collaborators are detached users); return
    its reference."""
    with app.app_context():
        owner_row = db.session.get(User, owner.id) if owner is not None else None
        case = operations.create_case(
            values, actor=None, owner=owner_row, status=status, closing_reason=closing_reason
        )
        for claim in claims:
            operations.add_claim(case, claim, actor=None)
        for note in notes:
            operations.add_note(case, note, actor=None)
        helpers = [db.session.get(User, u.id) for u in collaborators]
        if helpers:
            operations.assign(case, owner=owner_row, collaborators=helpers, actor=None)
        db.session.commit()
        return case.reference


def get_case(app: Any, reference: str) -> dict[str, Any]:
    """The stored columns of a case, read in a fresh context."""
    with app.app_context():
        case = db.session.execute(select(Case).where(Case.reference == reference)).scalar_one()
        data = {c.name: getattr(case, c.name) for c in Case.__table__.columns}
        data["claims"] = [
            {c.name: getattr(claim, c.name) for c in claim.__table__.columns}
            for claim in case.claims
        ]
        data["collaborators"] = sorted(u.username for u in case.collaborators)
        data["owner"] = case.owner.username if case.owner else None
        return data


def client_for(app: Any, user: Any):
    """A new test client logged in as this user."""
    client = app.test_client()
    response = client.post("/login", data={"username": user.username, "password": PASSWORD})
    assert response.status_code == 302, response.get_data(as_text=True)
    return client


def case_count(app: Any) -> int:
    """How many cases the database holds."""
    with app.app_context():
        return len(db.session.execute(select(Case.id)).all())
