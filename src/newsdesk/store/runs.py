"""The runs part of the store: what the engine records of each run and its stages."""

from __future__ import annotations

from typing import Protocol

from newsdesk.records import Run, StageRun
from newsdesk.store.base import Transactional


class RunStore(Transactional, Protocol):
    """Runs, the record of each stage of a run, and row counts."""

    def start_run(self) -> Run: ...

    def save_stage_run(self, run: Run, position: int, stage: StageRun) -> None: ...

    def finish_run(self, run: Run) -> None: ...

    def runs(self, limit: int = 10) -> list[Run]: ...

    def counts(self) -> dict[str, int]: ...
