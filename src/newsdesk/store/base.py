"""The ``Store`` interface: every read and write the stages make.

Stages talk to this protocol only, never to SQL, so that another backend
(PostgreSQL) can be added by implementing it without touching a stage.
Writes that belong together happen inside ``transaction()``: a process killed
at any point leaves either all of them or none.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Literal, Protocol

from newsdesk.records import (
    Article,
    Draft,
    Feed,
    GateRecord,
    Publication,
    Run,
    StageRun,
    Story,
    Verdict,
)

EntryStatus = Literal["pending", "stored", "unchanged", "duplicate", "failed"]
"""What became of a feed entry: ``pending`` until its page is stored or given up on."""


@dataclass(frozen=True)
class FeedEntry:
    """One item of a feed: a candidate article whose page is still to be fetched.

    ``key`` is the item's guid/id (its link when it has none): the identity
    that tells a new item from one already seen. ``published`` is an ISO date,
    ``updated`` the item's last-modified time as the feed gives it.
    """

    url: str
    key: str
    title: str = ""
    published: str | None = None
    updated: str | None = None
    summary: str = ""
    content: str = ""
    authors: tuple[str, ...] = ()


@dataclass(frozen=True)
class PendingEntry:
    """A feed entry whose page has not been stored yet, with the attempts made so far."""

    feed_url: str
    entry: FeedEntry
    attempts: int = 0


@dataclass(frozen=True)
class FeedState:
    """How polling one feed went: validators for conditional GET, errors and backoff.

    Times are ISO timestamps in UTC; ``failures`` counts consecutive failed
    polls and sets how far ``next_poll`` is pushed back.
    """

    url: str
    etag: str | None = None
    last_modified: str | None = None
    last_status: int | None = None
    last_polled: str | None = None
    last_error: str | None = None
    last_error_at: str | None = None
    failures: int = 0
    next_poll: str | None = None


@dataclass(frozen=True)
class Snapshot:
    """A page exactly as fetched, zlib-compressed, for audit: ``sha256`` is of the raw bytes."""

    sha256: str
    url: str
    fetched_at: str
    content_type: str | None
    data: bytes

    @property
    def body(self) -> bytes:
        """The raw bytes of the page."""
        return zlib.decompress(self.data)


@dataclass(frozen=True)
class ArticleVersion:
    """One version of an article read from a page; a changed page adds the next one."""

    article_id: str
    version: int
    text_hash: str
    title: str
    text: str
    fetched_at: str
    snapshot: str | None = None


@dataclass(frozen=True)
class Fingerprint:
    """What duplicate detection compares: the normalised-text hash and a MinHash signature."""

    article_id: str
    outlet: str
    text_hash: str
    signature: bytes


@dataclass(frozen=True)
class DuplicateLink:
    """``article_id`` is a copy (``exact`` or ``near``) of ``duplicate_of``.

    ``similarity`` is the share of the shorter text's word shingles found in
    the other text (1.0 for an exact copy).
    """

    article_id: str
    duplicate_of: str
    kind: Literal["exact", "near"]
    similarity: float


@dataclass(frozen=True)
class StoredFeatures:
    """What story clustering computed for one article (see ``stories/features.py``).

    Vectors are little-endian float32 bytes; ``article_hash`` and ``model`` say
    what they were computed from, so a changed article or another model is
    computed again. ``names`` and ``sections`` are JSON (``names`` is ``None``
    when entities were not computed).
    """

    article_id: str
    article_hash: str
    model: str
    lead: bytes
    title: bytes
    term_indices: bytes
    term_weights: bytes
    names: str | None
    sections: str


@dataclass(frozen=True)
class WordCounts:
    """Document frequencies of hashed words over every article clustered so far."""

    documents: int
    counts: bytes


@dataclass(frozen=True)
class Placement:
    """One step of story clustering, stored in one transaction.

    ``article`` joins ``story_id`` (a new story when none is stored) on ``day``
    (its date, or the day it was imported). ``merged`` lists ``(old id, id)``:
    stories that turned out to be the same event, whose articles move and
    whose id redirects from then on. ``moved`` lists ``(article id, story id)``:
    articles of open stories that suit another story better. ``copy_of`` is
    set when the article is a near copy of an article of the story.
    ``categories`` gives the section of each story the step changed.
    """

    article: Article
    story_id: str
    day: str | None
    merged: tuple[tuple[str, str], ...] = ()
    moved: tuple[tuple[str, str], ...] = ()
    copy_of: DuplicateLink | None = None
    categories: tuple[tuple[str, str], ...] = ()


def independent_sources(outlets: dict[str, str], links: Sequence[tuple[str, str]]) -> int:
    """Outlets of a story's articles (id -> outlet), a syndicated copy counting once.

    ``links`` are ``(copy, original)`` pairs; every group of copies counts as
    its original's outlet (or as one source of its own when the original is
    not in the story), so AP's story and its re-runs in three papers are one
    source, and the AP story plus a Reuters one are two.
    """
    parent = {article: article for article in outlets}

    def root(article: str) -> str:
        seen = set()
        while parent.get(article, article) != article and article not in seen:
            seen.add(article)
            article = parent[article]
        return article

    for copy, original in links:
        if copy in outlets:
            parent.setdefault(original, original)
            parent[root(copy)] = root(original)
    return len({outlets.get(root(a), "copy of " + root(a)) for a in outlets})


class Store(Protocol):
    """Persistence for articles, stories, drafts, verdicts, publications and runs."""

    def close(self) -> None: ...

    def transaction(self) -> AbstractContextManager[None]: ...

    # articles
    def article_hash(self, article_id: str) -> str | None: ...

    def add_article(self, article: Article, run_id: int | None) -> None: ...

    def article(self, article_id: str) -> Article | None: ...

    def articles(self, ids: Sequence[str] | None = None) -> list[Article]: ...

    def search(self, query: str, limit: int = 20) -> list[Article]: ...

    # stories
    def unassigned_articles(self) -> list[Article]: ...

    def assign(self, article: Article, story_id: str, run_id: int | None) -> None: ...

    def place(self, placement: Placement, run_id: int | None) -> None: ...

    def skip_article(self, article: Article, reason: str) -> None: ...

    def skipped_articles(self) -> dict[str, str]: ...

    def stories(self) -> list[Story]: ...

    def story(self, story_id: str) -> Story | None: ...

    def resolve_story(self, story_id: str) -> str | None: ...

    def open_stories(self, since: str | None) -> list[Story]: ...

    def newest_story_day(self) -> str | None: ...

    def settle_stories(self, before: str) -> int: ...

    def story_days(self, story_id: str) -> dict[str, str | None]: ...

    def import_days(self, article_ids: Sequence[str]) -> dict[str, str]: ...

    def originals(self, article_ids: Sequence[str]) -> dict[str, str]: ...

    def features(self, article_ids: Sequence[str]) -> dict[str, StoredFeatures]: ...

    def save_features(self, features: Sequence[StoredFeatures], counts: WordCounts) -> None: ...

    def word_counts(self) -> WordCounts | None: ...

    # drafts and verdicts
    def stories_to_write(self) -> list[Story]: ...

    def save_draft(self, draft: Draft) -> None: ...

    def draft(self, story_id: str) -> Draft | None: ...

    def drafts(self) -> Iterator[Draft]: ...

    def drafts_to_gate(self, checker: str) -> list[Draft]:
        """Drafts not yet gated, or gated by a checker other than ``checker``."""
        ...

    def save_verdicts(self, draft: Draft, verdicts: Sequence[Verdict]) -> None: ...

    def save_gated(
        self,
        draft: Draft,
        verdicts: Sequence[Verdict],
        record: GateRecord,
        checker: str | None = None,
    ) -> None: ...

    def gate_record(self, story_id: str) -> GateRecord | None: ...

    def verdicts(self, story_id: str) -> list[Verdict]: ...

    # publications
    def publication(self, path: str) -> Publication | None: ...

    def save_publication(self, publication: Publication) -> None: ...

    # runs
    def start_run(self) -> Run: ...

    def save_stage_run(self, run: Run, position: int, stage: StageRun) -> None: ...

    def finish_run(self, run: Run) -> None: ...

    def runs(self, limit: int = 10) -> list[Run]: ...

    def counts(self) -> dict[str, int]: ...

    # feeds
    def add_feed(self, feed: Feed) -> bool: ...

    def stored_feeds(self) -> list[Feed]: ...

    def feed_state(self, url: str) -> FeedState | None: ...

    def save_feed_state(self, state: FeedState) -> None: ...

    def add_feed_entries(self, feed_url: str, entries: Sequence[FeedEntry], seen: str) -> int: ...

    def pending_entries(self) -> list[PendingEntry]: ...

    def finish_entry(
        self,
        feed_url: str,
        key: str,
        status: EntryStatus,
        tried: str,
        article_id: str | None = None,
    ) -> None: ...

    def fail_entry(
        self, feed_url: str, key: str, error: str, tried: str, max_attempts: int
    ) -> None: ...

    def entry_counts(self) -> dict[str, int]: ...

    # web articles: versions, snapshots, fingerprints, duplicates
    def latest_version(self, article_id: str) -> ArticleVersion | None: ...

    def article_versions(self, article_id: str) -> list[ArticleVersion]: ...

    def save_page_article(
        self,
        article: Article,
        version: ArticleVersion,
        snapshot: Snapshot | None,
        signature: bytes,
        link: DuplicateLink | None,
        run_id: int | None,
    ) -> None: ...

    def snapshot(self, sha256: str) -> Snapshot | None: ...

    def fingerprints(self) -> list[Fingerprint]: ...

    def articles_without_fingerprint(self) -> list[Article]: ...

    def save_fingerprint(self, article_id: str, text_hash: str, signature: bytes) -> None: ...

    def duplicate_links(self) -> list[DuplicateLink]: ...
