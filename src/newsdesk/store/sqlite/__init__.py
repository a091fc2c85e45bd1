"""SQLite implementation of the store (the default backend): one class per part of the
store over one connection (``base.py``), combined into ``SQLiteStore``."""

from __future__ import annotations

from newsdesk.store.sqlite.articles import SQLiteArticleStore
from newsdesk.store.sqlite.base import SQLiteDatabase
from newsdesk.store.sqlite.desk import SQLiteDeskStore
from newsdesk.store.sqlite.drafts import SQLiteDraftStore
from newsdesk.store.sqlite.feeds import SQLiteFeedStore
from newsdesk.store.sqlite.roundups import SQLiteRoundupStore
from newsdesk.store.sqlite.runs import SQLiteRunStore
from newsdesk.store.sqlite.stories import SQLiteStoryStore

__all__ = ["SQLiteDatabase", "SQLiteStore"]


class SQLiteStore(
    SQLiteArticleStore,
    SQLiteStoryStore,
    SQLiteDraftStore,
    SQLiteRoundupStore,
    SQLiteFeedStore,
    SQLiteRunStore,
    SQLiteDeskStore,
):
    """A ``Store`` in one SQLite file (or ``:memory:``)."""
