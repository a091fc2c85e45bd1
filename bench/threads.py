"""Benchmark threads: pairwise precision and recall of "same thread" on labelled stories.

Usage (from the repository root)::

    .venv/bin/python bench/threads.py [--data DIR ...] [--tune]

Gold: two stories are in one thread when they share their AllSides topic (the
majority ``topic`` of their articles, or the story's ``topic``) and their first
days lie within a week of each other. Stories are the labelled events
(``cluster_id``), so this measures threading alone, not clustering. Each story's
vector is the mean of its articles' MiniLM headline + lead vectors, as the
stories stage computes them. ``--tune`` grids the settings on the train split of
allsides_fulltext; the figures reported are on its test split and on all of
allsides_2021_excerpts (held out). Beside them, in the same run: the
baseline that threads every story alone (pairwise recall 0) and one that links
stories by topic-free cosine alone (no names).

The last line of output is one JSON object:
``{"threads": {SET: {"precision", "recall", "f1", "stories", "threads", "gold_pairs",
"cosine_only_f1"}}, "settings": {...}}``.
"""

from __future__ import annotations

import argparse
import itertools
import json
import sys
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import asdict, replace
from datetime import date
from pathlib import Path
from typing import Any

from newsdesk.stories.embeddings import Embedder
from newsdesk.stories.evaluation import article_file, labelled_lines, read_labelled, story_rows
from newsdesk.stories.stream import stream_features, stream_order
from newsdesk.stories.threads import Threader, ThreadParams, headline_names, story_vector

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "data" / "clusters"
FULLTEXT = SHARED / "allsides_fulltext"
EXCERPTS = SHARED / "allsides_2021_excerpts"
WEEK = 7


def labelled_stories(folder: Path, split: str | None) -> list[dict[str, Any]]:
    """Each labelled story: id, first day (as an ordinal), topic, titles and vector."""
    labelled = read_labelled(folder, split)
    rows = story_rows(folder)
    raw_topics: dict[str, Counter[str]] = {}
    for _, line in labelled_lines(article_file(folder)):
        record = json.loads(line)
        if record.get("topic"):
            raw_topics.setdefault(str(record["cluster_id"]), Counter())[str(record["topic"])] += 1
    embedder = Embedder("cpu", capacity=10**6)
    ordered = stream_order(labelled.articles)
    features = stream_features(ordered, embedder)
    members: dict[str, list[Any]] = {}
    for article in ordered:
        members.setdefault(labelled.gold[article.id], []).append(article)
    stories = []
    for cluster, articles in members.items():
        row = rows.get(cluster, {})
        topic = row.get("topic") or (raw_topics.get(cluster) or Counter()).most_common(1)
        if isinstance(topic, list):
            topic = topic[0][0] if topic else None
        days = [a.published for a in articles if a.published] or [str(row.get("date") or "")[:10]]
        days = [d for d in days if d]
        if not topic or not days:
            continue
        stories.append(
            {
                "id": cluster,
                "day": date.fromisoformat(min(days)[:10]).toordinal(),
                "topic": str(topic).lower().replace(" ", "_"),
                "names": headline_names(
                    [a.title for a in articles] + [str(row.get("headline") or "")]
                ),
                "vector": story_vector([features[a.id].lead for a in articles]),
            }
        )
    return sorted(stories, key=lambda s: (s["day"], s["id"]))


def thread(stories: Sequence[Mapping[str, Any]], params: ThreadParams) -> dict[str, str]:
    threader = Threader(params)
    return {s["id"]: threader.assign(s["id"], s["day"], s["vector"], s["names"]) for s in stories}


def pairwise(
    stories: Sequence[Mapping[str, Any]], predicted: Mapping[str, str]
) -> dict[str, float]:
    tp = fp = fn = 0
    for a, b in itertools.combinations(stories, 2):
        gold = a["topic"] == b["topic"] and abs(a["day"] - b["day"]) <= WEEK
        same = predicted[a["id"]] == predicted[b["id"]]
        tp += gold and same
        fp += same and not gold
        fn += gold and not same
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "precision": round(precision, 4),
        "recall": round(recall, 4),
        "f1": round(f1, 4),
        "gold_pairs": tp + fn,
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--data", type=Path, nargs="+", help="labelled folders")
    parser.add_argument("--tune", action="store_true", help="grid the settings on the train split")
    args = parser.parse_args(argv)
    params = ThreadParams()
    if args.tune:
        train = labelled_stories(FULLTEXT, "train")
        best = None
        for threshold, strong, window in itertools.product(
            (0.4, 0.45, 0.5, 0.55, 0.6, 0.65), (0.6, 0.65, 0.7, 0.75, 0.8, 1.1), (3, 7, 14)
        ):
            trial = ThreadParams(threshold, max(strong, threshold), window)
            figures = pairwise(train, thread(train, trial))
            print(trial, figures, file=sys.stderr)
            if best is None or figures["f1"] > best[0]["f1"]:
                best = (figures, trial)
        assert best is not None
        print(json.dumps({"train": best[0], "settings": asdict(best[1])}))
        return 0
    sets = (
        [(FULLTEXT, "test"), (EXCERPTS, None)] if not args.data else [(d, None) for d in args.data]
    )
    results: dict[str, Any] = {}
    for folder, split in sets:
        stories = labelled_stories(folder, split)
        name = f"{folder.name} ({split})" if split else folder.name
        mine = pairwise(stories, thread(stories, params))
        names_free = pairwise(stories, thread(stories, replace(params, threshold=params.strong)))
        predicted = thread(stories, params)
        results[name] = {
            **mine,
            "stories": len(stories),
            "threads": len(set(predicted.values())),
            "cosine_only_f1": names_free["f1"],
        }
        print(name, results[name])
    print(json.dumps({"threads": results, "settings": asdict(params)}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
