"""Vault pages under /cases/<reference>/identity: status, show (a recorded POST), edit, contacts.

Values are rendered only in the answer to the "show" POST and in the edit forms (both recorded
as reveals); never in a URL, a redirect or a flash message. A missing or wrong key leaves every
page working: the vault says it is unavailable and refuses changes.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask.blueprints import BlueprintSetupState
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from advocate import policy
from advocate.cases import timeline
from advocate.cases.models import Case
from advocate.cases.views import load_case
from advocate.extensions import db
from advocate.identity import guard, importing, operations
from advocate.identity.forms import ConfirmForm, ContactForm, IdentityForm, RevealForm
from advocate.identity.operations import IdentityRefused
from advocate.identity.vault import FIELD_LABELS
from advocate.web import register_case_panel

bp = Blueprint("identity", __name__, url_prefix="/cases/<reference>/identity")

register_case_panel("identity/_panel.html", policy.can_reveal_identity)
guard.register()
importing.register()
timeline.ACTION_LABELS.update({
    "identity.reveal": _l("Identity shown"),
    "identity.export": _l("Identity used"),
    "identity.edit": _l("Identity edited"),
    "identity.contact.add": _l("Contact added to the identity"),
    "identity.contact.edit": _l("Identity contact corrected"),
    "identity.contact.delete": _l("Identity contact removed"),
})


@bp.record_once
def _template_helpers(state: BlueprintSetupState) -> None:
    """Give templates the vault status and field labels (they ask, never decide)."""
    state.app.jinja_env.globals["identity_status"] = operations.status
    state.app.jinja_env.globals["identity_field_label"] = lambda name: str(FIELD_LABELS[name])


@bp.before_request
@login_required
def _logged_in() -> None:
    """Every vault page needs a logged-in user."""


def _editable_case_or_403(reference: str) -> Case:
    case = load_case(reference)
    if not policy.can_edit_identity(current_user, case):
        abort(403)
    return case


def _page(case: Case, form: RevealForm, status: int = 200) -> Any:
    return render_template("identity/page.html", case=case, reveal_form=form), status


def _to_page(case: Case) -> Any:
    return redirect(url_for("identity.page", reference=case.reference))


def _refused(case: Case, error: IdentityRefused) -> Any:
    flash(str(error), "error")
    return _to_page(case)


@bp.route("")
def page(reference: str):
    """What the vault holds for this case (without values) and the "show" action."""
    return _page(load_case(reference), RevealForm())


@bp.route("/reveal", methods=["POST"])
def reveal(reference: str):
    """Show the values, once, recording who looked and why."""
    case = load_case(reference)
    form = RevealForm()
    if not form.validate_on_submit():
        return _page(case, form, 400)
    try:
        data = operations.reveal(case, current_user, form.reason.data)
    except IdentityRefused as error:
        form.reason.errors = [*form.reason.errors, str(error)]
        return _page(case, form, 400)
    db.session.commit()
    return render_template(
        "identity/revealed.html", case=case, vault=data, confirm=ConfirmForm()
    )


@bp.route("/edit", methods=["GET", "POST"])
def edit(reference: str):
    """Record or correct the identity (opening the form is a recorded reveal)."""
    case = _editable_case_or_403(reference)
    form = IdentityForm()
    if form.validate_on_submit():
        try:
            changed = operations.save_identity(case, form.to_data(), current_user)
        except IdentityRefused as error:
            return _refused(case, error)
        db.session.commit()
        flash(_("Identity saved: %(count)d field(s) changed.", count=len(changed)), "success")
        return _to_page(case)
    if not form.is_submitted():
        try:
            operations.require_editable(case, current_user)
            data = operations.reveal(case, current_user)
        except IdentityRefused as error:
            return _refused(case, error)
        db.session.commit()
        if data.identity is not None:
            form.fill(data.identity)
    return render_template("identity/edit.html", case=case, form=form)


@bp.route("/contacts/new", methods=["GET", "POST"])
def contact_new(reference: str):
    """Add a contact."""
    case = _editable_case_or_403(reference)
    form = ContactForm()
    if form.validate_on_submit():
        try:
            operations.save_contact(case, form.to_data(None), current_user)
        except IdentityRefused as error:
            return _refused(case, error)
        db.session.commit()
        flash(_("Contact added."), "success")
        return _to_page(case)
    if not form.is_submitted():
        try:
            operations.require_editable(case, current_user)
        except IdentityRefused as error:
            return _refused(case, error)
    return render_template("identity/contact.html", case=case, form=form, contact_id=None)


@bp.route("/contacts/<int:contact_id>/edit", methods=["GET", "POST"])
def contact_edit(reference: str, contact_id: int):
    """Correct a contact (opening the form is a recorded reveal)."""
    case = _editable_case_or_403(reference)
    if operations.get_contact(case, contact_id) is None:
        abort(404)
    form = ContactForm()
    if form.validate_on_submit():
        try:
            operations.save_contact(case, form.to_data(contact_id), current_user)
        except IdentityRefused as error:
            return _refused(case, error)
        db.session.commit()
        flash(_("Contact saved."), "success")
        return _to_page(case)
    if not form.is_submitted():
        try:
            operations.require_editable(case, current_user)
            data = operations.reveal(case, current_user)
        except IdentityRefused as error:
            return _refused(case, error)
        db.session.commit()
        form.fill(next(c for c in data.contacts if c.id == contact_id))
    return render_template("identity/contact.html", case=case, form=form, contact_id=contact_id)


@bp.route("/contacts/<int:contact_id>/delete", methods=["POST"])
def contact_delete(reference: str, contact_id: int):
    """Remove a contact."""
    case = _editable_case_or_403(reference)
    if operations.get_contact(case, contact_id) is None:
        abort(404)  # like every other object route: another case's id reveals nothing
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        operations.delete_contact(case, contact_id, current_user)
    except IdentityRefused as error:
        return _refused(case, error)
    db.session.commit()
    flash(_("Contact removed."), "success")
    return _to_page(case)
