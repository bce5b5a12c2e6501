"""Letters: dates, the catalogue, the safe fetcher, and the PDFs as a reader sees them."""

from __future__ import annotations

import base64
import copy
import io
import re
import tomllib
from datetime import date
from pathlib import Path

import pypdf
import pytest
from hypothesis import given
from hypothesis import strategies as st

from advocate.letters import render
from advocate.letters.catalogue import (
    LEGAL_BASIS_IDS,
    LETTER_TYPES,
    UnknownLetterType,
    missing_fields,
    required_fields,
)
from advocate.letters.dates import LANGUAGES, format_date, format_days, format_term
from advocate.letters.render import (
    MissingLetterData,
    RefusedURL,
    StaticFetcher,
    format_citations,
    render_html,
    render_letter,
    render_pdf,
)
from advocate.letters.samples import NAME_CYRILLIC, NAME_LATIN, sample_context

REPO = Path(__file__).resolve().parents[1]
TYPES = sorted(LETTER_TYPES)
TERM_END = {"ru": "13 марта 2029 г.", "uz": "2029-yil 13-mart", "en": "13 March 2029"}
PNG_1PX = (
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJ"
    "RU5ErkJggg=="
)


def pdf_text(pdf: bytes) -> str:
    """Return the text of every page, lines joined as a reader would read them.

    A line broken after a hyphen that was in the text ("2-" / "qismi") is joined back;
    every other run of whitespace becomes one space.
    """
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    text = "\n".join(page.extract_text() for page in reader.pages)
    return re.sub(r"\s+", " ", re.sub(r"-\n", "-", text))


@pytest.fixture(scope="module")
def sample_pdfs() -> dict[tuple[str, str], bytes]:
    """Every letter type in every language, rendered once from the sample context."""
    return {
        (type_id, lang): render_letter(type_id, lang, sample_context(type_id, lang))
        for type_id in TYPES
        for lang in LANGUAGES
    }


# --- dates ----------------------------------------------------------------------------------


def test_long_dates_in_each_language() -> None:
    d = date(2024, 4, 15)
    assert format_date(d, "ru") == "15 апреля 2024 г."
    assert format_date(d, "uz") == "2024-yil 15-aprel"
    assert format_date(d, "en") == "15 April 2024"
    assert format_date(date(2023, 12, 1), "ru") == "1 декабря 2023 г."


@pytest.mark.parametrize(
    ("years", "months", "days", "ru", "uz", "en"),
    [
        (5, 6, 0, "5 лет 6 месяцев", "5 yil 6 oy", "5 years 6 months"),
        (1, 1, 1, "1 год 1 месяц 1 день", "1 yil 1 oy 1 kun", "1 year 1 month 1 day"),
        (2, 3, 4, "2 года 3 месяца 4 дня", "2 yil 3 oy 4 kun", "2 years 3 months 4 days"),
        (11, 0, 12, "11 лет 12 дней", "11 yil 12 kun", "11 years 12 days"),
        (21, 0, 0, "21 год", "21 yil", "21 years"),
        (0, 0, 114, "114 дней", "114 kun", "114 days"),
        (0, 0, 0, "0 дней", "0 kun", "0 days"),
    ],
)
def test_terms_with_plural_forms(
    years: int, months: int, days: int, ru: str, uz: str, en: str
) -> None:
    assert format_term(years, months, days, "ru") == ru
    assert format_term(years, months, days, "uz") == uz
    assert format_term(years, months, days, "en") == en


@given(st.integers(min_value=0, max_value=100_000))
def test_russian_day_forms_follow_the_last_digits(n: int) -> None:
    text = format_days(n, "ru")
    if n % 10 == 1 and n % 100 != 11:
        assert text == f"{n} день"
    elif n % 10 in (2, 3, 4) and n % 100 not in (12, 13, 14):
        assert text == f"{n} дня"
    else:
        assert text == f"{n} дней"


def test_dates_refuse_unknown_language_and_negative_terms() -> None:
    with pytest.raises(ValueError, match="language"):
        format_date(date(2024, 1, 1), "de")
    with pytest.raises(ValueError, match="negative"):
        format_term(1, -1, 0, "ru")


# --- catalogue ------------------------------------------------------------------------------


def test_catalogue_has_the_fixed_identifiers_and_templates_on_disk() -> None:
    assert set(LETTER_TYPES) == {
        "application_pgo_uz", "application_ru", "consent_statement", "letter_of_interest",
        "request_documents", "embassy_request", "follow_up",
    }
    for letter in LETTER_TYPES.values():
        assert str(letter.description)
        assert set(letter.titles) == set(LANGUAGES)
        assert set(letter.cited_basis_ids) <= set(LEGAL_BASIS_IDS)
        for name in letter.template_names.values():
            assert (REPO / "templates" / name).is_file(), name


def test_catalogue_basis_ids_exist_in_the_procedure_data() -> None:
    route = tomllib.loads((REPO / "advocate/procedures/routes/ru_uz.toml").read_text("utf-8"))
    assert set(LEGAL_BASIS_IDS) <= {basis["id"] for basis in route["legal_bases"]}


def test_required_fields_name_the_script_of_the_letter_language() -> None:
    assert "person.full_name_cyrillic" in required_fields("application_ru", "ru")
    assert "person.full_name_cyrillic" not in required_fields("application_ru", "uz")
    assert "person.full_name_latin" in required_fields("application_pgo_uz", "uz")
    assert "judgment.court" in required_fields("application_pgo_uz")
    # The embassy matches the Latin passport spelling with the Russian judgment's Cyrillic.
    assert {"person.full_name_latin", "person.full_name_cyrillic"} <= set(
        required_fields("embassy_request", "ru")
    )
    with pytest.raises(UnknownLetterType):
        required_fields("appeal_refusal")


@pytest.mark.parametrize("type_id", TYPES)
@pytest.mark.parametrize("lang", LANGUAGES)
def test_sample_contexts_are_complete(type_id: str, lang: str) -> None:
    assert missing_fields(type_id, lang, sample_context(type_id, lang)) == []


def test_missing_fields_lists_exactly_what_is_absent() -> None:
    context = sample_context("application_ru", "ru")
    context["person"]["full_name_cyrillic"] = "  "
    context["judgment"]["articles"] = []
    context["judgment"]["sentence"] = {"years": 0, "months": 0, "days": 0}
    context["term"]["end"] = None
    del context["custody"]["facility_name"]
    context["person"]["passport"] = None  # optional: not reported
    assert missing_fields("application_ru", "ru", context) == [
        "person.full_name_cyrillic", "custody.facility_name", "judgment.articles",
        "judgment.sentence", "term.end",
    ]
    # The Uzbek letter needs the Latin name instead, which is present.
    assert "person.full_name_cyrillic" not in missing_fields("application_ru", "uz", context)


def test_missing_fields_that_depend_on_the_case() -> None:
    context = sample_context("application_ru", "ru")
    context["applicant"] = {
        "role": "representative", "name": None, "relation": "", "address": None, "phone": None,
    }
    assert missing_fields("application_ru", "ru", context) == [
        "applicant.name", "applicant.relation",
    ]
    consent = sample_context("consent_statement", "ru")
    consent["consent"]["return_risk_explained"] = False
    assert missing_fields("consent_statement", "ru", consent) == ["consent.return_risk_explained"]
    consent["return_risk"] = False
    assert missing_fields("consent_statement", "ru", consent) == []
    follow_up = sample_context("follow_up", "en")
    follow_up["previous_letter"] = None
    follow_up["signatory"] = None
    assert missing_fields("follow_up", "en", follow_up) == [
        "signatory.name", "signatory.position",
        "previous_letter.number", "previous_letter.date",
    ]


def test_no_pdf_is_produced_when_data_is_missing() -> None:
    context = sample_context("application_pgo_uz", "uz")
    context["judgment"]["date_final"] = None
    with pytest.raises(MissingLetterData) as excinfo:
        render_letter("application_pgo_uz", "uz", context)
    assert excinfo.value.fields == ["judgment.date_final"]


# --- the fetcher ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "FILE:///etc/passwd",
        "http://127.0.0.1:9/letter.css",
        "https://example.org/font.ttf",
        "ftp://example.org/x",
        "static/../pyproject.toml",
        "static:../pyproject.toml",
        "static:css/../../pyproject.toml",
        "static:%2e%2e/pyproject.toml",
        "static:/etc/passwd",
        "static:fonts",
        "static:fonts/no-such-font.ttf",
        "javascript:alert(1)",
    ],
)
def test_fetcher_refuses_everything_outside_static(url: str) -> None:
    with pytest.raises(RefusedURL):
        StaticFetcher().open(url)


def test_fetcher_serves_static_files_and_data_urls() -> None:
    fetched = StaticFetcher().open("static:css/letter.css")
    assert fetched.mime_type == "text/css"
    assert b"@font-face" in fetched.data
    font = StaticFetcher().open("static:fonts/DejaVuSerif.ttf")
    assert font.data == (REPO / "static/fonts/DejaVuSerif.ttf").read_bytes()
    data = StaticFetcher().open("data:text/plain;base64," + base64.b64encode(b"hi").decode())
    assert (data.data, data.mime_type) == (b"hi", "text/plain")


def test_fetcher_refuses_symlinks_out_of_static(tmp_path: Path) -> None:
    static = tmp_path / "static"
    static.mkdir()
    (tmp_path / "secret.txt").write_text("secret")
    (static / "inside.txt").write_text("ok")
    (static / "escape.txt").symlink_to(tmp_path / "secret.txt")
    (static / "alias.txt").symlink_to(static / "inside.txt")
    fetcher = StaticFetcher(static)
    assert fetcher.open("static:alias.txt").data == b"ok"
    with pytest.raises(RefusedURL):
        fetcher.open("static:escape.txt")


@pytest.mark.parametrize(
    "markup",
    [
        '<img src="file:///etc/passwd">',
        '<link rel="stylesheet" href="http://127.0.0.1:9/x.css">',
        '<img src="static:../pyproject.toml">',
    ],
)
def test_a_refused_resource_stops_the_render(markup: str) -> None:
    with pytest.raises(RefusedURL):
        render_pdf(f"<html><body>{markup}</body></html>", title="t", author="a", lang="en")


def test_data_urls_render() -> None:
    html = f'<html><body><p>Logo</p><img src="data:image/png;base64,{PNG_1PX}"></body></html>'
    pdf = render_pdf(html, title="t", author="a", lang="en")
    assert "Logo" in pdf_text(pdf)


# --- the PDFs -------------------------------------------------------------------------------


@pytest.mark.parametrize("type_id", TYPES)
@pytest.mark.parametrize("lang", LANGUAGES)
def test_letter_text_carries_the_case(
    sample_pdfs: dict[tuple[str, str], bytes], type_id: str, lang: str
) -> None:
    context = sample_context(type_id, lang)
    text = pdf_text(sample_pdfs[type_id, lang])
    assert (NAME_CYRILLIC if lang == "ru" else NAME_LATIN) in text
    assert context["judgment"]["court"] in text
    for article in context["judgment"]["articles"]:
        assert article in text
    assert TERM_END[lang] in text
    for document in context["documents"]:
        assert document in text
    if lang == "uz":
        assert "Gʻulomov Oʻktam" in text
        assert "oʻgʻli" in text
        assert not re.search("[oOgG]['‘’`]", text)


@pytest.mark.parametrize("type_id", TYPES)
@pytest.mark.parametrize("lang", LANGUAGES)
def test_pdf_metadata_fonts_and_archival_variant(
    sample_pdfs: dict[tuple[str, str], bytes], type_id: str, lang: str
) -> None:
    reader = pypdf.PdfReader(io.BytesIO(sample_pdfs[type_id, lang]))
    assert reader.metadata.title == LETTER_TYPES[type_id].titles[lang]
    assert reader.metadata.author == sample_context(type_id, lang)["organisation"]["name"]
    catalog = reader.trailer["/Root"]
    assert catalog["/Lang"] == lang
    assert "/OutputIntents" in catalog
    assert b'pdfaid:part="3"' in catalog["/Metadata"].get_object().get_data()
    fonts = {
        font.get_object()["/BaseFont"]
        for page in reader.pages
        for font in page["/Resources"]["/Font"].values()
    }
    # Only the shipped fonts, page numbers included: nothing fell back to a system font.
    assert fonts
    assert all("Letter-Serif" in name for name in fonts), fonts


def test_page_numbers_and_outgoing_number_in_the_footer(
    sample_pdfs: dict[tuple[str, str], bytes],
) -> None:
    reader = pypdf.PdfReader(io.BytesIO(sample_pdfs["request_documents", "ru"]))
    pages = len(reader.pages)
    assert pages >= 2
    for number, page in enumerate(reader.pages, start=1):
        text = re.sub(r"\s+", " ", page.extract_text())
        assert f"{number} / {pages}" in text
        assert "Исх. № 17/2025 от 2 июня 2025 г." in text


def test_a_draft_says_so() -> None:
    context = sample_context("embassy_request", "uz")
    context["outgoing"] = {"number": None, "date": None}
    text = pdf_text(render_letter("embassy_request", "uz", context))
    assert "LOYIHA — chiquvchi raqam berilmagan" in text
    assert "17/2025" not in text


def test_hostile_text_prints_literally_and_fetches_nothing(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    hostile = '<img src="file:///etc/passwd"><script>alert(1)</script>'
    context = sample_context("application_ru", "ru")
    context["person"]["full_name_cyrillic"] = hostile
    context["humanitarian_grounds"] = '<link rel="stylesheet" href="http://127.0.0.1:9/x.css">'
    render_letter("request_documents", "ru", sample_context("request_documents", "ru"))  # warm
    fetched: list[str] = []
    original = StaticFetcher.open

    def recording_open(self: StaticFetcher, url: str) -> render.Fetched:
        fetched.append(url)
        return original(self, url)

    monkeypatch.setattr(StaticFetcher, "open", recording_open)
    html = render_html("application_ru", "ru", context)
    assert "&lt;img src=&#34;file:///etc/passwd&#34;&gt;" in html
    text = pdf_text(render_letter("application_ru", "ru", context))
    assert hostile in text
    assert '<link rel="stylesheet" href="http://127.0.0.1:9/x.css">' in text
    assert fetched == []


@pytest.mark.parametrize("lang", LANGUAGES)
def test_unverified_bases_are_named_without_article_numbers(lang: str) -> None:
    context = sample_context("application_ru", lang)
    for basis in context["legal_bases"]:
        basis["article"] = None
    text = pdf_text(render_letter("application_ru", lang, context))
    instrument = context["legal_bases"][0]["instrument"]
    assert instrument in text
    assert "469" not in text
    assert "470" not in text
    for offence in context["judgment"]["articles"]:  # the offences are the court's, not bases
        text = text.replace(offence, "")
    assert not re.search(r"ст\. ?\d|\d-modda|Articles? \d", text)


def test_verified_bases_carry_their_articles(sample_pdfs: dict[tuple[str, str], bytes]) -> None:
    assert "Уголовно-процессуальный кодекс Российской Федерации, ст. 469" in pdf_text(
        sample_pdfs["application_ru", "ru"]
    )
    assert "Criminal Procedure Code of the Russian Federation, Article 470" in pdf_text(
        sample_pdfs["application_ru", "en"]
    )


def test_citations_group_articles_and_skip_absent_bases() -> None:
    bases = sample_context("consent_statement", "ru")["legal_bases"]
    ids = ("uz_cc_154", "uz_cc_154_1", "no_such_basis")
    assert format_citations(bases, ids, "ru") == (
        "Уголовный кодекс Республики Узбекистан, ст. 154, 154-1"
    )
    uz = sample_context("consent_statement", "uz")["legal_bases"]
    assert format_citations(uz, ids, "uz").endswith("154, 154-1-moddalar")
    en = sample_context("consent_statement", "en")["legal_bases"]
    assert format_citations(en, ids, "en").endswith(", Articles 154, 154-1")
    assert format_citations(bases, ("zru_1009",), "ru") == (
        "Закон Республики Узбекистан от 4 декабря 2024 г. № ЗРУ-1009"
    )
    assert format_citations(bases, ("pp_434",), "ru") == ""


@pytest.mark.parametrize("lang", LANGUAGES)
def test_return_risk_paragraph_only_when_military_involvement_recorded(lang: str) -> None:
    marker = {"ru": "наёмничество", "uz": "yollanma askarlik", "en": "mercenarism"}[lang]
    context = sample_context("consent_statement", lang)
    with_risk = pdf_text(render_letter("consent_statement", lang, context))
    assert marker in with_risk
    assert "154-1" in with_risk
    assert TERM_END[lang] in with_risk
    quiet = copy.deepcopy(context)
    quiet["return_risk"] = False
    assert marker not in pdf_text(render_letter("consent_statement", lang, quiet))


def test_representative_application_and_comment() -> None:
    context = sample_context("application_ru", "ru")
    context["applicant"] = {
        "role": "representative", "name": "Петров Пётр Петрович",
        "relation": "представитель по доверенности", "address": None, "phone": None,
    }
    context["comment"] = "Копия ходатайства направлена осуждённому."
    text = pdf_text(render_letter("application_ru", "ru", context))
    assert "Я, Петров Пётр Петрович, обращаюсь с настоящим ходатайством" in text
    assert "Согласие осуждённого на передачу" in text
    assert "Копия ходатайства направлена осуждённому." in text
    assert "в отношении меня" not in text


def test_weasyprint_assets_are_built_once_per_process(
    sample_pdfs: dict[tuple[str, str], bytes],
) -> None:
    before = render._assets.cache_info()
    render_letter("follow_up", "en", sample_context("follow_up", "en"))
    after = render._assets.cache_info()
    assert after.misses == before.misses
    assert after.currsize == 1


def test_templates_never_hard_code_article_numbers_or_ascii_okina() -> None:
    for template in (REPO / "templates/letters").rglob("*.html"):
        source = template.read_text("utf-8")
        assert not re.search(r"ст\. ?\d|\d+-modda|Articles? \d|ЗРУ|PP-\d|ПП-\d", source), template
        assert not re.search(r"[OoGg]['‘’`]", source), template


def test_lawyer_letter_of_interest_is_on_letterhead_with_a_number() -> None:
    context = sample_context("letter_of_interest", "en")
    context["applicant"] = {
        "role": "lawyer", "name": "Karimov Akmal", "relation": "defence lawyer, warrant No. 1",
        "address": None, "phone": None,
    }
    text = pdf_text(render_letter("letter_of_interest", "en", context))
    assert text.startswith(context["organisation"]["name"])
    assert "Our ref. No. 17/2025" in text
    assert "I, Karimov Akmal, write on behalf of the convicted person" in text
    context["organisation"]["name"] = ""
    assert missing_fields("letter_of_interest", "en", context) == ["organisation.name"]


def test_preview_html_links_the_stylesheet_but_pdf_html_does_not() -> None:
    context = sample_context("follow_up", "ru")
    preview = render_html("follow_up", "ru", context, preview_stylesheet="/static/css/letter.css")
    assert '<link rel="stylesheet" href="/static/css/letter.css">' in preview
    assert "<link" not in render_html("follow_up", "ru", context)
    assert '<html lang="ru">' in preview
