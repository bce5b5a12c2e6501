"""CSV import of cases: all or nothing, every problem reported by row and column.

Each row goes through the same operations as the case form (create, claims, assignment), inside
a savepoint, so the rules, text guards and audit trail are the form's. The caller commits only
when the report is clean and this is not a dry run; otherwise it rolls back, and nothing stays.

Identity columns (full names, passport numbers...) are not part of the case record. The identity
vault accepts them later by appending a `ColumnHandler` to `import_column_handlers`: it names its
columns, checks a row's cells, and stores them once the case exists. Columns nobody claims are
refused, so identifying data can never slip into the anonymised record by accident.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import func, select

from advocate import policy
from advocate.auth.models import User
from advocate.cases import operations, rules
from advocate.cases.csvio import (
    CASE_COLUMNS,
    CLAIM_COLUMN,
    CellError,
    Problem,
    decode,
    parse_cell,
    read_rows,
    split_list,
)
from advocate.cases.models import Case
from advocate.cases.record import CASE_FIELDS, CASE_SPECS, CLAIM_SPECS
from advocate.cases.workflow import Status
from advocate.extensions import db

IMPORT_REASON = "CSV import"


@dataclass(frozen=True)
class ColumnHandler:
    """Columns another feature accepts in the import (e.g. identity, kept in the vault)."""

    columns: frozenset[str]
    #: (row's cells by column) -> [(column, message)] for every problem.
    validate: Callable[[Mapping[str, str]], list[tuple[str, str]]]
    #: (new case, row's cells by column, actor) -> None; called inside the row's savepoint.
    apply: Callable[[Case, Mapping[str, str], Any], None]


#: Handlers for extra columns; the identity vault registers its identity columns here.
import_column_handlers: list[ColumnHandler] = []


@dataclass
class ImportReport:
    """What an import did or would do."""

    rows: int = 0
    created: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    dry_run: bool = False

    @property
    def ok(self) -> bool:
        """No problem at all: the caller may commit."""
        return not self.problems


@dataclass
class _Row:
    number: int
    cells: dict[str, str]
    values: dict[str, Any] = field(default_factory=dict)
    claims: dict[int, dict[str, Any]] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)

    def problem(self, column: str, message: str) -> None:
        self.problems.append(Problem(self.number, column, message))


def _handler_columns() -> dict[str, ColumnHandler]:
    return {c: h for h in import_column_handlers for c in h.columns}


def check_header(header: list[str]) -> list[Problem]:
    """Unknown, duplicate or missing columns, reported on row 1."""
    problems = []
    extra = _handler_columns()
    seen: set[str] = set()
    for column in header:
        if column in seen:
            problems.append(Problem(1, column, _("This column appears twice.")))
        seen.add(column)
        claim = CLAIM_COLUMN.fullmatch(column)
        known = column in CASE_COLUMNS or column in extra or (
            claim is not None and claim.group(2) in CLAIM_SPECS
        )
        if not known:
            problems.append(Problem(1, column, _("Unknown column (see docs/csv-format.md).")))
    if not header or not any(h for h in header):
        message = _("The file is empty: the first row must name the columns.")
        problems.append(Problem(1, "", message))
    return problems


def _parse_row(row: _Row) -> None:
    for column, text in row.cells.items():
        claim = CLAIM_COLUMN.fullmatch(column)
        spec = CASE_SPECS.get(column) if claim is None else CLAIM_SPECS.get(claim.group(2))
        if spec is None or column in ("owner", "collaborators"):
            continue
        try:
            value = parse_cell(spec, text)
        except CellError as exc:
            row.problem(column, str(exc))
            continue
        if claim is None:
            row.values[column] = value
        else:
            row.claims.setdefault(int(claim.group(1)), {})[claim.group(2)] = value
    row.claims = {n: c for n, c in sorted(row.claims.items()) if any(v for v in c.values())}
    for handler in import_column_handlers:
        if handler.columns & row.cells.keys():
            for column, message in handler.validate(row.cells):
                row.problem(column, message)


def _find_user(username: str) -> User | None:
    return db.session.execute(
        select(User).where(func.lower(User.username) == username.strip().lower())
    ).scalar_one_or_none()


def _people(row: _Row, default_owner: User | None) -> tuple[User | None, list[User]]:
    owner = default_owner
    name = row.cells.get("owner", "").strip()
    if name:
        owner = _find_user(name)
        if owner is None or not policy.can_list_cases(owner):
            row.problem("owner", _("No advocate or supervisor is named %(name)s.", name=name))
    helpers = []
    for name in split_list(row.cells.get("collaborators", "")):
        user = _find_user(name)
        if user is None or not policy.can_list_cases(user):
            row.problem("collaborators",
                        _("No advocate or supervisor is named %(name)s.", name=name))
        else:
            helpers.append(user)
    return owner, helpers


def _column_of(name: str, claim_number: int | None) -> str:
    return name if claim_number is None else f"claim{claim_number}_{name}"


def _write_row(row: _Row, owner: User | None, helpers: list[User], actor: Any) -> Case:
    status = row.values.pop("status", None)
    reason = row.values.pop("closing_reason", None)
    reference = (row.cells.get("reference") or "").strip() or None
    values = {k: v for k, v in row.values.items() if k in {s.name for s in CASE_FIELDS}}
    case = operations.create_case(
        values, actor=actor, owner=owner, reference=reference, status=status,
        closing_reason=reason, reason=IMPORT_REASON,
    )
    for number, claim in row.claims.items():
        try:
            operations.add_claim(case, claim, actor=actor)
        except operations.InvalidRecord as exc:
            raise _ClaimError(number, exc) from None
        except operations.TextRefused as exc:
            raise _ClaimError(number, exc) from None
    if helpers:
        operations.assign(case, owner=owner, collaborators=helpers, actor=actor)
    for handler in import_column_handlers:
        if handler.columns & row.cells.keys():
            handler.apply(case, row.cells, actor)
    return case


class _ClaimError(Exception):
    def __init__(self, number: int, error: Exception) -> None:
        super().__init__(str(error))
        self.number = number
        self.error = error


def _report_error(row: _Row, error: Exception, claim_number: int | None = None) -> None:
    if isinstance(error, _ClaimError):
        _report_error(row, error.error, error.number)
    elif isinstance(error, operations.InvalidRecord):
        for name, messages in error.errors.items():
            for message in messages:
                row.problem(_column_of(name, claim_number), message)
    elif isinstance(error, operations.TextRefused):
        row.problem(_column_of(error.field, claim_number), error.message)
    else:
        row.problem("", str(error))


def _check_rules(row: _Row) -> None:
    """The record rules over the cells that could be read, so one pass reports everything."""
    failed = {p.column for p in row.problems}
    values = {k: v for k, v in row.values.items() if k not in failed}
    for name, messages in rules.check_case(values).items():
        for message in messages:
            row.problem(name, message)
    for number, claim in row.claims.items():
        for name, messages in rules.check_claim(claim).items():
            if _column_of(name, number) not in failed:
                for message in messages:
                    row.problem(_column_of(name, number), message)
    if row.values.get("status") == Status.CLOSED and not row.values.get("closing_reason"):
        row.problem("closing_reason", _("A closed case needs a closing reason."))


def _import_row(row: _Row, default_owner: User | None, actor: Any) -> str | None:
    _parse_row(row)
    owner, helpers = _people(row, default_owner)
    if row.problems:
        _check_rules(row)
        return None
    savepoint = db.session.begin_nested()
    try:
        case = _write_row(row, owner, helpers, actor)
    except (operations.CaseError, _ClaimError) as exc:
        savepoint.rollback()
        _report_error(row, exc)
        return None
    savepoint.commit()
    return case.reference


def import_text(text: str, *, actor: Any, default_owner: User | None = None,
                dry_run: bool = False) -> ImportReport:
    """Import every row of a CSV text; the caller commits only if `report.ok and not dry_run`."""
    report = ImportReport(dry_run=dry_run)
    header, rows = read_rows(text)
    report.problems += check_header(header)
    if report.problems:
        return report
    for number, cells in rows:
        report.rows += 1
        row = _Row(number, {h: (cells[i] if i < len(cells) else "") for i, h in enumerate(header)})
        if len(cells) > len(header):
            row.problem("", _("This row has more cells than the header has columns."))
            report.problems += row.problems
            continue
        reference = _import_row(row, default_owner, actor)
        order = {column: index for index, column in enumerate(header)}
        report.problems += sorted(row.problems, key=lambda p: order.get(p.column, -1))
        if reference:
            report.created.append(reference)
    if report.rows == 0:
        report.problems.append(Problem(1, "", _("The file has no rows of cases.")))
    return report


def import_bytes(data: bytes, **kwargs: Any) -> ImportReport:
    """Import an uploaded file (UTF-8, with or without BOM)."""
    try:
        text = decode(data)
    except CellError as exc:
        dry_run = bool(kwargs.get("dry_run", False))
        return ImportReport(problems=[Problem(1, "", str(exc))], dry_run=dry_run)
    return import_text(text, **kwargs)
