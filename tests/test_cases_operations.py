"""Case operations against the database: references, diffs in the event log, stale edits, hooks,
workflow integration and assignment."""

from __future__ import annotations

import json
import re
from datetime import date

import pytest
from sqlalchemy import select

from advocate.audit.models import AuditEvent
from advocate.audit.operations import verify
from advocate.auth.models import User
from advocate.cases import operations, references
from advocate.cases.models import Case
from advocate.cases.workflow import Status, TransitionError
from advocate.extensions import db

from .cases_support import get_case, make_case


def _case(reference: str) -> Case:
    return db.session.execute(select(Case).where(Case.reference == reference)).scalar_one()


def _events(case_id: int) -> list[AuditEvent]:
    return list(db.session.execute(
        select(AuditEvent).where(AuditEvent.case_id == case_id).order_by(AuditEvent.id)
    ).scalars())


def test_references_are_sequential_per_year_and_skip_kept_ones(app, make_user):
    owner = make_user("advocate")
    first = make_case(app, owner, label="one")
    second = make_case(app, owner, label="two")
    year = date.today().year
    assert re.fullmatch(rf"ADV-{year}-0001", first)
    assert second == f"ADV-{year}-0002"
    with app.app_context():
        operations.create_case({}, actor=None, reference=f"ADV-{year}-0010")
        assert references.allocate() == f"ADV-{year}-0011"
        db.session.rollback()


def test_create_writes_the_record_and_its_event(app, make_user):
    owner = make_user("advocate")
    reference = make_case(app, owner, label="Tver colony", articles="228(2)",
                          languages=["uz", "ru"], arrest_date=date(2023, 1, 2))
    stored = get_case(app, reference)
    assert stored["articles"] == "228 ч.2"
    assert stored["languages"] == "uz,ru"
    assert stored["owner"] == owner.username
    assert stored["status"] == "intake"
    with app.app_context():
        (event,) = _events(stored["id"])
        assert event.action == "case.create"
        changes = json.loads(event.changes)
        assert changes["label"] == [None, "Tver colony"]
        assert changes["arrest_date"] == [None, "2023-01-02"]
        assert changes["owner"] == [None, owner.username]


def test_update_records_old_and_new_and_bumps_the_version(app, make_user):
    owner = make_user("advocate")
    reference = make_case(app, owner, label="before", sentence_years=3)
    with app.app_context():
        case = _case(reference)
        changes = operations.update_case(
            case, {"label": "after", "sentence_years": 3, "court": "Fictional court"},
            expected_version=1, actor=None,
        )
        db.session.commit()
        assert changes == {"label": ["before", "after"], "court": [None, "Fictional court"]}
        assert case.version == 2
        event = _events(case.id)[-1]
        assert event.action == "case.update"
        assert json.loads(event.changes) == changes
        assert "fictional court" in case.search_text


def test_stale_edit_overwrites_nothing_and_carries_both_values(app, make_user):
    owner = make_user("advocate")
    reference = make_case(app, owner, label="original", court="Court A")
    with app.app_context():
        case = _case(reference)
        operations.update_case(case, {"label": "theirs"}, expected_version=1, actor=None)
        db.session.commit()
    with app.app_context():
        case = _case(reference)
        with pytest.raises(operations.StaleEdit) as caught:
            operations.update_case(
                case, {"label": "mine", "court": "Court A"}, expected_version=1, actor=None
            )
        db.session.rollback()
        conflicts = {c.field: (c.yours, c.saved) for c in caught.value.conflicts}
        assert conflicts == {"label": ("mine", "theirs")}
        assert caught.value.current_version == 2
    assert get_case(app, reference)["label"] == "theirs"


def test_stale_version_with_identical_values_saves_nothing_silently(app, make_user):
    reference = make_case(app, make_user("advocate"), label="same")
    with app.app_context():
        case = _case(reference)
        operations.update_case(case, {"court": "X"}, expected_version=1, actor=None)
        db.session.commit()
        assert operations.update_case(case, {"court": "X"}, expected_version=1, actor=None) == {}


def test_invalid_values_raise_with_every_error(app, make_user):
    with app.app_context(), pytest.raises(operations.InvalidRecord) as caught:
        operations.create_case(
            {"articles": "nonsense", "sentence_months": 14, "custody_type": "sizo",
             "regime": "strict"}, actor=None,
        )
    assert set(caught.value.errors) == {"articles", "sentence_months", "regime"}


def test_text_guards_refuse_before_anything_changes(app, make_user, monkeypatch):
    reference = make_case(app, make_user("advocate"), label="clean")
    seen = []

    def guard(case, texts):
        seen.append(dict(texts))
        for name, value in texts.items():
            if "Secretname" in value:
                raise operations.TextRefused(name, "Secretname", "A name was found.")

    monkeypatch.setattr(operations, "text_guards", [guard])  # only this guard, for the test
    with app.app_context():
        case = _case(reference)
        with pytest.raises(operations.TextRefused) as caught:
            operations.update_case(case, {"label": "about Secretname"}, expected_version=1,
                                   actor=None)
        assert caught.value.field == "label"
        with pytest.raises(operations.TextRefused):
            operations.add_note(case, "Secretname called", actor=None)
        with pytest.raises(operations.TextRefused) as caught:
            operations.add_claim(case, {"type": "beating", "narrative": "by Secretname"},
                                 actor=None)
        assert caught.value.field == "narrative"
        db.session.rollback()
    assert {"label": "about Secretname"} in seen
    assert {"note": "Secretname called"} in seen
    stored = get_case(app, reference)
    assert stored["label"] == "clean"
    assert stored["claims"] == []


def test_workflow_refusal_names_the_allowed_next_statuses(app, make_user):
    reference = make_case(app, make_user("advocate"))
    with app.app_context():
        case = _case(reference)
        with pytest.raises(TransitionError) as caught:
            operations.change_status(case, "applied", actor=None)
        assert "Allowed next: Verifying identity and citizenship, Closed" in str(caught.value)


def test_status_changes_are_events_and_closing_needs_a_reason(app, make_user):
    advocate = make_user("advocate")
    supervisor = make_user("supervisor")
    reference = make_case(app, advocate)
    with app.app_context():
        case = _case(reference)
        actor = db.session.get(User, advocate.id)
        operations.change_status(case, "verifying_identity", actor=actor)
        with pytest.raises(TransitionError, match="needs a reason"):
            operations.change_status(case, "closed", actor=actor)
        operations.change_status(case, "closed", actor=actor, closing_reason="lost_contact",
                                 comment="no answer for months")
        with pytest.raises(TransitionError, match="Only a supervisor"):
            operations.change_status(case, "collecting_documents", actor=actor)
        boss = db.session.get(User, supervisor.id)
        operations.change_status(case, "collecting_documents", actor=boss)
        db.session.commit()
        statuses = [json.loads(e.changes)["status"] for e in _events(case.id)
                    if e.action == "case.status"]
        assert statuses == [["intake", "verifying_identity"], ["verifying_identity", "closed"],
                            ["closed", "collecting_documents"]]
        closing = [e for e in _events(case.id) if e.action == "case.status"][1]
        assert closing.reason == "no answer for months"
        assert case.closing_reason is None


def test_transition_guards_block_with_their_reasons(app, make_user, monkeypatch):
    reference = make_case(app, make_user("advocate"), status="awaiting_consent")

    def guard(case, target):
        return ["The judgment is not final."] if target is Status.READY_TO_APPLY else []

    monkeypatch.setattr(operations, "transition_guards", [guard])  # only this guard
    with app.app_context():
        case = _case(reference)
        with pytest.raises(operations.TransitionBlocked) as caught:
            operations.change_status(case, "ready_to_apply", actor=None)
        assert caught.value.reasons == ["The judgment is not final."]
        operations.change_status(case, "collecting_documents", actor=None)
        db.session.commit()
    assert get_case(app, reference)["status"] == "collecting_documents"


def test_claims_notes_and_search_text(app, make_user):
    reference = make_case(app, make_user("advocate"), label="Метка")
    with app.app_context():
        case = _case(reference)
        operations.add_claim(case, {"type": "beating", "narrative": "Избили в камере",
                                    "evidence": ["medical", "photo"]}, actor=None)
        operations.add_note(case, "Позвонила сестра Gʻulomova", actor=None)
        db.session.commit()
        assert case.claim_count == 1
        assert case.claims[0].evidence == "medical,photo"
        assert "избили в камере" in case.search_text
        assert "g'ulomova" in case.search_text
        assert "метка" in case.search_text
        actions = [e.action for e in _events(case.id)]
        assert actions == ["case.create", "case.claim.create", "case.note"]


def test_advocates_cannot_act_on_cases_of_others(app, make_user):
    owner = make_user("advocate")
    other = make_user("advocate")
    reference = make_case(app, owner)
    with app.app_context():
        case = _case(reference)
        stranger = db.session.get(User, other.id)
        with pytest.raises(operations.NotAllowed):
            operations.add_note(case, "hello", actor=stranger)
        with pytest.raises(operations.NotAllowed):
            operations.assign(case, owner=stranger, collaborators=[], actor=stranger)


def test_assign_records_usernames_and_refuses_admin_only_accounts(app, make_user):
    owner = make_user("advocate")
    helper = make_user("advocate")
    admin_only = make_user("advocate", is_admin=True)
    supervisor = make_user("supervisor")
    reference = make_case(app, owner)
    with app.app_context():
        case = _case(reference)
        boss = db.session.get(User, supervisor.id)
        changes = operations.assign(
            case, owner=db.session.get(User, helper.id),
            collaborators=[db.session.get(User, owner.id), db.session.get(User, helper.id)],
            actor=boss,
        )
        assert changes == {"owner": [owner.username, helper.username],
                           "collaborators": [[], [owner.username]]}
        with pytest.raises(operations.CaseError, match="cannot work on cases"):
            operations.assign(case, owner=db.session.get(User, admin_only.id), collaborators=[],
                              actor=boss)
        db.session.commit()
        assert verify()[1] is None
