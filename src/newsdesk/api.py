"""The library API: what the CLI (and later the web desk) call.

Each function that changes the store opens the configured store, runs one or
more stages through the ``Engine`` (so every call is logged in the ``runs``
table) and closes it: ``run`` the pipeline, ``import_files``, ``ingest`` the
feeds, ``update_stories``, ``publish`` the site or Jekyll posts. Each of those
holds the store's run lease while it runs (one run at a time per store): it
raises ``StoreBusy`` when another run holds it, or with ``wait=True`` waits
for that run to end (``progress.waiting`` says for which). The others
only read (``check_story``, ``check_file``, ``evaluate_stories``,
``list_feeds``) or manage the feed list (``add_feed``, ``import_opml``).

The stage packages are imported on first use, not with this module: they
bring torch, scikit-learn, spaCy, trafilatura and their like (seconds), and
``newsdesk --help`` needs none of them. The functions
below reach each stage module through a name defined at the top
(``ingest_stage.IngestStage``): for the type checker the module itself (the
``TYPE_CHECKING`` imports), at run time an ``_OnFirstUse`` that imports it
the first time one of its names is used. ``ImportResult``, ``Evaluation``
and ``check_device``, re-exported for the CLI, are imported on first use by
the module's ``__getattr__`` (PEP 562).
"""

from __future__ import annotations

import functools
import importlib
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from newsdesk.config import Config, apply_overrides, load_config
from newsdesk.engine import Engine, Progress, Stage
from newsdesk.errors import InputError
from newsdesk.records import Feed, FeedState, Run
from newsdesk.store import Store, open_store


class _OnFirstUse:
    """Stands for a module until one of its names is used, then imports it (once: Python
    keeps it in ``sys.modules``) and hands out that name."""

    __slots__ = ("_module",)

    def __init__(self, module: str) -> None:
        self._module = module

    def __getattr__(self, name: str) -> object:
        return getattr(importlib.import_module(self._module), name)


if TYPE_CHECKING:
    from newsdesk import stories, verify, write
    from newsdesk.ingest import ImportResult as ImportResult
    from newsdesk.ingest import feeds, web
    from newsdesk.ingest import stage as ingest_stage
    from newsdesk.ingest.result import PollSummary
    from newsdesk.ingest.web import Discovered
    from newsdesk.language.encoder import check_device as check_device
    from newsdesk.publish import SiteResult, jekyll, model
    from newsdesk.publish import stage as publish_stage
    from newsdesk.publish.stage import Format
    from newsdesk.stories import Evaluation as Evaluation
    from newsdesk.stories import embeddings
    from newsdesk.verify import Report
else:
    ingest_stage = _OnFirstUse("newsdesk.ingest.stage")
    feeds = _OnFirstUse("newsdesk.ingest.feeds")
    web = _OnFirstUse("newsdesk.ingest.web")
    stories = _OnFirstUse("newsdesk.stories")
    embeddings = _OnFirstUse("newsdesk.stories.embeddings")
    write = _OnFirstUse("newsdesk.write")
    verify = _OnFirstUse("newsdesk.verify")
    publish_stage = _OnFirstUse("newsdesk.publish.stage")
    jekyll = _OnFirstUse("newsdesk.publish.jekyll")
    model = _OnFirstUse("newsdesk.publish.model")

_REEXPORTED = {
    "ImportResult": "newsdesk.ingest",  # the CLI renders it
    "Evaluation": "newsdesk.stories",  # the CLI renders it
    "check_device": "newsdesk.language.encoder",  # the CLI checks --device before any work
}


def __getattr__(name: str) -> object:
    """The re-exported names of ``_REEXPORTED``, imported on first use (PEP 562)."""
    if name not in _REEXPORTED:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(_REEXPORTED[name]), name)
    globals()[name] = value
    return value


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
        store = open_store(config.store.database)
    except BaseException:
        _close(chosen)
        raise
    return _run_and_close(store, config, chosen, progress, wait)


@contextmanager
def _existing(config: Config) -> Iterator[Store | None]:
    """The configured store when its database exists, else ``None``: a check before a run
    must not leave an empty database behind when it refuses the run."""
    database = config.store.database
    if str(database) == ":memory:" or not Path(database).exists():
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
    return _run_and_close(open_store(config.store.database), config, stages, progress, wait)


def _run_and_close(
    store: Store, config: Config, stages: Sequence[Stage], progress: Progress | None, wait: bool
) -> Run:
    try:
        return Engine(store, config, progress, wait=wait).run(stages)
    finally:
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
    store = open_store(config.store.database)
    try:
        yield store
    finally:
        store.close()


def withheld_because(config: Config, store: Store, story_id: str) -> str | None:
    """Why the stored draft of ``story_id`` is not on the site, or None when it is."""
    draft = store.draft(story_id)
    if draft is None:
        return "no draft yet"
    verdicts = store.verdicts(story_id)
    record = store.gate_record(story_id)
    publish = config.publish
    return model.withheld_because(draft, verdicts, publish.min_outlets, record, publish.language)


def check_story(config: Config, story_id: str) -> Report:
    """Re-check the stored draft of ``story_id`` against its stored source articles."""
    with opened(config) as store:
        draft = store.draft(story_id)
        if draft is None:
            raise InputError(f"no draft for story {story_id!r}")
        ids = sorted({c.article_id for s in draft.sentences for c in s.citations})
        return verify.check_draft(draft, store.articles(ids), config.verify.min_coverage)


def check_file(config: Config, article: Path, sources: Path, as_of: str | None = None) -> Report:
    """Check an article file (Markdown, HTML or text) against a JSONL file of sources.

    ``as_of`` is the date the article speaks from (default: its own date).
    """
    text = read_text(article)
    return verify.check_article(
        text,
        verify.load_sources(sources),
        name=str(article),
        as_of=as_of,
        min_coverage=config.verify.min_coverage,
    )


def read_text(path: Path) -> str:
    """A UTF-8 text file, or an ``InputError`` naming it."""
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError(f"{path}: file not found") from None
    except UnicodeDecodeError as exc:
        raise InputError(f"{path}: not UTF-8 (byte {exc.start})") from None
    except OSError as exc:
        raise InputError(f"{path}: cannot read: {exc.strerror}") from None


@dataclass(frozen=True)
class AddedFeed:
    """The feed a URL led to, and whether it was new to the store."""

    found: Discovered
    added: bool


def add_feed(
    config: Config,
    url: str,
    *,
    name: str | None = None,
    outlet: str | None = None,
    category: str | None = None,
) -> AddedFeed:
    """Fetch ``url`` (a feed, or a page announcing one) and store its feed."""
    found = web.discover(url, config.fetch, name=name, outlet=outlet, category=category)
    with opened(config) as store:
        return AddedFeed(found, store.add_feed(found.feed))


def import_opml(config: Config, path: Path) -> tuple[int, int]:
    """Store the feeds of an OPML subscription list: ``(added, listed)``."""
    listed = feeds.read_opml(path)
    with opened(config) as store, store.transaction():
        added = sum(store.add_feed(feed) for feed in listed)
    return added, len(listed)


@dataclass(frozen=True)
class ListedFeed:
    """A feed newsdesk polls: from the settings file or added, and how its polls went."""

    feed: Feed
    configured: bool
    state: FeedState | None


def list_feeds(config: Config) -> list[ListedFeed]:
    """The feeds of the settings file and those stored, with their poll state."""
    configured = {feed.url for feed in config.feeds}
    with opened(config) as store:
        return [
            ListedFeed(feed, feed.url in configured, store.feed_state(feed.url))
            for feed in web.all_feeds(config, store)
        ]
