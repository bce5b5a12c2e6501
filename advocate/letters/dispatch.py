"""Sending, the answer and the stored files of an approved letter (see ``operations``).

Recording a letter as sent sets its follow-up deadline through the procedures package (the one
deadline source); recording the answer marks that deadline done and keeps the scanned reply,
checked by content and encrypted. Each download is an event on the case's timeline.
"""

from __future__ import annotations

from datetime import date
from typing import IO, Any

from flask_babel import gettext as _

from advocate import policy
from advocate.extensions import db
from advocate.files import storage
from advocate.identity import operations as identity_ops
from advocate.identity.keyring import KeyUnavailable
from advocate.letters.models import Channel, Letter, Outcome
from advocate.letters.operations import (
    MAX_TRACKING,
    LetterRefused,
    guard_note,
    record_event,
    require_allowed,
    step_to,
)
from advocate.letters.workflow import Step
from advocate.procedures import deadlines
from advocate.procedures.models import DeadlineKind


def record_sent(letter: Letter, *, sent_on: date, channel: str, tracking_number: str | None,
                actor: Any) -> None:
    """Record how and when the approved letter went out; set its follow-up deadline."""
    require_allowed(policy.can_record_letter_progress(actor, letter.case))
    target = step_to(letter, Step.SEND)
    if channel not in set(Channel):
        raise LetterRefused(_("Choose how the letter was sent."))
    if letter.number_date and sent_on < letter.number_date:
        raise LetterRefused(_("A letter cannot be sent before it was approved."))
    tracking = guard_note(letter.case, "tracking_number", tracking_number, MAX_TRACKING)
    old = letter.status
    letter.status, letter.sent_on = target.value, sent_on
    letter.sent_channel, letter.tracking_number = channel, tracking
    db.session.flush()
    due = deadlines.set_follow_up(letter.case, letter.follow_up_ref, sent_on)
    record_event("letter.send", letter, actor, changes={
        "letter_status": [old, target.value], "sent_on": [None, sent_on.isoformat()],
        "sent_channel": [None, channel], "tracking_number": [None, tracking],
        "follow_up_due": [None, due.due_date.isoformat() if due is not None else None]})


def record_answer(letter: Letter, *, answer_on: date, outcome: str, note: str | None,
                  reply: IO[bytes] | None, actor: Any) -> None:
    """Record the answer (and its scanned reply); the follow-up deadline is done."""
    require_allowed(policy.can_record_letter_progress(actor, letter.case))
    target = step_to(letter, Step.ANSWER)
    if outcome not in set(Outcome):
        raise LetterRefused(_("Choose what the answer said."))
    if letter.sent_on and answer_on < letter.sent_on:
        raise LetterRefused(_("The answer cannot come before the letter was sent."))
    note_text = guard_note(letter.case, "answer_note", note)
    stored = None
    if reply is not None:
        try:
            stored = storage.store_upload(reply, kind="letter_reply", case_id=letter.case_id,
                                          actor=actor)
        except storage.FileRefused as exc:
            raise LetterRefused(str(exc)) from None
        except KeyUnavailable as exc:
            raise LetterRefused(identity_ops.key_problem(exc)) from None
    try:
        old = letter.status
        letter.status, letter.answer_on, letter.answer_outcome = target.value, answer_on, outcome
        letter.answer_note, letter.reply_file_id = note_text, stored.id if stored else None
        db.session.flush()
        deadlines.resolve(letter.case, DeadlineKind.FOLLOW_UP, letter.follow_up_ref)
        record_event("letter.answer", letter, actor, changes={
            "letter_status": [old, target.value], "answer_on": [None, answer_on.isoformat()],
            "answer_outcome": [None, outcome],
            "reply_sha256": [None, stored.sha256 if stored else None]},
            note=note_text)
    except Exception:
        if stored is not None:
            storage.discard(stored.name)
        raise


# --- Files ------------------------------------------------------------------------------------


def download(letter: Letter, which: str, *, actor: Any) -> tuple[bytes, str, str]:
    """(content, type, file name) of the stored PDF ("pdf") or reply ("reply"); recorded."""
    require_allowed(policy.can_read_letter_content(actor, letter.case))
    row = letter.pdf_file if which == "pdf" else letter.reply_file
    if row is None:
        raise LetterRefused(_("There is no such file for this letter."))
    try:
        data = storage.load(row)
    except KeyUnavailable as exc:
        raise LetterRefused(identity_ops.key_problem(exc)) from None
    except storage.FileDamaged as exc:
        raise LetterRefused(str(exc)) from None
    record_event("letter.download", letter, actor, changes={"downloaded_file": [None, which]})
    stem = (letter.number or f"letter-{letter.id}").replace("/", "-")
    label = "reply" if which == "reply" else letter.type_id
    name = f"{letter.case.reference}_{stem}_{label}.{row.extension}"
    return data, row.mime_type, "".join(c if c.isalnum() or c in "-_." else "-" for c in name)
