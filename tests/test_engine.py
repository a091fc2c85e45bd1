"""The engine records every run; Ctrl-C is an interruption, not a failure; one run at a time
holds a store."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from newsdesk.config import Config
from newsdesk.engine import Context, Engine, SilentProgress
from newsdesk.errors import StoreBusy, StoreError
from newsdesk.records import Lease, StageRun
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


# -- one run at a time per store: the run lease --------------------------------------------


class Holding:
    """A stage that keeps its run (and so the store's lease) going until told to let go."""

    name = "hold"

    def __init__(self) -> None:
        self.started = threading.Event()
        self.release = threading.Event()

    def run(self, context: Context) -> StageRun:
        self.started.set()
        assert self.release.wait(60)
        return StageRun(stage=self.name)


@contextmanager
def held(database: Path) -> Iterator[Holding]:
    """The store at ``database`` held by a run in another thread, over its own connection,
    until the block ends (or the test sets ``release``)."""
    stage = Holding()

    def work() -> None:
        store = SQLiteStore(database)
        try:
            Engine(store, Config()).run([stage])
        finally:
            store.close()

    thread = threading.Thread(target=work)
    thread.start()
    try:
        assert stage.started.wait(60)
        yield stage
    finally:
        stage.release.set()
        thread.join()


class Waiting(SilentProgress):
    """Records whom the engine waited for, and lets the holder go when told."""

    def __init__(self, then: Callable[[], None]) -> None:
        self.holders: list[Lease] = []
        self.then = then

    def waiting(self, holder: Lease) -> None:
        self.holders.append(holder)
        self.then()


STARTED = r"started \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC"


def test_a_second_run_on_a_held_store_fails_at_once(tmp_path: Path) -> None:
    database = tmp_path / "newsdesk.db"
    store = SQLiteStore(database)
    with held(database):
        message = rf"^another run \(pid {os.getpid()}, {STARTED}\) holds this store$"
        with pytest.raises(StoreBusy, match=message) as refused:
            Engine(store, Config()).run([Counting()])
        assert refused.value.holder.run_id == 1
    assert [(r.id, r.status) for r in store.runs()] == [(1, "finished")]
    assert store.lease() is None  # the holder gave it back when it finished
    store.close()


def test_a_run_told_to_wait_waits_for_the_holder_to_finish(tmp_path: Path) -> None:
    database = tmp_path / "newsdesk.db"
    store = SQLiteStore(database)
    with held(database) as holder:
        progress = Waiting(then=holder.release.set)
        run = Engine(store, Config(), progress, wait=True).run([Counting()])
    assert [h.run_id for h in progress.holders] == [1]
    assert progress.holders[0].pid == os.getpid()
    assert run.status == "finished" and [s.stage for s in run.stages] == ["count"]
    assert [(r.id, r.status) for r in store.runs()] == [(2, "finished"), (1, "finished")]
    store.close()


class Watching:
    """A stage that outlives its run's first lease and sees it renewed meanwhile."""

    name = "watch"

    def __init__(self, database: Path) -> None:
        self.database = database
        self.seen: list[Lease | None] = []

    def run(self, context: Context) -> StageRun:
        other = SQLiteStore(self.database)
        first = other.lease()
        assert first is not None
        while time.time() < first.expires + 0.3:  # past the lease it started with
            time.sleep(0.05)
        self.seen = [first, other.lease()]
        other.close()
        return StageRun(stage=self.name)


def test_the_heartbeat_keeps_a_long_stage_s_lease(tmp_path: Path) -> None:
    database = tmp_path / "newsdesk.db"
    store = SQLiteStore(database)
    stage = Watching(database)
    Engine(store, Config(), lease_s=1.0).run([stage])
    first, later = stage.seen
    assert first is not None and later is not None
    assert later.run_id == first.run_id and later.heartbeat > first.heartbeat
    assert store.lease() is None
    store.close()


class TakenOver:
    """A stage during which the run's lease lapses and another run takes the store."""

    name = "lapse"

    def __init__(self, database: Path) -> None:
        self.database = database

    def run(self, context: Context) -> StageRun:
        other = SQLiteStore(self.database)
        other.db.execute("UPDATE run_lease SET expires = 0")
        other.start_run(lease_s=60)
        other.close()
        return StageRun(stage=self.name)


def test_a_run_that_lost_its_lease_stops_before_its_next_stage(tmp_path: Path) -> None:
    database = tmp_path / "newsdesk.db"
    store = SQLiteStore(database)
    with pytest.raises(StoreError, match="run 1 lost this store's lease to another run"):
        Engine(store, Config()).run([TakenOver(database), Counting()])
    runs = store.runs()
    assert [(r.id, r.status) for r in runs] == [(2, "running"), (1, "failed")]
    assert [s.stage for s in runs[1].stages] == ["lapse"]
    holder = store.lease()
    assert holder is not None and holder.run_id == 2  # the failed run left the new holder alone
    store.close()


KILLED_HOLDER = """
import os, signal, sys
from newsdesk.store import SQLiteStore
SQLiteStore(sys.argv[1]).start_run(lease_s=3600)
os.kill(os.getpid(), signal.SIGKILL)
"""


def test_a_run_killed_on_this_host_does_not_keep_the_next_one_waiting(tmp_path: Path) -> None:
    database = tmp_path / "newsdesk.db"
    killed = subprocess.run([sys.executable, "-c", KILLED_HOLDER, str(database)], check=False)
    assert killed.returncode == -signal.SIGKILL
    store = SQLiteStore(database)
    (left,) = store.runs()
    assert left.status == "interrupted"  # its lease runs for an hour, but its process is gone
    run = Engine(store, Config()).run([Counting()])
    assert run.status == "finished"
    assert [(r.id, r.status) for r in store.runs()] == [(2, "finished"), (1, "interrupted")]
    store.close()
