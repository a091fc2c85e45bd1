"""Credits to outlets: which names are outlets, and whether a credit is founded."""

from __future__ import annotations

import pytest

from newsdesk.language.attribution import (
    attribute,
    credited_outlets,
    display_name,
    is_outlet,
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
