"""End-to-end fixtures: a live server on loopback, Debian's Chromium driven by Playwright.

The server is the real application (CSRF, second factor, CSP, SQLite with the migrations)
in a werkzeug server thread on 127.0.0.1 with a temporary instance. Without /usr/bin/chromium
or the playwright package the tests are skipped, saying what is missing; in CI (CI=true) that
is a failure instead, since `.ci/run` installs both.

Logging in happens once per user and session (`Actor.ensure_logged_in`): a TOTP code is
accepted once, and a second login in the same 30 seconds would have to wait for a new one.
"""

from __future__ import annotations

import io
import json
import os
import shutil
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
ARTIFACTS = REPO / "tests" / "e2e_artifacts"
CHROMIUM = Path(os.environ.get("ADVOCATE_E2E_CHROMIUM", "/usr/bin/chromium"))
AXE = HERE / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
PASSWORD = "end-to-end passphrase 4711"
SUPERVISOR, ADVOCATE = "sofia", "adil"
TIMEOUT_MS = 10_000


def _missing_or_fail(what: str) -> None:
    """Skip (fail in CI) because `what` is not installed."""
    message = f"end-to-end tests need {what}"
    if os.environ.get("CI"):
        pytest.fail(f"{message} (required in CI: .ci/run installs it)")
    pytest.skip(message)


# --- Journey steps depend on each other: after a failed step the rest are skipped ----------


def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo) -> None:
    """Remember the first failed step of a module marked `journey`."""
    if call.excinfo is not None and call.when == "call" and item.get_closest_marker("journey"):
        item.module.__dict__.setdefault("_journey_failed", item.name)


def pytest_runtest_setup(item: pytest.Item) -> None:
    """Skip the later steps of a journey whose earlier step failed."""
    if item.get_closest_marker("journey"):
        failed = item.module.__dict__.get("_journey_failed")
        if failed:
            pytest.skip(f"an earlier step of the journey failed: {failed}")


def pytest_configure(config: pytest.Config) -> None:
    """The `journey` marker."""
    config.addinivalue_line("markers", "journey: ordered steps; later steps skip after a failure")


# --- The live server ----------------------------------------------------------------------


@dataclass
class Server:
    """The running application and what the tests need to know about it."""

    url: str
    app: Any
    instance: Path
    totp_secrets: dict[str, str] = field(default_factory=dict)


def _build_app(instance: Path) -> Any:
    from advocate import create_app

    saved = os.environ.get("ADVOCATE_INSTANCE_PATH")
    os.environ["ADVOCATE_INSTANCE_PATH"] = str(instance)
    try:
        return create_app({
            "SECRET_KEY": "end-to-end-tests-only-" + "x" * 20,
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{instance / 'advocate.db'}",
            "SESSION_COOKIE_SECURE": False,  # plain HTTP on loopback
            "TWO_FACTOR_ROLES": ["advocate", "supervisor", "admin"],
        })
    finally:
        if saved is None:
            os.environ.pop("ADVOCATE_INSTANCE_PATH", None)
        else:
            os.environ["ADVOCATE_INSTANCE_PATH"] = saved


def _prepare(app: Any) -> dict[str, str]:
    """Database, accounts; the advocate's second factor set up earlier (the supervisor's not)."""
    import pyotp
    from sqlalchemy import inspect

    from advocate.auth import operations, twofactor
    from advocate.extensions import db

    result = app.test_cli_runner().invoke(args=["init"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        if set(db.metadata.tables) - set(inspect(db.engine).get_table_names()):
            db.create_all()  # tables of features whose migration the lead has not generated yet
        operations.create_user(SUPERVISOR, "supervisor", PASSWORD)
        advocate = operations.create_user(ADVOCATE, "advocate", PASSWORD)
        secret = pyotp.random_base32()
        # Enrolled with the previous step's code, so the code the journey types is newer.
        twofactor.enrol(advocate, secret, pyotp.TOTP(secret).at(time.time() - 30))
        db.session.commit()
    return {ADVOCATE: secret}


@pytest.fixture(scope="session")
def server() -> Iterator[Server]:
    """The application served on 127.0.0.1 from a thread, with a fresh instance."""
    from werkzeug.serving import make_server

    root = Path(tempfile.mkdtemp(prefix="advocate-e2e-"))
    instance = root / "instance"
    instance.mkdir()
    app = _build_app(instance)
    secrets = _prepare(app)
    httpd = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=httpd.serve_forever, name="e2e-server", daemon=True)
    thread.start()
    try:
        yield Server(f"http://127.0.0.1:{httpd.server_port}", app, instance, secrets)
    finally:
        httpd.shutdown()
        thread.join(timeout=10)
        shutil.rmtree(root, ignore_errors=True)


# --- The browser ----------------------------------------------------------------------------


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """Debian's Chromium, headless, through Playwright (never Playwright's own download)."""
    if not CHROMIUM.exists():
        _missing_or_fail(f"Chromium at {CHROMIUM} (Debian: apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _missing_or_fail("the playwright package (pip install -e '.[test]')")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    manager = sync_playwright().start()
    try:
        launched = manager.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield launched
        launched.close()
    finally:
        manager.stop()


@dataclass
class Actor:
    """One user with their own browser context (cookies) and page."""

    username: str
    role: str
    server: Server
    page: Any
    logged_in: bool = False

    def url(self, path: str) -> str:
        """An absolute URL on the live server."""
        return self.server.url + path

    def goto(self, path: str) -> Any:
        """Open a page; it must answer 200."""
        response = self.page.goto(self.url(path))
        assert response is not None, path
        assert response.status == 200, (path, response.status)
        return response

    def log_in_with_password(self) -> None:
        """The first half of a login: name and password."""
        self.goto("/login")
        self.page.fill("#username", self.username)
        self.page.fill("#password", PASSWORD)
        self.page.click("main button[type=submit]")

    def finish_second_factor(self) -> None:
        """The second half: set the factor up (key read from the page) or type a code."""
        import pyotp

        page = self.page
        if "/login/enrol" in page.url:
            secret = page.inner_text("figcaption code").replace(" ", "")
            self.server.totp_secrets[self.username] = secret
            page.fill("#code", pyotp.TOTP(secret).now())
            page.click("main button[type=submit]")
            page.click("a.button.primary")  # "I have saved them — continue"
        else:
            assert "/login/code" in page.url, page.url
            page.fill("#code", pyotp.TOTP(self.server.totp_secrets[self.username]).now())
            page.click("main button[type=submit]")
        page.wait_for_load_state()
        assert "/login" not in page.url, page.url
        self.logged_in = True

    def ensure_logged_in(self) -> None:
        """Log in (password, then the second factor) unless already done this session."""
        if not self.logged_in:
            self.log_in_with_password()
            self.finish_second_factor()


def _actor(browser: Any, server: Server, username: str, role: str) -> Iterator[Actor]:
    context = browser.new_context(accept_downloads=True, locale="en-GB")
    context.set_default_timeout(TIMEOUT_MS)
    try:
        yield Actor(username, role, server, context.new_page())
    finally:
        context.close()


@pytest.fixture(scope="session")
def supervisor(browser: Any, server: Server) -> Iterator[Actor]:
    """The supervisor's browser (logs in on first use; sets up the second factor then)."""
    yield from _actor(browser, server, SUPERVISOR, "supervisor")


@pytest.fixture(scope="session")
def advocate(browser: Any, server: Server) -> Iterator[Actor]:
    """The advocate's browser (second factor already set up: logs in with a code)."""
    yield from _actor(browser, server, ADVOCATE, "advocate")


# --- Screenshots and axe-core -----------------------------------------------------------------


@dataclass
class Audit:
    """axe-core results of every page checked this session."""

    pages: dict[str, list[dict[str, Any]]] = field(default_factory=dict)

    def serious(self) -> dict[str, list[dict[str, Any]]]:
        """Serious and critical violations, by page."""
        found = {}
        for name, violations in self.pages.items():
            bad = [v for v in violations if v.get("impact") in ("serious", "critical")]
            if bad:
                found[name] = bad
        return found


@pytest.fixture(scope="session")
def axe_audit() -> Audit:
    """Where `snapshot` keeps the axe-core results."""
    return Audit()


def missing_axe() -> None:
    """Skip (fail in CI) because axe-core is not installed."""
    _missing_or_fail(f"axe-core at {AXE} (npm install --prefix tests/e2e --no-save axe-core@4)")


def run_axe(page: Any) -> list[dict[str, Any]]:
    """Inject axe-core into the page (through the debugging protocol: the CSP stays) and run it."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(AXE.read_text("utf-8") + "\n;undefined")
    return page.evaluate("""async () => {
        const result = await axe.run(document, {resultTypes: ['violations']});
        return result.violations.map(v => ({
            id: v.id, impact: v.impact, help: v.help,
            nodes: v.nodes.slice(0, 5).map(n => ({target: n.target, html: n.html.slice(0, 200),
                                                   summary: n.failureSummary}))}));
    }""")


@pytest.fixture(scope="session")
def snapshot(axe_audit: Audit) -> Any:
    """`snapshot(page, name)`: a full-page screenshot, and axe-core's findings kept by name."""

    def take(page: Any, name: str) -> None:
        page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
        if AXE.exists():
            violations = run_axe(page)
            axe_audit.pages[name] = violations
            (ARTIFACTS / f"{name}.axe.json").write_text(
                json.dumps(violations, indent=2, ensure_ascii=False), "utf-8")

    return take


def pdf_text(data: bytes) -> str:
    """The text of a PDF."""
    import pypdf

    return "\n".join(page.extract_text() or "" for page in pypdf.PdfReader(io.BytesIO(data)).pages)
