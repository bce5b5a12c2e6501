"""Letters of a case, the outgoing register's counter, and the sending and answer vocabularies.

What the advocate types into a letter (a relative's name, the humanitarian grounds, an address)
can identify the person, so it is kept in ``inputs``, one Fernet token of JSON made by the
vault's keyring, never in plain columns. The reviewer's comment and the answer note are internal
notes and pass the identity leak guard instead. Once a letter is approved its number, its PDF and
the PDF's SHA-256 never change: a flush that tries is refused (``FrozenLetter``).
Only ``letters.operations`` writes these tables.
"""

from __future__ import annotations

from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import Date, ForeignKey, Integer, String, Text, event, inspect
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from advocate.auth.models import User
from advocate.cases.models import Case
from advocate.clock import utcnow
from advocate.extensions import db
from advocate.files.models import StoredFile
from advocate.labels import Labelled, register
from advocate.letters.workflow import LetterStatus

#: Columns an approved letter keeps forever.
FROZEN_COLUMNS = ("number", "number_date", "pdf_file_id", "pdf_sha256", "type_id", "lang",
                  "inputs", "case_id")


class Channel(Labelled):
    """How a letter was sent."""

    POST = "post"
    REGISTERED_POST = "registered_post"
    COURIER = "courier"
    EMAIL = "email"
    ONLINE = "online"
    BY_HAND = "by_hand"
    OTHER = "other"


class Outcome(Labelled):
    """What an answer said."""

    GRANTED = "granted"
    REFUSED = "refused"
    MORE_INFORMATION = "more_information"
    FORWARDED = "forwarded"
    ACKNOWLEDGED = "acknowledged"
    OTHER = "other"


register([
    (Channel.POST, _l("post")),
    (Channel.REGISTERED_POST, _l("registered post")),
    (Channel.COURIER, _l("courier")),
    (Channel.EMAIL, _l("email")),
    (Channel.ONLINE, _l("online reception of the authority")),
    (Channel.BY_HAND, _l("delivered by hand")),
    (Channel.OTHER, _l("other")),
    (Outcome.GRANTED, _l("granted")),
    (Outcome.REFUSED, _l("refused")),
    (Outcome.MORE_INFORMATION, _l("more information requested")),
    (Outcome.FORWARDED, _l("forwarded to another authority")),
    (Outcome.ACKNOWLEDGED, _l("receipt acknowledged, no decision yet")),
    (Outcome.OTHER, _l("other")),
])


class Letter(db.Model):
    """One letter of a case, from draft to answer."""

    __tablename__ = "letters"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    case: Mapped[Case] = relationship(lazy="joined")
    #: catalogue.LETTER_TYPES key.
    type_id: Mapped[str] = mapped_column(String(32))
    #: "ru", "uz" or "en".
    lang: Mapped[str] = mapped_column(String(2))
    #: workflow.LetterStatus value.
    status: Mapped[str] = mapped_column(String(16), default=LetterStatus.DRAFT.value, index=True)
    #: The route file's addressee id ("pgo_uz", "facility", ...); None: typed in `inputs`.
    addressee_id: Mapped[str | None] = mapped_column(String(64))
    #: Fernet token of the JSON of context.LetterInputs (free text that may identify).
    inputs: Mapped[str | None] = mapped_column(Text)
    inputs_key: Mapped[str] = mapped_column(String(16), default="")
    #: The earlier letter a follow-up refers to.
    previous_letter_id: Mapped[int | None] = mapped_column(ForeignKey("letters.id"))

    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    author: Mapped[User | None] = relationship(foreign_keys=[author_id], lazy="joined")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    submitted_at: Mapped[datetime | None] = mapped_column()

    reviewer_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    reviewer: Mapped[User | None] = relationship(foreign_keys=[reviewer_id], lazy="joined")
    reviewed_at: Mapped[datetime | None] = mapped_column()
    #: The reviewer's comment when returning the letter (leak-guarded; no identity).
    review_comment: Mapped[str | None] = mapped_column(Text)

    #: The outgoing register: number and date, set once at approval.
    number: Mapped[str | None] = mapped_column(String(64), unique=True)
    number_date: Mapped[date | None] = mapped_column(Date)
    pdf_file_id: Mapped[int | None] = mapped_column(ForeignKey("stored_files.id"))
    pdf_file: Mapped[StoredFile | None] = relationship(foreign_keys=[pdf_file_id])
    pdf_sha256: Mapped[str | None] = mapped_column(String(64))

    sent_on: Mapped[date | None] = mapped_column(Date)
    #: Channel value.
    sent_channel: Mapped[str | None] = mapped_column(String(32))
    tracking_number: Mapped[str | None] = mapped_column(String(100))

    answer_on: Mapped[date | None] = mapped_column(Date)
    #: Outcome value.
    answer_outcome: Mapped[str | None] = mapped_column(String(32))
    #: A short note on the answer (leak-guarded; no identity).
    answer_note: Mapped[str | None] = mapped_column(Text)
    reply_file_id: Mapped[int | None] = mapped_column(ForeignKey("stored_files.id"))
    reply_file: Mapped[StoredFile | None] = relationship(foreign_keys=[reply_file_id])

    @property
    def status_label(self) -> str:
        """The translated status."""
        return LetterStatus(self.status).label

    @property
    def sent_channel_label(self) -> str:
        """How it was sent, in words ("" before it was)."""
        return Channel(self.sent_channel).label if self.sent_channel in set(Channel) else ""

    @property
    def answer_outcome_label(self) -> str:
        """What the answer said, in words ("" before an answer)."""
        return Outcome(self.answer_outcome).label if self.answer_outcome in set(Outcome) else ""

    @property
    def follow_up_ref(self) -> str:
        """The deadline reference of this letter's follow-up."""
        return f"letter-{self.id}"

    def __repr__(self) -> str:
        return f"<Letter {self.id} {self.type_id}/{self.lang} {self.status}>"


class OutgoingCounter(db.Model):
    """The last outgoing number handed out in a scope (a year, or "all" for formats without one)."""

    __tablename__ = "letter_outgoing_counters"

    scope: Mapped[str] = mapped_column(String(16), primary_key=True)
    last: Mapped[int] = mapped_column(Integer, default=0)


class FrozenLetter(RuntimeError):
    """Something tried to change an approved letter's number, PDF or content."""


def _frozen_changes(letter: Letter) -> list[str]:
    """The frozen columns this flush would change on a letter that was already approved."""
    state = inspect(letter)
    history = state.attrs.status.history
    old_status = (history.deleted or history.unchanged or [None])[0]
    if old_status not in {s.value for s in (LetterStatus.APPROVED, LetterStatus.SENT,
                                            LetterStatus.ANSWERED)}:
        return []
    return [
        name for name in FROZEN_COLUMNS
        if any(value is not None for value in state.attrs[name].history.deleted)
    ]


def _refuse_changes_to_approved(session: Session, _context: object, _instances: object) -> None:
    """An approved PDF can never change: refuse the flush that tries."""
    for obj in session.dirty:
        if isinstance(obj, Letter):
            changed = _frozen_changes(obj)
            if changed:
                raise FrozenLetter(f"letter {obj.id} is approved; cannot change {changed}")
    for obj in session.deleted:
        if isinstance(obj, Letter) and obj.number is not None:
            raise FrozenLetter(f"letter {obj.id} is registered as {obj.number}; cannot delete it")


def install_guard() -> None:
    """Register the before_flush guard once per process (on every Session)."""
    if not event.contains(Session, "before_flush", _refuse_changes_to_approved):
        event.listen(Session, "before_flush", _refuse_changes_to_approved)
