"""Case operations: the only code that changes cases, claims, notes, status and assignment.

Each operation checks the policy (an `actor` of None is the system: CLI commands and imports run
by the operator), validates with `rules`, runs the hooks, changes the objects, writes one event
to the audit log with the field diff and flushes. None of them commits: the request or command
commits once, so an event lives or dies with its change.

Hooks other features register into (append a callable at import time of their module):

- `text_guards`: `guard(case, {field: text})` is called with every free-text value about to be
  saved (label, facility, court, claim narrative, note, ...); `case` is None while a case is being
  created. A guard refuses the save by raising `TextRefused(field, fragment, message)`; the
  identity vault's leak guard refuses names and passport numbers this way.
- `transition_guards`: `guard(case, target_status) -> [reasons]`; any reason blocks the status
  change with `TransitionBlocked` (the procedures engine blocks "ready to apply" until every
  eligibility condition is met).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select, update

from advocate import policy
from advocate.audit.models import AuditEvent
from advocate.audit.operations import diff, record
from advocate.auth.models import User
from advocate.cases import references, rules
from advocate.cases.models import Case, Claim
from advocate.cases.record import (
    CASE_FIELD_NAMES,
    CASE_FIELDS,
    CHOICES,
    CLAIM_FIELD_NAMES,
    CLAIM_FIELDS,
    MONEY,
    FieldSpec,
    case_field_label,
    join_codes,
    snapshot,
)
from advocate.cases.search import build_search_text
from advocate.cases.vocab import ClosingReason
from advocate.cases.workflow import Status, TransitionError, check_transition
from advocate.clock import utcnow
from advocate.extensions import db

NOTE_ACTION = "case.note"


class CaseError(Exception):
    """A refused case operation; str() is the message for the user."""


class NotAllowed(CaseError):
    """The actor may not do this (views answer 403/404 before getting here)."""


class InvalidRecord(CaseError):
    """Values that break the rules; `errors` maps field names to messages."""

    def __init__(self, errors: dict[str, list[str]]) -> None:
        super().__init__("; ".join(f"{k}: {' '.join(v)}" for k, v in errors.items()))
        self.errors = errors


class TextRefused(CaseError):
    """A text guard refused a free-text value: which field, what fragment, and why."""

    def __init__(self, field: str, fragment: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.fragment = fragment
        self.message = message


@dataclass(frozen=True)
class Conflict:
    """One field of a stale edit: what the user submitted and what is saved now."""

    field: str
    label: str
    yours: Any
    saved: Any


class StaleEdit(CaseError):
    """The form was built from an older version of the case; nothing was saved."""

    def __init__(self, conflicts: list[Conflict], current_version: int) -> None:
        super().__init__(_("Someone else changed this case while you were editing it."))
        self.conflicts = conflicts
        self.current_version = current_version


class TransitionBlocked(CaseError):
    """A transition guard blocked the status change; `reasons` are for the user."""

    def __init__(self, reasons: list[str]) -> None:
        super().__init__(" ".join(reasons))
        self.reasons = reasons


#: Called with (case or None, {field: text}) before free text is saved; raise TextRefused.
text_guards: list[Callable[[Case | None, dict[str, str]], None]] = []
#: Called with (case, target status); a non-empty list of reasons blocks the transition.
transition_guards: list[Callable[[Case, Status], list[str]]] = []
#: Called with (case, form, submitted form data) before a case's free-text form is validated;
#: may rewrite the form's data (the identity vault's "replace with the reference" button).
form_fixers: list[Callable[[Case, Any, Any], str | None]] = []


def fix_form(case: Case, form: Any, submitted: Any) -> None:
    """Let the registered form fixers rewrite a submitted free-text form before validation."""
    for fixer in form_fixers:
        fixer(case, form, submitted)


def _require(allowed: bool, actor: Any) -> None:
    if actor is not None and not allowed:
        raise NotAllowed(_("You may not change this case."))


def _clean(spec: FieldSpec, value: Any) -> Any:
    """One value as stored: stripped text, blank as None, code lists joined, money to kopecks."""
    if spec.kind == CHOICES:
        return join_codes(list(value)) if isinstance(value, list | tuple) else (value or "")
    if isinstance(value, str):
        value = value.strip()
        return value or ("" if spec.name == "articles" else None)
    if spec.kind == MONEY and value is not None:
        return Decimal(value).quantize(Decimal("0.01"))
    return value


def _clean_values(specs: tuple[FieldSpec, ...], values: Mapping[str, Any]) -> dict[str, Any]:
    return {s.name: _clean(s, values[s.name]) for s in specs if s.name in values}


def _guard_text(case: Case | None, specs: Iterable[FieldSpec], values: Mapping[str, Any]) -> None:
    texts = {s.name: values[s.name] for s in specs if s.free_text and values.get(s.name)}
    if texts:
        for guard in text_guards:
            guard(case, dict(texts))


def _validate_case(values: dict[str, Any]) -> None:
    errors = rules.check_case(values)
    if errors:
        raise InvalidRecord(errors)
    values["articles"] = rules.normalise_articles(values.get("articles"))


def _touch(case: Case, *, edited: bool = False) -> None:
    now = utcnow()
    case.last_activity_at = now
    if edited:
        case.updated_at = now


def refresh_search_text(case: Case) -> None:
    """Rebuild the search text from the record, its claims' narratives and its notes."""
    notes = db.session.execute(
        select(AuditEvent.note)
        .where(AuditEvent.case_id == case.id, AuditEvent.action == NOTE_ACTION)
        .order_by(AuditEvent.id)
    ).scalars()
    narratives = [c.narrative for c in case.claims if c.narrative]
    case.search_text = build_search_text(case, [n for n in notes if n], narratives)


def _audit(action: str, case: Case, changes: dict[str, list[Any]] | None, actor: Any, *,
           object_type: str = "case", object_id: Any = None, **extra: Any) -> None:
    record(action, object_type=object_type, object_id=case.id if object_id is None else object_id,
           case_id=case.id, changes=changes, actor=actor, **extra)


def _people(user: User | None, users: Iterable[User]) -> dict[str, Any]:
    return {"owner": user.username if user else None,
            "collaborators": sorted(u.username for u in users)}


def _check_assignable(users: Iterable[User | None]) -> None:
    for user in users:
        if user is not None and not policy.can_list_cases(user):
            raise CaseError(_("%(name)s cannot work on cases.", name=user.username))


def create_case(
    values: Mapping[str, Any],
    *,
    actor: Any,
    owner: User | None = None,
    reference: str | None = None,
    status: str | None = None,
    closing_reason: str | None = None,
    reason: str | None = None,
) -> Case:
    """Open a case; an advocate who creates one owns it. `status` is for imports only."""
    _require(policy.can_create_case(actor), actor)
    if owner is None and actor is not None and not policy.can_see_all_cases(actor):
        owner = actor
    _check_assignable([owner])
    cleaned = _clean_values(CASE_FIELDS, values)
    _validate_case(cleaned)
    _guard_text(None, CASE_FIELDS, cleaned)
    initial = Status(status or Status.INTAKE)
    if initial is Status.CLOSED and closing_reason not in set(ClosingReason):
        raise InvalidRecord({"closing_reason": [_("A closed case needs a closing reason.")]})
    if reference:
        _claim_reference(reference)
    case = Case(reference=reference or references.allocate(), status=initial.value,
                closing_reason=closing_reason if initial is Status.CLOSED else None,
                owner=owner, **cleaned)
    db.session.add(case)
    db.session.flush()
    refresh_search_text(case)
    new = {**snapshot(case, CASE_FIELD_NAMES), "status": case.status,
           "closing_reason": case.closing_reason, "owner": owner.username if owner else None}
    _audit("case.create", case, diff({}, new), actor, reason=reason)
    return case


def _claim_reference(reference: str) -> None:
    if references.parse_reference(reference) is None:
        raise InvalidRecord({"reference": [_("A reference looks like ADV-2026-0042.")]})
    if db.session.execute(select(Case.id).where(Case.reference == reference)).first():
        raise InvalidRecord({"reference": [_("The reference %(ref)s is taken.", ref=reference)]})
    references.claim(reference)


def update_case(
    case: Case, values: Mapping[str, Any], *, expected_version: int, actor: Any
) -> dict[str, list[Any]]:
    """Save an edit of the record made from `expected_version`; return the field diff.

    Raises StaleEdit (nothing saved) when the case changed since that version and the submitted
    values differ from the saved ones.
    """
    _require(policy.can_edit_case(actor, case), actor)
    cleaned = _clean_values(CASE_FIELDS, values)
    merged = {**snapshot(case, CASE_FIELD_NAMES), **cleaned}
    _validate_case(merged)
    cleaned = {k: merged[k] for k in cleaned}
    old = snapshot(case, tuple(cleaned))
    changes = diff(old, cleaned)
    if expected_version != case.version:
        if changes:
            raise StaleEdit(_conflicts(old, cleaned), case.version)
        return {}
    if not changes:
        return {}
    _guard_text(case, CASE_FIELDS, {k: cleaned[k] for k in changes})
    _bump_version(case, expected_version, old, cleaned)
    for name in changes:
        setattr(case, name, cleaned[name])
    _touch(case, edited=True)
    refresh_search_text(case)
    db.session.flush()
    _audit("case.update", case, changes, actor)
    return changes


def _conflicts(old: Mapping[str, Any], new: Mapping[str, Any]) -> list[Conflict]:
    return [Conflict(name, case_field_label(name), new[name], old[name])
            for name in new if old.get(name) != new[name]]


def _bump_version(case: Case, expected: int, old: dict[str, Any], new: dict[str, Any]) -> None:
    """Move the version on in the database only if nobody else did meanwhile."""
    result = db.session.execute(
        update(Case).where(Case.id == case.id, Case.version == expected)
        .values(version=expected + 1).execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        db.session.refresh(case)
        raise StaleEdit(_conflicts(snapshot(case, tuple(new)), new), case.version)
    case.version = expected + 1


def add_claim(case: Case, values: Mapping[str, Any], *, actor: Any) -> Claim:
    """Record a claim of coercion on a case."""
    _require(policy.can_edit_case(actor, case), actor)
    cleaned = _clean_values(CLAIM_FIELDS, values)
    errors = rules.check_claim(cleaned)
    if errors:
        raise InvalidRecord(errors)
    _guard_text(case, CLAIM_FIELDS, cleaned)
    claim = Claim(**cleaned)
    case.claims.append(claim)
    case.claim_count = len(case.claims)
    _touch(case)
    db.session.flush()
    refresh_search_text(case)
    _audit("case.claim.create", case, diff({}, snapshot(claim, CLAIM_FIELD_NAMES)), actor,
           object_type="claim", object_id=claim.id)
    return claim


def update_claim(claim: Claim, values: Mapping[str, Any], *, actor: Any) -> dict[str, list[Any]]:
    """Correct a claim; return the field diff."""
    case = claim.case
    _require(policy.can_edit_case(actor, case), actor)
    cleaned = _clean_values(CLAIM_FIELDS, values)
    merged = {**snapshot(claim, CLAIM_FIELD_NAMES), **cleaned}
    errors = rules.check_claim(merged)
    if errors:
        raise InvalidRecord(errors)
    changes = diff(snapshot(claim, tuple(cleaned)), cleaned)
    if not changes:
        return {}
    _guard_text(case, CLAIM_FIELDS, {k: cleaned[k] for k in changes})
    for name in changes:
        setattr(claim, name, cleaned[name])
    claim.updated_at = utcnow()
    _touch(case)
    refresh_search_text(case)
    db.session.flush()
    _audit("case.claim.update", case, changes, actor, object_type="claim", object_id=claim.id)
    return changes


def add_note(case: Case, text: str, *, actor: Any) -> None:
    """Add a free note to the case's timeline (notes are events, never edited)."""
    _require(policy.can_edit_case(actor, case), actor)
    text = (text or "").strip()
    if not text:
        raise InvalidRecord({"text": [_("Write the note first.")]})
    for guard in text_guards:
        guard(case, {"note": text})
    _touch(case)
    _audit(NOTE_ACTION, case, None, actor, note=text)
    refresh_search_text(case)
    db.session.flush()


def change_status(case: Case, target: str, *, actor: Any, closing_reason: str | None = None,
                  comment: str | None = None) -> None:
    """Move the case through the workflow; TransitionError or TransitionBlocked refuse it."""
    _require(policy.can_edit_case(actor, case), actor)
    supervisor = actor is None or policy.is_supervisor(actor)
    check_transition(case.status, target, is_supervisor=supervisor, closing_reason=closing_reason)
    dest = Status(target)
    reasons = [reason for guard in transition_guards for reason in guard(case, dest)]
    if reasons:
        raise TransitionBlocked(reasons)
    if comment:
        for guard in text_guards:
            guard(case, {"status_comment": comment})
    old = {"status": case.status, "closing_reason": case.closing_reason}
    case.status = dest.value
    case.closing_reason = closing_reason if dest is Status.CLOSED else None
    _touch(case)
    db.session.flush()
    new = {"status": case.status, "closing_reason": case.closing_reason}
    _audit("case.status", case, diff(old, new), actor, reason=comment or None)


def assign(case: Case, *, owner: User | None, collaborators: Iterable[User], actor: Any
           ) -> dict[str, list[Any]]:
    """Set the owner and the collaborators (the owner is never also a collaborator)."""
    _require(policy.can_assign_case(actor, case), actor)
    helpers = [u for u in dict.fromkeys(collaborators) if owner is None or u.id != owner.id]
    _check_assignable([owner, *helpers])
    old = _people(case.owner, case.collaborators)
    new = _people(owner, helpers)
    changes = diff(old, new)
    if not changes:
        return {}
    case.owner = owner
    case.collaborators = helpers
    _touch(case)
    db.session.flush()
    _audit("case.assign", case, changes, actor)
    return changes


def record_export(*, actor: Any, destination: str) -> None:
    """Log a bulk export of cases (who took a copy of every record, and where to)."""
    _require(policy.can_export_cases(actor), actor)
    record("cases.export", object_type="case", reason=destination, actor=actor)


__all__ = [
    "CaseError", "Conflict", "InvalidRecord", "NotAllowed", "StaleEdit", "TextRefused",
    "TransitionBlocked", "TransitionError", "add_claim", "add_note", "assign", "change_status",
    "create_case", "record_export", "refresh_search_text", "text_guards", "transition_guards",
    "update_case", "update_claim",
]
