"""Reading factual-consistency benchmark files (``source``, ``claim``, ``label`` rows).

Shared by the support model's training script and its benchmark so that both
read the same rows and agree on which cut a row belongs to.
"""

from __future__ import annotations

import gzip
import json
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any


def read_jsonl(path: Path) -> Iterator[dict[str, Any]]:
    """The rows of a ``.jsonl`` or ``.jsonl.gz`` file."""
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                yield json.loads(line)


def cut_of(row: dict[str, Any]) -> str | None:
    """``val`` / ``test`` / None, whatever the dataset calls its split field."""
    value = row.get("cut", row.get("split"))
    if value is None:
        return None
    return "val" if value in ("val", "valid", "validation") else str(value)


def balanced_accuracy(labels: Sequence[int], predictions: Sequence[int]) -> float:
    """Mean of the recall on each class (NaN when a class is absent): the benchmarks' metric,
    since most sets are heavily unbalanced."""
    positives = [p for y, p in zip(labels, predictions, strict=True) if y == 1]
    negatives = [p for y, p in zip(labels, predictions, strict=True) if y == 0]
    if not positives or not negatives:
        return float("nan")
    return (sum(positives) / len(positives) + sum(1 - p for p in negatives) / len(negatives)) / 2
