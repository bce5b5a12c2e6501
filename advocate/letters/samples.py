"""An obviously fictional letter context, for tests, the benchmark and demonstrations.

Every name, number and address here is invented; the organisation says "sample" in its
name so a printed sample cannot pass for a real letter.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from advocate.letters.catalogue import get_type
from advocate.letters.dates import LANGUAGES

NAME_LATIN = "Gʻulomov Oʻktam Rustam oʻgʻli"
NAME_CYRILLIC = "Гуломов Уктам Рустамович"

_TEXT: dict[str, dict[str, Any]] = {
    "ru": {
        "organisation": "Правозащитная организация «Путь домой» (образец)",
        "letterhead": ["Вымышленная организация для образцов писем · рег. № 0000000000"],
        "org_address": "123000, г. Москва, ул. Примерная, д. 1, оф. 1",
        "signatory": ("Иванова Мария Петровна", "Руководитель"),
        "pgo": ("Генеральному прокурору Республики Узбекистан", ["г. Ташкент"]),
        "court": ("В Озёрный районный суд Тверской области", ["Тверская область, г. Озёрный"]),
        "colony_head": ("Начальнику ФКУ ИК-99 УФСИН России по Тверской области", []),
        "embassy": (
            "В Посольство Республики Узбекистан в Российской Федерации",
            ["Представителю Министерства внутренних дел Республики Узбекистан при Посольстве",
             "г. Москва"],
        ),
        "birth_place": "Ферганская область, г. Маргилан",
        "citizenship": "Республика Узбекистан",
        "passport": "FA0000000, выдан 1 февраля 2018 г. (образец)",
        "address_uz": "Ферганская область, г. Маргилан, ул. Образцовая, д. 1",
        "facility": "ФКУ ИК-99 УФСИН России по Тверской области",
        "facility_type": "исправительная колония",
        "custody_regime": "общий режим",
        "region": "Тверская область",
        "facility_address": "171000, Тверская область, пос. Образцовый, ул. Лагерная, д. 1",
        "judgment_court": "Приозёрный районный суд г. Москвы",
        "articles": ["ч. 2 ст. 228 УК РФ"],
        "regime": "исправительная колония общего режима",
        "appeal": "обжалован в апелляционном порядке, оставлен без изменения",
        "civil": "гражданский иск не заявлялся, штраф не назначался",
        "bases": {
            "zru_1009": "Закон Республики Узбекистан от 4 декабря 2024 г. № ЗРУ-1009",
            "ru_cpc_469": "Уголовно-процессуальный кодекс Российской Федерации",
            "ru_cpc_470": "Уголовно-процессуальный кодекс Российской Федерации",
            "ru_cc_72": "Уголовный кодекс Российской Федерации",
            "uz_cc_154": "Уголовный кодекс Республики Узбекистан",
            "uz_cc_154_1": "Уголовный кодекс Республики Узбекистан",
            "pp_434": "Постановление Президента Республики Узбекистан "
            "от 13 декабря 2024 г. № ПП-434",
        },
        "documents": [
            "Копия приговора Приозёрного районного суда г. Москвы от 20 февраля 2023 г. на 9 л.",
            "Справка об отбытом сроке наказания на 1 л.",
            "Копия паспорта гражданина Республики Узбекистан на 2 л.",
        ],
        "previous_copy": "Копия обращения исх. № 9/2025 от 14 апреля 2025 г. на 3 л.",
        "consent_language": "узбекский",
        "military": "заключён контракт с Министерством обороны Российской Федерации",
        "relative": ("Гуломов Жасур Рустамович", "брат осуждённого"),
        "humanitarian": "В Республике Узбекистан (г. Маргилан) проживают мать осуждённого, "
        "нуждающаяся в постоянном уходе, его супруга и двое малолетних детей. Постоянного "
        "места жительства и родственников в Российской Федерации осуждённый не имеет.",
    },
    "uz": {
        "organisation": "«Uyga yoʻl» huquq himoyasi tashkiloti (namuna)",
        "letterhead": ["Xat namunalari uchun oʻylab topilgan tashkilot · roʻyxat № 0000000000"],
        "org_address": "123000, Moskva sh., Primernaya koʻchasi, 1-uy, 1-xona",
        "signatory": ("Ivanova Mariya Petrovna", "Rahbar"),
        "pgo": ("Oʻzbekiston Respublikasi Bosh prokuraturasiga", ["Toshkent shahri"]),
        "court": ("Tver viloyati Ozyorniy tuman sudiga", ["Rossiya Federatsiyasi"]),
        "colony_head": ("Tver viloyati boʻyicha FJIX boshqarmasining FKU IK-99 muassasasi "
                        "boshligʻiga", []),
        "embassy": (
            "Oʻzbekiston Respublikasining Rossiya Federatsiyasidagi elchixonasiga",
            ["Elchixona huzuridagi Oʻzbekiston Respublikasi Ichki ishlar vazirligi vakiliga",
             "Moskva shahri"],
        ),
        "birth_place": "Fargʻona viloyati, Margʻilon shahri",
        "citizenship": "Oʻzbekiston Respublikasi",
        "passport": "FA0000000, 2018-yil 1-fevralda berilgan (namuna)",
        "address_uz": "Fargʻona viloyati, Margʻilon shahri, Namuna koʻchasi, 1-uy",
        "facility": "FKU IK-99 (Tver viloyati boʻyicha Rossiya FJIX boshqarmasi)",
        "facility_type": "axloq tuzatish koloniyasi",
        "custody_regime": "umumiy rejim",
        "region": "Tver viloyati",
        "facility_address": "171000, Tver viloyati, Obrazsoviy qoʻrgʻoni, Lagernaya koʻchasi, 1",
        "judgment_court": "Moskva shahri Priozyorniy tuman sudi",
        "articles": ["Rossiya Federatsiyasi Jinoyat kodeksi 228-moddasining 2-qismi"],
        "regime": "umumiy rejimdagi axloq tuzatish koloniyasi",
        "appeal": "hukm ustidan apellyatsiya shikoyati berilgan, hukm oʻzgarishsiz qoldirilgan",
        "civil": "fuqaroviy daʼvo qoʻzgʻatilmagan, jarima tayinlanmagan",
        "bases": {
            "zru_1009": "Oʻzbekiston Respublikasining 2024-yil 4-dekabrdagi OʻRQ-1009-son Qonuni",
            "ru_cpc_469": "Rossiya Federatsiyasi Jinoyat-protsessual kodeksi",
            "ru_cpc_470": "Rossiya Federatsiyasi Jinoyat-protsessual kodeksi",
            "ru_cc_72": "Rossiya Federatsiyasi Jinoyat kodeksi",
            "uz_cc_154": "Oʻzbekiston Respublikasi Jinoyat kodeksi",
            "uz_cc_154_1": "Oʻzbekiston Respublikasi Jinoyat kodeksi",
            "pp_434": "Oʻzbekiston Respublikasi Prezidentining 2024-yil 13-dekabrdagi "
            "PQ-434-son qarori",
        },
        "documents": [
            "Moskva shahri Priozyorniy tuman sudining 2023-yil 20-fevraldagi hukmi nusxasi, "
            "9 varaq",
            "Jazoni oʻtagan muddat toʻgʻrisida maʼlumotnoma, 1 varaq",
            "Oʻzbekiston Respublikasi fuqarosi pasportining nusxasi, 2 varaq",
        ],
        "previous_copy": "2025-yil 14-apreldagi 9/2025-son murojaat nusxasi, 3 varaq",
        "consent_language": "oʻzbek tili",
        "military": "Rossiya Federatsiyasi Mudofaa vazirligi bilan kontrakt tuzilgan",
        "relative": ("Gʻulomov Jasur Rustam oʻgʻli", "mahkumning ukasi"),
        "humanitarian": "Oʻzbekiston Respublikasida (Margʻilon shahri) mahkumning doimiy "
        "parvarishga muhtoj onasi, turmush oʻrtogʻi va ikki voyaga yetmagan farzandi "
        "yashaydi. Mahkumning Rossiya Federatsiyasida doimiy yashash joyi va qarindoshlari yoʻq.",
    },
    "en": {
        "organisation": "Road Home Rights Group (sample)",
        "letterhead": ["A fictional organisation for sample letters · reg. no. 0000000000"],
        "org_address": "Office 1, 1 Primernaya Street, Moscow 123000",
        "signatory": ("Maria Ivanova", "Director"),
        "pgo": ("Prosecutor General's Office of the Republic of Uzbekistan", ["Tashkent"]),
        "court": ("Ozyorny District Court, Tver Region", ["Russian Federation"]),
        "colony_head": ("The Head of FKU IK-99, Federal Penitentiary Service Directorate "
                        "for the Tver Region", []),
        "embassy": (
            "Embassy of the Republic of Uzbekistan in the Russian Federation",
            ["Representative of the Ministry of Internal Affairs of the Republic of "
             "Uzbekistan at the Embassy", "Moscow"],
        ),
        "birth_place": "Margilan, Fergana Region, Uzbekistan",
        "citizenship": "Republic of Uzbekistan",
        "passport": "FA0000000, issued 1 February 2018 (sample)",
        "address_uz": "1 Namuna Street, Margilan, Fergana Region",
        "facility": "FKU IK-99, Federal Penitentiary Service Directorate for the Tver Region",
        "facility_type": "penal colony",
        "custody_regime": "general regime",
        "region": "Tver Region",
        "facility_address": "1 Lagernaya Street, Obraztsovy, Tver Region 171000",
        "judgment_court": "Priozyorny District Court of Moscow",
        "articles": ["Criminal Code of the Russian Federation, Article 228(2)"],
        "regime": "general-regime colony",
        "appeal": "appealed; upheld on appeal",
        "civil": "no civil claim; no fine imposed",
        "bases": {
            "zru_1009": "Law of the Republic of Uzbekistan No. ZRU-1009 of 4 December 2024",
            "ru_cpc_469": "Criminal Procedure Code of the Russian Federation",
            "ru_cpc_470": "Criminal Procedure Code of the Russian Federation",
            "ru_cc_72": "Criminal Code of the Russian Federation",
            "uz_cc_154": "Criminal Code of the Republic of Uzbekistan",
            "uz_cc_154_1": "Criminal Code of the Republic of Uzbekistan",
            "pp_434": "Resolution of the President of the Republic of Uzbekistan No. PP-434 "
            "of 13 December 2024",
        },
        "documents": [
            "Copy of the judgment of the Priozyorny District Court of Moscow of "
            "20 February 2023, 9 pages",
            "Statement of time served, 1 page",
            "Copy of the passport of a citizen of the Republic of Uzbekistan, 2 pages",
        ],
        "previous_copy": "Copy of our letter No. 9/2025 of 14 April 2025, 3 pages",
        "consent_language": "Uzbek",
        "military": "signed a contract with the Ministry of Defence of the Russian Federation",
        "relative": ("Gʻulomov Jasur Rustam oʻgʻli", "the convicted person's brother"),
        "humanitarian": "The convicted person's mother, who needs constant care, his wife and "
        "their two young children live in Margilan, Uzbekistan. He has no permanent residence "
        "and no relatives in the Russian Federation.",
    },
}

# Articles only where the citation counts as verified; ZRU-1009's articles are not known yet.
_ARTICLES = {
    "zru_1009": None, "ru_cpc_469": "469", "ru_cpc_470": "470", "ru_cc_72": "72",
    "uz_cc_154": "154", "uz_cc_154_1": "154-1", "pp_434": None,
}

# The bases a context builder would pass: the procedure data's bases for the letter and the
# ones its template cites inline.
_BASES = {
    "application_pgo_uz": ("zru_1009",),
    "application_ru": ("ru_cpc_469", "ru_cpc_470", "zru_1009"),
    "consent_statement": ("ru_cpc_469", "zru_1009", "uz_cc_154", "uz_cc_154_1"),
    "letter_of_interest": ("zru_1009", "pp_434"),
    "request_documents": ("ru_cpc_469", "ru_cc_72"),
    "embassy_request": ("pp_434", "zru_1009"),
    "follow_up": (),
}

# Who each sample letter goes to.
_ADDRESSEES = {
    "application_pgo_uz": "pgo", "application_ru": "court", "consent_statement": "colony_head",
    "letter_of_interest": "pgo", "request_documents": "colony_head",
    "embassy_request": "embassy", "follow_up": "pgo",
}


def sample_context(type_id: str, lang: str) -> dict[str, Any]:
    """Return a complete, fictional context for one letter type in one language."""
    if lang not in LANGUAGES:
        raise ValueError(f"unsupported letter language: {lang!r}")
    get_type(type_id)  # refuse an unknown type before building anything
    text = _TEXT[lang]
    addressee_name, address_lines = text[_ADDRESSEES[type_id]]
    documents = list(text["documents"])
    if type_id == "follow_up":
        documents.append(text["previous_copy"])
    return {
        "lang": lang,
        "organisation": {
            "name": text["organisation"],
            "address": text["org_address"],
            "phone": "+7 (000) 000-00-00",
            "email": "office@example.org",
            "letterhead_lines": list(text["letterhead"]),
        },
        "signatory": {"name": text["signatory"][0], "position": text["signatory"][1]},
        "outgoing": {"number": "17/2025", "date": date(2025, 6, 2)},
        "addressee": {"name": addressee_name, "address_lines": list(address_lines)},
        "person": {
            "full_name_latin": NAME_LATIN,
            "full_name_cyrillic": NAME_CYRILLIC,
            "birth_date": date(1991, 5, 26),
            "birth_place": text["birth_place"],
            "citizenship": text["citizenship"],
            "passport": text["passport"],
            "address_uz": text["address_uz"],
        },
        "custody": {
            "facility_name": text["facility"],
            "facility_type": text["facility_type"],
            "regime": text["custody_regime"],
            "region": text["region"],
            "address": text["facility_address"],
        },
        "judgment": {
            "court": text["judgment_court"],
            "date": date(2023, 2, 20),
            "case_number": "1-0999/2023",
            "articles": list(text["articles"]),
            "sentence": {"years": 7, "months": 0, "days": 0},
            "life_sentence": False,
            "regime": text["regime"],
            "additional_punishments": [],
            "date_final": date(2023, 5, 30),
            "appeal_status": text["appeal"],
            "civil_claims": text["civil"],
        },
        # Custody from 14 March 2022; drug offences are credited day for day.
        "term": {
            "start": date(2023, 5, 30),
            "pretrial_credit_days": 442,
            "end": date(2029, 3, 13),
            "served_days": 1176,
            "remaining_days": 1380,
            "as_of": date(2025, 6, 2),
        },
        "legal_bases": [
            {"id": basis_id, "instrument": text["bases"][basis_id],
             "article": _ARTICLES[basis_id]}
            for basis_id in _BASES[type_id]
        ],
        "documents": documents,
        "consent": {
            "date": date(2025, 5, 20),
            "language": text["consent_language"],
            "lawyer_present": True,
            "return_risk_explained": True,
        },
        "military": {"status": text["military"], "contract_signed_date": date(2024, 9, 2)},
        "return_risk": True,
        "applicant": _applicant(type_id, text),
        "humanitarian_grounds": text["humanitarian"],
        "previous_letter": {"number": "9/2025", "date": date(2025, 4, 14)},
        "comment": None,
    }


def _applicant(type_id: str, text: dict[str, Any]) -> dict[str, Any]:
    """Return the person as applicant, or their brother for the letter of interest."""
    if type_id == "letter_of_interest":
        name, relation = text["relative"]
        return {
            "role": "relative", "name": name, "relation": relation,
            "address": text["address_uz"], "phone": "+998 (00) 000-00-00",
        }
    return {"role": "person", "name": None, "relation": None, "address": None, "phone": None}
