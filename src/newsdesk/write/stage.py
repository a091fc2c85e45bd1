"""The write stage: draft, gate and store an article for every story with new reporting."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import replace

from newsdesk.config import Config
from newsdesk.engine import Context
from newsdesk.errors import ConfigError
from newsdesk.records import Article, Draft, StageRun, Story
from newsdesk.verify.checker import combined_support
from newsdesk.verify.support import check_support, default_model
from newsdesk.write.base import Writer, WriterError
from newsdesk.write.extractive import ExtractiveWriter
from newsdesk.write.gate import Gated, Support, run_gate

log = logging.getLogger("newsdesk.write")

WRITERS = ("extractive", "llm")


def make_writer(config: Config) -> Writer:
    """The writer ``[write] writer`` names."""
    if config.write.writer == "extractive":
        return offline_writer(config)
    if config.write.writer == "llm":
        from newsdesk.write.llm import LLMWriter

        return LLMWriter(config.llm, config.write)
    raise ConfigError(
        f"unknown setting [write] writer = {config.write.writer!r}; known: {', '.join(WRITERS)}"
    )


def offline_writer(config: Config) -> ExtractiveWriter:
    """The extractive writer, ranking with MiniLM unless ``[write] embeddings`` is off."""
    embed = default_model().embed if config.write.embeddings else None
    return ExtractiveWriter(config.write, embed)


class WriteStage:
    """Write each story whose draft is missing or was written from other articles.

    A draft is keyed on its story's hash (the set of its articles), so a story
    with nothing new is not rewritten, and a killed run redoes only the stories
    whose drafts were not yet committed. Every draft goes through the verify
    gate before it is stored, with its verdicts and the gate's record, in one
    transaction. A writer that fails hands the story to the offline writer;
    the run goes on. ``items_out`` counts drafts cleared for publication.
    """

    name = "write"

    def run(self, context: Context) -> StageRun:
        store = context.store
        record = StageRun(self.name)
        stories = store.stories_to_write()
        record.items_in = len(stories)
        context.progress.start(self.name, len(stories))
        writer = make_writer(context.config)
        fallback = offline_writer(context.config)
        support = combined_support(check_support, context.config.verify.min_coverage)
        for story in stories:
            articles = store.articles(story.article_ids)
            gated = self._write(context, story, articles, writer, fallback, support)
            previous = store.draft(story.id)
            draft = _versioned(gated.draft, previous, articles)
            store.save_gated(draft, gated.verdicts, replace(gated.record, story_id=draft.story_id))
            if gated.held:
                record.skipped += 1
                log.info("story %s held for review: %s", story.id, gated.record.note)
            else:
                record.items_out += 1
            context.progress.advance(self.name)
        for used in {id(writer): writer, id(fallback): fallback}.values():
            record.tokens_in += used.usage.tokens_in
            record.tokens_out += used.usage.tokens_out
            record.cost_usd += used.usage.cost_usd
            close = getattr(used, "close", None)
            if callable(close):
                close()
        return record

    def _write(
        self,
        context: Context,
        story: Story,
        articles: Sequence[Article],
        writer: Writer,
        fallback: Writer,
        support: Support,
    ) -> Gated:
        settings = context.config.verify
        try:
            draft = writer.write(story, articles)
        except WriterError as error:
            note = f"{writer.name} writer failed ({error}); the extractive writer took over"
            log.warning("story %s: %s", story.id, note)
            gated = run_gate(
                fallback.write(story, articles), articles, fallback, settings, support=support
            )
            joined = "; ".join(filter(None, [note, gated.record.note]))
            return replace(gated, record=replace(gated.record, note=joined))
        return run_gate(draft, articles, writer, settings, support=support)


def _versioned(draft: Draft, previous: Draft | None, articles: Sequence[Article]) -> Draft:
    """Carry the version and change log over from the draft this one replaces.

    A rewrite after new reporting is the next version, and its change log
    gains a line naming the outlets whose reporting is new.
    """
    if previous is None or previous.story_hash == draft.story_hash:
        return draft
    known = {ref.article_id for ref in previous.sources}
    new = [a for a in articles if a.id not in known]
    outlets = sorted({a.outlet for a in new})
    when = draft.date or "undated"
    if outlets:
        change = f"{when}: added reporting from {', '.join(outlets)}"
    else:
        change = f"{when}: rewritten after the story's sources changed"
    return replace(draft, version=previous.version + 1, changes=(*previous.changes, change))
