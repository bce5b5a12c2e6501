"""Hostile input into every main form: never a 500; saved exactly as typed, or refused with a
message; shown HTML-escaped.

Each form is a Target: where it posts, whose form it is, its fields and how each is stored, and
how to read the stored values back. Hypothesis puts hostile values into one to three fields at a
time (the rest of the form as a browser would send it); `test_every_field_at_once` puts a fixed
hostile value into every field of every form. The normalisation rules are in `hostile_support`.
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from advocate.auth.models import User
from advocate.auth.passwords import verify_password
from advocate.extensions import db
from advocate.identity import operations as identity_ops
from advocate.identity.vault import ContactData

from . import hostile_support as hs
from .attack_support import form_for
from .cases_support import make_case
from .conftest import PASSWORD
from .hostile_forms import REVEAL, STRONG, TARGETS, Clients, Ctx, Target
from .test_letters_support import (
    client_for,
    complete_case,
    draft,
    get_case,
    save_organisation,
    user_row,
)

pytest_plugins = ["tests.test_letters_support"]

EXAMPLES = 20
SETTINGS = settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture,
                                           HealthCheck.too_slow])


@pytest.fixture
def ctx(letters_app, letter_people, make_user) -> Ctx:
    """Case H (no identity), case I (identity and contact), case L (identity, a draft letter)."""
    app = letters_app
    owner = letter_people["owner"]
    save_organisation(app, letter_people["admin"])
    h = make_case(app, owner, status="verifying_identity", label="base",
                  claims=[{"type": "beating"}])
    i, letter_case = complete_case(app, letter_people), complete_case(app, letter_people)
    with app.app_context():
        contact, _ = identity_ops.save_contact(get_case(i), ContactData(name="Sister"),
                                               user_row(owner))
        db.session.commit()
        ids = {"h": h, "i": i, "l": letter_case, "contact": contact.id,
               "h_id": get_case(h).id, "i_id": get_case(i).id,
               "claim": get_case(h).claims[0].id}
    ids["letter"] = draft(app, letter_case, owner)
    people = {"owner": owner, "supervisor": letter_people["supervisor"],
              "admin": letter_people["admin"], "pw": make_user("advocate")}
    return Ctx(app, Clients(app, people), {**ids, "people": people})


def _base(c: Ctx, target: Target) -> tuple[str, dict[str, Any], dict[str, list[str]]]:
    """The form's action, the data a browser would send, and the options of its choices."""
    page = target.page(c)
    action = (target.action or target.page)(c)
    html = c.clients[target.role].get(page).get_data(as_text=True)
    form = form_for(html, action.split("?")[0], page.split("?")[0])
    return action, form.data(**target.defaults(c)), form.options


def _shown(c: Ctx, name: str, target: Target) -> str:
    if name in REVEAL:
        url = f"/cases/{c.ids['i']}/identity/reveal"
        return c.clients["owner"].post(url, data={"reason": ""}).get_data(as_text=True)
    body = c.clients[target.role].get(target.shown(c)).get_data(as_text=True)
    if name == "letter":
        preview = c.clients["owner"].get(f"/letters/{c.ids['letter']}/preview")
        hs.assert_no_markup(preview.get_data(as_text=True), "the letter preview")
    return body


def submit(c: Ctx, name: str, values: dict[str, str]) -> None:
    """Post the form with these values; check the outcome for each of them."""
    target = TARGETS[name]
    action, data, options = _base(c, target)
    before = c.read(target.read)
    response = c.clients[target.role].post(action, data={**data, **values},
                                           follow_redirects=True)
    body = response.get_data(as_text=True)
    hs.assert_no_markup(body, f"the answer to {name}")
    after = c.read(target.read)
    outcomes = {field_name: hs.judge(target.fields[field_name], value,
                                     options.get(field_name, []), before, after, field_name,
                                     body, response.status_code)
                for field_name, value in values.items()}
    if after != before and (target.shown is not None or name in REVEAL):
        page = _shown(c, name, target)
        hs.assert_no_markup(page, f"the page showing {name}")
        for field_name, outcome in outcomes.items():
            if target.fields[field_name].kind == "text":
                hs.assert_shown(page, outcome.stored, f"the page showing {name}")


def _run(c: Ctx, name: str) -> None:
    target = TARGETS[name]

    @SETTINGS
    @given(st.data())
    def example(data: st.DataObject) -> None:
        names = data.draw(st.lists(st.sampled_from(sorted(target.fields)), min_size=1,
                                   max_size=3, unique=True), label="fields")
        submit(c, name, {n: data.draw(target.fields[n].strategy(), label=n) for n in names})

    example()


@pytest.mark.parametrize("name", sorted(TARGETS))
def test_hostile_values_in_a_few_fields(ctx, name):
    _run(ctx, name)


def _sweep_value(spec: hs.Field, field_name: str) -> str:
    if spec.kind in ("text", "username"):
        return hs.SWEEP["short" if field_name == "initials" else "text"]
    return hs.SWEEP.get(spec.kind, hs.SWEEP["choice"])


def test_every_field_at_once(ctx):
    """Every text field of every form holds markup and SQL at once: all saved, all escaped; then
    every other field holds garbage at once: refused with a message, nothing stored."""
    for name, target in TARGETS.items():
        texts = {f: _sweep_value(s, f) for f, s in target.fields.items() if s.kind == "text"}
        if texts:
            before = ctx.read(target.read)
            submit(ctx, name, texts)
            assert ctx.read(target.read) != before, f"{name}: the hostile text was not saved"
        others = {f: _sweep_value(s, f) for f, s in target.fields.items()
                  if s.kind in ("date", "int", "choice")}
        if others:
            before = ctx.read(target.read)
            submit(ctx, name, others)
            assert ctx.read(target.read) == before, f"{name}: garbage was saved"


# --- Forms sent by GET, the login form and the password form ----------------------------------

CALCULATOR = {"start": hs.DATE, "on": hs.DATE, "judgment_final": hs.DATE, "years": hs.INT,
              "months": hs.INT, "days": hs.INT, "pretrial_days": hs.INT,
              "house_arrest_days": hs.INT, "regime": hs.CHOICE, "route": hs.CHOICE,
              "articles": hs.TEXT}
CALCULATOR_BASE = {"route": "ru_uz", "start": "2023-05-30", "years": "7", "regime": "general",
                   "articles": "228 ч.2", "pretrial_days": "442"}


def test_calculator(ctx):
    client = ctx.clients["owner"]
    assert 'id="term_end"' in client.get("/procedures/calculator",
                                         query_string=CALCULATOR_BASE).get_data(as_text=True)

    @SETTINGS
    @given(st.sampled_from(sorted(CALCULATOR)), st.data())
    def example(name: str, data: st.DataObject) -> None:
        value = data.draw(CALCULATOR[name].strategy(), label="value")
        response = client.get("/procedures/calculator",
                              query_string={**CALCULATOR_BASE, name: value})
        body = response.get_data(as_text=True)
        hs.assert_no_markup(body, "the calculator")
        assert response.status_code in (200, 400), (name, value)
        assert (response.status_code == 200) == ('id="term_end"' in body), (name, value)
        if response.status_code == 400:
            assert hs.shows_error(body), (name, value)
        typed = CALCULATOR[name].expected(value, [])
        if name == "articles" and typed is not hs.INVALID:
            hs.assert_shown(body, typed, "the calculator's articles field")

    example()


SEARCHES = {
    "/cases": ("q", "status", "custody_type", "region_ru", "region_uz", "military", "owner",
               "has_claims", "sort", "page"),
    "/audit": ("user", "case", "action", "start", "end", "page"),
    "/review": ("owner", "region_ru", "from", "to"),
    "/review/attention/overdue": ("owner", "region_ru", "page", "mine"),
}


def test_search_and_filter_forms(ctx):
    """The case list's search and filters, the event log's and the review's filters."""
    client = ctx.clients["supervisor"]

    @SETTINGS
    @given(st.sampled_from([(p, k) for p, keys in SEARCHES.items() for k in keys]),
           hs.hostile_text())
    def example(where: tuple[str, str], value: str) -> None:
        path, key = where
        # Known failures, asserted on their own below: NUL bytes and page numbers past 2**63.
        value = value.replace("\x00", "")
        assume(key != "page" or hs.as_int(value) in (None, hs.INVALID)
               or abs(hs.as_int(value)) < 2**62)
        response = client.get(path, query_string={key: value})
        body = response.get_data(as_text=True)
        assert response.status_code in (200, 400), (path, key, value)
        hs.assert_no_markup(body, path)
        if path == "/cases" and key == "q" and (typed := hs.as_text(value)) is not hs.INVALID:
            assert 'id="q"' not in body or str(hs.escape(typed.splitlines()[0] if typed
                                                          else "")) in body

    example()


def test_login_form_and_the_event_log(make_app, letters_key_file, letters_files_dir, make_user):
    """Login with hostile names and passwords; the event log that records them shows them
    escaped. (A NUL character is tried on its own: see test_nul_in_the_login_name.)"""
    app = make_app(IDENTITY_KEY_FILE=str(letters_key_file), FILES_DIR=str(letters_files_dir),
                   LOGIN_THROTTLE_ADDRESS_LIMIT=10_000)
    client = app.test_client()
    user = make_user("advocate")

    @SETTINGS
    @given(st.sampled_from(["username", "password"]), hs.hostile_text())
    def example(name: str, value: str) -> None:
        value = value.replace("\x00", "")
        data = {"username": user.username, "password": "wrong password", name: value}
        response = client.post("/login", data=data)
        body = response.get_data(as_text=True)
        hs.assert_no_markup(body, "the login page")
        assert response.status_code in (200, 429), (name, value)
        assert hs.shows_error(body), (name, value)

    example()
    for role, is_admin in (("supervisor", False), ("advocate", True)):
        viewer = client_for(app, make_user(role, is_admin=is_admin))
        for path in ("/audit", "/audit?action=login.failure"):
            response = viewer.get(path)
            assert response.status_code == 200, path
            hs.assert_no_markup(response.get_data(as_text=True), path)
        export = viewer.get("/audit/export.csv")  # plain text, never shown as a page
        export.close()  # a streamed answer keeps its context pushed until closed
        assert export.mimetype == "text/csv"
        assert export.headers["Content-Disposition"].startswith("attachment")


def test_nul_in_the_login_name(app, client, request):
    response = client.post("/login", data={"username": "a\x00b", "password": "x"})
    assert response.status_code == 400  # refused for every request that carries NUL


def test_nul_in_search_and_filters(app, client, auth, request):
    auth.login_as("supervisor")
    failed = []
    for path, keys in SEARCHES.items():
        for key in keys:
            response = client.get(path, query_string={key: "a\x00b"})
            if response.status_code not in (200, 400):
                failed.append((path, key, response.status_code))
    assert failed == []


def test_huge_page_numbers(client, auth):
    auth.login_as("supervisor")
    for path in ("/cases", "/audit", "/review/attention/overdue"):
        response = client.get(path, query_string={"page": "9" * 40})
        assert response.status_code in (200, 400, 404), path


def test_password_form(ctx):
    """A new password is stored exactly as typed (no stripping) or refused with a message."""
    client, user_id = ctx.clients["pw"], ctx.ids["people"]["pw"].id
    known = {"password": PASSWORD}

    def stored_hash(ids: dict[str, Any]) -> dict[str, Any]:
        return {"hash": db.session.get(User, user_id).password_hash}

    @settings(SETTINGS, max_examples=12)
    @given(st.sampled_from(["current_password", "new_password", "both"]), hs.hostile_text())
    def example(name: str, value: str) -> None:
        data = {"current_password": known["password"], "new_password": STRONG + "!",
                "confirm": STRONG + "!"}
        if name == "both":
            data.update(new_password=value, confirm=value)
        else:
            data[name] = value
        before = ctx.read(stored_hash)
        response = client.post("/account", data=data, follow_redirects=True)
        body = response.get_data(as_text=True)
        hs.assert_no_markup(body, "the account page")
        after = ctx.read(stored_hash)
        if after != before:
            assert verify_password(after["hash"], data["new_password"]), (name, value)
            known["password"] = data["new_password"]
        else:
            assert hs.shows_error(body), (name, value)

    example()
