"""A story whose sources have no title still gets a headline of the writer's own, and is
published rather than held for lack of one."""

from __future__ import annotations

import json
from pathlib import Path

from newsdesk.api import run
from newsdesk.config import SAMPLE_DUMP, load_config

EVENT = "allsides-train-2165"
"""The Chief Justice rebukes both sides of the impeachment trial (22 January 2020)."""


def test_a_story_of_untitled_articles_is_published_with_its_own_headline(tmp_path: Path) -> None:
    records = [json.loads(line) for line in Path(str(SAMPLE_DUMP)).read_text().splitlines()]
    dump = tmp_path / "untitled.jsonl"
    dump.write_text(
        "".join(json.dumps({**r, "title": ""}) + "\n" for r in records if r["cluster_id"] == EVENT),
        encoding="utf-8",
    )
    config = load_config(database=tmp_path / "news.db", site_dir=tmp_path / "site", dumps=(dump,))
    run(config)
    (page,) = (tmp_path / "site" / "stories").glob("*.html")
    document = json.loads(next((tmp_path / "site" / "api" / "stories").glob("*.json")).read_text())
    headline = document["headline"]["text"]
    assert len(headline.split()) >= 4 and document["headline"]["verdict"] == "supported"
    assert f"<h1>{headline}</h1>" in page.read_text(encoding="utf-8")
