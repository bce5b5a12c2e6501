"""The plain-data context every letter template receives.

The context builder fills these from the case, the vault, the procedure data and the
organisation's settings. Everything is plain ``str``, ``int``, ``bool``, ``date``, lists and
dicts: never ORM objects, so a template cannot reach further than what it was given.

Strings are display strings **in the letter's language** (a Russian letter gets
"исправительная колония общего режима", an Uzbek one "umumiy rejimdagi axloq tuzatish
koloniyasi"). Dates stay ``date`` objects: templates write them with the ``long_date`` filter,
which knows the letter language. Terms are written with the ``term`` and ``days`` filters.
A value that is not known is ``None`` (or an empty list), never an empty placeholder string.
"""

from __future__ import annotations

from datetime import date
from typing import Literal, TypedDict

LetterLang = Literal["ru", "uz", "en"]
ApplicantRole = Literal["person", "representative", "relative", "lawyer"]


class Organisation(TypedDict):
    """The organisation preparing the letter: letterhead and return address."""

    name: str
    address: str | None
    phone: str | None
    email: str | None
    letterhead_lines: list[str]  # extra lines under the name: registration, website...


class Signatory(TypedDict):
    """Who signs organisation letters."""

    name: str
    position: str


class Outgoing(TypedDict):
    """The outgoing register entry; both None while the letter is a draft."""

    number: str | None
    date: date | None


class Addressee(TypedDict):
    """The addressee as printed in the header block.

    ``name`` is in the form the letter language requires there (Russian: the dative,
    "Начальнику ФКУ ИК-2 УФСИН России по Тверской области").
    """

    name: str
    address_lines: list[str]


class Person(TypedDict):
    """The person in detention (from the vault)."""

    full_name_latin: str | None  # as in the Uzbek passport, with oʻ/gʻ (U+02BB)
    full_name_cyrillic: str | None  # as in the Russian judgment
    birth_date: date | None
    birth_place: str | None
    citizenship: str | None  # "Республика Узбекистан"
    passport: str | None  # "FA1234567, выдан ... "
    address_uz: str | None  # last address in Uzbekistan


class Custody(TypedDict):
    """Where the person is held now."""

    facility_name: str | None  # "ФКУ ИК-2 УФСИН России по Тверской области"
    facility_type: str | None  # "исправительная колония"
    regime: str | None  # "общий режим"
    region: str | None  # region of Russia: "Тверская область"
    address: str | None  # postal address of the facility


class Duration(TypedDict):
    """A length of time as the court wrote it."""

    years: int
    months: int
    days: int


class Judgment(TypedDict):
    """The sentence the transfer is about."""

    court: str | None
    date: date | None
    case_number: str | None
    articles: list[str]  # display strings: "ч. 2 ст. 228 УК РФ"
    sentence: Duration | None  # None for a life sentence: it has no length
    life_sentence: bool  # life imprisonment: no length, no term end
    regime: str | None  # "исправительная колония общего режима"
    additional_punishments: list[str]
    date_final: date | None  # the date the judgment entered into force
    appeal_status: str | None  # "обжалован в апелляционном порядке, оставлен без изменения"
    civil_claims: str | None  # civil claims and fines, and whether paid


class Term(TypedDict):
    """The term as computed by the procedures package (never computed in a template)."""

    start: date | None
    pretrial_credit_days: int | None
    end: date | None
    served_days: int | None
    remaining_days: int | None
    as_of: date | None  # the date served/remaining were computed for


class LegalBasis(TypedDict):
    """One legal basis from the procedure data.

    ``article`` is set only when the citation is verified or confirmed by the organisation;
    when it is None the letter names the instrument without any article number.
    """

    id: str  # "ru_cpc_469", see catalogue.LEGAL_BASIS_IDS
    instrument: str  # the instrument's name in the letter language, nominative
    article: str | None  # the bare designation: "469", "154-1"


class Consent(TypedDict):
    """The latest consent to transfer from the consent ledger."""

    date: date | None
    language: str | None  # the language it was explained in, as a display string
    lawyer_present: bool | None
    return_risk_explained: bool | None


class Military(TypedDict):
    """Recorded involvement with Russian armed forces."""

    status: str | None  # "подписал контракт с Министерством обороны РФ"
    contract_signed_date: date | None


class Applicant(TypedDict):
    """Who signs a personal letter: the person, a representative, a relative or a lawyer."""

    role: ApplicantRole
    name: str | None  # None when the person signs (their own name is in ``person``)
    relation: str | None  # "брат", "адвокат (ордер № 15 от ...)", "представитель по доверенности"
    address: str | None
    phone: str | None


class PreviousLetter(TypedDict):
    """The earlier letter a follow-up refers to."""

    number: str | None
    date: date | None


class LetterContext(TypedDict):
    """Everything a letter template may print."""

    lang: LetterLang
    organisation: Organisation
    signatory: Signatory | None
    outgoing: Outgoing
    addressee: Addressee
    person: Person
    custody: Custody
    judgment: Judgment
    term: Term
    legal_bases: list[LegalBasis]
    documents: list[str]  # the attachments, in the letter language
    consent: Consent
    military: Military
    return_risk: bool  # military involvement recorded: the return-risk paragraph applies
    applicant: Applicant
    humanitarian_grounds: str | None  # printed as its own paragraph, as written
    previous_letter: PreviousLetter | None
    # An extra paragraph the advocate adds to the letter's body, printed as written. Not a
    # reviewer's note: nothing internal belongs here.
    comment: str | None
