"""Forms of the case pages. Parsing happens here; the rules live in `rules` and run on submit."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal, InvalidOperation
from typing import Any

from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, Field, HiddenField, IntegerField, SelectField
from wtforms.validators import DataRequired, Optional
from wtforms.widgets import TextArea, TextInput

from advocate.cases import regions_ru, rules, vocab
from advocate.cases.models import Case, Claim
from advocate.cases.record import (
    BOOL,
    CASE_FIELDS,
    CHOICE,
    CHOICES,
    CLAIM_FIELDS,
    DATE,
    INT,
    LONGTEXT,
    MONEY,
    REGION_RU,
    FieldSpec,
    split_codes,
)
from advocate.fields import (
    FlexibleDateField,
    MultiCheckboxField,
    NotInFuture,
    StrippedStringField,
    select_choices,
)

_BLANK = ("", "—")
_YES_NO = (("", "—"), ("yes", _l("yes")), ("no", _l("no")))


class MoneyField(Field):
    """An amount in roubles typed as 1500, 1 500,50 or 1500.50; blank is None."""

    widget = TextInput()

    def process_formdata(self, valuelist: list[str]) -> None:
        """Read the amount; an unreadable one leaves None and an error."""
        if not valuelist:
            return
        text = valuelist[0].replace("\u00a0", "").replace("\u202f", "").replace(" ", "")
        self.data = None
        if not text:
            return
        try:
            self.data = Decimal(text.replace(",", "."))
        except InvalidOperation:
            raise ValueError(_("Enter an amount such as 1500 or 1500,50.")) from None

    def _value(self) -> str:
        if self.raw_data:
            return str(self.raw_data[0])
        return "" if self.data is None else f"{self.data}"


def _language() -> str:
    locale = get_locale()
    return locale.language if locale is not None else "en"


def _choices(spec: FieldSpec) -> list[Any]:
    if spec.kind == REGION_RU:
        return select_choices([_BLANK, *regions_ru.choices(_language())])
    assert spec.enum is not None  # noqa: S101 — every choice spec names its enum
    pairs = spec.enum.choices()  # type: ignore[attr-defined]
    return select_choices(pairs if spec.kind == CHOICES else [_BLANK, *pairs])


def _make_field(spec: FieldSpec, required: object = None) -> Field:
    """The WTForms field for one stored field; `required` is the message when it must be set."""
    label = spec.label
    if required is not None:
        return SelectField(label, choices=lambda s=spec: _choices(s),
                           validators=[DataRequired(message=required)])
    if spec.kind == DATE:
        return FlexibleDateField(label, validators=[Optional(), NotInFuture()])
    if spec.kind == INT:
        return IntegerField(label, validators=[Optional()])
    if spec.kind == MONEY:
        return MoneyField(label)
    if spec.kind in (CHOICE, REGION_RU):
        return SelectField(label, choices=lambda s=spec: _choices(s), default="")
    if spec.kind == CHOICES:
        return MultiCheckboxField(label, choices=lambda s=spec: _choices(s))
    if spec.kind == BOOL:
        return SelectField(label, choices=lambda: select_choices(_YES_NO), default="")
    if spec.kind == LONGTEXT:
        return StrippedStringField(label, widget=TextArea())
    return StrippedStringField(label)


def _bool_to_form(value: bool | None) -> str:
    return "" if value is None else ("yes" if value else "no")


def _form_to_bool(value: str | None) -> bool | None:
    return {"yes": True, "no": False}.get(value or "")


class _RecordForm(FlaskForm):
    """A form whose fields mirror a list of FieldSpecs, validated by a rules function."""

    specs: tuple[FieldSpec, ...] = ()

    def values(self) -> dict[str, Any]:
        """The parsed values by field name, ready for the operations."""
        result: dict[str, Any] = {}
        for spec in self.specs:
            data = self[spec.name].data
            if spec.kind == BOOL:
                data = _form_to_bool(data)
            elif spec.kind in (CHOICE, REGION_RU):
                data = data or None
            elif spec.kind == CHOICES:
                data = list(data or [])
            result[spec.name] = data
        return result

    def check(self, values: dict[str, Any]) -> dict[str, list[str]]:
        """The rule errors for these values: abstract, each record form (case, claim) gives its
        own rules; the base class only parses."""
        raise NotImplementedError(f"{type(self).__name__} must define its record rules")

    def validate(self, extra_validators: Any = None) -> bool:
        """Parse every field, then run the record rules over what parsed, showing every error."""
        parsed = super().validate(extra_validators)
        values = {k: v for k, v in self.values().items() if not self[k].errors}
        rule_errors = self.check(values)
        self.attach(rule_errors)
        return parsed and not rule_errors

    def attach(self, errors: dict[str, list[str]]) -> None:
        """Show errors (from the rules or the operations) on their fields."""
        for name, messages in errors.items():
            target = self._fields.get(name)
            for message in messages:
                if target is None:
                    self.form_errors.append(message)
                elif message not in target.errors:
                    target.errors = [*target.errors, message]

    @staticmethod
    def _initial(obj: Any, specs: Iterable[FieldSpec]) -> dict[str, Any]:
        data: dict[str, Any] = {}
        for spec in specs:
            value = getattr(obj, spec.name)
            if spec.kind == CHOICES:
                value = split_codes(value)
            elif spec.kind == BOOL:
                value = _bool_to_form(value)
            elif value is None and spec.kind in (CHOICE, REGION_RU):
                value = ""
            data[spec.name] = value
        return data


class CaseForm(_RecordForm):
    """The case record (new case and edit)."""

    specs = CASE_FIELDS
    version = HiddenField()

    def check(self, values: dict[str, Any]) -> dict[str, list[str]]:
        """The rules of the case record."""
        return rules.check_case(values)

    @classmethod
    def for_case(cls, case: Case) -> CaseForm:
        """The edit form, filled from the case (the submitted data wins on POST)."""
        data = cls._initial(case, CASE_FIELDS)
        data["version"] = str(case.version)
        return cls(data=data)

    def submitted_version(self) -> int:
        """The version the form was built from (0 if tampered with: always stale)."""
        try:
            return int(self.version.data)
        except (TypeError, ValueError):
            return 0


class ClaimForm(_RecordForm):
    """A claim of coercion."""

    specs = CLAIM_FIELDS

    def check(self, values: dict[str, Any]) -> dict[str, list[str]]:
        """The rules of a claim."""
        return rules.check_claim(values)

    @classmethod
    def for_claim(cls, claim: Claim) -> ClaimForm:
        """The edit form, filled from the claim."""
        return cls(data=cls._initial(claim, CLAIM_FIELDS))


for _spec in CASE_FIELDS:
    setattr(CaseForm, _spec.name, _make_field(_spec))
for _spec in CLAIM_FIELDS:
    _required = _l("Choose the type of coercion.") if _spec.name == "type" else None
    setattr(ClaimForm, _spec.name, _make_field(_spec, _required))
del _spec, _required


class NoteForm(FlaskForm):
    """A free note on the timeline."""

    text = StrippedStringField(
        _l("Note"), widget=TextArea(),
        validators=[DataRequired(message=_l("Write the note first."))],
    )


class StatusForm(FlaskForm):
    """Move the case through the workflow."""

    target = SelectField(_l("New status"), choices=[])
    closing_reason = SelectField(
        _l("Closing reason"),
        choices=lambda: select_choices([_BLANK, *vocab.ClosingReason.choices()]), default="",
    )
    comment = StrippedStringField(_l("Comment (optional)"), widget=TextArea())

    def set_targets(self, statuses: Iterable[Any]) -> None:
        """Offer only the statuses this user may move the case to."""
        self.target.choices = select_choices([(s.value, s.label) for s in statuses])


class AssignForm(FlaskForm):
    """Owner and collaborators (supervisors only)."""

    owner = SelectField(_l("Owner"), choices=[])
    collaborators = MultiCheckboxField(_l("Collaborators"), choices=[])

    def set_people(self, users: Iterable[Any]) -> None:
        """Offer these users."""
        pairs = [(str(u.id), u.username) for u in users]
        self.owner.choices = select_choices([("", _("nobody"))] + pairs)
        self.collaborators.choices = select_choices(pairs)


class ImportForm(FlaskForm):
    """Upload a CSV file of cases."""

    file = FileField(_l("CSV file"), validators=[FileRequired(message=_l("Choose a file."))])
    owner = SelectField(_l("Owner of cases without one in the file"), choices=[], default="")
    dry_run = BooleanField(_l("Only check the file, do not import"))

