"""The organisation's letter settings page, /admin/letters (administrators only)."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from advocate import policy
from advocate.clock import today
from advocate.extensions import db
from advocate.letters import organisation, register
from advocate.letters.context import ORGANISATION_FIELDS, organisation_settings
from advocate.letters.dates import LANGUAGES
from advocate.letters.forms import LANGUAGE_LABELS, OrganisationForm
from advocate.letters.views import bp
from advocate.web import register_nav

register_nav("letters.settings", _l("Letter settings"), policy.can_configure_letters)


def _fill(form: OrganisationForm) -> None:
    stored = organisation_settings()
    form.phone.data = stored.get("phone", "")
    form.email.data = stored.get("email", "")
    form.number_format.data = register.current_format()
    for lang in LANGUAGES:
        texts = stored.get(lang) if isinstance(stored.get(lang), dict) else {}
        for name in ORGANISATION_FIELDS:
            form[OrganisationForm.field_name(lang, name)].data = texts.get(name, "")


@bp.route("/admin/letters", methods=["GET", "POST"])
def settings():
    """Letterhead, signatory and outgoing-number format, in each letter language."""
    if not policy.can_configure_letters(current_user):
        abort(403)
    form = OrganisationForm()
    code = 200
    if form.is_submitted() and not form.validate():
        code = 400
    elif form.is_submitted():
        try:
            changed = organisation.save(form.data, actor=current_user)
        except organisation.SettingsRefused as exc:
            for field, messages in exc.errors.items():
                target = form[field].errors if field in form else form.form_errors
                target.extend(messages)
            code = 400
        else:
            db.session.commit()
            flash(_("Letter settings saved.") if changed else _("Nothing was changed."), "success")
            return redirect(url_for("letters.settings"))
    else:
        _fill(form)
    return render_template(
        "letters_ui/settings.html", form=form, languages=LANGUAGES,
        language_labels=LANGUAGE_LABELS, fields=ORGANISATION_FIELDS,
        next_number=register.preview(register.current_format(), today()),
    ), code
