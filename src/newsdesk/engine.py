"""The engine: runs stages in order and records what each did.

A stage is anything with a ``name`` and a ``run(context)`` method that returns
a ``StageRun``. Stages never call each other; they read their input from the
store and write their output back, each item in its own transaction and keyed
on the content hash of its input. That is what makes a run resumable: after a
crash, the next run finds the finished items already stored under the same
hash and does only the rest.

One run at a time writes a store. The engine takes the store's run lease
(``store/runs.py``) with the run's row, before the first stage, and gives it
back with the run's last row. A run that finds the lease held raises
``StoreBusy`` at once, or with ``wait`` polls until it is free. While the run
is alive the lease is renewed: before each stage, and every ``HEARTBEAT_S``
by a daemon thread (one stage can run for many minutes). A killed run stops
renewing, so its lease lapses after ``LEASE_S``; on the same host the next
run sees that its process is gone and takes the lease at once.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from types import TracebackType
from typing import Protocol

from newsdesk.compute import Executor, InProcess
from newsdesk.config import Config
from newsdesk.errors import NewsdeskError, StoreBusy, StoreError, one_line
from newsdesk.records import Lease, Quarantined, Run, StageRun
from newsdesk.store import Store

log = logging.getLogger(__name__)

LEASE_S = 60.0
"""How long the run lease lasts unless renewed. Long enough that a live run never loses it
to a slow moment (five heartbeats in a row can fail: a database kept busy past its 5 s
timeout, a machine paused for a while), short enough that a run killed where its process
cannot be checked (on another host) frees the store within a minute."""
HEARTBEAT_S = LEASE_S / 6
"""How often the heartbeat thread renews the lease of a running run."""
WAIT_POLL_S = 0.5
"""How often a run that waits for the lease (``wait``) tries again."""


class Progress(Protocol):
    """Where the engine and the stages report how far they got. The CLI draws bars and
    prints lines; the library is silent."""

    def start(self, stage: str, total: int) -> None: ...

    def advance(self, stage: str, amount: int = 1) -> None: ...

    def waiting(self, holder: Lease) -> None:
        """The run waits for ``holder``, another run, to give back the store's lease (said
        once per holder)."""
        ...


class SilentProgress:
    """The default ``Progress``: reports nothing."""

    def start(self, stage: str, total: int) -> None:
        pass

    def advance(self, stage: str, amount: int = 1) -> None:
        pass

    def waiting(self, holder: Lease) -> None:
        pass


@dataclass
class Context:
    """What every stage gets: the store, the settings, the run, a progress sink, and where
    its heavy, independent work runs (``compute.py``: in process unless a Dask scheduler
    is configured)."""

    store: Store
    config: Config
    run: Run
    progress: Progress = field(default_factory=SilentProgress)
    executor: Executor = field(default_factory=InProcess)


class Quarantine:
    """Keeps one bad item from stopping a stage, now and in every later run.

    A stage hands each item's work to ``attempt``. When the work raises an
    error that is neither the store's, the machine's (``OSError``,
    ``MemoryError``) nor one newsdesk raises on purpose (``NewsdeskError``:
    bad settings, a busy store), the item is quarantined: stored with the hash
    of its input and the reason, counted in the stage record's ``skipped`` and
    named in its ``errors``, and the stage goes on with the next item. Later
    runs skip it while its input is the same (``held``), and try it again once
    the input changes (new reporting on a story, another checker); an item that
    then succeeds is released. ``newsdesk status`` lists what is quarantined.
    """

    def __init__(self, context: Context, stage: str, record: StageRun) -> None:
        self.context = context
        self.stage = stage
        self.record = record
        self._inputs = {q.item: q.input for q in context.store.quarantined(stage)}

    def held(self, item: str, input: str) -> bool:
        """Whether ``item`` failed before on this very ``input`` (it is then counted as
        skipped, not tried again)."""
        if self._inputs.get(item) != input:
            return False
        self.record.skipped += 1
        return True

    def attempt(self, item: str, input: str, work: Callable[[], None]) -> bool:
        """Run ``work`` for ``item``; False when it failed and the item was quarantined."""
        try:
            work()
        except (KeyboardInterrupt, NewsdeskError, OSError, MemoryError):
            raise
        except Exception as exc:  # one item's failure must not stop the stage
            reason = one_line(f"{type(exc).__name__}: {exc}")
            log.warning("%s: %s quarantined: %s", self.stage, item, reason)
            log.debug("%s: %s failed", self.stage, item, exc_info=True)
            self.context.store.quarantine(
                Quarantined(self.stage, item, input, reason, self.context.run.id, _now())
            )
            self.record.skipped += 1
            self.record.errors.append(one_line(f"{item}: quarantined: {reason}"))
            self._inputs[item] = input
            return False
        if item in self._inputs:
            self.context.store.release(self.stage, item)
            del self._inputs[item]
        return True


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


class Stage(Protocol):
    name: str

    def run(self, context: Context) -> StageRun: ...


class Heartbeat:
    """Renews a run's lease every ``every`` seconds from a daemon thread while the block runs.

    A renewal that fails (the database busy past its timeout) is tried again at
    the next beat: the lease outlasts several. ``lost`` turns true when the run
    no longer holds the lease (it lapsed and another run took it over).
    """

    def __init__(self, store: Store, run_id: int, lease_s: float, every: float) -> None:
        self.store = store
        self.run_id = run_id
        self.lease_s = lease_s
        self.every = every
        self.lost = False
        self._stop = threading.Event()
        self._thread = threading.Thread(
            target=self._beat, name=f"newsdesk-lease-{run_id}", daemon=True
        )

    def _beat(self) -> None:
        while not self._stop.wait(self.every):
            try:
                if not self.store.renew_lease(self.run_id, self.lease_s):
                    self.lost = True
            except Exception:  # busy or unreachable: the next beat tries again
                log.debug("run %d: renewing the lease failed", self.run_id, exc_info=True)

    def __enter__(self) -> Heartbeat:
        self._thread.start()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self._stop.set()
        self._thread.join()


class Engine:
    """Runs ``stages`` in order against one store and logs each in the ``runs`` table.

    The run holds the store's lease from its first row to its last (see the
    module docstring). ``wait``: when another run holds it, wait for it
    (``progress.waiting`` is told whom for) instead of raising ``StoreBusy``.
    ``lease_s`` is how long the lease lasts unless renewed; the heartbeat
    renews it six times as often.
    """

    def __init__(
        self,
        store: Store,
        config: Config,
        progress: Progress | None = None,
        *,
        wait: bool = False,
        lease_s: float = LEASE_S,
        executor: Executor | None = None,
    ) -> None:
        self.store = store
        self.config = config
        self.progress = progress or SilentProgress()
        self.wait = wait
        self.lease_s = lease_s
        self.executor = executor or InProcess()

    def run(self, stages: Sequence[Stage]) -> Run:
        run = self._start()
        context = Context(self.store, self.config, run, self.progress, self.executor)
        try:
            with Heartbeat(self.store, run.id, self.lease_s, self.lease_s / 6) as heartbeat:
                for position, stage in enumerate(stages):
                    if heartbeat.lost or not self.store.renew_lease(run.id, self.lease_s):
                        raise StoreError(
                            f"run {run.id} lost this store's lease to another run (its"
                            f" heartbeat lapsed) and stopped before the {stage.name} stage"
                        )
                    self._run_stage(context, position, stage)
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

    def _start(self) -> Run:
        """The new run, holding the store's lease: at once, or after waiting for it."""
        told: int | None = None
        while True:
            try:
                return self.store.start_run(lease_s=self.lease_s)
            except StoreBusy as busy:
                if not self.wait:
                    raise
                if busy.holder.run_id != told:
                    told = busy.holder.run_id
                    self.progress.waiting(busy.holder)
            time.sleep(WAIT_POLL_S)

    def _run_stage(self, context: Context, position: int, stage: Stage) -> None:
        """Run one stage and store its record, also when it raises."""
        run = context.run
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
