"""Robustness: 1,000 malformed inputs through the command line, with good records mixed in.

Usage (from the repository root)::

    .venv/bin/python bench/robustness.py [--seed S] [--inputs N] [--only CLASS] [--timeout S]
        [--alone] [--keep DIR] [--list]

Every input is generated from ``--seed``: the named classes of hostile input (a lone
surrogate in a title, JSON nested 100,000 deep, a feed of 1M unclosed elements, a
``.warc.gz`` record that inflates to 1 GB, ...) and seeded random mutations of valid
documents (truncation, byte flips, tag duplication, deep nesting, huge attributes, wrong
JSON types, encodings, control characters, XML entities) up to ``--inputs`` in all, over
JSONL dumps, WARC archives, RSS, Atom and JSON Feed documents, OPML lists and pages.

Each input goes through the real command line (``python -m newsdesk``) in a subprocess
with a fresh database, next to good records it must not cost: good lines before and
after the bad one in a dump, good records around the bad one in an archive, a good feed
in the same poll as the bad feed, good pages around the bad page in the feed that links
them, good outlines around the bad ones in an OPML file (kept when the file is well-formed
XML within the reader's limits) and a good OPML file imported after the bad ones. Dumps
and archives are imported many files per ``newsdesk import``; feeds and pages are polled by
``newsdesk ingest --all`` from a server on 127.0.0.1 (``tests/web_server.py``); each OPML
file is one ``newsdesk feeds import``. The heaviest inputs run alone (``--alone``: every
input). A run that crashes, hangs or loses a good record is rerun input by input, so that
what failed is named.

- **crash**: a Python traceback on stderr, or an exit status other than 0, 1 or 2 (the
  CLI's codes: 2 is a one-line error for input that cannot be read at all).
- **hang**: an input whose run takes more than ``--timeout`` seconds (killed).
- **good lost**: a good record missing from the SQLite store afterwards (articles by id
  or URL, feeds by URL).
- **peak RSS**: the largest ``ru_maxrss`` of one CLI process (``os.wait4``).

The last line of output is one JSON object:
``{"inputs": int, "crashes": int, "hangs": int, "good_lost": int, "peak_rss_mb": float}``.
"""

from __future__ import annotations

import argparse
import copy
import gzip
import hashlib
import html
import json
import os
import random
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
import uuid
import xml.etree.ElementTree as ElementTree
import zlib
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

import web_server  # type: ignore[import-not-found,unused-ignore]  # noqa: E402  (tests/ helper)

KINDS = ("jsonl", "warc", "rss", "atom", "jsonfeed", "page", "opml")
SHARE = {
    "jsonl": 0.20,
    "warc": 0.16,
    "rss": 0.13,
    "atom": 0.11,
    "jsonfeed": 0.13,
    "page": 0.14,
    "opml": 0.13,
}
"""How the generated mutations are shared among the kinds of input."""
BATCH = {"jsonl": 40, "warc": 16, "rss": 10, "atom": 10, "jsonfeed": 10, "page": 10, "opml": 20}
"""Inputs per CLI run (a dump import, a poll, a run of OPML imports into one database)."""
OPS = {
    "jsonl": ("truncate", "flip", "splice", "duplicate", "nest", "huge", "types", "controls",
              "encoding"),
    "warc": ("truncate", "flip", "splice", "duplicate", "nest", "huge", "length", "headers",
             "controls", "encoding", "gzip"),
    "rss": ("truncate", "flip", "splice", "duplicate", "nest", "attributes", "huge", "controls",
            "encoding", "entities"),
    "atom": ("truncate", "flip", "splice", "duplicate", "nest", "attributes", "huge",
             "controls", "encoding", "entities"),
    "jsonfeed": ("truncate", "flip", "splice", "duplicate", "nest", "huge", "types", "controls",
                 "encoding"),
    "page": ("truncate", "flip", "splice", "duplicate", "nest", "attributes", "huge",
             "controls", "encoding", "jsonld"),
    "opml": ("truncate", "flip", "splice", "duplicate", "nest", "attributes", "huge",
             "controls", "encoding", "entities"),
}  # fmt: skip
"""The mutations each kind of input gets, taken in turn."""

HTML_TYPE = "text/html; charset=utf-8"
FEED_TYPES = {
    "rss": "application/rss+xml; charset=utf-8",
    "atom": "application/atom+xml; charset=utf-8",
    "jsonfeed": "application/feed+json; charset=utf-8",
}
JSON_FEED = "https://jsonfeed.org/version/1.1"
DAY = "2024-03-05"
RFC822 = "Tue, 05 Mar 2024 12:00:00 GMT"
STAMP = "2024-03-05T12:00:00Z"
NON_ASCII = "Café – naïve résumé “quoted” in Zürich"
"""Text that is not ASCII, so that encoding mutations change the bytes."""
WORST = "\udfff\ud800\x00\x01\x08\x0b\x0c\x1b\x7f\x85\x9f\ufffe\uffff\ufeff\u202e\u2066\u200f"
"""Lone surrogates, NUL and other controls, noncharacters, a BOM, bidi controls."""
XML_CONTROLS = "\x85\x9f\u202e\u202d\u2066\u2067\u200f\u061c\ufeff"
"""Controls and bidi overrides an XML document may hold raw (C1 controls, format characters)."""
TRACEBACK = "Traceback (most recent call last)"
LONG_MESSAGE = 1000
"""Characters of a stderr line past which a message is not the one short line it should be."""
DEPTHS = (10, 100, 1_000, 10_000, 100_000)
COUNTS = (2, 10, 100, 1_000, 20_000)
SIZES = (100_000, 1_000_000, 3_000_000)
PROBE = "/entity-probe"
"""Where XML external entities point: a parser that fetches them shows in the server's log."""

WORDS = """
council budget vote mayor residents hall school river bridge road market price farmers harvest
storm rain police court judge ruling hospital doctors nurses patients union strike workers
factory port ship cargo train station airport flight delay election ballot candidate party
senate bill law tax rate bank loan housing rent tenant landlord museum library park festival
concert theatre film team coach match season league injury victory defeat fans stadium weather
forecast heat drought flood fire crews forest wildlife research university students teachers
exam report study data survey company profit shares investors energy power grid solar wind coal
gas pipeline water supply ministry minister official spokesperson statement plan proposal
project contract deal talks agreement border trade export import tariff economy growth
inflation jobs wages pension clinic vaccine virus outbreak health care insurance safety
inspection audit fraud charges arrest trial jury verdict appeal prison sentence protest march
crowd square church village town county district region province island coast mountain valley
northern southern eastern western local national international annual monthly weekly early
late new old large small major minor public private federal rural urban
""".split()


# -- good records --------------------------------------------------------------------------


def prose(rng: random.Random, paragraphs: int = 3) -> list[str]:
    """Paragraphs of random words: no two records share a run of five words."""
    out = []
    for _ in range(paragraphs):
        sentences = [
            " ".join(rng.choice(WORDS) for _ in range(rng.randint(10, 16))).capitalize() + "."
            for _ in range(3)
        ]
        out.append(" ".join(sentences))
    return out


def page_html(title: str, paragraphs: Sequence[str], head: str = "", body: str = "") -> str:
    """An article page trafilatura reads: a title, a headline and three paragraphs."""
    text = "".join(f"<p>{html.escape(p)}</p>" for p in paragraphs)
    return (
        f"<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
        f"<title>{html.escape(title)}</title>{head}</head><body{body}><article>"
        f"<h1>{html.escape(title)}</h1>{text}</article></body></html>"
    )


class Site:
    """What the local server serves: resources by path, put there as inputs are built."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url.rstrip("/")
        self.resources: dict[str, tuple[bytes, str]] = {}

    def put(self, path: str, body: bytes, content_type: str) -> str:
        self.resources[path] = (body, content_type)
        return self.base_url + path

    def handle(self, request: Any) -> Any:
        if request.path == "/robots.txt":
            return web_server.Response(200, b"User-agent: *\nAllow: /\n", {})
        found = self.resources.get(request.path)
        if found is None:
            return web_server.Response(404, b"not found", {"Content-Type": "text/plain"})
        body, content_type = found
        return web_server.Response(200, body, {"Content-Type": content_type})


class Build:
    """What a case builds its input with: its own random numbers, good records, the server."""

    def __init__(self, site: Site, seed: int, name: str) -> None:
        self.site = site
        self.seed = seed
        self.name = name
        self.rng = random.Random(f"{seed}:{name}")

    def story(self, tag: str) -> tuple[str, list[str]]:
        """A title and paragraphs of the case's own."""
        rng = random.Random(f"{self.seed}:{self.name}:{tag}")
        title = " ".join(rng.choice(WORDS) for _ in range(6)).capitalize()
        return title, prose(rng)

    def page(self, tag: str) -> str:
        """A good page on the server; its URL."""
        title, paragraphs = self.story(tag)
        body = page_html(title, paragraphs).encode()
        return self.site.put(f"/p/{self.name}-{tag}.html", body, HTML_TYPE)

    def missing(self, tag: str) -> str:
        """A URL on the server that answers 404."""
        return f"{self.site.base_url}/missing/{self.name}-{tag}.html"

    def record(self, tag: str, **fields: Any) -> dict[str, Any]:
        """A good JSONL record, id ``NAME-TAG``."""
        title, paragraphs = self.story(tag)
        record: dict[str, Any] = {
            "id": f"{self.name}-{tag}",
            "url": f"https://dump.test/{self.name}/{tag}",
            "outlet": "Dump Test",
            "published": DAY,
            "title": title,
            "text": "\n\n".join(paragraphs),
            "lang": "en",
        }
        record.update(fields)
        return record

    def warc_url(self, tag: str) -> str:
        return f"https://warc.test/{self.name}/{tag}"

    def warc_page(self, tag: str, title: str | None = None, head: str = "") -> bytes:
        """A good WARC response record of an article page, at ``warc_url(tag)``."""
        story_title, paragraphs = self.story(tag)
        body = page_html(title if title is not None else story_title, paragraphs, head)
        return warc_record(self.warc_url(tag), http_block(body.encode("utf-8", "surrogatepass")))


def line(record: object) -> bytes:
    return json.dumps(record).encode()


def http_block(body: bytes, content_type: str = HTML_TYPE, extra: bytes = b"") -> bytes:
    return (
        b"HTTP/1.1 200 OK\r\nContent-Type: " + content_type.encode() + b"\r\nContent-Length: "
        + str(len(body)).encode() + b"\r\n" + extra + b"\r\n" + body
    )  # fmt: skip


def warc_record(
    url: str | bytes | None,
    block: bytes,
    *,
    kind: bytes = b"response",
    length: bytes | None = None,
) -> bytes:
    """A WARC/1.0 record around ``block`` (``url`` None: no WARC-Target-URI)."""
    target = url.encode() if isinstance(url, str) else url
    record_id = uuid.UUID(bytes=hashlib.md5((target or b"") + block[:4096]).digest())
    lines = [b"WARC/1.0", b"WARC-Type: " + kind]
    if target is not None:
        lines.append(b"WARC-Target-URI: " + target)
    lines += [
        b"WARC-Date: " + STAMP.encode(),
        f"WARC-Record-ID: <urn:uuid:{record_id}>".encode(),
        b"Content-Type: application/http; msgtype=response",
        b"Content-Length: " + (length if length is not None else str(len(block)).encode()),
    ]
    return b"\r\n".join(lines) + b"\r\n\r\n" + block + b"\r\n\r\n"


def rss_item(link: str, title: str, description: str = "", date: str = RFC822) -> str:
    return (
        f"<item><title>{html.escape(title)}</title><link>{html.escape(link)}</link>"
        f"<guid>{html.escape(link)}</guid><pubDate>{date}</pubDate>"
        f"<description>{html.escape(description)}</description></item>"
    )


def rss_doc(items: str, root: str = '<rss version="2.0">') -> str:
    return (
        f'<?xml version="1.0" encoding="utf-8"?>\n{root}<channel>'
        f"<title>Robustness {html.escape(NON_ASCII)}</title><link>http://127.0.0.1/</link>"
        f"<description>hostile input</description>{items}</channel></rss>\n"
    )


def atom_entry(link: str, title: str, summary: str = "", date: str = STAMP) -> str:
    return (
        f"<entry><title>{html.escape(title)}</title>"
        f'<link rel="alternate" href="{html.escape(link)}"/><id>{html.escape(link)}</id>'
        f"<updated>{date}</updated><published>{date}</published>"
        f"<summary>{html.escape(summary)}</summary><author><name>A. Writer</name></author>"
        "</entry>"
    )


def atom_doc(entries: str, root: str = '<feed xmlns="http://www.w3.org/2005/Atom">') -> str:
    return (
        f'<?xml version="1.0" encoding="utf-8"?>\n{root}'
        f"<title>Robustness {html.escape(NON_ASCII)}</title><id>urn:robustness</id>"
        f'<updated>{STAMP}</updated><link href="http://127.0.0.1/"/>{entries}</feed>\n'
    )


def json_item(link: str, title: str, **fields: Any) -> dict[str, Any]:
    item: dict[str, Any] = {
        "id": link,
        "url": link,
        "title": title,
        "content_text": f"{title}. {NON_ASCII}.",
        "date_published": STAMP,
        "authors": [{"name": "A. Writer"}],
    }
    item.update(fields)
    return item


def json_feed(items: Sequence[object], **fields: Any) -> dict[str, Any]:
    feed: dict[str, Any] = {
        "version": JSON_FEED,
        "title": f"Robustness {NON_ASCII}",
        "home_page_url": "http://127.0.0.1/",
        "items": list(items),
    }
    feed.update(fields)
    return feed


def outline(url: str, title: str) -> str:
    label = html.escape(title, quote=True)
    return f'<outline type="rss" text="{label}" title="{label}" xmlUrl="{html.escape(url)}"/>'


def opml_doc(middle: str, before: str = "", after: str = "") -> bytes:
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n<opml version="2.0"><head>'
        f"<title>Subscriptions {html.escape(NON_ASCII)}</title></head><body>\n"
        f"{before}\n{middle}\n{after}\n</body></opml>\n"
    ).encode()


# -- inputs ---------------------------------------------------------------------------------


@dataclass
class Dump:
    """A JSONL dump: a good line, ``middle``, a good line; ``expected`` ids of ``middle``
    that must be stored; ``bom``: the file opens with a UTF-8 BOM."""

    middle: bytes
    expected: list[str] = field(default_factory=list)
    bom: bool = False


@dataclass
class Archive:
    """A WARC archive: a good record, ``parts``, a good record. A part is a record
    (gzipped on its own in a ``.warc.gz``) or, ``raw``, bytes written as they are."""

    parts: list[tuple[bytes, bool]]
    gz: bool = False
    expected: list[str] = field(default_factory=list)


@dataclass
class FeedDoc:
    """A feed served on 127.0.0.1; ``expected`` pages of it that must be stored."""

    body: bytes
    content_type: str
    expected: list[str] = field(default_factory=list)


@dataclass
class PageDoc:
    """A page linked from a good feed between two good pages; ``stored``: it must be stored."""

    body: bytes
    content_type: str = HTML_TYPE
    stored: bool = False


@dataclass
class OpmlDoc:
    """An OPML file; ``expected`` feed URLs in it that must be stored."""

    body: bytes
    expected: list[str] = field(default_factory=list)


Payload = Dump | Archive | FeedDoc | PageDoc | OpmlDoc


@dataclass
class Case:
    name: str
    kind: str
    cls: str
    make: Callable[[Build], Payload]
    heavy: bool = False
    op: str | None = None


# -- mutations ------------------------------------------------------------------------------

TAG = re.compile(rb"<[^<>]{1,200}>")
START_TAG = re.compile(rb"<[A-Za-z][\w:.-]*")
JSON_PIECE = re.compile(
    rb'"[^"\\]{0,40}"\s*:\s*(?:"[^"\\]{0,200}"|-?[0-9.eE+]+|true|false|null)|[\[{]'
)
HEADER_LINE = re.compile(rb"[^\r\n]{1,300}\r\n")
SENTINEL = "\x00@@robustness@@"
RAW_VALUES = (
    b"0", b"-1", b"1.5", b"1e999", b"-1e999", b"NaN", b"Infinity", b"true", b"false", b"null",
    b"[]", b"{}", b'""', b'" "', b'[1, "a", null, {"b": []}]', b'{"name": 3, "url": []}',
    b'"not a date"', b'"0001-01-01T00:00:00Z"', b'"9999-12-31T23:59:59Z"', b'"\\ud800"',
    b'"ftp://example.org/x"', b"123456789012345678901234567890", b"9" * 5000,
)  # fmt: skip
MARKUP_PIECES = (
    b"&#0;", b"&#1;", b"&#xD800;", b"&#99999999999;", b"&#x110000;", b"&#x202E;", b"&bogus;",
    b"\xed\xa0\x80", b"\xff\xfe", b"\xc0\xaf", b"]]>", b"<![CDATA[", b"<!--", b"<?", b"&",
)  # fmt: skip
JSON_PIECES = (b"\\u0000", b"\\ud800", b"\\udfff\\ud800", b"\\", b'"', b"\xed\xa0\x80", b"\xff")
WRONG_CHARSETS = ("utf-16", "utf-7", "cp037", "x-bogus", "rot13", "iso-2022-jp", "latin-1", "")


def truncate(rng: random.Random, data: bytes) -> bytes:
    return data[: rng.randrange(len(data))] if data else data


def flip(rng: random.Random, data: bytes) -> bytes:
    out = bytearray(data)
    for _ in range(rng.choice((1, 3, 10, 50))):
        if out:
            out[rng.randrange(len(out))] ^= rng.randrange(1, 256)
    return bytes(out)


def splice(rng: random.Random, data: bytes) -> bytes:
    return insert(rng, data, rng.randbytes(rng.choice((1, 16, 256, 4096))))


def insert(rng: random.Random, data: bytes, piece: bytes) -> bytes:
    at = rng.randrange(len(data) + 1)
    return data[:at] + piece + data[at:]


def duplicate(rng: random.Random, data: bytes, pattern: re.Pattern[bytes]) -> bytes:
    """One piece (a tag, a JSON member, a header line) repeated many times in place."""
    spans = [m.span() for m in pattern.finditer(data)]
    if not spans:
        return data * 2
    start, end = rng.choice(spans)
    return data[:end] + data[start:end] * rng.choice(COUNTS) + data[end:]


def controls(rng: random.Random, data: bytes, pieces: Sequence[bytes]) -> bytes:
    """Hostile characters (raw, as references or escapes, lone surrogates) put anywhere."""
    for _ in range(rng.choice((1, 5, 50))):
        if rng.random() < 0.5:
            char = rng.choice(WORST)
            piece = char.encode("utf-8", "surrogatepass")
        else:
            piece = rng.choice(pieces)
        data = insert(rng, data, piece)
    return data


def nest_markup(rng: random.Random, data: bytes) -> bytes:
    depth = rng.choice(DEPTHS)
    tag = rng.choice((b"div", b"item", b"entry", b"p", b"b", b"outline", b"span", b"channel"))
    closing = (b"</" + tag + b">") * depth if rng.random() < 0.5 else b""
    nested = (b"<" + tag + b">") * depth + closing
    return insert(rng, data, nested)


def many_attributes(rng: random.Random, data: bytes) -> bytes:
    """An element with many attributes, a repeated one, bare ones, or one huge value."""
    tags = [m.end() for m in START_TAG.finditer(data)]
    at = rng.choice(tags) if tags else 0
    count = rng.choice((65, 1_000, 100_000))
    variant = rng.choice(("many", "huge", "unquoted", "repeated", "bare"))
    if variant == "many":
        extra = "".join(f' a{i}="{i}"' for i in range(count)).encode()
    elif variant == "huge":
        extra = b' data-x="' + b"x" * rng.choice(SIZES[:2]) + b'"'
    elif variant == "unquoted":
        extra = b" data-x=" + b"x" * rng.choice(SIZES[:2])
    elif variant == "repeated":
        extra = b' a="1"' * count
    else:
        extra = b" a" * count
    return data[:at] + extra + data[at:]


def encode_markup(rng: random.Random, data: bytes, content_type: str) -> tuple[bytes, str]:
    """The document in another encoding than it says, or saying another than it is in."""
    text = data.decode("utf-8", "replace")
    variant = rng.choice(
        ("utf-16", "utf-16-declared", "utf-32", "declared-wrong", "charset-wrong", "latin-1",
         "ebcdic", "bom-mismatch")
    )  # fmt: skip
    if variant == "utf-16":
        return text.encode("utf-16"), content_type
    if variant == "utf-16-declared":
        declared = text.replace('encoding="utf-8"', 'encoding="utf-16"')
        declared = declared.replace("charset='utf-8'", "charset='utf-16'")
        return declared.encode(rng.choice(("utf-16-le", "utf-16-be"))), content_type
    if variant == "utf-32":
        return text.encode("utf-32"), content_type
    if variant == "declared-wrong":
        wrong = rng.choice(WRONG_CHARSETS).encode()
        out = data.replace(b'encoding="utf-8"', b'encoding="' + wrong + b'"')
        return out.replace(b"charset='utf-8'", b"charset='" + wrong + b"'"), content_type
    if variant == "charset-wrong":
        kind = content_type.split(";")[0]
        return data, f"{kind}; charset={rng.choice(WRONG_CHARSETS)}"
    if variant == "latin-1":
        return text.encode(rng.choice(("latin-1", "cp1252")), "replace"), content_type
    if variant == "ebcdic":
        return text.encode("cp037", "replace"), content_type
    return b"\xff\xfe" + data, content_type


def xml_entities(rng: random.Random, data: bytes, site: Site) -> bytes:
    """A DTD: entities that expand a billion times, external ones (over HTTP, from files),
    parameter entities, or a reference to no entity."""
    variant = rng.choice(("laughs", "external-http", "external-file", "parameter", "undefined"))
    reference = b"&e;"
    if variant == "laughs":
        levels = "".join(f'<!ENTITY a{i} "{f"&a{i - 1};" * 10}">' for i in range(1, 10))
        dtd = f'<!DOCTYPE r [<!ENTITY a0 "lol">{levels}<!ENTITY e "&a9;">]>'
    elif variant == "external-http":
        dtd = f'<!DOCTYPE r [<!ENTITY e SYSTEM "{site.base_url}{PROBE}">]>'
    elif variant == "external-file":
        target = rng.choice(("file:///dev/zero", "file:///etc/passwd", "/dev/urandom"))
        dtd = f'<!DOCTYPE r [<!ENTITY e SYSTEM "{target}">]>'
    elif variant == "parameter":
        dtd = f'<!DOCTYPE r [<!ENTITY % p SYSTEM "{site.base_url}{PROBE}"> %p;]>'
    else:
        dtd = ""
        reference = b"&undefined;"
    end = data.find(b"?>")
    at = end + 2 if end != -1 else 0
    out = data[:at] + dtd.encode() + data[at:]
    title = out.find(b"<title>")
    if title != -1:
        out = out[: title + 7] + reference + out[title + 7 :]
    return out


def mutate_markup(
    rng: random.Random, op: str, data: bytes, content_type: str, site: Site
) -> tuple[bytes, str]:
    """``data`` (a feed, a page, a piece of OPML) mutated by ``op``."""
    if op == "truncate":
        return truncate(rng, data), content_type
    if op == "flip":
        return flip(rng, data), content_type
    if op == "splice":
        return splice(rng, data), content_type
    if op == "duplicate":
        return duplicate(rng, data, TAG), content_type
    if op == "nest":
        return nest_markup(rng, data), content_type
    if op == "attributes":
        return many_attributes(rng, data), content_type
    if op == "huge":
        return insert(rng, data, b"x" * rng.choice(SIZES)), content_type
    if op == "controls":
        return controls(rng, data, MARKUP_PIECES), content_type
    if op == "encoding":
        return encode_markup(rng, data, content_type)
    if op == "entities":
        return xml_entities(rng, data, site), content_type
    raise ValueError(op)


def json_paths(value: Any, prefix: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    yield prefix
    if isinstance(value, dict):
        for key, child in value.items():
            yield from json_paths(child, (*prefix, key))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            yield from json_paths(child, (*prefix, index))


def json_with(rng: random.Random, value: Any, raw: bytes, *, strings: bool = False) -> bytes:
    """``value`` serialised with ``raw`` JSON text in place of one of its members (only a
    string member with ``strings``, ``raw`` then spliced into it)."""
    paths = list(json_paths(value))
    if strings:
        paths = [p for p in paths if isinstance(_get(value, p), str)] or paths
    path = rng.choice(paths)
    changed = copy.deepcopy(value)
    if strings and isinstance(_get(value, path), str):
        old = str(_get(value, path))
        cut = rng.randrange(len(old) + 1)
        encoded = json.dumps(old[:cut] + SENTINEL + old[cut:]).encode()
        marker = json.dumps(SENTINEL).encode()[1:-1]
        raw = encoded.replace(marker, raw)
    if not path:
        return raw
    parent = _get(changed, path[:-1])
    parent[path[-1]] = SENTINEL
    return json.dumps(changed).encode().replace(json.dumps(SENTINEL).encode(), raw)


def _get(value: Any, path: Sequence[Any]) -> Any:
    for key in path:
        value = value[key]
    return value


def nested_json(rng: random.Random, depth: int) -> bytes:
    if rng.random() < 0.5:
        return b"[" * depth + b"]" * depth
    return b'{"a":' * depth + b"1" + b"}" * depth


def huge_json(rng: random.Random) -> bytes:
    size = rng.choice(SIZES)
    variant = rng.choice(("string", "keys", "list", "digits"))
    if variant == "string":
        return b'"' + b"x" * size + b'"'
    if variant == "keys":
        return b"{" + b",".join(b'"k%d": %d' % (i, i) for i in range(size // 20)) + b"}"
    if variant == "list":
        return b"[" + b",".join([b"1"] * (size // 2)) + b"]"
    return b"9" * size


def encode_json(rng: random.Random, data: bytes) -> bytes:
    text = data.decode("utf-8", "replace")
    variant = rng.choice(("utf-16", "utf-16-le", "utf-32", "latin-1", "bom", "overlong"))
    if variant == "utf-16":
        return text.encode("utf-16")
    if variant == "utf-16-le":
        return text.encode("utf-16-le")
    if variant == "utf-32":
        return text.encode("utf-32")
    if variant == "latin-1":
        return text.encode(rng.choice(("latin-1", "cp1252")), "replace")
    if variant == "bom":
        return b"\xef\xbb\xbf" + data
    return data.replace(b"/", b"\xc0\xaf")


def mutate_json(rng: random.Random, op: str, value: Any) -> bytes:
    """``value`` (a record, a feed) serialised and mutated by ``op``."""
    data = json.dumps(value).encode()
    if op == "truncate":
        return truncate(rng, data)
    if op == "flip":
        return flip(rng, data)
    if op == "splice":
        return splice(rng, data)
    if op == "duplicate":
        return duplicate(rng, data, JSON_PIECE)
    if op == "nest":
        return json_with(rng, value, nested_json(rng, rng.choice(DEPTHS)))
    if op == "huge":
        return json_with(rng, value, huge_json(rng))
    if op == "types":
        return json_with(rng, value, rng.choice(RAW_VALUES))
    if op == "controls":
        if rng.random() < 0.5:
            return json_with(rng, value, rng.choice(JSON_PIECES), strings=True)
        return controls(rng, data, JSON_PIECES)
    if op == "encoding":
        return encode_json(rng, data)
    raise ValueError(op)


# -- the named classes ---------------------------------------------------------------------


def jsonl_cases() -> list[Case]:
    def lone_surrogate(b: Build) -> Dump:
        record = b.record(
            "h0",
            title="Council \ud800 approves \udfff budget \ud83d\ude00",
            outlet="Out\udc00let",
            text=b.record("h0")["text"] + " \ud800 end.",
            authors=["A. \udfffWriter"],
        )
        return Dump(line(record), [record["id"]])

    def nested(b: Build) -> Dump:
        deep = b.record("x0", extra=None)
        base = json.dumps(deep).encode().replace(b"null", b"[" * 100_000 + b"]" * 100_000)
        lines = [base, b"[" * 100_000 + b"]" * 100_000, b'{"a":' * 100_000 + b"1" + b"}" * 100_000]
        return Dump(b"\n".join(lines))

    def dates(b: Build) -> Dump:
        records = [
            b.record("h0", published="0001-01-01"),
            b.record("h1", published="9999-12-31"),
            b.record("h2", published="9999-12-31T23:59:59+14:00"),
        ]
        bad = b.record("x0", published="0000-00-00")
        return Dump(b"\n".join(map(line, [*records, bad])), [r["id"] for r in records])

    def undecodable(b: Build) -> Dump:
        good = line(b.record("x0"))
        lines = [
            good.replace(b"Dump Test", b"Caf\xe9 \xff\xfe"),
            b"\xc3\x28\xa0\xa1",
            good.replace(b"Dump Test", b"\xed\xa0\x80"),
            good.replace(b"/", b"\xc0\xaf"),
        ]
        return Dump(b"\n".join(lines))

    def controls_bidi(b: Build) -> Dump:
        text = b.record("h0")["text"]
        record = b.record(
            "h0",
            title=f"Mayor{WORST} says \u202ebudget\u202c is {XML_CONTROLS}fine",
            outlet="Dump\u202e Test\x07",
            text=f"{text[:40]}\x01\x1b\u2066{text[40:]}\u202e",
        )
        return Dump(line(record), [record["id"]])

    def hundred_kb(b: Build) -> Dump:
        big = "x" * 100_000
        lines = [
            line(b.record("x0", url="ftp://" + big)),
            line(b.record("x1", published=big)),
            line(b.record("x2", text=None, title=big)),
            line(b.record("x3", lang=[big])),
            b'{"id": "x4", "url": "https://dump.test/x4", "text": ' + b"9" * 100_000 + b"}",
            line({"id": big, "url": "https://dump.test/" + big}),
            b'{"id": "' + big.encode() + b'", ' * 2,
        ]
        return Dump(b"\n".join(lines))

    def bom(b: Build) -> Dump:
        record = b.record("h0", title="A \ufeff inside the title")
        return Dump(line(record), [record["id"]], bom=True)

    return [
        Case("jsonl-lone-surrogate", "jsonl", "jsonl/lone-surrogate", lone_surrogate),
        Case("jsonl-nested-100000", "jsonl", "jsonl/nested-100000", nested),
        Case("jsonl-dates-0001-9999", "jsonl", "jsonl/dates-0001-9999", dates),
        Case("jsonl-undecodable", "jsonl", "jsonl/undecodable", undecodable),
        Case("jsonl-controls-bidi", "jsonl", "jsonl/controls-bidi", controls_bidi),
        Case("jsonl-100kb-value", "jsonl", "jsonl/100kb-value", hundred_kb),
        Case("jsonl-bom", "jsonl", "jsonl/bom", bom),
    ]


def warc_cases() -> list[Case]:
    def no_target(gz: bool) -> Callable[[Build], Archive]:
        def make(b: Build) -> Archive:
            title, paragraphs = b.story("x0")
            block = http_block(page_html(title, paragraphs).encode())
            return Archive([(warc_record(None, block), False)], gz)

        return make

    def too_long(gz: bool) -> Callable[[Build], Archive]:
        def make(b: Build) -> Archive:
            record = b.warc_page("x0")
            head, _, rest = record.partition(b"Content-Length: ")
            length, _, tail = rest.partition(b"\r\n")
            longer = str(int(length) + 5000).encode()
            return Archive([(head + b"Content-Length: " + longer + b"\r\n" + tail, False)], gz)

        return make

    def gigabyte(b: Build) -> Archive:
        prefix = b"<!DOCTYPE html><html><head><title>Bomb</title></head><body><p>"
        size = 1 << 30
        headers = (
            b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: "
            + str(len(prefix) + size).encode() + b"\r\n\r\n"
        )  # fmt: skip
        block_length = len(headers) + len(prefix) + size
        head = warc_record(b.warc_url("x0"), b"", length=str(block_length).encode())[:-4]
        compressor = zlib.compressobj(9, zlib.DEFLATED, 31)
        parts = [compressor.compress(head + headers + prefix)]
        spaces = b" " * (1 << 20)
        parts += [compressor.compress(spaces) for _ in range(size // len(spaces))]
        parts += [compressor.compress(b"\r\n\r\n"), compressor.flush()]
        return Archive([(b"".join(parts), True)], gz=True)

    def undecodable(b: Build) -> Archive:
        title, paragraphs = b.story("h0")
        body = page_html(title, paragraphs).encode().replace(b" the ", b" \xff\xfe\xc3\x28 ")
        body = body.replace(b"<p>", b"<p>\xed\xa0\x80 caf\xe9 ", 1)
        return Archive([(warc_record(b.warc_url("h0"), http_block(body)), False)], False,
                       [b.warc_url("h0")])  # fmt: skip

    def controls_bidi(b: Build) -> Archive:
        title = f"Mayor{WORST} says \u202ebudget\u202c{XML_CONTROLS}"
        return Archive([(b.warc_page("h0", title=title), False)], True, [b.warc_url("h0")])

    def hundred_kb(b: Build) -> Archive:
        big = b"x" * 100_000
        title, paragraphs = b.story("x0")
        block = http_block(page_html(title, paragraphs).encode())
        return Archive(
            [
                (warc_record(b"ftp://" + big, block), False),
                (warc_record(b.warc_url("x1"), block, length=b"9" * 100_000), False),
                (warc_record(b.warc_url("x2"), block, kind=big), False),
            ]
        )

    return [
        Case("warc-no-target-uri", "warc", "warc/no-target-uri", no_target(False)),
        Case("warc-no-target-uri-gz", "warc", "warc/no-target-uri", no_target(True)),
        Case("warc-gz-1gb", "warc", "warc/gz-1gb", gigabyte, heavy=True),
        Case("warc-content-length-long", "warc", "warc/content-length-long", too_long(False)),
        Case("warc-content-length-long-gz", "warc", "warc/content-length-long", too_long(True)),
        Case("warc-undecodable", "warc", "warc/undecodable", undecodable),
        Case("warc-controls-bidi", "warc", "warc/controls-bidi", controls_bidi),
        Case("warc-100kb-value", "warc", "warc/100kb-value", hundred_kb),
    ]


def feed_cases() -> list[Case]:
    def control_in_description(b: Build) -> FeedDoc:
        links = [b.page(f"h{i}") for i in range(3)]
        items = (
            rss_item(links[0], "First", "<p>bad \x01 char</p>")
            + rss_item(links[1], "Second", "<p>ref &#1; here</p>")
            + rss_item(links[2], "Third", "<p>fine</p>")
        )
        return FeedDoc(rss_doc(items).encode(), FEED_TYPES["rss"], links)

    def rss_dates(b: Build) -> FeedDoc:
        links = [b.page(f"h{i}") for i in range(3)]
        items = (
            rss_item(links[0], "Year one", date="Mon, 01 Jan 0001 00:00:00 GMT")
            + rss_item(links[1], "Year 9999", date="Fri, 31 Dec 9999 23:59:59 GMT")
            + rss_item(links[2], "Year zero", date="Sat, 00 Jan 0000 99:99:99 GMT")
        )
        return FeedDoc(rss_doc(items).encode(), FEED_TYPES["rss"], links)

    def atom_dates(b: Build) -> FeedDoc:
        links = [b.page(f"h{i}") for i in range(3)]
        entries = (
            atom_entry(links[0], "Year one", date="0001-01-01T00:00:00Z")
            + atom_entry(links[1], "Year 9999", date="9999-12-31T23:59:59Z")
            + atom_entry(links[2], "Year zero", date="0000-00-00T99:99:99Z")
        )
        return FeedDoc(atom_doc(entries).encode(), FEED_TYPES["atom"], links)

    def json_dates(b: Build) -> FeedDoc:
        links = [b.page(f"h{i}") for i in range(3)]
        items = [
            json_item(links[0], "Year one", date_published="0001-01-01T00:00:00Z"),
            json_item(links[1], "Year 9999", date_published="9999-12-31T23:59:59Z"),
            json_item(links[2], "Year zero", date_published="0000-00-00", date_modified="x"),
        ]
        return FeedDoc(json.dumps(json_feed(items)).encode(), FEED_TYPES["jsonfeed"], links)

    def json_surrogate(b: Build) -> FeedDoc:
        links = [b.page(f"h{i}") for i in range(2)]
        items = [
            json_item(links[0], "a\ud800b", summary="\udfff", content_text="c\udfffd",
                      authors=[{"name": "\ud800"}]),
            json_item(links[1], "Neighbour"),
        ]  # fmt: skip
        body = json.dumps(json_feed(items, title="T\udc00")).encode()
        return FeedDoc(body, FEED_TYPES["jsonfeed"], links)

    def json_nested(b: Build) -> FeedDoc:
        link = b.page("x0")
        body = json.dumps(json_feed([json_item(link, "Deep", extra=None)])).encode()
        body = body.replace(b"null", b"[" * 100_000 + b"]" * 100_000)
        return FeedDoc(body, FEED_TYPES["jsonfeed"])

    def json_wrong_types(b: Build) -> FeedDoc:
        links = [b.page(f"h{i}") for i in range(8)]
        odd: list[dict[str, Any]] = [
            {"date_published": 12345},
            {"date_published": [STAMP]},
            {"date_published": {"at": STAMP}, "date_modified": True},
            {"authors": 5},
            {"authors": "me", "author": "me"},
            {"authors": [1, "x", None, {"name": 3}, {"name": ["A"]}]},
            {"title": {"a": 1}, "summary": [1], "content_html": 7, "content_text": None},
            {"id": ["x"], "tags": "politics", "image": 5},
        ]
        pairs = enumerate(zip(links, odd, strict=True))
        items = [{**json_item(link, f"Typed {n}"), **fields} for n, (link, fields) in pairs]
        return FeedDoc(json.dumps(json_feed(items)).encode(), FEED_TYPES["jsonfeed"], links)

    def rss_undecodable(b: Build) -> FeedDoc:
        links = [b.page(f"x{i}") for i in range(2)]
        body = rss_doc(rss_item(links[0], "Caf-e") + rss_item(links[1], "Second")).encode()
        return FeedDoc(body.replace(b"Caf-e", b"Caf\xe9 \xff\xfe \xed\xa0\x80"), FEED_TYPES["rss"])

    def json_undecodable(b: Build) -> FeedDoc:
        body = json.dumps(json_feed([json_item(b.page("x0"), "Caf-e")])).encode()
        return FeedDoc(body.replace(b"Caf-e", b"Caf\xe9 \xff\xfe"), FEED_TYPES["jsonfeed"])

    def root_attributes(kind: str) -> Callable[[Build], FeedDoc]:
        def make(b: Build) -> FeedDoc:
            many = " ".join(f'a{i}="1"' for i in range(100_000))
            if kind == "rss":
                body = rss_doc(rss_item(b.page("x0"), "A"), root=f'<rss version="2.0" {many}>')
            else:
                root = f'<feed xmlns="http://www.w3.org/2005/Atom" {many}>'
                body = atom_doc(atom_entry(b.page("x0"), "A"), root=root)
            return FeedDoc(body.encode(), FEED_TYPES[kind])

        return make

    def million_unclosed(b: Build) -> FeedDoc:
        links = [b.page(f"h{i}") for i in range(2)]
        items = rss_item(links[0], "First") + rss_item(links[1], "Second") + "<a>" * 1_000_000
        return FeedDoc(rss_doc(items).encode(), FEED_TYPES["rss"], links)

    def rss_20000(b: Build) -> FeedDoc:
        links = [b.page(f"h{i}") for i in range(3)]
        rest = [b.missing(f"n{i}") for i in range(20_000 - len(links))]
        items = "".join(rss_item(link, f"Item {n}") for n, link in enumerate(links + rest))
        return FeedDoc(rss_doc(items).encode(), FEED_TYPES["rss"], links)

    def json_20000(b: Build) -> FeedDoc:
        links = [b.page(f"h{i}") for i in range(3)]
        rest = [b.missing(f"n{i}") for i in range(20_000 - len(links))]
        items = [json_item(link, f"Item {n}") for n, link in enumerate(links + rest)]
        return FeedDoc(json.dumps(json_feed(items)).encode(), FEED_TYPES["jsonfeed"], links)

    def controls_bidi(kind: str) -> Callable[[Build], FeedDoc]:
        def make(b: Build) -> FeedDoc:
            links = [b.page(f"h{i}") for i in range(2)]
            title = f"Mayor {XML_CONTROLS} says \u202ebudget\u202c"
            if kind == "jsonfeed":
                items = [json_item(links[0], title + WORST), json_item(links[1], "Neighbour")]
                body = json.dumps(json_feed(items)).encode()
            elif kind == "rss":
                xml = rss_doc(rss_item(links[0], title) + rss_item(links[1], "Neighbour"))
                body = xml.replace("Mayor ", "Mayor &#x202E;&#1;&#x1b;").encode()
            else:
                xml = atom_doc(atom_entry(links[0], title) + atom_entry(links[1], "Neighbour"))
                body = xml.replace("Mayor ", "Mayor &#x202E;&#1;&#x1b;").encode()
            return FeedDoc(body, FEED_TYPES[kind], links)

        return make

    def rss_100kb(b: Build) -> FeedDoc:
        good = b.page("h0")
        long_link = f"{b.site.base_url}/p/{'a' * 100_000}"
        big = "x" * 100_000
        items = rss_item(long_link, big, big) + rss_item(good, "Neighbour")
        items = items.replace("<guid>", f"<guid>{big}", 1)
        return FeedDoc(rss_doc(items).encode(), FEED_TYPES["rss"], [good])

    def json_100kb(b: Build) -> FeedDoc:
        good = b.page("h0")
        big = "x" * 100_000
        items = [
            json_item(f"{b.site.base_url}/p/{'a' * 100_000}", big, id=big, summary=big),
            json_item(good, "Neighbour"),
        ]
        return FeedDoc(json.dumps(json_feed(items)).encode(), FEED_TYPES["jsonfeed"], [good])

    def long_tag(tag: str) -> Callable[[Build], FeedDoc]:
        def make(b: Build) -> FeedDoc:
            links = [b.page(f"h{i}") for i in range(2)]
            bad = rss_item(b.page("x0"), "Long & broken", f"<p>{tag}</p>")
            bad = bad.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
            items = rss_item(links[0], "First") + rss_item(links[1], "Second") + bad
            return FeedDoc(rss_doc(items).encode(), FEED_TYPES["rss"], links)

        return make

    def bad_charrefs(b: Build) -> FeedDoc:
        links = [b.page(f"h{i}") for i in range(2)]
        refs = "&#99999999999; &#xD800; &#0; &#1114112; &#x110000"
        items = rss_item(links[0], "Bad X ref & broken").replace("X", refs, 1)
        items = items.replace("&amp; broken", "& broken")
        return FeedDoc(rss_doc(items + rss_item(links[1], "Good")).encode(), FEED_TYPES["rss"],
                       links)  # fmt: skip

    def rss_entities(variant: str) -> Callable[[Build], FeedDoc]:
        def make(b: Build) -> FeedDoc:
            body = rss_doc(rss_item(b.page("x0"), "Entity")).encode()
            rng = random.Random(variant)
            while True:  # the variant asked for, from the generic operator
                out = xml_entities(rng, body, b.site)
                if variant.encode() in out or (variant == "laughs" and b"a9" in out):
                    return FeedDoc(out, FEED_TYPES["rss"])

        return make

    return [
        Case("rss-control-in-description", "rss", "rss/control-in-description",
             control_in_description),
        Case("rss-dates-0001-9999", "rss", "rss/dates-0001-9999", rss_dates),
        Case("atom-dates-0001-9999", "atom", "atom/dates-0001-9999", atom_dates),
        Case("jsonfeed-dates-0001-9999", "jsonfeed", "jsonfeed/dates-0001-9999", json_dates),
        Case("jsonfeed-lone-surrogate", "jsonfeed", "jsonfeed/lone-surrogate", json_surrogate),
        Case("jsonfeed-nested-100000", "jsonfeed", "jsonfeed/nested-100000", json_nested),
        Case("jsonfeed-wrong-types", "jsonfeed", "jsonfeed/wrong-types", json_wrong_types),
        Case("rss-undecodable", "rss", "rss/undecodable", rss_undecodable),
        Case("jsonfeed-undecodable", "jsonfeed", "jsonfeed/undecodable", json_undecodable),
        Case("rss-root-100000-attributes", "rss", "rss/root-100000-attributes",
             root_attributes("rss")),
        Case("atom-root-100000-attributes", "atom", "atom/root-100000-attributes",
             root_attributes("atom")),
        Case("rss-1m-unclosed", "rss", "rss/1m-unclosed", million_unclosed, heavy=True),
        Case("rss-20000-items", "rss", "rss/20000-items", rss_20000, heavy=True),
        Case("jsonfeed-20000-items", "jsonfeed", "jsonfeed/20000-items", json_20000,
             heavy=True),
        Case("rss-controls-bidi", "rss", "rss/controls-bidi", controls_bidi("rss")),
        Case("atom-controls-bidi", "atom", "atom/controls-bidi", controls_bidi("atom")),
        Case("jsonfeed-controls-bidi", "jsonfeed", "jsonfeed/controls-bidi",
             controls_bidi("jsonfeed")),
        Case("rss-100kb-value", "rss", "rss/100kb-value", rss_100kb),
        Case("jsonfeed-100kb-value", "jsonfeed", "jsonfeed/100kb-value", json_100kb),
        Case("rss-bad-charrefs", "rss", "rss/bad-charrefs", bad_charrefs),
        Case("rss-3mb-tag-name", "rss", "rss/long-tag", long_tag("<b" + "x" * 3_000_000 + ">")),
        Case("rss-1mb-end-tag", "rss", "rss/long-tag", long_tag("</b" + "x" * 1_000_000 + ">")),
        Case("rss-1mb-unquoted-attribute", "rss", "rss/long-tag",
             long_tag("<b a=" + "x" * 1_000_000 + ">")),
        Case("rss-billion-laughs", "rss", "rss/xml-entities", rss_entities("laughs")),
        Case("rss-external-entity", "rss", "rss/xml-entities", rss_entities(PROBE)),
        Case("rss-file-entity", "rss", "rss/xml-entities", rss_entities("file://")),
    ]  # fmt: skip


def page_cases() -> list[Case]:
    def page(b: Build, tag: str, head: str = "", body: str = "", title: str | None = None) -> str:
        story_title, paragraphs = b.story(tag)
        return page_html(story_title if title is None else title, paragraphs, head, body)

    def json_ld(b: Build) -> PageDoc:
        deep = "<script type='application/ld+json'>" + "[" * 50_000 + "]" * 50_000 + "</script>"
        return PageDoc(page(b, "h0", head=deep).encode(), stored=True)

    def body_attributes(b: Build) -> PageDoc:
        many = "".join(f' a{i}="1"' for i in range(100_000))
        return PageDoc(page(b, "x0", body=many).encode())

    def million_paragraphs(b: Build) -> PageDoc:
        return PageDoc(("<html><body>" + "<p>x" * 1_000_000 + "</body></html>").encode())

    def undecodable(b: Build) -> PageDoc:
        body = page(b, "h0").encode().replace(b" the ", b" \xff\xfe\xc3\x28 ")
        return PageDoc(body.replace(b"<p>", b"<p>\xed\xa0\x80 caf\xe9 ", 1), stored=True)

    def controls_bidi(b: Build) -> PageDoc:
        title = f"Mayor{WORST} says \u202ebudget\u202c{XML_CONTROLS}"
        return PageDoc(page(b, "h0", title=title).encode("utf-8", "surrogatepass"), stored=True)

    def dates(b: Build) -> PageDoc:
        head = (
            "<meta property='article:published_time' content='0001-01-01T00:00:00Z'>"
            "<meta name='date' content='9999-12-31'>"
            '<script type=\'application/ld+json\'>{"@type": "NewsArticle",'
            ' "datePublished": "9999-12-31T23:59:59Z", "dateModified": "0001-01-01"}</script>'
        )
        return PageDoc(page(b, "h0", head=head).encode(), stored=True)

    def hundred_kb(b: Build) -> PageDoc:
        big = "x" * 100_000
        head = f"<meta name='description' content='{big}'><meta name='author' content='{big}'>"
        return PageDoc(page(b, "h0", head=head, body=f" data-x='{big}'").encode(), stored=True)

    return [
        Case("page-jsonld-nested-50000", "page", "page/jsonld-nested-50000", json_ld),
        Case("page-body-100000-attributes", "page", "page/body-100000-attributes",
             body_attributes),
        Case("page-1m-paragraphs", "page", "page/1m-paragraphs", million_paragraphs,
             heavy=True),
        Case("page-undecodable", "page", "page/undecodable", undecodable),
        Case("page-controls-bidi", "page", "page/controls-bidi", controls_bidi),
        Case("page-dates-0001-9999", "page", "page/dates-0001-9999", dates),
        Case("page-100kb-value", "page", "page/100kb-value", hundred_kb),
    ]  # fmt: skip


def opml_goods(b: Build) -> tuple[str, str, list[str]]:
    urls = [f"http://feeds.test/{b.name}/a.xml", f"http://feeds.test/{b.name}/b.xml"]
    return outline(urls[0], "Good A"), outline(urls[1], "Good B"), urls


def opml_cases() -> list[Case]:
    def nested(b: Build) -> OpmlDoc:
        before, after, _ = opml_goods(b)
        middle = '<outline text="x">' * 50_000 + "</outline>" * 50_000
        return OpmlDoc(opml_doc(middle, before, after))

    def many(b: Build) -> OpmlDoc:
        before, after, _ = opml_goods(b)
        middle = "".join(outline(f"http://feeds.test/{b.name}/{i}", "x") for i in range(50_000))
        return OpmlDoc(opml_doc(middle, before, after))

    def undecodable(b: Build) -> OpmlDoc:
        before, after, _ = opml_goods(b)
        middle = outline(f"http://feeds.test/{b.name}/x", "Caf-e")
        return OpmlDoc(opml_doc(middle, before, after).replace(b"Caf-e", b"Caf\xe9 \xff\xfe"))

    def controls_bidi(b: Build) -> OpmlDoc:
        before, after, urls = opml_goods(b)
        url = f"http://feeds.test/{b.name}/h0.xml"
        middle = outline(url, f"Mayor {XML_CONTROLS} \u202ebudget").replace(
            "Mayor ", "Mayor &#x202E;&#x85;&#x9f;"
        )
        return OpmlDoc(opml_doc(middle, before, after), [*urls, url])

    def hundred_kb(b: Build) -> OpmlDoc:
        before, after, urls = opml_goods(b)
        big = "x" * 100_000
        url = f"http://feeds.test/{b.name}/h0.xml"
        middle = outline("ftp://" + big, big) + outline(url, big)
        return OpmlDoc(opml_doc(middle, before, after), [*urls, url])

    return [
        Case("opml-nested-50000", "opml", "opml/nested-50000", nested),
        Case("opml-50000-outlines", "opml", "opml/50000-outlines", many),
        Case("opml-undecodable", "opml", "opml/undecodable", undecodable),
        Case("opml-controls-bidi", "opml", "opml/controls-bidi", controls_bidi),
        Case("opml-100kb-value", "opml", "opml/100kb-value", hundred_kb),
    ]


# -- the generated mutations -----------------------------------------------------------------


def jsonl_mutation(op: str) -> Callable[[Build], Payload]:
    def make(b: Build) -> Dump:
        record = b.record("m", title=f"{b.story('m')[0]} {NON_ASCII}")
        return Dump(mutate_json(b.rng, op, record))

    return make


def feed_mutation(kind: str, op: str) -> Callable[[Build], Payload]:
    def make(b: Build) -> FeedDoc:
        links = [b.page(f"t{i}") for i in range(2)]
        titles = [f"{b.story(f't{i}')[0]} {NON_ASCII}" for i in range(2)]
        if kind == "jsonfeed":
            listed = [json_item(link, title) for link, title in zip(links, titles, strict=True)]
            return FeedDoc(mutate_json(b.rng, op, json_feed(listed)), FEED_TYPES[kind])
        if kind == "rss":
            items = "".join(
                rss_item(link, title, f"<p>{title}</p>")
                for link, title in zip(links, titles, strict=True)
            )
            body = rss_doc(items).encode()
        else:
            entries = "".join(
                atom_entry(link, title, f"<p>{title}</p>")
                for link, title in zip(links, titles, strict=True)
            )
            body = atom_doc(entries).encode()
        mutated, content_type = mutate_markup(b.rng, op, body, FEED_TYPES[kind], b.site)
        return FeedDoc(mutated, content_type)

    return make


def page_mutation(op: str) -> Callable[[Build], Payload]:
    def make(b: Build) -> PageDoc:
        title, paragraphs = b.story("m")
        head = (
            "<meta property='og:title' content='Story'><script type='application/ld+json'>"
            '{"@type": "NewsArticle", "datePublished": "2024-03-05", "author": {"name": "A"}}'
            "</script>"
        )
        body = page_html(f"{title} {NON_ASCII}", paragraphs, head).encode()
        if op != "jsonld":
            mutated, content_type = mutate_markup(b.rng, op, body, HTML_TYPE, b.site)
            return PageDoc(mutated, content_type)
        metadata = {
            "@context": "https://schema.org",
            "@type": "NewsArticle",
            "headline": title,
            "datePublished": "2024-03-05",
            "author": [{"@type": "Person", "name": "A. Writer"}],
            "publisher": {"name": "Robustness", "logo": {"url": "http://127.0.0.1/logo.png"}},
        }
        inner_op = b.rng.choice(("types", "nest", "huge", "truncate", "controls", "duplicate"))
        script = mutate_json(b.rng, inner_op, metadata)
        tag = b"<script type='application/ld+json'>" + script + b"</script>"
        copies = b.rng.choice((1, 2, 100)) if len(tag) < 10_000 else 1
        return PageDoc(body.replace(b"</head>", tag * copies + b"</head>"))

    return make


def warc_mutation(op: str) -> Callable[[Build], Payload]:
    def make(b: Build) -> Archive:
        rng = b.rng
        gz = rng.random() < 0.5
        record = b.warc_page("m")
        if op == "gzip":
            compressed = gzip.compress(record, mtime=0)
            variant = rng.choice(("flip", "truncate", "garbage", "joined", "splice"))
            if variant == "flip":
                raw = flip(rng, compressed)
            elif variant == "truncate":
                raw = truncate(rng, compressed)
            elif variant == "garbage":
                raw = compressed + rng.randbytes(rng.choice((1, 100, 10_000)))
            elif variant == "joined":
                raw = gzip.compress(record + b.warc_page("n"), mtime=0)
            else:
                raw = splice(rng, compressed)
            return Archive([(raw, True)], gz=True)
        head, _, block = record.partition(b"\r\n\r\n")
        if op == "truncate":
            bad = truncate(rng, record)
        elif op == "flip":
            bad = flip(rng, record)
        elif op == "splice":
            bad = splice(rng, record)
        elif op == "duplicate":
            bad = duplicate(rng, head + b"\r\n", HEADER_LINE) + b"\r\n" + block
        elif op == "nest":
            title, paragraphs = b.story("m")
            page = page_html(title, paragraphs).encode()
            page = page.replace(b"<article>", nest_markup(rng, b"<article>"))
            bad = warc_record(b.warc_url("m"), http_block(page))
        elif op == "huge":
            variant = rng.choice(("value", "lines", "http"))
            if variant == "value":
                extra = b"X-Junk: " + b"x" * rng.choice(SIZES) + b"\r\n"
            else:
                extra = b"X-A: b\r\n" * rng.choice((1_000, 100_000, 300_000))
            if variant == "http":
                bad = record.replace(b"\r\nContent-Type: text/html", b"\r\n" + extra[:-2], 1)
                bad = _fix_length(bad)
            else:
                bad = head + b"\r\n" + extra + b"\r\n" + block
        elif op == "length":
            value = rng.choice(
                (b"0", b"1", b"-5", b"abc", b"", b" 12 ", b"1e3", b"9" * 30, b"0x10",
                 str(len(block) - 8).encode(), str(len(block) + 1).encode(),
                 str(len(block) * 2).encode(), None)
            )  # fmt: skip
            lines = head.split(b"\r\n")
            if value is None:
                lines = [ln for ln in lines if not ln.startswith(b"Content-Length")]
            else:
                lines = [b"Content-Length: " + value if ln.startswith(b"Content-Length") else ln
                         for ln in lines]  # fmt: skip
            bad = b"\r\n".join(lines) + b"\r\n\r\n" + block
        elif op == "headers":
            bad = _bad_headers(rng, b, record)
        elif op == "controls":
            bad = controls(rng, head, MARKUP_PIECES) + b"\r\n\r\n" + block
        else:  # encoding
            bad = _bad_payload_encoding(rng, b)
        return Archive([(bad, False)], gz)

    return make


def _fix_length(record: bytes) -> bytes:
    """``record`` with its WARC Content-Length made right again."""
    head, _, rest = record.partition(b"\r\n\r\n")
    block = rest[:-4]
    head = re.sub(rb"Content-Length: \d+", b"Content-Length: %d" % len(block), head, count=1)
    return head + b"\r\n\r\n" + block + b"\r\n\r\n"


def _bad_headers(rng: random.Random, b: Build, record: bytes) -> bytes:
    title, paragraphs = b.story("m")
    page = page_html(title, paragraphs).encode()
    variant = rng.choice(
        ("type", "target-empty", "target-ftp", "version", "status", "chunked", "gzip-bad",
         "gzip-bomb", "no-http", "resource")
    )  # fmt: skip
    url = b.warc_url("m")
    if variant == "type":
        return record.replace(b"WARC-Type: response", b"WARC-Type: " + rng.randbytes(8), 1)
    if variant == "target-empty":
        return record.replace(url.encode(), b"", 1)
    if variant == "target-ftp":
        return record.replace(b"https://", b"ftp://", 1)
    if variant == "version":
        return record.replace(b"WARC/1.0", rng.choice((b"WARC/9.9", b"WARC/", b"WARC/1.0x")), 1)
    if variant == "status":
        status = rng.choice((b"HTTP/1.1 200", b"HTTP/1.1 abc OK", b"HTTP/9 200 OK", b"200 OK"))
        return _fix_length(record.replace(b"HTTP/1.1 200 OK", status, 1))
    if variant == "chunked":
        body = b"5\r\n<html\r\nzz\r\n" + page[:100] + b"\r\n0\r\n"
        block = http_block(body, extra=b"Transfer-Encoding: chunked\r\n")
        return warc_record(url, block)
    if variant == "gzip-bad":
        block = http_block(rng.randbytes(2000), extra=b"Content-Encoding: gzip\r\n")
        return warc_record(url, block)
    if variant == "gzip-bomb":
        bomb = web_server.gzip_bomb_bytes(64 << 20)
        return warc_record(url, http_block(bomb, extra=b"Content-Encoding: gzip\r\n"))
    if variant == "no-http":
        return warc_record(url, page)
    return warc_record(url, page, kind=b"resource").replace(
        b"application/http; msgtype=response", b"text/html", 1
    )


def _bad_payload_encoding(rng: random.Random, b: Build) -> bytes:
    title, paragraphs = b.story("m")
    page = page_html(f"{title} {NON_ASCII}", paragraphs)
    variant = rng.choice(("utf-16", "declared-wrong", "cp037", "latin-1", "bom"))
    content_type = HTML_TYPE
    if variant == "utf-16":
        body = page.encode("utf-16")
    elif variant == "declared-wrong":
        body = page.encode()
        content_type = f"text/html; charset={rng.choice(WRONG_CHARSETS)}"
    elif variant == "cp037":
        body = page.encode("cp037", "replace")
    elif variant == "latin-1":
        body = page.encode("latin-1", "replace")
    else:
        body = b"\xff\xfe" + page.encode()
    return warc_record(b.warc_url("m"), http_block(body, content_type))


def opml_mutation(op: str) -> Callable[[Build], Payload]:
    def make(b: Build) -> OpmlDoc:
        before, after, urls = opml_goods(b)
        middle = (
            f'<outline text="Section {NON_ASCII}" title="Section">'
            + outline(f"http://feeds.test/{b.name}/m1.xml", f"M1 {NON_ASCII}")
            + outline(f"http://feeds.test/{b.name}/m2.xml", "M2")
            + "</outline>"
        ).encode()
        if op in ("encoding", "entities"):  # the whole file
            body, _ = mutate_markup(b.rng, op, opml_doc(middle.decode(), before, after),
                                    "text/x-opml", b.site)  # fmt: skip
        else:
            mutated, _ = mutate_markup(b.rng, op, middle, "text/x-opml", b.site)
            head, tail = opml_doc("@@MIDDLE@@", before, after).split(b"@@MIDDLE@@")
            body = head + mutated + tail
        return OpmlDoc(body, opml_promised(body, urls))

    return make


def opml_promised(body: bytes, urls: Sequence[str]) -> list[str]:
    """The good outlines an OPML file must yield: all of them when it is well-formed XML
    within the reader's limits (50 levels, 10,000 outlines), otherwise none, since the
    reader refuses such a file whole."""
    try:
        root = ElementTree.fromstring(body)
    except (ElementTree.ParseError, LookupError, ValueError):  # the reader refuses it whole
        return []
    if not isinstance(root.tag, str) or root.tag.lower() != "opml":
        return []
    depth, level = 1, [(root, 1)]
    while level:
        element, at = level.pop()
        depth = max(depth, at)
        level.extend((child, at + 1) for child in element)
    body_element = next((child for child in root if child.tag == "body"), None)
    if depth > 50 or body_element is None:
        return []
    found, outlines, stack = set(), 0, list(body_element)
    while stack:
        element = stack.pop()
        if element.tag != "outline":
            continue
        outlines += 1
        found.add((element.get("xmlUrl") or element.get("xmlurl") or "").strip())
        stack.extend(element)
    return [] if outlines > 10_000 else [url for url in urls if url in found]


def mutation_cases(counts: dict[str, int]) -> list[Case]:
    cases = []
    for kind in KINDS:
        ops = OPS[kind]
        for number in range(counts.get(kind, 0)):
            op = ops[number % len(ops)]
            if kind == "jsonl":
                make = jsonl_mutation(op)
            elif kind == "warc":
                make = warc_mutation(op)
            elif kind == "page":
                make = page_mutation(op)
            elif kind == "opml":
                make = opml_mutation(op)
            else:
                make = feed_mutation(kind, op)
            cases.append(Case(f"{kind}-m{number:04d}", kind, f"{kind}/mutations", make, op=op))
    return cases


def all_cases(inputs: int) -> list[Case]:
    named = jsonl_cases() + warc_cases() + feed_cases() + page_cases() + opml_cases()
    left = max(inputs - len(named), 0)
    counts = {kind: int(left * SHARE[kind]) for kind in KINDS}
    for kind in KINDS[: left - sum(counts.values())]:
        counts[kind] += 1
    return named + mutation_cases(counts)


# -- running the command line ------------------------------------------------------------------


@dataclass
class Ran:
    """One CLI process: its exit status, stderr, time and peak memory."""

    args: list[str]
    rc: int
    stderr: str
    seconds: float
    rss_mb: float
    timed_out: bool

    @property
    def crashed(self) -> bool:
        return not self.timed_out and (self.rc not in (0, 1, 2) or TRACEBACK in self.stderr)

    @property
    def long_messages(self) -> int:
        return sum(len(ln) > LONG_MESSAGE for ln in self.stderr.splitlines())

    def why(self) -> str:
        if self.timed_out:
            return f"over {self.seconds:.0f} s"
        lines = [ln for ln in self.stderr.splitlines() if ln.strip()]
        last = lines[-1][:200] if lines else ""
        return f"exit {self.rc}: {last}"


ENV = {**os.environ, "NO_COLOR": "1", "TERM": "dumb", "PYTHONUNBUFFERED": "1"}


def cli(args: Sequence[str], workdir: Path, timeout: float) -> Ran:
    """``python -m newsdesk ARGS`` in ``workdir``, killed (with its group) after ``timeout``."""
    stamp = f"{time.monotonic_ns()}"
    out_path, err_path = workdir / f"cli-{stamp}.out", workdir / f"cli-{stamp}.err"
    with out_path.open("wb") as out, err_path.open("wb") as err:
        process = subprocess.Popen(
            [sys.executable, "-m", "newsdesk", *args],
            cwd=workdir,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=err,
            env=ENV,
            start_new_session=True,
        )
    start = time.monotonic()
    timed_out = False
    while True:
        pid, status, usage = os.wait4(process.pid, os.WNOHANG)
        if pid:
            break
        if time.monotonic() - start > timeout:
            os.killpg(process.pid, signal.SIGKILL)
            pid, status, usage = os.wait4(process.pid, 0)
            timed_out = True
            break
        time.sleep(0.02)
    seconds = time.monotonic() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    stderr = err_path.read_text("utf-8", errors="replace")
    return Ran(list(args), process.returncode, stderr, seconds, usage.ru_maxrss / 1024, timed_out)


def stored(database: Path, column: str, table: str = "articles") -> set[str]:
    """Values of one column in the store (nothing when there is no database)."""
    if not database.exists():
        return set()
    connection = sqlite3.connect(f"file:{database}?mode=ro", uri=True)
    try:
        return {row[0] for row in connection.execute(f"SELECT {column} FROM {table}")}
    except sqlite3.Error:
        return set()
    finally:
        connection.close()


# -- batches -----------------------------------------------------------------------------------


@dataclass
class Outcome:
    case: Case
    crashed: bool = False
    hung: bool = False
    expected: int = 0
    lost: list[str] = field(default_factory=list)
    rss_mb: float = 0.0
    seconds: float = 0.0
    long_messages: int = 0
    why: str = ""


@dataclass
class Runner:
    site: Site
    seed: int
    timeout: float
    root: Path
    keep: bool = False
    runs: int = 0
    processes: int = 0

    def workdir(self) -> Path:
        self.runs += 1
        path = self.root / f"run-{self.runs:04d}"
        path.mkdir()
        return path

    def batch(self, cases: Sequence[Case]) -> list[Outcome]:
        """The cases run together; each alone again when the run went wrong."""
        outcomes = self.attempt(cases)
        failed = any(o.crashed or o.hung or o.lost for o in outcomes)
        if failed and len(cases) > 1:
            return [outcome for case in cases for outcome in self.attempt([case])]
        return outcomes

    def attempt(self, cases: Sequence[Case]) -> list[Outcome]:
        kind = cases[0].kind
        self.site.resources.clear()
        workdir = self.workdir()
        try:
            if kind in ("jsonl", "warc"):
                return self.dumps(cases, workdir)
            if kind == "opml":
                return self.opml(cases, workdir)
            return self.poll(cases, workdir)
        finally:
            self.site.resources.clear()

    def cli(self, args: Sequence[str], workdir: Path) -> Ran:
        self.processes += 1
        return cli(args, workdir, self.timeout)

    def build(self, case: Case) -> Payload:
        return case.make(Build(self.site, self.seed, case.name))

    def settings(self, workdir: Path, feeds: Sequence[tuple[str, str]] = ()) -> Path:
        lines = [
            "[store]",
            'database = "newsdesk.db"',
            "[fetch]",
            'allow_networks = ["127.0.0.1/32"]',
            "per_host_delay_s = 0.01",
            "per_host_concurrency = 8",
            "max_retries = 0",
            "connect_timeout_s = 5.0",
            "read_timeout_s = 10.0",
            "total_timeout_s = 20.0",
        ]
        for name, url in feeds:
            lines += ["[[feeds]]", f'name = "{name}"', f'url = "{url}"', f'outlet = "{name}"']
        path = workdir / "newsdesk.toml"
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        return path

    def outcomes(
        self, cases: Sequence[Case], runs: Sequence[Ran], expected: dict[str, list[str]],
        present: set[str],
    ) -> list[Outcome]:  # fmt: skip
        seconds = sum(r.seconds for r in runs) / len(cases)
        crashed = [r for r in runs if r.crashed]
        hung = [r for r in runs if r.timed_out]
        why = "; ".join(r.why() for r in crashed + hung)
        return [
            Outcome(
                case,
                crashed=bool(crashed),
                hung=bool(hung),
                expected=len(expected[case.name]),
                lost=[item for item in expected[case.name] if item not in present],
                rss_mb=max(r.rss_mb for r in runs),
                seconds=seconds,
                long_messages=sum(r.long_messages for r in runs),
                why=why,
            )
            for case in cases
        ]

    def dumps(self, cases: Sequence[Case], workdir: Path) -> list[Outcome]:
        """JSONL dumps and WARC archives, all in one ``newsdesk import``."""
        files, expected = [], {}
        for case in cases:
            b = Build(self.site, self.seed, case.name)
            payload = self.build(case)
            if isinstance(payload, Dump):
                path = workdir / f"{case.name}.jsonl"
                before, after = b.record("good-before"), b.record("good-after")
                data = (b"\xef\xbb\xbf" if payload.bom else b"") + line(before) + b"\n"
                data += payload.middle + b"\n" + line(after) + b"\n"
                expected[case.name] = [before["id"], *payload.expected, after["id"]]
            else:
                assert isinstance(payload, Archive)
                path = workdir / f"{case.name}.warc{'.gz' if payload.gz else ''}"
                parts = [(b.warc_page("good-before"), False), *payload.parts]
                parts.append((b.warc_page("good-after"), False))
                data = b"".join(_archive_part(p, raw, payload.gz) for p, raw in parts)
                urls = [b.warc_url("good-before"), *payload.expected, b.warc_url("good-after")]
                expected[case.name] = urls
            path.write_bytes(data)
            files.append(path.name)
            del data
        settings = self.settings(workdir)
        ran = self.cli(["import", "--config", str(settings), *files], workdir)
        database = workdir / "newsdesk.db"
        present = stored(database, "id") | stored(database, "url")
        if not self.keep:
            for name in files:
                (workdir / name).unlink()
        return self.outcomes(cases, [ran], expected, present)

    def poll(self, cases: Sequence[Case], workdir: Path) -> list[Outcome]:
        """Feeds and pages, all in one ``newsdesk ingest --all``."""
        feeds, expected, carrier = [], {}, []
        for case in cases:
            b = Build(self.site, self.seed, case.name)
            payload = self.build(case)
            if isinstance(payload, FeedDoc):
                suffix = ".json" if case.kind == "jsonfeed" else ".xml"
                url = self.site.put(f"/f/{case.name}{suffix}", payload.body, payload.content_type)
                good = b.page("good")
                title = b.story("good")[0]
                good_feed = rss_doc(rss_item(good, title)).encode()
                good_url = self.site.put(f"/f/{case.name}-good.xml", good_feed, FEED_TYPES["rss"])
                feeds += [(case.name, url), (f"{case.name}-good", good_url)]
                expected[case.name] = [*payload.expected, good]
            else:
                assert isinstance(payload, PageDoc)
                bad = self.site.put(f"/p/{case.name}.html", payload.body, payload.content_type)
                before, after = b.page("good-before"), b.page("good-after")
                carrier += [(before, "Before"), (bad, "Hostile"), (after, "After")]
                expected[case.name] = [before, after] + ([bad] if payload.stored else [])
        if carrier:
            items = "".join(rss_item(url, f"{title} {n}") for n, (url, title) in
                            enumerate(carrier))  # fmt: skip
            url = self.site.put(f"/f/carrier-{self.runs}.xml", rss_doc(items).encode(),
                                FEED_TYPES["rss"])  # fmt: skip
            feeds.append((f"carrier-{self.runs}", url))
        settings = self.settings(workdir, feeds)
        ran = self.cli(["ingest", "--all", "--config", str(settings)], workdir)
        present = stored(workdir / "newsdesk.db", "url")
        return self.outcomes(cases, [ran], expected, present)

    def opml(self, cases: Sequence[Case], workdir: Path) -> list[Outcome]:
        """One ``newsdesk feeds import`` per file into one database, then a good file."""
        settings = self.settings(workdir)
        runs, expected = [], {}
        for case in cases:
            payload = self.build(case)
            assert isinstance(payload, OpmlDoc)
            path = workdir / f"{case.name}.opml"
            path.write_bytes(payload.body)
            runs.append(
                self.cli(["feeds", "import", "--config", str(settings), path.name], workdir)
            )
            expected[case.name] = list(payload.expected)
        good = [f"http://feeds.test/good-{self.runs}/{i}.xml" for i in range(2)]
        path = workdir / "good.opml"
        path.write_bytes(opml_doc(outline(good[0], "Good 0") + outline(good[1], "Good 1")))
        runs.append(self.cli(["feeds", "import", "--config", str(settings), path.name], workdir))
        expected[cases[-1].name] += good  # the file imported after the last bad one
        present = stored(workdir / "newsdesk.db", "url", "feeds")
        outcomes = []
        for case, ran in zip(cases, runs, strict=False):
            mine = [ran, runs[-1]] if case is cases[-1] else [ran]
            outcomes += self.outcomes([case], mine, expected, present)
        return outcomes


def _archive_part(data: bytes, raw: bool, gz: bool) -> bytes:
    if raw:
        return data
    if gz:
        return gzip.compress(data, mtime=0)
    return data if data.endswith(b"\r\n\r\n") else data + b"\r\n\r\n"


def batches(cases: Sequence[Case], alone: bool = False) -> Iterator[list[Case]]:
    """Cases of one kind together, ``BATCH[kind]`` at a time (one with ``alone``); a heavy
    case alone."""
    for kind in KINDS:
        mine = [c for c in cases if c.kind == kind and not c.heavy]
        size = 1 if alone else BATCH[kind]
        for start in range(0, len(mine), size):
            yield mine[start : start + size]
    for case in cases:
        if case.heavy:
            yield [case]


# -- report ------------------------------------------------------------------------------------


@dataclass
class Row:
    inputs: int = 0
    crashes: int = 0
    hangs: int = 0
    good: int = 0
    lost: int = 0
    rss_mb: float = 0.0
    seconds: float = 0.0

    def add(self, outcome: Outcome) -> None:
        self.inputs += 1
        self.crashes += outcome.crashed
        self.hangs += outcome.hung
        self.good += outcome.expected
        self.lost += len(outcome.lost)
        self.rss_mb = max(self.rss_mb, outcome.rss_mb)
        self.seconds += outcome.seconds


def table(title: str, rows: dict[str, Row]) -> None:
    print(f"\n{title:<34} {'inputs':>6} {'crashes':>7} {'hangs':>5} {'good':>6} {'lost':>5}"
          f" {'peak MB':>8} {'s':>7}")  # fmt: skip
    for name, row in rows.items():
        print(
            f"{name:<34} {row.inputs:>6} {row.crashes:>7} {row.hangs:>5} {row.good:>6}"
            f" {row.lost:>5} {row.rss_mb:>8.1f} {row.seconds:>7.1f}"
        )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--seed", type=int, default=0, help="seed of every generated input")
    parser.add_argument(
        "--inputs",
        type=int,
        default=1000,
        help="inputs in all: the named classes, then mutations up to this count",
    )
    parser.add_argument(
        "--only", action="append", default=[], help="a class, a kind or a prefix (repeatable)"
    )
    parser.add_argument("--timeout", type=float, default=30.0, help="seconds before a hang")
    parser.add_argument("--keep", type=Path, help="keep the inputs and databases in this folder")
    parser.add_argument(
        "--alone", action="store_true", help="run every input alone (slower; exact memory)"
    )
    parser.add_argument("--list", action="store_true", help="list the classes and stop")
    args = parser.parse_args(argv)

    cases = all_cases(args.inputs)
    if args.only:
        cases = [c for c in cases if any(c.cls.startswith(o) or c.name == o for o in args.only)]
    if args.list:
        for cls in dict.fromkeys(c.cls for c in cases):
            print(cls, sum(c.cls == cls for c in cases))
        return 0
    if not cases:
        parser.error(f"no input matches --only {' '.join(args.only)}")

    started = time.monotonic()
    outcomes: list[Outcome] = []
    if args.keep:
        args.keep.mkdir(parents=True, exist_ok=True)
    root = Path(tempfile.mkdtemp(prefix="newsdesk-robustness-", dir=args.keep))
    site = Site("http://127.0.0.1:0")
    with web_server.serve({"/": site.handle}) as server:
        site.base_url = server.base_url.rstrip("/")
        runner = Runner(site, args.seed, args.timeout, root, keep=args.keep is not None)
        for batch in batches(cases, args.alone):
            done = runner.batch(batch)
            outcomes += done
            bad = [o for o in done if o.crashed or o.hung or o.lost]
            what = batch[0].name if len(batch) == 1 else batch[0].kind
            print(
                f"  {what}: {len(batch)} inputs, {sum(o.seconds for o in done):.1f} s,"
                f" {max(o.rss_mb for o in done):.0f} MB, {len(bad)} failed",
                file=sys.stderr,
            )
            for outcome in bad:
                print(
                    f"    {outcome.case.name} ({outcome.case.op or outcome.case.cls}):"
                    f" crashed={outcome.crashed} hung={outcome.hung}"
                    f" lost={outcome.lost[:3]} {outcome.why}",
                    file=sys.stderr,
                )
        probes = server.hits(PROBE)
    wall = time.monotonic() - started
    if not args.keep:
        shutil.rmtree(root, ignore_errors=True)

    classes: dict[str, Row] = {}
    operators: dict[str, Row] = {}
    total = Row()
    for outcome in outcomes:
        classes.setdefault(outcome.case.cls, Row()).add(outcome)
        if outcome.case.op:
            operators.setdefault(f"mutation:{outcome.case.op}", Row()).add(outcome)
        total.add(outcome)
    table("class", dict(sorted(classes.items())))
    table("generated mutations, by operator", dict(sorted(operators.items())))
    table("all", {"all": total})
    failures = [o for o in outcomes if o.crashed or o.hung or o.lost]
    for outcome in failures:
        print(f"FAILED {outcome.case.name}: {outcome.why} lost={outcome.lost[:5]}")
    long_messages = sum(o.long_messages for o in outcomes)
    print(
        f"\n{total.inputs} inputs in {runner.processes} CLI runs, {wall:.0f} s;"
        f" stderr lines over {LONG_MESSAGE} characters: {long_messages};"
        f" external XML entities fetched: {probes}"
    )
    summary = {
        "inputs": total.inputs,
        "crashes": total.crashes,
        "hangs": total.hangs,
        "good_lost": total.lost,
        "peak_rss_mb": round(total.rss_mb, 1),
    }
    print(json.dumps(summary))
    met = not (total.crashes or total.hangs or total.lost) and total.rss_mb < 600
    return 0 if met else 1


if __name__ == "__main__":
    raise SystemExit(main())
