"""The `letter` measurement: a supervisor's approval request, which renders the PDF.

Approval is the request in which the server renders a letter (number, context, WeasyPrint,
encrypted storage). The drafts are prepared beforehand, unmeasured, through the letters
operations: an advocate drafts and submits a letter on one of their demo cases that has every
datum the letter needs.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import Flask
from sqlalchemy import select

from advocate.auth.models import User
from advocate.cases.models import Case
from advocate.extensions import db
from advocate.identity.models import Identity
from advocate.letters import operations
from advocate.letters.catalogue import LETTER_TYPES
from advocate.letters.context import Draft, LetterInputs, addressee_choices, procedure_of
from advocate.letters.models import Letter
from advocate.letters.workflow import LetterStatus

#: How many of the author's cases with an identity are tried before giving up.
CANDIDATES = 300


class NoReadyCase(RuntimeError):
    """No demo case has every datum any letter type needs."""


@dataclass
class Plan:
    """Which case and letter type the drafts use."""

    reference: str
    type_id: str
    lang: str
    addressee_id: str | None


def _draft(case: Case, type_id: str, lang: str) -> Draft:
    choices = addressee_choices(procedure_of(case), type_id)
    role = "relative" if type_id == "letter_of_interest" else "person"
    return Draft(type_id, lang, choices[0] if choices else None,
                 LetterInputs(applicant_role=role))


def find_ready_case(app: Flask, author: str, lang: str = "ru") -> Plan:
    """A case of `author` with an identity and a letter type it lacks nothing for."""
    with app.test_request_context():
        user = db.session.execute(select(User).where(User.username == author)).scalar_one()
        cases = db.session.execute(
            select(Case).join(Identity, Identity.case_id == Case.id)
            .where(Case.owner_id == user.id).order_by(Case.id).limit(CANDIDATES)
        ).scalars().all()
        for case in cases:
            for type_id in LETTER_TYPES:
                draft = _draft(case, type_id, lang)
                if not operations.missing_for(case, draft):
                    return Plan(case.reference, type_id, lang, draft.addressee_id)
    raise NoReadyCase(f"none of {author}'s first {CANDIDATES} cases with an identity is "
                      "ready for any letter type")


def submit_drafts(app: Flask, author: str, plan: Plan, count: int) -> list[int]:
    """Draft and submit `count` letters by `author`; their ids."""
    ids = []
    with app.test_request_context():
        user = db.session.execute(select(User).where(User.username == author)).scalar_one()
        case = db.session.execute(
            select(Case).where(Case.reference == plan.reference)).scalar_one()
        for _ in range(count):
            draft = _draft(case, plan.type_id, plan.lang)
            letter = operations.create_draft(
                case, type_id=plan.type_id, lang=plan.lang, addressee_id=plan.addressee_id,
                inputs=draft.inputs, actor=user)
            operations.submit(letter, actor=user)
            ids.append(letter.id)
        db.session.commit()
    return ids


def approved_count(app: Flask, ids: list[int]) -> int:
    """How many of these letters are approved (numbered and frozen)."""
    with app.app_context():
        statuses = db.session.execute(
            select(Letter.status).where(Letter.id.in_(ids))).scalars().all()
    return sum(1 for s in statuses if s == LetterStatus.APPROVED.value)
