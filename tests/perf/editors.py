"""The load test's editors: accounts and cases before the run, and the check of every edit after.

Each editor owns one case (only they edit its record and add notes to it) and collaborates on one
shared case that every editor adds notes to. After the run, the database must hold exactly what
the server acknowledged: each case's label is its editor's last acknowledged one, its version
moved on once per acknowledged edit, its notes are its editor's acknowledged notes (no other
editor's marker), and the shared case has every acknowledged note exactly once, in its search
text too.
"""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass, field

from flask import Flask
from sqlalchemy import select

from advocate.audit.models import AuditEvent
from advocate.auth import operations as auth_ops
from advocate.auth.models import User
from advocate.cases import demo, operations
from advocate.cases.models import Case
from advocate.cases.search import fold
from advocate.extensions import db

#: Every label and note the load test writes starts with this, so a check can find them all.
MARKER = "[load]"


@dataclass
class Editor:
    """One simulated user and what the server acknowledged for them."""

    username: str
    reference: str
    version: int
    labels: list[str] = field(default_factory=list)  # acknowledged label edits, in order
    notes: list[str] = field(default_factory=list)  # acknowledged notes on their own case
    shared_notes: list[str] = field(default_factory=list)  # acknowledged notes on the shared


def create(app: Flask, count: int, password: str, supervisor: str, seed: int = 7
           ) -> tuple[list[Editor], str]:
    """`count` advocates, each owning a new case, all collaborating on one shared case."""
    rng = random.Random(seed)
    editors: list[Editor] = []
    with app.test_request_context():
        boss = db.session.execute(select(User).where(User.username == supervisor)).scalar_one()
        users = []
        for number in range(1, count + 1):
            user = auth_ops.create_user(f"editor{number:02d}", "advocate", password)
            values = demo.fictional_values(rng, 900_000 + number)
            values["label"] = f"{MARKER} editor{number:02d} initial"
            case = operations.create_case(values, actor=user, owner=user)
            users.append(user)
            editors.append(Editor(user.username, case.reference, case.version))
        values = demo.fictional_values(rng, 999_999)
        values["label"] = f"{MARKER} shared case"
        shared = operations.create_case(values, actor=boss, owner=None)
        operations.assign(shared, owner=None, collaborators=users, actor=boss)
        reference = shared.reference
        db.session.commit()
    return editors, reference


def _notes(case_id: int) -> list[str]:
    return list(db.session.execute(
        select(AuditEvent.note).where(AuditEvent.case_id == case_id,
                                      AuditEvent.action == operations.NOTE_ACTION,
                                      AuditEvent.note.like(f"{MARKER}%"))
    ).scalars())


def _case(reference: str) -> Case:
    return db.session.execute(select(Case).where(Case.reference == reference)).scalar_one()


def _check_editor(editor: Editor) -> list[str]:
    problems = []
    case = _case(editor.reference)
    if editor.labels and case.label != editor.labels[-1]:
        problems.append(f"{editor.reference}: label {case.label!r}, expected the last "
                        f"acknowledged {editor.labels[-1]!r}")
    if case.version != editor.version + len(editor.labels):
        problems.append(f"{editor.reference}: version {case.version}, expected "
                        f"{editor.version} + {len(editor.labels)} acknowledged edits")
    stored = Counter(_notes(case.id))
    if stored != Counter(editor.notes):
        lost = sorted((Counter(editor.notes) - stored).elements())
        extra = sorted((stored - Counter(editor.notes)).elements())
        problems.append(f"{editor.reference}: notes lost {lost[:3]} ({len(lost)}), "
                        f"unexpected {extra[:3]} ({len(extra)})")
    return problems


def _check_shared(reference: str, editors: list[Editor]) -> list[str]:
    problems = []
    case = _case(reference)
    expected = Counter(n for e in editors for n in e.shared_notes)
    stored = Counter(_notes(case.id))
    if stored != expected:
        lost = sorted((expected - stored).elements())
        extra = sorted((stored - expected).elements())
        problems.append(f"shared {reference}: notes lost {lost[:3]} ({len(lost)}), "
                        f"unexpected {extra[:3]} ({len(extra)})")
    text = case.search_text or ""
    unsearchable = [n for n in expected if fold(n) not in text]
    if unsearchable:
        problems.append(f"shared {reference}: {len(unsearchable)} acknowledged notes missing "
                        f"from its search text, e.g. {unsearchable[:3]}")
    return problems


def verify(app: Flask, editors: list[Editor], shared: str) -> list[str]:
    """Every difference between what was acknowledged and what is stored (empty: all kept)."""
    problems: list[str] = []
    with app.app_context():
        for editor in editors:
            problems += _check_editor(editor)
        problems += _check_shared(shared, editors)
        db.session.remove()
    result = app.test_cli_runner().invoke(args=["audit", "verify"])
    if result.exit_code != 0:
        problems.append(f"audit verify: {result.output.strip()}")
    return problems
