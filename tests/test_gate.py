"""The verify gate: planted errors never survive it, and its record names each one."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

import pytest

from newsdesk.config import VerifySettings, WriteSettings
from newsdesk.language.attribution import split_attribution
from newsdesk.language.text import sentences
from newsdesk.records import Article, Citation, Draft, Sentence, SourceRef, Story
from newsdesk.verify import load_sources
from newsdesk.verify.gate import run_gate
from newsdesk.write.base import Flag, Usage, WriterError
from newsdesk.write.extractive import ExtractiveWriter
from spans import told_by

FIXTURES = Path(__file__).parent / "fixtures" / "planted"
FAKE_URL = "https://www.nbcnews.com/story_0000.html"


@pytest.fixture(scope="module")
def sources() -> list[Article]:
    return load_sources(FIXTURES / "sources.jsonl")


@pytest.fixture(scope="module")
def story(sources: list[Article]) -> Story:
    return Story(
        "s-gate",
        sources[0].title,
        tuple(a.id for a in sources),
        tuple(a.outlet for a in sources),
        None,
        None,
    )


def cited(sources: Sequence[Article], fragment: str) -> tuple[str, Citation]:
    """The source sentence containing ``fragment`` and a citation of it."""
    for source in sources:
        for span in sentences(source.text):
            if fragment in span.text:
                return span.text, Citation(source.id, span.start, span.end)
    raise AssertionError(f"no source sentence contains {fragment!r}")


def planted(sources: Sequence[Article], fragment: str, wrong: str) -> Sentence:
    """A body sentence that cites a real span but changes ``fragment`` to ``wrong``."""
    text, citation = cited(sources, fragment)
    return Sentence("body", text.replace(fragment, wrong), (citation,), paragraph=9)


PLANTS = [
    # (fragment of a real source sentence, what an automated writer puts instead)
    ("Attorney General William Barr countered", "Attorney General Jeff Sessions countered"),
    ("executed in more than 17 years", "executed in more than 25 years"),
    ("Lee on Tuesday became", "Lee on Thursday became"),
    ("It is shameful that the government", "It is disgraceful that the government"),
]


@pytest.fixture(scope="module")
def faulty(sources: list[Article], story: Story) -> Draft:
    """A faithful draft with planted errors: a wrong office-holder, an invented figure, a
    shifted date, an altered quote, a fabricated source URL and a wrong category."""
    draft = ExtractiveWriter(WriteSettings()).write(story, sources)
    bad = [planted(sources, fragment, wrong) for fragment, wrong in PLANTS]
    fake = SourceRef("fake", "NBC News", "Story", FAKE_URL, "2020-07-14")
    return replace(
        draft,
        category="Markets",
        sentences=(*draft.sentences, *bad),
        sources=(*draft.sources, fake),
    )


def test_no_planted_error_survives_the_gate(
    faulty: Draft, sources: list[Article], story: Story
) -> None:
    gated = run_gate(faulty, sources, ExtractiveWriter(WriteSettings()), VerifySettings())
    published = " ".join(s.text for s in gated.draft.sentences)
    for _, wrong in PLANTS:
        assert wrong not in published
    assert FAKE_URL not in {ref.url for ref in gated.draft.sources}
    assert gated.draft.category != "Markets"
    assert all(v.label == "supported" for v in gated.verdicts)
    assert len(gated.verdicts) == len(gated.draft.sentences)
    assert not gated.held


def test_the_record_names_each_planted_error(faulty: Draft, sources: list[Article]) -> None:
    record = run_gate(faulty, sources, ExtractiveWriter(WriteSettings()), VerifySettings()).record
    reasons = {d.text: d.reason for d in record.dropped}
    for _, wrong in PLANTS:
        text = next(t for t in reasons if wrong in t)
        assert reasons[text], f"no reason recorded for {text!r}"
    role = next(r for t, r in reasons.items() if "Jeff Sessions" in t)
    assert "Barr" in role
    figure = next(r for t, r in reasons.items() if "25 years" in t)
    assert "25" in figure
    assert FAKE_URL in record.note
    assert "Markets" in record.note
    assert record.drafted == len(faulty.sentences)


def test_verdicts_and_the_record_name_the_checks(faulty: Draft, sources: list[Article]) -> None:
    """What the site's "How this was checked" box and the JSON API report comes from here."""
    gated = run_gate(faulty, sources, ExtractiveWriter(WriteSettings()), VerifySettings())
    assert all("support" in v.checks for v in gated.verdicts)
    assert all(len(set(v.checks)) == len(v.checks) for v in gated.verdicts)
    assert any("number" in v.checks for v in gated.verdicts)
    failed = {d.text: d.check for d in gated.record.dropped}
    assert next(c for t, c in failed.items() if "Jeff Sessions" in t) == "role"
    assert next(c for t, c in failed.items() if "25 years" in t) == "number"
    assert all(failed.values())


def test_flagged_sentences_are_replaced_by_the_next_best_evidence(
    faulty: Draft, sources: list[Article]
) -> None:
    gated = run_gate(faulty, sources, ExtractiveWriter(WriteSettings()), VerifySettings())
    assert gated.record.rounds == 2
    assert gated.record.revised >= 1
    original = {s.text for s in faulty.sentences}
    new = [s for s in gated.draft.sentences if s.text not in original]
    assert new, "the revision round brought in no replacement sentence"
    by_id = {a.id: a for a in sources}
    for sentence in new:
        assert told_by(split_attribution(sentence.text).claim, sentence.citations, by_id)


def test_one_round_only_prunes(faulty: Draft, sources: list[Article]) -> None:
    settings = VerifySettings(max_rounds=1)
    gated = run_gate(faulty, sources, ExtractiveWriter(WriteSettings()), settings)
    assert gated.record.rounds == 1
    assert gated.record.revised == 0
    assert len(gated.draft.sentences) == len(faulty.sentences) - len(PLANTS)


def test_a_wrong_headline_holds_the_article(
    faulty: Draft, sources: list[Article], story: Story
) -> None:
    _, citation = cited(sources, "Lee on Tuesday became")
    headline = Sentence("headline", "Lee executed in Florence, Colorado", (citation,))
    draft = replace(faulty, sentences=(headline, *faulty.sentences[1:]))
    gated = run_gate(draft, sources, NoRevision(), VerifySettings())
    assert gated.held
    assert "headline" in gated.record.note


def test_an_article_that_loses_too_much_is_held(faulty: Draft, sources: list[Article]) -> None:
    bad = [planted(sources, fragment, wrong) for fragment, wrong in PLANTS]
    draft = replace(faulty, sentences=(*faulty.sentences[:2], *bad))
    gated = run_gate(draft, sources, NoRevision(), VerifySettings(min_kept=0.6))
    assert gated.held
    assert "2 of 6 sentences" in gated.record.note


def test_a_failing_revision_drops_the_flagged_sentences(
    faulty: Draft, sources: list[Article]
) -> None:
    gated = run_gate(faulty, sources, FailingRevision(), VerifySettings())
    assert "revision failed" in gated.record.note
    published = " ".join(s.text for s in gated.draft.sentences)
    assert all(wrong not in published for _, wrong in PLANTS)


class NoRevision:
    """A writer that keeps its draft as it is: the gate can only prune."""

    name = "fixed"
    version = "1"
    usage = Usage()

    def write(self, story: Story, articles: Sequence[Article]) -> Draft:
        raise NotImplementedError

    def revise(self, draft: Draft, flags: Sequence[Flag], articles: Sequence[Article]) -> Draft:
        return draft


class FailingRevision(NoRevision):
    def revise(self, draft: Draft, flags: Sequence[Flag], articles: Sequence[Article]) -> Draft:
        raise WriterError("the endpoint answered 503")
