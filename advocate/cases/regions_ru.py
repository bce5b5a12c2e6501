"""The federal subjects of Russia, for the region where a person is held.

The code is the stored value (database, CSV) and never changes; the names are for display. The
list is the 89 subjects of art. 65 of Russia's Constitution as amended in 2022, plus "unknown".
Names put the distinctive word first ("Tatarstan", not "Republic of Tatarstan"), so that a long
select list can be searched by typing.

Crimea, Sevastopol and the occupied parts of Donetsk, Luhansk, Zaporizhzhia and Kherson oblasts of
Ukraine are kept because people are held there, under neutral names that follow their status in
international law. A letter to a Russian authority must not use these display names: it quotes
the facility's own address, or `russian_administrative_name`, which is the name Russian
authorities use.

Region names are data in Russian and English, not gettext messages; an Uzbek interface shows the
English names, since we do not have reviewed Uzbek names for these regions.
"""

from __future__ import annotations

from types import MappingProxyType
from typing import NamedTuple

UNKNOWN = "unknown"


class Region(NamedTuple):
    """A federal subject: stable code, Russian display name, English display name."""

    code: str
    ru: str
    en: str


REGIONS: tuple[Region, ...] = (
    # Republics
    Region("adygea", "Адыгея", "Adygea"),
    Region("altai_republic", "Алтай (Республика)", "Altai Republic"),
    Region("bashkortostan", "Башкортостан", "Bashkortostan"),
    Region("buryatia", "Бурятия", "Buryatia"),
    Region("dagestan", "Дагестан", "Dagestan"),
    Region("ingushetia", "Ингушетия", "Ingushetia"),
    Region("kabardino_balkaria", "Кабардино-Балкария", "Kabardino-Balkaria"),
    Region("kalmykia", "Калмыкия", "Kalmykia"),
    Region("karachay_cherkessia", "Карачаево-Черкесия", "Karachay-Cherkessia"),
    Region("karelia", "Карелия", "Karelia"),
    Region("komi", "Коми", "Komi"),
    Region("mari_el", "Марий Эл", "Mari El"),
    Region("mordovia", "Мордовия", "Mordovia"),
    Region("sakha", "Якутия (Саха)", "Yakutia (Sakha)"),
    Region("north_ossetia", "Северная Осетия — Алания", "North Ossetia–Alania"),
    Region("tatarstan", "Татарстан", "Tatarstan"),
    Region("tuva", "Тыва", "Tuva"),
    Region("udmurtia", "Удмуртия", "Udmurtia"),
    Region("khakassia", "Хакасия", "Khakassia"),
    Region("chechnya", "Чечня", "Chechnya"),
    Region("chuvashia", "Чувашия", "Chuvashia"),
    # Krais
    Region("altai_krai", "Алтайский край", "Altai Krai"),
    Region("zabaykalsky_krai", "Забайкальский край", "Zabaykalsky Krai"),
    Region("kamchatka_krai", "Камчатский край", "Kamchatka Krai"),
    Region("krasnodar_krai", "Краснодарский край", "Krasnodar Krai"),
    Region("krasnoyarsk_krai", "Красноярский край", "Krasnoyarsk Krai"),
    Region("perm_krai", "Пермский край", "Perm Krai"),
    Region("primorsky_krai", "Приморский край", "Primorsky Krai"),
    Region("stavropol_krai", "Ставропольский край", "Stavropol Krai"),
    Region("khabarovsk_krai", "Хабаровский край", "Khabarovsk Krai"),
    # Oblasts
    Region("amur_oblast", "Амурская область", "Amur Oblast"),
    Region("arkhangelsk_oblast", "Архангельская область", "Arkhangelsk Oblast"),
    Region("astrakhan_oblast", "Астраханская область", "Astrakhan Oblast"),
    Region("belgorod_oblast", "Белгородская область", "Belgorod Oblast"),
    Region("bryansk_oblast", "Брянская область", "Bryansk Oblast"),
    Region("vladimir_oblast", "Владимирская область", "Vladimir Oblast"),
    Region("volgograd_oblast", "Волгоградская область", "Volgograd Oblast"),
    Region("vologda_oblast", "Вологодская область", "Vologda Oblast"),
    Region("voronezh_oblast", "Воронежская область", "Voronezh Oblast"),
    Region("ivanovo_oblast", "Ивановская область", "Ivanovo Oblast"),
    Region("irkutsk_oblast", "Иркутская область", "Irkutsk Oblast"),
    Region("kaliningrad_oblast", "Калининградская область", "Kaliningrad Oblast"),
    Region("kaluga_oblast", "Калужская область", "Kaluga Oblast"),
    Region("kemerovo_oblast", "Кемеровская область — Кузбасс", "Kemerovo Oblast (Kuzbass)"),
    Region("kirov_oblast", "Кировская область", "Kirov Oblast"),
    Region("kostroma_oblast", "Костромская область", "Kostroma Oblast"),
    Region("kurgan_oblast", "Курганская область", "Kurgan Oblast"),
    Region("kursk_oblast", "Курская область", "Kursk Oblast"),
    Region("leningrad_oblast", "Ленинградская область", "Leningrad Oblast"),
    Region("lipetsk_oblast", "Липецкая область", "Lipetsk Oblast"),
    Region("magadan_oblast", "Магаданская область", "Magadan Oblast"),
    Region("moscow_oblast", "Московская область", "Moscow Oblast"),
    Region("murmansk_oblast", "Мурманская область", "Murmansk Oblast"),
    Region("nizhny_novgorod_oblast", "Нижегородская область", "Nizhny Novgorod Oblast"),
    Region("novgorod_oblast", "Новгородская область", "Novgorod Oblast"),
    Region("novosibirsk_oblast", "Новосибирская область", "Novosibirsk Oblast"),
    Region("omsk_oblast", "Омская область", "Omsk Oblast"),
    Region("orenburg_oblast", "Оренбургская область", "Orenburg Oblast"),
    Region("oryol_oblast", "Орловская область", "Oryol Oblast"),
    Region("penza_oblast", "Пензенская область", "Penza Oblast"),
    Region("pskov_oblast", "Псковская область", "Pskov Oblast"),
    Region("rostov_oblast", "Ростовская область", "Rostov Oblast"),
    Region("ryazan_oblast", "Рязанская область", "Ryazan Oblast"),
    Region("samara_oblast", "Самарская область", "Samara Oblast"),
    Region("saratov_oblast", "Саратовская область", "Saratov Oblast"),
    Region("sakhalin_oblast", "Сахалинская область", "Sakhalin Oblast"),
    Region("sverdlovsk_oblast", "Свердловская область", "Sverdlovsk Oblast"),
    Region("smolensk_oblast", "Смоленская область", "Smolensk Oblast"),
    Region("tambov_oblast", "Тамбовская область", "Tambov Oblast"),
    Region("tver_oblast", "Тверская область", "Tver Oblast"),
    Region("tomsk_oblast", "Томская область", "Tomsk Oblast"),
    Region("tula_oblast", "Тульская область", "Tula Oblast"),
    Region("tyumen_oblast", "Тюменская область", "Tyumen Oblast"),
    Region("ulyanovsk_oblast", "Ульяновская область", "Ulyanovsk Oblast"),
    Region("chelyabinsk_oblast", "Челябинская область", "Chelyabinsk Oblast"),
    Region("yaroslavl_oblast", "Ярославская область", "Yaroslavl Oblast"),
    # Cities of federal significance
    Region("moscow_city", "Москва", "Moscow"),
    Region("saint_petersburg", "Санкт-Петербург", "Saint Petersburg"),
    # Autonomous oblast and okrugs
    Region("jewish_ao", "Еврейская автономная область", "Jewish Autonomous Oblast"),
    Region("nenets_ao", "Ненецкий автономный округ", "Nenets Autonomous Okrug"),
    Region(
        "khanty_mansi_ao",
        "Ханты-Мансийский автономный округ — Югра",
        "Khanty-Mansi Autonomous Okrug (Yugra)",
    ),
    Region("chukotka_ao", "Чукотский автономный округ", "Chukotka Autonomous Okrug"),
    Region("yamalo_nenets_ao", "Ямало-Ненецкий автономный округ", "Yamalo-Nenets Autonomous Okrug"),
    # Territories of Ukraine that Russia lists as its subjects (status disputed internationally)
    Region("crimea", "Крым (оккупирован)", "Crimea (occupied)"),
    Region("sevastopol", "Севастополь (оккупирован)", "Sevastopol (occupied)"),
    Region(
        "donetsk_oblast",
        "Донецкая область (оккупированная часть)",
        "Donetsk Oblast (occupied part)",
    ),
    Region(
        "luhansk_oblast",
        "Луганская область (оккупированная часть)",
        "Luhansk Oblast (occupied part)",
    ),
    Region(
        "zaporizhzhia_oblast",
        "Запорожская область (оккупированная часть)",
        "Zaporizhzhia Oblast (occupied part)",
    ),
    Region(
        "kherson_oblast",
        "Херсонская область (оккупированная часть)",
        "Kherson Oblast (occupied part)",
    ),
    Region(UNKNOWN, "Неизвестно", "Unknown"),
)

_BY_CODE: MappingProxyType[str, Region] = MappingProxyType({r.code: r for r in REGIONS})

#: Every stored code, for validating imports and forms.
CODES: frozenset[str] = frozenset(_BY_CODE)

#: The territories above, with the names Russian authorities give them (Constitution art. 65).
DISPUTED: MappingProxyType[str, str] = MappingProxyType(
    {
        "crimea": "Республика Крым",
        "sevastopol": "Севастополь",
        "donetsk_oblast": "Донецкая Народная Республика",
        "luhansk_oblast": "Луганская Народная Республика",
        "zaporizhzhia_oblast": "Запорожская область",
        "kherson_oblast": "Херсонская область",
    }
)

#: The full names of the republics, where the display name is the short one people use.
_REPUBLICS_RU: MappingProxyType[str, str] = MappingProxyType(
    {
        "adygea": "Республика Адыгея",
        "altai_republic": "Республика Алтай",
        "bashkortostan": "Республика Башкортостан",
        "buryatia": "Республика Бурятия",
        "dagestan": "Республика Дагестан",
        "ingushetia": "Республика Ингушетия",
        "kabardino_balkaria": "Кабардино-Балкарская Республика",
        "kalmykia": "Республика Калмыкия",
        "karachay_cherkessia": "Карачаево-Черкесская Республика",
        "karelia": "Республика Карелия",
        "komi": "Республика Коми",
        "mari_el": "Республика Марий Эл",
        "mordovia": "Республика Мордовия",
        "sakha": "Республика Саха (Якутия)",
        "north_ossetia": "Республика Северная Осетия — Алания",
        "tatarstan": "Республика Татарстан",
        "tuva": "Республика Тыва",
        "udmurtia": "Удмуртская Республика",
        "khakassia": "Республика Хакасия",
        "chechnya": "Чеченская Республика",
        "chuvashia": "Чувашская Республика",
    }
)

#: Uzbek names we are sure of; everything else falls back to English.
_UZ: MappingProxyType[str, str] = MappingProxyType({UNKNOWN: "nomaʼlum"})


def _lang(lang: str | None) -> str:
    """The two-letter language of a locale string: "ru_RU" -> "ru"; anything unknown -> "en"."""
    short = (lang or "en").replace("-", "_").split("_", 1)[0].lower()
    return short if short in {"ru", "en", "uz"} else "en"


def _display(region: Region, lang: str) -> str:
    """The name of a region in one of our languages (already normalised)."""
    if lang == "ru":
        return region.ru
    if lang == "uz":
        return _UZ.get(region.code, region.en)
    return region.en


def name(code: str, lang: str | None) -> str:
    """The display name of a region code in `lang` ("ru", "en", "uz"); an unknown code as is."""
    region = _BY_CODE.get(code)
    return _display(region, _lang(lang)) if region else code


def choices(lang: str | None) -> list[tuple[str, str]]:
    """(code, name) pairs sorted by the displayed name, with "unknown" first."""
    language = _lang(lang)
    known = [(r.code, _display(r, language)) for r in REGIONS if r.code != UNKNOWN]
    known.sort(key=lambda pair: pair[1].casefold())
    return [(UNKNOWN, name(UNKNOWN, language)), *known]


def russian_administrative_name(code: str) -> str:
    """The name Russian authorities use for a region, for letters addressed to them."""
    official = DISPUTED.get(code) or _REPUBLICS_RU.get(code)
    if official:
        return official
    return _BY_CODE[code].ru if code in _BY_CODE else code
