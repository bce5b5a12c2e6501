"""The second factor: TOTP codes accepted once, single-use recovery codes, who must use them.

TOTP secrets are encrypted with the identity keyring, the app's one set of keys: a copy of the
database (or a backup) alone does not give away anyone's second factor, and key rotation covers
them with `rotate_secrets`. When no key is loaded, authenticator codes cannot be checked, but
recovery codes (hashed, not encrypted) still work, and an administrator can reset the factor.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from collections.abc import Iterable
from datetime import UTC
from typing import Any

import pyotp
import segno
from flask import Flask, current_app
from flask_babel import gettext as _
from markupsafe import Markup
from sqlalchemy import delete, func, select, update

from advocate import clock
from advocate.admin import settings
from advocate.audit.operations import record
from advocate.auth import sessions
from advocate.auth.models import RecoveryCode, TwoFactor, User
from advocate.extensions import db
from advocate.identity.keyring import Keyring, KeyUnavailable
from advocate.identity.service import get_keyring

STEP_SECONDS = 30
RECOVERY_CODE_COUNT = 10
ROLE_NAMES = ("advocate", "supervisor", "admin")
DEFAULT_ROLES = frozenset({"supervisor", "admin"})
#: Organisation setting: advocates must use a second factor too (bool).
SETTING_ADVOCATES = "security.two_factor_advocates"
# Crockford's base32: no I, L, O, U, so codes read aloud or copied by hand survive.
RECOVERY_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_RECOVERY_FIXES = str.maketrans({"O": "0", "I": "1", "L": "1"})
_TOTP_RE = re.compile(r"^\d{6}$")


class TwoFactorError(ValueError):
    """A refused second-factor change; the message is for the user."""


# Who must use it -------------------------------------------------------------------------


def configured_roles(app: Flask) -> frozenset[str] | None:
    """The deployment's override (TWO_FACTOR_ROLES), or None to follow the setting."""
    value = app.config.get("TWO_FACTOR_ROLES")
    if value is None:
        return None
    if isinstance(value, str) or not isinstance(value, Iterable):
        raise ValueError(
            'TWO_FACTOR_ROLES must be a JSON list such as \'["supervisor", "admin"]\' or \'[]\''
        )
    roles = frozenset(str(v) for v in value)
    unknown = sorted(roles - set(ROLE_NAMES))
    if unknown:
        raise ValueError(f"TWO_FACTOR_ROLES names unknown roles: {', '.join(unknown)}")
    return roles


def check_config(app: Flask) -> None:
    """At start-up: refuse a malformed override; warn when it weakens the default."""
    roles = configured_roles(app)
    if roles is not None and not DEFAULT_ROLES <= roles:
        missing = ", ".join(sorted(DEFAULT_ROLES - roles))
        app.logger.warning(
            "TWO_FACTOR_ROLES=%s: %s log in without a second factor. Use this only for a local "
            "trial, never with real case data.", sorted(roles), missing,
        )


def required_roles() -> frozenset[str]:
    """The roles that must use a second factor now."""
    override = configured_roles(current_app)
    if override is not None:
        return override
    if settings.get(SETTING_ADVOCATES, False):
        return DEFAULT_ROLES | {"advocate"}
    return DEFAULT_ROLES


def must_use(user: Any) -> bool:
    """Whether this user must log in with a second factor."""
    roles = configured_roles(current_app)
    if roles is None:  # the default; the setting is read only when it matters (every request)
        if user.role in DEFAULT_ROLES or user.is_admin:
            return True
        return user.role == "advocate" and setting_value()
    return (user.role in roles) or (bool(user.is_admin) and "admin" in roles)


def is_enrolled(user: Any) -> bool:
    """Whether the user has a second factor."""
    return db.session.get(TwoFactor, user.id) is not None


def recovery_codes_left(user: Any) -> int:
    """How many unused recovery codes the user has."""
    return db.session.execute(
        select(func.count()).select_from(RecoveryCode).where(
            RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None)
        )
    ).scalar_one()


def status(user: Any) -> dict[str, Any]:
    """What the account page shows: enrolled, required, recovery codes left."""
    enrolled = is_enrolled(user)
    return {
        "enrolled": enrolled,
        "required": must_use(user),
        "codes_left": recovery_codes_left(user) if enrolled else 0,
    }


def setting_value() -> bool:
    """The organisation setting: must advocates use a second factor."""
    return bool(settings.get(SETTING_ADVOCATES, False))


def set_setting(advocates: bool, *, actor: Any) -> bool:
    """Change the organisation setting (audited by the settings store)."""
    return settings.put(SETTING_ADVOCATES, bool(advocates), actor=actor)


# Secrets and codes -----------------------------------------------------------------------


def keyring() -> Keyring:
    """The identity keyring (TOTP secrets are encrypted with it)."""
    return get_keyring()


def new_secret() -> str:
    """A fresh random base32 TOTP secret (160 bits)."""
    return pyotp.random_base32(length=32)


def provisioning_uri(user: Any, secret: str) -> str:
    """The otpauth:// URI an authenticator app reads from the QR code."""
    issuer = str(current_app.config["TWO_FACTOR_ISSUER"])
    return pyotp.TOTP(secret).provisioning_uri(name=user.username, issuer_name=issuer)


def qr_svg(uri: str, title: str) -> Markup:
    """The URI as an inline SVG QR code (presentation attributes only: the CSP forbids style)."""
    qr = segno.make(uri, error="m")
    svg = qr.svg_inline(scale=5, border=4, dark="#000", light="#fff", title=title,
                        svgclass="qr", lineclass="qr-line")
    # segno writes only numbers and its own markup, and escapes the title itself.
    return Markup(svg)  # noqa: S704


def grouped(secret: str) -> str:
    """The secret in groups of four, easier to type by hand."""
    return " ".join(secret[i:i + 4] for i in range(0, len(secret), 4))


def current_step() -> int:
    """The TOTP time-step now (the clock is naive UTC)."""
    return int(clock.utcnow().replace(tzinfo=UTC).timestamp()) // STEP_SECONDS


def matching_step(secret: str, code: str, step: int) -> int | None:
    """The time-step (now, or one either side for clock drift) whose code this is, or None."""
    totp = pyotp.TOTP(secret)
    for candidate in (step - 1, step, step + 1):
        if hmac.compare_digest(totp.generate_otp(candidate), code):
            return candidate
    return None


def clean_code(code: str) -> str:
    """A typed code without spaces and dashes, upper-cased."""
    return re.sub(r"[\s\-]", "", code or "").upper()


def _recovery_hash(user_id: int, code: str) -> str:
    # 80 random bits make a fast hash safe (like an API token); the user id keeps the hashes of
    # equal codes apart and is checked by the lookup as well.
    normalised = clean_code(code).translate(_RECOVERY_FIXES)
    return hashlib.sha256(f"{user_id}:{normalised}".encode()).hexdigest()


def _new_recovery_code() -> str:
    raw = "".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(16))
    return "-".join(raw[i:i + 4] for i in range(0, 16, 4))


def _replace_recovery_codes(user: Any) -> list[str]:
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    codes = [_new_recovery_code() for _ in range(RECOVERY_CODE_COUNT)]
    db.session.add_all(
        RecoveryCode(user_id=user.id, code_hash=_recovery_hash(user.id, code)) for code in codes
    )
    db.session.flush()
    return codes


# Operations ------------------------------------------------------------------------------


def encrypt_secret(secret: str) -> str:
    """The secret encrypted for storage (or in the session during enrolment)."""
    return keyring().encrypt(secret)


def decrypt_secret(token: str) -> str:
    """A stored secret (KeyUnavailable when no loaded key opens it)."""
    return keyring().decrypt(token)


def enrol(user: User, secret: str, code: str) -> list[str]:
    """Confirm a new secret with a code from the app; store it; return the new recovery codes."""
    if is_enrolled(user):
        raise TwoFactorError(_msg("already"))
    step = matching_step(secret, clean_code(code), current_step())
    if step is None:
        record("two_factor.failure", object_type="user", object_id=user.id, actor=user,
               reason="wrong code while enrolling")
        raise TwoFactorError(_msg("wrong"))
    db.session.add(
        TwoFactor(user_id=user.id, secret_encrypted=encrypt_secret(secret), last_step=step,
                  enrolled_at=clock.utcnow())
    )
    codes = _replace_recovery_codes(user)
    record("two_factor.enrol", object_type="user", object_id=user.id, actor=user)
    return codes


def verify(user: User, code: str) -> str | None:
    """Check a login code: "totp" or "recovery" when accepted (and used up), None otherwise.

    Raises KeyUnavailable for a six-digit code when no key opens the stored secret.
    """
    typed = clean_code(code)
    if _TOTP_RE.match(typed):
        return "totp" if _use_totp(user, typed) else None
    return "recovery" if _use_recovery(user, typed) else None


def _use_totp(user: User, code: str) -> bool:
    factor = db.session.get(TwoFactor, user.id)
    if factor is None:
        return False
    step = matching_step(decrypt_secret(factor.secret_encrypted), code, current_step())
    if step is None:
        return False
    # Compare-and-set in one statement, so two workers cannot both accept the same code.
    claimed = db.session.execute(
        update(TwoFactor)
        .where(TwoFactor.user_id == user.id, TwoFactor.last_step < step)
        .values(last_step=step)
        .execution_options(synchronize_session=False)
    )
    db.session.expire(factor)
    return claimed.rowcount == 1


def _use_recovery(user: User, code: str) -> bool:
    used = db.session.execute(
        update(RecoveryCode)
        .where(
            RecoveryCode.user_id == user.id,
            RecoveryCode.code_hash == _recovery_hash(user.id, code),
            RecoveryCode.used_at.is_(None),
        )
        .values(used_at=clock.utcnow())
        .execution_options(synchronize_session=False)
    )
    if used.rowcount != 1:
        return False
    record("two_factor.recovery_code_used", object_type="user", object_id=user.id, actor=user,
           reason=f"{recovery_codes_left(user)} recovery codes left")
    return True


def record_failure(user: User, reason: str) -> None:
    """Audit a wrong second-factor code."""
    record("two_factor.failure", object_type="user", object_id=user.id, actor=user,
           reason=reason)


def new_recovery_codes(user: User, code: str) -> list[str]:
    """Replace the recovery codes after checking a current code; return the new ones."""
    _require_code(user, code)
    codes = _replace_recovery_codes(user)
    record("two_factor.recovery_codes", object_type="user", object_id=user.id, actor=user)
    return codes


def disable(user: User, code: str) -> None:
    """Turn one's own second factor off (only when the role does not require it)."""
    if must_use(user):
        raise TwoFactorError(_msg("required"))
    _require_code(user, code)
    _remove(user)
    record("two_factor.disable", object_type="user", object_id=user.id, actor=user)


def reset(user: User, *, actor: Any) -> bool:
    """An administrator removes a user's second factor; the user's other sessions end."""
    if not is_enrolled(user):
        return False
    _remove(user)
    keep = sessions.current() if getattr(actor, "id", None) == user.id else None
    sessions.revoke_all(user, keep=keep)
    record("two_factor.reset", object_type="user", object_id=user.id, actor=actor)
    return True


def _remove(user: User) -> None:
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    db.session.execute(delete(TwoFactor).where(TwoFactor.user_id == user.id))
    db.session.flush()


def _require_code(user: User, code: str) -> None:
    try:
        accepted = verify(user, code)
    except KeyUnavailable:
        accepted = None
    if accepted is None:
        record_failure(user, "wrong code for a second-factor change")
        raise TwoFactorError(_msg("wrong"))


def rotate_secrets(new_keyring: Keyring | None = None) -> int:
    """Re-encrypt every stored TOTP secret with the primary key (for key rotation)."""
    ring = new_keyring or keyring()
    count = 0
    for factor in db.session.execute(select(TwoFactor)).scalars():
        factor.secret_encrypted = ring.rotate_token(factor.secret_encrypted)
        count += 1
    db.session.flush()
    return count


def _msg(kind: str) -> str:
    return {
        "already": _("Two-factor login is already set up for this account."),
        "wrong": _("That code is not right, or it was used already. Wait for the next code "
                   "and try again."),
        "required": _("Your role must use two-factor login; it cannot be turned off."),
    }[kind]
