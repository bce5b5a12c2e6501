"""Review operations: the grounds of a refusal, and the record of an aggregate export.

Like every package's operations: check the policy, validate, change, write one audit event with
the case id, flush; never commit. Approving and returning letters from the queue call the letters
package's own operations.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import exists, select

from advocate import clock, policy
from advocate.audit.operations import record
from advocate.cases.models import Case
from advocate.cases.workflow import Status
from advocate.clock import utcnow
from advocate.extensions import db
from advocate.review.filters import ReviewFilter
from advocate.review.models import RefusalGround, RefusalReason, StageSpan

_REFUSED_NOW = frozenset({Status.REFUSED.value, Status.APPEAL.value})


class ReviewError(Exception):
    """A refused review operation; str() is the message for the user."""


class NotAllowed(ReviewError):
    """The actor may not do this (views answer 403/404 before getting here)."""


class InvalidInput(ReviewError):
    """Values that break the rules; `errors` maps field names to messages."""

    def __init__(self, errors: dict[str, list[str]]) -> None:
        super().__init__("; ".join(" ".join(v) for v in errors.values()))
        self.errors = errors


def _require(allowed: bool, actor: Any) -> None:
    if actor is not None and not allowed:
        raise NotAllowed(_("You may not do this."))


def was_refused(case: Case) -> bool:
    """Whether the case is refused or appealing now, or was ever refused."""
    if case.status in _REFUSED_NOW:
        return True
    return bool(db.session.execute(select(exists().where(
        StageSpan.case_id == case.id, StageSpan.status == Status.REFUSED.value))).scalar())


def grounds_of(case: Case) -> list[RefusalGround]:
    """The recorded grounds of the case's refusals, latest decision first."""
    return list(db.session.execute(
        select(RefusalGround).where(RefusalGround.case_id == case.id)
        .order_by(RefusalGround.decided_on.desc(), RefusalGround.id)
    ).scalars())


def record_refusal(case: Case, *, decided_on: date | None, grounds: Iterable[str],
                   actor: Any) -> list[RefusalGround]:
    """Record the grounds of a refusal decision; grounds already recorded for it are skipped."""
    _require(policy.can_record_refusal(actor, case), actor)
    chosen = list(dict.fromkeys(grounds))
    errors: dict[str, list[str]] = {}
    if decided_on is None:
        errors["decided_on"] = [_("Enter the date of the decision.")]
    elif decided_on > clock.today():
        errors["decided_on"] = [_("The decision cannot be dated in the future.")]
    if not chosen or any(g not in set(RefusalReason) for g in chosen):
        errors["grounds"] = [_("Choose at least one ground.")]
    if not errors and not was_refused(case):
        errors["grounds"] = [_("This case was never refused.")]
    if errors or decided_on is None:
        raise InvalidInput(errors)
    existing = {g.ground for g in grounds_of(case) if g.decided_on == decided_on}
    added = [RefusalGround(case_id=case.id, ground=g, decided_on=decided_on,
                           recorded_by_id=getattr(actor, "id", None), recorded_at=utcnow())
             for g in chosen if g not in existing]
    if not added:
        return []
    db.session.add_all(added)
    db.session.flush()
    record("review.refusal.record", object_type="case", object_id=case.id, case_id=case.id,
           changes={"decided_on": [None, decided_on.isoformat()],
                    "grounds": [None, [g.ground for g in added]]}, actor=actor)
    return added


def remove_refusal_ground(case: Case, ground: RefusalGround, *, actor: Any) -> None:
    """Delete a ground recorded by mistake."""
    _require(policy.can_record_refusal(actor, case), actor)
    if ground.case_id != case.id:
        raise InvalidInput({"ground": [_("This ground belongs to another case.")]})
    old = {"decided_on": ground.decided_on.isoformat(), "ground": ground.ground}
    db.session.delete(ground)
    db.session.flush()
    record("review.refusal.delete", object_type="case", object_id=case.id, case_id=case.id,
           changes={key: [value, None] for key, value in old.items()}, actor=actor)


def record_export(review_filter: ReviewFilter, kind: str, *, actor: Any) -> None:
    """Log that aggregate figures left the system (who, which format, which filter)."""
    _require(policy.can_export_review(actor), actor)
    record("review.export", object_type="review",
           changes={key: [None, value] for key, value in review_filter.args().items()},
           reason=kind, actor=actor)


__all__ = [
    "InvalidInput", "NotAllowed", "ReviewError", "grounds_of", "record_export", "record_refusal",
    "remove_refusal_ground", "was_refused",
]
