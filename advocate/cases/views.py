"""Case pages: list and search, new case, the case page, editing with the stale-edit check.

Access: `policy.can_list_cases` for the list and new case (403 otherwise); a case the user may
not see answers 404, whether or not its reference exists. Claims, notes, status and assignment
are in `views_work`, CSV import and export in `views_csv`; both add routes to this blueprint.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from sqlalchemy import select

from advocate import policy
from advocate.auth.models import User
from advocate.cases import operations, regions_ru, search, terms, timeline, vocab
from advocate.cases.forms import CaseForm, NoteForm, StatusForm
from advocate.cases.models import Case
from advocate.cases.record import (
    CASE_FIELDS,
    CASE_SPECS,
    CLAIM_FIELDS,
    case_field_label,
    display_value,
)
from advocate.cases.workflow import Status, allowed_next
from advocate.extensions import db
from advocate.web import register_home_section, register_nav

bp = Blueprint("cases", __name__, url_prefix="/cases")

register_nav("cases.index", _l("Cases"), policy.can_list_cases)
register_home_section("cases/_home.html", policy.can_list_cases)

#: The groups of the case page and the case form, by field name.
SECTIONS: tuple[tuple[object, tuple[str, ...]], ...] = (
    (_l("Case"), ("initials", "label")),
    (_l("Person"), ("sex", "birth_year", "region_uz", "citizenship", "languages")),
    (_l("Custody"), ("custody_country", "custody_type", "regime", "facility_name", "region_ru",
                     "arrest_date", "custody_date", "pretrial_days", "house_arrest_days")),
    (_l("Charges and judgment"), (
        "articles", "court", "court_case_number", "judgment_date", "judgment_final_date",
        "appeal_status", "sentence_years", "sentence_months", "sentence_days",
        "sentence_life", "additional_punishments", "term_start", "civil_claim_amount",
        "civil_claim_status", "fine_amount", "fine_status", "other_pending_proceedings",
        "russian_permanent_residence")),
    (_l("Military recruitment"), ("military_status", "military_contract_date")),
)
HINTS: dict[str, object] = {
    "label": _l("A short description without names, e.g. “drug charge, Tver colony”."),
    "initials": _l("Optional; never the full name."),
    "articles": _l("For example 228 ч.2, or 30 ч.3, 228.1 ч.4 п.«г». Separate several by commas."),
    "arrest_date": _l("YYYY-MM-DD or DD.MM.YYYY"),
    "regime": _l("Only for a person held in a penal colony or a prison."),
    "sentence_life": _l("Yes for a life sentence; then leave years, months and days blank."),
}


FILTER_LABELS: dict[str, object] = {
    "status": _l("Status"),
    "custody_type": _l("Custody"),
    "region_ru": _l("Region of Russia"),
    "region_uz": _l("Region of origin"),
    "owner": _l("Owner"),
    "military": _l("Military recruitment"),
    "has_claims": _l("Claims of coercion"),
    "claim_type": _l("Type of coercion"),
    "opened_from": _l("Opened from"),
    "opened_to": _l("Opened until"),
}


@bp.before_request
@login_required
def require_login() -> None:
    """Every case page needs a logged-in user."""


def require_list_access() -> None:
    """403 for users who do not work with cases (e.g. administrators only)."""
    if not policy.can_list_cases(current_user):
        abort(403)


def load_case(reference: str) -> Case:
    """The case with this reference if the user may see it; 404 otherwise, exists or not."""
    case = db.session.execute(
        select(Case).where(Case.reference == reference)
    ).scalar_one_or_none()
    if case is None or not policy.can_view_case(current_user, case):
        abort(404)
    return case


def require(allowed: bool) -> None:
    """403 for an action on a case the user may see but not act on."""
    if not allowed:
        abort(403)


def _filter_choices() -> dict[str, Any]:
    language = _language()
    owners = db.session.execute(
        select(User).where(User.active.is_(True)).order_by(User.username)
    ).scalars()
    return {
        "status": Status.choices(),
        "custody_type": vocab.CustodyType.choices(),
        "region_ru": regions_ru.choices(language),
        "region_uz": vocab.RegionUz.choices(),
        "military": vocab.MilitaryStatus.choices(),
        "owner": [(search.UNASSIGNED, _("nobody"))]
        + [(u.username, u.username) for u in owners if policy.can_list_cases(u)],
        "has_claims": [("yes", _("yes")), ("no", _("no"))],
        "claim_type": vocab.CoercionType.choices(),
    }


def _language() -> str:
    locale = get_locale()
    return locale.language if locale is not None else "en"


@bp.route("")
def index():
    """The cases this user may see, filtered, searched, sorted and paged by the URL."""
    require_list_access()
    case_filter = search.CaseFilter.from_args(request.args)
    page = search.list_cases(current_user, case_filter)
    rows = [
        {"case": c, "status": Status(c.status).label,
         "custody": display_value(CASE_SPECS["custody_type"], c.custody_type),
         "region": display_value(CASE_SPECS["region_ru"], c.region_ru)}
        for c in page.cases
    ]
    return render_template(
        "cases/index.html", page=page, rows=rows, f=case_filter, choices=_filter_choices(),
        filter_labels=FILTER_LABELS,
    )


@bp.route("/new", methods=["GET", "POST"])
def new():
    """Open a new case; the advocate who opens it owns it."""
    require_list_access()
    form = CaseForm(data={"custody_country": terms.Country.RUSSIA.value})
    if form.validate_on_submit():
        try:
            case = operations.create_case(form.values(), actor=current_user, owner=current_user)
        except (operations.InvalidRecord, operations.TextRefused) as exc:
            show_operation_error(form, exc)
        else:
            db.session.commit()
            flash(_("Case %(ref)s opened.", ref=case.reference), "success")
            return redirect(url_for("cases.show", reference=case.reference))
    return render_form("cases/form.html", form, case=None)


def show_operation_error(form: Any, error: Exception) -> None:
    """Put an operation's refusal on the form, keeping everything the user typed."""
    if isinstance(error, operations.InvalidRecord):
        form.attach(error.errors)
    elif isinstance(error, operations.TextRefused):
        form.attach({error.field: [error.message]})
        mark_leak(form, error, error.field)


def mark_leak(form: Any, error: Exception, field_name: str) -> None:
    """Remember which form field held refused text, so the page offers the one-click fix."""
    if getattr(error, "fragment", None) and field_name in form:
        form.leak_field = field_name


def render_form(template: str, form: Any, **context: Any):
    """A form page; 400 when it was submitted with errors, so tests and tools can tell."""
    code = 400 if request.method == "POST" else 200
    return render_template(template, form=form, sections=SECTIONS, hints=HINTS, **context), code


def render_case(case: Case, *, note_form: NoteForm | None = None,
                status_form: StatusForm | None = None, code: int = 200):
    """The case page with its forms (a failed note or status form keeps its input)."""
    if status_form is None:
        status_form = StatusForm()
    status_form.set_targets(allowed_next(case.status, is_supervisor=policy.is_supervisor(
        current_user)))
    values = {spec.name: display_value(spec, getattr(case, spec.name)) for spec in CASE_FIELDS}
    claims = [
        {"claim": c, "values": {s.name: display_value(s, getattr(c, s.name)) for s in CLAIM_FIELDS}}
        for c in case.claims
    ]
    entries = timeline.timeline(case.id)
    return render_template(
        "cases/show.html", case=case, values=values, sections=SECTIONS, claims=claims,
        claim_specs=CLAIM_FIELDS, timeline=entries, event_count=timeline.event_count(case.id),
        notes=[e for e in entries if e.note and e.action == operations.NOTE_ACTION],
        note_form=note_form or NoteForm(), status_form=status_form,
        status_label=Status(case.status).label, limit=timeline.TIMELINE_LIMIT,
        closing_label=display_value(CASE_SPECS["closing_reason"], case.closing_reason),
        field_label=case_field_label,
    ), code


@bp.route("/<reference>")
def show(reference: str):
    """Summary, claims, notes and the timeline of one case."""
    return render_case(load_case(reference))


@bp.route("/<reference>/edit", methods=["GET", "POST"])
def edit(reference: str):
    """Edit the record; a form built from an older version shows the conflict page instead."""
    case = load_case(reference)
    require(policy.can_edit_case(current_user, case))
    form = CaseForm.for_case(case)
    operations.fix_form(case, form, request.form)
    if form.validate_on_submit():
        try:
            changes = operations.update_case(
                case, form.values(), expected_version=form.submitted_version(),
                actor=current_user,
            )
        except operations.StaleEdit as exc:
            db.session.rollback()
            return render_conflict(load_case(reference), exc)
        except (operations.InvalidRecord, operations.TextRefused) as exc:
            show_operation_error(form, exc)
        else:
            db.session.commit()
            if changes:
                flash(_("Case %(ref)s saved.", ref=case.reference), "success")
            else:
                flash(_("Nothing was changed."), "info")
            return redirect(url_for("cases.show", reference=case.reference))
    return render_form("cases/form.html", form, case=case)


def render_conflict(case: Case, error: operations.StaleEdit):
    """Both values of every field that differs; nothing was saved."""
    rows = [
        {"label": c.label, "yours": display_value(CASE_SPECS.get(c.field), c.yours),
         "saved": display_value(CASE_SPECS.get(c.field), c.saved)}
        for c in error.conflicts
    ]
    return render_template("cases/conflict.html", case=case, rows=rows), 409


from advocate.cases import views_csv, views_work  # noqa: E402, F401 — their routes join `bp`
