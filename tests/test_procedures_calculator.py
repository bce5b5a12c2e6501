"""The term calculator: the page and `flask procedures term`, good input and bad.

The arithmetic itself is tested in test_sentence.py; here the worked example is:
3 years from 15.03.2025 end on 14.03.2028 (1096 days: 2028 is a leap year). 312 days of custody
in a general-regime colony count 312 × 1.5 = 468 days, so the term ends 468 days earlier, on
02.12.2026. On 01.06.2025: 549 days remain (365 to 01.06.2026, 183 to 01.12.2026, 1 more) and
1096 − 549 = 547 are served (468 credit + 79 days from 15.03 through 01.06). At least 6 months
remain through 02.06.2026 (03.06.2026 + 6 months − 1 day = 02.12.2026, the term end).
With art. 228 part 2 (excluded from favourable credit, still unverified) the custody counts day
for day: 14.03.2028 − 312 days = 07.05.2027, and eligibility lapses on 07.11.2026.
"""

from __future__ import annotations

import json
import re

import pytest

GOOD = {
    "route": "ru_uz", "start": "2025-03-15", "years": "3", "months": "0", "days": "0",
    "pretrial_days": "312", "house_arrest_days": "0", "regime": "general", "articles": "158 ч.3",
    "on": "2025-06-01", "judgment_final": "2025-03-15",
}
CLI_GOOD = ["procedures", "term", "--start", "2025-03-15", "--years", "3", "--pretrial-days",
            "312", "--regime", "general", "--articles", "158 ч.3", "--on", "2025-06-01"]


def _value(html: str, name: str) -> str:
    match = re.search(rf'<dd id="{name}">([^<]*)</dd>', html)
    assert match, f"no {name} in the page"
    return match.group(1).strip()


def test_calculator_needs_login(client):
    response = client.get("/procedures/calculator")
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


@pytest.mark.parametrize(("role", "is_admin"), [
    ("advocate", False), ("supervisor", False), ("advocate", True),
])
def test_calculator_form_for_any_logged_in_user(client, auth, role, is_admin):
    auth.login_as(role, is_admin=is_admin)
    response = client.get("/procedures/calculator")
    body = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'name="pretrial_days"' in body
    assert "Result" not in body


def test_calculator_computes_the_worked_example(client, auth):
    auth.login_as("advocate")
    response = client.get("/procedures/calculator", query_string=GOOD)
    body = response.get_data(as_text=True)
    assert response.status_code == 200
    assert _value(body, "credit_days") == "468 days"
    assert _value(body, "term_end") == "2026-12-02"
    assert _value(body, "served_days") == "547 days"
    assert _value(body, "remaining_days") == "549 days"
    assert _value(body, "eligibility_lapses_on") == "2026-06-02"
    assert "312 days in custody × 1.5 (general regime) = 468 days" in body
    assert "Term end: 2028-03-14 − 468 days = 2026-12-02" in body


def test_calculator_warns_on_an_unverified_exclusion(client, auth):
    auth.login_as("advocate")
    body = client.get("/procedures/calculator",
                      query_string={**GOOD, "articles": "228 ч.2"}).get_data(as_text=True)
    assert _value(body, "term_end") == "2027-05-07"
    assert _value(body, "eligibility_lapses_on") == "2026-11-07"
    assert "unverified exclusion of Criminal Code art. 72 part 3.2" in body


@pytest.mark.parametrize(("change", "message"), [
    ({"start": "2025-02-30"}, "Enter a date as YYYY-MM-DD or DD.MM.YYYY."),
    ({"start": ""}, "This field is required."),
    ({"years": "0"}, "The sentence has no length: give years, months or days."),
    ({"years": "three"}, "Not a valid integer value."),
    ({"pretrial_days": "-5"}, "Number must be between 0 and 99999."),
    ({"years": "31"}, "A sentence cannot be longer than 30 years"),
    ({"regime": "resort"}, "Not a valid choice"),
    ({"articles": "228 ч.99x"}, "228 ч.99x"),
    ({"on": "yesterday"}, "Enter a date as YYYY-MM-DD or DD.MM.YYYY."),
])
def test_calculator_bad_input_gives_a_clear_message(client, auth, change, message):
    auth.login_as("advocate")
    response = client.get("/procedures/calculator", query_string={**GOOD, **change})
    body = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Please correct the following" in body
    assert message in body
    assert 'id="result"' not in body


def test_cli_term_prints_json(runner):
    result = runner.invoke(args=CLI_GOOD)
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["credit_days"] == 468
    assert data["term_end"] == "2026-12-02"
    assert data["served_days"] == 547
    assert data["remaining_days"] == 549
    assert data["eligibility_lapses_on"] == "2026-06-02"
    assert data["credit_unverified"] is False
    assert any("× 1.5" in line for line in data["explanation"])


def test_cli_term_house_arrest_and_excluded_articles(runner):
    # 200 days of house arrest count 100; 312 days of custody for 228 ч.2 count 312: 412 in all.
    result = runner.invoke(args=[
        "procedures", "term", "--start", "2025-03-15", "--years", "3", "--pretrial-days", "312",
        "--house-arrest-days", "200", "--regime", "general", "--articles", "228 ч.2",
        "--on", "2025-06-01", "--judgment-final", "2025-03-15"])
    data = json.loads(result.stdout)
    assert data["credit_days"] == 412
    assert data["credit_unverified"] is True
    assert data["judgment_final"] == "2025-03-15"


@pytest.mark.parametrize(("args", "message"), [
    (["--start", "2025-13-01", "--years", "1", "--regime", "general"], "is not a date"),
    (["--years", "1", "--regime", "general"], "--start is required"),
    (["--start", "2025-01-01", "--years", "1"], "--regime is required"),
    (["--start", "2025-01-01", "--years", "1", "--regime", "resort"], "Unknown regime"),
    (["--start", "2025-01-01", "--years", "-1", "--regime", "general"], "cannot be negative"),
    (["--start", "2025-01-01", "--years", "x", "--regime", "general"], "is not a whole number"),
    (["--start", "2025-01-01", "--regime", "general"], "The sentence has no length"),
    (["--start", "2025-01-01", "--years", "1", "--regime", "general", "--articles", "хх"],
     "хх"),
    (["--start", "2025-01-01", "--years", "1", "--regime", "general", "--route", "xx_yy"],
     "no route"),
])
def test_cli_term_bad_input_is_one_line_and_exit_2(runner, args, message):
    result = runner.invoke(args=["procedures", "term", *args])
    assert result.exit_code == 2
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("Error: ")
    assert message in lines[0]
