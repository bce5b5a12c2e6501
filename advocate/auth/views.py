"""Login, logout, the account page and the language switch."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required

from advocate.auth import operations, throttle, twofactor, twofactor_views
from advocate.auth.forms import LanguageForm, LoginForm, PasswordChangeForm
from advocate.extensions import db
from advocate.i18n import LANGUAGE_NAMES

bp = Blueprint("auth", __name__)


def _safe_next(target: str | None) -> str:
    """Only same-site paths are followed after login."""
    if target and target.startswith("/") and not target.startswith("//"):
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc and "\\" not in target:
            return target
    return url_for("main.index")


@bp.route("/login", methods=["GET", "POST"])
def login():
    """Show the login form; on success start a fresh server-side session."""
    if current_user.is_authenticated:
        return redirect(url_for("main.index"))
    form = LoginForm()
    if form.validate_on_submit():
        lock = throttle.check(form.username.data)
        if lock is not None:
            db.session.commit()  # keep the audited refusal
            flash(lock.message(), "error")
            return render_template("auth/login.html", form=form), 429
        user = operations.authenticate(form.username.data, form.password.data)
        if user is None:
            lock = throttle.record_failure(form.username.data, "password")
            db.session.commit()  # keep the audited failure
            flash(_("Wrong user name or password."), "error")
            if lock is not None:
                flash(lock.message(), "error")
            return render_template("auth/login.html", form=form), 429 if lock else 200
        # Not logged in yet: the second factor (or its enrolment) may come first.
        return twofactor_views.after_password(user, _safe_next(request.args.get("next")))
    return render_template("auth/login.html", form=form)


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    """End the session on the server."""
    operations.log_out(current_user._get_current_object())
    db.session.commit()
    flash(_("You are logged out."), "info")
    return redirect(url_for("auth.login"))


@bp.route("/account", methods=["GET", "POST"])
@login_required
def account():
    """Change one's own password; the language is chosen in the header."""
    form = PasswordChangeForm()
    if form.validate_on_submit():
        try:
            operations.change_own_password(
                current_user, form.current_password.data, form.new_password.data
            )
        except operations.AccountError as exc:
            form.new_password.errors.append(str(exc))
        else:
            db.session.commit()
            flash(_("Your password was changed. Your other sessions have ended."), "success")
            return redirect(url_for("auth.account"))
    return render_template(
        "auth/account.html", form=form, two_factor=twofactor.status(current_user)
    )


@bp.route("/language", methods=["POST"])
def language():
    """Switch the interface language (remembered on the account, or in the session)."""
    form = LanguageForm()
    form.lang.choices = [(code, LANGUAGE_NAMES[code]) for code in current_app.config["LANGUAGES"]]
    if form.validate_on_submit():
        session["lang"] = form.lang.data
        if current_user.is_authenticated:
            operations.set_locale(current_user, form.lang.data)
            db.session.commit()
    return redirect(_safe_next(request.form.get("next")))
