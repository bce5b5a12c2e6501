"""Forms of the letters: the draft, review, sending, the answer, and the organisation settings."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import SelectField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length

from advocate.fields import (
    FlexibleDateField,
    MultiCheckboxField,
    NotInFuture,
    StrippedStringField,
    select_choices,
)
from advocate.letters.context import APPLICANT_ROLES, ORGANISATION_FIELDS, LetterInputs
from advocate.letters.dates import LANGUAGES
from advocate.letters.models import Channel, Outcome

LANGUAGE_LABELS = {"ru": _l("Russian"), "uz": _l("Uzbek (Latin script)"), "en": _l("English")}
ROLE_LABELS = {
    "person": _l("the person in detention"),
    "representative": _l("a representative"),
    "relative": _l("a relative"),
    "lawyer": _l("a lawyer"),
}
NONE = ""


class StrippedTextAreaField(StrippedStringField):
    """A stripped text field shown as a text area."""

    widget = TextAreaField.widget


def _text(label: Any, limit: int, *, area: bool = False) -> StrippedStringField:
    kind = StrippedTextAreaField if area else StrippedStringField
    return kind(label, validators=[Length(max=limit)])


def language_choices() -> list[Any]:
    """The letter languages for a select field."""
    return select_choices((code, LANGUAGE_LABELS[code]) for code in LANGUAGES)


class LetterForm(FlaskForm):
    """What the advocate chooses and types for one letter (the type is chosen before)."""

    lang = SelectField(_l("Language of the letter"), validators=[InputRequired()])
    addressee_id = SelectField(_l("Addressee"))
    addressee_name = _text(_l("Addressee as printed (overrides the choice above)"), 300,
                           area=True)
    addressee_address = _text(_l("Addressee's postal address"), 500, area=True)
    applicant_role = SelectField(_l("Who signs the letter"))
    applicant_name = _text(_l("Name of who signs, if not the person"), 200)
    applicant_relation = _text(_l("Relation to the person, or capacity"), 200)
    applicant_address = _text(_l("Their address"), 300)
    applicant_phone = _text(_l("Their phone"), 100)
    humanitarian_grounds = _text(_l("Humanitarian grounds (family, health)"), 3000, area=True)
    comment = _text(_l("An extra paragraph for the letter"), 3000, area=True)
    attachments = MultiCheckboxField(_l("Attachments"))
    previous_letter_id = SelectField(_l("The earlier letter this one follows up"))

    def set_choices(self, *, addressees: list[tuple[str, str]], documents: list[tuple[str, str]],
                    previous: list[tuple[str, str]]) -> None:
        """Fill the choices that depend on the case and the letter type."""
        self.lang.choices = language_choices()
        self.addressee_id.choices = select_choices(
            [(NONE, "—"), *addressees])
        self.applicant_role.choices = select_choices(
            (role, ROLE_LABELS[role]) for role in APPLICANT_ROLES)
        self.attachments.choices = select_choices(documents)
        self.previous_letter_id.choices = select_choices([(NONE, "—"), *previous])

    def fill(self, lang: str, addressee_id: str | None, inputs: LetterInputs,
             previous_letter_id: int | None, default_attachments: list[str]) -> None:
        """Show stored values."""
        self.lang.data = lang
        self.addressee_id.data = addressee_id or NONE
        for name in ("addressee_name", "addressee_address", "applicant_role", "applicant_name",
                     "applicant_relation", "applicant_address", "applicant_phone",
                     "humanitarian_grounds", "comment"):
            self[name].data = getattr(inputs, name)
        chosen = inputs.attachments
        self.attachments.data = list(chosen if chosen is not None else default_attachments)
        self.previous_letter_id.data = str(previous_letter_id) if previous_letter_id else NONE

    def inputs(self) -> LetterInputs:
        """The typed values as LetterInputs."""
        return LetterInputs(
            addressee_name=self.addressee_name.data or "",
            addressee_address=self.addressee_address.data or "",
            applicant_role=self.applicant_role.data or "person",
            applicant_name=self.applicant_name.data or "",
            applicant_relation=self.applicant_relation.data or "",
            applicant_address=self.applicant_address.data or "",
            applicant_phone=self.applicant_phone.data or "",
            humanitarian_grounds=self.humanitarian_grounds.data or "",
            comment=self.comment.data or "",
            attachments=list(self.attachments.data or []),
        )

    def previous_id(self) -> int | None:
        """The chosen earlier letter's id, or None."""
        value = self.previous_letter_id.data
        return int(value) if value and str(value).isdigit() else None


class ReturnForm(FlaskForm):
    """The reviewer's comment when returning a letter."""

    comment = _text(_l("What should change (no names or numbers of the person)"), 2000, area=True)


class SentForm(FlaskForm):
    """How and when an approved letter went out."""

    sent_on = FlexibleDateField(_l("Sent on"), validators=[DataRequired(), NotInFuture()])
    channel = SelectField(_l("How"), validators=[InputRequired()])
    tracking_number = _text(_l("Tracking number"), 100)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.channel.choices = select_choices((c.value, c.label) for c in Channel)


class AnswerForm(FlaskForm):
    """The answer to a sent letter, with an optional scan of the reply."""

    answer_on = FlexibleDateField(_l("Answer received on"),
                                  validators=[DataRequired(), NotInFuture()])
    outcome = SelectField(_l("What the answer says"), validators=[InputRequired()])
    note = _text(_l("Note (no names or numbers of the person)"), 2000, area=True)
    reply = FileField(_l("Scan of the reply (PDF, JPEG or PNG)"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.outcome.choices = select_choices((o.value, o.label) for o in Outcome)


class ButtonForm(FlaskForm):
    """A form with only the CSRF token (submit, approve)."""


ORGANISATION_LABELS = {
    "name": _l("Organisation name"),
    "address": _l("Postal address"),
    "letterhead": _l("Letterhead lines (one per line: registration, website...)"),
    "signatory_name": _l("Signatory's name"),
    "signatory_position": _l("Signatory's position"),
}


class OrganisationForm(FlaskForm):
    """The letterhead, signatory and number format; the texts once per letter language."""

    phone = _text(_l("Phone"), 100)
    email = _text(_l("Email"), 200)
    number_format = _text(_l("Outgoing number format"), 40)

    @classmethod
    def field_name(cls, lang: str, name: str) -> str:
        """The form field holding one organisation text in one language."""
        return f"{lang}_{name}"


def _add_language_fields() -> None:
    """One field per organisation text and letter language (ru_name, uz_name, ...)."""
    for lang in LANGUAGES:
        for name in ORGANISATION_FIELDS:
            field = _text(ORGANISATION_LABELS[name], 1000 if name == "letterhead" else 300,
                          area=name in ("letterhead", "address"))
            setattr(OrganisationForm, OrganisationForm.field_name(lang, name), field)


_add_language_fields()

