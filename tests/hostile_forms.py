"""The forms the hostile-input tests attack (this module holds no tests): for each, its page and
action, whose form it is, its fields and how each is stored, how to read the stored values back,
and the page that shows them.

Case H has no identity (so the leak guard never interferes), case I holds the identity and a
contact the vault forms change, case L a draft letter; `ids` names them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select

from advocate.audit.models import AuditEvent
from advocate.auth.models import User
from advocate.cases.models import Case, Claim
from advocate.cases.record import (
    BOOL,
    CASE_FIELDS,
    CHOICE,
    CLAIM_FIELDS,
    DATE,
    INT,
    LONGTEXT,
    REGION_RU,
)
from advocate.cases.record import TEXT as TEXT_KIND
from advocate.cases.workflow import Status
from advocate.extensions import db
from advocate.identity.service import get_keyring
from advocate.identity.vault import read_vault
from advocate.letters import operations as letter_ops
from advocate.letters.models import Letter
from advocate.procedures.models import CaseDocument, ConsentEntry, Deadline

from . import hostile_support as hs
from .test_letters_support import client_for

STRONG = "Plum kettle 48 under the quiet bridge"


@dataclass
class Ctx:
    """The app, a logged-in client per role, and the objects the forms work on."""

    app: Any
    clients: dict[str, Any]
    ids: dict[str, Any]

    def read(self, fn: Callable[..., dict[str, Any]]) -> dict[str, Any]:
        """fn(ids) inside an app context."""
        with self.app.app_context():
            try:
                return fn(self.ids)
            finally:
                db.session.rollback()


class Clients(dict):
    """A client per role, logged in when first asked for (logging in is slow on purpose)."""

    def __init__(self, app: Any, people: dict[str, Any]) -> None:
        super().__init__()
        self.app, self.people = app, people

    def __missing__(self, role: str) -> Any:
        self[role] = client_for(self.app, self.people[role])
        return self[role]


# --- What each form stores ---------------------------------------------------------------------


def _case_row(reference: str) -> Case:
    return db.session.execute(select(Case).where(Case.reference == reference)).scalar_one()


def _record_fields(specs: Any) -> dict[str, hs.Field]:
    kinds = {TEXT_KIND: hs.TEXT, LONGTEXT: hs.TEXT, DATE: hs.DATE, INT: hs.INT,
             CHOICE: hs.CHOICE, REGION_RU: hs.CHOICE, BOOL: hs.LOOSE}
    return {s.name: kinds.get(s.kind, hs.LOOSE) for s in specs}


CASE_FORM = _record_fields(CASE_FIELDS)
CLAIM_FORM = _record_fields(CLAIM_FIELDS)


def _columns(obj: Any, names: Any) -> dict[str, Any]:
    return {name: getattr(obj, name) for name in names}


def _newest_case(ids: dict[str, Any]) -> dict[str, Any]:
    case = db.session.execute(select(Case).order_by(Case.id.desc()).limit(1)).scalar_one()
    return {"_id": case.id, **_columns(case, CASE_FORM)}


def _notes(ids: dict[str, Any], action: str, column: str) -> dict[str, Any]:
    rows = db.session.execute(select(AuditEvent).where(
        AuditEvent.case_id == ids["h_id"], AuditEvent.action == action)
        .order_by(AuditEvent.id)).scalars().all()
    return {"_n": len(rows), column: getattr(rows[-1], "note" if action == "case.note"
                                              else "reason") if rows else None}


def _status(ids: dict[str, Any]) -> dict[str, Any]:
    case = _case_row(ids["h"])
    return {**_notes(ids, "case.status", "comment"), "target": case.status,
            "closing_reason": case.closing_reason}


def _vault(ids: dict[str, Any]) -> dict[str, Any]:
    data = read_vault(ids["i_id"], get_keyring())
    contact = next(c for c in data.contacts if c.id == ids["contact"])
    return {**vars(data.identity), **{f"c_{k}": v for k, v in contact.as_text().items()}}


def _consent(ids: dict[str, Any]) -> dict[str, Any]:
    rows = db.session.execute(select(ConsentEntry).where(ConsentEntry.case_id == ids["h_id"])
                              .order_by(ConsentEntry.id)).scalars().all()
    last = rows[-1] if rows else None
    return {"_n": len(rows), "kind": last and last.kind, "given_on": last and last.entry_date,
            "language": last and last.language, "form": last and last.form,
            "note": last and last.note}


DOC = "doc-law_applied-"
DOC_FIELDS = {"status": hs.CHOICE, "requested_on": hs.DATE, "received_on": hs.DATE,
              "translated_on": hs.DATE, "verified_on": hs.DATE, "note": hs.TEXT}


def _document(ids: dict[str, Any]) -> dict[str, Any]:
    row = db.session.execute(select(CaseDocument).where(
        CaseDocument.case_id == ids["h_id"], CaseDocument.document_id == "law_applied")
    ).scalar_one_or_none()
    return {DOC + name: getattr(row, name, None) for name in DOC_FIELDS}


def _hearing(ids: dict[str, Any]) -> dict[str, Any]:
    rows = db.session.execute(select(Deadline).where(
        Deadline.case_id == ids["h_id"], Deadline.source == "manual")
        .order_by(Deadline.id)).scalars().all()
    return {"_n": len(rows), "due_date": rows[-1].due_date if rows else None,
            "title": rows[-1].title if rows else None}


LETTER_TEXT = ("addressee_name", "addressee_address", "applicant_name", "applicant_relation",
               "applicant_address", "applicant_phone", "humanitarian_grounds", "comment")


def _letter(ids: dict[str, Any]) -> dict[str, Any]:
    letter = db.session.get(Letter, ids["letter"])
    inputs = letter_ops.inputs_of(letter)
    return {"lang": letter.lang, "addressee_id": letter.addressee_id,
            "applicant_role": inputs.applicant_role,
            **{name: getattr(inputs, name) for name in LETTER_TEXT}}


def _newest_user(ids: dict[str, Any]) -> dict[str, Any]:
    count = db.session.execute(select(func.count(User.id))).scalar_one()
    user = db.session.execute(select(User).order_by(User.id.desc()).limit(1)).scalar_one()
    return {"_n": count, "username": user.username, "role": user.role}


# --- The forms ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Target:
    """One form: its page and action, who uses it, its fields, what it stores, where it shows."""

    role: str
    page: Callable[[Ctx], str]
    fields: dict[str, hs.Field]
    read: Callable[[dict[str, Any]], dict[str, Any]]
    shown: Callable[[Ctx], str] | None = None  # the page showing stored values (GET)
    action: Callable[[Ctx], str] | None = None  # default: the page itself
    defaults: Callable[[Ctx], dict[str, Any]] = field(default=lambda c: {})


def _h(path: str) -> Callable[[Ctx], str]:
    return lambda c: f"/cases/{c.ids['h']}{path}"


def _i(path: str) -> Callable[[Ctx], str]:
    return lambda c: f"/cases/{c.ids['i']}{path}"


def _other_status(c: Ctx) -> dict[str, Any]:
    current = c.read(lambda ids: {"s": _case_row(ids["h"]).status})["s"]
    target = (Status.COLLECTING_DOCUMENTS if current == Status.VERIFYING_IDENTITY
              else Status.VERIFYING_IDENTITY)
    return {"target": target.value}


TARGETS: dict[str, Target] = {
    "case new": Target("owner", lambda c: "/cases/new", CASE_FORM, _newest_case,
                       defaults=lambda c: {"label": "hostile new"}),
    "case edit": Target("owner", _h("/edit"), CASE_FORM,
                        lambda ids: _columns(_case_row(ids["h"]), CASE_FORM), _h("")),
    "claim": Target("owner", lambda c: f"/cases/{c.ids['h']}/claims/{c.ids['claim']}/edit",
                    CLAIM_FORM, lambda ids: _columns(db.session.get(Claim, ids["claim"]),
                                                     CLAIM_FORM), _h("")),
    "note": Target("owner", _h(""), {"text": hs.TEXT},
                   lambda ids: _notes(ids, "case.note", "text"), _h(""), _h("/notes")),
    "status": Target("owner", _h(""), {"comment": hs.TEXT, "target": hs.CHOICE,
                                       "closing_reason": hs.CHOICE},
                     _status, _h(""), _h("/status"), _other_status),
    "identity": Target("owner", _i("/identity/edit"), {
        **{n: hs.VAULT_TEXT for n in ("full_name_latin", "full_name_cyrillic", "other_spellings",
                                      "birth_place", "passport_number", "passport_issued",
                                      "address_uz", "phones")}, "birth_date": hs.DATE}, _vault),
    "contact": Target("owner", lambda c: f"/cases/{c.ids['i']}/identity/contacts/"
                      f"{c.ids['contact']}/edit",
                      {n: hs.VAULT_TEXT for n in ("name", "relation", "phone", "messenger",
                                                  "notes")},
                      lambda ids: {k[2:]: v for k, v in _vault(ids).items()
                                   if k.startswith("c_")}),
    "consent": Target("owner", _h("/transfer"), {
        "kind": hs.CHOICE, "given_on": hs.DATE, "language": hs.CHOICE, "form": hs.CHOICE,
        "note": hs.TEXT}, _consent, _h("/transfer"), _h("/transfer/consents"),
        lambda c: {"kind": "data_processing", "form": "written"}),
    "document": Target("owner", _h("/transfer"), {DOC + k: v for k, v in DOC_FIELDS.items()},
                       _document, _h("/transfer"), _h("/transfer/documents/law_applied")),
    "hearing": Target("owner", _h("/transfer"), {"due_date": hs.DATE, "title": hs.TEXT},
                      _hearing, _h("/transfer"), _h("/transfer/hearings"),
                      lambda c: {"due_date": "2030-01-01", "title": "Hearing"}),
    "letter": Target("owner", lambda c: f"/letters/{c.ids['letter']}/edit", {
        "lang": hs.CHOICE, "addressee_id": hs.CHOICE, "applicant_role": hs.CHOICE,
        **{name: hs.VAULT_TEXT for name in LETTER_TEXT}}, _letter,
        lambda c: f"/letters/{c.ids['letter']}/edit"),
    "admin user": Target("admin", lambda c: "/admin/users/new", {
        "username": hs.USERNAME, "role": hs.CHOICE, "password": hs.LOOSE,
        "confirm": hs.LOOSE}, _newest_user, lambda c: "/admin/users",
        defaults=lambda c: {"username": "hostile", "role": "advocate", "password": STRONG,
                         "confirm": STRONG}),
}
#: The stored text of the identity's revealed page and of a letter's preview are checked too.
REVEAL = {"identity", "contact"}
