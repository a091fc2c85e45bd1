"""Typed records that flow between the pipeline stages.

Data moves one way: ``Article`` (ingest) -> ``Story`` (stories) -> ``Draft``
made of ``Sentence`` + ``Citation`` (write) -> ``Verdict`` per sentence
(verify) -> ``Publication`` (publish). ``StageRun`` records what each stage of
a ``Run`` did. Records are plain frozen dataclasses so that every stage can be
tested on its own with records built by hand, and so that the store is the
only place that knows about SQL.

The records the store keeps for one stage come last: a feed's entries and
polling state, a page's versions, snapshot, fingerprint and duplicate links
(ingest); an article's clustering features, the word counts, a story's
version and one clustering step's ``Placement`` (stories). The editor's desk's
own records close the file: its users, their sessions, sign-in attempts and the
audit log (``DeskUser``, ``DeskSession``, ``SignInAttempt``, ``AuditEntry``).
"""

from __future__ import annotations

import datetime
import hashlib
import json
import socket
import zlib
from collections.abc import Sequence
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
    """Stable sha256 over JSON-serialised parts: the key every stage is idempotent on.

    A lone surrogate (text never cleaned) hashes as its code point instead of
    raising; every other string hashes as its UTF-8 bytes.
    """
    payload = json.dumps(parts, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(payload.encode("utf-8", "surrogatepass")).hexdigest()


@dataclass(frozen=True)
class Feed:
    """A source of articles: a feed URL or an offline dump, named after its outlet."""

    name: str
    url: str
    outlet: str
    category: str | None = None
    language: str | None = None


@dataclass(frozen=True)
class Furniture:
    """A span of an article's text that is page furniture, not reporting.

    ``kind`` names what it is (``caption``, ``dateline``, ``byline``, …; ``furniture``
    when only the classifier decided), ``by`` which reader found it (``rule`` or
    ``model``). Marks never change the stored text: citations keep their offsets.
    """

    start: int
    end: int
    kind: str
    by: str = "rule"


DateSource = Literal["given", "page", "url", "text"]
"""Where a publication date came from: with the article (feed entry, dump field), the
page's metadata, a day in its URL, or the latest full date its text states (an estimate)."""


@dataclass(frozen=True)
class Article:
    """One piece of reporting by one outlet, as ingested.

    ``published`` is an ISO date (``YYYY-MM-DD``), the day in the source's own time
    zone, or ``None`` when the source gives none; ``published_at`` the full timestamp
    when the source gave a time (ISO 8601, ``2025-12-02T23:30:00-05:00``, with its UTC
    offset only when the source gave one; ``language/dating.py``); ``extra`` keeps every
    field of the input that newsdesk does not model, so nothing a dump carried is lost.
    """

    id: str
    url: str
    outlet: str
    title: str
    text: str
    published: str | None = None
    lang: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)
    furniture: tuple[Furniture, ...] | None = field(default=None, compare=False)
    """Page furniture in ``text`` as ingest marked it; None for an article never marked."""
    date_source: DateSource | None = field(default=None, compare=False)
    """Where ``published`` came from (``language/dating.py``); None for an undated article
    or one built before the source was recorded."""
    published_at: str | None = None
    """The time of ``published`` as the source gave it; None for a date alone, an undated
    article, or one stored before times were kept."""

    @property
    def hash(self) -> str:
        """The content's hash. ``published_at`` refines ``published`` and is left out, so
        an article stored before times were kept reads as unchanged when it comes again."""
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


CheckKind = Literal[
    "support",
    "number",
    "date",
    "quote",
    "speaker",
    "role",
    "place",
    "attribution",
    "url",
    "category",
    "context",
    "opinion",
]


@dataclass(frozen=True)
class Check:
    """One test applied to a claim: what the verify stage's checks return, and what the
    support model (``language.support``), which the writer consults too, returns.

    ``conflict`` is set on a failed check when a source says something else
    (another number, date, office-holder, place): the claim is then
    *contradicted*, not merely *unsupported*, and the reason names that source.
    ``score`` is the probability a learned model gave the claim, where one judged it
    (the support model), so that a reader can sort claims by doubt.
    """

    kind: CheckKind
    verdict: Literal["pass", "fail", "n/a"]
    detail: str = ""
    conflict: Evidence | None = None
    score: float | None = None


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

    @classmethod
    def title_of(cls, article: Article) -> Citation:
        """The whole of ``article``'s title."""
        return cls(article.id, 0, len(article.title), "title")


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
    checks: tuple[str, ...] = ()
    """The checks the sentence passed (``support``, ``number``, ``quote``…), in the order
    they ran; checks that had nothing to test (no number, no quotation) are not listed."""

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
    check: str = ""
    """The check that failed it (``support``, ``number``…); empty on records stored before
    the check was recorded."""


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


@dataclass(frozen=True)
class Quarantined:
    """An item a stage could not process, kept out of its later runs until it changes.

    ``item`` names it within ``stage`` (a story id); ``input`` is the hash of
    what failed, so a changed story is tried again. ``reason`` is the error, on
    one line; ``run_id`` the run that hit it.
    """

    stage: str
    item: str
    input: str
    reason: str
    run_id: int | None
    at: str


@dataclass(frozen=True)
class Lease:
    """The store's run lease: which run holds the store, from which process, and until when.

    One run at a time writes a store: the engine takes the lease before a run's
    first stage and gives it back when the run ends. ``heartbeat`` and
    ``expires`` are Unix times: the holder renews the lease while it is alive,
    so the lease of a run that was killed lapses (see ``store/runs.py`` for
    when a lease counts as held).
    """

    run_id: int
    pid: int
    host: str
    started: str
    heartbeat: float
    expires: float

    def process(self) -> str:
        """ "pid 4242" (with " on HOST" when the holder runs on another host)."""
        host = f" on {self.host}" if self.host != socket.gethostname() else ""
        return f"pid {self.pid}{host}"

    def owner(self) -> str:
        """ "pid 4242, started 2025-06-01 10:00:00 UTC": who holds the lease, for a one-line
        message."""
        started = self.started.replace("T", " ").replace("+00:00", " UTC")
        return f"{self.process()}, started {started}"


@dataclass
class Run:
    """One ``newsdesk run``: its id and the stage records, in order.

    ``lease`` is the store's run lease while the run holds it (a run still
    running): its process and heartbeat. A run recorded as running whose
    lease has lapsed (its process was killed) is read back as ``interrupted``.
    """

    id: int
    started: str
    stages: list[StageRun] = field(default_factory=list)
    status: Literal["running", "finished", "failed", "interrupted"] = "running"
    lease: Lease | None = None

    def stage(self, name: str) -> StageRun | None:
        return next((s for s in self.stages if s.stage == name), None)


# -- what the store keeps for ingest: feeds and pages -------------------------

EntryStatus = Literal["pending", "stored", "unchanged", "duplicate", "failed"]
"""What became of a feed entry: ``pending`` until its page is stored or given up on."""


@dataclass(frozen=True)
class FeedEntry:
    """One item of a feed: a candidate article whose page is still to be fetched.

    ``key`` is the item's guid/id (its link when it has none): the identity
    that tells a new item from one already seen. ``published`` is an ISO date (the
    day in the feed's own time zone) and ``published_at`` its time as the feed gave it
    (see ``Article.published_at``), ``updated`` the item's last-modified time as the
    feed gives it.
    """

    url: str
    key: str
    title: str = ""
    published: str | None = None
    updated: str | None = None
    summary: str = ""
    content: str = ""
    authors: tuple[str, ...] = ()
    published_at: str | None = None


@dataclass(frozen=True)
class PendingEntry:
    """A feed entry whose page has not been stored yet, with the attempts made so far."""

    feed_url: str
    entry: FeedEntry
    attempts: int = 0


@dataclass(frozen=True)
class FeedState:
    """How polling one feed went: validators for conditional GET, errors and backoff.

    Times are ISO timestamps in UTC; ``failures`` counts consecutive failed
    polls and sets how far ``next_poll`` is pushed back.
    """

    url: str
    etag: str | None = None
    last_modified: str | None = None
    last_status: int | None = None
    last_polled: str | None = None
    last_error: str | None = None
    last_error_at: str | None = None
    failures: int = 0
    next_poll: str | None = None


@dataclass(frozen=True)
class Snapshot:
    """A page exactly as fetched, zlib-compressed, for audit: ``sha256`` is of the raw bytes."""

    sha256: str
    url: str
    fetched_at: str
    content_type: str | None
    data: bytes

    @property
    def body(self) -> bytes:
        """The raw bytes of the page."""
        return zlib.decompress(self.data)


@dataclass(frozen=True)
class ArticleVersion:
    """One version of an article read from a page; a changed page adds the next one."""

    article_id: str
    version: int
    text_hash: str
    title: str
    text: str
    fetched_at: str
    snapshot: str | None = None


@dataclass(frozen=True)
class Fingerprint:
    """What duplicate detection compares: the normalised-text hash and a MinHash signature."""

    article_id: str
    outlet: str
    text_hash: str
    signature: bytes


@dataclass(frozen=True)
class DuplicateLink:
    """``article_id`` is a copy (``exact`` or ``near``) of ``duplicate_of``.

    ``similarity`` is the share of the shorter text's word shingles found in
    the other text (1.0 for an exact copy).
    """

    article_id: str
    duplicate_of: str
    kind: Literal["exact", "near"]
    similarity: float


# -- what the store keeps for stories ------------------------------------------


@dataclass(frozen=True)
class StoredFeatures:
    """What story clustering computed for one article (see ``stories/features.py``).

    Vectors are little-endian float32 bytes; ``article_hash`` and ``model`` say
    what they were computed from, so a changed article or another model is
    computed again. ``names`` and ``sections`` are JSON (``names`` is ``None``
    when entities were not computed).
    """

    article_id: str
    article_hash: str
    model: str
    lead: bytes
    title: bytes
    term_indices: bytes
    term_weights: bytes
    names: str | None
    sections: str


@dataclass(frozen=True)
class WordCounts:
    """Document frequencies of hashed words over every article clustered so far."""

    documents: int
    counts: bytes


@dataclass(frozen=True)
class StoryVersion:
    """A stored story's ``version`` and the run that last added reporting to it
    (``None`` when that happened outside a run)."""

    story_id: str
    version: int
    run_id: int | None


@dataclass(frozen=True)
class Thread:
    """Stories on one developing topic (``stories/threads.py``): a stable id (from its first
    story), a name, the days of its first and latest story, and its stories by day."""

    id: str
    name: str
    first_seen: str | None
    last_seen: str | None
    story_ids: tuple[str, ...] = ()


@dataclass(frozen=True)
class Placement:
    """One step of story clustering, stored in one transaction.

    ``article`` joins ``story_id`` (a new story when none is stored) on ``day``
    (its date; None for an undated article). ``merged`` lists ``(old id, id)``:
    stories that turned out to be the same event, whose articles move and
    whose id redirects from then on. ``moved`` lists ``(article id, story id)``:
    articles of open stories that suit another story better. ``copy_of`` is
    set when the article is a near copy of an article of the story.
    ``categories`` gives the section of each story the step changed.
    ``versions`` gives the version of each story the step added reporting to
    (see ``grown``), as the stories stage decided it (``stories/versions.py``);
    a story it does not list keeps its stored version.
    """

    article: Article
    story_id: str
    day: str | None
    merged: tuple[tuple[str, str], ...] = ()
    moved: tuple[tuple[str, str], ...] = ()
    copy_of: DuplicateLink | None = None
    categories: tuple[tuple[str, str], ...] = ()
    versions: tuple[tuple[str, int], ...] = ()

    @property
    def grown(self) -> frozenset[str]:
        """The stories the step adds reporting to: the article's, the stories merged
        stories join and the stories articles move to."""
        return frozenset(
            (self.story_id, *(new for _, new in self.merged), *(to for _, to in self.moved))
        )


@dataclass(frozen=True)
class FurtherCoverage:
    """An article in another language than the edition's that matched no story, set aside
    as further coverage of the nearest one (``stories/languages.py``): never a story of
    its own, which the edition could only headline in that language. ``article_hash`` is
    the content it was judged on; a changed article is placed again."""

    article_id: str
    story_id: str
    language: str
    article_hash: str


@dataclass(frozen=True)
class Roundup:
    """One week of a thread written up as one article (``[write] roundups``): a paragraph
    per story, oldest first. ``id`` is the thread's id and the ISO week
    (``t-…-2025-w49``), so a roundup keeps its page as its week fills up; ``key`` is the
    hash of what it is written from (its stories and their articles)."""

    id: str
    thread_id: str
    thread_name: str
    week: str
    """The ISO week, ``2025-W49``."""
    story_ids: tuple[str, ...]
    key: str = ""

    @property
    def days(self) -> tuple[str, str]:
        """The Monday and Sunday of its week, ``YYYY-MM-DD``."""
        year, week = self.week.split("-W")
        monday = datetime.date.fromisocalendar(int(year), int(week), 1)
        return monday.isoformat(), (monday + datetime.timedelta(days=6)).isoformat()


@dataclass(frozen=True)
class GatedRoundup:
    """A roundup as the verify gate left it: its draft, verdicts and the gate's record."""

    roundup: Roundup
    draft: Draft
    verdicts: tuple[Verdict, ...]
    record: GateRecord


def independent_sources(outlets: dict[str, str], links: Sequence[tuple[str, str]]) -> int:
    """Outlets of a story's articles (id -> outlet), a syndicated copy counting once.

    ``links`` are ``(copy, original)`` pairs; every group of copies counts as
    its original's outlet (or as one source of its own when the original is
    not in the story), so AP's story and its re-runs in three papers are one
    source, and the AP story plus a Reuters one are two.
    """
    parent = {article: article for article in outlets}

    def root(article: str) -> str:
        seen = set()
        while parent.get(article, article) != article and article not in seen:
            seen.add(article)
            article = parent[article]
        return article

    for copy, original in links:
        if copy in outlets:
            parent.setdefault(original, original)
            parent[root(copy)] = root(original)
    return len({outlets.get(root(a), "copy of " + root(a)) for a in outlets})


# -- the editor's desk (``newsdesk desk``): no stage reads these ---------------------------

DeskRole = Literal["editor", "admin"]
DESK_ROLES: tuple[DeskRole, ...] = ("editor", "admin")
"""Editors read the queue and stories; admins also manage users and read the audit log."""


@dataclass(frozen=True)
class DeskUser:
    """A person who may sign in to the desk. ``password_hash`` is an argon2id hash in PHC
    form (``$argon2id$v=19$...``): the password itself is never stored."""

    name: str
    role: DeskRole
    password_hash: str = field(repr=False)
    created: str
    disabled: bool = False
    last_signin: str | None = None


@dataclass(frozen=True)
class DeskSession:
    """A signed-in session, kept on the server. ``token_hash`` is the SHA-256 of the
    cookie's random token, so a copy of the database signs no one in; ``csrf`` is the
    token every state-changing request of the session must carry. Times are ISO 8601 UTC."""

    token_hash: str = field(repr=False)
    user: str
    csrf: str = field(repr=False)
    created: str
    expires: str
    last_seen: str
    address: str | None = None


@dataclass(frozen=True)
class SignInAttempt:
    """One sign-in, good or failed: the name as typed and the address it came from, kept
    so that failures are counted per user and per address across restarts."""

    at: str
    name: str
    address: str
    ok: bool


@dataclass(frozen=True)
class AuditEntry:
    """One line of the desk's audit log: who (None before sign-in, or the command line),
    from where, did what (``signin``, ``user.add``…) to what, with a short detail."""

    at: str
    user: str | None
    address: str | None
    action: str
    target: str = ""
    detail: str = ""
    id: int | None = None


EditAction = Literal["edit", "remove", "cite", "move"]
Decision = Literal["approved", "rejected", "held"]


@dataclass(frozen=True)
class DraftEdit:
    """One editor's change to a stored draft, kept forever: the draft's revision it made
    (1, 2, … per story), the writer's ``version`` it was made to, the sentence's position
    and kind, the text before and after (empty after a removal), and the checker's verdict
    on the new text with its reason (``removed`` for a removal). ``at`` is ISO 8601 UTC."""

    story_id: str
    revision: int
    version: int
    position: int
    kind: SentenceKind
    action: EditAction
    before: str
    after: str
    label: str
    reason: str
    editor: str
    at: str


@dataclass(frozen=True)
class Review:
    """An editor's decision on a version of a story's draft. ``approved`` clears a draft
    the gate held; ``rejected`` and ``held`` keep it off the site whatever the gate said.
    A story's latest review is the one that counts; an approval lapses when the writer
    writes a new version (``version``), a rejection or hold does not."""

    story_id: str
    version: int
    decision: Decision
    reason: str
    editor: str
    at: str


@dataclass(frozen=True)
class Correction:
    """A correction an editor filed on a published story: what was wrong, what is right,
    and the story's article it rests on (``source``, an article id), who and when (ISO
    8601 UTC). Published on the story's page, the corrections page and its feed."""

    story_id: str
    wrong: str
    right: str
    source: str
    editor: str
    at: str
    id: int | None = None
