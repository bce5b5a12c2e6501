"""Transfer readiness of one case: conditions, term, documents, next steps and deadlines.

What the case-page panel, the transfer page, `flask procedures check` and the workflow guard
share, computed in one place so they cannot disagree. Reading only.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from advocate import clock
from advocate.cases.models import Case
from advocate.cases.terms import Country
from advocate.cases.vocab import MILITARY_INVOLVEMENT
from advocate.extensions import db
from advocate.procedures import procedure_for
from advocate.procedures.definitions import Document, Procedure
from advocate.procedures.eligibility import ConditionResult, Status, evaluate, results_json
from advocate.procedures.facts import (
    TermState,
    case_facts,
    case_procedure,
    consent_ledger,
    term_state,
)
from advocate.procedures.models import (
    CaseDocument,
    CaseProcedure,
    ConsentEntry,
    Deadline,
    DeadlineKind,
    DocumentStatus,
)
from advocate.procedures.organisation import BasisView, effective_bases
from advocate.procedures.sentence import TermResult, compute_term, term_json

#: The readable name of each condition.
CONDITION_LABELS: dict[str, object] = {
    "citizenship": _l("Uzbek citizenship"),
    "judgment_final": _l("Judgment final"),
    "remaining_term": _l("Remaining term"),
    "consent": _l("Informed consent"),
    "dual_criminality": _l("Dual criminality"),
    "no_pending_proceedings": _l("No other pending proceedings"),
    "civil_claims": _l("Civil claims and fines"),
}


STATUS_LABELS: dict[Status, object] = {
    Status.MET: _l("met"),
    Status.NOT_MET: _l("not met"),
    Status.UNKNOWN: _l("unknown"),
}
#: Deadlines this close are shown as due soon.
DUE_SOON_DAYS = 14


@dataclass(frozen=True)
class DeadlineView:
    """A stored deadline as the case page shows it."""

    deadline: Deadline
    overdue: bool
    due_soon: bool
    #: What `ref` stands for, in words (a document's name), when known.
    ref_name: str | None = None

    @property
    def description(self) -> str:
        """What the date is about, in words."""
        d = self.deadline
        label = DeadlineKind(d.kind).label
        detail = d.title or self.ref_name or d.ref
        return f"{label}: {detail}" if detail else label


@dataclass(frozen=True)
class ConditionView:
    """One evaluated condition with its name and its legal bases."""

    result: ConditionResult
    bases: list[BasisView]

    @property
    def label(self) -> str:
        """The condition's name."""
        return str(CONDITION_LABELS.get(self.result.id, self.result.id))

    @property
    def status(self) -> Status:
        """Met, not met or unknown."""
        return self.result.status

    @property
    def status_label(self) -> str:
        """The status in words."""
        return str(STATUS_LABELS[self.result.status])


@dataclass(frozen=True)
class DocumentView:
    """A required document of the route and where the case stands with it."""

    document: Document
    row: CaseDocument | None
    overdue_on: date | None
    today: date

    @property
    def status(self) -> DocumentStatus:
        """Missing unless recorded otherwise."""
        return DocumentStatus(self.row.status) if self.row else DocumentStatus.MISSING

    @property
    def overdue(self) -> bool:
        """A request older than the route allows, still unanswered."""
        return self.overdue_on is not None and self.overdue_on < self.today


@dataclass(frozen=True)
class Readiness:
    """Everything the readiness panel shows for one case."""

    case: Case
    procedure: Procedure | None
    today: date
    conditions: list[ConditionView] = field(default_factory=list)
    term: TermResult | None = None
    term_state: TermState | None = None
    documents: list[DocumentView] = field(default_factory=list)
    consents: list[ConsentEntry] = field(default_factory=list)
    facts_row: CaseProcedure | None = None
    military_involvement: bool = False

    @property
    def blocking(self) -> list[ConditionView]:
        """The conditions not met: they keep the case from "ready to apply"."""
        return [c for c in self.conditions if c.status == Status.NOT_MET]

    @property
    def next_steps(self) -> list[str]:
        """What to do: settle what is not met first, then what is unknown, then documents."""
        steps = [c.result.next_step for status in (Status.NOT_MET, Status.UNKNOWN, Status.MET)
                 for c in self.conditions if c.status == status and c.result.next_step]
        steps += (self.term_state.problems if self.term_state else [])
        missing = [d for d in self.documents
                   if d.status == DocumentStatus.MISSING and not d.document.optional]
        if missing:
            steps.append(_("Obtain the missing documents: %(names)s.",
                           names="; ".join(d.document.name.get(_language()) for d in missing)))
        steps += [_("Chase the overdue request: %(name)s (requested on %(date)s).",
                    name=d.document.name.get(_language()), date=d.row.requested_on.isoformat())
                  for d in self.documents if d.overdue and d.row and d.row.requested_on]
        return list(dict.fromkeys(str(s) for s in steps))

    @property
    def life(self) -> bool:
        """Life imprisonment: no term end, nothing to compute."""
        return self.term_state is not None and self.term_state.life

    @property
    def problem(self) -> str | None:
        """Why there is nothing to evaluate (no route for the country of custody)."""
        return no_route_message(self.case) if self.procedure is None else None

    @property
    def unknown(self) -> list[ConditionView]:
        """The conditions not yet known."""
        return [c for c in self.conditions if c.status == Status.UNKNOWN]

    def deadlines(self) -> list[DeadlineView]:
        """The open deadlines of the case, each flagged overdue or due soon."""
        from advocate.procedures import deadlines

        soon = self.today + timedelta(days=DUE_SOON_DAYS)
        names = {d.document.id: d.document.name.get(_language()) for d in self.documents}
        return [DeadlineView(d, d.due_date < self.today, self.today <= d.due_date <= soon,
                             names.get(d.ref) if d.kind == DeadlineKind.DOCUMENT_OVERDUE else None)
                for d in deadlines.for_case(self.case)]

    @property
    def expected_decision(self) -> date | None:
        """The expected decision date the advocate recorded."""
        return self.facts_row.expected_decision_date if self.facts_row else None


def _language() -> str:
    from flask_babel import get_locale

    locale = get_locale()
    return locale.language if locale is not None else "en"


def documents(case: Case, procedure: Procedure, today: date) -> list[DocumentView]:
    """The route's documents with the case's record of each."""
    rows = {r.document_id: r for r in db.session.execute(
        select(CaseDocument).where(CaseDocument.case_id == case.id)).scalars()}
    days = timedelta(days=procedure.deadlines.document_request_overdue_days)
    views = []
    for document in procedure.documents:
        row = rows.get(document.id)
        overdue_on = None
        if row and row.status == DocumentStatus.REQUESTED and row.requested_on:
            overdue_on = row.requested_on + days
        views.append(DocumentView(document, row, overdue_on, today))
    return views


def readiness(case: Case, today: date | None = None) -> Readiness:
    """Evaluate the case against its route on `today` (default: today)."""
    today = today or clock.today()
    procedure = procedure_for(case)
    if procedure is None:
        return Readiness(case, None, today)
    state = term_state(case)
    term = compute_term(state.term, procedure.credit_rules(), today) if state.term else None
    ledger = consent_ledger(case)
    row = case_procedure(case)
    facts = case_facts(case, term=term, ledger=ledger, row=row)
    results = evaluate(facts, procedure, today, row.expected_decision_date if row else None)
    bases = {b.id: b for b in effective_bases(procedure)}
    conditions = [ConditionView(r, [bases[i] for i in r.bases]) for r in results]
    return Readiness(
        case, procedure, today, conditions, term, state, documents(case, procedure, today),
        ledger, row, facts.military_status in MILITARY_INVOLVEMENT,
    )


def readiness_json(case: Case, today: date | None = None) -> dict[str, Any]:
    """The readiness of a case as JSON-able data (for `flask procedures check`)."""
    from advocate.procedures import deadlines

    ready = readiness(case, today)
    if ready.procedure is None:
        return {"reference": case.reference, "route": None, "today": ready.today.isoformat(),
                "problem": no_route_message(case)}
    state = ready.term_state
    return {
        "reference": case.reference,
        "route": ready.procedure.id,
        "today": ready.today.isoformat(),
        "expected_decision": _iso(ready.expected_decision),
        "conditions": results_json(c.result for c in ready.conditions),
        "blocking": [c.result.id for c in ready.blocking],
        "term": term_json(state.term, ready.procedure.credit_rules(), ready.today)
        if state and state.term else None,
        "life_sentence": ready.life,
        "term_problems": [str(p) for p in state.problems] if state else [],
        "documents": [{"id": d.document.id, "status": d.status.value,
                       "overdue": d.overdue} for d in ready.documents],
        "next_steps": ready.next_steps,
        "deadlines": [{"kind": d.kind, "due_date": d.due_date.isoformat(), "source": d.source,
                       "ref": d.ref, "title": d.title} for d in deadlines.for_case(case)],
    }


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value else None


def no_route_message(case: Case) -> str:
    """Why a case has no readiness: no route from its country of custody."""
    value = case.custody_country or ""
    country = Country(value).label if value in set(Country) else value
    return _("No transfer route is defined for custody in %(country)s.", country=country)


def blocking_reasons(case: Case, today: date | None = None) -> list[str]:
    """One line per condition not met, naming it and saying why (for the workflow guard)."""
    ready = readiness(case, today)
    if ready.procedure is None:
        return [no_route_message(case)]
    return [_("%(condition)s: not met — %(reason)s", condition=c.label, reason=c.result.reason)
            for c in ready.blocking]
