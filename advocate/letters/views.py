"""Letter pages: a case's letters, a new draft, the letter page, preview, review, sent, answer.

Access: a case the user may not see answers 404, and so does each of its letters, whether or not
they exist. Downloads (stored PDFs, replies) are for those who may see the case's identity; each
is an event in the timeline, served as an attachment with ``Cache-Control: no-store``.
The organisation's letter settings are in ``views_admin`` (same blueprint).
"""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask.blueprints import BlueprintSetupState
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from advocate import policy
from advocate.cases.models import Case
from advocate.extensions import db
from advocate.identity import operations as identity_operations
from advocate.letters import dispatch, labels, missing, operations
from advocate.letters.catalogue import LETTER_TYPES
from advocate.letters.context import (
    Draft,
    LetterInputs,
    addressee_choices,
    held_documents,
    procedure_of,
)
from advocate.letters.dates import LANGUAGES
from advocate.letters.forms import (
    AnswerForm,
    ButtonForm,
    LetterForm,
    ReturnForm,
    SentForm,
    language_choices,
)
from advocate.letters.models import Letter, install_guard
from advocate.letters.workflow import is_editable
from advocate.web import register_case_panel

bp = Blueprint("letters", __name__)

register_case_panel("letters_ui/_panel.html", policy.can_view_letters)


def _rotate_letters(keyring) -> str:
    """`identity rotate-key`: letters' typed inputs and stored files under the new key."""
    letters, files = operations.rotate_keys(keyring)
    return f"re-encrypted {letters} letter input(s) and {files} stored file(s)"


if _rotate_letters not in identity_operations.rotation_hooks:
    identity_operations.rotation_hooks.append(_rotate_letters)

@bp.record_once
def _setup(state: BlueprintSetupState) -> None:
    """Timeline labels, the approved-letter guard, and what templates may ask."""
    install_guard()
    try:
        from advocate.cases import timeline
    except ImportError:  # pragma: no cover - the cases pages are not part of this app
        pass
    else:
        timeline.ACTION_LABELS.update(labels.ACTION_LABELS)
        if hasattr(timeline, "FIELD_LABELS"):
            timeline.FIELD_LABELS.update(labels.FIELD_LABELS)
    state.app.jinja_env.globals["case_letters"] = operations.letters_of
    state.app.jinja_env.globals["letter_types"] = LETTER_TYPES
    state.app.jinja_env.globals["letter_is_editable"] = is_editable


@bp.before_request
@login_required
def _logged_in() -> None:
    """Every letter page needs a logged-in user."""


def load_case(reference: str) -> Case:
    """The case if the user may see its letters; 404 otherwise, whether it exists or not."""
    case = db.session.execute(
        select(Case).where(Case.reference == reference)
    ).scalar_one_or_none()
    if case is None or not policy.can_view_letters(current_user, case):
        abort(404)
    return case


def load_letter(letter_id: int) -> Letter:
    """The letter if the user may see its case; 404 otherwise."""
    letter = db.session.get(Letter, letter_id)
    if letter is None or not policy.can_view_letters(current_user, letter.case):
        abort(404)
    return letter


def require(allowed: bool) -> None:
    """403 for an action the user may see but not take."""
    if not allowed:
        abort(403)


def _letter_page(letter_id: int) -> Response:
    return redirect(url_for("letters.show", letter_id=letter_id))


def _form_choices(form: LetterForm, case: Case, type_id: str, lang: str,
                  exclude: int | None = None) -> None:
    procedure = procedure_of(case)
    addressees = []
    documents = []
    if procedure is not None:
        addressees = [(a, procedure.addressees[a].name.get(lang))
                      for a in addressee_choices(procedure, type_id)]
        documents = [(d.id, d.name.get(lang)) for d in procedure.documents]
    previous = [(str(x.id), f"{x.number} · {LETTER_TYPES[x.type_id].titles[x.lang]}")
                for x in operations.previous_choices(case, exclude)]
    form.set_choices(addressees=addressees, documents=documents, previous=previous)


def _missing(case: Case, draft: Draft, letter_id: int | None = None) -> list[Any]:
    paths = operations.missing_for(case, draft)
    return missing.describe(paths, reference=case.reference, type_id=draft.type_id,
                            letter_id=letter_id)


@bp.route("/cases/<reference>/letters")
def index(reference: str):
    """The case's letters with their status and numbers."""
    case = load_case(reference)
    return render_template("letters_ui/index.html", case=case,
                           letters=operations.letters_of(case))


def _default_draft(case: Case, type_id: str, lang: str) -> Draft:
    choices = addressee_choices(procedure_of(case), type_id)
    role = "relative" if type_id == "letter_of_interest" else "person"
    return Draft(type_id, lang, choices[0] if choices else None,
                 LetterInputs(applicant_role=role))


@bp.route("/cases/<reference>/letters/new", methods=["GET", "POST"])
def new(reference: str):
    """Choose a type and language; see what data is missing; create the draft."""
    case = load_case(reference)
    require(policy.can_prepare_letter(current_user, case))
    type_id = request.values.get("type", "")
    lang = request.values.get("lang", "ru")
    if lang not in LANGUAGES:
        lang = "ru"
    if type_id not in LETTER_TYPES:
        return render_template("letters_ui/choose.html", case=case, types=LETTER_TYPES,
                               languages=language_choices(), lang=lang)
    form = LetterForm()
    _form_choices(form, case, type_id, lang)
    draft = _default_draft(case, type_id, lang)
    if request.method == "GET":
        form.fill(lang, draft.addressee_id, draft.inputs, None, held_documents(case))
    elif form.validate_on_submit():
        try:
            letter = operations.create_draft(
                case, type_id=type_id, lang=form.lang.data, addressee_id=form.addressee_id.data,
                inputs=form.inputs(), previous_letter_id=form.previous_id(), actor=current_user)
        except operations.LetterError as exc:
            form.form_errors.append(str(exc))
        else:
            db.session.commit()
            flash(_("Draft saved."), "success")
            return _letter_page(letter.id)
    return render_template("letters_ui/form.html", case=case, form=form, type_id=type_id,
                           letter=None, missing=_missing(case, draft))


@bp.route("/letters/<int:letter_id>")
def show(letter_id: int):
    """One letter: status, what is missing, review, sending, answer, downloads."""
    letter = load_letter(letter_id)
    case = letter.case
    missing_list: list[Any] = []
    if is_editable(letter.status) and policy.can_prepare_letter(current_user, case):
        missing_list = _missing(case, operations.draft_of(letter), letter.id)
    return render_template(
        "letters_ui/show.html", case=case, letter=letter, missing=missing_list,
        button=ButtonForm(formdata=None), return_form=ReturnForm(formdata=None),
        sent_form=SentForm(formdata=None), answer_form=AnswerForm(formdata=None),
    )


@bp.route("/letters/<int:letter_id>/edit", methods=["GET", "POST"])
def edit(letter_id: int):
    """Change a draft or a returned letter."""
    letter = load_letter(letter_id)
    case = letter.case
    require(policy.can_prepare_letter(current_user, case) and is_editable(letter.status))
    form = LetterForm()
    _form_choices(form, case, letter.type_id, letter.lang, exclude=letter.id)
    if request.method == "GET":
        form.fill(letter.lang, letter.addressee_id, operations.inputs_of(letter),
                  letter.previous_letter_id, held_documents(case))
    elif form.validate_on_submit():
        try:
            changed = operations.update_draft(
                letter, lang=form.lang.data, addressee_id=form.addressee_id.data,
                inputs=form.inputs(), previous_letter_id=form.previous_id(), actor=current_user)
        except operations.LetterError as exc:
            form.form_errors.append(str(exc))
        else:
            db.session.commit()
            flash(_("Draft saved.") if changed else _("Nothing was changed."), "success")
            return _letter_page(letter.id)
    return render_template("letters_ui/form.html", case=case, form=form, type_id=letter.type_id,
                           letter=letter, missing=_missing(case, operations.draft_of(letter),
                                                           letter.id))


@bp.route("/letters/<int:letter_id>/preview")
def preview(letter_id: int):
    """The letter as HTML, or the list of missing data instead."""
    letter = load_letter(letter_id)
    case = letter.case
    require(policy.can_read_letter_content(current_user, case))
    draft = operations.draft_of(letter)
    try:
        html = operations.preview_html(case, draft, actor=current_user)
    except operations.MissingData as exc:
        db.session.commit()  # the identity export is recorded even when data is missing
        described = missing.describe(exc.fields, reference=case.reference,
                                     type_id=letter.type_id, letter_id=letter.id)
        return render_template("letters_ui/missing.html", case=case, letter=letter,
                               missing=described), 200
    except operations.LetterError as exc:
        flash(str(exc), "error")
        return _letter_page(letter.id)
    db.session.commit()
    return Response(html, mimetype="text/html")


def run_step(action: Callable[[], Any], success: str, then: str) -> Response:
    """Run one POSTed letters operation and go to `then`: 403 when the user may not, its
    refusal flashed (nothing saved), or committed with `success` flashed."""
    try:
        action()
    except operations.NotAllowed:
        db.session.rollback()
        abort(403)
    except operations.LetterError as exc:
        db.session.rollback()
        flash(str(exc), "error")
    else:
        db.session.commit()
        flash(success, "success")
    return redirect(then)


def _step(letter: Letter, action: Callable[[], Any], success: str) -> Response:
    return run_step(action, success, url_for("letters.show", letter_id=letter.id))


@bp.route("/letters/<int:letter_id>/submit", methods=["POST"])
def submit(letter_id: int):
    """Send the draft to review."""
    letter = load_letter(letter_id)
    require(policy.can_prepare_letter(current_user, letter.case))
    return _step(letter, lambda: operations.submit(letter, actor=current_user),
                 _("Submitted for review."))


@bp.route("/letters/<int:letter_id>/approve", methods=["POST"])
def approve(letter_id: int):
    """Approve: number, render, store, freeze."""
    letter = load_letter(letter_id)
    require(policy.can_review_letter(current_user, letter))
    return _step(letter, lambda: operations.approve(letter, actor=current_user),
                 _("Letter approved and registered."))


@bp.route("/letters/<int:letter_id>/return", methods=["POST"])
def return_(letter_id: int):
    """Return the letter to its author with a comment."""
    letter = load_letter(letter_id)
    require(policy.can_review_letter(current_user, letter))
    form = ReturnForm()
    if not form.validate():
        flash(" ".join(e for errors in form.errors.values() for e in errors), "error")
        return _letter_page(letter.id)
    return _step(letter, lambda: operations.return_letter(
        letter, comment=form.comment.data or "", actor=current_user), _("Letter returned."))


@bp.route("/letters/<int:letter_id>/sent", methods=["POST"])
def sent(letter_id: int):
    """Record that the letter was sent."""
    letter = load_letter(letter_id)
    require(policy.can_record_letter_progress(current_user, letter.case))
    form = SentForm()
    if not form.validate():
        flash(" ".join(e for errors in form.errors.values() for e in errors), "error")
        return _letter_page(letter.id)
    return _step(letter, lambda: dispatch.record_sent(
        letter, sent_on=form.sent_on.data, channel=form.channel.data,
        tracking_number=form.tracking_number.data, actor=current_user), _("Sending recorded."))


@bp.route("/letters/<int:letter_id>/answer", methods=["POST"])
def answer(letter_id: int):
    """Record the answer and keep its scan."""
    letter = load_letter(letter_id)
    require(policy.can_record_letter_progress(current_user, letter.case))
    form = AnswerForm()
    if not form.validate():
        flash(" ".join(e for errors in form.errors.values() for e in errors), "error")
        return _letter_page(letter.id)
    upload = form.reply.data
    stream = upload.stream if upload and getattr(upload, "filename", "") else None
    return _step(letter, lambda: dispatch.record_answer(
        letter, answer_on=form.answer_on.data, outcome=form.outcome.data, note=form.note.data,
        reply=stream, actor=current_user), _("Answer recorded."))


def _download(letter_id: int, which: str):
    letter = load_letter(letter_id)
    if not policy.can_read_letter_content(current_user, letter.case):
        abort(404)
    try:
        data, mime_type, name = dispatch.download(letter, which, actor=current_user)
    except operations.LetterError as exc:
        db.session.rollback()
        flash(str(exc), "error")
        return _letter_page(letter.id)
    db.session.commit()
    response = send_file(io.BytesIO(data), mimetype=mime_type, as_attachment=True,
                         download_name=name, max_age=0)
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/letters/<int:letter_id>/pdf")
def pdf(letter_id: int):
    """The stored, approved PDF."""
    return _download(letter_id, "pdf")


@bp.route("/letters/<int:letter_id>/reply")
def reply(letter_id: int):
    """The stored scan of the reply."""
    return _download(letter_id, "reply")


from advocate.letters import views_admin  # noqa: E402, F401 — its routes join `bp`
