"""Organisation settings: one row per key, JSON values, who changed them and when."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from advocate.clock import utcnow
from advocate.extensions import db


class Setting(db.Model):
    """An organisation setting (letterhead, signatories, addressees, confirmed citations...)."""

    __tablename__ = "settings"

    key: Mapped[str] = mapped_column(String(128), primary_key=True)
    value: Mapped[str] = mapped_column(Text)  # JSON
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    @property
    def data(self) -> Any:
        """The decoded value."""
        return json.loads(self.value)
