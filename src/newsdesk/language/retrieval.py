"""Find the source spans that best cover a claim: the evidence a claim is judged on.

``newsdesk check`` reads articles that cite nothing, and the LLM writer gets
sentences that name sources but no spans, so both need the same step: every
source sentence and title is a candidate, and a greedy cover picks the few
spans that together hold most of the claim's content words.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

from newsdesk.language.attribution import split_attribution
from newsdesk.language.text import content_words, sentences
from newsdesk.records import Article, Evidence

MAX_EVIDENCE = 3
"""Spans a claim may rest on: enough for a sentence that merges two source sentences."""
MIN_SHARED = 2
"""Content words a span must share with a claim to be evidence for it."""


@dataclass(frozen=True)
class Candidate:
    """A source span that may be evidence, with its content words for scoring."""

    evidence: Evidence
    words: frozenset[str]


def candidates_of(source: Article) -> list[Candidate]:
    """The source's title and each of its sentences, as candidate spans."""
    return [
        Candidate(Evidence(source, start, end, field), words)
        for field, start, end, words in _segments(source.title, source.text)
    ]


@functools.lru_cache(maxsize=4096)
def _segments(
    title: str, text: str
) -> tuple[tuple[Literal["text", "title"], int, int, frozenset[str]], ...]:
    """Spans and content words of a source's title and sentences, split once per text:
    every article checked against a story's sources reads the same texts again."""
    found: list[tuple[Literal["text", "title"], int, int, frozenset[str]]] = []
    stripped = title.strip()
    if stripped:
        start = title.index(stripped)
        found.append(("title", start, start + len(stripped), frozenset(content_words(stripped))))
    for span in sentences(text):
        found.append(("text", span.start, span.end, frozenset(content_words(span.text))))
    return tuple(found)


def title_span(source: Article) -> Evidence | None:
    """The source's title as a span (without surrounding blanks), if it has one."""
    title = source.title.strip()
    if not title:
        return None
    start = source.title.index(title)
    return Evidence(source, start, start + len(title), "title")


def select(claim_words: set[str], pool: Sequence[Candidate]) -> list[Evidence]:
    """Greedy cover: up to ``MAX_EVIDENCE`` spans, each adding the most uncovered words.

    A span must share ``MIN_SHARED`` words with the claim, so that one common
    word ("offers") cannot pull in a sentence about another story; at equal
    gain, a span from a source already chosen wins.
    """
    chosen: list[Evidence] = []
    missing = set(claim_words)
    shared = min(MIN_SHARED, len(claim_words))
    pool = [c for c in pool if shared and len(c.words & claim_words) >= shared]
    for _ in range(MAX_EVIDENCE):
        used = {e.source.id for e in chosen}
        best = max(
            pool,
            key=lambda c: (
                len(c.words & missing),
                c.evidence.source.id in used,
                len(c.words & claim_words),
                -len(c.words),
            ),
            default=None,
        )
        if best is None or not best.words & missing:
            break
        chosen.append(best.evidence)
        missing -= best.words
        if not missing:
            break
    return chosen


def find_evidence(text: str, sources: Iterable[Article]) -> list[Evidence]:
    """The spans of ``sources`` that best cover ``text`` (its attribution set aside)."""
    claim_words = set(content_words(split_attribution(text).claim))
    pool = [candidate for source in sources for candidate in candidates_of(source)]
    return select(claim_words, pool)
