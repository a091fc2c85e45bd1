"""Feeds: RSS, Atom and JSON Feed documents, OPML subscription lists, feed autodiscovery.

newsdesk fetches every feed itself (``ingest/downloads.py``: private networks
refused, conditional GET, retries), so feedparser only ever parses bytes,
never a URL. The response headers go with the bytes: feedparser takes the
charset from Content-Type as the XML media-type rules say (a feed served as
``application/rss+xml; charset=windows-1251`` decodes right even without an
XML declaration) and resolves relative links against Content-Location.

feedparser 6.0 reads RSS 0.9x, 1.0 (RDF) and 2.0 and Atom 0.3 and 1.0, but
not JSON Feed, which is plain JSON and is read here. Every format ends as the
same ``FeedEntry`` records: a candidate article whose page is still to be
fetched.
"""

from __future__ import annotations

import calendar
import json
import re
import unicodedata
import xml.etree.ElementTree as ElementTree
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from html import unescape
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

import feedparser
import lxml.html
from lxml.etree import ParserError

from newsdesk.errors import InputError, NewsdeskError
from newsdesk.records import Feed, FeedEntry, FeedState

__all__ = [
    "FEED_TYPES",
    "FeedEntry",
    "FeedError",
    "FeedState",
    "ParsedFeed",
    "discover_feeds",
    "html_text",
    "looks_like_feed",
    "make_feed",
    "parse_feed",
    "read_opml",
    "slug",
]

FEED_TYPES = (
    "application/rss+xml",
    "application/atom+xml",
    "application/feed+json",
    "application/json",
    "application/rdf+xml",
)
"""Media types a ``<link rel="alternate">`` may name for a feed (JSON Feed was first
announced as ``application/json``)."""
JSON_FEED = "https://jsonfeed.org/version/"
_BLOCKS = (
    "p", "div", "li", "ul", "ol", "blockquote", "pre", "table", "tr",
    "h1", "h2", "h3", "h4", "h5", "h6", "section", "article", "figure", "figcaption",
)  # fmt: skip
_SPACE = re.compile(r"\s+")
_XML_START = re.compile(rb"^\s*(<\?xml|<rss|<feed|<rdf:RDF|<!--)", re.IGNORECASE)


class FeedError(NewsdeskError):
    """A document that is not a feed newsdesk can read."""


@dataclass(frozen=True)
class ParsedFeed:
    """A parsed feed: its own title and home page, its format and its entries."""

    url: str
    title: str
    link: str | None
    format: str
    entries: tuple[FeedEntry, ...]


def html_text(fragment: str) -> str:
    """Plain text of an HTML fragment, one paragraph per block element (blank-line separated)."""
    if "<" not in fragment:
        return _SPACE.sub(" ", unescape(fragment)).strip()
    try:
        root = lxml.html.fragment_fromstring(fragment, create_parent="div")
    except (ParserError, ValueError):
        return _SPACE.sub(" ", unescape(re.sub(r"<[^>]*>", " ", fragment))).strip()
    for element in root.iter():
        element.text, element.tail = _flat(element.text), _flat(element.tail)
    for element in root.iter(*_BLOCKS):
        element.text, element.tail = "\n\n" + element.text, "\n\n" + element.tail
    for element in root.iter("br"):
        element.tail = "\n" + element.tail
    paragraphs = (_lines(p) for p in root.text_content().split("\n\n"))
    return "\n\n".join(p for p in paragraphs if p)


def _flat(text: str | None) -> str:
    """Line breaks in the source are spacing, not structure: only elements make paragraphs."""
    return (text or "").replace("\n", " ")


def _lines(paragraph: str) -> str:
    """A paragraph with its spacing collapsed, keeping the line breaks ``<br>`` made."""
    lines = (_SPACE.sub(" ", line).strip() for line in paragraph.split("\n"))
    return "\n".join(line for line in lines if line)


def _date(value: Any) -> str | None:
    """An ISO date from feedparser's UTC ``struct_time`` or an RFC 3339 string."""
    if value is None:
        return None
    if isinstance(value, str):
        try:
            stamp = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
        except ValueError:
            return None
        return (stamp.astimezone(UTC) if stamp.tzinfo else stamp).date().isoformat()
    return datetime.fromtimestamp(calendar.timegm(value), UTC).date().isoformat()


def _authors(entry: Mapping[str, Any]) -> tuple[str, ...]:
    names = [str(a.get("name") or "").strip() for a in entry.get("authors") or []]
    if not any(names) and entry.get("author"):
        names = [str(entry["author"]).strip()]
    return tuple(dict.fromkeys(n for n in names if n))


def _entry_link(entry: Mapping[str, Any]) -> str | None:
    """The entry's page: its alternate link, else an id that is itself an http(s) URL."""
    for link in entry.get("links") or []:
        if link.get("rel", "alternate") == "alternate" and link.get("href"):
            return str(link["href"])
    if entry.get("link"):
        return str(entry["link"])
    key = str(entry.get("id") or "")
    return key if urlsplit(key).scheme in ("http", "https") else None


def _plain(entry: Mapping[str, Any], key: str) -> Any:
    """``entry[key]`` without feedparser's deprecated fallback from ``updated`` to ``published``."""
    if isinstance(entry, dict):
        return dict.get(entry, key)
    return entry.get(key)


def _rss_atom_entry(entry: Mapping[str, Any]) -> FeedEntry | None:
    link = _entry_link(entry)
    if link is None:
        return None
    content = next((c.get("value", "") for c in entry.get("content") or []), "")
    return FeedEntry(
        url=link,
        key=str(entry.get("id") or link),
        title=html_text(entry.get("title") or ""),
        published=_date(_plain(entry, "published_parsed") or _plain(entry, "updated_parsed")),
        updated=_plain(entry, "updated") or None,
        summary=html_text(entry.get("summary") or ""),
        content=html_text(content),
        authors=_authors(entry),
    )


def _parse_xml(body: bytes, url: str, headers: Mapping[str, str]) -> ParsedFeed:
    response_headers = {k.lower(): v for k, v in headers.items()}
    response_headers.setdefault("content-location", url)
    parsed = feedparser.parse(body, response_headers=response_headers)
    if not parsed.get("version") and not parsed.entries:
        problem = parsed.get("bozo_exception")
        raise FeedError(
            f"{url}: not an RSS, Atom or JSON feed" + (f" ({problem})" if problem else "")
        )
    entries = [_rss_atom_entry(e) for e in parsed.entries]
    feed = parsed.feed
    return ParsedFeed(
        url=url,
        title=html_text(feed.get("title") or ""),
        link=feed.get("link"),
        format=parsed.get("version") or "unknown",
        entries=tuple(e for e in entries if e is not None),
    )


def _json_entry(item: Mapping[str, Any], base: str) -> FeedEntry | None:
    raw = item.get("url") or item.get("external_url")
    if not raw and urlsplit(str(item.get("id") or "")).scheme in ("http", "https"):
        raw = item["id"]
    if not isinstance(raw, str) or not raw.strip():
        return None
    link = urljoin(base, raw.strip())
    authors = item.get("authors") or ([item["author"]] if item.get("author") else [])
    names = tuple(
        str(a.get("name")).strip() for a in authors if isinstance(a, dict) and a.get("name")
    )
    content = item.get("content_text") or html_text(str(item.get("content_html") or ""))
    return FeedEntry(
        url=link,
        key=str(item.get("id") or link),
        title=html_text(str(item.get("title") or "")),
        published=_date(item.get("date_published") or item.get("date_modified")),
        updated=str(item.get("date_modified") or "") or None,
        summary=html_text(str(item.get("summary") or "")),
        content=str(content).strip(),
        authors=names,
    )


def _parse_json(body: bytes, url: str) -> ParsedFeed:
    try:
        data = json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise FeedError(f"{url}: not a JSON feed: {exc}") from None
    version = data.get("version", "") if isinstance(data, dict) else ""
    if not isinstance(version, str) or not version.startswith(JSON_FEED):
        raise FeedError(f"{url}: JSON without a JSON Feed version ({JSON_FEED}...)")
    items = data.get("items")
    if not isinstance(items, list):
        raise FeedError(f"{url}: JSON feed without an 'items' list")
    base = str(data.get("feed_url") or url)
    entries = [_json_entry(i, base) for i in items if isinstance(i, dict)]
    return ParsedFeed(
        url=url,
        title=str(data.get("title") or "").strip(),
        link=data.get("home_page_url"),
        format="json" + version.removeprefix(JSON_FEED),
        entries=tuple(e for e in entries if e is not None),
    )


def _is_json(body: bytes, content_type: str) -> bool:
    return "json" in content_type or body.lstrip()[:1] == b"{"


def parse_feed(body: bytes, url: str, headers: Mapping[str, str] | None = None) -> ParsedFeed:
    """Parse a feed document fetched from ``url`` with the response ``headers``.

    Raises ``FeedError`` when the bytes are not a feed. Entries without a
    link to a page are dropped: there is no article to fetch.
    """
    headers = headers or {}
    content_type = next((v for k, v in headers.items() if k.lower() == "content-type"), "")
    if _is_json(body, content_type.lower()):
        return _parse_json(body, url)
    return _parse_xml(body, url, headers)


def looks_like_feed(body: bytes, content_type: str | None) -> bool:
    """Whether a response is a feed rather than a page, by media type, else by its start."""
    kind = (content_type or "").split(";")[0].strip().lower()
    if kind in FEED_TYPES or kind in ("application/xml", "text/xml"):
        return kind != "application/json" or JSON_FEED.encode() in body[:2048]
    if kind in ("text/html", "application/xhtml+xml"):
        return False
    if body.lstrip()[:1] == b"{":
        return JSON_FEED.encode() in body[:2048]
    return _XML_START.match(body) is not None and b"<html" not in body[:2048].lower()


class _LinkFinder(HTMLParser):
    """Collects ``<link rel="alternate">`` feed links and the ``<base href>`` of a page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.base: str | None = None
        self.links: list[tuple[str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k.lower(): (v or "") for k, v in attrs}
        if tag == "base" and values.get("href") and self.base is None:
            self.base = values["href"].strip()
        elif tag == "link":
            rel = values.get("rel", "").lower().split()
            kind = values.get("type", "").split(";")[0].strip().lower()
            href = values.get("href", "").strip()
            if "alternate" in rel and kind in FEED_TYPES and href:
                self.links.append((href, kind))


def discover_feeds(html: bytes | str, url: str) -> list[str]:
    """Feed URLs a page announces with ``<link rel="alternate" type=...>``, resolved
    against the page's ``<base href>`` or its URL, in page order."""
    text = html if isinstance(html, str) else html.decode("utf-8", errors="replace")
    finder = _LinkFinder()
    finder.feed(text)
    finder.close()
    base = urljoin(url, finder.base) if finder.base else url
    found = [urljoin(base, href) for href, _ in finder.links]
    return [u for u in dict.fromkeys(found) if urlsplit(u).scheme in ("http", "https")]


def slug(text: str) -> str:
    """A short ASCII name: ``Associated Press`` -> ``associated-press``."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


def make_feed(
    url: str,
    title: str = "",
    *,
    name: str | None = None,
    outlet: str | None = None,
    category: str | None = None,
    language: str | None = None,
) -> Feed:
    """A ``Feed`` named after its outlet: the given one, else the feed's title, else its host."""
    host = urlsplit(url).hostname or url
    outlet = (outlet or title or host.removeprefix("www.")).strip()
    return Feed(
        name=name or slug(outlet) or slug(host),
        url=url,
        outlet=outlet,
        category=category,
        language=language,
    )


def read_opml(path: str | Path) -> list[Feed]:
    """The feeds of an OPML subscription list: each ``<outline xmlUrl=...>``, its outlet
    from ``title`` (or ``text``), its category from the enclosing outline, if any.

    Raises ``InputError`` naming the file and what was wrong.
    """
    path = Path(path)
    try:
        root = ElementTree.parse(path).getroot()
    except FileNotFoundError:
        raise InputError(f"{path}: file not found") from None
    except IsADirectoryError:
        raise InputError(f"{path}: is a directory, expected an OPML file") from None
    except ElementTree.ParseError as exc:
        raise InputError(f"{path}: not OPML: not well-formed XML ({exc})") from None
    except OSError as exc:
        raise InputError(f"{path}: cannot read: {exc.strerror}") from None
    if root.tag.lower() != "opml" or root.find("body") is None:
        raise InputError(f"{path}: not OPML: the root element is <{root.tag}>, not <opml>")
    feeds = _outlines(root.find("body"), category=None)
    if not feeds:
        raise InputError(f"{path}: no feeds: no <outline> has an xmlUrl")
    return _unique_names(feeds)


def _outlines(parent: ElementTree.Element | None, category: str | None) -> list[Feed]:
    feeds: list[Feed] = []
    for outline in parent if parent is not None else ():
        if outline.tag != "outline":
            continue
        label = (outline.get("title") or outline.get("text") or "").strip()
        url = (outline.get("xmlUrl") or outline.get("xmlurl") or "").strip()
        if url and urlsplit(url).scheme in ("http", "https"):
            language = outline.get("language") or None
            feeds.append(make_feed(url, label, category=category, language=language))
        feeds.extend(_outlines(outline, label or category))
    return feeds


def _unique_names(feeds: Sequence[Feed]) -> list[Feed]:
    """The same outlet twice (two feeds of one site) gets ``name``, ``name-2``, ..."""
    seen: dict[str, int] = {}
    unique = []
    for feed in {f.url: f for f in feeds}.values():
        count = seen[feed.name] = seen.get(feed.name, 0) + 1
        name = feed.name if count == 1 else f"{feed.name}-{count}"
        unique.append(Feed(name, feed.url, feed.outlet, feed.category, feed.language))
    return unique
