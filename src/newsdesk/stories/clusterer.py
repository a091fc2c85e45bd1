"""Online story clustering: each article, in date order, joins the open story it
fits best or starts a new one; stories that turn out to be one event merge.

Similarity is *mean link*: the average, over a story's articles, of a
weighted sum of three cosines (MiniLM vectors of headline + lead and of the
headline alone, TF-IDF vectors of the words) plus, when weighted, the share
of the article's named entities that the story names. Mean link beat the
cosine to a story's normalised centroid when the settings were tuned on the
train split: a centroid lets one long, wandering article pull a story off its
event. (With the shipped settings the train split scores BCubed F1 0.910,
against 0.819 for the benchmark's TF-IDF + agglomerative baseline.)
Because all three vectors have unit length, the mean over a story is
the dot product with the story's *sum* of vectors divided by its size, so a
story costs three sums however many articles it has.

Time: a story is open to articles dated within ``window_days`` of its
articles (the window moves with its newest article); once the stream has
moved past that, the story is *settled* and leaves memory. An article with
no date at all (possible only outside the stage, which dates such articles
by their import) is matched against every story held, with the stricter
``undated_threshold`` since time no longer rules anything out.

Each step may also merge stories (when the story that just grew is as
similar to another open story, in mean link between their articles, as
``merge_threshold``: the older story's id survives and the younger one
redirects to it) and move articles of small open stories that now fit the
grown story better by ``move_margin``. A near copy of an article already in
a story (word 5-gram containment at ``near_duplicate``, as ingest measures
it) or an article ingest linked to one always joins that story: it is one
source, not a second.

Everything is deterministic: ties go to the older story, and a story's sums
are accumulated in (date, id) order of its articles, so a run that is killed
and resumed from the store rebuilds bit-for-bit the state an uninterrupted
run had.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import numpy as np
import numpy.typing as npt

from newsdesk.config import StorySettings
from newsdesk.language.encoder import DIMENSIONS
from newsdesk.language.shingles import NEAR_DUPLICATE
from newsdesk.records import CATEGORIES
from newsdesk.stories.features import Features, containment
from newsdesk.stories.index import StoryIndex
from newsdesk.stories.terms import BUCKETS, TermVector

Sums = npt.NDArray[np.float64]

COPY_COSINE = 0.8
"""Lead-vector cosine above which two articles are compared for copied text (cheap filter)."""
MOVE_MAX_ARTICLES = 8
"""Only articles of stories this small are reconsidered: a big story's articles are settled
by their many neighbours, and checking them all would cost more than it could change."""
UNDATED = 10**9
"""Sort key of a story with no date: after every dated one."""


NO_WORDS: npt.NDArray[np.int64] = np.zeros(0, dtype=np.int64)
NO_SUMS: Sums = np.zeros(0, dtype=np.float64)


def add_words(
    index: npt.NDArray[np.int64], sums: Sums, vectors: Sequence[TermVector]
) -> tuple[npt.NDArray[np.int64], Sums]:
    """Word sums plus ``vectors``, as sorted (bucket, total) arrays.

    Compact arrays rather than a dict: a story's sums take 16 bytes a word,
    not about a hundred. ``bincount`` adds in array order, so each total is
    the same sum in the same order (the earlier total, then each vector in
    turn) whether a story grows one article at a time or is rebuilt at once.
    """
    if not vectors:
        return index, sums
    keys = np.concatenate([index, *(v.indices.astype(np.int64) for v in vectors)])
    weights = np.concatenate([sums, *(v.weights.astype(np.float64) for v in vectors)])
    unique, inverse = np.unique(keys, return_inverse=True)
    totals = np.bincount(inverse, weights=weights, minlength=len(unique)).astype(np.float64)
    return unique.astype(np.int64), totals


def story_id_for_article(article_id: str) -> str:
    """A story is named after the article that started it, so ids are stable across runs."""
    return "s-" + hashlib.sha256(article_id.encode("utf-8")).hexdigest()[:12]


def day_number(value: str | None) -> int | None:
    """An ISO date as a day number (``None`` stays ``None``, and so does a value that is
    not a date: no stored value can stop a run)."""
    if not value:
        return None
    try:
        return date.fromisoformat(value[:10]).toordinal()
    except ValueError:
        return None


def day_text(value: int | None) -> str | None:
    """A day number as an ISO date, held within the calendar (``date.min``..``date.max``):
    a window reaching back before year 1 starts at its first day."""
    if value is None:
        return None
    return date.fromordinal(min(max(value, 1), date.max.toordinal())).isoformat()


@dataclass(frozen=True)
class Params:
    """Every clustering constant, tuned on the train split (``bench/stories.py --tune``).

    ``threshold`` and ``window_days`` come from ``[stories]``; the rest are
    fixed here: the weights of the three cosines (and of named entities) in
    the similarity, the stricter ``undated_threshold`` for articles with no
    date, ``merge_threshold`` (mean link between two stories' articles) and
    ``move_margin``, how many nearest stories are rescored (``candidates``),
    from how many open stories the index goes approximate (on 2 cores an exact
    scan is as fast as the HNSW graph up to about 25,000), and ingest's
    ``near_duplicate`` containment for copies.
    """

    threshold: float = 0.3
    undated_threshold: float = 0.35
    window_days: int = 1
    lead_weight: float = 0.3
    title_weight: float = 0.1
    words_weight: float = 0.6
    names_weight: float = 0.0
    merge_threshold: float = 0.4
    move_margin: float = 0.0
    candidates: int = 16
    ann_min_stories: int = 20_000
    near_duplicate: float = NEAR_DUPLICATE

    @classmethod
    def of(cls, settings: StorySettings, near_duplicate: float = NEAR_DUPLICATE) -> Params:
        """The defaults with the user's ``[stories]`` settings and ingest's copy threshold."""
        return cls(
            threshold=settings.threshold,
            window_days=settings.window_days,
            near_duplicate=near_duplicate,
        )

    @property
    def self_similarity(self) -> float:
        """An article's similarity to itself (unit vectors), without the names part."""
        return self.lead_weight + self.title_weight + self.words_weight


@dataclass
class Member:
    features: Features
    day: int | None

    @property
    def key(self) -> tuple[int, str]:
        return (UNDATED if self.day is None else self.day, self.features.article_id)


@dataclass
class OpenStory:
    """A story in memory: its articles and the sums mean-link similarity needs."""

    id: str
    members: list[Member] = field(default_factory=list)
    lead: Sums = field(default_factory=lambda: np.zeros(DIMENSIONS))
    title: Sums = field(default_factory=lambda: np.zeros(DIMENSIONS))
    word_index: npt.NDArray[np.int64] = field(default_factory=lambda: NO_WORDS)
    word_sums: Sums = field(default_factory=lambda: NO_SUMS)
    names: Counter[str] = field(default_factory=Counter)
    sections: Counter[str] = field(default_factory=Counter)
    first: int | None = None
    last: int | None = None
    _leads: npt.NDArray[np.float32] | None = None

    @property
    def size(self) -> int:
        return len(self.members)

    @property
    def age(self) -> tuple[int, str]:
        """Older stories sort first; the older of two merging stories keeps its id."""
        return (UNDATED if self.first is None else self.first, self.id)

    def add(self, member: Member) -> None:
        """Add an article; sums stay in (date, id) order (recomputed when it is not last)."""
        if self.members and member.key < self.members[-1].key:
            self.members.append(member)
            self.rebuild()
            return
        self.members.append(member)
        self._accumulate(member)

    def remove(self, article_id: str) -> Member:
        member = next(m for m in self.members if m.features.article_id == article_id)
        self.members.remove(member)
        self.rebuild()
        return member

    def rebuild(self) -> None:
        """Recompute every sum from the articles, in (date, id) order."""
        self.members.sort(key=lambda m: m.key)
        self.lead = np.zeros(DIMENSIONS)
        self.title = np.zeros(DIMENSIONS)
        self.word_index, self.word_sums = NO_WORDS, NO_SUMS
        self.names = Counter()
        self.sections = Counter()
        self.first = self.last = None
        self._leads = None
        for member in self.members:
            self._accumulate(member, words=False)
        self.word_index, self.word_sums = add_words(
            NO_WORDS, NO_SUMS, [m.features.words for m in self.members]
        )

    def word_arrays(self) -> tuple[npt.NDArray[np.int64], Sums]:
        """The word sums as (sorted bucket indices, summed weights) arrays."""
        return self.word_index, self.word_sums

    def lead_matrix(self) -> npt.NDArray[np.float32]:
        """The articles' lead vectors, one row each."""
        if self._leads is None:
            self._leads = np.stack([m.features.lead for m in self.members])
        return self._leads

    def _accumulate(self, member: Member, words: bool = True) -> None:
        self._leads = None
        features = member.features
        self.lead += features.lead
        self.title += features.title
        if words:
            self.word_index, self.word_sums = add_words(
                self.word_index, self.word_sums, [features.words]
            )
        if features.names:
            self.names.update(features.names)
        self.sections.update(dict(features.sections))
        if member.day is not None:
            self.first = member.day if self.first is None else min(self.first, member.day)
            self.last = member.day if self.last is None else max(self.last, member.day)

    def category(self) -> str:
        """The best section over the story's articles (ties: the earlier section)."""
        return max(
            CATEGORIES, key=lambda section: (self.sections[section], -CATEGORIES.index(section))
        )


@dataclass(frozen=True)
class Decision:
    """What one step did: where the article went and what else changed."""

    article_id: str
    story_id: str
    created: bool
    score: float
    merged: tuple[tuple[str, str], ...] = ()
    moved: tuple[tuple[str, str], ...] = ()
    copy_of: tuple[str, float] | None = None
    touched: tuple[str, ...] = ()
    """Every story whose articles changed, the article's own included."""


class Clusterer:
    """Assign articles to stories one at a time, in the order given (dates ascending).

    ``archive`` keeps settled stories for articles with no date, which come
    last (an evaluation of a whole labelled set, or a batch with undated
    articles); without undated articles the stage leaves it off, so memory holds
    only the stories of the current window.
    """

    def __init__(self, params: Params, *, archive: bool = False) -> None:
        self.params = params
        self.stories: dict[str, OpenStory] = {}
        self.story_of: dict[str, str] = {}
        self.index = StoryIndex(2 * DIMENSIONS, params.ann_min_stories)
        self.archive: dict[str, OpenStory] | None = {} if archive else None
        self.clock: int | None = None
        self._scratch = np.zeros(BUCKETS, dtype=np.float64)
        self.settled = 0
        self.peak_open = 0

    # -- state -------------------------------------------------------------

    def load(self, story_id: str, members: Iterable[tuple[Features, int | None]]) -> None:
        """Put back a story an earlier run stored (its articles in any order)."""
        story = OpenStory(story_id, [Member(f, d) for f, d in members])
        story.rebuild()
        self._keep(story)

    def holds(self, story_id: str) -> bool:
        """Whether the story is in memory: open, or settled and archived."""
        return story_id in self.stories or (self.archive is not None and story_id in self.archive)

    def _keep(self, story: OpenStory) -> None:
        self.stories[story.id] = story
        for member in story.members:
            self.story_of[member.features.article_id] = story.id
        self.index.put(story.id, self._story_vector(story))
        self.peak_open = max(self.peak_open, len(self.stories))

    def _drop(self, story: OpenStory) -> None:
        del self.stories[story.id]
        self.index.remove(story.id)
        for member in story.members:
            if self.story_of.get(member.features.article_id) == story.id:
                del self.story_of[member.features.article_id]

    def forget(self, article_ids: Iterable[str]) -> None:
        """Take articles out of the open stories that hold them, as if they had never
        joined (a story left with none is dropped): the stories stage places articles in
        another language itself, by names and numbers, and keeps them out of every
        similarity, since MiniLM and the word vectors read English."""
        for article_id in sorted(set(article_ids)):
            story = self.stories.get(self.story_of.get(article_id, ""))
            if story is None:
                continue
            story.remove(article_id)
            del self.story_of[article_id]
            if story.members:
                self._keep(story)
            else:
                self._drop(story)

    def open_to(self, day: int | None) -> list[OpenStory]:
        """The open stories an article of ``day`` could join, oldest first (with the
        settled ones kept in the archive, for an article with no date)."""
        held = list(self.stories.values())
        if day is None and self.archive:
            held += list(self.archive.values())
        return sorted((s for s in held if self._open_to(s, day)), key=lambda s: s.age)

    def advance(self, day: int) -> list[str]:
        """Move the clock to ``day``; stories whose window closed before it settle."""
        if self.clock is not None and day <= self.clock:
            return []
        self.clock = day
        limit = day - self.params.window_days
        closed = [s for s in self.stories.values() if s.last is not None and s.last < limit]
        for story in closed:
            self._drop(story)
            if self.archive is not None:
                self.archive[story.id] = story
        self.settled += len(closed)
        return [s.id for s in closed]

    # -- similarity --------------------------------------------------------

    def _story_vector(self, story: OpenStory) -> npt.NDArray[np.float32]:
        n = max(story.size, 1)
        return np.concatenate([story.lead / n, story.title / n]).astype(np.float32)

    def _query(self, features: Features) -> npt.NDArray[np.float32]:
        p = self.params
        return np.concatenate([p.lead_weight * features.lead, p.title_weight * features.title])

    def _spread(self, indices: npt.NDArray[Any], weights: Sums) -> None:
        """Lay a sparse word vector out in the scratch array (``_words`` reads it)."""
        self._scratch[indices] = weights

    def _words(self, story: OpenStory) -> float:
        """Dot product of the spread-out word vector with a story's word sums."""
        indices, weights = story.word_arrays()
        return float(np.dot(self._scratch[indices], weights)) if len(indices) else 0.0

    def scores(self, features: Features, stories: Sequence[OpenStory]) -> list[float]:
        """Mean-link similarity of an article to each of ``stories``."""
        p = self.params
        words = features.words
        self._spread(words.indices, words.weights.astype(np.float64))
        try:
            found = []
            for story in stories:
                total = (
                    p.lead_weight * float(np.dot(features.lead, story.lead))
                    + p.title_weight * float(np.dot(features.title, story.title))
                    + p.words_weight * self._words(story)
                )
                value = total / story.size
                if p.names_weight and features.names:
                    shared = sum(1 for n in features.names if story.names[n])
                    value += p.names_weight * shared / len(features.names)
                found.append(value)
            return found
        finally:
            self._scratch[words.indices] = 0.0

    def score(self, features: Features, story: OpenStory, without: Member | None = None) -> float:
        """Mean-link similarity of an article to a story (leaving out ``without``)."""
        if without is None:
            return self.scores(features, [story])[0]
        p = self.params
        size = story.size - 1
        if size <= 0:
            return 0.0
        other = without.features
        words = features.words
        self._spread(words.indices, words.weights.astype(np.float64))
        try:
            story_words = self._words(story)
        finally:
            self._scratch[words.indices] = 0.0
        lead = float(np.dot(features.lead, story.lead)) - float(np.dot(features.lead, other.lead))
        title = float(np.dot(features.title, story.title)) - float(
            np.dot(features.title, other.title)
        )
        own = features.words.dot(other.words)
        total = p.lead_weight * lead + p.title_weight * title + p.words_weight * (story_words - own)
        value = total / size
        if p.names_weight and features.names:
            names = story.names - Counter(other.names or ())
            shared = sum(1 for n in features.names if names[n])
            value += p.names_weight * shared / len(features.names)
        return value

    def _link(self, a: OpenStory, b: OpenStory) -> float:
        """Mean link between the articles of two stories (without the names part)."""
        p = self.params
        indices, weights = a.word_arrays()
        self._spread(indices, weights)
        try:
            words = self._words(b)
        finally:
            self._scratch[indices] = 0.0
        total = (
            p.lead_weight * float(np.dot(a.lead, b.lead))
            + p.title_weight * float(np.dot(a.title, b.title))
            + p.words_weight * words
        )
        return total / (a.size * b.size)

    def _open_to(self, story: OpenStory, day: int | None) -> bool:
        if day is None or story.first is None or story.last is None:
            return True
        window = self.params.window_days
        return story.first - window <= day <= story.last + window

    def _overlap(self, a: OpenStory, b: OpenStory) -> bool:
        """Whether two stories' windows meet (a merge must not join two separate weeks)."""
        if a.first is None or b.first is None or a.last is None or b.last is None:
            return True
        window = self.params.window_days
        return a.first - window <= b.last and b.first - window <= a.last

    # -- one step ------------------------------------------------------------

    def candidates(self, features: Features, day: int | None) -> list[OpenStory]:
        """Open stories nearest the article (the archive too for an undated article)."""
        query = self._query(features)
        found = [self.stories[key] for key, _ in self.index.search(query, self.params.candidates)]
        if day is None and self.archive:
            held = list(self.archive.values())
            matrix = np.stack([self._story_vector(s) for s in held])
            scores = matrix @ query
            best = np.argsort(-scores, kind="stable")[: self.params.candidates]
            found += [held[i] for i in best.tolist()]
        return [s for s in found if self._open_to(s, day)]

    def _copied(
        self, features: Features, stories: Sequence[OpenStory]
    ) -> tuple[OpenStory, str, float] | None:
        """The story holding an article this one copies, if any (best containment first)."""
        if features.shingles is None or not len(features.shingles):
            return None
        best: tuple[float, str, OpenStory] | None = None
        for story in stories:
            close = np.flatnonzero(story.lead_matrix() @ features.lead >= COPY_COSINE)
            for position in close.tolist():
                other = story.members[position].features
                share = containment(features.shingles, other.shingles)
                if share >= self.params.near_duplicate and (
                    best is None or (share, other.article_id) > (best[0], best[1])
                ):
                    best = (share, other.article_id, story)
        return None if best is None else (best[2], best[1], best[0])

    def assign(self, features: Features, day: int | None, linked_to: str | None = None) -> Decision:
        """Place one article (``linked_to``: the original ingest says it copies)."""
        p = self.params
        if day is not None:
            self.advance(day)
        article_id = features.article_id
        candidates = self.candidates(features, day)
        scored = sorted(
            zip(self.scores(features, candidates), candidates, strict=True),
            key=lambda pair: (-pair[0], pair[1].age),
        )
        threshold = p.threshold if day is not None else p.undated_threshold
        target: OpenStory | None = None
        score = scored[0][0] if scored else 0.0
        copy_of: tuple[str, float] | None = None
        if linked_to is not None and linked_to in self.story_of:
            target = self.stories[self.story_of[linked_to]]
        else:
            copied = self._copied(features, [s for _, s in scored])
            if copied is not None:
                target, original, share = copied
                copy_of = (original, share)
            elif scored and scored[0][0] >= threshold:
                target = scored[0][1]
        if target is not None and target.id not in self.stories:
            # An archived (settled) story taken up again by an undated article.
            assert self.archive is not None
            self._keep(self.archive.pop(target.id))
        created = target is None
        if target is None:
            target = OpenStory(story_id_for_article(article_id))
        target.add(Member(features, day))
        self._keep(target)
        new_id = target.id if created else None
        # A story merges only with neighbours the article itself fits at the merge
        # threshold, and takes articles only from neighbours it could have joined: a
        # neighbour the new article does not resemble cannot have come closer.
        merged = self._merge(
            target, [s for v, s in scored if v >= p.merge_threshold and s is not target], created
        )
        target = self.stories[self.story_of[article_id]]
        moves = self._move(target, [s for v, s in scored if v >= threshold and s is not target])
        touched = {target.id, *(source for _, source, _ in moves)}
        return Decision(
            article_id=article_id,
            story_id=target.id,
            created=target.id == new_id,
            score=score,
            merged=merged,
            moved=tuple((moved, to) for moved, _, to in moves),
            copy_of=copy_of,
            touched=tuple(sorted(touched)),
        )

    def _merge(
        self, story: OpenStory, neighbours: Sequence[OpenStory], created: bool
    ) -> tuple[tuple[str, str], ...]:
        """Merge ``story`` with every open neighbour it is one event with."""
        merged: list[tuple[str, str]] = []
        fresh = story.id if created else None
        for other in sorted(neighbours, key=lambda s: s.age):
            if other.id == story.id or other.id not in self.stories:
                continue
            if not self._overlap(story, other):
                continue
            if self._link(story, other) < self.params.merge_threshold:
                continue
            keep, gone = (story, other) if story.age <= other.age else (other, story)
            self._drop(gone)
            for member in gone.members:
                keep.members.append(member)
            keep.rebuild()
            self._keep(keep)
            if gone.id != fresh:
                merged.append((gone.id, keep.id))
            merged = [(old, keep.id if new == gone.id else new) for old, new in merged]
            story = keep
        return tuple(merged)

    def _move(
        self, story: OpenStory, neighbours: Sequence[OpenStory]
    ) -> list[tuple[str, str, str]]:
        """Move articles of small open neighbours that now fit ``story`` better:
        ``(article id, from story, to story)``; a neighbour always keeps one article."""
        p = self.params
        moves: list[tuple[str, str, str]] = []
        for other in sorted(neighbours, key=lambda s: s.age):
            if other.id == story.id or other.id not in self.stories:
                continue
            if not 2 <= other.size <= MOVE_MAX_ARTICLES:
                continue
            for member in list(other.members):
                if other.size < 2:
                    break
                if not self._open_to(story, member.day):
                    continue
                here = self.score(member.features, story)
                there = self.score(member.features, other, without=member)
                if here >= p.threshold and here > there + p.move_margin:
                    other.remove(member.features.article_id)
                    story.add(member)
                    self.index.put(other.id, self._story_vector(other))
                    self._keep(story)
                    moves.append((member.features.article_id, other.id, story.id))
        return moves
