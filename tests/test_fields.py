"""Shared form fields: flexible dates, date validators, stripped text, checkbox lists."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st
from werkzeug.datastructures import MultiDict
from wtforms import Form
from wtforms.validators import DataRequired, Optional

from advocate.cases.vocab import Sex
from advocate.fields import (
    FlexibleDateField,
    MultiCheckboxField,
    NotBefore,
    NotInFuture,
    StrippedStringField,
    latest_today,
    parse_flexible_date,
    select_choices,
)

DATE_MESSAGE = "Enter a date as YYYY-MM-DD or DD.MM.YYYY."
TODAY = date(2026, 3, 15)


class DateForm(Form):
    arrest = FlexibleDateField("Date of arrest", [Optional(), NotInFuture(today=lambda: TODAY)])
    judgment = FlexibleDateField(
        "Judgment date",
        [Optional(), NotInFuture(today=lambda: TODAY), NotBefore("arrest")],
    )
    final = FlexibleDateField(
        "Date the judgment became final",
        [Optional(), NotBefore("judgment", "The judgment became final before it was given.")],
    )
    required = FlexibleDateField("Term start", [DataRequired()])


def _form(**values: str) -> DateForm:
    return DateForm(MultiDict(values))


def _errors(form: DateForm, name: str) -> list[str]:
    form.validate()
    return list(form[name].errors)


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("2024-04-15", date(2024, 4, 15)),
        ("15.04.2024", date(2024, 4, 15)),
        ("5.4.2024", date(2024, 4, 5)),
        ("05.4.2024", date(2024, 4, 5)),
        ("2024-4-5", date(2024, 4, 5)),
        ("  2024-04-15\t", date(2024, 4, 15)),
        (" 29.02.2024 ", date(2024, 2, 29)),
        ("1900-01-01", date(1900, 1, 1)),
    ],
)
def test_accepted_formats(typed: str, expected: date) -> None:
    form = _form(arrest=typed)
    assert form.arrest.data == expected
    assert form.arrest.validate(form)
    assert form.arrest.errors == []


@pytest.mark.parametrize(
    "typed",
    [
        "2024-02-30",
        "0000-00-00",
        "31.04.2024",
        "29.02.2023",
        "2024-13-01",
        "00.01.2024",
        "15/04/2024",
        "15.04.24",
        "2024.04.15",
        "yesterday",
        "2024-04-15T10:00",
        "١٥.٠٤.٢٠٢٤",  # Arabic-Indic digits
        "１５.０４.２０２４",  # full-width digits
        "15 . 04 . 2024",
        "99999-01-01",
        "2024-04-15\x00",
    ],
)
def test_impossible_or_unreadable_dates_get_the_clear_message(typed: str) -> None:
    form = _form(arrest=typed)
    assert form.arrest.data is None
    assert not form.validate()
    assert form.arrest.errors == [DATE_MESSAGE]


def test_invalid_date_renders_back_as_typed() -> None:
    form = _form(arrest="2024-02-30")
    form.validate()
    assert 'value="2024-02-30"' in form.arrest()


def test_valid_date_renders_as_typed_and_object_date_as_iso() -> None:
    assert 'value="15.04.2024"' in _form(arrest="15.04.2024").arrest()

    class Case:
        arrest = date(2023, 1, 2)
        judgment = datetime(2023, 5, 6, 12, 0, tzinfo=UTC)
        final = None
        required = None

    form = DateForm(obj=Case())
    assert form.arrest.data == date(2023, 1, 2)
    assert form.judgment.data == date(2023, 5, 6)
    assert 'value="2023-01-02"' in form.arrest()
    assert 'value=""' in form.final()


def test_years_before_1900_are_refused() -> None:
    assert _errors(_form(arrest="0001-01-01"), "arrest") == ["Enter a date from 1900 on."]
    assert _errors(_form(arrest="31.12.1899"), "arrest") == ["Enter a date from 1900 on."]


@pytest.mark.parametrize("blank", ["", "   ", "\t"])
def test_blank_is_none_when_optional(blank: str) -> None:
    form = _form(arrest=blank, required="2024-01-01")
    assert form.validate(), form.errors
    assert form.arrest.data is None


@pytest.mark.parametrize("blank", ["", "  "])
def test_blank_required_says_required(blank: str) -> None:
    form = _form(required=blank)
    assert not form.validate()
    assert form.required.errors == ["This field is required."]


@pytest.mark.parametrize("typed", ["2024-02-30", "0000-00-00"])
def test_impossible_date_in_a_required_field_keeps_the_clear_message(typed: str) -> None:
    form = _form(required=typed)
    form.validate()
    assert form.required.errors == [DATE_MESSAGE]


def test_field_absent_from_the_post_keeps_object_data() -> None:
    form = DateForm(MultiDict({"judgment": "2024-01-01"}), arrest=date(2023, 1, 1))
    assert form.arrest.data == date(2023, 1, 1)


def test_not_in_future() -> None:
    assert _errors(_form(arrest="2026-03-16"), "arrest") == ["This date cannot be in the future."]
    assert _errors(_form(arrest="2026-03-15"), "arrest") == []
    assert _errors(_form(arrest="14.03.2026"), "arrest") == []


def test_not_in_future_custom_message() -> None:
    class F(Form):
        when = FlexibleDateField("When", [NotInFuture("Not yet.", today=lambda: TODAY)])

    form = F(MultiDict({"when": "2030-01-01"}))
    assert not form.validate()
    assert form.when.errors == ["Not yet."]


def test_latest_today_is_today_somewhere() -> None:
    utc_today = datetime.now(UTC).date()
    assert latest_today() in {utc_today, utc_today + timedelta(days=1)}

    class F(Form):
        when = FlexibleDateField("When", [NotInFuture()])

    assert F(MultiDict({"when": utc_today.isoformat()})).validate()
    day_after = (utc_today + timedelta(days=2)).isoformat()
    assert not F(MultiDict({"when": day_after})).validate()


def test_not_before_default_message_names_the_other_field() -> None:
    form = _form(arrest="2024-05-01", judgment="2024-04-30")
    assert not form.validate()
    assert form.judgment.errors == ["This date cannot be before Date of arrest."]


def test_not_before_allows_same_day_and_later() -> None:
    assert _errors(_form(arrest="2024-05-01", judgment="01.05.2024"), "judgment") == []
    assert _errors(_form(arrest="2024-05-01", judgment="2024-05-02"), "judgment") == []


def test_not_before_custom_message() -> None:
    form = _form(judgment="2024-05-01", final="2024-04-01")
    form.validate()
    assert form.final.errors == ["The judgment became final before it was given."]


@pytest.mark.parametrize("arrest", ["", "2024-02-30"])
def test_not_before_skips_when_the_other_field_is_blank_or_invalid(arrest: str) -> None:
    form = _form(arrest=arrest, judgment="2020-01-01")
    form.validate()
    assert form.judgment.errors == []


def test_not_before_with_a_wrong_field_name_fails_loudly() -> None:
    class F(Form):
        when = FlexibleDateField("When", [NotBefore("nonexistent")])

    with pytest.raises(KeyError):
        F(MultiDict({"when": "2024-01-01"})).validate()


@given(st.dates(min_value=date(1900, 1, 1), max_value=date(9999, 12, 31)))
def test_every_date_round_trips_in_every_format(value: date) -> None:
    for text in (
        value.isoformat(),
        f"{value.day:02d}.{value.month:02d}.{value.year}",
        f"{value.day}.{value.month}.{value.year}",
        f" {value.year}-{value.month}-{value.day} ",
    ):
        assert parse_flexible_date(text) == value


@given(st.text(max_size=30))
def test_any_input_is_data_or_a_message_never_an_exception(typed: str) -> None:
    class F(Form):
        when = FlexibleDateField("When", [Optional()])

    form = F(MultiDict({"when": typed}))
    valid = form.validate()
    if valid:
        assert form.when.data is None or isinstance(form.when.data, date)
        if form.when.data is None:
            assert typed.strip() == ""
    else:
        assert form.when.data is None
        assert form.when.errors in ([DATE_MESSAGE], ["Enter a date from 1900 on."])
    form.when()  # renders whatever was typed


# --- StrippedStringField -------------------------------------------------------------------------

CONTROL_MESSAGE = (
    "This text contained invisible control characters. They have been removed:"
    " check the text and save again."
)


class TextForm(Form):
    facility = StrippedStringField("Facility")
    narrative = StrippedStringField("Narrative", [Optional()])
    court = StrippedStringField("Court", [DataRequired()])


def test_text_is_stripped() -> None:
    form = TextForm(MultiDict({"facility": "  ИК-2 Мордовия \n", "court": " суд "}))
    assert form.validate()
    assert form.facility.data == "ИК-2 Мордовия"
    assert form.court.data == "суд"


def test_tabs_newlines_and_crlf_are_kept_as_newlines() -> None:
    form = TextForm(MultiDict({"narrative": "line one\r\nline\ttwo\rline three", "court": "x"}))
    assert form.validate()
    assert form.narrative.data == "line one\nline\ttwo\nline three"


@pytest.mark.parametrize(
    "control", ["\x00", "\x07", "\x08", "\x0b", "\x0c", "\x1b", "\x1f", "\x7f"]
)
def test_control_characters_are_refused_and_shown_removed(control: str) -> None:
    form = TextForm(MultiDict({"facility": f"IK{control}-2", "court": "x"}))
    assert not form.validate()
    assert form.facility.errors == [CONTROL_MESSAGE]
    assert form.facility.data == "IK-2"
    assert 'value="IK-2"' in form.facility()


def test_trailing_control_character_is_refused_not_silently_stripped() -> None:
    # str.strip() treats \x1c-\x1f as whitespace; they must still be reported.
    form = TextForm(MultiDict({"facility": "IK-2\x1e", "court": "x"}))
    assert not form.validate()
    assert form.facility.errors == [CONTROL_MESSAGE]


def test_control_characters_with_data_required_keep_the_clear_message() -> None:
    form = TextForm(MultiDict({"court": "\x00"}))
    assert not form.validate()
    assert form.court.errors == [CONTROL_MESSAGE]


def test_blank_text() -> None:
    form = TextForm(MultiDict({"facility": "   ", "narrative": "", "court": " "}))
    assert not form.validate()
    assert form.facility.data == ""
    assert form.narrative.errors == []
    assert form.court.errors == ["This field is required."]


@given(st.text(alphabet=st.characters(blacklist_categories=("Cc", "Cs"))))
def test_text_without_controls_is_only_stripped(text: str) -> None:
    form = TextForm(MultiDict({"facility": text, "court": "x"}))
    assert form.validate()
    assert form.facility.data == text.strip()


# --- MultiCheckboxField -------------------------------------------------------------------------

LANGUAGES = select_choices(
    [("uz", "Uzbek"), ("ru", "Russian"), ("kaa", "Karakalpak"), ("tg", "Tajik")]
)


class LanguagesForm(Form):
    languages = MultiCheckboxField("Languages spoken", choices=LANGUAGES)


def test_checkboxes_render_with_labels_and_checked_state() -> None:
    form = LanguagesForm(MultiDict([("languages", "uz"), ("languages", "kaa")]))
    html = form.languages()
    assert html.startswith("<ul")
    assert html.count('type="checkbox"') == 4
    assert html.count("checked") == 2
    assert '<input checked id="languages-0" name="languages" type="checkbox" value="uz">' in html
    assert '<label for="languages-3">Tajik</label>' in html


def test_ticked_values_become_data_once_each() -> None:
    form = LanguagesForm(MultiDict([("languages", "ru"), ("languages", "uz"), ("languages", "ru")]))
    assert form.validate()
    assert form.languages.data == ["ru", "uz"]


def test_nothing_ticked_is_an_empty_list() -> None:
    form = LanguagesForm(MultiDict({"other": "x"}))
    assert form.validate()
    assert form.languages.data == []


def test_unknown_value_is_refused() -> None:
    form = LanguagesForm(MultiDict([("languages", "uz"), ("languages", "klingon")]))
    assert not form.validate()
    assert form.languages.errors == ["'klingon' is not a valid choice for this field."]


def test_object_data_checks_the_boxes() -> None:
    form = LanguagesForm(languages=["tg"])
    assert 'checked id="languages-3"' in form.languages()


def test_select_choices_from_vocabulary_pairs() -> None:
    choices = select_choices(Sex.choices())
    assert [(c.value, c.label) for c in choices] == [
        ("male", "male"),
        ("female", "female"),
        ("unknown", "unknown"),
    ]
    assert all(isinstance(c.label, str) for c in choices)
