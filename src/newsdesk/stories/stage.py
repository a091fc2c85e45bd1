"""The stories stage: place every new article in a story, one committed step at a time.

The stage loads the stories still open around the new articles' dates (their
articles' stored features: memory follows the window, not the archive),
computes and stores the features of the new articles chunk by chunk, then
feeds the new articles to the clusterer in (date, id) order. Each step (the
article's story, any merge or move it caused, a detected copy, the sections
of the stories it changed) is one transaction, so a killed run resumes with
the next article from exactly the state an uninterrupted run had.

An article without a date is placed on the day it was imported, and so is one
whose stored date is impossible (before 1900, after the run's day, not a date:
it could neither be placed nor be allowed to settle every open story). One with
neither title nor text is recorded as skipped with the reason, and not
offered again until its content changes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import date
from typing import Protocol

from newsdesk.engine import Context
from newsdesk.errors import shown
from newsdesk.language.encoder import MODEL_NAME
from newsdesk.language.sanitise import plausible_day
from newsdesk.records import Article, DuplicateLink, Placement, StageRun, WordCounts
from newsdesk.store import ArticleStore, StoryStore
from newsdesk.stories.clusterer import Clusterer, Decision, Params, day_number, day_text
from newsdesk.stories.embeddings import Embedder, shared_embedder
from newsdesk.stories.features import Features, featurize, has_text
from newsdesk.stories.stream import CHUNK, EMPTY_TEXT
from newsdesk.stories.terms import DocumentCounts
from newsdesk.stories.versions import step_versions


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
        # dated articles in date order, then the undated: they join what the dated opened
        ordered = sorted(usable, key=lambda a: (days[a.id] is None, days[a.id] or "", a.id))
        embedder = shared_embedder(self.device or settings.device)
        params = self.params or Params.of(settings, config.ingest.near_duplicate)
        names = params.names_weight > 0
        # undated articles come last, and may belong to a story settled by then
        clusterer = Clusterer(params, archive=any(day is None for day in days.values()))
        context.progress.start(self.name, len(ordered))
        features = self._features(store, ordered, embedder, names)
        self._load_open_stories(store, clusterer, embedder, names, days[ordered[0].id])
        originals = store.originals([a.id for a in ordered])
        created = 0
        for article in ordered:
            day = days[article.id]
            decision = clusterer.assign(
                features[article.id], day_number(day), originals.get(article.id)
            )
            placement = self._placement(article, day, decision, clusterer)
            store.place(self._versioned(store, placement, context.run.id), context.run.id)
            created += decision.created
            context.progress.advance(self.name)
        if clusterer.clock is not None:
            store.settle_stories(str(day_text(clusterer.clock - settings.window_days)))
        record.items_out = created
        return record

    @staticmethod
    def _days(articles: Sequence[Article], today: str, errors: list[str]) -> dict[str, str | None]:
        """Each article's date, or None for an undated one.

        An undated article is clustered by what it says, among the stories open to
        the dated ones, and never gives a story its dates: it is not placed on the
        day it was read. A stored date that is not one, or is before 1900 or after
        ``today`` (the run's day) by more than a day, counts as no date, with a
        line in ``errors``: no stored value can stop this stage or settle every
        open story.
        """
        run_day = date.fromisoformat(today)
        days = {}
        for article in articles:
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
        store: StoryStore, articles: Sequence[Article], embedder: Embedder, names: bool
    ) -> dict[str, Features]:
        """Stored features where they are current; the rest computed and stored per chunk."""
        stored = store.features([a.id for a in articles])
        found: dict[str, Features] = {}
        missing = []
        for article in articles:
            row = stored.get(article.id)
            usable = (
                row is not None
                and row.article_hash == article.hash
                and row.model == MODEL_NAME
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
        for start in range(0, len(missing), CHUNK):
            chunk = missing[start : start + CHUNK]
            computed = featurize(chunk, embedder, counts, names=names)
            store.save_features(
                [f.to_stored(a.hash) for a, f in zip(chunk, computed, strict=True)],
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
        for story in store.open_stories(start):
            members = store.articles(story.article_ids)
            member_days = store.story_days(story.id)
            features = self._features(store, members, embedder, names)
            clusterer.load(
                story.id,
                [
                    (features[a.id], day_number(member_days.get(a.id)))
                    for a in members
                ],
            )

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
