"""The federal subjects of Russia: codes, count, names and sorted choices."""

from __future__ import annotations

import re

import pytest

from advocate.cases import regions_ru
from advocate.cases.regions_ru import (
    CODES,
    DISPUTED,
    REGIONS,
    UNKNOWN,
    choices,
    name,
    russian_administrative_name,
)

OCCUPIED = {
    "crimea",
    "sevastopol",
    "donetsk_oblast",
    "luhansk_oblast",
    "zaporizhzhia_oblast",
    "kherson_oblast",
}


def test_codes_are_unique_stable_ascii() -> None:
    codes = [r.code for r in REGIONS]
    assert len(codes) == len(set(codes)) == len(CODES)
    for code in codes:
        assert re.fullmatch(r"[a-z][a-z_]*[a-z]", code), code


def test_count_is_the_89_subjects_plus_unknown() -> None:
    assert len(REGIONS) == 90
    assert UNKNOWN in CODES


def test_names_are_unique_in_each_language() -> None:
    assert len({r.ru for r in REGIONS}) == 90
    assert len({r.en for r in REGIONS}) == 90
    assert len({r.ru.casefold() for r in REGIONS}) == 90


def test_subject_kinds_match_the_constitution() -> None:
    krais = [r for r in REGIONS if r.code.endswith("_krai")]
    autonomous = [r for r in REGIONS if r.code.endswith("_ao")]
    oblasts = [r for r in REGIONS if r.code.endswith("_oblast")]
    assert len(krais) == 9
    assert len(autonomous) == 5  # the Jewish autonomous oblast and four autonomous okrugs
    # 46 oblasts without dispute, plus Zaporizhzhia and Kherson; Donetsk and Luhansk, which Russia
    # lists as republics, are named here by their Ukrainian oblasts.
    assert len(oblasts) == 50


@pytest.mark.parametrize(
    ("code", "lang", "expected"),
    [
        ("moscow_city", "ru", "Москва"),
        ("moscow_city", "en", "Moscow"),
        ("moscow_oblast", "ru", "Московская область"),
        ("moscow_oblast", "en", "Moscow Oblast"),
        ("saint_petersburg", "ru", "Санкт-Петербург"),
        ("tatarstan", "en", "Tatarstan"),
        ("sakha", "ru", "Якутия (Саха)"),
        ("crimea", "en", "Crimea (occupied)"),
        ("crimea", "ru", "Крым (оккупирован)"),
        ("zaporizhzhia_oblast", "en", "Zaporizhzhia Oblast (occupied part)"),
        ("moscow_oblast", "uz", "Moscow Oblast"),
        ("unknown", "uz", "nomaʼlum"),
        ("unknown", "en", "Unknown"),
        ("moscow_oblast", "ru_RU", "Московская область"),
        ("moscow_oblast", "ru-RU", "Московская область"),
        ("moscow_oblast", "de", "Moscow Oblast"),
        ("moscow_oblast", None, "Moscow Oblast"),
    ],
)
def test_name(code: str, lang: str | None, expected: str) -> None:
    assert name(code, lang) == expected


def test_name_of_an_unknown_code_is_the_code() -> None:
    assert name("atlantis", "ru") == "atlantis"


def test_occupied_territories_are_kept_and_labelled() -> None:
    assert set(DISPUTED) == OCCUPIED
    for code in OCCUPIED:
        assert "occupied" in name(code, "en")
        assert "оккупирован" in name(code, "ru")
    undisputed = CODES - OCCUPIED
    assert not any("occupied" in name(code, "en") for code in undisputed)


@pytest.mark.parametrize("lang", ["ru", "en", "uz"])
def test_choices_sorted_by_displayed_name_unknown_first(lang: str) -> None:
    pairs = choices(lang)
    assert len(pairs) == 90
    assert pairs[0][0] == UNKNOWN
    labels = [label for _, label in pairs[1:]]
    assert labels == sorted(labels, key=str.casefold)
    assert {code for code, _ in pairs} == CODES
    assert all(label == name(code, lang) for code, label in pairs)


def test_russian_choices_start_with_a_and_end_with_ya() -> None:
    pairs = choices("ru")
    assert pairs[1] == ("adygea", "Адыгея")
    assert pairs[-1] == ("yaroslavl_oblast", "Ярославская область")


def test_russian_administrative_names_for_letters() -> None:
    assert russian_administrative_name("crimea") == "Республика Крым"
    assert russian_administrative_name("donetsk_oblast") == "Донецкая Народная Республика"
    assert russian_administrative_name("tatarstan") == "Республика Татарстан"
    assert russian_administrative_name("chechnya") == "Чеченская Республика"
    assert russian_administrative_name("moscow_oblast") == "Московская область"
    assert russian_administrative_name("atlantis") == "atlantis"
    # 21 republics plus Crimea, Donetsk and Luhansk make the 24 republics of art. 65.
    republics = [c for c in CODES if "Республик" in russian_administrative_name(c)]
    assert len(republics) == 24


def test_internal_tables_only_name_known_codes() -> None:
    assert set(regions_ru._REPUBLICS_RU) <= CODES
    assert set(regions_ru._UZ) <= CODES
