"""The story view's data: every sentence of the stored draft with its verdict, checks and
evidence, what the gate dropped and why, the story's articles, outlets and thread.

Where the site shows readers only what passed, the desk shows an editor everything the
gate saw, what editors changed (each revision's before and after, who and when) and
what they decided. Sources are numbered as the site numbers them (``publish.model.article_ids``:
the Sources list first), links are only ever http(s) (``publish.text.safe_url``), and
each cited span is the exact slice ``text[start:end]`` (or of the title) of the stored
article, with a link to the source that scrolls a browser to that passage (a text
fragment, ``#:~:text=``). Everything returned is plain data: templates never touch
the store.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import quote

from newsdesk import api
from newsdesk.config import Config
from newsdesk.publish.model import article_ids
from newsdesk.publish.text import human_date, safe_url
from newsdesk.records import (
    Article,
    Citation,
    Correction,
    Draft,
    DraftEdit,
    GateRecord,
    Review,
    Story,
    Verdict,
)
from newsdesk.store import Store
from newsdesk.verify import edits

FRAGMENT_WORDS = 4
"""Words at each end of a long span that its text fragment names (start,end)."""


@dataclass(frozen=True)
class CitedSpan:
    """One citation: the source's number, outlet and link, and the exact span cited."""

    number: int
    article_id: str
    outlet: str
    field: str
    start: int
    end: int
    text: str
    url: str | None
    """A link to the source that points a browser at the span; None for a link that is
    not http(s) or a source that is not stored."""
    stored: bool = True


@dataclass(frozen=True)
class SentenceRow:
    position: int
    kind: str
    text: str
    label: str
    """The verdict: supported, contradicted, unsupported, or unchecked."""
    reason: str
    checks: tuple[str, ...]
    citations: tuple[CitedSpan, ...]
    paragraph: int | None = None
    """The body paragraph it belongs to, 1 for the lead (None for other kinds)."""
    paragraph_text: str = ""
    """On the first sentence of a paragraph (what the move buttons stand on): the
    paragraph's whole text, as the move form sends it back; else empty."""


@dataclass(frozen=True)
class ArticleRow:
    """One of the story's articles; ``number`` is its ``[n]`` when the draft uses it."""

    article_id: str
    outlet: str
    title: str
    url: str | None
    published: str | None
    lang: str | None
    number: int | None
    added_by: str | None = None
    """The editor who added it on the desk (``api.add_source``); None for the pipeline's."""


@dataclass(frozen=True)
class ThreadStory:
    story_id: str
    title: str
    current: bool


@dataclass(frozen=True)
class ThreadView:
    thread_id: str
    name: str
    first_seen: str | None
    last_seen: str | None
    stories: tuple[ThreadStory, ...]


@dataclass(frozen=True)
class StoryView:
    story_id: str
    title: str
    draft: Draft | None
    sentences: tuple[SentenceRow, ...]
    gate: GateRecord | None
    withheld: str | None
    """Why readers do not see the story (None: it is on the site)."""
    articles: tuple[ArticleRow, ...]
    outlets: tuple[str, ...]
    independent_sources: int
    thread: ThreadView | None
    edits: tuple[DraftEdit, ...] = ()
    """Every change editors made to the draft, oldest first: its revisions."""
    reviews: tuple[Review, ...] = ()
    """Every approval, rejection and hold, oldest first; the last one counts."""
    corrections: tuple[Correction, ...] = ()
    """Corrections filed on the published story, oldest first."""

    @property
    def review(self) -> Review | None:
        return self.reviews[-1] if self.reviews else None

    @property
    def paragraphs(self) -> int:
        """How many body paragraphs the draft has (the last one cannot move down)."""
        return max((s.paragraph or 0 for s in self.sentences), default=0)

    @property
    def passes(self) -> bool:
        """Whether every sentence passed the checker (what approving needs)."""
        return bool(self.sentences) and all(s.label == "supported" for s in self.sentences)

    @property
    def date_label(self) -> str:
        return human_date(self.draft.date) if self.draft and self.draft.date else "undated"


def text_fragment(url: str | None, span: str) -> str | None:
    """``url`` with a text fragment naming ``span`` (its first and last words when long),
    so a browser that supports them scrolls to and marks the passage."""
    if url is None:
        return None
    words = span.split()
    if not words:
        return url
    if len(words) <= 2 * FRAGMENT_WORDS:
        directive = _fragment_part(" ".join(words))
    else:
        first, last = words[:FRAGMENT_WORDS], words[-FRAGMENT_WORDS:]
        directive = f"{_fragment_part(' '.join(first))},{_fragment_part(' '.join(last))}"
    joiner = ":~:" if "#" in url else "#:~:"
    return f"{url}{joiner}text={directive}"


def _fragment_part(text: str) -> str:
    """Percent-encoded for a text directive, where ``-``, ``,`` and ``&`` are syntax."""
    return quote(text, safe="").replace("-", "%2D")


def cited_span(
    citation: Citation, numbers: Mapping[str, int], articles: Mapping[str, Article]
) -> CitedSpan:
    """The span ``citation`` names, read from the stored article (empty when the article
    is not stored: the view says so rather than inventing a quote)."""
    article = articles.get(citation.article_id)
    span, outlet, url = "", "", None
    if article is not None:
        source = article.title if citation.field == "title" else article.text
        span, outlet = source[citation.start : citation.end], article.outlet
        url = text_fragment(safe_url(article.url), span)
    return CitedSpan(
        number=numbers.get(citation.article_id, 0),
        article_id=citation.article_id,
        outlet=outlet,
        field=citation.field,
        start=citation.start,
        end=citation.end,
        text=span,
        url=url,
        stored=article is not None,
    )


def sentence_rows(
    draft: Draft,
    verdicts: list[Verdict],
    numbers: Mapping[str, int],
    articles: Mapping[str, Article],
) -> tuple[SentenceRow, ...]:
    by_position = {v.position: v for v in verdicts}
    groups = edits.paragraphs(draft)
    paragraph_of = {p: n for n, group in enumerate(groups, start=1) for p in group}
    opening = {group[0]: " ".join(draft.sentences[p].text for p in group) for group in groups}
    rows = []
    for position, sentence in enumerate(draft.sentences):
        verdict = by_position.get(position)
        rows.append(
            SentenceRow(
                position=position,
                kind=sentence.kind,
                text=sentence.text,
                label=verdict.label if verdict else "unchecked",
                reason=verdict.reason if verdict else "",
                checks=verdict.checks if verdict else (),
                citations=tuple(cited_span(c, numbers, articles) for c in sentence.citations),
                paragraph=paragraph_of.get(position),
                paragraph_text=opening.get(position, ""),
            )
        )
    return tuple(rows)


def _thread(store: Store, story_id: str) -> ThreadView | None:
    thread = store.thread_of(story_id)
    if thread is None:
        return None
    stories = []
    for other in thread.story_ids:
        found = store.story(other)
        stories.append(ThreadStory(other, found.title if found else other, other == story_id))
    return ThreadView(thread.id, thread.name, thread.first_seen, thread.last_seen, tuple(stories))


def _articles(
    story: Story | None, draft: Draft | None, numbers: Mapping[str, int], store: Store
) -> tuple[list[ArticleRow], dict[str, Article]]:
    """The story's articles and any the draft cites beyond them, and all of them by id."""
    ids = list(dict.fromkeys([*(story.article_ids if story else ()), *numbers]))
    found = {a.id: a for a in store.articles(ids)}
    rows = [
        ArticleRow(
            a.id,
            a.outlet,
            a.title,
            safe_url(a.url),
            a.published,
            a.lang,
            numbers.get(a.id),
            str(a.extra["added_by"]) if a.extra.get("added_by") else None,
        )
        for a in (found[i] for i in ids if i in found)
    ]
    return rows, found


def story_view(store: Store, config: Config, story_id: str) -> StoryView | None:
    """What the desk shows of ``story_id``, or None when neither a story nor a draft has
    that id (a merged story's old id is for the caller to resolve first)."""
    story = store.story(story_id)
    draft = store.draft(story_id)
    if story is None and draft is None:
        return None
    numbers = {a: n for n, a in enumerate(article_ids(draft), start=1)} if draft else {}
    articles, by_id = _articles(story, draft, numbers, store)
    sentences: tuple[SentenceRow, ...] = ()
    if draft is not None:
        sentences = sentence_rows(draft, store.verdicts(story_id), numbers, by_id)
    outlets = story.outlets if story else tuple(dict.fromkeys(a.outlet for a in articles))
    return StoryView(
        story_id=story_id,
        title=(draft.headline if draft else "") or (story.title if story else story_id),
        draft=draft,
        sentences=sentences,
        gate=store.gate_record(story_id),
        withheld=api.withheld_because(config, store, story_id),
        articles=tuple(articles),
        outlets=outlets,
        independent_sources=story.sources if story else len(outlets),
        thread=_thread(store, story_id),
        edits=tuple(store.edits(story_id)),
        reviews=tuple(store.reviews(story_id)),
        corrections=tuple(store.corrections(story_id)),
    )
