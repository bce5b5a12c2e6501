"""Every access rule, as pure predicates `can_<verb>(user, obj) -> bool`.

Views call them to refuse a request; templates call the same functions (registered as Jinja
globals) to hide what the user may not do.
"""

from __future__ import annotations

from typing import Any

from advocate.auth.models import Role


def _active(user: Any) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False) and user.is_active)


def can_administer(user: Any) -> bool:
    """Accounts and organisation settings."""
    return _active(user) and bool(user.is_admin)


def is_supervisor(user: Any) -> bool:
    """Supervisors review every case, approve letters and report."""
    return _active(user) and user.role == Role.SUPERVISOR


def is_advocate(user: Any) -> bool:
    """Advocates log cases and prepare letters."""
    return _active(user) and user.role == Role.ADVOCATE


# Cases. An administrator who is not a supervisor sees no case content: administration and case
# work are kept apart, so an account compromised through the admin pages reveals no case.


def can_list_cases(user: Any) -> bool:
    """Supervisors, and advocates who are not administrators, work with cases."""
    return is_supervisor(user) or (is_advocate(user) and not user.is_admin)


def can_see_all_cases(user: Any) -> bool:
    """Supervisors see every case; others only their own and those they collaborate on."""
    return is_supervisor(user)


def can_create_case(user: Any) -> bool:
    """Anyone who works with cases may open one."""
    return can_list_cases(user)


def _on_case(user: Any, case: Any) -> bool:
    """The user owns the case or collaborates on it."""
    if case.owner_id == user.id:
        return True
    return any(person.id == user.id for person in case.collaborators)


def can_view_case(user: Any, case: Any) -> bool:
    """Supervisors see every case; an advocate sees the cases they own or collaborate on."""
    if not can_list_cases(user):
        return False
    return can_see_all_cases(user) or _on_case(user, case)


def can_edit_case(user: Any, case: Any) -> bool:
    """Whoever sees a case works on it: record, claims, notes, status."""
    return can_view_case(user, case)


def can_assign_case(user: Any, case: Any = None) -> bool:
    """Only supervisors choose a case's owner and collaborators."""
    return is_supervisor(user)


def can_reopen_case(user: Any, case: Any = None) -> bool:
    """Only supervisors reopen a closed case."""
    return is_supervisor(user)


def can_import_cases(user: Any) -> bool:
    """Bulk CSV import is for supervisors."""
    return is_supervisor(user)


def can_export_cases(user: Any) -> bool:
    """Bulk CSV export is for supervisors."""
    return is_supervisor(user)


# Identity vault. Whoever sees a case may ask to see its identity, always through a recorded
# "show"; an administrator who is not a supervisor never does (can_view_case refuses them).


def can_reveal_identity(user: Any, case: Any) -> bool:
    """The owner, the collaborators and supervisors may reveal a case's identity."""
    return can_view_case(user, case)


def can_reveal_identity_without_reason(user: Any, case: Any) -> bool:
    """People on the case reveal freely; anyone else (a reviewing supervisor) must say why."""
    return can_reveal_identity(user, case) and _on_case(user, case)


def can_edit_identity(user: Any, case: Any) -> bool:
    """Only the people on the case (owner, collaborators) record and correct its identity."""
    return can_edit_case(user, case) and _on_case(user, case)


# Transfer procedures. The readiness panel, documents, consents and deadlines of a case follow
# can_view_case / can_edit_case; legal bases and addressees are settings (can_administer).


def can_use_calculator(user: Any) -> bool:
    """The term calculator handles no case data: any logged-in user may use it."""
    return _active(user)


# Security. The event log is read by supervisors and administrators; field values and notes of
# case events stay with supervisors, as administration and case work are kept apart.


def can_view_audit(user: Any) -> bool:
    """Supervisors and administrators read (and export) the event log."""
    return is_supervisor(user) or can_administer(user)


def can_view_audit_case_details(user: Any) -> bool:
    """Only supervisors see the changed values, reasons and notes of case events in the log."""
    return is_supervisor(user)


# Letters. A letter prints the person's identity, so preparing, previewing and downloading one
# follow the vault's rules; approval needs a second person: a supervisor who is not the author.


def can_view_letters(user: Any, case: Any) -> bool:
    """Whoever sees a case sees its list of letters (type, status, number; no content)."""
    return can_view_case(user, case)


def can_prepare_letter(user: Any, case: Any) -> bool:
    """The people on the case (owner, collaborators) draft and submit its letters."""
    return can_edit_case(user, case) and can_reveal_identity_without_reason(user, case)


def can_review_letter(user: Any, letter: Any) -> bool:
    """A supervisor who did not write the letter approves or returns it."""
    return (
        is_supervisor(user)
        and can_view_case(user, letter.case)
        and letter.author_id != user.id
    )


def can_record_letter_progress(user: Any, case: Any) -> bool:
    """Recording that a letter was sent, and its answer, is case work."""
    return can_edit_case(user, case) and can_reveal_identity(user, case)


def can_read_letter_content(user: Any, case: Any) -> bool:
    """Previews, stored PDFs and replies hold identity: for those who may see the case's identity.

    A reviewing supervisor reads the letter before approving it; each read is recorded.
    """
    return can_reveal_identity(user, case)


def can_configure_letters(user: Any) -> bool:
    """The letterhead, signatory and number format are organisation settings."""
    return can_administer(user)


# Review. The supervisor's review page, its exports and the approval queue are for supervisors
# (an administrator who is not a supervisor sees no case figures either); an advocate sees what
# needs attention on their own cases on the home page.


def can_view_review(user: Any) -> bool:
    """The review page (figures across every case) and its full lists are for supervisors."""
    return is_supervisor(user)


def can_export_review(user: Any) -> bool:
    """Aggregate exports for partners (CSV, PDF) are for supervisors."""
    return is_supervisor(user)


def can_view_approval_queue(user: Any) -> bool:
    """The queue of letters awaiting review is for supervisors (each letter: can_review_letter)."""
    return is_supervisor(user)


def can_see_own_attention(user: Any) -> bool:
    """Whoever works on cases sees what needs attention on the cases they own or help with."""
    return can_list_cases(user)


def can_record_refusal(user: Any, case: Any) -> bool:
    """The grounds of a refusal are case work."""
    return can_edit_case(user, case)
