"""The writer's own headlines: a lead sentence cut down to who did what."""

from __future__ import annotations

import pytest

from newsdesk.config import WriteSettings
from newsdesk.records import Article, Story
from newsdesk.write.extractive import write_story
from newsdesk.write.headlines import MAX_WORDS, dates_the_event, headline


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        # Past becomes present; the time phrase goes.
        (
            "On Tuesday, Trump formally kicked off his campaign for re-election.",
            "Trump kicks off his campaign for re-election",
        ),
        (
            "The House voted 232-196 on Wednesday to pass the resolution.",
            "House votes 232-196 to pass the resolution",
        ),
        # "will" becomes "to"; the credit goes.
        (
            "The Senate will vote on the bill next week, Majority Leader Mitch McConnell said.",
            "Senate to vote on the bill",
        ),
        # The passive loses its auxiliary; the name stands for the description; "he said" goes.
        (
            "White nationalist and “alt-right” leader Richard Spencer was stopped on his way to "
            "Sweden and sent back to the United States because of a ban, he said Friday.",
            "Richard Spencer stopped on his way to Sweden",
        ),
        # An announcement of what it would do: the announcer does it.
        (
            "After Education Secretary Betsy DeVos lost a lengthy court battle, the Education "
            "Department announced Thursday that it would cancel $150 million in student loan "
            "debt for 15,000 borrowers.",
            "Education Department to cancel $150 million in student loan debt for 15,000 borrowers",
        ),
        # The object's state stays ("wounded"); a cut leaves no dangling "including".
        (
            "A spate of shootings throughout the US left more than 150 people wounded and "
            "nearly two-dozen dead so far this weekend, according to reports.",
            "Spate of shootings throughout the US leaves more than 150 people wounded",
        ),
        (
            "Floyd’s death yielded widespread condemnation from both Democrats and Republicans, "
            "including from Trump and Senate Majority Leader Mitch McConnell (R-Ky.).",
            "Floyd’s death yields widespread condemnation from both Democrats and Republicans",
        ),
        # A list keeps its commas.
        (
            "Apple, Facebook, YouTube and Spotify removed large amounts of content from "
            "Alex Jones on Monday.",
            "Apple, Facebook, YouTube and Spotify remove large amounts of content from Alex Jones",
        ),
        # A hyphen inside a name stays; clauses and asides go.
        (
            "Iraqi lawmakers approved a resolution Sunday calling to expel U.S. troops from the "
            "country, following an American drone attack that killed Iranian Gen. Qassem "
            "Soleimani, Fox News reported.",
            "Iraqi lawmakers approve a resolution",
        ),
        # A verb's particle-like adverb stays ("put forward").
        (
            "Democrats put forward 11 amendments that would have issued subpoenas to current "
            "and former Trump administration officials.",
            "Democrats put forward 11 amendments",
        ),
        # "Some of" takes a plural verb.
        (
            "Some of the investigation's prosecutors moved to different jobs outside of "
            "Mueller's office.",
            "Some of the investigation's prosecutors move to different jobs",
        ),
        # Too long: the subject's own prepositional phrase goes last; a pinned day goes too.
        (
            "Ten governors in the Northeast and the West Coast announced Monday, April 13, "
            "that they are crafting joint plans for reopening their economies.",
            "Ten governors crafting joint plans for reopening their economies",
        ),
        # A year inside the subject dates the election, not the event; a particle stays.
        (
            "Special Counsel Robert Mueller’s probe of Russian meddling in the 2016 U.S. "
            "election is close to wrapping up, Acting U.S. Attorney General Matthew Whitaker "
            "told reporters on Monday, Jan. 28.",
            "Special Counsel Robert Mueller’s probe is close to wrapping up",
        ),
    ],
)
def test_a_lead_is_cut_down_to_a_headline(sentence: str, expected: str) -> None:
    assert headline(sentence) == expected


@pytest.mark.parametrize(
    "sentence",
    [
        "“We will not back down from this fight,” Pelosi said on Tuesday.",  # a quotation
        "Will the Senate take up the bill before the recess?",  # a question
        "He said the decision was made after weeks of careful consultation.",  # who is he?
        "Pelosi said that the House would vote on the articles next week.",  # who said, not what
        "Lawmakers did not approve the spending bill on Friday night.",  # a negation
        "The problem with the cartoon isn’t that its publication was a willful act.",
        # dated by a year: cut to a headline, an old event would read as today's
        "The American Civil Liberties Union in 2017 challenged the law on behalf of the clinic.",
        # a light noun without its clause says nothing ("…mark the first time")
        "Whitaker’s comments mark the first time a top government official with knowledge of "
        "the investigation has publicly confirmed the probe is in its final stages.",
    ],
)
def test_a_sentence_that_makes_no_headline_gives_none(sentence: str) -> None:
    assert headline(sentence) is None


def test_a_headline_is_never_longer_than_the_limit() -> None:
    long = (
        "The Trump administration on Monday ordered hospitals, insurers, pharmacies, clinics "
        "and laboratories in every state to publish the prices they negotiate for thousands "
        "of procedures, drugs and tests on their websites by the end of next year."
    )
    made = headline(long)
    assert made is None or len(made.split()) <= MAX_WORDS


TEXT = (
    "WASHINGTON (AP) — The Senate voted 52-48 on Friday to pass the spending bill that keeps "
    "the government open through September.\n\n"
    "The House is expected to take up the measure when it returns next week.\n\n"
    "Democrats said the bill did too little for public schools and for disaster relief."
)


def test_the_writer_heads_the_article_with_its_own_headline_cited_to_its_lead() -> None:
    articles = [
        Article(
            "a1",
            "https://a.example/1",
            "Outlet A",
            "Progressives slam the deal",
            TEXT,
            "2019-12-20",
        ),
        Article(
            "a2",
            "https://b.example/2",
            "Outlet B",
            "",
            TEXT.replace("52-48", "52 to 48"),
            "2019-12-20",
        ),
    ]
    story = Story(
        "s1", "Progressives slam the deal", ("a1", "a2"), ("Outlet A", "Outlet B"), None, None
    )
    draft = write_story(story, articles, WriteSettings())
    head = draft.sentences[0]
    assert head.kind == "headline"
    assert head.text not in {a.title for a in articles}
    assert head.text.startswith("Senate votes 52") and not head.text.endswith(".")
    [citation] = head.citations
    cited = next(a for a in articles if a.id == citation.article_id).text[
        citation.start : citation.end
    ]
    assert "The Senate voted" in cited


def test_a_story_whose_sources_have_no_title_still_gets_a_headline() -> None:
    articles = [Article("a1", "https://a.example/1", "Outlet A", "", TEXT, "2019-12-20")]
    story = Story("s1", "", ("a1",), ("Outlet A",), None, None)
    head = write_story(story, articles, WriteSettings()).sentences[0]
    assert head.kind == "headline" and head.text and head.citations


@pytest.mark.parametrize(
    ("sentence", "date", "dates_it"),
    [
        ("In 2014, a similar farm bill failed in the House after a long fight.", "2014", True),
        ("Trump said in 2017 that reports of a gas attack had crossed a line.", "2017", True),
        ("Fear reached its highest level since the 2008 financial crisis.", "2008", False),
        (
            "Trading was halted by circuit breakers, first adopted after the crash of October "
            "1987.",
            "October 1987",
            False,
        ),
    ],
)
def test_an_old_date_is_background_only_when_it_dates_the_main_event(
    sentence: str, date: str, dates_it: bool
) -> None:
    start = sentence.index(date)
    assert dates_the_event(sentence, start, start + len(date)) is dates_it
