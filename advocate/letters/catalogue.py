"""The letter types: identifiers, templates, the data each letter cannot do without."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from flask_babel import lazy_gettext as _l

from advocate.letters.dates import LANGUAGES

# Legal-basis identifiers as the procedure data names them. Letters never hard-code a
# citation: a template names these ids and the context builder supplies each one's
# instrument name and (only when verified or confirmed) its article.
LEGAL_BASIS_IDS = (
    "zru_1009",  # Law of Uzbekistan ZRU-1009 of 4 December 2024 (amends the CPC)
    "ru_cpc_469",  # Russian CPC art. 469: grounds for transfer
    "ru_cpc_470",  # Russian CPC art. 470: consideration of the application
    "ru_cpc_471",  # Russian CPC art. 471: refusal
    "ru_cpc_472",  # Russian CPC art. 472: the court's decision
    "ru_cc_72",  # Russian Criminal Code art. 72: credit of time in custody
    "ets_112",  # Council of Europe Convention on the Transfer of Sentenced Persons
    "uz_cc_154",  # Uzbek Criminal Code art. 154: mercenarism
    "uz_cc_154_1",  # Uzbek Criminal Code art. 154-1: foreign military service
    "pp_434",  # Presidential resolution PP-434: MIA representative at the embassy
)

# The person's name in the script the addressee reads: Cyrillic as in the Russian
# judgment for Russian letters, Latin as in the Uzbek passport for the others.
_NAME_FIELD = {
    "ru": "person.full_name_cyrillic",
    "uz": "person.full_name_latin",
    "en": "person.full_name_latin",
}
_BOTH_NAMES = ("person.full_name_cyrillic", "person.full_name_latin")

_JUDGMENT = (
    "judgment.court",
    "judgment.date",
    "judgment.articles",
    "judgment.sentence",
    "judgment.regime",
    "judgment.date_final",
    "term.start",
    "term.end",
)
_ORGANISATION = ("organisation.name", "signatory.name", "signatory.position")
#: What a life sentence leaves empty on purpose: it has no length and no term end.
_NOT_FOR_LIFE = frozenset({"judgment.sentence", "term.end"})


@dataclass(frozen=True)
class LetterType:
    """One kind of letter and what it needs."""

    id: str
    description: Any  # a lazy gettext string, in the interface language
    titles: Mapping[str, str]  # the title in each letter language (PDF metadata)
    required: tuple[str, ...]  # dotted context paths, language-independent
    # Bases the template cites inline by id (``legal_bases|cite(...)``). The context's
    # ``legal_bases`` should hold these as well as the procedure data's bases for the letter,
    # which the letter lists under "legal grounds".
    cited_basis_ids: tuple[str, ...] = ()
    both_names: bool = False  # needs the Latin and the Cyrillic name in every language

    def template_name(self, lang: str) -> str:
        """Return the Jinja template of this letter in a language."""
        _check_lang(lang)
        return f"letters/{lang}/{self.id}.html"

    @property
    def template_names(self) -> dict[str, str]:
        """Return the template of each letter language."""
        return {lang: self.template_name(lang) for lang in LANGUAGES}


_TYPES = (
    LetterType(
        id="application_pgo_uz",
        description=_l(
            "The person's application to the Prosecutor General's Office of Uzbekistan for "
            "acceptance to serve the rest of the sentence at home (ZRU-1009)"
        ),
        titles={
            "ru": "Заявление о принятии для дальнейшего отбывания наказания "
            "в Республике Узбекистан",
            "uz": "Oʻzbekiston Respublikasida jazoni oʻtashni davom ettirish uchun "
            "qabul qilish toʻgʻrisida ariza",
            "en": "Application for acceptance to serve the remainder of the sentence "
            "in the Republic of Uzbekistan",
        },
        required=(
            "addressee.name", "person.birth_date", "person.birth_place",
            "person.citizenship", "person.address_uz", "custody.facility_name",
            *_JUDGMENT, "legal_bases", "documents",
        ),
    ),
    LetterType(
        id="application_ru",
        description=_l(
            "The person's or representative's application to the Russian court, FSIN or "
            "Ministry of Justice for transfer to Uzbekistan (Russian CPC arts. 469-470, "
            "reciprocity)"
        ),
        titles={
            "ru": "Ходатайство о передаче осуждённого для отбывания наказания "
            "в государство гражданства",
            "uz": "Mahkumni jazoni oʻtash uchun fuqaroligi boʻlgan davlatga topshirish "
            "toʻgʻrisida iltimosnoma",
            "en": "Application for the transfer of a sentenced person to the State of "
            "citizenship to serve the sentence",
        },
        required=(
            "addressee.name", "person.birth_date", "person.birth_place",
            "person.citizenship", "person.address_uz", "custody.facility_name",
            *_JUDGMENT, "legal_bases", "documents",
        ),
    ),
    LetterType(
        id="consent_statement",
        description=_l(
            "Statement of voluntary, informed consent to transfer, with the return-risk "
            "paragraph when military involvement is recorded"
        ),
        titles={
            "ru": "Заявление о согласии на передачу для отбывания наказания "
            "в государство гражданства",
            "uz": "Jazoni oʻtash uchun fuqaroligi boʻlgan davlatga topshirilishga rozilik "
            "toʻgʻrisida ariza",
            "en": "Statement of consent to transfer to the State of citizenship "
            "to serve the sentence",
        },
        required=(
            "addressee.name", "person.birth_date", "custody.facility_name",
            "judgment.court", "judgment.date", "judgment.articles", "judgment.sentence",
            "consent.language",
        ),
        cited_basis_ids=("uz_cc_154", "uz_cc_154_1"),
    ),
    LetterType(
        id="letter_of_interest",
        description=_l(
            "A relative's or lawyer's letter expressing interest in the transfer"
        ),
        titles={
            "ru": "Обращение в поддержку передачи осуждённого в государство гражданства",
            "uz": "Mahkumni fuqaroligi boʻlgan davlatga topshirishni qoʻllab-quvvatlash "
            "toʻgʻrisida murojaat",
            "en": "Letter in support of the transfer of a sentenced person "
            "to the State of citizenship",
        },
        required=(
            "addressee.name", "applicant.name", "applicant.relation",
            "person.birth_date", "custody.facility_name",
        ),
    ),
    LetterType(
        id="request_documents",
        description=_l(
            "Request to the colony or SIZO for the certified judgment marked final, the "
            "statement of time served and a character reference"
        ),
        titles={
            "ru": "Запрос о предоставлении документов",
            "uz": "Hujjatlarni taqdim etish toʻgʻrisida soʻrov",
            "en": "Request for documents",
        },
        required=(
            *_ORGANISATION, "addressee.name", "person.birth_date", "custody.facility_name",
        ),
        cited_basis_ids=("ru_cc_72",),
    ),
    LetterType(
        id="embassy_request",
        description=_l(
            "Letter to the Uzbek Embassy and its Ministry of Internal Affairs representative "
            "(PP-434) asking to confirm citizenship and to assist"
        ),
        titles={
            "ru": "Обращение о подтверждении гражданства и оказании содействия",
            "uz": "Fuqarolikni tasdiqlash va koʻmaklashish toʻgʻrisida murojaat",
            "en": "Request to confirm citizenship and to assist",
        },
        required=(
            *_ORGANISATION, "addressee.name", "person.birth_date", "person.birth_place",
            "person.address_uz", "custody.facility_name",
        ),
        cited_basis_ids=("pp_434",),
        both_names=True,
    ),
    LetterType(
        id="follow_up",
        description=_l(
            "Follow-up letter after no answer, referring to the previous letter's number "
            "and date"
        ),
        titles={
            "ru": "Повторное обращение",
            "uz": "Takroriy murojaat",
            "en": "Follow-up letter",
        },
        required=(
            *_ORGANISATION, "addressee.name", "previous_letter.number",
            "previous_letter.date", "custody.facility_name",
        ),
    ),
)

LETTER_TYPES: dict[str, LetterType] = {letter.id: letter for letter in _TYPES}


class UnknownLetterType(ValueError):
    """A letter type identifier that the catalogue does not know."""


def _check_lang(lang: str) -> None:
    """Refuse a language the letters are not written in."""
    if lang not in LANGUAGES:
        raise ValueError(f"unsupported letter language: {lang!r}")


def get_type(type_id: str) -> LetterType:
    """Return the letter type with this identifier."""
    try:
        return LETTER_TYPES[type_id]
    except KeyError:
        raise UnknownLetterType(type_id) from None


def required_fields(type_id: str, lang: str | None = None) -> list[str]:
    """Return the dotted context paths the letter cannot be produced without.

    Without ``lang`` only the fields every language needs are listed; with it, the
    person's name in that language's script is included. Requirements that depend on
    the case (a representative's name, the return-risk explanation) are checked by
    :func:`missing_fields`.
    """
    letter = get_type(type_id)
    names: tuple[str, ...] = ()
    if letter.both_names:
        names = _BOTH_NAMES
    elif lang is not None:
        _check_lang(lang)
        names = (_NAME_FIELD[lang],)
    return _unique([*letter.required[:1], *names, *letter.required[1:]])


def _conditional_fields(type_id: str, context: Mapping[str, Any]) -> list[str]:
    """Return the fields this case makes necessary for this letter."""
    fields: list[str] = []
    applicant_role = _lookup(context, "applicant.role")
    if type_id == "application_ru" and applicant_role not in (None, "person"):
        # Someone other than the person applies: the court must know who and in what capacity.
        fields += ["applicant.name", "applicant.relation"]
    if type_id == "letter_of_interest" and applicant_role == "lawyer":
        # A lawyer writes on the organisation's letterhead.
        fields.append("organisation.name")
    if type_id == "consent_statement" and _lookup(context, "return_risk"):
        # Consent is informed only if the return risk was explained before it was given.
        fields.append("consent.return_risk_explained")
    return fields


def missing_fields(type_id: str, lang: str, context: Mapping[str, Any]) -> list[str]:
    """Return the required dotted paths that are absent or empty in the context."""
    fields = required_fields(type_id, lang) + _conditional_fields(type_id, context)
    if _lookup(context, "judgment.life_sentence"):
        fields = [path for path in fields if path not in _NOT_FOR_LIFE]
    return [path for path in _unique(fields) if _is_missing(_lookup(context, path))]


def _lookup(context: Mapping[str, Any], path: str) -> Any:
    """Return the value at a dotted path, or None when any step is absent."""
    node: Any = context
    for key in path.split("."):
        if not isinstance(node, Mapping) or key not in node:
            return None
        node = node[key]
    return node


def _is_missing(value: Any) -> bool:
    """Tell whether a value counts as not recorded."""
    if value is None or value is False:
        return True
    if isinstance(value, str):
        return not value.strip()
    if isinstance(value, Mapping):
        # A sentence of 0 years 0 months 0 days is no sentence at all.
        return not any(value.values())
    if isinstance(value, list | tuple):
        return not value
    return False


def _unique(items: list[str]) -> list[str]:
    """Drop repeated items, keeping the first occurrence's place."""
    return list(dict.fromkeys(items))
