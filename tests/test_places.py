"""The place check: the claim's event must be where the sources put it.

Sources are real reporting: the first federal execution in 17 years (Terre
Haute, Indiana, July 2020) from the bundled sample, and the Biden-Putin summit
in Geneva and the NATO summit in Brussels from the AllSides 2021 excerpts.
Claims copy their sentences and plant the error the check exists for: the same
event moved to another city.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from newsdesk.config import SAMPLE_DUMP
from newsdesk.ingest import parse_article
from newsdesk.language.text import sentences
from newsdesk.records import Article, Evidence
from newsdesk.verify.checks.places import check_places, names, place_key, place_kind, places

EXCERPTS = Path(__file__).parent / "fixtures" / "allsides" / "excerpts.jsonl"
"""Seven AllSides 2021 excerpt stories (see the folder's README)."""

HILL = "baly-2W1WED0JCBIU7WlD"  # "... at the federal prison in Terre Haute, Ind., ..."
NBC = "baly-IHtW6TgHxlfrPJsk"  # "... at a prison in Indiana ...", "... in Terre Haute."

EXECUTED = "was executed by lethal injection at the federal prison in"


def _article(record: dict[str, str | None]) -> Article:
    return parse_article(record)


@pytest.fixture(scope="module")
def execution() -> list[Article]:
    lines = Path(str(SAMPLE_DUMP)).read_text(encoding="utf-8").splitlines()
    articles = {a.id: a for a in (_article(json.loads(line)) for line in lines)}
    return [articles[HILL], articles[NBC]]


@pytest.fixture(scope="module")
def excerpts() -> list[Article]:
    lines = EXCERPTS.read_text(encoding="utf-8").splitlines()
    return [_article(json.loads(line)) for line in lines]


def story(articles: list[Article], prefix: str) -> list[Article]:
    return [a for a in articles if a.id.startswith(prefix)]


# --- finding places --------------------------------------------------------------------------


def test_a_city_with_its_state_is_one_place() -> None:
    found = places(f"Daniel Lewis Lee {EXECUTED} Terre Haute, Ind., on Tuesday.")
    assert [(p.name, p.kind, p.container, p.preposition) for p in found] == [
        ("Terre Haute", "city", "indiana", "in")
    ]


def test_a_dateline_places_the_story() -> None:
    found = places("TERRE HAUTE, Ind. (AP) — Daniel Lewis Lee was executed on Tuesday.")
    assert [(p.key, p.preposition, p.container) for p in found] == [
        ("terre haute", "dateline", "indiana")
    ]


def test_dates_and_people_are_not_places() -> None:
    assert places("The vote came in January after hearings on Tuesday.") == []
    assert places("The Eighth Amendment bars cruel and unusual punishment.") == []


def test_aliases_and_kinds() -> None:
    assert place_key("D.C.") == place_key("Washington") == "washington"
    assert place_key("U.S.") == place_key("the United States") == "united states"
    assert place_key("Ind.") == "indiana"
    assert names("in Terre Haute, Ind., and pronounced dead", "indiana")
    assert not names("told us about it", "united states")  # "us" is not the U.S.
    assert [place_kind(k, "GPE") for k in ("geneva", "indiana", "france")] == [
        "city",
        "state",
        "country",
    ]
    assert place_kind("white house", "FAC") == "facility"


# --- checking claims -------------------------------------------------------------------------


def test_a_claim_without_a_place_is_not_applicable(execution: list[Article]) -> None:
    claim = "The Eighth Amendment bars cruel and unusual punishment."
    assert check_places(claim, [], execution).verdict == "n/a"


def test_the_right_city_passes(execution: list[Article]) -> None:
    claim = f"Daniel Lewis Lee {EXECUTED} Terre Haute, Indiana."
    check = check_places(claim, [], execution)
    assert (check.verdict, check.conflict) == ("pass", None)
    assert "Terre Haute" in check.detail


def test_a_state_abbreviation_names_the_state(execution: list[Article]) -> None:
    hill = execution[0]
    claim = "Lee was executed at the federal prison in Indiana on Tuesday."
    assert check_places(claim, [], [hill]).verdict == "pass"  # Hill: "Terre Haute, Ind."


def test_a_planted_wrong_city_is_contradicted(execution: list[Article]) -> None:
    claim = f"Daniel Lewis Lee {EXECUTED} Indianapolis."
    check = check_places(claim, [], execution)
    assert check.verdict == "fail" and check.conflict is not None
    conflict = check.conflict
    assert check.detail == f"claim places it in Indianapolis; {conflict.source.id} says Terre Haute"
    assert conflict.quote == conflict.source.text[conflict.start : conflict.end]
    assert conflict.quote in {s.text for s in sentences(conflict.source.text)}
    assert "Terre Haute" in conflict.quote


def test_a_wrong_state_is_contradicted_by_a_state(execution: list[Article]) -> None:
    nbc = execution[1]
    claim = "The U.S. carried out the first federal execution in 17 years at a prison in Ohio."
    check = check_places(claim, [], [nbc])
    assert check.conflict is not None and check.detail.endswith("says Indiana")


def test_places_of_different_kinds_do_not_contradict(execution: list[Article]) -> None:
    claim = f"Daniel Lewis Lee {EXECUTED} Canada."  # a country, the sources name a city
    check = check_places(claim, [], execution)
    assert (check.verdict, check.conflict) == ("fail", None)
    assert check.detail == "no source places it in Canada"


def test_a_sentence_about_another_event_does_not_contradict(execution: list[Article]) -> None:
    claim = "The governor spoke about the state budget in Chicago."
    check = check_places(claim, [], execution)
    assert (check.verdict, check.conflict) == ("fail", None)


def test_cited_evidence_that_names_the_place_passes(execution: list[Article]) -> None:
    hill = execution[0]
    start = hill.text.index("Lee, 47, a white supremacist")
    end = hill.text.index("according to the Bureau of Prisons.", start)
    claim = "He died in Terre Haute."  # shares almost no words with the evidence
    check = check_places(claim, [Evidence(hill, start, end)], [])
    assert check.verdict == "pass" and HILL in check.detail


def test_summit_city_passes_and_a_planted_one_is_contradicted(excerpts: list[Article]) -> None:
    sources = story(excerpts, "allsides2021-6012")
    right = "President Biden and Russian President Vladimir Putin will meet in Geneva on June 16."
    assert check_places(right, [], sources).verdict == "pass"
    wrong = "President Biden and Russian President Vladimir Putin will meet in Vienna on June 16."
    check = check_places(wrong, [], sources)
    assert check.conflict is not None
    assert check.detail.startswith("claim places it in Vienna; allsides2021-6012-")
    assert check.detail.endswith("says Geneva")


def test_paris_for_brussels(excerpts: list[Article]) -> None:
    sources = story(excerpts, "allsides2021-6107")
    claim = "Biden will attend the June 14 NATO Summit in Paris."
    check = check_places(claim, [], sources)
    assert check.conflict is not None
    assert check.detail == "claim places it in Paris; allsides2021-6107-left says Brussels"
    faithful = "Biden will attend the June 14 NATO Summit in Brussels."
    assert check_places(faithful, [], sources).verdict == "pass"
