"""References to articles of the Russian Criminal Code: parsing, validation, one display form.

Advocates copy article references from judgments, lawyers' letters and relatives' messages, so the
parser accepts the usual spellings: ``228 ч.2``, ``228(2)``, ``228 part 2``, ``ч. 2 ст. 228``,
``ст.228 ч.2``, ``п. «г» ч. 4 ст. 228.1 УК РФ``, ``228.1 ч.4 п."г"`` and lists separated by commas,
semicolons or new lines. The canonical form written back is ``228.1 ч.4 п.«г»``.

Parts are numbers and points (пункты) are Cyrillic letters, so the ambiguous marker ``p.`` (English
"part", or a transliterated "п.") is read by what follows it: a number is a part, a letter a point.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from flask_babel import gettext as _

#: The Russian Criminal Code runs from article 1 to article 361 (inserted articles carry ".N").
MAX_ARTICLE = 361
#: No article has anywhere near this many parts; the bound catches typos such as "ч.22".
MAX_PART = 20
#: Letters used for points. Й, Ъ, Ы, Ь and Ё never name a point in the Code.
POINT_LETTERS = "абвгдежзиклмнопрстуфхцчшщэюя"
#: Latin letters typed on the wrong keyboard layout that look like, and transliterate to, the same
#: Cyrillic letter; only these are safe to map ("p" or "c" would be ambiguous).
_HOMOGLYPHS = {"a": "а", "e": "е", "o": "о", "k": "к", "m": "м", "t": "т"}

_NUMBER = re.compile(r"(?:[1-9]\d*)(?:\.[1-9]\d*)?")
_ARTICLE_MARKERS = {
    "ст",
    "статья",
    "статьи",
    "статье",
    "статьей",
    "статьёй",
    "st",
    "art",
    "article",
}
_PART_MARKERS = {"ч", "часть", "части", "частью", "ch", "part", "pt"}
_POINT_MARKERS = {"п", "пп", "пункт", "пункта", "пункту", "point", "item"}
#: "p." means "part" in English texts and "п." in transliteration: decided by the value.
_EITHER_MARKERS = {"p"}
_NOISE = {"ук", "рф", "uk", "rf", "cc", "of"}
_QUOTES = "\"'«»“”„‘’"
_TOKEN = re.compile(
    rf"(?P<space>\s+)"
    rf"|(?P<num>\d+(?:\.\d+)?)"
    rf"|(?P<quoted>[{_QUOTES}]\s*(?P<qletter>[^\W\d_])\s*[{_QUOTES}])"
    rf"|(?P<word>[^\W\d_]+)"
    rf"|(?P<open>\()|(?P<close>\))|(?P<dot>\.)"
    rf"|(?P<other>.)"
)
_SEPARATORS = re.compile(r"[,;\n]")


class ArticleParseError(ValueError):
    """An article reference that cannot be read or does not exist in the Code."""


@dataclass(frozen=True)
class Article:
    """One article reference: number ("228.1"), part (4) and point ("г"), the last two optional."""

    number: str
    part: int | None = None
    point: str | None = None

    def __post_init__(self) -> None:
        _check_number(self.number)
        if self.part is not None and (
            isinstance(self.part, bool) or not 1 <= self.part <= MAX_PART
        ):
            raise ArticleParseError(
                _(
                    "Part %(part)s of article %(number)s: a part is a number from 1 to %(max)s.",
                    part=self.part,
                    number=self.number,
                    max=MAX_PART,
                )
            )
        if self.point is not None and (len(self.point) != 1 or self.point not in POINT_LETTERS):
            raise ArticleParseError(
                _(
                    "Point “%(point)s” of article %(number)s: a point is one Cyrillic letter "
                    "such as «г».",
                    point=self.point,
                    number=self.number,
                )
            )

    def covers(self, other: Article) -> bool:
        """True if `other` falls under this reference (a whole article covers each of its parts)."""
        return (
            self.number == other.number
            and (self.part is None or self.part == other.part)
            and (self.point is None or self.point == other.point)
        )


def _check_number(number: str) -> None:
    """Raise unless `number` is an article number of the Code, written without leading zeros."""
    if not isinstance(number, str) or not _NUMBER.fullmatch(number):
        raise ArticleParseError(
            _("“%(number)s” is not an article number (write it as 228 or 228.1).", number=number)
        )
    if int(number.split(".")[0]) > MAX_ARTICLE:
        raise ArticleParseError(
            _(
                "Article %(number)s: the Russian Criminal Code has articles 1 to %(max)s.",
                number=number,
                max=MAX_ARTICLE,
            )
        )


def format_article(article: Article) -> str:
    """The canonical display form, e.g. ``228.1 ч.4 п.«г»``."""
    text = article.number
    if article.part is not None:
        text += f" ч.{article.part}"
    if article.point is not None:
        text += f" п.«{article.point}»"
    return text


def format_articles(articles: list[Article] | tuple[Article, ...]) -> str:
    """Several references in canonical form, joined with ", "."""
    return ", ".join(format_article(a) for a in articles)


def parse_articles(text: str) -> list[Article]:
    """Read a list of article references; an empty text gives an empty list."""
    return [_parse_one(item.strip()) for item in _SEPARATORS.split(text) if item.strip()]


def _tokens(item: str) -> Iterator[tuple[str, str]]:
    """(kind, value) pairs of one reference, lower-cased, spaces dropped."""
    for match in _TOKEN.finditer(item.lower()):
        kind = match.lastgroup or "other"
        if kind == "space":
            continue
        if kind == "quoted":
            yield "letter", match.group("qletter")
        else:
            yield kind, match.group(kind)


class _Reader:
    """The state of reading one reference: what has been found and which marker awaits a value."""

    def __init__(self, item: str) -> None:
        self.item = item
        self.number: str | None = None
        self.part: int | None = None
        self.point: str | None = None
        self.pending: str | None = None  # "article", "part", "point", "either" or "paren"
        self.in_paren = False

    def fail(self, piece: str) -> ArticleParseError:
        """The error naming the piece that could not be read."""
        return ArticleParseError(
            _(
                "Could not read “%(piece)s” in the article reference “%(item)s”.",
                piece=piece,
                item=self.item,
            )
        )

    def feed(self, kind: str, value: str) -> None:
        """Take one token."""
        if kind == "dot":
            return  # "ч.2", "ст.228": the dot only ends an abbreviation
        if kind == "open":
            if self.in_paren or self.pending or self.number is None:
                raise self.fail(value)
            self.in_paren, self.pending = True, "paren"
        elif kind == "close":
            if not self.in_paren or self.pending:
                raise self.fail(value)
            self.in_paren = False
        elif kind == "num":
            self.take_number(value)
        elif kind == "letter":
            self.take_point(value)
        elif kind == "word":
            self.take_word(value)
        else:
            raise self.fail(value)

    def take_word(self, word: str) -> None:
        """A marker, a noise word ("УК РФ") or a bare point letter after a point marker."""
        letter = _HOMOGLYPHS.get(word, word)
        if self.pending in ("point", "either", "paren") and len(letter) == 1:
            if letter not in POINT_LETTERS:
                raise self.fail(word)
            self.take_point(letter)
        elif self.pending is not None:
            raise self.fail(word)
        elif word in _ARTICLE_MARKERS:
            self.pending = "article"
        elif word in _PART_MARKERS:
            self.pending = "part"
        elif word in _POINT_MARKERS:
            self.pending = "point"
        elif word in _EITHER_MARKERS:
            self.pending = "either"
        elif word not in _NOISE:
            raise self.fail(word)

    def take_number(self, value: str) -> None:
        """An article number, or a part after a part marker or inside brackets."""
        if self.pending in ("part", "either", "paren"):
            if self.part is not None or not value.isdigit():
                raise self.fail(value)
            self.part = int(value)
        elif self.pending in (None, "article") and self.number is None:
            _check_number(value)
            self.number = value
        else:
            raise self.fail(value)
        self.pending = None

    def take_point(self, letter: str) -> None:
        """A point letter, quoted or after a point marker."""
        letter = _HOMOGLYPHS.get(letter, letter)
        if self.pending not in (None, "point", "either", "paren") or self.point is not None:
            raise self.fail(letter)
        if letter not in POINT_LETTERS:
            raise self.fail(letter)
        self.point = letter
        self.pending = None

    def result(self) -> Article:
        """The reference read, once every token is taken."""
        if self.pending is not None or self.in_paren:
            raise ArticleParseError(
                _("The article reference “%(item)s” ends before its value.", item=self.item)
            )
        if self.number is None:
            raise ArticleParseError(_("No article number in “%(item)s”.", item=self.item))
        return Article(self.number, self.part, self.point)


def _parse_one(item: str) -> Article:
    """Read one reference such as ``п. «г» ч. 4 ст. 228.1``."""
    reader = _Reader(item)
    for kind, value in _tokens(item):
        reader.feed(kind, value)
    return reader.result()
