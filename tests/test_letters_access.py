"""Who may open which letter page: every letters route for every kind of user."""

from __future__ import annotations

import pytest

from .test_letters_support import approved, client_for, events, submitted

#: The letters fixtures (letters_app, letter_people, letter_case).
pytest_plugins = ["tests.test_letters_support"]

#: Expected status per user for GET pages: 200 allowed, 403 refused, 404 hidden.
GET_PAGES = {
    "/cases/{ref}/letters": {"owner": 200, "supervisor": 200, "other": 404, "admin": 404},
    "/cases/{ref}/letters/new": {"owner": 200, "supervisor": 403, "other": 404, "admin": 404},
    "/cases/{ref}/letters/new?type=application_ru&lang=uz": {
        "owner": 200, "supervisor": 403, "other": 404, "admin": 404},
    "/cases/{ref}/letters/new?type=nonsense&lang=de": {
        "owner": 200, "supervisor": 403, "other": 404, "admin": 404},
    "/cases/{ref}/letters/new?type=follow_up&lang=de": {
        "owner": 200, "supervisor": 403, "other": 404, "admin": 404},
    "/letters/{id}": {"owner": 200, "supervisor": 200, "other": 404, "admin": 404},
    "/letters/{id}/preview": {"owner": 200, "supervisor": 200, "other": 404, "admin": 404},
    "/letters/{id}/pdf": {"owner": 200, "supervisor": 200, "other": 404, "admin": 404},
    "/letters/{id}/edit": {"owner": 403, "supervisor": 403, "other": 404, "admin": 404},
    "/admin/letters": {"owner": 403, "supervisor": 403, "other": 403, "admin": 200},
}


@pytest.mark.parametrize("who", ["owner", "supervisor", "other", "admin"])
def test_get_pages(letters_app, letter_people, letter_case, who):
    letter_id = approved(letters_app, letter_case, letter_people["owner"],
                         letter_people["supervisor2"])
    client = client_for(letters_app, letter_people[who])
    for template, expected in GET_PAGES.items():
        url = template.format(ref=letter_case, id=letter_id)
        assert client.get(url).status_code == expected[who], (who, url)
    downloads = events(letters_app, letter_case, "letter.download")
    assert len(downloads) == (1 if GET_PAGES["/letters/{id}/pdf"][who] == 200 else 0)


def test_anonymous_users_go_to_the_login_page(letters_app, letter_people, letter_case):
    letter_id = submitted(letters_app, letter_case, letter_people["owner"])
    client = client_for(letters_app)
    for template in (*GET_PAGES, "/letters/{id}/approve"):
        url = template.format(ref=letter_case, id=letter_id)
        method = client.post if template.endswith("approve") else client.get
        response = method(url)
        assert response.status_code == 302, url
        assert "/login" in response.headers["Location"]


def test_review_steps_are_for_other_supervisors_only(letters_app, letter_people, letter_case):
    letter_id = submitted(letters_app, letter_case, letter_people["owner"])
    expected = {"owner": 403, "other": 404, "admin": 404}
    for who, code in expected.items():
        client = client_for(letters_app, letter_people[who])
        assert client.post(f"/letters/{letter_id}/approve").status_code == code
        assert client.post(f"/letters/{letter_id}/return",
                           data={"comment": "x"}).status_code == code
    queue = client_for(letters_app, letter_people["supervisor"]).get("/review/letters")
    assert f"/letters/{letter_id}" in queue.get_data(as_text=True)
    assert events(letters_app, letter_case, "letter.approve") == []
