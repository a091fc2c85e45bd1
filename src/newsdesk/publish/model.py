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
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Protocol
from urllib.parse import urlsplit

from newsdesk.engine import Progress, SilentProgress
from newsdesk.language.detection import ENGLISH, language_name, other_language, other_language_of
from newsdesk.language.text import word_count
from newsdesk.publish.checking import Checking, summarise
from newsdesk.publish.text import human_date, iso_day, safe_url, slugify, story_slug
from newsdesk.records import (
    Article,
    Citation,
    Correction,
    Draft,
    GateRecord,
    Review,
    Sentence,
    Verdict,
)
from newsdesk.store import ArticleStore, DraftStore, RoundupStore, StoryStore

WORDS_PER_MINUTE = 265
LEAN_FIELDS = ("bias", "lean")
"""``Article.extra`` fields that rate an outlet's political lean (AllSides: left, center, right)."""


@dataclass(frozen=True)
class CitationLink:
    """A numbered ``[n]`` marker pointing at the exact span of the original article.

    ``passage`` numbers the span among those cited from the same source, in the order
    the page first cites them: the page shows passage ``k`` of source ``n`` under
    Sources, at ``#passage-n-k``.
    """

    number: int
    url: str | None
    span: str
    article_id: str
    start: int
    end: int
    field: str = "text"
    passage: int = 1

    @property
    def anchor(self) -> str:
        return f"passage-{self.number}-{self.passage}"


@dataclass(frozen=True)
class Line:
    """One published sentence, the citations that back it and the checks it passed."""

    text: str
    citations: tuple[CitationLink, ...]
    checks: tuple[str, ...] = ()
    date: str | None = None
    """The day the sentence speaks of, where its draft gives one (a roundup's paragraphs)."""


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
class Passage:
    """A span of a source that the page cites, shown under Sources where ``[n]`` leads."""

    anchor: str
    text: str


@dataclass(frozen=True)
class SourceItem:
    """An entry of the Sources list; ``number`` matches the ``[n]`` markers."""

    number: int
    outlet: str
    title: str
    url: str | None
    published: str | None
    lean: str | None = None
    article_id: str = ""
    passages: tuple[Passage, ...] = ()
    published_at: str | None = None
    """The time of ``published`` with the source's UTC offset, when the source gave one."""

    @property
    def domain(self) -> str | None:
        """The site the article is on, without ``www.``: what readers recognise."""
        host = urlsplit(self.url).hostname if self.url else None
        return host.removeprefix("www.") if host else None


@dataclass(frozen=True)
class ThreadRef:
    """The thread a published story belongs to, as its page links to it: shown only when
    the thread has another published story to follow."""

    id: str
    name: str
    stories: int

    @property
    def path(self) -> str:
        return f"threads/{self.id}.html"


@dataclass(frozen=True)
class RoundupRef:
    """What makes a published article a roundup: the week of a thread it covers."""

    id: str
    thread: ThreadRef
    week: str
    first: str
    last: str
    stories: tuple[PublishedStory | None, ...] = ()
    """For each paragraph, the published story it retells (its page is linked there)."""

    @property
    def path(self) -> str:
        return f"roundups/{self.id}.html"

    @property
    def label(self) -> str:
        """The week as readers say it: "1 to 7 December 2025", "29 December to
        4 January 2026" across a month, both years across a year."""
        first, last = human_date(self.first), human_date(self.last)
        start, end = first.split(" ", 2), last.split(" ", 2)
        if len(start) == len(end) == 3 and start[1:] == end[1:]:
            return f"{start[0]} to {last}"
        if len(start) == len(end) == 3 and start[2] == end[2]:
            return f"{start[0]} {start[1]} to {last}"
        return f"{first} to {last}"


@dataclass(frozen=True)
class FurtherItem:
    """An article in another language than the edition's, listed under "Further coverage
    in other languages": the page never quotes it (``language`` is its name: French)."""

    outlet: str
    language: str
    title: str
    url: str | None
    published: str | None = None
    code: str = ""
    """The language's two-letter code (``fr``)."""
    published_at: str | None = None
    """The time of ``published`` with the source's UTC offset, when the source gave one."""


@dataclass(frozen=True)
class CorrectionNote:
    """A dated correction as readers see it: what an earlier version said, what is right,
    and the source it rests on (its link only when http(s))."""

    id: int
    day: str
    at: str
    wrong: str
    right: str
    outlet: str
    url: str | None
    source_id: str = ""
    """The stored article the correction rests on (one of the story's articles)."""

    @property
    def day_label(self) -> str:
        return human_date(self.day)


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
    checking: Checking | None = None
    """What the checker did before publication, for the "How this was checked" box."""
    further: tuple[FurtherItem, ...] = ()
    """Reporting in other languages: listed, never written from (``further_coverage``)."""
    thread: ThreadRef | None = None
    """The developing topic it belongs to, when that has other published stories."""
    roundup: RoundupRef | None = None
    """Set on a roundup: the article covers a week of a thread, a paragraph per story."""
    corrections: tuple[CorrectionNote, ...] = ()
    """Corrections editors filed on the story (``newsdesk desk``), oldest first."""

    @property
    def outlets(self) -> int:
        """Independent outlets among the sources: what a story's reach is ranked by."""
        return len({source.outlet.casefold() for source in self.sources})

    @property
    def leans(self) -> tuple[tuple[str, int], ...]:
        """How many outlets of each rated lean reported the story, left to right.

        Each outlet counts once, under the first rating its sources give; outlets
        no source rates are not counted, so the figures never guess.
        """
        rated: dict[str, str] = {}
        for source in self.sources:
            if source.lean:
                rated.setdefault(source.outlet.casefold(), source.lean.casefold())
        counts: dict[str, int] = {}
        for value in rated.values():
            counts[value] = counts.get(value, 0) + 1
        return tuple(sorted(counts.items(), key=lambda item: _lean_order(item[0])))

    @property
    def path(self) -> str:
        """Where the story page lives, relative to the site root; ``slug`` never changes."""
        return self.roundup.path if self.roundup else f"stories/{self.slug}.html"

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


LEAN_ORDER = ("left", "lean left", "center", "lean right", "right")
"""AllSides' scale, left to right; other ratings follow in alphabetical order."""


def _lean_order(lean: str) -> tuple[int, str]:
    return (LEAN_ORDER.index(lean) if lean in LEAN_ORDER else len(LEAN_ORDER), lean)


def article_ids(draft: Draft) -> list[str]:
    """Every article the draft lists or cites: the Sources list first, then the rest as cited."""
    listed = [source.article_id for source in draft.sources]
    cited = [c.article_id for s in draft.sentences for c in s.citations]
    return list(dict.fromkeys([*listed, *cited]))


class PublishStore(ArticleStore, StoryStore, DraftStore, RoundupStore, Protocol):
    """What publishing reads: drafts with their verdicts and gate records, the stories
    that name their pages, gated roundups, and the articles they cite (``DraftStore``
    records the files written)."""


@dataclass(frozen=True)
class Withdrawn:
    """A story an editor rejected: its page's slug, its headline and the decision, for an
    output that puts a notice where the page was (``site.py``)."""

    slug: str
    headline: str
    review: Review

    @property
    def path(self) -> str:
        return f"stories/{self.slug}.html"


@dataclass(frozen=True)
class Selection:
    """The stories readers may see, and the page slugs of stored drafts they may not."""

    stories: list[PublishedStory]
    withheld: list[str]
    drafts: int
    roundups: list[PublishedStory] = field(default_factory=list)
    """Weekly roundups of threads (``[write] roundups``), each linked from its thread's page."""
    withdrawn: list[Withdrawn] = field(default_factory=list)
    """The stories an editor rejected (``withheld`` holds their slugs too)."""


def published_stories(
    store: PublishStore,
    min_outlets: int,
    progress: Progress | None = None,
    stage: str = "publish",
    language: str = ENGLISH,
    approval_required: bool = False,
) -> Selection:
    """Every stored draft readers may see, in the edition's ``language``; ``withheld`` lets
    an output retract earlier pages. ``approval_required`` (``[desk]
    approve_before_publish``): only drafts an editor approved in their current version."""
    progress = progress or SilentProgress()
    drafts = list(store.drafts())
    progress.start(stage, len(drafts))
    stories, withheld, withdrawn = [], [], []
    for draft in drafts:
        story = publishable(store, draft, min_outlets, language, approval_required)
        if story is not None:
            stories.append(story)
        else:
            slug, merged = page_slugs(store, draft.story_id)
            withheld += [slug, *merged]
            review = store.review(draft.story_id)
            if review is not None and review.decision == "rejected":
                withdrawn.append(Withdrawn(slug, draft.headline, review))
        progress.advance(stage)
    stories = threaded(store, stories)
    roundups = published_roundups(store, stories, min_outlets, language)
    return Selection(stories, withheld, len(drafts), roundups, withdrawn)


def threaded(store: StoryStore, stories: Sequence[PublishedStory]) -> list[PublishedStory]:
    """``stories`` with their threads, where a thread holds two of them or more."""
    threads = {s.story_id: store.thread_of(s.story_id) for s in stories}
    counts = Counter(t.id for t in threads.values() if t is not None)
    linked = []
    for story in stories:
        thread = threads[story.story_id]
        if thread is not None and counts[thread.id] > 1:
            story = replace(story, thread=ThreadRef(thread.id, thread.name, counts[thread.id]))
        linked.append(story)
    return linked


def published_roundups(
    store: PublishStore, stories: Sequence[PublishedStory], min_outlets: int, language: str
) -> list[PublishedStory]:
    """The roundups readers may see: gated and not held, of a thread that has a page
    among ``stories`` (its page links to them), still telling two events or more after
    the gate, newest week first."""
    threads = {s.thread.id: s.thread for s in stories if s.thread is not None}
    published = {s.story_id: s for s in stories}
    found = []
    for gated in store.gated_roundups():
        thread = threads.get(gated.roundup.thread_id)
        if gated.record.held or thread is None:
            continue
        articles = {a.id: a for a in store.articles(article_ids(gated.draft))}
        story = published_story(
            gated.draft,
            gated.verdicts,
            articles,
            min_outlets,
            slug=gated.roundup.id,
            record=gated.record,
            language=language,
        )
        if story is not None and len(story.paragraphs) >= 2:  # else it retells one event
            first, last = gated.roundup.days
            retold = _retold(store, gated.roundup.story_ids, story, published)
            ref = RoundupRef(gated.roundup.id, thread, gated.roundup.week, first, last, retold)
            found.append(replace(story, roundup=ref, thread=thread))
    return found


def _retold(
    store: StoryStore,
    story_ids: Sequence[str],
    roundup: PublishedStory,
    published: Mapping[str, PublishedStory],
) -> tuple[PublishedStory | None, ...]:
    """For each paragraph of ``roundup``, the published story whose articles it cites."""
    story_of: dict[str, str] = {}
    for story_id in story_ids:
        story = store.story(story_id)
        for article_id in story.article_ids if story else ():
            story_of[article_id] = story_id
    retold = []
    for paragraph in roundup.paragraphs:
        cited = (story_of.get(c.article_id) for line in paragraph for c in line.citations)
        found = next((i for i in cited if i is not None), None)
        retold.append(published.get(found) if found else None)
    return tuple(retold)


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


def publishable(
    store: PublishStore,
    draft: Draft,
    min_outlets: int,
    language: str = ENGLISH,
    approval_required: bool = False,
) -> PublishedStory | None:
    """The draft as readers will see it, or ``None`` when the gate held or blocks it.

    A draft stored without a gate record follows the per-sentence rules alone;
    an editor's latest review can clear a held draft or keep any off the site, and with
    ``approval_required`` only an approval of this version lets it on
    (``reviewed_off``); ``language`` is the edition's (see ``withheld_because``).
    """
    record = store.gate_record(draft.story_id)
    review = store.review(draft.story_id)
    if reviewed_off(draft, record, review, approval_required) is not None:
        return None
    verdicts = store.verdicts(draft.story_id)
    if not verdicts:
        return None
    articles: Mapping[str, Article] = {a.id: a for a in store.articles(article_ids(draft))}
    slug, merged = page_slugs(store, draft.story_id)
    found = published_story(
        draft, verdicts, articles, min_outlets, slug=slug, record=record, language=language
    )
    if found is None:
        return None
    further = further_coverage(store, draft, language)
    corrections = store.corrections(draft.story_id)
    ids = sorted({c.source for c in corrections})
    notes = correction_notes(corrections, {a.id: a for a in store.articles(ids)} if ids else {})
    return replace(found, redirects=merged, further=further, corrections=notes)


def correction_notes(
    corrections: Sequence[Correction], articles: Mapping[str, Article]
) -> tuple[CorrectionNote, ...]:
    """The notes of ``corrections``, each naming its source from ``articles`` (the
    source's id alone when it is not stored)."""
    notes = []
    for correction in corrections:
        source = articles.get(correction.source)
        notes.append(
            CorrectionNote(
                id=correction.id or 0,
                day=correction.at[:10],
                at=correction.at,
                wrong=correction.wrong,
                right=correction.right,
                outlet=source.outlet if source else correction.source,
                url=safe_url(source.url) if source else None,
                source_id=correction.source,
            )
        )
    return tuple(notes)


def further_coverage(store: PublishStore, draft: Draft, language: str) -> tuple[FurtherItem, ...]:
    """The story's reporting in other languages than the edition's ``language``, which the
    writers never draft from: the articles set aside as its further coverage (they matched
    no story: ``stories/languages.py``) and those that joined it, which the checker read as
    evidence. By outlet, then title."""
    aside = {c.article_id: c.language for c in store.further_coverage(draft.story_id)}
    story = store.story(draft.story_id)
    cited = set(article_ids(draft))
    members = [] if story is None else [i for i in story.article_ids if i not in cited]
    items = []
    for article in store.articles(sorted({*aside, *members})):
        found = aside.get(article.id) or other_language_of(article, language)
        if found is None or found == language:
            continue
        url = safe_url(article.url)
        items.append(
            FurtherItem(
                article.outlet,
                language_name(found),
                article.title,
                url,
                article.published,
                found,
                article.published_at,
            )
        )
    return tuple(sorted(items, key=lambda i: (i.outlet.casefold(), i.title, i.url or "")))


def reviewed_off(
    draft: Draft,
    record: GateRecord | None,
    review: Review | None,
    approval_required: bool = False,
) -> str | None:
    """Why the desk or the gate keeps ``draft`` off the site, whatever its verdicts; None
    when neither does. The story's latest ``review`` decides first: a rejection or a hold
    keeps it off (every version, until an editor decides again); an approval of this
    version clears a draft the gate held (the desk approves only when every sentence
    passes the checker). A new version the writer makes needs a new approval. With
    ``approval_required`` (``[desk] approve_before_publish``) a draft waits for an
    approval of its current version whatever the gate said."""
    if review is not None and review.decision != "approved":
        why = f": {review.reason}" if review.reason else ""
        return f"{review.decision} by {review.editor} on the desk{why}"
    approved = review is not None and review.version == draft.version
    if approval_required and not approved:
        return "waiting for an editor's approval ([desk] approve_before_publish)"
    if record is not None and record.held and not approved:
        return "the verify gate held it" + (f": {record.note}" if record.note else "")
    return None


def withheld_because(
    draft: Draft,
    verdicts: Sequence[Verdict],
    min_outlets: int = 1,
    record: GateRecord | None = None,
    language: str = ENGLISH,
    review: Review | None = None,
    approval_required: bool = False,
) -> str | None:
    """Why readers do not see ``draft``, in one line; None when it is published.

    The reasons, in the order they are tested: an editor rejected or held it, or the
    verify gate held it (or ``approval_required`` asks for one) and no editor approved
    this version (``reviewed_off``),
    it is not checked yet, it has fewer outlets than ``min_outlets``, its headline is
    in another language than the edition's ``language`` (``detection.other_language``),
    its headline or every body sentence failed the checker, or every body sentence that
    passed is in another language.
    """
    off = reviewed_off(draft, record, review, approval_required)
    if off is not None:
        return off
    if not verdicts:
        return "not checked yet (`newsdesk write` checks it)"
    outlets = len({source.outlet for source in draft.sources})
    if outlets < min_outlets:
        named = "1 outlet" if outlets == 1 else f"{outlets} outlets"
        return f"reported by {named}; [publish] min_outlets is {min_outlets}"
    supported = {v.position for v in verdicts if v.supported}
    headline_at = next((n for n, s in enumerate(draft.sentences) if s.kind == "headline"), None)
    if headline_at is not None:
        found = other_language(draft.sentences[headline_at].text, language)
        if found is not None:
            edition = language_name(language)
            return f"its headline is in {language_name(found)}, not the edition's {edition}"
    if headline_at is None or headline_at not in supported:
        return "its headline did not pass the checker"
    if not any(s.kind == "body" for n, s in enumerate(draft.sentences) if n in supported):
        return "no body sentence passed the checker"
    readable = in_edition(draft, supported, language)
    if not any(s.kind == "body" for n, s in enumerate(draft.sentences) if n in readable):
        edition = language_name(language)
        return f"every body sentence that passed the checker is in another language than {edition}"
    return None


def in_edition(draft: Draft, positions: Iterable[int], language: str) -> set[int]:
    """The sentences at ``positions`` in the edition's ``language``: one the writer took
    from a source in another language (a revision can) is never published. Over 29,049
    English sentences of six words or more, ``other_language`` called three another
    language: a Spanish tweet, a credits line and a heading in capitals."""
    sentences = draft.sentences
    return {
        n
        for n in positions
        if 0 <= n < len(sentences) and other_language(sentences[n].text, language) is None
    }


def published_story(
    draft: Draft,
    verdicts: Iterable[Verdict],
    articles: Mapping[str, Article],
    min_outlets: int = 1,
    *,
    slug: str | None = None,
    record: GateRecord | None = None,
    language: str = ENGLISH,
) -> PublishedStory | None:
    """The reader's view of ``draft``, or ``None`` when the verify gate blocks it.

    A story reported by fewer than ``min_outlets`` different outlets is held:
    a multi-source article needs more than one source. ``slug`` names the page
    (see ``page_slugs``); without it the name rests on the story id, never on
    the headline, which a rewrite may change. ``record`` is the gate's record,
    which says what was left out and why. ``language`` is the edition's: a
    sentence in another is left out, and a headline in another withholds the story.
    """
    verdicts = list(verdicts)
    if withheld_because(draft, verdicts, min_outlets, language=language) is not None:
        return None
    readable = in_edition(draft, (v.position for v in verdicts if v.supported), language)
    passed = {v.position: v for v in verdicts if v.supported and v.position in readable}
    kept = [(s, passed[n]) for n, s in enumerate(draft.sentences) if n in passed]
    numbers = _source_numbers(draft)
    line = _Liner(numbers, articles)
    headline = line(*next(pair for pair in kept if pair[0].kind == "headline"))
    dek = next((pair for pair in kept if pair[0].kind == "dek"), None)
    dek_line = line(*dek) if dek else None
    paragraphs = _paragraphs([pair for pair in kept if pair[0].kind == "body"], line)
    quotes = tuple(_quote(s, v, line, articles) for s, v in kept if s.kind == "quote")
    coverage = tuple(_coverage(s, v, line, articles) for s, v in kept if s.kind == "coverage")
    timeline = _timeline([pair for pair in kept if pair[0].kind == "timeline"], line)
    story = PublishedStory(
        story_id=draft.story_id,
        slug=slug or story_slug("", draft.story_id),
        category=draft.category,
        category_slug=slugify(draft.category) or "uncategorised",
        date=draft.date,
        headline=headline,
        dek=dek_line,
        paragraphs=paragraphs,
        quotes=quotes,
        sources=_sources(draft, numbers, articles, line.passages),
        coverage=coverage,
        timeline=timeline,
        version=draft.version,
        changes=draft.changes if draft.updated else (),
    )
    shown = [shown_line.checks for shown_line in story.lines]
    return replace(story, checking=summarise(record, shown, len(story.sources)))


def _source_numbers(draft: Draft) -> dict[str, int]:
    """Number articles by the Sources list first, so ``[n]`` always means source ``n``."""
    return {article_id: n for n, article_id in enumerate(article_ids(draft), start=1)}


class _Liner:
    """Turns sentences into ``Line``s, resolving each citation against the stored articles.

    It numbers the passages it cites per source as it goes (``passages``), so
    the lines must be made in reading order for the numbers to read in order.
    """

    def __init__(self, numbers: Mapping[str, int], articles: Mapping[str, Article]) -> None:
        self.numbers = numbers
        self.articles = articles
        self.passages: dict[str, dict[tuple[str, int, int], Passage]] = {}

    def __call__(self, sentence: Sentence, verdict: Verdict | None = None) -> Line:
        links = (self._link(c) for c in sentence.citations)
        checks = verdict.checks if verdict is not None else ()
        cited = tuple(link for link in links if link is not None)
        return Line(sentence.text, cited, checks, sentence.date)

    def _link(self, citation: Citation) -> CitationLink | None:
        """A citation of an article that is not stored cannot be checked, so it is dropped."""
        article = self.articles.get(citation.article_id)
        if article is None:
            return None
        source = article.title if citation.field == "title" else article.text
        span = source[citation.start : citation.end]
        number = self.numbers[citation.article_id]
        cited = self.passages.setdefault(citation.article_id, {})
        key = (citation.field, citation.start, citation.end)
        if key not in cited:
            cited[key] = Passage(f"passage-{number}-{len(cited) + 1}", " ".join(span.split()))
        return CitationLink(
            number=number,
            url=safe_url(article.url),
            span=span,
            article_id=citation.article_id,
            start=citation.start,
            end=citation.end,
            field=citation.field,
            passage=list(cited).index(key) + 1,
        )


def _paragraphs(
    body: Sequence[tuple[Sentence, Verdict]], line: _Liner
) -> tuple[tuple[Line, ...], ...]:
    """Group body sentences by ``Sentence.paragraph``, keeping draft order inside each."""
    groups: dict[int, list[Line]] = {}
    for sentence, verdict in body:
        groups.setdefault(sentence.paragraph, []).append(line(sentence, verdict))
    return tuple(tuple(groups[key]) for key in sorted(groups))


def _cited(sentence: Sentence, articles: Mapping[str, Article]) -> list[Article]:
    found = (articles.get(c.article_id) for c in sentence.citations)
    return [article for article in found if article is not None]


def _quote(
    sentence: Sentence, verdict: Verdict, line: _Liner, articles: Mapping[str, Article]
) -> Quote:
    """The quote links to the first article it cites; the outlet falls back to that article's."""
    first = next(iter(_cited(sentence, articles)), None)
    outlet = sentence.outlet or (first.outlet if first else None)
    url = safe_url(first.url) if first else None
    return Quote(line(sentence, verdict), sentence.speaker, outlet, url)


def _coverage(
    sentence: Sentence, verdict: Verdict, line: _Liner, articles: Mapping[str, Article]
) -> Coverage:
    """The entry links to the outlet's cited article; its lean comes from that outlet's own
    articles only, so one outlet is never labelled with another's rating."""
    cited = _cited(sentence, articles)
    outlet = sentence.outlet or (cited[0].outlet if cited else None)
    own = [a for a in (*cited, *articles.values()) if a.outlet == outlet]
    link = own[0] if own else (cited[0] if cited else None)
    rating = next((r for a in own if (r := lean(a)) is not None), None)
    return Coverage(line(sentence, verdict), outlet, rating, safe_url(link.url) if link else None)


def _lean_of(article: Article | None) -> str | None:
    return None if article is None else lean(article)


def lean(article: Article) -> str | None:
    """The outlet's rated lean as a source gives it (``bias`` or ``lean``), on one line."""
    for key in LEAN_FIELDS:
        value = article.extra.get(key)
        if isinstance(value, str) and value.strip():
            return " ".join(value.split())
    return None


def _timeline(
    entries: Sequence[tuple[Sentence, Verdict]], line: _Liner
) -> tuple[TimelineEntry, ...]:
    """Dated entries in date order, or none when they do not span several days.

    A "timeline" of events all on one day tells the reader nothing the body
    does not, and an entry without an ISO date cannot be placed on it.
    """
    dated = [(day, s, v) for s, v in entries if (day := iso_day(s.date)) is not None]
    if len({day for day, _, _ in dated}) < 2:
        return ()
    ordered = sorted(dated, key=lambda entry: entry[0])
    return tuple(TimelineEntry(day, line(sentence, v)) for day, sentence, v in ordered)


def _sources(
    draft: Draft,
    numbers: Mapping[str, int],
    articles: Mapping[str, Article],
    passages: Mapping[str, Mapping[tuple[str, int, int], Passage]],
) -> tuple[SourceItem, ...]:
    """The draft's Sources, plus any cited article it forgot, so every ``[n]`` has an entry.

    Each entry carries the passages the page cites from it, for the ``[n]`` links to land on.
    """
    items = [
        SourceItem(
            numbers[s.article_id],
            s.outlet,
            s.title,
            safe_url(s.url),
            s.published,
            _lean_of(articles.get(s.article_id)),
            s.article_id,
            tuple(passages.get(s.article_id, {}).values()),
            _time_of(articles.get(s.article_id), s.published),
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
                    number,
                    article.outlet,
                    article.title,
                    url,
                    article.published,
                    lean(article),
                    article_id,
                    tuple(passages.get(article_id, {}).values()),
                    article.published_at,
                )
            )
    unique = {item.number: item for item in reversed(items)}
    return tuple(unique[n] for n in sorted(unique))


def _time_of(article: Article | None, day: str | None) -> str | None:
    """The article's time of publication, when it is of the day the draft lists it under."""
    if article is None or article.published != day:
        return None
    return article.published_at
