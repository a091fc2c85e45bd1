"""Read an HTML article (a saved news page, a Jekyll or Hugo build) into ``Unit``s.

The page is read with the standard library's ``HTMLParser`` with character
references left unconverted, so every decoded character keeps the raw offsets
it came from: a unit's ``text`` is ``html[start:end]`` (markup inside it
included) and its ``clean`` is the decoded text without tags. Pages carry far
more than the story, so only the blocks that hold it are read (``<p>``,
``<li>``, ``<tr>``, ``<blockquote>``, headings); navigation, scripts, forms,
asides, footers, ads and sharing widgets are skipped (but for an ``aside.corrections``,
whose notes are read as ``_correction`` says), and bylines and dates
are page furniture, not claims, and so are section labels set as paragraphs
(``<p><strong>Key figures</strong></p>``) and empty headings. The tree is
tracked loosely, as browsers do: a new paragraph closes an open one, a stray
end tag is ignored, an element left open ends with its parent, so malformed
pages read without error.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from html import unescape
from html.parser import HTMLParser

from newsdesk.language.urls import normalize_url
from newsdesk.verify.articles.parse import (
    BARE_URL,
    CITATION_MARK,
    CORRECTION_TEXT,
    SOURCE_HEADINGS,
    TITLED,
    Link,
    ParsedArticle,
    UnitField,
    UnitKind,
    Units,
    cited_sentences,
    cited_title,
    is_furniture,
    is_label,
    is_standalone_label,
    is_web_url,
    iso_date,
)

_JUNK_TAGS = frozenset(
    "script style noscript template nav footer aside form head svg iframe button select "
    "textarea object canvas dialog pre".split()
)
"""Elements whose text is never part of the story (``<head>`` is read for metadata only)."""
_JUNK_ROLES = frozenset(
    "navigation complementary contentinfo search banner dialog alert doc-noteref "
    "doc-backlink".split()
)
_JUNK_CLASSES = frozenset(
    "ad ads advert adverts advertisement advertising sponsor sponsored promo newsletter "
    "subscribe subscription paywall share sharing social related recommended comments comment "
    "cookie cookies popup modal sidebar breadcrumb breadcrumbs footnote reversefootnote "
    "skip sr-only visually-hidden visuallyhidden screen-reader-text".split()
)
"""Class or id words (whole, or one part of a ``-``/``_`` compound) of page furniture."""
_FURNITURE_CLASSES = frozenset(
    "byline dateline author authors meta timestamp date time readtime credit credits caption "
    "tags kicker eyebrow".split()
)
"""Class words of the story's own furniture: its dates are read, its text is not a claim."""
_FURNITURE_PROPS = frozenset({"author", "datepublished", "datemodified", "publisher"})
_FURNITURE_TEXT = frozenset(
    {"advertisement", "story continues below advertisement", "continue reading", "read more"}
)
_VOID = frozenset(
    "area base br col embed hr img input link meta param source track wbr keygen".split()
)
_HEADINGS = {f"h{level}": level for level in range(1, 7)}
_BLOCKS = frozenset({"p", "li", "tr", "blockquote", *_HEADINGS})
_INLINE = frozenset(
    "a abbr b bdi bdo cite code data del dfn em font i ins kbd mark q s samp small span strong "
    "sub sup time u var".split()
)
_ITALIC = frozenset({"em", "i", "cite"})
_CLOSES_P = frozenset(
    "address article aside blockquote details div dl fieldset figcaption figure footer form "
    "header hr main menu nav ol p pre section table ul li tr".split()
) | frozenset(_HEADINGS)
_SCOPE = frozenset({"table", "td", "th", "button", "template", "html"})
_HEAD_CONTENT = frozenset("title meta link script style base noscript template".split())
_LOOSE_WORDS = 4
"""Text outside any block (in a ``<div>``, a caption) is read when it is this long: shorter
runs are labels ("Menu", "Sign in")."""
_INVISIBLE = frozenset("\u00ad\u200b\u200c\u200d\u2060\ufeff")
_CONTENT_ATTRIBUTE = re.compile(r"""\bcontent\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))""", re.I)
_DATETIME_ATTRIBUTE = re.compile(r"""\bdatetime\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))""", re.I)
_TITLE_META = frozenset({"og:title"})
_SECTION_META = frozenset({"article:section", "category", "section"})
_DATE_META = frozenset({"article:published_time", "date", "datepublished", "publish-date"})


def parse_html(source: str) -> ParsedArticle:
    """The units of an HTML page, as ``verify.articles.parse_article`` gives them."""
    reader = _Reader(source, footnotes(source))
    reader.feed(source)
    reader.close()
    return reader.parsed()


class _Footnotes(HTMLParser):
    """Finds, for each element with an ``id``, the first web link inside it."""

    def __init__(self) -> None:
        super().__init__()
        self.open: list[tuple[str, str | None]] = []
        self.found: dict[str, str] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        href = (found.get("href") or "").strip()
        if tag == "a" and is_web_url(href):
            for _, name in self.open:
                if name and name not in self.found:
                    self.found[name] = href
        if tag not in _VOID:
            self.open.append((tag, found.get("id")))

    def handle_endtag(self, tag: str) -> None:
        for depth in range(len(self.open) - 1, -1, -1):
            if self.open[depth][0] == tag:
                del self.open[depth:]
                return


def footnotes(source: str) -> dict[str, str]:
    """Where each in-page link leads: ``#id`` → the first web link inside element ``id``.

    Pages that cite as footnotes (a ``[1]`` marker jumping to a passage or a
    reference at the foot, as newsdesk's own story pages and Wikipedia do) name
    their source there, not in the marker; following the fragment finds it.
    """
    finder = _Footnotes()
    finder.feed(source)
    finder.close()
    return {f"#{name}": url for name, url in finder.found.items()}


class _Text:
    """Decoded text, each character with the raw span ``[start, end)`` it was read from."""

    def __init__(self) -> None:
        self.chars: list[str] = []
        self.starts: list[int] = []
        self.ends: list[int] = []

    def __str__(self) -> str:
        return "".join(self.chars)

    def __len__(self) -> int:
        return len(self.chars)

    def data(self, text: str, start: int) -> None:
        """Raw text: character ``i`` is ``source[start + i]``."""
        for offset, char in enumerate(text):
            if char not in _INVISIBLE:
                self.add(char, start + offset, start + offset + 1)

    def add(self, text: str, start: int, end: int) -> None:
        """``text`` decoded from ``source[start:end]`` (an entity, or a separator at a tag)."""
        for char in text:
            if char not in _INVISIBLE:
                self.chars.append(char)
                self.starts.append(start)
                self.ends.append(end)

    def collapsed(self) -> _Text:
        """Runs of blanks (``&nbsp;`` included) as one space, none at either end."""
        out = _Text()
        for char, start, end in zip(self.chars, self.starts, self.ends, strict=True):
            if char.isspace():
                if out.chars and out.chars[-1] != " ":
                    out.add(" ", start, end)
            else:
                out.add(char, start, end)
        while out.chars and out.chars[-1] == " ":
            for column in (out.chars, out.starts, out.ends):
                column.pop()
        return out

    def span(self, first: int, last: int) -> tuple[int, int]:
        """Raw offsets from character ``first`` to character ``last - 1`` inclusive."""
        return self.starts[first], self.ends[last - 1]


@dataclass
class _Anchor:
    """An ``<a href>``: where its element and its text lie in the raw page."""

    href: str
    start: int
    end: int = -1
    label: _Text = field(default_factory=_Text)
    italic: bool = False


@dataclass
class _Block:
    """A ``<p>``, ``<li>``, ``<tr>``, heading or ``<blockquote>`` being read."""

    tag: str
    text: _Text = field(default_factory=_Text)
    cells: list[_Text] = field(default_factory=list)
    header: bool = True
    in_head_row: bool = False
    in_article: bool = False
    loose: bool = False
    anchors: list[_Anchor] = field(default_factory=list)

    def target(self) -> _Text:
        """Where text goes: the current cell of a row, else the block's text."""
        if self.tag != "tr":
            return self.text
        if not self.cells:
            self.cells.append(_Text())
            self.header = False
        return self.cells[-1]


@dataclass
class _Element:
    """An open element and what it changes while open."""

    tag: str
    junk: bool = False
    furniture: bool = False
    corrections: bool = False
    block: _Block | None = None
    anchor: _Anchor | None = None


@dataclass
class _Heading:
    """An ``<h1>``: the title, or a heading claim once the title is chosen."""

    start: int
    end: int
    clean: str
    links: tuple[Link, ...]
    in_article: bool


class _Reader(HTMLParser):
    """Event handler that keeps an open-element stack, blocks and metadata (see module doc)."""

    def __init__(self, source: str, footnotes: dict[str, str] | None = None) -> None:
        super().__init__(convert_charrefs=False)
        self.source = source
        self.footnotes = footnotes or {}
        """In-page links and the web link each leads to (see ``footnotes``)."""
        self.units = Units(source)
        self.lines = [0] + [i + 1 for i, char in enumerate(source) if char == "\n"]
        self.stack: list[_Element] = []
        self.blocks: list[_Block] = []
        self.anchor: _Anchor | None = None
        self.junk = 0
        self.heads = 0
        self.furniture = 0
        self.corrections = 0
        """Open ``aside.corrections`` elements: their paragraphs are correction notes."""
        self.italic = 0
        self.articles = 0
        self.head_rows = 0
        self.title_text: _Text | None = None
        self.page_title: tuple[int, int, str] | None = None
        self.og_title: tuple[int, int, str] | None = None
        self.h1s: list[_Heading] = []
        self.category: str | None = None
        self.date: str | None = None
        self.sources_depth: int | None = None
        self.own_urls: set[str] = set()
        """The page's own address (canonical link, ``og:url``): a link to it cites nothing."""

    # -- positions ---------------------------------------------------------------------------

    def _here(self) -> int:
        line, column = self.getpos()
        return self.lines[line - 1] + column

    def _tag_end(self, start: int) -> int:
        end = self.source.find(">", start)
        return len(self.source) if end == -1 else end + 1

    # -- events ------------------------------------------------------------------------------

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._start(tag, dict(attrs), self._here())

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        start = self._here()
        self._start(tag, dict(attrs), start)
        if tag not in _VOID:
            self._end(tag, start)

    def handle_endtag(self, tag: str) -> None:
        self._end(tag, self._here())

    def handle_data(self, data: str) -> None:
        self._text(data, self._here(), None)

    def handle_entityref(self, name: str) -> None:
        self._reference(f"&{name}")

    def handle_charref(self, name: str) -> None:
        self._reference(f"&#{name}")

    def _reference(self, raw: str) -> None:
        start = self._here()
        if self.source.startswith(";", start + len(raw)):
            raw += ";"
        self._text(unescape(raw), start, start + len(raw))

    def close(self) -> None:
        super().close()
        self._end_loose()
        while self.stack:
            self._pop()

    # -- the tree ----------------------------------------------------------------------------

    def _start(self, tag: str, attrs: dict[str, str | None], start: int) -> None:
        if tag == "meta":
            self._meta(attrs, start)
            return
        if tag == "link" and "canonical" in (attrs.get("rel") or "").lower().split():
            self.own_urls.add(normalize_url(attrs.get("href") or ""))
        if tag == "time" and not (
            self.junk or self.corrections
        ):  # a correction's day is not the story's
            self._time(attrs, start)
        if tag not in _INLINE:
            self._end_loose()
        self._imply_end(tag)
        if tag == "body" or (self.heads and tag not in _HEAD_CONTENT):
            self._close_head()
        if tag in _VOID:
            if tag in {"br", "hr", "img"}:
                self._separator(start)
            return
        corrections = tag == "aside" and "corrections" in _words(attrs.get("class"))
        element = _Element(
            tag,
            junk=_is_junk(tag, attrs) and not corrections,
            furniture=_is_furniture(attrs),
            corrections=corrections,
        )
        if tag not in _INLINE:
            self._separator(start)
        self.stack.append(element)
        self._count(element, 1)
        if tag == "title" and self.junk == self.heads:
            self.title_text = _Text()
        if self.junk or self.furniture:
            return
        if tag in _HEADINGS and self.sources_depth is not None:
            self.sources_depth = None
        if tag in _BLOCKS:
            self._open_block(element)
        elif tag in {"td", "th"} and self.blocks and self.blocks[-1].tag == "tr":
            row = self.blocks[-1]
            row.cells.append(_Text())
            row.header = row.header and tag == "th"
        elif tag == "a" and attrs.get("href"):
            self._open_anchor(element, (attrs.get("href") or "").strip(), start)

    def _imply_end(self, tag: str) -> None:
        """Close what a start tag ends implicitly: an open ``<p>``, a sibling item or row."""
        if tag in _CLOSES_P:
            self._close_open("p", _SCOPE)
        if tag == "li":
            self._close_open("li", _SCOPE | {"ul", "ol"})
        elif tag == "tr":
            self._close_open("tr", {"table"})
        elif tag in {"td", "th"}:
            self._close_open("td", {"tr", "table"})
            self._close_open("th", {"tr", "table"})
        elif tag in _HEADINGS and self.stack and self.stack[-1].tag in _HEADINGS:
            self._pop()
        elif tag == "a":
            self._close_open("a", _SCOPE)

    def _close_open(self, tag: str, boundary: set[str] | frozenset[str]) -> None:
        for position in range(len(self.stack) - 1, -1, -1):
            open_tag = self.stack[position].tag
            if open_tag == tag:
                while len(self.stack) > position:
                    self._pop()
                return
            if open_tag in boundary:
                return

    def _end(self, tag: str, start: int) -> None:
        if tag not in _INLINE:
            self._end_loose()
        if not any(element.tag == tag for element in self.stack):
            return  # a stray end tag
        end = self._tag_end(start)
        while self.stack:
            element = self._pop(end)
            if element.tag == tag:
                break
        if tag == "head":
            self._close_head()
        if tag not in _INLINE:
            self._separator(start)

    def _pop(self, end: int | None = None) -> _Element:
        element = self.stack.pop()
        if element.anchor is not None:
            self._close_anchor(element.anchor, end)
        if element.block is not None:
            self._close_block(element.block)
        if element.tag == "title" and self.title_text is not None:
            self._take_page_title()
        self._count(element, -1)
        if self.sources_depth is not None and len(self.stack) < self.sources_depth:
            self.sources_depth = None
        return element

    def _count(self, element: _Element, step: int) -> None:
        """Keep the counts of open elements that change how text is read."""
        self.junk += step * element.junk
        self.heads += step * (element.tag == "head")
        self.furniture += step * element.furniture
        self.italic += step * (element.tag in _ITALIC)
        self.articles += step * (element.tag in {"article", "main"})
        self.corrections += step * element.corrections
        self.head_rows += step * (element.tag == "thead")

    def _close_head(self) -> None:
        """Pages without ``</head>`` start their body all the same."""
        for position, element in enumerate(self.stack):
            if element.tag == "head":
                while len(self.stack) > position:
                    self._pop()
                return

    # -- text --------------------------------------------------------------------------------

    def _text(self, text: str, start: int, end: int | None) -> None:
        if self.title_text is not None:
            self._add(self.title_text, text, start, end)
        if self.junk or self.furniture:
            return
        if not self.blocks and text.strip():
            loose = _Block("p", in_article=self.articles > 0, loose=True)
            loose.anchors.extend([self.anchor] if self.anchor is not None else [])
            self.blocks.append(loose)
        if self.blocks:
            self._add(self.blocks[-1].target(), text, start, end)
        if self.anchor is not None:
            self.anchor.italic = self.anchor.italic or (self.italic > 0 and not self.anchor.label)
            self._add(self.anchor.label, text, start, end)

    @staticmethod
    def _add(target: _Text, text: str, start: int, end: int | None) -> None:
        if end is None:
            target.data(text, start)
        else:
            target.add(text, start, end)

    def _separator(self, at: int) -> None:
        """Block-level markup inside a block separates words."""
        if self.blocks and not (self.junk or self.furniture):
            self.blocks[-1].target().add(" ", at, at)

    # -- blocks ------------------------------------------------------------------------------

    def _open_block(self, element: _Element) -> None:
        """A block inside a row, or a paragraph inside an item or heading, joins it; any
        other block inside a block ends the outer one's text so far (a list in an item)."""
        outer = self.blocks[-1] if self.blocks else None
        if outer is not None and (
            outer.tag == "tr" or (element.tag == "p" and outer.tag in {"li", *_HEADINGS})
        ):
            return
        if outer is not None:
            self._emit(outer)
            self.blocks[-1] = _Block(outer.tag, in_article=outer.in_article)
            self._rebind(outer, self.blocks[-1])
        block = _Block(element.tag, in_article=self.articles > 0, in_head_row=self.head_rows > 0)
        element.block = block
        self.blocks.append(block)

    def _end_loose(self) -> None:
        """Text outside blocks runs until the next block-level tag, as browsers lay it out."""
        if self.blocks and self.blocks[-1].loose:
            block = self.blocks.pop()
            if self.sources_depth is not None or len(str(block.text).split()) >= _LOOSE_WORDS:
                self._emit(block)

    def _rebind(self, old: _Block, new: _Block) -> None:
        for element in self.stack:
            if element.block is old:
                element.block = new

    def _close_block(self, block: _Block) -> None:
        if self.blocks and self.blocks[-1] is block:
            self.blocks.pop()
        self._emit(block)

    def _emit(self, block: _Block) -> None:
        """Cut a finished block into units."""
        if block.tag == "tr":
            self._row(block)
            return
        text = block.text.collapsed()
        clean = CITATION_MARK.sub("", str(text)).strip()
        if not clean:
            return
        heading = block.tag in _HEADINGS
        if heading and clean.lower().rstrip(":").strip() in SOURCE_HEADINGS:
            self.sources_depth = len(self.stack)
            return
        if self.sources_depth is not None:
            self._source_urls([text], block.anchors)
            return
        start, end = text.span(0, len(text))
        if block.tag == "h1":
            links = self._links(text, block.anchors, 0, len(text), clean)
            self.h1s.append(_Heading(start, end, clean, links, block.in_article))
        elif heading:
            if not is_label(clean):
                self._unit(text, block.anchors, 0, len(text), "heading")
        elif self.corrections and block.tag in {"p", "li"} and self._correction(text, block):
            return
        elif not self._is_furniture(clean, start, end):
            if block.tag != "li" and not block.anchors and is_standalone_label(clean):
                return
            if block.tag == "li":
                self._unit(text, block.anchors, 0, len(text), "list_item")
            else:
                for first, last in cited_sentences(str(text)):
                    self._unit(text, block.anchors, first, last, "sentence")

    def _correction(self, text: _Text, block: _Block) -> bool:
        """Read a correction note (``parse.CORRECTION_TEXT``) as the Markdown reader reads
        one: what is right as sentences, the source's link as a link that must lead to a
        source; what was wrong is quoted as wrong and the date is furniture. False, reading
        nothing, when the note is not one: then it is read as claims, so the aside hides
        nothing. A link or web address anywhere but on the outlet, or an outlet that does
        not read as a label, makes it no note."""
        clean = str(text)
        match = CORRECTION_TEXT.fullmatch(clean)
        if match is None or iso_date(match.group("date")) is None:
            return False
        outlet = match.group("outlet")
        first, last = match.span("outlet")
        links = [a for a in block.anchors if len(a.label)]
        on_outlet = [a for a in links if text.span(first, last)[0] <= a.label.starts[0]]
        if len(on_outlet) != len(links) or len(links) > 1 or not is_label(outlet):
            return False
        if BARE_URL.search(clean):
            return False
        right_first, right_last = match.span("right")
        for begin, end in cited_sentences(clean[right_first:right_last]):
            self._unit(text, [], right_first + begin, right_first + end, "sentence")
        if links and self._cites(links[0].href):
            self._source_link(links[0])
        return True

    def _is_furniture(self, clean: str, start: int, end: int) -> bool:
        """Bylines, read times, labels of one word ("Politics") and ad labels; a date line is
        the article's date if it has none."""
        if is_furniture(clean) or clean.lower().rstrip(".:") in _FURNITURE_TEXT:
            return True
        if len(clean.split()) == 1:
            return True
        date = iso_date(clean)
        if date is None:
            return False
        if self.date is None:
            self.date = date
            self.units.add(start, end, "sentence", clean, field="date", links=())
        return True

    def _row(self, block: _Block) -> None:
        """A body row is one claim, its cells joined with ", "; a header row is not a claim."""
        cells = [cell.collapsed() for cell in block.cells]
        cells = [cell for cell in cells if len(cell)]
        if not cells or block.header or block.in_head_row:
            return
        if self.sources_depth is not None:
            self._source_urls(cells, block.anchors)
            return
        start, end = cells[0].starts[0], cells[-1].ends[-1]
        clean = ", ".join(str(cell) for cell in cells)
        links = tuple(
            link
            for cell in cells
            for link in self._links(cell, block.anchors, 0, len(cell), str(cell))
        )
        self.units.add(start, end, "table_row", clean, links=links)

    def _unit(
        self, text: _Text, anchors: list[_Anchor], first: int, last: int, kind: UnitKind
    ) -> None:
        clean = " ".join(CITATION_MARK.sub("", str(text)[first:last]).split())
        start, end = text.span(first, last)
        links = self._links(text, anchors, first, last, clean if kind in TITLED else None)
        self.units.add(start, end, kind, clean, links=links)

    def _links(
        self, text: _Text, anchors: list[_Anchor], first: int, last: int, whole: str | None
    ) -> tuple[Link, ...]:
        """The anchors whose text starts in characters ``[first, last)``, then bare URLs;
        ``whole`` is the text of a list item, row or heading (see ``cited_title``)."""
        start, end = text.span(first, last)
        found: list[tuple[int, Link]] = []
        for anchor in anchors:
            at = anchor.label.starts[0] if len(anchor.label) else anchor.start
            if start <= at < end and self._cites(anchor.href):
                before = bisect.bisect_left(text.starts, anchor.start)
                after = bisect.bisect_left(text.starts, anchor.end)
                cited = cited_title(
                    str(anchor.label.collapsed()),
                    text.chars[before - 1] if before > 0 else "",
                    text.chars[after] if after < len(text) else "",
                    whole,
                    anchor.italic,
                )
                found.append((at, Link(anchor.href, cited)))
        clean = str(text)
        for match in BARE_URL.finditer(clean, first, last):
            at = text.starts[match.start()]
            if not any(a.start <= at < a.end for a in anchors):
                found.append((at, Link(match.group().rstrip(".,;:'\"’”"))))
        return tuple(link for _, link in sorted(found, key=lambda item: item[0]))

    # -- anchors and the Sources list --------------------------------------------------------

    def _cites(self, href: str) -> bool:
        """Whether a link in the text leads to another page: not a relative link within the
        site, a fragment, or the page itself (a permalink on its headline)."""
        return is_web_url(href) and normalize_url(href) not in self.own_urls

    def _open_anchor(self, element: _Element, href: str, start: int) -> None:
        href = self.footnotes.get(href, href)
        anchor = _Anchor(href, start, italic=self.italic > 0)
        if self.blocks:
            self.blocks[-1].anchors.append(anchor)
        element.anchor = anchor
        self.anchor = anchor

    def _close_anchor(self, anchor: _Anchor, end: int | None) -> None:
        anchor.end = end if end is not None else self._here()
        self.anchor = None
        if self.sources_depth is not None and not self.blocks and not self.junk:
            self._source_link(anchor)

    def _source_urls(self, texts: list[_Text], anchors: list[_Anchor]) -> None:
        """Each link of a Sources list, and each bare URL in its text, is a source link."""
        for anchor in anchors:
            self._source_link(anchor)
        for text in texts:
            for match in BARE_URL.finditer(str(text)):
                at = text.starts[match.start()]
                if any(a.start <= at < a.end for a in anchors):
                    continue
                url = match.group().rstrip(".,;:'\"’”")
                start, end = text.span(match.start(), match.start() + len(url))
                self.units.add(start, end, "source_link", url, url=url)

    def _source_link(self, anchor: _Anchor) -> None:
        if anchor.href.startswith(("#", "mailto:", "javascript:")) or anchor.end < 0:
            return
        label = str(anchor.label.collapsed()) or anchor.href
        self.units.add(anchor.start, anchor.end, "source_link", label, url=anchor.href)

    # -- metadata ----------------------------------------------------------------------------

    def _meta(self, attrs: dict[str, str | None], start: int) -> None:
        """``og:title``, the section and the publication time, each a unit at its value."""
        if self.junk > self.heads:
            return
        key = (attrs.get("property") or attrs.get("name") or attrs.get("itemprop") or "").lower()
        span = self._attribute(_CONTENT_ATTRIBUTE, start)
        if span is None:
            return
        value = " ".join(unescape(self.source[span[0] : span[1]]).split())
        if not value:
            return
        if key == "og:url":
            self.own_urls.add(normalize_url(value))
        elif key in _TITLE_META and self.og_title is None:
            self.og_title = (*span, value)
        elif key in _SECTION_META and self.category is None:
            self.category = value
            self.units.add(*span, "sentence", value, field="category", links=())
        elif key in _DATE_META and self.date is None and iso_date(value) is not None:
            self._date(span, value)

    def _time(self, attrs: dict[str, str | None], start: int) -> None:
        """The first ``<time datetime>`` dates the article when no meta tag did."""
        if self.date is not None or not attrs.get("datetime"):
            return
        span = self._attribute(_DATETIME_ATTRIBUTE, start)
        value = (attrs.get("datetime") or "").strip()
        if span is not None and iso_date(value) is not None:
            self._date(span, value)

    def _date(self, span: tuple[int, int], value: str) -> None:
        self.date = iso_date(value)
        self.units.add(*span, "sentence", value, field="date", links=())

    def _attribute(self, pattern: re.Pattern[str], start: int) -> tuple[int, int] | None:
        """Where an attribute's value lies in the raw start tag at ``start``, blanks trimmed."""
        tag = self.get_starttag_text() or ""
        match = pattern.search(tag)
        if match is None:
            return None
        group = next(g for g in (1, 2, 3) if match.group(g) is not None)
        first, last = match.span(group)
        raw = tag[first:last]
        first += len(raw) - len(raw.lstrip())
        last = first + len(raw.strip())
        return (start + first, start + last) if last > first else None

    def _take_page_title(self) -> None:
        """``<title>`` without a `` | Site name`` suffix."""
        assert self.title_text is not None
        text = self.title_text.collapsed()
        self.title_text = None
        clean = str(text).split(" | ")[0].strip()
        if clean and self.page_title is None:
            self.page_title = (*text.span(0, len(clean)), clean)

    # -- result ------------------------------------------------------------------------------

    def parsed(self) -> ParsedArticle:
        """The title is the story's ``<h1>`` (one inside ``<article>`` first), else the
        ``og:title``, else ``<title>``; other ``<h1>``s are headings like the rest."""
        title = None
        chosen = next((h for h in self.h1s if h.in_article), self.h1s[0] if self.h1s else None)
        for heading in self.h1s:
            if heading is chosen:
                title = heading.clean
                self._title(heading.start, heading.end, heading.clean, heading.links)
            elif not is_label(heading.clean):
                self.units.add(heading.start, heading.end, "heading", heading.clean)
        fallback = self.og_title or self.page_title
        if title is None and fallback is not None:
            title = fallback[2]
            self._title(*fallback, ())
        return ParsedArticle(title or "", self.date, self.category, self.units.ordered(), "html")

    def _title(self, start: int, end: int, clean: str, links: tuple[Link, ...]) -> None:
        field: UnitField = "title"
        self.units.add(start, end, "heading", clean, field=field, links=links)


def _words(value: str | None) -> set[str]:
    """Class or id words, each with the parts of a compound (``ad-slot``: also ``ad``, ``slot``)."""
    found: set[str] = set()
    for token in (value or "").lower().split():
        found.add(token)
        found.update(part for part in re.split(r"[-_]", token) if part)
    return found


def _is_junk(tag: str, attrs: dict[str, str | None]) -> bool:
    """Navigation, scripts, ads and hidden elements: nothing in them is the story."""
    if tag in _JUNK_TAGS:
        return True
    if (attrs.get("role") or "").lower() in _JUNK_ROLES:
        return True
    if "hidden" in attrs or (attrs.get("aria-hidden") or "").lower() == "true":
        return True
    if re.search(r"display\s*:\s*none", attrs.get("style") or "", re.IGNORECASE):
        return True
    return bool((_words(attrs.get("class")) | _words(attrs.get("id"))) & _JUNK_CLASSES)


def _is_furniture(attrs: dict[str, str | None]) -> bool:
    """Bylines, datelines, tag lists: their ``<time>`` dates the article, their text is no claim."""
    if (attrs.get("itemprop") or "").lower() in _FURNITURE_PROPS or attrs.get("rel") == "author":
        return True
    return bool(_words(attrs.get("class")) & _FURNITURE_CLASSES)
