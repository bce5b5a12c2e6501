"""The demo step: procedure data for demo cases, once; lapse dates for bulk-inserted cases."""

from __future__ import annotations

from sqlalchemy import func, select

from advocate.extensions import db
from advocate.procedures.models import CaseDocument, ConsentEntry, Deadline


def _count(model) -> int:
    return db.session.execute(select(func.count()).select_from(model)).scalar_one()


def test_demo_step_adds_procedure_data_once(app, make_user):
    for name in ("advocate1", "advocate2"):
        make_user("advocate", username=name)
    with app.app_context():
        from advocate.cases import demo as case_demo
        from advocate.procedures import demo

        assert demo.demo_step({"cases": 0}) is None
        case_demo.run({"cases": 40})
        lapses = _count(Deadline)
        assert lapses > 0  # the listener dated the cases created through the ORM
        message = demo.demo_step({"cases": 40})
        db.session.commit()
        assert message.startswith("procedures: documents, consents and dates for 30 cases")
        documents, consents = _count(CaseDocument), _count(ConsentEntry)
        assert documents > 30
        assert consents >= 30  # every detailed case consented to data processing at least
        withdrawn = db.session.execute(select(func.count()).where(
            ConsentEntry.action == "withdrawn")).scalar_one()
        assert withdrawn < consents
        assert demo.demo_step({"cases": 40}) is None  # again: nothing
        assert (_count(CaseDocument), _count(ConsentEntry)) == (documents, consents)


def test_demo_step_dates_bulk_inserted_cases(app, make_user):
    for name in ("advocate1", "advocate2"):
        make_user("advocate", username=name)
    with app.app_context():
        from advocate.cases import demo as case_demo
        from advocate.cases.models import Case
        from advocate.procedures import demo

        case_demo.run({"cases": 260})  # more than 200: the bulk path, which the ORM never sees
        undated = select(func.count()).select_from(Case).where(~select(Deadline.id).where(
            Deadline.case_id == Case.id, Deadline.kind == "eligibility_lapse").exists())
        before = db.session.execute(undated).scalar_one()
        assert before > 200
        message = demo.demo_step({"cases": 260})
        db.session.commit()
        after = db.session.execute(undated).scalar_one()
        filled = int(message.rsplit("computed for ", 1)[1].split()[0])
        assert filled > 30  # the bulk cases vary custody and status: some have nothing to watch
        assert filled == before - after  # the rest have no computable term or nothing to watch
