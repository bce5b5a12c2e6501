"""Dates and terms written the way each letter language writes them."""

from __future__ import annotations

from datetime import date

LANGUAGES = ("ru", "uz", "en")

# Russian long dates put the month in the genitive: "15 апреля 2024 г."
_MONTHS_RU = (
    "января", "февраля", "марта", "апреля", "мая", "июня",
    "июля", "августа", "сентября", "октября", "ноября", "декабря",
)
# Uzbek (Latin script) month names as used in official documents.
_MONTHS_UZ = (
    "yanvar", "fevral", "mart", "aprel", "may", "iyun",
    "iyul", "avgust", "sentabr", "oktabr", "noyabr", "dekabr",
)
_MONTHS_EN = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)

# Russian nouns take one of three forms after a number: 1 год, 2 года, 5 лет.
_UNITS_RU = {
    "years": ("год", "года", "лет"),
    "months": ("месяц", "месяца", "месяцев"),
    "days": ("день", "дня", "дней"),
}
# Uzbek nouns do not change after a number: 5 yil, 6 oy, 3 kun.
_UNITS_UZ = {"years": "yil", "months": "oy", "days": "kun"}
_UNITS_EN = {
    "years": ("year", "years"),
    "months": ("month", "months"),
    "days": ("day", "days"),
}


def _check_lang(lang: str) -> None:
    """Refuse a language the letters are not written in."""
    if lang not in LANGUAGES:
        raise ValueError(f"unsupported letter language: {lang!r}")


def format_date(d: date, lang: str) -> str:
    """Return the long written form of a date in the letter language."""
    _check_lang(lang)
    if lang == "ru":
        return f"{d.day} {_MONTHS_RU[d.month - 1]} {d.year} г."
    if lang == "uz":
        return f"{d.year}-yil {d.day}-{_MONTHS_UZ[d.month - 1]}"
    return f"{d.day} {_MONTHS_EN[d.month - 1]} {d.year}"


def russian_plural(n: int, forms: tuple[str, str, str]) -> str:
    """Pick the Russian noun form for n: one (1, 21), few (2-4, 22-24), many (5-20, 25...)."""
    n = abs(n)
    if n % 10 == 1 and n % 100 != 11:
        return forms[0]
    if 2 <= n % 10 <= 4 and not 12 <= n % 100 <= 14:
        return forms[1]
    return forms[2]


def _unit(n: int, unit: str, lang: str) -> str:
    """Return "n unit" with the noun form the language needs."""
    if lang == "ru":
        return f"{n} {russian_plural(n, _UNITS_RU[unit])}"
    if lang == "uz":
        return f"{n} {_UNITS_UZ[unit]}"
    singular, plural = _UNITS_EN[unit]
    return f"{n} {singular if n == 1 else plural}"


def format_term(years: int, months: int, days: int, lang: str) -> str:
    """Return a term such as "5 лет 6 месяцев", leaving out the zero parts."""
    _check_lang(lang)
    if min(years, months, days) < 0:
        raise ValueError("a term cannot have negative parts")
    parts = [
        _unit(value, unit, lang)
        for value, unit in ((years, "years"), (months, "months"), (days, "days"))
        if value
    ]
    # A term of nothing at all is still written out, as zero days.
    return " ".join(parts) if parts else _unit(0, "days", lang)


def format_days(days: int, lang: str) -> str:
    """Return a count of days, such as "812 дней" or "812 kun"."""
    return format_term(0, 0, days, lang)
