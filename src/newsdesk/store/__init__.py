"""Persistence. Stages see only the store's protocols; ``open_store`` picks the backend.

``Store`` is the whole store: every part (``ArticleStore``, ``StoryStore``,
``DraftStore``, ``RoundupStore``, ``FeedStore``, ``RunStore``, and the editor's desk's
``DeskStore``) with opening and closing. A stage
is typed against the parts it uses (see ``store/base.py``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Protocol

from newsdesk.errors import ConfigError
from newsdesk.store.articles import ArticleStore
from newsdesk.store.base import Transactional
from newsdesk.store.desk import DeskStore
from newsdesk.store.drafts import DraftStore
from newsdesk.store.feeds import FeedStore
from newsdesk.store.roundups import RoundupStore
from newsdesk.store.runs import RunStore
from newsdesk.store.sqlite import SQLiteStore
from newsdesk.store.stories import StoryStore

__all__ = [
    "ArticleStore",
    "DeskStore",
    "DraftStore",
    "FeedStore",
    "RoundupStore",
    "RunStore",
    "SQLiteStore",
    "Store",
    "StoryStore",
    "Transactional",
    "open_store",
]


class Store(
    ArticleStore, StoryStore, DraftStore, RoundupStore, FeedStore, RunStore, DeskStore, Protocol
):
    """Persistence for articles, stories, drafts, roundups, verdicts, publications, feeds,
    runs and the editor's desk."""

    def close(self) -> None: ...

    def migrate(self) -> None:
        """Bring the schema up to date (opening a store does)."""
        ...


def open_store(database: str | Path) -> Store:
    """Open (and migrate) the store at ``database``: a SQLite path or ``:memory:``."""
    text = str(database)
    if text.startswith(("postgres://", "postgresql://")):
        raise ConfigError(f"database {text!r}: PostgreSQL is not supported yet; use a SQLite path")
    return SQLiteStore(text.removeprefix("sqlite:///"))
