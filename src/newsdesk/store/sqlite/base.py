"""The SQLite backend's connection, shared by every part: opening, transactions, migrations.

WAL journaling and ``synchronous=NORMAL`` make every committed transaction
survive a killed process; foreign keys are on so that a draft can never cite
an article that is not stored. The schema is a list of numbered SQL files in
``migrations/`` applied in order and tracked with ``PRAGMA user_version``.
The store's logic is ``store/sql/``, which speaks SQLite's SQL to the
``sqlite3`` connection (``self.db``) directly.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from newsdesk.errors import StoreError
from newsdesk.store.sql.base import SQLDatabase, migrations, utc_now

__all__ = ["SQLiteDatabase", "utc_now"]


class SQLiteDatabase(SQLDatabase):
    """One SQLite file (or ``:memory:``), opened and migrated: the base of every part."""

    db: sqlite3.Connection

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
        for number, script in migrations("sqlite"):
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
