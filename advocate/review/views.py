"""Review pages: the supervisor's review, full needs-attention lists, the approval queue, exports,
and the refusal grounds on a refused case.

Access: the review, its exports and the queue are for supervisors (403 for everyone else,
administrators included); a needs-attention list is the supervisor's (every case) or, for an
advocate, that of their own cases; refusal grounds follow the case (404 when it is not visible).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask.blueprints import BlueprintSetupState
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from sqlalchemy import func, select

from advocate import clock, policy
from advocate.cases import regions_ru
from advocate.cases.models import Case
from advocate.cases.views_work import assignable_users
from advocate.extensions import db
from advocate.letters import operations as letter_ops
from advocate.letters.forms import ReturnForm
from advocate.letters.models import Letter
from advocate.letters.views import run_step
from advocate.letters.workflow import LetterStatus
from advocate.review import attention, exports, memo, operations, presenters, queries, stages
from advocate.review.attention import Scope, Settings
from advocate.review.filters import ReviewFilter
from advocate.review.forms import RefusalForm
from advocate.review.models import RefusalGround
from advocate.review.presenters import Chart
from advocate.web import (
    page_number,
    register_case_panel,
    register_home_section,
    register_nav,
)

bp = Blueprint("review", __name__, cli_group="review")
bp.cli.help = "Supervisor review: rebuild the time-in-stage figures."

#: Items per page of a full needs-attention list, and letters shown in the queue.
PAGE_SIZE = 50
QUEUE_LIMIT = 200
ACTION_LABELS: dict[str, object] = {
    "review.refusal.record": _l("Refusal grounds recorded"),
    "review.refusal.delete": _l("Refusal ground removed"),
    "review.export": _l("Review figures exported"),
}
FIELD_LABELS: dict[str, object] = {
    "decided_on": _l("Date of the decision"),
    "grounds": _l("Grounds given"),
    "ground": _l("Ground"),
}


def _refusal_panel_shown(user: Any, case: Any) -> bool:
    return (policy.can_view_case(user, case) and stages.available()
            and operations.was_refused(case))


def own_attention() -> list[attention.Section]:
    """Needs attention on the current user's own cases (the home page asks this)."""
    settings = Settings.current(clock.today())
    return memo.cached("own-attention", (current_user.id, settings, _lang()),
                       lambda: attention.needs_attention(Scope.own(current_user), settings,
                                                         limit=5))


def review_attention(review_filter: ReviewFilter) -> list[attention.Section]:
    """Needs attention on every case matching the filter (period aside), for the review page."""
    settings = Settings.current(clock.today())
    return memo.cached(
        "attention", (review_filter.key, settings, _lang()),
        lambda: attention.needs_attention(Scope(tuple(review_filter.cohort(period=False))),
                                          settings))


@bp.record_once
def _setup(state: BlueprintSetupState) -> None:
    """The span listener, header link, home section, case panel, labels and demo step."""
    stages.install_listener()
    memo.MEMO.clear()  # results of another app (another database) must not be served here
    register_nav("review.index", _l("Review"), policy.can_view_review)
    register_home_section("review/_home.html", policy.can_see_own_attention)
    register_case_panel("review/_refusal_panel.html", _refusal_panel_shown)
    from advocate import cli
    from advocate.cases import timeline

    timeline.ACTION_LABELS.update(ACTION_LABELS)
    timeline.FIELD_LABELS.update(FIELD_LABELS)
    if stages.demo_step not in cli.DEMO_STEPS:
        cli.DEMO_STEPS.append(stages.demo_step)
    state.app.jinja_env.globals.update(
        own_attention=own_attention, refusal_grounds=operations.grounds_of,
        refusal_form=RefusalForm)


@bp.before_request
@login_required
def _logged_in() -> None:
    """Every review page needs a logged-in user."""


def require(allowed: bool) -> None:
    """403 unless allowed."""
    if not allowed:
        abort(403)


def _lang() -> str:
    return str(get_locale() or "en")


def _owner_choices() -> list[tuple[str, str]]:
    return [(u.username, u.username) for u in assignable_users()]


@bp.route("/review")
def index():
    """The review: needs attention, funnel, workload, claims, regions, military, outcomes."""
    require(policy.can_view_review(current_user))
    review_filter = ReviewFilter.from_args(request.args)
    figures = queries.figures(review_filter, _lang())
    return render_template(
        "review/index.html", figures=figures, sections=review_attention(review_filter),
        f=review_filter,
        charts=presenters.charts(figures), case_link=presenters.case_links(review_filter),
        today_link=presenters.case_links(review_filter, period=False),
        owners=_owner_choices(), regions=regions_ru.choices(_lang()),
        region_name=regions_ru.name(review_filter.region_ru, _lang()) if review_filter.region_ru
        else None, queue_count=_queue_count())


@bp.route("/review/attention/<key>")
def attention_list(key: str):
    """One needs-attention section in full, page by page."""
    if key not in attention.SECTION_KEYS:
        abort(404)
    review_filter = ReviewFilter.from_args(request.args)
    mine = request.args.get("mine") == "1" or not policy.can_view_review(current_user)
    require(policy.can_view_review(current_user) or policy.can_see_own_attention(current_user))
    scope = (Scope.own(current_user) if mine
             else Scope(tuple(review_filter.cohort(period=False))))
    page = page_number(request.args)
    found = attention.section(key, scope, Settings.current(clock.today()), limit=PAGE_SIZE,
                              offset=(page - 1) * PAGE_SIZE)
    pages = max(1, -(-found.count // PAGE_SIZE))
    return render_template("review/attention.html", section=found, page=page, pages=pages,
                           mine=mine, f=review_filter)


# --- The approval queue -----------------------------------------------------------------------


def _queue_count() -> int:
    return db.session.execute(select(func.count(Letter.id)).where(
        Letter.status == LetterStatus.IN_REVIEW.value)).scalar_one()


@bp.route("/review/letters")
def letters():
    """Letters awaiting review: case, type, language, author; approve or return each."""
    require(policy.can_view_approval_queue(current_user))
    queue = db.session.execute(
        select(Letter).join(Case, Case.id == Letter.case_id)
        .where(Letter.status == LetterStatus.IN_REVIEW.value)
        .order_by(Letter.submitted_at, Letter.id).limit(QUEUE_LIMIT)
    ).scalars().all()
    return render_template("review/letters.html", queue=queue, total=_queue_count(),
                           limit=QUEUE_LIMIT)


def _queued(letter_id: int) -> Letter:
    letter = db.session.get(Letter, letter_id)
    if letter is None or not policy.can_view_letters(current_user, letter.case):
        abort(404)
    return letter


def _step(action: Callable[[], Any], success: str) -> Response:
    """Run one letters operation from the review queue and come back to it."""
    return run_step(action, success, url_for("review.letters"))


@bp.route("/review/letters/<int:letter_id>/approve", methods=["POST"])
def approve(letter_id: int):
    """Approve from the queue: the letters package numbers, renders, stores and freezes it."""
    letter = _queued(letter_id)
    require(policy.can_review_letter(current_user, letter))
    return _step(lambda: letter_ops.approve(letter, actor=current_user),
                 _("Letter approved and registered."))


@bp.route("/review/letters/<int:letter_id>/return", methods=["POST"])
def return_letter(letter_id: int):
    """Return from the queue to the author, with a comment."""
    letter = _queued(letter_id)
    require(policy.can_review_letter(current_user, letter))
    form = ReturnForm()
    if not form.validate():
        flash(" ".join(e for errors in form.errors.values() for e in errors), "error")
        return redirect(url_for("review.letters"))
    return _step(lambda: letter_ops.return_letter(letter, comment=form.comment.data or "",
                                                  actor=current_user), _("Letter returned."))


# --- Exports ----------------------------------------------------------------------------------


def _export(kind: str, mimetype: str, render: Callable[..., bytes]) -> Response:
    require(policy.can_export_review(current_user))
    review_filter = ReviewFilter.from_args(request.args)
    figures = queries.figures(review_filter, _lang())
    data = render(figures, review_filter)
    operations.record_export(review_filter, kind, actor=current_user)
    db.session.commit()
    filename = f"review-{clock.today().isoformat()}.{kind}"
    return Response(data, mimetype=mimetype,
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})


@bp.route("/review/export.csv")
def export_csv():
    """The figures as CSV, small counts suppressed."""
    return _export("csv", "text/csv", exports.to_csv)


@bp.route("/review/report.pdf")
def report_pdf():
    """The figures as a one-page PDF, small counts suppressed."""
    return _export("pdf", "application/pdf",
                   lambda figures, f: exports.to_pdf(figures, f, clock.today()))


# --- Refusal grounds on a case ----------------------------------------------------------------


def _case(reference: str) -> Case:
    case = db.session.execute(select(Case).where(Case.reference == reference)).scalar_one_or_none()
    if case is None or not policy.can_view_case(current_user, case):
        abort(404)
    return case


def _back(case: Case) -> Response:
    return redirect(url_for("cases.show", reference=case.reference) + "#refusal")


@bp.route("/cases/<reference>/refusal", methods=["POST"])
def record_refusal(reference: str):
    """Record the grounds of a refusal decision."""
    case = _case(reference)
    require(policy.can_record_refusal(current_user, case))
    form = RefusalForm()
    if not form.validate():
        flash(" ".join(e for errors in form.errors.values() for e in errors), "error")
        return _back(case)
    try:
        operations.record_refusal(case, decided_on=form.decided_on.data,
                                  grounds=form.grounds.data or [], actor=current_user)
    except operations.ReviewError as exc:
        db.session.rollback()
        flash(str(exc), "error")
        return _back(case)
    db.session.commit()
    flash(_("Refusal grounds recorded."), "success")
    return _back(case)


@bp.route("/cases/<reference>/refusal/<int:ground_id>/delete", methods=["POST"])
def delete_refusal_ground(reference: str, ground_id: int):
    """Remove a ground recorded by mistake."""
    case = _case(reference)
    require(policy.can_record_refusal(current_user, case))
    ground = db.session.get(RefusalGround, ground_id)
    if ground is None or ground.case_id != case.id:
        abort(404)
    operations.remove_refusal_ground(case, ground, actor=current_user)
    db.session.commit()
    flash(_("Refusal ground removed."), "success")
    return _back(case)


@bp.cli.command("rebuild-stages")
def rebuild_stages_command() -> None:
    """Derive every case's stage spans again from the event log."""
    import click

    count = stages.rebuild()
    db.session.commit()
    click.echo(f"stage spans derived for {count} cases")


__all__ = ["Chart", "bp", "own_attention"]
