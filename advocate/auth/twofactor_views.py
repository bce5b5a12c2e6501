"""The second step of login, enrolment and recovery codes; the half-logged-in state.

After a correct password the user is *not* logged in: the Flask session holds only a pending
marker (user id, stage, time, where to go next) and no server-side session exists, so every page
that needs a login keeps refusing. Only an accepted code (or a confirmed enrolment) calls
`operations.log_in`, which starts the server-side session with a new identifier.
"""

from __future__ import annotations

from typing import Any

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
from werkzeug.wrappers import Response

from advocate import clock
from advocate.auth import operations, throttle, twofactor
from advocate.auth.forms import CodeForm
from advocate.auth.models import User
from advocate.extensions import db
from advocate.identity import operations as identity_operations
from advocate.identity.keyring import KeyUnavailable

bp = Blueprint("two_factor", __name__)

PENDING = "pending_2fa"
ENROLMENT_KEY = "enrol_2fa"
VERIFY, ENROL = "verify", "enrol"
#: Where a signed-in user who must enrol may still go.
OPEN_ENDPOINTS = frozenset({
    "two_factor.enrol", "auth.logout", "auth.language", "main.healthz", "static",
})
LOW_CODES = 3


@bp.record_once
def _set_up(state: Any) -> None:
    twofactor.check_config(state.app)
    state.app.jinja_env.globals["two_factor_status"] = twofactor.status


# The half-logged-in state ----------------------------------------------------------------


def _now() -> int:
    return int(clock.utcnow().timestamp())


def after_password(user: User, next_url: str) -> Response:
    """Continue a login whose password was right: ask for a code, enrol first, or log in."""
    if twofactor.is_enrolled(user):
        stage, endpoint = VERIFY, "two_factor.code"
    elif twofactor.must_use(user):
        stage, endpoint = ENROL, "two_factor.login_enrol"
    else:
        operations.log_in(user)
        db.session.commit()
        return redirect(next_url)
    session.clear()  # nothing from before the password survives, as with a full login
    session[PENDING] = {"uid": user.id, "stage": stage, "at": _now(), "next": next_url}
    db.session.commit()
    return redirect(url_for(endpoint))


def pending_user(stage: str) -> User | None:
    """The user half-way through logging in at this stage, if the marker is fresh."""
    data = session.get(PENDING)
    if not isinstance(data, dict) or data.get("stage") != stage:
        return None
    started = data.get("at")
    limit = 60 * int(current_app.config["TWO_FACTOR_PENDING_MINUTES"])
    if not isinstance(started, int) or not 0 <= _now() - started <= limit:
        return None
    user = db.session.get(User, data.get("uid")) if isinstance(data.get("uid"), int) else None
    return user if user is not None and user.active else None


def _pending_next() -> str:
    data = session.get(PENDING) or {}
    target = data.get("next") if isinstance(data, dict) else None
    return target if isinstance(target, str) else url_for("main.index")


def _start_again(lock_message: str | None = None) -> Response:
    """Back to the password; a lock also ends the half-logged-in state."""
    if lock_message:
        session.pop(PENDING, None)
        session.pop(ENROLMENT_KEY, None)
        flash(lock_message, "error")
    else:
        flash(_("Please log in again: that step took too long or was not started."), "info")
    return redirect(url_for("auth.login"))


@bp.before_app_request
def require_enrolment() -> Response | None:
    """A signed-in user who must use a second factor and has none sets it up before anything."""
    if request.endpoint in OPEN_ENDPOINTS or request.endpoint is None:
        return None
    if not current_user.is_authenticated:
        return None
    if twofactor.must_use(current_user) and not twofactor.is_enrolled(current_user):
        return redirect(url_for("two_factor.enrol"))
    return None


# The code page ---------------------------------------------------------------------------


def _check_code(user: User, code: str) -> tuple[str | None, str]:
    """("totp"|"recovery"|None, the message for a refusal)."""
    try:
        return twofactor.verify(user, code), _("That code is not right, or it was used already.")
    except KeyUnavailable:
        return None, _(
            "Authenticator codes cannot be checked right now (the encryption keys are not "
            "loaded). Use one of your recovery codes, or ask an administrator."
        )


@bp.route("/login/code", methods=["GET", "POST"])
def code():
    """The second step: a code from the authenticator app or a recovery code."""
    user = pending_user(VERIFY)
    if user is None:
        return _start_again()
    form = CodeForm()
    if form.validate_on_submit():
        lock = throttle.check(user.username)
        if lock is not None:
            db.session.commit()  # keep the audited refusal
            return _start_again(lock.message())
        how, refusal = _check_code(user, form.code.data)
        if how is None:
            twofactor.record_failure(user, "wrong second-factor code at login")
            lock = throttle.record_failure(user.username, "code")
            db.session.commit()
            if lock is not None:
                return _start_again(lock.message())
            form.code.errors.append(refusal)
            return render_template("auth/two_factor_code.html", form=form), 200
        return _finish_login(user, how)
    return render_template("auth/two_factor_code.html", form=form)


def _finish_login(user: User, how: str) -> Response:
    next_url = _pending_next()
    operations.log_in(user, reason=f"second factor: {how}")
    left = twofactor.recovery_codes_left(user)
    db.session.commit()
    if how == "recovery" or left <= LOW_CODES:
        flash(_("You have %(n)d recovery codes left. Make new ones on your account page.", n=left),
              "warning")
    return redirect(next_url)


# Enrolment -------------------------------------------------------------------------------


def _enrol_secret(user: Any) -> str:
    """The secret being set up, kept encrypted in the session so a reload shows the same QR."""
    data = session.get(ENROLMENT_KEY)
    if isinstance(data, dict) and data.get("uid") == user.id:
        try:
            return twofactor.decrypt_secret(str(data.get("token")))
        except KeyUnavailable:
            pass  # keys changed meanwhile: start with a new secret
    secret = twofactor.new_secret()
    session[ENROLMENT_KEY] = {"uid": user.id, "token": twofactor.encrypt_secret(secret)}
    return secret


def _enrol_page(user: User, *, logging_in: bool):
    if not twofactor.keyring().available:
        return render_template("auth/two_factor_enrol.html", unavailable=True), 503
    secret = _enrol_secret(user)
    form = CodeForm()
    if form.validate_on_submit():
        try:
            codes = twofactor.enrol(user, secret, form.code.data)
        except twofactor.TwoFactorError as exc:
            db.session.commit()  # keep the audited failure
            form.code.errors.append(str(exc))
        else:
            next_url = _pending_next() if logging_in else url_for("auth.account")
            session.pop(ENROLMENT_KEY, None)
            if logging_in:
                operations.log_in(user, reason="second factor set up")
            db.session.commit()
            return render_template("auth/recovery_codes.html", codes=codes, next_url=next_url,
                                   enrolled=True)
    uri = twofactor.provisioning_uri(user, secret)
    title = _("QR code for your authenticator app")
    return render_template(
        "auth/two_factor_enrol.html", unavailable=False, form=form, logging_in=logging_in,
        qr=twofactor.qr_svg(uri, title),
        secret=twofactor.grouped(secret),
    ), (400 if form.errors else 200)


@bp.route("/login/enrol", methods=["GET", "POST"])
def login_enrol():
    """Set up the second factor right after the password, before anything else."""
    user = pending_user(ENROL)
    if user is None:
        return _start_again()
    return _enrol_page(user, logging_in=True)


@bp.route("/account/two-factor", methods=["GET", "POST"])
@login_required
def enrol():
    """Set up the second factor from a signed-in session."""
    if twofactor.is_enrolled(current_user):
        flash(_("Two-factor login is already set up for this account."), "info")
        return redirect(url_for("auth.account"))
    return _enrol_page(current_user._get_current_object(), logging_in=False)


# Changes from the account page -----------------------------------------------------------


def _checked_change(action) -> tuple[bool, Any]:
    """Run a change that needs a current code, throttled like a login: (done, result)."""
    form = CodeForm()
    if not form.validate_on_submit():
        flash(_("Type a current code from your authenticator app."), "error")
        return False, None
    lock = throttle.check(current_user.username)
    if lock is not None:
        db.session.commit()  # keep the audited refusal
        flash(lock.message(), "error")
        return False, None
    try:
        result = action(current_user._get_current_object(), form.code.data)
    except twofactor.TwoFactorError as exc:
        throttle.record_failure(current_user.username, "code")
        db.session.commit()
        flash(str(exc), "error")
        return False, None
    db.session.commit()
    return True, result


@bp.route("/account/two-factor/recovery-codes", methods=["POST"])
@login_required
def recovery_codes():
    """Replace the recovery codes (a current code is needed); show the new ones once."""
    done, codes = _checked_change(twofactor.new_recovery_codes)
    if not done:
        return redirect(url_for("auth.account"))
    return render_template("auth/recovery_codes.html", codes=codes,
                           next_url=url_for("auth.account"), enrolled=False)


@bp.route("/account/two-factor/disable", methods=["POST"])
@login_required
def disable():
    """Turn two-factor login off, when one's role does not require it."""
    if twofactor.must_use(current_user):
        flash(_("Your role must use two-factor login; it cannot be turned off."), "error")
    elif _checked_change(twofactor.disable)[0]:
        flash(_("Two-factor login is turned off for your account."), "success")
    return redirect(url_for("auth.account"))


def _rotate_second_factors(keyring) -> str:
    """`identity rotate-key`: second-factor keys under the new identity key."""
    return f"re-encrypted {twofactor.rotate_secrets(keyring)} second-factor key(s)"


if _rotate_second_factors not in identity_operations.rotation_hooks:
    identity_operations.rotation_hooks.append(_rotate_second_factors)
