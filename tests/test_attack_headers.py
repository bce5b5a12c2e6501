"""Headers, cookies and downloads on every page of the access-matrix world; session fixation.

Every GET route is fetched by every role (as in `test_access_matrix`, with a scanned reply
uploaded so that its download exists too). Each answer must carry the security headers; each HTML
page must hold no inline script, style element, style attribute or event handler (the CSP would
block them, so they must not exist); each download must be an attachment that is never cached.
"""

from __future__ import annotations

import io
import re
from typing import Any

import pytest

from advocate.clock import today
from advocate.config import DEFAULTS

from .conftest import PASSWORD, csrf_token_from
from .test_access_matrix import ROLES, _get_rules, _url
from .test_letters_support import client_for

pytest_plugins = ["tests.test_letters_support", "tests.test_access_matrix"]

HSTS = "max-age=31536000; includeSubDomains"
#: What the pages may never contain: inline script, style element or attribute, event handler.
INLINE = {
    "inline script": re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I),
    "style element": re.compile(r"<style\b", re.I),
    "style attribute": re.compile(r"<[a-z][^>]*\sstyle\s*=", re.I),
    "event handler": re.compile(r"<[a-z][^>]*\son[a-z]+\s*=", re.I),
    "javascript: URL": re.compile(r"""(?:href|src|action)\s*=\s*["']?\s*javascript:""", re.I),
}
#: Routes that answer with a file to download.
DOWNLOADS = {"letters.pdf", "letters.reply", "cases.export_csv", "audit.export_csv",
             "review.export_csv", "review.report_pdf"}


def _upload_reply(app: Any, owner: Any, letter_id: int) -> None:
    """Record the approved letter as sent and answered, with a scanned reply (a PDF)."""
    client = client_for(app, owner)
    pdf = client.get(f"/letters/{letter_id}/pdf").get_data()
    day = today().isoformat()
    assert client.post(f"/letters/{letter_id}/sent",
                       data={"sent_on": day, "channel": "post"}).status_code == 302
    response = client.post(f"/letters/{letter_id}/answer", data={
        "answer_on": day, "outcome": "acknowledged", "note": "",
        "reply": (io.BytesIO(pdf), "reply.pdf")}, content_type="multipart/form-data")
    assert response.status_code == 302
    assert client.get(f"/letters/{letter_id}/reply").status_code == 200


def _walk(world: dict[str, Any], **client_options: Any) -> list[tuple[str, str, Any]]:
    """(endpoint, role, response) for every GET route and role; responses are closed."""
    app = world["app"]
    _upload_reply(app, world["users"]["owner"], world["values"]["letter_id"])
    clients = {"anonymous": app.test_client(**client_options)}
    for role, user in world["users"].items():
        clients[role] = app.test_client(**client_options)
        response = clients[role].post("/login", data={"username": user.username,
                                                      "password": PASSWORD})
        assert response.status_code == 302
    seen = []
    for rule in _get_rules(app):
        url = _url(rule, world["values"], world["draft_id"])
        for role in ROLES:
            response = clients[role].get(url)
            response.get_data()
            response.close()  # a streamed export keeps its context pushed until closed
            seen.append((rule.endpoint, role, response))
    return seen


def _header_problems(endpoint: str, response: Any) -> list[str]:
    headers = response.headers
    csp = headers.get("Content-Security-Policy", "")
    checks = {
        "CSP": ("default-src 'self'" in csp and "script-src 'self'" in csp
                and "frame-ancestors 'none'" in csp and "unsafe-inline" not in csp
                and "unsafe-eval" not in csp),
        "Referrer-Policy": headers.get("Referrer-Policy") == "no-referrer",
        "nosniff": headers.get("X-Content-Type-Options") == "nosniff",
        "HSTS": headers.get("Strict-Transport-Security") == HSTS,
        "Cache-Control": endpoint == "static" or headers.get("Cache-Control") == "no-store",
    }
    return [name for name, ok in checks.items() if not ok]


def _inline_problems(response: Any) -> list[str]:
    if response.mimetype != "text/html":
        return []
    body = response.get_data(as_text=True)
    return [f"{what}: {match.group(0)[:80]}" for what, pattern in INLINE.items()
            if (match := pattern.search(body))]


def _download_problems(endpoint: str, response: Any) -> list[str]:
    disposition = response.headers.get("Content-Disposition", "")
    problems = []
    if not disposition.startswith("attachment"):
        problems.append(f"Content-Disposition {disposition!r}")
    if response.headers.get("Cache-Control") != "no-store":
        problems.append(f"Cache-Control {response.headers.get('Cache-Control')!r}")
    if response.mimetype == "text/html":
        problems.append("served as HTML")
    return problems


def _cookie_problems(response: Any) -> list[str]:
    problems = []
    for cookie in response.headers.getlist("Set-Cookie"):
        # Flask-Login deletes its (never set) remember cookie without flags: an empty, expired
        # value carries nothing.
        if re.match(r"remember_token=;.*Max-Age=0", cookie):
            continue
        flags = cookie.split("; ")
        problems += [f"{cookie[:30]} without {flag}" for flag in ("HttpOnly", "SameSite=Lax")
                     if flag not in flags]
    return problems


def test_every_answer_in_the_world(world):
    """Headers on every answer, no inline script or style in any page, downloads as
    attachments never cached, cookies HttpOnly and SameSite=Lax (Secure: see below)."""
    wrong: dict[str, list[Any]] = {"headers": [], "inline": [], "downloads": [], "cookies": []}
    pages, served, cookies = 0, set(), 0
    answers = _walk(world)
    for endpoint, role, response in answers:
        where = (endpoint, role, response.status_code)
        wrong["headers"] += [(*where, p) for p in _header_problems(endpoint, response)]
        wrong["inline"] += [(*where, p) for p in _inline_problems(response)]
        pages += response.mimetype == "text/html"
        is_file = endpoint in DOWNLOADS or "Content-Disposition" in response.headers
        if response.status_code == 200 and is_file and endpoint != "static":  # static: inline
            served.add(endpoint)
            wrong["downloads"] += [(*where, p) for p in _download_problems(endpoint, response)]
        cookies += len(response.headers.getlist("Set-Cookie"))
        wrong["cookies"] += [(*where, p) for p in _cookie_problems(response)]
    assert len(answers) >= 6 * 40
    assert pages >= 100
    assert cookies > 0
    assert served == DOWNLOADS
    assert wrong == {"headers": [], "inline": [], "downloads": [], "cookies": []}


def test_hsts_only_over_https(app, make_user):
    assert app.config["PREFERRED_URL_SCHEME"] == "https"
    user = make_user("advocate")
    for base_url, expected in (("https://localhost", HSTS), ("http://localhost", None)):
        client = app.test_client()
        for path in ("/login", "/healthz"):
            assert client.get(path, base_url=base_url).headers.get(
                "Strict-Transport-Security") == expected, (base_url, path)
        response = client.post("/login", base_url=base_url,
                               data={"username": user.username, "password": PASSWORD})
        assert response.headers.get("Strict-Transport-Security") == expected, base_url
    assert app.test_client().get("/login").headers.get("Strict-Transport-Security") == HSTS


def test_session_cookie_is_secure_http_only_and_lax_by_default(make_app, make_user):
    assert DEFAULTS["SESSION_COOKIE_SECURE"] is True
    assert DEFAULTS["SESSION_COOKIE_HTTPONLY"] is True
    assert DEFAULTS["SESSION_COOKIE_SAMESITE"] == "Lax"
    app = make_app(SESSION_COOKIE_SECURE=True)
    user = make_user("advocate")
    response = app.test_client().post("/login", data={"username": user.username,
                                                      "password": PASSWORD})
    assert response.status_code == 302
    cookie = response.headers["Set-Cookie"]
    assert cookie.startswith("advocate_session=")
    for flag in ("Secure", "HttpOnly", "SameSite=Lax"):
        assert flag in cookie.split("; "), cookie


# --- Session fixation -------------------------------------------------------------------------


@pytest.fixture
def csrf_app(make_app):
    """CSRF tokens on, so an anonymous visit already gets a session cookie."""
    return make_app(WTF_CSRF_ENABLED=True)


def _decode(app: Any, value: str) -> dict[str, Any]:
    return dict(app.session_interface.get_signing_serializer(app).loads(value))


def test_a_planted_pre_login_cookie_never_becomes_a_logged_in_session(csrf_app, make_user):
    victim = make_user("supervisor")
    attacker = csrf_app.test_client()
    attacker_token = csrf_token_from(attacker.get("/login").get_data(as_text=True))
    planted = attacker.get_cookie("advocate_session").value
    assert "sid" not in _decode(csrf_app, planted)

    browser = csrf_app.test_client()
    browser.set_cookie("advocate_session", planted)  # e.g. through a subdomain or a kiosk
    token = csrf_token_from(browser.get("/login").get_data(as_text=True))
    response = browser.post("/login", data={"username": victim.username, "password": PASSWORD,
                                            "csrf_token": token})
    assert response.status_code == 302
    after = browser.get_cookie("advocate_session").value
    assert after != planted
    session = _decode(csrf_app, after)
    assert "sid" in session
    assert session.get("csrf_token") != _decode(csrf_app, planted).get("csrf_token")

    # The attacker's copy of the planted cookie is still nobody's session ...
    assert attacker.get("/").status_code == 302
    assert attacker.get("/review").headers["Location"].startswith("/login")
    # ... and the form token the attacker saw does not work in the victim's session.
    refused = browser.post("/logout", data={"csrf_token": attacker_token})
    assert refused.status_code == 400
    assert browser.get("/review").status_code == 200


def test_a_session_cannot_be_moved_to_another_user(app, make_user):
    """Even with the signing key, a session identifier only ever logs in the user it was
    issued to: the server-side record decides, not the cookie's user id."""
    advocate, supervisor = make_user("advocate"), make_user("supervisor")
    client = client_for(app, advocate)
    session = _decode(app, client.get_cookie("advocate_session").value)
    session["_user_id"] = str(supervisor.id)
    forged = app.session_interface.get_signing_serializer(app).dumps(session)
    thief = app.test_client()
    thief.set_cookie("advocate_session", forged)
    assert thief.get("/review").status_code == 302
    assert client.get("/").status_code == 200  # the real session is unharmed
