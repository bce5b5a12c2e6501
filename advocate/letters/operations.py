"""The only code that changes letters: check, change, record the event, flush (never commit).

Each step (draft, change, preview, submit, approve, return, command-line render; sending, the
answer and downloads are in ``dispatch``) is an event on the case's timeline with the letter's
id, never with identity values: what the advocate typed is stored encrypted, and the events name
changed fields only.
Approval takes the outgoing number first (``register.allocate`` locks the counter row), then
renders the PDF with that number, stores it encrypted with its SHA-256, and freezes the letter.
"""

from __future__ import annotations

from dataclasses import asdict
from datetime import date
from typing import Any

from flask import url_for
from flask_babel import gettext as _
from sqlalchemy import select, update

from advocate import policy
from advocate.audit.operations import record
from advocate.cases.models import Case
from advocate.cases.operations import TextRefused
from advocate.clock import today as clock_today
from advocate.clock import utcnow
from advocate.extensions import db
from advocate.files import storage
from advocate.identity import operations as identity_ops
from advocate.identity import vault
from advocate.identity.guard import text_guard
from advocate.identity.keyring import Keyring, KeyUnavailable
from advocate.identity.service import get_keyring
from advocate.identity.vault import IdentityData
from advocate.letters import register
from advocate.letters.catalogue import LETTER_TYPES, missing_fields
from advocate.letters.context import (
    Draft,
    LetterInputs,
    addressee_choices,
    build_context,
    procedure_of,
)
from advocate.letters.dates import LANGUAGES
from advocate.letters.models import Letter
from advocate.letters.render import MissingLetterData, render_html, render_letter
from advocate.letters.workflow import (
    LetterStatus,
    Step,
    TransitionRefused,
    is_editable,
    is_registered,
    next_status,
)

MAX_NOTE = 2000
MAX_TRACKING = 100
PREVIEW_STYLESHEET = "css/letter.css"


class LetterError(Exception):
    """A refused letter operation; str() is the message for the user."""


class NotAllowed(LetterError):
    """The actor may not do this (views answer 403/404 before getting here)."""


class LetterRefused(LetterError):
    """The letter's state or data do not allow this step."""


class MissingData(LetterError):
    """The letter lacks data it cannot be produced without; ``fields`` are dotted paths."""

    def __init__(self, fields: list[str]) -> None:
        super().__init__(_("Data the letter needs is missing: %(fields)s.",
                           fields=", ".join(fields)))
        self.fields = fields


def require_allowed(allowed: bool) -> None:
    """NotAllowed unless allowed."""
    if not allowed:
        raise NotAllowed(_("You may not do this."))


def step_to(letter: Letter, step: Step) -> LetterStatus:
    """The status step leads to; LetterRefused when the letter's status does not allow it."""
    try:
        return next_status(letter.status, step)
    except TransitionRefused:
        raise LetterRefused(_("This is not possible while the letter is %(status)s.",
                              status=letter.status_label)) from None


def record_event(action: str, letter: Letter, actor: Any, **extra: Any) -> None:
    """One event of the letter on its case's timeline."""
    record(action, object_type="letter", object_id=letter.id, case_id=letter.case_id,
           actor=actor, **extra)


# --- Reading ----------------------------------------------------------------------------------


def letters_of(case: Case) -> list[Letter]:
    """The case's letters, newest first."""
    return list(db.session.execute(
        select(Letter).where(Letter.case_id == case.id).order_by(Letter.id.desc())
    ).scalars())


def inputs_of(letter: Letter) -> LetterInputs:
    """The letter's typed inputs, decrypted (KeyUnavailable when no loaded key opens them)."""
    return LetterInputs.open(letter.inputs, get_keyring())


def previous_choices(case: Case, exclude: int | None = None) -> list[Letter]:
    """The case's registered letters a follow-up may refer to, newest first."""
    return [x for x in letters_of(case) if x.number and is_registered(x.status) and x.id != exclude]


def draft_of(letter: Letter, inputs: LetterInputs | None = None) -> Draft:
    """The builder's view of a stored letter."""
    previous = None
    if letter.previous_letter_id:
        earlier = db.session.get(Letter, letter.previous_letter_id)
        if earlier is not None and earlier.number and earlier.number_date:
            previous = (earlier.number, earlier.number_date)
    return Draft(letter.type_id, letter.lang, letter.addressee_id,
                 inputs if inputs is not None else inputs_of(letter), previous,
                 letter.number, letter.number_date)


def _identity_for_check(case: Case) -> IdentityData | None:
    """The vault's values, only to tell which are filled; nothing is shown, so nothing recorded."""
    try:
        return vault.read_vault(case.id, get_keyring()).identity
    except KeyUnavailable:
        return None


def missing_for(case: Case, draft: Draft, today: date | None = None) -> list[str]:
    """The dotted paths of data this letter still lacks (identity values stay on the server)."""
    context = build_context(case, draft, _identity_for_check(case), today=today or clock_today())
    return missing_fields(draft.type_id, draft.lang, context)


def _context(case: Case, draft: Draft, actor: Any, purpose: str, today: date) -> Any:
    """The full context, recording that the identity was used (identity.export)."""
    try:
        data = identity_ops.export(case, actor, purpose, actor=actor)
    except identity_ops.IdentityRefused as exc:
        raise LetterRefused(str(exc)) from None
    return build_context(case, draft, data.identity, today=today)


def preview_html(case: Case, draft: Draft, *, actor: Any, today: date | None = None) -> str:
    """The letter as HTML for the browser; MissingData instead of a half-empty letter."""
    require_allowed(actor is not None and policy.can_read_letter_content(actor, case))
    context = _context(case, draft, actor, f"letter preview: {draft.type_id}/{draft.lang}",
                       today or clock_today())
    try:
        return render_html(draft.type_id, draft.lang, context,
                           preview_stylesheet=url_for("static", filename=PREVIEW_STYLESHEET))
    except MissingLetterData as exc:
        raise MissingData(exc.fields) from None


# --- Drafts -----------------------------------------------------------------------------------


def _check_choice(case: Case, type_id: str, lang: str, addressee_id: str | None) -> None:
    if type_id not in LETTER_TYPES:
        raise LetterRefused(_("Unknown letter type."))
    if lang not in LANGUAGES:
        raise LetterRefused(_("Letters are written in Russian, Uzbek or English."))
    if addressee_id and addressee_id not in addressee_choices(procedure_of(case), type_id):
        raise LetterRefused(_("This letter does not go to that addressee."))


def _check_previous(case: Case, letter_id: int | None, previous_id: int | None) -> None:
    if previous_id is None:
        return
    if previous_id not in {x.id for x in previous_choices(case, exclude=letter_id)}:
        raise LetterRefused(_("Refer to a letter of this case that has an outgoing number."))


def _seal(letter: Letter, inputs: LetterInputs) -> None:
    try:
        keyring = get_keyring()
        letter.inputs = inputs.seal(keyring)
        letter.inputs_key = keyring.fingerprint()
    except KeyUnavailable as exc:
        raise LetterRefused(identity_ops.key_problem(exc)) from None


def create_draft(case: Case, *, type_id: str, lang: str, addressee_id: str | None,
                 inputs: LetterInputs, previous_letter_id: int | None = None,
                 actor: Any) -> Letter:
    """Start a letter as a draft by actor (its author)."""
    require_allowed(policy.can_prepare_letter(actor, case))
    _check_choice(case, type_id, lang, addressee_id)
    _check_previous(case, None, previous_letter_id)
    letter = Letter(case_id=case.id, type_id=type_id, lang=lang, addressee_id=addressee_id or None,
                    previous_letter_id=previous_letter_id, author_id=actor.id,
                    status=LetterStatus.DRAFT.value)
    _seal(letter, inputs)
    db.session.add(letter)
    db.session.flush()
    record_event("letter.create", letter, actor, changes={
        "letter_type": [None, type_id], "letter_lang": [None, lang],
        "addressee": [None, addressee_id]})
    return letter


def update_draft(letter: Letter, *, lang: str, addressee_id: str | None, inputs: LetterInputs,
                 previous_letter_id: int | None = None, actor: Any) -> list[str]:
    """Change a draft (or a returned letter); return the names of the changed fields."""
    case = letter.case
    require_allowed(policy.can_prepare_letter(actor, case))
    if not is_editable(letter.status):
        raise LetterRefused(_("An approved or submitted letter cannot be changed."))
    _check_choice(case, letter.type_id, lang, addressee_id)
    _check_previous(case, letter.id, previous_letter_id)
    old_inputs = asdict(inputs_of(letter))
    changes: dict[str, list[Any]] = {}
    for name, old, new in (("letter_lang", letter.lang, lang),
                           ("addressee", letter.addressee_id, addressee_id or None),
                           ("previous_letter", letter.previous_letter_id, previous_letter_id)):
        if old != new:
            changes[name] = [old, new]
    # Typed inputs may identify people: the event names them, never their values.
    changed_inputs = [k for k, v in asdict(inputs).items() if old_inputs.get(k) != v]
    for name in changed_inputs:
        changes[name] = ["•••", "•••"]
    if not changes:
        return []
    letter.lang, letter.addressee_id = lang, addressee_id or None
    letter.previous_letter_id = previous_letter_id
    _seal(letter, inputs)
    letter.updated_at = utcnow()
    db.session.flush()
    record_event("letter.update", letter, actor, changes=changes)
    return sorted(changes)


# --- Review -----------------------------------------------------------------------------------


def submit(letter: Letter, *, actor: Any, today: date | None = None) -> None:
    """Send a complete draft to review."""
    require_allowed(policy.can_prepare_letter(actor, letter.case))
    target = step_to(letter, Step.SUBMIT)
    missing = missing_for(letter.case, draft_of(letter), today)
    if missing:
        raise MissingData(missing)
    old = letter.status
    letter.status, letter.submitted_at = target.value, utcnow()
    db.session.flush()
    record_event("letter.submit", letter, actor, changes={"letter_status": [old, target.value]})


def guard_note(case: Case, field: str, text: str | None, limit: int = MAX_NOTE) -> str | None:
    """A note squeezed to one line; LetterRefused when it holds the case's identity."""
    text = " ".join((text or "").split())[:limit] or None
    if text:
        try:
            text_guard(case, {field: text})
        except TextRefused as exc:
            raise LetterRefused(exc.message) from None
    return text


def return_letter(letter: Letter, *, comment: str, actor: Any) -> None:
    """The reviewer sends the letter back to its author with a comment."""
    require_allowed(policy.can_review_letter(actor, letter))
    target = step_to(letter, Step.RETURN)
    comment_text = guard_note(letter.case, "review_comment", comment)
    if not comment_text:
        raise LetterRefused(_("Say what the author should change."))
    old = letter.status
    letter.status, letter.review_comment = target.value, comment_text
    letter.reviewer_id, letter.reviewed_at = actor.id, utcnow()
    db.session.flush()
    record_event("letter.return", letter, actor, changes={"letter_status": [old, target.value]},
           reason=comment_text)


def _lock(letter: Letter) -> Letter:
    """The letter row, locked until commit, so two reviewers cannot both approve it."""
    db.session.execute(select(Letter.id).where(Letter.id == letter.id).with_for_update())
    db.session.refresh(letter)  # read what the lock protects, not what the session cached
    return letter


def approve(letter: Letter, *, actor: Any, today: date | None = None) -> Letter:
    """Number, render, store and freeze the letter (the reviewer is not its author)."""
    letter = _lock(letter)
    require_allowed(policy.can_review_letter(actor, letter))
    target = step_to(letter, Step.APPROVE)
    on = today or clock_today()
    number = register.allocate(on)  # first: the counter lock orders concurrent approvals
    draft = draft_of(letter)
    draft.number, draft.number_date = number, on
    context = _context(letter.case, draft, actor, f"letter approval: {number}", on)
    try:
        pdf = render_letter(letter.type_id, letter.lang, context)
    except MissingLetterData as exc:
        raise MissingData(exc.fields) from None
    stored = storage.store(pdf, kind="letter_pdf", case_id=letter.case_id,
                           mime_type=storage.PDF, actor=actor)
    try:
        old = letter.status
        letter.status, letter.number, letter.number_date = target.value, number, on
        letter.pdf_file_id, letter.pdf_sha256 = stored.id, stored.sha256
        letter.reviewer_id, letter.reviewed_at, letter.review_comment = actor.id, utcnow(), None
        db.session.flush()
        record_event("letter.approve", letter, actor, changes={
            "letter_status": [old, target.value], "outgoing_number": [None, number],
            "pdf_sha256": [None, stored.sha256]})
    except Exception:
        storage.discard(stored.name)
        raise
    return letter


def rotate_keys(keyring: Keyring) -> tuple[int, int]:
    """Re-encrypt the letters' typed inputs and every stored file with the first key.

    The identity key rotation (``identity rotate-key``) must call this too: letters and files
    use the vault's keyring, and a removed old key would otherwise leave them unreadable.
    """
    letters = db.session.execute(
        select(Letter).where(Letter.inputs.is_not(None)).order_by(Letter.id)).scalars().all()
    fingerprint = keyring.fingerprint()
    for letter in letters:
        # The same content under a new key, also for approved letters: a bulk UPDATE, which the
        # frozen-letter guard (a flush hook for content changes) rightly does not see.
        db.session.execute(
            update(Letter).where(Letter.id == letter.id)
            .values(inputs=keyring.rotate_token(letter.inputs or ""), inputs_key=fingerprint))
    files = storage.rotate_all(keyring)
    return len(letters), files


def render_unregistered(case: Case, type_id: str, lang: str, *, actor: Any = None,
                        inputs: LetterInputs | None = None, addressee_id: str | None = None,
                        today: date | None = None) -> bytes:
    """A draft PDF without a number (command line: checking templates, batch preparation)."""
    _check_choice(case, type_id, lang, addressee_id)
    if addressee_id is None:
        choices = addressee_choices(procedure_of(case), type_id)
        addressee_id = choices[0] if choices else None
    draft = Draft(type_id, lang, addressee_id, inputs or LetterInputs())
    on = today or clock_today()
    missing = missing_for(case, draft, on)
    if missing:
        raise MissingData(missing)
    # No user: the operator at the command line holds the keys; the export is still recorded.
    try:
        data = identity_ops.export(case, None, f"letter draft rendered: {type_id}/{lang}",
                                   actor=actor)
    except identity_ops.IdentityRefused as exc:
        raise LetterRefused(str(exc)) from None
    pdf = render_letter(type_id, lang, build_context(case, draft, data.identity, today=on))
    record("letter.render", object_type="case", object_id=case.id, case_id=case.id,
           changes={"letter_type": [None, type_id], "letter_lang": [None, lang]}, actor=actor)
    return pdf
