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
fetched. An entry's date is read from the string the feed wrote, not from
feedparser's ``published_parsed`` (moved to UTC): it keeps the day in the feed's
own time zone and the time with the offset the feed gave (``published_at``).

No feed can crash or stall a poll. Before feedparser sees a document, it is
scanned for more elements or attributes than ``markup.py`` allows (the feed is
then read up to the last entry before that place) and character references to
no character are replaced; feedparser neither sanitises nor rewrites the
entries' HTML, since ``html_text`` reads only its text. A field of the wrong
JSON type counts as absent, text is cleaned (``language.sanitise``) before it
is stored, and an entry that cannot be read for any other reason is left out
with a one-line problem (``ParsedFeed.problems``) while the others are read. A
document that cannot be read at all is a ``FeedError``, whatever failed.
OPML lists are read as a stream, at most ``OPML_MAX_DEPTH`` levels deep and
``OPML_MAX_OUTLINES`` outlines long.
"""

from __future__ import annotations

import calendar
import json
import logging
import re
import time
import unicodedata
import xml.etree.ElementTree as ElementTree
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from html import unescape
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

import feedparser
import lxml.html
from lxml.etree import ParserError, strip_elements

from newsdesk.errors import InputError, NewsdeskError, one_line, shown
from newsdesk.ingest.markup import MAX_ATTRIBUTES, MAX_FEED_ELEMENTS, scan, scan_bytes
from newsdesk.language.dating import Published, read_published
from newsdesk.language.sanitise import clean_line, clean_text, day_problem
from newsdesk.records import Feed, FeedEntry, FeedState

log = logging.getLogger(__name__)

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
_TAG = re.compile(r"<[^<>]*>?")
"""A tag, to drop from text that is not parsed as HTML (linear: no tag spans another's ``<``)."""
_UNSAFE_TEXT = ("script", "style", "template")
"""Elements of an entry's HTML whose content is not text a reader sees."""
FRAGMENT_MAX_ELEMENTS = 10_000
"""Elements of one entry's HTML (title, summary, content) parsed for its paragraphs; an
entry with more keeps its text without them."""
OPML_MAX_DEPTH = 50
"""Levels of nesting an OPML file may have (``<opml>`` and ``<body>`` count)."""
OPML_MAX_OUTLINES = 10_000
"""Outlines an OPML file may have: a subscription list, not an archive."""
_BAD_CHARREF = re.compile(
    rb"&#(?:0*(?P<decimal>[0-9]|[12][0-9]|3[01]|5[5-7][0-9]{3}|[0-9]{7,})(?![0-9])"
    rb"|[xX]0*(?P<hex>[0-9a-fA-F]|1[0-9a-fA-F]|[dD][89a-fA-F][0-9a-fA-F]{2}|[0-9a-fA-F]{6,})"
    rb"(?![0-9a-fA-F]));?"
)
"""Numeric character references that may name no character XML allows: controls,
surrogates, numbers past U+10FFFF (feedparser raises on some). A superset: each is checked."""
_XML_ENCODING = re.compile(rb"^[^>]{0,200}?encoding\s*=\s*[\"']([\w.:-]{1,40})[\"']")
_CHARSET = re.compile(r"charset\s*=\s*[\"']?([\w.:-]+)", re.IGNORECASE)


class FeedError(NewsdeskError):
    """A document that is not a feed newsdesk can read."""


@dataclass(frozen=True)
class ParsedFeed:
    """A parsed feed: its own title and home page, its format and its entries.

    ``problems`` says, one line each, what of the feed was left out: an entry
    that could not be read, the entries past a limit.
    """

    url: str
    title: str
    link: str | None
    format: str
    entries: tuple[FeedEntry, ...]
    problems: tuple[str, ...] = field(default=())


def _why(exc: BaseException) -> str:
    """An exception as a problem names it: its class and its message, on one line."""
    text = str(exc)
    return one_line(f"{type(exc).__name__}: {text}" if text else type(exc).__name__)


_DEEP = lxml.html.HTMLParser(huge_tree=True)
"""libxml2 with its depth limit raised (255 elements to some 2,000): past the limit it
drops all of a fragment's text. The element pre-scan bounds the work."""
MAX_DEPTH = 1000
"""Open elements a fragment may nest before it is read as text without its tags (well
inside what ``_DEEP`` keeps)."""
_TOKEN = re.compile(r"<(/?)([A-Za-z][\w:-]*)[^<>]*?(/?)>")
_VOID = frozenset("area base br col embed hr img input link meta source track wbr".split())


def _depth(fragment: str) -> int:
    """How deep a fragment's tags nest, counted as written (an unclosed tag stays open)."""
    depth = deepest = 0
    for closing, name, empty in _TOKEN.findall(fragment):
        if closing:
            depth = max(depth - 1, 0)
        elif not empty and name.lower() not in _VOID:
            depth += 1
            deepest = max(deepest, depth)
    return deepest


def html_text(fragment: str, *, max_elements: int = FRAGMENT_MAX_ELEMENTS) -> str:
    """Plain text of an HTML fragment, one paragraph per block element (blank-line separated).

    Never raises: text lxml cannot take is cleaned first (``language.sanitise``),
    and a fragment with more than ``max_elements`` elements, an element with more
    than ``MAX_ATTRIBUTES`` attributes, or tags nested over ``MAX_DEPTH`` deep,
    keeps its text without its tags.
    """
    fragment = clean_text(fragment)
    if "<" not in fragment:
        return _plain(fragment)
    if scan(fragment, html=True, max_elements=max_elements) is not None:
        return _plain(_TAG.sub(" ", fragment))
    if _depth(fragment) > MAX_DEPTH:
        return _plain(_TAG.sub(" ", fragment))
    try:
        root = lxml.html.fragment_fromstring(fragment, create_parent="div", parser=_DEEP)
    except (ParserError, ValueError):
        return _plain(_TAG.sub(" ", fragment))
    strip_elements(root, *_UNSAFE_TEXT, with_tail=False)
    for element in root.iter():
        element.text, element.tail = _flat(element.text), _flat(element.tail)
    for element in root.iter(*_BLOCKS):
        element.text, element.tail = "\n\n" + element.text, "\n\n" + element.tail
    for element in root.iter("br"):
        element.tail = "\n" + element.tail
    paragraphs = (_lines(p) for p in root.text_content().split("\n\n"))
    return "\n\n".join(p for p in paragraphs if p)


def _plain(text: str) -> str:
    """Text with its character references resolved, cleaned, on one line."""
    return _SPACE.sub(" ", clean_text(unescape(text))).strip()


def _flat(text: str | None) -> str:
    """Line breaks in the source are spacing, not structure: only elements make paragraphs.
    Cleaned, since a character reference may have brought in what lxml refuses."""
    return clean_text(text or "").replace("\n", " ")


def _lines(paragraph: str) -> str:
    """A paragraph with its spacing collapsed, keeping the line breaks ``<br>`` made."""
    lines = (_SPACE.sub(" ", line).strip() for line in paragraph.split("\n"))
    return "\n".join(line for line in lines if line)


def _when(value: Any, parsed: Any = None) -> Published | None:
    """An entry's date as the feed wrote it (``value``: RFC 822 in RSS, RFC 3339 in Atom
    and JSON Feed), its day in the feed's own time zone and its time with the offset given
    (``language.dating.read_published``); ``None`` for anything else.

    ``parsed`` is feedparser's reading of ``value``, a ``struct_time`` it has moved to
    UTC: used only for a value the standard library cannot read (feedparser knows more
    formats), and then only its UTC day, since the offset it was given is lost there.
    """
    found = read_published(value)
    if found is not None or not isinstance(parsed, time.struct_time):
        return found
    try:
        return Published(datetime.fromtimestamp(calendar.timegm(parsed), UTC).date().isoformat())
    except (ValueError, OverflowError, OSError):
        return None


def _line(value: Any) -> str:
    """A string field as one clean line; any other JSON type counts as absent."""
    return " ".join(clean_line(value).split()) if isinstance(value, str) else ""


def _web_url(value: Any) -> str | None:
    """``value`` when it is an http(s) URL (the page to fetch), else ``None``."""
    if not isinstance(value, str):
        return None
    url = clean_line(value)
    try:
        scheme = urlsplit(url).scheme
    except ValueError:
        return None
    return url if scheme in ("http", "https") else None


def _entry(
    url: str,
    key: str,
    title: str,
    published: Published | None,
    updated: Any,
    summary: str,
    content: str,
    authors: Sequence[str],
) -> FeedEntry:
    """A ``FeedEntry`` of cleaned text: what is stored is valid Unicode, whatever came in."""
    names = (_line(name) for name in authors)
    return FeedEntry(
        url=url,
        key=clean_line(key) or url,
        title=" ".join(title.split()),
        published=published.day if published else None,
        updated=_line(updated) or None,
        summary=summary,
        content=clean_text(content).strip(),
        authors=tuple(dict.fromkeys(name for name in names if name)),
        published_at=published.at if published else None,
    )


def _authors(entry: Mapping[str, Any]) -> tuple[str, ...]:
    names = [_line(a.get("name")) for a in entry.get("authors") or [] if isinstance(a, dict)]
    if not any(names) and entry.get("author"):
        names = [_line(entry["author"])]
    return tuple(n for n in names if n)


def _entry_link(entry: Mapping[str, Any]) -> str | None:
    """The entry's page: its alternate link, else an id that is itself an http(s) URL."""
    for link in entry.get("links") or []:
        if link.get("rel", "alternate") == "alternate" and _web_url(link.get("href")):
            return _web_url(link["href"])
    return _web_url(entry.get("link")) or _web_url(entry.get("id"))


def _plain_field(entry: Mapping[str, Any], key: str) -> Any:
    """``entry[key]`` without feedparser's deprecated fallback from ``updated`` to ``published``."""
    if isinstance(entry, dict):
        return dict.get(entry, key)
    return entry.get(key)


def _rss_atom_entry(entry: Mapping[str, Any]) -> FeedEntry | None:
    link = _entry_link(entry)
    if link is None:
        return None
    content = next((c.get("value", "") for c in entry.get("content") or []), "")
    published = _when(
        _plain_field(entry, "published"), _plain_field(entry, "published_parsed")
    ) or _when(_plain_field(entry, "updated"), _plain_field(entry, "updated_parsed"))
    return _entry(
        url=link,
        key=str(entry.get("id") or link),
        title=html_text(entry.get("title") or ""),
        published=published,
        updated=_plain_field(entry, "updated"),
        summary=html_text(entry.get("summary") or ""),
        content=html_text(content or ""),
        authors=_authors(entry),
    )


def _which(entry: Mapping[str, Any]) -> str:
    """An entry as a problem names it: its id or link, if it has one that is a string."""
    for key in ("id", "link", "url"):
        value = entry.get(key) if isinstance(entry, Mapping) else None
        if isinstance(value, str | int) and not isinstance(value, bool) and str(value).strip():
            return f" ({shown(str(value).strip(), 60)})"
    return ""


def _read_entries(items: Sequence[Any], read: Any, problems: list[str]) -> tuple[FeedEntry, ...]:
    """Each item read by ``read``; one that cannot be read is a problem, and the rest are read.

    The catch is the last resort around one untrusted item: its fields are read
    narrowly (wrong types count as absent), so what lands here is a surprise.
    """
    entries = []
    for number, item in enumerate(items, start=1):
        try:
            entry = read(item)
        except Exception as exc:  # one bad entry must not cost the others
            log.debug("entry %d", number, exc_info=True)
            problems.append(f"entry {number}{_which(item)} left out: {_why(exc)}")
            continue
        if entry is None:
            continue
        wrong = day_problem(entry.published, datetime.now(UTC).date()) if entry.published else None
        if wrong is not None:
            problems.append(
                f"entry {number}{_which(item)}: date {entry.published} {wrong}: read as undated"
            )
            entry = replace(entry, published=None, published_at=None)
        entries.append(entry)
    return tuple(entries)


def _charsets(body: bytes, headers: Mapping[str, str]) -> tuple[str | None, ...]:
    """The encodings a feed names: in its Content-Type and in its XML declaration."""
    named = _CHARSET.search(headers.get("content-type", ""))
    declared = _XML_ENCODING.match(body)
    return (
        named.group(1) if named else None,
        declared.group(1).decode("ascii") if declared else None,
    )


def _within_limits(
    body: bytes,
    url: str,
    headers: Mapping[str, str],
    max_elements: int,
    max_attributes: int,
) -> tuple[bytes, str | None]:
    """``body`` cut before the first entry that is over a limit, and the problem to report
    (``None`` when nothing was cut). Raises ``FeedError`` when no entry comes before it."""
    over, in_body = scan_bytes(
        body,
        html=False,
        charsets=_charsets(body, headers),
        max_elements=max_elements,
        max_attributes=max_attributes,
    )
    if over is None:
        return body, None
    if not in_body or over.cut is None:
        raise FeedError(f"{url}: feed has {over.reason}")
    return body[: over.cut], f"feed has {over.reason}: read only the entries before it"


def _valid_charref(match: re.Match[bytes]) -> bytes:
    """A numeric character reference as it may stay, or what stands for it: nothing for a
    control character, U+FFFD for a surrogate or a number past Unicode."""
    decimal, hexadecimal = match.group("decimal"), match.group("hex")
    digits = decimal if decimal is not None else hexadecimal
    code = int(digits, 10 if decimal is not None else 16) if len(digits) < 12 else 0x110000
    if code in (0x9, 0xA, 0xD):
        return match.group(0)
    if code < 0x20:
        return b""
    if 0xD800 <= code <= 0xDFFF or code > 0x10FFFF:
        return b"&#xFFFD;"
    return match.group(0)


def _parse_xml(
    body: bytes, url: str, headers: Mapping[str, str], max_elements: int, max_attributes: int
) -> ParsedFeed:
    response_headers = {k.lower(): v for k, v in headers.items()}
    response_headers.setdefault("content-location", url)
    body, cut = _within_limits(body, url, response_headers, max_elements, max_attributes)
    body = _BAD_CHARREF.sub(_valid_charref, body)
    parsed = feedparser.parse(
        body,
        response_headers=response_headers,
        sanitize_html=False,
        resolve_relative_uris=False,
    )
    if not parsed.get("version") and not parsed.entries:
        if cut is not None:
            raise FeedError(f"{url}: {cut.removesuffix(': read only the entries before it')}")
        problem = parsed.get("bozo_exception")
        raise FeedError(
            f"{url}: not an RSS, Atom or JSON feed" + (f" ({_why(problem)})" if problem else "")
        )
    problems = [cut] if cut is not None else []
    entries = _read_entries(parsed.entries, _rss_atom_entry, problems)
    feed = parsed.feed
    return ParsedFeed(
        url=url,
        title=" ".join(html_text(feed.get("title") or "").split()),
        link=_web_url(feed.get("link")),
        format=parsed.get("version") or "unknown",
        entries=entries,
        problems=tuple(problems),
    )


def _json_entry(item: Mapping[str, Any], base: str) -> FeedEntry | None:
    if not isinstance(item, Mapping):
        return None
    links = (item.get("url"), item.get("external_url"))
    raw = next((v for v in links if isinstance(v, str) and v.strip()), "")
    key = item.get("id")
    key = str(key) if isinstance(key, str | int) and not isinstance(key, bool) else ""
    if not raw.strip() and _web_url(key):
        raw = key
    if not raw.strip():
        return None
    try:
        link = _web_url(urljoin(base, clean_line(raw)))
    except ValueError:
        return None
    if link is None:
        return None
    authors = item.get("authors")
    if not isinstance(authors, list):
        author = item.get("author")
        authors = [author] if isinstance(author, dict) else []
    names = [a.get("name") for a in authors if isinstance(a, dict)]
    text = item.get("content_text")
    if not isinstance(text, str) or not text.strip():
        text = html_text(_string(item.get("content_html")))
    return _entry(
        url=link,
        key=key or link,
        title=html_text(_string(item.get("title"))),
        published=_when(item.get("date_published")) or _when(item.get("date_modified")),
        updated=_string(item.get("date_modified")) or None,
        summary=html_text(_string(item.get("summary"))),
        content=text,
        authors=[name for name in names if isinstance(name, str)],
    )


def _string(value: Any) -> str:
    """A JSON value that should be a string; any other type counts as absent."""
    return value if isinstance(value, str) else ""


def _parse_json(body: bytes, url: str, max_items: int) -> ParsedFeed:
    try:
        data = json.loads(body)
    except RecursionError:
        raise FeedError(f"{url}: not a JSON feed: nested too deeply to read") from None
    except ValueError as exc:  # JSONDecodeError, UnicodeDecodeError, an integer too long
        raise FeedError(f"{url}: not a JSON feed: {_why(exc)}") from None
    version = data.get("version", "") if isinstance(data, dict) else ""
    if not isinstance(version, str) or not version.startswith(JSON_FEED):
        raise FeedError(f"{url}: JSON without a JSON Feed version ({JSON_FEED}...)")
    items = data.get("items")
    if not isinstance(items, list):
        raise FeedError(f"{url}: JSON feed without an 'items' list")
    problems = []
    if len(items) > max_items:
        problems.append(f"feed has more than {max_items} items: read only the first {max_items}")
        items = items[:max_items]
    base = _web_url(data.get("feed_url")) or url
    entries = _read_entries(items, lambda item: _json_entry(item, base), problems)
    return ParsedFeed(
        url=url,
        title=_line(data.get("title")),
        link=_web_url(data.get("home_page_url")),
        format="json" + clean_line(version.removeprefix(JSON_FEED)),
        entries=entries,
        problems=tuple(problems),
    )


def _is_json(body: bytes, content_type: str) -> bool:
    return "json" in content_type or body.lstrip()[:1] == b"{"


def parse_feed(
    body: bytes,
    url: str,
    headers: Mapping[str, str] | None = None,
    *,
    max_elements: int = MAX_FEED_ELEMENTS,
    max_attributes: int = MAX_ATTRIBUTES,
) -> ParsedFeed:
    """Parse a feed document fetched from ``url`` with the response ``headers``.

    Raises ``FeedError`` when the bytes are not a feed, or cannot be read at
    all: no document makes it raise anything else. Entries without a link to
    a page are dropped: there is no article to fetch. A feed with more than
    ``max_elements`` elements (a JSON feed: items), or an element with more than
    ``max_attributes`` attributes, is read up to the entry where that happens;
    ``ParsedFeed.problems`` says so.
    """
    headers = headers or {}
    content_type = next((v for k, v in headers.items() if k.lower() == "content-type"), "")
    try:
        if _is_json(body, content_type.lower()):
            return _parse_json(body, url, max_elements)
        return _parse_xml(body, url, headers, max_elements, max_attributes)
    except FeedError:
        raise
    except Exception as exc:  # the last resort around one untrusted document
        log.debug("feed %s", url, exc_info=True)
        raise FeedError(f"{url}: unreadable feed ({_why(exc)})") from None


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
    over = scan(text, html=True)
    if over is not None:  # the links are in the <head>: read up to the limit
        text = text[: over.offset]
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


def read_opml(
    path: str | Path,
    *,
    max_depth: int = OPML_MAX_DEPTH,
    max_outlines: int = OPML_MAX_OUTLINES,
) -> list[Feed]:
    """The feeds of an OPML subscription list: each ``<outline xmlUrl=...>``, its outlet
    from ``title`` (or ``text``), its category from the enclosing outline, if any.

    The file is read as a stream, so its size costs time but not memory, and
    refused once it nests deeper than ``max_depth`` levels or holds more than
    ``max_outlines`` outlines. Raises ``InputError`` naming the file and what
    was wrong, whatever the file holds (an encoding it declares that Python
    does not have, or that expat cannot read, included).
    """
    path = Path(path)
    try:
        feeds = _read_outlines(path, max_depth, max_outlines)
    except FileNotFoundError:
        raise InputError(f"{path}: file not found") from None
    except IsADirectoryError:
        raise InputError(f"{path}: is a directory, expected an OPML file") from None
    except ElementTree.ParseError as exc:
        raise InputError(f"{path}: not OPML: not well-formed XML ({exc})") from None
    except OSError as exc:
        raise InputError(f"{path}: cannot read: {exc.strerror}") from None
    except (LookupError, ValueError) as exc:  # expat asks Python for the declared encoding
        raise InputError(f"{path}: not OPML: cannot decode it ({_why(exc)})") from None
    if not feeds:
        raise InputError(f"{path}: no feeds: no <outline> has an xmlUrl")
    return _unique_names(feeds)


@dataclass
class _Open:
    """An element of an OPML file being read: whether its children are outlines to read,
    and the category they get."""

    element: ElementTree.Element
    outlines: bool = False
    category: str | None = None


def _read_outlines(path: Path, max_depth: int, max_outlines: int) -> list[Feed]:
    """The feeds of the outlines under the first ``<body>``, in document order."""
    feeds: list[Feed] = []
    stack: list[_Open] = []
    outlines = 0
    body = False
    for event, element in ElementTree.iterparse(path, events=("start", "end")):
        if event == "end":
            stack.pop()
            if stack:  # read: let it go, so that memory does not grow with the file
                stack[-1].element.remove(element)
            continue
        if not stack and element.tag.lower() != "opml":
            root = one_line(element.tag, 40)
            raise InputError(f"{path}: not OPML: the root element is <{root}>, not <opml>")
        if len(stack) >= max_depth:
            raise InputError(f"{path}: not read: elements nested more than {max_depth} deep")
        parent = stack[-1] if stack else None
        if parent is not None and len(stack) == 1 and element.tag == "body" and not body:
            body = True
            stack.append(_Open(element, outlines=True))
            continue
        if parent is None or not parent.outlines or element.tag != "outline":
            stack.append(_Open(element))
            continue
        outlines += 1
        if outlines > max_outlines:
            raise InputError(f"{path}: not read: more than {max_outlines} outlines")
        label = _line(element.get("title")) or _line(element.get("text"))
        url = _web_url((element.get("xmlUrl") or element.get("xmlurl") or "").strip())
        if url is not None:
            language = _line(element.get("language")) or None
            feeds.append(make_feed(url, label, category=parent.category, language=language))
        stack.append(_Open(element, outlines=True, category=label or parent.category))
    if not body:
        raise InputError(f"{path}: not OPML: no <body> in the <opml> element")
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
