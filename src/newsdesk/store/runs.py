"""The runs part of the store: what the engine records of each run and its stages, and the
run lease that lets one run at a time write a store.

The lease is one row in the store naming the run that holds it, its process
(pid and host) and when it lapses. The engine takes it with the run's first
row (``start_run(lease_s=...)``, one transaction, so two processes can never
both hold it), renews it while the run is alive (``renew_lease``, the
heartbeat) and gives it back when the run ends (``finish_run``). The rule for
whether a lease is still held is ``lease_held``, the same for every backend:

- a lease whose ``expires`` has passed is free (its holder stopped renewing
  it: killed, or on a machine that went away);
- a lease taken on this host by a process that no longer exists is free at
  once, so a run after a ``kill -9`` does not wait out the lease;
- any other lease is held, and a run that finds it held waits or gives up.

Taking over a free lease records the runs still marked running as
``interrupted``; until then ``runs()`` reads a running run without a held
lease as interrupted.
"""

from __future__ import annotations

import os
import socket
import time
from pathlib import Path
from typing import Protocol

from newsdesk.records import Lease, Quarantined, Run, StageRun
from newsdesk.store.base import Transactional


def this_host() -> str:
    """The name a lease records for this machine."""
    return socket.gethostname()


def process_alive(pid: int) -> bool:
    """Whether process ``pid`` of this host still runs (a zombie, killed but not yet reaped,
    does not). Where that cannot be told (not POSIX), it is taken to run: the lease then
    lapses on its own."""
    if os.name != "posix" or pid <= 0:
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # PermissionError: another user's process, alive
        return True
    try:
        stat = Path(f"/proc/{pid}/stat").read_text(encoding="ascii", errors="replace")
    except OSError:  # no /proc (macOS), or it just ended
        return True
    fields = stat.rsplit(")", 1)[-1].split()
    return not fields or fields[0] != "Z"


def lease_held(lease: Lease, now: float | None = None) -> bool:
    """Whether ``lease`` still keeps other runs out (see the module docstring)."""
    if lease.expires <= (time.time() if now is None else now):
        return False
    return lease.host != this_host() or process_alive(lease.pid)


class RunStore(Transactional, Protocol):
    """Runs, the record of each stage of a run, row counts, and the run lease."""

    def start_run(self, lease_s: float | None = None) -> Run:
        """Record a new run as running.

        With ``lease_s``, take the store's run lease for it in the same
        transaction, held for ``lease_s`` seconds unless renewed. Raises
        ``StoreBusy`` naming the holder, and records nothing, when another run
        holds it (``lease_held``); a lease that is no longer held is taken
        over, and the runs left marked running are recorded as interrupted.
        """
        ...

    def renew_lease(self, run_id: int, lease_s: float) -> bool:
        """The heartbeat: keep the lease of run ``run_id`` for ``lease_s`` more seconds.

        Returns False when that run no longer holds the lease (another run took
        it over after it lapsed). Safe to call from another thread than the
        one that opened the store.
        """
        ...

    def lease(self) -> Lease | None:
        """The lease while a run holds it (``lease_held``); None when the store is free."""
        ...

    def save_stage_run(self, run: Run, position: int, stage: StageRun) -> None: ...

    def finish_run(self, run: Run) -> None:
        """Record how ``run`` ended and give back its lease, in one transaction."""
        ...

    def runs(self, limit: int = 10) -> list[Run]:
        """The latest runs, newest first: a running run with its lease, and one recorded as
        running whose lease is no longer held as ``interrupted``."""
        ...

    def counts(self) -> dict[str, int]: ...

    def quarantine(self, item: Quarantined) -> None:
        """Keep ``item`` out of its stage's runs while its input is unchanged (replacing
        what was recorded for it before)."""
        ...

    def release(self, stage: str, item: str) -> None:
        """Forget a quarantined item: its stage processed it after all."""
        ...

    def quarantined(self, stage: str | None = None) -> list[Quarantined]:
        """The quarantined items, of one stage or of all, oldest first."""
        ...
