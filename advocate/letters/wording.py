"""The case record's stored values written out in each letter language.

The case record keeps vocabulary values ("general", "uz_only", "228.1 ч.4 п.«г»"); a letter needs
the words a lawyer would write in Russian, Uzbek (Latin script) or English. These are data, not
interface messages: a Russian letter is Russian whatever language the advocate's screen is in,
so they do not go through gettext. Uzbek wording follows ``shared/domain/glossary.md``.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import Decimal

from advocate.letters.dates import format_date
from advocate.procedures.articles import Article, ArticleParseError, parse_articles

Words = Mapping[str, Mapping[str, str]]

#: The kind of institution the court ordered (Russian Criminal Code art. 58).
JUDGMENT_REGIMES: Words = {
    "ru": {
        "general": "исправительная колония общего режима",
        "strict": "исправительная колония строгого режима",
        "special": "исправительная колония особого режима",
        "settlement": "колония-поселение",
        "educational": "воспитательная колония",
        "prison": "тюрьма",
    },
    "uz": {
        "general": "umumiy rejimdagi axloq tuzatish koloniyasi",
        "strict": "qattiq rejimdagi axloq tuzatish koloniyasi",
        "special": "alohida rejimdagi axloq tuzatish koloniyasi",
        "settlement": "koloniya-posyolka",
        "educational": "tarbiya koloniyasi",
        "prison": "qamoqxona",
    },
    "en": {
        "general": "general-regime colony",
        "strict": "strict-regime colony",
        "special": "special-regime colony",
        "settlement": "colony-settlement",
        "educational": "educational colony",
        "prison": "prison",
    },
}

#: The regime of the place of detention, as the custody table prints it.
CUSTODY_REGIMES: Words = {
    "ru": {"general": "общий режим", "strict": "строгий режим", "special": "особый режим",
           "settlement": "колония-поселение", "educational": "воспитательная колония",
           "prison": "тюрьма"},
    "uz": {"general": "umumiy rejim", "strict": "qattiq rejim", "special": "alohida rejim",
           "settlement": "koloniya-posyolka", "educational": "tarbiya koloniyasi",
           "prison": "qamoqxona"},
    "en": {"general": "general regime", "strict": "strict regime", "special": "special regime",
           "settlement": "colony-settlement", "educational": "educational colony",
           "prison": "prison"},
}

FACILITY_TYPES: Words = {
    "ru": {"sizo": "следственный изолятор", "colony": "исправительная колония",
           "prison": "тюрьма",
           "immigration": "центр временного содержания иностранных граждан"},
    "uz": {"sizo": "tergov hibsxonasi", "colony": "axloq tuzatish koloniyasi",
           "prison": "qamoqxona",
           "immigration": "chet el fuqarolarini vaqtincha saqlash markazi"},
    "en": {"sizo": "pretrial detention centre", "colony": "penal colony", "prison": "prison",
           "immigration": "immigration detention centre"},
}

APPEALS: Words = {
    "ru": {"none": "не обжаловался",
           "pending": "обжалован, жалоба находится на рассмотрении",
           "decided": "обжалован в апелляционном порядке, апелляционное решение вынесено",
           "cassation": "обжалован в кассационном порядке"},
    "uz": {"none": "shikoyat qilinmagan",
           "pending": "shikoyat qilingan, shikoyat koʻrib chiqilmoqda",
           "decided": "apellyatsiya tartibida shikoyat qilingan, apellyatsiya qarori chiqarilgan",
           "cassation": "kassatsiya tartibida shikoyat qilingan"},
    "en": {"none": "not appealed", "pending": "appealed; the appeal is pending",
           "decided": "appealed; the appeal has been decided",
           "cassation": "a cassation appeal has been lodged"},
}

CITIZENSHIP: Words = {
    "ru": {"uz_only": "Республика Узбекистан",
           "uz_and_ru": "Республика Узбекистан, Российская Федерация"},
    "uz": {"uz_only": "Oʻzbekiston Respublikasi",
           "uz_and_ru": "Oʻzbekiston Respublikasi, Rossiya Federatsiyasi"},
    "en": {"uz_only": "Republic of Uzbekistan",
           "uz_and_ru": "Republic of Uzbekistan; Russian Federation"},
}

LANGUAGE_NAMES: Words = {
    "ru": {"uz": "узбекский", "ru": "русский", "kaa": "каракалпакский", "tg": "таджикский",
           "ky": "киргизский", "kk": "казахский", "tk": "туркменский", "en": "английский"},
    "uz": {"uz": "oʻzbek tili", "ru": "rus tili", "kaa": "qoraqalpoq tili", "tg": "tojik tili",
           "ky": "qirgʻiz tili", "kk": "qozoq tili", "tk": "turkman tili", "en": "ingliz tili"},
    "en": {"uz": "Uzbek", "ru": "Russian", "kaa": "Karakalpak", "tg": "Tajik", "ky": "Kyrgyz",
           "kk": "Kazakh", "tk": "Turkmen", "en": "English"},
}

_CONTRACT = {
    "ru": "заключён контракт с Министерством обороны Российской Федерации",
    "uz": "Rossiya Federatsiyasi Mudofaa vazirligi bilan kontrakt tuzilgan",
    "en": "signed a contract with the Ministry of Defence of the Russian Federation",
}
MILITARY: Words = {
    "ru": {"pressured": "оказывалось давление с целью заключения контракта с Министерством "
                        "обороны Российской Федерации",
           "contract_offered": "предлагалось заключить контракт с Министерством обороны "
                               "Российской Федерации",
           "contract_signed": _CONTRACT["ru"],
           "deployed": _CONTRACT["ru"] + ", направлен в зону боевых действий",
           "wounded": _CONTRACT["ru"] + ", получил ранение",
           "missing": _CONTRACT["ru"] + ", сведения о местонахождении отсутствуют",
           "returned": _CONTRACT["ru"] + ", вернулся из зоны боевых действий"},
    "uz": {"pressured": "Rossiya Federatsiyasi Mudofaa vazirligi bilan kontrakt tuzishga "
                        "bosim oʻtkazilgan",
           "contract_offered": "Rossiya Federatsiyasi Mudofaa vazirligi bilan kontrakt tuzish "
                               "taklif qilingan",
           "contract_signed": _CONTRACT["uz"],
           "deployed": _CONTRACT["uz"] + ", jangovar harakatlar hududiga yuborilgan",
           "wounded": _CONTRACT["uz"] + ", yaralangan",
           "missing": _CONTRACT["uz"] + ", qayerdaligi haqida maʼlumot yoʻq",
           "returned": _CONTRACT["uz"] + ", jangovar harakatlar hududidan qaytgan"},
    "en": {"pressured": "pressured to sign a contract with the Ministry of Defence of the "
                        "Russian Federation",
           "contract_offered": "offered a contract with the Ministry of Defence of the Russian "
                               "Federation",
           "contract_signed": _CONTRACT["en"],
           "deployed": _CONTRACT["en"] + " and was sent to the combat zone",
           "wounded": _CONTRACT["en"] + " and was wounded",
           "missing": _CONTRACT["en"] + "; his whereabouts are unknown",
           "returned": _CONTRACT["en"] + " and has returned from the combat zone"},
}

_PAYMENT: Words = {
    "ru": {"paid": "оплачен", "guaranteed": "оплата гарантирована", "unpaid": "не оплачен"},
    "uz": {"paid": "toʻlangan", "guaranteed": "toʻlov kafolatlangan", "unpaid": "toʻlanmagan"},
    "en": {"paid": "paid", "guaranteed": "payment guaranteed", "unpaid": "unpaid"},
}
_CLAIM = {
    "ru": ("гражданский иск не заявлялся", "гражданский иск", " на сумму {amount} руб."),
    "uz": ("fuqaroviy daʼvo qoʻzgʻatilmagan", "fuqaroviy daʼvo", " ({amount} rubl)"),
    "en": ("no civil claim", "civil claim", " of RUB {amount}"),
}
_FINE = {
    "ru": ("штраф не назначался", "штраф", " в размере {amount} руб."),
    "uz": ("jarima tayinlanmagan", "jarima", " ({amount} rubl)"),
    "en": ("no fine imposed", "fine", " of RUB {amount}"),
}

#: How the addressee line names the head of a place of detention.
_FACILITY_HEAD = {
    "ru": "Начальнику {facility}",
    "uz": "{facility} boshligʻiga",
    "en": "The Head of {facility}",
}
_PREVIOUS_COPY = {
    "ru": "Копия обращения исх. № {number} от {date}",
    "uz": "{date}dagi {number}-son murojaat nusxasi",
    "en": "Copy of our letter No. {number} of {date}",
}


def word(words: Words, lang: str, value: str | None) -> str | None:
    """The letter-language wording of a stored value; None when it has none."""
    if not value:
        return None
    return words[lang].get(value)


def _article_ru(article: Article) -> str:
    parts = []
    if article.point:
        parts.append(f"п. «{article.point}»")
    if article.part:
        parts.append(f"ч. {article.part}")
    parts.append(f"ст. {article.number} УК РФ")
    return " ".join(parts)


def _article_uz(article: Article) -> str:
    code = "Rossiya Federatsiyasi Jinoyat kodeksi"
    if article.part and article.point:
        return f"{code} {article.number}-moddasi {article.part}-qismining «{article.point}» bandi"
    if article.part:
        return f"{code} {article.number}-moddasining {article.part}-qismi"
    if article.point:
        return f"{code} {article.number}-moddasining «{article.point}» bandi"
    return f"{code} {article.number}-moddasi"


def _article_en(article: Article) -> str:
    text = f"Criminal Code of the Russian Federation, Article {article.number}"
    if article.part:
        text += f"({article.part})"
    if article.point:
        text += f"({article.point})"
    return text


_ARTICLE_WRITERS = {"ru": _article_ru, "uz": _article_uz, "en": _article_en}


def articles(text: str | None, lang: str) -> list[str]:
    """Each article of the judgment as the letter language cites it ([] when none or unreadable)."""
    try:
        parsed = parse_articles(text or "")
    except ArticleParseError:
        return []
    return [_ARTICLE_WRITERS[lang](article) for article in parsed]


def _amount(value: Decimal | None) -> str:
    """Roubles with thin grouping: 150 000 or 150 000,50 (a dot for English)."""
    if value is None:
        return ""
    whole = int(value)
    cents = int((value - whole) * 100)
    grouped = f"{whole:,}".replace(",", " ")
    return grouped if not cents else f"{grouped},{cents:02d}"


def _money_part(lang: str, phrases: tuple[str, str, str], status: str | None,
                amount: Decimal | None) -> str | None:
    if status == "none":
        return phrases[0]
    payment = _PAYMENT[lang].get(status or "")
    if payment is None:
        return None  # unknown: say nothing rather than guess
    sum_text = phrases[2].format(amount=_amount(amount)) if amount else ""
    if lang == "en":
        sum_text = sum_text.replace(",", ".")
    return f"{phrases[1]}{sum_text}: {payment}"


def civil_claims(lang: str, claim_status: str | None, claim_amount: Decimal | None,
                 fine_status: str | None, fine_amount: Decimal | None) -> str | None:
    """The civil claim and the fine, and whether they are paid; None when neither is known."""
    parts = [
        _money_part(lang, _CLAIM[lang], claim_status, claim_amount),
        _money_part(lang, _FINE[lang], fine_status, fine_amount),
    ]
    known = [p for p in parts if p]
    return ("; " if lang == "en" else ", ").join(known) or None


def facility_head(facility: str, lang: str) -> str:
    """The addressee line for the head of a place of detention."""
    return _FACILITY_HEAD[lang].format(facility=facility)


def previous_copy(number: str, on: date, lang: str) -> str:
    """The attachment line for a copy of an earlier letter."""
    return _PREVIOUS_COPY[lang].format(number=number, date=format_date(on, lang))


def lines(text: str | None) -> list[str]:
    """Non-blank lines of a typed text, stripped."""
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def items(text: str | None) -> list[str]:
    """A typed list split by lines or semicolons."""
    return [part.strip() for line in lines(text) for part in line.split(";") if part.strip()]
