"""Sentence arithmetic against worked examples computed by hand, and its invariants.

The rules are those of the shipped Russia -> Uzbekistan route (art. 72 parts 3.1-3.4): 1 day for 1
in prison, strict and special regime; 1.5 in general regime and educational colonies; 2 in a
colony-settlement; house arrest 0.5; day for day for 205-205.5, 228 ч.2-3, 228.1, 229.
"""

from __future__ import annotations

from datetime import date, timedelta
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from advocate.cases.vocab import Regime
from advocate.procedures.articles import parse_articles
from advocate.procedures.definitions import load_procedures
from advocate.procedures.sentence import (
    CreditRules,
    SentenceInputError,
    TermInput,
    add_months,
    compute_term,
    lapse_date,
    parse_term_args,
    term_json,
    term_last_day,
)

RULES = load_procedures()["ru_uz"].credit_rules()


def term(start: date, regime: str, *, articles: str = "", **kwargs: int) -> TermInput:
    return TermInput(
        start=start, regime=Regime(regime), articles=tuple(parse_articles(articles)), **kwargs
    )


def test_shipped_rules_are_the_law() -> None:
    assert dict(RULES.ratios) == {
        Regime.PRISON: 1,
        Regime.STRICT: 1,
        Regime.SPECIAL: 1,
        Regime.GENERAL: Fraction(3, 2),
        Regime.EDUCATIONAL: Fraction(3, 2),
        Regime.SETTLEMENT: 2,
    }
    assert RULES.house_arrest_ratio == Fraction(1, 2)
    assert RULES.min_remaining_months == 6


def test_general_regime_worked_example() -> None:
    # 3 years from 15.03.2023: 15.03.2026 - 1 day = last day 14.03.2026; 1096 days (29.02.2024
    # lies inside). Credit 312 x 1.5 = 468. 14.03.2026 - 365 = 14.03.2025; minus 103 more:
    # -14 -> 28.02.2025 (89 left), -28 -> 31.01 (61), -31 -> 31.12.2024 (30), -30 -> 01.12.2024.
    # Lapse: the last X with X+1 + 6 months - 1 <= 01.12.2024, i.e. X+1 = 02.06.2024: 01.06.2024.
    # On 01.06.2024: remaining 02.06..01.12 = 183 days; served 1096 - 183 = 913
    # (= 468 credit + 445 days from 15.03.2023 through 01.06.2024).
    r = compute_term(
        term(date(2023, 3, 15), "general", years=3, pretrial_days=312), RULES, date(2024, 6, 1)
    )
    assert (r.total_days, r.credit_days, r.term_end) == (1096, 468, date(2024, 12, 1))
    assert (r.served_days, r.remaining_days) == (913, 183)
    assert r.eligibility_lapses_on == date(2024, 6, 1)
    assert "312 days in custody × 1.5 (general regime) = 468 days" in r.explanation
    assert "Term end: 2026-03-14 − 468 days = 2024-12-01" in r.explanation


@pytest.mark.parametrize("regime", ["strict", "special", "prison"])
def test_one_for_one_regimes(regime: str) -> None:
    # Same sentence, credit 312 x 1 = 312. 14.03.2026 back 312 days: -14 -> 28.02.2026 (298),
    # -28 -> 31.01 (270), -31 -> 31.12.2025 (239), -31 -> 30.11 (208), -30 -> 31.10 (178),
    # -31 -> 30.09 (147), -30 -> 31.08 (117), -31 -> 31.07 (86), -31 -> 30.06 (55),
    # -30 -> 31.05 (25), -25 -> 06.05.2025. Lapse: X+1 = 07.11.2024, X = 06.11.2024.
    r = compute_term(
        term(date(2023, 3, 15), regime, years=3, pretrial_days=312), RULES, date(2024, 6, 1)
    )
    assert (r.credit_days, r.term_end) == (312, date(2025, 5, 6))
    assert r.eligibility_lapses_on == date(2024, 11, 6)


def test_settlement_worked_example() -> None:
    # 1 year 6 months from 10.01.2024: 10.07.2025 - 1 = 09.07.2025; 366 + 180 + 1 = 547 days.
    # Credit 100 x 2 = 200: -9 -> 30.06 (191), -30 -> 31.05 (161), -31 -> 30.04 (130),
    # -30 -> 31.03 (100), -31 -> 28.02 (69), -28 -> 31.01 (41), -31 -> 31.12.2024 (10),
    # -10 -> 21.12.2024. Lapse: X+1 = 22.06.2024, X = 21.06.2024.
    r = compute_term(
        term(date(2024, 1, 10), "settlement", years=1, months=6, pretrial_days=100),
        RULES,
        date(2024, 3, 1),
    )
    assert (r.total_days, r.credit_days, r.term_end) == (547, 200, date(2024, 12, 21))
    assert r.eligibility_lapses_on == date(2024, 6, 21)


def test_educational_colony_rounds_half_days_down() -> None:
    # 2 years from 01.09.2022: last day 31.08.2024, 731 days. 201 x 1.5 = 301.5 -> 301 (never
    # overstate credit). 31.08.2024 back 301: -31 -> 31.07 (270), -31 -> 30.06 (239),
    # -30 -> 31.05 (209), -31 -> 30.04 (178), -30 -> 31.03 (148), -31 -> 29.02 (117),
    # -29 -> 31.01 (88), -31 -> 31.12.2023 (57), -31 -> 30.11 (26), -26 -> 04.11.2023.
    # Lapse: X+1 = 05.05.2023, X = 04.05.2023.
    r = compute_term(
        term(date(2022, 9, 1), "educational", years=2, pretrial_days=201), RULES, date(2023, 1, 1)
    )
    assert (r.total_days, r.credit_days, r.term_end) == (731, 301, date(2023, 11, 4))
    assert r.eligibility_lapses_on == date(2023, 5, 4)
    assert "Credit 301.5 days, rounded down to 301 days" in r.explanation


def test_no_credit_prison_ten_years() -> None:
    # 10 years from 01.01.2020: last day 31.12.2029; 3650 + 3 leap days (2020, 2024, 2028).
    r = compute_term(term(date(2020, 1, 1), "prison", years=10), RULES, date(2020, 1, 1))
    assert (r.total_days, r.credit_days, r.term_end) == (3653, 0, date(2029, 12, 31))
    assert r.eligibility_lapses_on == date(2029, 6, 30)
    # On the first day one day is served.
    assert (r.served_days, r.remaining_days) == (1, 3652)


def test_special_regime_credit_across_a_leap_day() -> None:
    # 15 years from 01.06.2021: last day 31.05.2036; 365 days back crosses 29.02.2036: 01.06.2035.
    r = compute_term(
        term(date(2021, 6, 1), "special", years=15, pretrial_days=365), RULES, date(2030, 1, 1)
    )
    assert r.term_end == date(2035, 6, 1)
    assert r.eligibility_lapses_on == date(2034, 12, 1)


@pytest.mark.parametrize(
    ("articles", "credit", "end", "unverified"),
    [
        # Excluded (art. 72 part 3.2): day for day, as the strict-regime example: 06.05.2025.
        ("228 ч.2", 312, date(2025, 5, 6), True),
        ("228 ч.3", 312, date(2025, 5, 6), True),
        ("228.1 ч.4 п.«г»", 312, date(2025, 5, 6), True),
        ("30 ч.3, 228.1 ч.4", 312, date(2025, 5, 6), True),  # an attempt is excluded too
        ("229 ч.1", 312, date(2025, 5, 6), True),
        ("205.1 ч.1", 312, date(2025, 5, 6), False),  # terrorism: the verified part of the list
        ("205.5", 312, date(2025, 5, 6), False),
        # Not excluded: general-regime ratio, as in the general example: 01.12.2024.
        ("228 ч.1", 468, date(2024, 12, 1), False),
        ("228", 468, date(2024, 12, 1), False),  # no part given: not assumed to be part 2
        ("158 ч.3, 161 ч.2", 468, date(2024, 12, 1), False),
        ("205.6", 468, date(2024, 12, 1), False),
    ],
)
def test_excluded_articles_count_day_for_day(
    articles: str, credit: int, end: date, unverified: bool
) -> None:
    r = compute_term(
        term(date(2023, 3, 15), "general", years=3, pretrial_days=312, articles=articles),
        RULES,
        date(2024, 6, 1),
    )
    assert (r.credit_days, r.term_end, r.credit_unverified) == (credit, end, unverified)
    if credit == 312:
        assert any("day for day: art. 72 part 3.2 excludes" in line for line in r.explanation)


def test_day_for_day_on_another_ground() -> None:
    # Especially dangerous recidivism: no article tells, the court's ruling does.
    t = TermInput(
        start=date(2023, 3, 15), regime=Regime.GENERAL, years=3, pretrial_days=312, day_for_day=True
    )
    r = compute_term(t, RULES, date(2024, 6, 1))
    assert (r.credit_days, r.credit_unverified) == (312, False)


@pytest.mark.parametrize(
    ("regime", "pretrial", "house", "credit"),
    [
        ("strict", 0, 61, 30),  # 61 / 2 = 30.5 -> 30
        ("settlement", 0, 100, 50),  # 2:1 whatever the regime, not the settlement ratio
        ("general", 0, 100, 50),
        ("general", 1, 1, 2),  # 1.5 + 0.5 = 2: summed exactly, then rounded
        ("general", 3, 3, 6),  # 4.5 + 1.5 = 6
        ("general", 1, 0, 1),  # 1.5 -> 1
    ],
)
def test_house_arrest_two_for_one(regime: str, pretrial: int, house: int, credit: int) -> None:
    t = term(date(2024, 1, 1), regime, years=2, pretrial_days=pretrial, house_arrest_days=house)
    assert compute_term(t, RULES, date(2024, 1, 1)).credit_days == credit


def test_house_arrest_still_halved_for_excluded_articles() -> None:
    t = term(
        date(2024, 1, 1),
        "general",
        years=2,
        pretrial_days=10,
        house_arrest_days=10,
        articles="228.1 ч.1",
    )
    assert compute_term(t, RULES, date(2024, 1, 1)).credit_days == 15  # 10 x 1 + 10 / 2


@pytest.mark.parametrize(
    ("start", "years", "months", "days", "last", "total"),
    [
        (date(2023, 1, 31), 0, 1, 0, date(2023, 2, 27), 28),  # 31.01 + 1 month -> 28.02, -1 day
        (date(2024, 1, 31), 0, 1, 0, date(2024, 2, 28), 29),  # leap year: 29.02, -1 day
        (date(2023, 1, 28), 0, 1, 0, date(2023, 2, 27), 31),  # 28.01 lands on the same last day
        (date(2023, 3, 31), 0, 1, 0, date(2023, 4, 29), 30),  # 30.04, -1 day
        (date(2023, 1, 31), 0, 0, 10, date(2023, 2, 9), 10),  # days only: exactly 10 days
        (date(2023, 8, 31), 1, 6, 15, date(2025, 3, 14), 562),  # 28.02.2025 + 15 = 15.03, -1
        (date(2024, 2, 29), 1, 0, 0, date(2025, 2, 27), 365),  # 29.02 + 1 year -> 28.02.2025
        (date(2023, 3, 1), 1, 0, 0, date(2024, 2, 29), 366),  # the year holding 29.02.2024
        (date(2024, 12, 15), 0, 2, 0, date(2025, 2, 14), 62),  # across the new year
    ],
)
def test_month_ends_and_leap_years(
    start: date, years: int, months: int, days: int, last: date, total: int
) -> None:
    assert term_last_day(start, years, months, days) == last
    r = compute_term(
        TermInput(start=start, regime=Regime.STRICT, years=years, months=months, days=days),
        RULES,
        start,
    )
    assert (r.term_end, r.total_days) == (last, total)


@pytest.mark.parametrize(
    ("term_end", "months", "lapse"),
    [
        # 6 months from 31.08.2024 end on 28.02.2025 - 1 = 27.02.2025 exactly: so on 30.08.2024
        # six months still remain; from 31.08 (remaining 01.09-27.02) they do not.
        (date(2025, 2, 27), 6, date(2024, 8, 30)),
        # Leap target month: 29.08, 30.08, 31.08.2023 + 6 months all clamp to 29.02.2024.
        (date(2024, 2, 28), 6, date(2023, 8, 30)),
        # Leap start: 29.02.2024 + 6 months - 1 = 28.08 <= 29.08; from 01.03 the period ends 31.08.
        (date(2024, 8, 29), 6, date(2024, 2, 28)),
        (date(2024, 12, 31), 12, date(2023, 12, 31)),
        (date(2024, 12, 31), 0, date(2024, 12, 31)),
    ],
)
def test_lapse_date_worked_examples(term_end: date, months: int, lapse: date) -> None:
    assert lapse_date(term_end, months) == lapse


def test_term_already_served() -> None:
    # 2 years from 01.01.2020: last day 31.12.2021 (731 days). On 01.01.2025 nothing remains and
    # the lapse date (30.06.2021: X+1 = 01.07.2021, + 6 months - 1 = 31.12.2021) is in the past.
    r = compute_term(term(date(2020, 1, 1), "general", years=2), RULES, date(2025, 1, 1))
    assert (r.term_end, r.served_days, r.remaining_days) == (date(2021, 12, 31), 731, 0)
    assert r.eligibility_lapses_on == date(2021, 6, 30)


def test_credit_longer_than_the_sentence() -> None:
    # 6 months from 01.01.2024 = 182 days; 200 x 1.5 = 300 days of credit: served in custody.
    r = compute_term(
        term(date(2024, 1, 1), "general", months=6, pretrial_days=200), RULES, date(2024, 1, 1)
    )
    assert (r.total_days, r.credit_days, r.term_end) == (182, 300, date(2023, 12, 31))
    assert (r.served_days, r.remaining_days) == (182, 0)
    assert "The credit exceeds the sentence: the term was served in custody." in r.explanation


def test_date_before_the_start_counts_remaining_from_that_date() -> None:
    # 01.01.2023 to the term end 01.12.2024 (general example): 700 days remain.
    r = compute_term(
        term(date(2023, 3, 15), "general", years=3, pretrial_days=312), RULES, date(2023, 1, 1)
    )
    assert (r.remaining_days, r.served_days) == (700, 1096 - 700)


def test_judgment_not_final_on_the_date_is_noted() -> None:
    t = TermInput(
        start=date(2024, 1, 1), regime=Regime.STRICT, years=1, judgment_final=date(2024, 3, 1)
    )
    r = compute_term(t, RULES, date(2024, 2, 1))
    assert "The judgment had not become final on 2024-02-01 (it did on 2024-03-01)." in (
        r.explanation
    )


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"days": -1}, "days cannot be negative."),
        ({"years": 1, "pretrial_days": -5}, "pretrial days cannot be negative."),
        ({"years": 1, "house_arrest_days": -5}, "house-arrest days cannot be negative."),
        ({}, "The sentence has no length"),
        ({"years": 31}, "cannot be longer than 30 years"),
        ({"years": 30, "days": 1}, "cannot be longer than 30 years"),
        ({"months": 361}, "cannot be longer than 30 years"),
        ({"years": 1, "pretrial_days": 20000}, "more than 10980 days"),
        ({"years": 1.5}, "years must be a whole number."),
        ({"years": True}, "years must be a whole number."),
        ({"years": 1, "regime": "colony"}, "Unknown regime “colony”: use one of general,"),
        ({"years": 1, "start": "2024-01-01"}, "must be dates"),
        ({"years": 1, "articles": "228 ч.2"}, "Articles must be parsed article references."),
    ],
)
def test_bad_input_is_a_one_line_error(kwargs: dict[str, object], message: str) -> None:
    args: dict[str, object] = {"start": date(2024, 1, 1), "regime": "strict"} | kwargs
    with pytest.raises(SentenceInputError) as excinfo:
        TermInput(**args)  # type: ignore[arg-type]
    assert message in str(excinfo.value)
    assert "\n" not in str(excinfo.value)


def test_thirty_years_is_allowed() -> None:
    t = TermInput(start=date(2024, 1, 1), regime=Regime.SPECIAL, years=30)
    assert compute_term(t, RULES, date(2024, 1, 1)).term_end == date(2053, 12, 31)


def test_parse_term_args_reads_strings() -> None:
    parsed = parse_term_args(
        start="2023-03-15",
        years="3",
        pretrial_days="312",
        regime="general",
        articles="228 ч.2",
        on="2024-06-01",
        judgment_final="2023-03-15",
    )
    assert parsed.on == date(2024, 6, 1)
    assert parsed.term.regime is Regime.GENERAL
    assert parsed.term.articles == tuple(parse_articles("228 ч.2"))
    assert parsed.term.judgment_final == date(2023, 3, 15)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"start": "15.03.2023"}, "start: “15.03.2023” is not a date (use YYYY-MM-DD)."),
        ({"years": "three"}, "years: “three” is not a whole number."),
        ({"on": "tomorrow"}, "on: “tomorrow” is not a date"),
        ({"articles": "228 xyz"}, "Could not read “xyz”"),
        ({"articles": "400"}, "Article 400"),
        ({"regime": "strict-ish"}, "Unknown regime “strict-ish”"),
        ({"months": "-2"}, "months cannot be negative."),
    ],
)
def test_parse_term_args_errors(kwargs: dict[str, str], message: str) -> None:
    args = {"start": "2023-03-15", "years": "3", "regime": "general"} | kwargs
    with pytest.raises(SentenceInputError, match=message.replace("(", r"\(").replace(")", r"\)")):
        parse_term_args(**args)


def test_term_json() -> None:
    parsed = parse_term_args(
        start="2023-03-15", years="3", pretrial_days="312", regime="general", on="2024-06-01"
    )
    data = term_json(parsed.term, RULES, parsed.on)
    assert data["credit_days"] == 468
    assert data["term_end"] == "2024-12-01"
    assert data["served_days"] == 913
    assert data["remaining_days"] == 183
    assert data["eligibility_lapses_on"] == "2024-06-01"
    assert data["on"] == "2024-06-01"
    assert data["credit_unverified"] is False
    assert all(isinstance(line, str) for line in data["explanation"])


def test_term_json_defaults_to_today() -> None:
    parsed = parse_term_args(start="2023-03-15", years="3", regime="strict")
    assert term_json(parsed.term, RULES)["on"] == date.today().isoformat()


def test_unknown_regime_in_rules_is_an_input_error() -> None:
    rules = CreditRules({Regime.STRICT: Fraction(1)}, Fraction(1, 2), (), 6)
    with pytest.raises(SentenceInputError, match="Unknown regime “general”"):
        compute_term(
            term(date(2024, 1, 1), "general", years=1, pretrial_days=3), rules, date(2024, 1, 1)
        )


# --- properties ------------------------------------------------------------------------------

starts = st.dates(min_value=date(1995, 1, 1), max_value=date(2040, 12, 31))
regimes = st.sampled_from(list(Regime))
lengths = st.tuples(st.integers(0, 25), st.integers(0, 11), st.integers(0, 60)).filter(
    lambda ymd: any(ymd)
)
custody = st.integers(0, 3000)
article_lists = st.sampled_from(["", "228 ч.2", "158 ч.3", "30 ч.3, 228.1 ч.4", "205.2"])


@given(starts, regimes, lengths, custody, custody, custody, article_lists)
def test_more_pretrial_never_ends_later(
    start: date,
    regime: Regime,
    length: tuple[int, int, int],
    p1: int,
    p2: int,
    house: int,
    articles: str,
) -> None:
    y, m, d = length
    low, high = sorted((p1, p2))
    ends = [
        compute_term(
            term(
                start,
                regime,
                years=y,
                months=m,
                days=d,
                pretrial_days=p,
                house_arrest_days=house,
                articles=articles,
            ),
            RULES,
            start,
        ).term_end
        for p in (low, high)
    ]
    assert ends[1] <= ends[0]


@given(starts, regimes, lengths, custody, custody, starts)
def test_invariants(
    start: date, regime: Regime, length: tuple[int, int, int], pretrial: int, house: int, on: date
) -> None:
    y, m, d = length
    r = compute_term(
        term(
            start,
            regime,
            years=y,
            months=m,
            days=d,
            pretrial_days=pretrial,
            house_arrest_days=house,
        ),
        RULES,
        on,
    )
    assert r.eligibility_lapses_on <= r.term_end
    assert r.served_days + r.remaining_days == r.total_days
    assert 0 <= r.remaining_days <= r.total_days
    assert r.total_days == (term_last_day(start, y, m, d) - start).days + 1
    if start - timedelta(days=1) <= on <= r.term_end:
        assert r.remaining_days == (r.term_end - on).days


@given(st.dates(min_value=date(1990, 1, 1), max_value=date(2060, 1, 1)), st.integers(0, 24))
def test_lapse_date_is_the_last_day_with_the_minimum_left(term_end: date, months: int) -> None:
    lapse = lapse_date(term_end, months)
    one = timedelta(days=1)

    def period_end(day_after: date) -> date:
        return add_months(day_after, months) - one

    assert lapse <= term_end
    assert period_end(lapse + one) <= term_end  # on the lapse date the minimum still remains
    assert period_end(lapse + 2 * one) > term_end or months == 0 and lapse == term_end


@given(lengths)
def test_days_only_sentence_counts_exact_days(length: tuple[int, int, int]) -> None:
    d = length[2] or 1
    r = compute_term(
        TermInput(start=date(2024, 2, 20), regime=Regime.STRICT, days=d), RULES, date(2024, 2, 20)
    )
    assert r.total_days == d
