"""Russian Criminal Code article references: the spellings advocates paste, errors, round trip."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from advocate.procedures.articles import (
    MAX_ARTICLE,
    MAX_PART,
    POINT_LETTERS,
    Article,
    ArticleParseError,
    format_article,
    format_articles,
    parse_articles,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("228 ч.2", [Article("228", 2)]),
        ("228(2)", [Article("228", 2)]),
        ("228 (2)", [Article("228", 2)]),
        ("228 part 2", [Article("228", 2)]),
        ("228 Part 2", [Article("228", 2)]),
        ("228 p. 2", [Article("228", 2)]),
        ("228 ch.2", [Article("228", 2)]),
        ("ч. 2 ст. 228", [Article("228", 2)]),
        ("ст.228 ч.2", [Article("228", 2)]),
        ("Ст. 228 Ч. 2 УК РФ", [Article("228", 2)]),
        ("art. 228 part 2", [Article("228", 2)]),
        ("part 2 of article 228", [Article("228", 2)]),
        ("228", [Article("228")]),
        ("228.1", [Article("228.1")]),
        ('228.1 ч.4 п."г"', [Article("228.1", 4, "г")]),
        ("228.1 ч. 4 п. «г»", [Article("228.1", 4, "г")]),
        ("228.1 ч.4 п.г", [Article("228.1", 4, "г")]),
        ("228.1 ч.4 «г»", [Article("228.1", 4, "г")]),
        ("п. «г» ч. 4 ст. 228.1 УК РФ", [Article("228.1", 4, "г")]),
        ("П. «Г» Ч. 4 СТ. 228.1", [Article("228.1", 4, "г")]),
        ("228.1 p. 4 p. г", [Article("228.1", 4, "г")]),
        ("228(2)(а)", [Article("228", 2, "а")]),
        # A Latin "a" typed on the wrong layout is the Cyrillic "а".
        ("105 ч.2 п.«a»", [Article("105", 2, "а")]),
        # The point of a part-less article (art. 63 part 1 is often cited this way).
        ("63 п.«а»", [Article("63", None, "а")]),
        ("30 ч.3, 228.1 ч.4", [Article("30", 3), Article("228.1", 4)]),
        ("30 ч.3; 228.1 ч.4", [Article("30", 3), Article("228.1", 4)]),
        ("30 ч.3\n228.1 ч.4", [Article("30", 3), Article("228.1", 4)]),
        ("ч. 3 ст. 30, п. «г» ч. 4 ст. 228.1", [Article("30", 3), Article("228.1", 4, "г")]),
        ("228 ч.2,", [Article("228", 2)]),
        ("1", [Article("1")]),
        ("361", [Article("361")]),
        ("", []),
        ("  ", []),
    ],
)
def test_parse_accepts_the_usual_spellings(text: str, expected: list[Article]) -> None:
    assert parse_articles(text) == expected


@pytest.mark.parametrize(
    ("text", "piece"),
    [
        ("228 xyz", "“xyz”"),
        ("228 2", "“2”"),  # a bare second number: part or typo? refuse rather than guess
        ("228 ч.2.5", "“2.5”"),  # a part is a whole number
        ("228 п.4", "“4”"),  # a point is a letter
        ("228 п.«p»", "“p”"),  # Latin p is ambiguous (р or п): refused
        ("228 ч.2 ч.3", "“3”"),
        ("228 ст. 229", "“229”"),
        ("228 ч.2 - 3", "“-”"),
        ("228 №2", "“№”"),
        ("228 п. «ъ»", "“ъ”"),
    ],
)
def test_parse_error_names_the_piece(text: str, piece: str) -> None:
    with pytest.raises(ArticleParseError) as excinfo:
        parse_articles(text)
    assert piece in str(excinfo.value)
    assert text.strip() in str(excinfo.value)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("362", "Article 362: the Russian Criminal Code has articles 1 to 361."),
        ("0", "“0” is not an article number"),
        ("228.01", "“228.01” is not an article number"),
        ("228 ч.0", "Part 0 of article 228"),
        ("228 ч.21", "Part 21 of article 228"),
        ("ч.2", "No article number in “ч.2”."),
        ("228 ч.", "ends before its value"),
        ("228 (2", "ends before its value"),
        ("228 ч.2, xyz", "Could not read “xyz”"),
    ],
)
def test_parse_refuses_impossible_references(text: str, message: str) -> None:
    with pytest.raises(ArticleParseError, match=message.replace("(", r"\(")):
        parse_articles(text)


def test_article_validates_when_built_directly() -> None:
    with pytest.raises(ArticleParseError):
        Article("400")
    with pytest.raises(ArticleParseError):
        Article("228", point="gg")
    with pytest.raises(ArticleParseError):
        Article("228", part=True)  # type: ignore[arg-type]


def test_format_is_canonical() -> None:
    assert format_article(Article("228.1", 4, "г")) == "228.1 ч.4 п.«г»"
    assert format_article(Article("228", 2)) == "228 ч.2"
    assert format_article(Article("229")) == "229"
    assert format_article(Article("63", None, "а")) == "63 п.«а»"
    assert format_articles([Article("30", 3), Article("228.1", 4)]) == "30 ч.3, 228.1 ч.4"
    assert format_articles([]) == ""


def test_covers_whole_article_part_and_point() -> None:
    whole, part2 = Article("228.1"), Article("228", 2)
    assert whole.covers(Article("228.1", 4, "г"))
    assert part2.covers(Article("228", 2, "б"))
    assert not part2.covers(Article("228", 1))
    assert not part2.covers(Article("228"))  # "228" without a part may be part 1
    assert not whole.covers(Article("228"))
    assert not Article("228", 2, "а").covers(Article("228", 2))


numbers = st.builds(
    lambda main, sub: f"{main}.{sub}" if sub else str(main),
    st.integers(1, MAX_ARTICLE),
    st.one_of(st.none(), st.integers(1, 30)),
)
articles = st.builds(
    Article,
    numbers,
    st.one_of(st.none(), st.integers(1, MAX_PART)),
    st.one_of(st.none(), st.sampled_from(POINT_LETTERS)),
)


@given(st.lists(articles, max_size=5))
def test_parse_of_format_round_trips(items: list[Article]) -> None:
    assert parse_articles(format_articles(items)) == items


@given(articles)
def test_russian_order_parses_to_the_same(article: Article) -> None:
    # "п. «г» ч. 4 ст. 228.1": point, part, article, as Russian judgments write it.
    pieces = []
    if article.point:
        pieces.append(f"п. «{article.point}»")
    if article.part:
        pieces.append(f"ч. {article.part}")
    pieces.append(f"ст. {article.number} УК РФ")
    assert parse_articles(" ".join(pieces)) == [article]
