"""Account administration forms."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, EqualTo, Length

from advocate.auth.models import Role


class UserCreateForm(FlaskForm):
    """A new account."""

    username = StringField(_l("User name"), validators=[DataRequired(), Length(min=3, max=64)])
    role = SelectField(_l("Role"), choices=Role.choices)
    is_admin = BooleanField(_l("Administrator"))
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=1024)])
    confirm = PasswordField(
        _l("Repeat the password"),
        validators=[DataRequired(), EqualTo("password", message=_l("The passwords differ."))],
    )


class UserRoleForm(FlaskForm):
    """Change role and administrator flag."""

    role = SelectField(_l("Role"), choices=Role.choices)
    is_admin = BooleanField(_l("Administrator"))


class PasswordResetForm(FlaskForm):
    """An administrator sets a new password."""

    password = PasswordField(_l("New password"), validators=[DataRequired(), Length(max=1024)])
    confirm = PasswordField(
        _l("Repeat the password"),
        validators=[DataRequired(), EqualTo("password", message=_l("The passwords differ."))],
    )


class ConfirmForm(FlaskForm):
    """A button that only carries the CSRF token."""
