"""Benchmark the support check on the factual-consistency sets and time it.

Usage (from the repository root)::

    .venv/bin/python bench/verify_benchmarks.py [--data FILE|FOLDER ...] [--sets NAME ...]
        [--limit N]

For every dataset (default: every ``*.jsonl[.gz]`` in ``../shared/data/consistency``,
then the roundup suite of ``../shared/data/clusters/allsides_fulltext``)
it reports summary-level balanced accuracy: the source document is the only
source, the whole summary is the claim, and newsdesk decides as it does in a
run (``SupportModel.check_sources``: retrieve spans per claim sentence, score,
compare with the stored threshold). Rows with a split field (``cut`` or
``split``) are evaluated on the test cut only; rows without one are all
evaluated. Beside it, in the same process: a baseline (for each claim
sentence the best MiniLM cosine with any source sentence, minimum over the
claim's sentences; threshold tuned on the pooled validation cuts of the
default sets) and the published SummaC figures where the test cut is the same.

SummaC's published figures tune a threshold per set on that set's val cut.
The same protocol is reported beside the stored threshold (``bacc_val_tuned``,
for newsdesk's probability and the baseline's cosine alike, on sets with a val
cut; the roundup suite's val cut is built from the val-split stories), and so
is ROC AUC, which needs no threshold at all.

A folder in the cluster schema (``articles.jsonl[.gz]`` + ``stories.jsonl``) is
read as a paraphrase suite (``roundups.py``): human roundup sentences of its
test-split stories that align with the stories' articles (positives) and one
controlled perturbation of each (entity, number, date swap or negation;
negatives), checked against *all* the story's articles as sources. It is
reported as ``allsides_roundups`` for ``allsides_fulltext``, ``FOLDER_roundups``
otherwise, with the share of each perturbation kind the check catches.

Then it times checking 1,000+ claim sentences against 50 sample articles,
cold (embedding the sources inside the timing) and warm (sources indexed,
new claims: a newsdesk run indexes a story's sources once and checks every
sentence against them); ``sentences_per_s`` is the warm figure, the table
shows both. The last line of output is one JSON object:
``{"datasets": {NAME: {"bacc", "baseline_bacc", "n", "bacc_val_tuned",
"baseline_bacc_val_tuned", "auc", "baseline_auc"}}, "sentences_per_s": float,
"speed_vs_trees": float, "cold_start_s": float, "cold_start_vs_trees": float}``;
a roundup set adds ``"kinds": {KIND: {"caught", "n"}}``.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import random
import subprocess
import sys
import time
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from benchdata import text_lines
from roundups import Example, build_suite, folder_files
from sklearn.metrics import roc_auc_score

from newsdesk.config import SAMPLE_DUMP
from newsdesk.dumps import parse_article
from newsdesk.language.support import SupportModel, claim_sentences, clean
from newsdesk.language.text import sentences
from newsdesk.records import Article
from newsdesk.verify.consistency import balanced_accuracy, cut_of, read_jsonl

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "data"
CONSISTENCY = SHARED / "consistency"
ROUNDUPS = SHARED / "clusters" / "allsides_fulltext"
"""The default roundup suite: AllSides stories with full article text (test split)."""

PUBLISHED = {
    "xsumfaith": "SummaC-ZS 58.4 / Conv 66.4 (AUC 58.0 / 70.2)",
    "polytope": "SummaC-ZS 62.0 / Conv 62.7 (AUC 60.3 / 62.4)",
}
"""SummaC (Laban et al. 2022, Table 2) test-cut balanced accuracy, thresholds tuned on each
set's val cut, and ROC AUC from the same notebook, where our cut is theirs."""
TRAINED_ON = {"cogensumm-sentence-pairs": "all rows are training data"}
"""Sets that ``training/train_support.py`` learns from in full: their scores are not test scores."""


@dataclass(frozen=True)
class Verdict:
    """newsdesk's decision on one row and the probability behind it."""

    passed: int
    score: float


def rounded(value: float) -> float | None:
    """Four decimals, or None (JSON null) when a set lacks one of the two classes."""
    return None if math.isnan(value) else round(value, 4)


def as_document(text: str) -> Article:
    digest = hashlib.sha1(text.encode("utf-8")).hexdigest()[:16]
    return Article(id=digest, url=f"doc:{digest}", outlet="doc", title="", text=text)


def sources_of(row: dict[str, Any]) -> list[Article]:
    """The articles a row's claim is checked against: a roundup row's story articles
    (``articles``), otherwise its one source document."""
    articles = row.get("articles")
    return list(articles) if articles else [as_document(row["source"])]


def source_key(row: dict[str, Any]) -> str:
    """Rows with the same key share their sources, so they are checked in one batch."""
    articles = row.get("articles")
    return "\n".join(a.id for a in articles) if articles else str(row["source"])


def source_sentences(row: dict[str, Any]) -> list[str]:
    """What the baseline compares a claim with: the source's sentences; for a roundup row,
    the titles and sentences of all the story's articles (the checker reads titles too)."""
    articles = row.get("articles")
    if not articles:
        return [clean(s.text) for s in sentences(row["source"])] or [clean(row["source"])]
    found = [clean(a.title) for a in articles if a.title.strip()]
    return found + [clean(s.text) for a in articles for s in sentences(a.text)]


def newsdesk_scores(model: SupportModel, rows: Sequence[dict[str, Any]]) -> list[Verdict]:
    """The checker's own verdict per row (1 when the whole summary is supported, at the
    stored threshold) and its probability that the summary is supported."""
    by_source: dict[str, list[int]] = defaultdict(list)
    for number, row in enumerate(rows):
        by_source[source_key(row)].append(number)
    verdicts = [Verdict(0, 0.0)] * len(rows)
    for numbers in by_source.values():
        sources = sources_of(rows[numbers[0]])
        checks = model.check_sources([rows[n]["claim"] for n in numbers], sources)
        for n, (check, _) in zip(numbers, checks, strict=True):
            verdicts[n] = Verdict(int(check.verdict == "pass"), check.score or 0.0)
    return verdicts


def baseline_scores(model: SupportModel, rows: Sequence[dict[str, Any]]) -> list[float]:
    """Best-sentence MiniLM cosine per claim sentence, minimum over the claim's sentences."""
    scores = []
    for row in rows:
        doc = source_sentences(row)
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


def auc(labels: Sequence[int], scores: Sequence[float]) -> float:
    """ROC AUC: how well the scores rank supported above unsupported, at any threshold
    (NaN when a class is absent)."""
    if len(set(labels)) < 2:
        return float("nan")
    return float(roc_auc_score(labels, scores))


def val_tuned(
    labels: Sequence[int],
    scores: Sequence[float],
    val_labels: Sequence[int],
    val_scores: Sequence[float],
) -> float | None:
    """Balanced accuracy on the test cut at the threshold that is best on the set's own
    validation cut: SummaC's protocol, so comparable with its published figures. None
    when the set has no validation cut with both classes."""
    if len(set(val_labels)) < 2:
        return None
    threshold = tune(val_labels, val_scores)
    return rounded(balanced_accuracy(labels, [int(s >= threshold) for s in scores]))


def has_val(folder: Path) -> bool:
    """Whether a folder in the cluster schema marks some stories as the ``val`` split."""
    _, stories = folder_files(folder)
    return any(json.loads(line).get("split") == "val" for line in text_lines(stories))


def roundup_name(folder: Path) -> str:
    """``allsides_roundups`` for the default folder, ``FOLDER_roundups`` for any other."""
    return "allsides_roundups" if folder.name == ROUNDUPS.name else f"{folder.name}_roundups"


def roundup_rows(
    folder: Path, limit: int | None, split: str = "test"
) -> tuple[list[dict[str, Any]], float]:
    """The folder's paraphrase suite as rows (the ``split`` stories; every row when there
    is no split), and the seconds it took to build."""
    articles, stories = folder_files(folder)
    started = time.perf_counter()
    suite: list[Example] = build_suite(articles, stories, {split}, limit)
    seconds = time.perf_counter() - started
    name = roundup_name(folder)
    rows = [
        {
            "dataset": name,
            "claim": e.claim,
            "label": e.label,
            "kind": e.kind,
            "articles": e.articles,
            "cut": split,
        }
        for e in suite
    ]
    return rows, seconds


def kind_recall(rows: Sequence[dict[str, Any]], decisions: Sequence[int]) -> dict[str, list[int]]:
    """Per perturbation kind: [negatives the check flagged, negatives]."""
    found: dict[str, list[int]] = {}
    for row, decision in zip(rows, decisions, strict=True):
        if int(row["label"]) == 0:
            counts = found.setdefault(str(row["kind"]), [0, 0])
            counts[0] += int(decision == 0)
            counts[1] += 1
    return dict(sorted(found.items()))


def sample(rows: list[dict[str, Any]], limit: int | None) -> list[dict[str, Any]]:
    if limit is None or len(rows) <= limit:
        return rows
    return random.Random(0).sample(rows, limit)


def speed(model: SupportModel, n_claims: int) -> tuple[float, float, int]:
    """Claim sentences per second against 50 sample articles: cold (sources not yet
    indexed) and warm (sources indexed, claims new)."""
    articles = sample_articles()
    rng = random.Random(1)
    rng.shuffle(articles)
    sources = articles[:50]
    pool = [s.text for a in articles for s in sentences(a.text) if len(s.text.split()) >= 5]
    rng.shuffle(pool)
    # Claims: real sentences (half from the 50 sources, half from other stories), cut in two
    # disjoint halves so the warm run embeds new claims.
    cold_claims, warm_claims = pool[:n_claims], pool[n_claims : 2 * n_claims]
    model.embed(["warm up the encoder"])
    if model.entailment is not None:
        model.entailment.predict([("warm up", "the cross-encoder")])
    start = time.perf_counter()
    model.check_sources(cold_claims, sources)
    cold = len(cold_claims) / (time.perf_counter() - start)
    start = time.perf_counter()
    model.check_sources(warm_claims, sources)
    warm = len(warm_claims) / (time.perf_counter() - start)
    return cold, warm, len(cold_claims)


def sample_articles() -> list[Article]:
    """The bundled copy of ../shared/data/sample, read as ``newsdesk import`` reads it."""
    return [parse_article(r) for r in read_jsonl(Path(str(SAMPLE_DUMP)))]


COLD_START = """
import sys
from pathlib import Path
from newsdesk.dumps import parse_article
from newsdesk.language.support import SupportModel
from newsdesk.verify.consistency import read_jsonl
from newsdesk.config import SAMPLE_DUMP
sources = [parse_article(r) for r in list(read_jsonl(Path(str(SAMPLE_DUMP))))[:3]]
claim = " ".join(sources[0].text.split()[:20])
model = SupportModel.installed(trees_only=sys.argv[1] == "trees")
model.check_sources([claim, "The minister resigned on Friday after the vote."], sources)
"""
"""A fresh process checks two claims against three sample articles: imports, the models'
loading and the first verdicts."""


def cold_start(trees_only: bool) -> float:
    """Seconds from a new interpreter to its first verdicts."""
    start = time.perf_counter()
    subprocess.run(
        [sys.executable, "-c", COLD_START, "trees" if trees_only else "installed"], check=True
    )
    return time.perf_counter() - start


@dataclass(frozen=True)
class Timings:
    """Speed of the installed model, and of the trees alone measured in the same run."""

    n_claims: int
    cold: float
    warm: float
    trees_warm: float
    cold_start_s: float
    trees_cold_start_s: float


def timings(model: SupportModel, n_claims: int) -> Timings:
    """Without a cross-encoder the model is the trees alone: each figure is measured once."""
    cold, warm, n = speed(model, n_claims)
    started = cold_start(trees_only=model.entailment is None)
    if model.entailment is None:
        return Timings(n, cold, warm, warm, started, started)
    trees_warm = speed(SupportModel(model.model_path, model.encoder), n_claims)[1]
    return Timings(n, cold, warm, trees_warm, started, cold_start(trees_only=True))


def percent(value: float | None) -> str:
    return "n/a" if value is None else f"{100 * value:.1f}"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--data",
        type=Path,
        nargs="+",
        help="consistency files, or folders in the cluster schema (a roundup suite each)",
    )
    parser.add_argument("--sets", nargs="+", help="evaluate only these datasets (table names)")
    parser.add_argument("--limit", type=int, help="evaluate at most N rows per dataset")
    parser.add_argument("--claims", type=int, default=1000, help="claim sentences to time")
    parser.add_argument(
        "--baseline-threshold",
        type=float,
        help="use this baseline cosine threshold instead of tuning it on the val cuts "
        "(the figure a default run prints; tuning embeds every val source)",
    )
    parser.add_argument(
        "--trees-only",
        action="store_true",
        help="leave the entailment cross-encoder out: the gradient-boosted trees decide alone",
    )
    args = parser.parse_args(argv)
    files = args.data or [
        *sorted(CONSISTENCY.glob("*.jsonl*")),
        *([ROUNDUPS] if ROUNDUPS.is_dir() else []),
    ]
    wanted = set(args.sets) if args.sets else None
    model = SupportModel.installed(trees_only=args.trees_only)
    started = time.time()

    # Baseline threshold: pooled validation cuts of the default sets.
    if args.baseline_threshold is None:
        val_rows = [
            r
            for path in sorted(CONSISTENCY.glob("*.jsonl*"))
            for r in read_jsonl(path)
            if cut_of(r) == "val"
        ]
        val_rows = sample(val_rows, None if args.limit is None else 4 * args.limit)
        labels = [int(r["label"]) for r in val_rows]
        baseline_threshold = tune(labels, baseline_scores(model, val_rows))
        threshold_note = "pooled val cuts"
    else:
        baseline_threshold, threshold_note = args.baseline_threshold, "given"

    results: dict[str, dict[str, Any]] = {}
    kinds: dict[str, dict[str, list[int]]] = {}
    built: dict[str, float] = {}
    for path in files:
        if path.is_dir():
            if wanted is not None and roundup_name(path) not in wanted:
                continue
            rows, built[roundup_name(path)] = roundup_rows(path, args.limit)
            val_rows = roundup_rows(path, args.limit, "val")[0] if has_val(path) else []
        else:
            rows = list(read_jsonl(path))
            val_rows = sample([r for r in rows if cut_of(r) == "val"], args.limit)
            if any(cut_of(r) is not None for r in rows):
                rows = [r for r in rows if cut_of(r) == "test"]
            rows = sample(rows, args.limit)
        if not rows:
            continue
        name = str(rows[0].get("dataset", path.name.split(".")[0]))
        if wanted is not None and name not in wanted:
            continue
        verdicts = newsdesk_scores(model, rows)
        decisions = [v.passed for v in verdicts]
        scores = [v.score for v in verdicts]
        base_scores = baseline_scores(model, rows)
        base = [int(s >= baseline_threshold) for s in base_scores]
        val_scores = [v.score for v in newsdesk_scores(model, val_rows)]
        val_base = baseline_scores(model, val_rows)
        labelings = {name: "label"}
        if all("label_faithful" in r for r in rows):
            labelings[f"{name}-faithful"] = "label_faithful"
        for label_name, field in labelings.items():
            labels = [int(r[field]) for r in rows]
            val_labels = [int(r[field]) for r in val_rows]
            results[label_name] = {
                "bacc": rounded(balanced_accuracy(labels, decisions)),
                "baseline_bacc": rounded(balanced_accuracy(labels, base)),
                "n": len(rows),
                "positives": sum(labels),
                "auc": rounded(auc(labels, scores)),
                "baseline_auc": rounded(auc(labels, base_scores)),
                "bacc_val_tuned": val_tuned(labels, scores, val_labels, val_scores),
                "baseline_bacc_val_tuned": val_tuned(labels, base_scores, val_labels, val_base),
            }
        if path.is_dir():
            kinds[name] = kind_recall(rows, decisions)
            caught = ", ".join(f"{k} {c}/{n}" for k, (c, n) in kinds[name].items())
            print(f"  {name}: built in {built[name]:.0f}s; caught {caught}", file=sys.stderr)
        print(f"  {name}: {len(rows)} rows, {time.time() - started:.0f}s", file=sys.stderr)

    timed = timings(model, args.claims)

    print()
    print(
        f"support model threshold {model.threshold:.2f}; baseline cosine threshold "
        f"{baseline_threshold:.3f} ({threshold_note})"
    )
    header = (
        f"{'dataset':<30} {'n':>5} {'pos':>4} {'newsdesk':>9} {'baseline':>9} "
        f"{'val-tuned':>10} {'baseline':>9} {'AUC':>6} {'baseline':>9}  published"
    )
    print(header)
    print("-" * len(header))
    for name, r in results.items():
        note = PUBLISHED.get(name, TRAINED_ON.get(name, ""))
        print(
            f"{name:<30} {r['n']:>5} {r['positives']:>4} {percent(r['bacc']):>9} "
            f"{percent(r['baseline_bacc']):>9} {percent(r['bacc_val_tuned']):>10} "
            f"{percent(r['baseline_bacc_val_tuned']):>9} {percent(r['auc']):>6} "
            f"{percent(r['baseline_auc']):>9}  {note}"
        )
    print(
        "(balanced accuracy, %, summary level; test cut where the set has one; newsdesk at "
        "its stored threshold, baseline at the pooled one; 'val-tuned': each at the threshold "
        "best on the set's own val cut, SummaC's protocol; AUC: threshold-free ranking; "
        "'-faithful': Polytope scored on label_faithful, omissions not counted as errors)"
    )
    for name, found in kinds.items():
        caught = ", ".join(f"{k} {100 * c / n:.0f}% of {n}" for k, (c, n) in found.items())
        print(
            f"{name}: roundup sentences vs all the story's articles, built in "
            f"{built[name]:.0f}s; negatives caught by kind: {caught or 'none'}"
        )
    print(
        f"speed: {timed.n_claims} claim sentences vs 50 sources: {timed.cold:.0f}/s cold "
        f"(sources embedded in the timing), {timed.warm:.0f}/s warm (sources already "
        f"indexed); trees alone, same run: {timed.trees_warm:.0f}/s warm "
        f"({timed.warm / timed.trees_warm:.2f}x)"
    )
    print(
        f"cold start (new process, models loaded, first verdicts): {timed.cold_start_s:.1f}s; "
        f"trees alone {timed.trees_cold_start_s:.1f}s"
    )
    summary = {
        "datasets": {
            name: {
                "bacc": r["bacc"],
                "baseline_bacc": r["baseline_bacc"],
                "n": r["n"],
                "bacc_val_tuned": r["bacc_val_tuned"],
                "baseline_bacc_val_tuned": r["baseline_bacc_val_tuned"],
                "auc": r["auc"],
                "baseline_auc": r["baseline_auc"],
                **(
                    {"kinds": {k: {"caught": c, "n": n} for k, (c, n) in kinds[name].items()}}
                    if name in kinds
                    else {}
                ),
            }
            for name, r in results.items()
        },
        "sentences_per_s": round(timed.warm, 1),
        "speed_vs_trees": round(timed.warm / timed.trees_warm, 3),
        "cold_start_s": round(timed.cold_start_s, 2),
        "cold_start_vs_trees": round(timed.cold_start_s / timed.trees_cold_start_s, 3),
    }
    print(json.dumps(summary))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
