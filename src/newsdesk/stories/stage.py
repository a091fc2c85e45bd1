"""The stories stage: place every unassigned article in a story."""

from __future__ import annotations

from newsdesk.engine import Context
from newsdesk.records import StageRun
from newsdesk.stories.clustering import OnlineClusterer, fit_vectorizer


class StoriesStage:
    """Online clustering over the stored articles, resuming where the last run stopped.

    Articles already in a story stay there; each new article is committed with
    its story in one transaction, so a killed run resumes with the next one.
    """

    name = "stories"

    def run(self, context: Context) -> StageRun:
        store, settings = context.store, context.config.stories
        record = StageRun(self.name)
        pending = store.unassigned_articles()
        record.items_in = len(pending)
        if not pending:
            return record
        articles = store.articles()
        by_id = {a.id: a for a in articles}
        clusterer = OnlineClusterer(
            fit_vectorizer(articles), settings.threshold, settings.window_days
        )
        for story in store.stories():
            for article_id in story.article_ids:
                clusterer.add_existing(story.id, by_id[article_id])
        context.progress.start(self.name, len(pending))
        created = set()
        for article in pending:
            story_id = clusterer.assign(article)
            if store.story(story_id) is None:
                created.add(story_id)
            store.assign(article, story_id, context.run.id)
            context.progress.advance(self.name)
        record.items_out = len(created)
        return record
