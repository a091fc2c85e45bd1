"""Quotations must be verbatim in a source, and said by whom the claim says."""

from __future__ import annotations

from pathlib import Path

import pytest

from newsdesk.records import Article, Evidence
from newsdesk.verify import load_sources
from newsdesk.verify.checker import check_claim
from newsdesk.verify.checks.quotes import check_quotes

QUOTE = (
    "It is shameful that the government saw fit to carry out this execution when counsel "
    "for Danny Lee could not be present with him"
)


@pytest.fixture(scope="module")
def sources(sample_articles: list[Article]) -> list[Article]:
    return [a for a in sample_articles if a.extra["cluster_id"] == "allsides-train-2401"]


@pytest.mark.parametrize(
    "claim",
    [
        f"“{QUOTE},” Ruth Friedman said.",
        f'"{QUOTE.upper()}," said Ruth Friedman.',
        "“It is shameful that the government … carry out this execution,” Friedman said.",
        "“It is shameful that the government saw fit to carry out this execution ... when "
        "counsel for Danny Lee could not be present,” Friedman said.",
    ],
)
def test_verbatim_up_to_style_case_and_ellipses(sources: list[Article], claim: str) -> None:
    quote, speaker, evidence = check_quotes(claim, sources)
    assert (quote.verdict, speaker.verdict) == ("pass", "pass")
    assert evidence and "shameful" in evidence[0].quote
    assert evidence[0].source.text[evidence[0].start : evidence[0].end] == evidence[0].quote


def test_altered_quote_fails(sources: list[Article]) -> None:
    claim = "“It is a proud day that the government carried out this execution,” Friedman said."
    quote, _, _ = check_quotes(claim, sources)
    assert quote.verdict == "fail"
    assert quote.detail.startswith("quotation not in any source")


def test_quote_given_to_another_speaker_is_contradicted(sources: list[Article]) -> None:
    _, speaker, _ = check_quotes(f"“{QUOTE},” said William Barr.", sources)
    assert speaker.verdict == "fail"
    assert speaker.conflict is not None
    assert "gives these words to Friedman, not William Barr" in speaker.detail


def test_no_quotation_is_not_applicable(sources: list[Article]) -> None:
    quote, speaker, evidence = check_quotes("The execution went ahead.", sources)
    assert (quote.verdict, speaker.verdict, evidence) == ("n/a", "n/a", [])


# Words a source prints inside quotation marks, printed by a claim without them.

CORNYN = (
    "You have one isolated and tragic event and people extrapolate that and suggest this "
    "problem is an epidemic."
)
"""The middle sentence of a quotation in CNN's report (allsides-train-0760): no mark of its
own, credited to Sen. John Cornyn two sentences later."""


def cited(source: Article, sentence: str) -> list[Evidence]:
    start = source.text.index(sentence)
    return [Evidence(source, start, start + len(sentence))]


@pytest.fixture(scope="module")
def cnn(sample_articles: list[Article]) -> Article:
    return next(a for a in sample_articles if a.id == "baly-gJb6sNQF7B3YOd3T")


@pytest.fixture(scope="module")
def execution() -> list[Article]:
    return load_sources(Path(__file__).parent / "fixtures" / "planted" / "sources.jsonl")


@pytest.mark.parametrize(
    "claim",
    [
        f"{CORNYN.removesuffix('.')}, CNN reported.",
        f"According to CNN, {CORNYN[0].lower()}{CORNYN[1:]}",
        "Cornyn said that people extrapolate one isolated and tragic event and suggest this "
        "problem is an epidemic.",
    ],
)
def test_quoted_words_without_their_marks_fail_naming_the_speaker(cnn: Article, claim: str) -> None:
    result = check_claim(claim, cited(cnn, CORNYN))
    assert result.label == "unsupported"
    assert result.decided_by == "speaker"
    assert result.reason.startswith("words of Sen. John Cornyn published without quotation marks")
    assert "suggest this problem is an epidemic”" in result.reason


@pytest.mark.parametrize(
    "claim",
    [
        f"“{CORNYN.removesuffix('.')},” Sen. John Cornyn said.",
        "Cornyn said people “extrapolate that and suggest this problem is an epidemic.”",
        "Cornyn said one tragic event did not mean the problem was an epidemic.",
        "Cornyn called it one isolated and tragic event.",
    ],
)
def test_quotations_with_their_marks_paraphrases_and_short_phrases_pass(
    cnn: Article, claim: str
) -> None:
    unmarked = next(c for c in check_claim(claim, cited(cnn, CORNYN)).checks if "marks" in c.detail)
    assert unmarked.verdict == "n/a", unmarked.detail


def test_words_a_cited_outlet_prints_as_its_own_prose_pass(cnn: Article) -> None:
    """An outlet that printed the words without marks itself is the claim's source for them."""
    retold = Article("r1", "https://example.org/r1", "Example", "Cornyn", f"Cornyn spoke. {CORNYN}")
    claim = f"{CORNYN.removesuffix('.')}, Example reported."
    both = [*cited(cnn, CORNYN), *cited(retold, CORNYN)]
    assert check_claim(claim, both).label == "supported"
    assert check_claim(claim, cited(cnn, CORNYN)).decided_by == "speaker"


def test_words_from_the_middle_of_a_quotation_name_its_speaker(execution: list[Article]) -> None:
    """The Hill: “…,” Friedman said. “And it is beyond shameful that the government, in the end,
    carried out this execution in haste, … sleeping. We hope …”: the quotation's speaker is
    named in the sentence before it."""
    hill = next(a for a in execution if a.outlet == "The Hill")
    sentence = next(s for s in hill.text.split('"') if s.startswith("And it is beyond"))
    claim = (
        "The Hill reported that the government carried out this execution in haste, in the "
        "middle of the night, while the country was sleeping."
    )
    result = check_claim(claim, cited(hill, sentence.strip()), sources=execution)
    assert result.decided_by == "speaker"
    assert result.reason.startswith("words of Friedman published without quotation marks: “carried")


def test_quote_marks_kept_but_the_speaker_lost_fails(execution: list[Article]) -> None:
    """The last sentence of Friedman's quotation names no one; the sentence before the
    quotation opened does."""
    claim = "“We hope that upon awakening, the country will be as outraged as we are,” it said."
    quote, speaker, _ = check_quotes(claim.replace(" it said", " The Hill reported"), execution)
    assert quote.verdict == "pass"
    assert speaker.verdict == "fail", speaker.detail
    assert "gives these words to Friedman" in speaker.detail
    _, named, _ = check_quotes(claim.replace("it said", "Ruth Friedman said"), execution)
    assert named.verdict == "pass", named.detail
