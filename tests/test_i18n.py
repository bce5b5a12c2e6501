"""Three interface languages: choice, browser preference, and fully translated pages."""

from __future__ import annotations

import pytest

from advocate.i18n import SOURCE_DIR


def test_catalogs_exist_for_russian_and_uzbek():
    for lang in ("ru", "uz"):
        assert (SOURCE_DIR / lang / "LC_MESSAGES" / "messages.po").exists()


@pytest.mark.parametrize(("lang", "words"), [
    ("ru", ["Вход", "Имя пользователя", "Пароль"]),
    ("uz", ["Kirish", "Foydalanuvchi nomi", "Parol"]),
    ("en", ["Log in", "User name", "Password"]),
])
def test_login_page_follows_accept_language(client, lang, words):
    body = client.get("/login", headers={"Accept-Language": lang}).get_data(as_text=True)
    for word in words:
        assert word in body
    assert f'<html lang="{lang}">' in body


def test_switcher_sets_the_users_language(app, client, auth):
    user = auth.login_as("supervisor", is_admin=True)
    client.post("/language", data={"lang": "ru", "next": "/account"})
    body = client.get("/admin/users").get_data(as_text=True)
    assert "Учётные записи" in body
    client.post("/language", data={"lang": "uz", "next": "/"})
    body = client.get("/account").get_data(as_text=True)
    assert "Parolingizni oʻzgartiring" in body
    from advocate.auth.models import User
    from advocate.extensions import db

    with app.app_context():
        assert db.session.get(User, user.id).locale == "uz"


def test_switcher_before_login_uses_the_session(client):
    client.post("/language", data={"lang": "ru", "next": "/login"})
    assert "Вход" in client.get("/login", headers={"Accept-Language": "en"}).get_data(as_text=True)


def test_unknown_language_is_ignored(client):
    client.post("/language", data={"lang": "xx", "next": "/login"})
    assert "Log in" in client.get("/login").get_data(as_text=True)


@pytest.mark.parametrize("lang", ["ru", "uz"])
def test_no_untranslated_messages(lang):
    from babel.messages.pofile import read_po

    with (SOURCE_DIR / lang / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        catalog = read_po(handle)
    missing = [m.id for m in catalog if m.id and not m.string and not m.fuzzy]
    fuzzy = [m.id for m in catalog if m.id and m.fuzzy]
    assert missing == []
    assert fuzzy == []
