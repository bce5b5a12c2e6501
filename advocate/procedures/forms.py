"""Forms of the procedure pages: calculator, transfer facts, documents, consents, dates, settings.

Parsing happens here (no input raises); the rules run in `operations`, which names what is wrong.
Forms that appear several times on one page (one per document, basis or addressee) take a
prefix, so their fields keep distinct ids.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, IntegerField, SelectField
from wtforms.validators import DataRequired, Length, NumberRange, Optional
from wtforms.widgets import TextArea

from advocate.cases.terms import Language
from advocate.cases.vocab import Regime
from advocate.fields import FlexibleDateField, NotInFuture, StrippedStringField, select_choices
from advocate.procedures.models import ConsentForm, ConsentKind, DocumentStatus, DualCriminality

_BLANK = [("", "—")]


def _count(label: object) -> IntegerField:
    return IntegerField(label, validators=[Optional(), NumberRange(min=0, max=99_999)],
                        default=0)


def _note(label: object = _l("Note")) -> StrippedStringField:
    return StrippedStringField(label, validators=[Length(max=2000)], widget=TextArea())


class CalculatorForm(FlaskForm):
    """The term calculator (sent by GET; holds no case data, so no CSRF token)."""

    class Meta:
        csrf = False

    route = SelectField(_l("Route"))
    start = FlexibleDateField(_l("Start of the term"), validators=[DataRequired()])
    years = _count(_l("Sentence: years"))
    months = _count(_l("Sentence: months"))
    days = _count(_l("Sentence: days"))
    pretrial_days = _count(_l("Days in custody before the judgment became final"))
    house_arrest_days = _count(_l("Days of house arrest"))
    regime = SelectField(_l("Regime"), choices=select_choices(Regime.choices()))
    articles = StrippedStringField(_l("Articles of the Criminal Code"),
                                   validators=[Length(max=500)])
    on = FlexibleDateField(_l("Compute served and remaining on"))
    judgment_final = FlexibleDateField(_l("Date the judgment became final"))


class FactsForm(FlaskForm):
    """Transfer facts the case record lacks."""

    dual_criminality = SelectField(_l("Dual criminality"),
                                   choices=select_choices(DualCriminality.choices()))
    dual_criminality_note = _note(_l("Basis of the finding (Uzbek Criminal Code article)"))
    expected_decision_date = FlexibleDateField(_l("Expected decision date"))


class DocumentForm(FlaskForm):
    """Where one required document stands (prefix: the document id)."""

    status = SelectField(_l("Status"), choices=select_choices(DocumentStatus.choices()))
    requested_on = FlexibleDateField(_l("Requested on"), validators=[NotInFuture()])
    received_on = FlexibleDateField(_l("Received on"), validators=[NotInFuture()])
    translated_on = FlexibleDateField(_l("Translated on"), validators=[NotInFuture()])
    verified_on = FlexibleDateField(_l("Verified on"), validators=[NotInFuture()])
    note = _note()

    def dates(self) -> dict[str, object]:
        """The four step dates by field name."""
        return {name: self[name].data for name in
                ("requested_on", "received_on", "translated_on", "verified_on")}


class ConsentEntryForm(FlaskForm):
    """A consent given, for the ledger."""

    kind = SelectField(_l("Kind"), choices=select_choices(ConsentKind.choices()))
    given_on = FlexibleDateField(_l("Date given"), validators=[DataRequired(), NotInFuture()])
    language = SelectField(_l("Explained in"),
                           choices=select_choices(_BLANK + Language.choices()))
    form = SelectField(_l("Given"), choices=select_choices(ConsentForm.choices()))
    lawyer_present = BooleanField(_l("A lawyer was present"))
    return_risk_explained = BooleanField(
        _l("The return risk was explained (Uzbek Criminal Code arts. 154 and 154-1)"))
    note = _note()


class WithdrawalForm(FlaskForm):
    """A consent withdrawn."""

    kind = SelectField(_l("Kind"), choices=select_choices(ConsentKind.choices()))
    withdrawn_on = FlexibleDateField(_l("Date withdrawn"),
                                     validators=[DataRequired(), NotInFuture()])
    note = _note()


class HearingForm(FlaskForm):
    """A court hearing entered by hand."""

    due_date = FlexibleDateField(_l("Date"), validators=[DataRequired()])
    title = StrippedStringField(_l("Court and purpose"),
                                validators=[DataRequired(), Length(max=300)])


class BasisForm(FlaskForm):
    """The organisation's confirmation of a legal basis (prefix: the basis id)."""

    article = StrippedStringField(_l("Article as confirmed by the lawyer"),
                                  validators=[Length(max=64)])
    note = _note(_l("Who confirmed it, from which source"))


class AddresseeForm(FlaskForm):
    """The recipient and postal address of an addressee (prefix: the addressee id)."""

    recipient = StrippedStringField(_l("Recipient (position and name, as in a letter)"),
                                    validators=[Length(max=1000)], widget=TextArea())
    address = StrippedStringField(_l("Postal address"), validators=[Length(max=1000)],
                                  widget=TextArea())


class ButtonForm(FlaskForm):
    """A button that carries only the CSRF token."""
