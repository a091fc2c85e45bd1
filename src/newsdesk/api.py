"""The library API: what the CLI (and later the web desk) call.

Each function opens the configured store, runs one or more stages through the
``Engine`` (so every call is logged in the ``runs`` table) and closes it.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from pathlib import Path

from newsdesk.config import Config, load_config
from newsdesk.engine import Engine, Progress, Stage
from newsdesk.errors import InputError
from newsdesk.ingest import IngestStage
from newsdesk.publish import PublishStage
from newsdesk.records import Run
from newsdesk.store import open_store
from newsdesk.stories import StoriesStage
from newsdesk.verify import Report, VerifyStage, check_draft
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
    chosen = stages_for(config, stages)
    try:
        return Engine(store, config, progress).run(chosen)
    finally:
        for stage in chosen:
            close = getattr(stage, "close", None)
            if callable(close):
                close()
        store.close()


def site_index(config: Config) -> Path:
    """Where the front page of the published site is."""
    return config.publish.site_dir / "index.html"


def check_story(config: Config, story_id: str) -> Report:
    """Re-check the stored draft of ``story_id`` against its stored source articles."""
    store = open_store(config.store.database)
    try:
        draft = store.draft(story_id)
        if draft is None:
            raise InputError(f"no draft for story {story_id!r}")
        ids = sorted({c.article_id for s in draft.sentences for c in s.citations})
        return check_draft(draft, store.articles(ids), config.verify.min_coverage)
    finally:
        store.close()
