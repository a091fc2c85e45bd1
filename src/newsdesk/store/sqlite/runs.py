"""The run lease in the SQLite store: how it is locked and renewed.

The lease is taken in the ``BEGIN IMMEDIATE`` transaction that records the
run: SQLite lets one writer at a time through, so the check (no lease, or one
``lease_held`` says is free) and the ``INSERT OR REPLACE`` that follows it
cannot interleave with another process doing the same. The rest of the runs part is
``store/sql/runs.py``, shared with PostgreSQL.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from contextlib import closing

from newsdesk.store.sql.runs import SQLRunStore
from newsdesk.store.sqlite.base import SQLiteDatabase


class SQLiteRunStore(SQLRunStore, SQLiteDatabase):
    """Runs, with a heartbeat that renews over a connection of its own."""

    def renew_lease(self, run_id: int, lease_s: float) -> bool:
        """Renew the lease; from another thread than the store's, over a connection of its
        own (a connection belongs to one thread, and a heartbeat must not join a stage's
        open transaction). An in-memory store is seen by no other connection: there the
        other thread has nothing to renew."""
        now = time.time()
        sql = "UPDATE run_lease SET heartbeat = ?, expires = ? WHERE run_id = ?"
        params = (now, now + lease_s, run_id)
        if threading.get_ident() == self._thread:
            return self.db.execute(sql, params).rowcount == 1
        if self.path == ":memory:":
            return True
        with closing(sqlite3.connect(self.path, isolation_level=None, timeout=5.0)) as db:
            return db.execute(sql, params).rowcount == 1
