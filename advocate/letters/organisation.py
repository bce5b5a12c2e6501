"""Saving the organisation's letter settings: letterhead, signatory, outgoing-number format.

Both are organisation settings (``admin.settings``, which records each change in the event log):
``letters.organisation`` holds the phone, the email and, per letter language, the name, address,
letterhead lines and signatory; ``letters.number_format`` the outgoing-number format.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask_babel import gettext as _

from advocate import policy
from advocate.admin import settings
from advocate.letters import register
from advocate.letters.context import ORGANISATION_FIELDS, SETTING_ORGANISATION
from advocate.letters.dates import LANGUAGES


class SettingsRefused(ValueError):
    """Settings that cannot be saved; ``errors`` maps form fields to messages."""

    def __init__(self, errors: dict[str, list[str]]) -> None:
        super().__init__("; ".join(" ".join(v) for v in errors.values()))
        self.errors = errors


def organisation_value(values: Mapping[str, Any]) -> dict[str, Any]:
    """The stored shape of the organisation settings from flat form values (``ru_name``...)."""
    value: dict[str, Any] = {
        "phone": str(values.get("phone") or "").strip(),
        "email": str(values.get("email") or "").strip(),
    }
    for lang in LANGUAGES:
        value[lang] = {name: str(values.get(f"{lang}_{name}") or "").strip()
                       for name in ORGANISATION_FIELDS}
    return value


def save(values: Mapping[str, Any], *, actor: Any) -> bool:
    """Store the letterhead, signatory and number format; return whether anything changed."""
    if not policy.can_configure_letters(actor):
        raise SettingsRefused({"form": [_("You may not do this.")]})
    try:
        number_format = register.validate_format(str(values.get("number_format") or ""))
    except register.InvalidFormat as exc:
        raise SettingsRefused({"number_format": [str(exc)]}) from None
    changed = settings.put(SETTING_ORGANISATION, organisation_value(values), actor=actor)
    return settings.put(register.SETTING, number_format, actor=actor) or changed
