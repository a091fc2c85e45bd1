"""The stories part of the store: what story clustering reads and writes."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from newsdesk.records import (
    Article,
    FurtherCoverage,
    Placement,
    StoredFeatures,
    Story,
    StoryVersion,
    Thread,
    WordCounts,
)
from newsdesk.store.base import Transactional


class StoryStore(Transactional, Protocol):
    """Stories and the articles placed in them, redirects of merged stories, skipped
    articles, clustering features and word counts."""

    def unassigned_articles(self) -> list[Article]: ...

    def assign(self, article: Article, story_id: str, run_id: int | None) -> None: ...

    def place(self, placement: Placement, run_id: int | None) -> None: ...

    def story_versions(self, story_ids: Sequence[str]) -> dict[str, StoryVersion]:
        """The stored version of each of these stories and the run that last grew it."""
        ...

    def skip_article(self, article: Article, reason: str) -> None: ...

    def skipped_articles(self) -> dict[str, str]: ...

    def stories(self) -> list[Story]: ...

    def story(self, story_id: str) -> Story | None: ...

    def stories_by_id(self, story_ids: Sequence[str]) -> dict[str, Story]:
        """The stored stories of these ids, read at once (``story`` for each would take
        several statements per story: a round trip each on PostgreSQL). An id that names
        no stored story (one merged away, which ``story`` follows) is left out."""
        ...

    def threads(self) -> list[Thread]:
        """Every thread, latest first."""
        ...

    def thread(self, thread_id: str) -> Thread | None: ...

    def thread_of(self, story_id: str) -> Thread | None:
        """The thread a story belongs to, if any."""
        ...

    def threads_of(self, story_ids: Sequence[str]) -> dict[str, str]:
        """The id of the thread each of these stories belongs to (those in none are left
        out), read at once: ``thread_of`` for many stories."""
        ...

    def open_threads(self, since: str) -> list[Thread]:
        """Threads whose latest story is on or after ``since``."""
        ...

    def add_to_thread(self, thread_id: str, name: str, story_id: str, day: str) -> None:
        """Put a story in a thread (created when new), renaming the thread ``name`` and
        widening its days to ``day``."""
        ...

    def stories_of(self, article_ids: Sequence[str]) -> dict[str, str]:
        """The story each of these articles is placed in (those placed in none are left out)."""
        ...

    def resolve_story(self, story_id: str) -> str | None: ...

    def open_stories(self, since: str | None) -> list[Story]: ...

    def newest_story_day(self) -> str | None: ...

    def settle_stories(self, before: str) -> int: ...

    def story_days(self, story_id: str) -> dict[str, str | None]: ...

    def article_days(self, article_ids: Sequence[str]) -> dict[str, str | None]:
        """The day each of these articles was clustered on (those in no story are left
        out), read at once: ``story_days`` for the articles of many stories."""
        ...

    def features(self, article_ids: Sequence[str]) -> dict[str, StoredFeatures]: ...

    def save_features(self, features: Sequence[StoredFeatures], counts: WordCounts) -> None: ...

    def word_counts(self) -> WordCounts | None: ...

    def set_aside(self, coverage: FurtherCoverage) -> None:
        """Record an article in another language as further coverage of a story (it leaves
        the unassigned articles until its content changes)."""
        ...

    def further_coverage(self, story_id: str) -> list[FurtherCoverage]:
        """The further coverage of a story (and of the stories merged into it), for the
        articles' current content and in no story since, by article id."""
        ...
