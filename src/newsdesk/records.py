"""Typed records that flow between the pipeline stages.

Data moves one way: ``Article`` (ingest) -> ``Story`` (stories) -> ``Draft``
made of ``Sentence`` + ``Citation`` (write) -> ``Verdict`` per sentence
(verify) -> ``Publication`` (publish). ``StageRun`` records what each stage of
a ``Run`` did. Records are plain frozen dataclasses so that every stage can be
tested on its own with records built by hand, and so that the store is the
only place that knows about SQL.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from typing import Any, Literal

CATEGORIES: tuple[str, ...] = (
    "World",
    "Politics",
    "Business",
    "Markets",
    "Technology",
    "Science",
    "Health",
    "Climate",
    "Sports",
    "Culture",
)
"""The fixed section taxonomy every published article is filed under."""

SentenceKind = Literal["headline", "dek", "body", "quote", "coverage", "timeline"]
"""``coverage`` sentences say how outlets covered the story; ``timeline`` entries carry a date."""
VerdictLabel = Literal["supported", "contradicted", "unsupported"]


def content_hash(*parts: object) -> str:
    """Stable sha256 over JSON-serialised parts: the key every stage is idempotent on."""
    payload = json.dumps(parts, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Feed:
    """A source of articles: a feed URL or an offline dump, named after its outlet."""

    name: str
    url: str
    outlet: str
    category: str | None = None
    language: str | None = None


@dataclass(frozen=True)
class Article:
    """One piece of reporting by one outlet, as ingested.

    ``published`` is an ISO date (``YYYY-MM-DD``) or ``None`` when the source
    gives none; ``extra`` keeps every field of the input that newsdesk does not
    model, so nothing a dump carried is lost.
    """

    id: str
    url: str
    outlet: str
    title: str
    text: str
    published: str | None = None
    lang: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def hash(self) -> str:
        return content_hash(
            self.id, self.url, self.outlet, self.title, self.text, self.published, self.lang
        )


StoryStatus = Literal["developing", "settled"]
"""``settled`` once no article has joined for the clustering window: the story is closed."""


@dataclass(frozen=True)
class Evidence:
    """A span of a source that a claim rests on: the writer's citations and the checker's
    evidence are both resolved to these."""

    source: Article
    start: int
    end: int
    field: Literal["text", "title"] = "text"

    @property
    def quote(self) -> str:
        body = self.source.title if self.field == "title" else self.source.text
        return body[self.start : self.end]


@dataclass(frozen=True)
class Story:
    """Articles about one event. ``version`` increases when new reporting joins.

    ``independent_sources`` counts outlets with syndicated copies counted once
    (a wire story re-run by three papers is one source); ``None`` on a story
    built by hand, where every outlet counts. ``merged`` lists ``(id, founding
    title)`` of the stories that turned out to be this event and now redirect
    here (the title named the merged story's page).
    """

    id: str
    title: str
    article_ids: tuple[str, ...]
    outlets: tuple[str, ...]
    first_seen: str | None
    last_seen: str | None
    version: int = 1
    independent_sources: int | None = None
    languages: tuple[str, ...] = ()
    category: str | None = None
    status: StoryStatus = "developing"
    merged: tuple[tuple[str, str], ...] = ()

    @property
    def merged_ids(self) -> tuple[str, ...]:
        return tuple(story_id for story_id, _ in self.merged)

    @property
    def sources(self) -> int:
        """Independent sources: syndicated copies count once."""
        return len(self.outlets) if self.independent_sources is None else self.independent_sources

    @property
    def single_source(self) -> bool:
        """Whether all the reporting comes from one source (however many outlets ran it)."""
        return self.sources <= 1

    @property
    def hash(self) -> str:
        return content_hash(self.id, sorted(self.article_ids))


@dataclass(frozen=True)
class Citation:
    """A character span ``[start, end)`` of one article's ``field`` that supports a sentence."""

    article_id: str
    start: int
    end: int
    field: Literal["text", "title"] = "text"


@dataclass(frozen=True)
class Sentence:
    """One published unit of a draft with the source spans it rests on.

    ``claim`` is the part of ``text`` that asserts something about the world;
    ``text`` may add attribution ("according to Reuters") around it.
    ``speaker`` is set on quotes.
    """

    kind: SentenceKind
    text: str
    citations: tuple[Citation, ...]
    paragraph: int = 0
    speaker: str | None = None
    outlet: str | None = None
    date: str | None = None


@dataclass(frozen=True)
class SourceRef:
    """An entry of a draft's Sources list."""

    article_id: str
    outlet: str
    title: str
    url: str
    published: str | None


@dataclass(frozen=True)
class Draft:
    """A written article for one story, before the verify gate."""

    story_id: str
    story_hash: str
    category: str
    date: str | None
    sentences: tuple[Sentence, ...]
    sources: tuple[SourceRef, ...]
    writer: str = "extractive"
    version: int = 1
    changes: tuple[str, ...] = ()
    note: str = ""
    """What the write stage has to say about the draft (a writer that failed and was
    replaced); the gate's record carries it on. Not part of the draft's hash."""
    sources_changed: bool = False
    """Set by the store when a cited page changed after writing: the story is written again."""

    @property
    def headline(self) -> str:
        return next((s.text for s in self.sentences if s.kind == "headline"), "")

    @property
    def updated(self) -> bool:
        """Whether this draft rewrites an earlier one after new reporting arrived."""
        return self.version > 1

    @property
    def hash(self) -> str:
        return content_hash(
            self.story_hash,
            self.category,
            self.date,
            self.sentences,
            self.sources,
            self.version,
            self.changes,
        )


@dataclass(frozen=True)
class Verdict:
    """The checker's finding on one sentence of a draft."""

    position: int
    label: VerdictLabel
    reason: str = ""

    @property
    def supported(self) -> bool:
        return self.label == "supported"


@dataclass(frozen=True)
class Dropped:
    """A sentence the verify gate removed, with the checker's reason and the round it failed."""

    kind: SentenceKind
    text: str
    reason: str
    round: int


@dataclass(frozen=True)
class GateRecord:
    """What the verify gate did to one draft before it could be published.

    ``rounds`` counts checks (1 = the first draft passed or was only pruned);
    ``revised`` counts sentences the writer replaced after a failed check.
    ``held`` is set when the article lost too much to publish; ``note`` says
    why, or records that a writer failed and the offline one took over.
    """

    story_id: str
    writer: str
    rounds: int
    drafted: int
    kept: int
    revised: int = 0
    dropped: tuple[Dropped, ...] = ()
    held: bool = False
    note: str = ""

    @property
    def kept_share(self) -> float:
        return self.kept / self.drafted if self.drafted else 0.0


@dataclass(frozen=True)
class Publication:
    """A file the publish stage wrote, keyed on the hash of its bytes."""

    path: str
    content_hash: str
    story_id: str | None = None


@dataclass
class StageRun:
    """What one stage did in one run: the engine fills this in and stores it."""

    stage: str
    items_in: int = 0
    items_out: int = 0
    errors: list[str] = field(default_factory=list)
    wall_s: float = 0.0
    skipped: int = 0
    tokens_in: int = 0
    tokens_out: int = 0
    cost_usd: float = 0.0


@dataclass
class Run:
    """One ``newsdesk run``: its id and the stage records, in order."""

    id: int
    started: str
    stages: list[StageRun] = field(default_factory=list)
    status: Literal["running", "finished", "failed"] = "running"

    def stage(self, name: str) -> StageRun | None:
        return next((s for s in self.stages if s.stage == name), None)
