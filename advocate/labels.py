"""Stored values with translatable labels: one mechanism for every vocabulary.

A vocabulary is a `Labelled` string enum (the stored value is a contract: CSV, procedures,
letters rely on it); its module hands the labels (lazy gettext strings) to `register`.
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum

#: (enum class, value) -> label. Keyed by class too: members are strings, so two vocabularies'
#: members with one value (Language.OTHER == Country.OTHER == "other") are still told apart.
_LABELS: dict[tuple[type, str], object] = {}


class Labelled(StrEnum):
    """A string enum whose members carry a translatable label."""

    @property
    def label(self) -> str:
        """The translated label of this value."""
        return str(_LABELS[(type(self), self.value)])

    @classmethod
    def choices(cls) -> list[tuple[str, str]]:
        """(value, label) pairs for a select field, in the enum's order."""
        return [(m.value, m.label) for m in cls]


def register(labels: Iterable[tuple[StrEnum, object]]) -> None:
    """Give these members their labels."""
    for member, label in labels:
        _LABELS[(type(member), member.value)] = label
