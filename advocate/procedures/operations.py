"""Procedure operations: the only code that changes documents, consents, facts and deadlines.

Each checks the policy (an `actor` of None is the system: CLI and demo), validates, passes free
text through the cases package's text guards (the identity leak guard refuses names there),
changes, writes one audit event with the case id, and flushes. None of them commits.
The organisation's confirmations of legal bases and the addressees' details are settings
(`admin.settings.put`, which writes the audit event).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from flask_babel import gettext as _

from advocate import clock, policy
from advocate.admin import settings
from advocate.audit.operations import diff, record
from advocate.cases.models import Case
from advocate.cases.operations import text_guards
from advocate.cases.terms import Language
from advocate.clock import utcnow
from advocate.extensions import db
from advocate.procedures import deadlines
from advocate.procedures.definitions import Procedure
from advocate.procedures.facts import case_procedure, consent_ledger, consent_state
from advocate.procedures.models import (
    CaseDocument,
    CaseProcedure,
    ConsentAction,
    ConsentEntry,
    ConsentForm,
    ConsentKind,
    Deadline,
    DeadlineKind,
    DeadlineSource,
    DocumentStatus,
    DualCriminality,
)
from advocate.procedures.organisation import addressee_key, basis_key, effective_basis

MAX_NOTE = 2000
MAX_ARTICLE = 64
MAX_TITLE = 300
MAX_ADDRESS = 1000


class ProcedureError(Exception):
    """A refused procedure operation; str() is the message for the user."""


class NotAllowed(ProcedureError):
    """The actor may not do this (views answer 403/404 before getting here)."""


class InvalidInput(ProcedureError):
    """Values that break the rules; `errors` maps field names to messages."""

    def __init__(self, errors: dict[str, list[str]]) -> None:
        super().__init__("; ".join(f"{k}: {' '.join(v)}" for k, v in errors.items()))
        self.errors = errors


def _require(allowed: bool, actor: Any) -> None:
    if actor is not None and not allowed:
        raise NotAllowed(_("You may not do this."))


def _text(value: str | None, field: str, limit: int) -> str | None:
    value = (value or "").strip()
    if len(value) > limit:
        raise InvalidInput({field: [_("At most %(n)s characters.", n=limit)]})
    return value or None


def _guard(case: Case, texts: dict[str, str | None]) -> None:
    present = {k: v for k, v in texts.items() if v}
    if present:
        for guard in text_guards:
            guard(case, dict(present))


def _not_future(value: date | None, field: str) -> None:
    if value is not None and value > clock.today():
        raise InvalidInput({field: [_("This date cannot be in the future.")]})


def _audit(action: str, case: Case, changes: dict[str, list[Any]] | None, actor: Any, *,
           object_type: str, object_id: Any, **extra: Any) -> None:
    record(action, object_type=object_type, object_id=object_id, case_id=case.id,
           changes=changes, actor=actor, **extra)


def _who(actor: Any) -> tuple[str, int | None]:
    return (actor.username, actor.id) if actor is not None else ("system", None)


# --- The organisation's settings ---------------------------------------------------------------


def confirm_basis(procedure: Procedure, basis_id: str, *, article: str | None, note: str | None,
                  actor: Any) -> bool:
    """Record the organisation lawyer's confirmation of a basis (and its article); audited."""
    _require(policy.can_administer(actor), actor)
    view = effective_basis(procedure, basis_id)
    if not view.needs_confirmation:
        raise InvalidInput({"article": [_("This basis is verified with its article already.")]})
    article = _text(article, "article", MAX_ARTICLE)
    if article is None and view.basis.article is None:
        raise InvalidInput({"article": [_("Supply the article number the lawyer confirmed.")]})
    by, by_id = _who(actor)
    value = {"article": article, "note": _text(note, "note", MAX_NOTE) or "", "by": by,
             "by_id": by_id, "at": utcnow().isoformat(timespec="seconds")}
    return settings.put(basis_key(procedure, basis_id), value, actor=actor,
                        reason=value["note"] or None)


def withdraw_basis_confirmation(procedure: Procedure, basis_id: str, *, actor: Any) -> bool:
    """Take back the organisation's confirmation of a basis; audited."""
    _require(policy.can_administer(actor), actor)
    if basis_id not in procedure.legal_bases:
        raise InvalidInput({"basis": [_("Unknown legal basis.")]})
    return settings.put(basis_key(procedure, basis_id), None, actor=actor)


def set_addressee(procedure: Procedure, addressee_id: str, *, recipient: str | None,
                  address: str | None, actor: Any) -> bool:
    """Complete the recipient and the postal address of an addressee; audited."""
    _require(policy.can_administer(actor), actor)
    if addressee_id not in procedure.addressees:
        raise InvalidInput({"addressee": [_("Unknown addressee.")]})
    by, _id = _who(actor)
    value = {"recipient": _text(recipient, "recipient", MAX_ADDRESS) or "",
             "address": _text(address, "address", MAX_ADDRESS) or "",
             "by": by, "at": utcnow().isoformat(timespec="seconds")}
    key = addressee_key(procedure, addressee_id)
    old = settings.get(key) or {}
    if all(old.get(k) == value[k] for k in ("recipient", "address")):
        return False
    return settings.put(key, value, actor=actor)


# --- Per-case facts ----------------------------------------------------------------------------


def set_case_facts(case: Case, *, dual_criminality: str, note: str | None,
                   expected_decision: date | None, actor: Any) -> dict[str, list[Any]]:
    """Record the dual-criminality finding (who and when kept) and the expected decision date."""
    _require(policy.can_edit_case(actor, case), actor)
    if dual_criminality not in set(DualCriminality):
        raise InvalidInput({"dual_criminality": [_("Choose one of the answers.")]})
    note = _text(note, "dual_criminality_note", MAX_NOTE)
    _guard(case, {"dual_criminality_note": note})
    row = case_procedure(case)
    if row is None:
        row = CaseProcedure(case_id=case.id, dual_criminality=DualCriminality.UNKNOWN.value)
        db.session.add(row)
    old = {"dual_criminality": row.dual_criminality, "dual_criminality_note":
           row.dual_criminality_note, "expected_decision_date": row.expected_decision_date}
    new = {"dual_criminality": dual_criminality, "dual_criminality_note": note,
           "expected_decision_date": expected_decision}
    changes = diff(old, new)
    if not changes:
        return {}
    if "dual_criminality" in changes:
        row.dual_criminality_by_id = getattr(actor, "id", None)
        row.dual_criminality_at = utcnow()
    row.dual_criminality = dual_criminality
    row.dual_criminality_note = note
    row.expected_decision_date = expected_decision
    row.updated_at = utcnow()
    db.session.flush()
    _audit("procedure.facts.update", case, changes, actor, object_type="case", object_id=case.id)
    return changes


# --- Documents ---------------------------------------------------------------------------------

_DATE_OF = {
    DocumentStatus.REQUESTED: "requested_on",
    DocumentStatus.RECEIVED: "received_on",
    DocumentStatus.TRANSLATED: "translated_on",
    DocumentStatus.VERIFIED: "verified_on",
}
_DOC_FIELDS = ("status", "requested_on", "received_on", "translated_on", "verified_on", "note")


def _document_values(status: str, dates: dict[str, date | None], note: str | None
                     ) -> dict[str, Any]:
    if status not in set(DocumentStatus):
        raise InvalidInput({"status": [_("Choose one of the statuses.")]})
    values: dict[str, Any] = {"status": status, **dates, "note": _text(note, "note", MAX_NOTE)}
    for name in _DATE_OF.values():
        _not_future(values.get(name), name)
    step = _DATE_OF.get(DocumentStatus(status))
    if step and values.get(step) is None:
        values[step] = clock.today()  # the step happened today unless a date was given
    ordered = [n for n in _DATE_OF.values() if values.get(n)]
    for earlier, later in zip(ordered, ordered[1:], strict=False):
        if values[later] < values[earlier]:
            raise InvalidInput({later: [_("This date cannot be before the previous step's.")]})
    return values


def update_document(case: Case, document_id: str, *, status: str, note: str | None,
                    actor: Any, **dates: date | None) -> dict[str, list[Any]]:
    """Record where a required document stands; refresh the overdue-request deadline."""
    _require(policy.can_edit_case(actor, case), actor)
    from advocate.procedures import procedure_for

    procedure = procedure_for(case)
    if procedure is None or document_id not in {d.id for d in procedure.documents}:
        raise InvalidInput({"document": [_("This route requires no such document.")]})
    unknown = set(dates) - set(_DATE_OF.values())
    if unknown:
        raise TypeError(f"unknown document dates: {sorted(unknown)}")
    values = _document_values(status, dates, note)
    _guard(case, {"note": values["note"]})
    row = db.session.execute(
        db.select(CaseDocument).where(CaseDocument.case_id == case.id,
                                      CaseDocument.document_id == document_id)
    ).scalar_one_or_none()
    old = {name: getattr(row, name) for name in _DOC_FIELDS} if row else {}
    changes = diff(old, {k: values.get(k) for k in _DOC_FIELDS})
    if row is not None and not changes:
        return {}
    if row is None:
        row = CaseDocument(case=case, document_id=document_id)
        db.session.add(row)
    for name in _DOC_FIELDS:
        setattr(row, name, values.get(name))
    row.updated_at, row.updated_by_id = utcnow(), getattr(actor, "id", None)
    db.session.flush()
    deadlines.recompute_documents(case)
    _audit("procedure.document.update", case, changes, actor, object_type="document",
           object_id=document_id)
    return changes


# --- Consent ledger ----------------------------------------------------------------------------


def _latest(case: Case, kind: ConsentKind) -> ConsentEntry | None:
    return consent_state(case, kind, consent_ledger(case)).current


def _check_order(latest: ConsentEntry | None, on: date, field: str) -> None:
    """Entries must not predate the latest one: the ledger's order is its dates' order."""
    if latest is not None and on < latest.entry_date:
        raise InvalidInput({field: [_(
            "The latest entry of this kind is dated %(date)s: a new entry cannot be earlier.",
            date=latest.entry_date.isoformat())]})


def _entry_snapshot(entry: ConsentEntry) -> dict[str, Any]:
    return {name: getattr(entry, name) for name in (
        "kind", "action", "entry_date", "language", "form", "lawyer_present",
        "return_risk_explained", "note")}


def record_consent(case: Case, *, kind: str, given_on: date | None, language: str | None,
                   form: str | None, lawyer_present: bool, return_risk_explained: bool,
                   note: str | None, actor: Any) -> ConsentEntry:
    """Add a consent to the ledger (a new entry; earlier ones are never changed)."""
    _require(policy.can_edit_case(actor, case), actor)
    errors: dict[str, list[str]] = {}
    if kind not in set(ConsentKind):
        errors["kind"] = [_("Choose what the consent is to.")]
    if given_on is None:
        errors["given_on"] = [_("Enter the date the consent was given.")]
    if language is not None and language not in set(Language):
        errors["language"] = [_("Choose a language.")]
    if form not in set(ConsentForm):
        errors["form"] = [_("Choose how the consent was given.")]
    if errors or given_on is None:
        raise InvalidInput(errors)
    _not_future(given_on, "given_on")
    _check_order(_latest(case, ConsentKind(kind)), given_on, "given_on")
    note = _text(note, "note", MAX_NOTE)
    _guard(case, {"consent_note": note})
    entry = ConsentEntry(
        case_id=case.id, kind=kind, action=ConsentAction.GIVEN.value, entry_date=given_on,
        language=language, form=form, lawyer_present=bool(lawyer_present),
        return_risk_explained=bool(return_risk_explained), note=note,
        recorded_by_id=getattr(actor, "id", None), recorded_at=utcnow(),
    )
    db.session.add(entry)
    db.session.flush()
    _audit("procedure.consent.give", case, diff({}, _entry_snapshot(entry)), actor,
           object_type="consent", object_id=entry.id)
    return entry


def withdraw_consent(case: Case, *, kind: str, withdrawn_on: date | None, note: str | None,
                     actor: Any) -> ConsentEntry:
    """Record the withdrawal of the current consent of this kind, as a new ledger entry."""
    _require(policy.can_edit_case(actor, case), actor)
    if kind not in set(ConsentKind):
        raise InvalidInput({"kind": [_("Choose what the consent is to.")]})
    if withdrawn_on is None:
        raise InvalidInput({"withdrawn_on": [_("Enter the date of the withdrawal.")]})
    _not_future(withdrawn_on, "withdrawn_on")
    latest = _latest(case, ConsentKind(kind))
    if latest is None or latest.action != ConsentAction.GIVEN:
        raise InvalidInput({"kind": [_("There is no consent of this kind to withdraw.")]})
    _check_order(latest, withdrawn_on, "withdrawn_on")
    note = _text(note, "note", MAX_NOTE)
    _guard(case, {"consent_note": note})
    entry = ConsentEntry(
        case_id=case.id, kind=kind, action=ConsentAction.WITHDRAWN.value,
        entry_date=withdrawn_on, note=note, recorded_by_id=getattr(actor, "id", None),
        recorded_at=utcnow(),
    )
    db.session.add(entry)
    db.session.flush()
    _audit("procedure.consent.withdraw", case, diff({}, _entry_snapshot(entry)), actor,
           object_type="consent", object_id=entry.id)
    return entry


# --- Hand-entered deadlines --------------------------------------------------------------------


def add_hearing(case: Case, *, due: date | None, title: str | None, actor: Any) -> Deadline:
    """Enter a court hearing (or another dated event) on the case; audited."""
    _require(policy.can_edit_case(actor, case), actor)
    errors: dict[str, list[str]] = {}
    if due is None:
        errors["due_date"] = [_("Enter the date.")]
    title = _text(title, "title", MAX_TITLE)
    if title is None:
        errors["title"] = [_("Say which court and what the hearing is about.")]
    if errors or due is None:
        raise InvalidInput(errors)
    _guard(case, {"hearing_title": title})
    row = Deadline(case_id=case.id, kind=DeadlineKind.HEARING.value, due_date=due,
                   source=DeadlineSource.MANUAL.value, ref="", title=title,
                   created_by_id=getattr(actor, "id", None))
    db.session.add(row)
    db.session.flush()
    _audit("procedure.deadline.create", case,
           diff({}, {"kind": row.kind, "due_date": due, "title": title}), actor,
           object_type="deadline", object_id=row.id)
    return row


def complete_deadline(case: Case, deadline: Deadline, *, actor: Any) -> None:
    """Mark a deadline of the case done; audited."""
    _require(policy.can_edit_case(actor, case), actor)
    if deadline.case_id != case.id:
        raise InvalidInput({"deadline": [_("This deadline belongs to another case.")]})
    if deadline.done_at is not None:
        return
    deadline.done_at = utcnow()
    db.session.flush()
    _audit("procedure.deadline.done", case,
           {"done": [None, deadline.done_at.isoformat(timespec="seconds")]}, actor,
           object_type="deadline", object_id=deadline.id,
           note=f"{deadline.kind} {deadline.due_date.isoformat()}")


def remove_hearing(case: Case, deadline: Deadline, *, actor: Any) -> None:
    """Delete a hand-entered deadline entered by mistake; audited (computed ones cannot be)."""
    _require(policy.can_edit_case(actor, case), actor)
    if deadline.case_id != case.id or deadline.source != DeadlineSource.MANUAL:
        raise InvalidInput({"deadline": [_("Only dates entered by hand can be removed.")]})
    old = {"kind": deadline.kind, "due_date": deadline.due_date, "title": deadline.title}
    db.session.delete(deadline)
    db.session.flush()
    _audit("procedure.deadline.delete", case, diff(old, {}), actor, object_type="deadline",
           object_id=deadline.id)
