"""Request-wide behaviour: security headers, error pages, template globals."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Flask, abort, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from advocate import policy
from advocate.extensions import db
from advocate.i18n import LANGUAGE_NAMES

CSP = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
    "frame-ancestors 'none'"
)
ERROR_TITLES = {
    400: _l("Bad request"),
    403: _l("Not allowed"),
    404: _l("Not found"),
    405: _l("Method not allowed"),
    413: _l("Too large"),
    500: _l("Something went wrong"),
}


#: Navigation entries added by features: (endpoint, label, predicate(user) -> bool).
NAV: list[tuple[str, object, Callable[[Any], bool]]] = []
#: Sections of the home page added by features: (template name, predicate(user) -> bool).
HOME_SECTIONS: list[tuple[str, Callable[[Any], bool]]] = []


#: Panels of the case page added by features: (template name, predicate(user, case) -> bool).
#: The template receives `case` (and `user`); it asks, never decides: data comes from helpers
#: the feature registers as Jinja globals.
CASE_PANELS: list[tuple[str, Callable[[Any, Any], bool]]] = []


def register_case_panel(template: str, predicate: Callable[[Any, Any], bool]) -> None:
    """Add a panel to the case page for the users the predicate admits on that case."""
    if all(entry[0] != template for entry in CASE_PANELS):
        CASE_PANELS.append((template, predicate))


def case_panels(case: Any) -> list[str]:
    """The case-page panels the current user may see for this case."""
    return [template for template, predicate in CASE_PANELS if predicate(current_user, case)]


def register_nav(endpoint: str, label: object, predicate: Callable[[Any], bool]) -> None:
    """Add a link to the header for the users the predicate admits."""
    if all(entry[0] != endpoint for entry in NAV):
        NAV.append((endpoint, label, predicate))


def register_home_section(template: str, predicate: Callable[[Any], bool]) -> None:
    """Add a section to the home page for the users the predicate admits."""
    if all(entry[0] != template for entry in HOME_SECTIONS):
        HOME_SECTIONS.append((template, predicate))


def nav_items() -> list[dict[str, str]]:
    """The header links the current user may follow."""
    return [
        {"url": url_for(endpoint), "label": str(label)}
        for endpoint, label, predicate in NAV
        if predicate(current_user)
    ]


def home_sections() -> list[str]:
    """The home-page sections for the current user."""
    return [template for template, predicate in HOME_SECTIONS if predicate(current_user)]


#: The highest page number a list accepts: beyond it the offset would overflow the database's
#: integers (SQLite OverflowError, PostgreSQL bigint out of range).
MAX_PAGE = 100_000


def page_number(args: Any) -> int:
    """The `page` query argument, from 1 to MAX_PAGE; anything unreadable is page 1."""
    try:
        page = int(args.get("page", 1))
    except (TypeError, ValueError):
        return 1
    return max(1, min(page, MAX_PAGE))


def refuse_nul_bytes() -> None:
    """400 for any query or form value holding NUL: no legitimate input has one, and
    PostgreSQL refuses it in text (a 500 otherwise, from the login page onwards)."""
    for values in (request.args, request.form):
        for key, value in values.items(multi=True):
            if "\x00" in key or "\x00" in value:
                abort(400)


def security_headers(response):
    """Headers on every response: no framing, no sniffing, no referrer, only our own resources."""
    response.headers["Content-Security-Policy"] = CSP
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["X-Frame-Options"] = "DENY"
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["Cross-Origin-Opener-Policy"] = "same-origin"
    response.headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=()"
    if request.is_secure:
        response.headers["Strict-Transport-Security"] = "max-age=31536000; includeSubDomains"
    if request.endpoint != "static":
        response.headers["Cache-Control"] = "no-store"
    return response


def _messages() -> dict[int, str]:
    return {
        400: _("The request could not be understood. Go back, reload the page and try again."),
        403: _("You do not have access to this page."),
        404: _("There is no such page, or you do not have access to it."),
        405: _("This address does not accept that kind of request."),
        413: _("The upload is too large."),
        500: _("Something went wrong on our side. Nothing you typed was saved; please try again."),
    }


def handle_http_error(error: HTTPException):
    """Every error page in the application's style."""
    code = error.code or 500
    if code >= 500:
        db.session.rollback()
    messages = _messages()
    message = messages.get(code, error.description)
    if isinstance(error, CSRFError):
        message = _(
            "The form expired or was not sent from this site. Reload the page and try again; "
            "nothing was changed."
        )
    title = str(ERROR_TITLES.get(code, _l("Error")))
    return render_template("errors/error.html", code=code, title=title, message=message), code


def handle_unexpected(error: Exception):
    """An unexpected exception: roll back, log, and show the 500 page."""
    db.session.rollback()
    from flask import current_app

    current_app.logger.exception("Unhandled error on %s %s", request.method, request.path)
    return render_template(
        "errors/error.html", code=500, title=_("Something went wrong"), message=_messages()[500]
    ), 500


def init_app(app: Flask) -> None:
    """Register headers, error handlers and the template globals."""
    app.before_request(refuse_nul_bytes)
    app.after_request(security_headers)
    app.register_error_handler(HTTPException, handle_http_error)
    if not app.testing:  # in tests exceptions propagate, so a failure shows its traceback
        app.register_error_handler(Exception, handle_unexpected)
    predicates = {
        name: fn for name, fn in vars(policy).items()
        if name.startswith(("can_", "is_")) and callable(fn)
    }
    app.jinja_env.globals.update(predicates)
    app.jinja_env.globals["LANGUAGE_NAMES"] = LANGUAGE_NAMES
    app.jinja_env.globals["nav_items"] = nav_items
    app.jinja_env.globals["home_sections"] = home_sections
    app.jinja_env.globals["case_panels"] = case_panels
    from flask_babel import format_date, format_datetime, get_locale

    app.jinja_env.globals["get_locale"] = get_locale
    app.jinja_env.globals["format_date"] = format_date
    app.jinja_env.globals["format_datetime"] = format_datetime
