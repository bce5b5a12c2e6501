"""The leak guard at work: free text about a case may not hold that case's identity.

``text_guard`` is registered in ``cases.operations.text_guards``, so every free-text save of a
case (record, claim, note, status comment) is checked against the case's vault: names in every
script and spelling, passport and phone numbers by their digits (``identity.leakguard``). A hit
refuses the save with ``LeakRefused``, naming the fragments. A form offers one click to replace
them with the case reference: a submit button named ``REPLACE_PARAM`` whose value is the field,
handled server-side by ``replace_in_form`` before the form is saved again.

When the case has vault values but the key is missing (or wrong), the guard cannot look. It lets
the save through and warns ("leak check skipped: key missing"): refusing every note on every case
with an identity until an operator restores the key would stop the work, and ``identity scan``
finds any leak once the key is back.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import current_app, flash, g, has_request_context
from flask_babel import gettext as _

from advocate.cases.operations import TextRefused
from advocate.identity import vault
from advocate.identity.keyring import KeyUnavailable
from advocate.identity.leakguard import Leak, Needles, find_leaks, redact
from advocate.identity.service import get_keyring

#: The name of the submit button that asks to replace a field's leaks with the case reference.
REPLACE_PARAM = "identity_replace"


class LeakRefused(TextRefused):
    """Free text holds identity values of its case; ``leaks`` are the matching fragments."""

    def __init__(self, field: str, leaks: list[Leak], reference: str) -> None:
        super().__init__(field, leaks[0].fragment, leak_message(leaks, reference))
        self.leaks = leaks


def leak_message(leaks: list[Leak], reference: str) -> str:
    """The refusal shown on the form: which fragments matched and what to write instead."""
    fragments = ", ".join(f"“{fragment}”" for fragment in dict.fromkeys(x.fragment for x in leaks))
    return _(
        "This text contains identifying details of the person (%(fragments)s). Free text must "
        "stay anonymous: write the case reference %(reference)s instead.",
        fragments=fragments, reference=reference,
    )


def case_needles(case: Any) -> Needles | None:
    """The case's vault values ready for matching; None when the key cannot open them."""
    try:
        data = vault.read_vault(case.id, get_keyring())
    except KeyUnavailable:
        return None
    return Needles.from_identity(data.needle_values())


def _warn_skipped(case: Any) -> None:
    """Say once per request (or in the log, for commands) that a leak check was skipped."""
    if not has_request_context():
        current_app.logger.warning("leak check skipped for %s: identity key missing",
                                   case.reference)
        return
    warned = g.setdefault("identity_leak_check_skipped", set())
    if case.id not in warned:
        warned.add(case.id)
        flash(_("Leak check skipped: the identity key is missing, so this text could not be "
                "checked for the person's name or numbers."), "warning")


def text_guard(case: Any, texts: Mapping[str, str]) -> None:
    """The ``cases.operations.text_guards`` hook: refuse free text that holds the identity."""
    if case is None or case.id is None:
        return  # a case being created has no identity yet
    needles = case_needles(case)  # needs no key when the case has no vault values
    if needles is None:
        _warn_skipped(case)
        return
    for field, text in texts.items():
        leaks = find_leaks(text or "", needles)
        if leaks:
            raise LeakRefused(field, leaks, case.reference)


def redact_for_case(case: Any, text: str) -> str:
    """The text with every fragment of the case's identity replaced by the case reference."""
    needles = case_needles(case)
    if needles is None or not text:
        return text
    return redact(text, find_leaks(text, needles), case.reference)


def replace_in_form(case: Any, form: Any, submitted: Mapping[str, Any]) -> str | None:
    """Apply the "replace with the reference" button, if pressed; return the field it named.

    ``submitted`` is the request's form data; the field's data on ``form`` is replaced, so the
    view then validates and saves as usual.
    """
    name = submitted.get(REPLACE_PARAM)
    if not name or name not in form or not isinstance(form[name].data, str):
        return None
    form[name].data = redact_for_case(case, form[name].data)
    return name


def register() -> None:
    """Plug the guard into the cases operations (once)."""
    from advocate.cases import operations

    if text_guard not in operations.text_guards:
        operations.text_guards.append(text_guard)
    if replace_in_form not in operations.form_fixers:
        operations.form_fixers.append(replace_in_form)
