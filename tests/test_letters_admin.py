"""The organisation's letter settings page, /admin/letters."""

from __future__ import annotations

from advocate.admin import settings
from advocate.extensions import db
from advocate.letters import operations, register
from advocate.letters.context import SETTING_ORGANISATION
from advocate.letters.models import Letter

from .test_letters_support import client_for, submitted, user_row

#: The letters fixtures (letters_app, letter_people, letter_case).
pytest_plugins = ["tests.test_letters_support"]


def _form(number_format: str = "ПД-{seq:03}/{yy}") -> dict[str, str]:
    data = {"phone": "+7 000", "email": "office@example.org", "number_format": number_format}
    for lang in ("ru", "uz", "en"):
        data.update({f"{lang}_name": f"Org {lang}", f"{lang}_address": "",
                     f"{lang}_letterhead": "line one\nline two",
                     f"{lang}_signatory_name": f"Signatory {lang}",
                     f"{lang}_signatory_position": "Director"})
    return data


def test_only_administrators(letters_app, letter_people):
    for who in ("owner", "supervisor"):
        client = client_for(letters_app, letter_people[who])
        assert client.get("/admin/letters").status_code == 403
        assert client.post("/admin/letters", data=_form()).status_code == 403
    assert client_for(letters_app).get("/admin/letters").status_code == 302
    admin = client_for(letters_app, letter_people["admin"])
    page = admin.get("/admin/letters")
    assert page.status_code == 200
    assert "Outgoing number format" in page.get_data(as_text=True)


def test_save_and_use_the_number_format(letters_app, letter_people, letter_case):
    admin = client_for(letters_app, letter_people["admin"])
    response = admin.post("/admin/letters", data=_form())
    assert response.status_code == 302
    with letters_app.app_context():
        stored = settings.get(SETTING_ORGANISATION)
        assert stored["uz"]["name"] == "Org uz"
        assert stored["ru"]["letterhead"] == "line one\nline two"
        assert register.current_format() == "ПД-{seq:03}/{yy}"
    page = admin.get("/admin/letters").get_data(as_text=True)
    assert "Org en" in page
    letter_id = submitted(letters_app, letter_case, letter_people["owner"])
    with letters_app.app_context():
        letter = operations.approve(db.session.get(Letter, letter_id),
                                    actor=user_row(letter_people["supervisor"]))
        db.session.commit()
        assert letter.number.startswith("ПД-001/")


def test_invalid_format_is_refused_and_nothing_saved(letters_app, letter_people):
    admin = client_for(letters_app, letter_people["admin"])
    response = admin.post("/admin/letters", data=_form("{seq.__class__}"))
    assert response.status_code == 400
    assert "The format must contain {seq}" in response.get_data(as_text=True)
    with letters_app.app_context():
        assert settings.get(SETTING_ORGANISATION) is None
        assert register.current_format() == register.DEFAULT_FORMAT
