"""`identity scan`: every free-text value in the database that holds its case's identity.

Free text is gathered by sources, each turning a batch of case ids into (case id, place, text);
this module brings the case record's free-text fields, the claims' free-text fields and the
timeline (notes, reasons, and the old and new values of edited free-text fields, which the
hash-chained log keeps even after the text was corrected). Other features that keep free text
about a case (letter comments) add a source with ``register_source``. Places name a field and a
row, never the text.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

from sqlalchemy import select, union

from advocate.audit.models import AuditEvent
from advocate.cases.models import Case, Claim
from advocate.cases.record import CASE_FIELDS, CASE_SPECS, CLAIM_FIELDS, CLAIM_SPECS
from advocate.extensions import db
from advocate.identity import vault
from advocate.identity.keyring import Keyring, KeyUnavailable
from advocate.identity.leakguard import Needles, find_leaks
from advocate.identity.models import Contact, Identity

#: (case ids) -> (case id, place, text) for every free-text value about those cases.
Source = Callable[[list[int]], Iterable[tuple[int, str, str]]]

BATCH = 200


def case_texts(case_ids: list[int]) -> Iterator[tuple[int, str, str]]:
    """The free-text fields of the case records."""
    names = [spec.name for spec in CASE_FIELDS if spec.free_text]
    columns = [getattr(Case, name) for name in names]
    for row in db.session.execute(select(Case.id, *columns).where(Case.id.in_(case_ids))):
        for name, text in zip(names, row[1:], strict=True):
            if text:
                yield row[0], f"case: {name}", text


def claim_texts(case_ids: list[int]) -> Iterator[tuple[int, str, str]]:
    """The free-text fields of the claims."""
    names = [spec.name for spec in CLAIM_FIELDS if spec.free_text]
    columns = [getattr(Claim, name) for name in names]
    stmt = select(Claim.case_id, Claim.id, *columns).where(Claim.case_id.in_(case_ids))
    for row in db.session.execute(stmt):
        for name, text in zip(names, row[2:], strict=True):
            if text:
                yield row[0], f"claim {row[1]}: {name}", text


def _free_text_field(name: str) -> bool:
    spec = CASE_SPECS.get(name) or CLAIM_SPECS.get(name)
    return spec is not None and spec.free_text


def timeline_texts(case_ids: list[int]) -> Iterator[tuple[int, str, str]]:
    """Notes, reasons and edited free-text values in the case timelines."""
    stmt = select(
        AuditEvent.case_id, AuditEvent.id, AuditEvent.note, AuditEvent.reason, AuditEvent.changes
    ).where(AuditEvent.case_id.in_(case_ids))
    for case_id, event_id, note, reason, changes in db.session.execute(stmt):
        place = f"timeline entry {event_id}"
        if note:
            yield case_id, f"{place}: note", note
        if reason:
            yield case_id, f"{place}: reason", reason
        for name, values in (json.loads(changes) if changes else {}).items():
            if _free_text_field(name):
                for side, value in zip(("old", "new"), values, strict=False):
                    if isinstance(value, str) and value:
                        yield case_id, f"{place}: {name} ({side} value)", value


SOURCES: list[Source] = [case_texts, claim_texts, timeline_texts]


def register_source(source: Source) -> None:
    """Scan another feature's free text too."""
    if source not in SOURCES:
        SOURCES.append(source)


@dataclass(frozen=True)
class Hit:
    """A free-text value that holds its case's identity."""

    reference: str
    place: str


@dataclass
class ScanReport:
    """What a scan found."""

    cases_checked: int = 0
    unreadable: list[str] = field(default_factory=list)
    hits: list[Hit] = field(default_factory=list)


def _vault_case_ids() -> list[int]:
    ids = union(select(Identity.case_id), select(Contact.case_id)).subquery()
    return list(db.session.execute(select(ids.c.case_id).order_by(ids.c.case_id)).scalars())


def _needles(case_ids: list[int], keyring: Keyring) -> tuple[dict[int, Needles], list[int]]:
    """Needles per case of the batch, and the cases whose vault the keys cannot open."""
    identities = {r.case_id: r for r in db.session.execute(
        select(Identity).where(Identity.case_id.in_(case_ids))).scalars()}
    contacts: dict[int, list[Contact]] = {}
    for row in db.session.execute(
        select(Contact).where(Contact.case_id.in_(case_ids)).order_by(Contact.id)
    ).scalars():
        contacts.setdefault(row.case_id, []).append(row)
    needles, unreadable = {}, []
    for case_id in case_ids:
        try:
            row = identities.get(case_id)
            data = vault.Vault(
                vault.decrypt_identity(row, keyring) if row is not None else None,
                [vault.decrypt_contact(c, keyring) for c in contacts.get(case_id, [])],
            )
        except KeyUnavailable:
            unreadable.append(case_id)
            continue
        needles[case_id] = Needles.from_identity(data.needle_values())
    return needles, unreadable


def scan(keyring: Keyring) -> ScanReport:
    """Check every free-text value of every case that has vault values."""
    report = ScanReport()
    ids = _vault_case_ids()
    for start in range(0, len(ids), BATCH):
        batch = ids[start : start + BATCH]
        references = dict(db.session.execute(
            select(Case.id, Case.reference).where(Case.id.in_(batch))).all())
        needles, unreadable = _needles(batch, keyring)
        report.unreadable += [references[i] for i in unreadable]
        report.cases_checked += len(needles)
        readable = list(needles)
        for source in SOURCES if readable else ():
            for case_id, place, text in source(readable):
                if find_leaks(text, needles[case_id]):
                    report.hits.append(Hit(references[case_id], place))
        db.session.expunge_all()  # keep memory flat on large databases
    report.hits.sort(key=lambda hit: (hit.reference, hit.place))
    return report
