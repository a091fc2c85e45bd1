"""Ingest from the web: poll feeds, fetch the new entries' pages, store their articles.

A poll goes in two passes, each in batches (one progress step per batch):

1. **feeds**: every feed that is due is fetched with the ETag and
   Last-Modified of its last good poll, so an unchanged feed answers 304 and
   costs no download. New entries (and entries the feed changed) are stored
   as *pending*, together with the feed's new state, in one transaction.
2. **pages**: every pending entry's page is fetched once per URL, read
   (``extraction.py``), compared with the stored articles
   (``deduplication.py``) and stored with its snapshot, each page in its own
   transaction together with its entry's new status.

So a poll that dies halfway loses nothing committed, and the entries it did
not reach are still pending for the next poll, even if their feed then
answers 304. A feed that fails is recorded with its error and polled again
after an exponential backoff; a page that fails is retried on the next polls
up to ``page_attempts`` times. Neither stops the poll: whatever a feed or a
page holds, reading it fails with a ``FeedError`` or an ``ExtractionError``
(``feeds.py``, ``extraction.py``), and what of a feed was left out (an
unreadable entry, the entries past a limit) is a problem of the poll.

One poll takes at most ``max_entries_per_poll`` new entries from a feed, in
the feed's order (newest first, as feeds are written); the rest wait for the
next polls. The feed's ETag and Last-Modified are then not kept, so the next
poll downloads it again rather than hearing that nothing changed, and takes
the next batch.

``PageStore`` is the part shared with WARC import: bytes of a page in, an
article (or its next version, or a link to the article it copies) stored.

Reading a page (``PageReader``) is pure CPU work on the page's bytes, so it runs on the
run's executor (``compute.py``): in process by default, on Dask workers with
``[compute] scheduler``. Everything that follows it (comparing with the stored articles,
storing) stays in the run, in page order, so a poll on a cluster stores what a poll in
process stores.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import Protocol, TypeVar
from urllib.parse import urlsplit

from newsdesk.compute import Executor, InProcess
from newsdesk.config import Config, FetchSettings, IngestSettings
from newsdesk.engine import Progress, SilentProgress
from newsdesk.ingest.deduplication import DuplicateIndex, Fingerprinted
from newsdesk.ingest.downloads import (
    Downloader,
    Fetched,
    FetchError,
    FetchRequest,
    Kind,
    fetch_all,
)
from newsdesk.ingest.extraction import Extracted, ExtractionError, extract_page, snapshot
from newsdesk.ingest.feeds import FeedError, discover_feeds, looks_like_feed, make_feed, parse_feed
from newsdesk.ingest.result import FeedProblem, Outcome, PollSummary
from newsdesk.language.dating import date_of
from newsdesk.records import (
    Article,
    ArticleVersion,
    DuplicateLink,
    EntryStatus,
    Feed,
    FeedEntry,
    FeedState,
    PendingEntry,
)
from newsdesk.store import ArticleStore, FeedStore

log = logging.getLogger(__name__)

FEED_BATCH = 10
PAGE_BATCH = 20
"""Feeds and pages fetched together: one progress step, and the unit of concurrency."""

Fetcher = Callable[[FetchSettings, Sequence[FetchRequest]], list[Fetched | FetchError]]
DownloaderFactory = Callable[[FetchSettings], Downloader]
T = TypeVar("T")
ENTRY_STATUS: dict[Outcome, EntryStatus] = {
    "new": "stored",
    "changed": "stored",
    "unchanged": "unchanged",
    "repeat": "duplicate",
}


def utc_now() -> datetime:
    return datetime.now(UTC)


def iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="seconds")


def batches(items: Sequence[T], size: int) -> Iterator[Sequence[T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def article_id(url: str) -> str:
    """A web article's id: stable for its canonical URL, across runs and databases."""
    return "web-" + hashlib.sha256(url.encode("utf-8")).hexdigest()[:16]


def all_feeds(config: Config, store: FeedStore) -> list[Feed]:
    """The feeds of ``newsdesk.toml`` and those stored, once each (the settings file wins)."""
    feeds = {feed.url: feed for feed in store.stored_feeds()}
    feeds.update({feed.url: feed for feed in config.feeds})
    return list(feeds.values())


@dataclass(frozen=True)
class Page:
    """A fetched page, with what its feed entry (if any) says about it."""

    url: str
    body: bytes
    content_type: str | None
    fetched_at: str
    outlet: str | None = None
    entry: FeedEntry | None = None


@dataclass(frozen=True)
class Stored:
    """What storing one page did: ``repeat`` is an exact copy of an article the same
    outlet already has under another URL, and is not stored again."""

    outcome: Outcome
    article_id: str
    link: DuplicateLink | None = None


def _host(url: str) -> str:
    return (urlsplit(url).hostname or url).removeprefix("www.")


@dataclass(frozen=True)
class PageReader:
    """Reads the article of a page within ``[ingest]``'s limits.

    A small frozen value, so that it travels to a Dask worker by pickle and the run's
    executor can read pages there (``read_pages``).
    """

    min_words: int
    max_elements: int
    max_attributes: int

    @classmethod
    def of(cls, settings: IngestSettings) -> PageReader:
        return cls(settings.min_words, settings.max_page_elements, settings.max_attributes)

    def read(self, page: Page) -> Extracted:
        """The article of ``page``; ``ExtractionError`` when it has none."""
        return extract_page(
            page.body,
            page.url,
            content_type=page.content_type,
            min_words=self.min_words,
            max_elements=self.max_elements,
            max_attributes=self.max_attributes,
        )

    def __call__(self, page: Page) -> Extracted | ExtractionError:
        """``read`` as an executor's task: a page without an article is an answer, given
        back as its error, not a failed task that a cluster would try again."""
        try:
            return self.read(page)
        except ExtractionError as error:
            return error


def read_pages(
    executor: Executor, reader: PageReader, pages: Iterable[Page]
) -> Iterator[Extracted | ExtractionError]:
    """What ``reader`` finds in each of ``pages``, in their order, read on ``executor``."""
    for outcome in executor.map(reader, pages):
        yield outcome.get()


class PageStore:
    """Pages in, articles out: extract, compare with what is stored, store with a snapshot."""

    def __init__(
        self, store: ArticleStore, settings: IngestSettings, run_id: int | None = None
    ) -> None:
        self.store = store
        self.settings = settings
        self.reader = PageReader.of(settings)
        self.run_id = run_id
        self.index = DuplicateIndex.from_store(store, settings.near_duplicate)

    def read(self, page: Page) -> Extracted:
        """The article of ``page``, within the settings' limits; ``ExtractionError`` when
        it has none."""
        return self.reader.read(page)

    def add(self, page: Page, extracted: Extracted | None = None) -> Stored:
        """Store the article of ``page`` (``extracted`` when it was read already);
        ``ExtractionError`` when it has none."""
        extracted = extracted or self.read(page)
        identity = article_id(extracted.url)
        printed = Fingerprinted.of(extracted.text)
        latest = self.store.latest_version(identity)
        if latest is not None and latest.text_hash == printed.text_hash:
            return Stored("unchanged", identity)
        outlet = page.outlet or extracted.site_name or _host(extracted.url)
        link = None
        if latest is None:
            match = self.index.match(printed, outlet, exclude=identity)
            if match is not None and match.repeat:
                return Stored("repeat", match.article_id)
            link = match.link(identity) if match is not None else None
        shot = None
        if self.settings.snapshots:
            shot = snapshot(page.body, page.url, page.fetched_at, page.content_type)
        number = 1 if latest is None else latest.version + 1
        sha = shot.sha256 if shot else None
        article = self._article(identity, page, extracted, outlet, number, sha)
        version = ArticleVersion(
            article_id=identity,
            version=number,
            text_hash=printed.text_hash,
            title=article.title,
            text=article.text,
            fetched_at=page.fetched_at,
            snapshot=sha,
        )
        self.store.save_page_article(
            article, version, shot, printed.signature_bytes, link, self.run_id
        )
        original = link.duplicate_of if link else None
        self.index.add(identity, outlet, printed.text_hash, printed.signature, original)
        return Stored("new" if latest is None else "changed", identity, link)

    @staticmethod
    def _article(
        identity: str,
        page: Page,
        extracted: Extracted,
        outlet: str,
        version: int,
        snapshot_sha: str | None,
    ) -> Article:
        """The feed's title, date and bylines win over the page's guesses; the text is
        the page's."""
        entry = page.entry
        authors = list(entry.authors) if entry and entry.authors else []
        if not authors and extracted.author:
            authors = [a.strip() for a in extracted.author.split(";") if a.strip()]
        extra: dict[str, object] = {"fetched_url": page.url, "version": version}
        if authors:
            extra["authors"] = authors
        if snapshot_sha:
            extra["snapshot"] = snapshot_sha
        published, source = date_of(
            extracted.url,
            extracted.text,
            datetime.now(UTC).date(),
            given=entry.published if entry else None,
            page=extracted.published,
        )
        times = {"given": entry.published_at if entry else None, "page": extracted.published_at}
        return Article(
            id=identity,
            url=extracted.url,
            outlet=outlet,
            title=(entry.title if entry and entry.title else extracted.title),
            text=extracted.text,
            published=published,
            lang=extracted.lang,
            extra=extra,
            date_source=source,
            published_at=times.get(source or ""),
        )


class PollStore(ArticleStore, FeedStore, Protocol):
    """What polling uses: the feeds and their entries, and the articles their pages hold."""


class FeedPoller:
    """Polls feeds and stores the articles of their new entries (see the module docstring).

    One ``Downloader`` (made by ``downloader`` from the fetch settings) serves
    the whole poll, so robots.txt is read once per host and the per-host
    delays hold across batches. ``now`` is the clock that decides which feeds
    are due and when failed ones come back. ``poll`` runs its own event loop.
    ``executor`` reads the fetched pages (``read_pages``): the run's, so that a run on a
    cluster extracts there.
    """

    def __init__(
        self,
        store: PollStore,
        config: Config,
        *,
        run_id: int | None = None,
        progress: Progress | None = None,
        downloader: DownloaderFactory = Downloader,
        now: Callable[[], datetime] = utc_now,
        executor: Executor | None = None,
    ) -> None:
        self.store = store
        self.executor = executor or InProcess()
        self.config = config
        self.settings = config.ingest
        self.run_id = run_id
        self.progress = progress or SilentProgress()
        self.downloader = downloader
        self.now = now
        self.summary = PollSummary()

    def poll(self, feeds: Sequence[Feed], *, force: bool = False) -> PollSummary:
        """Poll the due ``feeds`` (all of them with ``force``), then fetch pending pages."""
        return asyncio.run(self._poll(feeds, force))

    async def _poll(self, feeds: Sequence[Feed], force: bool) -> PollSummary:
        self.summary = PollSummary(feeds=len(feeds))
        due = [feed for feed in feeds if force or self._due(feed)]
        self.summary.not_due = len(feeds) - len(due)
        self.progress.start("feeds", len(due))
        async with self.downloader(self.config.fetch) as downloader:
            for batch in batches(due, FEED_BATCH):
                self._poll_feeds(batch, await downloader.fetch_many(self._feed_requests(batch)))
                self.progress.advance("feeds", len(batch))
            await self._fetch_pages(downloader, self.store.pending_entries())
        return self.summary

    def _due(self, feed: Feed) -> bool:
        state = self.store.feed_state(feed.url)
        if state is None or state.next_poll is None:
            return True
        return datetime.fromisoformat(state.next_poll) <= self.now()

    # -- feeds ------------------------------------------------------------

    def _feed_requests(self, feeds: Sequence[Feed]) -> list[FetchRequest]:
        """Conditional GETs: the validators of each feed's last good poll."""
        requests = []
        for feed in feeds:
            state = self.store.feed_state(feed.url) or FeedState(feed.url)
            requests.append(FetchRequest(feed.url, state.etag, state.last_modified, "feed"))
        return requests

    def _poll_feeds(self, feeds: Sequence[Feed], results: Sequence[Fetched | FetchError]) -> None:
        for feed, result in zip(feeds, results, strict=True):
            self.summary.polled += 1
            state = self.store.feed_state(feed.url) or FeedState(feed.url)
            if isinstance(result, FetchError):
                self._feed_failed(state, result.reason, result.status, result.retry_after)
            elif result.not_modified:
                self.summary.not_modified += 1
                self.store.save_feed_state(self._feed_ok(state, result))
            else:
                self._feed_fetched(feed, state, result)

    def _feed_fetched(self, feed: Feed, state: FeedState, fetched: Fetched) -> None:
        try:
            parsed = parse_feed(
                fetched.body,
                fetched.final_url,
                fetched.headers,
                max_elements=self.settings.max_feed_elements,
                max_attributes=self.settings.max_attributes,
            )
        except FeedError as exc:
            reason = str(exc).removeprefix(f"{fetched.final_url}: ")
            self._feed_failed(state, reason, fetched.status, None)
            return
        for problem in parsed.problems:
            self.summary.problems.append(FeedProblem("feed", feed.url, problem))
        with self.store.transaction():
            added, left = self._add_entries(feed.url, parsed.entries)
            ok = self._feed_ok(state, fetched)
            if left:  # no validators: the next poll downloads the feed and takes the rest
                ok = replace(ok, etag=None, last_modified=None)
            self.store.save_feed_state(ok)
        self.summary.entries += added
        self.summary.entries_left += left
        log.info("%s: %d entries, %d new, %d left", feed.url, len(parsed.entries), added, left)

    def _add_entries(self, feed_url: str, entries: Sequence[FeedEntry]) -> tuple[int, int]:
        """Store entries in the feed's order until ``max_entries_per_poll`` of them are new:
        how many were new, and how many were not looked at (for the next polls)."""
        limit = self.config.fetch.max_entries_per_poll
        seen = iso(self.now())
        added = 0
        for number, entry in enumerate(entries):
            if added >= limit:
                return added, len(entries) - number
            added += self.store.add_feed_entries(feed_url, [entry], seen)
        return added, 0

    def _feed_ok(self, state: FeedState, fetched: Fetched) -> FeedState:
        now = self.now()
        return replace(
            state,
            etag=fetched.etag,
            last_modified=fetched.last_modified,
            last_status=fetched.status,
            last_polled=iso(now),
            failures=0,
            next_poll=iso(now + timedelta(seconds=self.settings.poll_interval_s)),
        )

    def _feed_failed(
        self, state: FeedState, reason: str, status: int | None, retry_after: float | None
    ) -> None:
        """Record the error and push the next poll back: twice as far for each failure in a row."""
        now = self.now()
        failures = state.failures + 1
        wait = min(self.settings.max_backoff_s, self.settings.backoff_s * 2 ** (failures - 1))
        if retry_after is not None:
            wait = max(wait, min(retry_after, self.settings.max_backoff_s))
        self.store.save_feed_state(
            replace(
                state,
                last_status=status,
                last_polled=iso(now),
                last_error=reason,
                last_error_at=iso(now),
                failures=failures,
                next_poll=iso(now + timedelta(seconds=wait)),
            )
        )
        self.summary.feeds_failed += 1
        self.summary.problems.append(FeedProblem("feed", state.url, reason))

    # -- pages ------------------------------------------------------------

    async def _fetch_pages(self, downloader: Downloader, pending: Sequence[PendingEntry]) -> None:
        by_url: dict[str, list[PendingEntry]] = {}
        for item in pending:
            by_url.setdefault(item.entry.url, []).append(item)
        self.progress.start("pages", len(by_url))
        if not by_url:
            return
        outlets = {feed.url: feed.outlet for feed in all_feeds(self.config, self.store)}
        pages = PageStore(self.store, self.settings, self.run_id)
        for urls in batches(list(by_url), PAGE_BATCH):
            results = await downloader.fetch_many([FetchRequest(url, kind="page") for url in urls])
            fetched = [
                _page_of(by_url[url][0], result, outlets)
                for url, result in zip(urls, results, strict=True)
            ]
            read = read_pages(
                self.executor, pages.reader, [p for p in fetched if isinstance(p, Page)]
            )
            for url, page in zip(urls, fetched, strict=True):
                self.summary.pages += 1
                if isinstance(page, FetchError):
                    self._page_failed(by_url[url], page.reason, iso(self.now()))
                else:
                    self._page(pages, by_url[url], page, next(read))
            self.progress.advance("pages", len(urls))

    def _page(
        self,
        pages: PageStore,
        entries: Sequence[PendingEntry],
        page: Page,
        extracted: Extracted | ExtractionError,
    ) -> None:
        """Store one fetched page for all the entries that link to it, or record why not."""
        tried = iso(self.now())
        if isinstance(extracted, ExtractionError):
            self._page_failed(entries, extracted.reason, tried)
            return
        with self.store.transaction():
            stored = pages.add(page, extracted)
            status = ENTRY_STATUS[stored.outcome]
            for item in entries:
                self.store.finish_entry(
                    item.feed_url, item.entry.key, status, tried, stored.article_id
                )
        self.summary.count(stored.outcome, stored.link is not None)

    def _page_failed(self, entries: Sequence[PendingEntry], reason: str, tried: str) -> None:
        limit = self.settings.page_attempts
        with self.store.transaction():
            for item in entries:
                self.store.fail_entry(item.feed_url, item.entry.key, reason, tried, limit)
        self.summary.pages_failed += 1
        self.summary.problems.append(FeedProblem("page", entries[0].entry.url, reason))


def _page_of(
    pending: PendingEntry, result: Fetched | FetchError, outlets: dict[str, str]
) -> Page | FetchError:
    """The page fetched for ``pending``'s entry, with what its feed says, or why the fetch
    failed."""
    if isinstance(result, FetchError):
        return result
    return Page(
        url=pending.entry.url,
        body=result.body,
        content_type=result.content_type or None,
        fetched_at=result.fetched_at,
        outlet=outlets.get(pending.feed_url),
        entry=pending.entry,
    )


@dataclass(frozen=True)
class Discovered:
    """The feed a URL leads to: the feed itself, or the first one its page announces."""

    feed: Feed
    entries: int
    alternatives: tuple[str, ...] = ()


def discover(
    url: str,
    settings: FetchSettings,
    *,
    name: str | None = None,
    outlet: str | None = None,
    category: str | None = None,
    fetch: Fetcher = fetch_all,
) -> Discovered:
    """Fetch ``url``; when it is an HTML page, follow its first feed ``<link rel=alternate>``.

    Raises ``FetchError`` when a fetch fails and ``FeedError`` when neither
    the URL nor any feed its page announces is a feed.
    """
    fetched = _fetch_one(url, settings, "any", fetch)
    alternatives: tuple[str, ...] = ()
    if not looks_like_feed(fetched.body, fetched.content_type):
        found = discover_feeds(fetched.body, fetched.final_url)
        if not found:
            raise FeedError(f"{url}: not a feed, and the page names no feed (<link rel=alternate>)")
        url, alternatives = found[0], tuple(found[1:])
        fetched = _fetch_one(url, settings, "feed", fetch)
    parsed = parse_feed(fetched.body, fetched.final_url, fetched.headers)
    feed = make_feed(url, parsed.title, name=name, outlet=outlet, category=category)
    return Discovered(feed, len(parsed.entries), alternatives)


def read_page(url: str, config: Config, fetch: Fetcher = fetch_all) -> Article:
    """The article of the page at ``url``, read as ingest reads a feed's pages: fetched by
    the downloader (the SSRF guard on every hop, size caps, robots.txt: ``[fetch]``),
    extracted within ``[ingest]``'s limits and dated by ``date_of``. It is not stored (the
    desk's ``api.add_source_from_url`` stores it). ``FetchError`` or ``ExtractionError``
    (one line each) when there is no article to read."""
    fetched = _fetch_one(url, config.fetch, "page", fetch)
    page = Page(fetched.final_url, fetched.body, fetched.content_type, fetched.fetched_at)
    extracted = PageReader.of(config.ingest).read(page)
    published, source = date_of(
        extracted.url, extracted.text, datetime.now(UTC).date(), page=extracted.published
    )
    return Article(
        id=article_id(extracted.url),
        url=extracted.url,
        outlet=extracted.site_name or _host(extracted.url),
        title=extracted.title,
        text=extracted.text,
        published=published,
        lang=extracted.lang,
        extra={"fetched_url": url},
        date_source=source,
        published_at=extracted.published_at if source == "page" else None,
    )


def _fetch_one(url: str, settings: FetchSettings, kind: Kind, fetch: Fetcher) -> Fetched:
    request = FetchRequest(url, kind=kind)
    (result,) = fetch(settings, [request])
    if isinstance(result, FetchError):
        raise result
    return result
