"""The write stage: draft an article for every story whose articles changed."""

from __future__ import annotations

from newsdesk.engine import Context
from newsdesk.records import StageRun
from newsdesk.write.extractive import write_story


class WriteStage:
    """Write each story whose draft is missing or was written from other articles.

    A draft is keyed on its story's hash (the set of its articles), so a story
    with nothing new is not rewritten, and a killed run redoes only the stories
    whose drafts were not yet committed.
    """

    name = "write"

    def run(self, context: Context) -> StageRun:
        store = context.store
        record = StageRun(self.name)
        stories = store.stories_to_write()
        record.items_in = len(stories)
        context.progress.start(self.name, len(stories))
        for story in stories:
            articles = store.articles(story.article_ids)
            draft = write_story(story, articles, context.config.write)
            store.save_draft(draft)
            record.items_out += 1
            context.progress.advance(self.name)
        return record
