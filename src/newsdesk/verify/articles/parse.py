"""Read an article to check, written by anyone: Markdown (with optional YAML front
matter, as Jekyll and Hugo write it), plain text or HTML (``verify.html_articles``).

``newsdesk check`` reports every finding at a place in the file the user gave
it, so parsing never rewrites the article: every ``Unit`` keeps the exact span
``[start, end)`` of its original text (``article[start:end] == unit.text``), and
the text without markup that the checker reads goes in ``clean``. The links a
unit contains go in ``links``, because every URL of an article, not only those
of its Sources list, must lead to a source.
"""

from __future__ import annotations

import datetime
import html
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import Any, Literal

import yaml

from newsdesk.errors import InputError
from newsdesk.language.text import sentences

UnitField = Literal["title", "category", "date"]
UnitKind = Literal["sentence", "heading", "list_item", "table_row", "source_link"]
ArticleFormat = Literal["markdown", "text", "html"]


@dataclass(frozen=True)
class Link:
    """A URL written inside a unit, and the title it cites when its text names one.

    ``label`` is set only where the link text reads as a cited title (quoted,
    in italics, or all of a list item, row or heading): the words of an
    ordinary inline link ("the court [ruled late Monday](...)") are prose, not
    the page's title.
    """

    url: str
    label: str | None = None


@dataclass(frozen=True)
class Unit:
    """One checkable piece of an article: a claim, a metadata value or a source link.

    ``field`` is set on the article's title, category and date; ``url`` on
    source links; ``clean`` is ``text`` without markup, on one line; ``links``
    are the other URLs the unit contains (inline links, bare URLs).
    """

    text: str
    start: int
    end: int
    field: UnitField | None = None
    kind: UnitKind = "sentence"
    url: str | None = None
    clean: str = ""
    links: tuple[Link, ...] = ()

    @property
    def urls(self) -> tuple[str, ...]:
        """Every URL of the unit: its own (a source link's) and those written in it."""
        own = (self.url,) if self.url else ()
        return own + tuple(link.url for link in self.links)


@dataclass(frozen=True)
class ParsedArticle:
    """An article's metadata and its units, in document order."""

    title: str
    date: str | None
    category: str | None
    units: list[Unit] = field(default_factory=list)
    format: ArticleFormat = "markdown"


_MONTHS = (
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
)
_DATE_LINE = re.compile(
    r"(?:(?:published|updated|posted)(?:\s+on)?:?\s+)?"
    r"(?:(?:mon|tues|wednes|thurs|fri|satur|sun)day,?\s+)?"
    r"(?:(?P<iso>\d{4}-\d{2}-\d{2})"
    r"|(?P<month>[a-z]{3,9})\.?\s+(?P<day>\d{1,2}),?\s+(?P<year>\d{4})"
    r"|(?P<day2>\d{1,2})\s+(?P<month2>[a-z]{3,9})\.?,?\s+(?P<year2>\d{4}))"
    r"(?:[,\s]+\d{1,2}:\d{2}(?::\d{2})?(?:\s*[ap]\.?m\.?)?(?:\s+[a-z]{2,4})?)?",
    re.IGNORECASE,
)
_ISO_PREFIX = re.compile(r"(\d{4}-\d{2}-\d{2})(?:[T ]\S.*)?")
_READ_TIME = re.compile(r"\d+\s*(?:-\s*)?min(?:ute)?s?\.?\s+read", re.IGNORECASE)
_NAME_WORD = r"[A-Z][\w.'’-]*"
_BYLINE = re.compile(
    rf"(?:By|BY)\s+{_NAME_WORD}(?:(?:\s+|,\s*|\s+(?:and|&)\s+|\s*[|/·•–—]\s*){_NAME_WORD}){{0,6}}"
    r"(?:,?\s+(?:staff|senior|chief|contributing|special)?\s*(?:writer|reporter|correspondent"
    r"|editor)s?)?\.?"
    r"|(?i:(?:from\s+)?staff(?:\s+and\s+wire)?\s+reports?|from\s+wire\s+reports"
    r"|staff\s+(?:writer|reporter)s?|wire\s+services)\.?"
)
"""A byline: "By Jane Doe and John Roe, Reuters", "By Jane Doe | AP, staff writer", or
an unsigned one ("Staff report", "From wire reports")."""
_SECTION_WORD = re.compile(r"[A-Za-z][A-Za-z&-]{0,24}")
_HTML = re.compile(r"<html[\s>]|<body[\s>]|<p[\s>]|<!doctype\s+html", re.IGNORECASE)
_MARKDOWN_HINT = re.compile(r"^(?:#{1,6}\s|\|.*\|\s*$)|\[[^\]\n]+\]\([^)\s]+\)", re.MULTILINE)
_MARKDOWN_SUFFIXES = frozenset({".md", ".markdown", ".mdown", ".mkd", ".mkdn"})
_TEXT_SUFFIXES = frozenset({".txt", ".text"})
_HTML_SUFFIXES = frozenset({".html", ".htm", ".xhtml"})

_FRONT_OPEN = re.compile(r"\A\ufeff?---[ \t]*\r?\n")
_FRONT_CLOSE = re.compile(r"^(?:---|\.\.\.)[ \t]*\r?$", re.MULTILINE)
_BLOCK_SCALAR = re.compile(r"[|>][-+0-9]*")
_FRONT_FIELDS: tuple[tuple[UnitField, UnitKind], ...] = (
    ("title", "heading"),
    ("category", "sentence"),
    ("date", "sentence"),
)

_HEADING = re.compile(r"[ ]{0,3}(?P<marks>#{1,6})(?:[ \t]+(?P<text>.*?))?(?:[ \t]+#+)?[ \t]*")
"""An ATX heading; an empty one ("##") labels nothing and is no claim either."""
_LIST_ITEM = re.compile(r"(?P<indent>[ \t]*)(?:[-*+]|\d{1,9}[.)])[ \t]+(?:\[[ xX]\][ \t]+)?")
_SETEXT = re.compile(r"=+|-+")
_RULE = re.compile(r"(?:[-*_][ \t]*){3,}")
_TABLE_RULE = re.compile(r"\|?(?:[ \t]*:?-+:?[ \t]*\|)*[ \t]*:?-+:?[ \t]*\|?")
_NOT_PROSE = re.compile(
    r"\{[:%{]|<!--|</?[A-Za-z][^>]*>\s*$|!\[[^\]]*\]\([^)]*\)\s*$|\[[^\]]+\]:\s*\S"
)
_QUOTE_MARKERS = re.compile(r"^[ \t]*(?:>[ \t]?)+", re.MULTILINE)
_FENCES = ("```", "~~~")
SOURCE_HEADINGS = frozenset({"sources", "source", "references", "sources and references"})
FURTHER_HEADINGS = frozenset({"further coverage", "further coverage in other languages"})
"""Sections that list reporting elsewhere (in other languages) without quoting it: a list
item there that links somewhere is a pointer, not a claim. Other lines are read as usual,
so the heading cannot hide a claim."""
CORRECTION_HEADINGS = frozenset({"corrections", "correction"})
"""Sections of dated corrections, as newsdesk's posts write them (``CORRECTION``)."""
CORRECTION = re.compile(
    r"(?:\*\*|__)?Correction(?:\*\*|__)?:?\s+(?P<date>[^.\n]{1,40}?)\.\s+"
    r"An earlier version of this article was wrong:\s+(?P<wrong>.+?)\s+"
    r"What is right:\s+(?P<right>.+)\s+"
    r"Source:\s+(?:(?P<link>\[(?P<label>(?:\\.|[^\]\\\n])+)\]\(\s*<?(?P<url>[^)\s>]+)>?"
    r"(?:\s+\"[^\"\n]*\")?\s*\))|(?P<outlet>[^\[\]()<>\n]+?))\.?",
    re.DOTALL,
)
"""A correction as a paragraph or list item under a Corrections heading: "**Correction**
5 March 2024. An earlier version of this article was wrong: WRONG What is right: RIGHT
Source: [Outlet](url)." What is right is read as claims, the source's link as a link
that must lead to a source; what was wrong is quoted as wrong, so it is no claim of the
article. The rule hides nothing else: the date must read as one, the quote may hold no
link, HTML or Liquid, an outlet without a link must read as a label (fewer than four
words), the
earliest "What is right:" and the latest "Source:" split the text (so a quote that holds
the words is checked past them), and anything else under the heading is read as usual."""
CORRECTION_TEXT = re.compile(
    r"Correction:?\s+(?P<date>[^.]{1,40}?)\.\s+"
    r"An earlier version of this article was wrong:\s+(?P<wrong>.+?)\s+"
    r"What is right:\s+(?P<right>.+)\s+"
    r"Source:\s+(?P<outlet>[^\s.][^.]*?)\.?",
    re.DOTALL,
)
"""The same correction as a web page shows it, read as text (the source's link is an
``<a>`` around the outlet): what an HTML page's ``aside.corrections`` must match to be
read as a correction rather than as claims (``verify/articles/html.py``)."""
_MARKUP = re.compile(r"<[A-Za-z/!?]|\{[{%]|(?:https?:)?//", re.IGNORECASE)
"""What the parts of a correction read as no claim may not hold: raw HTML or Liquid, which
could show a reader something else than the quoted text, or a web address (the source's
link is read, and checked, apart)."""
MIN_HEADING_WORDS = 4
"""Shorter headings ("Background", "What happened") are section labels, not claims."""
SECTION_LABELS = frozenset(
    {
        "where outlets differ",
        "how outlets covered it",
        "how the media covered it",
        "what we know so far",
        "what we don't know",
        "what happens next",
        "key quotes",
        "related coverage",
        "what you need to know",
        "what we know and don't know",
        "more on this story",
        "read more on this story",
        "by the numbers",
        "what they're saying",
        "what they are saying",
        "the story so far",
        "why it matters",
        "what to watch for",
    }
)
"""Longer headings that name a section of an article rather than claim anything."""


_SENTENCE_END = ".!?…\"”’'»)]"
"""How a sentence ends (after any closing quote or bracket); a label ends otherwise or
with a colon."""


def is_standalone_label(text: str) -> bool:
    """Whether a line standing alone in the body is a section label set as a paragraph
    ("Key figures", "**Timeline**", "Background:"): it reads as a label (``is_label``)
    and does not end like a sentence. Callers leave out lines with links, whose URLs
    must still be checked."""
    stripped = text.strip()
    return bool(stripped) and stripped[-1] not in _SENTENCE_END and is_label(stripped)


def is_label(heading: str) -> bool:
    """Whether a heading only labels what follows: short, a known section name, or a date
    (a timeline's "14 July 2020")."""
    folded = heading.lower().rstrip(":").strip()
    return (
        len(heading.split()) < MIN_HEADING_WORDS
        or folded in SECTION_LABELS
        or iso_date(heading) is not None
    )


_MD_LINK = re.compile(r"!?\[(?P<label>[^\]]*)\]\(\s*<?(?P<url>[^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
BARE_URL = re.compile(r"https?://[^\s<>()\[\]]+")
_REF_LINK = re.compile(r"!?\[(?P<label>[^\]]+)\]\[(?P<ref>[^\]]*)\]")
_AUTOLINK = re.compile(r"<(?P<url>https?://[^>\s]+)>", re.IGNORECASE)
_REFERENCE = re.compile(
    r"^[ ]{0,3}\[(?P<ref>[^\]^][^\]]*)\]:[ \t]*<?(?P<url>[^\s>]+)>?", re.MULTILINE
)
_WEB_URL = re.compile(r"(?:https?:)?//[^/\s]", re.IGNORECASE)
_OPEN_QUOTES = '"“‘«'
_CLOSE_QUOTES = '"”’»'
_EDGE_PUNCTUATION = " .,;:!?"
_URL_IN_TEXT = re.compile(
    r"\s*(?:\(\s*https?://[^\s()]+\s*\)|<https?://[^\s>]+>|\[\s*https?://[^\s\]]+\s*\]"
    r"|(?:https?:)?//[^\s<>()\[\]]+)",
    re.IGNORECASE,
)
TITLED: frozenset[UnitKind] = frozenset({"list_item", "table_row", "heading"})
"""Units whose whole text, when it is a link's, is the title the link cites."""
_INLINE: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"\[\\?\[\d{1,3}\\?\]\]\([^)]*\)"), ""),  # a citation marker: [[1]](url)
    (re.compile(r"!\[[^\]]*\]\([^)]*\)"), ""),
    (re.compile(r"\[\^[^\]]+\]"), ""),
    (re.compile(r"\[([^\]]+)\]\([^)]*\)"), r"\1"),
    (re.compile(r"\[([^\]]+)\]\[[^\]]*\]"), r"\1"),
    (re.compile(r"<(https?://[^>\s]+)>"), r"\1"),
    (re.compile(r"</?[A-Za-z][^>\n]*>"), ""),
    (re.compile(r"\{:[^}]*\}"), ""),
    (re.compile(r"`([^`]+)`"), r"\1"),
    (re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1"), r"\2"),
    (re.compile(r"(?<![\w*])([*_])(?=\S)(.+?)(?<=\S)\1(?![\w*])"), r"\2"),
    (re.compile(r"~~(.+?)~~"), r"\1"),
    (re.compile(r"\\([\\`*_{}\[\]()#+\-.!|>$~])"), r"\1"),
)


def parse_plain(text: str, name: str) -> ParsedArticle:
    """Split a Markdown or plain-text article into units (``name`` tells which)."""
    if _is_markdown(text, name):
        return _parse_markdown(text, name)
    return _parse_text(text)


def is_html(text: str, name: str) -> bool:
    """Whether the article is an HTML page, by its file name or its first markup."""
    return _is_html(text, name)


def iso_date(text: str) -> str | None:
    """A date line ("July 14, 2020", "Published 2020-07-14 10:00") as ``YYYY-MM-DD``, else None."""
    text = " ".join(text.split())
    prefix = _ISO_PREFIX.fullmatch(text)
    match = _DATE_LINE.fullmatch(text)
    if prefix is not None:
        return _valid_date(prefix.group(1))
    if match is None:
        return None
    if match.group("iso"):
        return _valid_date(match.group("iso"))
    month = _month(match.group("month") or match.group("month2"))
    day = match.group("day") or match.group("day2")
    year = match.group("year") or match.group("year2")
    return _valid_date(f"{year}-{month:02d}-{int(day):02d}") if month else None


CITATION_LINK = re.compile(r"\[\\?\[\d{1,3}\\?\]\]\([^)\s]*\)|\[\d{1,3}\]")
"""A numbered citation marker, linked (``[[1]](url)``, ``[\\[1\\]](url)``) or bare (``[1]``)."""
CITATION_MARK = re.compile(r"\s?\[\d{1,3}\]")
"""A numbered citation marker left in the text ("[3]"): where a claim is cited, not what it says."""


def strip_inline(text: str) -> str:
    """Text without inline Markdown markup (links, emphasis, code, tags, citation markers,
    character references), on one line."""
    for pattern, replacement in _INLINE:
        text = pattern.sub(replacement, text)
    text = html.unescape(CITATION_MARK.sub("", text))
    return " ".join(text.split())


def _month(name: str) -> int | None:
    """1-12 for a month name or its abbreviation ("Jul", "Sept"), else None."""
    name = name.lower()
    return next(
        (n for n, m in enumerate(_MONTHS, 1) if len(name) >= 3 and m.startswith(name)), None
    )


def _valid_date(value: str) -> str | None:
    try:
        return datetime.date.fromisoformat(value).isoformat()
    except ValueError:
        return None


def _is_html(text: str, name: str) -> bool:
    """An ``.html`` name, or a page's markup where no Markdown or text suffix says otherwise.

    Markdown may hold raw HTML blocks, so a ``.md`` file is never read as a page.
    """
    suffix = PurePath(name).suffix.lower()
    if suffix in _HTML_SUFFIXES:
        return True
    if suffix in _MARKDOWN_SUFFIXES or suffix in _TEXT_SUFFIXES:
        return False
    return text.lstrip("\ufeff \t\r\n").startswith("<") or _HTML.search(text) is not None


def _is_markdown(text: str, name: str) -> bool:
    """The file suffix decides; without a known one, Markdown syntax does."""
    suffix = PurePath(name).suffix.lower()
    if suffix in _MARKDOWN_SUFFIXES:
        return True
    if suffix in _TEXT_SUFFIXES:
        return False
    return _FRONT_OPEN.match(text) is not None or _MARKDOWN_HINT.search(text) is not None


@dataclass(frozen=True)
class _Line:
    """One line of the article: ``text`` is ``source[start:end]`` without its line ending."""

    start: int
    end: int
    text: str


def _lines(source: str, start: int = 0) -> Iterator[_Line]:
    position = start
    while position <= len(source):
        newline = source.find("\n", position)
        stop = len(source) if newline == -1 else newline
        end = stop - 1 if stop > position and source[stop - 1] == "\r" else stop
        yield _Line(position, end, source[position:end])
        if newline == -1:
            return
        position = newline + 1


class Units:
    """Collects units, cutting every one from the article so its span is exact by construction.

    ``references`` are the article's Markdown link definitions (``[1]: URL``),
    for links written ``[text][1]``.
    """

    def __init__(self, source: str, references: Mapping[str, str] | None = None) -> None:
        self.source = source
        self.references = dict(references or {})
        self.items: list[Unit] = []

    def add(
        self,
        start: int,
        end: int,
        kind: UnitKind,
        clean: str | None = None,
        field: UnitField | None = None,
        url: str | None = None,
        links: tuple[Link, ...] | None = None,
    ) -> None:
        """Add ``source[start:end]`` (blanks trimmed); its links are read from the Markdown
        text unless given."""
        raw = self.source[start:end]
        start += len(raw) - len(raw.lstrip())
        end = start + len(raw.strip())
        text = self.source[start:end]
        checked = " ".join((text if clean is None else clean).split())
        if links is None and kind == "source_link":
            links = ()
        elif links is None:
            whole = checked if kind in TITLED else None
            links = markdown_links(text, whole, self.references)
        if text and checked:
            self.items.append(Unit(text, start, end, field, kind, url, checked, links))

    def sentences(self, start: int, end: int, masked: str | None = None) -> None:
        """Add the sentences of ``source[start:end]``, split on ``masked`` when markup is hidden."""
        body = self.source[start:end] if masked is None else masked
        for first, last in cited_sentences(body):
            self.add(start + first, start + last, "sentence", strip_inline(body[first:last]))

    def ordered(self) -> list[Unit]:
        return sorted(self.items, key=lambda unit: (unit.start, unit.end))


def cited_sentences(text: str) -> Iterator[tuple[int, int]]:
    """Sentence spans of ``text``, each with the citation markers that follow it.

    Markers are blanked for splitting ("ruled.[2] Later" is two sentences)
    and then given back to the sentence they follow, so a marker's link is
    checked with the claim it cites for.
    """
    blanked = CITATION_LINK.sub(lambda m: " " * len(m.group()), text)
    for span in sentences(blanked):
        stop = span.end
        while (marker := CITATION_LINK.match(text, stop)) is not None:
            stop = marker.end()
        yield span.start, stop


def is_furniture(line: str) -> bool:
    """Read-time and byline lines are page furniture, not claims about the news."""
    return _READ_TIME.fullmatch(line) is not None or _BYLINE.fullmatch(line) is not None


# Links ----------------------------------------------------------------------------------


def is_web_url(url: str) -> bool:
    """An absolute ``http(s)`` or protocol-relative URL: a page somewhere else.

    Relative links, fragments and ``mailto:`` lead within the site or nowhere,
    so they cannot be a source's URL and are not checked as one.
    """
    return _WEB_URL.match(url.strip()) is not None


def cited_title(
    label: str, before: str, after: str, whole: str | None, italic: bool = False
) -> str | None:
    """The link's text when it reads as the title of what it cites, else None.

    A title is quoted (inside the link or around it), set in italics, or is
    all that a list item, row or heading (``whole``) says ("- [Title](url)");
    other link text is prose, even a whole linked sentence.
    """
    label = " ".join(label.split())
    if not label:
        return None
    inner = len(label) > 2 and label[0] in _OPEN_QUOTES and label[-1] in _CLOSE_QUOTES
    outer = before[-1:] in tuple(_OPEN_QUOTES) and after[:1] in tuple(_CLOSE_QUOTES)
    alone = whole is not None and label.strip(_EDGE_PUNCTUATION) == whole.strip(_EDGE_PUNCTUATION)
    if inner or outer or italic or alone:
        return label.strip(_OPEN_QUOTES + _CLOSE_QUOTES) or None
    return None


def markdown_links(
    text: str, whole: str | None = None, references: Mapping[str, str] | None = None
) -> tuple[Link, ...]:
    """The web links written in Markdown ``text``: ``[label](url)``, ``[label][ref]``,
    ``<url>`` and bare URLs, in order. ``whole`` is the text without markup of a list
    item, row or heading (see ``cited_title``).

    Images are not links: their address is where a picture is stored, not a
    page the article cites.
    """
    references = references or {}
    found: list[tuple[int, Link]] = []
    taken: list[tuple[int, int]] = []
    for pattern in (_MD_LINK, _REF_LINK, _AUTOLINK, BARE_URL):
        for match in pattern.finditer(text):
            if any(a < match.end() and match.start() < b for a, b in taken):
                continue
            taken.append(match.span())
            url = _link_url(match, references)
            if url is None or match.group().startswith("!") or not is_web_url(url):
                continue
            label = None
            if "label" in match.groupdict():
                raw = match.group("label")
                before, after = text[: match.start()], text[match.end() :]
                italic = re.fullmatch(r"([*_])[^*_].*\1", raw.strip()) is not None or (
                    before[-1:] in ("*", "_") and after[:1] in ("*", "_")
                )
                label = cited_title(strip_inline(raw), before, after, whole, italic)
            found.append((match.start(), Link(url, label)))
    return tuple(link for _, link in sorted(found, key=lambda item: item[0]))


def without_urls(text: str) -> str:
    """``text`` with the URLs written in it taken out: an address is not a claim."""
    text = _URL_IN_TEXT.sub("", text)
    return " ".join(re.sub(r"\s+([.,;:!?])", r"\1", text).split())


def _link_url(match: re.Match[str], references: Mapping[str, str]) -> str | None:
    groups = match.groupdict()
    if "ref" in groups:
        key = groups["ref"] or groups["label"]
        return references.get(" ".join(key.lower().split()))
    if "url" in groups:
        return groups["url"]
    return match.group().rstrip(".,;:'\"’”")


def _references(source: str) -> dict[str, str]:
    """Markdown link definitions (``[label]: URL``), by label folded as Markdown folds it."""
    return {
        " ".join(match.group("ref").lower().split()): match.group("url")
        for match in _REFERENCE.finditer(source)
    }


# Plain text -----------------------------------------------------------------------------


def _parse_text(source: str) -> ParsedArticle:
    """Section line (optional), headline, then dek and body paragraphs; see module doc."""
    units = Units(source)
    lines = list(_lines(source))
    content = [line for line in lines if line.text.strip()]
    category = _text_category(content[0], units)
    used = {content[0].start} if category is not None else set()
    used |= _text_metadata([line for line in content if line.start not in used], units)
    in_sources = False
    for start, end in _runs(lines, used):
        in_sources = _text_run(units, start, end, in_sources)
    found = units.ordered()
    title = next((unit.clean for unit in found if unit.field == "title"), "")
    date = next((iso_date(unit.clean) for unit in found if unit.field == "date"), None)
    return ParsedArticle(title, date, category, found, "text")


def _text_run(units: Units, start: int, end: int, in_sources: bool) -> bool:
    """Add a paragraph of a plain-text article; whether the Sources list has begun.

    A paragraph that is only a label ("Background", "Key figures:") is no claim.
    A "Sources" line starts the Sources list, to the end of the article: every URL
    in it is a source link, as under a Sources heading in Markdown.
    """
    first = _first_line(units.source, start, end)
    if first.strip().lower().rstrip(":").strip() in SOURCE_HEADINGS:
        in_sources = True
    if in_sources:
        for match in BARE_URL.finditer(units.source, start, end):
            url = match.group().rstrip(".,;:'\"’”")
            units.add(match.start(), match.start() + len(url), "source_link", url, url=url)
        return True
    text = units.source[start:end]
    if not is_standalone_label(" ".join(text.split())) or BARE_URL.search(text):
        units.sentences(start, end)
    return False


def _first_line(source: str, start: int, end: int) -> str:
    newline = source.find("\n", start, end)
    return source[start : end if newline == -1 else newline]


def _text_category(line: _Line, units: Units) -> str | None:
    """A first line of one word is the section the article is filed under."""
    word = line.text.strip()
    if _SECTION_WORD.fullmatch(word) is None:
        return None
    units.add(line.start, line.end, "sentence", field="category")
    return word


def _text_metadata(lines: list[_Line], units: Units) -> set[int]:
    """Furniture, date lines and the headline (the first other line): the starts of lines used."""
    used: set[int] = set()
    has_title = False
    for line in lines:
        stripped = line.text.strip()
        if is_furniture(stripped):
            used.add(line.start)
        elif iso_date(stripped) is not None:
            units.add(line.start, line.end, "sentence", field="date")
            used.add(line.start)
        elif not has_title:
            units.add(line.start, line.end, "heading", field="title")
            used.add(line.start)
            has_title = True
    return used


def _runs(lines: list[_Line], used: set[int]) -> Iterator[tuple[int, int]]:
    """Spans of consecutive non-blank lines not consumed as metadata: the paragraphs."""
    run: list[_Line] = []
    for line in [*lines, _Line(-1, -1, "")]:
        if line.text.strip() and line.start not in used:
            run.append(line)
            continue
        if run:
            yield run[0].start, run[-1].end
        run = []


# Markdown -------------------------------------------------------------------------------


@dataclass(frozen=True)
class _FrontMatter:
    """Parsed front matter and where its YAML lies in the article."""

    data: dict[str, Any]
    start: int
    end: int
    body: int


def _parse_markdown(source: str, name: str) -> ParsedArticle:
    units = Units(source, _references(source))
    front = _front_matter(source, name)
    title = date = category = None
    if front is not None:
        title, date, category = _front_units(front, units)
    reader = _MarkdownReader(units, has_title=title is not None)
    reader.read(front.body if front else 0)
    return ParsedArticle(
        title or reader.title or "",
        date or reader.date,
        category,
        units.ordered(),
        "markdown",
    )


def _front_matter(source: str, name: str) -> _FrontMatter | None:
    """The ``---`` delimited YAML block at the top, or None when there is none."""
    opening = _FRONT_OPEN.match(source)
    closing = _FRONT_CLOSE.search(source, opening.end()) if opening else None
    if opening is None or closing is None:
        return None
    try:
        data = yaml.safe_load(source[opening.end() : closing.start()])
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = f":{mark.line + 2}" if mark is not None else ""
        problem = " ".join(str(getattr(error, "problem", None) or error).split())
        raise InputError(f"{name}{line}: invalid YAML front matter: {problem}") from None
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise InputError(f"{name}: the front matter must map keys to values")
    body = closing.end() + (1 if source.startswith("\n", closing.end()) else 0)
    return _FrontMatter(data, opening.end(), closing.start(), body)


def _front_units(front: _FrontMatter, units: Units) -> tuple[str | None, str | None, str | None]:
    """Title, date and category from the front matter, each a unit at its value."""
    found: dict[str, str] = {}
    for key, kind in _FRONT_FIELDS:
        value = front.data.get(key)
        if value is None or isinstance(value, (list, dict)):
            continue
        text = " ".join(str(value).split())
        # Jekyll layouts print front matter unfiltered, so values are often HTML-escaped.
        found[key] = html.unescape(text)
        span = _locate(units.source, front, key, text)
        if span is not None:
            units.add(*span, kind, found[key] if key != "date" else None, field=key)
    _front_sources(front, units)
    date = _front_date(front.data.get("date"))
    return found.get("title"), date, found.get("category")


def _front_date(value: object) -> str | None:
    """YAML reads ``2020-07-14`` as a date and may read timestamps as datetimes."""
    if isinstance(value, datetime.date):
        return value.isoformat()[:10]
    return iso_date(value) if isinstance(value, str) else None


def _locate(source: str, front: _FrontMatter, key: str, value: str) -> tuple[int, int] | None:
    """Where ``key``'s value is written in the front matter, inside any quotes."""
    pattern = re.compile(rf"^{re.escape(key)}[ \t]*:[ \t]*(?P<v>.*?)[ \t]*\r?$", re.MULTILINE)
    match = pattern.search(source, front.start, front.end)
    if match is None:
        return None
    start, end = match.span("v")
    raw = source[start:end]
    if len(raw) >= 2 and raw[0] in "'\"" and raw[-1] == raw[0]:
        start, end = start + 1, end - 1
    found = source.find(value, start, end) if value else -1
    if found != -1:
        return found, found + len(value)
    if raw and _BLOCK_SCALAR.fullmatch(raw) is None:
        return start, end
    found = source.find(value, match.end(), front.end) if value else -1
    if found != -1:
        return found, found + len(value)
    return _indented_block(source, match.end(), front.end)


def _indented_block(source: str, start: int, end: int) -> tuple[int, int] | None:
    """The lines of a YAML block scalar (``title: >``): those indented below its key."""
    block = re.compile(r"(?:\r?\n(?:[ \t]+\S[^\n]*|[ \t]*(?=\r?\n)))+")
    match = block.match(source, start, end)
    if match is None or not match.group().strip():
        return None
    text = match.group()
    first = start + len(text) - len(text.lstrip())
    return first, start + len(text.rstrip())


def _front_sources(front: _FrontMatter, units: Units) -> None:
    """``sources:`` as a list of URLs or ``{url, title}`` maps: each URL found is a link unit."""
    entries = front.data.get("sources")
    if not isinstance(entries, list):
        return
    key = re.compile(r"^sources[ \t]*:", re.MULTILINE).search(units.source, front.start, front.end)
    position = key.end() if key else front.start
    for entry in entries:
        url = entry.get("url") if isinstance(entry, dict) else entry
        if not isinstance(url, str) or not url:
            continue
        found = units.source.find(url, position, front.end)
        if found == -1:
            continue
        label = entry.get("title") if isinstance(entry, dict) else None
        clean = label if isinstance(label, str) and label.strip() else url
        units.add(found, found + len(url), "source_link", clean, url=url)
        position = found + len(url)


class _MarkdownReader:
    """A line-by-line reader of the Markdown body: blocks are collected, then cut into units."""

    def __init__(self, units: Units, has_title: bool) -> None:
        self.units = units
        self.has_title = has_title
        self.title: str | None = None
        self.date: str | None = None
        self.block: list[_Line] = []
        self.block_is_item = False
        self.table: list[_Line] = []
        self.fence: str | None = None
        self.in_sources = False
        self.in_further = False
        self.in_corrections = False

    def read(self, start: int) -> None:
        for line in _lines(self.units.source, start):
            self._line(line)
        self._flush()

    def _line(self, line: _Line) -> None:
        stripped = line.text.strip()
        if self.fence is not None:
            closed = (
                self.fence in stripped if self.fence == "-->" else stripped.startswith(self.fence)
            )
            self.fence = None if closed else self.fence
            return
        heading = self._heading_at(line, stripped)
        if heading or not stripped or _RULE.fullmatch(stripped) or self._opens_fence(stripped):
            self._flush()
            if heading is not None:
                self._heading(*heading)
            return
        if self.in_sources:
            self._links(line)
        elif self.in_further and _LIST_ITEM.match(line.text) and _MD_LINK.search(line.text):
            self._flush_block()  # a pointer to reporting elsewhere
        elif stripped.startswith("|"):
            self._flush_block()
            self.table.append(line)
        elif _NOT_PROSE.match(stripped) is None:
            self._flush_table()
            self._prose(line)

    def _heading_at(self, line: _Line, stripped: str) -> tuple[_Line, str, int] | None:
        """An ATX heading (``# Title``) or a setext one (one line underlined with = or -)."""
        match = _HEADING.fullmatch(line.text)
        if match is not None:
            return line, match.group("text") or "", len(match.group("marks"))
        if _SETEXT.fullmatch(stripped) and len(self.block) == 1 and not self.block_is_item:
            title = self.block.pop()
            return title, title.text, 1 if stripped.startswith("=") else 2
        return None

    def _opens_fence(self, stripped: str) -> bool:
        """Code and HTML comments are not claims; remember how they end."""
        if stripped.startswith(_FENCES):
            self.fence = stripped[:3]
        elif stripped.startswith("<!--") and "-->" not in stripped:
            self.fence = "-->"
        return self.fence is not None

    def _prose(self, line: _Line) -> None:
        """A list item starts a block of its own; other lines join the open block."""
        if _LIST_ITEM.match(line.text) is not None:
            self._flush_block()
            self.block_is_item = True
        elif not self.block:
            self.block_is_item = False
        self.block.append(line)

    def _heading(self, line: _Line, text: str, level: int) -> None:
        """The first level-1 heading is the title when the front matter has none."""
        clean = strip_inline(text)
        folded = clean.lower().rstrip(":").strip()
        self.in_sources = folded in SOURCE_HEADINGS
        self.in_further = folded in FURTHER_HEADINGS
        self.in_corrections = folded in CORRECTION_HEADINGS
        if self.in_sources or not clean:
            return
        if not self.has_title and self.title is None and level == 1:
            self.title = clean
            self.units.add(line.start, line.end, "heading", clean, field="title")
        elif not is_label(clean):
            self.units.add(line.start, line.end, "heading", clean)

    def _links(self, line: _Line) -> None:
        """Every Markdown link or bare URL in the Sources section is a source link."""
        taken: list[tuple[int, int]] = []
        for match in _MD_LINK.finditer(line.text):
            url = match.group("url")
            label = strip_inline(match.group("label")) or url
            self.units.add(
                line.start + match.start(), line.start + match.end(), "source_link", label, url=url
            )
            taken.append(match.span())
        for match in BARE_URL.finditer(line.text):
            if any(start <= match.start() < end for start, end in taken):
                continue
            url = match.group().rstrip(".,;:'\"")
            start = line.start + match.start()
            self.units.add(start, start + len(url), "source_link", url, url=url)

    def _flush(self) -> None:
        self._flush_block()
        self._flush_table()

    def _flush_block(self) -> None:
        if not self.block:
            return
        start, end = self.block[0].start, self.block[-1].end
        self.block = []
        if self.in_corrections and self._correction(start, end):
            return
        if self.block_is_item:
            self._list_item(start, end)
        else:
            self._paragraph(start, end)

    def _correction(self, start: int, end: int) -> bool:
        """Read a correction (``CORRECTION``): what is right as sentences, the source's link
        as a link; False, reading nothing, when the block is not one."""
        source = self.units.source
        marker = _LIST_ITEM.match(source, start, end) if self.block_is_item else None
        match = CORRECTION.fullmatch(source, marker.end() if marker else start, end)
        if match is None or iso_date(strip_inline(match.group("date"))) is None:
            return False
        references = self.units.references
        link_start, link_end = match.span("link") if match.group("link") else (end, end)
        unread = source[match.start() : match.start("right")]
        unread += source[match.end("right") : link_start] + source[link_end:end]
        label = match.group("label") or ""
        wrong = match.group("wrong")
        if _MARKUP.search(unread + label) or markdown_links(wrong, None, references):
            return False
        outlet = match.group("outlet")
        if outlet is not None and (
            not is_label(strip_inline(outlet)) or markdown_links(outlet, None, references)
        ):
            return False
        self.units.sentences(match.start("right"), match.end("right"))
        url = match.group("url")
        if url is not None:
            label = strip_inline(label) or url
            self.units.add(match.start("link"), match.end("link"), "source_link", label, url=url)
        return True

    def _list_item(self, start: int, end: int) -> None:
        marker = _LIST_ITEM.match(self.units.source, start, end)
        body = self.units.source[marker.end() if marker else start : end]
        self.units.add(start, end, "list_item", strip_inline(_QUOTE_MARKERS.sub("", body)))

    def _paragraph(self, start: int, end: int) -> None:
        """Sentences, split with block-quote markers blanked out so offsets stay exact."""
        raw = self.units.source[start:end]
        masked = _QUOTE_MARKERS.sub(lambda m: " " * len(m.group()), raw)
        clean = strip_inline(masked)
        if is_furniture(clean):
            return
        date = iso_date(clean)
        if date is not None:
            self.date = self.date or date
            self.units.add(start, end, "sentence", clean, field="date")
            return
        if is_standalone_label(clean) and not markdown_links(raw, None, self.units.references):
            return
        self.units.sentences(start, end, masked)

    def _flush_table(self) -> None:
        """Each body row is a claim; the header row (the one above ``|---|``) is not."""
        rows, self.table = self.table, []
        for index, row in enumerate(rows):
            following = rows[index + 1].text.strip() if index + 1 < len(rows) else ""
            if _TABLE_RULE.fullmatch(row.text.strip()) or _TABLE_RULE.fullmatch(following):
                continue
            cells = [strip_inline(cell) for cell in row.text.strip().strip("|").split("|")]
            self.units.add(row.start, row.end, "table_row", ", ".join(c for c in cells if c))
