"""Account administration pages under /admin/users."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from sqlalchemy import select

from advocate import policy
from advocate.admin.forms import ConfirmForm, PasswordResetForm, UserCreateForm, UserRoleForm
from advocate.auth import operations, throttle, twofactor
from advocate.auth.forms import TwoFactorSettingForm
from advocate.auth.models import User
from advocate.extensions import db
from advocate.web import register_nav

bp = Blueprint("admin", __name__, url_prefix="/admin")
register_nav("admin.security", _l("Security"), policy.can_administer)


@bp.before_request
@login_required
def require_admin():
    """Every page here is for administrators only."""
    if not policy.can_administer(current_user):
        abort(403)


@bp.route("/users")
def users():
    """All accounts."""
    rows = db.session.execute(select(User).order_by(User.username)).scalars().all()
    return render_template("admin/users.html", users=rows, confirm=ConfirmForm())


@bp.route("/users/new", methods=["GET", "POST"])
def user_new():
    """Create an account."""
    form = UserCreateForm()
    if form.validate_on_submit():
        try:
            user = operations.create_user(
                form.username.data, form.role.data, form.password.data,
                is_admin=form.is_admin.data, actor=current_user,
            )
        except operations.AccountError as exc:
            form.username.errors.append(str(exc))
        else:
            db.session.commit()
            flash(_("Account %(name)s created.", name=user.username), "success")
            return redirect(url_for("admin.users"))
    return render_template("admin/user_new.html", form=form)


@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
def user_edit(user_id: int):
    """Change an account's role; reset its password; disable, enable, end sessions."""
    user = db.get_or_404(User, user_id)
    form = UserRoleForm(obj=user)
    if form.validate_on_submit():
        try:
            operations.set_role(user, form.role.data, form.is_admin.data, actor=current_user)
        except operations.AccountError as exc:
            form.role.errors.append(str(exc))
        else:
            db.session.commit()
            flash(_("Role of %(name)s saved.", name=user.username), "success")
            return redirect(url_for("admin.user_edit", user_id=user.id))
    return render_template(
        "admin/user_edit.html", user=user, form=form, reset=PasswordResetForm(),
        confirm=ConfirmForm(),
    )


@bp.route("/users/<int:user_id>/password", methods=["POST"])
def user_password(user_id: int):
    """Set a new password for the user; their sessions end."""
    user = db.get_or_404(User, user_id)
    reset = PasswordResetForm()
    if reset.validate_on_submit():
        try:
            operations.set_password(user, reset.password.data, actor=current_user)
        except operations.AccountError as exc:
            reset.password.errors.append(str(exc))
        else:
            db.session.commit()
            flash(_("New password set for %(name)s.", name=user.username), "success")
            return redirect(url_for("admin.user_edit", user_id=user.id))
    form = UserRoleForm(obj=user)
    return render_template(
        "admin/user_edit.html", user=user, form=form, reset=reset, confirm=ConfirmForm(),
    ), 400


def _account_action(user_id: int, action, message: str):
    user = db.get_or_404(User, user_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        action(user)
    except operations.AccountError as exc:
        flash(str(exc), "error")
    else:
        db.session.commit()
        flash(message % {"name": user.username}, "success")
    return redirect(url_for("admin.user_edit", user_id=user.id))


@bp.route("/users/<int:user_id>/disable", methods=["POST"])
def user_disable(user_id: int):
    """Disable an account; its sessions end at once."""
    return _account_action(
        user_id, lambda u: operations.set_active(u, False, actor=current_user),
        _("Account %(name)s disabled."),
    )


@bp.route("/users/<int:user_id>/enable", methods=["POST"])
def user_enable(user_id: int):
    """Enable an account."""
    return _account_action(
        user_id, lambda u: operations.set_active(u, True, actor=current_user),
        _("Account %(name)s enabled."),
    )


@bp.route("/users/<int:user_id>/end-sessions", methods=["POST"])
def user_end_sessions(user_id: int):
    """End every session of the account."""
    return _account_action(
        user_id, lambda u: operations.end_sessions(u, actor=current_user),
        _("Every session of %(name)s has ended."),
    )


@bp.route("/users/<int:user_id>/reset-two-factor", methods=["POST"])
def user_reset_two_factor(user_id: int):
    """Remove the account's second factor (lost phone); its sessions end; it enrols again."""
    user = db.get_or_404(User, user_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    if twofactor.reset(user, actor=current_user):
        db.session.commit()
        flash(_("Two-factor login of %(name)s was reset. Their sessions have ended; they set it "
                "up again at their next login.", name=user.username), "success")
    else:
        flash(_("%(name)s has no second factor to reset.", name=user.username), "info")
    return redirect(url_for("admin.user_edit", user_id=user.id))


@bp.route("/security", methods=["GET", "POST"])
def security():
    """Who must use two-factor login; logins paused by throttling."""
    form = TwoFactorSettingForm(advocates=twofactor.setting_value())
    if form.validate_on_submit():
        twofactor.set_setting(form.advocates.data, actor=current_user)
        db.session.commit()
        flash(_("Security settings saved."), "success")
        return redirect(url_for("admin.security"))
    return render_template(
        "auth/admin_security.html", form=form, confirm=ConfirmForm(),
        override=twofactor.configured_roles(current_app),
        required=sorted(twofactor.required_roles()), locks=throttle.active_locks(),
    )


@bp.route("/security/locks/<int:lock_id>/lift", methods=["POST"])
def lift_lock(lock_id: int):
    """Let an account or address log in again before its lock ends."""
    if not ConfirmForm().validate_on_submit():
        abort(400)
    if throttle.lift(lock_id, actor=current_user) is None:
        abort(404)
    db.session.commit()
    flash(_("Logins are allowed again."), "success")
    return redirect(url_for("admin.security"))
