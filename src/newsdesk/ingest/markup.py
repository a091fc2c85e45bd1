"""Bounded markup: one linear scan of a feed's or a page's tags before a parser sees them.

The parsers behind ingest do Python work for every element, and some of it grows
faster than the input: feedparser's strict parser looks every attribute up by a
linear search of the tag's others (a tag with 100,000 attributes took six
minutes), libxml2's HTML parser checks each attribute against the tag's
others (a ``<body>`` with 100,000 attributes took over a minute), and
feedparser and trafilatura spend 30 to 150 microseconds on each element (a
feed of a million unclosed elements took two minutes, a page of a million
``<p>`` over one). feedparser's loose parser, which reads a feed that is not
well-formed, also keeps about 150 bytes for each character of a tag outside
its quoted values (a 3 MB tag name took 460 MB). So every document is
scanned first, in time linear in its size, for the first place it goes over
a limit: more than ``max_elements`` elements (comments and CDATA sections
count as one each, end tags not at all), an element with more than
``max_attributes`` attributes, or, in a feed, a start or end tag with more
than ``MAX_TAG_CHARACTERS`` characters outside its quoted values. A feed is
then read up to its last complete entry before that place, a page is
refused, and the problem names the limit.

The scan reads tags as an XML or HTML parser would: quoted attribute values may
hold ``>``, comments, CDATA sections and declarations are skipped, and in HTML
the text of ``<script>``, ``<style>`` and the other raw-text elements is not
markup. Pages are scanned as the text they decode to. A feed is scanned as
bytes, and when its bytes may be read in an encoding that is not
ASCII-compatible (UTF-16 and UTF-32, EBCDIC, or any charset the response or
the XML declaration names) as that encoding decodes them too: over a limit
there, it is refused rather than cut.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass
from itertools import islice

__all__ = [
    "MAX_ATTRIBUTES",
    "MAX_ELEMENTS",
    "MAX_FEED_ELEMENTS",
    "MAX_PAGE_ELEMENTS",
    "MAX_TAG_CHARACTERS",
    "Overflow",
    "scan",
    "scan_bytes",
]

MAX_FEED_ELEMENTS = 20_000
"""Elements one feed may have (``[ingest] max_feed_elements``): a feed of a few hundred
entries has a few thousand; feedparser reads 20,000 in one to four seconds."""
MAX_PAGE_ELEMENTS = 50_000
"""Elements one page may have (``[ingest] max_page_elements``): a news page has a few
thousand, a long live blog tens of thousands; trafilatura reads 50,000 in a few seconds."""
MAX_ELEMENTS = MAX_PAGE_ELEMENTS
"""The element limit of ``scan`` when none is given."""
MAX_ATTRIBUTES = 64
"""Attributes one element may have (``[ingest] max_attributes``): a news page's busiest
``<img>`` or ``<html>`` has about twenty; parsers check each against the others."""
MAX_TAG_CHARACTERS = 100_000
"""Characters one tag of a feed may have outside its quoted values: feedparser's loose
parser keeps some 150 bytes per character (15 MB here), a feed's tags have a few hundred."""

_TOKENS = re.compile(
    r"<!--.*?(?:-->|\Z)"  # a comment, to its end or the document's
    r"|<!\[CDATA\[.*?(?:\]\]>|\Z)"  # a CDATA section
    r"|<[?!][^>]*>?"  # a processing instruction, a doctype, a declaration
    r"|</(?P<closing>[^>\"']*+(?:(?:\"[^\"]*+\"|'[^']*+')[^>\"']*+)*+)"  # an end tag
    r"|<(?P<name>[A-Za-z_:\x80-\U0010ffff][^\s/>\"'<]*)"  # a start tag: its name,
    r"(?P<attributes>[^>\"']*+(?:(?:\"[^\"]*+\"|'[^']*+')[^>\"']*+)*+)",  # (> may be quoted)
    re.DOTALL,
)
_HTML_ATTRIBUTES = re.compile(r"[^\s\"'>/=]+(?:\s*=\s*(?:\"[^\"]*\"|'[^']*'|[^\s\"'>]*))?")
"""An HTML attribute: a name, with or without a value (HTML parsers take either)."""
_XML_ATTRIBUTES = re.compile(r"(?<![^\s\"'>/=])[^\s\"'>/=]++\s*+=\s*+(?:\"[^\"]*+\"|'[^']*+')")
"""An XML attribute: a name and a quoted value. Only a tag of such attributes reaches
feedparser's strict parser, the one whose work grows with their square; its loose
parser, which reads the rest, is linear. A name starts after a space, a quote or ``=``
(as in well-formed XML) and nothing backtracks, so that a long run that is no attribute
(``a=xxx...``) is read once, not once per character: it took minutes."""
_QUOTED = re.compile(r"\"[^\"]*+\"|'[^']*+'")
_RAW_TEXT = ("script", "style", "textarea", "title", "xmp", "iframe", "noembed", "noframes")
"""HTML elements whose content is text, not markup, up to their end tag."""
_RAW_ENDS = {name: re.compile(rf"</{name}[\s/>]", re.IGNORECASE) for name in _RAW_TEXT}
_ENTRIES = ("item", "entry")
"""Local names of the elements that hold one feed entry (RSS, RDF and Atom)."""
_ENTRY_ENDS = re.compile(r"</(?:[^\s>:]+:)?(?:item|entry)\s*>", re.IGNORECASE)


@dataclass(frozen=True)
class Overflow:
    """Where a document first goes over a limit.

    ``offset`` is where the element over the limit starts (an index into the
    text scanned, a byte offset for ``scan_bytes``) and ``reason`` says which
    limit: "more than 50000 elements", "a <body> element with more than 64
    attributes". ``cut`` is where a feed is cut to keep the entries complete
    before ``offset``: after the last entry that ended, else before the one
    still open; ``None`` when no entry started before ``offset``.
    """

    offset: int
    cut: int | None
    reason: str


def scan(
    text: str,
    *,
    html: bool,
    max_elements: int = MAX_ELEMENTS,
    max_attributes: int = MAX_ATTRIBUTES,
    raw: bool = False,
) -> Overflow | None:
    """The first place ``text`` goes over a limit, or ``None`` when it stays within them.

    Linear in the text's length, and stops at the limit: it looks at no more
    than ``max_elements`` + 1 elements (and the end tags among them), counts
    the attributes of a tag only when the tag is long enough to hold more than
    ``max_attributes``, and measures a feed's tags (not a page's: their parser
    takes long ones in its stride) against ``MAX_TAG_CHARACTERS``. ``raw``
    says ``text`` is bytes decoded as Latin-1 (one character per byte), so tag
    names are shown decoded as UTF-8.
    """
    seen = 0
    entry: int | None = None
    position = 0
    while (match := _TOKENS.search(text, position)) is not None:
        position = match.end()
        name = match.group("name")
        local = "" if name is None else name.rpartition(":")[2].lower()
        starts_entry = not html and local in _ENTRIES
        if match.group("closing") is not None:  # an end tag: no element of its own
            if not html and _too_long(match):
                return _overflow(text, match.start(), entry, False, _long_tag(match, raw))
            continue
        seen += 1
        if seen > max_elements:
            reason = f"more than {max_elements} elements"
            return _overflow(text, match.start(), entry, starts_entry, reason)
        if name is None:
            continue
        listed = match.group("attributes")
        if len(listed) > 2 * max_attributes and _more_than(max_attributes, listed, html):
            shown = _shown(_tag_name(match, raw))
            reason = f"a <{shown}> element with more than {max_attributes} attributes"
            return _overflow(text, match.start(), entry, starts_entry, reason)
        if not html and _too_long(match):
            return _overflow(text, match.start(), entry, starts_entry, _long_tag(match, raw))
        if starts_entry:
            entry = match.start()
        elif html and local in _RAW_ENDS and not listed.endswith("/"):
            end = _RAW_ENDS[local].search(text, position)
            if end is not None:  # unclosed: the rest is read as markup, to be safe
                position = end.end()
    return None


def _overflow(
    text: str, offset: int, entry: int | None, starts_entry: bool, reason: str
) -> Overflow:
    """The overflow at ``offset``, with where to cut a feed (see ``Overflow``)."""
    if starts_entry or entry is None:
        return Overflow(offset, offset if starts_entry else None, reason)
    ended = None
    for ended in _ENTRY_ENDS.finditer(text, entry, offset):  # noqa: B007 -- the last one
        pass
    return Overflow(offset, ended.end() if ended is not None else entry, reason)


def _too_long(match: re.Match[str]) -> bool:
    """Whether a start or end tag holds more than ``MAX_TAG_CHARACTERS`` characters
    outside its quoted values (paired as the tag's own pattern pairs them: left to right)."""
    if match.end() - match.start() <= MAX_TAG_CHARACTERS:
        return False
    inside = match.group("closing") if match.group("name") is None else match.group("attributes")
    quoted = sum(len(value) for value in _QUOTED.findall(inside or ""))
    return match.end() - match.start() - quoted > MAX_TAG_CHARACTERS


def _long_tag(match: re.Match[str], raw: bool) -> str:
    return f"a <{_shown(_tag_name(match, raw))}> tag of more than {MAX_TAG_CHARACTERS} characters"


def _tag_name(match: re.Match[str], raw: bool) -> str:
    """A start tag's name, or ``/`` and the start of an end tag, as a problem shows it."""
    name = match.group("name")
    if name is None:
        name = "/" + "".join((match.group("closing") or "")[:40].split())
    return name.encode("latin-1").decode("utf-8", "replace") if raw else name


def _more_than(limit: int, listed: str, html: bool) -> bool:
    """Whether the attribute list of a tag holds more than ``limit`` attributes
    (reading no further than the one over the limit)."""
    attributes = (_HTML_ATTRIBUTES if html else _XML_ATTRIBUTES).finditer(listed)
    return next(islice(attributes, limit, None), None) is not None


def scan_bytes(
    body: bytes,
    *,
    html: bool,
    charsets: tuple[str | None, ...] = (),
    max_elements: int = MAX_ELEMENTS,
    max_attributes: int = MAX_ATTRIBUTES,
) -> tuple[Overflow | None, bool]:
    """``scan`` of ``body`` as bytes and as every encoding a parser may read it in.

    ``charsets`` are the encodings the response and the document name. Returns
    the overflow and whether it is in the bytes themselves (so that its offsets
    index ``body``), rather than in a decoded view of them.
    """
    found = scan(
        body.decode("latin-1"),
        html=html,
        max_elements=max_elements,
        max_attributes=max_attributes,
        raw=True,
    )
    if found is not None:
        return found, True
    for codec in _other_views(body, charsets):
        text = body.decode(codec, errors="replace")
        found = scan(text, html=html, max_elements=max_elements, max_attributes=max_attributes)
        if found is not None:
            return found, False
    return None, True


_ASCII = bytes(range(0x20, 0x7F))
"""Printable ASCII: an ASCII-compatible encoding decodes each byte to itself."""


def _other_views(body: bytes, charsets: tuple[str | None, ...]) -> list[str]:
    """Encodings in which ``body``'s markup is not the ASCII bytes the plain scan reads."""
    views = []
    if b"\x00" in body:  # ASCII in UTF-16 has a zero byte in each pair, in UTF-32 three
        views += ["utf-16-le", "utf-16-be"]
        if b"\x00\x00\x00" in body:
            views += ["utf-32-le", "utf-32-be"]
    if body[:4] == b"\x4c\x6f\xa7\x94":  # "<?xm" in EBCDIC
        views.append("cp037")
    for charset in charsets:
        codec = _codec(charset)
        if codec is not None and codec not in views and not _ascii_compatible(codec):
            views.append(codec)
    return views


def _codec(name: str | None) -> str | None:
    """The codec a charset names, if Python has one that decodes bytes to text."""
    if not name:
        return None
    try:
        codec = codecs.lookup(name.strip()).name
        _ASCII.decode(codec, errors="replace")
    except (LookupError, ValueError, TypeError):  # unknown, or not a text encoding (rot13)
        return None
    return codec


def _ascii_compatible(codec: str) -> bool:
    """Whether ``codec`` reads ASCII bytes as ASCII (UTF-7, UTF-16, EBCDIC do not)."""
    return _ASCII.decode(codec, errors="replace") == _ASCII.decode("ascii")


def _shown(name: str) -> str:
    """A tag name as a problem shows it: at most 40 characters."""
    return name if len(name) <= 40 else name[:39] + "…"
