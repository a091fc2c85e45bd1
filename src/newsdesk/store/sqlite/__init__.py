"""SQLite implementation of the store (the default backend): the store's logic
(``store/sql/``) over one ``sqlite3`` connection (``base.py``), with FTS5 search
(``articles.py``) and the run lease's heartbeat (``runs.py``), combined into
``SQLiteStore``."""

from __future__ import annotations

from newsdesk.store.sql.desk import SQLDeskStore
from newsdesk.store.sql.drafts import SQLDraftStore
from newsdesk.store.sql.feeds import SQLFeedStore
from newsdesk.store.sql.roundups import SQLRoundupStore
from newsdesk.store.sql.stories import SQLStoryStore
from newsdesk.store.sqlite.articles import SQLiteArticleStore
from newsdesk.store.sqlite.base import SQLiteDatabase
from newsdesk.store.sqlite.runs import SQLiteRunStore

__all__ = ["SQLiteDatabase", "SQLiteStore"]


class SQLiteStore(
    SQLiteArticleStore,
    SQLStoryStore,
    SQLDraftStore,
    SQLRoundupStore,
    SQLFeedStore,
    SQLiteRunStore,
    SQLDeskStore,
    SQLiteDatabase,
):
    """A ``Store`` in one SQLite file (or ``:memory:``)."""
