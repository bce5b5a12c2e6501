"""From case + vault + procedure + settings to a letter's plain-data context (schema.LetterContext).

Everything returned is plain data (str, int, bool, date, lists, dicts): a template cannot reach
an ORM object. Values that are not known are None (or []), never placeholders, so the
catalogue's ``missing_fields`` can say exactly what to fill in. The builder reads; it records
nothing: showing the identity is the caller's recorded act (``identity.operations.export``).
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any

from flask import current_app
from sqlalchemy import select

from advocate.admin import settings
from advocate.cases import regions_ru
from advocate.cases.models import Case
from advocate.cases.vocab import MILITARY_INVOLVEMENT
from advocate.extensions import db
from advocate.identity.keyring import Keyring
from advocate.identity.vault import IdentityData
from advocate.letters import wording
from advocate.letters.catalogue import get_type
from advocate.letters.schema import LetterContext
from advocate.procedures.definitions import Procedure, load_procedures
from advocate.procedures.facts import consent_state, term_result
from advocate.procedures.models import CaseDocument, DocumentStatus
from advocate.procedures.organisation import addressee_detail, effective_bases

#: The organisation's letterhead and signatory, per letter language (admin page /admin/letters).
SETTING_ORGANISATION = "letters.organisation"
ORGANISATION_FIELDS = ("name", "address", "letterhead", "signatory_name", "signatory_position")
APPLICANT_ROLES = ("person", "representative", "relative", "lawyer")
#: Documents whose checklist status means the organisation holds them and can attach them.
HELD = (DocumentStatus.RECEIVED.value, DocumentStatus.TRANSLATED.value,
        DocumentStatus.VERIFIED.value)


@dataclass(repr=False)
class LetterInputs:
    """What the advocate types for one letter; stored encrypted (it may identify people)."""

    addressee_name: str = ""
    addressee_address: str = ""
    applicant_role: str = "person"
    applicant_name: str = ""
    applicant_relation: str = ""
    applicant_address: str = ""
    applicant_phone: str = ""
    humanitarian_grounds: str = ""
    comment: str = ""
    #: Route document ids to attach; None: every document the checklist says is held.
    attachments: list[str] | None = None

    def __repr__(self) -> str:
        return "<LetterInputs>"

    def seal(self, keyring: Keyring) -> str:
        """The inputs as one Fernet token."""
        return keyring.encrypt(json.dumps(asdict(self), ensure_ascii=False, sort_keys=True))

    @classmethod
    def open(cls, token: str | None, keyring: Keyring) -> LetterInputs:
        """Decrypt a token made by seal (KeyUnavailable when no loaded key opens it)."""
        if not token:
            return cls()
        data = json.loads(keyring.decrypt(token))
        known = {name: data[name] for name in cls.__dataclass_fields__ if name in data}
        return cls(**known)


@dataclass(repr=False)
class Draft:
    """One letter as the builder needs it: type, language, addressee, inputs, register entry."""

    type_id: str
    lang: str
    addressee_id: str | None = None
    inputs: LetterInputs = field(default_factory=LetterInputs)
    #: The earlier letter a follow-up refers to: (number, date), or None.
    previous: tuple[str, date] | None = None
    number: str | None = None
    number_date: date | None = None

    def __repr__(self) -> str:
        return f"<Draft {self.type_id}/{self.lang}>"


def procedure_of(case: Case) -> Procedure | None:
    """The case's route (from the app's loaded routes, or the package's files)."""
    from advocate.procedures import EXTENSION, procedure_for

    if EXTENSION not in current_app.extensions:
        # The procedures engine is not initialised in this app: read the shipped routes.
        routes = load_procedures()
        country = (case.custody_country or "RU").lower()
        return next((p for p in routes.values()
                     if p.from_country == country and p.to_country == "uz"), None)
    return procedure_for(case)


def addressee_choices(procedure: Procedure | None, type_id: str) -> list[str]:
    """The route's addressee ids a letter of this type may go to."""
    if procedure is None or type_id not in procedure.letters:
        return []
    return list(procedure.letters[type_id].addressees)


def organisation_settings() -> dict[str, Any]:
    """The stored organisation settings (empty dict when none)."""
    value = settings.get(SETTING_ORGANISATION)
    return value if isinstance(value, dict) else {}


def _organisation(lang: str) -> tuple[dict[str, Any], dict[str, str] | None]:
    stored = organisation_settings()
    mine = stored.get(lang) if isinstance(stored.get(lang), dict) else {}
    text = {name: str(mine.get(name) or "").strip() for name in ORGANISATION_FIELDS}
    organisation = {
        "name": text["name"],
        "address": text["address"] or None,
        "phone": str(stored.get("phone") or "").strip() or None,
        "email": str(stored.get("email") or "").strip() or None,
        "letterhead_lines": wording.lines(text["letterhead"]),
    }
    signatory = None
    if text["signatory_name"] or text["signatory_position"]:
        signatory = {"name": text["signatory_name"], "position": text["signatory_position"]}
    return organisation, signatory


def _addressee_id(procedure: Procedure | None, draft: Draft) -> str | None:
    """The chosen addressee, or the first one the route names for this letter type."""
    if draft.addressee_id:
        return draft.addressee_id
    choices = addressee_choices(procedure, draft.type_id)
    return choices[0] if choices else None


def _addressee(case: Case, procedure: Procedure | None, draft: Draft) -> dict[str, Any]:
    inputs, lang = draft.inputs, draft.lang
    typed_lines = wording.lines(inputs.addressee_address)
    if inputs.addressee_name.strip():
        return {"name": inputs.addressee_name.strip(), "address_lines": typed_lines}
    addressee_id = _addressee_id(procedure, draft)
    if procedure is None or addressee_id not in procedure.addressees:
        return {"name": "", "address_lines": typed_lines}
    detail = addressee_detail(procedure, addressee_id)
    if detail.addressee.kind == "facility":
        # The route's "facility" is whichever place holds this person: name it from the case.
        name = wording.facility_head(case.facility_name, lang) if case.facility_name else ""
        return {"name": name, "address_lines": typed_lines}
    name = detail.recipient.strip() or detail.addressee.name.get(lang)
    return {"name": name, "address_lines": typed_lines or wording.lines(detail.address)}


def _to_russia(procedure: Procedure | None, draft: Draft) -> bool:
    """Whether the letter goes to a Russian authority (which names regions its own way)."""
    addressee_id = _addressee_id(procedure, draft)
    if procedure is not None and addressee_id in procedure.addressees:
        return procedure.addressees[addressee_id].country == "ru"
    return draft.lang == "ru"


def _region(case: Case, procedure: Procedure | None, draft: Draft) -> str | None:
    code = case.region_ru
    if not code or code == regions_ru.UNKNOWN:
        return None
    if draft.lang == "ru" or _to_russia(procedure, draft):
        return regions_ru.russian_administrative_name(code)
    return regions_ru.name(code, "en")


def _person(case: Case, identity: IdentityData | None, lang: str) -> dict[str, Any]:
    person = identity or IdentityData()
    passport = ", ".join(p for p in (person.passport_number, person.passport_issued) if p)
    return {
        "full_name_latin": person.full_name_latin or None,
        "full_name_cyrillic": person.full_name_cyrillic or None,
        "birth_date": person.birth_date,
        "birth_place": person.birth_place or None,
        "citizenship": wording.word(wording.CITIZENSHIP, lang, case.citizenship),
        "passport": passport or None,
        "address_uz": person.address_uz or None,
    }


def _custody(case: Case, procedure: Procedure | None, draft: Draft) -> dict[str, Any]:
    lang = draft.lang
    facility_type = wording.word(wording.FACILITY_TYPES, lang, case.custody_type)
    if case.custody_type == "colony" and case.regime in ("settlement", "educational"):
        facility_type = wording.word(wording.JUDGMENT_REGIMES, lang, case.regime)
    held = case.custody_type in ("colony", "prison")
    return {
        "facility_name": case.facility_name or None,
        "facility_type": facility_type,
        "regime": wording.word(wording.CUSTODY_REGIMES, lang, case.regime) if held else None,
        "region": _region(case, procedure, draft),
        "address": None,  # the case record keeps no postal address of the facility
    }


def _sentence(case: Case) -> dict[str, int] | None:
    if case.sentence_life:
        return None  # a life sentence has no length; the letters say "life imprisonment"
    length = {"years": case.sentence_years or 0, "months": case.sentence_months or 0,
              "days": case.sentence_days or 0}
    return length if any(length.values()) else None


def _judgment(case: Case, lang: str) -> dict[str, Any]:
    return {
        "court": case.court or None,
        "date": case.judgment_date,
        "case_number": case.court_case_number or None,
        "articles": wording.articles(case.articles, lang),
        "sentence": _sentence(case),
        "life_sentence": bool(case.sentence_life),
        "regime": wording.word(wording.JUDGMENT_REGIMES, lang, case.regime),
        "additional_punishments": wording.items(case.additional_punishments),
        "date_final": case.judgment_final_date,
        "appeal_status": wording.word(wording.APPEALS, lang, case.appeal_status),
        "civil_claims": wording.civil_claims(lang, case.civil_claim_status,
                                             case.civil_claim_amount, case.fine_status,
                                             case.fine_amount),
    }


def _term(case: Case, procedure: Procedure | None, today: date) -> dict[str, Any]:
    result = term_result(case, procedure, today) if procedure is not None else None
    if result is None:
        return {"start": case.term_start, "pretrial_credit_days": None, "end": None,
                "served_days": None, "remaining_days": None, "as_of": None}
    return {"start": result.start, "pretrial_credit_days": result.credit_days,
            "end": result.term_end, "served_days": result.served_days,
            "remaining_days": result.remaining_days, "as_of": result.on}


def _basis_ids(procedure: Procedure, type_id: str) -> list[str]:
    route = list(procedure.letters[type_id].bases) if type_id in procedure.letters else []
    wanted = route + list(get_type(type_id).cited_basis_ids)
    return [i for i in dict.fromkeys(wanted) if i in procedure.legal_bases]


def _legal_bases(procedure: Procedure | None, type_id: str, lang: str) -> list[dict[str, Any]]:
    if procedure is None:
        return []
    return [
        # The article only when verified or confirmed by the organisation (effective_bases).
        {"id": view.id, "instrument": view.basis.instrument.get(lang), "article": view.article}
        for view in effective_bases(procedure, _basis_ids(procedure, type_id))
    ]


def held_documents(case: Case) -> list[str]:
    """The route document ids the checklist marks as received, translated or verified."""
    return list(db.session.execute(
        select(CaseDocument.document_id).where(CaseDocument.case_id == case.id,
                                               CaseDocument.status.in_(HELD))
    ).scalars())


def _documents(case: Case, procedure: Procedure | None, draft: Draft) -> list[str]:
    chosen = draft.inputs.attachments
    if chosen is None:
        chosen = held_documents(case)
    names = []
    if procedure is not None:
        names = [d.name.get(draft.lang) for d in procedure.documents if d.id in set(chosen)]
    if draft.type_id == "follow_up" and draft.previous is not None:
        names.append(wording.previous_copy(draft.previous[0], draft.previous[1], draft.lang))
    return names


def _consent(case: Case, lang: str) -> dict[str, Any]:
    state = consent_state(case)
    if not state.given or state.current is None:
        return {"date": None, "language": None, "lawyer_present": None,
                "return_risk_explained": None}
    entry = state.current
    return {"date": entry.entry_date,
            "language": wording.word(wording.LANGUAGE_NAMES, lang, entry.language),
            "lawyer_present": entry.lawyer_present,
            "return_risk_explained": entry.return_risk_explained}


def _applicant(draft: Draft) -> dict[str, Any]:
    inputs = draft.inputs
    role = inputs.applicant_role if inputs.applicant_role in APPLICANT_ROLES else "person"
    if role == "person":
        return {"role": role, "name": None, "relation": None, "address": None, "phone": None}
    return {"role": role, "name": inputs.applicant_name.strip() or None,
            "relation": inputs.applicant_relation.strip() or None,
            "address": inputs.applicant_address.strip() or None,
            "phone": inputs.applicant_phone.strip() or None}


def build_context(case: Case, draft: Draft, identity: IdentityData | None, *,
                  today: date) -> LetterContext:
    """The complete context of one letter; unknown values are None or []."""
    get_type(draft.type_id)  # an unknown type fails before anything is read
    lang = draft.lang
    procedure = procedure_of(case)
    organisation, signatory = _organisation(lang)
    context: dict[str, Any] = {
        "lang": lang,
        "organisation": organisation,
        "signatory": signatory,
        "outgoing": {"number": draft.number, "date": draft.number_date},
        "addressee": _addressee(case, procedure, draft),
        "person": _person(case, identity, lang),
        "custody": _custody(case, procedure, draft),
        "judgment": _judgment(case, lang),
        "term": _term(case, procedure, today),
        "legal_bases": _legal_bases(procedure, draft.type_id, lang),
        "documents": _documents(case, procedure, draft),
        "consent": _consent(case, lang),
        "military": {"status": wording.word(wording.MILITARY, lang, case.military_status),
                     "contract_signed_date": case.military_contract_date},
        "return_risk": case.military_status in {m.value for m in MILITARY_INVOLVEMENT},
        "applicant": _applicant(draft),
        "humanitarian_grounds": draft.inputs.humanitarian_grounds.strip() or None,
        "previous_letter": ({"number": draft.previous[0], "date": draft.previous[1]}
                            if draft.previous else None),
        "comment": draft.inputs.comment.strip() or None,
    }
    return context  # type: ignore[return-value]
