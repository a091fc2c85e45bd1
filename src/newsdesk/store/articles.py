"""The articles part of the store: what ingest stores and every later stage reads."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from newsdesk.records import (
    Article,
    ArticleVersion,
    DuplicateLink,
    Fingerprint,
    Furniture,
    Snapshot,
)
from newsdesk.store.base import Transactional


class ArticleStore(Transactional, Protocol):
    """Articles, full-text search, page versions and snapshots, fingerprints and the
    duplicate links between articles."""

    def article_hash(self, article_id: str) -> str | None: ...

    def add_article(self, article: Article, run_id: int | None) -> bool:
        """Store a new article; an id already stored is left as it is (insert-or-ignore, so
        two imports of one file never collide) and the call returns False."""
        ...

    def article(self, article_id: str) -> Article | None: ...

    def articles(self, ids: Sequence[str] | None = None) -> list[Article]: ...

    def search(self, query: str, limit: int = 20) -> list[Article]: ...

    def originals(self, article_ids: Sequence[str]) -> dict[str, str]:
        """The original each of these articles is a syndicated copy of (ingest's links)."""
        ...

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

    def unmarked_articles(self, marker: str, limit: int) -> list[Article]:
        """Articles whose page furniture ``marker`` has not marked."""
        ...

    def save_furniture(self, article_id: str, marks: Sequence[Furniture], marker: str) -> None:
        """Store an article's furniture marks, replacing any it had."""
        ...
