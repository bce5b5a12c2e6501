"""The repatriation workflow of a case: the status enum and its transition table.

Pure: no Flask app, no database. The operations layer asks `check_transition` before it changes a
case's status and writes the event; a view never assigns a status itself.

The table follows the route a transfer takes (see shared/domain/transfer-law.md):

- forward: intake -> verifying identity and citizenship -> awaiting final judgment (only while the
  person is in pretrial detention; a case whose judgment is already final goes straight to
  collecting documents) -> collecting documents -> awaiting consent -> ready to apply -> applied ->
  under review (Russian court / ministries) -> approved or refused; refused -> appeal; approved ->
  transferred -> closed.
- back: a case returns to collecting documents whenever a document turns out to be missing (the
  Russian court may postpone and ask for more, CPC art. 470; a refusal can be answered by a fresh,
  complete application); to verifying identity when citizenship is put in doubt; to awaiting
  judgment when a judgment is quashed on appeal or cassation; to awaiting consent when consent is
  withdrawn before the application goes out; an approval overturned on the prosecutor's appeal
  goes back under review.
- closing: every open status may be closed, always with a reason from `ClosingReason`.
- reopening: only a supervisor reopens a closed case, and may resume it at any open stage. We
  chose this over "back to intake only" because a case closed for lost contact usually resumes
  where it stopped (the timeline shows which stage that was), and walking it from intake through
  every step again would write a trail of false events. The operation records who reopened it.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from advocate.cases.vocab import ClosingReason
from advocate.labels import Labelled, register


class Status(Labelled):
    """The repatriation status of a case; the value is what the database and CSV store."""

    INTAKE = "intake"
    VERIFYING_IDENTITY = "verifying_identity"
    AWAITING_JUDGMENT = "awaiting_judgment"
    COLLECTING_DOCUMENTS = "collecting_documents"
    AWAITING_CONSENT = "awaiting_consent"
    READY_TO_APPLY = "ready_to_apply"
    APPLIED = "applied"
    UNDER_REVIEW = "under_review"
    APPROVED = "approved"
    REFUSED = "refused"
    APPEAL = "appeal"
    TRANSFERRED = "transferred"
    CLOSED = "closed"


register([
    (Status.INTAKE, _l("Intake")),
    (Status.VERIFYING_IDENTITY, _l("Verifying identity and citizenship")),
    (Status.AWAITING_JUDGMENT, _l("Awaiting final judgment")),
    (Status.COLLECTING_DOCUMENTS, _l("Collecting documents")),
    (Status.AWAITING_CONSENT, _l("Awaiting consent")),
    (Status.READY_TO_APPLY, _l("Ready to apply")),
    (Status.APPLIED, _l("Applied")),
    (Status.UNDER_REVIEW, _l("Under review")),
    (Status.APPROVED, _l("Approved")),
    (Status.REFUSED, _l("Refused")),
    (Status.APPEAL, _l("Appeal")),
    (Status.TRANSFERRED, _l("Transferred")),
    (Status.CLOSED, _l("Closed")),
])

#: Every status but Closed: the case is still being worked on.
OPEN_STATUSES: frozenset[Status] = frozenset(Status) - {Status.CLOSED}

#: The main line of the funnel, first stage first. Refused and Appeal are branches at the depth of
#: Under review (see FUNNEL_DEPTH); Closed is outside the funnel.
FUNNEL_ORDER: tuple[Status, ...] = (
    Status.INTAKE,
    Status.VERIFYING_IDENTITY,
    Status.AWAITING_JUDGMENT,
    Status.COLLECTING_DOCUMENTS,
    Status.AWAITING_CONSENT,
    Status.READY_TO_APPLY,
    Status.APPLIED,
    Status.UNDER_REVIEW,
    Status.APPROVED,
    Status.TRANSFERRED,
)

#: How far along the funnel each open status is (0 = intake), so that "reached at least stage N"
#: can count refused and appealed cases as having reached review.
FUNNEL_DEPTH: Mapping[Status, int] = MappingProxyType(
    {
        **{status: depth for depth, status in enumerate(FUNNEL_ORDER)},
        Status.REFUSED: FUNNEL_ORDER.index(Status.UNDER_REVIEW),
        Status.APPEAL: FUNNEL_ORDER.index(Status.UNDER_REVIEW),
    }
)

#: Moving into these statuses needs the eligibility check of the operations layer: no condition
#: may be "not met" (unknown ones are warnings, not blocks).
REQUIRES_ELIGIBILITY: frozenset[Status] = frozenset({Status.READY_TO_APPLY})

#: Only a supervisor may make these moves (reopening a closed case).
SUPERVISOR_ONLY: frozenset[tuple[Status, Status]] = frozenset(
    (Status.CLOSED, target) for target in OPEN_STATUSES
)

_S = Status
TRANSITIONS: Mapping[Status, frozenset[Status]] = MappingProxyType(
    {
        _S.INTAKE: frozenset({_S.VERIFYING_IDENTITY, _S.CLOSED}),
        _S.VERIFYING_IDENTITY: frozenset(
            {_S.AWAITING_JUDGMENT, _S.COLLECTING_DOCUMENTS, _S.CLOSED}
        ),
        _S.AWAITING_JUDGMENT: frozenset(
            {_S.COLLECTING_DOCUMENTS, _S.VERIFYING_IDENTITY, _S.CLOSED}
        ),
        _S.COLLECTING_DOCUMENTS: frozenset(
            {_S.AWAITING_CONSENT, _S.AWAITING_JUDGMENT, _S.VERIFYING_IDENTITY, _S.CLOSED}
        ),
        _S.AWAITING_CONSENT: frozenset({_S.READY_TO_APPLY, _S.COLLECTING_DOCUMENTS, _S.CLOSED}),
        _S.READY_TO_APPLY: frozenset(
            {_S.APPLIED, _S.AWAITING_CONSENT, _S.COLLECTING_DOCUMENTS, _S.CLOSED}
        ),
        # An application can be returned without examination (no treaty or reciprocity, CPC
        # art. 469): that is recorded as a refusal without passing through review.
        _S.APPLIED: frozenset({_S.UNDER_REVIEW, _S.REFUSED, _S.COLLECTING_DOCUMENTS, _S.CLOSED}),
        _S.UNDER_REVIEW: frozenset({_S.APPROVED, _S.REFUSED, _S.COLLECTING_DOCUMENTS, _S.CLOSED}),
        _S.APPROVED: frozenset({_S.TRANSFERRED, _S.UNDER_REVIEW, _S.CLOSED}),
        _S.REFUSED: frozenset({_S.APPEAL, _S.COLLECTING_DOCUMENTS, _S.CLOSED}),
        _S.APPEAL: frozenset({_S.UNDER_REVIEW, _S.APPROVED, _S.REFUSED, _S.CLOSED}),
        _S.TRANSFERRED: frozenset({_S.CLOSED}),
        _S.CLOSED: frozenset(OPEN_STATUSES),
    }
)
del _S


class TransitionError(ValueError):
    """A status change the workflow does not allow; the message is ready to show to the user."""

    def __init__(self, message: str, *, current: Status, target: Status | None) -> None:
        super().__init__(message)
        self.current = current
        self.target = target


def _is_allowed(current: Status, target: Status, *, is_supervisor: bool) -> bool:
    """Whether the table allows current -> target for this kind of user."""
    if target not in TRANSITIONS[current]:
        return False
    return is_supervisor or (current, target) not in SUPERVISOR_ONLY


def allowed_next(status: Status | str, *, is_supervisor: bool) -> list[Status]:
    """The statuses this user may move a case to from `status`, in workflow order."""
    current = Status(status)
    return [t for t in Status if _is_allowed(current, t, is_supervisor=is_supervisor)]


def _labels(statuses: list[Status]) -> str:
    """The translated labels joined for a message, or "none"."""
    return ", ".join(s.label for s in statuses) if statuses else _("none")


def _refusal(current: Status, target: Status, *, is_supervisor: bool) -> TransitionError:
    """The error for a move the table does not allow, naming the allowed next statuses."""
    allowed = _labels(allowed_next(current, is_supervisor=is_supervisor))
    if current is Status.CLOSED and target in OPEN_STATUSES and not is_supervisor:
        message = _("Only a supervisor can reopen a closed case.")
    elif current == target:
        message = _(
            "The case is already at %(current)s. Allowed next: %(allowed)s.",
            current=current.label,
            allowed=allowed,
        )
    else:
        message = _(
            "Cannot move from %(current)s to %(target)s. Allowed next: %(allowed)s.",
            current=current.label,
            target=target.label,
            allowed=allowed,
        )
    return TransitionError(message, current=current, target=target)


def check_transition(
    current: Status | str,
    target: Status | str,
    *,
    is_supervisor: bool,
    closing_reason: str | None,
) -> None:
    """Raise TransitionError unless this user may move a case from `current` to `target`.

    `closing_reason` is only looked at when the target is Closed; it must be a ClosingReason value.
    """
    source = Status(current)
    try:
        dest = Status(target)
    except ValueError:
        raise TransitionError(
            _(
                "Unknown status. Allowed next: %(allowed)s.",
                allowed=_labels(allowed_next(source, is_supervisor=is_supervisor)),
            ),
            current=source,
            target=None,
        ) from None
    if not _is_allowed(source, dest, is_supervisor=is_supervisor):
        raise _refusal(source, dest, is_supervisor=is_supervisor)
    if dest is Status.CLOSED and closing_reason not in set(ClosingReason):
        raise TransitionError(
            _(
                "Closing a case needs a reason: %(reasons)s.",
                reasons=", ".join(r.label for r in ClosingReason),
            ),
            current=source,
            target=dest,
        )
