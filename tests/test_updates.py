"""New reporting on a story: the article is rewritten as its next version, with a change log,
and every stored draft carries the record of the gate it went through."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest
from click.testing import Result

from newsdesk.api import run
from newsdesk.config import Config
from newsdesk.store import open_store


def dump(records: list[dict[str, object]], path: Path) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


@pytest.fixture
def late(sample_records: list[dict[str, object]]) -> dict[str, object]:
    """The newest article of the first story covered by three outlets: the late reporting."""
    by_cluster: dict[object, list[dict[str, object]]] = {}
    for record in sample_records:
        by_cluster.setdefault(record["cluster_id"], []).append(record)
    story = next(group for group in by_cluster.values() if len(group) == 3)
    return max(story, key=lambda r: (str(r["published"]), str(r["id"])))


def test_new_reporting_rewrites_the_article_as_its_next_version(
    config: Config,
    tmp_path: Path,
    sample_records: list[dict[str, object]],
    late: dict[str, object],
) -> None:
    early = [r for r in sample_records if r["id"] != late["id"]]
    first = replace(config, ingest=replace(config.ingest, dumps=(dump(early, tmp_path / "a"),)))
    run(first)
    store = open_store(config.store.database)
    before = {d.story_id: d for d in store.drafts()}
    store.close()
    assert all(d.version == 1 and not d.changes for d in before.values())

    second = replace(config, ingest=replace(config.ingest, dumps=(dump([late], tmp_path / "b"),)))
    run(second)
    store = open_store(config.store.database)
    after = {d.story_id: d for d in store.drafts()}
    updated = [d for d in after.values() if d.version > 1]
    (draft,) = updated
    assert draft.story_id in before
    assert str(late["id"]) in {ref.article_id for ref in draft.sources}
    assert draft.version == 2
    (change,) = draft.changes
    assert f"added reporting from {late['outlet']}" in change
    assert change.startswith(str(draft.date))
    unchanged = {k: v for k, v in after.items() if k != draft.story_id}
    assert unchanged == {k: v for k, v in before.items() if k in unchanged}
    store.close()


def test_every_draft_has_its_gate_record(config: Config) -> None:
    run(config, sample=True)
    store = open_store(config.store.database)
    try:
        for draft in store.drafts():
            record = store.gate_record(draft.story_id)
            assert record is not None
            assert record.kept == len(draft.sentences)
            assert len(store.verdicts(draft.story_id)) == record.kept
            assert record.rounds >= 1
        (last,) = store.runs(limit=1)
        verify = last.stage("verify")
        assert verify is not None and verify.items_in == len(list(store.drafts()))
    finally:
        store.close()


def test_status_shows_what_the_gate_did(config: Config, invoke: Callable[..., Result]) -> None:
    run(config, sample=True)
    store = open_store(config.store.database)
    story_id = next(iter(store.drafts())).story_id
    store.close()
    result = invoke("status", "--story", story_id)
    assert result.exit_code == 0
    output = " ".join(result.output.split())
    assert "gate: passed; extractive writer; 1 round(s);" in output
    assert "sentences kept, 0 revised, 0 dropped" in output
    assert "publication: on the site" in output or "publication: held: " in output
