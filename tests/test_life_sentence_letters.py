"""Letters of a life-imprisonment case: the sentence in each language, no term end, nothing
reported missing for a sentence that has no length."""

from __future__ import annotations

from datetime import date

import pytest

from advocate.letters import schema
from advocate.letters.catalogue import missing_fields
from advocate.letters.context import Draft, LetterInputs, build_context
from advocate.letters.render import render_letter

from .test_letters_context import _assert_complete
from .test_letters_support import complete_case, get_case, known_identity, pdf_text

#: The letters fixtures (letters_app, letter_people, letter_case).
pytest_plugins = ["tests.test_letters_support"]

TODAY = date(2025, 6, 2)
LIFE = {"sentence_life": True, "sentence_years": None}
#: What the sentence reads like in the body of the letters and in the judgment table.
WORDING = {
    "ru": ("пожизненного лишения свободы", "Назначенное наказание пожизненное лишение свободы"),
    "uz": ("umrbod ozodlikdan mahrum qilish jazosi",
           "Tayinlangan jazo umrbod ozodlikdan mahrum qilish"),
    "en": ("life imprisonment", "Sentence life imprisonment"),
}
#: The term-end row and the words of a term's length, which a life sentence has not.
ABSENT = {
    "ru": ("Окончание срока", "сроком на", "Неотбытая часть"),
    "uz": ("Jazo muddatining tugashi", "muddatga ozodlikdan", "oʻtalmagan muddat"),
    "en": ("End of the term", "of deprivation of liberty", "Remaining"),
}
LETTERS = ("application_ru", "application_pgo_uz", "consent_statement")


@pytest.fixture
def life_case(letters_app, letter_people) -> str:
    """The complete letters case, sentenced to life imprisonment."""
    return complete_case(letters_app, letter_people, **LIFE)


def _context(app, reference, type_id, lang):
    with app.app_context():
        return build_context(get_case(reference), Draft(type_id, lang, None, LetterInputs()),
                             known_identity(), today=TODAY)


def test_the_context_says_life_and_gives_no_length_or_end(letters_app, life_case):
    context = _context(letters_app, life_case, "application_ru", "ru")
    _assert_complete(context, schema.LetterContext)
    assert context["judgment"]["life_sentence"] is True
    assert context["judgment"]["sentence"] is None
    assert context["term"] == {"start": date(2023, 5, 30), "pretrial_credit_days": None,
                               "end": None, "served_days": None, "remaining_days": None,
                               "as_of": None}


@pytest.mark.parametrize("type_id", LETTERS)
def test_nothing_is_missing_for_a_life_sentence(letters_app, life_case, type_id):
    for lang in ("ru", "uz", "en"):
        assert missing_fields(type_id, lang, _context(letters_app, life_case, type_id, lang)) \
            == []


def test_a_case_with_neither_length_nor_life_still_misses_the_sentence(letters_app,
                                                                        letter_people):
    reference = complete_case(letters_app, letter_people, sentence_years=None)
    context = _context(letters_app, reference, "application_ru", "ru")
    assert context["judgment"]["life_sentence"] is False
    assert {"judgment.sentence", "term.end"} <= set(
        missing_fields("application_ru", "ru", context))


@pytest.mark.parametrize("type_id", LETTERS)
@pytest.mark.parametrize("lang", ["ru", "uz", "en"])
def test_the_pdf_says_life_imprisonment(letters_app, life_case, type_id, lang):
    text = pdf_text(render_letter(type_id, lang, _context(letters_app, life_case, type_id, lang)))
    body, table = WORDING[lang]
    assert body in text
    assert table in text
    for words in ABSENT[lang]:
        assert words not in text, words
