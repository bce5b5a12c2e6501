"""Needs attention: one case in every section, on the review page and on an advocate's home page,
where only the cases they own or collaborate on appear."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from advocate.clock import utcnow
from advocate.letters.workflow import LetterStatus
from advocate.procedures.models import DeadlineKind
from advocate.review import attention

from .test_review_support import (
    TODAY,
    add_computed,
    add_hearing,
    add_letter,
    client_for,
    new_case,
    section_counts,
    section_html,
    set_columns,
    withdraw_consent,
)

pytest_plugins = ["tests.test_review_support"]

ALL_ONE = dict.fromkeys(attention.SECTION_KEYS, 1)


@pytest.fixture
def every_section(review_app, people) -> dict[str, Any]:
    """adv1 owns one case per section; adv2 owns one more overdue case; a closed case is quiet."""
    app, adv1, adv2 = review_app, people["adv1"], people["adv2"]
    made = {key: new_case(app, adv1, label=f"needs {key}") for key in attention.SECTION_KEYS}
    refs = {key: reference for key, (reference, _) in made.items()}
    add_hearing(app, refs["overdue"], TODAY - timedelta(days=3), "Appeal hearing, regional court")
    add_hearing(app, refs["upcoming"], TODAY + timedelta(days=5))
    add_computed(app, refs["lapsing"], DeadlineKind.ELIGIBILITY_LAPSE, TODAY + timedelta(days=30))
    add_computed(app, refs["lapsing"], DeadlineKind.LAPSE_REMINDER, TODAY - timedelta(days=30))
    add_letter(app, refs["letters"], adv1, LetterStatus.IN_REVIEW)
    sent = add_letter(app, refs["answers"], adv1, LetterStatus.SENT,
                      sent_on=TODAY - timedelta(days=32))
    add_computed(app, refs["answers"], DeadlineKind.FOLLOW_UP, TODAY - timedelta(days=2),
                 ref=f"letter-{sent}")
    withdraw_consent(app, refs["consent"])
    set_columns(app, made["stale"][1], last_activity_at=utcnow() - timedelta(days=40))
    others, _ = new_case(app, adv2, label="someone else's")
    add_hearing(app, others, TODAY - timedelta(days=1))
    closed, _ = new_case(app, adv1, status="closed", closing_reason="released")
    add_hearing(app, closed, TODAY - timedelta(days=1))
    add_hearing(app, closed, TODAY + timedelta(days=1))
    return {"refs": refs, "others": others, "closed": closed}


def test_review_page_shows_a_case_in_every_section(review_app, people, every_section):
    html = client_for(review_app, people["supervisor"]).get("/review").get_data(as_text=True)
    assert section_counts(html) == {**ALL_ONE, "overdue": 2}
    refs = every_section["refs"]
    for key, reference in refs.items():
        assert reference in section_html(html, key), key
    assert every_section["others"] in section_html(html, "overdue")
    assert every_section["closed"] not in html
    assert "Appeal hearing, regional court" in section_html(html, "overdue")
    assert "consent to transfer" in section_html(html, "consent")
    # The answer links to its letter; the lapse section shows the lapse date.
    assert "/letters/" in section_html(html, "answers")
    lapse = (TODAY + timedelta(days=30)).isoformat()
    assert f'datetime="{lapse}"' in section_html(html, "lapsing")


def test_sections_do_not_count_twice(review_app, people, every_section):
    """A follow-up is an answer overdue, not also an overdue deadline; a reminder is not a duty."""
    html = client_for(review_app, people["supervisor"]).get("/review").get_data(as_text=True)
    refs = every_section["refs"]
    assert refs["answers"] not in section_html(html, "overdue")
    assert refs["lapsing"] not in section_html(html, "overdue")
    assert refs["lapsing"] not in section_html(html, "upcoming")  # 30 days away


def test_advocate_home_shows_only_their_cases(review_app, people, every_section):
    home = client_for(review_app, people["adv1"]).get("/").get_data(as_text=True)
    assert "Needs attention on my cases" in home
    assert section_counts(home) == ALL_ONE
    assert every_section["others"] not in home
    other_home = client_for(review_app, people["adv2"]).get("/").get_data(as_text=True)
    assert section_counts(other_home) == {"overdue": 1}
    assert every_section["refs"]["overdue"] not in other_home


def test_collaborators_see_the_case_on_their_home(review_app, people, every_section):
    helped, _ = new_case(review_app, people["adv1"], collaborators=[people["adv2"]])
    add_hearing(review_app, helped, TODAY + timedelta(days=2))
    home = client_for(review_app, people["adv2"]).get("/").get_data(as_text=True)
    assert section_counts(home) == {"overdue": 1, "upcoming": 1}
    assert helped in section_html(home, "upcoming")


def test_advocate_full_list_is_their_own(review_app, people, every_section):
    client = client_for(review_app, people["adv2"])
    page = client.get("/review/attention/overdue").get_data(as_text=True)
    assert every_section["others"] in page
    assert every_section["refs"]["overdue"] not in page
    # Asking for the review's scope changes nothing for an advocate.
    page = client.get("/review/attention/overdue?owner=adv1").get_data(as_text=True)
    assert every_section["refs"]["overdue"] not in page


def test_full_list_pages_and_filters(review_app, people, every_section):
    client = client_for(review_app, people["supervisor"])
    page = client.get("/review/attention/overdue").get_data(as_text=True)
    assert '<span class="count">2</span>' in page
    only = client.get("/review/attention/overdue?owner=adv2").get_data(as_text=True)
    assert every_section["others"] in only
    assert every_section["refs"]["overdue"] not in only
    assert client.get("/review/attention/nonsense").status_code == 404


def test_stale_window_is_configurable(make_app, people, every_section):
    app = make_app(REVIEW_CACHE_SECONDS=0, REVIEW_STALE_DAYS=60)
    html = client_for(app, people["supervisor"]).get("/review").get_data(as_text=True)
    assert section_counts(html)["stale"] == 0
    assert "No activity for 60 days" in html


def test_empty_home_says_nothing_needs_attention(review_app, people):
    home = client_for(review_app, people["adv1"]).get("/").get_data(as_text=True)
    assert "Nothing needs attention today." in home


def test_consent_given_again_leaves_the_section(review_app, people):
    from advocate.extensions import db
    from advocate.procedures import operations as procedure_ops

    from .test_review_support import case_row

    reference, _ = new_case(review_app, people["adv1"])
    withdraw_consent(review_app, reference)
    client = client_for(review_app, people["supervisor"])
    assert section_counts(client.get("/review").get_data(as_text=True))["consent"] == 1
    with review_app.app_context():
        procedure_ops.record_consent(
            case_row(reference), kind="transfer", given_on=TODAY, language="ru", form="written",
            lawyer_present=True, return_risk_explained=False, note=None, actor=None)
        db.session.commit()
    assert section_counts(client.get("/review").get_data(as_text=True))["consent"] == 0
