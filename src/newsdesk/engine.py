"""The engine: runs stages in order and records what each did.

A stage is anything with a ``name`` and a ``run(context)`` method that returns
a ``StageRun``. Stages never call each other; they read their input from the
store and write their output back, each item in its own transaction and keyed
on the content hash of its input. That is what makes a run resumable: after a
crash, the next run finds the finished items already stored under the same
hash and does only the rest.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol

from newsdesk.config import Config
from newsdesk.records import Run, StageRun
from newsdesk.store import Store


class Progress(Protocol):
    """Where a stage reports how far it got. The CLI draws bars; the library is silent."""

    def start(self, stage: str, total: int) -> None: ...

    def advance(self, stage: str, amount: int = 1) -> None: ...


class SilentProgress:
    """The default ``Progress``: reports nothing."""

    def start(self, stage: str, total: int) -> None:
        pass

    def advance(self, stage: str, amount: int = 1) -> None:
        pass


@dataclass
class Context:
    """What every stage gets: the store, the settings, the run and a progress sink."""

    store: Store
    config: Config
    run: Run
    progress: Progress = field(default_factory=SilentProgress)


class Stage(Protocol):
    name: str

    def run(self, context: Context) -> StageRun: ...


class Engine:
    """Runs ``stages`` in order against one store and logs each in the ``runs`` table."""

    def __init__(self, store: Store, config: Config, progress: Progress | None = None) -> None:
        self.store = store
        self.config = config
        self.progress = progress or SilentProgress()

    def run(self, stages: Sequence[Stage]) -> Run:
        run = self.store.start_run()
        context = Context(self.store, self.config, run, self.progress)
        try:
            for position, stage in enumerate(stages):
                started = time.perf_counter()
                try:
                    record = stage.run(context)
                except BaseException as exc:
                    said = "interrupted" if isinstance(exc, KeyboardInterrupt) else f"{exc}"
                    record = StageRun(stage=stage.name, errors=[f"{type(exc).__name__}: {said}"])
                    record.wall_s = time.perf_counter() - started
                    run.stages.append(record)
                    self.store.save_stage_run(run, position, record)
                    raise
                record.wall_s = time.perf_counter() - started
                run.stages.append(record)
                self.store.save_stage_run(run, position, record)
        except KeyboardInterrupt:
            # Ctrl-C: nothing is lost, every stage resumes where it stopped.
            run.status = "interrupted"
            self.store.finish_run(run)
            raise
        except BaseException:
            run.status = "failed"
            self.store.finish_run(run)
            raise
        run.status = "finished"
        self.store.finish_run(run)
        return run
