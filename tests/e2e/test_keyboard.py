"""Keyboard-only use of the case form: Tab reaches the fields in order, typing fills them, the
focus is visible, and Enter submits."""

from __future__ import annotations

import re
from typing import Any

from .conftest import Actor

#: Every control a keyboard user tabs through, in the order the form shows them.
FOCUSABLE = ("input:not([type=hidden]):not([disabled]), select:not([disabled]), "
             "textarea:not([disabled]), button:not([disabled]), a[href]")


def _active(page: Any) -> dict[str, str]:
    return page.evaluate("""() => {
        const e = document.activeElement;
        const style = getComputedStyle(e);
        return {id: e.id || '', tag: e.tagName.toLowerCase(), name: e.getAttribute('name') || '',
                outline: style.outlineStyle, shadow: style.boxShadow};
    }""")


def _tab_to(page: Any, element_id: str, limit: int = 80) -> int:
    for presses in range(1, limit + 1):
        page.keyboard.press("Tab")
        if _active(page)["id"] == element_id:
            return presses
    raise AssertionError(f"#{element_id} not reached with {limit} presses of Tab")


def test_case_form_by_keyboard_only(advocate: Actor) -> None:
    """Tab from the top of the page to the label, type, Tab on in DOM order, Enter submits."""
    advocate.ensure_logged_in()
    page = advocate.page
    advocate.goto("/cases/new")
    page.locator("body").focus()
    _tab_to(page, "initials")
    page.keyboard.type("K.B.")
    first = _active(page)
    assert first["outline"] != "none" or first["shadow"] != "none", "no visible focus"

    form = page.locator("main form[method=post]")
    order = [c for c in form.locator(FOCUSABLE).evaluate_all("els => els.map(e => e.id)")
             if c]
    start = order.index("initials")
    for expected in order[start + 1:start + 6]:
        page.keyboard.press("Tab")
        got = _active(page)
        # A group of checkboxes is reached one box at a time, each with its own id.
        assert got["id"] == expected, (got, expected)
        assert got["outline"] != "none" or got["shadow"] != "none", f"no visible focus: {got}"

    page.locator("body").focus()
    _tab_to(page, "label")
    page.keyboard.type("keyboard only: theft, Moscow SIZO")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/cases/[A-Z]+-\d{4}-\d+$"))
    assert "keyboard only: theft, Moscow SIZO" in page.inner_text("h1")
    assert "K.B." in page.inner_text("main")
