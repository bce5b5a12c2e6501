"""Reading and writing organisation settings; every change is audited."""

from __future__ import annotations

import json
from typing import Any

from advocate.admin.models import Setting
from advocate.audit.operations import record
from advocate.clock import utcnow
from advocate.extensions import db


def get(key: str, default: Any = None) -> Any:
    """The setting's value, or the default when it was never set."""
    row = db.session.get(Setting, key)
    return default if row is None else row.data


def put(key: str, value: Any, *, actor: Any = None, reason: str | None = None) -> bool:
    """Store a setting (JSON-able); audit old -> new; return whether it changed."""
    row = db.session.get(Setting, key)
    old = None if row is None else row.data
    if old == value:
        return False
    encoded = json.dumps(value, ensure_ascii=False, sort_keys=True)
    if row is None:
        row = Setting(key=key, value=encoded)
        db.session.add(row)
    else:
        row.value = encoded
    row.updated_by_id = getattr(actor, "id", None)
    row.updated_at = utcnow()
    db.session.flush()
    record("settings.change", object_type="setting", object_id=key,
           changes={key: [old, value]}, reason=reason, actor=actor)
    return True
