"""Eligibility: every condition in each of its three states, reasons, next steps, blocking."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from advocate.cases.vocab import Citizenship, CustodyType, MilitaryStatus, Regime
from advocate.procedures.definitions import load_procedures
from advocate.procedures.eligibility import (
    CaseFacts,
    CivilClaims,
    ConditionResult,
    Status,
    blocking,
    evaluate,
    results_json,
)
from advocate.procedures.sentence import TermInput, compute_term

ROUTE = load_procedures()["ru_uz"]
TODAY = date(2025, 1, 15)
#: 3 years from 15.03.2025: last day 14.03.2028 (1096 days). Credit 312 x 1.5 = 468: back 366 days
#: (29.02.2028 inside) -> 14.03.2027, then 102: -14 -> 28.02 (88), -28 -> 31.01 (60),
#: -31 -> 31.12.2026 (29), -29 -> 02.12.2026. Lapse: X+1 = 03.06.2026 + 6 months - 1 = 02.12.2026,
#: so X = 02.06.2026 (from 03.06 the 6-month period would end on 03.12).
TERM = TermInput(start=date(2025, 3, 15), regime=Regime.GENERAL, years=3, pretrial_days=312)

#: A case where everything is met: the baseline each test changes one fact of.
GOOD = CaseFacts(
    citizenship=Citizenship.UZ_ONLY,
    russian_permanent_residence=False,
    custody_type=CustodyType.COLONY,
    judgment_final=date(2024, 11, 1),
    term=TERM,
    military_status=MilitaryStatus.NONE,
    has_transfer_consent=True,
    dual_criminality_confirmed=True,
    pending_proceedings=False,
    civil_claims=CivilClaims.PAID,
)


def check(facts: CaseFacts, condition: str, expected: date | None = None) -> ConditionResult:
    results = {r.id: r for r in evaluate(facts, ROUTE, TODAY, expected)}
    return results[condition]


def test_baseline_is_all_met_in_route_order() -> None:
    results = evaluate(GOOD, ROUTE, TODAY)
    assert [r.id for r in results] == [c.id for c in ROUTE.conditions.checks]
    assert {r.status for r in results} == {Status.MET}
    assert blocking(results) == []


def test_term_worked_example_used_below() -> None:
    r = compute_term(TERM, ROUTE.credit_rules(), TODAY)
    assert (r.term_end, r.eligibility_lapses_on) == (date(2026, 12, 2), date(2026, 6, 2))


@pytest.mark.parametrize(
    ("changes", "status", "reason"),
    [
        ({}, Status.MET, "Uzbek citizen."),
        ({"citizenship": Citizenship.UZ_AND_RU}, Status.MET, "also holding Russian citizenship"),
        ({"citizenship": "stateless"}, Status.NOT_MET, "Not an Uzbek citizen (stateless)"),
        ({"citizenship": Citizenship.RU_AFTER_RENOUNCING}, Status.NOT_MET, "Not an Uzbek citizen"),
        ({"citizenship": Citizenship.UNKNOWN}, Status.UNKNOWN, "Citizenship is not confirmed."),
    ],
)
def test_citizenship(changes: dict[str, object], status: Status, reason: str) -> None:
    result = check(replace(GOOD, **changes), "citizenship")
    assert (result.status, result.id) == (status, "citizenship")
    assert reason in result.reason
    assert result.bases == ("ru_cpc_469", "ets_112")


def test_citizenship_warnings() -> None:
    assert check(GOOD, "citizenship").warning is None
    dual = check(replace(GOOD, citizenship=Citizenship.UZ_AND_RU), "citizenship")
    assert "Russian citizenship is recorded" in (dual.warning or "")
    resident = check(replace(GOOD, russian_permanent_residence=True), "citizenship")
    assert resident.status == Status.MET
    assert "Permanent residence in Russia is recorded" in (resident.warning or "")
    unknown = check(replace(GOOD, citizenship=Citizenship.UNKNOWN), "citizenship")
    assert "passport" in (unknown.next_step or "")


@pytest.mark.parametrize(
    ("changes", "status", "reason"),
    [
        ({}, Status.MET, "The judgment became final on 2024-11-01."),
        (
            {"custody_type": CustodyType.SIZO, "judgment_final": date(2024, 11, 1)},
            Status.MET,
            "became final on 2024-11-01",
        ),  # convicted, still held in the SIZO
        (
            {"custody_type": CustodyType.SIZO, "judgment_final": None},
            Status.NOT_MET,
            "Not yet: the person is in pretrial custody",
        ),
        (
            {"judgment_final": date(2025, 2, 1)},
            Status.NOT_MET,
            "Not yet: the judgment becomes final on 2025-02-01.",
        ),
        (
            {"custody_type": CustodyType.IMMIGRATION},
            Status.NOT_MET,
            "Not a transfer matter: consular and deportation route.",
        ),
        ({"custody_type": CustodyType.RELEASED}, Status.NOT_MET, "no longer in custody"),
        ({"judgment_final": None}, Status.UNKNOWN, "is not recorded"),
        (
            {"judgment_final": None, "custody_type": CustodyType.UNKNOWN},
            Status.UNKNOWN,
            "is not recorded",
        ),
    ],
)
def test_judgment_final(changes: dict[str, object], status: Status, reason: str) -> None:
    result = check(replace(GOOD, **changes), "judgment_final")
    assert result.status == status
    assert reason in result.reason


@pytest.mark.parametrize(
    ("term", "expected", "status", "reason"),
    [
        # Lapse 02.06.2026: met today, and at a decision expected on the lapse day itself.
        (TERM, None, Status.MET, "At least 6 months remain until 2026-06-02"),
        (TERM, date(2026, 6, 2), Status.MET, "until 2026-06-02"),
        # A decision expected the day after the lapse comes too late.
        (
            TERM,
            date(2026, 6, 3),
            Status.NOT_MET,
            "At the expected decision date 2026-06-03 less than 6 months will remain "
            "(eligibility lapses on 2026-06-02).",
        ),
        # Already lapsed today: 1 year from 01.03.2024 ends 28.02.2025; 01.09.2024 + 6 months - 1
        # = 28.02.2025, so the lapse is 31.08.2024 and less remains from 01.09.2024.
        (
            replace(TERM, start=date(2024, 3, 1), years=1, pretrial_days=0),
            None,
            Status.NOT_MET,
            "Less than 6 months remain since 2024-09-01 (the term ends on 2025-02-28).",
        ),
        (None, None, Status.UNKNOWN, "The term is not recorded."),
    ],
)
def test_remaining_term(
    term: TermInput | None, expected: date | None, status: Status, reason: str
) -> None:
    result = check(replace(GOOD, term=term), "remaining_term", expected)
    assert result.status == status
    assert reason in result.reason


def test_remaining_term_accepts_a_computed_result_and_warns_near_the_lapse() -> None:
    # Computed on another day: the lapse date does not depend on it. 02.06.2026 is 40 days after
    # 23.04.2026 (7 left in April + 31 in May + 2), inside the route's 60-day reminder window.
    computed = compute_term(TERM, ROUTE.credit_rules(), date(2020, 1, 1))
    facts = replace(GOOD, term=computed)
    results = {r.id: r for r in evaluate(facts, ROUTE, date(2026, 4, 23))}
    assert results["remaining_term"].status == Status.MET
    assert results["remaining_term"].warning == "Eligibility lapses in 40 days, on 2026-06-02."
    assert check(facts, "remaining_term").warning is None
    assert "record the expected decision date" in (check(facts, "remaining_term").next_step or "")


@pytest.mark.parametrize(
    ("changes", "status", "reason"),
    [
        ({}, Status.MET, "Consent to transfer is on record."),
        (
            {"military_status": MilitaryStatus.CONTRACT_SIGNED, "return_risk_explained": True},
            Status.MET,
            "with the return-risk explanation",
        ),
        (
            {"military_status": MilitaryStatus.DEPLOYED},
            Status.NOT_MET,
            "Military involvement is recorded (deployed) but the consent does not record",
        ),
        ({"military_status": MilitaryStatus.RETURNED}, Status.NOT_MET, "Military involvement"),
        ({"has_transfer_consent": False}, Status.NOT_MET, "No consent to transfer is on record."),
        ({"consent_withdrawn": True}, Status.NOT_MET, "The consent to transfer was withdrawn."),
        (
            {"military_status": MilitaryStatus.PRESSURED},
            Status.UNKNOWN,
            "pressured to enlist and it is not known whether a contract was signed",
        ),
        ({"military_status": MilitaryStatus.CONTRACT_OFFERED}, Status.UNKNOWN, "contract offered"),
    ],
)
def test_consent(changes: dict[str, object], status: Status, reason: str) -> None:
    result = check(replace(GOOD, **changes), "consent")
    assert result.status == status
    assert reason in result.reason
    assert result.bases == ("ets_112", "uz_cc_154", "uz_cc_154_1")


def test_consent_withdrawal_turns_consent_to_not_met_and_blocks() -> None:
    informed = replace(
        GOOD, military_status=MilitaryStatus.CONTRACT_SIGNED, return_risk_explained=True
    )
    assert check(informed, "consent").status == Status.MET
    withdrawn = replace(informed, consent_withdrawn=True)
    result = check(withdrawn, "consent")
    assert result.status == Status.NOT_MET
    assert "new consent" in (result.next_step or "")
    assert [r.id for r in blocking(evaluate(withdrawn, ROUTE, TODAY))] == ["consent"]


@pytest.mark.parametrize(
    ("value", "status", "reason"),
    [
        (True, Status.MET, "Confirmed"),
        (False, Status.NOT_MET, "not a crime under Uzbek law"),
        (None, Status.UNKNOWN, "not confirmed"),
    ],
)
def test_dual_criminality(value: bool | None, status: Status, reason: str) -> None:
    result = check(replace(GOOD, dual_criminality_confirmed=value), "dual_criminality")
    assert (result.status, result.bases) == (status, ("ru_cpc_471", "ets_112"))
    assert reason in result.reason


@pytest.mark.parametrize(
    ("value", "status", "reason"),
    [
        (False, Status.MET, "No other proceedings are pending."),
        (True, Status.NOT_MET, "Other criminal proceedings are pending"),
        (None, Status.UNKNOWN, "It is not known whether other proceedings are pending."),
    ],
)
def test_no_pending_proceedings(value: bool | None, status: Status, reason: str) -> None:
    result = check(replace(GOOD, pending_proceedings=value), "no_pending_proceedings")
    assert (result.status, result.bases) == (status, ())
    assert reason in result.reason


@pytest.mark.parametrize(
    ("value", "status"),
    [
        ("none", Status.MET),
        ("paid", Status.MET),
        ("guaranteed", Status.MET),
        ("unpaid", Status.NOT_MET),
        ("unknown", Status.UNKNOWN),
    ],
)
def test_civil_claims(value: str, status: Status) -> None:
    result = check(replace(GOOD, civil_claims=value), "civil_claims")  # type: ignore[arg-type]
    assert result.status == status
    assert (result.next_step is None) == (status == Status.MET)


def test_bad_stored_value_is_refused() -> None:
    with pytest.raises(ValueError, match="'sometimes'"):
        CaseFacts(civil_claims="sometimes")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="'martian'"):
        CaseFacts(citizenship="martian")  # type: ignore[arg-type]


def test_blocking_lists_every_condition_not_met() -> None:
    facts = replace(
        GOOD,
        custody_type=CustodyType.SIZO,
        judgment_final=None,
        civil_claims=CivilClaims.UNPAID,
        pending_proceedings=None,
    )
    results = evaluate(facts, ROUTE, TODAY)
    assert [r.id for r in blocking(results)] == ["judgment_final", "civil_claims"]
    # Unknown conditions warn but do not block.
    assert {r.id: r.status for r in results}["no_pending_proceedings"] == Status.UNKNOWN


def test_default_facts_are_unknown_or_missing() -> None:
    results = {r.id: r.status for r in evaluate(CaseFacts(), ROUTE, TODAY)}
    assert results == {
        "citizenship": "unknown",
        "judgment_final": "unknown",
        "remaining_term": "unknown",
        "consent": "not_met",  # nothing on record: the guard must not let it through
        "dual_criminality": "unknown",
        "no_pending_proceedings": "unknown",
        "civil_claims": "unknown",
    }


def test_results_json() -> None:
    data = results_json(evaluate(replace(GOOD, civil_claims="unpaid"), ROUTE, TODAY))
    claims = data[-1]
    assert claims == {
        "id": "civil_claims",
        "status": "not_met",
        "reason": "Civil claims or fines are unpaid.",
        "next_step": "Pay them or arrange a guarantee, and obtain proof of payment.",
        "warning": None,
        "bases": [],
    }
    assert data[0]["bases"] == ["ru_cpc_469", "ets_112"]
