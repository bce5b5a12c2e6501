"""The stored file: where its encrypted bytes lie and what they were before encryption.

The bytes live in ``FILES_DIR`` under a random name, encrypted with the vault's keyring; this
row keeps the name, the sniffed type, the plaintext size and SHA-256 (so a download can prove
the file is the one stored), and the case it belongs to (downloads follow that case's identity
access). No original filename is kept: a filename typed or chosen by a user can hold a name.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from advocate.clock import utcnow
from advocate.extensions import db


class StoredFile(db.Model):
    """One encrypted file on disk."""

    __tablename__ = "stored_files"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The random file name under FILES_DIR (hex; never derived from user input).
    name: Mapped[str] = mapped_column(String(64), unique=True)
    case_id: Mapped[int | None] = mapped_column(
        ForeignKey("cases.id", ondelete="SET NULL"), index=True
    )
    #: What the file is: "letter_pdf", "letter_reply".
    kind: Mapped[str] = mapped_column(String(32))
    #: Sniffed from the content: application/pdf, image/jpeg or image/png.
    mime_type: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(Integer)
    #: SHA-256 of the plaintext, hex.
    sha256: Mapped[str] = mapped_column(String(64))
    #: Fingerprint of the key that encrypted it (not secret), as in the vault's rows.
    key_fingerprint: Mapped[str] = mapped_column(String(16), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    @property
    def extension(self) -> str:
        """The file extension its type calls for."""
        return {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png"}.get(
            self.mime_type, "bin"
        )

    def __repr__(self) -> str:
        return f"<StoredFile {self.id} {self.kind}>"
