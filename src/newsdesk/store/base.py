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

    def stories(self) -> list[Story]: ...

    def story(self, story_id: str) -> Story | None: ...

    # drafts and verdicts
    def stories_to_write(self) -> list[Story]: ...

    def save_draft(self, draft: Draft) -> None: ...

    def draft(self, story_id: str) -> Draft | None: ...

    def drafts(self) -> Iterator[Draft]: ...

    def drafts_to_verify(self) -> list[Draft]: ...

    def save_verdicts(self, draft: Draft, verdicts: Sequence[Verdict]) -> None: ...

    def save_gated(self, draft: Draft, verdicts: Sequence[Verdict], record: GateRecord) -> None: ...

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
