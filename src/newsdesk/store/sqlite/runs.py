"""The runs part of the SQLite store (``RunStore``)."""

from __future__ import annotations

import json
from typing import cast

from newsdesk.records import Run, StageRun
from newsdesk.store.sqlite.base import SQLiteDatabase, utc_now

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


class SQLiteRunStore(SQLiteDatabase):
    """Runs, stage runs and row counts."""

    def start_run(self) -> Run:
        started = utc_now()
        cursor = self.db.execute(
            "INSERT INTO runs (started, status) VALUES (?, 'running')", (started,)
        )
        return Run(id=int(cast(int, cursor.lastrowid)), started=started)

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
        self.db.execute(
            "UPDATE runs SET finished = ?, status = ? WHERE id = ?", (utc_now(), run.status, run.id)
        )

    def runs(self, limit: int = 10) -> list[Run]:
        result = []
        for row in self._all("SELECT * FROM runs ORDER BY id DESC LIMIT ?", (limit,)):
            run = Run(id=row["id"], started=row["started"], status=row["status"])
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
