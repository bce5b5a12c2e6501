"""The letter pages: missing data, draft, preview, the review gate, storage, sent, answer."""

from __future__ import annotations

import io
from datetime import date

import pytest
from sqlalchemy import select

from advocate.extensions import db
from advocate.files import storage
from advocate.letters import operations
from advocate.letters.models import FrozenLetter, Letter
from advocate.letters.workflow import LetterStatus
from advocate.procedures.models import Deadline

from .test_letters_support import (
    COURT,
    CYRILLIC,
    LATIN,
    TERM_END,
    approved,
    client_for,
    draft,
    events,
    get_case,
    pdf_text,
    submitted,
    user_row,
)

#: The letters fixtures (letters_app, letter_people, letter_case).
pytest_plugins = ["tests.test_letters_support"]


def _letter(app, letter_id: int) -> Letter:
    with app.app_context():
        letter = db.session.get(Letter, letter_id)
        db.session.expunge(letter)
        return letter


def _pdf(app, letter_id: int) -> bytes:
    with app.app_context():
        return storage.load(db.session.get(Letter, letter_id).pdf_file)


def test_new_letter_page_lists_missing_data_with_links(letters_app, letter_people):
    from advocate.cases import operations as case_ops

    with letters_app.app_context():
        case = case_ops.create_case({"label": "new"}, actor=user_row(letter_people["owner"]))
        db.session.commit()
        reference = case.reference
    client = client_for(letters_app, letter_people["owner"])
    page = client.get(f"/cases/{reference}/letters/new?type=application_ru&lang=ru")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Data this letter needs is missing" in html
    assert "the person&#39;s full name in Cyrillic script" in html
    assert f'href="/cases/{reference}/identity/edit#full_name_cyrillic"' in html
    assert f'href="/cases/{reference}/edit#court"' in html
    assert f'href="/cases/{reference}/transfer#documents"' in html
    # A draft can be saved, but it cannot be submitted or previewed as a letter.
    response = client.post(f"/cases/{reference}/letters/new?type=application_ru",
                           data={"lang": "ru", "addressee_id": "", "applicant_role": "person",
                                 "previous_letter_id": ""})
    assert response.status_code == 302
    letter_id = int(response.headers["Location"].rsplit("/", 1)[1])
    preview = client.get(f"/letters/{letter_id}/preview")
    assert preview.status_code == 200
    assert "No PDF is produced" in preview.get_data(as_text=True)
    assert preview.mimetype == "text/html"
    assert "<h1>Ходатайство</h1>" not in preview.get_data(as_text=True)
    client.post(f"/letters/{letter_id}/submit")
    assert _letter(letters_app, letter_id).status == LetterStatus.DRAFT


def test_draft_preview_is_html_under_the_strict_policy(letters_app, letter_people, letter_case):
    client = client_for(letters_app, letter_people["owner"])
    choose = client.get(f"/cases/{letter_case}/letters/new")
    assert "application_pgo_uz" in choose.get_data(as_text=True)
    form = client.get(f"/cases/{letter_case}/letters/new?type=application_ru&lang=ru")
    assert "Data this letter needs is missing" not in form.get_data(as_text=True)
    response = client.post(
        f"/cases/{letter_case}/letters/new?type=application_ru",
        data={"lang": "ru", "addressee_id": "ru_court", "applicant_role": "person",
              "attachments": ["judgment_certified"], "previous_letter_id": "",
              "comment": "<script>alert(1)</script>"})
    assert response.status_code == 302
    letter_id = int(response.headers["Location"].rsplit("/", 1)[1])
    preview = client.get(f"/letters/{letter_id}/preview")
    html = preview.get_data(as_text=True)
    assert preview.status_code == 200
    assert CYRILLIC in html
    assert COURT in html
    assert "ч. 2 ст. 228 УК РФ" in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<script" not in html
    assert "script-src 'self'" in preview.headers["Content-Security-Policy"]
    assert preview.headers["Cache-Control"] == "no-store"
    assert "/static/css/letter.css" in html
    assert [e.action for e in events(letters_app, letter_case, "identity.export")] == \
        ["identity.export"]
    assert [e.action for e in events(letters_app, letter_case)] == ["letter.create"]


def test_the_gate_author_cannot_approve_another_supervisor_does(letters_app, letter_people,
                                                                letter_case):
    from advocate.cases import operations as case_ops

    with letters_app.app_context():
        # A supervisor on the case (a collaborator) writes the letter.
        supervisor = user_row(letter_people["supervisor"])
        case_ops.assign(get_case(letter_case), owner=user_row(letter_people["owner"]),
                        collaborators=[supervisor], actor=supervisor)
        db.session.commit()
    letter_id = submitted(letters_app, letter_case, letter_people["supervisor"])
    author = client_for(letters_app, letter_people["supervisor"])
    assert author.post(f"/letters/{letter_id}/approve").status_code == 403
    assert _letter(letters_app, letter_id).status == LetterStatus.IN_REVIEW
    with letters_app.app_context(), pytest.raises(operations.NotAllowed):
        operations.approve(db.session.get(Letter, letter_id),
                           actor=user_row(letter_people["supervisor"]))
    # An advocate cannot approve either.
    owner = client_for(letters_app, letter_people["owner"])
    assert owner.post(f"/letters/{letter_id}/approve").status_code == 403
    reviewer = client_for(letters_app, letter_people["supervisor2"])
    page = reviewer.get(f"/letters/{letter_id}").get_data(as_text=True)
    assert "Approve: number, freeze and store the PDF" in page
    assert reviewer.post(f"/letters/{letter_id}/approve").status_code == 302
    letter = _letter(letters_app, letter_id)
    assert letter.status == LetterStatus.APPROVED
    assert letter.number == f"1/{date.today().year}"
    assert letter.reviewer_id == letter_people["supervisor2"].id


def test_approved_pdf_carries_the_case_and_is_stored_encrypted(letters_app, letter_people,
                                                               letter_case, letters_files_dir):
    letter_id = approved(letters_app, letter_case, letter_people["owner"],
                         letter_people["supervisor"])
    letter = _letter(letters_app, letter_id)
    pdf = _pdf(letters_app, letter_id)
    text = pdf_text(pdf)
    assert CYRILLIC in text
    assert COURT in text
    assert "ч. 2 ст. 228 УК РФ" in text
    assert "Уголовно-процессуальный кодекс Российской Федерации, ст. 469" in text
    assert "Уголовно-процессуальный кодекс Российской Федерации, ст. 470" in text
    assert "Уголовный кодекс Российской Федерации, ст. 72" in text
    # Verified, but with no known article: the law is named without an article number.
    assert "№ ЗРУ-1009 (о внесении изменений в Уголовно-процессуальный кодекс) Выражаю" in text
    assert TERM_END["ru"] in text
    assert "Справка об отбытом сроке наказания" in text
    assert f"Исх. № {letter.number}" in text
    files = list(letters_files_dir.iterdir())
    assert len(files) == 1
    raw = files[0].read_bytes()
    assert not raw.startswith(b"%PDF")
    assert b"%PDF" not in raw
    import hashlib

    assert hashlib.sha256(pdf).hexdigest() == letter.pdf_sha256
    approve_event = events(letters_app, letter_case, "letter.approve")[0]
    assert letter.number in approve_event.changes
    assert CYRILLIC not in (approve_event.changes or "")


def test_uzbek_letter_prints_the_latin_name(letters_app, letter_people, letter_case):
    letter_id = approved(letters_app, letter_case, letter_people["owner"],
                         letter_people["supervisor"], type_id="application_pgo_uz", lang="uz")
    text = pdf_text(_pdf(letters_app, letter_id))
    assert LATIN in text
    assert "oʻ" in text
    assert COURT in text
    assert TERM_END["uz"] in text
    assert "Rossiya Federatsiyasi Jinoyat kodeksi 228-moddasining 2-qismi" in text
    # ZRU-1009 is cited by name, without an article nobody verified.
    assert "OʻRQ-1009-son Qonuni" in text
    assert "-modda" not in text.split("OʻRQ-1009-son Qonuni", 1)[1][:40]


def test_an_approved_letter_can_never_change(letters_app, letter_people, letter_case):
    letter_id = approved(letters_app, letter_case, letter_people["owner"],
                         letter_people["supervisor"])
    before = _letter(letters_app, letter_id)
    owner = client_for(letters_app, letter_people["owner"])
    assert owner.get(f"/letters/{letter_id}/edit").status_code == 403
    assert owner.post(f"/letters/{letter_id}/edit", data={"lang": "en"}).status_code == 403
    with letters_app.app_context():
        letter = db.session.get(Letter, letter_id)
        with pytest.raises(operations.LetterRefused):
            operations.update_draft(letter, lang="en", addressee_id=None,
                                    inputs=operations.inputs_of(letter),
                                    actor=user_row(letter_people["owner"]))
        with pytest.raises(operations.LetterRefused):
            operations.approve(letter, actor=user_row(letter_people["supervisor2"]))
        db.session.rollback()
        letter = db.session.get(Letter, letter_id)
        letter.pdf_sha256 = "0" * 64
        with pytest.raises(FrozenLetter):
            db.session.flush()
        db.session.rollback()
        letter = db.session.get(Letter, letter_id)
        letter.number = "999/2099"
        with pytest.raises(FrozenLetter):
            db.session.commit()
        db.session.rollback()
    after = _letter(letters_app, letter_id)
    assert (after.number, after.pdf_sha256, after.lang) == \
        (before.number, before.pdf_sha256, before.lang)


def test_return_with_comment_then_resubmit(letters_app, letter_people, letter_case):
    letter_id = submitted(letters_app, letter_case, letter_people["owner"])
    reviewer = client_for(letters_app, letter_people["supervisor"])
    refused = reviewer.post(f"/letters/{letter_id}/return",
                            data={"comment": f"Проверьте {CYRILLIC}"}, follow_redirects=True)
    assert "identifying details" in refused.get_data(as_text=True)
    assert _letter(letters_app, letter_id).status == LetterStatus.IN_REVIEW
    reviewer.post(f"/letters/{letter_id}/return", data={"comment": "Add the humanitarian grounds"})
    letter = _letter(letters_app, letter_id)
    assert letter.status == LetterStatus.RETURNED
    owner = client_for(letters_app, letter_people["owner"])
    page = owner.get(f"/letters/{letter_id}").get_data(as_text=True)
    assert "Add the humanitarian grounds" in page
    owner.post(f"/letters/{letter_id}/submit")
    assert _letter(letters_app, letter_id).status == LetterStatus.IN_REVIEW
    assert [e.action for e in events(letters_app, letter_case)] == [
        "letter.create", "letter.submit", "letter.return", "letter.submit"]


def test_sent_sets_the_follow_up_and_the_answer_keeps_the_scan(letters_app, letter_people,
                                                               letter_case):
    letter_id = approved(letters_app, letter_case, letter_people["owner"],
                         letter_people["supervisor"])
    owner = client_for(letters_app, letter_people["owner"])
    today = date.today()
    owner.post(f"/letters/{letter_id}/sent", data={
        "sent_on": today.isoformat(), "channel": "registered_post",
        "tracking_number": "RA123456789RU"})
    letter = _letter(letters_app, letter_id)
    assert (letter.status, letter.sent_on, letter.tracking_number) == \
        (LetterStatus.SENT, today, "RA123456789RU")
    with letters_app.app_context():
        deadline = db.session.execute(
            select(Deadline).where(Deadline.ref == f"letter-{letter_id}")).scalar_one()
        assert deadline.kind == "follow_up"
        assert (deadline.due_date - today).days == 30
        assert deadline.done_at is None
    page = owner.get(f"/letters/{letter_id}").get_data(as_text=True)
    assert "Record the answer" in page
    assert "registered post" in page
    scan = b"%PDF-1.4\n% a scanned reply\n"
    owner.post(f"/letters/{letter_id}/answer", data={
        "answer_on": today.isoformat(), "outcome": "more_information", "note": "asks for a copy",
        "reply": (io.BytesIO(scan), "../../etc/reply.pdf")},
        content_type="multipart/form-data")
    letter = _letter(letters_app, letter_id)
    assert letter.status == LetterStatus.ANSWERED
    assert letter.answer_outcome == "more_information"
    with letters_app.app_context():
        assert db.session.get(Deadline, deadline.id).done_at is not None
    page = owner.get(f"/letters/{letter_id}").get_data(as_text=True)
    assert "more information requested" in page
    assert f"/letters/{letter_id}/reply" in page
    download = owner.get(f"/letters/{letter_id}/reply")
    assert download.status_code == 200
    assert download.data == scan
    assert [e.action for e in events(letters_app, letter_case)][-3:] == [
        "letter.send", "letter.answer", "letter.download"]


def test_downloads_are_attachments_recorded_and_only_for_identity_readers(
        letters_app, letter_people, letter_case):
    letter_id = approved(letters_app, letter_case, letter_people["owner"],
                         letter_people["supervisor"])
    owner = client_for(letters_app, letter_people["owner"])
    response = owner.get(f"/letters/{letter_id}/pdf")
    assert response.status_code == 200
    assert response.data.startswith(b"%PDF")
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert letter_case in response.headers["Content-Disposition"]
    assert response.headers["Cache-Control"] == "no-store"
    downloads = events(letters_app, letter_case, "letter.download")
    assert len(downloads) == 1
    assert downloads[0].actor_name == letter_people["owner"].username
    for who in ("other", "admin"):
        client = client_for(letters_app, letter_people[who])
        assert client.get(f"/letters/{letter_id}/pdf").status_code == 404
        assert client.get(f"/letters/{letter_id}").status_code == 404
        assert client.get(f"/letters/{letter_id}/preview").status_code == 404
        assert client.post(f"/letters/{letter_id}/approve").status_code == 404
        assert client.get(f"/cases/{letter_case}/letters").status_code == 404
    assert len(events(letters_app, letter_case, "letter.download")) == 1


def test_letters_appear_on_the_case_page_and_timeline(letters_app, letter_people, letter_case):
    letter_id = draft(letters_app, letter_case, letter_people["owner"])
    client = client_for(letters_app, letter_people["owner"])
    page = client.get(f"/cases/{letter_case}").get_data(as_text=True)
    assert f"/letters/{letter_id}" in page
    assert "Letter drafted" in page
    assert "New letter" in page


def test_follow_up_refers_to_a_registered_letter(letters_app, letter_people, letter_case):
    first = approved(letters_app, letter_case, letter_people["owner"],
                     letter_people["supervisor"], type_id="application_pgo_uz", lang="ru")
    number = _letter(letters_app, first).number
    with letters_app.app_context():
        case = get_case(letter_case)
        follow = operations.create_draft(
            case, type_id="follow_up", lang="ru", addressee_id="pgo_uz",
            inputs=operations.LetterInputs(), previous_letter_id=first,
            actor=user_row(letter_people["owner"]))
        db.session.commit()
        follow_id = follow.id
    with letters_app.app_context():
        operations.submit(db.session.get(Letter, follow_id), actor=user_row(letter_people["owner"]))
        operations.approve(db.session.get(Letter, follow_id),
                           actor=user_row(letter_people["supervisor"]))
        db.session.commit()
    text = pdf_text(_pdf(letters_app, follow_id))
    assert f"исх. № {number}" in text
    assert _letter(letters_app, follow_id).number == f"2/{date.today().year}"


def test_editing_a_draft_records_field_names_never_values(letters_app, letter_people,
                                                          letter_case):
    from .test_letters_support import RELATIVE

    letter_id = draft(letters_app, letter_case, letter_people["owner"], "letter_of_interest",
                      "ru", applicant_role="relative", applicant_name=RELATIVE,
                      applicant_relation="мать осуждённого")
    client = client_for(letters_app, letter_people["owner"])
    form = client.get(f"/letters/{letter_id}/edit").get_data(as_text=True)
    assert RELATIVE in form
    response = client.post(f"/letters/{letter_id}/edit", data={
        "lang": "uz", "addressee_id": "embassy_uz", "applicant_role": "relative",
        "applicant_name": "Gʻulomova Muhabbat", "applicant_relation": "mahkumning onasi",
        "humanitarian_grounds": "Onasi kasal.", "previous_letter_id": ""})
    assert response.status_code == 302
    letter = _letter(letters_app, letter_id)
    assert (letter.lang, letter.addressee_id) == ("uz", "embassy_uz")
    update = events(letters_app, letter_case, "letter.update")[0]
    for name in ("letter_lang", "addressee", "applicant_name", "humanitarian_grounds"):
        assert f'"{name}"' in update.changes
    assert "Muhabbat" not in update.changes
    assert RELATIVE not in update.changes
    preview = client.get(f"/letters/{letter_id}/preview").get_data(as_text=True)
    assert "Gʻulomova Muhabbat" in preview
    assert "Onasi kasal." in preview
    assert "Oʻzbekiston Respublikasining Rossiya Federatsiyasidagi elchixonasi" in preview
