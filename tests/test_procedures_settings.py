"""Legal bases and addressees: administrators only; confirmations keep who and when, and audit.

Also: the route files are validated at start-up (a malformed one stops the app naming the file,
the key and the problem), and an unverified basis carries its warning on the readiness panel.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from sqlalchemy import select

from advocate.audit.models import AuditEvent
from advocate.extensions import db
from advocate.procedures.definitions import ROUTES_DIR, ProcedureDefinitionError

from .conftest import PASSWORD
from .procedures_factories import make_case

PAGES = ["/admin/legal-bases", "/admin/addressees"]
BASIS_URL = "/admin/legal-bases/ru_uz/{}"


@pytest.mark.parametrize(("role", "is_admin", "expected"), [
    ("advocate", False, 403),
    ("supervisor", False, 403),
    ("advocate", True, 200),
    ("supervisor", True, 200),
])
def test_settings_pages_for_administrators_only(client, auth, role, is_admin, expected):
    auth.login_as(role, is_admin=is_admin)
    for page in PAGES:
        assert client.get(page).status_code == expected, page
    posted = [client.post(BASIS_URL.format("zru_1009"), data={"article": "1"}),
              client.post(BASIS_URL.format("zru_1009") + "/withdraw"),
              client.post("/admin/addressees/ru_uz/fsin", data={"recipient": "x"})]
    if expected == 403:
        assert [r.status_code for r in posted] == [403, 403, 403]


def test_settings_pages_need_login(client):
    for page in PAGES:
        response = client.get(page)
        assert response.status_code == 302
        assert "/login" in response.headers["Location"]


def _section(html: str, basis_id: str) -> str:
    start = html.index(f'id="basis-{basis_id}"')
    return html[start:html.index("</section>", start)]


def test_every_basis_is_listed_with_its_status(client, auth):
    auth.login_as("advocate", is_admin=True)
    html = client.get("/admin/legal-bases").get_data(as_text=True)
    for basis_id in ("zru_1009", "ru_cpc_469", "ru_cpc_470", "ru_cpc_471", "ru_cpc_472",
                     "ru_cc_72", "ets_112", "uz_cc_154", "uz_cc_154_1", "pp_434"):
        assert f'id="basis-{basis_id}"' in html
    assert "Unverified legal basis" in _section(html, "ru_cpc_472")
    assert "Unverified legal basis" not in _section(html, "ru_cpc_469")
    assert "article not known" in _section(html, "zru_1009")
    assert "Record confirmation" not in _section(html, "ru_cpc_469")  # verified with its article


def test_administrator_confirms_an_article_number(app, client, auth):
    admin = auth.login_as("supervisor", is_admin=True)
    response = client.post(BASIS_URL.format("zru_1009"), data={
        "zru_1009-article": "594", "zru_1009-note": "checked on lex.uz by our lawyer"})
    assert response.status_code == 400  # the form's prefix is route-basis
    response = client.post(BASIS_URL.format("zru_1009"), data={
        "ru_uz-zru_1009-article": "594",
        "ru_uz-zru_1009-note": "checked on lex.uz by our lawyer"})
    assert response.status_code == 302
    html = client.get("/admin/legal-bases").get_data(as_text=True)
    section = _section(html, "zru_1009")
    assert "confirmed by the organisation" in section
    assert admin.username in section
    assert "article 594" in section
    with app.app_context():
        from advocate.procedures import get_procedure
        from advocate.procedures.organisation import effective_bases

        bases = {b.id: b for b in effective_bases(get_procedure())}
        assert bases["zru_1009"].article == "594"
        assert bases["zru_1009"].status == "confirmed"
        assert bases["zru_1009"].confirmation.by == admin.username
        assert bases["zru_1009"].confirmation.at  # when
        assert bases["ru_cpc_472"].article is None  # unverified: never printed
        assert bases["ru_cpc_469"].article == "469"  # verified
        event = db.session.execute(select(AuditEvent).where(
            AuditEvent.action == "settings.change")).scalar_one()
        assert event.object_id == "procedures.ru_uz.basis.zru_1009"
        assert event.actor_id == admin.id
        assert event.changes_dict["procedures.ru_uz.basis.zru_1009"][1]["article"] == "594"
        assert event.reason == "checked on lex.uz by our lawyer"


def test_confirming_without_an_article_where_none_is_known_is_refused(client, auth):
    auth.login_as("advocate", is_admin=True)
    response = client.post(BASIS_URL.format("zru_1009"), data={"ru_uz-zru_1009-article": " "})
    assert response.status_code == 400
    assert "Supply the article number the lawyer confirmed." in response.get_data(as_text=True)


def test_confirming_an_unverified_article_then_withdrawing(app, client, auth):
    auth.login_as("advocate", is_admin=True)
    client.post(BASIS_URL.format("ru_cpc_472"), data={"ru_uz-ru_cpc_472-note": "read it"})
    with app.app_context():
        from advocate.procedures import get_procedure
        from advocate.procedures.organisation import effective_basis

        assert effective_basis(get_procedure(), "ru_cpc_472").article == "472"
    html = client.get("/admin/legal-bases").get_data(as_text=True)
    assert "Unverified legal basis" not in _section(html, "ru_cpc_472")
    assert client.post(BASIS_URL.format("ru_cpc_472") + "/withdraw").status_code == 302
    with app.app_context():
        view = effective_basis(get_procedure(), "ru_cpc_472")
        assert view.article is None
        assert view.status == "unverified"
        actions = db.session.execute(select(AuditEvent.object_id).where(
            AuditEvent.action == "settings.change")).scalars().all()
        assert actions == ["procedures.ru_uz.basis.ru_cpc_472"] * 2


def test_unknown_route_or_basis_is_404(client, auth):
    auth.login_as("advocate", is_admin=True)
    assert client.post("/admin/legal-bases/xx/zru_1009", data={}).status_code == 404
    assert client.post(BASIS_URL.format("nope"), data={}).status_code == 404
    assert client.post("/admin/addressees/ru_uz/nope", data={}).status_code == 404


def test_administrator_completes_an_addressee(app, client, auth):
    admin = auth.login_as("advocate", is_admin=True)
    html = client.get("/admin/addressees").get_data(as_text=True)
    assert "Federal Penitentiary Service (FSIN)" in html
    assert "to complete" in html
    response = client.post("/admin/addressees/ru_uz/fsin", data={
        "ru_uz-fsin-recipient": "Директору ФСИН России",
        "ru_uz-fsin-address": "ул. Житная, д. 14, Москва, 119049"})
    assert response.status_code == 302
    with app.app_context():
        from advocate.procedures import get_procedure
        from advocate.procedures.organisation import addressee_detail

        view = addressee_detail(get_procedure(), "fsin")
        assert view.complete
        assert view.recipient == "Директору ФСИН России"
        assert view.by == admin.username
        assert not addressee_detail(get_procedure(), "pgo_uz").complete
        event = db.session.execute(select(AuditEvent).where(
            AuditEvent.object_id == "procedures.ru_uz.addressee.fsin")).scalar_one()
        assert event.actor_id == admin.id


def _route_copy(tmp_path: Path) -> Path:
    folder = tmp_path / "routes"
    folder.mkdir()
    shutil.copy(ROUTES_DIR / "ru_uz.toml", folder / "ru_uz.toml")
    return folder / "ru_uz.toml"


def test_malformed_route_file_stops_the_app(make_app, tmp_path):
    route = _route_copy(tmp_path)
    route.write_text(route.read_text(encoding="utf-8").replace(
        "min_remaining_months = 6", 'min_remaining_months = "six"'), encoding="utf-8")
    with pytest.raises(ProcedureDefinitionError) as stopped:
        make_app(PROCEDURES_DIR=str(route.parent))
    message = str(stopped.value)
    assert str(route) in message
    assert "conditions.min_remaining_months" in message
    assert "must be a whole number" in message


def test_route_file_with_a_typo_in_a_key_stops_the_app(make_app, tmp_path):
    route = _route_copy(tmp_path)
    route.write_text(route.read_text(encoding="utf-8").replace(
        "follow_up_days = 30", "folow_up_days = 30"), encoding="utf-8")
    with pytest.raises(ProcedureDefinitionError, match=r"ru_uz\.toml: deadlines\."):
        make_app(PROCEDURES_DIR=str(route.parent))


def test_unverified_basis_warning_on_the_readiness_panel(make_app, make_user, tmp_path):
    """A condition resting on an unverified basis shows the warning on the case's panel."""
    route = _route_copy(tmp_path)
    route.write_text(route.read_text(encoding="utf-8").replace(
        'bases = ["ru_cpc_471", "ets_112"]', 'bases = ["ru_cpc_471", "ru_cpc_472"]'),
        encoding="utf-8")
    owner = make_user("advocate")  # (builds the default app first, on the same database)
    app = make_app(PROCEDURES_DIR=str(route.parent))
    case = make_case(app, owner)
    client = app.test_client()
    response = client.post("/login", data={"username": owner.username, "password": PASSWORD})
    assert response.status_code == 302
    html = client.get(f"/cases/{case.reference}/transfer").get_data(as_text=True)
    start = html.index('id="condition-dual_criminality"')
    row = html[start:html.index("</tr>", start)]
    assert "Unverified legal basis" in row
    start = html.index('id="condition-citizenship"')
    assert "Unverified legal basis" not in html[start:html.index("</tr>", start)]
