"""Leak guard: finds a case's identifying names and numbers typed into free text.

Free text (notes, claim narratives, labels, facility notes, letter comments) must stay anonymous.
``Needles.from_identity`` turns the case's identity values into needles once; ``find_leaks``
returns every fragment of a text that matches one, and ``redact`` replaces those fragments.

Names
    Each name (Latin, Cyrillic, other spellings, contact names) is split into parts; a part counts
    when it has at least 3 letters and is not a patronymic marker (qizi, oʻgʻli, кызы, оглы, ibn),
    which identifies nobody. Text words and name parts are compared as skeletons
    (``translit.skeleton``; the folding table is in that module's docstring): case-insensitive,
    across scripts, with Sh/Ш, Ch/Ч, J/Zh/Ж, X/Kh/H/Х, Oʻ/Ў, Gʻ/Ғ, Q/Қ ... folded together.
    Matching is by whole words: "Ali" is not found in "Alisher", "Khalil" or "Alim", and "Said" is
    not found in "Saidov" (a different word; if it is the surname it is a needle of its own).
    A common word that is also a name part ("bahor" for Bahor) is a hit: it is the name.
    Whole words include the name's grammatical forms, because notes are written in Russian and
    Uzbek: Russian case endings (Жасура, Жасуром, Юсуповым, Шахнозы, Шахнозой, Юсуповой), Uzbek
    case suffixes (Jasurga, Jasurni, Jasurning, Jasurda, Jasurdan) and "'s". The price is that
    "Said" also matches "Saida" (the Russian genitive of Said, and a woman's name).
    Two neighbouring words of 3 letters or more, joined by a space or hyphen, are also tried as
    one when the first is not a name by itself: "Abdulaziz" is found in "Abdul-Aziz", and
    "Abdul Aziz" in "Abdulaziz".

Numbers
    Digits only, in any script. In the text, digits separated by spaces (line breaks included),
    dashes, dots or parentheses (at most three such characters in a row), with an optional
    leading "+", form one number. A needle of at least
    5 digits matches a number that contains it; a needle of 9 or more digits also matches when its
    last 9 digits appear (a phone written without the country code, or with a trunk "8"). When a
    passport needle has a letter series ("AA1234567", "FA 1234567") and the series stands just
    before the digits, the fragment includes it; Cyrillic look-alike letters count as Latin.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from typing import Literal

from advocate.identity.translit import APOSTROPHES, JOINERS, collapse_doubles, skeleton

LeakKind = Literal["name", "number"]

MIN_NAME_LETTERS = 3
MIN_NUMBER_DIGITS = 5
PHONE_TAIL_DIGITS = 9

# A word: letters (and combining marks or joiners inside them), possibly joined by apostrophes
# (Oʻktam, G'ulomov); a final apostrophe belongs to the word only after o or g (togʻ').
_WORD_CHAR = rf"(?:[^\W\d_]|[\u0300-\u036f\u0483-\u0489{JOINERS}])"
_APOS = f"[{re.escape(APOSTROPHES)}]"
_WORD = re.compile(rf"{_WORD_CHAR}+(?:{_APOS}+{_WORD_CHAR}+)*(?:(?<=[oOgG]){_APOS})?")
_PAIR_GAP = re.compile(r"[ \t\u00a0]*[-\u2010\u2011]?[ \t\u00a0]*")

_NUMBER_SEPARATOR = r"[\s\-\u2010\u2011\u2012\u2013\u2212.()]"
_NUMBER = re.compile(rf"(?:\+[ \u00a0]?)?\(?\d(?:{_NUMBER_SEPARATOR}{{0,3}}\d)*")
_SERIES_BEFORE = re.compile(r"(?<![^\W\d_])([^\W\d_]+)[ \t\u00a0\-№#:]{0,3}\Z")
_SERIES_WINDOW = 16
_LOOKALIKES = str.maketrans("авекмнорстух", "abekmhopctyx")
_NON_LETTERS = str.maketrans(dict.fromkeys(APOSTROPHES + JOINERS, ""))

# Grammatical forms, in skeleton spelling (ы/ий/ой fold to i/i/oi, ю/я stay yu/ya).
_SUFFIXES = ("s", "ga", "ka", "ni", "ning", "da", "ta", "dan", "tan")  # Uzbek cases, English 's
_CONSONANT_ENDINGS = ("a", "u", "e", "om", "em", "im", "ya", "yu")  # Жасура, Юсуповым, Игоря
_A_ENDINGS = ("i", "e", "u", "oi", "oyu", "ei")  # Шахнозы, Шахнозе, Юсуповой, Марией
_VOWELS = "aeiou"

_NOT_NAMES = frozenset(
    skeleton(word)
    for word in ("qizi", "кызы", "қизи", "oʻgʻli", "ўғли", "оглы", "угли", "ugli", "ibn")
)


@dataclass
class IdentityValues:
    """The identity values to guard against; repr hides them so they never reach a log."""

    names: list[str] = field(default_factory=list, repr=False)
    numbers: list[str] = field(default_factory=list, repr=False)


@dataclass(frozen=True)
class Leak:
    """One fragment of a text that matches an identity value: ``text[start:end] == fragment``."""

    fragment: str = field(repr=False)
    start: int
    end: int
    kind: LeakKind


@dataclass(frozen=True, order=True)
class _NumberNeedle:
    digits: str
    series: str  # the letters before the digits of a passport number, look-alikes folded


@dataclass(frozen=True)
class Needles:
    """Identity values prepared for matching; build once per identity with ``from_identity``."""

    names: frozenset[str] = field(default=frozenset(), repr=False)
    numbers: tuple[_NumberNeedle, ...] = field(default=(), repr=False)

    @classmethod
    def from_identity(cls, values: IdentityValues) -> Needles:
        """Prepare the name skeletons (with their grammatical forms) and the number needles."""
        bases: set[str] = set()
        for name in values.names:
            bases |= _name_bases(name or "")
        names = frozenset(form for base in bases for form in _forms(base))
        numbers = {_number_needle(value) for value in values.numbers if value}
        return cls(names, tuple(sorted(n for n in numbers if n is not None)))

    def __bool__(self) -> bool:
        return bool(self.names or self.numbers)


def find_leaks(text: str, needles: Needles) -> list[Leak]:
    """Every fragment of text that matches a needle, in order, without overlaps."""
    if not text or not needles:
        return []
    leaks = _name_leaks(text, needles.names) + _number_leaks(text, needles.numbers)
    return _without_overlaps(leaks)


def redact(text: str, leaks: list[Leak], replacement: str) -> str:
    """Replace each leaked fragment of text with replacement (for example the case reference)."""
    parts: list[str] = []
    position = 0
    for leak in sorted(leaks, key=lambda leak: (leak.start, -leak.end)):
        if leak.start < position:
            continue  # inside a fragment already replaced
        if text[leak.start : leak.end] != leak.fragment:
            raise ValueError("a leak does not belong to this text")
        parts += [text[position : leak.start], replacement]
        position = leak.end
    parts.append(text[position:])
    return "".join(parts)


def _name_bases(name: str) -> set[str]:
    """The skeletons of a name's parts, plus each two neighbouring parts written as one word."""
    parts = [
        skeleton(word)
        for word in _WORD.findall(name)
        if sum(c.isalpha() for c in word.translate(_NON_LETTERS)) >= MIN_NAME_LETTERS
    ]
    bases = {part for part in parts if len(part) >= 2 and part not in _NOT_NAMES}
    bases |= {collapse_doubles(a + b) for a, b in zip(parts, parts[1:], strict=False)}
    return bases


def _forms(base: str) -> set[str]:
    """The base skeleton and its Russian and Uzbek grammatical forms."""
    forms = {base} | {base + suffix for suffix in _SUFFIXES}
    if base[-1] not in _VOWELS:
        forms |= {base + ending for ending in _CONSONANT_ENDINGS}
    elif base.endswith("a") and len(base) > MIN_NAME_LETTERS:
        forms |= {base[:-1] + ending for ending in _A_ENDINGS}
    # Text skeletons never hold doubled letters, so the forms must not either (Ahmad+dan).
    return {collapse_doubles(form) for form in forms}


def _number_needle(value: str) -> _NumberNeedle | None:
    """Digits and letter series of an identity number; None when it has too few digits."""
    digits = _digits(value)
    if len(digits) < MIN_NUMBER_DIGITS:
        return None
    first_digit = next(i for i, c in enumerate(value) if c.isdecimal())
    series = "".join(c for c in value[:first_digit] if c.isalpha())
    return _NumberNeedle(digits, _fold_series(series))


def _digits(value: str) -> str:
    """The decimal digits of value as ASCII, whatever script they were typed in."""
    return "".join(str(unicodedata.decimal(c)) for c in value if c.isdecimal())


def _fold_series(letters: str) -> str:
    """A passport series in comparable form: casefolded, Cyrillic look-alikes made Latin."""
    return unicodedata.normalize("NFKC", letters).casefold().translate(_LOOKALIKES)


def _name_leaks(text: str, names: frozenset[str]) -> list[Leak]:
    """Words of text whose skeleton (alone, or joined with the next word) is a name form."""
    if not names:
        return []
    words = [(m.start(), m.end(), skeleton(m.group())) for m in _WORD.finditer(text)]
    leaks: list[Leak] = []
    i = 0
    while i < len(words):
        start, end, folded = words[i]
        if folded in names:
            leaks.append(Leak(text[start:end], start, end, "name"))
        elif i + 1 < len(words) and _joined_is_name(text, words[i], words[i + 1], names):
            end = words[i + 1][1]
            leaks.append(Leak(text[start:end], start, end, "name"))
            i += 1  # the second word is part of this leak
        i += 1
    return leaks


def _joined_is_name(
    text: str, first: tuple[int, int, str], second: tuple[int, int, str], names: frozenset[str]
) -> bool:
    """Whether two words separated only by a space or hyphen spell a name together."""
    # Short words would let an ending or a conjunction ride along ("Юсуповой и", "Gulomov va").
    if min(len(first[2]), len(second[2])) < MIN_NAME_LETTERS:
        return False
    if not _PAIR_GAP.fullmatch(text, first[1], second[0]):
        return False
    return collapse_doubles(first[2] + second[2]) in names


def _number_leaks(text: str, numbers: tuple[_NumberNeedle, ...]) -> list[Leak]:
    """Digit runs of text that contain a number needle, with a passport series before them."""
    leaks: list[Leak] = []
    for match in _NUMBER.finditer(text):
        found = _digits(match.group())
        hits = [needle for needle in numbers if _digits_match(needle.digits, found)]
        if not hits:
            continue
        start = min(_series_start(text, match.start(), needle.series) for needle in hits)
        leaks.append(Leak(text[start : match.end()], start, match.end(), "number"))
    return leaks


def _digits_match(needle: str, found: str) -> bool:
    """Whether a digit run holds the needle, or a long needle's last nine digits."""
    if needle in found:
        return True
    return len(needle) >= PHONE_TAIL_DIGITS and needle[-PHONE_TAIL_DIGITS:] in found


def _series_start(text: str, digits_start: int, series: str) -> int:
    """Where the passport series written just before the digits starts, else digits_start."""
    if not series or not text[digits_start].isdecimal():
        return digits_start
    # A bounded look back keeps many hits in a long text linear; the look-behind in the pattern
    # still sees past the window, so a word cut by it never passes for a series.
    before = _SERIES_BEFORE.search(text, max(0, digits_start - _SERIES_WINDOW), digits_start)
    if before and _fold_series(before.group(1)) == series:
        return before.start()
    return digits_start


def _without_overlaps(leaks: list[Leak]) -> list[Leak]:
    """Leaks ordered by position; of two overlapping ones the earlier (then longer) one stays."""
    kept: list[Leak] = []
    for leak in sorted(leaks, key=lambda leak: (leak.start, -leak.end)):
        if not kept or leak.start >= kept[-1].end:
            kept.append(leak)
    return kept
