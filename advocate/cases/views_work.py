"""Work on a case: claims of coercion, notes, status changes and assignment."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from advocate import policy
from advocate.auth.models import User
from advocate.cases import operations
from advocate.cases.forms import AssignForm, ClaimForm, NoteForm, StatusForm
from advocate.cases.models import Claim
from advocate.cases.views import (
    bp,
    load_case,
    mark_leak,
    render_case,
    render_form,
    require,
    show_operation_error,
)
from advocate.cases.workflow import TransitionError
from advocate.extensions import db


def _back(case) -> object:
    return redirect(url_for("cases.show", reference=case.reference))


@bp.route("/<reference>/claims/new", methods=["GET", "POST"])
def claim_new(reference: str):
    """Record a claim of coercion."""
    case = load_case(reference)
    require(policy.can_edit_case(current_user, case))
    form = ClaimForm()
    operations.fix_form(case, form, request.form)
    if form.validate_on_submit():
        try:
            operations.add_claim(case, form.values(), actor=current_user)
        except (operations.InvalidRecord, operations.TextRefused) as exc:
            show_operation_error(form, exc)
        else:
            db.session.commit()
            flash(_("Claim added to %(ref)s.", ref=case.reference), "success")
            return _back(case)
    return render_form("cases/claim_form.html", form, case=case, claim=None)


@bp.route("/<reference>/claims/<int:claim_id>/edit", methods=["GET", "POST"])
def claim_edit(reference: str, claim_id: int):
    """Correct a claim of coercion."""
    case = load_case(reference)
    claim = db.session.get(Claim, claim_id)
    if claim is None or claim.case_id != case.id:
        abort(404)
    require(policy.can_edit_case(current_user, case))
    form = ClaimForm.for_claim(claim)
    operations.fix_form(case, form, request.form)
    if form.validate_on_submit():
        try:
            changes = operations.update_claim(claim, form.values(), actor=current_user)
        except (operations.InvalidRecord, operations.TextRefused) as exc:
            show_operation_error(form, exc)
        else:
            db.session.commit()
            flash(_("Claim saved.") if changes else _("Nothing was changed."), "success")
            return _back(case)
    return render_form("cases/claim_form.html", form, case=case, claim=claim)


@bp.route("/<reference>/notes", methods=["POST"])
def note_add(reference: str):
    """Add a note to the timeline."""
    case = load_case(reference)
    require(policy.can_edit_case(current_user, case))
    form = NoteForm()
    operations.fix_form(case, form, request.form)
    if form.validate_on_submit():
        try:
            operations.add_note(case, form.text.data, actor=current_user)
        except operations.TextRefused as exc:
            form.text.errors = [*form.text.errors, exc.message]
            mark_leak(form, exc, "text")
        except operations.InvalidRecord as exc:
            form.text.errors = [*form.text.errors, *exc.errors.get("text", [])]
        else:
            db.session.commit()
            flash(_("Note added."), "success")
            return _back(case)
    return render_case(case, note_form=form, code=400)


@bp.route("/<reference>/status", methods=["POST"])
def status(reference: str):
    """Move the case to another status; refusals name the allowed next statuses."""
    case = load_case(reference)
    require(policy.can_edit_case(current_user, case))
    form = StatusForm()
    form.target.validate_choice = False  # the workflow refuses, naming the allowed moves
    operations.fix_form(case, form, request.form)
    if form.validate_on_submit():
        try:
            operations.change_status(
                case, form.target.data, actor=current_user,
                closing_reason=form.closing_reason.data or None, comment=form.comment.data,
            )
        except (TransitionError, operations.TransitionBlocked) as exc:
            form.target.errors = [*form.target.errors, str(exc)]
        except operations.TextRefused as exc:
            form.comment.errors = [*form.comment.errors, exc.message]
            mark_leak(form, exc, "comment")
        else:
            db.session.commit()
            flash(_("Status of %(ref)s changed.", ref=case.reference), "success")
            return _back(case)
    return render_case(case, status_form=form, code=400)


def assignable_users() -> list[User]:
    """Active users who may own or work on cases."""
    users = db.session.execute(
        select(User).where(User.active.is_(True)).order_by(User.username)
    ).scalars()
    return [u for u in users if policy.can_list_cases(u)]


@bp.route("/<reference>/assign", methods=["GET", "POST"])
def assign(reference: str):
    """Choose the owner and collaborators (supervisors)."""
    case = load_case(reference)
    require(policy.can_assign_case(current_user, case))
    people = assignable_users()
    form = AssignForm(data={
        "owner": str(case.owner_id or ""),
        "collaborators": [str(u.id) for u in case.collaborators],
    })
    form.set_people(people)
    if form.validate_on_submit():
        by_id = {str(u.id): u for u in people}
        try:
            operations.assign(
                case, owner=by_id.get(form.owner.data or ""),
                collaborators=[by_id[i] for i in form.collaborators.data if i in by_id],
                actor=current_user,
            )
        except operations.CaseError as exc:
            form.owner.errors = [*form.owner.errors, str(exc)]
        else:
            db.session.commit()
            flash(_("People on %(ref)s saved.", ref=case.reference), "success")
            return _back(case)
    return render_template("cases/assign.html", case=case, form=form), (
        400 if form.errors else 200
    )
