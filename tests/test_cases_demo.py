"""Demo cases: varied, valid, fictional, not duplicated; the bulk path keeps the audit chain."""

from __future__ import annotations

import random

from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from advocate.audit.models import AuditEvent
from advocate.audit.operations import verify
from advocate.cases import demo, rules, search, vocab
from advocate.cases.models import Case, Claim
from advocate.cases.workflow import Status
from advocate.extensions import db


def _demo_advocates(make_user) -> None:
    make_user("advocate", username="advocate1")
    make_user("advocate", username="advocate2")


def test_default_demo_covers_every_status_custody_and_claim_type(app, make_user):
    _demo_advocates(make_user)
    with app.app_context():
        assert demo.run({"cases": None}) == "Demo cases: created 40, 40 in all."
        db.session.commit()
        cases = db.session.execute(select(Case)).scalars().all()
        assert len(cases) == 40
        assert {c.status for c in cases} == {s.value for s in Status}
        assert {c.custody_type for c in cases} == {c.value for c in vocab.CustodyType}
        kinds = set(db.session.execute(select(Claim.type)).scalars())
        assert kinds == {k.value for k in vocab.CoercionType}
        assert {c.owner.username for c in cases} == {"advocate1", "advocate2"}
        assert all(c.label.startswith("[demo] Fictional case") for c in cases)
        assert all(c.closing_reason for c in cases if c.status == "closed")
        assert demo.run({"cases": None}).startswith("Demo cases: 40 exist already")
        assert verify()[1] is None


def test_bulk_demo_tops_up_with_claims_search_text_and_a_valid_chain(app, make_user):
    _demo_advocates(make_user)
    with app.app_context():
        demo.run({"cases": 10})
        assert demo.run({"cases": 460}) == "Demo cases: created 450, 460 in all."
        db.session.commit()
        assert db.session.execute(select(func.count(Case.id))).scalar_one() == 460
        references = db.session.execute(select(Case.reference)).scalars().all()
        assert len(set(references)) == 460
        counted = dict(db.session.execute(
            select(Claim.case_id, func.count(Claim.id)).group_by(Claim.case_id)
        ).all())
        for case in db.session.execute(select(Case)).scalars():
            assert case.claim_count == counted.get(case.id, 0)
            assert case.search_text.startswith(search.fold(case.reference))
        creates = db.session.execute(
            select(func.count(AuditEvent.id)).where(AuditEvent.action == "case.create")
        ).scalar_one()
        assert creates == 460
        count, problem = verify()
        assert problem is None
        assert count > 460
        assert demo.run({"cases": 100}).startswith("Demo cases: 460 exist already")


@settings(max_examples=60, deadline=None)
@given(st.integers(min_value=0, max_value=10**6), st.sampled_from(list(vocab.CustodyType)))
def test_demo_values_obey_the_record_rules(seed, custody):
    values = demo.fictional_values(random.Random(seed), seed, custody=custody.value)  # noqa: S311
    assert rules.check_case({**values, "languages": ",".join(values["languages"])}) == {}
    assert "[demo]" in values["label"]
