"""Per-case procedure records: facts the case record lacks, documents, consents, deadlines.

Only `procedures.operations` (and the deadline bookkeeping in `procedures.deadlines`) writes these
tables. Consents are a ledger: a withdrawal is a new row, never an edit of the consent it ends.
Deadlines are stored rather than computed on the fly so the supervisor's review can ask "overdue"
and "due in the next 14 days" across every case with one indexed query.
"""

from __future__ import annotations

from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import Date, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from advocate.auth.models import User
from advocate.cases.models import Case
from advocate.clock import utcnow
from advocate.extensions import db
from advocate.labels import Labelled, register


class DocumentStatus(Labelled):
    """Where a required document stands; each step has its own date."""

    MISSING = "missing"
    REQUESTED = "requested"
    RECEIVED = "received"
    TRANSLATED = "translated"
    VERIFIED = "verified"


class ConsentKind(Labelled):
    """What the person consents to."""

    TRANSFER = "transfer"
    DATA_PROCESSING = "data_processing"


class ConsentAction(Labelled):
    """A ledger entry gives consent or withdraws it."""

    GIVEN = "given"
    WITHDRAWN = "withdrawn"


class ConsentForm(Labelled):
    """How the consent was expressed."""

    WRITTEN = "written"
    THROUGH_LAWYER = "through_lawyer"


class DualCriminality(Labelled):
    """The advocate's or lawyer's finding on dual criminality."""

    UNKNOWN = "unknown"
    CONFIRMED = "confirmed"
    NOT_A_CRIME = "not_a_crime"


class DeadlineKind(Labelled):
    """What a deadline is about."""

    ELIGIBILITY_LAPSE = "eligibility_lapse"
    LAPSE_REMINDER = "lapse_reminder"
    DOCUMENT_OVERDUE = "document_overdue"
    FOLLOW_UP = "follow_up"
    HEARING = "hearing"


class DeadlineSource(Labelled):
    """Computed from the record, or entered by hand."""

    COMPUTED = "computed"
    MANUAL = "manual"


register([
    (DocumentStatus.MISSING, _l("not yet obtained")),
    (DocumentStatus.REQUESTED, _l("requested")),
    (DocumentStatus.RECEIVED, _l("received")),
    (DocumentStatus.TRANSLATED, _l("translated")),
    (DocumentStatus.VERIFIED, _l("verified")),
    (ConsentKind.TRANSFER, _l("consent to transfer")),
    (ConsentKind.DATA_PROCESSING, _l("consent to data processing")),
    (ConsentAction.GIVEN, _l("given")),
    (ConsentAction.WITHDRAWN, _l("withdrawn")),
    (ConsentForm.WRITTEN, _l("in writing")),
    (ConsentForm.THROUGH_LAWYER, _l("through a lawyer")),
    (DualCriminality.UNKNOWN, _l("not yet confirmed")),
    (DualCriminality.CONFIRMED, _l("confirmed: also a crime under Uzbek law")),
    (DualCriminality.NOT_A_CRIME, _l("not a crime under Uzbek law")),
    (DeadlineKind.ELIGIBILITY_LAPSE, _l("Eligibility lapses")),
    (DeadlineKind.LAPSE_REMINDER, _l("Reminder: eligibility lapses soon")),
    (DeadlineKind.DOCUMENT_OVERDUE, _l("Document request overdue")),
    (DeadlineKind.FOLLOW_UP, _l("Follow up a letter")),
    (DeadlineKind.HEARING, _l("Court hearing")),
    (DeadlineSource.COMPUTED, _l("computed")),
    (DeadlineSource.MANUAL, _l("entered by hand")),
])


class CaseProcedure(db.Model):
    """Procedure facts of one case that the case record does not hold."""

    __tablename__ = "procedure_case_facts"

    case_id: Mapped[int] = mapped_column(
        ForeignKey("cases.id", ondelete="CASCADE"), primary_key=True
    )
    #: DualCriminality value.
    dual_criminality: Mapped[str] = mapped_column(String(16), default=DualCriminality.UNKNOWN)
    dual_criminality_note: Mapped[str | None] = mapped_column(Text)
    dual_criminality_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    dual_criminality_by: Mapped[User | None] = relationship(lazy="joined")
    dual_criminality_at: Mapped[datetime | None] = mapped_column()
    expected_decision_date: Mapped[date | None] = mapped_column(Date)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class CaseDocument(db.Model):
    """One required document of a case; a document without a row is missing."""

    __tablename__ = "procedure_documents"
    __table_args__ = (UniqueConstraint("case_id", "document_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    case: Mapped[Case] = relationship()
    #: The document's id in the route file.
    document_id: Mapped[str] = mapped_column(String(64))
    #: DocumentStatus value.
    status: Mapped[str] = mapped_column(String(16), default=DocumentStatus.MISSING)
    requested_on: Mapped[date | None] = mapped_column(Date)
    received_on: Mapped[date | None] = mapped_column(Date)
    translated_on: Mapped[date | None] = mapped_column(Date)
    verified_on: Mapped[date | None] = mapped_column(Date)
    note: Mapped[str | None] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


class ConsentEntry(db.Model):
    """One entry of the consent ledger: a consent given, or a withdrawal."""

    __tablename__ = "procedure_consents"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    #: ConsentKind value.
    kind: Mapped[str] = mapped_column(String(32))
    #: ConsentAction value.
    action: Mapped[str] = mapped_column(String(16))
    #: The day the consent was given or withdrawn.
    entry_date: Mapped[date] = mapped_column(Date)
    #: terms.Language value: the language the person was told in.
    language: Mapped[str | None] = mapped_column(String(16))
    #: ConsentForm value.
    form: Mapped[str | None] = mapped_column(String(16))
    lawyer_present: Mapped[bool | None] = mapped_column()
    return_risk_explained: Mapped[bool | None] = mapped_column()
    note: Mapped[str | None] = mapped_column(Text)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    recorded_by: Mapped[User | None] = relationship(lazy="joined")
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)


class Deadline(db.Model):
    """A date that matters for a case: computed from the record, or entered by hand."""

    __tablename__ = "procedure_deadlines"
    __table_args__ = (
        # "Overdue" and "due in the next 14 days" across every case scan this index.
        Index("ix_procedure_deadlines_due_date", "due_date"),
        Index("ix_procedure_deadlines_case_kind", "case_id", "kind"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"))
    case: Mapped[Case] = relationship()
    #: DeadlineKind value.
    kind: Mapped[str] = mapped_column(String(32))
    due_date: Mapped[date] = mapped_column(Date)
    #: DeadlineSource value.
    source: Mapped[str] = mapped_column(String(16))
    #: What it refers to: a document id, a letter reference; "" when the kind says it all.
    ref: Mapped[str] = mapped_column(String(64), default="")
    #: A hand-entered deadline's description (court and purpose of a hearing).
    title: Mapped[str | None] = mapped_column(String(300))
    done_at: Mapped[datetime | None] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    @property
    def kind_label(self) -> str:
        """The translated name of the kind."""
        return DeadlineKind(self.kind).label

    def __repr__(self) -> str:
        return f"<Deadline {self.kind} {self.due_date} case={self.case_id}>"


__all__ = [
    "CaseDocument", "CaseProcedure", "ConsentAction", "ConsentEntry", "ConsentForm", "ConsentKind",
    "Deadline", "DeadlineKind", "DeadlineSource", "DocumentStatus", "DualCriminality",
]
