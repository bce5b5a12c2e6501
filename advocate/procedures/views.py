"""Procedure pages: the term calculator and a case's transfer page (readiness, documents,
consent ledger, dates). The settings pages for legal bases and addressees are in `views_admin`.

Access: the calculator is for any logged-in user. A case's transfer page follows the case page:
a case the user may not see answers 404, whether or not its reference exists; changes need
`policy.can_edit_case` (403 otherwise).
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from advocate import clock, policy
from advocate.cases.models import Case
from advocate.cases.operations import TextRefused
from advocate.cases.vocab import Regime
from advocate.extensions import db
from advocate.fields import select_choices
from advocate.procedures import DEFAULT_ROUTE, get_procedure, operations, procedures
from advocate.procedures.articles import ArticleParseError, parse_articles
from advocate.procedures.forms import (
    ButtonForm,
    CalculatorForm,
    ConsentEntryForm,
    DocumentForm,
    FactsForm,
    HearingForm,
    WithdrawalForm,
)
from advocate.procedures.models import Deadline
from advocate.procedures.readiness import Readiness, readiness
from advocate.procedures.sentence import SentenceInputError, TermInput, compute_term

bp = Blueprint("procedures", __name__)


@bp.before_request
@login_required
def require_login() -> None:
    """Every page here needs a logged-in user."""


# --- Calculator --------------------------------------------------------------------------------


def _compute(form: CalculatorForm) -> Any:
    """The TermResult for a validated form, or None with the problem put on the form."""
    procedure = get_procedure(form.route.data)
    if procedure is None:
        form.route.errors = [_("Choose a route.")]
        return None
    try:
        articles = tuple(parse_articles(form.articles.data or ""))
    except ArticleParseError as exc:
        form.articles.errors = [str(exc)]
        return None
    try:
        term = TermInput(
            start=form.start.data, regime=Regime(form.regime.data),
            years=form.years.data or 0, months=form.months.data or 0, days=form.days.data or 0,
            pretrial_days=form.pretrial_days.data or 0,
            house_arrest_days=form.house_arrest_days.data or 0,
            articles=articles, judgment_final=form.judgment_final.data,
        )
        return compute_term(term, procedure.credit_rules(), form.on.data or clock.today())
    except SentenceInputError as exc:
        form.form_errors.append(str(exc))
        return None


@bp.route("/procedures/calculator")
def calculator():
    """Term end, credit, time served and remaining, and the eligibility lapse date."""
    if not policy.can_use_calculator(current_user):
        abort(403)
    form = CalculatorForm(formdata=request.args or None,
                          data={"route": DEFAULT_ROUTE, "on": clock.today()})
    form.route.choices = select_choices(
        (p.id, p.name.get(_language())) for p in procedures().values())
    result, code = None, 200
    if request.args:
        result = _compute(form) if form.validate() else None
        code = 200 if result is not None else 400
    return render_template("procedures/calculator.html", form=form, result=result), code


def _language() -> str:
    from flask_babel import get_locale

    locale = get_locale()
    return locale.language if locale is not None else "en"


# --- A case's transfer page --------------------------------------------------------------------


def load_case(reference: str) -> Case:
    """The case if the user may see it; 404 otherwise, whether it exists or not."""
    case = db.session.execute(
        select(Case).where(Case.reference == reference)
    ).scalar_one_or_none()
    if case is None or not policy.can_view_case(current_user, case):
        abort(404)
    return case


def load_editable(reference: str) -> Case:
    """The case if the user may change it (404 if unseen, 403 if seen only)."""
    case = load_case(reference)
    if not policy.can_edit_case(current_user, case):
        abort(403)
    return case


def _document_forms(ready: Readiness, failed: tuple[str, DocumentForm] | None
                    ) -> dict[str, DocumentForm]:
    forms = {}
    for view in ready.documents:
        doc_id = view.document.id
        if failed and failed[0] == doc_id:
            forms[doc_id] = failed[1]
        else:
            forms[doc_id] = DocumentForm(formdata=None, prefix=f"doc-{doc_id}", obj=view.row,
                                         data={"status": "missing"})
    return forms


def render_transfer(case: Case, *, code: int = 200, **failed: Any):
    """The transfer page; a form that failed is shown again with its input and errors."""
    ready = readiness(case)
    day = clock.today()
    facts = failed.get("facts") or FactsForm(formdata=None, obj=ready.facts_row)
    consent = failed.get("consent") or ConsentEntryForm(formdata=None, data={"given_on": day})
    withdrawal = failed.get("withdrawal") or WithdrawalForm(formdata=None,
                                                            data={"withdrawn_on": day})
    return render_template(
        "procedures/transfer.html", case=case, ready=ready, transfer_ready=ready, facts_form=facts,
        document_forms=_document_forms(ready, failed.get("document")),
        consent_form=consent, withdrawal_form=withdrawal,
        hearing_form=failed.get("hearing") or HearingForm(formdata=None),
        button=ButtonForm(formdata=None),
    ), code


def _refused(form: Any, error: Exception) -> None:
    """Put an operation's refusal on the form's fields (or on the form)."""
    if isinstance(error, operations.InvalidInput):
        for name, messages in error.errors.items():
            target = form[name] if name in form else None
            if target is not None:
                target.errors = [*target.errors, *messages]
            else:
                form.form_errors.extend(messages)
    elif isinstance(error, TextRefused):
        form.form_errors.append(error.message)
    else:
        form.form_errors.append(str(error))


def _done(case: Case, message: str):
    db.session.commit()
    flash(message, "success")
    return redirect(url_for("procedures.transfer", reference=case.reference))


@bp.route("/cases/<reference>/transfer")
def transfer(reference: str):
    """Readiness, the documents checklist, the consent ledger and the dates of one case."""
    return render_transfer(load_case(reference))


@bp.route("/cases/<reference>/transfer/facts", methods=["POST"])
def facts(reference: str):
    """Record the dual-criminality finding and the expected decision date."""
    case = load_editable(reference)
    form = FactsForm()
    if form.validate_on_submit():
        try:
            operations.set_case_facts(
                case, dual_criminality=form.dual_criminality.data,
                note=form.dual_criminality_note.data,
                expected_decision=form.expected_decision_date.data, actor=current_user)
        except (operations.ProcedureError, TextRefused) as exc:
            _refused(form, exc)
        else:
            return _done(case, _("Transfer facts saved."))
    return render_transfer(case, facts=form, code=400)


@bp.route("/cases/<reference>/transfer/documents/<document_id>", methods=["POST"])
def document(reference: str, document_id: str):
    """Record where one required document stands."""
    case = load_editable(reference)
    form = DocumentForm(prefix=f"doc-{document_id}")
    if form.validate_on_submit():
        try:
            operations.update_document(case, document_id, status=form.status.data,
                                       note=form.note.data, actor=current_user, **form.dates())
        except operations.InvalidInput as exc:
            if "document" in exc.errors:
                abort(404)
            _refused(form, exc)
        except (operations.ProcedureError, TextRefused) as exc:
            _refused(form, exc)
        else:
            return _done(case, _("Document checklist saved."))
    return render_transfer(case, document=(document_id, form), code=400)


@bp.route("/cases/<reference>/transfer/consents", methods=["POST"])
def consent(reference: str):
    """Add a consent to the ledger."""
    case = load_editable(reference)
    form = ConsentEntryForm()
    if form.validate_on_submit():
        try:
            operations.record_consent(
                case, kind=form.kind.data, given_on=form.given_on.data,
                language=form.language.data or None, form=form.form.data,
                lawyer_present=form.lawyer_present.data,
                return_risk_explained=form.return_risk_explained.data, note=form.note.data,
                actor=current_user)
        except (operations.ProcedureError, TextRefused) as exc:
            _refused(form, exc)
        else:
            return _done(case, _("Consent recorded."))
    return render_transfer(case, consent=form, code=400)


@bp.route("/cases/<reference>/transfer/consents/withdraw", methods=["POST"])
def withdraw(reference: str):
    """Record a withdrawal of consent (a new ledger entry)."""
    case = load_editable(reference)
    form = WithdrawalForm()
    if form.validate_on_submit():
        try:
            operations.withdraw_consent(case, kind=form.kind.data,
                                        withdrawn_on=form.withdrawn_on.data,
                                        note=form.note.data, actor=current_user)
        except (operations.ProcedureError, TextRefused) as exc:
            _refused(form, exc)
        else:
            return _done(case, _("Withdrawal of consent recorded."))
    return render_transfer(case, withdrawal=form, code=400)


@bp.route("/cases/<reference>/transfer/hearings", methods=["POST"])
def hearing(reference: str):
    """Enter a court hearing."""
    case = load_editable(reference)
    form = HearingForm()
    if form.validate_on_submit():
        try:
            operations.add_hearing(case, due=form.due_date.data, title=form.title.data,
                                   actor=current_user)
        except (operations.ProcedureError, TextRefused) as exc:
            _refused(form, exc)
        else:
            return _done(case, _("Date entered."))
    return render_transfer(case, hearing=form, code=400)


def _deadline(case: Case, deadline_id: int) -> Deadline:
    deadline = db.session.get(Deadline, deadline_id)
    if deadline is None or deadline.case_id != case.id or not ButtonForm().validate_on_submit():
        abort(404)
    return deadline


@bp.route("/cases/<reference>/transfer/deadlines/<int:deadline_id>/done", methods=["POST"])
def deadline_done(reference: str, deadline_id: int):
    """Mark a deadline done."""
    case = load_editable(reference)
    operations.complete_deadline(case, _deadline(case, deadline_id), actor=current_user)
    return _done(case, _("Marked as done."))


@bp.route("/cases/<reference>/transfer/deadlines/<int:deadline_id>/remove", methods=["POST"])
def deadline_remove(reference: str, deadline_id: int):
    """Remove a date entered by hand by mistake."""
    case = load_editable(reference)
    try:
        operations.remove_hearing(case, _deadline(case, deadline_id), actor=current_user)
    except operations.InvalidInput:
        abort(400)
    return _done(case, _("Date removed."))


from advocate.procedures import views_admin  # noqa: E402, F401 — its routes join `bp`
