"""The outgoing register: the number format, and unique gap-free numbers under concurrency."""

from __future__ import annotations

import threading
import time
from datetime import date

import pytest
from sqlalchemy import select

from advocate.extensions import db
from advocate.identity.models import Identity
from advocate.letters import operations, register
from advocate.letters.models import Letter

from .test_letters_support import get_case, submitted, user_row

#: The letters fixtures (letters_app, letter_people, letter_case).
pytest_plugins = ["tests.test_letters_support"]

ON = date(2026, 3, 7)


@pytest.mark.parametrize(("fmt", "seq", "expected"), [
    ("{seq}/{year}", 7, "7/2026"),
    ("ПД-{seq:04}/{yy}", 42, "ПД-0042/26"),
    ("№ {seq}", 3, "№ 3"),
    ("{year}.{seq:03}", 5, "2026.005"),
])
def test_format_number(fmt, seq, expected):
    assert register.validate_format(fmt) == fmt
    assert register.format_number(fmt, seq, ON) == expected


@pytest.mark.parametrize("fmt", [
    "", "{year}", "{seq}{seq}", "{seq.__class__}", "{seq}/{month}", "{seq}<b>", "{0}{seq}",
    "x" * 41 + "{seq}",
])
def test_invalid_formats_are_refused(letters_app, fmt):
    with letters_app.app_context(), pytest.raises(register.InvalidFormat):
        register.validate_format(fmt)


def test_a_format_with_a_year_counts_per_year():
    assert register.scope("{seq}/{year}", ON) == "2026"
    assert register.scope("ПД-{seq}/{yy}", ON) == "2026"
    assert register.scope("№ {seq}", ON) == "all"


def _approve_all(app, letter_ids: list[int], reviewer) -> tuple[list[str], list[BaseException]]:
    """Approve every letter at once, one thread each; the errors that escaped."""
    errors: list[BaseException] = []
    start = threading.Barrier(len(letter_ids))

    def work(letter_id: int) -> None:
        try:
            with app.app_context():
                start.wait()
                operations.approve(db.session.get(Letter, letter_id), actor=user_row(reviewer))
                db.session.commit()
        except BaseException as exc:  # noqa: BLE001 — reported to the test below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(i,)) for i in letter_ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    with app.app_context():
        numbers = list(db.session.execute(
            select(Letter.number).where(Letter.id.in_(letter_ids))).scalars())
    return numbers, errors


def test_concurrent_approvals_get_unique_gap_free_numbers(letters_app, letter_people,
                                                          letter_case):
    letter_ids = [submitted(letters_app, letter_case, letter_people["owner"]) for _ in range(6)]
    numbers, errors = _approve_all(letters_app, letter_ids, letter_people["supervisor"])
    assert errors == []
    year = date.today().year
    assert sorted(numbers, key=lambda n: int(n.split("/")[0])) == \
        [f"{n}/{year}" for n in range(1, 7)]


def test_the_counter_row_lock_serialises_allocations(letters_app):
    """With no letters to collide with, only the row lock keeps the numbers apart."""
    results: list[str] = []
    errors: list[BaseException] = []
    start = threading.Barrier(8)

    def work() -> None:
        try:
            with letters_app.app_context():
                start.wait()
                number = register.allocate(ON)
                time.sleep(0.05)  # hold the transaction open while the others try
                db.session.commit()
                results.append(number)
        except BaseException as exc:  # noqa: BLE001 — reported to the test below
            errors.append(exc)

    threads = [threading.Thread(target=work) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert sorted(results, key=lambda n: int(n.split("/")[0])) == \
        [f"{n}/2026" for n in range(1, 9)]


def test_a_failed_approval_gives_its_number_back(letters_app, letter_people, letter_case):
    first = submitted(letters_app, letter_case, letter_people["owner"])
    second = submitted(letters_app, letter_case, letter_people["owner"])
    with letters_app.app_context():
        # The identity disappears after submission: the render fails after a number was taken.
        case = get_case(letter_case)
        identity = db.session.execute(
            select(Identity).where(Identity.case_id == case.id)).scalar_one()
        saved = {c: getattr(identity, c) for c in ("full_name_cyrillic", "birth_date")}
        identity.full_name_cyrillic = None
        db.session.commit()
        with pytest.raises(operations.MissingData):
            operations.approve(db.session.get(Letter, first),
                               actor=user_row(letter_people["supervisor"]))
        db.session.rollback()
        identity = db.session.execute(
            select(Identity).where(Identity.case_id == case.id)).scalar_one()
        identity.full_name_cyrillic = saved["full_name_cyrillic"]
        db.session.commit()
        operations.approve(db.session.get(Letter, second),
                           actor=user_row(letter_people["supervisor"]))
        db.session.commit()
        assert db.session.get(Letter, second).number == f"1/{date.today().year}"
        assert db.session.get(Letter, first).number is None
