"""The library API: what the CLI (and later the web desk) call.

Each function that changes the store opens the configured store, runs one or
more stages through the ``Engine`` (so every call is logged in the ``runs``
table) and closes it: ``run`` the pipeline, ``import_files``, ``ingest`` the
feeds, ``update_stories``, ``publish`` the site or Jekyll posts. The others
only read (``check_story``, ``check_file``, ``evaluate_stories``,
``list_feeds``) or manage the feed list (``add_feed``, ``import_opml``).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from newsdesk.config import Config, apply_overrides, load_config
from newsdesk.engine import Engine, Progress, Stage
from newsdesk.errors import InputError
from newsdesk.ingest import ImportResult as ImportResult  # re-exported: the CLI renders it
from newsdesk.ingest import ImportStage, IngestStage, web
from newsdesk.ingest.feeds import read_opml
from newsdesk.ingest.result import PollSummary
from newsdesk.ingest.web import Discovered
from newsdesk.publish import PublishStage, SiteResult
from newsdesk.publish.jekyll import POSTS
from newsdesk.publish.model import withheld_because as why_withheld
from newsdesk.publish.stage import Format
from newsdesk.records import Feed, FeedState, Run
from newsdesk.store import Store, open_store
from newsdesk.stories import Evaluation as Evaluation  # re-exported: the CLI renders it
from newsdesk.stories import Params, StoriesStage, evaluate, read_labelled
from newsdesk.stories.embeddings import Embedder
from newsdesk.verify import Report, VerifyStage, check_article, check_draft, load_sources
from newsdesk.write import WriteStage

STAGE_NAMES = ("ingest", "stories", "write", "verify", "publish")


def stages_for(config: Config, names: Sequence[str] = STAGE_NAMES) -> list[Stage]:
    """The stage objects for ``names``, in pipeline order.

    The verify gate sends flagged sentences back to the writer that wrote
    them, so the write and verify stages share their writers.
    """
    unknown = [n for n in names if n not in STAGE_NAMES]
    if unknown:
        raise ValueError(f"unknown stage {unknown[0]!r}; stages: {', '.join(STAGE_NAMES)}")
    write = functools.cache(lambda: WriteStage.for_config(config))
    factories: dict[str, Callable[[], Stage]] = {
        "ingest": lambda: IngestStage.for_config(config),
        "stories": StoriesStage,
        "write": write,
        "verify": lambda: VerifyStage(write().writers),
        "publish": PublishStage,
    }
    return [factories[n]() for n in STAGE_NAMES if n in names]


def run(
    config: Config | None = None,
    *,
    stages: Sequence[str] = STAGE_NAMES,
    progress: Progress | None = None,
) -> Run:
    """Run the pipeline (or the named ``stages``) and return the run's record.

    Example::

        import newsdesk
        run = newsdesk.run(newsdesk.load_config(database="news.db", site_dir="out"))
        print([(s.stage, s.items_out) for s in run.stages])
    """
    config = config or load_config()
    store = open_store(config.store.database)
    return _run_and_close(store, config, stages_for(config, stages), progress)


def run_stages(config: Config, stages: Sequence[Stage], progress: Progress | None = None) -> Run:
    """Run ``stages`` through the ``Engine`` over the configured store, then close both."""
    return _run_and_close(open_store(config.store.database), config, stages, progress)


def _run_and_close(
    store: Store, config: Config, stages: Sequence[Stage], progress: Progress | None
) -> Run:
    try:
        return Engine(store, config, progress).run(stages)
    finally:
        for stage in stages:
            close = getattr(stage, "close", None)
            if callable(close):
                close()
        store.close()


def import_files(
    config: Config, paths: Sequence[Path], *, progress: Progress | None = None
) -> ImportResult:
    """Import JSONL dumps and WARC archives (by their names) as an ingest run.

    A file that cannot be read is one problem in the result and the other
    files are imported; ``result.files`` holds each file's own result.
    """
    stage = ImportStage(paths)
    run_stages(config, [stage], progress)
    return stage.result


@dataclass(frozen=True)
class Polled:
    """A feed poll's run and what the poll did (``None`` when no feed was polled)."""

    run: Run
    poll: PollSummary | None


def ingest(config: Config, *, all_feeds: bool = False, progress: Progress | None = None) -> Polled:
    """Poll the feeds that are due (``all_feeds``: every feed) as an ingest run.

    Raises ``InputError`` when there is no feed to poll.
    """
    stage = IngestStage([], force=all_feeds)
    with opened(config) as store:
        if not web.all_feeds(config, store):
            raise InputError(
                "no feeds: add one with `newsdesk feeds add URL`, or [[feeds]] in newsdesk.toml"
            )
        run = Engine(store, config, progress).run([stage])
    return Polled(run, stage.poll)


def update_stories(
    config: Config, *, device: str | None = None, progress: Progress | None = None
) -> Run:
    """Run the stories stage alone: cluster the articles that have no story yet.

    ``device`` is where MiniLM embeds them (default: ``[stories] device``).
    """
    return run_stages(config, [StoriesStage(device)], progress)


def evaluate_stories(
    config: Config, path: Path, *, split: str | None = None, device: str | None = None
) -> Evaluation:
    """Cluster a labelled set (a JSONL file or a folder) from scratch and score it.

    Returns BCubed precision, recall and F1 against the set's labels (only
    the clusters of ``split`` when given), with what the stream did. Nothing
    is stored.
    """
    params = Params.of(config.stories, config.ingest.near_duplicate)
    labelled = read_labelled(path, split)
    return evaluate(labelled, params, Embedder(device or config.stories.device))


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
) -> Published:
    """Publish the verified stories as a publish run.

    ``site``: the static site in ``target`` (default: the settings' ``site_dir``).
    ``jekyll``: one Markdown post per story in ``target/_posts`` (``target``
    required); a folder that cannot be written is an ``InputError``.
    """
    if format == "jekyll":
        if target is None:
            raise InputError("give the Jekyll site's folder for the posts")
        location = target / POSTS
    else:
        config = apply_overrides(config, site_dir=target)
        location = site_index(config)
    stage = PublishStage(format, target)
    run = run_stages(config, [stage], progress)
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
    return why_withheld(draft, verdicts, config.publish.min_outlets, record)


def check_story(config: Config, story_id: str) -> Report:
    """Re-check the stored draft of ``story_id`` against its stored source articles."""
    with opened(config) as store:
        draft = store.draft(story_id)
        if draft is None:
            raise InputError(f"no draft for story {story_id!r}")
        ids = sorted({c.article_id for s in draft.sentences for c in s.citations})
        return check_draft(draft, store.articles(ids), config.verify.min_coverage)


def check_file(config: Config, article: Path, sources: Path, as_of: str | None = None) -> Report:
    """Check an article file (Markdown, HTML or text) against a JSONL file of sources.

    ``as_of`` is the date the article speaks from (default: its own date).
    """
    text = read_text(article)
    return check_article(
        text,
        load_sources(sources),
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
    listed = read_opml(path)
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
