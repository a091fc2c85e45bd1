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
from dataclasses import replace
from pathlib import Path

import pytest
from click.testing import CliRunner

from newsdesk.cli import cli
from newsdesk.compute import DaskExecutor, InProcess, executor_for
from newsdesk.config import Config, FetchSettings, IngestSettings, load_config
from newsdesk.errors import ConfigError
from newsdesk.ingest.extraction import ExtractionError
from newsdesk.ingest.warc import import_warc
from newsdesk.ingest.web import FeedPoller, Page, PageReader
from newsdesk.language.encoder import default_encoder
from newsdesk.language.support import default_model
from newsdesk.store import Store, open_store
from sample_web import SAMPLE
from slices import write_slice
from web_server import sample_feeds, serve, serve_sample, text

distributed = pytest.importorskip("distributed", reason="Dask is the [cluster] extra")
cloudpickle = pytest.importorskip("cloudpickle", reason="Dask is the [cluster] extra")
cloudpickle.register_pickle_by_value(sys.modules[__name__])  # workers cannot import tests/


NO_ARTICLE = b"<html><body><nav><a href='/'>Home</a></nav><p>Subscribe.</p></body></html>"


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


def test_a_page_reader_and_the_error_it_gives_travel_whole() -> None:
    """What a worker gets (the reader) and gives back (a page's ``ExtractionError``)."""
    reader = pickle.loads(pickle.dumps(PageReader.of(IngestSettings())))
    page = Page("https://example.net/a", NO_ARTICLE, "text/html", "2024-01-01T00:00:00Z")
    error = reader(page)
    assert isinstance(error, ExtractionError)
    back = pickle.loads(pickle.dumps(error))
    assert (back.url, back.reason, str(back)) == (error.url, error.reason, str(error))


def _articles(store: Store) -> list[tuple[str, str, str, str]]:
    return sorted((a.id, a.outlet, a.title, a.text) for a in store.articles())


@pytest.mark.slow
def test_a_feed_poll_reads_its_pages_on_the_cluster_and_stores_what_one_here_does(
    cluster: distributed.LocalCluster, tmp_path: Path
) -> None:
    config = load_config(database=tmp_path / "unused.db")
    config = replace(
        config,
        fetch=FetchSettings(allow_networks=("127.0.0.1/32",), per_host_delay_s=0.0),
        ingest=replace(config.ingest, poll_interval_s=0.0),
    )
    executor = DaskExecutor(cluster.scheduler_address)
    stored = {}
    try:
        with serve({}) as web:
            serve_sample(web)
            first = sorted((SAMPLE / "pages").iterdir())[0].name
            web.routes[f"/pages/{first}"] = text(NO_ARTICLE, "text/html")  # a page without one
            for name, runs_on in (("here", InProcess()), ("cluster", executor)):
                store = open_store(tmp_path / f"{name}.db")
                summary = FeedPoller(store, config, executor=runs_on).poll(sample_feeds(web))
                stored[name] = (_articles(store), summary.pages, summary.problems)
                store.close()
    finally:
        executor.close()
    assert stored["cluster"] == stored["here"]
    articles, pages, problems = stored["here"]
    assert len(articles) >= 29 and pages == len(articles) + 1
    assert [p.url.rsplit("/", 1)[1] for p in problems] == [first]
    assert "PageReader" in cluster.scheduler.task_prefixes


@pytest.mark.slow
def test_a_warc_archive_s_pages_are_read_on_the_cluster_in_the_archive_s_order(
    cluster: distributed.LocalCluster, tmp_path: Path
) -> None:
    from test_warc import page_records, sample, write_warc

    records = page_records(sample()[:6])
    records.insert(3, ("response", "https://ex.com/empty", NO_ARTICLE, "200 OK", "text/html"))
    path = write_warc(tmp_path / "crawl.warc.gz", records)
    executor = DaskExecutor(cluster.scheduler_address)
    results = {}
    try:
        for name, runs_on in (("here", InProcess()), ("cluster", executor)):
            store = open_store(tmp_path / f"{name}.db")
            result = import_warc(store, path, IngestSettings(), executor=runs_on)
            results[name] = (_articles(store), result.stored, result.problems)
            store.close()
    finally:
        executor.close()
    assert results["cluster"] == results["here"]
    assert results["here"][1] == 6
    assert "https://ex.com/empty" in [p.url for p in results["here"][2]]
