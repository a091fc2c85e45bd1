"""The opinion check: commentary in the article's own voice is flagged, others' words pass."""

from __future__ import annotations

from pathlib import Path

import pytest

from newsdesk.records import Article, Evidence
from newsdesk.verify import check_article, check_claim, load_sources
from newsdesk.verify.checks import CHECKS
from newsdesk.verify.checks.opinion import check_opinion, inside_quotation, opinion_check, own_voice

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.mark.parametrize(
    ("sentence", "marker"),
    [
        ("The vote split the party, exposing deep rifts over trade.", "exposing deep rifts"),
        ("The ruling was a stunning rebuke to the White House.", "a stunning rebuke"),
        ("The decision will likely reshape the industry.", "will likely"),
        ("The resignation is a clear sign that the coalition is failing.", "a clear sign"),
        ("Whether the deal holds remains to be seen.", "remains to be seen"),
        ("In a major blow to the president, the court struck down the tariffs.", "In a major blow"),
        ("The company is poised to dominate the market.", "is poised to"),
        ("The merger signals a shift in the industry.", "signals a shift"),
        ("The treaty marks a turning point for the region.", "marks a turning point"),
        ("Sadly, the talks collapsed on Friday.", "Sadly"),
        ("The minister's reckless plan cost 2 billion euros.", "reckless"),
        ("Ministers Issue Stunning Rebuke Of Their Leader", "Stunning"),
    ],
)
def test_commentary_in_our_own_voice_is_flagged(sentence: str, marker: str) -> None:
    found = own_voice(sentence)
    assert [m.text for m in found][:1] == [marker]
    check = check_opinion(sentence)
    assert (check.kind, check.verdict, check.conflict) == ("opinion", "fail", None)
    assert f"“{marker}”" in check.detail


@pytest.mark.parametrize(
    "sentence",
    [
        # Quoted: the speaker's words.
        "The senator called the ruling “a stunning rebuke” of the administration.",
        '"This will likely reshape the industry," the analyst said.',
        "“It remains to be seen whether the deal holds.”",
        "Critics called it ‘a major blow’ to the talks.",
        # Credited to an outlet or a person: their judgement.
        "According to Reuters, the vote exposed deep rifts within the party.",
        "The vote was a stunning rebuke, The Hill reported.",
        "The plan is reckless, Smith said.",
        "Democrats hailed the ruling as a major victory.",
        "As Johnson says, the party will likely be on all 50 ballots.",
        "In what critics called a stunning rebuke, the court struck down the law.",
        "Sarah Sanders: Frankly the suggestion is absurd",
        # Plans and plain reporting.
        "The trial will likely start on January 6.",
        "The Senate is poised to begin voting on Tuesday.",
        "The Fed signaled that it would raise rates.",
        "A federal execution had not been carried out since 2003.",
        "Lee was executed at the federal prison in Terre Haute, Indiana.",
        "The court changed course after the hearing.",
        "Rescuers said the devastating floods killed 12 people.",
        "The singer joined Shocking Blue Records in 1990 after leaving school.",
        "The Remarkable Foods Company said profits rose.",
    ],
)
def test_quoted_credited_and_neutral_sentences_pass(sentence: str) -> None:
    assert own_voice(sentence) == []
    assert check_opinion(sentence).verdict == "pass"


def test_a_sentence_inside_a_running_quotation_is_the_speakers() -> None:
    opened = 'Pelosi said: "We gather today to exercise a solemn power.'
    middle = "It is tragic that the president's reckless actions make this necessary."
    assert inside_quotation([opened])
    assert inside_quotation([opened, "If we do not act now we would be derelict."])
    assert not inside_quotation(['He called it "a hoax."'])
    assert own_voice(middle, [opened]) == []
    assert [m.text for m in own_voice(middle, ["The House met on Wednesday."])] == ["reckless"]


def test_wording_copied_from_a_source_is_still_ours_without_credit() -> None:
    source = Article(
        "wire-1",
        "https://wire.test/1",
        "Wire",
        "Vote",
        "The vote exposed deep rifts within the party on Tuesday.",
    )
    evidence = [Evidence(source, 0, len(source.text))]
    claim = "The vote exposed deep rifts within the party."
    result = check_claim(claim, evidence)
    opinion = next(c for c in result.checks if c.kind == "opinion")
    assert opinion.verdict == "fail"
    assert "the wording is wire-1's: quote it or credit wire-1" in opinion.detail
    assert (result.label, result.decided_by) == ("unsupported", "opinion")
    credited = check_claim("The vote exposed deep rifts within the party, Wire reported.", evidence)
    assert next(c for c in credited.checks if c.kind == "opinion").verdict == "pass"


def test_opinion_is_one_of_the_checks() -> None:
    assert opinion_check in CHECKS


def test_opinion_makes_an_article_claim_unsupported_and_names_the_check() -> None:
    folder = FIXTURES / "planted"
    sources = load_sources(folder / "sources.jsonl")
    faithful = (folder / "faithful.md").read_text(encoding="utf-8")
    plain = "A federal execution had not been carried out since 2003, The Hill reported."
    planted = (
        "In a major blow to opponents, a federal execution had not been carried out since 2003."
    )
    report = check_article(faithful.replace(plain, planted), sources, name="post.md")
    flagged = [c for c in report.claims if c.verdict != "supported"]
    assert [(c.unit.text, c.verdict, c.kind) for c in flagged] == [
        (planted, "unsupported", "opinion")
    ]
    assert flagged[0].to_dict()["decided_by"] == "opinion"
    assert "unsupported opinion commentary in the article's own voice" in report.format_text()


@pytest.mark.parametrize(
    ("folder", "name"),
    [("planted", "faithful.md"), ("check", "faithful.md"), ("check", "faithful.html")],
)
def test_faithful_articles_raise_no_opinion_flag(folder: str, name: str) -> None:
    sources = load_sources(FIXTURES / folder / "sources.jsonl")
    text = (FIXTURES / folder / name).read_text(encoding="utf-8")
    report = check_article(text, sources, name=name, model=False)
    opinions = [
        (c.unit.text, check.detail)
        for c in report.claims
        for check in c.result.checks
        if check.kind == "opinion" and check.verdict == "fail"
    ]
    assert opinions == []
