"""The stories stage: place every new article in a story, one committed step at a time.

The stage loads the stories still open around the new articles' dates (their
articles' stored features: memory follows the window, not the archive),
computes and stores the features of the new articles chunk by chunk, then
feeds the new articles to the clusterer in (date, id) order. Each step (the
article's story, any merge or move it caused, a detected copy, the sections
of the stories it changed) is stored whole, ``STEPS_PER_TRANSACTION`` steps to a
transaction, so a killed run resumes with the first article not committed from
exactly the state an uninterrupted run had. What the stage reads of stored
stories (their articles, features, days, threads) it reads for all the stories
it loads at once, not story by story: on PostgreSQL every statement is a round
trip to the server.

An article without a date (or dated only by its text, an estimate) comes after
the dated ones, undated, and so does one whose stored date is impossible (before
1900, after the run's day, not a date: it must not settle every open story); it
is matched against every story of the batch and the stored stories the full-text
search finds for it, and never takes the day it was read. One with
neither title nor text is recorded as skipped with the reason, and not
offered again until its content changes. One in another language than the
edition's (``[publish] language``) is placed without the clusterer, whose
vectors read English: in the story its names, figures and links match, else
as further coverage of the nearest story (``languages.py``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Protocol

from newsdesk.compute import Executor, InProcess
from newsdesk.engine import Context
from newsdesk.errors import shown
from newsdesk.language.detection import language_name
from newsdesk.language.sanitise import plausible_day
from newsdesk.language.text import content_words
from newsdesk.records import (
    Article,
    DuplicateLink,
    FurtherCoverage,
    Placement,
    StageRun,
    StoredFeatures,
    Story,
    WordCounts,
)
from newsdesk.store import ArticleStore, StoryStore
from newsdesk.stories.clusterer import Clusterer, Decision, Params, day_number, day_text
from newsdesk.stories.embeddings import Embedder, Vectors, shared_embedder
from newsdesk.stories.features import Features, featurize, has_text, texts_to_embed
from newsdesk.stories.languages import Reader
from newsdesk.stories.stream import CHUNK, EMPTY_TEXT, clustering_date
from newsdesk.stories.terms import DocumentCounts
from newsdesk.stories.threads import (
    Threader,
    ThreadParams,
    ThreadState,
    Vector,
    headline_names,
    story_vector,
    thread_name,
)
from newsdesk.stories.versions import step_versions

SEARCH_HITS = 20
"""Stored articles the full-text search returns per undated article: their stories are its
candidates beside the open ones."""
SEARCH_WORDS = 12
"""Words of an undated article's title and lead that the search looks for (any of them)."""
STEPS_PER_TRANSACTION = 50
"""Clustering steps stored in one transaction: a transaction per step costs two more round
trips a step on PostgreSQL, and a killed run resumes from the last committed step either way."""


def search_query(article: Article) -> str:
    """An FTS5 query for the stored articles that share an article's title and lead words:
    the distinct content words, each quoted (a word is never read as an operator), OR-ed
    and ranked by BM25."""
    words = dict.fromkeys(content_words(f"{article.title} {article.text[:300]}"))
    chosen = [w for w in words if len(w) > 2 and w.isalnum()][:SEARCH_WORDS]
    return " OR ".join(f'"{word}"' for word in chosen)


class ClusterStore(ArticleStore, StoryStore, Protocol):
    """What the stories stage uses: articles to place, and the stories they join."""


class StoriesStage:
    """Online clustering over the stored articles, resuming where the last run stopped.

    ``device`` is where MiniLM embeds the new articles: ``cpu`` or ``cuda``
    (``[stories] device`` by default). ``params`` replaces the clustering
    constants (``Params.of`` the settings by default).
    """

    name = "stories"

    def __init__(self, device: str | None = None, params: Params | None = None) -> None:
        self.device = device
        self.params = params

    def run(self, context: Context) -> StageRun:
        store: ClusterStore = context.store
        config = context.config
        settings = config.stories
        record = StageRun(self.name)
        pending = store.unassigned_articles()
        record.items_in = len(pending)
        if not pending:
            return record
        usable = []
        for article in pending:
            if has_text(article):
                usable.append(article)
                continue
            store.skip_article(article, EMPTY_TEXT)
            record.skipped += 1
            record.errors.append(f"article {article.id!r}: {EMPTY_TEXT}")
        if not usable:
            return record
        days = self._days(usable, context.run.started[:10], record.errors)
        reader = Reader(store, config.publish.language)
        other = {a.id: language for a in usable if (language := reader.language(a))}
        # dated articles in date order (one in another language after the day's others,
        # whose stories it may join), then the undated: they join what the dated opened
        ordered = sorted(
            usable, key=lambda a: (days[a.id] is None, days[a.id] or "", a.id in other, a.id)
        )
        embedder = shared_embedder(self.device or settings.device)
        params = self.params or Params.of(settings, config.ingest.near_duplicate)
        names = params.names_weight > 0
        # undated articles come last, and may belong to a story settled by then
        clusterer = Clusterer(params, archive=any(day is None for day in days.values()))
        context.progress.start(self.name, len(ordered))
        features = self._features(store, ordered, embedder, names, context.executor)
        self._load_open_stories(store, clusterer, embedder, names, days[ordered[0].id])
        undated = [a for a in ordered if days[a.id] is None]
        self._load_matching_stories(store, clusterer, embedder, names, undated)
        clusterer.forget(reader.other_languages(clusterer.story_of))
        originals = store.originals([a.id for a in ordered])
        created = 0
        for start in range(0, len(ordered), STEPS_PER_TRANSACTION):
            with store.transaction():
                for article in ordered[start : start + STEPS_PER_TRANSACTION]:
                    day = days[article.id]
                    if article.id in other:
                        step = (article, other[article.id], day)
                        record.skipped += self._other_language(
                            store, clusterer, reader, step, features, context.run.id
                        )
                        context.progress.advance(self.name)
                        continue
                    decision = clusterer.assign(
                        features[article.id], day_number(day), originals.get(article.id)
                    )
                    placement = self._placement(article, day, decision, clusterer)
                    store.place(self._versioned(store, placement, context.run.id), context.run.id)
                    created += decision.created
                    context.progress.advance(self.name)
        if clusterer.clock is not None:
            store.settle_stories(str(day_text(clusterer.clock - settings.window_days)))
        placed = set(store.stories_of([a.id for a in ordered]).values())
        self._thread(store, sorted(placed), embedder, names, reader)
        record.items_out = created
        return record

    def _thread(
        self,
        store: ClusterStore,
        story_ids: Sequence[str],
        embedder: Embedder,
        names: bool,
        reader: Reader,
    ) -> None:
        """Put each dated story of ``story_ids`` that has no thread yet into one
        (``threads.py``): the thread of the most similar story of the days before it, or a
        thread of its own. A story keeps its thread as it grows."""
        # the stories, their threads, articles and stored features are each read for all
        # of them at once (a round trip per story and statement would add up on
        # PostgreSQL); what is computed from them is computed in the same order as ever
        placed = _stories(store, story_ids)
        threaded = store.threads_of([s.id for s in placed])
        new = [story for story in placed if story.first_seen and story.id not in threaded]
        if not new:
            return
        new.sort(key=lambda s: (s.first_seen or "", s.id))
        params = ThreadParams()
        first = day_number(new[0].first_seen)
        assert first is not None
        held = store.open_threads(str(day_text(first - params.window_days)))
        held_members = {s.id: s for s in _stories(store, [i for t in held for i in t.story_ids])}
        recent = {
            t.id: [
                held_members[i]
                for i in t.story_ids
                if i in held_members
                and (day := day_number(held_members[i].first_seen)) is not None
                and day >= first - params.window_days
            ]
            for t in held
        }
        read = _Read.of(store, [s for ss in recent.values() for s in ss] + new)
        profiles: dict[str, tuple[Vector, frozenset[str], str]] = {}
        states = []
        for thread in held:
            state = ThreadState(thread.id)
            for member in recent[thread.id]:
                day = day_number(member.first_seen)
                assert day is not None
                profiles[member.id] = self._profile(store, member, embedder, names, reader, read)
                state.add(member.id, day, *profiles[member.id][:2])
            states.append(state)
        threader = Threader(params, states)
        with store.transaction():  # one transaction, not one per story
            for story in new:
                day = day_number(story.first_seen)
                assert day is not None
                profiles[story.id] = self._profile(store, story, embedder, names, reader, read)
                chosen = threader.assign(story.id, day, *profiles[story.id][:2])
                members = threader.threads[chosen].stories
                name = thread_name(
                    [profiles[m][1] for m in members], [profiles[m][2] for m in members]
                )
                store.add_to_thread(chosen, name, story.id, str(story.first_seen))

    def _profile(
        self,
        store: ClusterStore,
        story: Story,
        embedder: Embedder,
        names: bool,
        reader: Reader,
        read: _Read | None = None,
    ) -> tuple[Vector, frozenset[str], str]:
        """A story as threads see it: its vector, its headlines' names, its first headline.

        The vector is the mean over the story's articles in the edition's language only:
        MiniLM reads English, so the vector of an article in another language (which
        joined on its names and figures) would pull the story off its topic. ``read``: the
        story's articles and stored features, read already (else read here)."""
        read = read or _Read.of(store, [story])
        members = read.articles_of(story)
        own = [a for a in members if reader.language(a) is None]
        features = self._features(store, own, embedder, names, stored=read.features)
        vector = story_vector([features[a.id].lead for a in own])
        return vector, headline_names(a.title for a in members), story.title

    @staticmethod
    def _days(articles: Sequence[Article], today: str, errors: list[str]) -> dict[str, str | None]:
        """Each article's date, or None for an undated one (or one dated only by a date its
        text states).

        An undated article is clustered by what it says, among the stories open to
        the dated ones, and never gives a story its dates: it is not placed on the
        day it was read. A stored date that is not one, or is before 1900 or after
        ``today`` (the run's day) by more than a day, counts as no date, with a
        line in ``errors``: no stored value can stop this stage or settle every
        open story.
        """
        run_day = date.fromisoformat(today)
        days: dict[str, str | None] = {}
        for article in articles:
            if clustering_date(article) is None:  # undated, or dated only by its text
                days[article.id] = None
                continue
            day = plausible_day(article.published, run_day)
            if day is None and article.published:
                errors.append(
                    f"article {shown(article.id)}: date {shown(article.published)}"
                    " is impossible; placed undated"
                )
            days[article.id] = day
        return days

    @staticmethod
    def _features(
        store: StoryStore,
        articles: Sequence[Article],
        embedder: Embedder,
        names: bool,
        executor: Executor | None = None,
        stored: Mapping[str, StoredFeatures] | None = None,
    ) -> dict[str, Features]:
        """Stored features where they are current; the rest computed and stored per chunk.
        The chunks' vectors are embedded on ``executor`` (a Dask cluster's workers, a window
        of chunks ahead) while the rest of each chunk's features, whose word counts grow
        chunk by chunk, are computed here in order. ``stored``: the articles' stored
        features, read already (with those of other articles), else read here."""
        if stored is None:
            stored = store.features([a.id for a in articles])
        found: dict[str, Features] = {}
        missing = []
        for article in articles:
            row = stored.get(article.id)
            usable = (
                row is not None
                and row.article_hash == article.hash
                and row.model == embedder.model_name
                and (row.names is not None or not names)
            )
            if row is not None and usable:
                found[article.id] = Features.from_stored(row, article)
            else:
                missing.append(article)
        if not missing:
            return found
        saved = store.word_counts()
        counts = (
            DocumentCounts.from_bytes(saved.documents, saved.counts) if saved else DocumentCounts()
        )
        chunks = [missing[start : start + CHUNK] for start in range(0, len(missing), CHUNK)]
        tasks = ((embedder, texts_to_embed(chunk)) for chunk in chunks)
        embedded = (executor or InProcess()).map(embed_texts, tasks)
        for chunk, outcome in zip(chunks, embedded, strict=True):
            computed = featurize(chunk, embedder, counts, names=names, vectors=outcome.get())
            store.save_features(
                [
                    f.to_stored(a.hash, embedder.model_name)
                    for a, f in zip(chunk, computed, strict=True)
                ],
                WordCounts(counts.documents, counts.to_bytes()),
            )
            found.update((f.article_id, f) for f in computed)
        return found

    def _load_open_stories(
        self,
        store: ClusterStore,
        clusterer: Clusterer,
        embedder: Embedder,
        names: bool,
        first: str | None,
    ) -> None:
        """Put back the stories the first new article could still join, or any later one
        (with no dated article among the new, those open to the newest stored story)."""
        since = day_number(first or store.newest_story_day())
        start = None if since is None else day_text(since - clusterer.params.window_days)
        stories = store.open_stories(start)
        read = _Read.of(store, stories, days=True)
        for story in stories:
            self._load(store, clusterer, embedder, names, story, read)

    def _load_matching_stories(
        self,
        store: ClusterStore,
        clusterer: Clusterer,
        embedder: Embedder,
        names: bool,
        undated: Sequence[Article],
    ) -> None:
        """Put back the stories an undated article may belong to, whatever their dates:
        those holding the stored articles that share most of its title's and lead's
        words (the store's full-text search), beside the open ones already loaded."""
        found: set[str] = set()
        for article in undated:
            query = search_query(article)
            if query:
                found.update(hit.id for hit in store.search(query, SEARCH_HITS))
        stories: dict[str, Story] = {}  # two ids merged into one story give it twice
        for story in _stories(store, sorted(set(store.stories_of(sorted(found)).values()))):
            if not clusterer.holds(story.id):
                stories.setdefault(story.id, story)
        read = _Read.of(store, list(stories.values()), days=True)
        for story in stories.values():
            self._load(store, clusterer, embedder, names, story, read)

    def _load(
        self,
        store: ClusterStore,
        clusterer: Clusterer,
        embedder: Embedder,
        names: bool,
        story: Story,
        read: _Read,
    ) -> None:
        """Put back a stored story; ``read``: its articles, their days and stored
        features, read already with those of the other stories loaded."""
        members = read.articles_of(story)
        features = self._features(store, members, embedder, names, stored=read.features)
        clusterer.load(
            story.id, [(features[a.id], day_number(read.days.get(a.id))) for a in members]
        )

    def _other_language(
        self,
        store: ClusterStore,
        clusterer: Clusterer,
        reader: Reader,
        step: tuple[Article, str, str | None],
        features: dict[str, Features],
        run_id: int | None,
    ) -> int:
        """Place an article in another language than the edition's (``step``: the article,
        its language, its day) without the clusterer, whose vectors read English.

        It joins the story open to its day whose articles its names, figures and links
        match (``stories/languages.py``); else it is set aside as further coverage of the
        nearest story, never a story of its own. With no story open to it, it is skipped
        with the reason. Returns 1 when skipped.
        """
        article, language, day = step
        stories = clusterer.open_to(day_number(day))
        scores = clusterer.scores(features[article.id], stories) if stories else []
        story_id, joins = reader.place(
            article,
            language,
            {s.id: [m.features.article_id for m in s.members] for s in stories},
            {s.id: score for s, score in zip(stories, scores, strict=True)},
        )
        if story_id is None:
            store.skip_article(article, f"in {language_name(language)}: no story open to it")
            return 1
        if joins:
            placement = Placement(article, story_id, day)
            store.place(self._versioned(store, placement, run_id), run_id)
        else:
            store.set_aside(FurtherCoverage(article.id, story_id, language, article.hash))
        return 0

    @staticmethod
    def _placement(
        article: Article, day: str | None, decision: Decision, clusterer: Clusterer
    ) -> Placement:
        copy_of = None
        if decision.copy_of is not None:
            original, share = decision.copy_of
            copy_of = DuplicateLink(article.id, original, "near", round(share, 4))
        return Placement(
            article=article,
            story_id=decision.story_id,
            day=day,
            merged=decision.merged,
            moved=decision.moved,
            copy_of=copy_of,
            categories=tuple(
                (story_id, clusterer.stories[story_id].category())
                for story_id in decision.touched
                if story_id in clusterer.stories
            ),
        )

    @staticmethod
    def _versioned(store: StoryStore, placement: Placement, run_id: int | None) -> Placement:
        """``placement`` with the version of every story it adds reporting to (see
        ``stories/versions.py``)."""
        stored = store.story_versions(sorted(placement.grown))
        return replace(placement, versions=step_versions(placement, stored, run_id))


def _stories(store: StoryStore, story_ids: Sequence[str]) -> list[Story]:
    """The stories of ``story_ids`` in order, read at once (``stories_by_id``); an id that
    names no stored story is followed to the story it was merged into (``story``), and one
    that leads nowhere is left out."""
    found = store.stories_by_id(story_ids)
    stories = [found.get(i) or store.story(i) for i in story_ids]
    return [story for story in stories if story is not None]


@dataclass
class _Read:
    """What the stage needs of some stored stories, read for all of them at once: their
    articles, the stored features of those articles and (``days``) the day each was
    clustered on. Reading story by story would cost round trips per story on PostgreSQL."""

    articles: dict[str, Article] = field(default_factory=dict)
    features: dict[str, StoredFeatures] = field(default_factory=dict)
    days: dict[str, str | None] = field(default_factory=dict)

    @classmethod
    def of(cls, store: ClusterStore, stories: Sequence[Story], days: bool = False) -> _Read:
        ids = list(dict.fromkeys(i for story in stories for i in story.article_ids))
        if not ids:
            return cls()
        return cls(
            articles={a.id: a for a in store.articles(ids)},
            features=store.features(ids),
            days=store.article_days(ids) if days else {},
        )

    def articles_of(self, story: Story) -> list[Article]:
        """The story's stored articles, in the story's order (as ``store.articles``)."""
        return [self.articles[i] for i in story.article_ids if i in self.articles]


def embed_texts(task: tuple[Embedder, list[str]]) -> Vectors:
    """One chunk's vectors: pure work, so it may run on a Dask worker (``compute.py``),
    where the embedder is that process's own (``Embedder.__reduce__``)."""
    embedder, texts = task
    return embedder.embed(texts)
