"""The runs part of the store (``RunStore``), with the run lease (``run_lease``).

The lease is taken in the transaction that records the run. Each backend makes sure
that the check (no lease, or one ``lease_held`` says is free) and the ``INSERT OR
REPLACE`` that follows it cannot interleave with another process doing the same:
SQLite's ``BEGIN IMMEDIATE`` lets one writer at a time through; PostgreSQL locks
``run_lease`` first (``PostgresStore.start_run``). Renewing from another thread is
the backend's too (``renew_lease``).
"""

from __future__ import annotations

import json
import os
import time
from typing import cast

from newsdesk.errors import StoreBusy
from newsdesk.records import Lease, Quarantined, Run, StageRun
from newsdesk.store.runs import lease_held, this_host
from newsdesk.store.sql.base import SQLDatabase, utc_now

COUNTED_TABLES = (
    "articles",
    "stories",
    "story_articles",
    "drafts",
    "sentences",
    "citations",
    "verdicts",
    "publications",
    "gate_records",
)


class SQLRunStore(SQLDatabase):
    """Runs, stage runs, row counts and the run lease."""

    def start_run(self, lease_s: float | None = None) -> Run:
        started = utc_now()
        with self.transaction():
            if lease_s is not None:
                holder = self._lease_row()
                if holder is not None and lease_held(holder):
                    raise StoreBusy(holder)
                # no live run holds the store: the runs still marked running were cut off
                self.db.execute("UPDATE runs SET status = 'interrupted' WHERE status = 'running'")
            cursor = self.db.execute(
                "INSERT INTO runs (started, status) VALUES (?, 'running')", (started,)
            )
            run = Run(id=int(cast(int, cursor.lastrowid)), started=started)
            if lease_s is not None:
                now = time.time()
                self.db.execute(
                    "INSERT OR REPLACE INTO run_lease"
                    " (id, run_id, pid, host, started, heartbeat, expires)"
                    " VALUES (1, ?, ?, ?, ?, ?, ?)",
                    (run.id, os.getpid(), this_host(), started, now, now + lease_s),
                )
        return run

    def renew_lease(self, run_id: int, lease_s: float) -> bool:
        now = time.time()
        cursor = self.db.execute(
            "UPDATE run_lease SET heartbeat = ?, expires = ? WHERE run_id = ?",
            (now, now + lease_s, run_id),
        )
        return bool(cursor.rowcount == 1)

    def lease(self) -> Lease | None:
        holder = self._lease_row()
        return holder if holder is not None and lease_held(holder) else None

    def _lease_row(self) -> Lease | None:
        row = self._one("SELECT * FROM run_lease WHERE id = 1")
        if row is None:
            return None
        return Lease(
            run_id=row["run_id"],
            pid=row["pid"],
            host=row["host"],
            started=row["started"],
            heartbeat=row["heartbeat"],
            expires=row["expires"],
        )

    def save_stage_run(self, run: Run, position: int, stage: StageRun) -> None:
        self.db.execute(
            "INSERT OR REPLACE INTO stage_runs"
            " (run_id, position, stage, wall_s, items_in, items_out, skipped, errors,"
            " tokens_in, tokens_out, cost_usd) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                run.id,
                position,
                stage.stage,
                stage.wall_s,
                stage.items_in,
                stage.items_out,
                stage.skipped,
                json.dumps(stage.errors, ensure_ascii=False),
                stage.tokens_in,
                stage.tokens_out,
                stage.cost_usd,
            ),
        )

    def finish_run(self, run: Run) -> None:
        with self.transaction():
            self.db.execute(
                "UPDATE runs SET finished = ?, status = ? WHERE id = ?",
                (utc_now(), run.status, run.id),
            )
            self.db.execute("DELETE FROM run_lease WHERE run_id = ?", (run.id,))

    def runs(self, limit: int = 10) -> list[Run]:
        result = []
        holder = self.lease()
        for row in self._all("SELECT * FROM runs ORDER BY id DESC LIMIT ?", (limit,)):
            run = Run(id=row["id"], started=row["started"], status=row["status"])
            if run.status == "running":
                if holder is not None and holder.run_id == run.id:
                    run.lease = holder
                else:
                    run.status = "interrupted"
            for s in self._all(
                "SELECT * FROM stage_runs WHERE run_id = ? ORDER BY position", (row["id"],)
            ):
                run.stages.append(
                    StageRun(
                        stage=s["stage"],
                        items_in=s["items_in"],
                        items_out=s["items_out"],
                        errors=json.loads(s["errors"]),
                        wall_s=s["wall_s"],
                        skipped=s["skipped"],
                        tokens_in=s["tokens_in"],
                        tokens_out=s["tokens_out"],
                        cost_usd=s["cost_usd"],
                    )
                )
            result.append(run)
        return result

    def counts(self) -> dict[str, int]:
        return {
            table: int(self.db.execute(f"SELECT count(*) FROM {table}").fetchone()[0])
            for table in COUNTED_TABLES
        }

    def quarantine(self, item: Quarantined) -> None:
        with self.transaction():
            self.db.execute(
                "INSERT OR REPLACE INTO quarantine (stage, item, input, reason, run_id, at)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                (item.stage, item.item, item.input, item.reason, item.run_id, item.at),
            )

    def release(self, stage: str, item: str) -> None:
        with self.transaction():
            self.db.execute("DELETE FROM quarantine WHERE stage = ? AND item = ?", (stage, item))

    def quarantined(self, stage: str | None = None) -> list[Quarantined]:
        where, params = ("WHERE stage = ?", (stage,)) if stage is not None else ("", ())
        rows = self._all(f"SELECT * FROM quarantine {where} ORDER BY at, stage, item", params)
        return [
            Quarantined(
                stage=r["stage"],
                item=r["item"],
                input=r["input"],
                reason=r["reason"],
                run_id=r["run_id"],
                at=r["at"],
            )
            for r in rows
        ]
