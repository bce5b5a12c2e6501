"""Vocabulary labels: each enum keeps its own label even where stored values coincide."""

from __future__ import annotations

from advocate.cases import vocab


def test_same_stored_value_keeps_each_enums_label():
    assert vocab.AppealStatus.NONE.label == "no appeal"
    assert vocab.MilitaryStatus.NONE.label == "none known"
    assert vocab.Evidence.NONE.label == "none"
    assert vocab.ClaimSource.OTHER.label == "other"


def test_every_member_has_a_label():
    for enum in vocab.Labelled.__subclasses__():
        for member in enum:
            assert member.label, member
        assert [value for value, _ in enum.choices()] == [m.value for m in enum]
