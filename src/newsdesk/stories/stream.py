"""Cluster a whole set of articles as one stream, outside the store.

This is what ``newsdesk stories --eval`` and the benchmark run: articles in
date order (those with no date last, matched against every story), features
computed chunk by chunk as the stage computes them, and the final story of
every article after all merges and moves.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

from newsdesk.records import Article
from newsdesk.stories.clusterer import Clusterer, Decision, Params, day_number
from newsdesk.stories.embeddings import Embedder
from newsdesk.stories.features import Features, featurize, has_text
from newsdesk.stories.terms import DocumentCounts

CHUNK = 500
"""Articles featurized together: one embedding pass, one update of the word counts."""

EMPTY_TEXT = "no title or text to compare; not clustered"


def clustering_date(article: Article) -> str | None:
    """The date clustering places an article on: its publication date, unless that was
    only read from its text (``language/dating.py``), an estimate that splits more
    stories across days than matching by content alone does."""
    return None if article.date_source == "text" else article.published


def stream_order(articles: Sequence[Article]) -> list[Article]:
    """Dated articles by (date, id), then undated ones by id."""
    dated = sorted(
        (a for a in articles if clustering_date(a)), key=lambda a: (clustering_date(a) or "", a.id)
    )
    undated = sorted((a for a in articles if not clustering_date(a)), key=lambda a: a.id)
    return dated + undated


@dataclass
class Redirects:
    """Where merged stories went; ``resolve`` follows a chain to the story that is left."""

    into: dict[str, str] = field(default_factory=dict)

    def add(self, old: str, new: str) -> None:
        self.into[old] = new

    def resolve(self, story_id: str) -> str:
        seen = {story_id}
        while story_id in self.into and self.into[story_id] not in seen:
            story_id = self.into[story_id]
            seen.add(story_id)
        return story_id


@dataclass
class StreamResult:
    """Article id -> final story id, with what happened on the way."""

    assignment: dict[str, str]
    skipped: dict[str, str]
    merges: int = 0
    moves: int = 0
    copies: int = 0
    peak_open: int = 0

    @property
    def stories(self) -> int:
        return len(set(self.assignment.values()))


class Tracker:
    """Keeps every article's current story as decisions merge and move stories."""

    def __init__(self) -> None:
        self.assignment: dict[str, str] = {}
        self.redirects = Redirects()
        self.merges = self.moves = self.copies = 0

    def record(self, decision: Decision) -> None:
        self.assignment[decision.article_id] = decision.story_id
        for old, new in decision.merged:
            self.redirects.add(old, new)
        for article_id, story_id in decision.moved:
            self.assignment[article_id] = story_id
        self.merges += len(decision.merged)
        self.moves += len(decision.moved)
        self.copies += decision.copy_of is not None

    def final(self) -> dict[str, str]:
        return {a: self.redirects.resolve(s) for a, s in self.assignment.items()}


def stream_features(
    ordered: Sequence[Article], embedder: Embedder, *, names: bool = False
) -> dict[str, Features]:
    """Features of ``ordered`` (stream order), chunk by chunk as the stage computes them."""
    counts = DocumentCounts()
    found: dict[str, Features] = {}
    for start in range(0, len(ordered), CHUNK):
        chunk = ordered[start : start + CHUNK]
        for article, features in zip(
            chunk, featurize(chunk, embedder, counts, names=names), strict=True
        ):
            found[article.id] = features
    return found


def cluster_features(
    ordered: Sequence[Article],
    features: Mapping[str, Features],
    params: Params,
    *,
    archive: bool = True,
    on_decision: Callable[[Decision], None] | None = None,
) -> StreamResult:
    """Cluster articles whose features are computed, in the order given."""
    clusterer = Clusterer(params, archive=archive)
    tracker = Tracker()
    for article in ordered:
        decision = clusterer.assign(features[article.id], day_number(clustering_date(article)))
        tracker.record(decision)
        if on_decision is not None:
            on_decision(decision)
    return StreamResult(
        assignment=tracker.final(),
        skipped={},
        merges=tracker.merges,
        moves=tracker.moves,
        copies=tracker.copies,
        peak_open=clusterer.peak_open,
    )


def cluster_stream(
    articles: Sequence[Article],
    params: Params,
    embedder: Embedder,
    *,
    names: bool = False,
) -> StreamResult:
    """Cluster ``articles`` from scratch as one stream, as the stage would place them.

    Articles with neither title nor text are left out, each with its reason.
    """
    ordered = stream_order(articles)
    skipped = {a.id: EMPTY_TEXT for a in ordered if not has_text(a)}
    usable = [a for a in ordered if a.id not in skipped]
    result = cluster_features(usable, stream_features(usable, embedder, names=names), params)
    result.skipped = skipped
    return result
