"""Demo cases: obviously fictional records across every status, custody type and claim type.

`flask --app advocate demo` creates about 40 through the operations (so their timelines look
real); `--cases N` tops the demo cases up to N with bulk inserts, audit entries included and
chained, fast enough for 100,000 in about a minute. Demo cases carry the label prefix `[demo]`;
running again counts them and creates only what is missing.
"""

from __future__ import annotations

import json
import random
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import func, insert, select, text

from advocate.audit.models import AuditEvent
from advocate.audit.operations import CHAIN_LOCK_ID, GENESIS, diff
from advocate.auth.models import User
from advocate.cases import operations, references, regions_ru, rules, search, terms, vocab
from advocate.cases.models import Case, Claim
from advocate.cases.record import CASE_FIELD_NAMES, CLAIM_FIELD_NAMES
from advocate.cases.workflow import Status
from advocate.clock import utcnow
from advocate.extensions import db

MARKER = "[demo]"
DEFAULT_COUNT = 40
OWNERS = ("advocate1", "advocate2")
_BATCH = 5000
_CHARGES = ("228 ч.2", "228.1 ч.4 п.«г»", "30 ч.3, 228.1 ч.4", "158 ч.3", "161 ч.2",
            "111 ч.1", "322 ч.1", "163 ч.2", "105 ч.1", "159 ч.4")
_TOPICS = ("drug charge", "theft", "robbery", "fraud", "assault", "border offence",
           "extortion", "homicide")
_REGIONS = sorted(regions_ru.CODES - {regions_ru.UNKNOWN})


#: Demo case numbers n with n % LIFE_EVERY == LIFE_AT are life sentences (when in a colony).
LIFE_EVERY, LIFE_AT = 40, 9


def _dates(rng: random.Random, today: date) -> dict[str, date]:
    arrest = today - timedelta(days=rng.randint(200, 3000))
    judgment = arrest + timedelta(days=rng.randint(60, 400))
    final = judgment + timedelta(days=rng.randint(10, 90))
    return {"arrest_date": arrest, "custody_date": arrest + timedelta(days=rng.randint(0, 2)),
            "judgment_date": min(judgment, today), "judgment_final_date": min(final, today),
            "term_start": arrest}


def fictional_values(rng: random.Random, number: int, *, custody: str | None = None,
                     today: date | None = None) -> dict[str, Any]:
    """The record of demo case `number`: plausible, valid, and plainly fictional."""
    today = today or date.today()
    custody = custody or rng.choice([c.value for c in vocab.CustodyType])
    topic = rng.choice(_TOPICS)
    values: dict[str, Any] = {
        "initials": f"{chr(65 + number % 26)}.{chr(65 + (number * 7) % 26)}.",
        "label": f"{MARKER} Fictional case {number}: {topic}",
        "sex": rng.choice([s.value for s in vocab.Sex]),
        "birth_year": rng.randint(1965, 2004),
        "region_uz": rng.choice([r.value for r in vocab.RegionUz]),
        "citizenship": rng.choice([c.value for c in vocab.Citizenship]),
        "languages": rng.sample(["uz", "ru", "kaa", "tg"], rng.randint(1, 2)),
        "custody_country": terms.Country.RUSSIA.value,
        "custody_type": custody,
        "regime": None,
        "facility_name": f"Fictional facility No. {number % 97 + 1}",
        "region_ru": rng.choice(_REGIONS),
        "pretrial_days": rng.randint(30, 500),
        "house_arrest_days": rng.choice([0, 0, 0, 30, 60]),
        "articles": rng.choice(_CHARGES),
        "court": f"Fictional District Court No. {number % 50 + 1}",
        "court_case_number": f"1-{number}/{2020 + number % 5}",
        "appeal_status": rng.choice([a.value for a in vocab.AppealStatus]),
        "sentence_years": rng.randint(1, 15),
        "sentence_months": rng.randint(0, 11),
        "sentence_days": 0,
        "civil_claim_amount": Decimal(rng.choice([0, 15000, 250000])),
        "civil_claim_status": rng.choice([p.value for p in terms.PaymentStatus]),
        "other_pending_proceedings": rng.choice([y.value for y in terms.YesNoUnknown]),
        "russian_permanent_residence": rng.choice([None, False, False, True]),
        "military_status": rng.choice([m.value for m in vocab.MilitaryStatus]),
        "military_contract_date": None,
        **_dates(rng, today),
    }
    if custody == vocab.CustodyType.COLONY:
        values["regime"] = rng.choice([r.value for r in vocab.Regime if r != vocab.Regime.PRISON])
    elif custody == vocab.CustodyType.PRISON:
        values["regime"] = vocab.Regime.PRISON.value
    if values["military_status"] == vocab.MilitaryStatus.CONTRACT_SIGNED:
        values["military_contract_date"] = values["judgment_final_date"]
    if number % LIFE_EVERY == LIFE_AT and custody == vocab.CustodyType.COLONY:
        # A few life sentences (a special-regime colony), so the demo shows the indeterminate term.
        values.update(sentence_life=True, sentence_years=None, sentence_months=None,
                      sentence_days=None, regime=vocab.Regime.SPECIAL.value)
    return values


def fictional_claim(rng: random.Random, kind: str, start: date) -> dict[str, Any]:
    """A demo claim of coercion of this type."""
    return {
        "type": kind,
        "date_from": start,
        "date_to": start + timedelta(days=rng.randint(0, 20)) if rng.random() < 0.4 else None,
        "place": "Fictional facility, cell block B",
        "source": rng.choice([s.value for s in vocab.ClaimSource]),
        "reported": rng.choice([y.value for y in terms.YesNoUnknown]),
        "evidence": rng.sample([e.value for e in vocab.Evidence if e != "none"], 1),
        "narrative": f"Fictional account for demonstration ({kind}).",
    }


def _demo_count() -> int:
    return db.session.execute(
        select(func.count(Case.id)).where(Case.label.like(f"{MARKER}%"))
    ).scalar_one()


def _owners() -> list[User]:
    users = db.session.execute(select(User).where(User.username.in_(OWNERS))).scalars().all()
    return sorted(users, key=lambda u: u.username)


def create_varied(count: int, owners: list[User], start: int) -> int:
    """`count` cases through the operations, cycling through statuses, custody and claims."""
    rng = random.Random(start)  # noqa: S311 — demo data, not security
    statuses, custodies = list(Status), [c.value for c in vocab.CustodyType]
    kinds = [k.value for k in vocab.CoercionType]
    for i in range(count):
        number = start + i + 1
        owner = owners[i % len(owners)]
        status = statuses[i % len(statuses)]
        values = fictional_values(rng, number, custody=custodies[i % len(custodies)])
        case = operations.create_case(
            values, actor=None, owner=owner, status=status.value,
            closing_reason=rng.choice(list(vocab.ClosingReason)).value
            if status is Status.CLOSED else None,
            reason="demo data",
        )
        for j in range(i % 3):
            kind = kinds[(i + j * 5) % len(kinds)]
            operations.add_claim(case, fictional_claim(rng, kind, values["arrest_date"]),
                                 actor=owner)
        if i % 4 == 0:
            operations.add_note(case, "Fictional note: called the family, documents requested.",
                                actor=owner)
        if i % 5 == 0 and len(owners) > 1:
            operations.assign(case, owner=owner, collaborators=[owners[(i + 1) % len(owners)]],
                              actor=None)
    return count


def run(options: dict[str, Any]) -> str | None:
    """The demo step: top demo cases up to the requested number (default about 40)."""
    wanted = options.get("cases")
    wanted = DEFAULT_COUNT if wanted is None else int(wanted)
    if wanted <= 0:
        return None
    have = _demo_count()
    missing = wanted - have
    if missing <= 0:
        return f"Demo cases: {have} exist already (wanted {wanted}); nothing added."
    owners = _owners()
    if not owners:
        return "Demo cases: no demo advocates (advocate1, advocate2); nothing added."
    if missing <= 200:
        create_varied(missing, owners, have)
    else:
        bulk_create(missing, owners, have)
    return f"Demo cases: created {missing}, {wanted} in all."


# Bulk path: plain INSERTs in batches; the audit chain is extended in Python.


def _lock_chain() -> str:
    """Serialise with other writers of the chain and return the last hash."""
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": CHAIN_LOCK_ID})
    last = db.session.execute(
        select(AuditEvent.hash).order_by(AuditEvent.id.desc()).limit(1)
    ).scalar_one_or_none()
    return last or GENESIS


class _Chain:
    """Audit rows built in order, each hashed onto the previous one."""

    def __init__(self, prev: str) -> None:
        self.prev = prev
        self.rows: list[dict[str, Any]] = []

    def add(self, action: str, case_id: int, object_type: str, object_id: int,
            changes: dict[str, list[Any]], at: datetime) -> None:
        event = AuditEvent(
            at=at, actor_id=None, actor_name="system", action=action, object_type=object_type,
            object_id=str(object_id), case_id=case_id, reason="demo data", note=None, ip=None,
            changes=json.dumps(changes, sort_keys=True, ensure_ascii=False),
            prev_hash=self.prev,
        )
        event.hash = event.compute_hash()
        self.prev = event.hash
        self.rows.append({c: getattr(event, c) for c in (
            "at", "actor_id", "actor_name", "action", "object_type", "object_id", "case_id",
            "changes", "reason", "note", "ip", "prev_hash", "hash")})

    def flush(self) -> None:
        if self.rows:
            db.session.execute(insert(AuditEvent.__table__), self.rows)
            self.rows = []


def _case_row(rng: random.Random, number: int, reference: str, owner_id: int, now: datetime
              ) -> dict[str, Any]:
    values = fictional_values(rng, number, today=now.date())
    values["languages"] = ",".join(values["languages"])
    values["articles"] = rules.normalise_articles(values["articles"])
    statuses = list(Status)
    status = statuses[number % len(statuses)]
    activity = now - timedelta(days=rng.randint(0, 120), minutes=rng.randint(0, 1440))
    row = {
        **values, "reference": reference, "status": status.value, "owner_id": owner_id,
        "closing_reason": vocab.ClosingReason.OTHER.value if status is Status.CLOSED else None,
        "created_at": activity - timedelta(days=rng.randint(0, 200)), "updated_at": activity,
        "last_activity_at": activity, "version": 1, "claim_count": 0,
    }
    return row


def _search_text(row: dict[str, Any], narratives: list[str]) -> str:
    parts = [row["reference"], row["label"], row["facility_name"], row["court"], row["articles"],
             *narratives]
    return "\n".join(search.fold(p) for p in parts if p)


def _insert_batch(rng: random.Random, numbers: range, refs: list[str], owners: list[User],
                  chain: _Chain, now: datetime) -> None:
    kinds = [k.value for k in vocab.CoercionType]
    rows, claims = [], {}
    for number, reference in zip(numbers, refs, strict=True):
        row = _case_row(rng, number, reference, owners[number % len(owners)].id, now)
        count = rng.choice((0, 0, 0, 1, 1, 2))
        claims[reference] = [fictional_claim(rng, rng.choice(kinds), row["arrest_date"])
                             for _ in range(count)]
        for claim in claims[reference]:
            claim["evidence"] = ",".join(claim["evidence"])
        row["claim_count"] = count
        row["search_text"] = _search_text(row, [c["narrative"] for c in claims[reference]])
        rows.append(row)
    db.session.execute(insert(Case.__table__), rows)
    ids = dict(db.session.execute(
        select(Case.reference, Case.id).where(Case.reference.in_(list(claims)))
    ).all())
    claim_rows = []
    for row in rows:
        case_id = ids[row["reference"]]
        new = {k: row.get(k) for k in (*CASE_FIELD_NAMES, "status", "closing_reason")}
        chain.add("case.create", case_id, "case", case_id, diff({}, new), now)
        claim_rows += [{**c, "case_id": case_id, "created_at": now, "updated_at": now}
                       for c in claims[row["reference"]]]
    if claim_rows:
        db.session.execute(insert(Claim.__table__), claim_rows)
        stored = db.session.execute(
            select(Claim.id, Claim.case_id, Claim.type)
            .where(Claim.case_id.in_(list(ids.values()))).order_by(Claim.id)
        ).all()
        by_case: dict[int, list[dict[str, Any]]] = {}
        for claim in claim_rows:
            by_case.setdefault(claim["case_id"], []).append(claim)
        for claim_id, case_id, _kind in stored:
            claim = by_case[case_id].pop(0)
            new = {k: claim.get(k) for k in CLAIM_FIELD_NAMES}
            chain.add("case.claim.create", case_id, "claim", claim_id, diff({}, new), now)
    chain.flush()


def bulk_create(count: int, owners: list[User], start: int) -> int:
    """`count` demo cases with claims and audit entries, in batches of plain INSERTs."""
    rng = random.Random(start)  # noqa: S311 — demo data, not security
    now = utcnow()
    refs = references.allocate_many(count)
    chain = _Chain(_lock_chain())
    for offset in range(0, count, _BATCH):
        size = min(_BATCH, count - offset)
        numbers = range(start + offset + 1, start + offset + size + 1)
        _insert_batch(rng, numbers, refs[offset:offset + size], owners, chain, now)
    return count
