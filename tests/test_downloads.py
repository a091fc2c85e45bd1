"""The Downloader against a real server on 127.0.0.1 with one route per fault.

Every wait (backoff, Retry-After, politeness) goes through an injected sleep
that records it instead of sleeping, so the tests are fast and can assert
how long the Downloader would have waited.
"""

from __future__ import annotations

import asyncio
import gzip
import json
import time
import tracemalloc
import zlib
from collections.abc import Iterator, Sequence
from dataclasses import replace
from datetime import datetime
from email.utils import formatdate
from importlib import resources
from pathlib import Path
from typing import Any

import feedparser  # type: ignore[import-untyped]
import pytest

from newsdesk.config import FetchSettings, load_config
from newsdesk.errors import ConfigError
from newsdesk.ingest.downloads import (
    BlockedURL,
    Downloader,
    Fetched,
    FetchError,
    FetchRequest,
    Kind,
    fetch_all,
)
from newsdesk.ingest.netguard import static_resolver
from newsdesk.retrying import retry_after
from sample_web import SAMPLE
from web_server import (
    Response,
    WebServer,
    conditional,
    failing,
    fault_routes,
    gzip_bomb_bytes,
    redirect,
    rss,
    sample_routes,
    serve,
    text,
)

BASE = FetchSettings(
    allow_networks=("127.0.0.1/32",),
    connect_timeout_s=1.0,
    read_timeout_s=0.5,
    total_timeout_s=3.0,
    max_bytes=1_000_000,
    max_retries=2,
    backoff_s=0.5,
    max_wait_s=10.0,
    per_host_delay_s=0.0,
    respect_robots=False,
)
"""Test settings: the local server allowed, small timeouts, no politeness unless a test asks."""


class Waits:
    """An injected sleep that records every wait and returns at once."""

    def __init__(self) -> None:
        self.waits: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.waits.append(seconds)
        await asyncio.sleep(0)


@pytest.fixture
def server() -> Iterator[WebServer]:
    with serve(fault_routes()) as running:
        yield running


def fetch(
    url: str, settings: FetchSettings = BASE, kind: Kind = "any", **kwargs: Any
) -> tuple[Fetched | FetchError, Waits]:
    """Fetch one URL with a fresh Downloader; the result (or error) and the waits."""
    waits = Waits()

    async def run() -> Fetched | FetchError:
        async with Downloader(settings, sleep=waits, **kwargs) as downloader:
            try:
                return await downloader.fetch(url, kind=kind)
            except FetchError as exc:
                return exc

    return asyncio.run(run()), waits


def fetched(result: Fetched | FetchError) -> Fetched:
    assert isinstance(result, Fetched), f"expected a Fetched, got {result}"
    return result


def failed(result: Fetched | FetchError) -> FetchError:
    assert isinstance(result, FetchError), f"expected a FetchError, got {result}"
    assert "\n" not in str(result)
    return result


def many(
    requests: Sequence[FetchRequest], settings: FetchSettings = BASE, **kwargs: Any
) -> tuple[list[Fetched | FetchError], Waits, list[str]]:
    waits = Waits()

    async def run() -> tuple[list[Fetched | FetchError], list[str]]:
        async with Downloader(settings, sleep=waits, **kwargs) as downloader:
            return await downloader.fetch_many(requests), downloader.notes

    results, notes = asyncio.run(run())
    return results, waits, notes


# Plain fetches and conditional GET ---------------------------------------------------------


def test_fetches_a_feed_with_its_validators_and_our_user_agent(server: WebServer) -> None:
    result = fetched(fetch(server.url("feed.xml"), kind="feed")[0])
    assert result.status == 200
    assert result.body == rss()
    assert result.content_type == "application/rss+xml; charset=utf-8"
    assert result.etag and result.etag.startswith('"')
    assert result.last_modified == "Tue, 23 Jun 2020 12:00:00 GMT"
    assert result.url == result.final_url == server.url("feed.xml")
    assert result.headers["content-type"] == result.content_type
    assert datetime.fromisoformat(result.fetched_at).tzinfo is not None
    assert not result.not_modified
    seen = server.requests[-1].headers
    assert seen["user-agent"] == BASE.user_agent
    assert seen["accept-encoding"] == "gzip, deflate"
    assert "application/rss+xml" in seen["accept"]


def test_a_second_request_with_the_etag_gets_304_and_no_body(server: WebServer) -> None:
    first = fetched(fetch(server.url("feed.xml"))[0])

    async def again() -> tuple[Fetched, Fetched]:
        async with Downloader(BASE) as downloader:
            by_etag = await downloader.fetch(server.url("feed.xml"), etag=first.etag)
            by_date = await downloader.fetch(
                server.url("feed.xml"), last_modified=first.last_modified
            )
            return by_etag, by_date

    by_etag, by_date = asyncio.run(again())
    for result in (by_etag, by_date):
        assert result.not_modified and result.status == 304
        assert result.body == b""
        assert result.etag == first.etag
        assert result.last_modified == first.last_modified
    assert server.requests[-2].headers["if-none-match"] == first.etag
    assert server.requests[-1].headers["if-modified-since"] == first.last_modified


def test_gzip_and_deflate_bodies_are_decompressed(server: WebServer) -> None:
    body = rss() * 50
    deflater = zlib.compressobj(6, zlib.DEFLATED, -zlib.MAX_WBITS)
    raw_deflate = deflater.compress(body) + deflater.flush()
    server.routes["/gzip"] = Response(200, gzip.compress(body), {"Content-Encoding": "gzip"})
    server.routes["/zlib"] = Response(200, zlib.compress(body), {"Content-Encoding": "deflate"})
    server.routes["/raw"] = Response(200, raw_deflate, {"Content-Encoding": "deflate"})
    two_members = gzip.compress(body[:500]) + gzip.compress(body[500:])
    server.routes["/members"] = Response(200, two_members, {"Content-Encoding": "gzip"})
    for path in ("gzip", "zlib", "raw", "members"):
        assert fetched(fetch(server.url(path))[0]).body == body, path


def test_an_unknown_content_encoding_is_refused(server: WebServer) -> None:
    server.routes["/br"] = Response(200, b"\x0b\x02\x80", {"Content-Encoding": "br"})
    error = failed(fetch(server.url("br"))[0])
    assert "unsupported Content-Encoding 'br'" in error.reason


# Errors and retries ------------------------------------------------------------------------


def test_404_is_a_one_line_error_and_is_not_retried(server: WebServer) -> None:
    result, waits = fetch(server.url("missing"))
    error = failed(result)
    assert error.status == 404
    assert str(error) == f"{server.url('missing')}: HTTP 404 Not Found"
    assert server.hits("/missing") == 1
    assert waits.waits == []


def test_500_then_success_is_retried_after_a_jittered_backoff(server: WebServer) -> None:
    result, waits = fetch(server.url("flaky"))
    assert fetched(result).body == rss()
    assert server.hits("/flaky") == 2
    assert len(waits.waits) == 1
    assert 0.0 <= waits.waits[0] <= BASE.backoff_s


def test_429_waits_as_long_as_retry_after_says(server: WebServer) -> None:
    result, waits = fetch(server.url("busy"))
    assert fetched(result).status == 200
    assert waits.waits == [2.0]
    assert server.hits("/busy") == 2


def test_retry_after_is_capped_by_max_wait(server: WebServer) -> None:
    server.routes["/later"] = failing(1, text(rss()), 429, **{"Retry-After": "3600"})
    result, waits = fetch(server.url("later"), replace(BASE, max_wait_s=7.0))
    assert fetched(result).status == 200
    assert waits.waits == [7.0]


def test_retry_after_as_an_http_date(server: WebServer) -> None:
    when = formatdate(time.time() + 30, usegmt=True)
    server.routes["/dated"] = failing(1, text(rss()), 503, **{"Retry-After": when})
    result, waits = fetch(server.url("dated"), replace(BASE, max_wait_s=60.0))
    assert fetched(result).status == 200
    assert len(waits.waits) == 1 and 27.0 <= waits.waits[0] <= 30.0


def test_retry_after() -> None:
    assert retry_after("120") == 120.0
    assert retry_after(None) is None
    assert retry_after("soon") is None
    assert retry_after("Wed, 21 Oct 2015 07:28:00 GMT") == 0.0


def test_a_server_that_stays_down_is_given_up_on(server: WebServer) -> None:
    result, waits = fetch(server.url("down"))
    error = failed(result)
    assert error.status == 503
    assert error.retry_after == 1.0
    assert error.reason == "HTTP 503 Service Unavailable (gave up after 3 attempts)"
    assert server.hits("/down") == 3
    assert waits.waits == [1.0, 1.0]


def test_backoff_doubles_under_a_cap_with_full_jitter(server: WebServer) -> None:
    server.routes["/broken"] = Response(500, b"no")
    settings = replace(BASE, max_retries=5, backoff_s=1.0, max_wait_s=3.0)
    for _ in range(5):
        result, waits = fetch(server.url("broken"), settings)
        assert failed(result).status == 500
        assert len(waits.waits) == 5
        for attempt, wait in enumerate(waits.waits):
            assert 0.0 <= wait <= min(3.0, 2**attempt)


def test_a_refused_connection_is_retried_then_reported() -> None:
    with serve() as gone:
        url = gone.url("feed.xml")
    result, waits = fetch(url)
    error = failed(result)
    assert "connection failed: ConnectError" in error.reason
    assert "gave up after 3 attempts" in error.reason
    assert error.status is None
    assert len(waits.waits) == 2


def test_a_slow_server_times_out(server: WebServer) -> None:
    started = time.monotonic()
    result, _ = fetch(server.url("slow"), replace(BASE, read_timeout_s=0.2, max_retries=1))
    error = failed(result)
    assert error.reason == "timed out waiting for data (gave up after 2 attempts)"
    assert server.hits("/slow") == 2
    assert time.monotonic() - started < 1.9  # the server waits 2 s before answering


def test_the_total_timeout_stops_a_body_that_trickles(server: WebServer) -> None:
    started = time.monotonic()
    settings = replace(BASE, read_timeout_s=1.0, total_timeout_s=0.3, max_retries=0)
    error = failed(fetch(server.url("trickle"), settings)[0])
    assert error.reason == "took longer than 0.3 s"
    assert time.monotonic() - started < 2.0  # the whole body takes 5 s


# Size caps ---------------------------------------------------------------------------------


def test_an_endless_body_is_cut_at_the_cap(server: WebServer) -> None:
    started = time.monotonic()
    error = failed(fetch(server.url("endless"), replace(BASE, max_bytes=100_000))[0])
    assert error.reason == "body larger than 100000 bytes"
    assert error.status == 200
    assert time.monotonic() - started < 5.0
    time.sleep(0.2)  # let the server notice the closed connection
    assert server.bytes_sent["/endless"] < 32 << 20  # of 1 GiB on offer


def test_a_declared_length_over_the_cap_is_refused_before_reading(server: WebServer) -> None:
    error = failed(fetch(server.url("big"))[0])
    assert error.reason == "body larger than 1000000 bytes (Content-Length 2000000)"


def test_a_gzip_bomb_stops_at_the_cap_without_inflating(server: WebServer) -> None:
    bomb = gzip_bomb_bytes()  # built before measuring: 256 MiB of zeros in ~256 KB
    assert len(bomb) < 1_000_000
    tracemalloc.start()
    try:
        error = failed(fetch(server.url("bomb"), replace(BASE, max_bytes=1_000_000))[0])
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert error.reason == "body larger than 1000000 bytes"
    assert peak < 8_000_000, f"peak {peak} bytes while reading the bomb"


# Redirects ---------------------------------------------------------------------------------


def test_redirects_are_followed(server: WebServer) -> None:
    result = fetched(fetch(server.url("moved"))[0])
    assert result.url == server.url("moved")
    assert result.final_url == server.url("feed.xml")
    assert result.body == rss()


def test_an_error_after_a_redirect_names_the_hop(server: WebServer) -> None:
    server.routes["/gone"] = redirect("/missing", 301)
    error = failed(fetch(server.url("gone"))[0])
    assert error.reason == f"HTTP 404 Not Found (at {server.url('missing')})"
    server.routes["/to-down"] = redirect("/down")
    error = failed(fetch(server.url("to-down"), replace(BASE, max_retries=0))[0])
    assert error.reason == f"HTTP 503 Service Unavailable (at {server.url('down')})"


def test_a_redirect_loop_and_a_long_chain_are_stopped(server: WebServer) -> None:
    loop = failed(fetch(server.url("loop/a"))[0])
    assert loop.reason == f"redirect loop at {server.url('loop/a')}"
    chain = failed(fetch(server.url("chain/0"))[0])
    assert chain.reason == "more than 5 redirects"
    assert server.hits("/chain/5") == 1 and server.hits("/chain/6") == 0
    assert fetched(fetch(server.url("chain/0"), replace(BASE, max_redirects=10))[0])


@pytest.mark.parametrize(
    ("path", "reason"),
    [
        ("to-private", "redirected to http://10.0.0.1/feed.xml, refused: 10.0.0.1 is a private"),
        ("to-metadata", "refused: 169.254.169.254 is a cloud metadata address"),
        ("to-ftp", "redirected to ftp://127.0.0.1/feed.xml, scheme 'ftp' is not allowed"),
    ],
)
def test_a_redirect_is_refused_at_the_hop_that_leaves_the_public_web(
    server: WebServer, path: str, reason: str
) -> None:
    error = failed(fetch(server.url(path))[0])
    assert isinstance(error, BlockedURL)
    assert reason in error.reason
    assert error.url == server.url(path)


def test_default_settings_refuse_the_local_server_without_a_request(server: WebServer) -> None:
    error = failed(fetch(server.url("feed.xml"), FetchSettings())[0])
    assert isinstance(error, BlockedURL)
    assert error.reason == (
        "refused: 127.0.0.1 is a loopback address"
        ' (to allow it, add "127.0.0.1/32" to [fetch] allow_networks)'
    )
    assert server.requests == []


def test_a_host_name_goes_through_the_guarded_resolver(server: WebServer) -> None:
    port = server.base_url.rsplit(":", 1)[1].strip("/")
    resolver = static_resolver({"feeds.test": "127.0.0.1", "intranet.test": "10.0.0.7"})
    result = fetched(fetch(f"http://feeds.test:{port}/feed.xml", resolver=resolver)[0])
    assert result.body == rss()
    error = failed(fetch(f"http://intranet.test:{port}/feed.xml", resolver=resolver)[0])
    assert error.reason == (
        "refused: intranet.test resolves to 10.0.0.7, a private address"
        ' (to allow it, add "10.0.0.7/32" to [fetch] allow_networks)'
    )


# Content types -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "kind", "problem"),
    [
        ("feed.xml", "feed", None),
        ("plain-feed", "feed", None),  # text/plain, but the body is RSS
        ("html-as-feed", "feed", "expected a feed, got 'text/html' that is not one"),
        ("image.png", "feed", "expected a feed, got 'image/png'"),
        ("no-article.html", "page", None),
        ("feed.xml", "page", "expected a page, got 'application/rss+xml; charset=utf-8'"),
        ("image.png", "page", "expected a page, got 'image/png'"),
        ("image.png", "any", None),
    ],
)
def test_content_types_are_checked_by_kind(
    server: WebServer, path: str, kind: Kind, problem: str | None
) -> None:
    result = fetch(server.url(path), kind=kind)[0]
    if problem is None:
        assert fetched(result).status == 200
    else:
        assert failed(result).reason == problem


def test_malformed_and_windows_1251_feeds_arrive_as_bytes(server: WebServer) -> None:
    broken = fetched(fetch(server.url("malformed.xml"), kind="feed")[0])
    assert feedparser.parse(broken.body).bozo
    cyrillic = fetched(fetch(server.url("cp1251.xml"), kind="feed")[0])
    assert "charset=windows-1251" in cyrillic.content_type
    parsed = feedparser.parse(
        cyrillic.body, response_headers={"content-type": cyrillic.content_type}
    )
    assert parsed.feed.title == "Новости"
    assert parsed.entries[0].title == "Первая новость"


# robots.txt and politeness -----------------------------------------------------------------


def test_robots_txt_is_read_once_and_obeyed(server: WebServer) -> None:
    paths = ["private/members.html", "feed.xml", "flaky", "moved", "private/other.html"]
    requests = [FetchRequest(server.url(p)) for p in paths]
    results, waits, notes = many(requests, replace(BASE, respect_robots=True))
    assert server.hits("/robots.txt") == 1
    for path, result in zip(paths, results, strict=True):
        if path.startswith("private/"):
            assert failed(result).reason == "disallowed by robots.txt"
        else:
            assert fetched(result).status == 200
    assert server.hits("/private/members.html") == 0
    # Crawl-delay: 2 outweighs per_host_delay_s 0: requests start 2 s apart.
    politeness = sorted(w for w in waits.waits if w > 1.0)
    assert len(politeness) >= 4 and politeness[0] > 1.5
    assert notes == []


def test_a_redirect_into_a_disallowed_path_is_refused(server: WebServer) -> None:
    server.routes["/sneaky"] = redirect("/private/page.html")
    error = failed(fetch(server.url("sneaky"), replace(BASE, respect_robots=True))[0])
    assert (
        error.reason
        == f"disallowed by robots.txt (redirected to {server.url('private/page.html')})"
    )


@pytest.mark.parametrize(
    ("robots", "note"),
    [
        (Response(404, b"none"), None),
        (Response(403, b"forbidden"), None),
        (Response(500, b"oops"), "HTTP 500; allowed all"),
        (redirect("http://10.0.0.1/robots.txt"), "refused: 10.0.0.1 is a private address"),
    ],
)
def test_robots_txt_that_cannot_be_read_allows_all(
    server: WebServer, robots: Response, note: str | None
) -> None:
    server.routes["/robots.txt"] = robots
    requests = [FetchRequest(server.url("private/page.html"))]
    results, _, notes = many(requests, replace(BASE, respect_robots=True))
    assert fetched(results[0]).status == 200
    assert server.hits("/robots.txt") == 1
    if note is None:
        assert notes == []
    else:
        assert len(notes) == 1 and note in notes[0]


def test_requests_to_one_host_start_per_host_delay_apart(server: WebServer) -> None:
    requests = [FetchRequest(server.url("feed.xml")) for _ in range(4)]
    results, waits, _ = many(requests, replace(BASE, per_host_delay_s=1.0))
    assert all(isinstance(r, Fetched) for r in results)
    assert len(waits.waits) == 3
    for expected, wait in zip([1.0, 2.0, 3.0], sorted(waits.waits), strict=True):
        assert expected - 0.5 < wait <= expected


def test_per_host_concurrency_is_a_ceiling(server: WebServer) -> None:
    server.routes["/pause"] = Response(200, rss(), {"Content-Type": "text/xml"}, delay=0.2)
    requests = [FetchRequest(server.url("pause")) for _ in range(6)]
    results, _, _ = many(requests, replace(BASE, per_host_concurrency=2, concurrency=10))
    assert all(isinstance(r, Fetched) for r in results)
    assert server.peak_in_flight == 2


def test_global_concurrency_is_a_ceiling_across_hosts(server: WebServer) -> None:
    server.routes["/pause"] = Response(200, rss(), {"Content-Type": "text/xml"}, delay=0.2)
    port = server.base_url.rsplit(":", 1)[1].strip("/")
    hosts = [f"h{n}.test" for n in range(6)]
    resolver = static_resolver(dict.fromkeys(hosts, "127.0.0.1"))
    requests = [FetchRequest(f"http://{h}:{port}/pause") for h in hosts for _ in range(2)]
    settings = replace(BASE, concurrency=3, per_host_concurrency=2)
    results, _, _ = many(requests, settings, resolver=resolver)
    assert all(isinstance(r, Fetched) for r in results)
    assert server.peak_in_flight == 3


# fetch_many, fetch_all and settings --------------------------------------------------------


def test_fetch_many_returns_errors_in_place_and_never_raises(server: WebServer) -> None:
    urls = [
        server.url("feed.xml"),
        "not a url",
        "ftp://example.com/feed",
        "http://10.0.0.1/feed.xml",
        server.url("missing"),
        server.url("flaky"),
    ]
    results, _, _ = many([FetchRequest(u, kind="feed") for u in urls])
    assert [type(r).__name__ for r in results] == [
        "Fetched",
        "BlockedURL",
        "BlockedURL",
        "BlockedURL",
        "FetchError",
        "Fetched",
    ]
    assert [r.url for r in results] == urls


def test_a_name_that_does_not_resolve_fails_at_once(server: WebServer) -> None:
    result, waits = fetch("http://nowhere.test/feed.xml", resolver=static_resolver({}))
    error = failed(result)
    assert not isinstance(error, BlockedURL)
    assert error.reason == "cannot resolve nowhere.test: Name or service not known"
    assert waits.waits == []


def test_fetch_all_runs_its_own_event_loop(server: WebServer) -> None:
    first, second = fetch_all(
        BASE, [FetchRequest(server.url("feed.xml")), FetchRequest(server.url("missing"))]
    )
    assert fetched(first).body == rss()
    assert failed(second).status == 404


def test_settings_file_lists_the_fetch_defaults() -> None:
    shipped = Path(str(resources.files("newsdesk") / "settings.toml"))
    assert load_config(shipped).fetch == FetchSettings()


def test_fetch_settings_refuse_values_that_would_hang(tmp_path: Path) -> None:
    settings = tmp_path / "newsdesk.toml"
    settings.write_text("[fetch]\nconcurrency = 0\n")
    with pytest.raises(ConfigError, match=r"\[fetch\] 'concurrency' must be > 0"):
        load_config(settings)
    with pytest.raises(ConfigError, match="'max_retries' must be >= 0"):
        FetchSettings(max_retries=-1)


# The sample mini-web -----------------------------------------------------------------------


def test_every_sample_feed_and_page_is_fetched() -> None:
    feeds = sorted(p.name for p in (SAMPLE / "feeds").iterdir() if p.suffix in (".xml", ".json"))
    pages = sorted(p.name for p in (SAMPLE / "pages").glob("*.html"))[:20]
    with serve(sample_routes()) as web:
        requests = [FetchRequest(web.url(f"feeds/{name}"), kind="feed") for name in feeds]
        requests += [FetchRequest(web.url(f"pages/{name}"), kind="page") for name in pages]
        results, _, _ = many(requests, replace(BASE, concurrency=8, per_host_concurrency=8))
    assert len(feeds) == 30
    for request, result in zip(requests, results, strict=True):
        name = request.url.rsplit("/", 1)[1]
        folder = "feeds" if request.kind == "feed" else "pages"
        assert fetched(result).body == (SAMPLE / folder / name).read_bytes()
        if name.endswith(".json"):
            assert json.loads(fetched(result).body)["items"], name
        elif request.kind == "feed":
            assert feedparser.parse(fetched(result).body).entries, name


def test_conditional_helper_answers_304_to_if_modified_since() -> None:
    with serve(
        {"/f": conditional(b"<rss/>", "text/xml", last_modified=formatdate(0, usegmt=True))}
    ) as web:
        first = fetched(fetch(web.url("f"))[0])
        assert first.last_modified == "Thu, 01 Jan 1970 00:00:00 GMT"
        waits = Waits()

        async def again() -> Fetched:
            async with Downloader(BASE, sleep=waits) as downloader:
                return await downloader.fetch(web.url("f"), last_modified=formatdate(usegmt=True))

        assert asyncio.run(again()).not_modified
