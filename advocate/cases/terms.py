"""More vocabularies of the case record (languages, money owed, yes/no/unknown answers).

Kept beside `vocab.py` with the same contract (`advocate.labels`): the stored value never
changes; the label is translated.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from advocate.labels import Labelled, register


class Language(Labelled):
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


class Country(Labelled):
    """Where the person is held (ISO 3166 codes); the work is about Russia, the rest is rare."""

    RUSSIA = "RU"
    BELARUS = "BY"
    KAZAKHSTAN = "KZ"
    KYRGYZSTAN = "KG"
    TAJIKISTAN = "TJ"
    OTHER = "other"


class PaymentStatus(Labelled):
    """Whether a civil claim or a fine is settled (an unpaid one can be a ground for refusal)."""

    NONE = "none"
    PAID = "paid"
    GUARANTEED = "guaranteed"
    UNPAID = "unpaid"
    UNKNOWN = "unknown"


class YesNoUnknown(Labelled):
    """A fact that may not be known yet."""

    YES = "yes"
    NO = "no"
    UNKNOWN = "unknown"


register([
    (Language.UZBEK, _l("Uzbek")),
    (Language.RUSSIAN, _l("Russian")),
    (Language.KARAKALPAK, _l("Karakalpak")),
    (Language.TAJIK, _l("Tajik")),
    (Language.KYRGYZ, _l("Kyrgyz")),
    (Language.KAZAKH, _l("Kazakh")),
    (Language.TURKMEN, _l("Turkmen")),
    (Language.ENGLISH, _l("English")),
    (Language.OTHER, _l("other")),
    (Country.RUSSIA, _l("Russia")),
    (Country.BELARUS, _l("Belarus")),
    (Country.KAZAKHSTAN, _l("Kazakhstan")),
    (Country.KYRGYZSTAN, _l("Kyrgyzstan")),
    (Country.TAJIKISTAN, _l("Tajikistan")),
    (Country.OTHER, _l("another country")),
    (PaymentStatus.NONE, _l("none")),
    (PaymentStatus.PAID, _l("paid")),
    (PaymentStatus.GUARANTEED, _l("payment guaranteed")),
    (PaymentStatus.UNPAID, _l("unpaid")),
    (PaymentStatus.UNKNOWN, _l("unknown")),
    (YesNoUnknown.YES, _l("yes")),
    (YesNoUnknown.NO, _l("no")),
    (YesNoUnknown.UNKNOWN, _l("unknown")),
])
