"""The repatriation workflow on its own: the transition table, closing, reopening, messages."""

from __future__ import annotations

import pytest

from advocate.cases.vocab import ClosingReason
from advocate.cases.workflow import (
    FUNNEL_DEPTH,
    FUNNEL_ORDER,
    OPEN_STATUSES,
    REQUIRES_ELIGIBILITY,
    TRANSITIONS,
    Status,
    TransitionError,
    allowed_next,
    check_transition,
)

#: The table written out by hand, in stored values, so a change to the module must be made here too.
#: Moves out of "closed" are for supervisors only.
EXPECTED: dict[str, set[str]] = {
    "intake": {"verifying_identity", "closed"},
    "verifying_identity": {"awaiting_judgment", "collecting_documents", "closed"},
    "awaiting_judgment": {"collecting_documents", "verifying_identity", "closed"},
    "collecting_documents": {
        "awaiting_consent",
        "awaiting_judgment",
        "verifying_identity",
        "closed",
    },
    "awaiting_consent": {"ready_to_apply", "collecting_documents", "closed"},
    "ready_to_apply": {"applied", "awaiting_consent", "collecting_documents", "closed"},
    "applied": {"under_review", "refused", "collecting_documents", "closed"},
    "under_review": {"approved", "refused", "collecting_documents", "closed"},
    "approved": {"transferred", "under_review", "closed"},
    "refused": {"appeal", "collecting_documents", "closed"},
    "appeal": {"under_review", "approved", "refused", "closed"},
    "transferred": {"closed"},
    "closed": {
        "intake",
        "verifying_identity",
        "awaiting_judgment",
        "collecting_documents",
        "awaiting_consent",
        "ready_to_apply",
        "applied",
        "under_review",
        "approved",
        "refused",
        "appeal",
        "transferred",
    },
}

ALL_VALUES = [
    "intake",
    "verifying_identity",
    "awaiting_judgment",
    "collecting_documents",
    "awaiting_consent",
    "ready_to_apply",
    "applied",
    "under_review",
    "approved",
    "refused",
    "appeal",
    "transferred",
    "closed",
]


def _expected_allowed(current: str, target: str, *, is_supervisor: bool) -> bool:
    if target not in EXPECTED[current]:
        return False
    return is_supervisor or current != "closed"


def test_stored_values_are_exactly_the_contract() -> None:
    assert [s.value for s in Status] == ALL_VALUES
    assert set(TRANSITIONS) == set(Status)


@pytest.mark.parametrize("is_supervisor", [False, True], ids=["advocate", "supervisor"])
@pytest.mark.parametrize("target", ALL_VALUES)
@pytest.mark.parametrize("current", ALL_VALUES)
def test_every_pair_follows_the_table(current: str, target: str, is_supervisor: bool) -> None:
    reason = ClosingReason.OTHER.value
    if _expected_allowed(current, target, is_supervisor=is_supervisor):
        check_transition(current, target, is_supervisor=is_supervisor, closing_reason=reason)
    else:
        with pytest.raises(TransitionError) as info:
            check_transition(current, target, is_supervisor=is_supervisor, closing_reason=reason)
        assert info.value.current == Status(current)
        assert info.value.target == Status(target)


@pytest.mark.parametrize("is_supervisor", [False, True], ids=["advocate", "supervisor"])
@pytest.mark.parametrize("current", ALL_VALUES)
def test_allowed_next_lists_the_table_in_workflow_order(current: str, is_supervisor: bool) -> None:
    expected = [v for v in ALL_VALUES if _expected_allowed(current, v, is_supervisor=is_supervisor)]
    assert [s.value for s in allowed_next(current, is_supervisor=is_supervisor)] == expected


def test_the_documented_example_message() -> None:
    with pytest.raises(TransitionError) as info:
        check_transition("intake", "applied", is_supervisor=False, closing_reason=None)
    assert str(info.value) == (
        "Cannot move from Intake to Applied. "
        "Allowed next: Verifying identity and citizenship, Closed."
    )


@pytest.mark.parametrize("current", [s for s in Status if s is not Status.CLOSED])
def test_refusal_message_names_every_allowed_next_state(current: Status) -> None:
    with pytest.raises(TransitionError) as info:
        check_transition(current, current, is_supervisor=False, closing_reason=None)
    message = str(info.value)
    assert current.label in message
    for allowed in allowed_next(current, is_supervisor=False):
        assert allowed.label in message
    # A state that is not allowed next is not named as allowed.
    assert message.endswith(
        ", ".join(s.label for s in allowed_next(current, is_supervisor=False)) + "."
    )


@pytest.mark.parametrize("current", sorted(OPEN_STATUSES))
def test_every_open_status_can_be_closed_with_a_reason(current: Status) -> None:
    for reason in ClosingReason:
        check_transition(current, Status.CLOSED, is_supervisor=False, closing_reason=reason)
    check_transition(current, "closed", is_supervisor=False, closing_reason="lost_contact")


@pytest.mark.parametrize("reason", [None, "", "bored", "Transferred"])
def test_closing_without_a_valid_reason_is_refused(reason: str | None) -> None:
    with pytest.raises(TransitionError) as info:
        check_transition("applied", "closed", is_supervisor=True, closing_reason=reason)
    message = str(info.value)
    assert message.startswith("Closing a case needs a reason: ")
    assert "lost contact" in message
    assert "deported" in message


def test_closing_reason_is_ignored_for_other_moves() -> None:
    check_transition("intake", "verifying_identity", is_supervisor=False, closing_reason=None)
    check_transition("intake", "verifying_identity", is_supervisor=False, closing_reason="other")


def test_advocate_cannot_reopen() -> None:
    assert allowed_next(Status.CLOSED, is_supervisor=False) == []
    with pytest.raises(TransitionError) as info:
        check_transition("closed", "intake", is_supervisor=False, closing_reason=None)
    assert str(info.value) == "Only a supervisor can reopen a closed case."


@pytest.mark.parametrize("target", ["intake", "collecting_documents", "under_review"])
def test_supervisor_reopens_to_intake_or_the_stage_it_was_at(target: str) -> None:
    check_transition("closed", target, is_supervisor=True, closing_reason=None)


def test_closed_to_closed_is_refused_even_for_a_supervisor() -> None:
    with pytest.raises(TransitionError) as info:
        check_transition("closed", "closed", is_supervisor=True, closing_reason="other")
    assert str(info.value).startswith("The case is already at Closed. Allowed next: Intake, ")


def test_transferred_can_only_be_closed() -> None:
    with pytest.raises(TransitionError) as info:
        check_transition("transferred", "applied", is_supervisor=True, closing_reason=None)
    assert str(info.value) == ("Cannot move from Transferred to Applied. Allowed next: Closed.")


def test_unknown_target_is_a_transition_error() -> None:
    with pytest.raises(TransitionError) as info:
        check_transition("intake", "teleported", is_supervisor=True, closing_reason=None)
    assert info.value.target is None
    assert str(info.value) == (
        "Unknown status. Allowed next: Verifying identity and citizenship, Closed."
    )


def test_every_status_is_reachable_from_intake() -> None:
    seen = {Status.INTAKE}
    frontier = [Status.INTAKE]
    while frontier:
        current = frontier.pop()
        for nxt in allowed_next(current, is_supervisor=False):
            if nxt not in seen:
                seen.add(nxt)
                frontier.append(nxt)
    assert seen == set(Status)


def test_labels_and_choices() -> None:
    assert Status.VERIFYING_IDENTITY.label == "Verifying identity and citizenship"
    assert Status.AWAITING_JUDGMENT.label == "Awaiting final judgment"
    choices = Status.choices()
    assert choices[0] == ("intake", "Intake")
    assert choices[-1] == ("closed", "Closed")
    assert len(choices) == 13
    assert len({label for _, label in choices}) == 13


def test_open_statuses_funnel_and_hooks() -> None:
    assert frozenset(Status) - OPEN_STATUSES == {Status.CLOSED}
    assert REQUIRES_ELIGIBILITY == {Status.READY_TO_APPLY}
    assert FUNNEL_ORDER[0] is Status.INTAKE
    assert FUNNEL_ORDER[-1] is Status.TRANSFERRED
    assert Status.CLOSED not in FUNNEL_ORDER
    assert FUNNEL_DEPTH[Status.REFUSED] == FUNNEL_DEPTH[Status.UNDER_REVIEW] == 7
    assert FUNNEL_DEPTH[Status.APPEAL] == 7
    assert set(FUNNEL_DEPTH) == OPEN_STATUSES
    # Each main-line stage leads forward to the next one.
    for here, there in zip(FUNNEL_ORDER, FUNNEL_ORDER[1:], strict=False):
        if here is Status.VERIFYING_IDENTITY:
            continue  # a case may skip awaiting judgment when the judgment is already final
        assert there in TRANSITIONS[here], (here, there)


def test_status_is_its_stored_string() -> None:
    assert Status("under_review") is Status.UNDER_REVIEW
    assert Status.UNDER_REVIEW == "under_review"
    assert f"{Status.APPEAL}" == "appeal"
