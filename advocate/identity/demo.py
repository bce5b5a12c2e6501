"""Fictional identities for the demo cases (`flask --app advocate demo`).

Runs after the cases demo step and only fills cases that have no vault values yet, the oldest
first, at most ``DEMO_LIMIT`` of them (about 1.5 s on SQLite): encrypting and auditing an
identity for every case would add minutes to a `--cases 100000` run for no gain, and a thousand
identities show every vault feature.
Every value is made up: names are common Uzbek names put together at random (Latin with oʻ/gʻ,
and the Russian Cyrillic of passports), passport numbers use the unissued series ZZ and start
with 000, phone numbers use the unused operator code 00.
"""

from __future__ import annotations

import random
from datetime import date
from typing import Any

from sqlalchemy import select, union

from advocate.cases.models import Case
from advocate.extensions import db
from advocate.identity import operations
from advocate.identity.models import Contact, Identity
from advocate.identity.service import get_keyring
from advocate.identity.vault import ContactData, IdentityData

DEMO_LIMIT = 1000

SURNAMES = (
    ("Gʻulomov", "Гуломов"), ("Toʻxtayev", "Тухтаев"), ("Qodirov", "Кодиров"),
    ("Ergashev", "Эргашев"), ("Yoʻldoshev", "Юлдашев"), ("Xolmatov", "Холматов"),
    ("Nurmatov", "Нурматов"), ("Sobirov", "Собиров"), ("Oʻrinov", "Уринов"),
    ("Gʻaniyev", "Ганиев"),
)
MEN = (
    ("Oʻktam", "Уктам"), ("Gʻayrat", "Гайрат"), ("Jasur", "Жасур"), ("Shoxrux", "Шохрух"),
    ("Bekzod", "Бекзод"), ("Otabek", "Отабек"), ("Sherzod", "Шерзод"), ("Doniyor", "Дониёр"),
    ("Ulugʻbek", "Улугбек"), ("Farhod", "Фарход"),
)
WOMEN = (
    ("Gulnora", "Гулнора"), ("Oʻgʻiloy", "Угилой"), ("Shahnoza", "Шахноза"),
    ("Dilnoza", "Дилноза"), ("Nodira", "Нодира"),
)
FATHERS = (
    ("Baxtiyor", "Бахтиёр"), ("Rustam", "Рустам"), ("Anvar", "Анвар"), ("Ilhom", "Илхом"),
    ("Murod", "Мурод"),
)
MOTHERS = (("Muhabbat", "Мухаббат"), ("Saodat", "Саодат"), ("Zulfiya", "Зулфия"))
TOWNS = (
    "Fargʻona", "Andijon", "Namangan", "Samarqand", "Qarshi", "Termiz", "Urganch", "Nukus",
    "Buxoro", "Jizzax",
)


def _phone(rng: random.Random) -> str:
    return f"+998 00 {rng.randint(100, 999)} {rng.randint(10, 99)} {rng.randint(10, 99)}"


def _names(rng: random.Random, female: bool) -> tuple[str, str]:
    surname_lat, surname_cyr = rng.choice(SURNAMES)
    given_lat, given_cyr = rng.choice(WOMEN if female else MEN)
    father_lat, father_cyr = rng.choice(FATHERS)
    if female:
        surname_lat, surname_cyr = surname_lat + "a", surname_cyr + "а"
    marker_lat, marker_cyr = ("qizi", "кизи") if female else ("oʻgʻli", "угли")
    return (f"{surname_lat} {given_lat} {father_lat} {marker_lat}",
            f"{surname_cyr} {given_cyr} {father_cyr} {marker_cyr}")


def fictional_identity(case: Any) -> tuple[IdentityData, ContactData]:
    """A made-up identity and a mother as contact, the same every time for a reference."""
    rng = random.Random(case.reference)  # noqa: S311 — demo data, not secrets
    latin, cyrillic = _names(rng, female=case.sex == "female")
    town = rng.choice(TOWNS)
    year = case.birth_year or rng.randint(1970, 2002)
    identity = IdentityData(
        full_name_latin=latin,
        full_name_cyrillic=cyrillic,
        birth_date=date(year, rng.randint(1, 12), rng.randint(1, 28)),
        birth_place=town,
        passport_number=f"ZZ000{rng.randint(1000, 9999)}",
        passport_issued=f"IIV {town} (demo), {year + 18}",
        address_uz=f"{town}, Namuna koʻchasi {rng.randint(1, 99)}-uy (demo)",
        phones=_phone(rng),
    )
    mother_lat, mother_cyr = rng.choice(MOTHERS)
    surname = latin.split()[0].removesuffix("a")
    mother = ContactData(
        name=f"{surname}a {mother_lat}", relation="mother", phone=_phone(rng),
        messenger="Telegram", notes="Demo contact.",
    )
    return identity, mother


def demo_step(options: dict[str, Any]) -> str | None:
    """Give up to DEMO_LIMIT demo cases without vault values a fictional identity."""
    if not get_keyring().available:
        return "identity: no key loaded, demo identities skipped"
    with_vault = union(select(Identity.case_id), select(Contact.case_id))
    cases = db.session.execute(
        select(Case).where(Case.id.not_in(with_vault)).order_by(Case.id).limit(DEMO_LIMIT)
    ).scalars().all()
    for case in cases:
        identity, mother = fictional_identity(case)
        operations.save_identity(case, identity, None)
        operations.save_contact(case, mother, None)
    if not cases:
        return None
    return f"identity: fictional identities added to {len(cases)} demo case(s)"
