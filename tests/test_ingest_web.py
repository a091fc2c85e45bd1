"""Polling feeds against a real local HTTP server serving the sample mini-web.

Covers: every sample article arriving through its feed, the second poll
downloading nothing (304), failing feeds backing off, failing pages retried
on later polls, a poll that dies halfway losing nothing, changed pages
becoming new versions, and `newsdesk ingest` / `newsdesk run` with feeds.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable, Iterator, Sequence
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import Result

from newsdesk.config import Config, FetchSettings, load_config
from newsdesk.engine import Engine
from newsdesk.ingest import ImportResult
from newsdesk.ingest.downloads import Downloader, Fetched, FetchError, FetchRequest
from newsdesk.ingest.stage import IngestStage
from newsdesk.ingest.web import FeedPoller, all_feeds
from newsdesk.records import Feed
from newsdesk.store import Store, open_store
from sample_web import SAMPLE
from web_server import (
    Request,
    Response,
    WebServer,
    conditional,
    sample_feeds,
    serve,
    serve_sample,
)

SAMPLE_BASE = b"http://127.0.0.1:8000/"
NO_ARTICLE = b"<html><body><nav><a href='/'>Home</a></nav><p>Subscribe.</p></body></html>"


@functools.cache
def sample() -> list[dict[str, str]]:
    lines = (SAMPLE / "articles.jsonl").read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines]


@pytest.fixture
def web() -> Iterator[WebServer]:
    with serve({}) as server:
        serve_sample(server)
        yield server


@pytest.fixture
def config(tmp_path: Path) -> Config:
    """Fetching allowed on 127.0.0.1, without the politeness delays a test cannot afford."""
    config = load_config(database=tmp_path / "newsdesk.db", site_dir=tmp_path / "site")
    fetch = FetchSettings(
        allow_networks=("127.0.0.1/32",),
        per_host_delay_s=0.0,
        per_host_concurrency=8,
        max_retries=0,
    )
    ingest = replace(config.ingest, poll_interval_s=0.0)
    return replace(config, fetch=fetch, ingest=ingest)


@pytest.fixture
def store(config: Config) -> Iterator[Store]:
    opened = open_store(config.store.database)
    yield opened
    opened.close()


def page_hits(web: WebServer) -> int:
    return sum(1 for r in web.requests if r.path.startswith("/pages/"))


def test_every_sample_article_arrives_through_its_feed(
    web: WebServer, config: Config, store: Store
) -> None:
    feeds = sample_feeds(web)
    summary = FeedPoller(store, config).poll(feeds)
    assert (summary.polled, summary.feeds_failed, summary.errors) == (30, 0, [])
    assert (summary.entries, summary.added, summary.pages_failed) == (84, 84, 0)
    assert isinstance(summary, ImportResult), "a poll is an import, counted the same way"
    assert (summary.format, summary.stored, summary.exit_code) == ("feeds", 84, 0)
    stored = {a.url: a for a in store.articles()}
    for record in sample():
        article = stored[record["url"]]
        assert article.outlet == record["outlet"]
        assert article.title == record["title"].strip()
        assert article.published == record["published"]
        assert article.extra["fetched_url"] == web.url(record["page"])
    assert store.entry_counts() == {"stored": 84}
    state = store.feed_state(feeds[0].url)
    assert state is not None
    assert (state.last_status, state.failures) == (200, 0)
    assert state.etag and state.last_modified


def test_second_poll_of_unchanged_feeds_downloads_nothing(
    web: WebServer, config: Config, store: Store
) -> None:
    feeds = sample_feeds(web)
    FeedPoller(store, config).poll(feeds)
    counts = store.counts()
    before = len(web.requests)
    sent = dict(web.bytes_sent)
    summary = FeedPoller(store, config).poll(feeds)
    second = web.requests[before:]
    feed_requests = [r for r in second if r.path.startswith("/feeds/")]
    assert len(feed_requests) == 30
    assert all("if-none-match" in r.headers for r in feed_requests)
    assert not [r for r in second if r.path.startswith("/pages/")]
    assert {p: n for p, n in web.bytes_sent.items() if p != "/robots.txt"} == {
        p: n for p, n in sent.items() if p != "/robots.txt"
    }
    assert (summary.not_modified, summary.entries, summary.added) == (30, 0, 0)
    assert store.counts() == counts
    assert store.feed_state(feeds[0].url).last_status == 304  # type: ignore[union-attr]


def test_feeds_are_polled_only_when_due(web: WebServer, config: Config, store: Store) -> None:
    feeds = sample_feeds(web)[:2]
    hourly = replace(config, ingest=replace(config.ingest, poll_interval_s=3600.0))
    FeedPoller(store, hourly).poll(feeds)
    before = len(web.requests)
    summary = FeedPoller(store, hourly).poll(feeds)
    assert (summary.not_due, summary.polled, len(web.requests)) == (2, 0, before)
    later = FeedPoller(store, hourly, now=lambda: datetime.now(UTC) + timedelta(hours=2))
    assert later.poll(feeds).not_modified == 2
    assert FeedPoller(store, hourly).poll(feeds, force=True).polled == 2


def test_failing_feeds_are_recorded_and_back_off(
    web: WebServer, config: Config, store: Store
) -> None:
    web.routes["/broken.xml"] = Response(
        200, b"<html><body>oops</body></html>", {"Content-Type": "text/xml"}
    )
    good, *_ = sample_feeds(web)
    feeds = [
        Feed("gone", web.url("/gone.xml"), "Gone"),
        Feed("bad", web.url("/broken.xml"), "Bad"),
        good,
    ]
    start = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)
    summary = FeedPoller(store, config, now=lambda: start).poll(feeds)
    assert (summary.polled, summary.feeds_failed) == (3, 2)
    assert summary.added > 0
    gone = store.feed_state(web.url("/gone.xml"))
    assert gone is not None
    assert (gone.failures, gone.last_status) == (1, 404)
    assert gone.last_error and "404" in gone.last_error
    assert gone.last_error_at == start.isoformat()
    assert gone.next_poll == (start + timedelta(seconds=300)).isoformat()
    bad = store.feed_state(web.url("/broken.xml"))
    assert bad is not None and bad.last_error and "not an RSS, Atom or JSON feed" in bad.last_error
    # Not due yet: nothing is requested. Later: polled, fails again, waits twice as long.
    hits = len(web.requests)
    FeedPoller(store, config, now=lambda: start + timedelta(seconds=60)).poll(feeds[:2])
    assert len(web.requests) == hits
    later = start + timedelta(seconds=301)
    FeedPoller(store, config, now=lambda: later).poll(feeds[:2])
    again = store.feed_state(web.url("/gone.xml"))
    assert again is not None
    assert again.failures == 2
    assert again.next_poll == (later + timedelta(seconds=600)).isoformat()
    # Back online: the failure count resets, the last error stays on record.
    web.routes["/gone.xml"] = conditional(
        (SAMPLE / "feeds" / "cnn.rss.xml").read_bytes(), "application/rss+xml"
    )
    FeedPoller(store, config, now=lambda: later + timedelta(hours=1)).poll(feeds[:1])
    back = store.feed_state(web.url("/gone.xml"))
    assert back is not None
    assert (back.failures, back.last_status, back.last_error_at) == (0, 200, later.isoformat())


def test_retry_after_pushes_the_next_poll_further(
    web: WebServer, config: Config, store: Store
) -> None:
    web.routes["/busy.xml"] = Response(503, b"busy", {"Retry-After": "7200"})
    start = datetime(2026, 1, 1, tzinfo=UTC)
    FeedPoller(store, config, now=lambda: start).poll([Feed("busy", web.url("/busy.xml"), "Busy")])
    state = store.feed_state(web.url("/busy.xml"))
    assert state is not None
    assert state.next_poll == (start + timedelta(hours=2)).isoformat()


def test_failing_pages_are_retried_on_later_polls(
    web: WebServer, config: Config, store: Store
) -> None:
    feed = next(f for f in sample_feeds(web) if f.name == "associated-press")
    entries = [r for r in sample() if r["outlet"] == "Associated Press"]
    broken = f"/{entries[0]['page']}"
    empty = f"/{entries[1]['page']}"
    working = web.routes[broken]
    web.routes[broken] = Response(500, b"server error")
    web.routes[empty] = Response(200, NO_ARTICLE, {"Content-Type": "text/html"})
    first = FeedPoller(store, config).poll([feed])
    assert (first.added, first.pages_failed) == (len(entries) - 2, 2)
    assert any("500" in e for e in first.errors)
    assert any("no article text" in e for e in first.errors)
    assert store.entry_counts() == {"stored": len(entries) - 2, "pending": 2}
    # The feed has not changed (304), yet both pages are tried again; one now works.
    web.routes[broken] = working
    second = FeedPoller(store, config).poll([feed])
    assert (second.not_modified, second.added, second.pages_failed) == (1, 1, 1)
    third = FeedPoller(store, config).poll([feed])
    assert third.pages_failed == 1
    assert store.entry_counts() == {"stored": len(entries) - 1, "failed": 1}
    fourth = FeedPoller(store, config).poll([feed])
    assert fourth.pages == 0


def test_a_poll_that_dies_halfway_loses_nothing(
    web: WebServer, config: Config, store: Store
) -> None:
    """The process dies while fetching the second batch of pages; the next poll, with
    every feed answering 304, finishes the job and ends where one clean poll would."""
    feeds = sample_feeds(web)

    class Dying(Downloader):
        """A real downloader whose process is killed during its second batch of pages."""

        batches = 0

        async def fetch_many(self, requests: Sequence[FetchRequest]) -> list[Fetched | FetchError]:
            if requests[0].kind == "page":
                Dying.batches += 1
                if Dying.batches == 2:
                    raise KeyboardInterrupt
            return await super().fetch_many(requests)

    with pytest.raises(KeyboardInterrupt):
        FeedPoller(store, config, downloader=Dying).poll(feeds)
    kept = {a.id for a in store.articles()}
    assert 0 < len(kept) < 84
    assert store.entry_counts()["pending"] == 84 - len(kept)
    summary = FeedPoller(store, config).poll(feeds)
    assert summary.not_modified == 30
    assert summary.added == 84 - len(kept)
    assert kept < {a.id for a in store.articles()}
    assert store.counts()["articles"] == 84
    assert store.entry_counts() == {"stored": 84}


def test_a_changed_page_becomes_a_new_version(web: WebServer, config: Config, store: Store) -> None:
    feed = next(f for f in sample_feeds(web) if f.name == "cnn")
    FeedPoller(store, config).poll([feed])
    record = next(r for r in sample() if r["outlet"] == "CNN")
    path = SAMPLE / record["page"]
    first = record["text"].split("\n\n")[0]
    corrected = path.read_bytes().replace(first.encode(), b"CORRECTION: " + first.encode(), 1)
    web.routes[f"/{record['page']}"] = conditional(corrected, "text/html; charset=utf-8")
    feed_path = f"/feeds/{feed.url.rsplit('/', 1)[1]}"
    body = (
        (SAMPLE / "feeds" / "cnn.rss.xml").read_bytes().replace(SAMPLE_BASE, web.base_url.encode())
    )
    title = record["title"].strip().encode()
    web.routes[feed_path] = conditional(
        body.replace(title, b"Updated: " + title, 1), "application/rss+xml"
    )
    summary = FeedPoller(store, config).poll([feed])
    assert (summary.entries, summary.changed, summary.added) == (1, 1, 0)
    article = next(a for a in store.articles() if a.url == record["url"])
    assert article.text.startswith("CORRECTION: ")
    assert article.title.startswith("Updated: ")
    assert [v.version for v in store.article_versions(article.id)] == [1, 2]


def test_configured_and_stored_feeds_are_both_polled(
    web: WebServer, config: Config, store: Store
) -> None:
    feeds = sample_feeds(web)
    configured = replace(config, feeds=tuple(feeds[:2]))
    store.add_feed(feeds[2])
    store.add_feed(replace(feeds[0], outlet="Outlet from the database"))
    polled = {f.url: f for f in all_feeds(configured, store)}
    assert set(polled) == {f.url for f in feeds[:3]}
    assert polled[feeds[0].url].outlet == feeds[0].outlet  # newsdesk.toml wins
    stage = IngestStage([])
    run = Engine(store, configured).run([stage])
    assert stage.poll is not None and stage.poll.polled == 3
    assert run.stages[0].items_out == stage.poll.added > 0
    assert {a.outlet for a in store.articles()} == {f.outlet for f in feeds[:3]}


def test_ingest_command(web: WebServer, tmp_path: Path, invoke: Callable[..., Result]) -> None:
    settings = tmp_path / "newsdesk.toml"
    tables = "".join(
        f'[[feeds]]\nname = "{f.name}"\nurl = "{f.url}"\noutlet = "{f.outlet}"\n'
        for f in sample_feeds(web)[:3]
    )
    settings.write_text(
        '[fetch]\nallow_networks = ["127.0.0.1/32"]\nper_host_delay_s = 0.0\n'
        "per_host_concurrency = 8\n[ingest]\npoll_interval_s = 0.0\n" + tables,
        encoding="utf-8",
    )
    web.routes["/feeds/extra.xml"] = Response(404, b"no")
    first = invoke("ingest", "--config", str(settings))
    assert first.exit_code == 0, first.output
    assert "feeds: 3 polled (0 not modified, 0 failed), 0 not due;" in first.stdout
    second = invoke("ingest", "--config", str(settings))
    assert "feeds: 3 polled (3 not modified, 0 failed)" in second.stdout
    assert "pages: 0 new" in second.stdout
    assert (
        invoke("feeds", "add", web.url("/feeds/extra.xml"), "--config", str(settings)).exit_code
        == 2
    )
    listed = invoke("feeds", "list", "--config", str(settings))
    assert "(newsdesk.toml)" in listed.stdout and "last poll" in listed.stdout


def test_ingest_without_feeds(invoke: Callable[..., Result]) -> None:
    result = invoke("ingest")
    assert result.exit_code == 2
    assert result.stderr.strip().startswith(
        "error: no feeds: add one with `newsdesk feeds add URL`"
    )


def test_ingest_exits_1_when_every_feed_fails(
    tmp_path: Path, invoke: Callable[..., Result], web: WebServer
) -> None:
    settings = tmp_path / "newsdesk.toml"
    settings.write_text(
        f'[fetch]\nallow_networks = ["127.0.0.1/32"]\nmax_retries = 0\n'
        f'[[feeds]]\nname = "x"\nurl = "{web.url("/nothing.xml")}"\noutlet = "X"\n',
        encoding="utf-8",
    )
    result = invoke("ingest", "--config", str(settings))
    assert result.exit_code == 1
    assert f"feed {web.url('/nothing.xml')}: " in result.stderr
    assert "1 failed" in result.stdout


def test_run_with_feeds_polls_them_instead_of_the_sample(web: WebServer, config: Config) -> None:
    from newsdesk import api

    feeds = sample_feeds(web)
    configured = replace(
        config, feeds=tuple(f for f in feeds if f.name in ("reuters", "cnn", "npr"))
    )
    run = api.run(configured, stages=["ingest", "stories"])
    assert run.status == "finished"
    store = open_store(configured.store.database)
    try:
        outlets = {a.outlet for a in store.articles()}
        assert outlets == {"Reuters", "CNN", "NPR"}
        assert store.stories()
    finally:
        store.close()


def test_requests_carry_the_validators(web: WebServer, config: Config, store: Store) -> None:
    feed = sample_feeds(web)[0]
    FeedPoller(store, config).poll([feed])
    FeedPoller(store, config).poll([feed])
    path = "/feeds/" + feed.url.rsplit("/", 1)[1]
    second: Request = [r for r in web.requests if r.path == path][-1]
    state = store.feed_state(feed.url)
    assert state is not None
    assert second.headers["if-none-match"] == state.etag
    assert second.headers["if-modified-since"] == state.last_modified


def test_feeds_not_due_say_how_to_poll_them_now(
    web: WebServer, tmp_path: Path, invoke: Callable[..., Result]
) -> None:
    settings = tmp_path / "newsdesk.toml"
    (feed,) = sample_feeds(web)[:1]
    settings.write_text(
        '[fetch]\nallow_networks = ["127.0.0.1/32"]\nper_host_delay_s = 0.0\n'
        f'[[feeds]]\nname = "{feed.name}"\nurl = "{feed.url}"\noutlet = "{feed.outlet}"\n',
        encoding="utf-8",
    )
    assert invoke("ingest", "--config", str(settings)).exit_code == 0
    waiting = invoke("ingest", "--config", str(settings))
    assert "feeds: 0 polled (0 not modified, 0 failed), 1 not due" in waiting.stdout
    assert "(`newsdesk ingest --all` polls them now)" in waiting.stdout
    forced = invoke("ingest", "--all", "--config", str(settings))
    assert "feeds: 1 polled (1 not modified, 0 failed), 0 not due;" in forced.stdout
