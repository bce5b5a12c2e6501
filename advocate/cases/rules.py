"""What makes a case record or a claim valid: ranges, dates in order, articles, regime.

Pure functions over parsed values (dates, ints, strings), returning {field: [messages]}. The form
runs them to show every problem at once; the operations run them again before saving, so a CSV
import and a form save obey exactly the same rules.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date
from decimal import Decimal
from typing import Any

from flask_babel import gettext as _

from advocate.cases import regions_ru, terms, vocab
from advocate.cases.record import (
    CASE_FIELDS,
    CHOICE,
    CHOICES,
    CLAIM_FIELDS,
    DATE,
    REGION_RU,
    FieldSpec,
    case_field_label,
    split_codes,
)
from advocate.fields import MIN_YEAR, latest_today
from advocate.procedures.articles import ArticleParseError, format_articles, parse_articles

Errors = dict[str, list[str]]

#: Inclusive bounds of the whole-number fields. Russian terms run to 30 years when sentences are
#: combined (CC art. 56 part 4, art. 70), 35 for some terrorism offences.
INT_BOUNDS: Mapping[str, tuple[int, int]] = {
    "sentence_years": (0, 35),
    "sentence_months": (0, 11),
    "sentence_days": (0, 30),
    "pretrial_days": (0, 20 * 366),
    "house_arrest_days": (0, 20 * 366),
}
MAX_MONEY = Decimal("999999999999.99")

#: (later field, earlier field): the later date may not be before the earlier one.
DATE_ORDER: tuple[tuple[str, str], ...] = (
    ("custody_date", "arrest_date"),
    ("judgment_date", "arrest_date"),
    ("judgment_final_date", "judgment_date"),
)


def _add(errors: Errors, name: str, message: str) -> None:
    errors.setdefault(name, []).append(message)


def birth_year_bounds(today: date | None = None) -> tuple[int, int]:
    """The years of birth we accept: nobody held today was born before 1920 or after today."""
    return 1920, (today or latest_today()).year


def normalise_articles(text: str | None) -> str:
    """The canonical form of an article list; ArticleParseError when a reference is unreadable."""
    return format_articles(parse_articles(text or ""))


def _check_articles(values: Mapping[str, Any], errors: Errors) -> None:
    try:
        normalise_articles(values.get("articles"))
    except ArticleParseError as exc:
        _add(errors, "articles", str(exc))


def _check_choice(spec: FieldSpec, value: Any, errors: Errors) -> None:
    if value in (None, ""):
        return
    if spec.kind == REGION_RU:
        if value not in regions_ru.CODES:
            _add(errors, spec.name, _("Unknown region code: %(code)s.", code=value))
        return
    allowed = {m.value for m in spec.enum} if spec.enum else set()
    codes = split_codes(value) if spec.kind == CHOICES else [value]
    for code in codes:
        if code not in allowed:
            _add(errors, spec.name, _("Unknown value: %(value)s.", value=code))


def _check_shapes(fields: tuple[FieldSpec, ...], values: Mapping[str, Any], errors: Errors,
                  today: date) -> None:
    """Per field: known choices, text lengths, dates not in the future."""
    for spec in fields:
        value = values.get(spec.name)
        if spec.kind in (CHOICE, CHOICES, REGION_RU):
            _check_choice(spec, value, errors)
        elif spec.kind == DATE and isinstance(value, date):
            if value > today:
                _add(errors, spec.name, _("This date cannot be in the future."))
            elif value.year < MIN_YEAR:
                _add(errors, spec.name, _("Enter a date from %(year)s on.", year=MIN_YEAR))
        elif spec.max_length and isinstance(value, str) and len(value) > spec.max_length:
            _add(errors, spec.name,
                 _("At most %(n)s characters, please.", n=spec.max_length))


def _check_ranges(values: Mapping[str, Any], errors: Errors, today: date) -> None:
    bounds = {**INT_BOUNDS, "birth_year": birth_year_bounds(today)}
    for name, (low, high) in bounds.items():
        value = values.get(name)
        if value is not None and not low <= value <= high:
            _add(errors, name, _("Enter a number from %(low)s to %(high)s.", low=low, high=high))
    for name in ("civil_claim_amount", "fine_amount"):
        value = values.get(name)
        if value is not None and not Decimal(0) <= value <= MAX_MONEY:
            _add(errors, name, _("Enter an amount of zero or more."))


def _check_date_order(values: Mapping[str, Any], errors: Errors, labels: Callable[[str], str]
                      ) -> None:
    for later, earlier in DATE_ORDER:
        a, b = values.get(later), values.get(earlier)
        if isinstance(a, date) and isinstance(b, date) and a < b:
            _add(errors, later,
                 _("This date cannot be before %(other)s.", other=labels(earlier).lower()))
    year = values.get("birth_year")
    arrest = values.get("arrest_date")
    if isinstance(year, int) and isinstance(arrest, date) and arrest.year < year:
        _add(errors, "arrest_date", _("The arrest cannot be before the year of birth."))


def _check_regime(values: Mapping[str, Any], errors: Errors) -> None:
    regime, custody = values.get("regime"), values.get("custody_type")
    if not regime:
        return
    if custody == vocab.CustodyType.PRISON:
        if regime != vocab.Regime.PRISON:
            _add(errors, "regime", _("A person held in a prison serves the prison regime."))
    elif custody != vocab.CustodyType.COLONY:
        _add(errors, "regime",
             _("A regime is recorded only for a person held in a penal colony or a prison."))


#: The fields of a sentence's length, which a life sentence does not have.
SENTENCE_LENGTH: tuple[str, ...] = ("sentence_years", "sentence_months", "sentence_days")


def _check_life(values: Mapping[str, Any], errors: Errors) -> None:
    # A life sentence with a length would leave the term engine two answers; refuse it here.
    if values.get("sentence_life") and any(
        values.get(name) is not None for name in SENTENCE_LENGTH
    ):
        _add(errors, "sentence_life",
             _("A life sentence has no length: leave years, months and days blank."))


def _check_country(values: Mapping[str, Any], errors: Errors) -> None:
    country = values.get("custody_country")
    if values.get("region_ru") and country not in (None, "", terms.Country.RUSSIA):
        _add(errors, "region_ru", _("A region of Russia is recorded only for custody in Russia."))


def check_case(values: Mapping[str, Any], *, today: date | None = None) -> Errors:
    """Every problem with these case values, by field name; empty when they may be saved."""
    today = today or latest_today()
    errors: Errors = {}
    _check_shapes(CASE_FIELDS, values, errors, today)
    _check_ranges(values, errors, today)
    _check_date_order(values, errors, case_field_label)
    _check_regime(values, errors)
    _check_life(values, errors)
    _check_country(values, errors)
    _check_articles(values, errors)
    return errors


def check_claim(values: Mapping[str, Any], *, today: date | None = None) -> Errors:
    """Every problem with these claim values, by field name."""
    today = today or latest_today()
    errors: Errors = {}
    if not values.get("type"):
        _add(errors, "type", _("Choose the type of coercion."))
    _check_shapes(CLAIM_FIELDS, values, errors, today)
    start, end = values.get("date_from"), values.get("date_to")
    if isinstance(end, date) and start is None:
        _add(errors, "date_from", _("A period needs its start date too."))
    elif isinstance(start, date) and isinstance(end, date) and end < start:
        _add(errors, "date_to", _("The end of the period cannot be before its start."))
    return errors
