"""Settings pages of the procedures: legal bases (status, confirmations) and addressees.

Administrators only (`policy.can_administer`, 403 otherwise). Both write organisation settings
through `procedures.operations`, which audits every change.
"""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from advocate import policy
from advocate.extensions import db
from advocate.procedures import get_procedure, operations, procedures
from advocate.procedures.definitions import Procedure
from advocate.procedures.forms import AddresseeForm, BasisForm, ButtonForm
from advocate.procedures.organisation import addressee_details, effective_bases
from advocate.procedures.views import bp


def _require_admin() -> None:
    if not policy.can_administer(current_user):
        abort(403)


def _route(route_id: str) -> Procedure:
    procedure = get_procedure(route_id)
    if procedure is None:
        abort(404)
    return procedure


def _basis_forms(procedure: Procedure, failed: tuple[str, BasisForm] | None
                 ) -> dict[str, BasisForm]:
    forms = {}
    for view in effective_bases(procedure):
        if failed and failed[0] == f"{procedure.id}.{view.id}":
            forms[view.id] = failed[1]
            continue
        data = {"article": view.confirmation.article if view.confirmation else None,
                "note": view.confirmation.note if view.confirmation else None}
        forms[view.id] = BasisForm(formdata=None, prefix=f"{procedure.id}-{view.id}", data=data)
    return forms


def render_bases(failed: tuple[str, BasisForm] | None = None, code: int = 200):
    """Every route's legal bases with their status and the confirmation forms."""
    routes = [{"procedure": p, "bases": effective_bases(p), "forms": _basis_forms(p, failed)}
              for p in procedures().values()]
    return render_template("procedures/legal_bases.html", routes=routes,
                           button=ButtonForm(formdata=None)), code


@bp.route("/admin/legal-bases")
def legal_bases():
    """Every legal basis: verified, unverified, or confirmed by the organisation."""
    _require_admin()
    return render_bases()


@bp.route("/admin/legal-bases/<route_id>/<basis_id>", methods=["POST"])
def confirm_basis(route_id: str, basis_id: str):
    """Record the lawyer's confirmation of a basis (and the article number)."""
    _require_admin()
    procedure = _route(route_id)
    if basis_id not in procedure.legal_bases:
        abort(404)
    form = BasisForm(prefix=f"{procedure.id}-{basis_id}")
    if form.validate_on_submit():
        try:
            operations.confirm_basis(procedure, basis_id, article=form.article.data,
                                     note=form.note.data, actor=current_user)
        except operations.ProcedureError as exc:
            _refused(form, exc)
        else:
            db.session.commit()
            flash(_("Confirmation recorded."), "success")
            return redirect(url_for("procedures.legal_bases", _anchor=f"basis-{basis_id}"))
    return render_bases((f"{procedure.id}.{basis_id}", form), 400)


@bp.route("/admin/legal-bases/<route_id>/<basis_id>/withdraw", methods=["POST"])
def withdraw_basis(route_id: str, basis_id: str):
    """Take back the organisation's confirmation of a basis."""
    _require_admin()
    procedure = _route(route_id)
    if basis_id not in procedure.legal_bases or not ButtonForm().validate_on_submit():
        abort(404)
    operations.withdraw_basis_confirmation(procedure, basis_id, actor=current_user)
    db.session.commit()
    flash(_("Confirmation withdrawn: the basis is unverified again."), "success")
    return redirect(url_for("procedures.legal_bases", _anchor=f"basis-{basis_id}"))


def _refused(form: Any, error: Exception) -> None:
    if isinstance(error, operations.InvalidInput):
        for name, messages in error.errors.items():
            if name in form:
                form[name].errors = [*form[name].errors, *messages]
            else:
                form.form_errors.extend(messages)
    else:
        form.form_errors.append(str(error))


def _addressee_forms(procedure: Procedure, failed: tuple[str, AddresseeForm] | None
                     ) -> dict[str, AddresseeForm]:
    forms = {}
    for view in addressee_details(procedure):
        if failed and failed[0] == f"{procedure.id}.{view.id}":
            forms[view.id] = failed[1]
        else:
            forms[view.id] = AddresseeForm(formdata=None, prefix=f"{procedure.id}-{view.id}",
                                           data={"recipient": view.recipient,
                                                 "address": view.address})
    return forms


def render_addressees(failed: tuple[str, AddresseeForm] | None = None, code: int = 200):
    """Every route's addressees with their details forms."""
    routes = [{"procedure": p, "addressees": addressee_details(p),
               "forms": _addressee_forms(p, failed)} for p in procedures().values()]
    return render_template("procedures/addressees.html", routes=routes), code


@bp.route("/admin/addressees")
def addressees():
    """The authorities letters go to, with the recipient and address to complete."""
    _require_admin()
    return render_addressees()


@bp.route("/admin/addressees/<route_id>/<addressee_id>", methods=["POST"])
def addressee(route_id: str, addressee_id: str):
    """Save the recipient and address of one addressee."""
    _require_admin()
    procedure = _route(route_id)
    if addressee_id not in procedure.addressees:
        abort(404)
    form = AddresseeForm(prefix=f"{procedure.id}-{addressee_id}")
    if form.validate_on_submit():
        try:
            changed = operations.set_addressee(procedure, addressee_id,
                                               recipient=form.recipient.data,
                                               address=form.address.data, actor=current_user)
        except operations.ProcedureError as exc:
            _refused(form, exc)
        else:
            db.session.commit()
            flash(_("Addressee saved.") if changed else _("Nothing was changed."), "success")
            return redirect(url_for("procedures.addressees", _anchor=f"addressee-{addressee_id}"))
    return render_addressees((f"{procedure.id}.{addressee_id}", form), 400)
