"""Full-text search in the SQLite store: FTS5 (``articles_fts``, kept in step by triggers).

The rest of the articles part is ``store/sql/articles.py``, shared with PostgreSQL.
"""

from __future__ import annotations

import sqlite3

from newsdesk.errors import StoreError
from newsdesk.records import Article
from newsdesk.store.sql.articles import SQLArticleStore
from newsdesk.store.sqlite.base import SQLiteDatabase


class SQLiteArticleStore(SQLArticleStore, SQLiteDatabase):
    """Articles, with search by SQLite FTS5."""

    def search(self, query: str, limit: int = 20) -> list[Article]:
        """Full-text search over titles and texts (SQLite FTS5 query syntax)."""
        try:
            rows = self._all(
                "SELECT articles.* FROM articles_fts"
                " JOIN articles ON articles.rowid = articles_fts.rowid"
                " WHERE articles_fts MATCH ? ORDER BY rank LIMIT ?",
                (query, limit),
            )
        except sqlite3.OperationalError as exc:
            raise StoreError(f"bad search query {query!r}: {exc}") from exc
        return self._articles(rows)
