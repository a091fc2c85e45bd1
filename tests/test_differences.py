""" "Where outlets differ" (``write/differences.py``): disputed figures, framing headlines,
what each outlet adds; every line credited to the outlet it cites and passing the checker."""

from __future__ import annotations

from newsdesk.config import WriteSettings
from newsdesk.language.attribution import headline_credit, split_attribution
from newsdesk.records import Article, Citation, Sentence
from newsdesk.verify import check_sentence
from newsdesk.write.differences import differences, figures, headlines
from newsdesk.write.ranking import rank

DAY = "2020-03-09"


def article(key: str, outlet: str, title: str, text: str, published: str = DAY) -> Article:
    return Article(key, f"https://example.org/{key}", outlet, title, text, published)


MARKETS = [
    article(
        "p1",
        "Politico",
        "Stocks plunge as oil prices collapse and virus fears spread",
        "The Dow Jones Industrial Average lost 1,255 points after the opening bell on Monday. "
        "Oil prices fell by a quarter as Saudi Arabia and Russia fought over output.",
    ),
    article(
        "w1",
        "Washington Times",
        "Trump blames fake news media for market turmoil",
        "The Dow Jones Industrial Average dropped more than 1,800 points after the opening "
        "bell Monday morning. The president said the media were spreading panic.",
    ),
]


def test_two_outlets_giving_one_figure_two_values_are_set_side_by_side() -> None:
    ranked = rank(MARKETS, WriteSettings(), DAY)
    taken: list[int] = []
    lines = figures(ranked, taken)
    assert sorted(line.outlet or "" for line in lines) == ["Politico", "Washington Times"]
    texts = " ".join(line.text for line in lines)
    assert "1,255 points" in texts and "more than 1,800 points" in texts
    for line in lines:
        assert split_attribution(line.text).outlet == line.outlet
    assert len(taken) == 2


def test_figures_that_agree_or_come_from_different_days_are_no_dispute() -> None:
    agree = [
        article(
            "h1",
            "The Hill",
            "Poll on guns",
            "About 50 percent of voters said they would support a ban on assault weapons, "
            "while 46 percent would oppose one.",
        ),
        article(
            "p2",
            "Politico",
            "Poll on a ban",
            "Fifty percent of voters said they would support a nationwide ban on assault "
            "weapons, while 46 percent said they would oppose such a ban.",
        ),
    ]
    later = [MARKETS[0], article("w2", *_fields(MARKETS[1]), published="2020-03-10")]
    for articles in (agree, later):
        assert figures(rank(articles, WriteSettings(), None), []) == []


def _fields(source: Article) -> tuple[str, str, str]:
    return source.outlet, source.title, source.text


def test_headlines_that_frame_the_story_differently_are_quoted_and_pass_the_checker() -> None:
    lines = headlines(MARKETS)
    assert [line.text for line in lines] == [
        "Politico’s headline: “Stocks plunge as oil prices collapse and virus fears spread”",
        "Washington Times’s headline: “Trump blames fake news media for market turmoil”",
    ]
    sources = {a.id: a for a in MARKETS}
    for line in lines:
        assert check_sentence(line, sources, 0.9, as_of=DAY).label == "supported"


def test_a_headline_quoted_with_one_word_changed_or_from_another_outlet_fails() -> None:
    sources = {a.id: a for a in MARKETS}
    title = Citation("p1", 0, len(MARKETS[0].title), "title")
    changed = headline_credit(MARKETS[0].title.replace("plunge", "soar"), "Politico")
    wrong_outlet = headline_credit(MARKETS[0].title, "Washington Times")
    for text in (changed, wrong_outlet):
        result = check_sentence(Sentence("coverage", text, (title,)), sources, 0.9, as_of=DAY)
        assert result.label != "supported", text


def test_titles_that_say_the_same_thing_are_not_quoted() -> None:
    same = [
        article("a", "Reuters", "Dow loses 1,255 points as oil prices collapse", "Text one here."),
        article("b", "CNBC", "Dow loses 1,255 points as oil prices collapse again", "Text two."),
    ]
    assert headlines(same) == []


def test_one_outlet_has_no_section() -> None:
    alone = [MARKETS[0], article("p3", "Politico", "Another take on markets", MARKETS[1].text)]
    assert differences(rank(alone, WriteSettings(), DAY), alone, []) == []
