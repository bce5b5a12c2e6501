"""The anonymised case record, its coercion claims, collaborators and reference counter.

No names, passport numbers or contacts live here: those belong to the identity vault. Every
vocabulary column stores the enum value of `vocab.py`, `terms.py`, `workflow.Status` or a
`regions_ru` code. Only `cases.operations` writes these tables.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    DDL,
    Boolean,
    Column,
    Date,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    Table,
    Text,
)
from sqlalchemy import event as sa_event
from sqlalchemy.orm import Mapped, mapped_column, relationship

from advocate.auth.models import User
from advocate.cases import fulltext
from advocate.cases.workflow import Status
from advocate.clock import utcnow
from advocate.extensions import db

#: Who works on a case besides its owner.
case_collaborators = Table(
    "case_collaborators",
    db.metadata,
    Column("case_id", ForeignKey("cases.id", ondelete="CASCADE"), primary_key=True),
    Column("user_id", ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    # The primary key serves lookups by case; this one serves "the cases I collaborate on".
    Index("ix_case_collaborators_user_id", "user_id"),
)


class Case(db.Model):
    """One person's case, anonymised: reference, custody, judgment, military status, workflow."""

    __tablename__ = "cases"
    __table_args__ = (
        # PostgreSQL only: a trigram index serves `search_text LIKE '%...%'` (100,000 cases:
        # ~15 ms instead of ~300 ms). SQLite has an FTS5 trigram table instead (fulltext.py).
        Index(
            "ix_cases_search_text_trgm", "search_text", postgresql_using="gin",
            postgresql_ops={"search_text": "gin_trgm_ops"},
        ).ddl_if(dialect="postgresql"),
        # The list sorts by last activity, then id: each filter column leads an index that
        # also carries that order, so a filtered or deep page walks an index instead of
        # sorting every match (PostgreSQL, 100,000 cases: deep page p95 123 -> 43 ms).
        Index("ix_cases_activity", "last_activity_at", "id"),
        Index("ix_cases_claim_count_activity", "claim_count", "last_activity_at", "id"),
        Index("ix_cases_custody_type_activity", "custody_type", "last_activity_at", "id"),
        Index("ix_cases_region_uz_activity", "region_uz", "last_activity_at", "id"),
        Index("ix_cases_region_ru_activity", "region_ru", "last_activity_at", "id"),
        Index("ix_cases_military_activity", "military_status", "last_activity_at", "id"),
        Index("ix_cases_owner_activity", "owner_id", "last_activity_at", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: ADV-YYYY-NNNN, allocated by `operations.allocate_reference`; the only handle in URLs.
    reference: Mapped[str] = mapped_column(String(32), unique=True)
    initials: Mapped[str | None] = mapped_column(String(16))
    label: Mapped[str | None] = mapped_column(String(200))

    # Person, non-identifying
    sex: Mapped[str | None] = mapped_column(String(16))
    birth_year: Mapped[int | None] = mapped_column(Integer)
    region_uz: Mapped[str | None] = mapped_column(String(32))
    citizenship: Mapped[str | None] = mapped_column(String(32))
    #: Language codes (terms.Language values), comma-separated, e.g. "uz,ru".
    languages: Mapped[str] = mapped_column(String(200), default="")

    # Custody
    #: terms.Country value.
    custody_country: Mapped[str | None] = mapped_column(String(8), default="RU")
    custody_type: Mapped[str | None] = mapped_column(String(32))
    regime: Mapped[str | None] = mapped_column(String(32))
    facility_name: Mapped[str | None] = mapped_column(String(300))
    region_ru: Mapped[str | None] = mapped_column(String(48))
    arrest_date: Mapped[date | None] = mapped_column(Date, index=True)
    custody_date: Mapped[date | None] = mapped_column(Date)
    pretrial_days: Mapped[int | None] = mapped_column(Integer)
    house_arrest_days: Mapped[int | None] = mapped_column(Integer)

    # Charges and judgment
    #: Canonical form from procedures.articles.format_articles, e.g. "30 ч.3, 228.1 ч.4".
    articles: Mapped[str] = mapped_column(String(500), default="")
    court: Mapped[str | None] = mapped_column(String(300))
    court_case_number: Mapped[str | None] = mapped_column(String(100))
    judgment_date: Mapped[date | None] = mapped_column(Date)
    judgment_final_date: Mapped[date | None] = mapped_column(Date)
    appeal_status: Mapped[str | None] = mapped_column(String(32))
    sentence_years: Mapped[int | None] = mapped_column(Integer)
    sentence_months: Mapped[int | None] = mapped_column(Integer)
    sentence_days: Mapped[int | None] = mapped_column(Integer)
    #: Life imprisonment: no length and no end (blank or no: a sentence of the length above).
    sentence_life: Mapped[bool | None] = mapped_column(Boolean)
    additional_punishments: Mapped[str | None] = mapped_column(Text)
    term_start: Mapped[date | None] = mapped_column(Date)
    #: Roubles. A civil claim or fine left unpaid can be a ground for refusing a transfer.
    civil_claim_amount: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))
    civil_claim_status: Mapped[str | None] = mapped_column(String(16))
    fine_amount: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))
    fine_status: Mapped[str | None] = mapped_column(String(16))
    other_pending_proceedings: Mapped[str | None] = mapped_column(String(16))
    russian_permanent_residence: Mapped[bool | None] = mapped_column()

    # Military recruitment
    military_status: Mapped[str | None] = mapped_column(String(32))
    military_contract_date: Mapped[date | None] = mapped_column(Date)

    # Workflow and people
    status: Mapped[str] = mapped_column(String(32), default=Status.INTAKE.value, index=True)
    closing_reason: Mapped[str | None] = mapped_column(String(32))
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    owner: Mapped[User | None] = relationship(foreign_keys=[owner_id], lazy="joined")
    collaborators: Mapped[list[User]] = relationship(
        secondary=case_collaborators, order_by=User.username
    )
    claims: Mapped[list[Claim]] = relationship(
        back_populates="case", order_by="Claim.id", cascade="all, delete-orphan"
    )
    #: Kept by operations so the "has coercion claims" filter needs no subquery.
    claim_count: Mapped[int] = mapped_column(Integer, default=0)

    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    #: Any event on the case (edit, note, claim, status): "no activity for 30 days" reads this.
    last_activity_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: Bumped by every edit of the record (not by notes or claims), for the stale-edit check.
    version: Mapped[int] = mapped_column(Integer, default=1)
    #: Casefolded, apostrophe-normalised text of reference, label, facility, court, articles,
    #: notes and claim narratives; searched with LIKE (see cases.search).
    search_text: Mapped[str] = mapped_column(Text, default="")

    @property
    def language_codes(self) -> list[str]:
        """The stored language codes as a list."""
        return [code for code in (self.languages or "").split(",") if code]

    def __repr__(self) -> str:
        return f"<Case {self.reference}>"


class Claim(db.Model):
    """A claim of coercion (beating, pressure to enlist, ...) reported about the person."""

    __tablename__ = "claims"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    case: Mapped[Case] = relationship(back_populates="claims")
    #: vocab.CoercionType value.
    type: Mapped[str] = mapped_column(String(32), index=True)
    #: A single day has only date_from; a period has both.
    date_from: Mapped[date | None] = mapped_column(Date)
    date_to: Mapped[date | None] = mapped_column(Date)
    place: Mapped[str | None] = mapped_column(String(300))
    #: vocab.ClaimSource value.
    source: Mapped[str | None] = mapped_column(String(32))
    #: terms.YesNoUnknown value, and to whom when known.
    reported: Mapped[str | None] = mapped_column(String(16))
    reported_to: Mapped[str | None] = mapped_column(String(300))
    #: vocab.Evidence values, comma-separated.
    evidence: Mapped[str] = mapped_column(String(200), default="")
    narrative: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    @property
    def evidence_codes(self) -> list[str]:
        """The stored evidence codes as a list."""
        return [code for code in (self.evidence or "").split(",") if code]


class CaseReferenceCounter(db.Model):
    """The last reference number handed out in a year, bumped inside the creating transaction."""

    __tablename__ = "case_reference_counters"

    year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    last: Mapped[int] = mapped_column(Integer, default=0)


# The trigram operator class lives in the pg_trgm extension (trusted: a database owner may
# create it). Migrations must do the same before creating ix_cases_search_text_trgm.
sa_event.listen(
    Case.__table__, "before_create",
    DDL("CREATE EXTENSION IF NOT EXISTS pg_trgm").execute_if(dialect="postgresql"),
)
fulltext.attach(Case.__table__)
