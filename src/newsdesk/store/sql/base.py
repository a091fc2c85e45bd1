"""The store's logic in SQL, shared by both backends: what every part builds on.

There is one implementation of the store (the classes of ``store/sql/``) and a thin
dialect layer per backend. The parts speak SQLite's SQL to ``self.db``, a
``Connection``: for SQLite (``store/sqlite/``) that is the ``sqlite3`` connection
itself; for PostgreSQL (``store/postgres/``) it is an adapter that rewrites each
statement once (``?`` placeholders, ``INSERT OR IGNORE``/``OR REPLACE``, two-argument
``min``/``max``, ``IS NOT ?``) and runs it on a pooled psycopg connection. The few
methods that cannot be said in common SQL are the backend's own: full-text search
(``search``), opening, transactions and migrations, and how the run lease is locked and
renewed. Rows are read by column name (``row["id"]``), by position (``row[0]``) or
whole (``dict(row)``), which both backends' rows allow.

SQL written here stays within what both understand: quoted ``"user"``, ``"right"`` and
``"end"`` (keywords in PostgreSQL), no integer used as a boolean (``!= 0``), and
``COLLATE NOCASE`` (a collation of that name is created on PostgreSQL).
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager
from datetime import UTC, datetime
from importlib import resources
from typing import Any, Protocol

from newsdesk.records import Article, Furniture, Story, independent_sources

Row = Any
"""A row of either backend: ``sqlite3.Row`` or ``store.postgres.Row`` (same reading)."""


class Cursor(Protocol):
    """What the parts read from an executed statement (as ``sqlite3.Cursor``)."""

    @property
    def rowcount(self) -> int: ...

    @property
    def lastrowid(self) -> int | None: ...

    def fetchone(self) -> Any: ...

    def fetchall(self) -> list[Any]: ...


class Connection(Protocol):
    """The part of ``sqlite3.Connection`` the store's SQL needs; the PostgreSQL adapter
    (``store.postgres.base.PostgresConnection``) offers the same."""

    def execute(self, sql: str, parameters: Sequence[Any] = (), /) -> Cursor: ...

    def executemany(self, sql: str, parameters: Sequence[Sequence[Any]], /) -> Cursor: ...


def migrations(dialect: str) -> list[tuple[int, str]]:
    """The numbered migration scripts of ``dialect`` shipped in the package, in order.

    Both dialects' scripts live in ``store/migrations/``, one number each:
    ``0001_initial.sql`` is SQLite's and ``0001_initial.pg.sql`` the same migration
    said for PostgreSQL."""
    folder = resources.files("newsdesk.store") / "migrations"
    scripts = []
    for entry in folder.iterdir():
        name = entry.name
        if not (name.endswith(".sql") and name[:4].isdigit()):
            continue
        if name.endswith(".pg.sql") == (dialect == "postgresql"):
            scripts.append((int(name[:4]), entry.read_text(encoding="utf-8")))
    return sorted(scripts)


def utc_now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


class SQLDatabase:
    """The base of every part: a ``Connection`` in ``db``, and the rows more than one
    part reads (articles, stories) turned into records. A backend supplies ``db``,
    ``transaction``, ``migrate``, ``close`` and ``search``."""

    db: Connection  # the sqlite3 connection itself, or the PostgreSQL adapter

    def transaction(self) -> AbstractContextManager[None]:
        raise NotImplementedError

    def close(self) -> None:
        raise NotImplementedError

    def migrate(self) -> None:
        raise NotImplementedError

    def search(self, query: str, limit: int = 20) -> list[Article]:
        raise NotImplementedError

    def _one(self, sql: str, params: Sequence[Any] = ()) -> Row | None:
        return self.db.execute(sql, params).fetchone()

    def _all(self, sql: str, params: Sequence[Any] = ()) -> list[Row]:
        rows: list[Row] = self.db.execute(sql, params).fetchall()
        return rows

    def _rows_for(self, sql: str, ids: Sequence[str]) -> Iterator[Row]:
        """Rows of ``sql`` with ``{ids}`` standing for ``ids``, 500 at a time (SQLite caps
        the number of parameters of one statement)."""
        for start in range(0, len(ids), 500):
            chunk = list(ids[start : start + 500])
            yield from self._all(sql.format(ids=",".join("?" * len(chunk))), chunk)

    # -- rows read by more than one part ----------------------------------

    def _article(self, row: Row) -> Article:
        return self._articles([row])[0]

    def _articles(self, rows: Sequence[Row]) -> list[Article]:
        """The articles of ``rows`` (of ``articles``), in order, with their furniture read
        for all of them at once: two statements per 500 articles, not two per article
        (each a round trip to a PostgreSQL server)."""
        furniture = self._furniture_of([row["id"] for row in rows])
        return [
            Article(
                id=row["id"],
                url=row["url"],
                outlet=row["outlet"],
                title=row["title"],
                text=row["text"],
                published=row["published"],
                lang=row["lang"],
                extra=json.loads(row["extra"]),
                furniture=furniture.get(row["id"]),
                date_source=row["date_source"],
                published_at=row["published_at"],
            )
            for row in rows
        ]

    def _furniture_of(self, article_ids: Sequence[str]) -> dict[str, tuple[Furniture, ...]]:
        """The furniture marks of each of these articles that ingest has marked (an
        article it has not marked is left out: its furniture is None)."""
        ids = list(dict.fromkeys(article_ids))
        found: dict[str, list[Furniture]] = {
            r["article_id"]: []
            for r in self._rows_for(
                "SELECT article_id FROM furniture_marks WHERE article_id IN ({ids})", ids
            )
        }
        if not found:
            return {}
        for r in self._rows_for(
            'SELECT article_id, start, "end", kind, found_by FROM article_furniture'
            ' WHERE article_id IN ({ids}) ORDER BY article_id, start, "end"',
            list(found),
        ):
            found[r["article_id"]].append(Furniture(r["start"], r["end"], r["kind"], r["found_by"]))
        return {article_id: tuple(marks) for article_id, marks in found.items()}

    def _story(self, row: Row) -> Story:
        return self._stories([row])[0]

    def _stories(self, rows: Sequence[Row]) -> list[Story]:
        """The stories of ``rows`` (of ``stories``), in order, with their articles, links
        and merged ids read for all of them at once: three statements per 500 stories, not
        three per story (each a round trip to a PostgreSQL server)."""
        ids = list(dict.fromkeys(row["id"] for row in rows))
        members: dict[str, list[Row]] = {i: [] for i in ids}
        for m in self._rows_for(
            "SELECT s.story_id, a.id, a.outlet, a.lang FROM story_articles s"
            " JOIN articles a ON a.id = s.article_id WHERE s.story_id IN ({ids})"
            " ORDER BY s.story_id, coalesce(a.published, s.day, ''), a.id",
            ids,
        ):
            members[m["story_id"]].append(m)
        links: dict[str, set[tuple[str, str]]] = {i: set() for i in ids}
        for start in range(0, len(ids), 250):  # the ids twice: within SQLite's 500 parameters
            chunk = ids[start : start + 250]
            marks = ",".join("?" * len(chunk))
            for r in self._all(
                "SELECT s.story_id, l.article_id, l.duplicate_of FROM article_links l"
                " JOIN story_articles s ON s.article_id = l.article_id"
                f" WHERE s.story_id IN ({marks})"
                " UNION SELECT s.story_id, c.article_id, c.copy_of FROM story_copies c"
                " JOIN story_articles s ON s.article_id = c.article_id"
                f" WHERE s.story_id IN ({marks})",
                chunk + chunk,
            ):
                links[r[0]].add((r[1], r[2]))
        merged: dict[str, list[Row]] = {i: [] for i in ids}
        for r in self._rows_for(
            "SELECT story_id, old_id, title FROM story_redirects WHERE story_id IN ({ids})"
            " ORDER BY story_id, old_id",
            ids,
        ):
            merged[r["story_id"]].append(r)
        return [
            self._story_of(row, members[row["id"]], sorted(links[row["id"]]), merged[row["id"]])
            for row in rows
        ]

    @staticmethod
    def _story_of(
        row: Row, members: Sequence[Row], links: Sequence[tuple[str, str]], merged: Sequence[Row]
    ) -> Story:
        """A story from its row, its articles (in order), its articles' links to their
        originals (sorted) and the ids merged into it."""
        outlets = tuple(dict.fromkeys(m["outlet"] for m in members))
        return Story(
            id=row["id"],
            title=row["title"],
            article_ids=tuple(m["id"] for m in members),
            outlets=outlets,
            first_seen=row["first_seen"],
            last_seen=row["last_seen"],
            version=row["version"],
            independent_sources=independent_sources({m["id"]: m["outlet"] for m in members}, links),
            languages=tuple(dict.fromkeys(m["lang"] for m in members if m["lang"])),
            category=row["category"],
            status="settled" if row["status"] == "settled" else "developing",
            merged=tuple((r["old_id"], r["title"]) for r in merged),
        )
