"""Forms of the vault: the reason for a reveal, the identity record, a contact."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import TextAreaField
from wtforms.validators import Length, ValidationError

from advocate.fields import FlexibleDateField, NotInFuture, StrippedStringField
from advocate.identity.models import CONTACT_FIELDS, IDENTITY_FIELDS
from advocate.identity.vault import FIELD_LABELS, MAX_LENGTHS, ContactData, IdentityData


class StrippedTextAreaField(StrippedStringField):
    """A stripped text field shown as a text area."""

    widget = TextAreaField.widget


def _text(name: str, *, area: bool = False) -> StrippedStringField:
    kind = StrippedTextAreaField if area else StrippedStringField
    return kind(FIELD_LABELS[name], validators=[Length(max=MAX_LENGTHS[name])])


class RevealForm(FlaskForm):
    """The "show" action: a reason, required of those who are not on the case."""

    reason = StrippedTextAreaField(
        _l("Reason for looking at the identity"), validators=[Length(max=500)]
    )


class IdentityForm(FlaskForm):
    """The identity record; every field is optional."""

    full_name_latin = _text("full_name_latin")
    full_name_cyrillic = _text("full_name_cyrillic")
    other_spellings = _text("other_spellings", area=True)
    birth_date = FlexibleDateField(FIELD_LABELS["birth_date"], validators=[NotInFuture()])
    birth_place = _text("birth_place")
    passport_number = _text("passport_number")
    passport_issued = _text("passport_issued")
    address_uz = _text("address_uz", area=True)
    phones = _text("phones", area=True)

    def fill(self, data: IdentityData) -> None:
        """Show stored values in the fields."""
        for name, value in vars(data).items():
            self[name].data = value

    def to_data(self) -> IdentityData:
        """The submitted values."""
        values = {name: self[name].data or "" for name in IDENTITY_FIELDS}
        values["birth_date"] = self.birth_date.data
        return IdentityData(**values)


class ContactForm(FlaskForm):
    """One contact of the person: a relative, a friend, a lawyer."""

    name = _text("name")
    relation = _text("relation")
    phone = _text("phone")
    messenger = _text("messenger")
    notes = _text("notes", area=True)

    def fill(self, data: ContactData) -> None:
        """Show stored values in the fields."""
        for name, value in data.as_text().items():
            self[name].data = value

    def to_data(self, contact_id: int | None) -> ContactData:
        """The submitted values."""
        return ContactData(id=contact_id, **{n: self[n].data or "" for n in CONTACT_FIELDS})

    def validate_name(self, field: StrippedStringField) -> None:
        """A contact needs at least a name or a phone number."""
        if not field.data and not self.phone.data:
            raise ValidationError(_("Enter a name or a phone number."))


class ConfirmForm(FlaskForm):
    """A button that only carries the CSRF token."""
