"""What a reader sees of a draft: only verified sentences, with resolved citations.

The verify gate decides per sentence; this module applies its decision. A
sentence is published only when its verdict is ``supported`` (a sentence with
no verdict is treated as unverified and left out). A story whose headline is
not supported, or that keeps no body sentence, is not published at all: a page
without a trustworthy headline or body would mislead more than it informs.
Everything here is plain data so that templates never touch the store.
"""

from __future__ import annotations

import hashlib
import math
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from newsdesk.records import Article, Citation, Draft, Sentence, Verdict
from newsdesk.text import word_count

WORDS_PER_MINUTE = 265
SLUG_LIMIT = 80
_MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip
_ISO_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})")


@dataclass(frozen=True)
class CitationLink:
    """A numbered ``[n]`` marker pointing at the exact span of the original article."""

    number: int
    url: str | None
    span: str
    article_id: str
    start: int
    end: int


@dataclass(frozen=True)
class Line:
    """One published sentence and the citations that back it."""

    text: str
    citations: tuple[CitationLink, ...]


@dataclass(frozen=True)
class Quote:
    """A "Key quotes" entry: the quote, who said it, and where it was reported."""

    line: Line
    speaker: str | None
    outlet: str | None
    url: str | None


@dataclass(frozen=True)
class SourceItem:
    """An entry of the Sources list; ``number`` matches the ``[n]`` markers."""

    number: int
    outlet: str
    title: str
    url: str | None
    published: str | None


@dataclass(frozen=True)
class PublishedStory:
    """Everything the story, index, category and feed templates need for one story."""

    story_id: str
    slug: str
    category: str
    category_slug: str
    date: str | None
    headline: Line
    dek: Line | None
    paragraphs: tuple[tuple[Line, ...], ...]
    quotes: tuple[Quote, ...]
    sources: tuple[SourceItem, ...]

    @property
    def path(self) -> str:
        """Where the story page lives, relative to the site root."""
        return f"stories/{self.slug}.html"

    @property
    def date_label(self) -> str:
        """A human date that does not depend on the machine's locale."""
        return human_date(self.date)

    @property
    def minutes(self) -> int:
        """Reading time over the published text only, so hidden sentences do not count."""
        lines = [self.headline, *([self.dek] if self.dek else [])]
        lines += [line for paragraph in self.paragraphs for line in paragraph]
        lines += [quote.line for quote in self.quotes]
        words = sum(word_count(line.text) for line in lines)
        return max(1, math.ceil(words / WORDS_PER_MINUTE))


def slugify(text: str, limit: int = SLUG_LIMIT) -> str:
    """Lower-case ASCII words joined by hyphens, cut at a word boundary under ``limit``."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    if len(slug) > limit:
        cut = slug[: limit + 1]
        slug = cut.rsplit("-", 1)[0] if "-" in cut else slug[:limit]
    return slug.strip("-")


def story_slug(headline: str, story_id: str) -> str:
    """Headline slug plus a story-id suffix: readable, yet distinct for same-headline stories."""
    tail = story_id[-6:].lower()
    if not re.fullmatch(r"[a-z0-9]{6}", tail):
        tail = hashlib.sha256(story_id.encode("utf-8")).hexdigest()[:6]
    return f"{slugify(headline) or 'story'}-{tail}"


def safe_url(url: str | None) -> str | None:
    """Only http(s) links are emitted: escaping alone does not stop ``javascript:`` URLs."""
    if url and re.match(r"^https?://", url.strip(), re.IGNORECASE):
        return url.strip()
    return None


def human_date(date: str | None) -> str:
    """``2024-03-05`` -> ``5 March 2024``; anything else is shown as given."""
    match = _ISO_DATE.match(date or "")
    if not match:
        return date or ""
    year, month, day = (int(part) for part in match.groups())
    if not 1 <= month <= 12:
        return date or ""
    return f"{day} {_MONTHS[month - 1]} {year}"


def article_ids(draft: Draft) -> list[str]:
    """Every article the draft lists or cites: the Sources list first, then the rest as cited."""
    listed = [source.article_id for source in draft.sources]
    cited = [c.article_id for s in draft.sentences for c in s.citations]
    return list(dict.fromkeys([*listed, *cited]))


def published_story(
    draft: Draft,
    verdicts: Iterable[Verdict],
    articles: Mapping[str, Article],
    min_outlets: int = 1,
) -> PublishedStory | None:
    """The reader's view of ``draft``, or ``None`` when the verify gate blocks it.

    A story reported by fewer than ``min_outlets`` different outlets is held:
    a multi-source article needs more than one source.
    """
    if len({source.outlet for source in draft.sources}) < min_outlets:
        return None
    supported = {v.position for v in verdicts if v.supported}
    kept = [s for n, s in enumerate(draft.sentences) if n in supported]
    headline_at = next((n for n, s in enumerate(draft.sentences) if s.kind == "headline"), None)
    body = [s for s in kept if s.kind == "body"]
    if headline_at is None or headline_at not in supported or not body:
        return None
    numbers = _source_numbers(draft)
    line = _Liner(numbers, articles)
    dek = next((s for s in kept if s.kind == "dek"), None)
    headline = draft.sentences[headline_at]
    return PublishedStory(
        story_id=draft.story_id,
        slug=story_slug(headline.text, draft.story_id),
        category=draft.category,
        category_slug=slugify(draft.category) or "uncategorised",
        date=draft.date,
        headline=line(headline),
        dek=line(dek) if dek else None,
        paragraphs=_paragraphs(body, line),
        quotes=tuple(_quote(s, line, articles) for s in kept if s.kind == "quote"),
        sources=_sources(draft, numbers, articles),
    )


def _source_numbers(draft: Draft) -> dict[str, int]:
    """Number articles by the Sources list first, so ``[n]`` always means source ``n``."""
    return {article_id: n for n, article_id in enumerate(article_ids(draft), start=1)}


class _Liner:
    """Turns sentences into ``Line``s, resolving each citation against the stored articles."""

    def __init__(self, numbers: Mapping[str, int], articles: Mapping[str, Article]) -> None:
        self.numbers = numbers
        self.articles = articles

    def __call__(self, sentence: Sentence) -> Line:
        links = (self._link(c) for c in sentence.citations)
        return Line(sentence.text, tuple(link for link in links if link is not None))

    def _link(self, citation: Citation) -> CitationLink | None:
        """A citation of an article that is not stored cannot be checked, so it is dropped."""
        article = self.articles.get(citation.article_id)
        if article is None:
            return None
        source = article.title if citation.field == "title" else article.text
        return CitationLink(
            number=self.numbers[citation.article_id],
            url=safe_url(article.url),
            span=source[citation.start : citation.end],
            article_id=citation.article_id,
            start=citation.start,
            end=citation.end,
        )


def _paragraphs(body: Sequence[Sentence], line: _Liner) -> tuple[tuple[Line, ...], ...]:
    """Group body sentences by ``Sentence.paragraph``, keeping draft order inside each."""
    groups: dict[int, list[Line]] = {}
    for sentence in body:
        groups.setdefault(sentence.paragraph, []).append(line(sentence))
    return tuple(tuple(groups[key]) for key in sorted(groups))


def _quote(sentence: Sentence, line: _Liner, articles: Mapping[str, Article]) -> Quote:
    """The quote links to the first article it cites; the outlet falls back to that article's."""
    cited = (articles.get(c.article_id) for c in sentence.citations)
    first = next((article for article in cited if article is not None), None)
    outlet = sentence.outlet or (first.outlet if first else None)
    return Quote(line(sentence), sentence.speaker, outlet, safe_url(first.url) if first else None)


def _sources(
    draft: Draft, numbers: Mapping[str, int], articles: Mapping[str, Article]
) -> tuple[SourceItem, ...]:
    """The draft's Sources, plus any cited article it forgot, so every ``[n]`` has an entry."""
    items = [
        SourceItem(numbers[s.article_id], s.outlet, s.title, safe_url(s.url), s.published)
        for s in draft.sources
    ]
    listed = {s.article_id for s in draft.sources}
    for article_id, number in numbers.items():
        article = articles.get(article_id)
        if article_id not in listed and article is not None:
            url = safe_url(article.url)
            items.append(SourceItem(number, article.outlet, article.title, url, article.published))
    unique = {item.number: item for item in reversed(items)}
    return tuple(unique[n] for n in sorted(unique))
