"""Quotations must be verbatim in a source, and said by whom the claim says."""

from __future__ import annotations

import pytest

from newsdesk.records import Article
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
