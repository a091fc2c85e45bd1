"""Benchmark polling feeds: 1,000 feeds from a local server through the Downloader.

Usage (from the repository root)::

    .venv/bin/python bench/feeds.py [--feeds N] [--concurrency C] [--hosts H] [--polite]

A web server in a separate process (``tests/web_server.py``, so that it does
not share this process's interpreter lock) serves the 30 sample feeds of
``../shared/data/sample/feeds`` under N distinct paths (``/feed/N.xml`` ->
file N mod 30, with ETag and Last-Modified). The poll fetches every feed
with ``Downloader`` (SSRF guard, robots.txt, size caps, retries all on) and
parses it as soon as it arrives (feedparser for RSS/Atom, ``json`` for JSON
Feed), C requests in flight. Beside it, in the same process and against the
same server: the same N fetches and parses one after the other with a plain
``httpx.Client`` (keep-alive, no guard, no politeness), the baseline.

The server is one host, so per-host politeness would serialise everything;
by default the per-host limits are lifted (``per_host_concurrency`` = C,
``per_host_delay_s`` = 0), as for N different hosts. ``--hosts H`` spreads
the feeds over H host names (all resolved to 127.0.0.1 by an injected
resolver, one robots.txt each) and ``--polite`` keeps the default per-host
limits, which then show what politeness costs.

It also times a second poll with the validators of the first (every answer
a 304). Peak RSS is ``ru_maxrss`` of this process after the Downloader poll
(interpreter, feedparser and the parsed feeds included). The last line of
output is one JSON object:
``{"feeds": int, "feeds_per_s": float, "peak_rss_mb": float, "baseline_feeds_per_s": float}``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing
import resource
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

import feedparser
import httpx

from newsdesk.config import FetchSettings
from newsdesk.ingest.downloads import Downloader, Fetched, FetchError, FetchRequest
from newsdesk.ingest.netguard import static_resolver

ROOT = Path(__file__).resolve().parents[1]
FEEDS = ROOT.parent / "shared" / "data" / "sample" / "feeds"
sys.path.insert(0, str(ROOT / "tests"))

import web_server  # type: ignore[import-not-found,unused-ignore]  # noqa: E402  (tests/ helper)


def feed_files() -> list[Path]:
    return sorted(p for p in FEEDS.iterdir() if p.suffix in (".xml", ".json"))


def run_server(pipe: Connection, latency_s: float) -> None:
    """Serve ``/feed/N.xml`` -> sample feed N mod 30 until told to stop (in a child process),
    each answer ``latency_s`` late."""
    handlers = [
        web_server.conditional(path.read_bytes(), web_server.content_type_of(path.name))
        for path in feed_files()
    ]

    def feed(request: web_server.Request) -> web_server.Response:
        stem = request.path.rsplit("/", 1)[-1].split(".")[0]
        if not stem.isdigit():
            return web_server.Response(404, b"not found", delay=latency_s)
        response = handlers[int(stem) % len(handlers)](request)
        response.delay = latency_s
        return response

    with web_server.serve({"/feed/": feed}) as server:
        pipe.send(server.base_url)
        pipe.recv()


def parse(body: bytes) -> int:
    """Entries in a feed: the work a poller does with each answer."""
    if body.lstrip()[:1] == b"{":
        return len(json.loads(body).get("items", []))
    return len(feedparser.parse(body).entries)


@dataclass
class Poll:
    seconds: float
    entries: int
    errors: int
    not_modified: int
    results: list[Fetched | FetchError]


def urls(base_url: str, feeds: int, hosts: int) -> list[str]:
    port = base_url.rsplit(":", 1)[1].strip("/")
    if hosts <= 1:
        return [f"{base_url}feed/{n}.xml" for n in range(feeds)]
    return [f"http://feeds-{n % hosts}.bench.test:{port}/feed/{n}.xml" for n in range(feeds)]


async def poll(downloader: Downloader, requests: Sequence[FetchRequest]) -> Poll:
    """Fetch every feed and parse each as it arrives."""

    async def one(request: FetchRequest) -> tuple[Fetched | FetchError, int]:
        try:
            fetched = await downloader.fetch(
                request.url, etag=request.etag, last_modified=request.last_modified, kind="feed"
            )
        except FetchError as exc:
            return exc, 0
        return fetched, 0 if fetched.not_modified else parse(fetched.body)

    start = time.perf_counter()
    done = await asyncio.gather(*(one(r) for r in requests))
    seconds = time.perf_counter() - start
    results = [result for result, _ in done]
    return Poll(
        seconds=seconds,
        entries=sum(entries for _, entries in done),
        errors=sum(isinstance(r, FetchError) for r in results),
        not_modified=sum(isinstance(r, Fetched) and r.not_modified for r in results),
        results=results,
    )


async def downloader_polls(
    settings: FetchSettings, feed_urls: list[str], resolver: Any
) -> tuple[Poll, Poll]:
    """A first poll, then a second one with the first one's validators."""
    async with Downloader(settings, resolver=resolver) as downloader:
        first = await poll(downloader, [FetchRequest(u, kind="feed") for u in feed_urls])
        again = [
            FetchRequest(r.url, r.etag, r.last_modified, "feed")
            if isinstance(r, Fetched)
            else FetchRequest(r.url, kind="feed")
            for r in first.results
        ]
        second = await poll(downloader, again)
    return first, second


def baseline(feed_urls: list[str]) -> Poll:
    """The same fetches and parses with one plain ``httpx.Client``, one after the other."""
    entries = errors = 0
    start = time.perf_counter()
    with httpx.Client(timeout=30.0) as client:
        for url in feed_urls:
            response = client.get(url)
            if response.status_code == 200:
                entries += parse(response.content)
            else:
                errors += 1
    return Poll(time.perf_counter() - start, entries, errors, 0, [])


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--feeds", type=int, default=1000, help="feeds to poll")
    parser.add_argument("--concurrency", type=int, default=16, help="requests in flight")
    parser.add_argument("--hosts", type=int, default=1, help="host names to spread feeds over")
    parser.add_argument("--polite", action="store_true", help="keep per-host delay and limits")
    parser.add_argument(
        "--latency-ms", type=float, default=0.0, help="delay the server adds to every answer"
    )
    args = parser.parse_args(argv)
    if not FEEDS.is_dir():
        parser.error(f"the sample feeds are not at {FEEDS}")

    parent, child = multiprocessing.Pipe()
    latency_s = args.latency_ms / 1000
    server = multiprocessing.Process(target=run_server, args=(child, latency_s), daemon=True)
    server.start()
    try:
        base_url = str(parent.recv())
        feed_urls = urls(base_url, args.feeds, args.hosts)
        names = {f"feeds-{n}.bench.test" for n in range(args.hosts)}
        resolver = static_resolver(dict.fromkeys(names, "127.0.0.1"))
        settings = FetchSettings(allow_networks=("127.0.0.1/32",), concurrency=args.concurrency)
        if not args.polite:
            settings = FetchSettings(
                allow_networks=("127.0.0.1/32",),
                concurrency=args.concurrency,
                per_host_concurrency=args.concurrency,
                per_host_delay_s=0.0,
            )
        # Warm up both clients (imports, first connections) outside the timings.
        asyncio.run(downloader_polls(settings, feed_urls[:30], resolver))
        baseline(urls(base_url, 30, 1))

        first, second = asyncio.run(downloader_polls(settings, feed_urls, resolver))
        rss_mb = peak_rss_mb()
        plain = baseline(urls(base_url, args.feeds, 1))
    finally:
        parent.send("stop")
        server.join(timeout=10)

    rate, plain_rate = args.feeds / first.seconds, args.feeds / plain.seconds
    print(
        f"{args.feeds} feeds ({len(feed_files())} sample files), concurrency "
        f"{args.concurrency}, {args.hosts} host name(s), "
        f"{'polite' if args.polite else 'per-host limits lifted'}, "
        f"server latency {args.latency_ms:g} ms"
    )
    print(
        f"Downloader: {first.seconds:.2f} s, {rate:.0f} feeds/s, {first.entries} entries, "
        f"{first.errors} errors; peak RSS {rss_mb:.0f} MB"
    )
    print(
        f"  re-poll with ETag/Last-Modified: {second.seconds:.2f} s, "
        f"{args.feeds / second.seconds:.0f} feeds/s, {second.not_modified} answered 304"
    )
    print(
        f"plain httpx.Client, sequential: {plain.seconds:.2f} s, {plain_rate:.0f} feeds/s, "
        f"{plain.entries} entries, {plain.errors} errors"
    )
    print(f"ratio Downloader / baseline: {rate / plain_rate:.2f}")
    summary = {
        "feeds": args.feeds,
        "feeds_per_s": round(rate, 1),
        "peak_rss_mb": round(rss_mb, 1),
        "baseline_feeds_per_s": round(plain_rate, 1),
    }
    print(json.dumps(summary))
    return 0 if first.errors == 0 and plain.errors == 0 else 1


if __name__ == "__main__":
    raise SystemExit(main())
