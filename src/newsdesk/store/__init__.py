"""Persistence. Stages see only the store's protocols; ``open_store`` picks the backend.

``Store`` is the whole store: every part (``ArticleStore``, ``StoryStore``,
``DraftStore``, ``RoundupStore``, ``FeedStore``, ``RunStore``, and the editor's desk's
``DeskStore``) with opening and closing. A stage
is typed against the parts it uses (see ``store/base.py``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Protocol

from newsdesk.store.articles import ArticleStore
from newsdesk.store.base import Transactional
from newsdesk.store.desk import DeskStore
from newsdesk.store.drafts import DraftStore
from newsdesk.store.feeds import FeedStore
from newsdesk.store.postgres import PostgresStore
from newsdesk.store.roundups import RoundupStore
from newsdesk.store.runs import RunStore
from newsdesk.store.sqlite import SQLiteStore
from newsdesk.store.stories import StoryStore

__all__ = [
    "ArticleStore",
    "DeskStore",
    "DraftStore",
    "FeedStore",
    "PostgresStore",
    "RoundupStore",
    "RunStore",
    "SQLiteStore",
    "Store",
    "StoryStore",
    "Transactional",
    "open_store",
    "postgres_url",
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


POSTGRES_SCHEMES = ("postgresql:", "postgres:")


def postgres_url(database: str | Path) -> str | None:
    """The PostgreSQL URL ``database`` names, or None for a SQLite path.

    A URL that went through ``pathlib.Path`` (``[store] database`` is read as a path)
    has lost a slash (``postgresql:/user@host/db``): it is given back. A URL with no host
    (``postgresql:///db?host=/run/postgresql``) cannot be told from it after that, so say
    the host (``postgresql://%2Frun%2Fpostgresql/db``, or ``localhost``)."""
    text = str(database)
    scheme = next((s for s in POSTGRES_SCHEMES if text.startswith(s)), None)
    if scheme is None:
        return None
    rest = text[len(scheme) :]
    if not rest.startswith("//"):
        rest = "/" + rest if rest.startswith("/") else "//" + rest
    return scheme + rest


def open_store(database: str | Path) -> Store:
    """Open (and migrate) the store at ``database``: a SQLite path, ``:memory:``, or a
    PostgreSQL URL (``postgresql://user@host:5432/db``; psycopg 3 and a connection
    pool, see ``store/postgres/``)."""
    url = postgres_url(database)
    if url is not None:
        return PostgresStore(url)
    return SQLiteStore(str(database).removeprefix("sqlite:///"))
