"""Every vocabulary's members have a label, told apart by class when values coincide."""

from __future__ import annotations

from advocate.cases.vocab import MilitaryStatus
from advocate.labels import Labelled
from advocate.letters.workflow import LetterStatus
from advocate.procedures.models import DocumentStatus


def _vocabularies(base: type = Labelled) -> list[type]:
    found = []
    for sub in base.__subclasses__():
        found += [sub, *_vocabularies(sub)]
    return found


def test_every_member_of_every_vocabulary_has_a_label(app):
    vocabularies = _vocabularies()
    assert len(vocabularies) >= 20
    with app.test_request_context():
        for vocabulary in vocabularies:
            for member in vocabulary:
                assert member.label, f"{vocabulary.__name__}.{member.name}"
            assert [value for value, _ in vocabulary.choices()] == [m.value for m in vocabulary]


def test_members_with_one_value_keep_their_own_labels(app):
    assert MilitaryStatus.MISSING == DocumentStatus.MISSING == "missing"  # one string
    with app.test_request_context():
        assert MilitaryStatus.MISSING.label == "missing in action"
        assert DocumentStatus.MISSING.label == "not yet obtained"
        assert MilitaryStatus.RETURNED.label == "returned"
        assert LetterStatus.RETURNED.label == "returned for changes"
