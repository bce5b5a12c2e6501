"""The main journey in Chromium: an advocate opens a case and prepares a letter, a supervisor
approves it, the PDF carries the person's name, and the interface switches to Russian.

The steps run in order and share the case; after a failed step the rest are skipped. Every main
page is photographed into tests/e2e_artifacts/ and checked with axe-core on the way
(`snapshot`); the last test asserts that no page had a serious or critical violation.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from .conftest import AXE, Actor, Audit, missing_axe, pdf_text

pytestmark = pytest.mark.journey

#: The fictional person of the journey (Cyrillic as in a Russian judgment, Latin as in a passport).
NAME_CYRILLIC = "Эргашев Жасур Бахтиёрович"
NAME_LATIN = "Ergashev Jasur Baxtiyor oʻgʻli"
STATE: dict[str, Any] = {}
#: Serious violations in other engineers' templates, reported with the fix: (axe rule, part of
#: the node's CSS target) -> the fix.
KNOWN_VIOLATIONS: dict[tuple[str, str], str] = {}


def _iso(days_ago: int) -> str:
    return (date.today() - timedelta(days=days_ago)).isoformat()


def _queue_count(page: Any) -> int:
    """The number on the review page's link to the approval queue."""
    link = page.locator("main a[href='/review/letters']").first.inner_text()
    match = re.search(r"\d+", link)
    assert match, link
    return int(match.group())


def _flash(page: Any) -> str:
    return page.inner_text(".flashes") if page.locator(".flashes").count() else ""


def test_supervisor_sets_up_second_factor_and_logs_in(supervisor: Actor, snapshot: Any) -> None:
    """Password, then the set-up page (key shown as text), a code, recovery codes, the home page."""
    supervisor.log_in_with_password()
    page = supervisor.page
    assert "/login/enrol" in page.url
    snapshot(page, "two_factor_enrol")
    supervisor.finish_second_factor()
    assert supervisor.username in page.inner_text("header")
    snapshot(page, "home_supervisor")


def test_advocate_logs_in_with_a_code(advocate: Actor, snapshot: Any) -> None:
    """Password, then the six-digit code from the authenticator app."""
    advocate.log_in_with_password()
    page = advocate.page
    assert "/login/code" in page.url
    snapshot(page, "two_factor_code")
    advocate.finish_second_factor()
    assert advocate.username in page.inner_text("header")
    snapshot(page, "home_advocate")


def test_advocate_opens_a_case(advocate: Actor, snapshot: Any) -> None:
    """The new-case form: custody, judgment and sentence; the case page shows the reference."""
    page = advocate.page
    advocate.goto("/cases/new")
    snapshot(page, "case_new")
    page.fill("#label", "e2e: drug charge, Tver colony")
    page.select_option("#sex", "male")
    page.fill("#birth_year", "1990")
    page.select_option("#custody_type", "colony")
    page.select_option("#regime", "general")
    page.fill("#facility_name", "ИК-1 УФСИН России по Тверской области")
    page.select_option("#region_ru", "tver_oblast")
    page.fill("#arrest_date", _iso(900))
    page.fill("#articles", "228 ч.2")
    page.fill("#court", "Заволжский районный суд г. Твери")
    page.fill("#judgment_date", _iso(700))
    page.fill("#judgment_final_date", _iso(680))
    page.fill("#sentence_years", "6")
    page.fill("#term_start", _iso(900))
    page.click("form button.primary")
    page.wait_for_url(re.compile(r"/cases/[A-Z]+-\d{4}-\d+$"))
    STATE["reference"] = page.url.rsplit("/", 1)[1]
    assert "opened" in _flash(page)
    assert STATE["reference"] in page.inner_text("h1")
    snapshot(page, "case_page")
    advocate.goto("/cases")
    assert STATE["reference"] in page.inner_text("main table")
    snapshot(page, "cases")


def test_advocate_adds_a_coercion_claim(advocate: Actor, snapshot: Any) -> None:
    """A claim of coercion (pressure to sign a military contract) appears in the case."""
    page = advocate.page
    advocate.goto(f"/cases/{STATE['reference']}/claims/new")
    snapshot(page, "claim_new")
    page.select_option("#type", "forced_contract")
    page.fill("#date_from", _iso(100))
    page.fill("#narrative", "Pressed to sign a contract with the Ministry of Defence.")
    page.click("form button.primary")
    page.wait_for_url(re.compile(re.escape(STATE["reference"]) + r"(#.*)?$"))
    claims = page.inner_text("#claims")
    assert "(1)" in claims
    assert "Pressed to sign a contract" in claims


def test_advocate_records_identity(advocate: Actor, snapshot: Any) -> None:
    """The vault: names and birth date, shown again only behind "show"."""
    page = advocate.page
    advocate.goto(f"/cases/{STATE['reference']}/identity/edit")
    page.fill("#full_name_cyrillic", NAME_CYRILLIC)
    page.fill("#full_name_latin", NAME_LATIN)
    page.fill("#birth_date", "1990-05-14")
    page.fill("#birth_place", "Fargʻona")
    snapshot(page, "identity_edit")
    page.click("form button.primary")
    page.wait_for_load_state()
    assert NAME_CYRILLIC not in page.content()  # not shown until asked for
    snapshot(page, "identity_page")


def test_advocate_records_consent_and_sees_readiness(advocate: Actor, snapshot: Any) -> None:
    """A consent with the return risk explained; the readiness panel lists its conditions."""
    page = advocate.page
    advocate.goto(f"/cases/{STATE['reference']}/transfer")
    form = page.locator("form[action$='/transfer/consents']")
    form.locator("select[name=kind]").select_option("transfer")
    form.locator("input[name=given_on]").fill(_iso(10))
    form.locator("select[name=language]").select_option("uz")
    form.locator("select[name=form]").select_option("written")
    form.locator("input[name=return_risk_explained]").check()
    form.locator("button.primary").click()
    page.wait_for_load_state()
    ledger = page.inner_text("#consent")
    assert _iso(10) in ledger
    readiness = page.inner_text("#transfer-readiness")
    assert "Transfer readiness" in readiness
    assert "Term ends" in readiness
    snapshot(page, "transfer_page")


def test_advocate_prepares_and_submits_a_letter(advocate: Actor, snapshot: Any) -> None:
    """Choose the consent statement in Russian, save the draft, nothing missing, submit."""
    page = advocate.page
    advocate.goto(f"/cases/{STATE['reference']}/letters/new")
    snapshot(page, "letter_choose")
    page.check("#type-consent_statement")
    page.select_option("#lang", "ru")
    page.click("main form button.primary")
    page.wait_for_load_state()
    snapshot(page, "letter_form")
    page.click("main form button.primary")
    page.wait_for_url(re.compile(r"/letters/\d+$"))
    STATE["letter"] = page.url
    snapshot(page, "letter_draft")
    page.click("form[action$='/submit'] button")
    page.wait_for_load_state()
    assert "Submitted for review" in _flash(page)


def test_supervisor_sees_the_letter_on_the_review_page(supervisor: Actor, snapshot: Any) -> None:
    """The review page counts one letter awaiting approval; the queue names the case."""
    page = supervisor.page
    supervisor.goto("/review")
    assert _queue_count(page) == 1
    snapshot(page, "review")
    supervisor.goto("/review/letters")
    assert STATE["reference"] in page.inner_text("main")
    snapshot(page, "review_letters")


def test_supervisor_approves_and_downloads_the_pdf(supervisor: Actor, snapshot: Any) -> None:
    """Approval numbers the letter; the stored PDF names the person in Cyrillic."""
    page = supervisor.page
    page.goto(STATE["letter"])
    page.click("form[action$='/approve'] button")
    page.wait_for_load_state()
    assert "approved" in _flash(page).lower()
    assert page.inner_text("#letter-number").strip()
    snapshot(page, "letter_approved")
    with page.expect_download() as download_info:
        page.click("a[href$='/pdf']")
    download = download_info.value
    data = Path(download.path()).read_bytes()
    assert data.startswith(b"%PDF")
    text = pdf_text(data)
    assert "Эргашев" in text
    assert "Жасур" in text
    supervisor.goto(f"/cases/{STATE['reference']}/letters")
    snapshot(page, "letters_of_case")
    supervisor.goto("/review")
    assert _queue_count(page) == 0


def test_supervisor_pages(supervisor: Actor, snapshot: Any) -> None:
    """The event log shows the approval; the assignment page and the account page open."""
    page = supervisor.page
    supervisor.goto("/audit")
    assert "letter.approve" in page.inner_text("main") or "approved" in page.inner_text("main")
    snapshot(page, "audit")
    supervisor.goto(f"/cases/{STATE['reference']}/assign")
    snapshot(page, "assign")
    supervisor.goto("/account")
    snapshot(page, "account")


def test_interface_switches_to_russian(advocate: Actor, snapshot: Any) -> None:
    """The language switch in the header: the page comes back in Russian."""
    page = advocate.page
    advocate.goto(f"/cases/{STATE['reference']}")
    page.select_option("#lang-select", "ru")
    page.click("form.lang button")
    page.wait_for_load_state()
    assert page.get_attribute("html", "lang") == "ru"
    assert "Выйти" in page.inner_text("header") or "Дела" in page.inner_text("header")
    snapshot(page, "case_page_ru")
    advocate.goto("/cases")
    snapshot(page, "cases_ru")


def test_calculator_page(advocate: Actor, snapshot: Any) -> None:
    """The term calculator computes a term end (the interface is in Russian now)."""
    page = advocate.page
    advocate.goto("/procedures/calculator")
    page.fill("#start", "2020-03-01")
    page.fill("#years", "6")
    page.click("main form button.primary")
    page.wait_for_load_state()
    assert re.fullmatch(r"2026-0[23]-\d\d", page.inner_text("#term_end").strip())
    snapshot(page, "calculator")


def _known(violation: dict[str, Any]) -> str | None:
    """The reported fix of a known violation, if every node of it is known."""
    for (rule, target), fix in KNOWN_VIOLATIONS.items():
        if violation["id"] == rule and all(
                target in " ".join(map(str, node["target"])) for node in violation["nodes"]):
            return fix
    return None


def test_no_serious_accessibility_violations(browser: Any, axe_audit: Audit) -> None:
    """axe-core found no serious or critical violation on any page of the journey.

    Violations in templates this suite does not own, already reported with their fix, make
    the test an expected failure (naming them) until the template is fixed; any other fails.
    """
    if not AXE.exists():
        missing_axe()
    assert axe_audit.pages, "no page of the journey was checked"
    found = axe_audit.serious()
    details, known = [], set()
    for page, violations in found.items():
        for v in violations:
            fix = _known(v)
            if fix:
                known.add(f"{v['id']}: {fix}")
            else:
                details.append(f"{page}: {v['id']} ({v['impact']}) {v['help']} — "
                               f"{[n['target'] for n in v['nodes']]}")
    assert not details, "\n".join(details)
    if known:
        pytest.xfail("known, reported to the template's owner: " + "; ".join(sorted(known)))
