"""Clustering quality against labelled events: BCubed precision, recall and F1.

Labelled sets use the shared cluster schema: one article per line with the
ingest fields plus ``cluster_id`` (equal ids: the same event), optionally
gzipped, optionally beside a ``stories.jsonl`` whose rows give each cluster's
``split`` and ``date``. An article with no date takes its story's date from
there when one is given (the date a newsroom would have from the feed), and
otherwise stays undated.
"""

from __future__ import annotations

import gzip
import json
from collections import Counter
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import IO, Any

from newsdesk.dumps import parse_article
from newsdesk.errors import InputError
from newsdesk.records import Article
from newsdesk.stories.clusterer import Params
from newsdesk.stories.embeddings import Embedder
from newsdesk.stories.stream import StreamResult, cluster_stream


def bcubed(predicted: Mapping[str, str], gold: Mapping[str, str]) -> dict[str, float]:
    """BCubed P/R/F1 (Bagga & Baldwin 1998) over the items present in ``gold``."""
    items = [i for i in gold if i in predicted]
    if not items:
        return {"precision": 0.0, "recall": 0.0, "f1": 0.0}
    pair_counts = Counter((predicted[i], gold[i]) for i in items)
    pred_sizes = Counter(predicted[i] for i in items)
    gold_sizes = Counter(gold[i] for i in items)
    precision = sum(pair_counts[(predicted[i], gold[i])] / pred_sizes[predicted[i]] for i in items)
    recall = sum(pair_counts[(predicted[i], gold[i])] / gold_sizes[gold[i]] for i in items)
    precision /= len(items)
    recall /= len(items)
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": precision, "recall": recall, "f1": f1}


@dataclass
class Labelled:
    """A labelled set: its articles, their events, and the lines that could not be read."""

    name: str
    articles: list[Article]
    gold: dict[str, str]
    problems: list[str] = field(default_factory=list)
    dated_by_story: int = 0

    @property
    def undated(self) -> int:
        return sum(1 for a in self.articles if not a.published)


def article_file(path: Path) -> Path:
    """``path`` itself, or the ``articles.jsonl[.gz]`` in the folder ``path``."""
    if path.is_dir():
        for name in ("articles.jsonl", "articles.jsonl.gz"):
            if (path / name).is_file():
                return path / name
        raise InputError(f"{path}: no articles.jsonl or articles.jsonl.gz in this folder")
    if not path.is_file():
        raise InputError(f"{path}: file not found")
    return path


def _open(path: Path) -> IO[str]:
    if path.name.endswith(".gz"):
        return gzip.open(path, "rt", encoding="utf-8")
    return path.open(encoding="utf-8")


def labelled_lines(path: Path) -> Iterator[tuple[int, str]]:
    """The numbered non-blank lines of a labelled file (gzip or plain)."""
    try:
        with _open(path) as handle:
            for number, line in enumerate(handle, start=1):
                if line.strip():
                    yield number, line
    except (OSError, UnicodeDecodeError, EOFError) as exc:
        raise InputError(f"{path}: cannot read: {exc}") from None


def story_rows(folder: Path) -> dict[str, dict[str, Any]]:
    """``stories.jsonl`` beside the articles, by ``cluster_id`` (empty when there is none)."""
    path = folder / "stories.jsonl"
    if not path.is_file():
        return {}
    rows = {}
    for number, line in labelled_lines(path):
        try:
            row = json.loads(line)
            rows[str(row["cluster_id"])] = row
        except (json.JSONDecodeError, KeyError, TypeError):
            raise InputError(f"{path}:{number}: not a story row with a cluster_id") from None
    return rows


def _date(value: object) -> str | None:
    """The ``YYYY-MM-DD`` of an ISO date or timestamp, or ``None``."""
    if not isinstance(value, str):
        return None
    try:
        return date.fromisoformat(value[:10]).isoformat()
    except ValueError:
        return None


def read_labelled(path: Path, split: str | None = None) -> Labelled:
    """The labelled articles of ``path`` (only those of ``split`` when stories carry splits)."""
    source = article_file(path)
    stories = story_rows(source.parent)
    result = Labelled(
        name=source.parent.name if path.is_dir() else source.name, articles=[], gold={}
    )
    for number, line in labelled_lines(source):
        where = f"{source}:{number}"
        try:
            record = json.loads(line)
            article = parse_article(record)
        except json.JSONDecodeError as exc:
            result.problems.append(f"{where}: invalid JSON: {exc.msg}")
            continue
        except ValueError as exc:
            result.problems.append(f"{where}: {exc}")
            continue
        cluster = record.get("cluster_id")
        if cluster in (None, ""):
            result.problems.append(f"{where}: no cluster_id")
            continue
        row = stories.get(str(cluster), {})
        if split is not None and row.get("split", split) != split:
            continue
        if article.id in result.gold:
            result.problems.append(f"{where}: duplicate id {article.id!r}")
            continue
        story_date = _date(row.get("date"))
        if (not article.published or article.date_source == "text") and story_date is not None:
            article = replace(article, published=story_date)
            result.dated_by_story += 1
        result.articles.append(article)
        result.gold[article.id] = str(cluster)
    if not result.articles:
        raise InputError(f"{source}: no labelled articles (each line needs a cluster_id)")
    return result


@dataclass
class Evaluation:
    """How clustering a labelled set from scratch, as one stream, scored against its labels."""

    labelled: Labelled
    stream: StreamResult
    precision: float
    recall: float
    f1: float

    @property
    def events(self) -> int:
        """The labelled events (distinct cluster ids) in the set."""
        return len(set(self.labelled.gold.values()))


def evaluate(labelled: Labelled, params: Params, embedder: Embedder) -> Evaluation:
    """Cluster ``labelled`` as one stream, in date order, and score it with BCubed."""
    stream = cluster_stream(labelled.articles, params, embedder, names=params.names_weight > 0)
    scores = bcubed(stream.assignment, labelled.gold)
    return Evaluation(labelled, stream, scores["precision"], scores["recall"], scores["f1"])
