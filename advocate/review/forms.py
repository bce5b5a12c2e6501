"""Forms of the review: the grounds of a refusal."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms.validators import DataRequired

from advocate.fields import FlexibleDateField, MultiCheckboxField, NotInFuture, select_choices
from advocate.review.models import RefusalReason


class RefusalForm(FlaskForm):
    """The date of a refusal decision and the grounds it gives."""

    decided_on = FlexibleDateField(_l("Date of the decision"),
                                   validators=[DataRequired(), NotInFuture()])
    grounds = MultiCheckboxField(_l("Grounds given"), validators=[DataRequired()])

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Labels are chosen per request, in the user's language.
        self.grounds.choices = select_choices(RefusalReason.choices())


__all__ = ["RefusalForm"]
