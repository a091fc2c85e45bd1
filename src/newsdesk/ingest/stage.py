"""The ingest stages: bring articles from files and feeds into the store, once each.

``IngestStage`` is the pipeline's: the configured dumps, then the feeds.
``ImportStage`` imports the files it is given (``newsdesk import``): JSONL
dumps and WARC archives alike, through ``import_file``.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

from newsdesk.config import Config, IngestSettings
from newsdesk.dumps import ImportProblem, read_jsonl
from newsdesk.engine import Context
from newsdesk.errors import NewsdeskError
from newsdesk.ingest.downloads import Downloader
from newsdesk.ingest.marking import mark_furniture
from newsdesk.ingest.result import Format, ImportResult, PollSummary
from newsdesk.ingest.warc import import_warc, is_warc_path
from newsdesk.ingest.web import DownloaderFactory, FeedPoller, all_feeds
from newsdesk.records import Article, StageRun
from newsdesk.store import ArticleStore, Store

BATCH = 200
"""Articles committed per transaction: a crash loses at most one uncommitted batch."""


def import_dump(store: ArticleStore, path: str | Path, run_id: int | None = None) -> ImportResult:
    """Add the new articles of a JSONL dump to ``store``.

    An article already stored with the same content is skipped, so importing
    a file twice changes nothing. One stored under the same id with different
    content is reported and left as it is: nothing stored is overwritten.
    """
    result = ImportResult(str(path))
    batch: list[Article] = []

    def flush() -> None:
        with store.transaction():
            for article in batch:
                store.add_article(article, run_id)
        result.added += len(batch)
        batch.clear()

    for item in read_jsonl(path):
        if isinstance(item, ImportProblem):
            result.problems.append(item)
            continue
        line, article = item
        stored = store.article_hash(article.id)
        if stored == article.hash:
            result.unchanged += 1
        elif stored is not None:
            result.problems.append(
                ImportProblem(
                    result.path,
                    line,
                    f"id {article.id!r} is already stored with different content;"
                    " kept the stored one",
                )
            )
        else:
            batch.append(article)
            if len(batch) >= BATCH:
                flush()
    if batch:
        flush()
    return result


def file_format(path: str | Path) -> Format:
    """``warc`` for a file named as a WARC archive, else ``jsonl``."""
    return "warc" if is_warc_path(path) else "jsonl"


def import_file(
    store: ArticleStore, path: str | Path, settings: IngestSettings, run_id: int | None = None
) -> ImportResult:
    """Import a WARC archive (named ``.warc`` or ``.warc.gz``) or else a JSONL dump.

    Raises ``NewsdeskError`` when the file cannot be read at all.
    """
    if file_format(path) == "warc":
        return import_warc(store, path, settings, run_id)
    return import_dump(store, path, run_id)


def _only_sample(store: Store, sample: Path) -> bool:
    """Whether every article stored so far is one of the sample's (none at all included):
    a demo store, or one a killed demo run left half-filled, which a rerun completes."""
    ids = [json.loads(line)["id"] for line in sample.read_text("utf-8").splitlines() if line]
    stored = sum(store.article_hash(article_id) is not None for article_id in ids)
    return store.counts()["articles"] == stored


class IngestStage:
    """Import every configured dump (JSONL or WARC), then poll the feeds (configured and stored).

    ``sample`` is the dump to import when no dump is given, no feed exists and
    the store holds no article yet: the bundled demo corpus, which a newsroom
    with its own feeds or its own imported dumps does not want mixed into its
    stories. ``force`` polls every feed, due or not.
    ``poll`` is what the last run's feed poll did (``None`` when there were no feeds).
    """

    name = "ingest"

    def __init__(
        self,
        dumps: Sequence[Path],
        *,
        sample: Path | None = None,
        force: bool = False,
        downloader: DownloaderFactory = Downloader,
    ) -> None:
        self.dumps = list(dumps)
        self.sample = sample
        self.force = force
        self.downloader = downloader
        self.poll: PollSummary | None = None

    @classmethod
    def for_config(cls, config: Config, *, force: bool = False) -> IngestStage:
        """The configured dumps, with the bundled sample as the fallback."""
        sample = None if config.ingest.dumps else config.dumps[0]
        return cls(config.ingest.dumps, sample=sample, force=force)

    def run(self, context: Context) -> StageRun:
        record = StageRun(self.name)
        feeds = all_feeds(context.config, context.store)
        dumps = self.dumps
        if not dumps and not feeds and self.sample and _only_sample(context.store, self.sample):
            dumps = [self.sample]
        if dumps:
            self._import(context, dumps, record)
        if feeds:
            self._poll(context, record)
        mark_furniture(context.store)
        return record

    def _import(self, context: Context, dumps: Sequence[Path], record: StageRun) -> None:
        context.progress.start(self.name, len(dumps))
        for path in dumps:
            result = import_file(context.store, path, context.config.ingest, context.run.id)
            _count(record, result)
            context.progress.advance(self.name)

    def _poll(self, context: Context, record: StageRun) -> None:
        """Feeds count like dumps: pages read in, articles (new or new versions) out."""
        poller = FeedPoller(
            context.store,
            context.config,
            run_id=context.run.id,
            progress=context.progress,
            downloader=self.downloader,
        )
        self.poll = poller.poll(all_feeds(context.config, context.store), force=self.force)
        _count(record, self.poll, read=self.poll.pages)


class ImportStage:
    """Import the given files (JSONL dumps, WARC archives) and poll no feed.

    A file that cannot be read is a problem of its own and the other files
    are imported. ``result`` is what the last run imported, file by file in
    ``result.files``.
    """

    name = "ingest"

    def __init__(self, paths: Sequence[Path]) -> None:
        self.paths = list(paths)
        self.result = ImportResult.of([])

    def run(self, context: Context) -> StageRun:
        context.progress.start(self.name, len(self.paths))
        results = []
        for path in self.paths:
            try:
                result = import_file(context.store, path, context.config.ingest, context.run.id)
            except NewsdeskError as exc:
                result = ImportResult.failed(str(path), file_format(path), str(exc))
            results.append(result)
            context.progress.advance(self.name)
        self.result = ImportResult.of(results)
        mark_furniture(context.store)
        return _count(StageRun(self.name), self.result)


def _count(record: StageRun, result: ImportResult, read: int | None = None) -> StageRun:
    """An import in a stage's counts: articles read in, stored out, already known skipped.

    ``read`` is what came in when that is not one item per article or problem: a
    poll reads pages, and a failed feed is a problem but no page.
    """
    record.items_in += result.stored + result.known + len(result.problems) if read is None else read
    record.items_out += result.stored
    record.skipped += result.known
    record.errors.extend(str(p) for p in result.problems)
    return record
