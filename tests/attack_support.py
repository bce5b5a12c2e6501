"""Shared by the attack tests (this module holds no tests): an HTML form reader, a snapshot of
everything the database and the file store hold, and a world with an object of every kind.

The world: case A (refused, complete, identity in the vault) owned by `owner` with
`collaborator`; case B, the same, owned by `other`. Each has a claim, a contact, two hearings and a
refusal ground; A has letters in every state (a draft, four in review, one approved, one sent), B
one approved letter. There is a login lock and a `target` account with a second factor, for the
administrators' routes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pyotp
from sqlalchemy import select

from advocate import clock
from advocate.auth import twofactor
from advocate.auth.models import LoginLock
from advocate.cases import operations as case_ops
from advocate.extensions import db
from advocate.identity import operations as identity_ops
from advocate.identity.vault import ContactData
from advocate.letters import dispatch
from advocate.letters.models import Letter
from advocate.procedures import operations as procedure_ops
from advocate.review import operations as review_ops

from .test_letters_support import (
    CASE_VALUES,
    approved,
    draft,
    known_identity,
    save_organisation,
    submitted,
    user_row,
)

#: Tables that every login writes to; they are left out of the snapshot.
LOGIN_TABLES = frozenset({"user_sessions", "login_failures"})

# --- Reading forms out of pages -----------------------------------------------------------------


@dataclass
class Form:
    """One <form> of a page: where it goes and what a browser would send unchanged."""

    action: str
    method: str
    fields: list[tuple[str, str]] = field(default_factory=list)
    options: dict[str, list[str]] = field(default_factory=dict)  # select and checkbox values

    def data(self, **changes: Any) -> dict[str, Any]:
        """The fields as request data (lists for repeated names), with changes applied."""
        result: dict[str, Any] = {}
        for name, value in self.fields:
            if name in result:
                previous = result[name]
                result[name] = [*previous, value] if isinstance(previous, list) else [
                    previous, value]
            else:
                result[name] = value
        result.update(changes)
        return result


class _FormReader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[Form] = []
        self._select: tuple[str, bool] | None = None  # name, multiple
        self._selected: list[str] = []
        self._first: str | None = None
        self._textarea: str | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: (v or "") for k, v in attrs}
        if tag == "form":
            self.forms.append(Form(a.get("action", ""), a.get("method", "get").lower()))
        elif not self.forms:
            return
        elif tag == "input":
            self._input(a)
        elif tag == "select":
            self._select = (a.get("name", ""), "multiple" in a)
            self._selected, self._first = [], None
        elif tag == "option" and self._select is not None:
            value = a.get("value", "")
            self.forms[-1].options.setdefault(self._select[0], []).append(value)
            self._first = value if self._first is None else self._first
            if "selected" in a:
                self._selected.append(value)
        elif tag == "textarea":
            self._textarea, self._text = a.get("name", ""), []

    def _input(self, a: dict[str, str]) -> None:
        name, kind = a.get("name"), a.get("type", "text").lower()
        if not name or kind in ("submit", "button", "reset", "image", "file"):
            return
        if kind in ("checkbox", "radio"):
            self.forms[-1].options.setdefault(name, []).append(a.get("value", "on"))
            if "checked" in a:
                self.forms[-1].fields.append((name, a.get("value", "on")))
            return
        self.forms[-1].fields.append((name, a.get("value", "")))

    def handle_endtag(self, tag: str) -> None:
        if tag == "select" and self._select is not None:
            name, multiple = self._select
            chosen = self._selected or ([] if multiple or self._first is None else [self._first])
            self.forms[-1].fields.extend((name, value) for value in chosen)
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            text = "".join(self._text).replace("\r\n", "\n")
            text = text[1:] if text.startswith("\n") else text  # as browsers read it
            self.forms[-1].fields.append((self._textarea, text))
            self._textarea = None

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self._text.append(data)


def forms_in(html: str) -> list[Form]:
    """Every form of a page."""
    reader = _FormReader()
    reader.feed(html)
    reader.close()
    return reader.forms


def form_for(html: str, action: str, page: str = "") -> Form:
    """The form of the page (at path `page`) that posts to `action` (query strings ignored)."""
    for candidate in forms_in(html):
        target = candidate.action or page  # a form without an action posts to its own page
        if target.split("?")[0].split("#")[0] == action:
            return candidate
    raise AssertionError(f"no form posting to {action} in the page")


# --- Snapshots ----------------------------------------------------------------------------------


def snapshot(app: Any) -> dict[str, Any]:
    """Every row of every table (login bookkeeping and login events aside) and every stored file."""
    result: dict[str, Any] = {}
    with app.app_context():
        for table in db.metadata.sorted_tables:
            if table.name in LOGIN_TABLES:
                continue
            query = select(table).order_by(*table.primary_key.columns)
            if table.name == "audit_events":
                query = query.where(~table.c.action.startswith("login."))
            result[table.name] = [tuple(row) for row in db.session.execute(query)]
        db.session.rollback()
    files = Path(app.config["FILES_DIR"])
    result["files"] = sorted(
        (str(p.relative_to(files)), p.stat().st_size) for p in files.rglob("*") if p.is_file()
    ) if files.exists() else []
    return result


def changed_tables(before: dict[str, Any], after: dict[str, Any]) -> list[str]:
    """The tables (and "files") whose content differs between two snapshots."""
    return sorted(name for name in before.keys() | after.keys()
                  if before.get(name) != after.get(name))


# --- The world ----------------------------------------------------------------------------------


@dataclass
class World:
    """The app, the people (detached users) and the ids of every object."""

    app: Any
    users: dict[str, Any]
    ids: dict[str, Any]


def _case(app: Any, owner: Any, collaborators: list[Any]) -> dict[str, Any]:
    """A refused, complete case with a claim, a contact, two hearings and a refusal ground."""
    with app.app_context():
        owner_row = user_row(owner)
        case = case_ops.create_case(dict(CASE_VALUES), actor=None, owner=owner_row,
                                    status="refused")
        if collaborators:
            case_ops.assign(case, owner=owner_row,
                            collaborators=[user_row(u) for u in collaborators], actor=None)
        identity_ops.save_identity(case, known_identity(), owner_row)
        for document in ("judgment_certified", "time_served_statement"):
            procedure_ops.update_document(case, document, status="received", note=None,
                                          actor=owner_row, received_on=date(2025, 1, 10))
        procedure_ops.record_consent(
            case, kind="transfer", given_on=date(2025, 1, 15), language="uz", form="written",
            lawyer_present=True, return_risk_explained=True, note=None, actor=owner_row)
        claim = case_ops.add_claim(case, {"type": "beating", "narrative": "In the SIZO."},
                                   actor=None)
        contact, _ = identity_ops.save_contact(
            case, ContactData(name="Sister", relation="sister", phone="+998 00 000 00 01"),
            owner_row)
        soon = clock.today() + timedelta(days=5)
        hearings = [procedure_ops.add_hearing(case, due=soon, title=f"Hearing {n}",
                                              actor=owner_row) for n in (1, 2)]
        grounds = review_ops.record_refusal(case, decided_on=date(2025, 2, 1),
                                            grounds=["no_treaty"], actor=None)
        db.session.commit()
        return {"reference": case.reference, "claim_id": claim.id, "contact_id": contact.id,
                "deadline_id": hearings[0].id, "deadline2_id": hearings[1].id,
                "ground_id": grounds[0].id}


def _sent(app: Any, reference: str, author: Any, reviewer: Any) -> int:
    letter_id = approved(app, reference, author, reviewer)
    with app.app_context():
        dispatch.record_sent(db.session.get(Letter, letter_id), sent_on=clock.today(),
                             channel="post", tracking_number=None, actor=user_row(author))
        db.session.commit()
    return letter_id


def _enrol(app: Any, user: Any) -> None:
    secret = pyotp.random_base32(length=32)
    with app.app_context():
        step = twofactor.current_step()
        twofactor.enrol(user_row(user), secret, pyotp.TOTP(secret).generate_otp(step))
        db.session.commit()


def _lock(app: Any) -> int:
    with app.app_context():
        now = clock.utcnow()
        lock = LoginLock(scope="account", key="somebody", started_at=now,
                         until=now + timedelta(minutes=15))
        db.session.add(lock)
        db.session.commit()
        return lock.id


def build_world(app: Any, people: dict[str, Any], make_user: Any) -> World:
    """Cases A and B with every kind of object, letters in every state, a lock, a target user."""
    users = {
        "owner": people["owner"], "collaborator": make_user("advocate"),
        "other": people["other"], "supervisor": people["supervisor"],
        "admin": people["admin"], "target": make_user("advocate"),
    }
    save_organisation(app, users["admin"])
    a = _case(app, users["owner"], [users["collaborator"]])
    b = _case(app, users["other"], [])
    owner, reviewer = users["owner"], users["supervisor"]
    ids: dict[str, Any] = {
        "a": a, "b": b,
        "draft": draft(app, a["reference"], owner),
        "in_review": [submitted(app, a["reference"], owner) for _ in range(4)],
        "approved": approved(app, a["reference"], owner, reviewer),
        "sent": _sent(app, a["reference"], owner, reviewer),
        "b_letter": approved(app, b["reference"], users["other"], reviewer),
        "lock_id": _lock(app),
    }
    _enrol(app, users["target"])
    return World(app, users, ids)


__all__ = ["Form", "World", "build_world", "changed_tables", "form_for",
           "forms_in", "snapshot"]
