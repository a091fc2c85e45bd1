"""Quarantine: one story that breaks a stage costs only itself, now and in later runs.

A stored value that makes a stage raise must never wedge the store: the write
and verify stages record the story with its reason, go on with the others, skip
it in later runs while its input is unchanged, and try it again once it changes.
Errors newsdesk raises on purpose (bad settings, a busy store) still stop the run.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import replace
from pathlib import Path

import pytest
from click.testing import CliRunner

from newsdesk.cli import cli
from newsdesk.config import Config, load_config
from newsdesk.engine import Engine
from newsdesk.errors import ConfigError
from newsdesk.ingest.stage import IngestStage
from newsdesk.records import Article, Draft, Story
from newsdesk.store import Store, open_store
from newsdesk.stories.stage import StoriesStage
from newsdesk.verify.stage import VerifyStage
from newsdesk.write.base import Flag, Usage
from newsdesk.write.stage import WriteStage, offline_writer
from slices import write_slice


class Breaking:
    """The offline writer, except that it raises ``error`` on the stories in ``victims``
    (as a writer with a bug would on some input), and remembers what it was asked."""

    def __init__(self, inner: object, victims: set[str], error: Exception) -> None:
        self.inner = inner
        self.name = "extractive"
        self.version = inner.version  # type: ignore[attr-defined]
        self.usage = Usage()
        self.victims = victims
        self.error = error
        self.written: list[str] = []
        self.revised: list[str] = []

    def write(self, story: Story, articles: Sequence[Article]) -> Draft:
        self.written.append(story.id)
        if story.id in self.victims:
            raise self.error
        return self.inner.write(story, articles)  # type: ignore[attr-defined, no-any-return]

    def revise(self, draft: Draft, flags: Sequence[Flag], articles: Sequence[Article]) -> Draft:
        self.revised.append(draft.story_id)
        if draft.story_id in self.victims:
            raise self.error
        return self.inner.revise(draft, flags, articles)  # type: ignore[attr-defined, no-any-return]


@pytest.fixture(scope="module")
def grouped(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A database holding the stories of a slice of the sample (nothing written yet),
    copied fresh for each test."""
    folder = tmp_path_factory.mktemp("quarantine")
    dump = write_slice(folder / "dump.jsonl")
    database = folder / "grouped.db"
    config = load_config(database=database, dumps=(dump,))
    store = open_store(database)
    try:
        Engine(store, config).run([IngestStage(config.dumps), StoriesStage()])
    finally:
        store.close()
    return database, dump


@pytest.fixture
def setup(grouped: tuple[Path, Path], tmp_path: Path) -> Iterator[tuple[Config, Store]]:
    database = tmp_path / "news.db"
    database.write_bytes(grouped[0].read_bytes())
    config = load_config(database=database, site_dir=tmp_path / "site", dumps=(grouped[1],))
    store = open_store(database)
    try:
        yield config, store
    finally:
        store.close()


def test_a_story_that_breaks_the_writer_is_quarantined_and_the_rest_are_written(
    setup: tuple[Config, Store],
) -> None:
    config, store = setup
    stories = store.stories()
    assert len(stories) >= 2
    victim = stories[0]
    writer = Breaking(offline_writer(config), {victim.id}, ValueError("no sentence\nat\x00 all"))
    run = Engine(store, config).run([WriteStage(writer, writer)])
    assert run.status == "finished"
    record = run.stages[0]
    assert record.items_out == len(stories) - 1 and record.skipped == 1
    assert record.errors == [f"{victim.id}: quarantined: ValueError: no sentence at  all"]
    assert store.draft(victim.id) is None
    assert all(store.draft(s.id) is not None for s in stories[1:])
    [held] = store.quarantined()
    assert (held.stage, held.item, held.input) == ("write", victim.id, victim.hash)
    assert held.reason == "ValueError: no sentence at  all" and held.run_id == run.id


def test_a_quarantined_story_is_skipped_while_unchanged_and_tried_again_once_it_changes(
    setup: tuple[Config, Store],
) -> None:
    config, store = setup
    victim = store.stories()[0]
    writer = Breaking(offline_writer(config), {victim.id}, KeyError("speaker"))
    Engine(store, config).run([WriteStage(writer, writer)])
    writer.written.clear()
    fixed = Breaking(offline_writer(config), set(), KeyError("speaker"))
    again = Engine(store, config).run([WriteStage(fixed, fixed)])
    assert fixed.written == [] and again.stages[0].skipped == 1
    assert [q.item for q in store.quarantined("write")] == [victim.id]

    # the story's articles change: its hash is no longer the one that failed
    [held] = store.quarantined("write")
    store.quarantine(replace(held, input="an earlier article set"))
    retried = Engine(store, config).run([WriteStage(fixed, fixed)])
    assert fixed.written == [victim.id]
    assert retried.stages[0].items_out == 1 and retried.stages[0].skipped == 0
    assert store.quarantined() == [] and store.draft(victim.id) is not None


def test_an_error_newsdesk_raises_on_purpose_stops_the_run_instead(
    setup: tuple[Config, Store],
) -> None:
    config, store = setup
    victim = store.stories()[0]
    writer = Breaking(offline_writer(config), {victim.id}, ConfigError("no [llm] model set"))
    with pytest.raises(ConfigError):
        Engine(store, config).run([WriteStage(writer, writer)])
    assert store.quarantined() == []
    assert store.runs(limit=1)[0].status == "failed"


def test_a_draft_that_breaks_the_gate_is_quarantined_and_the_rest_are_gated(
    setup: tuple[Config, Store],
) -> None:
    """The gate sends a sentence with an invented figure back to the writer, whose
    revision raises on that story: only that draft is left ungated."""
    config, store = setup
    plain = offline_writer(config)
    Engine(store, config).run([WriteStage(plain, plain)])
    stories = store.stories()
    victim = stories[0]
    draft = store.draft(victim.id)
    assert draft is not None
    body = next(i for i, s in enumerate(draft.sentences) if s.kind == "body")
    wrong = replace(draft.sentences[body], text="Officials said 98,765 people were evacuated.")
    store.save_draft(
        replace(draft, sentences=(*draft.sentences[:body], wrong, *draft.sentences[body + 1 :])),
        f"{plain.name}/{plain.version}",
    )
    writer = Breaking(plain, {victim.id}, IndexError("sentence 99 out of range"))
    run = Engine(store, config).run([VerifyStage([writer])])
    assert run.status == "finished"
    assert writer.revised.count(victim.id) == 1
    [held] = store.quarantined("verify")
    assert held.item == victim.id and held.reason == "IndexError: sentence 99 out of range"
    assert store.verdicts(victim.id) == []
    assert all(store.verdicts(s.id) for s in stories[1:])


def test_status_lists_what_is_quarantined_and_why(setup: tuple[Config, Store]) -> None:
    config, store = setup
    victim = store.stories()[0]
    writer = Breaking(offline_writer(config), {victim.id}, ValueError("unreadable byline"))
    Engine(store, config).run([WriteStage(writer, writer)])
    result = CliRunner().invoke(cli, ["status", "--database", str(config.store.database)])
    assert result.exit_code == 0, result.output
    assert "quarantined" in result.output
    assert victim.id in result.output and "ValueError: unreadable byline" in result.output
