"""Identity columns of the CSV case import, stored straight into the vault.

Registered as a ``cases.importer.ColumnHandler``. ``validate`` reads a row's identity cells and,
because they name the person, checks the row's free-text cells (record and claim fields) against
them with the leak guard: a hit is a row error. The report names the column and where the
fragment starts, never the fragment, since import reports are printed by the command line too.
``apply`` stores the cells in the vault once the case exists (one identity, one contact).
Exports never include these columns: they are not part of the case record.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask_babel import gettext as _

from advocate.cases.csvio import CLAIM_COLUMN
from advocate.cases.operations import CaseError
from advocate.cases.record import CASE_SPECS, CLAIM_SPECS
from advocate.fields import latest_today, parse_flexible_date
from advocate.identity import operations
from advocate.identity.leakguard import Needles, find_leaks
from advocate.identity.service import get_keyring
from advocate.identity.vault import MAX_LENGTHS, ContactData, IdentityData, Vault

#: Import column -> identity field.
IDENTITY_COLUMNS: dict[str, str] = {
    "full_name_latin": "full_name_latin",
    "full_name_cyrillic": "full_name_cyrillic",
    "birth_date": "birth_date",
    "birth_place": "birth_place",
    "passport_number": "passport_number",
    "address_uz": "address_uz",
    "phone": "phones",
}
#: Import column -> contact field.
CONTACT_COLUMNS: dict[str, str] = {
    "contact_name": "name",
    "contact_relation": "relation",
    "contact_phone": "phone",
}
COLUMNS = frozenset(IDENTITY_COLUMNS) | frozenset(CONTACT_COLUMNS)


def _cell(cells: Mapping[str, str], column: str) -> str:
    return (cells.get(column) or "").strip()


def _identity(cells: Mapping[str, str]) -> IdentityData:
    """The row's identity cells (the date must have been validated)."""
    values: dict[str, Any] = {f: _cell(cells, c) for c, f in IDENTITY_COLUMNS.items()}
    values["birth_date"] = parse_flexible_date(values["birth_date"])
    return IdentityData(**values)


def _contact(cells: Mapping[str, str]) -> ContactData:
    return ContactData(**{f: _cell(cells, c) for c, f in CONTACT_COLUMNS.items()})


def _row_vault(cells: Mapping[str, str]) -> Vault:
    """The row's identity and contact (the cells must have been validated)."""
    contact = _contact(cells)
    return Vault(_identity(cells), [contact] if any(contact.as_text().values()) else [])


def _cell_problems(cells: Mapping[str, str]) -> list[tuple[str, str]]:
    problems = []
    for column, name in {**IDENTITY_COLUMNS, **CONTACT_COLUMNS}.items():
        limit = MAX_LENGTHS.get(name)
        if limit and len(_cell(cells, column)) > limit:
            problems.append((column, _("At most %(n)d characters.", n=limit)))
    try:
        born = parse_flexible_date(_cell(cells, "birth_date"))
    except ValueError as error:
        problems.append(("birth_date", str(error)))
    else:
        if born is not None and born > latest_today():
            problems.append(("birth_date", _("This date cannot be in the future.")))
    contact = _contact(cells)
    if contact.relation and not contact.name and not contact.phone:
        problems.append(("contact_name", _("Enter a name or a phone number.")))
    return problems


def _free_text_columns(cells: Mapping[str, str]) -> list[str]:
    """The row's columns that hold free text of the case record or of a claim."""
    columns = []
    for column in cells:
        claim = CLAIM_COLUMN.fullmatch(column)
        spec = CLAIM_SPECS.get(claim.group(2)) if claim else CASE_SPECS.get(column)
        if spec is not None and spec.free_text:
            columns.append(column)
    return columns


def _leak_problems(cells: Mapping[str, str], row_vault: Vault) -> list[tuple[str, str]]:
    needles = Needles.from_identity(row_vault.needle_values())
    problems = []
    for column in _free_text_columns(cells):
        leaks = find_leaks(cells[column], needles)
        if leaks:
            problems.append((column, _(
                "This text contains a name or number from the row's identity columns "
                "(at character %(position)d); write the case reference instead.",
                position=leaks[0].start + 1,
            )))
    return problems


def validate(cells: Mapping[str, str]) -> list[tuple[str, str]]:
    """Every problem of a row's identity cells, and every leak of them into its free text."""
    problems = _cell_problems(cells)
    if problems:
        return problems
    row_vault = _row_vault(cells)
    if not row_vault:
        return []
    if not get_keyring().available:
        column = next(c for c in (*IDENTITY_COLUMNS, *CONTACT_COLUMNS) if _cell(cells, c))
        return [(column, _("Identity cannot be imported: the identity key is missing."))]
    return _leak_problems(cells, row_vault)


def apply(case: Any, cells: Mapping[str, str], actor: Any) -> None:
    """Store the row's identity and contact in the vault of the new case."""
    row_vault = _row_vault(cells)
    if not row_vault:
        return
    try:
        operations.save_identity(case, row_vault.identity, None, actor=actor)
        for contact in row_vault.contacts:
            operations.save_contact(case, contact, None, actor=actor)
    except operations.IdentityRefused as error:
        raise CaseError(str(error)) from None


def register() -> None:
    """Accept the identity columns in the case import (once)."""
    from advocate.cases import importer

    if all(handler.validate is not validate for handler in importer.import_column_handlers):
        importer.import_column_handlers.append(
            importer.ColumnHandler(columns=COLUMNS, validate=validate, apply=apply)
        )
