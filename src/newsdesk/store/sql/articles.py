"""The articles part of the store (``ArticleStore``), in SQL both backends run; full-text
search is each backend's own (``SQLiteStore.search``, ``PostgresStore.search``).

Every article is stored through ``add_article`` or ``_replace_article``, and both
store it cleaned (``language.sanitise.clean_article``): whichever source built
it, no control character, lone surrogate or bidi override reaches the stored
text. Articles that were built cleaned (JSONL dumps) pass through unchanged, so
their content hash is the one their source gives. Stored text is never
rewritten: citations are offsets into it.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import replace

from newsdesk.language.sanitise import clean_article, clean_line, clean_text
from newsdesk.records import (
    Article,
    ArticleVersion,
    DuplicateLink,
    Fingerprint,
    Furniture,
    Snapshot,
)
from newsdesk.store.sql.base import Row, SQLDatabase


class SQLArticleStore(SQLDatabase):
    """Articles, search, page versions, snapshots, fingerprints and duplicate links."""

    def article_hash(self, article_id: str) -> str | None:
        row = self._one("SELECT hash FROM articles WHERE id = ?", (article_id,))
        return None if row is None else str(row["hash"])

    def add_article(self, article: Article, run_id: int | None) -> bool:
        """Store a new article, cleaned first (see the module docstring); False, storing
        nothing, when its id is already stored (by another import since the caller looked)."""
        article = clean_article(article)
        cursor = self.db.execute(
            "INSERT INTO articles"
            " (id, url, outlet, title, text, published, lang, extra, hash, date_source,"
            " published_at, run_id)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING",
            (article.id, *_columns(article), run_id),
        )
        return cursor.rowcount == 1

    def article(self, article_id: str) -> Article | None:
        row = self._one("SELECT * FROM articles WHERE id = ?", (article_id,))
        return None if row is None else self._article(row)

    def articles(self, ids: Sequence[str] | None = None) -> list[Article]:
        if ids is None:
            rows = self._all("SELECT * FROM articles ORDER BY published, id")
            return self._articles(rows)
        rows = list(self._rows_for("SELECT * FROM articles WHERE id IN ({ids})", ids))
        by_id = {article.id: article for article in self._articles(rows)}
        return [by_id[i] for i in ids if i in by_id]

    def originals(self, article_ids: Sequence[str]) -> dict[str, str]:
        """The original each of these articles is a syndicated copy of (ingest's links)."""
        sql = "SELECT article_id, duplicate_of FROM article_links WHERE article_id IN ({ids})"
        return {row["article_id"]: row["duplicate_of"] for row in self._rows_for(sql, article_ids)}

    # -- web articles: versions, snapshots, fingerprints, duplicates -------

    @staticmethod
    def _version(row: Row) -> ArticleVersion:
        return ArticleVersion(
            article_id=row["article_id"],
            version=row["version"],
            text_hash=row["text_hash"],
            title=row["title"],
            text=row["text"],
            fetched_at=row["fetched_at"],
            snapshot=row["snapshot"],
        )

    def latest_version(self, article_id: str) -> ArticleVersion | None:
        row = self._one(
            "SELECT * FROM article_versions WHERE article_id = ? ORDER BY version DESC LIMIT 1",
            (article_id,),
        )
        return None if row is None else self._version(row)

    def article_versions(self, article_id: str) -> list[ArticleVersion]:
        rows = self._all(
            "SELECT * FROM article_versions WHERE article_id = ? ORDER BY version", (article_id,)
        )
        return [self._version(r) for r in rows]

    def save_page_article(
        self,
        article: Article,
        version: ArticleVersion,
        snapshot: Snapshot | None,
        signature: bytes,
        link: DuplicateLink | None,
        run_id: int | None,
    ) -> None:
        """Store an article read from a page, or its next version, in one transaction.

        A new version replaces the text in ``articles`` (earlier versions stay in
        ``article_versions``) and marks the draft of the article's story as
        written from other sources, because its citations point into the old
        text: the next write stage rewrites it as the draft's next version.
        """
        version = replace(version, title=clean_line(version.title), text=clean_text(version.text))
        with self.transaction():
            if snapshot is not None:
                self.db.execute(
                    "INSERT OR IGNORE INTO snapshots (sha256, url, fetched_at, content_type, data)"
                    " VALUES (?, ?, ?, ?, ?)",
                    (
                        snapshot.sha256,
                        snapshot.url,
                        snapshot.fetched_at,
                        snapshot.content_type,
                        snapshot.data,
                    ),
                )
            if self.article_hash(article.id) is None:
                self.add_article(article, run_id)
            else:
                self._replace_article(article, run_id)
            self.db.execute(
                "INSERT INTO article_versions"
                " (article_id, version, text_hash, title, text, snapshot, fetched_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?)",
                (
                    version.article_id,
                    version.version,
                    version.text_hash,
                    version.title,
                    version.text,
                    version.snapshot,
                    version.fetched_at,
                ),
            )
            self.save_fingerprint(article.id, version.text_hash, signature)
            if link is not None:
                self.db.execute(
                    "INSERT OR REPLACE INTO article_links"
                    " (article_id, duplicate_of, kind, similarity) VALUES (?, ?, ?, ?)",
                    (link.article_id, link.duplicate_of, link.kind, link.similarity),
                )

    # -- furniture -------------------------------------------------------------

    def unmarked_articles(self, marker: str, limit: int) -> list[Article]:
        """Up to ``limit`` articles that ``marker`` has not marked (never, or another)."""
        rows = self._all(
            "SELECT a.* FROM articles a LEFT JOIN furniture_marks m ON m.article_id = a.id"
            " WHERE m.marker IS NULL OR m.marker != ? ORDER BY a.rowid LIMIT ?",
            (marker, limit),
        )
        return self._articles(rows)

    def save_furniture(self, article_id: str, marks: Sequence[Furniture], marker: str) -> None:
        """Replace the article's furniture marks with ``marks``, made by ``marker``."""
        self.db.execute("DELETE FROM article_furniture WHERE article_id = ?", (article_id,))
        self.db.executemany(
            'INSERT OR IGNORE INTO article_furniture (article_id, start, "end", kind, found_by)'
            " VALUES (?, ?, ?, ?, ?)",
            [(article_id, m.start, m.end, m.kind, m.by) for m in marks],
        )
        self.db.execute(
            "INSERT INTO furniture_marks (article_id, marker) VALUES (?, ?)"
            " ON CONFLICT (article_id) DO UPDATE SET marker = excluded.marker",
            (article_id, marker),
        )

    def _replace_article(self, article: Article, run_id: int | None) -> None:
        article = clean_article(article)
        self.db.execute("DELETE FROM furniture_marks WHERE article_id = ?", (article.id,))
        self.db.execute("DELETE FROM article_furniture WHERE article_id = ?", (article.id,))
        self.db.execute(
            "UPDATE articles SET url = ?, outlet = ?, title = ?, text = ?, published = ?,"
            " lang = ?, extra = ?, hash = ?, date_source = ?, published_at = ?, run_id = ?"
            " WHERE id = ?",
            (*_columns(article), run_id, article.id),
        )
        self.db.execute(
            "UPDATE drafts SET sources_changed = 1 WHERE story_id IN"
            " (SELECT story_id FROM story_articles WHERE article_id = ?)",
            (article.id,),
        )

    def snapshot(self, sha256: str) -> Snapshot | None:
        row = self._one("SELECT * FROM snapshots WHERE sha256 = ?", (sha256,))
        return None if row is None else Snapshot(**dict(row))

    def fingerprints(self) -> list[Fingerprint]:
        rows = self._all(
            "SELECT f.article_id, a.outlet, f.text_hash, f.signature FROM article_fingerprints f"
            " JOIN articles a ON a.id = f.article_id ORDER BY a.rowid"
        )
        return [
            Fingerprint(r["article_id"], r["outlet"], r["text_hash"], bytes(r["signature"]))
            for r in rows
        ]

    def articles_without_fingerprint(self) -> list[Article]:
        rows = self._all(
            "SELECT a.* FROM articles a LEFT JOIN article_fingerprints f ON f.article_id = a.id"
            " WHERE f.article_id IS NULL ORDER BY a.rowid"
        )
        return self._articles(rows)

    def save_fingerprint(self, article_id: str, text_hash: str, signature: bytes) -> None:
        self.db.execute(
            "INSERT OR REPLACE INTO article_fingerprints (article_id, text_hash, signature)"
            " VALUES (?, ?, ?)",
            (article_id, text_hash, signature),
        )

    def duplicate_links(self) -> list[DuplicateLink]:
        return [
            DuplicateLink(r["article_id"], r["duplicate_of"], r["kind"], r["similarity"])
            for r in self._all("SELECT * FROM article_links ORDER BY duplicate_of, article_id")
        ]


def _columns(article: Article) -> tuple[object, ...]:
    """An article's stored columns after its id, up to ``run_id``."""
    return (
        article.url,
        article.outlet,
        article.title,
        article.text,
        article.published,
        article.lang,
        json.dumps(article.extra, ensure_ascii=False, sort_keys=True),
        article.hash,
        article.date_source,
        article.published_at,
    )
