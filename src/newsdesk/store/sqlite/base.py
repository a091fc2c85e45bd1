"""The SQLite backend's connection, shared by every part: opening, transactions, migrations.

WAL journaling and ``synchronous=NORMAL`` make every committed transaction
survive a killed process; foreign keys are on so that a draft can never cite
an article that is not stored. The schema is a list of numbered SQL files in
``migrations/`` applied in order and tracked with ``PRAGMA user_version``.
The rows more than one part reads (articles, stories) are turned into records
here too.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path
from typing import Any, cast

from newsdesk.errors import StoreError
from newsdesk.records import Article, Furniture, Story, independent_sources


def _migrations() -> list[tuple[int, str]]:
    """The numbered migration scripts shipped in the package, in order."""
    folder = resources.files("newsdesk.store") / "migrations"
    scripts = []
    for entry in folder.iterdir():
        name = entry.name
        if name.endswith(".sql") and name[:4].isdigit():
            scripts.append((int(name[:4]), entry.read_text(encoding="utf-8")))
    return sorted(scripts)


def utc_now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


class SQLiteDatabase:
    """One SQLite file (or ``:memory:``), opened and migrated: the base of every part."""

    def __init__(self, path: str | Path) -> None:
        self.path = str(path)
        if self.path != ":memory:":
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        try:
            self.db = sqlite3.connect(self.path, isolation_level=None)
            self.db.row_factory = sqlite3.Row
            self.db.execute("PRAGMA foreign_keys = ON")
            self.db.execute("PRAGMA journal_mode = WAL")
            self.db.execute("PRAGMA synchronous = NORMAL")
            self.db.execute("PRAGMA busy_timeout = 5000")
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"{self.path}: not a newsdesk database ({exc})") from exc
        self._depth = 0
        self._thread = threading.get_ident()  # the connection's own thread
        self.migrate()

    # -- plumbing ---------------------------------------------------------

    def close(self) -> None:
        self.db.close()

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """Group writes; nested calls join the outermost transaction."""
        if self._depth:
            self._depth += 1
            try:
                yield
            finally:
                self._depth -= 1
            return
        self.db.execute("BEGIN IMMEDIATE")
        self._depth = 1
        try:
            yield
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        else:
            self.db.execute("COMMIT")
        finally:
            self._depth = 0

    @property
    def schema_version(self) -> int:
        return int(self.db.execute("PRAGMA user_version").fetchone()[0])

    def migrate(self) -> None:
        """Apply every migration newer than the database, each in its own transaction."""
        current = self.schema_version
        for number, script in _migrations():
            if number <= current:
                continue
            try:
                self.db.executescript(
                    f"BEGIN IMMEDIATE;\n{script}\nPRAGMA user_version = {number};\nCOMMIT;"
                )
            except sqlite3.DatabaseError as exc:
                if self.db.in_transaction:
                    self.db.execute("ROLLBACK")
                raise StoreError(f"{self.path}: migration {number:04d} failed: {exc}") from exc

    def _one(self, sql: str, params: Sequence[Any] = ()) -> sqlite3.Row | None:
        return cast(sqlite3.Row | None, self.db.execute(sql, params).fetchone())

    def _all(self, sql: str, params: Sequence[Any] = ()) -> list[sqlite3.Row]:
        return self.db.execute(sql, params).fetchall()

    def _rows_for(self, sql: str, ids: Sequence[str]) -> Iterator[sqlite3.Row]:
        """Rows of ``sql`` with ``{ids}`` standing for ``ids``, 500 at a time (SQLite caps
        the number of parameters of one statement)."""
        for start in range(0, len(ids), 500):
            chunk = list(ids[start : start + 500])
            yield from self._all(sql.format(ids=",".join("?" * len(chunk))), chunk)

    # -- rows read by more than one part ----------------------------------

    def _article(self, row: sqlite3.Row) -> Article:
        return Article(
            id=row["id"],
            url=row["url"],
            outlet=row["outlet"],
            title=row["title"],
            text=row["text"],
            published=row["published"],
            lang=row["lang"],
            extra=json.loads(row["extra"]),
            furniture=self._furniture(row["id"]),
            date_source=row["date_source"],
            published_at=row["published_at"],
        )

    def _furniture(self, article_id: str) -> tuple[Furniture, ...] | None:
        """The article's furniture marks; None when ingest has not marked it."""
        if self._one("SELECT 1 FROM furniture_marks WHERE article_id = ?", (article_id,)) is None:
            return None
        rows = self._all(
            'SELECT start, "end", kind, found_by FROM article_furniture'
            " WHERE article_id = ? ORDER BY start",
            (article_id,),
        )
        return tuple(Furniture(r["start"], r["end"], r["kind"], r["found_by"]) for r in rows)

    def _story(self, row: sqlite3.Row) -> Story:
        story_id = row["id"]
        members = self._all(
            "SELECT a.id, a.outlet, a.lang FROM story_articles s"
            " JOIN articles a ON a.id = s.article_id WHERE s.story_id = ?"
            " ORDER BY coalesce(a.published, s.day, ''), a.id",
            (story_id,),
        )
        links = self._all(
            "SELECT l.article_id, l.duplicate_of FROM article_links l"
            " JOIN story_articles s ON s.article_id = l.article_id WHERE s.story_id = ?"
            " UNION SELECT c.article_id, c.copy_of FROM story_copies c"
            " JOIN story_articles s ON s.article_id = c.article_id WHERE s.story_id = ?",
            (story_id, story_id),
        )
        merged = self._all(
            "SELECT old_id, title FROM story_redirects WHERE story_id = ? ORDER BY old_id",
            (story_id,),
        )
        outlets = tuple(dict.fromkeys(m["outlet"] for m in members))
        return Story(
            id=story_id,
            title=row["title"],
            article_ids=tuple(m["id"] for m in members),
            outlets=outlets,
            first_seen=row["first_seen"],
            last_seen=row["last_seen"],
            version=row["version"],
            independent_sources=independent_sources(
                {m["id"]: m["outlet"] for m in members}, [(r[0], r[1]) for r in links]
            ),
            languages=tuple(dict.fromkeys(m["lang"] for m in members if m["lang"])),
            category=row["category"],
            status="settled" if row["status"] == "settled" else "developing",
            merged=tuple((r["old_id"], r["title"]) for r in merged),
        )
