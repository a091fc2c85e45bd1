"""Download feeds and pages from the web politely and safely, many at a time.

``Downloader`` runs every request through one ``httpx.AsyncClient`` and adds
what a client library leaves to the caller:

* safety: every URL and every redirect hop passes the SSRF guard
  (``netguard``), connections go only to checked addresses, bodies are capped
  while they stream and again after decompression (done here, chunk by chunk
  with a bounded output, so a gzip bomb stops at the cap rather than filling
  memory), and a slow server cannot hold a request past ``total_timeout_s``;
* politeness: robots.txt is honoured, at most ``per_host_concurrency``
  requests go to one host at a time, starting at least ``per_host_delay_s``
  (or the site's Crawl-delay) apart, and conditional GETs (ETag,
  Last-Modified) let an unchanged feed answer 304 with no body;
* robustness: 408, 429, 500, 502, 503 and 504 answers, lost connections
  and timeouts are retried with exponential backoff and full jitter,
  honouring Retry-After.

Every failure is a ``FetchError`` with a one-line reason; ``fetch_many``
returns errors in place of results and never raises them.
"""

from __future__ import annotations

import asyncio
import random
import time
import zlib
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from http import HTTPStatus
from types import TracebackType
from typing import Literal

import httpx

from newsdesk.config import FetchSettings
from newsdesk.ingest.netguard import (
    BlockedURL,
    FetchError,
    Guard,
    GuardedTransport,
    Resolver,
)
from newsdesk.ingest.robots import MAX_ROBOTS_BYTES, Robots, RobotsFile, RobotsResponse
from newsdesk.retrying import retry_after

__all__ = [
    "BlockedURL",
    "Downloader",
    "FetchError",
    "FetchRequest",
    "Fetched",
    "Kind",
    "fetch_all",
]

Kind = Literal["feed", "page", "any"]
Sleep = Callable[[float], Awaitable[object]]

REDIRECTS = frozenset({301, 302, 303, 307, 308})
RETRY_STATUSES = frozenset({408, 429, 500, 502, 503, 504})
ACCEPT: dict[str, str] = {
    "feed": (
        "application/rss+xml, application/atom+xml, application/feed+json, "
        "application/xml;q=0.9, text/xml;q=0.9, application/json;q=0.8, */*;q=0.5"
    ),
    "page": "text/html, application/xhtml+xml;q=0.9, */*;q=0.5",
    "any": "*/*",
}
FEED_TYPES = frozenset(
    {
        "application/rss+xml",
        "application/atom+xml",
        "application/rdf+xml",
        "application/xml",
        "text/xml",
        "application/feed+json",
        "application/json",
        "application/x-rss+xml",
        "application/x-atom+xml",
    }
)
PAGE_TYPES = frozenset({"text/html", "application/xhtml+xml"})
SNIFFED_TYPES = frozenset({"", "text/plain", "application/octet-stream", "binary/octet-stream"})
"""Types servers send when they do not know better: the body decides."""
SNIFF_BYTES = 4096


@dataclass(frozen=True)
class Fetched:
    """One answer: 2xx with its body, or 304 (``not_modified``) with an empty body.

    ``url`` is what was asked for, ``final_url`` where the redirects ended;
    ``headers`` has lower-case names (repeated headers joined with ", ");
    ``content_type`` is the Content-Type header as sent (charset included),
    "" when absent; ``body`` is decompressed. ``etag`` and ``last_modified``
    are the validators to send next time (on a 304 without new ones, the ones
    sent); ``fetched_at`` is an ISO 8601 UTC time.
    """

    url: str
    final_url: str
    status: int
    headers: dict[str, str]
    body: bytes
    content_type: str
    etag: str | None
    last_modified: str | None
    fetched_at: str

    @property
    def not_modified(self) -> bool:
        return self.status == 304


@dataclass(frozen=True)
class FetchRequest:
    """One URL for ``fetch_many``, with the validators from its last fetch."""

    url: str
    etag: str | None = None
    last_modified: str | None = None
    kind: Kind = "any"


class _Retryable(Exception):
    """An attempt failed in a way another attempt may not (429, 5xx, timeout, lost connection)."""

    def __init__(self, error: FetchError) -> None:
        super().__init__(str(error))
        self.error = error


class _TooLarge(Exception):
    pass


@dataclass
class _Host:
    """Politeness state of one host: who may start a request there, and when."""

    semaphore: asyncio.Semaphore
    delay: float
    last_start: float | None = None


class BodyDecoder:
    """Undo Content-Encoding (gzip, deflate, identity) with a bound on the output.

    Each input chunk is inflated with ``max_length`` set to what is left of
    the budget, so no call can produce more than ``limit`` + 1 bytes: a body
    of a gigabyte of zeros compressed into a megabyte fails after at most
    ``limit`` bytes of work and memory.
    """

    def __init__(self, encoding: str, limit: int) -> None:
        self.encoding = encoding.strip().lower()
        self.limit = limit
        self.size = 0
        self._started = False
        self._inflater: zlib._Decompress | None = None
        if self.encoding in ("gzip", "x-gzip"):
            self._inflater = zlib.decompressobj(zlib.MAX_WBITS | 16)
        elif self.encoding == "deflate":
            self._inflater = zlib.decompressobj()
        elif self.encoding not in ("", "identity"):
            raise ValueError(f"unsupported Content-Encoding {self.encoding!r}")

    def feed(self, data: bytes) -> bytes:
        if self._inflater is None:
            return self._count(data)
        pieces = []
        while data and not self._done():
            try:
                piece = self._inflater.decompress(data, self.limit - self.size + 1)
            except zlib.error as exc:
                if self.encoding == "deflate" and not self._started:
                    # Many servers send raw deflate without the zlib header.
                    self._inflater = zlib.decompressobj(-zlib.MAX_WBITS)
                    self._started = True
                    continue
                raise ValueError(f"bad {self.encoding} data: {exc}") from None
            self._started = True
            pieces.append(self._count(piece))
            data = self._next_member()
        return b"".join(pieces)

    def flush(self) -> bytes:
        return b"" if self._inflater is None else self._count(self._inflater.flush())

    def _done(self) -> bool:
        return self._inflater is not None and self._inflater.eof

    def _next_member(self) -> bytes:
        """Input left after a finished gzip member, which may start another member."""
        assert self._inflater is not None
        if not self._inflater.eof or self.encoding == "deflate":
            return b""
        rest = self._inflater.unused_data
        if rest.strip(b"\0"):
            self._inflater = zlib.decompressobj(zlib.MAX_WBITS | 16)
            return rest
        return b""

    def _count(self, data: bytes) -> bytes:
        self.size += len(data)
        if self.size > self.limit:
            raise _TooLarge
        return data


class Downloader:
    """Fetches URLs for one run; use ``async with Downloader(settings) as d: ...``.

    ``transport`` replaces the guarded network transport (for tests that
    serve from memory: the URL guard still applies, the connect-time check
    does not); ``resolver`` replaces ``socket.getaddrinfo``; ``sleep``
    replaces ``asyncio.sleep`` for every wait (backoff, Retry-After,
    politeness), so tests can record the waits instead of waiting.
    """

    def __init__(
        self,
        settings: FetchSettings,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
        resolver: Resolver | None = None,
        sleep: Sleep = asyncio.sleep,
    ) -> None:
        self.settings = settings
        self.guard = Guard(settings.allow_networks, resolver)
        self._sleep = sleep
        self._random = random.Random()
        limits = httpx.Limits(
            max_connections=settings.concurrency,
            max_keepalive_connections=settings.concurrency,
        )
        self._client = httpx.AsyncClient(
            transport=transport or GuardedTransport(self.guard, limits),
            timeout=httpx.Timeout(
                connect=settings.connect_timeout_s,
                read=settings.read_timeout_s,
                write=settings.read_timeout_s,
                pool=settings.total_timeout_s,
            ),
            headers={"User-Agent": settings.user_agent, "Accept-Encoding": "gzip, deflate"},
            follow_redirects=False,
            trust_env=False,
        )
        self._global = asyncio.Semaphore(settings.concurrency)
        self._hosts: dict[str, _Host] = {}
        self.robots = Robots(settings.user_agent, self._fetch_robots)

    @property
    def notes(self) -> list[str]:
        """Things worth reporting that did not fail a fetch (e.g. an unreadable robots.txt)."""
        return list(self.robots.notes)

    async def __aenter__(self) -> Downloader:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await self._client.aclose()

    async def fetch(
        self,
        url: str,
        *,
        etag: str | None = None,
        last_modified: str | None = None,
        kind: Kind = "any",
    ) -> Fetched:
        """GET ``url``: a 2xx or 304 ``Fetched``, or ``FetchError`` saying why not."""
        headers = {"Accept": ACCEPT[kind]}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        fetched = await self._retrying(
            url, headers, kind, robots=self.settings.respect_robots, limit=self.settings.max_bytes
        )
        if fetched.status == 304:
            return _with_validators(fetched, etag, last_modified)
        if not 200 <= fetched.status < 300:
            where = "" if fetched.final_url == url else f" (at {fetched.final_url})"
            raise FetchError(url, _status_text(fetched.status) + where, status=fetched.status)
        return fetched

    async def fetch_many(self, requests: Sequence[FetchRequest]) -> list[Fetched | FetchError]:
        """Fetch all ``requests`` concurrently, within the limits; errors are returned in place."""
        return list(await asyncio.gather(*(self._fetch_or_error(r) for r in requests)))

    async def _fetch_or_error(self, request: FetchRequest) -> Fetched | FetchError:
        try:
            return await self.fetch(
                request.url,
                etag=request.etag,
                last_modified=request.last_modified,
                kind=request.kind,
            )
        except FetchError as exc:
            return exc
        except Exception as exc:  # a bug must not lose the other fetches
            return FetchError(request.url, f"unexpected {type(exc).__name__}: {exc}")

    async def _retrying(
        self, url: str, headers: dict[str, str], kind: Kind, *, robots: bool, limit: int
    ) -> Fetched:
        """Attempts until one succeeds or fails for good, waiting between them."""
        attempt = 0
        while True:
            try:
                return await self._attempt(url, headers, kind, robots=robots, limit=limit)
            except _Retryable as failure:
                error = failure.error
                if attempt >= self.settings.max_retries:
                    if attempt == 0:
                        raise error from None
                    raise FetchError(
                        url,
                        f"{error.reason} (gave up after {attempt + 1} attempts)",
                        status=error.status,
                        retry_after=error.retry_after,
                    ) from None
                await self._sleep(self._backoff(attempt, error.retry_after))
                attempt += 1

    def _backoff(self, attempt: int, retry_after: float | None) -> float:
        """Retry-After when the server sent one, else full jitter; never over ``max_wait_s``."""
        cap = self.settings.max_wait_s
        if retry_after is not None:
            return min(retry_after, cap)
        return self._random.uniform(0.0, min(cap, self.settings.backoff_s * 2**attempt))

    async def _attempt(
        self, url: str, headers: dict[str, str], kind: Kind, *, robots: bool, limit: int
    ) -> Fetched:
        """One try: follow redirects by hand, guarding and rate-limiting every hop."""
        hop: str | httpx.URL = url
        seen: set[str] = set()
        for _ in range(self.settings.max_redirects + 1):
            target = await self._checked(url, hop)
            seen.add(str(target))
            if robots:
                self._obey(target, await self.robots.check(target, url))
            fetched, location = await self._hop(url, target, headers, kind, limit)
            if location is None:
                return fetched
            try:
                hop = target.join(location)
            except httpx.InvalidURL:
                raise FetchError(url, f"bad redirect Location {location!r}") from None
            if str(hop) in seen:
                raise FetchError(url, f"redirect loop at {hop}", status=fetched.status)
        raise FetchError(url, f"more than {self.settings.max_redirects} redirects")

    async def _checked(self, url: str, hop: str | httpx.URL) -> httpx.URL:
        """The hop's URL once the guard allows it; a refused redirect names the hop."""
        try:
            return await self.guard.check_url(hop)
        except FetchError as exc:
            if str(hop) == url:
                raise
            raise type(exc)(url, f"redirected to {hop}, {exc.reason}") from None

    def _obey(self, target: httpx.URL, robots: RobotsFile) -> None:
        """Slow down to the site's Crawl-delay when it asks for more than our own delay."""
        delay = robots.crawl_delay(self.settings.user_agent)
        if delay:
            host = self._host(target)
            wanted = min(delay, self.settings.max_wait_s)
            host.delay = max(host.delay, wanted)

    def _host(self, url: httpx.URL) -> _Host:
        key = url.raw_host.decode("ascii").lower()
        host = self._hosts.get(key)
        if host is None:
            semaphore = asyncio.Semaphore(self.settings.per_host_concurrency)
            host = self._hosts[key] = _Host(semaphore, self.settings.per_host_delay_s)
        return host

    @asynccontextmanager
    async def _turn(self, url: httpx.URL) -> AsyncIterator[None]:
        """Wait for a free slot at the host and for its delay, then for a global slot."""
        host = self._host(url)
        async with host.semaphore:
            now = time.monotonic()
            start = now if host.last_start is None else max(now, host.last_start + host.delay)
            host.last_start = start
            if start > now:
                await self._sleep(start - now)
            async with self._global:
                yield

    async def _hop(
        self, url: str, target: httpx.URL, headers: dict[str, str], kind: Kind, limit: int
    ) -> tuple[Fetched, str | None]:
        """One request, within the total timeout: the answer, and where it redirects (if)."""
        where = "" if str(target) == url else f" (at {target})"
        total = self.settings.total_timeout_s
        async with self._turn(target):
            try:
                async with asyncio.timeout(total):
                    return await self._exchange(url, target, headers, kind, limit)
            except TimeoutError:
                raise _Retryable(FetchError(url, f"took longer than {total:g} s{where}")) from None
            except httpx.TimeoutException as exc:
                raise _Retryable(FetchError(url, f"{_timeout_text(exc)}{where}")) from None
            except (httpx.NetworkError, httpx.RemoteProtocolError) as exc:
                reason = f"connection failed: {_describe(exc)}{where}"
                raise _Retryable(FetchError(url, reason)) from None
            except _Retryable as failure:
                raise _Retryable(_at(failure.error, where)) from None
            except FetchError as exc:  # BlockedURL included: the guard refused at connect time
                raise _at(exc, where) from None
            except httpx.HTTPError as exc:
                raise FetchError(url, f"request failed: {_describe(exc)}{where}") from None

    async def _exchange(
        self, url: str, target: httpx.URL, headers: dict[str, str], kind: Kind, limit: int
    ) -> tuple[Fetched, str | None]:
        request = self._client.build_request("GET", target, headers=headers)
        response = await self._client.send(request, stream=True)
        try:
            status = response.status_code
            if status in REDIRECTS and "location" in response.headers:
                return _fetched(url, response, b""), response.headers["location"]
            if status in RETRY_STATUSES:
                error = FetchError(
                    url,
                    _status_text(status),
                    status=status,
                    retry_after=retry_after(response.headers.get("retry-after")),
                )
                raise _Retryable(error)
            body = b""
            if 200 <= status < 300:
                content_type = response.headers.get("content-type", "")
                verdict = type_verdict(kind, content_type)
                if verdict == "wrong":
                    raise FetchError(url, f"expected a {kind}, got {content_type!r}", status=status)
                body = await self._read(url, response, limit)
                if verdict == "sniff" and not looks_like(kind, body):
                    reason = f"expected a {kind}, got {content_type or 'no type'!r} that is not one"
                    raise FetchError(url, reason, status=status)
            return _fetched(url, response, body), None
        finally:
            await response.aclose()

    async def _read(self, url: str, response: httpx.Response, limit: int) -> bytes:
        """The body, decompressed; ``FetchError`` as soon as it passes ``limit`` bytes."""
        too_large = f"body larger than {limit} bytes"
        declared = response.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > limit:
            reason = f"{too_large} (Content-Length {declared})"
            raise FetchError(url, reason, status=response.status_code)
        try:
            decoder = BodyDecoder(response.headers.get("content-encoding", ""), limit)
        except ValueError as exc:
            raise FetchError(url, str(exc), status=response.status_code) from None
        parts: list[bytes] = []
        received = 0
        try:
            async for chunk in response.aiter_raw():
                received += len(chunk)
                if received > limit:
                    raise _TooLarge
                parts.append(decoder.feed(chunk))
            parts.append(decoder.flush())
        except _TooLarge:
            raise FetchError(url, too_large, status=response.status_code) from None
        except ValueError as exc:
            raise FetchError(url, str(exc), status=response.status_code) from None
        return b"".join(parts)

    async def _fetch_robots(self, url: str) -> RobotsResponse:
        """robots.txt through the same client and guard: one attempt, no robots check."""
        headers = {"Accept": "text/plain, */*;q=0.5"}
        try:
            fetched = await self._attempt(url, headers, "any", robots=False, limit=MAX_ROBOTS_BYTES)
        except _Retryable as failure:
            if failure.error.status is None:
                raise failure.error from None
            return RobotsResponse(failure.error.status, b"")
        return RobotsResponse(fetched.status, fetched.body)


def fetch_all(
    settings: FetchSettings,
    requests: Sequence[FetchRequest],
    *,
    transport: httpx.AsyncBaseTransport | None = None,
    resolver: Resolver | None = None,
    sleep: Sleep = asyncio.sleep,
) -> list[Fetched | FetchError]:
    """``Downloader.fetch_many`` for synchronous callers: runs its own event loop.

    Must not be called from inside a running event loop (use the Downloader there).
    """

    async def run() -> list[Fetched | FetchError]:
        async with Downloader(
            settings, transport=transport, resolver=resolver, sleep=sleep
        ) as downloader:
            return await downloader.fetch_many(requests)

    return asyncio.run(run())


def type_verdict(kind: Kind, content_type: str) -> Literal["ok", "wrong", "sniff"]:
    """Whether a declared Content-Type fits ``kind``, or the body must decide."""
    media = content_type.split(";")[0].strip().lower()
    if kind == "any":
        return "ok"
    if kind == "feed":
        if media in FEED_TYPES or media.endswith(("+xml", "+json")):
            return "ok"
        return "sniff" if media in SNIFFED_TYPES or media == "text/html" else "wrong"
    if media in PAGE_TYPES:
        return "ok"
    return "sniff" if media in SNIFFED_TYPES else "wrong"


def looks_like(kind: Kind, body: bytes) -> bool:
    """Whether the start of ``body`` is a feed (RSS, Atom, RDF, JSON Feed) or an HTML page."""
    head = body[:SNIFF_BYTES].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if kind == "page":
        return any(tag in head for tag in (b"<!doctype html", b"<html", b"<head", b"<body"))
    if kind == "feed":
        if head.startswith(b"{"):
            return b"jsonfeed.org" in head
        if head.startswith((b"<!doctype html", b"<html")):
            return False
        return any(tag in head for tag in (b"<rss", b"<feed", b"<rdf:rdf"))
    return True


def _fetched(url: str, response: httpx.Response, body: bytes) -> Fetched:
    headers = dict(response.headers.items())
    return Fetched(
        url=url,
        final_url=str(response.request.url),
        status=response.status_code,
        headers=headers,
        body=body,
        content_type=headers.get("content-type", ""),
        etag=headers.get("etag"),
        last_modified=headers.get("last-modified"),
        fetched_at=_now(),
    )


def _with_validators(fetched: Fetched, etag: str | None, last_modified: str | None) -> Fetched:
    """A 304 keeps the validators that were sent unless the server gave new ones."""
    return Fetched(
        url=fetched.url,
        final_url=fetched.final_url,
        status=fetched.status,
        headers=fetched.headers,
        body=b"",
        content_type=fetched.content_type,
        etag=fetched.etag or etag,
        last_modified=fetched.last_modified or last_modified,
        fetched_at=fetched.fetched_at,
    )


def _at(error: FetchError, where: str) -> FetchError:
    """``error`` with the redirect hop it happened at added to its reason."""
    if not where or error.reason.endswith(where):
        return error
    return type(error)(
        error.url, error.reason + where, status=error.status, retry_after=error.retry_after
    )


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _status_text(status: int) -> str:
    try:
        return f"HTTP {status} {HTTPStatus(status).phrase}"
    except ValueError:
        return f"HTTP {status}"


def _timeout_text(exc: httpx.TimeoutException) -> str:
    what = {
        httpx.ConnectTimeout: "connecting",
        httpx.ReadTimeout: "waiting for data",
        httpx.WriteTimeout: "sending the request",
        httpx.PoolTimeout: "waiting for a free connection",
    }.get(type(exc), "the request")
    return f"timed out {what}"


def _describe(exc: Exception) -> str:
    text = " ".join(str(exc).split())
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__
