"""The audit event: append-only, each entry chained to the previous one by SHA-256."""

from __future__ import annotations

import hashlib
import json
from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from advocate.extensions import db


class AuditEvent(db.Model):
    """Who did what, when, to which object and case; field diffs without identity values."""

    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    actor_name: Mapped[str] = mapped_column(String(64), default="")
    action: Mapped[str] = mapped_column(String(64), index=True)
    object_type: Mapped[str | None] = mapped_column(String(32))
    object_id: Mapped[str | None] = mapped_column(String(64))
    case_id: Mapped[int | None] = mapped_column(Integer, index=True)
    changes: Mapped[str | None] = mapped_column(Text)  # canonical JSON {field: [old, new]}
    reason: Mapped[str | None] = mapped_column(Text)
    note: Mapped[str | None] = mapped_column(Text)  # free-text notes are events too
    ip: Mapped[str | None] = mapped_column(String(64))
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64), unique=True)

    def payload(self) -> str:
        """The canonical text the hash covers."""
        body = {
            "at": self.at.isoformat(timespec="microseconds"),
            "actor_id": self.actor_id,
            "actor_name": self.actor_name,
            "action": self.action,
            "object_type": self.object_type,
            "object_id": self.object_id,
            "case_id": self.case_id,
            "changes": self.changes,
            "reason": self.reason,
            "note": self.note,
            "ip": self.ip,
        }
        return json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":"))

    def compute_hash(self) -> str:
        """SHA-256 over the previous hash and this entry's payload."""
        return hashlib.sha256((self.prev_hash + self.payload()).encode()).hexdigest()

    @property
    def changes_dict(self) -> dict[str, Any]:
        """The field diff as a dict (empty when none)."""
        return json.loads(self.changes) if self.changes else {}
