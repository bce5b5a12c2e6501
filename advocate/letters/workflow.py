"""A letter's life as an enum with a transition table: no Flask, no database.

draft → in review → approved (PDF frozen, numbered, stored) → sent → answered; a reviewer may
return a letter in review to its author, who edits it and submits it again.
"""

from __future__ import annotations

from enum import StrEnum

from flask_babel import lazy_gettext as _l

from advocate.labels import Labelled, register


class LetterStatus(Labelled):
    """Where a letter stands."""

    DRAFT = "draft"
    IN_REVIEW = "in_review"
    RETURNED = "returned"
    APPROVED = "approved"
    SENT = "sent"
    ANSWERED = "answered"


class Step(StrEnum):
    """What can happen to a letter."""

    SUBMIT = "submit"
    APPROVE = "approve"
    RETURN = "return"
    SEND = "send"
    ANSWER = "answer"


register([
    (LetterStatus.DRAFT, _l("draft")),
    (LetterStatus.IN_REVIEW, _l("in review")),
    (LetterStatus.RETURNED, _l("returned for changes")),
    (LetterStatus.APPROVED, _l("approved")),
    (LetterStatus.SENT, _l("sent")),
    (LetterStatus.ANSWERED, _l("answered")),
])

#: (status, step) -> the status the step leads to.
TRANSITIONS: dict[tuple[LetterStatus, Step], LetterStatus] = {
    (LetterStatus.DRAFT, Step.SUBMIT): LetterStatus.IN_REVIEW,
    (LetterStatus.RETURNED, Step.SUBMIT): LetterStatus.IN_REVIEW,
    (LetterStatus.IN_REVIEW, Step.APPROVE): LetterStatus.APPROVED,
    (LetterStatus.IN_REVIEW, Step.RETURN): LetterStatus.RETURNED,
    (LetterStatus.APPROVED, Step.SEND): LetterStatus.SENT,
    (LetterStatus.SENT, Step.ANSWER): LetterStatus.ANSWERED,
}

#: The statuses in which the author may still change the letter's content.
EDITABLE = frozenset({LetterStatus.DRAFT, LetterStatus.RETURNED})
#: The statuses of a letter that has its outgoing number and frozen PDF.
REGISTERED = frozenset({LetterStatus.APPROVED, LetterStatus.SENT, LetterStatus.ANSWERED})


class TransitionRefused(ValueError):
    """A step the letter's status does not allow."""


def next_status(status: str, step: str) -> LetterStatus:
    """The status after step; TransitionRefused when the step is not allowed now."""
    try:
        return TRANSITIONS[(LetterStatus(status), Step(step))]
    except (KeyError, ValueError):
        raise TransitionRefused(f"{step} is not possible for a letter that is {status}") from None


def allowed_steps(status: str) -> list[Step]:
    """The steps possible from status, in table order."""
    return [step for (source, step) in TRANSITIONS if source == status]


def is_editable(status: str) -> bool:
    """Whether the content may still change."""
    return status in EDITABLE


def is_registered(status: str) -> bool:
    """Whether the letter has been approved (numbered, frozen)."""
    return status in REGISTERED
