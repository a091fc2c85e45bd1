"""What a reader sees of a draft: the one place that decides what is published.

The verify gate decides per sentence; this module applies its decision. A
sentence is published only when its verdict is ``supported`` (a sentence with
no verdict is treated as unverified and left out). A story is not published at
all when the gate held it, when its headline is not supported, when it keeps no
body sentence, or when too few outlets reported it: a page without a
trustworthy headline or body would mislead more than it informs. The site and
the Jekyll posts both read stories through ``published_stories``, so the two
formats can never disagree about what readers see. Everything returned is plain
data so that templates never touch the store.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Protocol

from newsdesk.engine import Progress, SilentProgress
from newsdesk.language.text import word_count
from newsdesk.publish.text import human_date, iso_day, safe_url, slugify, story_slug
from newsdesk.records import Article, Citation, Draft, GateRecord, Sentence, Verdict
from newsdesk.store import ArticleStore, DraftStore, StoryStore

WORDS_PER_MINUTE = 265
LEAN_FIELDS = ("bias", "lean")
"""``Article.extra`` fields that rate an outlet's political lean (AllSides: left, center, right)."""


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
class Coverage:
    """A "Where outlets differ" entry; ``lean`` is the outlet's rating when a source gives one."""

    line: Line
    outlet: str | None
    lean: str | None
    url: str | None


@dataclass(frozen=True)
class TimelineEntry:
    """One dated event of the timeline; ``date`` is ``YYYY-MM-DD``."""

    date: str
    line: Line

    @property
    def date_label(self) -> str:
        return human_date(self.date)


@dataclass(frozen=True)
class SourceItem:
    """An entry of the Sources list; ``number`` matches the ``[n]`` markers."""

    number: int
    outlet: str
    title: str
    url: str | None
    published: str | None
    lean: str | None = None


@dataclass(frozen=True)
class PublishedStory:
    """Everything the templates and the Jekyll writer need for one story."""

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
    coverage: tuple[Coverage, ...] = ()
    timeline: tuple[TimelineEntry, ...] = ()
    version: int = 1
    changes: tuple[str, ...] = ()
    redirects: tuple[str, ...] = ()
    """Slugs of stories that turned out to be this event: their pages now lead here."""

    @property
    def path(self) -> str:
        """Where the story page lives, relative to the site root; ``slug`` never changes."""
        return f"stories/{self.slug}.html"

    @property
    def date_label(self) -> str:
        """A human date that does not depend on the machine's locale."""
        return human_date(self.date)

    @property
    def updated(self) -> bool:
        """Whether readers should see the "Updated" line: the story was rewritten."""
        return self.version > 1

    @property
    def lines(self) -> list[Line]:
        """Every published sentence, in reading order."""
        lines = [self.headline, *([self.dek] if self.dek else [])]
        lines += [line for paragraph in self.paragraphs for line in paragraph]
        lines += [quote.line for quote in self.quotes]
        lines += [entry.line for entry in self.coverage]
        lines += [entry.line for entry in self.timeline]
        return lines

    @property
    def minutes(self) -> int:
        """Reading time over the published text only, so hidden sentences do not count."""
        words = sum(word_count(line.text) for line in self.lines)
        return max(1, math.ceil(words / WORDS_PER_MINUTE))


def article_ids(draft: Draft) -> list[str]:
    """Every article the draft lists or cites: the Sources list first, then the rest as cited."""
    listed = [source.article_id for source in draft.sources]
    cited = [c.article_id for s in draft.sentences for c in s.citations]
    return list(dict.fromkeys([*listed, *cited]))


class PublishStore(ArticleStore, StoryStore, DraftStore, Protocol):
    """What publishing reads: drafts with their verdicts and gate records, the stories
    that name their pages, and the articles they cite (``DraftStore`` records the
    files written)."""


@dataclass(frozen=True)
class Selection:
    """The stories readers may see, and the page slugs of stored drafts they may not."""

    stories: list[PublishedStory]
    withheld: list[str]
    drafts: int


def published_stories(
    store: PublishStore, min_outlets: int, progress: Progress | None = None, stage: str = "publish"
) -> Selection:
    """Every stored draft readers may see; ``withheld`` lets an output retract earlier pages."""
    progress = progress or SilentProgress()
    drafts = list(store.drafts())
    progress.start(stage, len(drafts))
    stories, withheld = [], []
    for draft in drafts:
        story = publishable(store, draft, min_outlets)
        if story is not None:
            stories.append(story)
        else:
            slug, merged = page_slugs(store, draft.story_id)
            withheld += [slug, *merged]
        progress.advance(stage)
    return Selection(stories, withheld, len(drafts))


def page_slugs(store: StoryStore, story_id: str) -> tuple[str, tuple[str, ...]]:
    """A story's page name, and those of the stories merged into it (their pages redirect).

    A page is named after its story's founding title, which the store never
    renames, so a rewrite under a new headline keeps its URL (the story id
    alone names it when no story is stored).
    """
    story = store.story(story_id)
    if story is None:
        return story_slug("", story_id), ()
    merged = tuple(story_slug(title, old) for old, title in story.merged)
    return story_slug(story.title, story_id), merged


def publishable(store: PublishStore, draft: Draft, min_outlets: int) -> PublishedStory | None:
    """The draft as readers will see it, or ``None`` when the gate held or blocks it.

    A draft stored without a gate record follows the per-sentence rules alone.
    """
    record = store.gate_record(draft.story_id)
    if record is not None and record.held:
        return None
    verdicts = store.verdicts(draft.story_id)
    if not verdicts:
        return None
    articles: Mapping[str, Article] = {a.id: a for a in store.articles(article_ids(draft))}
    slug, merged = page_slugs(store, draft.story_id)
    found = published_story(draft, verdicts, articles, min_outlets, slug=slug)
    return None if found is None else replace(found, redirects=merged)


def withheld_because(
    draft: Draft,
    verdicts: Sequence[Verdict],
    min_outlets: int = 1,
    record: GateRecord | None = None,
) -> str | None:
    """Why readers do not see ``draft``, in one line; None when it is published.

    The reasons, in the order they are tested: the verify gate held it (``record``),
    it is not checked yet, it has fewer outlets than ``min_outlets``, its headline
    or every body sentence failed the checker.
    """
    if record is not None and record.held:
        return "the verify gate held it" + (f": {record.note}" if record.note else "")
    if not verdicts:
        return "not checked yet (`newsdesk write` checks it)"
    outlets = len({source.outlet for source in draft.sources})
    if outlets < min_outlets:
        named = "1 outlet" if outlets == 1 else f"{outlets} outlets"
        return f"reported by {named}; [publish] min_outlets is {min_outlets}"
    supported = {v.position for v in verdicts if v.supported}
    headline_at = next((n for n, s in enumerate(draft.sentences) if s.kind == "headline"), None)
    if headline_at is None or headline_at not in supported:
        return "its headline did not pass the checker"
    if not any(s.kind == "body" for n, s in enumerate(draft.sentences) if n in supported):
        return "no body sentence passed the checker"
    return None


def published_story(
    draft: Draft,
    verdicts: Iterable[Verdict],
    articles: Mapping[str, Article],
    min_outlets: int = 1,
    *,
    slug: str | None = None,
) -> PublishedStory | None:
    """The reader's view of ``draft``, or ``None`` when the verify gate blocks it.

    A story reported by fewer than ``min_outlets`` different outlets is held:
    a multi-source article needs more than one source. ``slug`` names the page
    (see ``page_slugs``); without it the name rests on the story id, never on
    the headline, which a rewrite may change.
    """
    verdicts = list(verdicts)
    if withheld_because(draft, verdicts, min_outlets) is not None:
        return None
    supported = {v.position for v in verdicts if v.supported}
    kept = [s for n, s in enumerate(draft.sentences) if n in supported]
    headline_at = next(n for n, s in enumerate(draft.sentences) if s.kind == "headline")
    body = [s for s in kept if s.kind == "body"]
    numbers = _source_numbers(draft)
    line = _Liner(numbers, articles)
    dek = next((s for s in kept if s.kind == "dek"), None)
    return PublishedStory(
        story_id=draft.story_id,
        slug=slug or story_slug("", draft.story_id),
        category=draft.category,
        category_slug=slugify(draft.category) or "uncategorised",
        date=draft.date,
        headline=line(draft.sentences[headline_at]),
        dek=line(dek) if dek else None,
        paragraphs=_paragraphs(body, line),
        quotes=tuple(_quote(s, line, articles) for s in kept if s.kind == "quote"),
        sources=_sources(draft, numbers, articles),
        coverage=tuple(_coverage(s, line, articles) for s in kept if s.kind == "coverage"),
        timeline=_timeline([s for s in kept if s.kind == "timeline"], line),
        version=draft.version,
        changes=draft.changes if draft.updated else (),
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


def _cited(sentence: Sentence, articles: Mapping[str, Article]) -> list[Article]:
    found = (articles.get(c.article_id) for c in sentence.citations)
    return [article for article in found if article is not None]


def _quote(sentence: Sentence, line: _Liner, articles: Mapping[str, Article]) -> Quote:
    """The quote links to the first article it cites; the outlet falls back to that article's."""
    first = next(iter(_cited(sentence, articles)), None)
    outlet = sentence.outlet or (first.outlet if first else None)
    return Quote(line(sentence), sentence.speaker, outlet, safe_url(first.url) if first else None)


def _coverage(sentence: Sentence, line: _Liner, articles: Mapping[str, Article]) -> Coverage:
    """The entry links to the outlet's cited article; its lean comes from that outlet's own
    articles only, so one outlet is never labelled with another's rating."""
    cited = _cited(sentence, articles)
    outlet = sentence.outlet or (cited[0].outlet if cited else None)
    own = [a for a in (*cited, *articles.values()) if a.outlet == outlet]
    link = own[0] if own else (cited[0] if cited else None)
    rating = next((r for a in own if (r := lean(a)) is not None), None)
    return Coverage(line(sentence), outlet, rating, safe_url(link.url) if link else None)


def _lean_of(article: Article | None) -> str | None:
    return None if article is None else lean(article)


def lean(article: Article) -> str | None:
    """The outlet's rated lean as a source gives it (``bias`` or ``lean``), on one line."""
    for key in LEAN_FIELDS:
        value = article.extra.get(key)
        if isinstance(value, str) and value.strip():
            return " ".join(value.split())
    return None


def _timeline(entries: Sequence[Sentence], line: _Liner) -> tuple[TimelineEntry, ...]:
    """Dated entries in date order, or none when they do not span several days.

    A "timeline" of events all on one day tells the reader nothing the body
    does not, and an entry without an ISO date cannot be placed on it.
    """
    dated = [(day, s) for s in entries if (day := iso_day(s.date)) is not None]
    if len({day for day, _ in dated}) < 2:
        return ()
    ordered = sorted(dated, key=lambda pair: pair[0])
    return tuple(TimelineEntry(day, line(sentence)) for day, sentence in ordered)


def _sources(
    draft: Draft, numbers: Mapping[str, int], articles: Mapping[str, Article]
) -> tuple[SourceItem, ...]:
    """The draft's Sources, plus any cited article it forgot, so every ``[n]`` has an entry."""
    items = [
        SourceItem(
            numbers[s.article_id],
            s.outlet,
            s.title,
            safe_url(s.url),
            s.published,
            _lean_of(articles.get(s.article_id)),
        )
        for s in draft.sources
    ]
    listed = {s.article_id for s in draft.sources}
    for article_id, number in numbers.items():
        article = articles.get(article_id)
        if article_id not in listed and article is not None:
            url = safe_url(article.url)
            items.append(
                SourceItem(
                    number, article.outlet, article.title, url, article.published, lean(article)
                )
            )
    unique = {item.number: item for item in reversed(items)}
    return tuple(unique[n] for n in sorted(unique))
