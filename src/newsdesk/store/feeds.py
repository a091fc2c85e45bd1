"""The feeds part of the store: subscriptions, polling state and the entries to fetch."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from newsdesk.records import EntryStatus, Feed, FeedEntry, FeedState, PendingEntry
from newsdesk.store.base import Transactional


class FeedStore(Transactional, Protocol):
    """Stored feeds, how polling each went, and their entries until the page is stored
    (the pages themselves are articles: ``ArticleStore.save_page_article``)."""

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
