"""The verify gate: nothing reaches a reader until the checker has passed it.

A draft is checked sentence by sentence against its story's sources, as of
the story's date. Flagged sentences go back to the writer with the checker's
reason (``Writer.revise``), and the revised draft is checked again, up to
``max_rounds`` checks in all. What still fails is dropped, and every drop is
recorded with its reason. The category must fit the content and every entry
of the Sources list must be one of the story's own articles. A draft that
loses its headline or keeps less than ``min_kept`` of its sentences is held
for review instead of published: an article hollowed out by the gate would
mislead by omission.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, replace

from newsdesk.config import VerifySettings
from newsdesk.errors import NewsdeskError
from newsdesk.language.sections import best_of, fits
from newsdesk.language.sections import scores as section_scores
from newsdesk.language.support import check_support, combined_support
from newsdesk.language.urls import normalize_url
from newsdesk.records import (
    CATEGORIES,
    Article,
    Draft,
    Dropped,
    GateRecord,
    Sentence,
    SourceRef,
    Verdict,
)
from newsdesk.verify.checker import check_sentence, page_contexts
from newsdesk.verify.checks import ClaimResult, index_sources, prefetch
from newsdesk.verify.checks.base import SupportFn
from newsdesk.write.base import Flag, Writer

log = logging.getLogger("newsdesk.verify.gate")

Support = SupportFn


@dataclass(frozen=True)
class Gated:
    """A draft after the gate: only sentences that passed, their verdicts, and the record."""

    draft: Draft
    verdicts: tuple[Verdict, ...]
    record: GateRecord

    @property
    def held(self) -> bool:
        return self.record.held


def check_draft_sentences(
    draft: Draft, articles: Sequence[Article], settings: VerifySettings, support: Support
) -> list[ClaimResult]:
    """The checker's result on every sentence of ``draft``, in order."""
    sources = {article.id: article for article in articles}
    index_sources(articles)
    prefetch(sentence.text for sentence in draft.sentences)
    return [
        check_sentence(
            sentence,
            sources,
            settings.min_coverage,
            as_of=draft.date,
            support=support,
            context=context,
        )
        for sentence, context in zip(draft.sentences, page_contexts(draft), strict=True)
    ]


def run_gate(
    draft: Draft,
    articles: Sequence[Article],
    writer: Writer,
    settings: VerifySettings,
    *,
    support: Support | None = None,
    earlier: GateRecord | None = None,
) -> Gated:
    """Check, revise and prune ``draft`` until every sentence left is supported.

    ``earlier`` is the record of a gate this draft already went through (a
    checker since replaced): what it dropped stays on the record, and the share
    of sentences kept is counted against the draft as first written.
    """
    support = support or combined_support(check_support, settings.min_coverage)
    drafted = earlier.drafted if earlier else len(draft.sentences)
    dropped: list[Dropped] = list(earlier.dropped) if earlier else []
    revised = earlier.revised if earlier else 0
    notes: list[str] = [draft.note] if draft.note else []
    draft, category_note = _fit_category(draft, articles)
    if category_note:
        notes.append(category_note)
    draft, link_notes = _known_sources(draft, articles)
    notes.extend(link_notes)
    rounds = 0
    while True:
        rounds += 1
        results = check_draft_sentences(draft, articles, settings, support)
        flags = [
            Flag(position, sentence.text, result.label, result.reason, failed(result))
            for position, (sentence, result) in enumerate(
                zip(draft.sentences, results, strict=True)
            )
            if result.label != "supported"
        ]
        if not flags or rounds >= max(1, settings.max_rounds):
            break
        try:
            revision = writer.revise(draft, flags, articles)
        except NewsdeskError as error:
            notes.append(f"revision failed, flagged sentences dropped: {error}")
            log.warning("story %s: %s", draft.story_id, notes[-1])
            break
        before = {sentence.text for sentence in draft.sentences}
        after = {sentence.text for sentence in revision.sentences}
        dropped.extend(_dropped(draft, flags, results, after, rounds))
        revised += len(after - before)
        draft = revision
    kept: list[Sentence] = []
    verdicts: list[Verdict] = []
    for sentence, result in zip(draft.sentences, results, strict=True):
        if result.label == "supported":
            verdicts.append(Verdict(len(kept), "supported", checks=passed(result)))
            kept.append(sentence)
        else:
            dropped.append(
                Dropped(sentence.kind, sentence.text, result.reason, rounds, failed(result))
            )
    headline_lost = not any(s.kind == "headline" for s in kept)
    final = replace(draft, sentences=tuple(renumber(kept)))
    share = len(kept) / drafted if drafted else 0.0
    held = headline_lost or share < settings.min_kept
    if headline_lost:
        notes.append("held for review: the headline did not pass the checker")
    elif held:
        notes.append(
            f"held for review: {len(kept)} of {drafted} sentences passed "
            f"({share:.0%} < {settings.min_kept:.0%})"
        )
    record = GateRecord(
        story_id=draft.story_id,
        writer=draft.writer,
        rounds=rounds,
        drafted=drafted,
        kept=len(kept),
        revised=revised,
        dropped=tuple(dropped),
        held=held,
        note="; ".join(notes),
    )
    return Gated(final, tuple(verdicts), record)


def passed(result: ClaimResult) -> tuple[str, ...]:
    """The checks a sentence passed, each once, in the order they ran."""
    return tuple(dict.fromkeys(c.kind for c in result.checks if c.verdict == "pass"))


def failed(result: ClaimResult) -> str:
    """The check that decided a failed verdict (empty when none names itself)."""
    deciding = result.deciding
    return deciding.kind if deciding is not None else ""


def _dropped(
    draft: Draft,
    flags: Sequence[Flag],
    results: Sequence[ClaimResult],
    after: set[str],
    round_: int,
) -> list[Dropped]:
    """Flagged sentences the writer's revision no longer contains (replaced or removed)."""
    return [
        Dropped(
            draft.sentences[flag.position].kind,
            flag.text,
            flag.reason,
            round_,
            failed(results[flag.position]),
        )
        for flag in flags
        if flag.text not in after
    ]


def renumber(sentences: Sequence[Sentence]) -> list[Sentence]:
    """Paragraph numbers without the gaps that dropped sentences leave."""
    numbers: dict[int, int] = {}
    out = []
    for sentence in sentences:
        if sentence.kind == "body":
            number = numbers.setdefault(sentence.paragraph, len(numbers) + 1)
            sentence = replace(sentence, paragraph=number)
        out.append(sentence)
    return out


def _fit_category(draft: Draft, articles: Sequence[Article]) -> tuple[Draft, str]:
    """Refile a draft whose category does not fit its sources (peace talks are not Markets)."""
    scores = section_scores(articles)
    best = best_of(scores)
    if draft.category in CATEGORIES and fits(draft.category, scores):
        return draft, ""
    note = f"category {draft.category!r} does not fit the sources; filed under {best}"
    return replace(draft, category=best), note


def _known_sources(draft: Draft, articles: Sequence[Article]) -> tuple[Draft, list[str]]:
    """Keep only Sources entries that are the story's articles, with their real URL and title."""
    by_url = {normalize_url(a.url): a for a in articles}
    by_id = {a.id: a for a in articles}
    kept: list[SourceRef] = []
    notes = []
    for ref in draft.sources:
        article = by_id.get(ref.article_id) or by_url.get(normalize_url(ref.url))
        if article is None or normalize_url(article.url) != normalize_url(ref.url):
            notes.append(f"source link dropped: {ref.url} is not one of the story's articles")
            continue
        kept.append(
            SourceRef(article.id, article.outlet, article.title, article.url, ref.published)
        )
    return replace(draft, sources=tuple(kept)), notes
