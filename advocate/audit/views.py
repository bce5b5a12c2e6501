"""The event log viewer for supervisors and administrators: filters, pages, CSV export.

The log holds no identity values (operations never write them), so nothing here needs the vault.
Administrators who are not supervisors see who did what to which case, but not the changed
values, reasons and notes of case events: administration and case work are kept apart.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from flask import Blueprint, Response, abort, render_template, request, stream_with_context
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from sqlalchemy import Select, func, or_, select
from wtforms import DateField, StringField
from wtforms.validators import Length, Optional

from advocate import policy
from advocate.audit.models import AuditEvent
from advocate.audit.operations import record
from advocate.cases.models import Case
from advocate.clock import today
from advocate.extensions import db
from advocate.spreadsheet import safe_cell
from advocate.web import page_number, register_nav

bp = Blueprint("audit", __name__, url_prefix="/audit")
register_nav("audit.index", _l("Event log"), policy.can_view_audit)

PER_PAGE = 50
CSV_COLUMNS = (
    "id", "at_utc", "actor", "action", "object_type", "object_id", "case_reference", "case_id",
    "changes", "reason", "note", "ip", "prev_hash", "hash",
)
class FilterForm(FlaskForm):
    """The filters, sent as a GET query (nothing changes, so no CSRF token)."""

    class Meta:
        csrf = False

    user = StringField(_l("User"), validators=[Optional(), Length(max=64)])
    case = StringField(_l("Case reference or number"), validators=[Optional(), Length(max=32)])
    action = StringField(_l("Action"), validators=[Optional(), Length(max=64)])
    start = DateField(_l("From"), validators=[Optional()])
    end = DateField(_l("To (inclusive)"), validators=[Optional()])


@dataclass(frozen=True)
class Filters:
    """The checked filter values."""

    user: str = ""
    case: str = ""
    action: str = ""
    start: date | None = None
    end: date | None = None

    def args(self) -> dict[str, str]:
        """The non-empty filters as query arguments (for page links and the export)."""
        values = {"user": self.user, "case": self.case, "action": self.action,
                  "start": self.start.isoformat() if self.start else "",
                  "end": self.end.isoformat() if self.end else ""}
        return {key: value for key, value in values.items() if value}


@bp.before_request
@login_required
def require_reader() -> None:
    """Only supervisors and administrators read the log."""
    if not policy.can_view_audit(current_user):
        abort(403)


def _filters(form: FilterForm) -> Filters:
    return Filters(
        user=(form.user.data or "").strip().lower(),
        case=(form.case.data or "").strip(),
        action=(form.action.data or "").strip(),
        start=form.start.data,
        end=form.end.data,
    )


def _case_ids(text: str) -> list[int]:
    """The ids of the case named by a reference (any case) or a number."""
    query = select(Case.id).where(func.upper(Case.reference) == text.upper())
    ids = list(db.session.execute(query).scalars())
    if text.isdigit():
        ids.append(int(text))
    return ids


def query(filters: Filters) -> Select:
    """Events matching the filters, newest first."""
    stmt = select(AuditEvent)
    if filters.user:
        stmt = stmt.where(func.lower(AuditEvent.actor_name) == filters.user)
    if filters.case:
        stmt = stmt.where(AuditEvent.case_id.in_(_case_ids(filters.case)))
    if filters.action:
        # "login" finds login.success, login.failure...; "login.failure" only itself.
        stmt = stmt.where(or_(AuditEvent.action == filters.action,
                              AuditEvent.action.startswith(filters.action + ".", autoescape=True)))
    if filters.start:
        stmt = stmt.where(AuditEvent.at >= datetime.combine(filters.start, time.min))
    if filters.end:
        end = datetime.combine(filters.end + timedelta(days=1), time.min)
        stmt = stmt.where(AuditEvent.at < end)
    return stmt.order_by(AuditEvent.id.desc())


def _references(events: list[AuditEvent]) -> dict[int, str]:
    """Case id -> reference for the cases these events name."""
    ids = {event.case_id for event in events if event.case_id is not None}
    if not ids:
        return {}
    return dict(db.session.execute(select(Case.id, Case.reference).where(Case.id.in_(ids))).all())


def _actions() -> list[str]:
    return list(db.session.execute(
        select(AuditEvent.action).distinct().order_by(AuditEvent.action)
    ).scalars())


def shows_details(event: AuditEvent) -> bool:
    """Whether the current user may see this event's values, reason and note."""
    return event.case_id is None or policy.can_view_audit_case_details(current_user)


@bp.route("")
def index():
    """The log, newest first, filtered and paginated."""
    form = FilterForm(request.args)
    if request.args and not form.validate():
        return render_template("audit/index.html", form=form, rows=None, filters=Filters(),
                               actions=_actions(), shows_details=shows_details), 400
    filters = _filters(form)
    page = db.paginate(query(filters), page=page_number(request.args),
                       per_page=PER_PAGE, error_out=False)
    return render_template("audit/index.html", form=form, rows=page.items, page=page,
                           references=_references(page.items), filters=filters,
                           actions=_actions(), shows_details=shows_details)


def _row(event: AuditEvent, reference: str | None, hidden: str | None) -> list[str]:
    """One CSV row; `hidden` replaces the values of case events when they are withheld."""
    withheld = hidden is not None and event.case_id is not None
    values = [
        event.id, event.at.isoformat(timespec="seconds"), event.actor_name, event.action,
        event.object_type, event.object_id, reference, event.case_id,
        *((hidden if value else "") if withheld else value
          for value in (event.changes, event.reason, event.note)),
        event.ip, event.prev_hash, event.hash,
    ]
    return [safe_cell(v) for v in values]


def _stream(filters: Filters, hidden: str | None) -> Iterator[str]:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(CSV_COLUMNS)
    stmt = query(filters).add_columns(Case.reference).outerjoin(
        Case, Case.id == AuditEvent.case_id
    )
    rows = db.session.execute(stmt.execution_options(yield_per=500))
    for count, (event, reference) in enumerate(rows, start=1):
        writer.writerow(_row(event, reference, hidden))
        if count % 500 == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


@bp.route("/export.csv")
def export_csv():
    """The filtered log as CSV (the export itself is recorded in the log first)."""
    form = FilterForm(request.args)
    if request.args and not form.validate():
        abort(400)
    filters = _filters(form)
    # Decided before streaming: the generator runs after the view has returned.
    hidden = None
    if not policy.can_view_audit_case_details(current_user):
        hidden = _("(case content, for supervisors)")
    filename = f"event-log-{today().isoformat()}.csv"
    described = ", ".join(f"{k}={v}" for k, v in filters.args().items()) or "all events"
    record("audit.export", object_type="audit", reason=f"download {filename}: {described}")
    db.session.commit()
    return Response(
        stream_with_context(_stream(filters, hidden)),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
