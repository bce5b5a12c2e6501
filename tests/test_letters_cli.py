"""`flask --app advocate letters types` and `letters render`."""

from __future__ import annotations

from advocate.cases import operations as case_ops
from advocate.extensions import db
from advocate.letters.catalogue import LETTER_TYPES

from .test_letters_support import CYRILLIC, LATIN, TERM_END, events, pdf_text, user_row

#: The letters fixtures (letters_app, letter_people, letter_case).
pytest_plugins = ["tests.test_letters_support"]


def test_types_lists_every_identifier_with_a_description(letters_app):
    result = letters_app.test_cli_runner().invoke(args=["letters", "types"])
    assert result.exit_code == 0
    lines = result.output.strip().splitlines()
    assert [line.split()[0] for line in lines] == list(LETTER_TYPES)
    assert "Prosecutor General's Office of Uzbekistan" in lines[0]


def test_render_writes_an_unregistered_draft_and_records_it(letters_app, letter_case, tmp_path):
    runner = letters_app.test_cli_runner()
    out = tmp_path / "draft.pdf"
    result = runner.invoke(args=["letters", "render", letter_case, "application_ru",
                                 "--lang", "ru", "-o", str(out)])
    assert result.exit_code == 0, result.output
    text = pdf_text(out.read_bytes())
    assert CYRILLIC in text
    assert TERM_END["ru"] in text
    assert "ПРОЕКТ" in text  # no outgoing number: a draft
    uz = tmp_path / "draft-uz.pdf"
    result = runner.invoke(args=["letters", "render", letter_case, "application_pgo_uz",
                                 "--lang", "uz", "-o", str(uz)])
    assert result.exit_code == 0, result.output
    assert LATIN in pdf_text(uz.read_bytes())
    rendered = events(letters_app, letter_case, "letter.render")
    assert len(rendered) == 2
    assert rendered[0].actor_name.startswith("command line")
    assert len(events(letters_app, letter_case, "identity.export")) == 2
    assert CYRILLIC not in "".join(e.changes or "" for e in rendered)


def test_missing_data_exits_1_listing_the_fields(letters_app, letter_people, tmp_path):
    with letters_app.app_context():
        case = case_ops.create_case({"label": "new"}, actor=user_row(letter_people["owner"]))
        db.session.commit()
        reference = case.reference
    out = tmp_path / "x.pdf"
    result = letters_app.test_cli_runner().invoke(
        args=["letters", "render", reference, "application_ru", "--lang", "ru", "-o", str(out)])
    assert result.exit_code == 1
    assert "person.full_name_cyrillic" in result.output
    assert "judgment.court" in result.output
    assert len(result.output.strip().splitlines()) == 1
    assert not out.exists()
    assert events(letters_app, reference, "letter.render") == []
    assert events(letters_app, reference, "identity.export") == []


def test_unknown_reference_and_type_are_one_line_errors(letters_app, letter_case, tmp_path):
    runner = letters_app.test_cli_runner()
    out = str(tmp_path / "x.pdf")
    result = runner.invoke(args=["letters", "render", "ADV-1999-0001", "application_ru",
                                 "-o", out])
    assert result.exit_code == 1
    assert result.output.strip() == "Error: no case with reference 'ADV-1999-0001'"
    result = runner.invoke(args=["letters", "render", letter_case, "no_such_letter", "-o", out])
    assert result.exit_code == 2
    assert len(result.output.strip().splitlines()) == 1
    assert "unknown letter type 'no_such_letter'" in result.output
    result = runner.invoke(args=["letters", "render", letter_case, "application_ru",
                                 "--lang", "de", "-o", out])
    assert result.exit_code == 2
    assert "unknown letter language 'de'" in result.output
