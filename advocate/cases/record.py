"""The fields of a case record and of a claim, described once.

Operations (snapshots for the event log, the text guards), the CSV columns, the timeline and the
conflict page all read these descriptions, so a field added here shows up everywhere at once.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import Any

from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from advocate.cases import regions_ru, terms, vocab
from advocate.cases.workflow import Status

# Kinds of value: how a field is parsed from CSV and shown in the timeline.
TEXT, LONGTEXT, DATE, INT, MONEY, CHOICE, CHOICES, BOOL, ARTICLES, REGION_RU = (
    "text", "longtext", "date", "int", "money", "choice", "choices", "bool", "articles",
    "region_ru",
)


@dataclass(frozen=True)
class FieldSpec:
    """One stored field: its name, label, kind of value and, for choices, its enum."""

    name: str
    label: object
    kind: str
    enum: type[StrEnum] | None = None
    #: Free text a user types: passed to the text guards before it is saved.
    free_text: bool = False
    max_length: int | None = None


def _text(name: str, label: object, max_length: int, kind: str = TEXT) -> FieldSpec:
    return FieldSpec(name, label, kind, free_text=True, max_length=max_length)


CASE_FIELDS: tuple[FieldSpec, ...] = (
    _text("initials", _l("Initials"), 16),
    _text("label", _l("Label"), 200),
    FieldSpec("sex", _l("Sex"), CHOICE, vocab.Sex),
    FieldSpec("birth_year", _l("Year of birth"), INT),
    FieldSpec("region_uz", _l("Region of origin"), CHOICE, vocab.RegionUz),
    FieldSpec("citizenship", _l("Citizenship"), CHOICE, vocab.Citizenship),
    FieldSpec("languages", _l("Languages spoken"), CHOICES, terms.Language),
    FieldSpec("custody_country", _l("Country of custody"), CHOICE, terms.Country),
    FieldSpec("custody_type", _l("Custody"), CHOICE, vocab.CustodyType),
    FieldSpec("regime", _l("Regime"), CHOICE, vocab.Regime),
    _text("facility_name", _l("Facility"), 300),
    FieldSpec("region_ru", _l("Region of Russia"), REGION_RU),
    FieldSpec("arrest_date", _l("Date of arrest"), DATE),
    FieldSpec("custody_date", _l("Date taken into custody"), DATE),
    FieldSpec("pretrial_days", _l("Days of pretrial custody"), INT),
    FieldSpec("house_arrest_days", _l("Days of house arrest"), INT),
    FieldSpec("articles", _l("Articles of the Criminal Code"), ARTICLES, max_length=500),
    _text("court", _l("Court"), 300),
    _text("court_case_number", _l("Court case number"), 100),
    FieldSpec("judgment_date", _l("Judgment date"), DATE),
    FieldSpec("judgment_final_date", _l("Date the judgment became final"), DATE),
    FieldSpec("appeal_status", _l("Appeal"), CHOICE, vocab.AppealStatus),
    FieldSpec("sentence_years", _l("Sentence: years"), INT),
    FieldSpec("sentence_months", _l("Sentence: months"), INT),
    FieldSpec("sentence_days", _l("Sentence: days"), INT),
    FieldSpec("sentence_life", _l("Life imprisonment"), BOOL),
    _text("additional_punishments", _l("Additional punishments"), 2000, LONGTEXT),
    FieldSpec("term_start", _l("Start of the term"), DATE),
    FieldSpec("civil_claim_amount", _l("Civil claim (roubles)"), MONEY),
    FieldSpec("civil_claim_status", _l("Civil claim paid"), CHOICE, terms.PaymentStatus),
    FieldSpec("fine_amount", _l("Fine (roubles)"), MONEY),
    FieldSpec("fine_status", _l("Fine paid"), CHOICE, terms.PaymentStatus),
    FieldSpec(
        "other_pending_proceedings", _l("Other pending proceedings"), CHOICE, terms.YesNoUnknown
    ),
    FieldSpec("russian_permanent_residence", _l("Permanent residence in Russia"), BOOL),
    FieldSpec("military_status", _l("Military recruitment"), CHOICE, vocab.MilitaryStatus),
    FieldSpec("military_contract_date", _l("Contract signed on"), DATE),
)

#: Fields shown in the timeline and export but changed only by their own operations.
WORKFLOW_FIELDS: tuple[FieldSpec, ...] = (
    FieldSpec("status", _l("Status"), CHOICE, Status),
    FieldSpec("closing_reason", _l("Closing reason"), CHOICE, vocab.ClosingReason),
    FieldSpec("owner", _l("Owner"), TEXT),
    FieldSpec("collaborators", _l("Collaborators"), TEXT),
)

CLAIM_FIELDS: tuple[FieldSpec, ...] = (
    FieldSpec("type", _l("Type of coercion"), CHOICE, vocab.CoercionType),
    FieldSpec("date_from", _l("Date (or start of the period)"), DATE),
    FieldSpec("date_to", _l("End of the period"), DATE),
    _text("place", _l("Place"), 300),
    FieldSpec("source", _l("Source"), CHOICE, vocab.ClaimSource),
    FieldSpec("reported", _l("Reported to an authority"), CHOICE, terms.YesNoUnknown),
    _text("reported_to", _l("Reported to"), 300),
    FieldSpec("evidence", _l("Evidence held"), CHOICES, vocab.Evidence),
    _text("narrative", _l("Narrative"), 10000, LONGTEXT),
)

CASE_SPECS: Mapping[str, FieldSpec] = {f.name: f for f in CASE_FIELDS + WORKFLOW_FIELDS}
CLAIM_SPECS: Mapping[str, FieldSpec] = {f.name: f for f in CLAIM_FIELDS}
CASE_FIELD_NAMES: tuple[str, ...] = tuple(f.name for f in CASE_FIELDS)
#: Display order of any case or claim field (timeline diffs follow the form, not the alphabet).
FIELD_ORDER: Mapping[str, int] = {
    f.name: i for i, f in enumerate(WORKFLOW_FIELDS + CASE_FIELDS + CLAIM_FIELDS)
}
CLAIM_FIELD_NAMES: tuple[str, ...] = tuple(f.name for f in CLAIM_FIELDS)


def join_codes(codes: list[str] | tuple[str, ...]) -> str:
    """Store a list of codes (languages, evidence) as one comma-separated string."""
    return ",".join(dict.fromkeys(c for c in codes if c))


def split_codes(text: str | list[str] | None) -> list[str]:
    """The list of codes stored by join_codes (a list is taken as it is)."""
    if isinstance(text, list | tuple):
        return [c for c in text if c]
    return [c for c in (text or "").split(",") if c]


def snapshot(obj: Any, names: tuple[str, ...]) -> dict[str, Any]:
    """The values of these fields on a case or claim, for `audit.diff`."""
    return {name: getattr(obj, name) for name in names}


def _language() -> str:
    locale = get_locale()
    return locale.language if locale is not None else "en"


def display_value(spec: FieldSpec | None, value: Any) -> str:
    """A stored value (or its JSON form from the event log) as a user reads it."""
    if value is None or value == "" or value == []:
        return "—"
    if spec is None:
        return str(value)
    if spec.kind == CHOICE and spec.enum is not None:
        return _enum_label(spec.enum, value)
    if spec.kind == CHOICES and spec.enum is not None:
        codes = value if isinstance(value, list) else split_codes(str(value))
        return ", ".join(_enum_label(spec.enum, code) for code in codes) or "—"
    if spec.kind == REGION_RU:
        return regions_ru.name(str(value), _language())
    if spec.kind == BOOL:
        return _("yes") if value else _("no")
    if isinstance(value, Decimal):
        return f"{value:,.2f}".replace(",", "\u202f")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return str(value)


def _enum_label(enum: type[StrEnum], value: Any) -> str:
    try:
        return str(enum(value).label)  # type: ignore[attr-defined]
    except ValueError:
        return str(value)


def case_field_label(name: str) -> str:
    """The label of a case field (or the name itself when unknown)."""
    spec = CASE_SPECS.get(name) or CLAIM_SPECS.get(name)
    return str(spec.label) if spec else name


def display_change(name: str, value: Any) -> str:
    """One side of a timeline diff: the value of a case or claim field, readable."""
    return display_value(CASE_SPECS.get(name) or CLAIM_SPECS.get(name), value)
