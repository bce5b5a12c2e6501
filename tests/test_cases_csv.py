"""CSV import and export of cases: good files, bad rows, separators and BOM, the round trip, the
command line and the web pages."""

from __future__ import annotations

import csv
import io
import re
from datetime import date
from pathlib import Path

from sqlalchemy import delete, select

from advocate.audit.models import AuditEvent
from advocate.cases.models import Case, CaseReferenceCounter, Claim, case_collaborators
from advocate.extensions import db

from .cases_support import case_count, client_for, get_case, make_case

DOC = Path(__file__).resolve().parent.parent / "docs" / "csv-format.md"

GOOD = (
    "reference,status,closing_reason,owner,label,custody_type,regime,region_ru,arrest_date,"
    "judgment_date,articles,sentence_years,languages,civil_claim_amount,"
    "russian_permanent_residence,claim1_type,claim1_date_from,claim1_evidence,"
    "claim1_narrative,claim2_type\n"
    ",collecting_documents,,{owner},Иванов: drug charge,colony,strict,mordovia,02.03.2022,"
    "2022-09-01,228(2),8,uz|ru,\"1 500,50\",нет,beating,15.03.2022,medical|photo,"
    "Избит при допросе,isolation\n"
    "ADV-2025-0100,closed,withdrew,,Gʻulomov,sizo,,moscow_city,2025-01-10,,158 ч.3,,ru,,,,,,,\n"
)


def _write(tmp_path: Path, text: str, name: str = "cases.csv", *, bom: bool = False) -> Path:
    path = tmp_path / name
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8"))
    return path


def _import(runner, path: Path, *extra: str):
    return runner.invoke(args=["cases", "import", str(path), *extra])


def _check_good_import(app, owner) -> None:
    with app.app_context():
        refs = list(db.session.execute(select(Case.reference).order_by(Case.id)).scalars())
    assert len(refs) == 2
    assert refs[1] == "ADV-2025-0100"
    first, second = get_case(app, refs[0]), get_case(app, refs[1])
    assert first["owner"] == owner.username
    assert first["status"] == "collecting_documents"
    assert first["articles"] == "228 ч.2"
    assert first["arrest_date"] == date(2022, 3, 2)
    assert first["languages"] == "uz,ru"
    assert str(first["civil_claim_amount"]) == "1500.50"
    assert first["russian_permanent_residence"] is False
    assert [(c["type"], c["evidence"]) for c in first["claims"]] == [
        ("beating", "medical,photo"), ("isolation", "")]
    assert (second["status"], second["closing_reason"]) == ("closed", "withdrew")
    assert second["owner"] == owner.username  # blank owner: the --owner default
    with app.app_context():
        event = db.session.execute(
            select(AuditEvent).where(AuditEvent.action == "case.create").limit(1)
        ).scalar_one()
        assert event.reason == "CSV import"


def test_cli_import_of_a_good_file(app, runner, make_user, tmp_path):
    owner = make_user("advocate")
    result = _import(runner, _write(tmp_path, GOOD.format(owner=owner.username)),
                     "--owner", owner.username)
    assert result.exit_code == 0, result.output
    assert "imported 2 case(s)" in result.output
    _check_good_import(app, owner)


def test_semicolons_and_bom(app, runner, make_user, tmp_path):
    owner = make_user("advocate")
    rows = list(csv.reader(io.StringIO(GOOD.format(owner=owner.username))))
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=";").writerows(rows)
    result = _import(runner, _write(tmp_path, buffer.getvalue(), bom=True),
                     "--owner", owner.username)
    assert result.exit_code == 0, result.output
    _check_good_import(app, owner)


def test_bom_with_commas_through_the_web(app, make_user):
    owner = make_user("advocate")
    client = client_for(app, make_user("supervisor"))
    data = b"\xef\xbb\xbf" + GOOD.format(owner=owner.username).encode()
    response = client.post("/cases/import", data={
        "file": (io.BytesIO(data), "cases.csv"), "owner": str(owner.id),
    }, content_type="multipart/form-data")
    assert response.status_code == 200, response.get_data(as_text=True)
    assert "2 cases imported." in response.get_data(as_text=True)
    _check_good_import(app, owner)


BAD = (
    "reference;owner;label;custody_type;regime;arrest_date;judgment_date;articles;"
    "sentence_months;claim1_type;claim1_date_from;claim1_date_to\n"
    ";;fine row;sizo;;2023-01-01;;228;;;;\n"
    ";nobody;bad owner;spaceship;;31.02.2023;;228;;;;\n"
    "ADV-2024-0001;;taken reference;sizo;;;;;;;;\n"
    ";;dates;sizo;strict;2023-05-01;2023-04-01;кража;14;;;\n"
    ";;claim;colony;general;;;;;kicking;2024-05-02;2024-05-01\n"
    ";;claim order;colony;general;;;;;beating;2024-05-02;2024-05-01\n"
    "BAD-REF;;bad reference;sizo;;;;;;;;\n"
    "ADV-2030-0007;;first use;sizo;;;;;;;;\n"
    "ADV-2030-0007;;second use;sizo;;;;;;;;\n"
)
BAD_PROBLEMS = [
    (3, "owner", "No advocate or supervisor is named nobody."),
    (3, "custody_type", "Unknown value “spaceship”"),
    (3, "arrest_date", "Enter a date as YYYY-MM-DD or DD.MM.YYYY."),
    (4, "reference", "The reference ADV-2024-0001 is taken."),
    (5, "regime", "A regime is recorded only for a person held in a penal colony or a prison."),
    (5, "judgment_date", "This date cannot be before date of arrest."),
    (5, "articles", "Could not read “кража”"),
    (5, "sentence_months", "Enter a number from 0 to 11."),
    (6, "claim1_type", "Unknown value “kicking”"),
    (6, "claim1_date_to", "The end of the period cannot be before its start."),
    (7, "claim1_date_to", "The end of the period cannot be before its start."),
    (8, "reference", "A reference looks like ADV-2026-0042."),
    (10, "reference", "The reference ADV-2030-0007 is taken."),
]


def test_bad_rows_write_nothing_and_report_every_problem(app, runner, make_user, tmp_path):
    make_case(app, make_user("advocate"), label="existing")
    with app.app_context():  # make ADV-2024-0001 exist, as an older import would have
        db.session.execute(select(Case)).scalar_one().reference = "ADV-2024-0001"
        db.session.commit()
    before = case_count(app)
    result = _import(runner, _write(tmp_path, BAD))
    assert result.exit_code == 1
    assert "nothing imported: 13 problem(s)" in result.output
    lines = [line for line in result.output.splitlines() if line.startswith("row ")]
    assert len(lines) == len(BAD_PROBLEMS)
    for (row, column, message), line in zip(BAD_PROBLEMS, lines, strict=True):
        assert line.startswith(f"row {row}, column {column}: {message}"), line
    assert case_count(app) == before
    with app.app_context():
        assert db.session.execute(select(Claim.id)).first() is None


def test_dry_run_validates_only(app, runner, make_user, tmp_path):
    owner = make_user("advocate")
    path = _write(tmp_path, GOOD.format(owner=owner.username))
    result = _import(runner, path, "--dry-run")
    assert result.exit_code == 0, result.output
    assert "2 case(s) would be imported" in result.output
    assert case_count(app) == 0
    bad = _import(runner, _write(tmp_path, BAD, "bad.csv"), "--dry-run")
    assert bad.exit_code == 1
    assert case_count(app) == 0


def test_header_and_encoding_problems(app, runner, tmp_path):
    result = _import(runner, _write(tmp_path, "label,favourite_colour,label\nx,blue,y\n"))
    assert result.exit_code == 1
    assert "row 1, column favourite_colour: Unknown column" in result.output
    assert "row 1, column label: This column appears twice." in result.output
    latin1 = tmp_path / "latin1.csv"
    latin1.write_bytes("label\nCafé\n".encode("latin-1"))
    result = _import(runner, latin1)
    assert result.exit_code == 1
    assert "not UTF-8" in result.output
    result = _import(runner, _write(tmp_path, "label\n", "empty.csv"))
    assert "The file has no rows of cases." in result.output
    assert _import(runner, tmp_path / "missing.csv").exit_code == 2
    result = _import(runner, _write(tmp_path, "label\nx\n", "x.csv"), "--owner", "ghost")
    assert result.exit_code == 1
    assert "no advocate or supervisor named 'ghost'" in result.output


def test_the_example_of_the_documentation_imports(app, runner, make_user, tmp_path):
    make_user("advocate", username="advocate1")
    example = re.search(r"```csv\n(.*?)```", DOC.read_text(encoding="utf-8"), re.S).group(1)
    result = _import(runner, _write(tmp_path, example))
    assert result.exit_code == 0, result.output
    assert case_count(app) == 2


def _snapshot(app) -> dict[str, dict]:
    skip = {"id", "created_at", "updated_at", "last_activity_at", "owner_id", "search_text"}
    result = {}
    with app.app_context():
        references = list(db.session.execute(select(Case.reference)).scalars())
    for reference in references:
        data = get_case(app, reference)
        data["claims"] = [
            {k: v for k, v in c.items() if k not in {"id", "case_id", "created_at", "updated_at"}}
            for c in data["claims"]
        ]
        result[reference] = {k: v for k, v in data.items() if k not in skip}
    return result


def test_export_then_import_into_an_empty_database_gives_the_same_records(
    app, runner, make_user, tmp_path
):
    from advocate.cases import demo

    make_user("advocate", username="advocate1")
    make_user("advocate", username="advocate2")
    with app.app_context():
        demo.run({"cases": 30})
        db.session.commit()
    before = _snapshot(app)
    path = tmp_path / "export.csv"
    result = runner.invoke(args=["cases", "export", str(path)])
    assert result.exit_code == 0, result.output
    assert "exported 30 case(s)" in result.output
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")
    with app.app_context():  # empty the case tables; accounts stay
        for table in (case_collaborators, Claim.__table__, Case.__table__,
                      CaseReferenceCounter.__table__):
            db.session.execute(delete(table))
        db.session.commit()
    assert case_count(app) == 0
    result = _import(runner, path)
    assert result.exit_code == 0, result.output
    after = _snapshot(app)
    assert after == before
    assert any(case["claims"] for case in after.values())
    assert any(case["collaborators"] for case in after.values())


def test_web_export_is_for_supervisors_and_logged(app, make_user):
    reference = make_case(app, make_user("advocate"), label="Fictional export",
                          claims=[{"type": "no_lawyer"}])
    response = client_for(app, make_user("supervisor")).get("/cases/export.csv")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    header, row = rows[0], rows[1]
    assert header[:3] == ["reference", "status", "closing_reason"]
    assert header[-9:][0] == "claim1_type"
    assert row[header.index("reference")] == reference
    assert row[header.index("claim1_type")] == "no_lawyer"
    assert not any("name" in column and column != "facility_name" for column in header)
    with app.app_context():
        assert db.session.execute(
            select(AuditEvent.id).where(AuditEvent.action == "cases.export")
        ).first() is not None


def test_web_import_reports_problems_and_writes_nothing(app, make_user):
    client = client_for(app, make_user("supervisor"))
    response = client.post("/cases/import", data={
        "file": (io.BytesIO(BAD.encode()), "bad.csv"), "owner": "",
    }, content_type="multipart/form-data")
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Nothing was imported: 12 problems." in page  # ADV-2024-0001 is free here
    assert "<td>10</td><td>reference</td>" in page
    assert case_count(app) == 0
    response = client.post("/cases/import", data={
        "file": (io.BytesIO(b"label\nFictional\n"), "ok.csv"), "dry_run": "y",
    }, content_type="multipart/form-data")
    assert "1 case would be imported. Nothing was written." in response.get_data(as_text=True)
    assert case_count(app) == 0


FORMULAS = {"label": '=HYPERLINK("http://example.invalid","open")', "court": "+7 court",
            "facility_name": "@SUM(A1)", "notes_label": "'=already quoted"}


def test_exported_formulas_are_text_and_come_back_unchanged(app, runner, make_user, tmp_path):
    make_case(app, make_user("advocate"), label=FORMULAS["label"], court=FORMULAS["court"],
              facility_name=FORMULAS["facility_name"], articles="228 ч.2")
    make_case(app, None, label=FORMULAS["notes_label"], court="-")
    response = client_for(app, make_user("supervisor")).get("/cases/export.csv")
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    header, first, second = rows
    assert first[header.index("label")] == "'" + FORMULAS["label"]
    assert first[header.index("court")] == "'+7 court"
    assert first[header.index("facility_name")] == "'@SUM(A1)"
    assert second[header.index("label")] == "''=already quoted"
    assert second[header.index("court")] == "'-"
    assert not any(cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row)

    before = _snapshot(app)
    path = tmp_path / "export.csv"
    assert runner.invoke(args=["cases", "export", str(path)]).exit_code == 0
    with app.app_context():
        for table in (case_collaborators, Claim.__table__, Case.__table__,
                      CaseReferenceCounter.__table__):
            db.session.execute(delete(table))
        db.session.commit()
    result = _import(runner, path)
    assert result.exit_code == 0, result.output
    assert _snapshot(app) == before
