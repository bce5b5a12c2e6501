"""Sentence arithmetic: credit for custody, term end, time served and remaining, eligibility lapse.

Pure: no Flask app, no database. The law is Russian Criminal Code art. 72 (see
shared/domain/transfer-law.md, point 5); the numbers (ratios, excluded articles, minimum term)
come from the procedure definition, so a lawyer can correct them without touching this code.

Conventions, and why:

- **Adding a term.** A sentence of Y years, M months and D days starting on ``start`` is added in
  calendar terms: first Y×12+M months, then D days. Adding months keeps the day of the month and,
  where the target month is shorter, clamps to its last day (31 January + 1 month = 28 February, or
  29 February in a leap year; 29 February 2024 + 1 year = 28 February 2025). The sentence runs from
  ``start`` through the day before that date: **last day = start + length − 1 day**, so a one-year
  term from 1 March 2023 ends on 29 February 2024 and counts 366 days. Clamping means terms that
  start on the 29th–31st can end up to three days earlier than a day count would give; an earlier
  end means an earlier lapse date, which errs on the side of acting sooner.
- **Credit (art. 72 parts 3.1–3.4).** Each day in custody before the judgment became final counts
  at the ratio for the regime the court assigned (1, 1.5 or 2 by default); two days of house arrest
  count as one whatever the regime; custody counts day for day when any article of the conviction
  falls under the excluded list of part 3.2 (an attempt, "30 ч.3, 228.1 ч.4", is excluded with its
  228.1) or when the court applied part 3.2 on another ground (especially dangerous recidivism, a
  commuted death sentence: ``day_for_day=True``). Fractions are summed exactly and the total is
  **rounded down** once: the software must never overstate credit. Credit larger than the whole
  sentence is reported, but can shorten the term no further than to nothing.
- **Term end** = start + length − 1 day − credit days.
- **Served and remaining on a date ``on``.** ``remaining_days`` are the days after ``on`` up to and
  including the term end (0 once the term has ended, at most the whole term); ``served_days`` =
  total − remaining, which for ``on`` inside the term equals the credit plus the days from start
  through ``on``. So served + remaining = total always.
- **Eligibility lapse.** At least N months "remain" on a date X when the N-month period starting
  the day after X (measured as a term is: X + 1 day + N months − 1 day) ends no later than the term
  end. ``eligibility_lapses_on`` is the **last date on which at least N months still remain**; from
  the following day on, less than N months remain. It lies in the past for a term nearly or wholly
  served.
"""

from __future__ import annotations

import calendar
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from fractions import Fraction
from typing import Any, NamedTuple

from flask_babel import gettext as _

from advocate.cases.vocab import Regime
from advocate.procedures.articles import Article, ArticleParseError, format_articles, parse_articles

#: Art. 56: 20 years for one crime, 25 for several, 30 for several judgments; life is indeterminate.
MAX_YEARS = 30
#: Thirty years of days: no custody or house arrest can be longer than the longest sentence.
MAX_CUSTODY_DAYS = 366 * MAX_YEARS


class SentenceInputError(ValueError):
    """Sentence data that cannot be computed with; the message is one line for the user."""


@dataclass(frozen=True)
class CreditRules:
    """The parameters of art. 72 as a procedure defines them."""

    ratios: Mapping[Regime, Fraction]
    house_arrest_ratio: Fraction
    excluded: tuple[Article, ...]
    min_remaining_months: int
    #: Entries of `excluded` not yet verified against the law (transfer-law.md marks them [U]).
    unverified: tuple[Article, ...] = ()


@dataclass(frozen=True)
class TermInput:
    """What a judgment and the custody record say; validated when created."""

    start: date
    regime: Regime
    years: int = 0
    months: int = 0
    days: int = 0
    pretrial_days: int = 0
    house_arrest_days: int = 0
    articles: tuple[Article, ...] = ()
    judgment_final: date | None = None
    day_for_day: bool = False

    def __post_init__(self) -> None:
        try:
            object.__setattr__(self, "regime", Regime(self.regime))
        except ValueError:
            raise SentenceInputError(_regime_error(str(self.regime))) from None
        object.__setattr__(self, "articles", tuple(self.articles))
        _validate(self)


@dataclass(frozen=True)
class TermResult:
    """The computed term; dates are inclusive, day counts are whole days."""

    start: date
    on: date
    total_days: int
    credit_days: int
    term_end: date
    served_days: int
    remaining_days: int
    min_remaining_months: int
    eligibility_lapses_on: date
    #: True when the credit rests on an unverified exclusion of art. 72 part 3.2.
    credit_unverified: bool = False
    explanation: list[str] = field(default_factory=list)


class ParsedTermArgs(NamedTuple):
    """Command-line arguments read into a term and the date to compute for."""

    term: TermInput
    on: date | None


def _regime_error(value: str) -> str:
    """The message for an unknown regime, listing the known ones."""
    return _(
        "Unknown regime “%(value)s”: use one of %(choices)s.",
        value=value,
        choices=", ".join(r.value for r in Regime),
    )


def _validate(term: TermInput) -> None:
    """Raise SentenceInputError with a one-line message for impossible input."""
    if not isinstance(term.start, date) or (
        term.judgment_final is not None and not isinstance(term.judgment_final, date)
    ):
        raise SentenceInputError(_("The term start and the judgment date must be dates."))
    if not all(isinstance(a, Article) for a in term.articles):
        raise SentenceInputError(_("Articles must be parsed article references."))
    counts = {
        "years": term.years,
        "months": term.months,
        "days": term.days,
        "pretrial days": term.pretrial_days,
        "house-arrest days": term.house_arrest_days,
    }
    for key, value in counts.items():
        # Messages are translated only for an error: bulk deadline computation validates
        # 100,000 terms, and the eager gettext calls took most of its time.
        if isinstance(value, bool) or not isinstance(value, int):
            raise SentenceInputError(_("%(name)s must be a whole number.", name=_count_name(key)))
        if value < 0:
            raise SentenceInputError(_("%(name)s cannot be negative.", name=_count_name(key)))
    if term.years == term.months == term.days == 0:
        raise SentenceInputError(_("The sentence has no length: give years, months or days."))
    if 12 * term.years + term.months > 12 * MAX_YEARS or term.days > 366 * MAX_YEARS:
        raise _too_long()
    try:
        end = add_months(term.start, 12 * term.years + term.months) + timedelta(term.days)
        longest = add_months(term.start, 12 * MAX_YEARS)
    except (OverflowError, ValueError):
        raise SentenceInputError(_("The term start is out of the calendar's range.")) from None
    if end > longest:
        raise _too_long()
    if max(term.pretrial_days, term.house_arrest_days) > MAX_CUSTODY_DAYS:
        raise SentenceInputError(
            _(
                "Custody or house arrest of more than %(max)s days is not possible.",
                max=MAX_CUSTODY_DAYS,
            )
        )


def _too_long() -> SentenceInputError:
    """The error for a sentence beyond the Criminal Code's maximum."""
    return SentenceInputError(
        _("A sentence cannot be longer than %(max)s years (Criminal Code art. 56).", max=MAX_YEARS)
    )


def _count_name(key: str) -> str:
    """The translated name of a count of TermInput, for an error message."""
    names = {
        "years": _("years"),
        "months": _("months"),
        "days": _("days"),
        "pretrial days": _("pretrial days"),
        "house-arrest days": _("house-arrest days"),
    }
    return names[key]


def add_months(day: date, months: int) -> date:
    """`day` moved by `months` (may be negative), clamped to the end of a shorter month."""
    index = day.year * 12 + day.month - 1 + months
    year, month0 = divmod(index, 12)
    last = calendar.monthrange(year, month0 + 1)[1]
    return date(year, month0 + 1, min(day.day, last))


def term_last_day(start: date, years: int, months: int, days: int) -> date:
    """The last day of a term of this length beginning on `start` (start + length − 1 day)."""
    return add_months(start, 12 * years + months) + timedelta(days=days - 1)


def is_excluded(articles: tuple[Article, ...], excluded: tuple[Article, ...]) -> bool:
    """True if any article of the conviction falls under the part 3.2 list."""
    return any(rule.covers(article) for rule in excluded for article in articles)


def _unverified_exclusion(term: TermInput, rules: CreditRules) -> bool:
    """True if day-for-day credit rests only on exclusions still to be verified."""
    if term.day_for_day:
        return False
    matched = [r for r in rules.excluded if any(r.covers(a) for a in term.articles)]
    return bool(matched) and all(r in rules.unverified for r in matched)


def _credit(term: TermInput, rules: CreditRules) -> tuple[int, list[str]]:
    """Credit days (rounded down once) and the lines explaining them."""
    lines: list[str] = []
    excluded = term.day_for_day or is_excluded(term.articles, rules.excluded)
    ratio = Fraction(1) if excluded else _ratio(term.regime, rules)
    exact = term.pretrial_days * ratio + term.house_arrest_days * rules.house_arrest_ratio
    if term.pretrial_days:
        if excluded:
            why = _("day for day: art. 72 part 3.2 applies")
            if not term.day_for_day:
                why = _(
                    "day for day: art. 72 part 3.2 excludes %(articles)s",
                    articles=format_articles(
                        [a for a in term.articles if is_excluded((a,), rules.excluded)]
                    ),
                )
        else:
            why = term.regime.label
        lines.append(
            _(
                "%(days)s days in custody × %(ratio)s (%(why)s) = %(credit)s days",
                days=term.pretrial_days,
                ratio=_num(ratio),
                why=why,
                credit=_num(term.pretrial_days * ratio),
            )
        )
        if _unverified_exclusion(term, rules):
            lines.append(
                _(
                    "Unverified: this exclusion from art. 72 part 3.2 is not yet confirmed "
                    "against the current text of the Code; a lawyer should check it."
                )
            )
    if term.house_arrest_days:
        lines.append(
            _(
                "%(days)s days of house arrest × %(ratio)s (art. 72 part 3.4) = %(credit)s days",
                days=term.house_arrest_days,
                ratio=_num(rules.house_arrest_ratio),
                credit=_num(term.house_arrest_days * rules.house_arrest_ratio),
            )
        )
    credit = int(exact)  # floor: exact is never negative
    if exact != credit:
        lines.append(
            _(
                "Credit %(exact)s days, rounded down to %(credit)s days",
                exact=_num(exact),
                credit=credit,
            )
        )
    elif lines:
        lines.append(_("Credit: %(credit)s days", credit=credit))
    return credit, lines


def _ratio(regime: Regime, rules: CreditRules) -> Fraction:
    """The credit ratio of a regime, or an input error if the procedure lacks it."""
    try:
        return rules.ratios[regime]
    except KeyError:
        raise SentenceInputError(_regime_error(regime.value)) from None


def _num(value: Fraction | int) -> str:
    """A ratio or a day count for an explanation line: 1.5, 468, 233.5."""
    value = Fraction(value)
    if value.denominator == 1:
        return str(value.numerator)
    return f"{float(value):g}"


def lapse_date(term_end: date, months: int) -> date:
    """The last date on which at least `months` months of the term remain (see module docstring)."""
    limit = term_end + timedelta(days=1)
    # The N-month period starting on day S ends on add_months(S, N) - 1; it must end by term_end.
    first = add_months(limit, -months)
    while add_months(first + timedelta(days=1), months) <= limit:
        first += timedelta(days=1)  # clamping maps up to 3 later starts onto the same end
    while add_months(first, months) > limit:
        first -= timedelta(days=1)
    return first - timedelta(days=1)


def compute_term(term: TermInput, rules: CreditRules, on: date) -> TermResult:
    """Term end, credit, time served and remaining on `on`, and the eligibility lapse date."""
    nominal_end = term_last_day(term.start, term.years, term.months, term.days)
    total = (nominal_end - term.start).days + 1
    credit, lines = _credit(term, rules)
    applied = min(credit, total)
    term_end = nominal_end - timedelta(days=applied)
    remaining = max(0, min(total, (term_end - on).days))
    lapses_on = lapse_date(term_end, rules.min_remaining_months)
    lines = [
        _(
            "Sentence %(length)s from %(start)s: last day %(end)s (%(total)s days)",
            length=_length(term),
            start=term.start.isoformat(),
            end=nominal_end.isoformat(),
            total=total,
        ),
        *lines,
    ]
    if credit > total:
        lines.append(_("The credit exceeds the sentence: the term was served in custody."))
    lines += [
        _(
            "Term end: %(end)s − %(credit)s days = %(term_end)s",
            end=nominal_end.isoformat(),
            credit=applied,
            term_end=term_end.isoformat(),
        ),
        _(
            "On %(on)s: %(served)s days served, %(remaining)s days remaining",
            on=on.isoformat(),
            served=total - remaining,
            remaining=remaining,
        ),
        _(
            "At least %(months)s months remain through %(date)s; from %(next)s less remains "
            "(eligibility lapses on %(date)s)",
            months=rules.min_remaining_months,
            date=lapses_on.isoformat(),
            next=(lapses_on + timedelta(days=1)).isoformat(),
        ),
    ]
    if term.judgment_final is not None and term.judgment_final > on:
        lines.append(
            _(
                "The judgment had not become final on %(on)s (it did on %(final)s).",
                on=on.isoformat(),
                final=term.judgment_final.isoformat(),
            )
        )
    return TermResult(
        term.start,
        on,
        total,
        credit,
        term_end,
        total - remaining,
        remaining,
        rules.min_remaining_months,
        lapses_on,
        bool(term.pretrial_days) and _unverified_exclusion(term, rules),
        lines,
    )


def _length(term: TermInput) -> str:
    """'2 years 6 months 0 days' for an explanation line."""
    return _(
        "%(years)s years %(months)s months %(days)s days",
        years=term.years,
        months=term.months,
        days=term.days,
    )


def parse_term_args(
    *,
    start: str,
    regime: str,
    years: str | int = 0,
    months: str | int = 0,
    days: str | int = 0,
    pretrial_days: str | int = 0,
    house_arrest_days: str | int = 0,
    articles: str = "",
    on: str | None = None,
    judgment_final: str | None = None,
) -> ParsedTermArgs:
    """Read command-line or form strings into a validated term; SentenceInputError otherwise."""
    try:
        parsed_articles = tuple(parse_articles(articles or ""))
    except ArticleParseError as exc:
        raise SentenceInputError(str(exc)) from None
    term = TermInput(
        start=_parse_date(start, "start"),
        regime=regime,  # type: ignore[arg-type]  # validated by TermInput
        years=_parse_int(years, "years"),
        months=_parse_int(months, "months"),
        days=_parse_int(days, "days"),
        pretrial_days=_parse_int(pretrial_days, "pretrial days"),
        house_arrest_days=_parse_int(house_arrest_days, "house-arrest days"),
        articles=parsed_articles,
        judgment_final=_parse_date(judgment_final, "judgment final") if judgment_final else None,
    )
    return ParsedTermArgs(term, _parse_date(on, "on") if on else None)


def _parse_date(value: str, name: str) -> date:
    """An ISO date (YYYY-MM-DD) or a SentenceInputError naming the argument."""
    try:
        return date.fromisoformat(str(value).strip())
    except ValueError:
        raise SentenceInputError(
            _("%(name)s: “%(value)s” is not a date (use YYYY-MM-DD).", name=name, value=value)
        ) from None


def _parse_int(value: str | int, name: str) -> int:
    """A whole number or a SentenceInputError naming the argument."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    try:
        return int(str(value).strip())
    except ValueError:
        raise SentenceInputError(
            _("%(name)s: “%(value)s” is not a whole number.", name=name, value=value)
        ) from None


def term_json(term: TermInput, rules: CreditRules, on: date | None = None) -> dict[str, Any]:
    """The computed term as JSON-able data (dates ISO); `on` defaults to today."""
    result = compute_term(term, rules, on or date.today())
    return {
        "start": result.start.isoformat(),
        "on": result.on.isoformat(),
        "regime": term.regime.value,
        "articles": format_articles(term.articles),
        "judgment_final": term.judgment_final.isoformat() if term.judgment_final else None,
        "total_days": result.total_days,
        "credit_days": result.credit_days,
        "term_end": result.term_end.isoformat(),
        "served_days": result.served_days,
        "remaining_days": result.remaining_days,
        "min_remaining_months": result.min_remaining_months,
        "eligibility_lapses_on": result.eligibility_lapses_on.isoformat(),
        "credit_unverified": result.credit_unverified,
        "explanation": [str(line) for line in result.explanation],
    }
