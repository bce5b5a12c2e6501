"""The approval queue: letters in review with case, type, language and author; approve or return
from there, through the letters package's own operations."""

from __future__ import annotations

import re

from advocate.extensions import db
from advocate.letters.models import Letter
from advocate.letters.workflow import LetterStatus

from .test_letters_support import client_for, draft, submitted

pytest_plugins = ["tests.test_letters_support"]


def _letter(app, letter_id: int) -> Letter:
    with app.app_context():
        letter = db.session.get(Letter, letter_id)
        db.session.expunge(letter)
        return letter


def _row(page: str, letter_id: int) -> str:
    match = re.search(rf'<tr id="letter-{letter_id}">.*?</tr>', page, re.S)
    assert match, f"letter {letter_id} not in the queue"
    return match.group(0)


def test_queue_lists_letters_in_review_only(letters_app, letter_people, letter_case):
    waiting = submitted(letters_app, letter_case, letter_people["owner"])
    in_english = submitted(letters_app, letter_case, letter_people["owner"], lang="en")
    still_draft = draft(letters_app, letter_case, letter_people["owner"])
    page = client_for(letters_app, letter_people["supervisor"]).get("/review/letters")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Letters awaiting approval: <span class=\"count\">2</span>" in html
    row = _row(html, waiting)
    assert letter_case in row
    assert letter_people["owner"].username in row
    assert "<td>ru</td>" in row
    assert f'href="/letters/{waiting}"' in row
    assert "<td>en</td>" in _row(html, in_english)
    assert f'id="letter-{still_draft}"' not in html
    assert f'action="/review/letters/{waiting}/approve"' in row


def test_approve_from_the_queue(letters_app, letter_people, letter_case):
    letter_id = submitted(letters_app, letter_case, letter_people["owner"])
    client = client_for(letters_app, letter_people["supervisor"])
    response = client.post(f"/review/letters/{letter_id}/approve")
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/review/letters")
    letter = _letter(letters_app, letter_id)
    assert letter.status == LetterStatus.APPROVED
    assert letter.number
    assert letter.pdf_sha256
    assert letter.reviewer_id == letter_people["supervisor"].id
    page = client.get("/review/letters").get_data(as_text=True)
    assert "Letter approved and registered." in page
    assert f'id="letter-{letter_id}"' not in page
    # Approving again is refused by the letter's workflow, with a message, not an error page.
    again = client.post(f"/review/letters/{letter_id}/approve", follow_redirects=True)
    assert again.status_code == 200
    assert "not possible while the letter is" in again.get_data(
        as_text=True)


def test_return_from_the_queue_needs_a_comment(letters_app, letter_people, letter_case):
    letter_id = submitted(letters_app, letter_case, letter_people["owner"])
    client = client_for(letters_app, letter_people["supervisor"])
    empty = client.post(f"/review/letters/{letter_id}/return", data={"comment": "  "},
                        follow_redirects=True)
    assert "Say what the author should change." in empty.get_data(as_text=True)
    assert _letter(letters_app, letter_id).status == LetterStatus.IN_REVIEW
    client.post(f"/review/letters/{letter_id}/return",
                data={"comment": "Add the time served statement."})
    letter = _letter(letters_app, letter_id)
    assert letter.status == LetterStatus.RETURNED
    assert letter.review_comment == "Add the time served statement."


def test_a_supervisor_never_approves_their_own_letter(letters_app, letter_people, letter_case):
    letter_id = submitted(letters_app, letter_case, letter_people["owner"])
    with letters_app.app_context():
        # As if the supervisor had written it (the gate is the author, whoever that is).
        db.session.get(Letter, letter_id).author_id = letter_people["supervisor"].id
        db.session.commit()
    client = client_for(letters_app, letter_people["supervisor"])
    row = _row(client.get("/review/letters").get_data(as_text=True), letter_id)
    assert "another supervisor reviews it" in row
    assert "Approve" not in row
    assert client.post(f"/review/letters/{letter_id}/approve").status_code == 403
    assert client.post(f"/review/letters/{letter_id}/return",
                       data={"comment": "x"}).status_code == 403
    other = client_for(letters_app, letter_people["supervisor2"])
    other.post(f"/review/letters/{letter_id}/approve")
    assert _letter(letters_app, letter_id).status == LetterStatus.APPROVED


def test_queue_refused_to_others(letters_app, letter_people, letter_case):
    letter_id = submitted(letters_app, letter_case, letter_people["owner"])
    for who in ("owner", "other", "admin"):
        client = client_for(letters_app, letter_people[who])
        assert client.get("/review/letters").status_code == 403, who
        assert client.post(f"/review/letters/{letter_id}/approve").status_code in (403, 404), who
        assert client.post(f"/review/letters/{letter_id}/return",
                           data={"comment": "x"}).status_code in (403, 404), who
    assert _letter(letters_app, letter_id).status == LetterStatus.IN_REVIEW
    supervisor = client_for(letters_app, letter_people["supervisor"])
    assert supervisor.post("/review/letters/999999/approve").status_code == 404
