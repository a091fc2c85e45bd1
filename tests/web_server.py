"""A real HTTP server on 127.0.0.1 for tests: the sample mini-web plus scripted faults.

``serve(routes)`` starts a threading ``http.server`` on a random port and
yields a ``WebServer`` (``base_url``, ``url(path)``, the ``requests`` it
received, the peak number of requests in flight). ``routes`` maps a path to
a handler (``Request -> Response``) or to a fixed ``Response``; a path ending
in "/" is a prefix (the longest one wins), anything else matches exactly.
Routes can be added while the server runs: ``server.routes["/x"] = ...``.

``sample_routes()`` serves ``feeds/`` and ``pages/`` of the sample mini-web
(``sample_web.SAMPLE``, built from the bundled sample) as static files with
ETag and Last-Modified (and 304 on a matching conditional GET);
``fault_routes()`` holds one route per misbehaviour a fetcher must survive;
``web_server`` is a ready-made pytest fixture with both.

Responses are HTTP/1.1 with keep-alive. A ``Response`` whose ``body`` is an
iterable of chunks is streamed without Content-Length and the connection is
closed after it, which is how an endless or trickling body is served.
"""

from __future__ import annotations

import functools
import hashlib
import itertools
import sys
import threading
import zlib
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from email.utils import formatdate, parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from newsdesk.ingest.feeds import read_opml
from newsdesk.records import Feed
from sample_web import BASE_URL, SAMPLE

LAST_MODIFIED = "Tue, 23 Jun 2020 12:00:00 GMT"
"""Last-Modified of every static file: the sample's own dates are in 2019-2020."""

CONTENT_TYPES = {
    ".rss.xml": "application/rss+xml; charset=utf-8",
    ".atom.xml": "application/atom+xml; charset=utf-8",
    ".json": "application/feed+json; charset=utf-8",
    ".opml": "text/x-opml; charset=utf-8",
    ".html": "text/html; charset=utf-8",
    ".xml": "application/xml; charset=utf-8",
    ".txt": "text/plain; charset=utf-8",
}


@dataclass(frozen=True)
class Request:
    """A request as the server saw it; header names are lower-case."""

    method: str
    path: str
    query: str
    headers: dict[str, str]


@dataclass
class Response:
    """What to answer. ``delay`` waits before the status line; a ``body`` that is an iterable
    of chunks is streamed (no Content-Length) with ``chunk_delay`` between chunks."""

    status: int = 200
    body: bytes | Iterable[bytes] = b""
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    chunk_delay: float = 0.0


Handler = Callable[[Request], Response]
Route = Handler | Response


class WebServer:
    """A running server: where it listens, its routes, and what it has seen."""

    def __init__(self, routes: Mapping[str, Route]) -> None:
        self.routes: dict[str, Route] = dict(routes)
        self.requests: list[Request] = []
        self.bytes_sent: dict[str, int] = {}
        self.in_flight = 0
        self.peak_in_flight = 0
        self.stopping = threading.Event()
        self.lock = threading.Lock()
        self.base_url = ""

    def url(self, path: str) -> str:
        return self.base_url + path.lstrip("/")

    def hits(self, path: str) -> int:
        """How many requests asked for ``path`` (query excluded)."""
        with self.lock:
            return sum(1 for r in self.requests if r.path == path)

    def route(self, path: str) -> Route | None:
        route = self.routes.get(path)
        if route is not None:
            return route
        prefixes = [p for p in self.routes if p.endswith("/") and path.startswith(p)]
        return self.routes[max(prefixes, key=len)] if prefixes else None


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body go out in separate writes
    server: _Server

    def do_GET(self) -> None:
        self._answer(send_body=True)

    def do_HEAD(self) -> None:
        self._answer(send_body=False)

    def log_message(self, format: str, *args: object) -> None:
        """Quiet: tests read ``WebServer.requests`` instead."""

    def _answer(self, send_body: bool) -> None:
        web = self.server.web
        path, _, query = self.path.partition("?")
        request = Request(
            self.command, path, query, {k.lower(): v for k, v in self.headers.items()}
        )
        with web.lock:
            web.requests.append(request)
            web.in_flight += 1
            web.peak_in_flight = max(web.peak_in_flight, web.in_flight)
        try:
            route = web.route(path)
            response = route(request) if callable(route) else route or Response(404, b"not found")
            if response.delay and web.stopping.wait(response.delay):
                return
            self._send(web, path, response, send_body)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True
        finally:
            with web.lock:
                web.in_flight -= 1

    def _send(self, web: WebServer, path: str, response: Response, send_body: bool) -> None:
        self.send_response(response.status)
        headers = {k.lower(): v for k, v in response.headers.items()}
        for name, value in response.headers.items():
            self.send_header(name, value)
        if isinstance(response.body, bytes):
            if "content-length" not in headers:
                self.send_header("Content-Length", str(len(response.body)))
            self.end_headers()
            if send_body and response.status not in (204, 304):
                self.wfile.write(response.body)
                self._count(web, path, len(response.body))
            return
        self.send_header("Connection", "close")
        self.close_connection = True
        self.end_headers()
        for chunk in response.body if send_body else ():
            if web.stopping.is_set():
                break
            self.wfile.write(chunk)
            self.wfile.flush()
            self._count(web, path, len(chunk))
            if response.chunk_delay and web.stopping.wait(response.chunk_delay):
                break

    @staticmethod
    def _count(web: WebServer, path: str, size: int) -> None:
        with web.lock:
            web.bytes_sent[path] = web.bytes_sent.get(path, 0) + size


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    web: WebServer

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client hanging up (as fetchers do on a cap or a timeout) is no server error."""
        error = sys.exc_info()[1]
        if not isinstance(error, ConnectionError):
            super().handle_error(request, client_address)


@contextmanager
def serve(routes: Mapping[str, Route] | None = None) -> Iterator[WebServer]:
    """Run a server with ``routes`` on 127.0.0.1 (random port) for the ``with`` block."""
    web = WebServer(routes or {})
    server = _Server(("127.0.0.1", 0), _Handler)
    server.web = web
    web.base_url = f"http://127.0.0.1:{server.server_address[1]}/"
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.daemon = True
    thread.start()
    try:
        yield web
    finally:
        web.stopping.set()
        server.shutdown()
        server.server_close()
        thread.join()


# Route builders -------------------------------------------------------------


def content_type_of(name: str) -> str:
    for suffix, content_type in CONTENT_TYPES.items():
        if name.endswith(suffix):
            return content_type
    return "application/octet-stream"


def conditional(
    body: bytes, content_type: str, etag: str | None = None, last_modified: str = LAST_MODIFIED
) -> Handler:
    """Serve ``body`` with validators; 304 when the request's If-None-Match or
    If-Modified-Since shows the client already has it."""
    etag = etag or '"' + hashlib.sha1(body).hexdigest()[:16] + '"'

    def handle(request: Request) -> Response:
        headers = {"Content-Type": content_type, "ETag": etag, "Last-Modified": last_modified}
        if _not_modified(request, etag, last_modified):
            return Response(304, b"", {"ETag": etag, "Last-Modified": last_modified})
        return Response(200, body, headers)

    return handle


def _not_modified(request: Request, etag: str, last_modified: str) -> bool:
    match = request.headers.get("if-none-match")
    if match is not None:
        return etag in [m.strip() for m in match.split(",")] or match.strip() == "*"
    since = request.headers.get("if-modified-since")
    if since is None:
        return False
    try:
        return parsedate_to_datetime(since) >= parsedate_to_datetime(last_modified)
    except (TypeError, ValueError):
        return False


def static(directory: Path) -> Handler:
    """Files of one flat directory by name (the last path segment), with validators."""

    def handle(request: Request) -> Response:
        name = request.path.rsplit("/", 1)[-1]
        path = directory / name
        if not name or name.startswith(".") or not path.is_file():
            return Response(404, b"not found")
        return conditional(path.read_bytes(), content_type_of(name))(request)

    return handle


def text(body: str | bytes, content_type: str = "text/plain; charset=utf-8") -> Response:
    data = body.encode("utf-8") if isinstance(body, str) else body
    return Response(200, data, {"Content-Type": content_type})


def redirect(location: str, status: int = 302) -> Response:
    return Response(status, b"", {"Location": location})


def failing(failures: int, then: Route, status: int = 500, **headers: str) -> Handler:
    """Answer ``status`` to the first ``failures`` requests, then as ``then``."""
    counter = itertools.count()
    lock = threading.Lock()

    def handle(request: Request) -> Response:
        with lock:
            number = next(counter)
        if number < failures:
            return Response(status, b"try again", dict(headers))
        return then(request) if callable(then) else then

    return handle


def endless(chunk_size: int = 65536, limit: int = 1 << 30) -> Handler:
    """A body that does not end (well: after ``limit`` bytes, so a broken client cannot hang)."""
    chunk = b"<item>" + b"x" * (chunk_size - 6)

    def handle(request: Request) -> Response:
        chunks = (chunk for _ in range(limit // chunk_size))
        return Response(200, chunks, {"Content-Type": "application/rss+xml"})

    return handle


def trickle(chunks: int = 100, interval: float = 0.05) -> Handler:
    """A body sent a few bytes at a time: each read is quick, the whole is slow."""

    def handle(request: Request) -> Response:
        body = (b"<rss>" for _ in range(chunks))
        headers = {"Content-Type": "application/rss+xml"}
        return Response(200, body, headers, chunk_delay=interval)

    return handle


def gzip_bomb_bytes(size: int = 256 << 20) -> bytes:
    """``size`` zero bytes gzip-compressed into about 1/1000 of that (one gzip member),
    built once per size."""
    return _gzip_bomb(size)


@functools.cache
def _gzip_bomb(size: int) -> bytes:
    compressor = zlib.compressobj(9, zlib.DEFLATED, zlib.MAX_WBITS | 16)
    block = bytes(1 << 20)
    parts = [compressor.compress(block) for _ in range(size // len(block))]
    parts.append(compressor.flush())
    return b"".join(parts)


def gzip_bomb(size: int = 256 << 20) -> Handler:
    """``gzip_bomb_bytes`` served as a gzip-encoded feed (built on the first request)."""

    def handle(request: Request) -> Response:
        headers = {"Content-Type": "application/rss+xml", "Content-Encoding": "gzip"}
        return Response(200, gzip_bomb_bytes(size), headers)

    return handle


ROBOTS_TXT = """\
User-agent: *
Disallow: /private/
Crawl-delay: 2
"""

RSS = """\
<?xml version="1.0" encoding="{encoding}"?>
<rss version="2.0"><channel><title>{title}</title><link>http://127.0.0.1/</link>
<description>test feed</description>
<item><title>{item}</title><link>http://127.0.0.1/a</link><guid>a</guid>
<pubDate>Tue, 23 Jun 2020 12:00:00 GMT</pubDate><description>{item}</description></item>
</channel></rss>
"""

MALFORMED_RSS = b"""<?xml version="1.0"?>
<rss version="2.0"><channel><title>Broken & unescaped</title>
<item><title>No closing tags<link>http://127.0.0.1/a
"""

NO_ARTICLE_HTML = b"""<!DOCTYPE html><html><head><title>Section front</title></head>
<body><nav><a href="/">Home</a> <a href="/world">World</a> <a href="/sport">Sport</a></nav>
<div class="promo">Subscribe now</div><footer>(c) Example News</footer></body></html>
"""


def rss(title: str = "Test feed", item: str = "First item", encoding: str = "utf-8") -> bytes:
    return RSS.format(title=title, item=item, encoding=encoding).encode(encoding)


def fault_routes() -> dict[str, Route]:
    """One route per fault a fetcher must survive.

    ``/robots.txt`` disallows ``/private/`` and sets Crawl-delay 2;
    ``/feed.xml`` answers 304 to a matching If-None-Match or If-Modified-Since;
    ``/missing`` 404; ``/flaky`` 500 once, then the feed; ``/busy`` 429 with
    Retry-After 2 once; ``/down`` always 503 with Retry-After 1; ``/slow``
    waits 2 s before answering; ``/trickle`` sends 5 bytes every 50 ms;
    ``/endless`` never ends; ``/bomb`` is 256 MiB of zeros gzipped; ``/big``
    declares 2 MB; ``/loop/a`` and ``/loop/b`` redirect to each other;
    ``/chain/0`` .. ``/chain/10`` is ten redirects; ``/moved`` is a 301 to
    ``/feed.xml``; ``/to-private``, ``/to-metadata`` and ``/to-ftp`` redirect
    where no fetch may go; ``/malformed.xml`` is broken XML; ``/cp1251.xml`` a
    windows-1251 feed; ``/plain-feed`` RSS sent as text/plain;
    ``/html-as-feed`` and ``/no-article.html`` a page with no article;
    ``/image.png`` neither feed nor page.
    """
    feed = rss()
    routes: dict[str, Route] = {
        "/robots.txt": text(ROBOTS_TXT),
        "/private/": text("<html><body>members only</body></html>", "text/html"),
        "/feed.xml": conditional(feed, "application/rss+xml; charset=utf-8"),
        "/missing": Response(404, b"not here", {"Content-Type": "text/plain"}),
        "/flaky": failing(1, conditional(feed, "application/rss+xml")),
        "/busy": failing(1, conditional(feed, "application/rss+xml"), 429, **{"Retry-After": "2"}),
        "/down": Response(503, b"down", {"Retry-After": "1"}),
        "/slow": Response(200, feed, {"Content-Type": "application/rss+xml"}, delay=2.0),
        "/trickle": trickle(),
        "/endless": endless(),
        "/bomb": gzip_bomb(),
        "/big": text(b"x" * 2_000_000, "application/rss+xml"),
        "/loop/a": redirect("/loop/b"),
        "/loop/b": redirect("/loop/a"),
        "/moved": redirect("/feed.xml", 301),
        "/to-private": redirect("http://10.0.0.1/feed.xml"),
        "/to-metadata": redirect("http://169.254.169.254/latest/meta-data/"),
        "/to-ftp": redirect("ftp://127.0.0.1/feed.xml"),
        "/malformed.xml": text(MALFORMED_RSS, "application/rss+xml"),
        "/cp1251.xml": text(
            rss("Новости", "Первая новость", "windows-1251"),
            "application/rss+xml; charset=windows-1251",
        ),
        "/plain-feed": text(feed, "text/plain"),
        "/html-as-feed": text(NO_ARTICLE_HTML, "text/html"),
        "/no-article.html": text(NO_ARTICLE_HTML, "text/html; charset=utf-8"),
        "/image.png": text(b"\x89PNG\r\n\x1a\n", "image/png"),
    }
    for hop in range(10):
        routes[f"/chain/{hop}"] = redirect(f"/chain/{hop + 1}")
    routes["/chain/10"] = conditional(feed, "application/rss+xml")
    return routes


def sample_routes() -> dict[str, Route]:
    """``/feeds/NAME`` and ``/pages/NAME`` of the sample mini-web."""
    return {"/feeds/": static(SAMPLE / "feeds"), "/pages/": static(SAMPLE / "pages")}


def serve_sample(web: WebServer) -> None:
    """The sample's feeds (item links pointing at this server) and pages, with validators."""
    base = web.base_url.encode()
    for path in (SAMPLE / "feeds").iterdir():
        body = path.read_bytes().replace(BASE_URL.encode(), base)
        web.routes[f"/feeds/{path.name}"] = conditional(body, content_type_of(path.name))
    for path in (SAMPLE / "pages").iterdir():
        web.routes[f"/pages/{path.name}"] = conditional(
            path.read_bytes(), content_type_of(path.name)
        )


def sample_feeds(web: WebServer) -> list[Feed]:
    """The sample's feeds (its OPML), at ``web``'s address."""
    return [
        replace(feed, url=feed.url.replace(BASE_URL, web.base_url))
        for feed in read_opml(SAMPLE / "feeds" / "feeds.opml")
    ]


@pytest.fixture
def web_server() -> Iterator[WebServer]:
    """A server with ``fault_routes()`` and ``sample_routes()``, one per test."""
    with serve(fault_routes() | sample_routes()) as server:
        yield server


def formatted_now() -> str:
    """The current time as an HTTP date, for Last-Modified and Retry-After in tests."""
    return formatdate(usegmt=True)
