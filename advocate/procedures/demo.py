"""Demo procedure data: documents, consents, findings and hearings for some demo cases.

On the first run, up to `DETAILED` cases get a varied, plainly fictional history through the
operations (so their timelines look real); then every case without lapse deadlines gets them in
bulk, which covers demo cases that were bulk-inserted (`demo --cases 100000`: about 8 s more).
Running again adds nothing.
"""

from __future__ import annotations

import random
from datetime import timedelta
from typing import Any

from sqlalchemy import exists, select

from advocate import clock
from advocate.cases.models import Case
from advocate.cases.vocab import MILITARY_INVOLVEMENT
from advocate.extensions import db
from advocate.procedures import deadlines, operations, procedure_for
from advocate.procedures.models import (
    CaseDocument,
    ConsentEntry,
    ConsentForm,
    ConsentKind,
    DocumentStatus,
    DualCriminality,
)

#: How many cases get a detailed history.
DETAILED = 30
_STEPS = (DocumentStatus.REQUESTED, DocumentStatus.RECEIVED, DocumentStatus.TRANSLATED,
          DocumentStatus.VERIFIED)
_DATE_FIELD = {DocumentStatus.REQUESTED: "requested_on", DocumentStatus.RECEIVED: "received_on",
               DocumentStatus.TRANSLATED: "translated_on",
               DocumentStatus.VERIFIED: "verified_on"}


def _untouched_cases(limit: int) -> list[Case]:
    """Cases with no document and no consent yet; none once any case has procedure data."""
    if db.session.execute(select(CaseDocument.id).limit(1)).first() or db.session.execute(
            select(ConsentEntry.id).limit(1)).first():
        return []  # the demo ran before (or real work began): add nothing
    return list(db.session.execute(
        select(Case)
        .where(~exists().where(CaseDocument.case_id == Case.id),
               ~exists().where(ConsentEntry.case_id == Case.id))
        .order_by(Case.id).limit(limit)
    ).scalars())


def _documents(case: Case, rng: random.Random) -> None:
    procedure = procedure_for(case)
    if procedure is None:
        return
    day = clock.today()
    for document in procedure.documents:
        reached = rng.randint(-1, len(_STEPS) - 1)
        if reached < 0:
            continue  # still missing
        requested = day - timedelta(days=rng.randint(5, 120))  # some requests become overdue
        dates: dict[str, Any] = {"requested_on": requested}
        for i, step in enumerate(_STEPS[1:reached + 1], start=1):
            dates[_DATE_FIELD[step]] = min(day, requested + timedelta(days=10 * i))
        operations.update_document(case, document.id, status=_STEPS[reached].value,
                                   note=None, actor=None, **dates)


def _consents(case: Case, rng: random.Random) -> None:
    day = clock.today()
    given = day - timedelta(days=rng.randint(20, 200))
    military = case.military_status in MILITARY_INVOLVEMENT
    operations.record_consent(
        case, kind=ConsentKind.DATA_PROCESSING.value, given_on=given, language="uz",
        form=ConsentForm.WRITTEN.value, lawyer_present=False, return_risk_explained=False,
        note=None, actor=None)
    if rng.random() < 0.75:
        operations.record_consent(
            case, kind=ConsentKind.TRANSFER.value, given_on=given,
            language=rng.choice(["uz", "ru"]),
            form=rng.choice([f.value for f in ConsentForm]), lawyer_present=rng.random() < 0.5,
            return_risk_explained=military and rng.random() < 0.5,
            note="[demo] explained during a visit", actor=None)
        if rng.random() < 0.15:
            operations.withdraw_consent(case, kind=ConsentKind.TRANSFER.value,
                                        withdrawn_on=given + timedelta(days=10),
                                        note="[demo] changed their mind", actor=None)


def _facts_and_hearing(case: Case, rng: random.Random) -> None:
    finding = rng.choice([DualCriminality.CONFIRMED, DualCriminality.CONFIRMED,
                          DualCriminality.UNKNOWN, DualCriminality.NOT_A_CRIME])
    operations.set_case_facts(
        case, dual_criminality=finding.value, note="[demo] compared with the Uzbek Criminal Code",
        expected_decision=clock.today() + timedelta(days=rng.randint(30, 300)), actor=None)
    if rng.random() < 0.4:
        operations.add_hearing(case, due=clock.today() + timedelta(days=rng.randint(-10, 40)),
                               title="[demo] appeal hearing, regional court", actor=None)


def demo_step(options: dict[str, Any]) -> str | None:
    """Add procedure data to demo cases; bulk-compute missing lapse deadlines."""
    if options.get("cases") == 0:
        return None  # no demo cases asked for
    cases = _untouched_cases(DETAILED)
    for case in cases:
        rng = random.Random(case.id)  # noqa: S311 — demo data, not security
        _documents(case, rng)
        _consents(case, rng)
        _facts_and_hearing(case, rng)
    filled = deadlines.backfill_term()
    if not cases and not filled:
        return None
    return (f"procedures: documents, consents and dates for {len(cases)} cases; "
            f"lapse deadlines computed for {filled} more")
