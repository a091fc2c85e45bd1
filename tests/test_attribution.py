"""Credits to outlets: which names are outlets, and whether a credit is founded."""

from __future__ import annotations

import pytest

from newsdesk.language.attribution import (
    attribute,
    credited_outlets,
    display_name,
    embedded_credit,
    headline_credit,
    is_outlet,
    quoted_headline,
    same_outlet,
    split_attribution,
)
from newsdesk.records import Article, Evidence
from newsdesk.verify.checks.attribution import check_attribution

REUTERS = Article("r", "https://r.com/1", "Reuters", "T", "The Senate passed the bill on Friday.")
AP = Article(
    "a", "https://ap.org/1", "Associated Press", "T", "The bill passed, Reuters reported on Friday."
)


def whole(article: Article) -> Evidence:
    return Evidence(article, 0, len(article.text))


@pytest.mark.parametrize(
    ("text", "outlets"),
    [
        ("According to Reuters, the vote failed.", ["Reuters"]),
        ("The vote failed, the BBC reported.", ["the BBC"]),
        ("He told CNN on Sunday that it was over.", ["CNN"]),
        ("According to a New York Times report, it was late.", ["New York Times"]),
        ("She said in an interview with Fox News that she would run.", ["Fox News"]),
        ("He told reporters it was over.", []),
        ("According to Johns Hopkins University, 93,406 have died.", []),
        ("Lee told Smith he was sorry.", []),
        ("Reuters’s headline: “Senate passes the bill”", ["Reuters"]),
    ],
)
def test_credited_outlets(text: str, outlets: list[str]) -> None:
    assert credited_outlets(text) == outlets


def test_known_source_outlets_count_even_without_media_words() -> None:
    assert not is_outlet("The Hill")
    assert is_outlet("The Hill", ["The Hill"])
    assert credited_outlets("The Hill reported that he left.", ["The Hill"]) == ["The Hill"]
    assert same_outlet("the Associated Press", "Associated Press")


def test_credit_passes_on_the_outlets_own_text() -> None:
    check = check_attribution("According to Reuters, the Senate passed it.", [whole(REUTERS)], [])
    assert check.verdict == "pass"


def test_credit_passes_when_another_source_cites_the_outlet() -> None:
    check = check_attribution("The bill passed, Reuters reported.", [whole(AP)], [AP])
    assert check.verdict == "pass"


def test_credit_to_an_outlet_that_said_nothing_fails() -> None:
    check = check_attribution(
        "According to Fox News, the Senate passed the bill.", [whole(REUTERS)], [REUTERS, AP]
    )
    assert check.verdict == "fail"
    assert check.detail == (
        "credits Fox News, but the supporting text is from Reuters; "
        "Fox News is not among the sources"
    )


def test_no_credit_is_not_applicable() -> None:
    assert check_attribution("The Senate passed it.", [whole(REUTERS)], []).verdict == "n/a"


@pytest.mark.parametrize(
    ("outlet", "shown"),
    [
        ("CNN (Web News)", "CNN"),
        ("Wall Street Journal - News", "Wall Street Journal"),
        ("New York Times - Opinion", "New York Times"),
        ("ABC News (Online)", "ABC News"),
        ("Chicago Sun-Times", "Chicago Sun-Times"),
        ("Fox 5", "Fox 5"),
        ("Yahoo! News", "Yahoo! News"),
    ],
)
def test_a_dataset_desk_label_is_not_part_of_the_credit(outlet: str, shown: str) -> None:
    assert display_name(outlet) == shown
    text = attribute("The court ruled on the case on Monday.", outlet)
    attributed = split_attribution(text)
    assert attributed.outlet is not None
    assert same_outlet(attributed.outlet, outlet)
    assert attributed.claim == "The court ruled on the case on Monday."


def test_a_name_that_is_only_a_label_is_kept() -> None:
    assert display_name("(Web News)") == "(Web News)"


REPRODUCER = Article(
    "blog-1",
    "https://blog.test/1",
    "Townhall",
    "The memo fight",
    "Here is what the bureau said today (via NBC News):\n\n"
    "The FBI said it has grave concerns about the memo's accuracy.\n\n"
    "Officials lost two boxes of files in 2018, The Washington Post reported.\n\n"
    "A spokesman told The Post that the files were never recovered.\n\n"
    "The committee will vote on Thursday.",
)


def span(article: Article, text: str) -> Evidence:
    start = article.text.index(text)
    return Evidence(article, start, start + len(text))


@pytest.mark.parametrize(
    ("sentence", "original"),
    [
        ("The FBI said it has grave concerns about the memo's accuracy.", "NBC News"),
        (
            "Officials lost two boxes of files in 2018, The Washington Post reported.",
            "The Washington Post",
        ),
        ("A spokesman told The Post that the files were never recovered.", "The Post"),
        ("The committee will vote on Thursday.", None),
    ],
)
def test_a_source_names_the_outlet_it_reproduces(sentence: str, original: str | None) -> None:
    evidence = span(REPRODUCER, sentence)
    credit = embedded_credit(REPRODUCER.text, evidence.start, evidence.end, "Townhall")
    assert (credit.outlet if credit else None) == original


@pytest.mark.parametrize(
    ("claim", "source_sentence", "verdict"),
    [
        (
            "According to Townhall, the FBI said it has grave concerns about the memo's accuracy.",
            "The FBI said it has grave concerns about the memo's accuracy.",
            "fail",
        ),
        (
            "According to NBC News, the FBI said it has grave concerns about the memo's accuracy.",
            "The FBI said it has grave concerns about the memo's accuracy.",
            "pass",
        ),
        (
            "Officials lost two boxes of files in 2018, Townhall reported.",
            "Officials lost two boxes of files in 2018, The Washington Post reported.",
            "fail",
        ),
        (
            "A spokesman told Townhall that the files were never recovered.",
            "A spokesman told The Post that the files were never recovered.",
            "fail",
        ),
        (
            "According to Townhall, the committee will vote on Thursday.",
            "The committee will vote on Thursday.",
            "pass",
        ),
    ],
)
def test_credit_goes_to_the_original_not_to_the_outlet_that_reproduced_it(
    claim: str, source_sentence: str, verdict: str
) -> None:
    check = check_attribution(claim, [span(REPRODUCER, source_sentence)], [REPRODUCER])
    assert check.verdict == verdict, check.detail
    if verdict == "fail":
        assert "only reproduces" in check.detail and "blog-1" in check.detail
        assert check.conflict is not None and check.conflict.source.id == "blog-1"


def test_a_quoted_headline_reads_back_as_its_outlet_and_title() -> None:
    line = headline_credit("Senate passes the bill", "CNN (Web News)")
    assert line == "CNN’s headline: “Senate passes the bill”"
    quoted = quoted_headline(line)
    assert quoted is not None and (quoted.outlet, quoted.claim) == ("CNN", "Senate passes the bill")
    assert split_attribution(line).claim == "Senate passes the bill"
    assert quoted_headline("According to CNN, the Senate passed the bill.") is None


def test_a_quoted_headline_must_be_the_cited_title_word_for_word() -> None:
    titled = Article("t", "https://r.com/2", "Reuters", "Senate passes the bill", "Text.")
    title = Evidence(titled, 0, len(titled.title), "title")
    good = check_attribution(headline_credit(titled.title, "Reuters"), [title], [titled])
    assert good.verdict == "pass"
    for line in (
        headline_credit("Senate rejects the bill", "Reuters"),
        headline_credit(titled.title, "Associated Press"),
    ):
        assert check_attribution(line, [title], [titled, AP]).verdict == "fail", line
    body = Evidence(titled, 0, len(titled.text))
    assert check_attribution(headline_credit("Text", "Reuters"), [body], [titled]).verdict == "fail"
