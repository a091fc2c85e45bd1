"""Property tests (hypothesis) of every input reader but the JSONL dump (whose property is
in ``test_sanitise_properties.py``): feeds (RSS, Atom, JSON Feed), OPML lists, pages, WARC
archives and the markup pre-scan in front of the parsers.

Good inputs are mixed with hostile ones: any code points (controls, lone surrogates,
noncharacters) raw, as character references or as JSON escapes; JSON of the wrong types;
garbage markup and random bytes; elements with many attributes or nested deep. Whatever
comes in, each reader returns or raises its one documented error, every good record comes
out, and every problem is one short line. The pre-scan's bounded work is checked by
counting what it looks at, never by the clock.

How many examples each property gets is the Hypothesis profile's (``conftest.py``): a few
dozen, derandomized, under ``make test``; hundreds under ``make test-fuzz``.
"""

from __future__ import annotations

import gzip
import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from unittest import mock

import feedparser
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from newsdesk.errors import MESSAGE_LIMIT, InputError
from newsdesk.ingest import markup
from newsdesk.ingest.extraction import Extracted, ExtractionError, extract_page
from newsdesk.ingest.feeds import FeedError, ParsedFeed, parse_feed, read_opml
from newsdesk.ingest.markup import MAX_ATTRIBUTES, scan, scan_bytes
from newsdesk.ingest.result import WarcProblem
from newsdesk.ingest.warc import read_warc
from newsdesk.language.sanitise import day_problem
from newsdesk.records import Feed, FeedEntry
from test_hostile_feeds import article_html
from test_sanitise import XML_INVALID, xml_safe
from test_sanitise_properties import ANY_TEXT
from test_warc import raw_record

pytestmark = pytest.mark.fuzz

FEED_URL = "http://ex.com/feed"
PAGE_URL = "http://ex.com/page"
GOOD = "http://good.example/"
"""The host of every good link: no hostile input names it."""
BAD = "https://bad.example/"
slow_data = settings(suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


def one_short_line(message: str, limit: int = MESSAGE_LIMIT) -> bool:
    return len(message) <= limit and message.splitlines() in ([message], [])


def good_link(number: int) -> str:
    return f"{GOOD}{number}"


# -- hostile text as XML holds it --------------------------------------------------------


def escape(text: str, quote: bool = False) -> str:
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return text.replace('"', "&quot;") if quote else text


def as_references(text: str) -> str:
    """Every character past printable ASCII as a numeric character reference (to a
    surrogate, a control, a noncharacter: references to no character XML allows)."""
    return "".join(c if " " <= c <= "~" else f"&#x{ord(c):X};" for c in text)


def legal(text: str) -> str:
    return "".join(c for c in text if c not in XML_INVALID and not 0xD800 <= ord(c) <= 0xDFFF)


XML_FORMS: dict[str, Callable[[str], str]] = {
    "raw": escape,  # raw characters: the document is written with surrogatepass
    "references": lambda text: as_references(escape(text)),
    "legal": lambda text: escape(legal(text)),
}
"""Ways hostile text sits in an XML document whose markup stays intact."""


def document(text: str) -> bytes:
    """A document's bytes as a careless writer makes them: lone surrogates and all."""
    return text.encode("utf-8", "surrogatepass")


@st.composite
def hostile_attributes(draw: st.DrawFn, form: Callable[[str], str], most: int) -> str:
    """Up to ``most`` quoted attributes with hostile values (as many as counted)."""
    count = draw(st.integers(0, most))
    values = draw(st.lists(ANY_TEXT, min_size=1, max_size=3))
    quoted = [form(v).replace('"', "&quot;") for v in values]
    return "".join(f' a{i}="{quoted[i % len(quoted)]}"' for i in range(count))


GENERATED_ATTRIBUTE = re.compile(r' a\d+="[^"]*"')
"""One attribute as ``hostile_attributes`` writes it: its value holds no raw quote, so each
match is one whole attribute (a value may itself read ``="``)."""


def nested(depth: int, inner: str) -> str:
    """``inner`` inside ``depth`` elements of a namespace no feed reader knows."""
    if depth == 0:
        return inner
    return '<x:n xmlns:x="urn:x">' + "<x:n>" * (depth - 1) + inner + "</x:n>" * depth


DATES = st.one_of(
    ANY_TEXT,
    st.sampled_from(
        [
            "Wed, 01 Jan 1800 00:00:00 GMT",
            "Tue, 01 Jan 2999 00:00:00 GMT",
            "Mon, 31 Feb 2020 25:61:61 +9999",
            "0000-00-00T00:00:00Z",
            "9999-12-31T23:59:59Z",
            "2020-06-23T10:00:00Z",
        ]
    ),
    st.datetimes(timezones=st.just(UTC)).map(lambda d: d.strftime("%a, %d %b %Y %H:%M:%S GMT")),
)


@dataclass(frozen=True)
class Entry:
    """One entry of a generated feed: its markup, its good link (if it is a good entry),
    and how many attributes its start tag has."""

    markup: str
    link: str | None = None
    attributes: int = 0


def good_entry(kind: str, number: int) -> Entry:
    link = good_link(number)
    if kind == "rss":
        body = f"<title>Good {number}</title><link>{link}</link><guid>{link}</guid>"
        return Entry(f"<item>{body}</item>", link)
    return Entry(
        f"<entry><title>Good {number}</title><link rel='alternate' href='{link}'/>"
        f"<id>urn:good:{number}</id><updated>2020-06-23T10:00:00Z</updated></entry>",
        link,
    )


@st.composite
def hostile_entry(draw: st.DrawFn, kind: str) -> Entry:
    """An entry of hostile text in a well-formed frame: any characters in every field, an
    escaped HTML fragment, up to 80 attributes (the limit is 64), up to 60 levels of
    elements nested inside it."""
    form = XML_FORMS[draw(st.sampled_from(sorted(XML_FORMS)))]
    text = draw(ANY_TEXT)
    fragment = draw(
        st.sampled_from(
            [
                "{}",
                "<p class='{}'>{}</p>",
                "<script>{}</script><p>{}",
                "<div>" * 50 + "{}",
                "<p " + " ".join(f"a{i}" for i in range(100)) + ">{}</p>",
            ]
        )
    ).replace("{}", text)
    link = draw(st.one_of(st.just(""), ANY_TEXT, ANY_TEXT.map(lambda t: BAD + t)))
    attributes = draw(hostile_attributes(form, 80))
    depth = draw(st.integers(0, 60))
    date = form(draw(DATES))
    if kind == "rss":
        fields = (
            f"<title>{form(text)}</title><link>{form(link)}</link><guid>{form(text)}</guid>"
            f"<description>{form(fragment)}</description><pubDate>{date}</pubDate>"
            f"<author>{form(text)}</author>"
        )
        markup_ = f"<item{attributes}>{nested(depth, fields)}</item>"
    else:
        href = form(link).replace('"', "&quot;")
        fields = (
            f'<title type="html">{form(fragment)}</title><link href="{href}"/>'
            f"<id>{form(text)}</id><updated>{date}</updated>"
            f"<summary>{form(fragment)}</summary><author><name>{form(text)}</name></author>"
        )
        markup_ = f"<entry{attributes}>{nested(depth, fields)}</entry>"
    return Entry(markup_, attributes=len(GENERATED_ATTRIBUTE.findall(attributes)))


def xml_feed(kind: str, entries: list[Entry]) -> bytes:
    inner = "".join(e.markup for e in entries)
    if kind == "rss":
        text = (
            '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
            f"<title>Hostile</title><link>http://ex.com/</link>{inner}</channel></rss>"
        )
    else:
        text = (
            '<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
            f"<title>Hostile</title><id>urn:feed</id>{inner}</feed>"
        )
    return document(text)


@st.composite
def mixed_entries(draw: st.DrawFn, kind: str) -> list[Entry]:
    """Good and hostile entries in any order, the good ones numbered as they come."""
    good = draw(st.lists(st.booleans(), min_size=1, max_size=8))
    entries, number = [], 0
    for is_good in good:
        if is_good:
            number += 1
            entries.append(good_entry(kind, number))
        else:
            entries.append(draw(hostile_entry(kind)))
    return entries


def check_entry(entry: FeedEntry) -> None:
    """What every entry of any feed holds: an http(s) link, text any XML writer can print
    (the title on one line), and no date before 1900 or in the future."""
    assert entry.url.startswith(("http://", "https://")), entry
    for text in (entry.url, entry.key, entry.title, entry.summary, entry.content):
        assert xml_safe(text), entry
    assert all(xml_safe(name) for name in entry.authors), entry
    assert xml_safe(entry.updated or ""), entry
    assert entry.title.splitlines() in ([entry.title], []), entry
    today = datetime.now(UTC).date()
    assert entry.published is None or day_problem(entry.published, today) is None, entry


def check_parsed(parsed: ParsedFeed) -> None:
    for problem in parsed.problems:
        assert one_short_line(problem), problem
    assert xml_safe(parsed.title) and parsed.title.splitlines() in ([parsed.title], [])
    for entry in parsed.entries:
        check_entry(entry)


def read_feed(body: bytes, headers: dict[str, str] | None = None, **limits: int) -> ParsedFeed:
    """``parse_feed``, held to its promise: a ``ParsedFeed`` or a one-line ``FeedError``
    naming the feed, never anything else (a ``FeedError`` is raised again)."""
    try:
        parsed = parse_feed(body, FEED_URL, headers, **limits)
    except FeedError as error:
        message = str(error)
        assert message.startswith(f"{FEED_URL}: "), message
        assert message.splitlines() == [message], message
        raise
    check_parsed(parsed)
    return parsed


# -- feeds: RSS and Atom -----------------------------------------------------------------


@pytest.mark.parametrize("kind", ["rss", "atom"])
@given(data=st.data())
def test_every_good_entry_of_a_well_formed_feed_is_read(kind: str, data: st.DataObject) -> None:
    """Hostile entries in a document whose markup is intact cost the good ones nothing,
    except that an entry with more than MAX_ATTRIBUTES attributes cuts the feed before it
    (as documented): every good entry before the first such one is read, with its title."""
    entries = data.draw(mixed_entries(kind))
    parsed = read_feed(xml_feed(kind, entries), {"content-type": f"application/{kind}+xml"})
    expected = []
    for entry in entries:
        if entry.attributes > MAX_ATTRIBUTES:
            break
        if entry.link is not None:
            expected.append(entry.link)
    read = [(e.url, e.title) for e in parsed.entries if e.url.startswith(GOOD)]
    assert read == [(url, f"Good {url.removeprefix(GOOD)}") for url in expected]
    cut = any(e.attributes > MAX_ATTRIBUTES for e in entries)
    assert any("attributes: read only the entries before it" in p for p in parsed.problems) == cut


@given(
    kind=st.sampled_from(["rss", "atom"]),
    padding=st.lists(st.integers(0, 12), min_size=1, max_size=12),
    max_elements=st.integers(1, 120),
)
def test_a_feed_over_the_element_limit_keeps_exactly_the_entries_before_it(
    kind: str, padding: list[int], max_elements: int
) -> None:
    """Entries padded with nested elements: the (max_elements + 1)th element is where the
    feed goes over, and exactly the good entries that ended before it are read; with none
    started before it the feed is refused. Counted, not timed."""
    entries = []
    for number, depth in enumerate(padding, start=1):
        entry = good_entry(kind, number)
        closing = "</item>" if kind == "rss" else "</entry>"
        entries.append(
            Entry(entry.markup.replace(closing, nested(depth, "") + closing), entry.link)
        )
    body = xml_feed(kind, entries)
    starts = [m.start() for m in re.finditer(rb"<(?!/)", body)]  # no "<" in any text
    over = starts[max_elements] if len(starts) > max_elements else None
    if over is None:
        parsed = read_feed(body)
        assert [e.url for e in parsed.entries] == [e.link for e in entries]
        assert parsed.problems == ()
        return
    spans = [m.span() for m in re.finditer(rb"<(item|entry)>.*?</\1>", body)]
    if over < spans[0][0]:  # no entry started: nothing to keep
        with pytest.raises(FeedError, match=f"more than {max_elements} elements$"):
            read_feed(body, max_elements=max_elements)
        return
    parsed = read_feed(body, max_elements=max_elements)
    ended = [good_link(n) for n, (_, end) in enumerate(spans, start=1) if end <= over]
    assert [e.url for e in parsed.entries] == ended
    assert parsed.problems == (
        f"feed has more than {max_elements} elements: read only the entries before it",
    )


@given(flood=st.integers(1, 50_000), max_elements=st.integers(1, 300), tag=st.sampled_from("ap"))
def test_the_feed_parser_never_sees_more_elements_than_the_limit(
    flood: int, max_elements: int, tag: str
) -> None:
    """Whatever follows the good entries (here a flood of unclosed elements), feedparser is
    handed no more than ``max_elements`` elements: the work it does is bounded by the
    limit, not by the document."""
    entries = [good_entry("rss", n) for n in range(1, 4)]
    body = xml_feed("rss", entries).replace(b"</channel>", f"<{tag}>".encode() * flood)
    seen: list[bytes] = []
    real = feedparser.parse

    def parse(document: bytes, **options: Any) -> Any:
        seen.append(document)
        return real(document, **options)

    with mock.patch.object(feedparser, "parse", parse):
        try:
            parsed = read_feed(body, max_elements=max_elements)
        except FeedError:
            parsed = None
    handed = [d.count(b"<") - d.count(b"</") for d in seen]
    assert all(count <= max_elements for count in handed), (handed, max_elements)
    total = body.count(b"<") - body.count(b"</")
    if total <= max_elements:
        assert parsed is not None and len(parsed.entries) == 3
    else:
        assert parsed is None or parsed.problems[0].startswith(f"feed has more than {max_elements}")


@example(depth=255, tag="div")
@given(depth=st.integers(0, 3000), tag=st.sampled_from(["div", "span", "b", "blockquote"]))
def test_the_words_of_an_entrys_html_survive_any_nesting(depth: int, tag: str) -> None:
    """An entry's HTML nested deep: its words, and the words after the deep part, are in
    its summary, as they are at 254 levels and past 10,000 elements."""
    fragment = f"<{tag}>" * depth + "Deep words" + f"</{tag}>" * depth + "<p>Words after</p>"
    description = escape(fragment)
    entry = Entry(
        f"<item><title>Deep</title><link>{good_link(1)}</link>"
        f"<description>{description}</description></item>"
    )
    (read,) = read_feed(xml_feed("rss", [entry])).entries
    assert "Deep words" in read.summary and "Words after" in read.summary, read.summary


# -- feeds: JSON Feed --------------------------------------------------------------------

JSON_FIELDS = [
    "id", "url", "external_url", "title", "summary", "content_html", "content_text",
    "date_published", "date_modified", "authors", "author", "tags", "image",
]  # fmt: skip
JSON_LEAVES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(),
    ANY_TEXT,
    DATES,
    ANY_TEXT.map(lambda t: GOOD.replace("good", "bad") + t),
)
JSON_VALUES = st.recursive(
    JSON_LEAVES,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.dictionaries(st.one_of(st.sampled_from([*JSON_FIELDS, "name"]), ANY_TEXT), inner),
    ),
    max_leaves=12,
)


def deep_json(depth: int) -> Any:
    value: Any = "bottom"
    for level in range(depth):
        value = [value] if level % 2 else {"items": value}
    return value


GOOD_ITEM = object()
"""Where a good item goes in a generated JSON feed."""
HOSTILE_ITEMS = st.one_of(
    JSON_VALUES,
    st.fixed_dictionaries({}, optional=dict.fromkeys(JSON_FIELDS, JSON_VALUES)),
    st.integers(0, 200).map(deep_json),
)


@given(
    items=st.lists(st.one_of(st.just(GOOD_ITEM), HOSTILE_ITEMS), min_size=1, max_size=10),
    top=st.fixed_dictionaries(
        {}, optional=dict.fromkeys(["title", "home_page_url", "feed_url"], JSON_VALUES)
    ),
)
def test_every_good_item_of_a_json_feed_is_read(items: list[Any], top: dict[str, Any]) -> None:
    """Items of any JSON (wrong types, lone surrogates as escapes, nested 200 deep) cost
    the good items nothing."""
    good: list[str] = []
    listed: list[Any] = []
    for item in items:
        if item is GOOD_ITEM:
            good.append(good_link(len(good) + 1))
            listed.append(
                {"id": f"good-{len(good)}", "url": good[-1], "title": f"Good {len(good)}"}
            )
        else:
            listed.append(item)
    feed = {**top, "version": "https://jsonfeed.org/version/1.1", "items": listed}
    parsed = read_feed(json.dumps(feed).encode(), {"content-type": "application/feed+json"})
    read = [(e.url, e.title) for e in parsed.entries if e.url.startswith(GOOD)]
    assert read == [(url, f"Good {url.removeprefix(GOOD)}") for url in good]


# -- feeds: anything at all --------------------------------------------------------------

GARBAGE = st.one_of(
    st.binary(max_size=64),
    ANY_TEXT.map(document),
    st.sampled_from(
        [
            b"<item><title>",
            b"</channel></rss>",
            b"<![CDATA[",
            b"]]>",
            b"<!--",
            b"&",
            b"&#xD800;&#0;&#99999999999;",
            b"<?xml version='1.0' encoding='utf-16'?>",
            b"<!DOCTYPE rss [<!ENTITY e 'eeeeeeeeee'>]>&e;&e;",
            b"<entry xmlns='http://www.w3.org/2005/Atom'>",
            b"\xff\xfe\x00",
            b"{",
            b'"items": [',
            b"<" + b"a" * 200,
            b"<p " + b"a=x" * 100 + b">",
            b"<summary" + b" a='1'" * 70 + b">",
            b"\x1f\x8b\x08\x00",
            b"[" * 5000,
        ]
    ),
)
CONTENT_TYPES = st.sampled_from(
    [
        "",
        "application/rss+xml",
        "application/atom+xml; charset=utf-8",
        "application/feed+json",
        "application/json; charset=utf-16",
        "text/xml; charset=x-bogus",
        "text/xml; charset=utf-7",
        "application/rss+xml; charset=cp037",
        "text/html; charset=windows-1251",
    ]
)


@st.composite
def any_feed(draw: st.DrawFn) -> bytes:
    """A feed, broken: garbage spliced in anywhere, cut short, re-encoded, or just bytes."""
    kind = draw(st.sampled_from(["rss", "atom", "json", "bytes"]))
    if kind == "bytes":
        return draw(st.binary(max_size=512))
    if kind == "json":
        items = draw(st.lists(HOSTILE_ITEMS, max_size=4))
        feed = {"version": "https://jsonfeed.org/version/1", "items": items}
        body = document(json.dumps(feed, ensure_ascii=draw(st.booleans())))
    else:
        body = xml_feed(kind, draw(mixed_entries(kind)))
    for _ in range(draw(st.integers(0, 4))):
        at = draw(st.integers(0, len(body)))
        body = body[:at] + draw(GARBAGE) + body[at:]
    if draw(st.booleans()):
        body = body[: draw(st.integers(0, len(body)))]
    encoding = draw(st.sampled_from([None, "utf-16", "utf-32", "cp037", "latin-1"]))
    if encoding is not None:
        body = body.decode("utf-8", "replace").encode(encoding, "replace")
    return body


@slow_data
@given(
    body=any_feed(),
    content_type=CONTENT_TYPES,
    limits=st.fixed_dictionaries(
        {}, optional={"max_elements": st.integers(1, 50), "max_attributes": st.integers(1, 8)}
    ),
)
def test_any_bytes_are_a_feed_or_one_feed_error(
    body: bytes, content_type: str, limits: dict[str, int]
) -> None:
    """Nothing but ``FeedError`` ever comes out of ``parse_feed``, and what it returns is
    clean: one-line problems, XML-safe text, plausible dates."""
    try:
        parsed = read_feed(body, {"Content-Type": content_type}, **limits)
    except FeedError:
        return
    assert isinstance(parsed, ParsedFeed)


# -- OPML --------------------------------------------------------------------------------

GOOD_OUTLINE = "\x00GOOD\x00"
"""Where a good outline goes (a NUL no generated text keeps: see ``legal``)."""


@st.composite
def hostile_outline_attributes(draw: st.DrawFn) -> str:
    names = ["text", "title", "xmlUrl", "xmlurl", "htmlUrl", "type", "language", "a", "b"]
    chosen = draw(st.lists(st.sampled_from(names), max_size=5, unique=True))
    parts = []
    for name in chosen:
        value = draw(st.one_of(ANY_TEXT, ANY_TEXT.map(lambda t: BAD + t), st.just("")))
        parts.append(f' {name}="{escape(legal(value), quote=True)}"')
    return "".join(parts)


@st.composite
def hostile_leaf(draw: st.DrawFn) -> str:
    text = escape(legal(draw(ANY_TEXT)))
    safe = text.replace("-", "_").replace("?", "_")
    return draw(
        st.sampled_from(
            [
                f"<outline{draw(hostile_outline_attributes())}/>",
                f"<x>{text}</x>",
                f"<!--{safe}-->",
                f"<?pi {safe}?>",
                f"<![CDATA[{legal(draw(ANY_TEXT)).replace(']]>', ']] >')}]]>",
                text,
            ]
        )
    )


OUTLINE_TREES = st.recursive(
    st.one_of(st.just(GOOD_OUTLINE), hostile_leaf()),
    lambda children: st.builds(
        lambda attributes, inner: f"<outline{attributes}>{''.join(inner)}</outline>",
        hostile_outline_attributes(),
        st.lists(children, max_size=4),
    ),
    max_leaves=16,
)
"""Outlines of hostile attributes (any XML-legal text, escaped) nested around good ones."""


def opml(trees: list[str]) -> tuple[str, list[str]]:
    """The OPML document of ``trees``, its good outlines numbered in document order."""
    body = "".join(trees)
    if GOOD_OUTLINE not in body:
        body += GOOD_OUTLINE
    parts = body.split(GOOD_OUTLINE)
    urls = [f"{GOOD}feed/{n}" for n in range(1, len(parts))]
    outlines = [f'<outline text="Good {n}" xmlUrl="{url}"/>' for n, url in enumerate(urls, 1)]
    body = parts[0] + "".join(o + p for o, p in zip(outlines, parts[1:], strict=True))
    head = '<?xml version="1.0" encoding="utf-8"?><opml version="2.0"><head><title>t</title></head>'
    return f"{head}<body>{body}</body></opml>", urls


def read_subscriptions(path: Path, **limits: int) -> list[Feed]:
    """``read_opml``, held to its promise: feeds, or one ``InputError`` line naming the
    file (raised again)."""
    try:
        feeds = read_opml(path, **limits)
    except InputError as error:
        message = str(error)
        assert message.startswith(f"{path}: "), message
        assert message.splitlines() == [message], message
        raise
    for feed in feeds:
        assert feed.url.startswith(("http://", "https://")), feed
        assert xml_safe(feed.outlet) and feed.outlet.splitlines() in ([feed.outlet], [])
        assert xml_safe(feed.category or "") and xml_safe(feed.language or "")
    assert len({f.name for f in feeds}) == len(feeds)
    return feeds


@given(trees=st.lists(OUTLINE_TREES, max_size=5))
def test_every_good_outline_among_hostile_ones_is_read(
    tmp_path_factory: pytest.TempPathFactory, trees: list[str]
) -> None:
    text, urls = opml(trees)
    path = tmp_path_factory.mktemp("opml") / "subs.opml"
    path.write_text(text, encoding="utf-8")
    outlets = {f.url: f.outlet for f in read_subscriptions(path)}
    assert [url for url in outlets if url.startswith(GOOD)] == urls
    assert all(outlets[url] == f"Good {url.rsplit('/', 1)[1]}" for url in urls)


def first_limit(text: str, max_depth: int, max_outlines: int) -> str | None:
    """What a streaming reader of ``text`` must refuse it for, the first in document
    order: an element deeper than ``max_depth`` (``<opml>`` is 1 deep) or the outline past
    ``max_outlines`` (an outline counts when it is in ``<body>`` or in an outline that
    counts)."""
    outlines = 0

    def walk(element: ET.Element, depth: int, in_outlines: bool) -> str | None:
        nonlocal outlines
        if depth > max_depth:
            return f"elements nested more than {max_depth} deep"
        counts = in_outlines and element.tag == "outline"
        if counts:
            outlines += 1
            if outlines > max_outlines:
                return f"more than {max_outlines} outlines"
        holds_outlines = counts or (depth == 2 and element.tag == "body")
        for child in element:
            found = walk(child, depth + 1, holds_outlines)
            if found is not None:
                return found
        return None

    return walk(ET.fromstring(text), 1, False)


@given(
    trees=st.lists(OUTLINE_TREES, max_size=5),
    max_depth=st.integers(1, 12),
    max_outlines=st.integers(1, 20),
)
def test_an_opml_list_over_a_limit_is_refused_at_the_first_place_it_goes_over(
    tmp_path_factory: pytest.TempPathFactory, trees: list[str], max_depth: int, max_outlines: int
) -> None:
    text, urls = opml(trees)
    path = tmp_path_factory.mktemp("opml") / "subs.opml"
    path.write_text(text, encoding="utf-8")
    refused = first_limit(text, max_depth, max_outlines)
    if refused is None:
        feeds = read_subscriptions(path, max_depth=max_depth, max_outlines=max_outlines)
        assert [f.url for f in feeds if f.url.startswith(GOOD)] == urls
    else:
        with pytest.raises(InputError, match=f"{re.escape(str(path))}: not read: {refused}$"):
            read_subscriptions(path, max_depth=max_depth, max_outlines=max_outlines)


@st.composite
def any_opml(draw: st.DrawFn) -> bytes:
    """An OPML list, broken: garbage spliced in, raw illegal characters, cut short, a
    declared encoding expat cannot read, nesting past the limit, or just bytes."""
    if draw(st.booleans()):
        return draw(st.binary(max_size=300))
    text, _ = opml(draw(st.lists(OUTLINE_TREES, max_size=3)))
    if draw(st.booleans()):
        depth = draw(st.integers(40, 70))
        text = text.replace("<body>", "<body>" + "<outline text='d'>" * depth, 1)
        text = text.replace("</body>", "</outline>" * depth + "</body>", 1)
    encoding = draw(st.sampled_from(["utf-8", "x-bogus", "rot13", "utf-7", "utf-16", "cp037"]))
    text = text.replace('encoding="utf-8"', f'encoding="{encoding}"')
    body = document(text)
    for _ in range(draw(st.integers(0, 3))):
        at = draw(st.integers(0, len(body)))
        body = body[:at] + draw(GARBAGE) + body[at:]
    if draw(st.booleans()):
        body = body[: draw(st.integers(0, len(body)))]
    return body


@slow_data
@given(body=any_opml())
def test_any_bytes_are_feeds_or_one_input_error(
    tmp_path_factory: pytest.TempPathFactory, body: bytes
) -> None:
    path = tmp_path_factory.mktemp("opml") / "any.opml"
    path.write_bytes(body)
    try:
        feeds = read_subscriptions(path)
    except InputError:
        return
    assert feeds and all(isinstance(f, Feed) for f in feeds)


# -- pages -------------------------------------------------------------------------------


@st.composite
def hostile_html(draw: st.DrawFn) -> str:
    """A piece of HTML that leaves the markup around it intact: escaped hostile text
    (raw controls and surrogates included), wrappers with up to MAX_ATTRIBUTES attributes,
    up to 200 levels of nesting (deeper: ``test_an_article_after_deep_nesting_is_read``)."""
    text = escape(draw(ANY_TEXT))
    attributes = draw(hostile_attributes(escape, MAX_ATTRIBUTES))
    safe = text.replace("-", "_")
    depth = draw(st.integers(0, 200))
    return draw(
        st.sampled_from(
            [
                f"<p>{text}</p>",
                f"<aside{attributes}>{text}</aside>",
                f"<!--{safe}-->",
                f"<div{attributes}><span>{text}</span></div>",
                f'<nav><a href="/{escape(text, quote=True)}">{text}</a></nav>',
                "<div>" * depth + f"<span>{text}</span>" + "</div>" * depth,
            ]
        )
    )


@st.composite
def page_with_pieces(draw: st.DrawFn) -> str:
    page = article_html("Alpha").decode()
    places = ["<body >", "<article>", "</h1>", "</p>", "</article>", "</body>"]
    for _ in range(draw(st.integers(0, 6))):
        place = draw(st.sampled_from(places))
        page = page.replace(place, place + draw(hostile_html()), 1)
    return page


ALPHA = "The Alpha report number 1 says the council met on Monday"
QUOTED_ATTRIBUTE = re.compile(r"""[^\s"'>/=]+=(?:"[^"]*"|'[^']*')""")
"""An attribute of the generated pages: all are quoted."""
SURROGATE = re.compile("[\ud800-\udfff]")


def without_surrogates(page: str) -> str:
    """A page as text, its lone surrogates replaced: text with them loses the article
    (``test_a_lone_surrogate_in_a_page_costs_nothing_after_it``, a known bug)."""
    return SURROGATE.sub("\ufffd", page)


@given(page=page_with_pieces(), as_bytes=st.booleans())
def test_the_article_of_a_page_survives_hostile_pieces_around_it(page: str, as_bytes: bool) -> None:
    """Escaped text of any characters (raw, in str or in bytes) and attributes up to the
    limit beside the article: the article is read."""
    body = document(page) if as_bytes else without_surrogates(page)
    extracted = extract_page(body, PAGE_URL, content_type="text/html; charset=utf-8")
    assert ALPHA in extracted.text


@given(page=page_with_pieces(), max_elements=st.integers(1, 60), max_attributes=st.integers(1, 80))
def test_a_page_over_a_limit_is_refused_naming_the_first_limit_it_goes_over(
    page: str, max_elements: int, max_attributes: int
) -> None:
    """Counted, not timed: the (max_elements + 1)th element, or an element with more than
    max_attributes attributes before it, and the page is refused with that limit named."""
    page = without_surrogates(page)
    tags = list(re.finditer(r"<(?!/)([a-z]+|!)([^>]*)>", page))  # every "<" in text is escaped
    expected = None
    for number, tag in enumerate(tags, start=1):
        if number > max_elements:
            expected = f"page has more than {max_elements} elements"
            break
        listed = "" if tag.group(1) == "!" else tag.group(2)
        if len(QUOTED_ATTRIBUTE.findall(listed)) > max_attributes:
            expected = (
                f"page has a <{tag.group(1)}> element with more than {max_attributes} attributes"
            )
            break
    try:
        extracted = extract_page(
            page, PAGE_URL, max_elements=max_elements, max_attributes=max_attributes
        )
    except ExtractionError as error:
        assert error.reason == expected
        return
    assert expected is None and ALPHA in extracted.text


@pytest.mark.parametrize(
    ("piece", "content_type"),
    [
        ('<aside a0="\ud800"></aside>', None),
        ("<p>x\ud800y</p>", None),
        ('<aside a0="+2AA-"></aside>', "text/html; charset=utf-7"),
    ],
    ids=["attribute", "text", "utf-7 bytes"],
)
def test_a_lone_surrogate_in_a_page_costs_nothing_after_it(
    piece: str, content_type: str | None
) -> None:
    """Found by ``test_the_article_of_a_page_survives_hostile_pieces_around_it``: the
    minimal cases, a surrogate in an element before the article."""
    page = article_html("Alpha").decode().replace("<body >", "<body >" + piece)
    body = page.encode("ascii") if content_type else page  # "+2AA-" is utf-7 for U+D800
    extracted = extract_page(body, PAGE_URL, content_type=content_type)
    assert ALPHA in extracted.text


@example(depth=255, where="before")
@given(depth=st.integers(0, 2000), where=st.sampled_from(["before", "around"]))
def test_an_article_after_deep_nesting_is_read(depth: int, where: str) -> None:
    """A page of a few hundred elements, nested deep before the article (a widget, an ad)
    or around it: the article is read, as it is at 200 levels."""
    page = article_html("Alpha").decode()
    if where == "before":
        page = page.replace("<body >", "<body >" + "<div>" * depth + "x" + "</div>" * depth)
    else:
        page = page.replace("<article>", "<div>" * depth + "<article>")
        page = page.replace("</article>", "</article>" + "</div>" * depth)
    extracted = extract_page(document(page), PAGE_URL, content_type="text/html")
    assert ALPHA in extracted.text


@st.composite
def any_page(draw: st.DrawFn) -> bytes | str:
    if draw(st.booleans()):
        return draw(st.one_of(st.binary(max_size=600), ANY_TEXT))
    body = document(draw(page_with_pieces()))
    for _ in range(draw(st.integers(0, 5))):
        at = draw(st.integers(0, len(body)))
        body = body[:at] + draw(GARBAGE) + body[at:]
    if draw(st.booleans()):
        body = body[: draw(st.integers(0, len(body)))]
    if draw(st.booleans()):
        return body.decode("utf-8", "surrogateescape")
    return body


@slow_data
@given(
    body=any_page(),
    content_type=st.sampled_from(
        [
            None,
            "text/html",
            "text/html; charset=utf-16",
            "text/html; charset=x-bogus",
            "text/html; charset=utf-7",
            "text/html; charset=cp037",
            "application/xhtml+xml",
            "text/plain",
        ]
    ),
)
def test_any_page_is_an_article_or_one_extraction_error(
    body: bytes | str, content_type: str | None
) -> None:
    try:
        extracted = extract_page(body, PAGE_URL, content_type=content_type)
    except ExtractionError as error:
        assert one_short_line(error.reason), error.reason
        assert str(error) == f"{PAGE_URL}: {error.reason}"
        return
    assert isinstance(extracted, Extracted)
    assert extracted.url.startswith(("http://", "https://"))


# -- WARC archives -----------------------------------------------------------------------


def page_body(number: int) -> bytes:
    return article_html(f"Good{number}")


FRAMING: dict[str, Callable[[str, bytes], bytes]] = {
    "long Content-Length": lambda uri, page: raw_record(uri, page, length="999999"),
    "slightly long Content-Length": lambda uri, page: raw_record(
        uri, page, length=str(len(page) + 120)
    ),
    "short Content-Length": lambda uri, page: raw_record(uri, page, length="100"),
    "no Content-Length": lambda uri, page: raw_record(uri, page, length=""),
    "bad Content-Length": lambda uri, page: raw_record(uri, page, length="12x"),
    "negative Content-Length": lambda uri, page: raw_record(uri, page, length="-5"),
}
"""Records whose framing is wrong: never a page, whatever their payload."""
OTHER_BAD: dict[str, Callable[[str, bytes], bytes]] = {
    "response without WARC-Target-URI": lambda uri, page: raw_record(None, page),
    "resource without WARC-Target-URI": lambda uri, page: raw_record(None, page, kind="resource"),
    "not a URL": lambda uri, page: raw_record("mailto:" + uri, page),
    "request": lambda uri, page: raw_record(uri, page, kind="request"),
}


@st.composite
def hostile_uri_record(draw: st.DrawFn, page: bytes) -> bytes:
    """A record whose WARC-Target-URI is any text (line breaks and surrogates included)."""
    uri = draw(ANY_TEXT)
    record = raw_record("\x00URI\x00", page)
    return record.replace(b"\x00URI\x00", document(uri))


@dataclass(frozen=True)
class Record:
    """One record's bytes, with its URL and payload when it is good, its URL when its
    framing is wrong."""

    data: bytes
    good: str | None = None
    body: bytes = b""
    framing_bad: str | None = None


@st.composite
def archive_records(draw: st.DrawFn, compress: bool) -> list[Record]:
    """Good response records among broken ones, the first one a record (an archive must
    start like one). Garbage in a plain archive is whole lines; in a gzipped one, any bytes
    between members, or a member cut short."""
    kinds = ["good", "framing", "other", "uri", "garbage"] + (["cut"] if compress else [])
    chosen = draw(st.lists(st.sampled_from(kinds), min_size=1, max_size=8))
    if chosen[0] in ("garbage", "cut"):
        chosen.insert(0, "good")
    records, number = [], 0
    for index, kind in enumerate(chosen):
        page = page_body(index)
        pack: Callable[[bytes], bytes] = gzip.compress if compress else lambda data: data
        bad_url = f"{BAD}{index}"
        if kind == "good":
            number += 1
            url = good_link(number)
            records.append(Record(pack(raw_record(url, page)), good=url, body=page))
        elif kind == "framing":
            build = FRAMING[draw(st.sampled_from(sorted(FRAMING)))]
            records.append(Record(pack(build(bad_url, page)), framing_bad=bad_url))
        elif kind == "other":
            records.append(
                Record(pack(OTHER_BAD[draw(st.sampled_from(sorted(OTHER_BAD)))](bad_url, page)))
            )
        elif kind == "uri":
            records.append(Record(pack(draw(hostile_uri_record(page)))))
        elif kind == "garbage":
            garbage = draw(st.one_of(st.binary(max_size=200), GARBAGE))
            records.append(Record(garbage if compress else garbage + b"\r\n"))
        else:
            member = gzip.compress(raw_record(bad_url, page))
            records.append(Record(member[: draw(st.integers(1, len(member) - 1))]))
    return records


@slow_data
@given(compress=st.booleans(), data=st.data())
def test_every_good_record_of_an_archive_comes_out(
    tmp_path_factory: pytest.TempPathFactory, compress: bool, data: st.DataObject
) -> None:
    """Each good record is read once, in order, with its payload; a record with a wrong
    Content-Length is never a page; problems are one line each; record numbers rise."""
    records = data.draw(archive_records(compress))
    path = tmp_path_factory.mktemp("warc") / ("a.warc.gz" if compress else "a.warc")
    path.write_bytes(b"".join(r.data for r in records))
    items = list(read_warc(path))
    pages = [item for item in items if isinstance(item, tuple)]
    good = [r.good for r in records if r.good is not None]
    assert [page.url for _, page in pages if page.url.startswith(GOOD)] == good
    bodies = {r.good: r.body for r in records if r.good is not None}
    assert all(page.body == bodies[page.url] for _, page in pages if page.url in bodies)
    framing_bad = {r.framing_bad for r in records if r.framing_bad is not None}
    assert not framing_bad & {page.url for _, page in pages}
    for item in items:
        if isinstance(item, WarcProblem):
            assert one_short_line(item.message) and one_short_line(item.url), item
            assert str(item).splitlines() == [str(item)]
    numbers = [item[0] if isinstance(item, tuple) else item.record for item in items]
    assert numbers == sorted(set(numbers)), numbers


# -- the markup pre-scan -----------------------------------------------------------------


@dataclass(frozen=True)
class Start:
    """A start tag (or comment) of a generated document: where, its name, its attributes
    as the scan must count them (an XML one counts only ``name="value"``)."""

    offset: int
    name: str | None
    attributes: int


@st.composite
def markup_document(draw: st.DrawFn, html: bool) -> tuple[str, list[Start]]:
    """A document of nested elements (some entries) with attributes, escaped hostile text
    and comments, and every start tag as the scan must see it."""
    names = ["div", "p", "span", "item", "entry", "a:item", "b"]
    text = "" if html else '<?xml version="1.0"?>'
    starts = [Start(0, None, 0)] if text else []
    open_: list[str] = []
    for _ in range(draw(st.integers(1, 40))):
        action = draw(st.sampled_from(["open", "open", "close", "text", "comment", "empty"]))
        if action == "close" and open_:
            text += f"</{open_.pop()}>"
        elif action == "text":
            text += escape(draw(ANY_TEXT))
        elif action == "comment":
            starts.append(Start(len(text), None, 0))
            text += f"<!--{escape(draw(ANY_TEXT)).replace('-', '_')}-->"
        elif action in ("open", "empty"):
            name = draw(st.sampled_from(names))
            counts = st.one_of(st.integers(0, 2), st.integers(0, 14))
            valued = draw(counts)
            bare = draw(st.integers(0, 3)) if html else 0
            values = [escape(draw(ANY_TEXT), quote=True) for _ in range(min(valued, 2))]
            listed = [f' v{i}="{values[i % 2]}"' for i in range(valued)]
            listed += [f" bare{i}" for i in range(bare)]
            listed = draw(st.permutations(listed))
            starts.append(Start(len(text), name, valued + (bare if html else 0)))
            end = "/>" if action == "empty" else ">"
            text += f"<{name}{''.join(listed)}{end}"
            if action == "open":
                open_.append(name)
    text += "".join(f"</{name}>" for name in reversed(open_))
    return text, starts


def expected_overflow(starts: list[Start], max_elements: int, max_attributes: int) -> Start | None:
    for number, start in enumerate(starts, start=1):
        if number > max_elements or start.attributes > max_attributes:
            return start
    return None


@given(
    html=st.booleans(),
    data=st.data(),
    max_elements=st.integers(1, 40),
    max_attributes=st.integers(1, 16),
)
def test_the_scan_stops_at_the_first_element_over_a_limit(
    html: bool, data: st.DataObject, max_elements: int, max_attributes: int
) -> None:
    """The scan counts elements and attributes as the generated document holds them, and
    stops at the first place over a limit; a feed's cut keeps whole entries only."""
    text, starts = data.draw(markup_document(html))
    over = scan(text, html=html, max_elements=max_elements, max_attributes=max_attributes)
    expected = expected_overflow(starts, max_elements, max_attributes)
    if expected is None:
        assert over is None
        return
    assert over is not None and over.offset == expected.offset, (over, expected)
    number = starts.index(expected) + 1
    if number > max_elements:
        assert over.reason == f"more than {max_elements} elements"
    else:
        assert (
            over.reason == f"a <{expected.name}> element with more than {max_attributes} attributes"
        )
    if html or over.cut is None:
        return
    assert over.cut <= over.offset
    before, after = text[: over.cut], text[over.cut :]
    assert re.search(r"</(\w+:)?(item|entry)>$", before) or re.match(
        r"<(\w+:)?(item|entry)\b", after
    )


class Counting:
    """A compiled pattern that counts the work done with it: searches, and matches taken
    from ``finditer``."""

    def __init__(self, pattern: re.Pattern[str]) -> None:
        self.pattern = pattern
        self.searches = 0
        self.taken: list[int] = []

    def search(self, *args: Any) -> re.Match[str] | None:
        self.searches += 1
        return self.pattern.search(*args)

    def finditer(self, *args: Any) -> Iterator[re.Match[str]]:
        self.taken.append(0)
        for match in self.pattern.finditer(*args):
            self.taken[-1] += 1
            yield match


@contextmanager
def counted() -> Iterator[tuple[Counting, Counting, Counting]]:
    tokens = Counting(markup._TOKENS)
    xml = Counting(markup._XML_ATTRIBUTES)
    html = Counting(markup._HTML_ATTRIBUTES)
    with (
        mock.patch.object(markup, "_TOKENS", tokens),
        mock.patch.object(markup, "_XML_ATTRIBUTES", xml),
        mock.patch.object(markup, "_HTML_ATTRIBUTES", html),
    ):
        yield tokens, xml, html


@given(
    unit=st.sampled_from(["<a>", "<a></a>", "<!--c-->", "<b x='1' y='2'>", "<item>", "<p/>"]),
    repeat=st.integers(0, 20_000),
    attributes=st.integers(0, 5_000),
    max_elements=st.integers(1, 200),
    max_attributes=st.integers(1, 100),
    html=st.booleans(),
)
def test_the_scan_does_work_bounded_by_its_limits_not_the_input(
    unit: str, repeat: int, attributes: int, max_elements: int, max_attributes: int, html: bool
) -> None:
    """A flood of elements, and a tag with thousands of attributes: the scan takes no more
    than max_elements + 1 elements (and the end tags among them) and no more than
    max_attributes + 1 attributes of any tag, however many the input holds; and never
    more than the input holds."""
    text = "<root" + ' z="1"' * attributes + ">" + unit * repeat
    with counted() as (tokens, xml, html_attributes):
        over = scan(text, html=html, max_elements=max_elements, max_attributes=max_attributes)
    elements = 1 + repeat * (unit.count("<") - unit.count("</"))
    end_tags = repeat * unit.count("</")
    unit_attributes = unit.count("='")
    assert tokens.searches <= min(elements + end_tags + 1, max_elements + 1 + end_tags)
    taken = (html_attributes if html else xml).taken
    held = max(attributes, unit_attributes)
    assert all(count <= min(max_attributes + 1, held) for count in taken), (taken, held)
    if attributes > max_attributes:
        assert over is not None and over.reason.startswith("a <root> element")
        assert tokens.searches == 1
    elif repeat and max_elements > 1 and unit_attributes > max_attributes:
        assert over is not None and over.reason.startswith("a <b> element")
        assert tokens.searches == 2
    elif elements > max_elements:
        assert over is not None and over.reason == f"more than {max_elements} elements"
        assert tokens.searches <= max_elements + 1 + unit.count("</") * max_elements
    else:
        assert over is None


MARKUP_TOKENS = st.sampled_from(
    [
        "<a>",
        "</a>",
        "<b x='1' y=\"2\" z='>'>",
        "<item>",
        "</item>",
        "<!--",
        "-->",
        "<?x?>",
        "<![CDATA[",
        "]]>",
        "<",
        ">",
        "'",
        '"',
        " ",
    ]
)


@given(
    text=st.one_of(
        ANY_TEXT,
        st.lists(st.one_of(MARKUP_TOKENS, MARKUP_TOKENS, ANY_TEXT), min_size=4, max_size=60).map(
            "".join
        ),
    ),
    encoding=st.sampled_from(["utf-8", "utf-8", "latin-1", "utf-16", "utf-32", "cp037"]),
)
def test_the_byte_scan_of_anything_stays_inside_the_bytes(text: str, encoding: str) -> None:
    """An overflow found in the bytes is the first place they go over: a tag, with the
    bytes before it within the limits, and a cut (if any) at an entry's edge before it."""
    body = text.encode(encoding, "surrogatepass" if encoding.startswith("utf") else "replace")
    over, in_body = scan_bytes(
        body, html=False, charsets=(encoding,), max_elements=3, max_attributes=2
    )
    if over is None or not in_body:
        assert over is None or one_short_line(over.reason)
        return
    assert 0 <= over.offset < len(body) and body[over.offset : over.offset + 1] == b"<"
    assert one_short_line(over.reason) and over.reason.startswith(("more than 3", "a <"))
    before = body[: over.offset].decode("latin-1")
    assert scan(before, html=False, max_elements=3, max_attributes=2) is None
    if over.cut is not None:
        assert 0 <= over.cut <= over.offset
        edge = rb"</([^\s>:]+:)?(item|entry)\s*>$", rb"<([^\s>:]+:)?(item|entry)\b"
        assert re.search(edge[0], body[: over.cut], re.I) or re.match(
            edge[1], body[over.cut :], re.I
        )
