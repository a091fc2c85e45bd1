"""PostgreSQL implementation of the store: the same store logic as SQLite's
(``store/sql/``) over a pool of psycopg 3 connections (``base.py``), with
PostgreSQL's own full-text search, the run lease locked across processes, and
every store method one transaction.

Open it with ``open_store("postgresql://user@host/db")`` (or ``[store] database``
/ ``--database`` set to such a URL). Several processes may write one database at
once: each store method is one transaction (and ``transaction()`` groups several),
an article or feed stored twice at once is stored once (its key decides, as in
SQLite), and only one run at a time holds the run lease. Transactions are READ
COMMITTED: where SQLite's ``BEGIN IMMEDIATE`` also serialises a read followed by a
write of the same item (a page's next version after ``latest_version``, a draft's next
edit revision), two PostgreSQL writers of that one item at once make the second fail on
the key (``psycopg.errors.UniqueViolation``) rather than wait: nothing is stored twice
or lost, and the item is stored by the next try. Inside a run only the run's process
writes those (it holds the lease).

What the stages call "work to do" (``pending_entries``, ``stories_to_write``,
``drafts_to_gate``, ``unassigned_articles``) are reads, not claims: the store has no
API yet by which a worker takes items for itself. ``claim`` is the primitive such an
API will be built on: it locks rows no other transaction holds (``FOR UPDATE SKIP
LOCKED``), so two workers never take the same item; until the stages use it, one run at
a time (the run lease) is what keeps two runs from doing the same work.
"""

from __future__ import annotations

import functools
import inspect
import re
from collections.abc import Callable, Sequence
from typing import Any

from newsdesk.errors import StoreError
from newsdesk.records import Article, Run
from newsdesk.store.postgres.base import PostgresConnection, PostgresDatabase, Row
from newsdesk.store.sql.articles import SQLArticleStore
from newsdesk.store.sql.desk import SQLDeskStore
from newsdesk.store.sql.drafts import SQLDraftStore
from newsdesk.store.sql.feeds import SQLFeedStore
from newsdesk.store.sql.roundups import SQLRoundupStore
from newsdesk.store.sql.runs import SQLRunStore
from newsdesk.store.sql.stories import SQLStoryStore

__all__ = ["PostgresConnection", "PostgresDatabase", "PostgresStore", "Row", "websearch"]


def websearch(query: str) -> str:
    """An FTS5 query (the store's search syntax) as ``websearch_to_tsquery`` reads it:
    quoted phrases and ``OR`` are the same; ``AND`` is implied; ``NOT x`` is ``-x``; a
    prefix ``*`` is dropped (the word is matched whole). An unbalanced quote is refused,
    as FTS5 refuses it."""
    if query.count('"') % 2:
        raise StoreError(f"bad search query {query!r}: unterminated string")
    text = re.sub(r"\bAND\b", " ", query)
    text = re.sub(r"\bNOT\s+", "-", text)
    return re.sub(r"(\w)\*", r"\1", text)


class PostgresStore(
    SQLArticleStore,
    SQLStoryStore,
    SQLDraftStore,
    SQLRoundupStore,
    SQLFeedStore,
    SQLRunStore,
    SQLDeskStore,
    PostgresDatabase,
):
    """A ``Store`` in a PostgreSQL database."""

    def search(self, query: str, limit: int = 20) -> list[Article]:
        """Full-text search over titles and texts with PostgreSQL's own, best match first
        (``ts_rank``); the query is read as FTS5's syntax (``websearch``).

        It reads the stored documents of ``articles_fts`` (title and text, 'simple'
        configuration: migration 0020), GIN-indexed: computing them in the query, as
        before, parsed every article's text at every search."""
        rows = self._all(
            "SELECT a.* FROM articles_fts f JOIN articles a ON a.rowid = f.rowid,"
            " websearch_to_tsquery('simple', ?) q"
            " WHERE f.document @@ q ORDER BY ts_rank(f.document, q) DESC, a.rowid LIMIT ?",
            (websearch(query), limit),
        )
        return self._articles(rows)

    def start_run(self, lease_s: float | None = None) -> Run:
        """As ``RunStore.start_run``; the lease's check and take cannot interleave with
        another process's: ``run_lease`` is locked against other takers first (SHARE ROW
        EXCLUSIVE conflicts with itself), until the transaction ends."""
        with self.transaction():
            if lease_s is not None:
                self.db.execute("LOCK TABLE run_lease IN SHARE ROW EXCLUSIVE MODE")
            return super().start_run(lease_s)

    def claim(self, sql: str, params: Sequence[Any] = ()) -> list[Row]:
        """Rows of ``sql`` (a ``SELECT`` of one table, in the store's SQL) that no other
        transaction holds, locked until the calling transaction ends (``FOR UPDATE SKIP
        LOCKED``): two workers claiming at once never get the same row. Call it inside
        ``transaction()`` and record what was done with the rows before it ends."""
        return self._all(f"{sql} FOR UPDATE SKIP LOCKED", params)


_OWN = {"transaction", "close", "migrate", "claim"}


def _one_transaction(method: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(method)
    def run(self: PostgresStore, *args: Any, **kwargs: Any) -> Any:
        with self.transaction():
            return method(self, *args, **kwargs)

    return run


def _wrap_methods(cls: type[PostgresStore]) -> None:
    """Make every public store method one transaction (generators excepted: each of their
    reads is one)."""
    for name in dir(cls):
        if name.startswith("_") or name in _OWN:
            continue
        method = getattr(cls, name)
        if inspect.isfunction(method) and not inspect.isgeneratorfunction(method):
            setattr(cls, name, _one_transaction(method))


_wrap_methods(PostgresStore)
