"""Where a stage's heavy work runs (``compute.py``): in process by default, or on a real
Dask cluster (``distributed.LocalCluster``, separate worker processes). Outcomes come
back in input order whatever finished first; a worker killed mid-task costs a retry on
another worker, not the item; and the pipeline run with its stories written and gated on
the cluster
stores the same drafts, verdicts and site as the run in process."""

from __future__ import annotations

import logging
import os
import pickle
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from newsdesk.cli import cli
from newsdesk.compute import DaskExecutor, InProcess, executor_for
from newsdesk.config import Config, load_config
from newsdesk.errors import ConfigError
from newsdesk.language.encoder import default_encoder
from newsdesk.language.support import default_model
from newsdesk.store import open_store
from slices import write_slice

distributed = pytest.importorskip("distributed", reason="Dask is the [cluster] extra")
cloudpickle = pytest.importorskip("cloudpickle", reason="Dask is the [cluster] extra")
cloudpickle.register_pickle_by_value(sys.modules[__name__])  # workers cannot import tests/


def halve(number: int) -> float:
    if number == 7:
        raise ValueError("seven is not halved here")
    return number / 2


def slow_first(number: int) -> int:
    """The first items take longest, so they finish last on a cluster."""
    time.sleep(0.05 * (10 - number) if number < 10 else 0)
    return number * number


def die_once(task: tuple[str, int]) -> int:
    """Kill the worker running item 3 the first time it is tried (a crashed machine)."""
    marker, number = task
    if number == 3 and not os.path.exists(marker):
        Path(marker).write_text(str(os.getpid()))
        os._exit(1)
    return number * 10


def test_in_process_runs_each_item_when_asked_and_hands_back_its_error() -> None:
    outcomes = InProcess().map(halve, [2, 7, 4])
    assert next(outcomes).get() == 1.0
    failed = next(outcomes)
    with pytest.raises(ValueError, match="seven"):
        failed.get()
    assert next(outcomes).get() == 2.0


def test_the_scheduler_setting_picks_the_executor_or_says_what_is_wrong() -> None:
    assert isinstance(executor_for(""), InProcess)
    with pytest.raises(ConfigError, match="give a Dask scheduler address such as tcp://"):
        executor_for("localhost:8786")
    with pytest.raises(ConfigError, match="cannot reach it"):
        executor_for("tcp://127.0.0.1:9")
    config = load_config(overrides={"compute.scheduler": "tcp://10.0.0.1:8786"})
    assert config.compute.scheduler == "tcp://10.0.0.1:8786"


def test_models_travel_by_name_and_are_this_process_s_own_on_arrival() -> None:
    """A task carries the encoder and the support model as references: a few bytes, and
    unpickled they are the process-wide instances, loaded once per worker."""
    for model in (default_encoder(), default_model()):
        data = pickle.dumps(model)
        assert len(data) < 500
        assert pickle.loads(data) is model


@pytest.fixture(scope="module")
def cluster() -> Iterator[distributed.LocalCluster]:
    with distributed.LocalCluster(
        n_workers=2,
        threads_per_worker=1,
        processes=True,
        dashboard_address=None,
        silence_logs=logging.ERROR,
    ) as found:
        yield found


@pytest.mark.slow
def test_a_cluster_gives_outcomes_in_input_order(cluster: distributed.LocalCluster) -> None:
    executor = DaskExecutor(cluster.scheduler_address)
    try:
        got = [o.get() for o in executor.map(slow_first, range(12))]
        failed = list(executor.map(halve, [6, 7]))
    finally:
        executor.close()
    assert got == [n * n for n in range(12)]
    assert failed[0].get() == 3.0
    with pytest.raises(ValueError, match="seven"):
        failed[1].get()


@pytest.mark.slow
def test_a_killed_worker_s_task_is_retried_elsewhere_and_nothing_is_lost(
    cluster: distributed.LocalCluster, tmp_path: Path
) -> None:
    marker = tmp_path / "killed"
    executor = DaskExecutor(cluster.scheduler_address)
    try:
        got = [o.get() for o in executor.map(die_once, [(str(marker), n) for n in range(8)])]
    finally:
        executor.close()
    assert marker.exists()  # a worker did die on item 3
    assert got == [n * 10 for n in range(8)]


def _stored(config: Config) -> tuple[list[object], list[object], list[object]]:
    store = open_store(config.store.location)
    try:
        drafts = sorted(store.drafts(), key=lambda d: d.story_id)
        verdicts = [store.verdicts(d.story_id) for d in drafts]
        records = [store.gate_record(d.story_id) for d in drafts]
        return list(drafts), verdicts, records
    finally:
        store.close()


def _site(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*.*")}


@pytest.mark.slow
def test_the_pipeline_on_a_cluster_over_postgresql_gives_the_in_process_sqlite_site(
    cluster: distributed.LocalCluster, tmp_path: Path, postgres_url: str
) -> None:
    """``newsdesk run --database postgresql://… --scheduler tcp://…``, as the README shows
    it, against the default run: the same stories, drafts, verdicts and site bytes."""
    dump = write_slice(tmp_path / "dump.jsonl")
    runs = {
        "local": ["--database", str(tmp_path / "local.db"), "--site", str(tmp_path / "local")],
        "cluster": [
            *("--database", postgres_url, "--site", str(tmp_path / "cluster")),
            *("--scheduler", cluster.scheduler_address),
        ],
    }
    for args in runs.values():
        done = CliRunner().invoke(cli, ["run", "--dump", str(dump), *args])
        assert done.exit_code == 0, done.output
    prefixes = cluster.scheduler.task_prefixes
    assert {"embed_texts", "write_one", "gate_one"} <= set(prefixes)  # all three ran there
    local = load_config(database=tmp_path / "local.db")
    clustered = load_config(overrides={"store.url": postgres_url})
    assert _stored(clustered) == _stored(local)
    assert _site(tmp_path / "cluster") == _site(tmp_path / "local")
    assert any(p.startswith("stories/") for p in _site(tmp_path / "local"))
