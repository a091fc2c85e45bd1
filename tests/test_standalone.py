"""Sentences made to stand alone before the writer uses them (``write/standalone.py``)."""

from __future__ import annotations

import pytest

from newsdesk.config import WriteSettings
from newsdesk.language.attribution import attribute
from newsdesk.language.text import Span, sentences
from newsdesk.records import Article, Sentence
from newsdesk.verify import check_sentence
from newsdesk.write.extractive import candidates
from newsdesk.write.standalone import standalone

TEXT = (
    "Health and Human Services Secretary Alex Azar announced the new rules on Monday.\n\n"
    "He said the rules would let patients compare prices before they see a doctor.\n\n"
    "“This is the most significant step in years for American patients,” he added.\n\n"
    "His agency will publish the final text of the rules next month."
)
RESOLVED = "Alex Azar said the rules would let patients compare prices before they see a doctor."
SOURCE = Article("hhs-1", "https://example.org/hhs", "Example News", "Rules", TEXT, "2019-06-24")


def sentence_of(fragment: str) -> Span:
    return next(s for s in sentences(TEXT) if fragment in s.text)


def test_a_pronoun_subject_speaker_or_possessive_becomes_the_person_the_source_means() -> None:
    said = standalone(SOURCE, sentence_of("He said"))
    added = standalone(SOURCE, sentence_of("he added"))
    agency = standalone(SOURCE, sentence_of("His agency"))
    assert said is not None and added is not None and agency is not None
    assert (
        said.text
        == "Alex Azar said the rules would let patients compare prices before they see a doctor."
    )
    assert added.text.endswith("” Alex Azar added.")
    assert agency.text.startswith("Alex Azar’s agency will publish")
    for made in (said, added, agency):
        own, naming = made.citations
        assert TEXT[naming.start : naming.end].startswith("Health and Human Services Secretary")
        assert "Alex Azar" not in TEXT[own.start : own.end]


def test_a_sentence_that_names_its_own_subject_keeps_it_and_has_its_day_pinned() -> None:
    first = sentence_of("announced")
    made = standalone(SOURCE, first)
    assert made is not None
    assert made.text == first.text.replace("on Monday.", "on Monday, June 24.")
    assert len(made.citations) == 1 and not made.relative


def test_a_day_the_source_cannot_pin_leaves_the_sentence_relative() -> None:
    text = "The senators met Tuesday night to discuss the bill with the White House."
    undated = Article("u-1", "https://example.org/u", "Example News", "Title", text)
    dated = Article("d-1", "https://example.org/d", "Example News", "Title", text, "2019-06-26")
    for article in (undated, dated):
        made = standalone(article, next(iter(sentences(text))))
        assert made is not None and made.relative and made.text == text


@pytest.mark.parametrize(
    "text",
    [
        # nobody named before it
        "He said the talks had failed and would not resume this year.",
        # two people named before it: the first full name is not the one the recogniser found
        "Hope Hicks will work with senior adviser Jared Kushner on the campaign.\n\n"
        "She left the White House in 2018 and moved to California.",
        # another pronoun left in the sentence
        "Hope Hicks left the White House in 2018.\n\n"
        "She moved to California, though she and Trump remained in touch.",
    ],
    ids=["unresolved", "two-people", "second-pronoun"],
)
def test_a_pronoun_that_may_mean_someone_else_makes_the_sentence_unusable(text: str) -> None:
    article = Article("p-1", "https://example.org/p", "Example News", "Title", text)
    assert standalone(article, list(sentences(text))[-1]) is None


def test_the_writer_uses_the_resolved_sentence_and_the_checker_passes_it() -> None:
    found = {c.printed: c for c in candidates([SOURCE], WriteSettings())}
    resolved = found[
        "Alex Azar said the rules would let patients compare prices before they see a doctor."
    ]
    assert len(resolved.citations) == 2
    printed = attribute(resolved.printed, SOURCE.outlet)  # one source: credited
    result = check_sentence(Sentence("body", printed, resolved.citations), {SOURCE.id: SOURCE}, 0.9)
    assert result.label == "supported", result.reason


def test_a_sentence_from_an_older_source_is_used_with_its_day_pinned_and_passes() -> None:
    later = Article(
        "hhs-2",
        "https://example.org/hhs-2",
        "Other News",
        "Rules",
        "Hospitals said they would challenge the price rules in court.",
        "2019-06-27",
    )
    found = {c.printed: c for c in candidates([SOURCE, later], WriteSettings(), "2019-06-27")}
    pinned = found[
        "Health and Human Services Secretary Alex Azar announced the new rules on Monday, June 24."
    ]
    result = check_sentence(
        Sentence("body", attribute(pinned.printed, SOURCE.outlet), pinned.citations),
        {SOURCE.id: SOURCE},
        0.9,
        as_of="2019-06-27",
    )
    assert result.label == "supported", result.reason
    moved = attribute(pinned.printed.replace("June 24", "June 25"), SOURCE.outlet)
    wrong = Sentence("body", moved, pinned.citations)
    result = check_sentence(wrong, {SOURCE.id: SOURCE}, 0.9, as_of="2019-06-27")
    assert result.label != "supported"
