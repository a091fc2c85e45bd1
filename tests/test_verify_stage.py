"""The verify stage is the gate: what the write stage stores is published only after it,
and a new checker judges again what an older one let through."""

from __future__ import annotations

import sqlite3
from dataclasses import replace
from pathlib import Path

from newsdesk.api import run
from newsdesk.config import Config
from newsdesk.store import open_store
from newsdesk.verify.stage import checker_version


def site_files(config: Config) -> dict[str, bytes]:
    root = config.publish.site_dir
    return {str(p.relative_to(root)): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def story_pages(config: Config) -> list[str]:
    return [name for name in site_files(config) if name.startswith("stories/")]


def test_drafts_reach_readers_only_through_the_gate(config: Config, tmp_path: Path) -> None:
    written = run(config, stages=("ingest", "stories", "write", "publish"))
    assert written.stage("write") is not None
    assert story_pages(config) == [], "an ungated draft was published"
    store = open_store(config.store.database)
    drafts = list(store.drafts())
    assert drafts and all(store.gate_record(d.story_id) is None for d in drafts)
    store.close()

    gated = run(config, stages=("verify", "publish"))
    verify = gated.stage("verify")
    assert verify is not None and verify.items_in == len(drafts)
    assert verify.items_out + verify.skipped == len(drafts)
    assert story_pages(config)

    whole = replace(
        config,
        store=replace(config.store, database=tmp_path / "whole.db"),
        publish=replace(config.publish, site_dir=tmp_path / "whole"),
    )
    run(whole)
    assert site_files(config) == site_files(whole), "gating later published something else"


def test_the_same_checker_judges_a_draft_once(config: Config) -> None:
    run(config)
    again = run(config)
    verify = again.stage("verify")
    assert verify is not None and verify.items_in == 0


def test_a_new_checker_judges_every_stored_draft_again(config: Config) -> None:
    run(config)
    store = open_store(config.store.database)
    before = {d.story_id: (d, store.gate_record(d.story_id)) for d in store.drafts()}
    store.close()
    pages = site_files(config)

    stricter = replace(
        config, verify=replace(config.verify, max_rounds=config.verify.max_rounds + 1)
    )
    assert checker_version(stricter.verify) != checker_version(config.verify)
    rerun = run(stricter)
    verify = rerun.stage("verify")
    assert verify is not None and verify.items_in == len(before)

    store = open_store(config.store.database)
    try:
        for story_id, (draft, record) in before.items():
            assert record is not None
            after = store.gate_record(story_id)
            assert after is not None
            assert after.drafted == record.drafted, "the share kept counts the draft as written"
            assert after.dropped[: len(record.dropped)] == record.dropped
            assert store.draft(story_id) == draft, "supported sentences stay supported"
    finally:
        store.close()
    assert site_files(config) == pages


def test_a_database_of_the_previous_schema_is_upgraded_in_place(config: Config) -> None:
    """A store written before the gate moved (schema 4) opens, keeps its drafts, and the
    'sources changed' marker of that schema still makes the story be written again."""
    run(config)
    store = open_store(config.store.database)
    drafts = {d.story_id: d for d in store.drafts()}
    store.close()
    marked = sorted(drafts)[0]
    db = sqlite3.connect(config.store.database)
    db.executescript(
        """
        ALTER TABLE drafts DROP COLUMN checker;
        ALTER TABLE drafts DROP COLUMN note;
        ALTER TABLE drafts DROP COLUMN sources_changed;
        ALTER TABLE drafts ADD COLUMN verified_hash TEXT;
        UPDATE drafts SET verified_hash = hash;
        PRAGMA user_version = 4;
        """
    )
    db.execute("UPDATE drafts SET story_hash = 'sources changed' WHERE story_id = ?", (marked,))
    db.commit()
    db.close()

    store = open_store(config.store.database)
    try:
        assert store.schema_version == 5
        upgraded = store.draft(marked)
        assert upgraded is not None and upgraded.sources_changed
        assert [s.id for s in store.stories_to_write()] == [marked]
        assert len(store.drafts_to_gate(checker_version(config.verify))) == len(drafts)
    finally:
        store.close()

    run(config)
    store = open_store(config.store.database)
    try:
        rewritten = store.draft(marked)
        assert rewritten is not None and not rewritten.sources_changed
        assert rewritten.version == drafts[marked].version + 1
        assert rewritten.changes[-1].endswith("rewritten after the story's sources changed")
        others = {d.story_id: d for d in store.drafts() if d.story_id != marked}
        assert others == {k: v for k, v in drafts.items() if k != marked}
        assert not store.drafts_to_gate(checker_version(config.verify))
    finally:
        store.close()
