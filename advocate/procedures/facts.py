"""From a case record and the procedure's own tables to the facts eligibility needs.

The case record (owned by `cases`) holds custody, judgment, sentence and military status; the
procedure tables hold what it lacks: the consent ledger, the dual-criminality finding and the
expected decision date. Reading only.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import select

from advocate.cases.models import Case
from advocate.cases.record import case_field_label
from advocate.cases.terms import PaymentStatus
from advocate.cases.vocab import Citizenship, CustodyType, MilitaryStatus, Regime
from advocate.extensions import db
from advocate.procedures.articles import ArticleParseError, parse_articles
from advocate.procedures.definitions import Procedure
from advocate.procedures.eligibility import CaseFacts, CivilClaims
from advocate.procedures.models import (
    CaseProcedure,
    ConsentAction,
    ConsentEntry,
    ConsentKind,
    DualCriminality,
)
from advocate.procedures.sentence import (
    SentenceInputError,
    TermInput,
    TermResult,
    compute_term,
)


@dataclass(frozen=True)
class TermState:
    """The case's term as far as it can be computed, and why not where it cannot."""

    term: TermInput | None
    problems: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    #: Life imprisonment: there is no term to compute (`term` is None), and nothing is missing.
    life: bool = False


@dataclass(frozen=True)
class ConsentState:
    """The current state of one kind of consent: the latest entry of the ledger."""

    current: ConsentEntry | None

    @property
    def given(self) -> bool:
        """The latest entry gives consent."""
        return self.current is not None and self.current.action == ConsentAction.GIVEN

    @property
    def withdrawn(self) -> bool:
        """The latest entry withdraws consent."""
        return self.current is not None and self.current.action == ConsentAction.WITHDRAWN


def _missing_label(name: str) -> str:
    if name == "sentence":
        return _("the sentence (years, months or days)")
    return str(case_field_label(name))


def term_state(case: Case) -> TermState:
    """The TermInput of the case, or the problems that keep it from being computed."""
    if case.sentence_life:
        # No length, no end, so no credit either: there is nothing to compute or to record.
        return TermState(None, life=True)
    length = (case.sentence_years or 0, case.sentence_months or 0, case.sentence_days or 0)
    pretrial = case.pretrial_days
    missing = [name for name, value in (
        ("term_start", case.term_start),
        ("sentence", any(length)),
        ("regime", case.regime or not pretrial),  # the regime matters only for credit
    ) if not value]
    if missing:
        fields = ", ".join(_missing_label(n) for n in missing)
        return TermState(None, [_("To compute the term, record: %(fields)s.", fields=fields)])
    try:
        articles = tuple(parse_articles(case.articles or ""))
        term = TermInput(
            start=case.term_start,  # type: ignore[arg-type]  # checked above
            regime=Regime(case.regime) if case.regime else Regime.GENERAL,
            years=length[0], months=length[1], days=length[2],
            pretrial_days=pretrial or 0,
            house_arrest_days=case.house_arrest_days or 0,
            articles=articles,
            judgment_final=case.judgment_final_date,
        )
    except (ArticleParseError, SentenceInputError, ValueError) as exc:
        return TermState(None, [str(exc)])
    warnings = []
    if pretrial is None:
        warnings.append(_(
            "Days of pretrial custody are not recorded and count as none: the term may end "
            "earlier than shown."
        ))
    return TermState(term, warnings=warnings)


def term_result(case: Case, procedure: Procedure, on: date) -> TermResult | None:
    """The computed term of the case on `on`, or None when it cannot be computed."""
    state = term_state(case)
    if state.term is None:
        return None
    return compute_term(state.term, procedure.credit_rules(), on)


def consent_ledger(case: Case) -> list[ConsentEntry]:
    """Every consent entry of the case, oldest first (by date, then by recording order)."""
    return list(db.session.execute(
        select(ConsentEntry).where(ConsentEntry.case_id == case.id)
        .order_by(ConsentEntry.entry_date, ConsentEntry.id)
    ).scalars())


def consent_state(
    case: Case, kind: ConsentKind = ConsentKind.TRANSFER,
    ledger: list[ConsentEntry] | None = None,
) -> ConsentState:
    """The current consent of this kind: the latest entry decides."""
    entries = [e for e in (ledger if ledger is not None else consent_ledger(case))
               if e.kind == kind]
    return ConsentState(entries[-1] if entries else None)


def case_procedure(case: Case) -> CaseProcedure | None:
    """The procedure facts row of the case, if any was recorded."""
    if case.id is None:
        return None
    return db.session.get(CaseProcedure, case.id)


def _dual(row: CaseProcedure | None) -> bool | None:
    if row is None or row.dual_criminality == DualCriminality.UNKNOWN:
        return None
    return row.dual_criminality == DualCriminality.CONFIRMED


def _pending(value: str | None) -> bool | None:
    return {"yes": True, "no": False}.get(value or "")


def civil_claims(claim: str | None, fine: str | None) -> CivilClaims:
    """Civil claim and fine together: unpaid wins, then unknown, guaranteed, paid, none."""
    states = [PaymentStatus(v) if v in set(PaymentStatus) else PaymentStatus.UNKNOWN
              for v in (claim, fine)]
    for status, result in (
        (PaymentStatus.UNPAID, CivilClaims.UNPAID),
        (PaymentStatus.UNKNOWN, CivilClaims.UNKNOWN),
        (PaymentStatus.GUARANTEED, CivilClaims.GUARANTEED),
        (PaymentStatus.PAID, CivilClaims.PAID),
    ):
        if status in states:
            return result
    return CivilClaims.NONE


def _enum(enum: type, value: str | None, default: object) -> object:
    return enum(value) if value in set(enum) else default


def case_facts(
    case: Case, *, term: TermInput | TermResult | None, ledger: list[ConsentEntry] | None = None,
    row: CaseProcedure | None = None,
) -> CaseFacts:
    """The eligibility facts of a case (the term is passed in: the caller computed it once)."""
    consent = consent_state(case, ConsentKind.TRANSFER, ledger)
    row = row if row is not None else case_procedure(case)
    return CaseFacts(
        citizenship=_enum(Citizenship, case.citizenship, Citizenship.UNKNOWN),  # type: ignore[arg-type]
        russian_permanent_residence=case.russian_permanent_residence,
        custody_type=_enum(CustodyType, case.custody_type, CustodyType.UNKNOWN),  # type: ignore[arg-type]
        judgment_final=case.judgment_final_date,
        term=term,
        life_sentence=bool(case.sentence_life),
        military_status=_enum(MilitaryStatus, case.military_status, MilitaryStatus.NONE),  # type: ignore[arg-type]
        has_transfer_consent=consent.given,
        consent_withdrawn=consent.withdrawn,
        return_risk_explained=bool(consent.given and consent.current
                                   and consent.current.return_risk_explained),
        dual_criminality_confirmed=_dual(row),
        pending_proceedings=_pending(case.other_pending_proceedings),
        civil_claims=civil_claims(case.civil_claim_status, case.fine_status),
    )
