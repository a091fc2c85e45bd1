"""The verify stage is the gate: what the write stage stores is published only after it,
and a new checker judges again what an older one let through."""

from __future__ import annotations

import gzip
import json
import sqlite3
from dataclasses import replace
from pathlib import Path

from newsdesk.api import run
from newsdesk.config import Config
from newsdesk.store import open_store
from newsdesk.verify.stage import checker_version

SCHEMA4 = Path(__file__).parent / "fixtures" / "schema4"


def site_files(config: Config) -> dict[str, bytes]:
    root = config.publish.site_dir
    return {str(p.relative_to(root)): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def story_pages(config: Config) -> list[str]:
    return [name for name in site_files(config) if name.startswith("stories/")]


def test_drafts_reach_readers_only_through_the_gate(config: Config, tmp_path: Path) -> None:
    written = run(config, stages=("ingest", "stories", "write", "publish"), sample=True)
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
    run(whole, sample=True)
    assert site_files(config) == site_files(whole), "gating later published something else"


def test_the_same_checker_judges_a_draft_once(config: Config) -> None:
    run(config, sample=True)
    again = run(config, sample=True)
    verify = again.stage("verify")
    assert verify is not None and verify.items_in == 0


def test_a_new_checker_judges_every_stored_draft_again(config: Config) -> None:
    run(config, sample=True)
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


def schema4(config: Config, sample_records: list[dict[str, object]], tmp_path: Path) -> Config:
    """The schema-4 store of ``tests/fixtures/schema4`` in place of ``config``'s database,
    with the dump it was made from as the configured dump."""
    made = json.loads((SCHEMA4 / "made.json").read_text(encoding="utf-8"))
    config.store.database.write_bytes(gzip.decompress((SCHEMA4 / "newsdesk.db.gz").read_bytes()))
    by_id = {r["id"]: r for r in sample_records}
    dump = tmp_path / "dump.jsonl"
    dump.write_text("".join(json.dumps(by_id[i]) + "\n" for i in made["article_ids"]), "utf-8")
    return replace(config, ingest=replace(config.ingest, dumps=(dump,)))


def test_a_schema_4_database_is_upgraded_and_published_as_a_fresh_store_would_be(
    config: Config, sample_records: list[dict[str, object]], tmp_path: Path
) -> None:
    config = schema4(config, sample_records, tmp_path)
    latest = open_store(tmp_path / "latest.db")
    store = open_store(config.store.database)
    try:
        assert store.schema_version == latest.schema_version > 4
        drafts = {d.story_id: d for d in store.drafts()}
        assert len(drafts) == 3 and not any(d.sources_changed for d in drafts.values())
        assert store.stories_to_write() == []
        assert len(store.drafts_to_gate(checker_version(config.verify))) == 3
    finally:
        store.close()
        latest.close()

    result = run(config)
    counts = {s.stage: (s.items_in, s.items_out) for s in result.stages}
    assert counts["ingest"][1] == 0
    assert counts["write"] == (3, 3), "drafts of an older writer are written again"
    assert counts["verify"] == (3, 3), "the upgraded drafts are judged by the current checker"
    fresh = replace(
        config,
        store=replace(config.store, database=tmp_path / "fresh.db"),
        publish=replace(config.publish, site_dir=tmp_path / "fresh"),
    )
    run(fresh)
    assert site_files(config) == site_files(fresh), "upgrading publishes what starting anew does"
    made = json.loads((SCHEMA4 / "made.json").read_text(encoding="utf-8"))
    new = ("api/", "corrections.")  # the JSON API, the corrections page and feed
    pages = sorted(path for path in site_files(config) if not path.startswith(new))
    assert pages == sorted(made["site"]), "the same pages, at the same paths (and new ones)"
    store = open_store(config.store.database)
    try:
        assert all(a.furniture is not None for a in store.articles()), "the run marked them"
        after = {d.story_id: d for d in store.drafts()}
        assert after.keys() == drafts.keys()
        for story_id, draft in after.items():
            before = drafts[story_id]
            assert draft.version == before.version, "a rewrite without new reporting"
            assert draft.changes == before.changes
    finally:
        store.close()


def test_the_sources_changed_marker_of_schema_4_still_rewrites_the_story(
    config: Config, sample_records: list[dict[str, object]], tmp_path: Path
) -> None:
    """Schema 4 marked a draft whose cited page changed by overwriting its story hash."""
    config = schema4(config, sample_records, tmp_path)
    db = sqlite3.connect(config.store.database)
    (marked,) = db.execute("SELECT min(story_id) FROM drafts").fetchone()
    db.execute("UPDATE drafts SET story_hash = 'sources changed' WHERE story_id = ?", (marked,))
    db.commit()
    db.close()

    store = open_store(config.store.database)
    try:
        drafts = {d.story_id: d for d in store.drafts()}
        assert drafts[marked].sources_changed
        assert [s.id for s in store.stories_to_write()] == [marked]
    finally:
        store.close()

    run(config)
    store = open_store(config.store.database)
    try:
        rewritten = store.draft(marked)
        assert rewritten is not None and not rewritten.sources_changed
        assert rewritten.version == drafts[marked].version + 1
        assert rewritten.changes[-1].endswith("rewritten after the story's sources changed")
        others = {d.story_id: d.version for d in store.drafts() if d.story_id != marked}
        assert others == {k: v.version for k, v in drafts.items() if k != marked}
        assert not store.drafts_to_gate(checker_version(config.verify))
    finally:
        store.close()
