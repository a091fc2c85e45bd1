"""The engine records every run; Ctrl-C is an interruption, not a failure."""

from __future__ import annotations

from pathlib import Path

import pytest

from newsdesk.config import Config
from newsdesk.engine import Context, Engine
from newsdesk.records import StageRun
from newsdesk.store import SQLiteStore


class Counting:
    name = "count"

    def run(self, context: Context) -> StageRun:
        return StageRun(stage=self.name, items_in=1, items_out=1)


class Interrupted:
    name = "interrupted"

    def run(self, context: Context) -> StageRun:
        raise KeyboardInterrupt


class Broken:
    name = "broken"

    def run(self, context: Context) -> StageRun:
        raise RuntimeError("disk on fire")


@pytest.mark.parametrize(
    ("stage", "error", "status", "said"),
    [
        (Interrupted(), KeyboardInterrupt, "interrupted", "KeyboardInterrupt: interrupted"),
        (Broken(), RuntimeError, "failed", "RuntimeError: disk on fire"),
    ],
)
def test_a_run_that_stops_is_recorded_as_interrupted_or_failed(
    stage: object, error: type[BaseException], status: str, said: str, tmp_path: Path
) -> None:
    store = SQLiteStore(tmp_path / "newsdesk.db")
    with pytest.raises(error):
        Engine(store, Config()).run([Counting(), stage])  # type: ignore[list-item]
    (run,) = store.runs()
    store.close()
    assert run.status == status
    assert [s.stage for s in run.stages] == ["count", stage.name]  # type: ignore[attr-defined]
    assert run.stages[1].errors == [said]
