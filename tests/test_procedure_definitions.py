"""Procedure definitions: the shipped Russia -> Uzbekistan route, and malformed files refused."""

from __future__ import annotations

import shutil
from fractions import Fraction
from pathlib import Path

import pytest

from advocate.cases.vocab import Regime
from advocate.procedures.articles import Article, format_article
from advocate.procedures.definitions import (
    ROUTES_DIR,
    Procedure,
    ProcedureDefinitionError,
    load_procedure,
    load_procedures,
)

SHIPPED = (ROUTES_DIR / "ru_uz.toml").read_text(encoding="utf-8")


@pytest.fixture
def route() -> Procedure:
    return load_procedures(fresh=True)["ru_uz"]


def test_shipped_route_ids(route: Procedure) -> None:
    assert list(route.legal_bases) == [
        "zru_1009",
        "ru_cpc_469",
        "ru_cpc_470",
        "ru_cpc_471",
        "ru_cpc_472",
        "ru_cc_72",
        "ets_112",
        "uz_cc_154",
        "uz_cc_154_1",
        "pp_434",
    ]
    assert list(route.letters) == [
        "application_pgo_uz",
        "application_ru",
        "consent_statement",
        "letter_of_interest",
        "request_documents",
        "embassy_request",
        "follow_up",
    ]
    assert list(route.addressees) == [
        "pgo_uz",
        "ru_court",
        "fsin",
        "minjust_ru",
        "facility",
        "embassy_uz",
    ]
    assert [d.id for d in route.documents] == [
        "judgment_certified",
        "law_applied",
        "time_served_statement",
        "consent_declaration",
        "citizenship_proof",
        "character_reference",
        "payment_proof",
        "medical_report",
    ]
    assert [d.id for d in route.documents if d.optional] == ["medical_report"]
    assert (route.from_country, route.to_country) == ("ru", "uz")


def test_unknown_articles_are_absent_not_invented(route: Procedure) -> None:
    bases = route.legal_bases
    assert bases["zru_1009"].article is None  # chapter and article numbers not yet known
    assert bases["pp_434"].article is None
    assert bases["ru_cpc_469"].article == "469"
    assert bases["uz_cc_154_1"].article == "154-1"
    assert bases["ets_112"].article == "3"


def test_verified_flags_follow_the_brief(route: Procedure) -> None:
    # Art. 472's content has no source in transfer-law.md; everything else cited is [V].
    assert [b.id for b in route.legal_bases.values() if not b.verified] == ["ru_cpc_472"]


def test_ets_112_is_the_model_not_the_law(route: Procedure) -> None:
    summary = route.legal_bases["ets_112"].summary
    assert "not law between Russia and Uzbekistan" in summary.en
    assert "не право в отношениях России и Узбекистана" in summary.ru


def test_every_text_is_in_three_languages(route: Procedure) -> None:
    texts = [t for b in route.legal_bases.values() for t in (b.instrument, b.summary)]
    texts += [t for d in route.documents for t in (d.name, d.issued_by)]
    texts += [a.name for a in route.addressees.values()]
    texts += [letter.name for letter in route.letters.values()]
    for text in texts:
        assert text.en
        assert text.ru
        assert text.uz
        # Uzbek letters use U+02BB; a plain apostrophe would be a typo in shipped data.
        assert "'" not in text.uz
        assert "‘" not in text.uz
    assert route.addressees["pgo_uz"].name.uz == "Oʻzbekiston Respublikasi Bosh prokuraturasi"
    assert (
        route.addressees["fsin"].name.ru == "Федеральная служба исполнения наказаний (ФСИН России)"
    )
    assert route.name.get("ru") == "Россия → Узбекистан"
    assert route.name.get("fr") == route.name.en


def test_conditions_and_rules(route: Procedure) -> None:
    c = route.conditions
    assert c.min_remaining_months == 6
    assert c.credit_ratios[Regime.GENERAL] == Fraction(3, 2)
    assert c.credit_ratios[Regime.SETTLEMENT] == 2
    assert c.house_arrest_ratio == Fraction(1, 2)
    flags = {format_article(e.article): e.verified for e in c.excluded_articles}
    assert flags == {
        "205": True,
        "205.1": True,
        "205.2": True,
        "205.3": True,
        "205.4": True,
        "205.5": True,
        "228 ч.2": False,
        "228 ч.3": False,
        "228.1": False,
        "229": False,
    }
    rules = route.credit_rules()
    assert Article("228.1") in rules.unverified
    assert Article("205") not in rules.unverified
    assert [check.id for check in c.checks] == [
        "citizenship",
        "judgment_final",
        "remaining_term",
        "consent",
        "dual_criminality",
        "no_pending_proceedings",
        "civil_claims",
    ]


def test_addressees_deadlines_and_letters(route: Procedure) -> None:
    assert all(a.recipient == "" and a.address == "" for a in route.addressees.values())
    assert route.addressees["embassy_uz"].bases == ("pp_434",)
    assert route.addressees["pgo_uz"].country == "uz"
    d = route.deadlines
    assert (d.follow_up_days, d.lapse_reminder_days, d.document_request_overdue_days) == (
        30,
        60,
        30,
    )
    assert route.letters["application_pgo_uz"].bases == ("zru_1009",)
    assert route.letters["embassy_request"].addressees == ("embassy_uz",)
    assert [b.id for b in route.bases(["ru_cc_72", "ets_112"])] == ["ru_cc_72", "ets_112"]


def test_load_is_cached_and_can_be_fresh(tmp_path: Path) -> None:
    (tmp_path / "ru_uz.toml").write_text(SHIPPED, encoding="utf-8")
    first = load_procedures(tmp_path)
    assert load_procedures(tmp_path)["ru_uz"] is first["ru_uz"]
    (tmp_path / "ru_uz.toml").write_text(
        SHIPPED.replace("min_remaining_months = 6", "min_remaining_months = 12"), encoding="utf-8"
    )
    assert load_procedures(tmp_path)["ru_uz"].conditions.min_remaining_months == 6
    assert load_procedures(tmp_path, fresh=True)["ru_uz"].conditions.min_remaining_months == 12


def test_second_route_file_loads_by_its_id(tmp_path: Path) -> None:
    shutil.copy(ROUTES_DIR / "ru_uz.toml", tmp_path / "ru_uz.toml")
    (tmp_path / "kz_uz.toml").write_text(
        SHIPPED.replace('id = "ru_uz"', 'id = "kz_uz"', 1), encoding="utf-8"
    )
    assert sorted(load_procedures(tmp_path)) == ["kz_uz", "ru_uz"]


def test_empty_folder_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ProcedureDefinitionError, match="no procedure files"):
        load_procedures(tmp_path)


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "ru_uz.toml"
    path.write_text(text, encoding="utf-8")
    return path


def replaced(old: str, new: str, count: int = 1) -> str:
    assert old in SHIPPED, old
    return SHIPPED.replace(old, new, count)


@pytest.mark.parametrize(
    ("text", "where", "problem"),
    [
        (replaced('id = "ru_uz"', 'id = "ru_kz"'), "id", "must be “ru_uz”, the file's name"),
        (
            replaced("min_remaining_months = 6", 'min_remaining_months = "six"'),
            "conditions.min_remaining_months",
            "must be a whole number, not 'six'",
        ),
        (
            replaced("min_remaining_months = 6", "min_remaining_months = -1"),
            "conditions.min_remaining_months",
            "must be between 0 and 120",
        ),
        (replaced("min_remaining_months = 6\n", ""), "conditions.min_remaining_months", "missing"),
        (
            replaced("general = 1.5", "general = 0"),
            "conditions.credit_ratios.general",
            "must be a ratio above 0",
        ),
        (replaced("general = 1.5\n", ""), "conditions.credit_ratios.general", "missing"),
        (
            replaced("general = 1.5", "general = 1.5\ncolony = 1"),
            "conditions.credit_ratios.colony",
            "unknown key",
        ),
        (
            replaced("house_arrest = 0.5", "house_arrest = true"),
            "conditions.credit_ratios.house_arrest",
            "must be a number, not True",
        ),
        (
            replaced('articles = "228 ч.2, 228 ч.3, 228.1, 229"', 'articles = "228 ч.2, 999"'),
            "conditions.excluded_articles[1].articles",
            "Article 999",
        ),
        (
            replaced('id = "consent"', 'id = "good_behaviour"'),
            "conditions.checks[3].id",
            "“good_behaviour” is not a known condition",
        ),
        (
            replaced('bases = ["ru_cpc_471", "ets_112"]', 'bases = ["ru_cpc_999"]'),
            "conditions.checks[4].bases",
            "“ru_cpc_999” is not a known legal basis",
        ),
        (
            replaced('id = "ru_cpc_470"', 'id = "ru_cpc_469"'),
            "legal_bases[2].id",
            "duplicate id “ru_cpc_469”",
        ),
        (replaced("verified = false\n", ""), "legal_bases[4].verified", "missing"),
        (
            replaced("verified = false", 'verified = "no"'),
            "legal_bases[4].verified",
            "must be true or false",
        ),
        (
            replaced('uz = "Oʻzbekiston Respublikasi Bosh prokuraturasi"\n', ""),
            "addressees[0].name.uz",
            "missing",
        ),
        (replaced('en = "Russia → Uzbekistan"', 'en = "  "'), "name.en", "must not be empty"),
        (
            replaced('kind = "court"', 'kind = "tribunal"'),
            "addressees[1].kind",
            "“tribunal” is not one of prosecutor, court",
        ),
        (
            replaced('addressees = ["embassy_uz"]', 'addressees = ["embassy_kz"]'),
            "letters[5].addressees",
            "“embassy_kz” is not a known addressee",
        ),
        (
            replaced('addressees = ["facility"]', "addressees = []"),
            "letters[4].addressees",
            "must list at least one entry",
        ),
        (
            replaced("follow_up_days = 30", "follow_up_days = 0"),
            "deadlines.follow_up_days",
            "must be between 1 and 365",
        ),
        (replaced("[deadlines]", "[deadline]"), "deadlines", "missing"),
        (
            replaced('from_country = "ru"', 'from_country = "ru"\nroute = "x"'),
            "route",
            "unknown key",
        ),
        (replaced('id = "fsin"', 'id = "FSIN"'), "addressees[2].id", "is not an id"),
        (
            replaced('source = "zonauz.com"', 'source = "zonauz.com"\nnote = "x"'),
            "legal_bases[9].note",
            "unknown key",
        ),
    ],
)
def test_malformed_file_names_file_key_and_problem(
    tmp_path: Path, text: str, where: str, problem: str
) -> None:
    path = write(tmp_path, text)
    with pytest.raises(ProcedureDefinitionError) as excinfo:
        load_procedure(path)
    message = str(excinfo.value)
    assert message.startswith(f"{path}: {where}: "), message
    assert problem in message


def test_toml_syntax_error_names_the_file(tmp_path: Path) -> None:
    path = write(tmp_path, SHIPPED + "\n[[letters]\n")
    with pytest.raises(ProcedureDefinitionError, match=str(path).replace("/", r"/")) as excinfo:
        load_procedure(path)
    assert "line" in str(excinfo.value)


def test_malformed_file_stops_load_procedures(tmp_path: Path) -> None:
    write(tmp_path, replaced("lapse_reminder_days = 60", "lapse_reminder_days = 6000"))
    with pytest.raises(ProcedureDefinitionError, match="deadlines.lapse_reminder_days"):
        load_procedures(tmp_path)
