"""WTForms fields and validators shared by every form of the app.

They never raise on user input: whatever is typed becomes either data or an error message on the
field, and an invalid value is shown back as typed so that it can be corrected.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, date, datetime, timedelta
from typing import Any

from flask_babel import gettext as _
from wtforms import Field, SelectChoice, SelectMultipleField, StringField
from wtforms.form import BaseForm
from wtforms.validators import ValidationError
from wtforms.widgets import CheckboxInput, ListWidget, TextInput

# re.ASCII: only 0-9 are digits; int() would also accept Arabic-Indic or full-width digits.
_ISO_DATE = re.compile(r"([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})", re.ASCII)
_DOTTED_DATE = re.compile(r"([0-9]{1,2})\.([0-9]{1,2})\.([0-9]{4})", re.ASCII)

#: No date the app records (arrest, judgment, term start...) is older than this.
MIN_YEAR = 1900

# ASCII control characters except tab and newline (carriage returns are normalised away first).
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")

# The latest UTC offset in use (UTC+14): "today" somewhere on Earth is at most this far ahead.
_LATEST_OFFSET = timedelta(hours=14)


def _date_format_message() -> str:
    """The one message for any date that cannot be read."""
    return _("Enter a date as YYYY-MM-DD or DD.MM.YYYY.")


def parse_flexible_date(text: str, *, min_year: int = MIN_YEAR) -> date | None:
    """Read YYYY-MM-DD, DD.MM.YYYY or D.M.YYYY; None when blank; ValueError with a message."""
    text = text.strip()
    if not text:
        return None
    if match := _ISO_DATE.fullmatch(text):
        year, month, day = (int(g) for g in match.groups())
    elif match := _DOTTED_DATE.fullmatch(text):
        day, month, year = (int(g) for g in match.groups())
    else:
        raise ValueError(_date_format_message())
    try:
        value = date(year, month, day)
    except ValueError:  # 2024-02-30, 0000-00-00: the calendar refuses them
        raise ValueError(_date_format_message()) from None
    if value.year < min_year:
        raise ValueError(_("Enter a date from %(year)s on.", year=min_year))
    return value


class _StopOnProcessErrors(Field):
    """A field whose unreadable input is reported alone, without running the validators.

    Otherwise DataRequired would replace "Enter a date as ..." by "This field is required." for an
    impossible date (its data is None), and NotBefore would compare nothing.
    """

    def validate(self, form: BaseForm, extra_validators: Sequence[Any] = ()) -> bool:
        """Validate as usual unless the input could not be read."""
        if self.process_errors:
            self.errors = list(self.process_errors)
            return False
        return super().validate(form, extra_validators)


class FlexibleDateField(_StopOnProcessErrors):
    """A text input for a date typed as YYYY-MM-DD, DD.MM.YYYY or D.M.YYYY; blank is None.

    Make it required with DataRequired, not InputRequired: InputRequired lets "   " through,
    which is a blank date (None).
    """

    widget = TextInput()

    def __init__(self, *args: Any, min_year: int = MIN_YEAR, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.min_year = min_year

    def process_data(self, value: Any) -> None:
        """Take a date (or datetime, or text) from the object or default."""
        if isinstance(value, datetime):
            self.data = value.date()
        elif isinstance(value, str):
            self.data = parse_flexible_date(value, min_year=self.min_year)
        else:
            self.data = value

    def process_formdata(self, valuelist: list[str]) -> None:
        """Read the submitted text; an unreadable date leaves None and a process error."""
        if not valuelist:
            return
        self.data = None
        self.data = parse_flexible_date(valuelist[0], min_year=self.min_year)

    def _value(self) -> str:
        """What the input shows: the text as typed, or the stored date in ISO form."""
        if self.raw_data:
            return str(self.raw_data[0])
        return self.data.isoformat() if isinstance(self.data, date) else ""


class NotInFuture:
    """Refuse a date later than today (today anywhere on Earth, so no time zone refuses today)."""

    def __init__(
        self, message: str | None = None, *, today: Callable[[], date] | None = None
    ) -> None:
        self.message = message
        self.today = today or latest_today

    def __call__(self, form: BaseForm, field: Field) -> None:
        """Raise ValidationError when the field's date is after today; blank passes."""
        if field.data is None:
            return
        if field.data > self.today():
            message = (
                self.message
                if self.message is not None
                else _("This date cannot be in the future.")
            )
            raise ValidationError(str(message))


def latest_today() -> date:
    """Today's date in the time zone furthest ahead (UTC+14)."""
    return (datetime.now(UTC) + _LATEST_OFFSET).date()


class NotBefore:
    """Refuse a date earlier than another date field of the form; either one blank passes."""

    def __init__(self, other_field_name: str, message: str | None = None) -> None:
        self.other_field_name = other_field_name
        self.message = message

    def __call__(self, form: BaseForm, field: Field) -> None:
        """Raise ValidationError when this date is before the other field's date."""
        other = form[self.other_field_name]  # a wrong name is a programming error: KeyError
        if field.data is None or other.data is None:
            return
        if field.data < other.data:
            message = self.message
            if message is None:
                message = _("This date cannot be before %(other)s.", other=other.label.text)
            raise ValidationError(str(message))


def strip_control_characters(text: str) -> tuple[str, bool]:
    """Normalise line ends and drop ASCII control characters but tab and newline; say if any."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    cleaned = _CONTROL.sub("", text)
    return cleaned, cleaned != text


class StrippedStringField(_StopOnProcessErrors, StringField):
    """A text field that strips surrounding whitespace and refuses invisible control characters.

    Carriage returns are normalised to newlines rather than refused, since browsers submit every
    textarea with CRLF line ends. When control characters are refused, the field shows the text
    without them, so that saving again stores what the user can see.
    """

    def process_formdata(self, valuelist: list[str]) -> None:
        """Read, normalise and strip the submitted text."""
        if not valuelist:
            return
        cleaned, had_controls = strip_control_characters(valuelist[0])
        self.data = cleaned.strip()
        if had_controls:
            raise ValueError(
                _(
                    "This text contained invisible control characters. They have been removed:"
                    " check the text and save again."
                )
            )

    def _value(self) -> str:
        """What the input shows: the cleaned text, never the raw control characters."""
        return self.data if isinstance(self.data, str) else ""


class MultiCheckboxField(SelectMultipleField):
    """A multiple choice rendered as a list of checkboxes (e.g. languages spoken)."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()

    def process_formdata(self, valuelist: Iterable[str]) -> None:
        """Read the ticked values once each, in the order submitted."""
        super().process_formdata(list(dict.fromkeys(valuelist)))


def select_choices(pairs: Iterable[tuple[str, object]]) -> list[SelectChoice]:
    """SelectChoice objects from (value, label) pairs, e.g. `select_choices(Sex.choices())`.

    WTForms 3.3 deprecates tuple choices, and the test suite turns that warning into an error.
    """
    return [SelectChoice(value, str(label)) for value, label in pairs]
