"""The ingest stages: bring articles from files and feeds into the store, once each.

``IngestStage`` is the pipeline's: the configured dumps, then the feeds, or
the bundled sample alone (``newsdesk run --sample``). ``ImportStage`` imports
the files it is given (``newsdesk import``): JSONL dumps and WARC archives
alike, through ``import_file``.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date
from pathlib import Path

from newsdesk.compute import Executor
from newsdesk.config import SAMPLE_DUMP, Config, IngestSettings
from newsdesk.dumps import MAX_LINE_BYTES, ImportProblem, read_jsonl
from newsdesk.engine import Context
from newsdesk.errors import InputError, NewsdeskError, shown
from newsdesk.ingest.downloads import Downloader
from newsdesk.ingest.marking import mark_furniture
from newsdesk.ingest.result import Format, ImportResult, PollSummary
from newsdesk.ingest.warc import import_warc, is_warc_path
from newsdesk.ingest.web import DownloaderFactory, FeedPoller, all_feeds
from newsdesk.records import Article, StageRun
from newsdesk.store import ArticleStore, Store

BATCH = 200
"""Articles committed per transaction: a crash loses at most one uncommitted batch."""


def import_dump(
    store: ArticleStore,
    path: str | Path,
    run_id: int | None = None,
    *,
    today: date | None = None,
    max_bytes: int = MAX_LINE_BYTES,
) -> ImportResult:
    """Add the new articles of a JSONL dump to ``store``.

    An article already stored with the same content is skipped, so importing
    a file twice changes nothing. One stored under the same id with different
    content is reported and left as it is: nothing stored is overwritten.
    Dates are checked against ``today`` (the run's day; UTC today by default),
    and a line over ``max_bytes`` is refused. A batch the store refuses is
    stored again article by article, so one bad article costs only its line.
    Storing is insert-or-ignore: an article another import stored since it
    was looked up is counted as above, never an error, so two imports of one
    file at once store each article once.
    """
    result = ImportResult(str(path))
    batch: list[tuple[int, Article]] = []

    def flush() -> None:
        try:
            with store.transaction():
                added = [store.add_article(article, run_id) for _, article in batch]
        except Exception:
            for line, article in batch:
                _store_one(store, result, line, article, run_id)
        else:
            for (line, article), new in zip(batch, added, strict=True):
                _tally(store, result, line, article, new)
        batch.clear()

    for item in read_jsonl(path, today=today, max_line_bytes=max_bytes):
        if isinstance(item, ImportProblem):
            result.problems.append(item)
            continue
        line, article = item
        if store.article_hash(article.id) is not None:
            _tally(store, result, line, article, False)
        else:
            batch.append((line, article))
            if len(batch) >= BATCH:
                flush()
    if batch:
        flush()
    return result


def _tally(
    store: ArticleStore, result: ImportResult, line: int, article: Article, added: bool
) -> None:
    """Count an article of a dump: added, already stored as it is, or stored under its id
    with other content (reported; the stored one is kept)."""
    if added:
        result.added += 1
    elif store.article_hash(article.id) == article.hash:
        result.unchanged += 1
    else:
        result.problems.append(
            ImportProblem(
                result.path,
                line,
                f"id {shown(article.id)} is already stored with different content;"
                " kept the stored one",
            )
        )


def _store_one(
    store: ArticleStore, result: ImportResult, line: int, article: Article, run_id: int | None
) -> None:
    """Store one article in its own transaction, or record why the store refused it."""
    try:
        with store.transaction():
            added = store.add_article(article, run_id)
    except Exception as exc:  # one article the store refuses must not cost the others
        result.problems.append(
            ImportProblem(result.path, line, f"not stored: {type(exc).__name__}: {exc}")
        )
        return
    _tally(store, result, line, article, added)


def file_format(path: str | Path) -> Format:
    """``warc`` for a file named as a WARC archive, else ``jsonl``."""
    return "warc" if is_warc_path(path) else "jsonl"


def import_file(
    store: ArticleStore,
    path: str | Path,
    settings: IngestSettings,
    run_id: int | None = None,
    *,
    today: date | None = None,
    max_bytes: int = MAX_LINE_BYTES,
    executor: Executor | None = None,
) -> ImportResult:
    """Import a WARC archive (named ``.warc`` or ``.warc.gz``) or else a JSONL dump.

    ``max_bytes`` caps a dump line and an archived page's payload (after
    decompression) alike: ``[fetch] max_bytes``, the cap on a fetched page.
    ``today`` is the run's day, which publication dates are checked against.
    An archive's pages are read on ``executor`` (a dump's articles need no reading).
    Raises ``NewsdeskError`` when the file cannot be read at all.
    """
    if file_format(path) == "warc":
        return import_warc(store, path, settings, run_id, max_bytes=max_bytes, executor=executor)
    return import_dump(store, path, run_id, today=today, max_bytes=max_bytes)


def _import_context(context: Context, path: Path) -> ImportResult:
    """Import one file as part of ``context``'s run: its day, its byte cap."""
    return import_file(
        context.store,
        path,
        context.config.ingest,
        context.run.id,
        today=date.fromisoformat(context.run.started[:10]),
        max_bytes=context.config.fetch.max_bytes,
        executor=context.executor,
    )


def _only_sample(store: Store, sample: Path) -> bool:
    """Whether every article stored so far is one of the sample's (none at all included):
    a demo store, or one a killed demo run left half-filled, which a rerun completes."""
    ids = [json.loads(line)["id"] for line in sample.read_text("utf-8").splitlines() if line]
    stored = sum(store.article_hash(article_id) is not None for article_id in ids)
    return store.counts()["articles"] == stored


def _nothing_to_read(database: Path | str) -> str:
    """Why a pipeline run on an empty store with no dump or feed stops, and what to do: a
    first run is told where articles come from rather than given the demo's stories."""
    return (
        f"nothing to read: {database} holds no articles and no dump or feed is configured;"
        " import a dump with `newsdesk import FILE`, add a feed with `newsdesk feeds add URL`,"
        " name dumps or feeds in a newsdesk.toml (`newsdesk init` writes one),"
        " or try the bundled sample with `newsdesk run --sample`"
    )


def _sample_refused(database: Path | str) -> str:
    """Why the bundled sample is not imported into a store of a user's own articles."""
    return (
        f"not importing the bundled sample: {database} holds other articles and the sample"
        " never joins them; try it in a database of its own:"
        " `newsdesk run --sample --database demo.db`"
    )


class IngestStage:
    """Import every configured dump (JSONL or WARC), then poll the feeds (configured and stored).

    ``sample`` is the bundled demo corpus to import instead of any dump or feed
    (``newsdesk run --sample``). It goes only into a store that holds no other
    article, since a newsroom with its own reporting does not want the sample's
    30 stories beside its own; a store holding only sample articles is one a
    killed demo run left, which a rerun completes. ``force`` polls every feed,
    due or not. ``poll`` is what the last run's feed poll did (``None`` when
    there were no feeds).
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
    def for_config(
        cls, config: Config, *, sample: bool = False, force: bool = False
    ) -> IngestStage:
        """The configured dumps and feeds, or (``sample``) the bundled sample alone."""
        return cls(
            config.ingest.dumps, sample=Path(str(SAMPLE_DUMP)) if sample else None, force=force
        )

    def check(self, config: Config, store: Store | None) -> None:
        """Raise ``InputError`` when this stage cannot do what was asked.

        Called before the run starts, so that a refused run stores nothing, not
        even its row in ``runs``: the sample into a store of other articles, or
        a pipeline with nothing to read at all (no dump, no feed, no article
        stored). ``store`` is ``None`` when the database does not exist yet.
        """
        database = config.store.location
        if self.sample is not None:
            if store is not None and not _only_sample(store, self.sample):
                raise InputError(_sample_refused(database))
            return
        if self.dumps or config.feeds:
            return
        if store is None or not (store.counts()["articles"] or store.stored_feeds()):
            raise InputError(_nothing_to_read(database))

    def run(self, context: Context) -> StageRun:
        record = StageRun(self.name)
        if self.sample is not None:
            if not _only_sample(context.store, self.sample):
                raise InputError(_sample_refused(context.config.store.location))
            self._import(context, [self.sample], record)
        else:
            if self.dumps:
                self._import(context, self.dumps, record)
            if all_feeds(context.config, context.store):
                self._poll(context, record)
        mark_furniture(context.store)
        return record

    def _import(self, context: Context, dumps: Sequence[Path], record: StageRun) -> None:
        context.progress.start(self.name, len(dumps))
        for path in dumps:
            result = _import_context(context, path)
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
            executor=context.executor,
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
                result = _import_context(context, path)
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
    record.items_in += result.stored + result.known + result.rejected if read is None else read
    record.items_out += result.stored
    record.skipped += result.known
    record.errors.extend(str(p) for p in result.problems)
    return record
