"""The CSV format of cases (see docs/csv-format.md): columns, reading cells, writing rows.

One row per case. The columns are `reference, status, closing_reason, owner, collaborators`,
then every field of the record by its stored name, then the claims as numbered groups
`claim1_type, claim1_date_from, ..., claim2_type, ...`. Values are the stored codes; dates are
written YYYY-MM-DD and read as YYYY-MM-DD or DD.MM.YYYY; lists (languages, evidence,
collaborators) are separated by `|`.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from advocate.cases.models import Case
from advocate.cases.record import (
    BOOL,
    CASE_FIELD_NAMES,
    CASE_FIELDS,
    CHOICE,
    CHOICES,
    CLAIM_FIELD_NAMES,
    CLAIM_FIELDS,
    DATE,
    INT,
    MONEY,
    FieldSpec,
    split_codes,
)
from advocate.extensions import db
from advocate.fields import parse_flexible_date
from advocate.spreadsheet import read_cell, safe_cell

#: Columns before the record's fields.
HEAD_COLUMNS: tuple[str, ...] = ("reference", "status", "closing_reason", "owner", "collaborators")
CASE_COLUMNS: tuple[str, ...] = HEAD_COLUMNS + CASE_FIELD_NAMES
CLAIM_COLUMN = re.compile(r"claim([1-9][0-9]{0,2})_([a-z_]+)", re.ASCII)
LIST_SEPARATOR = "|"
_LIST_SPLIT = re.compile(r"[|,;\s]+")
_INTEGER = re.compile(r"[+-]?[0-9]+", re.ASCII)
_TRUE = {"yes", "true", "1", "да", "ha"}
_FALSE = {"no", "false", "0", "нет", "yo'q", "yoʻq", "yo‘q", "yo’q"}


class CellError(ValueError):
    """A cell that cannot be read; the message is for the report."""


def claim_columns(count: int) -> list[str]:
    """The column names of `count` claim groups."""
    return [f"claim{n}_{name}" for n in range(1, count + 1) for name in CLAIM_FIELD_NAMES]


def decode(data: bytes) -> str:
    """The text of an uploaded file: UTF-8 with or without BOM; CellError otherwise."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise CellError(
            _("The file is not UTF-8 text. Save it as “CSV UTF-8” and try again.")
        ) from None


def sniff_delimiter(text: str) -> str:
    """Comma or semicolon, whichever the header line uses more (Russian spreadsheets: `;`)."""
    header = text.split("\n", 1)[0]
    return ";" if header.count(";") > header.count(",") else ","


def read_rows(text: str) -> tuple[list[str], Iterator[tuple[int, list[str]]]]:
    """The header and (row number, cells) of every non-blank row; the header is row 1."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sniff_delimiter(text))
    header = [h.strip().lstrip("\ufeff").lower() for h in next(reader, [])]

    def rows() -> Iterator[tuple[int, list[str]]]:
        for number, cells in enumerate(reader, start=2):
            if any(c.strip() for c in cells):
                yield number, [read_cell(c) for c in cells]

    return header, rows()


def _choice(spec: FieldSpec, text: str) -> str:
    assert spec.enum is not None  # noqa: S101 — every choice spec names its enum
    values = {m.value.lower(): m.value for m in spec.enum}
    found = values.get(text.lower())
    if found is None:
        raise CellError(_("Unknown value “%(value)s”; use one of: %(allowed)s.", value=text,
                          allowed=", ".join(m.value for m in spec.enum)))
    return found


def _money(text: str) -> Decimal:
    cleaned = re.sub(r"[\s\u00a0\u202f]", "", text).replace(",", ".")
    try:
        return Decimal(cleaned)
    except InvalidOperation:
        raise CellError(_("Enter an amount such as 1500 or 1500.50.")) from None


def parse_cell(spec: FieldSpec, text: str) -> Any:
    """One cell as the operations expect it; blank is None (an empty list for lists)."""
    text = text.strip()
    if spec.kind == CHOICES:
        return [_choice(spec, t) for t in _LIST_SPLIT.split(text) if t]
    if not text:
        return "" if spec.name == "articles" else None
    if spec.kind == DATE:
        try:
            return parse_flexible_date(text)
        except ValueError as exc:
            raise CellError(str(exc)) from None
    if spec.kind == INT:
        if not _INTEGER.fullmatch(text):
            raise CellError(_("Enter a whole number."))
        return int(text)
    if spec.kind == MONEY:
        return _money(text)
    if spec.kind == CHOICE:
        return _choice(spec, text)
    if spec.kind == BOOL:
        lowered = text.lower()
        if lowered in _TRUE | _FALSE:
            return lowered in _TRUE
        raise CellError(_("Enter yes or no (or leave it blank when unknown)."))
    return text


def format_cell(spec: FieldSpec, value: Any) -> str:
    """One stored value as written to the CSV."""
    if value is None:
        return ""
    if spec.kind == CHOICES:
        return LIST_SEPARATOR.join(split_codes(value))
    if spec.kind == BOOL:
        return "yes" if value else "no"
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def split_list(text: str) -> list[str]:
    """A `|`-separated cell (commas, semicolons and spaces are accepted too)."""
    return [t for t in _LIST_SPLIT.split(text.strip()) if t]


@dataclass(frozen=True)
class Problem:
    """One problem of an import: the row (header = 1), the column and what is wrong."""

    row: int
    column: str
    message: str

    def __str__(self) -> str:
        return f"row {self.row}, column {self.column or '-'}: {self.message}"


# Export


def _case_row(case: Case, claims_wanted: int) -> list[str]:
    head = [
        case.reference, case.status, case.closing_reason or "",
        case.owner.username if case.owner else "",
        LIST_SEPARATOR.join(sorted(u.username for u in case.collaborators)),
    ]
    fields = [format_cell(spec, getattr(case, spec.name)) for spec in CASE_FIELDS]
    claims: list[str] = []
    for claim in case.claims:
        claims += [format_cell(spec, getattr(claim, spec.name)) for spec in CLAIM_FIELDS]
    claims += [""] * (claims_wanted * len(CLAIM_FIELDS) - len(claims))
    return head + fields + claims


def export_rows(batch: int = 1000) -> Iterator[list[str]]:
    """The header and one row per case, read in batches (no identifying data is in a case)."""
    most = db.session.execute(select(func.max(Case.claim_count))).scalar_one() or 0
    yield list(CASE_COLUMNS) + claim_columns(most)
    stmt = (
        select(Case).order_by(Case.id)
        .options(selectinload(Case.claims), selectinload(Case.collaborators))
        .execution_options(yield_per=batch)
    )
    for case in db.session.execute(stmt).scalars():
        yield _case_row(case, most)


def write_csv(rows: Iterable[list[str]], handle: Any) -> int:
    """Write rows (comma-separated, with a BOM so spreadsheets read UTF-8); return data rows."""
    handle.write("\ufeff")
    writer = csv.writer(handle)
    count = -1
    for row in rows:
        writer.writerow([safe_cell(c) for c in row])
        count += 1
    return max(count, 0)


def stream_csv(rows: Iterable[list[str]]) -> Iterator[str]:
    """The CSV text in chunks, for a streamed download."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    yield "\ufeff"
    for number, row in enumerate(rows):
        writer.writerow([safe_cell(c) for c in row])
        if number % 500 == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()
