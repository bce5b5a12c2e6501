"""Factories shared by the tests of the procedures engine (tests/test_procedures_*.py).

Cases are created straight through the model (the case operations belong to another package and
have their own tests); the deadline listener fires on that insert like on any other.
"""

from __future__ import annotations

import itertools
from datetime import date
from types import SimpleNamespace
from typing import Any

from advocate.cases.models import Case
from advocate.extensions import db

_NUMBERS = itertools.count(1)

#: A case where every condition is met on 2025-01-15 (see tests/test_eligibility.py): 3 years
#: from 15.03.2025, 312 days of custody in a general-regime colony (credit 468 days), so the
#: term ends on 02.12.2026 and eligibility lapses on 02.06.2026.
READY: dict[str, Any] = {
    "citizenship": "uz_only",
    "russian_permanent_residence": False,
    "custody_country": "RU",
    "custody_type": "colony",
    "regime": "general",
    "judgment_final_date": date(2024, 11, 1),
    "term_start": date(2025, 3, 15),
    "sentence_years": 3,
    "sentence_months": 0,
    "sentence_days": 0,
    "pretrial_days": 312,
    "house_arrest_days": 0,
    "articles": "158 ч.3",
    "military_status": "none",
    "civil_claim_status": "none",
    "fine_status": "none",
    "other_pending_proceedings": "no",
    "status": "awaiting_consent",
}


def make_case(app, owner=None, *, collaborators=(), **values: Any) -> SimpleNamespace:
    """A case with READY's values overridden by `values`; returns its reference and id."""
    with app.app_context():
        case = Case(reference=f"ADV-2025-{next(_NUMBERS):04d}",
                    owner_id=owner.id if owner else None, **{**READY, **values})
        if collaborators:
            from advocate.auth.models import User

            case.collaborators = [db.session.get(User, u.id) for u in collaborators]
        db.session.add(case)
        db.session.commit()
        return SimpleNamespace(reference=case.reference, id=case.id)


def load(reference: str) -> Case:
    """The case with this reference (inside an app context)."""
    return db.session.execute(db.select(Case).where(Case.reference == reference)).scalar_one()
