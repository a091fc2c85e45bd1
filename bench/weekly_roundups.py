"""Benchmark weekly roundups: how much of each roundup passes the gate, and whether its
paragraphs retell different events.

Usage (from the repository root)::

    .venv/bin/python bench/weekly_roundups.py [--data PATH] [--split test] [--limit N]

Runs the whole pipeline (ingest, stories, write, verify, publish) with
``[write] roundups = true`` on labelled articles (default: the bundled sample;
``--data`` takes any file or folder in the ``cluster_id`` schema, such as
``../shared/data/clusters/allsides_fulltext``) in a temporary folder, then reads
the store. The peer, measured in the same run, is the stories' own drafts:
the gate's kept share on story drafts against that on roundups.

Figures:

- ``roundups``: roundups written; ``held``: those the gate held for review;
  ``published``: roundup pages on the site.
- ``kept_share``: sentences the gate kept over those drafted, on roundups, and
  ``story_kept_share`` on the stories' drafts (the peer).
- ``paragraphs``: mean paragraphs (stories retold) per roundup.
- ``repeated_events``: share of roundup paragraphs that retell a labelled event
  an earlier paragraph of the same roundup already told (a story split across
  days shows up here: a roundup should tell each event once).

The last line of output is one JSON object with these figures.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from collections import Counter
from dataclasses import replace
from pathlib import Path

from newsdesk.api import run
from newsdesk.config import SAMPLE_DUMP, load_config
from newsdesk.store import open_store
from newsdesk.stories.evaluation import read_labelled


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=Path(str(SAMPLE_DUMP)))
    parser.add_argument("--split", default=None, help="only this split's stories")
    parser.add_argument("--limit", type=int, default=0, help="at most this many articles")
    parser.add_argument("--keep", type=Path, help="run in this folder and keep it, to read")
    args = parser.parse_args(argv)
    labelled = read_labelled(args.data, args.split)
    articles = labelled.articles[: args.limit] if args.limit else labelled.articles
    gold = labelled.gold
    with tempfile.TemporaryDirectory() as scratch:
        folder = str(args.keep or scratch)
        Path(folder).mkdir(parents=True, exist_ok=True)
        dump = Path(folder) / "articles.jsonl"
        with dump.open("w", encoding="utf-8") as out:
            for article in articles:
                line = {
                    "id": article.id,
                    "url": article.url,
                    "outlet": article.outlet,
                    "published": article.published,
                    "title": article.title,
                    "text": article.text,
                    "lang": article.lang,
                }
                out.write(json.dumps(line, ensure_ascii=False) + "\n")
        config = load_config(
            database=Path(folder) / "news.db", site_dir=Path(folder) / "site", dumps=(dump,)
        )
        config = replace(config, write=replace(config.write, roundups=True))
        finished = run(config)
        if finished.status != "finished":
            print(f"error: the run ended {finished.status}", file=sys.stderr)
            return 1
        figures = _figures(Path(config.store.database), gold)
        figures["published"] = len(list((Path(folder) / "site" / "roundups").glob("*.html")))
    figures["data"] = str(args.data)
    figures["articles"] = len(articles)
    print(json.dumps(figures))
    return 0


def _figures(database: Path, gold: dict[str, str]) -> dict[str, object]:
    store = open_store(database)
    try:
        roundups = store.gated_roundups()
        drafted = sum(g.record.drafted for g in roundups)
        kept = sum(g.record.kept for g in roundups)
        story_drafted = story_kept = 0
        for draft in store.drafts():
            gate = store.gate_record(draft.story_id)
            if gate is not None:
                story_drafted += gate.drafted
                story_kept += gate.kept
        paragraphs = repeated = 0
        for gated in roundups:
            body = [s for s in gated.draft.sentences if s.kind == "body" and s.citations]
            firsts = {s.paragraph: s.citations[0].article_id for s in reversed(body)}
            placed = store.stories_of(list(firsts.values()))
            told: set[str] = set()
            for paragraph in sorted(firsts):
                story = store.story(placed.get(firsts[paragraph], ""))
                labels = Counter(gold.get(a, "") for a in (story.article_ids if story else ()))
                label = labels.most_common(1)[0][0] if labels else ""
                paragraphs += 1
                repeated += label in told
                told.add(label)
        return {
            "stories": len(store.stories()),
            "roundups": len(roundups),
            "held": sum(g.record.held for g in roundups),
            "kept_share": round(kept / drafted, 3) if drafted else None,
            "story_kept_share": round(story_kept / story_drafted, 3) if story_drafted else None,
            "paragraphs": round(paragraphs / len(roundups), 2) if roundups else 0,
            "repeated_events": round(repeated / paragraphs, 3) if paragraphs else 0,
        }
    finally:
        store.close()


if __name__ == "__main__":
    sys.exit(main())
