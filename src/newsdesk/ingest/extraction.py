"""Article text and metadata from an HTML page, and the page's audit snapshot.

trafilatura finds the main text. Its fast mode (no fallback to readability
and jusText) is both faster and more accurate on the article-extraction
benchmark (token-shingle F1 0.962 against 0.960 for the default mode, see
``bench/extraction.py``), so it is the one used. Metadata comes from the
page's markup only: Open Graph and ``<meta>`` tags, schema.org JSON-LD, the
canonical link and htmldate's quick date search. trafilatura's byline
heuristics over the page text are left out: they cost more than the text
extraction itself and misfire on pages whose byline is missing, and the feed
usually names the author anyway.

The page is parsed once and every step reads the same tree.

No page can crash or stall a run. Its bytes are decoded here (never
decompressed: a body that is still compressed is no page), and scanned
before any parser sees them (``markup.py``): a page with more than
``max_elements`` elements or an element with more than ``max_attributes``
attributes is refused with the limit named. JSON-LD nested too deeply to
decode is left out of the metadata. Whatever else goes wrong reading one page
is an ``ExtractionError`` saying what, so the next page is read.
"""

from __future__ import annotations

import codecs
import hashlib
import logging
import re
import zlib
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit, urlunsplit

import lxml.etree
import lxml.html
from htmldate import find_date
from lxml.html import HtmlElement
from trafilatura import bare_extraction
from trafilatura.metadata import examine_meta, extract_meta_json, extract_title
from trafilatura.utils import detect_encoding, load_html

from newsdesk.errors import NewsdeskError, one_line
from newsdesk.ingest.markup import MAX_ATTRIBUTES, MAX_PAGE_ELEMENTS, scan
from newsdesk.language.dating import Published, read_published
from newsdesk.language.sanitise import clean_text
from newsdesk.records import Snapshot

log = logging.getLogger(__name__)

MIN_WORDS = 20
"""Fewer words of article text than this and the page holds no article (an index,
an error page, a cookie wall)."""
LANGUAGE_SAMPLE = 1000
"""Characters of text the language is guessed from: a paragraph or two is plenty."""
_CHARSET = re.compile(r"charset\s*=\s*[\"']?([\w.:-]+)", re.IGNORECASE)
_HTML_TYPES = ("text/html", "application/xhtml+xml")
_TRACKING = re.compile(r"^(utm_\w+|fbclid|gclid|mc_cid|mc_eid)=", re.IGNORECASE)
_SPACE = re.compile(r"[ \t\r\f\v]+")
_LETTER = re.compile(r"\w")
LETTERS_PER_WORD = 6
"""Scripts written without spaces (Japanese, Chinese, Thai) are measured in
letters: about six per word of a spaced language, punctuation aside."""


class ExtractionError(NewsdeskError):
    """A page that yields no article, with the reason in one line."""

    def __init__(self, url: str, reason: str) -> None:
        reason = one_line(reason)
        super().__init__(f"{url}: {reason}")
        self.url = url
        self.reason = reason

    def __reduce__(self) -> tuple[type[ExtractionError], tuple[str, str]]:
        """Pickled by its two fields, so that it comes back from a Dask worker whole."""
        return (type(self), (self.url, self.reason))


@dataclass(frozen=True)
class Extracted:
    """What a page says about its article.

    ``url`` is the canonical URL (the page's ``<link rel=canonical>``, else
    ``og:url``, else the URL it was fetched from); ``text`` separates
    paragraphs with a blank line, as the article schema does; ``published``
    is an ISO date (the day the page's own clock showed) and ``published_at`` its
    time, when the page gives one (see ``page_date``).
    """

    url: str
    title: str
    text: str
    author: str | None = None
    published: str | None = None
    lang: str | None = None
    site_name: str | None = None
    description: str | None = None
    published_at: str | None = None


def charset(content_type: str | None) -> str | None:
    """The charset named in a Content-Type header, if Python knows it."""
    match = _CHARSET.search(content_type or "")
    if match is None:
        return None
    try:
        return codecs.lookup(match.group(1)).name
    except LookupError:
        return None


def is_html(body: bytes, content_type: str | None) -> bool:
    """Whether a response is an HTML page: by its Content-Type, else by its first bytes."""
    kind = (content_type or "").split(";")[0].strip().lower()
    if kind:
        return kind in _HTML_TYPES
    head = body[:1024].lstrip().lower()
    return head.startswith((b"<!doctype html", b"<html")) or b"<body" in head or b"<p" in head


def decode(body: bytes, content_type: str | None) -> str | bytes:
    """The page as text when the server named a charset that decodes it; else the bytes,
    for trafilatura to read the charset from the page or guess it."""
    name = charset(content_type)
    if name is not None:
        try:
            return body.decode(name)
        except UnicodeDecodeError:
            pass
    return body


def page_text(body: bytes, content_type: str | None) -> str:
    """The page as text: in the charset the server named when that decodes it, else
    UTF-8, else the encoding trafilatura's detector guesses, else UTF-8 with
    replacement characters. Unlike trafilatura's own reading, a body that looks
    compressed is not decompressed: that would undo the fetcher's size cap."""
    named = decode(body, content_type)
    if isinstance(named, str):
        return named
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        pass
    for guess in detect_encoding(body):
        try:
            return body.decode(guess)
        except (LookupError, UnicodeDecodeError):
            continue
    return body.decode("utf-8", errors="replace")


def normalize_url(url: str) -> str:
    """The form of a URL articles are keyed on: no fragment, no tracking parameters,
    lower-case scheme and host."""
    parts = urlsplit(url.strip())
    query = "&".join(p for p in parts.query.split("&") if p and not _TRACKING.match(p))
    return urlunsplit((parts.scheme.lower(), parts.netloc.lower(), parts.path, query, ""))


def canonical_url(tree: HtmlElement, url: str) -> str:
    """The page's own name for itself, resolved against the URL it came from."""
    for xpath in ('//link[@rel="canonical"]/@href', '//meta[@property="og:url"]/@content'):
        for value in tree.xpath(xpath):
            candidate = urljoin(url, str(value).strip())
            if urlsplit(candidate).scheme in ("http", "https"):
                return normalize_url(candidate)
    return normalize_url(url)


def paragraphs(text: str) -> str:
    """trafilatura's lines as the article schema's paragraphs (blank-line separated)."""
    lines = (_SPACE.sub(" ", line).strip() for line in text.splitlines())
    return "\n\n".join(line for line in lines if line)


def without_headline(text: str, title: str) -> str:
    """The text without a first paragraph that only repeats the headline (an ``<h1>``
    inside ``<article>``): the headline is the title, not the first paragraph."""
    first, _, rest = text.partition("\n\n")
    if rest and title and first.casefold() == " ".join(title.split()).casefold():
        return rest
    return text


def word_count(text: str) -> int:
    """Words of text, counting a script without spaces by its letters."""
    return max(len(text.split()), len(_LETTER.findall(text)) // LETTERS_PER_WORD)


def language(tree: HtmlElement, text: str) -> str | None:
    """The text's language, guessed from the text; the page's ``lang`` attribute only
    when there is too little text to guess from (templates often leave it at ``en``)."""
    declared = (tree.get("lang") or "").strip().lower().replace("_", "-").split("-")[0] or None
    if len(text) < 200:
        return declared
    import py3langid  # loads its model on first use

    code, _ = py3langid.classify(text[:LANGUAGE_SAMPLE])
    return str(code)


def extract_page(
    body: bytes | str,
    url: str,
    *,
    content_type: str | None = None,
    min_words: int = MIN_WORDS,
    max_elements: int = MAX_PAGE_ELEMENTS,
    max_attributes: int = MAX_ATTRIBUTES,
) -> Extracted:
    """Read the article of one page, or raise ``ExtractionError`` saying why there is none.

    No page makes it raise anything else.
    """
    raw = body.encode("utf-8", errors="replace") if isinstance(body, str) else body
    if not raw.strip():
        raise ExtractionError(url, "empty page")
    if not is_html(raw, content_type):
        raise ExtractionError(url, f"not an HTML page ({content_type})")
    try:
        text = body if isinstance(body, str) else page_text(body, content_type)
        over = scan(text, html=True, max_elements=max_elements, max_attributes=max_attributes)
        if over is not None:
            raise ExtractionError(url, f"page has {over.reason}")
        return _extract(text, url, min_words)
    except ExtractionError:
        raise
    except Exception as exc:  # the last resort around one untrusted page: a problem, not a crash
        log.debug("page %s", url, exc_info=True)
        message = str(exc)
        reason = f"{type(exc).__name__}: {message}" if message else type(exc).__name__
        raise ExtractionError(url, f"unreadable page ({reason})") from None


DEEP_PARSER = lxml.html.HTMLParser(
    collect_ids=False,
    default_doctype=False,
    remove_comments=True,
    remove_pis=True,
    huge_tree=True,
)
"""trafilatura's parser settings, with libxml2's depth limit raised (255 elements to some
2,000): past it, libxml2 drops the rest of the page, and pages nest navigation deeply.
The element pre-scan (``markup.py``) bounds the work."""


def parse_page(page: str) -> HtmlElement | None:
    """The page's tree (None when it is no HTML), its text cleaned first: a lone surrogate
    (a ``charset=utf-7`` page can decode to one) made lxml stop reading there."""
    page = clean_text(page)
    try:
        tree = lxml.html.fromstring(page, parser=DEEP_PARSER)
    except (ValueError, lxml.etree.ParserError):  # an encoding declaration in a str, or no HTML
        tree = None
    return load_html(tree if tree is not None and len(tree) else page)


def _extract(page: str, url: str, min_words: int) -> Extracted:
    tree = parse_page(page)
    if tree is None:
        raise ExtractionError(url, "not parseable as HTML")
    document = bare_extraction(tree, url=url, fast=True, include_comments=False)
    text = paragraphs(getattr(document, "text", None) or "")
    words = len(text.split())
    if words < min_words:
        words = word_count(text)
    if words < min_words:
        plural = "" if words == 1 else "s"
        found = f"only {words} word{plural}, need {min_words}" if words else "nothing readable"
        raise ExtractionError(url, f"no article text ({found})")
    try:
        meta = extract_meta_json(tree, examine_meta(tree))
    except RecursionError:  # JSON-LD nested too deeply to decode: the page's other metadata
        meta = examine_meta(tree)
    title = (meta.title or extract_title(tree) or "").strip()
    published = page_date(tree, url)
    return Extracted(
        url=canonical_url(tree, url),
        title=title,
        text=without_headline(text, title),
        author=meta.author or None,
        published=published.day if published else None,
        lang=language(tree, text),
        site_name=(meta.sitename or "").lstrip("@").strip() or None,
        description=meta.description or None,
        published_at=published.at if published else None,
    )


PAGE_TIME = "%Y-%m-%dT%H:%M:%S%z"
"""What htmldate is asked for: the time and offset the page gave (an empty ``%z`` when it
gave none), on the day its own clock showed."""


def page_date(tree: HtmlElement, url: str) -> Published | None:
    """The publication date in the page's metadata (htmldate's quick search), with its
    time and UTC offset when the page gives them.

    htmldate writes a date given alone as midnight without an offset, so a time of
    exactly midnight without one is read as a date alone.
    """
    found = find_date(
        tree, extensive_search=False, original_date=True, url=url, outputformat=PAGE_TIME
    )
    published = read_published(found)
    if published is not None and published.at == f"{published.day}T00:00:00":
        return Published(published.day)
    return published


def snapshot(body: bytes, url: str, fetched_at: str, content_type: str | None) -> Snapshot:
    """The page's bytes, compressed, under their sha256: what an article was read from."""
    return Snapshot(
        sha256=hashlib.sha256(body).hexdigest(),
        url=url,
        fetched_at=fetched_at,
        content_type=content_type,
        data=zlib.compress(body, 6),
    )
