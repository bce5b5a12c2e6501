"""More vocabularies of the case record (languages, money owed, yes/no/unknown answers).

Kept beside `vocab.py` (owned by another engineer) with the same contract: the stored value never
changes; the label is translated.
"""

from __future__ import annotations

from enum import StrEnum

from flask_babel import lazy_gettext as _l


class _Labelled(StrEnum):
    """A string enum whose members carry a translatable label from `_LABELS`."""

    @property
    def label(self) -> str:
        """The translated label of this value."""
        # Keyed by class too: members are strings, so Language.OTHER == Country.OTHER == "other".
        return str(_LABELS[(type(self), self.value)])

    @classmethod
    def choices(cls) -> list[tuple[str, str]]:
        """(value, label) pairs for a select field."""
        return [(m.value, m.label) for m in cls]


class Language(_Labelled):
    """Languages a person speaks (codes stored comma-separated on the case)."""

    UZBEK = "uz"
    RUSSIAN = "ru"
    KARAKALPAK = "kaa"
    TAJIK = "tg"
    KYRGYZ = "ky"
    KAZAKH = "kk"
    TURKMEN = "tk"
    ENGLISH = "en"
    OTHER = "other"


class Country(_Labelled):
    """Where the person is held (ISO 3166 codes); the work is about Russia, the rest is rare."""

    RUSSIA = "RU"
    BELARUS = "BY"
    KAZAKHSTAN = "KZ"
    KYRGYZSTAN = "KG"
    TAJIKISTAN = "TJ"
    OTHER = "other"


class PaymentStatus(_Labelled):
    """Whether a civil claim or a fine is settled (an unpaid one can be a ground for refusal)."""

    NONE = "none"
    PAID = "paid"
    GUARANTEED = "guaranteed"
    UNPAID = "unpaid"
    UNKNOWN = "unknown"


class YesNoUnknown(_Labelled):
    """A fact that may not be known yet."""

    YES = "yes"
    NO = "no"
    UNKNOWN = "unknown"


def _key(member: StrEnum) -> tuple[type, str]:
    return type(member), member.value


_LABELS: dict[tuple[type, str], object] = {
    _key(Language.UZBEK): _l("Uzbek"),
    _key(Language.RUSSIAN): _l("Russian"),
    _key(Language.KARAKALPAK): _l("Karakalpak"),
    _key(Language.TAJIK): _l("Tajik"),
    _key(Language.KYRGYZ): _l("Kyrgyz"),
    _key(Language.KAZAKH): _l("Kazakh"),
    _key(Language.TURKMEN): _l("Turkmen"),
    _key(Language.ENGLISH): _l("English"),
    _key(Language.OTHER): _l("other"),
    _key(Country.RUSSIA): _l("Russia"),
    _key(Country.BELARUS): _l("Belarus"),
    _key(Country.KAZAKHSTAN): _l("Kazakhstan"),
    _key(Country.KYRGYZSTAN): _l("Kyrgyzstan"),
    _key(Country.TAJIKISTAN): _l("Tajikistan"),
    _key(Country.OTHER): _l("another country"),
    _key(PaymentStatus.NONE): _l("none"),
    _key(PaymentStatus.PAID): _l("paid"),
    _key(PaymentStatus.GUARANTEED): _l("payment guaranteed"),
    _key(PaymentStatus.UNPAID): _l("unpaid"),
    _key(PaymentStatus.UNKNOWN): _l("unknown"),
    _key(YesNoUnknown.YES): _l("yes"),
    _key(YesNoUnknown.NO): _l("no"),
    _key(YesNoUnknown.UNKNOWN): _l("unknown"),
}
