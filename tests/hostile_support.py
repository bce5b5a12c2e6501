"""Hostile input for the forms (this module holds no tests): strategies, what a value must be
stored as, and the one check every submission passes.

The documented normalisation of typed text (`advocate.fields.StrippedStringField`): carriage
returns become newlines, surrounding whitespace is stripped, and text holding other ASCII control
characters is refused with a message. Dates are YYYY-MM-DD or DD.MM.YYYY, from 1900 on. Whatever
is stored must equal what was typed after that normalisation, and be shown HTML-escaped.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from hypothesis import strategies as st
from markupsafe import escape

#: Fixed hostile values: markup, SQL, mixed scripts and the Uzbek ʻ, direction and zero-width
#: marks, template syntax, impossible dates, numbers that are not numbers, control characters.
CANONICAL = (
    '<script>alert("x")</script>', "<img src=x onerror=alert(1)>", "<svg onload=alert(1)>",
    "'; DROP TABLE cases; --", '" OR 1=1 --', "Robert'); DELETE FROM users;--",
    "Gʻulomjon Тошкент oʻgʻli Ўзбекистон Qoʻqon", "ʻ", "\u202eevil\u202c", "a\u200bb",
    "{{ 7 * 7 }} {% raw %} ${7*7} %s %n", "../../etc/passwd", "😀 Ω ß ﷽",
    "0000-00-00", "2024-02-30", "99.99.9999", "31.12.1899", "1.1.2020", "٢٠٢٠-٠١-٠١",
    "-1", "1e309", "NaN", "9" * 40, "  padded  ", "", "line 1\r\nline 2\rline 3\n",
    "nul\x00byte", "bell\x07", "tab\there", "\x1b[31mred", "x" * 5000, "ʻЖ<" * 1200,
)
_MARKUP = ('<script>alert("x")</script>', "<img src=x onerror=alert(1)>")
#: Text that would be live markup in a page if some input reached it unescaped.
RAW_MARKERS = ("<script", "<img src=x", "<svg onload")

#: One value per kind for the sweep that puts hostile input into every field at once.
SWEEP = {
    "text": "<script>alert(1)</script>'; DROP TABLE x;--ʻЎ\r\n{{7*7}}",  # fits 64 characters
    "short": "<b>'ʻЎ\"&--</b>",  # fits the shortest field (initials: 16 characters)
    "date": "2024-02-30",
    "int": "1; DROP TABLE cases",
    "choice": "<script>alert(1)</script>",
}


def hostile_text() -> st.SearchStrategy[str]:
    """Fixed hostile values, arbitrary Unicode (control characters included), long runs."""
    scripts = st.sampled_from("abcЖжЎўҚқҒғҲҳʻ'\"<>&;-/\\ \t\n\r\x00\x0b\u00a0\u2028😀")
    return st.one_of(
        st.sampled_from(CANONICAL),
        st.text(max_size=60),
        st.text(scripts, max_size=80),
        st.builds(lambda s, n: s * n, st.sampled_from(["ab", "ʻЖ", "<i>", "'--"]),
                  st.integers(1, 3000)),
        st.builds(lambda a, b: a + b, st.sampled_from(_MARKUP), st.text(max_size=20)),
    )


def hostile_date() -> st.SearchStrategy[str]:
    """Dates in every spelling, possible and impossible, and hostile text."""
    days = st.dates(min_value=date(1, 1, 1), max_value=date(9999, 12, 31))
    return st.one_of(
        days.map(date.isoformat),
        days.map(lambda d: f"{d.day:02d}.{d.month:02d}.{d.year:04d}"),
        st.builds(lambda y, m, d: f"{y:04d}-{m:02d}-{d:02d}", st.integers(0, 9999),
                  st.integers(0, 99), st.integers(0, 99)),
        hostile_text(),
    )


def hostile_number() -> st.SearchStrategy[str]:
    """Numbers of every size and sign, spelled oddly, and hostile text."""
    return st.one_of(st.integers(-(10**30), 10**30).map(str), hostile_text())


#: The value a refused submission can never be stored as.
INVALID = object()
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
_ISO = re.compile(r"([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})", re.ASCII)
#: The documented rule for user names (stored stripped and lower-cased): 3-64 characters,
#: lower-case Latin letters, digits, dot, dash, underscore, starting with a letter or digit.
_USERNAME = re.compile(r"[a-z0-9][a-z0-9._-]{2,63}")
_DOTTED = re.compile(r"([0-9]{1,2})\.([0-9]{1,2})\.([0-9]{4})", re.ASCII)


def as_text(value: str, blank: Any = None) -> Any:
    """Typed text as stored: CR and CRLF as LF, stripped; INVALID with control characters."""
    text = value.replace("\r\n", "\n").replace("\r", "\n")
    if _CONTROL.search(text):
        return INVALID
    return text.strip() or blank


def as_date(value: str) -> Any:
    """A typed date as stored: None when blank, INVALID when it is no date from 1900 on."""
    text = value.strip()
    if not text:
        return None
    if match := _ISO.fullmatch(text):
        year, month, day = (int(g) for g in match.groups())
    elif match := _DOTTED.fullmatch(text):
        day, month, year = (int(g) for g in match.groups())
    else:
        return INVALID
    try:
        parsed = date(year, month, day)
    except ValueError:
        return INVALID
    return parsed if parsed.year >= 1900 else INVALID


def as_int(value: str) -> Any:
    """A typed whole number as stored (Python's int() reading), None when blank."""
    if not value.strip():
        return None
    try:
        return int(value)
    except ValueError:
        return INVALID


@dataclass(frozen=True)
class Field:
    """How a form field's value is stored; None: not compared (money, article lists, secrets)."""

    kind: str  # "text", "date", "int", "choice", "username" or "loose"
    blank: Any = None  # what a blank text is stored as

    def expected(self, value: str, options: list[str]) -> Any:
        """What this typed value must be stored as."""
        if self.kind == "text":
            return as_text(value, self.blank)
        if self.kind == "date":
            return as_date(value)
        if self.kind == "int":
            return as_int(value)
        if self.kind == "username":
            lowered = value.strip().lower()
            return lowered if _USERNAME.fullmatch(lowered) else INVALID
        if self.kind == "choice":
            return (value or self.blank) if value in options else INVALID
        return None

    def strategy(self) -> st.SearchStrategy[str]:
        """Hostile values for this kind of field."""
        if self.kind == "date":
            return hostile_date()
        if self.kind == "int":
            return hostile_number()
        return hostile_text()


TEXT, DATE, INT, CHOICE, LOOSE = (Field("text"), Field("date"), Field("int"), Field("choice"),
                                  Field("loose"))
VAULT_TEXT = Field("text", "")
USERNAME = Field("username")


def assert_no_markup(body: str, where: str) -> None:
    """No hostile markup reached the page unescaped."""
    lowered = body.lower()
    for marker in RAW_MARKERS:
        assert marker not in lowered, f"{marker!r} unescaped in {where}"


def assert_shown(body: str, stored: Any, where: str) -> None:
    """The stored text appears in the page, HTML-escaped, line by line."""
    if not isinstance(stored, str) or not stored:
        return
    for line in stored.splitlines():
        assert str(escape(line)) in body, f"{line[:80]!r} not shown escaped in {where}"


def shows_error(body: str) -> bool:
    """The page says what was wrong: an error summary, an error message, or the 400 page
    (any value with NUL is refused before the form is read)."""
    return ('class="error-summary"' in body or "flash-error" in body
            or 'class="error"' in body or "The request could not be understood" in body)


@dataclass
class Outcome:
    """What one hostile submission did, for the report of a failing example."""

    status: int
    saved: bool
    stored: Any
    expected: Any = field(default=None)


def judge(field_spec: Field, value: str, options: list[str], before: dict[str, Any],
          after: dict[str, Any], name: str, body: str, status: int) -> Outcome:
    """Saved exactly as typed (normalised), or refused with a message and nothing changed."""
    assert status < 500, f"{status} for {name}={value!r}"
    expected = field_spec.expected(value, options)
    saved = after != before
    if field_spec.kind == "loose":
        assert saved or shows_error(body) or status < 400, f"{name}={value!r}: {status}"
        return Outcome(status, saved, after.get(name))
    if saved:
        assert expected is not INVALID, f"{name}={value!r} was stored as {after.get(name)!r}"
        assert after.get(name) == expected, (
            f"{name}={value!r} stored as {after.get(name)!r}, expected {expected!r}")
    elif after.get(name) != expected:
        assert shows_error(body), f"{name}={value!r} neither saved nor refused with a message"
    return Outcome(status, saved, after.get(name), expected)


Reader = Callable[[], dict[str, Any]]
