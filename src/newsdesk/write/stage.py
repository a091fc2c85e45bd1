"""The write stage: a draft for every story with new reporting, stored for the verify gate."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import partial
from typing import Protocol

from newsdesk.compute import InProcess, Outcome
from newsdesk.config import Config
from newsdesk.engine import Context, Quarantine
from newsdesk.errors import ConfigError
from newsdesk.language.corroboration import Corroborator
from newsdesk.language.detection import language_name, other_language_of
from newsdesk.language.encoder import default_encoder
from newsdesk.language.support import default_model
from newsdesk.records import Article, Draft, Roundup, StageRun, Story, Thread
from newsdesk.store import ArticleStore, DraftStore, RoundupStore, StoryStore
from newsdesk.write.base import UsageMeter, Writer, WriterError
from newsdesk.write.extractive import ExtractiveWriter
from newsdesk.write.llm import LLMWriter
from newsdesk.write.roundups import RoundupWriter, compose_roundup, weekly_roundups

log = logging.getLogger("newsdesk.write")

WRITERS = ("extractive", "llm")


def make_writer(config: Config) -> Writer:
    """The writer ``[write] writer`` names."""
    if config.write.writer == "extractive":
        return offline_writer(config)
    if config.write.writer == "llm":
        return LLMWriter(config.llm, config.write)
    raise ConfigError(
        f"unknown setting [write] writer = {config.write.writer!r}; known: {', '.join(WRITERS)}"
    )


def offline_writer(config: Config, corroborator: Corroborator | None = None) -> ExtractiveWriter:
    """The extractive writer, ranking with MiniLM unless ``[write] embeddings`` is off,
    and finding second sources with ``corroborator`` (default: the support model, as the
    gate will judge them, with ``[verify] min_coverage``)."""
    embed = default_encoder().embed if config.write.embeddings else None
    corroborator = corroborator or Corroborator(default_model(), config.verify.min_coverage)
    return ExtractiveWriter(config.write, embed, corroborator)


class WriteStore(ArticleStore, StoryStore, DraftStore, RoundupStore, Protocol):
    """What the write stage uses: the stories to write, their articles, their drafts, and
    the threads and roundups made of them."""


class WriteStage:
    """Write each story whose draft is missing or was written from other articles.

    A draft is keyed on its story's hash (the set of its articles), so a story
    with nothing new is not rewritten, and a killed run redoes only the stories
    whose drafts were not yet committed. The draft is stored as written; the
    verify stage gates it before anything is published. A writer that fails
    hands the story to the offline writer (``fallback``) and the run goes on; a
    story that makes both fail some other way is quarantined (``engine.Quarantine``)
    until its articles change. ``items_out`` counts drafts written. Only the
    articles in the edition's language (``[publish] language``) are written from;
    a story with none is quarantined the same way.

    With ``[write] roundups``, the stage then composes a roundup for each week of
    a thread with enough drafted stories (``write/roundups.py``), keyed on those
    stories' articles, and removes the roundups whose week no longer qualifies.
    """

    name = "write"

    def __init__(self, writer: Writer, fallback: Writer) -> None:
        self.writer = writer
        self.fallback = fallback
        self.roundup_writer = RoundupWriter()

    @classmethod
    def for_config(cls, config: Config) -> WriteStage:
        return cls(make_writer(config), offline_writer(config))

    def run(self, context: Context) -> StageRun:
        store: WriteStore = context.store
        record = StageRun(self.name)
        version = f"{self.writer.name}/{self.writer.version}"
        stories = store.stories_to_write(version)
        record.items_in = len(stories)
        context.progress.start(self.name, len(stories))
        meter = UsageMeter(self.writers)
        quarantine = Quarantine(context, self.name, record)
        language = context.config.publish.language
        todo = []
        for story in stories:
            if quarantine.held(story.id, story.hash):
                context.progress.advance(self.name)
            else:
                todo.append(story)
        local = getattr(self.writer, "local", False) and getattr(self.fallback, "local", False)
        executor = context.executor if local else InProcess()  # see ExtractiveWriter.local
        read: dict[str, tuple[Article, ...]] = {}  # each story's articles, read once
        tasks = (self._task(store, story, language, read) for story in todo)
        for story, outcome in zip(todo, executor.map(write_one, tasks), strict=True):
            save = partial(self._save, store, story, version, read.pop(story.id), outcome)
            if quarantine.attempt(story.id, story.hash, save):
                record.items_out += 1
            context.progress.advance(self.name)
        if context.config.write.roundups:
            self._roundups(store, context, quarantine, version)
        else:  # turned off: what was written before is no longer published
            for stale in store.roundup_keys():
                store.remove_roundup(stale)
        meter.charge(record)
        return record

    def _roundups(
        self, store: WriteStore, context: Context, quarantine: Quarantine, version: str
    ) -> None:
        """Compose every roundup whose stories' reporting changed since it was written."""
        written = f"{self.roundup_writer.name}/{self.roundup_writer.version}+{version}"
        stored = store.roundup_keys()
        wanted: set[str] = set()
        for thread in store.threads():
            if len(thread.story_ids) < 2:
                continue
            found = (store.story(story_id) for story_id in thread.story_ids)
            stories = {story.id: story for story in found if story is not None}
            drafts = {i: d for i in stories if (d := store.draft(i)) is not None}
            members = Thread(thread.id, thread.name, None, None, tuple(stories))
            minimum = context.config.write.roundup_stories
            outlets = context.config.publish.min_outlets
            for roundup in weekly_roundups(members, drafts, stories, minimum, outlets):
                wanted.add(roundup.id)
                if stored.get(roundup.id) == (roundup.key, written):
                    continue
                if quarantine.held(roundup.id, roundup.key):
                    continue
                members_drafts = [drafts[i] for i in roundup.story_ids]
                save = partial(self._save_roundup, store, roundup, members_drafts, written)
                quarantine.attempt(roundup.id, roundup.key, save)
        for stale in sorted(set(stored) - wanted):
            store.remove_roundup(stale)

    def _task(
        self,
        store: WriteStore,
        story: Story,
        language: str,
        read: dict[str, tuple[Article, ...]],
    ) -> WriteTask:
        """What writing ``story`` needs: its articles in the edition's ``language`` only
        (the edition never drafts from reporting in another one; those stay in the story
        as evidence for the checker, which reads every article of it) and the writers.
        The articles are kept in ``read`` for ``_save``, which names the new outlets."""
        found = store.articles(story.article_ids)
        articles = tuple(a for a in found if other_language_of(a, language) is None)
        read[story.id] = articles
        return WriteTask(story, articles, language, self.writer, self.fallback)

    @staticmethod
    def _save(
        store: WriteStore,
        story: Story,
        version: str,
        articles: Sequence[Article],
        outcome: Outcome[Draft],
    ) -> None:
        """Store the draft written for ``story`` from ``articles`` as the next version of
        the one it replaces (its change log names the outlets new among them)."""
        written = outcome.get()
        store.save_draft(_versioned(written, store.draft(story.id), articles), version)

    @staticmethod
    def _save_roundup(
        store: WriteStore, roundup: Roundup, drafts: Sequence[Draft], written: str
    ) -> None:
        draft = compose_roundup(roundup, drafts)
        if draft is None:  # its stories give no headline or lead
            store.remove_roundup(roundup.id)
        else:
            store.save_roundup(roundup, draft, written)

    def close(self) -> None:
        """Close the writers' connections (an LLM writer holds an HTTP client)."""
        for writer in {id(w): w for w in self.writers}.values():
            close = getattr(writer, "close", None)
            if callable(close):
                close()

    @property
    def writers(self) -> tuple[Writer, ...]:
        """The writers this stage may use, by name: the gate revises a draft with its own
        (a roundup with the roundup writer, which credits or drops)."""
        return (self.writer, self.fallback, self.roundup_writer)


@dataclass(frozen=True)
class WriteTask:
    """One story's writing, as a worker runs it (``write_one``): everything it reads."""

    story: Story
    articles: tuple[Article, ...]
    language: str
    writer: Writer
    fallback: Writer


def write_one(task: WriteTask) -> Draft:
    """Write one story: pure work on its inputs, so it may run in another process (a Dask
    worker, ``compute.py``) while the stage stores the drafts in order. A writer that
    fails hands the story to ``fallback``, and the draft's note says so."""
    if not task.articles:
        raise LookupError(f"no article in {language_name(task.language)} to write from")
    try:
        return task.writer.write(task.story, task.articles)
    except WriterError as error:
        name = task.writer.name
        note = f"{name} writer failed ({error}); the extractive writer took over"
        log.warning("story %s: %s", task.story.id, note)
        return replace(task.fallback.write(task.story, task.articles), note=note)


def _versioned(draft: Draft, previous: Draft | None, articles: Sequence[Article]) -> Draft:
    """Carry the version and change log over from the draft this one replaces.

    A rewrite after new reporting is the next version, and its change log
    gains a line naming the outlets whose reporting is new.
    """
    if previous is None or (
        previous.story_hash == draft.story_hash and not previous.sources_changed
    ):
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
