"""Reading the labelled article sets (``articles.jsonl[.gz]`` folders) the benchmarks share."""

from __future__ import annotations

import gzip
import json
import sys
from collections.abc import Iterator
from pathlib import Path

from newsdesk.dumps import parse_article
from newsdesk.records import Article


def text_lines(path: Path) -> Iterator[str]:
    """The non-empty lines of a ``.jsonl`` or ``.jsonl.gz`` file."""
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8") as handle:
        yield from (line for line in handle if line.strip())


def data_file(folder: Path, stem: str) -> Path | None:
    """``folder/stem.jsonl`` or its gzipped twin, whichever exists."""
    for name in (f"{stem}.jsonl", f"{stem}.jsonl.gz"):
        if (folder / name).is_file():
            return folder / name
    return None


def read_articles(path: Path) -> list[Article]:
    """The file's articles, parsed as the ingest stage parses a dump.

    A line that ingest would reject is skipped (and counted on stderr), so a
    benchmark run sees exactly the articles a newsdesk run would.
    """
    articles, bad = [], 0
    for line in text_lines(path):
        try:
            articles.append(parse_article(json.loads(line)))
        except ValueError:
            bad += 1
    if bad:
        print(f"  {path}: skipped {bad} lines ingest would reject", file=sys.stderr)
    return articles
