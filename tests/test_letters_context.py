"""The letter context: built from case, vault, procedure and settings; plain data; complete."""

from __future__ import annotations

import typing
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select, text

from advocate.extensions import db
from advocate.identity.vault import IdentityData
from advocate.letters import schema, wording
from advocate.letters.catalogue import LETTER_TYPES, missing_fields
from advocate.letters.context import Draft, LetterInputs, build_context
from advocate.letters.models import Letter
from advocate.letters.operations import inputs_of
from advocate.letters.render import render_html

from .test_letters_support import (
    COURT,
    CYRILLIC,
    FACILITY,
    LATIN,
    ORG,
    RELATIVE,
    complete_case,
    draft,
    get_case,
    known_identity,
    save_organisation,
    user_row,
)

#: The letters fixtures (letters_app, letter_people, letter_case).
pytest_plugins = ["tests.test_letters_support"]

TODAY = date(2025, 6, 2)


def _keys(typed: type) -> set[str]:
    return set(typing.get_type_hints(typed))


def _typeddict_in(hint: object) -> type | None:
    """The TypedDict a hint names (directly, in X | None, or in list[X])."""
    if typing.is_typeddict(hint):
        return hint  # type: ignore[return-value]
    for arg in typing.get_args(hint):
        found = _typeddict_in(arg)
        if found is not None:
            return found
    return None


def _assert_complete(value: object, typed: type, where: str = "context") -> None:
    """Every key of the TypedDict is present, recursively, and nothing else."""
    if isinstance(value, list):
        for index, item in enumerate(value):
            _assert_complete(item, typed, f"{where}[{index}]")
        return
    assert isinstance(value, dict), where
    assert set(value) == _keys(typed), where
    for name, hint in typing.get_type_hints(typed).items():
        nested = _typeddict_in(hint)
        if nested is not None and value[name] is not None:
            _assert_complete(value[name], nested, f"{where}.{name}")


def _plain(value: object) -> bool:
    if isinstance(value, dict):
        return all(isinstance(k, str) and _plain(v) for k, v in value.items())
    if isinstance(value, list):
        return all(_plain(v) for v in value)
    return value is None or isinstance(value, str | int | bool | date)


def _context(app, reference, type_id="application_ru", lang="ru", identity=None, **inputs):
    with app.app_context():
        case = get_case(reference)
        return build_context(case, Draft(type_id, lang, None, LetterInputs(**inputs)),
                             identity if identity is not None else known_identity(), today=TODAY)


@pytest.mark.parametrize("type_id", sorted(LETTER_TYPES))
def test_every_key_is_filled_with_plain_data_and_nothing_is_missing(letters_app, letter_case,
                                                                     type_id):
    inputs = {}
    if type_id == "letter_of_interest":
        inputs = {"applicant_role": "relative", "applicant_name": RELATIVE,
                  "applicant_relation": "мать осуждённого"}
    for lang in ("ru", "uz", "en"):
        context = _context(letters_app, letter_case, type_id, lang, **inputs)
        _assert_complete(context, schema.LetterContext)
        assert _plain(context)
        expected = ["previous_letter.number", "previous_letter.date"] \
            if type_id == "follow_up" else []
        assert missing_fields(type_id, lang, context) == expected
        if not expected:
            # The templates accept the built context (they fail on any unknown key).
            html = render_html(type_id, lang, context)
            name = LATIN if lang != "ru" or type_id == "embassy_request" else CYRILLIC
            assert name in html


def test_russian_context_speaks_russian(letters_app, letter_case):
    context = _context(letters_app, letter_case)
    assert context["person"]["full_name_cyrillic"] == CYRILLIC
    assert context["person"]["citizenship"] == "Республика Узбекистан"
    assert context["person"]["passport"] == "AB 7654321, IIV Fargʻona, 2015"
    assert context["custody"] == {
        "facility_name": FACILITY, "facility_type": "исправительная колония",
        "regime": "общий режим", "region": "Тверская область", "address": None}
    judgment = context["judgment"]
    assert judgment["court"] == COURT
    assert judgment["articles"] == ["ч. 2 ст. 228 УК РФ"]
    assert judgment["regime"] == "исправительная колония общего режима"
    assert judgment["sentence"] == {"years": 7, "months": 0, "days": 0}
    assert judgment["civil_claims"] == "гражданский иск не заявлялся, штраф не назначался"
    # Art. 228 part 2 is credited day for day: 442 days off 29 May 2030.
    assert context["term"]["end"] == date(2029, 3, 13)
    assert context["term"]["pretrial_credit_days"] == 442
    assert context["term"]["as_of"] == TODAY
    assert context["documents"] == [
        "Заверенная копия приговора с отметкой о вступлении в законную силу",
        "Справка об отбытом сроке наказания с учётом времени содержания под стражей",
    ]
    assert context["consent"]["language"] == "узбекский"
    assert context["organisation"]["name"] == ORG["ru"][0]
    assert context["signatory"] == {"name": ORG["ru"][1], "position": ORG["ru"][2]}
    assert context["outgoing"] == {"number": None, "date": None}
    assert context["addressee"]["name"] == "Суд по месту отбывания наказания осуждённым"


def test_uzbek_context_uses_latin_names_and_uzbek_words(letters_app, letter_case):
    context = _context(letters_app, letter_case, "application_pgo_uz", "uz")
    assert context["person"]["full_name_latin"] == LATIN
    assert context["judgment"]["articles"] == [
        "Rossiya Federatsiyasi Jinoyat kodeksi 228-moddasining 2-qismi"]
    assert context["judgment"]["regime"] == "umumiy rejimdagi axloq tuzatish koloniyasi"
    assert context["consent"]["language"] == "oʻzbek tili"
    assert context["addressee"]["name"] == "Oʻzbekiston Respublikasi Bosh prokuraturasi"


def test_articles_print_only_when_verified_or_confirmed(letters_app, letter_case):
    bases = {b["id"]: b for b in _context(letters_app, letter_case)["legal_bases"]}
    assert bases["ru_cpc_469"]["article"] == "469"
    assert bases["ru_cc_72"]["article"] == "72"
    # ZRU-1009 is verified, but its article numbers are not known: the law is named without one.
    assert bases["zru_1009"]["article"] is None
    assert "ЗРУ-1009" in bases["zru_1009"]["instrument"]


def test_occupied_region_gets_the_name_russian_authorities_use(letters_app, letter_people):
    reference = complete_case(letters_app, letter_people, region_ru="crimea")
    assert _context(letters_app, reference)["custody"]["region"] == "Республика Крым"
    english = _context(letters_app, reference, "application_pgo_uz", "en")
    assert english["custody"]["region"] == "Crimea (occupied)"


def test_facility_addressee_is_named_from_the_case(letters_app, letter_case):
    with letters_app.app_context():
        case = get_case(letter_case)
        context = build_context(case, Draft("request_documents", "ru", "facility"),
                                known_identity(), today=TODAY)
    assert context["addressee"]["name"] == f"Начальнику {FACILITY}"


def test_an_empty_case_lists_what_is_missing(letters_app, letter_people):
    from advocate.cases import operations as case_ops

    with letters_app.app_context():
        case = case_ops.create_case({"label": "new"}, actor=user_row(letter_people["owner"]))
        context = build_context(case, Draft("application_ru", "ru"), None, today=TODAY)
        missing = missing_fields("application_ru", "ru", context)
    # The addressee defaults to the route's first one for the type: the court.
    assert context["addressee"]["name"] == "Суд по месту отбывания наказания осуждённым"
    assert missing == [
        "person.full_name_cyrillic", "person.birth_date", "person.birth_place",
        "person.citizenship", "person.address_uz", "custody.facility_name", "judgment.court",
        "judgment.date", "judgment.articles", "judgment.sentence", "judgment.regime",
        "judgment.date_final", "term.start", "term.end", "documents",
    ]


def test_organisation_letters_need_the_settings(letters_app, letter_people):
    from advocate.cases import operations as case_ops

    with letters_app.app_context():
        case = case_ops.create_case({"label": "new"}, actor=user_row(letter_people["owner"]))
        context = build_context(case, Draft("request_documents", "ru"), IdentityData(),
                                today=TODAY)
        assert context["organisation"]["name"] == ""
        assert context["signatory"] is None
        missing = missing_fields("request_documents", "ru", context)
    assert {"organisation.name", "signatory.name", "signatory.position"} <= set(missing)


def test_typed_inputs_are_encrypted_at_rest(letters_app, letter_case, letter_people):
    draft(letters_app, letter_case, letter_people["owner"], "letter_of_interest", "ru",
          applicant_role="relative", applicant_name=RELATIVE, applicant_relation="мать",
          humanitarian_grounds="Мать Мухаббат нуждается в уходе")
    with letters_app.app_context():
        raw = db.session.execute(text("SELECT inputs FROM letters")).scalar_one()
        letter = db.session.execute(select(Letter)).scalar_one()
        assert inputs_of(letter).applicant_name == RELATIVE
    assert "Мухаббат" not in raw
    assert raw.startswith("gAAAA")


@pytest.mark.parametrize(("lang", "expected"), [
    ("ru", "гражданский иск на сумму 150 000,50 руб.: не оплачен, штраф: оплачен"),
    ("uz", "fuqaroviy daʼvo (150 000,50 rubl): toʻlanmagan, jarima: toʻlangan"),
    ("en", "civil claim of RUB 150 000.50: unpaid; fine: paid"),
])
def test_civil_claims_wording(lang, expected):
    assert wording.civil_claims(lang, "unpaid", Decimal("150000.50"), "paid", None) == expected
    assert wording.civil_claims(lang, "unknown", None, None, None) is None


def test_article_wording_with_parts_and_points():
    assert wording.articles("30 ч.3, 228.1 ч.4 п.«г»", "ru") == [
        "ч. 3 ст. 30 УК РФ", "п. «г» ч. 4 ст. 228.1 УК РФ"]
    assert wording.articles("228.1 ч.4 п.«г»", "en") == [
        "Criminal Code of the Russian Federation, Article 228.1(4)(г)"]
    assert wording.articles("228.1 ч.4 п.«г»", "uz") == [
        "Rossiya Federatsiyasi Jinoyat kodeksi 228.1-moddasi 4-qismining «г» bandi"]
    assert wording.articles("not an article", "ru") == []


def test_settings_are_per_language(letters_app, letter_people):
    save_organisation(letters_app, letter_people["admin"])
    reference = complete_case(letters_app, letter_people)
    for lang in ("ru", "uz", "en"):
        context = _context(letters_app, reference, "request_documents", lang)
        assert context["organisation"]["name"] == ORG[lang][0]
        assert context["organisation"]["email"] == "office@example.org"
