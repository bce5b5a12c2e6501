"""Where the procedures engine plugs into the rest of the app (called from `init_app`).

- the workflow guard: a case cannot move to "ready to apply" while a condition is not met;
- the deadline listener (see `deadlines`);
- the readiness panel on the case page, the header links, the Jinja helpers the templates ask;
- readable names of our events in the case timeline.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum
from typing import Any

from flask import Flask, url_for
from flask_babel import lazy_gettext as _l
from werkzeug.routing import BuildError

from advocate import policy
from advocate.cases.models import Case
from advocate.cases.workflow import Status
from advocate.web import register_case_panel, register_nav

PANEL_TEMPLATE = "procedures/_panel.html"

ACTION_LABELS: dict[str, object] = {
    "procedure.facts.update": _l("Transfer facts recorded"),
    "procedure.document.update": _l("Document checklist updated"),
    "procedure.consent.give": _l("Consent recorded"),
    "procedure.consent.withdraw": _l("Consent withdrawn"),
    "procedure.deadline.create": _l("Date entered"),
    "procedure.deadline.done": _l("Deadline done"),
    "procedure.deadline.delete": _l("Date removed"),
}


def ready_to_apply_guard(case: Case, target: Status) -> list[str]:
    """Refuse "ready to apply" while any condition is not met, naming each one and why."""
    if Status(target) is not Status.READY_TO_APPLY:
        return []
    from advocate.procedures.readiness import blocking_reasons

    return blocking_reasons(case)


def case_page_url(case: Case) -> str | None:
    """The case page's address, or None while no case page is registered."""
    try:
        return url_for("cases.show", reference=case.reference)
    except BuildError:
        return None


def _template_helpers() -> dict[str, Any]:
    from advocate.procedures import deadlines, readiness
    from advocate.procedures.eligibility import Status as ConditionStatus
    from advocate.procedures.models import DocumentStatus

    return {
        "transfer_readiness": readiness.readiness,
        "case_deadlines": deadlines.for_case,
        "case_page_url": case_page_url,
        "ConditionStatus": ConditionStatus,
        "DocumentStatus": DocumentStatus,
    }


def _label_filter(enum: type[StrEnum]) -> Callable[[str | None], str]:
    """A Jinja filter: a stored value's translated label ("—" when blank)."""

    def label(value: str | None) -> str:
        if value in set(enum):
            return str(enum(value).label)  # type: ignore[attr-defined]
        return value or "—"

    return label


def _filters() -> dict[str, Callable[[str | None], str]]:
    from advocate.cases.terms import Language
    from advocate.procedures import models

    return {
        "dual_label": _label_filter(models.DualCriminality),
        "consent_kind_label": _label_filter(models.ConsentKind),
        "consent_action_label": _label_filter(models.ConsentAction),
        "consent_form_label": _label_filter(models.ConsentForm),
        "deadline_source_label": _label_filter(models.DeadlineSource),
        "language_label": _label_filter(Language),
    }


def init_app(app: Flask) -> None:
    """Register the guard, the listener, the panel, the links and the template helpers."""
    from advocate.cases import operations as case_operations
    from advocate.cases import timeline
    from advocate.procedures import deadlines

    deadlines.install_listener()
    if ready_to_apply_guard not in case_operations.transition_guards:
        case_operations.transition_guards.append(ready_to_apply_guard)
    timeline.ACTION_LABELS.update(ACTION_LABELS)
    register_case_panel(PANEL_TEMPLATE, policy.can_view_case)
    register_nav("procedures.calculator", _l("Term calculator"), policy.can_use_calculator)
    register_nav("procedures.legal_bases", _l("Legal bases"), policy.can_administer)
    app.jinja_env.globals.update(_template_helpers())
    app.jinja_env.filters.update(_filters())
