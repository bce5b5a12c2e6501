"""CSV import and export of cases, for supervisors."""

from __future__ import annotations

from flask import Response, render_template, stream_with_context
from flask_babel import gettext as _
from flask_login import current_user

from advocate import policy
from advocate.cases import csvio, importer, operations
from advocate.cases.forms import ImportForm
from advocate.cases.views import bp, require
from advocate.cases.views_work import assignable_users
from advocate.clock import today
from advocate.extensions import db
from advocate.fields import select_choices


@bp.route("/import", methods=["GET", "POST"])
def import_csv():
    """Upload a CSV file: all rows are imported, or none and every problem is listed."""
    require(policy.can_import_cases(current_user))
    people = assignable_users()
    form = ImportForm()
    form.owner.choices = select_choices(
        [("", _("nobody (assign later)"))] + [(str(u.id), u.username) for u in people]
    )
    report = None
    if form.validate_on_submit():
        owner = {str(u.id): u for u in people}.get(form.owner.data or "")
        report = importer.import_bytes(
            form.file.data.read(), actor=current_user, default_owner=owner,
            dry_run=form.dry_run.data,
        )
        if report.ok and not report.dry_run:
            db.session.commit()  # the report on the page says what was imported
        else:
            db.session.rollback()
    code = 400 if (form.errors or (report is not None and not report.ok)) else 200
    return render_template("cases/import.html", form=form, report=report), code


@bp.route("/export.csv")
def export_csv():
    """Every case as CSV (no identifying data is in the case record)."""
    require(policy.can_export_cases(current_user))
    filename = f"cases-{today().isoformat()}.csv"
    operations.record_export(actor=current_user, destination=f"download {filename}")
    db.session.commit()
    return Response(
        stream_with_context(csvio.stream_csv(csvio.export_rows())),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
