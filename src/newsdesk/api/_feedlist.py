"""The feed list: adding a feed (found from a page when need be), importing OPML, and
listing the feeds with their poll state."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from newsdesk.api._lazy import (
    feeds,
    web,
)
from newsdesk.api._runs import opened
from newsdesk.config import Config
from newsdesk.records import (
    Feed,
    FeedState,
)

if TYPE_CHECKING:
    from newsdesk.ingest.web import Discovered


@dataclass(frozen=True)
class AddedFeed:
    """The feed a URL led to, and whether it was new to the store."""

    found: Discovered
    added: bool


def add_feed(
    config: Config,
    url: str,
    *,
    name: str | None = None,
    outlet: str | None = None,
    category: str | None = None,
) -> AddedFeed:
    """Fetch ``url`` (a feed, or a page announcing one) and store its feed."""
    found = web.discover(url, config.fetch, name=name, outlet=outlet, category=category)
    with opened(config) as store:
        return AddedFeed(found, store.add_feed(found.feed))


def import_opml(config: Config, path: Path) -> tuple[int, int]:
    """Store the feeds of an OPML subscription list: ``(added, listed)``."""
    listed = feeds.read_opml(path)
    with opened(config) as store, store.transaction():
        added = sum(store.add_feed(feed) for feed in listed)
    return added, len(listed)


@dataclass(frozen=True)
class ListedFeed:
    """A feed newsdesk polls: from the settings file or added, and how its polls went."""

    feed: Feed
    configured: bool
    state: FeedState | None


def list_feeds(config: Config) -> list[ListedFeed]:
    """The feeds of the settings file and those stored, with their poll state."""
    configured = {feed.url for feed in config.feeds}
    with opened(config) as store:
        return [
            ListedFeed(feed, feed.url in configured, store.feed_state(feed.url))
            for feed in web.all_feeds(config, store)
        ]
