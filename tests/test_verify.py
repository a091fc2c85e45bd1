"""The minimal checker: each drafted sentence against the spans it cites."""

from __future__ import annotations

import pytest

from newsdesk.records import Article, Citation, Sentence
from newsdesk.verify import check_sentence

TEXT = (
    "The Senate voted 51-49 on Tuesday to confirm the nominee. "
    "“This is a great day for the country,” said Mitch McConnell. "
    "The vote came after 14 hours of debate."
)
SOURCE = Article("r1", "https://example.org/r1", "Reuters", "Senate confirms nominee", TEXT)
OTHER = Article("f1", "https://example.org/f1", "Fox News", "Other", "Unrelated text here.")
AP = Article(
    "a1",
    "https://example.org/a1",
    "Associated Press",
    "Senate confirms nominee",
    "After the vote, Mitch McConnell told reporters: “This is a great day for the country.” "
    "Democrats had sought to delay the confirmation for weeks, citing the nominee's record "
    "on labor cases.",
)
"""A second, independent report: a sentence in the newsroom's own voice needs two."""
SOURCES = {a.id: a for a in (SOURCE, OTHER, AP)}


def span(fragment: str, article: Article = SOURCE) -> Citation:
    start = article.text.index(fragment)
    return Citation(article.id, start, start + len(fragment))


FIRST = "The Senate voted 51-49 on Tuesday to confirm the nominee."
QUOTE = "“This is a great day for the country,” said Mitch McConnell."


def verdict(text: str, *citations: Citation, speaker: str | None = None) -> tuple[str, str]:
    result = check_sentence(Sentence("body", text, citations, speaker=speaker), SOURCES, 0.9)
    return result.label, result.reason


def test_verbatim_sentence_with_attribution_is_supported() -> None:
    assert verdict(
        "According to Reuters, the Senate voted 51-49 on Tuesday to confirm the nominee.",
        span(FIRST),
    ) == ("supported", "")
    assert (
        verdict(
            "The Senate voted 51-49 on Tuesday to confirm the nominee, Reuters reported.",
            span(FIRST),
        )[0]
        == "supported"
    )


def test_headline_cites_the_title() -> None:
    title = Citation("r1", 0, len(SOURCE.title), "title")
    second = Citation("a1", 0, len(AP.title), "title")
    assert verdict("Senate confirms nominee", title, second)[0] == "supported"
    label, reason = verdict("Senate confirms nominee", title)
    assert label == "unsupported" and reason.startswith("only Reuters reports this")


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        (
            "According to Fox News, the Senate voted 51-49 on Tuesday to confirm the nominee.",
            "credits Fox News, but the supporting text is from Reuters",
        ),
        (
            "The Senate voted 51-49 on Tuesday to reject the nominee and impeach the judge.",
            "content words are in the cited text",
        ),
        ("“This is a sad day for the country,” said Mitch McConnell.", "quotation not in"),
    ],
)
def test_changed_claims_are_not_supported(text: str, reason: str) -> None:
    label, why = verdict(text, span(FIRST) if "voted" in text else span(QUOTE))
    assert label == "unsupported"
    assert reason in why


def test_a_different_number_for_the_same_vote_contradicts() -> None:
    label, reason = verdict(
        "The Senate voted 52-48 on Tuesday to confirm the nominee.", span(FIRST)
    )
    assert label == "contradicted"
    assert reason == "claim says 52-48; r1 says 51-49"


def test_quote_speaker_must_be_the_one_the_source_names() -> None:
    told = "Mitch McConnell told reporters: “This is a great day for the country.”"
    both = (span(QUOTE), span(told, AP))
    assert verdict(QUOTE, *both, speaker="Mitch McConnell")[0] == "supported"
    label, reason = verdict(QUOTE, span(QUOTE), speaker="Chuck Schumer")
    assert label == "contradicted"
    assert reason == "r1 gives these words to Mitch McConnell, not Chuck Schumer"


def test_citation_must_point_inside_a_known_article() -> None:
    assert verdict(FIRST, Citation("r1", 10, 10_000)) == (
        "unsupported",
        "citation 1 span [10, 10000) lies outside the text of 'r1'",
    )
    assert verdict(FIRST, Citation("nope", 0, 5))[1] == "citation 1 names unknown article 'nope'"
    assert verdict(FIRST) == ("unsupported", "no source span is cited")


def test_citing_the_wrong_span_is_not_supported() -> None:
    label, _ = verdict(FIRST, span("The vote came after 14 hours of debate."))
    assert label == "unsupported"


@pytest.mark.parametrize("apostrophe", ["'", "’"])
def test_a_copy_that_drops_the_sources_negation_is_not_passed_on_word_coverage(
    apostrophe: str,
) -> None:
    text = f"The problem with the cartoon isn{apostrophe}t that it was a willful act of malice."
    source = Article("n1", "https://example.org/n1", "The Times", "Cartoon", text)
    claim = "The problem with the cartoon is that it was a willful act of malice."
    sentence = Sentence("body", claim, (Citation("n1", 0, len(text)),))
    result = check_sentence(sentence, {"n1": source}, 0.9)
    assert result.label == "unsupported", result.reason
    assert "negated" in result.reason
