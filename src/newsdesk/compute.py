"""Where a stage's heavy, independent work runs: in this process, or on a Dask cluster.

A stage that does the same pure work for many items (reading fetched pages, embedding
chunks of articles, writing stories, gating drafts) hands the work to the run's
``Executor`` as a function and its inputs, and gets the outcomes back **in input
order**, one at a time. It stores each outcome itself, in its own transaction, as it does
in process: workers compute, only the run that holds the store's lease writes. So a run
on a cluster stores exactly what an in-process run stores (the same drafts in the same
order, the same site), a worker that dies costs a retry of its tasks elsewhere and nothing
else (no half-written item, no duplicate), and the store needs no second writer.

``InProcess`` (the default) runs each item when the stage asks for its outcome, exactly as
a plain loop would. ``DaskExecutor`` submits a window of items ahead to the scheduler at
``[compute] scheduler`` (``tcp://host:8786``), each task retried on another worker when
its worker dies (``RETRIES``), and keeps that window full while the stage stores what came
back. Functions and inputs travel by cloudpickle, so they must be module-level or
closures over small, picklable values; the heavy models they use travel by name and
are loaded once per worker process (``language.encoder.default_encoder`` and the like).

What stays in one ordered consumer is the clustering: where an article goes depends on
every article placed before it (``docs/SCALING.md``).
"""

from __future__ import annotations

import logging
import uuid
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any, Generic, Protocol, TypeVar

from newsdesk.errors import ConfigError

log = logging.getLogger(__name__)

T = TypeVar("T")
R = TypeVar("R")

RETRIES = 3
"""How many times a task whose worker died (or that raised) is tried again elsewhere."""
WINDOW_PER_WORKER = 4
"""Tasks kept submitted per worker thread while the stage stores earlier outcomes: enough
to keep every worker busy, few enough that a large edition is never all in memory."""


@dataclass(frozen=True)
class Outcome(Generic[R]):
    """What one item's work gave: its value, or the error it raised (where it ran)."""

    value: R | None = None
    error: BaseException | None = None

    def get(self) -> R:
        """The value, or the item's error raised here (so ``engine.Quarantine`` sees it)."""
        if self.error is not None:
            raise self.error
        return self.value  # type: ignore[return-value]


class Executor(Protocol):
    """Runs ``function`` over ``items`` and yields their outcomes in input order."""

    name: str

    def map(self, function: Callable[[T], R], items: Iterable[T]) -> Iterator[Outcome[R]]: ...

    def close(self) -> None: ...


class InProcess:
    """Each item's work runs here, when its outcome is asked for: a plain loop."""

    name = "in-process"

    def map(self, function: Callable[[T], R], items: Iterable[T]) -> Iterator[Outcome[R]]:
        for item in items:
            try:
                yield Outcome(function(item))
            except (KeyboardInterrupt, MemoryError):
                raise
            except Exception as error:  # handed to the stage, which decides
                yield Outcome(error=error)

    def close(self) -> None:
        pass


class DaskExecutor:
    """Tasks on the Dask cluster whose scheduler is at ``address``."""

    def __init__(self, address: str, *, client: Any = None) -> None:
        from distributed import Client

        self.address = address
        self.name = f"dask {address}"
        try:
            self.client = client or Client(  # type: ignore[no-untyped-call]
                address, set_as_default=False, timeout="10s"
            )
        except OSError as error:
            raise ConfigError(
                f"[compute] scheduler {address!r}: cannot reach it ({error})"
            ) from None
        self._owned = client is None

    @property
    def window(self) -> int:
        threads = sum(self.client.nthreads().values()) or 1
        return threads * WINDOW_PER_WORKER

    def map(self, function: Callable[[T], R], items: Iterable[T]) -> Iterator[Outcome[R]]:
        pending: deque[Any] = deque()
        source = iter(items)
        window = self.window
        while True:
            while len(pending) < window:
                item = next(source, _END)
                if item is _END:
                    break
                key = f"{task_name(function)}-{uuid.uuid4().hex}"
                pending.append(self.client.submit(function, item, key=key, retries=RETRIES))
            if not pending:
                return
            future = pending.popleft()
            try:
                yield Outcome(future.result())
            except (KeyboardInterrupt, MemoryError):
                raise
            except Exception as error:
                yield Outcome(error=error)
            finally:
                future.release()

    def close(self) -> None:
        if self._owned:
            self.client.close()


_END: Any = object()


def task_name(function: Callable[..., Any]) -> str:
    """What a task is called on the cluster (its dashboard, ``task_prefixes``): a function's
    name, or a callable object's class name (Dask would print the whole object)."""
    name = getattr(function, "__name__", None)
    if isinstance(name, str):
        return name
    inner = getattr(function, "func", None)  # functools.partial
    return task_name(inner) if callable(inner) else type(function).__name__


def executor_for(scheduler: str) -> Executor:
    """The executor ``[compute] scheduler`` names: in process when empty, else Dask."""
    scheduler = scheduler.strip()
    if not scheduler:
        return InProcess()
    if not scheduler.startswith(("tcp://", "tls://", "inproc://", "ws://", "wss://")):
        raise ConfigError(
            f"[compute] scheduler {scheduler!r}: give a Dask scheduler address such as"
            " tcp://127.0.0.1:8786, or leave it empty to run in process"
        )
    try:
        import distributed  # noqa: F401
    except ImportError:
        raise ConfigError(
            "[compute] scheduler needs Dask: pip install 'newsdesk[cluster]'"
        ) from None
    return DaskExecutor(scheduler)
