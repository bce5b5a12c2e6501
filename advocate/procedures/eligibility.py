"""Eligibility for transfer: each condition of a route met, not met or unknown, with reasons.

Pure: no Flask app, no database. These are warnings with reasons, not verdicts: each result says
why and what would settle it, and the route file says which legal bases each condition rests on.
The workflow guard refuses "ready to apply" while any condition is not met (`blocking`); an
unknown condition does not block, so every fact the guard depends on is "not met" when the record
shows it missing (no consent on record is "not met", not "unknown").

Messages go through gettext when `evaluate` runs, so they come out in the language of the request
(untranslated outside an app).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, replace
from datetime import date, timedelta
from enum import StrEnum
from typing import Any

from flask_babel import gettext as _

from advocate.cases.vocab import MILITARY_INVOLVEMENT, Citizenship, CustodyType, MilitaryStatus
from advocate.procedures.definitions import CONDITION_IDS, Procedure
from advocate.procedures.sentence import TermInput, TermResult, compute_term


class Status(StrEnum):
    """The state of one condition."""

    MET = "met"
    NOT_MET = "not_met"
    UNKNOWN = "unknown"


class CivilClaims(StrEnum):
    """Civil claims and fines imposed by the judgment, and whether they are settled."""

    NONE = "none"
    PAID = "paid"
    GUARANTEED = "guaranteed"
    UNPAID = "unpaid"
    UNKNOWN = "unknown"


#: Military statuses that suggest, without establishing, a contract or service.
_MILITARY_PRESSURE = frozenset({MilitaryStatus.PRESSURED, MilitaryStatus.CONTRACT_OFFERED})


@dataclass(frozen=True)
class ConditionResult:
    """One condition evaluated: status, why, what would settle it, a warning, the bases cited."""

    id: str
    status: Status
    reason: str
    next_step: str | None = None
    warning: str | None = None
    bases: tuple[str, ...] = ()


@dataclass(frozen=True)
class CaseFacts:
    """What a case record says that eligibility depends on; stored values are accepted as str."""

    citizenship: Citizenship = Citizenship.UNKNOWN
    russian_permanent_residence: bool | None = None
    custody_type: CustodyType = CustodyType.UNKNOWN
    judgment_final: date | None = None
    term: TermInput | TermResult | None = None
    #: Life imprisonment: the term is indeterminate (there is no `term`).
    life_sentence: bool = False
    military_status: MilitaryStatus = MilitaryStatus.NONE
    has_transfer_consent: bool = False
    consent_withdrawn: bool = False
    return_risk_explained: bool = False
    dual_criminality_confirmed: bool | None = None
    pending_proceedings: bool | None = None
    civil_claims: CivilClaims = CivilClaims.UNKNOWN

    def __post_init__(self) -> None:
        # Coerce stored strings to the enums; an unknown value raises ValueError here, not later.
        for name, enum in (
            ("citizenship", Citizenship),
            ("custody_type", CustodyType),
            ("military_status", MilitaryStatus),
            ("civil_claims", CivilClaims),
        ):
            object.__setattr__(self, name, enum(getattr(self, name)))


@dataclass(frozen=True)
class _Context:
    procedure: Procedure
    today: date
    expected_decision: date | None


def _citizenship(facts: CaseFacts, ctx: _Context) -> ConditionResult:
    c = facts.citizenship
    warning = None
    if facts.russian_permanent_residence:
        warning = _(
            "Permanent residence in Russia is recorded: Russia may refuse the transfer on "
            "that ground (not verified); tell the lawyer."
        )
    if c == Citizenship.UZ_ONLY:
        return ConditionResult("citizenship", Status.MET, _("Uzbek citizen."), warning=warning)
    if c == Citizenship.UZ_AND_RU:
        return ConditionResult(
            "citizenship",
            Status.MET,
            _("Uzbek citizen, also holding Russian citizenship."),
            warning=_(
                "Russian citizenship is recorded: Russia may treat the person as its own "
                "citizen and refuse the transfer; ask the lawyer."
            )
            + (" " + warning if warning else ""),
        )
    if c in (Citizenship.RU_AFTER_RENOUNCING, Citizenship.STATELESS):
        return ConditionResult(
            "citizenship",
            Status.NOT_MET,
            _(
                "Not an Uzbek citizen (%(citizenship)s): transfer is to the state of citizenship.",
                citizenship=c.label,
            ),
            _("If the record is wrong, correct it with proof of Uzbek citizenship."),
            warning,
        )
    return ConditionResult(
        "citizenship",
        Status.UNKNOWN,
        _("Citizenship is not confirmed."),
        _(
            "Confirm Uzbek citizenship with the passport, or ask the Embassy's Ministry of "
            "Internal Affairs representative to confirm it."
        ),
        warning,
    )


def _judgment_final(facts: CaseFacts, ctx: _Context) -> ConditionResult:
    custody, final = facts.custody_type, facts.judgment_final
    if custody == CustodyType.IMMIGRATION:
        return ConditionResult(
            "judgment_final",
            Status.NOT_MET,
            _("Not a transfer matter: consular and deportation route."),
            _("Work with the Embassy on consular help and the deportation procedure."),
        )
    if custody in (CustodyType.RELEASED, CustodyType.DECEASED):
        return ConditionResult(
            "judgment_final",
            Status.NOT_MET,
            _(
                "The person is no longer in custody (%(custody)s): there is nothing to transfer.",
                custody=custody.label,
            ),
        )
    if final is not None and final <= ctx.today:
        return ConditionResult(
            "judgment_final",
            Status.MET,
            _("The judgment became final on %(date)s.", date=final.isoformat()),
        )
    if final is not None:
        return ConditionResult(
            "judgment_final",
            Status.NOT_MET,
            _("Not yet: the judgment becomes final on %(date)s.", date=final.isoformat()),
            _("Wait until the judgment becomes final, then obtain the certified copy."),
        )
    if custody == CustodyType.SIZO:
        return ConditionResult(
            "judgment_final",
            Status.NOT_MET,
            _("Not yet: the person is in pretrial custody and the judgment is not final."),
            _("Record the date the judgment becomes final."),
        )
    return ConditionResult(
        "judgment_final",
        Status.UNKNOWN,
        _("The date the judgment became final is not recorded."),
        _("Record the date from the certified judgment marked as final."),
    )


def _remaining_term(facts: CaseFacts, ctx: _Context) -> ConditionResult:
    if facts.life_sentence:
        # ETS 112 art. 3: at least the minimum remains, "or the term is indeterminate".
        return ConditionResult(
            "remaining_term",
            Status.MET,
            _(
                "Life imprisonment: the term is indeterminate, so at least %(months)s months "
                "remain on any date.",
                months=ctx.procedure.credit_rules().min_remaining_months,
            ),
        )
    if facts.term is None:
        return ConditionResult(
            "remaining_term",
            Status.UNKNOWN,
            _("The term is not recorded."),
            _(
                "Enter the term start, the sentence, the regime and the custody before the "
                "judgment became final."
            ),
        )
    result = facts.term
    if isinstance(result, TermInput):
        result = compute_term(result, ctx.procedure.credit_rules(), ctx.today)
    months, lapse = result.min_remaining_months, result.eligibility_lapses_on
    if lapse < ctx.today:
        return ConditionResult(
            "remaining_term",
            Status.NOT_MET,
            _(
                "Less than %(months)s months remain since %(next)s (the term ends on %(end)s).",
                months=months,
                next=(lapse + timedelta(days=1)).isoformat(),
                end=result.term_end.isoformat(),
            ),
            _("Check the term data; if it is right, this route is closed: look for other help."),
        )
    expected = ctx.expected_decision
    if expected is not None and expected > lapse:
        return ConditionResult(
            "remaining_term",
            Status.NOT_MET,
            _(
                "At the expected decision date %(expected)s less than %(months)s months will "
                "remain (eligibility lapses on %(lapse)s).",
                expected=expected.isoformat(),
                months=months,
                lapse=lapse.isoformat(),
            ),
            _("Ask for a decision before %(lapse)s.", lapse=lapse.isoformat()),
        )
    days_left = (lapse - ctx.today).days
    warning = None
    if days_left <= ctx.procedure.deadlines.lapse_reminder_days:
        warning = _(
            "Eligibility lapses in %(days)s days, on %(lapse)s.",
            days=days_left,
            lapse=lapse.isoformat(),
        )
    reason = _(
        "At least %(months)s months remain until %(lapse)s (the term ends on %(end)s).",
        months=months,
        lapse=lapse.isoformat(),
        end=result.term_end.isoformat(),
    )
    next_step = None
    if expected is None:
        next_step = _(
            "Apply well before %(lapse)s; record the expected decision date to check it too.",
            lapse=lapse.isoformat(),
        )
    return ConditionResult("remaining_term", Status.MET, reason, next_step, warning)


def _consent(facts: CaseFacts, ctx: _Context) -> ConditionResult:
    if facts.consent_withdrawn:
        return ConditionResult(
            "consent",
            Status.NOT_MET,
            _("The consent to transfer was withdrawn."),
            _("Only a new consent, freely given and recorded, allows an application."),
        )
    if not facts.has_transfer_consent:
        return ConditionResult(
            "consent",
            Status.NOT_MET,
            _("No consent to transfer is on record."),
            _("Explain the transfer to the person and record their informed consent."),
        )
    military = facts.military_status
    if facts.return_risk_explained:
        return ConditionResult(
            "consent",
            Status.MET,
            _("Informed consent to transfer is on record, with the return-risk explanation."),
        )
    if military in MILITARY_INVOLVEMENT:
        return ConditionResult(
            "consent",
            Status.NOT_MET,
            _(
                "Military involvement is recorded (%(status)s) but the consent does not record "
                "that the return risk was explained (Uzbek Criminal Code arts. 154, 154-1).",
                status=military.label,
            ),
            _("Explain the return risk and record a new consent that says so."),
        )
    if military in _MILITARY_PRESSURE:
        return ConditionResult(
            "consent",
            Status.UNKNOWN,
            _(
                "Consent is on record, but the person was %(status)s and it is not known whether "
                "a contract was signed; if so, the consent is not informed.",
                status=military.label,
            ),
            _("Find out whether a contract was signed, or explain the return risk and record it."),
        )
    return ConditionResult("consent", Status.MET, _("Consent to transfer is on record."))


def _dual_criminality(facts: CaseFacts, ctx: _Context) -> ConditionResult:
    confirmed = facts.dual_criminality_confirmed
    if confirmed:
        return ConditionResult(
            "dual_criminality", Status.MET, _("Confirmed: the act is also a crime under Uzbek law.")
        )
    if confirmed is False:
        return ConditionResult(
            "dual_criminality",
            Status.NOT_MET,
            _("The act is not a crime under Uzbek law: the Russian court may refuse the transfer."),
            _("Ask the lawyer whether another qualification under Uzbek law applies."),
        )
    return ConditionResult(
        "dual_criminality",
        Status.UNKNOWN,
        _("Dual criminality is not confirmed."),
        _(
            "The advocate or lawyer compares the articles with the Uzbek Criminal Code and records "
            "the result."
        ),
    )


def _no_pending(facts: CaseFacts, ctx: _Context) -> ConditionResult:
    pending = facts.pending_proceedings
    if pending is False:
        return ConditionResult(
            "no_pending_proceedings", Status.MET, _("No other proceedings are pending.")
        )
    if pending:
        return ConditionResult(
            "no_pending_proceedings",
            Status.NOT_MET,
            _("Other criminal proceedings are pending against the person."),
            _("Find out their state; the application waits until they end."),
        )
    return ConditionResult(
        "no_pending_proceedings",
        Status.UNKNOWN,
        _("It is not known whether other proceedings are pending."),
        _("Ask the lawyer or the court whether other proceedings are pending."),
    )


def _civil_claims(facts: CaseFacts, ctx: _Context) -> ConditionResult:
    claims = facts.civil_claims
    reasons = {
        CivilClaims.NONE: _("The judgment imposed no civil claim or fine."),
        CivilClaims.PAID: _("Civil claims and fines are paid."),
        CivilClaims.GUARANTEED: _("Payment of civil claims and fines is guaranteed."),
    }
    if claims in reasons:
        return ConditionResult("civil_claims", Status.MET, reasons[claims])
    if claims == CivilClaims.UNPAID:
        return ConditionResult(
            "civil_claims",
            Status.NOT_MET,
            _("Civil claims or fines are unpaid."),
            _("Pay them or arrange a guarantee, and obtain proof of payment."),
        )
    return ConditionResult(
        "civil_claims",
        Status.UNKNOWN,
        _("It is not known whether civil claims or fines were imposed and paid."),
        _("Check the judgment and ask the bailiffs (FSSP) or the colony's accounts department."),
    )


_EVALUATORS: dict[str, Callable[[CaseFacts, _Context], ConditionResult]] = {
    "citizenship": _citizenship,
    "judgment_final": _judgment_final,
    "remaining_term": _remaining_term,
    "consent": _consent,
    "dual_criminality": _dual_criminality,
    "no_pending_proceedings": _no_pending,
    "civil_claims": _civil_claims,
}
if set(_EVALUATORS) != set(CONDITION_IDS):  # the route schema and the engine must agree
    raise RuntimeError("eligibility evaluators do not match definitions.CONDITION_IDS")


def evaluate(
    facts: CaseFacts, procedure: Procedure, today: date, expected_decision: date | None = None
) -> list[ConditionResult]:
    """Each condition of the route, in the route's order, evaluated on `facts`."""
    ctx = _Context(procedure, today, expected_decision)
    return [
        replace(_EVALUATORS[check.id](facts, ctx), bases=check.bases)
        for check in procedure.conditions.checks
    ]


def blocking(results: Iterable[ConditionResult]) -> list[ConditionResult]:
    """The conditions not met: these keep a case from "ready to apply"."""
    return [r for r in results if r.status == Status.NOT_MET]


def results_json(results: Iterable[ConditionResult]) -> list[dict[str, Any]]:
    """The results as JSON-able data for the `procedures check` command."""
    return [{**asdict(r), "status": r.status.value, "bases": list(r.bases)} for r in results]
