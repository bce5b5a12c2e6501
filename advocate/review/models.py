"""The review's own tables: stage spans (derived from the event log) and refusal grounds.

`StageSpan` is derived data, like the computed deadlines: one row per stay of a case in a status,
written by `stages` whenever a status event is logged and rebuilt from the log on demand. It lets
"median time spent in each stage" be one grouped query instead of a walk through the log.

`RefusalGround` records why a Russian court or ministry refused a transfer (a decision may give
several grounds), so that outcomes can be counted by reason. Only `review.operations` writes it.

`INDEXES` are indexes the review's queries need on other features' tables; they are declared
here so that `db.create_all` and Alembic's autogenerate both see them.
"""

from __future__ import annotations

from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import Date, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from advocate.cases.models import Case, Claim
from advocate.clock import utcnow
from advocate.extensions import db
from advocate.labels import Labelled, register
from advocate.procedures.models import ConsentEntry, Deadline


class RefusalReason(Labelled):
    """Grounds of a refusal (Russian CPC arts. 469 and 471, and what practice adds)."""

    NOT_A_CRIME = "not_a_crime"
    NOT_ENFORCEABLE = "not_enforceable"
    CIVIL_CLAIM = "civil_claim"
    NO_AGREEMENT = "no_agreement"
    PERMANENT_RESIDENCE = "permanent_residence"
    NO_TREATY = "no_treaty"
    TERM_TOO_SHORT = "term_too_short"
    NO_CONSENT = "no_consent"
    PENDING_PROCEEDINGS = "pending_proceedings"
    INCOMPLETE = "incomplete"
    NOT_STATED = "not_stated"
    OTHER = "other"


register([
    (RefusalReason.NOT_A_CRIME, _l("not a crime under Uzbek law")),
    (RefusalReason.NOT_ENFORCEABLE, _l("sentence cannot be enforced in Uzbekistan")),
    (RefusalReason.CIVIL_CLAIM, _l("civil claim or fine not paid or guaranteed")),
    (RefusalReason.NO_AGREEMENT, _l("no agreement on the terms of transfer")),
    (RefusalReason.PERMANENT_RESIDENCE, _l("permanent residence in Russia")),
    (RefusalReason.NO_TREATY, _l("no treaty or reciprocity (returned without examination)")),
    (RefusalReason.TERM_TOO_SHORT, _l("too little of the term left")),
    (RefusalReason.NO_CONSENT, _l("consent missing or withdrawn")),
    (RefusalReason.PENDING_PROCEEDINGS, _l("other proceedings pending")),
    (RefusalReason.INCOMPLETE, _l("documents missing")),
    (RefusalReason.NOT_STATED, _l("no reason given")),
    (RefusalReason.OTHER, _l("other")),
])


class StageSpan(db.Model):
    """One stay of a case in one status, from one status event to the next."""

    __tablename__ = "review_stage_spans"
    __table_args__ = (
        # The median query groups by status and the day numbers, the outcomes count distinct
        # cases by status: both index-only scans.
        Index("ix_review_stage_spans_status_days", "status", "entered_day", "left_day",
              "case_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(
        ForeignKey("cases.id", ondelete="CASCADE"), index=True
    )
    #: workflow.Status value.
    status: Mapped[str] = mapped_column(String(32))
    entered_at: Mapped[datetime] = mapped_column()
    left_at: Mapped[datetime | None] = mapped_column()
    #: date.toordinal() of entered_at / left_at: day arithmetic the same on every database.
    entered_day: Mapped[int] = mapped_column(Integer)
    left_day: Mapped[int | None] = mapped_column(Integer)
    #: The audit event that opened the stay.
    event_id: Mapped[int | None] = mapped_column(Integer)


class RefusalGround(db.Model):
    """One ground of one refusal decision on a case."""

    __tablename__ = "review_refusal_grounds"
    __table_args__ = (UniqueConstraint("case_id", "decided_on", "ground"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(
        ForeignKey("cases.id", ondelete="CASCADE"), index=True
    )
    #: RefusalReason value.
    ground: Mapped[str] = mapped_column(String(32))
    decided_on: Mapped[date] = mapped_column(Date)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)

    @property
    def label(self) -> str:
        """The translated ground."""
        return RefusalReason(self.ground).label if self.ground in set(RefusalReason) else "—"


_cases = Case.__table__.c
_claims = Claim.__table__.c
_deadlines = Deadline.__table__.c
_consents = ConsentEntry.__table__.c

#: Indexes on other features' tables that keep the review fast at 100,000 cases (index-only
#: scans instead of reading every case row). The lead's migration creates them.
INDEXES: tuple[Index, ...] = (
    # "No activity for 30 days": open statuses, then a range of last activity.
    Index("ix_review_cases_status_activity", _cases.status, _cases.last_activity_at),
    # Open cases per owner (workload).
    Index("ix_review_cases_status_owner", _cases.status, _cases.owner_id),
    # Cases closed as transferred (outcomes), without reading every closed case.
    Index("ix_review_cases_status_closing", _cases.status, _cases.closing_reason),
    # The figures of one advocate's cases, and of the cases opened in a period: counts by
    # status, region and military status read these indexes alone.
    Index("ix_review_cases_owner_figures", _cases.owner_id, _cases.status, _cases.region_ru,
          _cases.military_status, _cases.created_at, _cases.last_activity_at),
    Index("ix_review_cases_created_figures", _cases.created_at, _cases.status,
          _cases.region_ru, _cases.military_status, _cases.owner_id),
    # Claims by type with their distinct cases.
    Index("ix_review_claims_type_case", _claims.type, _claims.case_id),
    # Withdrawals of consent, without reading the whole ledger.
    Index("ix_review_consents_action", _consents.action, _consents.case_id, _consents.kind),
    # PostgreSQL only: the status and owner of a case by its id, for the joins from deadlines
    # (workload, attention), which otherwise hash every case row read from the table
    # (100,000 cases: 35 -> 11 ms each). SQLite looks each case up by its rowid instead.
    Index("ix_review_cases_id_status_owner", _cases.id, _cases.status,
          _cases.owner_id).ddl_if(dialect="postgresql"),
    # Open deadlines of a kind by due date, without reading the deadline rows.
    Index("ix_review_deadlines_kind_due", _deadlines.kind, _deadlines.due_date,
          _deadlines.done_at, _deadlines.case_id),
)

__all__ = ["INDEXES", "RefusalGround", "RefusalReason", "StageSpan"]
