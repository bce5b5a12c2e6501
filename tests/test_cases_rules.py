"""The case record rules, on their own: dates in order, ranges, articles, regime, claims."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from advocate.cases import rules
from advocate.cases.search import fold

TODAY = date(2026, 3, 1)


def check(**values):
    return rules.check_case(values, today=TODAY)


def test_a_plain_record_passes():
    assert check(
        custody_type="colony", regime="strict", arrest_date=date(2023, 1, 5),
        judgment_date=date(2023, 6, 1), judgment_final_date=date(2023, 7, 1),
        articles="228 ч.2", birth_year=1990, sentence_years=8, sentence_months=6,
        languages="uz,ru", region_ru="tatarstan", region_uz="fergana",
    ) == {}


def test_future_dates_are_refused_on_every_date_field():
    tomorrow = TODAY + timedelta(days=1)
    for name in ("arrest_date", "custody_date", "judgment_date", "judgment_final_date",
                 "term_start", "military_contract_date"):
        assert check(**{name: tomorrow}) == {name: ["This date cannot be in the future."]}


def test_judgment_before_arrest_and_final_before_judgment():
    errors = check(arrest_date=date(2023, 5, 1), judgment_date=date(2023, 4, 1),
                   judgment_final_date=date(2023, 3, 1))
    assert errors["judgment_date"] == ["This date cannot be before date of arrest."]
    assert errors["judgment_final_date"] == ["This date cannot be before judgment date."]


def test_same_day_is_not_before():
    day = date(2023, 5, 1)
    assert check(arrest_date=day, judgment_date=day, judgment_final_date=day) == {}


def test_ranges():
    errors = check(sentence_years=36, sentence_months=12, sentence_days=31, pretrial_days=-1,
                   birth_year=1900)
    assert errors["sentence_years"] == ["Enter a number from 0 to 35."]
    assert errors["sentence_months"] == ["Enter a number from 0 to 11."]
    assert errors["sentence_days"] == ["Enter a number from 0 to 30."]
    assert errors["pretrial_days"] == ["Enter a number from 0 to 7320."]
    assert errors["birth_year"] == ["Enter a number from 1920 to 2026."]


def test_articles_must_parse_and_are_normalised():
    assert "articles" in check(articles="228 ч.2, abc")
    assert rules.normalise_articles("228(2);  30 part 3") == "228 ч.2, 30 ч.3"


def test_regime_only_for_colony_or_prison_custody():
    assert check(custody_type="sizo", regime="strict") == {
        "regime": ["A regime is recorded only for a person held in a penal colony or a prison."]
    }
    assert check(custody_type=None, regime="general") != {}
    assert check(custody_type="prison", regime="strict") == {
        "regime": ["A person held in a prison serves the prison regime."]
    }
    assert check(custody_type="prison", regime="prison") == {}
    assert check(custody_type="colony", regime="settlement") == {}


def test_unknown_codes_are_refused():
    errors = check(sex="x", region_ru="atlantis", languages="uz,xx")
    assert errors == {
        "sex": ["Unknown value: x."],
        "region_ru": ["Unknown region code: atlantis."],
        "languages": ["Unknown value: xx."],
    }


def test_region_of_russia_only_for_custody_in_russia():
    assert check(custody_country="KZ", region_ru="tatarstan") == {
        "region_ru": ["A region of Russia is recorded only for custody in Russia."]
    }


def test_claim_rules():
    assert rules.check_claim({"type": ""}, today=TODAY) == {
        "type": ["Choose the type of coercion."]
    }
    errors = rules.check_claim(
        {"type": "beating", "date_from": date(2024, 5, 2), "date_to": date(2024, 5, 1)},
        today=TODAY,
    )
    assert errors == {"date_to": ["The end of the period cannot be before its start."]}
    errors = rules.check_claim({"type": "beating", "date_to": date(2024, 5, 1)}, today=TODAY)
    assert errors == {"date_from": ["A period needs its start date too."]}


@given(st.dates(min_value=date(1950, 1, 1), max_value=TODAY),
       st.dates(min_value=date(1950, 1, 1), max_value=TODAY))
def test_judgment_and_arrest_order_property(arrest, judgment):
    errors = check(arrest_date=arrest, judgment_date=judgment)
    assert ("judgment_date" in errors) == (judgment < arrest)


@given(st.text(max_size=40))
def test_fold_is_idempotent_and_case_blind(text):
    assert fold(fold(text)) == fold(text)
    assert fold(text.casefold()) == fold(text)


def test_fold_cyrillic_and_uzbek_apostrophes():
    assert fold("Иванов") == fold("иванов") == "иванов"
    assert fold("ЁЛКИН") == "елкин"
    forms = ["Gʻulomov", "G'ulomov", "G‘ulomov", "G’ulomov", "G`ulomov", "gʼulomov"]
    assert {fold(f) for f in forms} == {"g'ulomov"}


def test_every_extra_vocabulary_value_has_its_own_label():
    from advocate.cases import terms

    assert terms.Language.OTHER.label == "other"
    assert terms.Country.OTHER.label == "another country"
    assert terms.PaymentStatus.NONE.label == "none"
    for enum in (terms.Language, terms.Country, terms.PaymentStatus, terms.YesNoUnknown):
        assert [value for value, _label in enum.choices()] == [m.value for m in enum]
