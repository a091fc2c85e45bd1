"""Benchmark the support check on the factual-consistency sets and time it.

Usage (from the repository root)::

    .venv/bin/python bench/verify_benchmarks.py [--data FILE ...] [--limit N]

For every dataset (default: every ``*.jsonl[.gz]`` in ``../shared/data/consistency``)
it reports summary-level balanced accuracy: the source document is the only
source, the whole summary is the claim, and newsdesk decides as it does in a
run (``SupportModel.check_sources``: retrieve spans per claim sentence, score,
compare with the stored threshold). Rows with a split field (``cut`` or
``split``) are evaluated on the test cut only; rows without one are all
evaluated. Beside it, in the same process: a baseline (for each claim
sentence the best MiniLM cosine with any source sentence, minimum over the
claim's sentences; threshold tuned on the pooled validation cuts of the
default sets) and the published SummaC figures where the test cut is the same.

Then it times checking 1,000+ claim sentences against 50 sample articles,
cold (embedding the sources inside the timing) and warm (sources indexed,
new claims: a newsdesk run indexes a story's sources once and checks every
sentence against them); ``sentences_per_s`` is the warm figure, the table
shows both. The last line of output is one JSON object:
``{"datasets": {NAME: {"bacc", "baseline_bacc", "n"}}, "sentences_per_s": float}``.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import random
import sys
import time
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from newsdesk.language.text import sentences
from newsdesk.records import Article
from newsdesk.verify.checks.support import SupportModel, claim_sentences, clean
from newsdesk.verify.consistency import balanced_accuracy, cut_of, read_jsonl

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "data"
CONSISTENCY = SHARED / "consistency"

PUBLISHED = {
    "xsumfaith": "SummaC-ZS 58.4 / Conv 66.4",
    "polytope": "SummaC-ZS 62.0 / Conv 62.7",
}
"""SummaC (Laban et al. 2022, Table 2) test-cut balanced accuracy, where our cut is theirs."""
TRAINED_ON = {"cogensumm-sentence-pairs": "all rows are training data"}
"""Sets that ``training/train_support.py`` learns from in full: their scores are not test scores."""


def rounded(value: float) -> float | None:
    """Four decimals, or None (JSON null) when a set lacks one of the two classes."""
    return None if math.isnan(value) else round(value, 4)


def as_document(text: str) -> Article:
    digest = hashlib.sha1(text.encode("utf-8")).hexdigest()[:16]
    return Article(id=digest, url=f"doc:{digest}", outlet="doc", title="", text=text)


def newsdesk_decisions(model: SupportModel, rows: Sequence[dict[str, Any]]) -> list[int]:
    """The checker's own verdict per row: 1 when the whole summary is supported."""
    by_source: dict[str, list[int]] = defaultdict(list)
    for number, row in enumerate(rows):
        by_source[row["source"]].append(number)
    decisions = [0] * len(rows)
    for source, numbers in by_source.items():
        checks = model.check_sources([rows[n]["claim"] for n in numbers], [as_document(source)])
        for n, (check, _) in zip(numbers, checks, strict=True):
            decisions[n] = int(check.verdict == "pass")
    return decisions


def baseline_scores(model: SupportModel, rows: Sequence[dict[str, Any]]) -> list[float]:
    """Best-sentence MiniLM cosine per claim sentence, minimum over the claim's sentences."""
    scores = []
    for row in rows:
        doc = [clean(s.text) for s in sentences(row["source"])] or [clean(row["source"])]
        parts = claim_sentences(row["claim"])
        cosine = model.embed(parts) @ model.embed(doc).T
        scores.append(float(cosine.max(axis=1).min()))
    return scores


def tune(labels: Sequence[int], scores: Sequence[float]) -> float:
    """The threshold with the best balanced accuracy on (labels, scores)."""
    candidates = sorted(set(np.round(scores, 3).tolist()))
    best, best_bacc = 0.5, -1.0
    for threshold in candidates:
        bacc = balanced_accuracy(labels, [int(s >= threshold) for s in scores])
        if bacc > best_bacc:
            best, best_bacc = threshold, bacc
    return float(best)


def sample(rows: list[dict[str, Any]], limit: int | None) -> list[dict[str, Any]]:
    if limit is None or len(rows) <= limit:
        return rows
    return random.Random(0).sample(rows, limit)


def speed(model: SupportModel, n_claims: int) -> tuple[float, float, int]:
    """Claim sentences per second against 50 sample articles: cold (sources not yet
    indexed) and warm (sources indexed, claims new)."""
    articles = [
        Article(id=r["id"], url=r["url"], outlet=r["outlet"], title=r["title"], text=r["text"])
        for r in read_jsonl(SHARED / "sample" / "articles.jsonl")
    ]
    rng = random.Random(1)
    rng.shuffle(articles)
    sources = articles[:50]
    pool = [s.text for a in articles for s in sentences(a.text) if len(s.text.split()) >= 5]
    rng.shuffle(pool)
    # Claims: real sentences (half from the 50 sources, half from other stories), cut in two
    # disjoint halves so the warm run embeds new claims.
    cold_claims, warm_claims = pool[:n_claims], pool[n_claims : 2 * n_claims]
    model.embed(["warm up the encoder"])
    start = time.perf_counter()
    model.check_sources(cold_claims, sources)
    cold = len(cold_claims) / (time.perf_counter() - start)
    start = time.perf_counter()
    model.check_sources(warm_claims, sources)
    warm = len(warm_claims) / (time.perf_counter() - start)
    return cold, warm, len(cold_claims)


def percent(value: float | None) -> str:
    return "n/a" if value is None else f"{100 * value:.1f}"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, nargs="+", help="consistency files to evaluate")
    parser.add_argument("--limit", type=int, help="evaluate at most N rows per dataset")
    parser.add_argument("--claims", type=int, default=1000, help="claim sentences to time")
    args = parser.parse_args(argv)
    files = args.data or sorted(CONSISTENCY.glob("*.jsonl*"))
    model = SupportModel()
    started = time.time()

    # Baseline threshold: pooled validation cuts of the default sets.
    val_rows = [
        r
        for path in sorted(CONSISTENCY.glob("*.jsonl*"))
        for r in read_jsonl(path)
        if cut_of(r) == "val"
    ]
    val_rows = sample(val_rows, None if args.limit is None else 4 * args.limit)
    baseline_threshold = tune([int(r["label"]) for r in val_rows], baseline_scores(model, val_rows))

    results: dict[str, dict[str, Any]] = {}
    for path in files:
        rows = list(read_jsonl(path))
        if any(cut_of(r) is not None for r in rows):
            rows = [r for r in rows if cut_of(r) == "test"]
        rows = sample(rows, args.limit)
        if not rows:
            continue
        name = str(rows[0].get("dataset", path.name.split(".")[0]))
        decisions = newsdesk_decisions(model, rows)
        base = [int(s >= baseline_threshold) for s in baseline_scores(model, rows)]
        labelings = {name: [int(r["label"]) for r in rows]}
        if all("label_faithful" in r for r in rows):
            labelings[f"{name}-faithful"] = [int(r["label_faithful"]) for r in rows]
        for label_name, labels in labelings.items():
            results[label_name] = {
                "bacc": rounded(balanced_accuracy(labels, decisions)),
                "baseline_bacc": rounded(balanced_accuracy(labels, base)),
                "n": len(rows),
                "positives": sum(labels),
            }
        print(f"  {name}: {len(rows)} rows, {time.time() - started:.0f}s", file=sys.stderr)

    cold, warm, n_claims = speed(model, args.claims)

    print()
    print(
        f"support model threshold {model.threshold:.2f}; baseline cosine threshold "
        f"{baseline_threshold:.3f} (pooled val cuts)"
    )
    header = f"{'dataset':<30} {'n':>5} {'pos':>4} {'newsdesk':>9} {'baseline':>9}  published"
    print(header)
    print("-" * len(header))
    for name, r in results.items():
        note = PUBLISHED.get(name, TRAINED_ON.get(name, ""))
        print(
            f"{name:<30} {r['n']:>5} {r['positives']:>4} {percent(r['bacc']):>9} "
            f"{percent(r['baseline_bacc']):>9}  {note}"
        )
    print(
        "(balanced accuracy, %, summary level; test cut where the set has one; "
        "'-faithful': Polytope scored on label_faithful, omissions not counted as errors)"
    )
    print(
        f"speed: {n_claims} claim sentences vs 50 sources: {cold:.0f}/s cold "
        f"(sources embedded in the timing), {warm:.0f}/s warm (sources already indexed)"
    )
    summary = {
        "datasets": {
            name: {"bacc": r["bacc"], "baseline_bacc": r["baseline_bacc"], "n": r["n"]}
            for name, r in results.items()
        },
        "sentences_per_s": round(warm, 1),
    }
    print(json.dumps(summary))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
