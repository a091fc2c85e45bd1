"""Running the pipeline and its stages over the configured store: ``run``, ``import_files``,
``ingest``, ``update_stories``, ``publish``; and ``evaluate_stories``, which stores nothing.

Each function that changes the store runs its stages through the ``Engine`` (so every
call is logged in the ``runs`` table) and holds the store's run lease while it runs
(one run at a time per store): it raises ``StoreBusy`` when another run holds it, or
with ``wait=True`` waits for that run to end (``progress.waiting`` says for which).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from newsdesk.api._lazy import (
    embeddings,
    ingest_stage,
    jekyll,
    publish_stage,
    stories,
    verify,
    web,
    write,
)
from newsdesk.compute import executor_for
from newsdesk.config import Config, apply_overrides, load_config
from newsdesk.engine import Engine, Progress, Stage
from newsdesk.errors import InputError
from newsdesk.records import (
    Run,
)
from newsdesk.store import Store, open_store

if TYPE_CHECKING:
    from newsdesk.ingest import ImportResult
    from newsdesk.ingest.result import PollSummary
    from newsdesk.publish import SiteResult
    from newsdesk.publish.stage import Format
    from newsdesk.stories import Evaluation


STAGE_NAMES = ("ingest", "stories", "write", "verify", "publish")


def stages_for(
    config: Config, names: Sequence[str] = STAGE_NAMES, *, sample: bool = False
) -> list[Stage]:
    """The stage objects for ``names``, in pipeline order.

    The verify gate sends flagged sentences back to the writer that wrote
    them, so the write and verify stages share their writers. ``sample``: the
    ingest stage imports the bundled sample instead of the configured dumps
    and feeds.
    """
    unknown = [n for n in names if n not in STAGE_NAMES]
    if unknown:
        raise ValueError(f"unknown stage {unknown[0]!r}; stages: {', '.join(STAGE_NAMES)}")
    if sample and "ingest" not in names:
        raise ValueError("sample=True needs the ingest stage: it is what imports the sample")
    writing = functools.cache(lambda: write.WriteStage.for_config(config))
    factories: dict[str, Callable[[], Stage]] = {
        "ingest": lambda: ingest_stage.IngestStage.for_config(config, sample=sample),
        "stories": stories.StoriesStage,
        "write": writing,
        "verify": lambda: verify.VerifyStage(writing().writers),
        "publish": publish_stage.PublishStage,
    }
    return [factories[n]() for n in STAGE_NAMES if n in names]


def run(
    config: Config | None = None,
    *,
    stages: Sequence[str] = STAGE_NAMES,
    sample: bool = False,
    progress: Progress | None = None,
    wait: bool = False,
) -> Run:
    """Run the pipeline (or the named ``stages``) and return the run's record.

    The ingest stage reads the configured dumps and feeds; with ``sample`` it
    imports the bundled sample corpus (84 articles on 30 events) instead, into
    a database that holds nothing else. Raises ``InputError``, before the run
    starts and so leaving nothing in the store, when the sample would join
    other articles, or when there is nothing to read: no dump, no feed and no
    article stored. Raises ``StoreBusy`` when another run holds the store,
    unless ``wait``: then it waits for that run to end.

    Example::

        import newsdesk
        config = newsdesk.load_config(database="demo.db", site_dir="out")
        run = newsdesk.run(config, sample=True)
        print([(s.stage, s.items_out) for s in run.stages])
    """
    config = config or load_config()
    chosen = stages_for(config, stages, sample=sample)
    try:
        for stage in chosen:
            if isinstance(stage, ingest_stage.IngestStage):
                with _existing(config) as existing:
                    stage.check(config, existing)
        store = open_store(config.store.location)
    except BaseException:
        _close(chosen)
        raise
    return _run_and_close(store, config, chosen, progress, wait)


@contextmanager
def _existing(config: Config) -> Iterator[Store | None]:
    """The configured store when its database exists, else ``None``: a check before a run
    must not leave an empty database behind when it refuses the run."""
    database = config.store.location
    if not config.store.is_server and (str(database) == ":memory:" or not Path(database).exists()):
        yield None
        return
    with opened(config) as store:
        yield store


def run_stages(
    config: Config,
    stages: Sequence[Stage],
    progress: Progress | None = None,
    *,
    wait: bool = False,
) -> Run:
    """Run ``stages`` through the ``Engine`` over the configured store, then close both."""
    return _run_and_close(open_store(config.store.location), config, stages, progress, wait)


def _run_and_close(
    store: Store, config: Config, stages: Sequence[Stage], progress: Progress | None, wait: bool
) -> Run:
    try:
        executor = executor_for(config.compute.scheduler)
    except BaseException:
        _close(stages)
        store.close()
        raise
    try:
        return Engine(store, config, progress, wait=wait, executor=executor).run(stages)
    finally:
        executor.close()
        _close(stages)
        store.close()


def _close(stages: Sequence[Stage]) -> None:
    """Close the stages that hold something open (an LLM writer's HTTP client)."""
    for stage in stages:
        close = getattr(stage, "close", None)
        if callable(close):
            close()


def import_files(
    config: Config, paths: Sequence[Path], *, progress: Progress | None = None, wait: bool = False
) -> ImportResult:
    """Import JSONL dumps and WARC archives (by their names) as an ingest run.

    A file that cannot be read is one problem in the result and the other
    files are imported; ``result.files`` holds each file's own result.
    """
    stage = ingest_stage.ImportStage(paths)
    run_stages(config, [stage], progress, wait=wait)
    return stage.result


@dataclass(frozen=True)
class Polled:
    """A feed poll's run and what the poll did (``None`` when no feed was polled)."""

    run: Run
    poll: PollSummary | None


def ingest(
    config: Config,
    *,
    all_feeds: bool = False,
    progress: Progress | None = None,
    wait: bool = False,
) -> Polled:
    """Poll the feeds that are due (``all_feeds``: every feed) as an ingest run.

    Raises ``InputError`` when there is no feed to poll.
    """
    stage = ingest_stage.IngestStage([], force=all_feeds)
    with opened(config) as store:
        if not web.all_feeds(config, store):
            raise InputError(
                "no feeds: add one with `newsdesk feeds add URL`, or [[feeds]] in newsdesk.toml"
            )
        run = Engine(store, config, progress, wait=wait).run([stage])
    return Polled(run, stage.poll)


def update_stories(
    config: Config,
    *,
    device: str | None = None,
    progress: Progress | None = None,
    wait: bool = False,
) -> Run:
    """Run the stories stage alone: cluster the articles that have no story yet.

    ``device`` is where MiniLM embeds them (default: ``[stories] device``).
    """
    return run_stages(config, [stories.StoriesStage(device)], progress, wait=wait)


def evaluate_stories(
    config: Config, path: Path, *, split: str | None = None, device: str | None = None
) -> Evaluation:
    """Cluster a labelled set (a JSONL file or a folder) from scratch and score it.

    Returns BCubed precision, recall and F1 against the set's labels (only
    the clusters of ``split`` when given), with what the stream did. Nothing
    is stored.
    """
    params = stories.Params.of(config.stories, config.ingest.near_duplicate)
    labelled = stories.read_labelled(path, split)
    return stories.evaluate(labelled, params, embeddings.Embedder(device or config.stories.device))


@dataclass(frozen=True)
class Published:
    """A publish run, what the build wrote, and where: the site's front page or ``_posts``."""

    run: Run
    files: SiteResult
    location: Path


def publish(
    config: Config,
    target: Path | None = None,
    format: Format = "site",
    *,
    progress: Progress | None = None,
    wait: bool = False,
) -> Published:
    """Publish the verified stories as a publish run.

    ``site``: the static site in ``target`` (default: the settings' ``site_dir``).
    ``jekyll``: one Markdown post per story in ``target/_posts`` (``target``
    required); a folder that cannot be written is an ``InputError``.
    """
    if format == "jekyll":
        if target is None:
            raise InputError("give the Jekyll site's folder for the posts")
        location = target / jekyll.POSTS
    else:
        config = apply_overrides(config, site_dir=target)
        location = site_index(config)
    stage = publish_stage.PublishStage(format, target)
    run = run_stages(config, [stage], progress, wait=wait)
    return Published(run, stage.result, location)


def site_index(config: Config) -> Path:
    """Where the front page of the published site is."""
    return config.publish.site_dir / "index.html"


@contextmanager
def opened(config: Config) -> Iterator[Store]:
    """The configured store, closed when the block ends."""
    store = open_store(config.store.location)
    try:
        yield store
    finally:
        store.close()
