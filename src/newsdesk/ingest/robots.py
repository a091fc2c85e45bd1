"""robots.txt: read each site's rules once per run and keep out of what they disallow.

A site says in ``/robots.txt`` which paths crawlers may fetch and how long
to wait between requests (Crawl-delay). ``Robots`` fetches that file once per
origin (scheme, host and port, as RFC 9309 scopes it) through the caller's
own guarded fetch function, parses it with Protego and answers for every
later URL of the origin. A missing file (4xx) allows everything. A file that
cannot be read (5xx, timeout, refused connection) also allows everything but
leaves a note, so that a run report can say the rules were not known.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

import httpx
from protego import Protego

from newsdesk.ingest.netguard import FetchError

log = logging.getLogger("newsdesk.ingest.robots")

MAX_ROBOTS_BYTES = 512_000
"""RFC 9309 asks crawlers to read at least 500 KiB of a robots.txt; more is not needed."""


@dataclass(frozen=True)
class RobotsResponse:
    """What fetching a robots.txt gave: the final status and the body."""

    status: int
    body: bytes


RobotsFetcher = Callable[[str], Awaitable[RobotsResponse]]
"""Fetches a robots.txt URL (guarded, redirects followed); raises ``FetchError`` on failure."""


@dataclass(frozen=True)
class RobotsFile:
    """One origin's rules. ``rules`` is None when everything is allowed; ``note`` says why
    the rules are unknown when the file could not be read."""

    origin: str
    rules: Protego | None = None
    note: str | None = None

    def allows(self, url: str, user_agent: str) -> bool:
        return self.rules is None or self.rules.can_fetch(url, user_agent)

    def crawl_delay(self, user_agent: str) -> float | None:
        return None if self.rules is None else self.rules.crawl_delay(user_agent)


def origin_of(url: httpx.URL) -> str:
    """``scheme://host:port``, the scope of one robots.txt."""
    port = url.port or (443 if url.scheme == "https" else 80)
    host = url.raw_host.decode("ascii")
    if ":" in host:
        host = f"[{host}]"
    return f"{url.scheme}://{host}:{port}"


def read_robots(origin: str, response: RobotsResponse) -> RobotsFile:
    """Rules from a fetched robots.txt, by its status (RFC 9309 section 2.3.1)."""
    if 200 <= response.status < 300:
        text = response.body.decode("utf-8", errors="replace")
        return RobotsFile(origin, Protego.parse(text))
    if 400 <= response.status < 500:
        return RobotsFile(origin)
    return RobotsFile(origin, note=f"robots.txt of {origin}: HTTP {response.status}; allowed all")


class Robots:
    """Per-run cache of robots.txt rules; concurrent requests to one origin share one fetch."""

    def __init__(self, user_agent: str, fetch: RobotsFetcher) -> None:
        self.user_agent = user_agent
        self.fetch = fetch
        self.notes: list[str] = []
        self._files: dict[str, RobotsFile] = {}
        self._locks: dict[str, asyncio.Lock] = {}

    async def rules_for(self, url: httpx.URL) -> RobotsFile:
        """The rules of ``url``'s origin, fetching its robots.txt the first time."""
        origin = origin_of(url)
        known = self._files.get(origin)
        if known is not None:
            return known
        async with self._locks.setdefault(origin, asyncio.Lock()):
            known = self._files.get(origin)
            if known is None:
                known = self._files[origin] = await self._load(origin)
        return known

    async def check(self, url: httpx.URL, requested: str | None = None) -> RobotsFile:
        """The origin's rules, or ``FetchError`` when they disallow ``url``."""
        robots = await self.rules_for(url)
        if not robots.allows(str(url), self.user_agent):
            where = "" if requested in (None, str(url)) else f" (redirected to {url})"
            raise FetchError(requested or str(url), f"disallowed by robots.txt{where}")
        return robots

    async def _load(self, origin: str) -> RobotsFile:
        try:
            robots = read_robots(origin, await self.fetch(f"{origin}/robots.txt"))
        except FetchError as exc:
            robots = RobotsFile(origin, note=f"robots.txt of {origin}: {exc.reason}; allowed all")
        if robots.note:
            self.notes.append(robots.note)
            log.warning("%s", robots.note)
        return robots
