"""Benchmark story clustering: BCubed against labelled events, then speed and memory at scale.

Usage (from the repository root)::

    .venv/bin/python bench/stories.py [--data DIR ...] [--sizes N ...] [--device cpu|cuda]
    .venv/bin/python bench/stories.py --tune          # choose the settings on the train split

Quality: every labelled set is clustered as ONE stream in date order, as
articles would arrive (``newsdesk.stories.stream``: the same features, chunks
and clusterer as the stage; articles with no date are matched last against
every story, or take their story's date where the set's ``stories.jsonl``
gives one). Beside it, in the same process and on the same articles: the
baseline (TF-IDF + average-link agglomerative clustering over the whole set
at once, distance threshold tuned on the train split) and the previous
online TF-IDF clusterer (``newsdesk.stories.cluster``). Sets: the bundled
sample, the *test* split of ``allsides_fulltext`` (the settings were tuned on
its train split with ``--tune``) and all of ``allsides_2021_excerpts``.

Scale: the labelled articles replicated under new ids to 1k, 10k and 100k
articles, each size clustered in a fresh process that reports articles per
second and its peak RSS, at ``--per-day`` articles a day (2,000: a busy
newsroom). Each replica moves on to later days, so the window, not history,
bounds what is held, and the cost per article should stay flat. To grow the
set of open stories instead, ``--lanes`` replicas run side by side over the
same days, each seeing the features through its own rotation (``Lanes``).
The largest size runs twice more in ``--index-lanes`` lanes (40: some
30,000 open stories), with the index approximate (usearch) and then exact
throughout: the JSON's ``index`` gives both rates and how far their stories
agree (BCubed F1 of one against the other). MiniLM vectors are computed once per
distinct text and reused by the replicas, so the figures are clustering
rates; the embedding rate is measured and printed separately.

The last line of output is one JSON object:
``{"datasets": {NAME: {"bcubed_f1", "baseline_f1", "n", ...}},
"scale": {"1000": {"articles_per_s", "peak_rss_mb", ...}, ...},
"index": {"approximate_articles_per_s", "exact_articles_per_s", "agreement_f1", ...}}``.
"""

from __future__ import annotations

import argparse
import json
import math
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, replace
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
from sklearn.cluster import AgglomerativeClustering
from sklearn.feature_extraction.text import TfidfVectorizer

from newsdesk.config import StorySettings, load_config
from newsdesk.dumps import parse_article
from newsdesk.engine import Engine
from newsdesk.ingest.stage import IngestStage
from newsdesk.language.encoder import DIMENSIONS
from newsdesk.records import Article
from newsdesk.store import open_store
from newsdesk.stories import cluster
from newsdesk.stories.clusterer import Clusterer, Params, day_number
from newsdesk.stories.embeddings import Embedder, lead_text, title_text
from newsdesk.stories.evaluation import (
    Labelled,
    article_file,
    bcubed,
    labelled_lines,
    read_labelled,
)
from newsdesk.stories.features import Features, has_text
from newsdesk.stories.stage import StoriesStage
from newsdesk.stories.stream import Tracker, cluster_features, stream_features, stream_order
from newsdesk.stories.terms import BUCKETS, TermVector, words_text

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "data"
FULLTEXT = SHARED / "clusters" / "allsides_fulltext"
EXCERPTS = SHARED / "clusters" / "allsides_2021_excerpts"
DEFAULT_DATA = (SHARED / "sample", FULLTEXT, EXCERPTS)
TEST_SPLIT = {"allsides_fulltext": "test"}
"""Sets whose settings were tuned on another split: only this split is reported."""

BASELINE_DISTANCE = 0.75
"""Cosine distance threshold of the agglomerative baseline, tuned on the train split."""
TFIDF_THRESHOLD, TFIDF_WINDOW = 0.15, 1
"""The previous online TF-IDF clusterer's shipped settings."""
DEFAULT_SIZES = (1000, 10_000, 100_000)
PER_DAY = 2000
LANES = 1
"""Copies of the stream interleaved over the same days (``Lanes``) in the scale runs."""
INDEX_LANES = 40
"""Lanes of the index comparison: 80,000 articles a day, some 30,000 open stories."""


# --------------------------------------------------------------------------- data


@dataclass
class Dataset:
    name: str
    labelled: Labelled

    @property
    def articles(self) -> list[Article]:
        return [a for a in self.labelled.articles if has_text(a)]


def load(folder: Path, split: str | None = None) -> Dataset:
    """A labelled set: ``split`` of a set tuned on another split (``TEST_SPLIT``), by
    default the one reported; every article of any other set."""
    name = folder.name if folder.is_dir() else folder.stem
    split = (split or TEST_SPLIT[name]) if name in TEST_SPLIT else None
    labelled = read_labelled(folder, split)
    for problem in labelled.problems[:5]:
        print(f"  {problem}", file=sys.stderr)
    return Dataset(f"{name} ({split})" if split else name, labelled)


def embedder_with_cache(device: str, cache: Path | None) -> Embedder:
    embedder = Embedder(device, capacity=10**7)
    if cache is not None and cache.is_file():
        stored = np.load(cache)
        embedder.remember([row.tobytes() for row in stored["keys"]], stored["vectors"])
    return embedder


def save_cache(embedder: Embedder, cache: Path | None) -> None:
    if cache is None:
        return
    keys, vectors = embedder.cached()
    cache.parent.mkdir(parents=True, exist_ok=True)
    with cache.open("wb") as handle:
        rows = np.frombuffer(b"".join(keys), dtype=np.uint8).reshape(len(keys), -1)
        np.savez(handle, keys=rows, vectors=vectors)


# --------------------------------------------------------------------------- systems


def document(article: Article) -> str:
    return words_text(article)


def baseline(articles: Sequence[Article], distance: float = BASELINE_DISTANCE) -> dict[str, str]:
    """TF-IDF + average-link agglomerative clustering of the whole set at once (no time)."""
    if len(articles) < 2:
        return {a.id: a.id for a in articles}
    matrix = TfidfVectorizer(sublinear_tf=True, stop_words="english").fit_transform(
        [document(a) for a in articles]
    )
    labels = AgglomerativeClustering(
        n_clusters=None, metric="cosine", linkage="average", distance_threshold=distance
    ).fit_predict(matrix.toarray())
    return {a.id: f"c{label}" for a, label in zip(articles, labels, strict=True)}


def ours(
    articles: Sequence[Article],
    params: Params,
    embedder: Embedder,
    features: Mapping[str, Features] | None = None,
    names: bool = False,
) -> dict[str, str]:
    ordered = stream_order(articles)
    if features is None:
        features = stream_features(ordered, embedder, names=names)
    return cluster_features(ordered, features, params).assignment


def scores(predicted: Mapping[str, str], gold: Mapping[str, str]) -> dict[str, float]:
    return {k: round(v, 4) for k, v in bcubed(predicted, gold).items()}


# --------------------------------------------------------------------------- quality


def quality(
    data: Sequence[Path], params: Params, embedder: Embedder, split: str | None = None
) -> dict[str, Any]:
    results: dict[str, Any] = {}
    print(f"\n{'dataset':<34} {'n':>5} {'events':>6}  {'system':<22} {'P':>6} {'R':>6} {'F1':>6}")
    for folder in data:
        dataset = load(folder, split)
        articles, gold = dataset.articles, dataset.labelled.gold
        started = time.perf_counter()
        features = stream_features(stream_order(articles), embedder)
        embedded = time.perf_counter() - started
        started = time.perf_counter()
        mine = scores(ours(articles, params, embedder, features), gold)
        clustered = time.perf_counter() - started
        base = scores(baseline(articles), gold)
        old = scores(cluster(articles, threshold=TFIDF_THRESHOLD, window_days=TFIDF_WINDOW), gold)
        events = len({gold[a.id] for a in articles})
        for system, figures in (
            ("newsdesk", mine),
            ("baseline: tfidf+agglom.", base),
            ("previous: online tfidf", old),
        ):
            name = dataset.name if system == "newsdesk" else ""
            size = str(len(articles)) if system == "newsdesk" else ""
            count = str(events) if system == "newsdesk" else ""
            print(
                f"{name:<34} {size:>5} {count:>6}  {system:<22} {figures['precision']:>6.3f}"
                f" {figures['recall']:>6.3f} {figures['f1']:>6.3f}"
            )
        undated = sum(1 for a in articles if not a.published)
        print(
            f"{'':<34} {'':>5} {'':>6}  undated {undated}, dated by their story"
            f" {dataset.labelled.dated_by_story}; features {embedded:.1f}s,"
            f" clustering {clustered:.1f}s"
        )
        results[dataset.name] = {
            "bcubed_f1": mine["f1"],
            "baseline_f1": base["f1"],
            "n": len(articles),
            "precision": mine["precision"],
            "recall": mine["recall"],
            "baseline_precision": base["precision"],
            "baseline_recall": base["recall"],
            "previous_tfidf_f1": old["f1"],
        }
    return results


# --------------------------------------------------------------------------- dates


def undated_figures(data: Sequence[Path]) -> dict[str, Any]:
    """How well a hidden date is found again: for every dated article of ``data``, its date
    is hidden and ``language.dating.date_of`` reads the URL, then the text. Reports the
    share given a date, the share of those on the right day and within a day, and each
    source's share (url, text)."""
    given = correct = near = 0
    total = 0
    by_source: dict[str, int] = {}
    today = datetime.now(UTC).date()
    for folder in data:
        for _, line in labelled_lines(article_file(folder)):
            try:
                record = json.loads(line)
                article = parse_article({**record, "published": None, "date": None}, today=today)
                truth = date.fromisoformat(str(record.get("published") or "")[:10])
            except (ValueError, TypeError):
                continue
            total += 1
            if article.published is None or article.date_source is None:
                continue
            given += 1
            by_source[article.date_source] = by_source.get(article.date_source, 0) + 1
            found = date.fromisoformat(article.published)
            correct += found == truth
            near += abs((found - truth).days) <= 1
    return {
        "articles": total,
        "dated_share": round(given / total, 4) if total else None,
        "correct_share": round(correct / given, 4) if given else None,
        "within_a_day_share": round(near / given, 4) if given else None,
        "by_source": by_source,
    }


def daily_batches(folder: Path, split: str | None = None) -> dict[str, Any]:
    """BCubed of the set fed to the real stages one day at a time, as a newsroom sees the
    news: each day's articles are imported and clustered in a run of their own over one
    store (the undated last, in a run of their own), then the stored stories are scored."""
    dataset = load(folder, split)
    by_day: dict[str, list[Article]] = {}
    for article in dataset.articles:
        by_day.setdefault(article.published or "~undated", []).append(article)
    with tempfile.TemporaryDirectory() as scratch:
        root = Path(scratch)
        config = load_config(database=root / "news.db")
        store = open_store(root / "news.db")
        try:
            for number, day in enumerate(sorted(by_day)):
                dump = root / f"day-{number}.jsonl"
                dump.write_text(
                    "".join(json.dumps(_record(a)) + "\n" for a in by_day[day]), encoding="utf-8"
                )
                Engine(store, config).run([IngestStage([dump]), StoriesStage()])
            predicted = {a: s.id for s in store.stories() for a in s.article_ids}
        finally:
            store.close()
    gold = {a.id: dataset.labelled.gold[a.id] for a in dataset.articles if a.id in predicted}
    figures = scores(predicted, gold)
    return {
        "bcubed_f1": figures["f1"],
        "precision": figures["precision"],
        "recall": figures["recall"],
        "days": len(by_day),
        "n": len(gold),
    }


def _record(article: Article) -> dict[str, Any]:
    return {
        "id": article.id,
        "url": article.url,
        "outlet": article.outlet,
        "title": article.title,
        "text": article.text,
        "published": article.published,
        "lang": article.lang,
    }


# --------------------------------------------------------------------------- tuning


def tune(embedder: Embedder, cache: Path | None = None) -> dict[str, Any]:
    """Grid search on the train split of allsides_fulltext, coordinate by coordinate."""
    dataset = load(FULLTEXT, "train")
    articles, gold = dataset.articles, dataset.labelled.gold
    print(f"tuning on {dataset.name}: {len(articles)} articles", file=sys.stderr)
    ordered = stream_order(articles)
    features = stream_features(ordered, embedder, names=True)
    save_cache(embedder, cache)
    plain = {k: replace(f, names=None) for k, f in features.items()}

    def f1(params: Params) -> float:
        chosen = features if params.names_weight else plain
        return bcubed(cluster_features(ordered, chosen, params).assignment, gold)["f1"]

    trials: list[tuple[float, dict[str, Any]]] = []

    def best_of(base: Params, grid: Sequence[dict[str, Any]]) -> Params:
        ranked = []
        for change in grid:
            params = replace(base, **change)
            value = f1(params)
            trials.append((value, change))
            ranked.append((value, -len(trials), params))
            print(f"  {value:.4f}  {change}", file=sys.stderr)
        return max(ranked, key=lambda r: (r[0], r[1]))[2]

    params = replace(Params(), merge_threshold=math.inf, move_margin=math.inf, names_weight=0.0)
    weights = [
        {"lead_weight": 0.2, "title_weight": 0.2, "words_weight": 0.6},
        {"lead_weight": 0.25, "title_weight": 0.25, "words_weight": 0.5},
        {"lead_weight": 0.15, "title_weight": 0.15, "words_weight": 0.7},
        {"lead_weight": 0.3, "title_weight": 0.1, "words_weight": 0.6},
        {"lead_weight": 0.4, "title_weight": 0.2, "words_weight": 0.4},
        {"lead_weight": 0.6, "title_weight": 0.4, "words_weight": 0.0},
        {"lead_weight": 0.0, "title_weight": 0.0, "words_weight": 1.0},
    ]
    grid = [
        {**w, "threshold": t, "undated_threshold": u}
        for w in weights
        for t in (0.18, 0.22, 0.26, 0.3, 0.34, 0.38, 0.42, 0.5)
        for u in (0.25, 0.3, 0.35, 0.4, 0.45, 0.55)
    ]
    params = best_of(params, grid)
    params = best_of(params, [{"window_days": d} for d in (0, 1, 2, 3)])
    # Ties go to the earlier trial: the lowest merge threshold that scores as well as
    # none, so stories that clearly are one event still merge.
    params = best_of(
        params, [{"merge_threshold": m} for m in (0.25, 0.3, 0.35, 0.4, 0.5, math.inf)]
    )
    params = best_of(params, [{"move_margin": m} for m in (math.inf, 0.0, 0.02, 0.05, 0.1)])
    params = best_of(params, [{"names_weight": n} for n in (0.0, 0.05, 0.1, 0.2)])
    near = [p for p in (params.threshold - 0.02, params.threshold + 0.02) if p > 0]
    params = best_of(params, [{"threshold": t} for t in (params.threshold, *near)])
    train = bcubed(
        cluster_features(ordered, features if params.names_weight else plain, params).assignment,
        gold,
    )
    distances = [round(0.5 + 0.05 * i, 2) for i in range(10)]
    base_scores = {d: bcubed(baseline(articles, d), gold)["f1"] for d in distances}
    distance = max(base_scores, key=lambda d: (base_scores[d], -d))
    previous = bcubed(cluster(articles, threshold=TFIDF_THRESHOLD, window_days=TFIDF_WINDOW), gold)
    chosen = {
        k: v
        for k, v in asdict(params).items()
        if k not in {"candidates", "ann_min_stories", "near_duplicate"}
    }
    print("\nchosen settings (train split of allsides_fulltext):")
    for key, value in chosen.items():
        print(f"  {key} = {value}")
    print(
        f"  train BCubed P {train['precision']:.3f} R {train['recall']:.3f} F1 {train['f1']:.3f}"
        f" over {len(trials)} trials"
    )
    print(f"baseline distance threshold {distance}: train F1 {base_scores[distance]:.3f}")
    print(f"previous online TF-IDF (0.15, 1 day): train F1 {previous['f1']:.3f}")
    return {
        "settings": {k: (None if v == math.inf else v) for k, v in chosen.items()},
        "train_f1": round(train["f1"], 4),
        "baseline_distance": distance,
        "baseline_train_f1": round(base_scores[distance], 4),
        "previous_train_f1": round(previous["f1"], 4),
        "trials": len(trials),
    }


# --------------------------------------------------------------------------- scale


def base_stream(data: Sequence[Path], per_day: int) -> list[tuple[Article, int]]:
    """The labelled articles once, in date order, each with its day in the replicated timeline.

    With ``per_day`` the order is kept and ``per_day`` articles fall on each
    day; without it the real dates are kept (undated articles take the last
    day, as an import would date them).
    """
    seen: set[str] = set()
    articles: list[Article] = []
    for folder in data:
        for article in read_all(folder):
            if article.id not in seen and has_text(article):
                seen.add(article.id)
                articles.append(article)
    ordered = stream_order(articles)
    if per_day:
        return [(a, n // per_day) for n, a in enumerate(ordered)]
    days = [day_number(a.published) for a in ordered]
    first = min(d for d in days if d is not None)
    last = max(d for d in days if d is not None)
    return [(a, (last if d is None else d) - first) for a, d in zip(ordered, days, strict=True)]


def read_all(folder: Path) -> list[Article]:
    labelled = read_labelled(folder)
    return labelled.articles


def peak_rss_mb() -> float:
    """This process's peak resident memory (VmHWM: ``ru_maxrss`` of a child started by a big
    parent would report the parent's size, which Linux carries across exec)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


class Lanes:
    """Copies of the labelled stream that run side by side, each about events of its own.

    Replicas shifted in time never meet, so the open stories only ever number
    one replica's worth. To grow the active set as a busy newsroom would,
    ``count`` replicas ("lanes") share each stretch of days, and every lane but
    the first sees the features through its own transform: a random rotation
    of the MiniLM vectors and a random permutation of the word buckets (and
    its own salt on the copy shingles). Similarities within a lane are exactly
    the originals', so each lane clusters as the labelled data does, while a
    lane's articles look unrelated to another lane's.
    """

    def __init__(self, count: int, seed: int = 7) -> None:
        rng = np.random.default_rng(seed)
        self.count = count
        self.rotations: list[npt.NDArray[np.float32]] = []
        self.buckets: list[npt.NDArray[np.int32]] = []
        for _ in range(count - 1):
            q, r = np.linalg.qr(rng.standard_normal((DIMENSIONS, DIMENSIONS)))
            self.rotations.append((q * np.sign(np.diag(r))).astype(np.float32))
            self.buckets.append(rng.permutation(BUCKETS).astype(np.int32))

    def view(self, features: Features, lane: int, article_id: str) -> Features:
        if lane == 0:
            return replace(features, article_id=article_id)
        rotation, buckets = self.rotations[lane - 1], self.buckets[lane - 1]
        indices = buckets[features.words.indices]
        order = np.argsort(indices, kind="stable")
        shingles = features.shingles
        if shingles is not None:
            shingles = np.sort(shingles ^ np.uint32(0x9E3779B9 * lane % 2**32))
        return replace(
            features,
            article_id=article_id,
            lead=rotation @ features.lead,
            title=rotation @ features.title,
            words=TermVector(indices[order], features.words.weights[order]),
            shingles=shingles,
        )


def replicated(
    size: int, stream: Sequence[tuple[Article, int]], lanes: int, span: int
) -> list[tuple[Article, int, int, int]]:
    """``size`` steps of the replicated stream: (article, lane, replica number, day).

    Replicas come in eras of ``lanes``; an era's lanes are interleaved article
    by article over the same days, and each era starts ``span`` days after
    the one before.
    """
    steps = []
    per_era = lanes * len(stream)
    for n in range(size):
        era, rest = divmod(n, per_era)
        position, lane = divmod(rest, lanes)
        article, day = stream[position]
        steps.append((article, lane, era * lanes + lane, day + era * span))
    return steps


def scale_run(
    size: int,
    data: Sequence[Path],
    per_day: int,
    cache: Path,
    settings: StorySettings,
    lanes: int = 1,
    index: str = "auto",
    assignments: Path | None = None,
) -> dict[str, Any]:
    """Cluster ``size`` replicated articles in this process; time and peak memory.

    ``index`` is ``auto`` (as shipped: exact below ``ann_min_stories`` open
    stories, approximate above), ``exact`` or ``approximate`` whatever the
    count; ``assignments`` saves where every article went.
    """
    embedder = embedder_with_cache("cpu", cache)
    stream = base_stream(data, per_day)
    features = stream_features([a for a, _ in stream], embedder)
    if embedder.encoded:
        raise SystemExit(f"scale run: {embedder.encoded} texts were not in the embedding cache")
    span = max(d for _, d in stream) + 2 * settings.window_days + 2
    params = Params.of(settings)
    if index != "auto":
        params = replace(params, ann_min_stories=10**9 if index == "exact" else 1)
    view = Lanes(lanes)
    steps = replicated(size, stream, lanes, span)
    clusterer = Clusterer(params)
    tracker = Tracker()
    created = 0
    viewing = 0.0
    started = time.perf_counter()
    for article, lane, replica, day in steps:
        before = time.perf_counter()
        found = view.view(features[article.id], lane, f"{article.id}~{replica}")
        viewing += time.perf_counter() - before
        decision = clusterer.assign(found, day)
        created += decision.created
        if assignments is not None:
            tracker.record(decision)
    seconds = time.perf_counter() - started - viewing
    peak = peak_rss_mb()
    if assignments is not None:
        assignments.write_text(json.dumps(tracker.final()), encoding="utf-8")
    return {
        "articles_per_s": round(size / seconds, 1),
        "peak_rss_mb": round(peak, 1),
        "seconds": round(seconds, 2),
        "stories": created,
        "open_stories_peak": clusterer.peak_open,
        "approximate_index": clusterer.peak_open >= params.ann_min_stories,
        "lanes": lanes,
        "distinct_texts": len(stream),
    }


def scale(
    sizes: Sequence[int],
    data: Sequence[Path],
    per_day: int,
    embedder: Embedder,
    lanes: int,
    index_lanes: int,
) -> tuple[dict[str, Any], dict[str, Any], float]:
    """Each size in a fresh process (so that peak RSS is that size's), then the largest size
    again with the index exact and approximate throughout; and the embedding rate."""
    stream = base_stream(data, per_day)
    base = [a for a, _ in stream]
    texts = [lead_text(a) for a in base] + [title_text(a) for a in base]
    fresh = Embedder(embedder.device, embedder.batch_size)
    sample = texts[:256]
    started = time.perf_counter()
    fresh.embed(sample)
    embed_rate = len(sample) / 2 / (time.perf_counter() - started)
    embedder.embed(texts)
    results: dict[str, Any] = {}
    with tempfile.TemporaryDirectory() as folder:
        cache = Path(folder) / "embeddings.npz"
        save_cache(embedder, cache)

        def run(size: int, *extra: str, lanes: int = lanes) -> dict[str, Any]:
            command = [sys.executable, __file__, "--scale-run", str(size), "--cache", str(cache)]
            command += ["--per-day", str(per_day), "--lanes", str(lanes), *extra]
            command += ["--data", *map(str, data)]
            output = subprocess.run(command, check=True, capture_output=True, text=True).stdout
            figures: dict[str, Any] = json.loads(output.strip().splitlines()[-1])
            print(
                f"{size:>8} articles: {figures['articles_per_s']:>8.1f} articles/s,"
                f" peak RSS {figures['peak_rss_mb']:.0f} MB, {figures['stories']} stories,"
                f" at most {figures['open_stories_peak']} open"
                f"{' (approximate index)' if figures['approximate_index'] else ''}"
            )
            return figures

        for size in sizes:
            results[str(size)] = run(size)
        index: dict[str, Any] = {}
        largest = max(sizes, default=0)
        if largest:
            ann_file, exact_file = Path(folder) / "ann.json", Path(folder) / "exact.json"
            print(
                f"the index at {largest} articles in {index_lanes} lanes, approximate then"
                " exact throughout:"
            )
            ann = run(
                largest, "--index", "approximate", "--assignments", str(ann_file), lanes=index_lanes
            )
            exact = run(
                largest, "--index", "exact", "--assignments", str(exact_file), lanes=index_lanes
            )
            agreement = bcubed(
                json.loads(ann_file.read_text(encoding="utf-8")),
                json.loads(exact_file.read_text(encoding="utf-8")),
            )
            index = {
                "articles": largest,
                "lanes": index_lanes,
                "open_stories_peak": ann["open_stories_peak"],
                "approximate_articles_per_s": ann["articles_per_s"],
                "exact_articles_per_s": exact["articles_per_s"],
                "speedup": round(ann["articles_per_s"] / exact["articles_per_s"], 2),
                "agreement_f1": round(agreement["f1"], 4),
            }
            print(
                f"approximate index at {index['speedup']}x the exact one's rate with up to"
                f" {index['open_stories_peak']} open stories (it takes over from"
                f" {Params().ann_min_stories}); their stories agree at BCubed F1"
                f" {index['agreement_f1']}"
            )
    return results, index, embed_rate


# --------------------------------------------------------------------------- main


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--data", type=Path, nargs="+", help="labelled folders or files")
    parser.add_argument("--sizes", type=int, nargs="*", help="scale sizes (none: skip scale)")
    parser.add_argument("--device", default="cpu", help="embedding device: cpu or cuda")
    parser.add_argument("--tune", action="store_true", help="choose the settings on train")
    parser.add_argument(
        "--split",
        help="split of allsides_fulltext to report (default test; train is the tuning split)",
    )
    parser.add_argument("--cache", type=Path, help="embedding cache file (.npz) to reuse")
    parser.add_argument("--per-day", type=int, default=PER_DAY, help="scale: articles per day")
    parser.add_argument(
        "--lanes", type=int, default=LANES, help="scale: copies of the stream run side by side"
    )
    parser.add_argument(
        "--index-lanes",
        type=int,
        default=INDEX_LANES,
        help="lanes of the exact/approximate index comparison at the largest size",
    )
    parser.add_argument(
        "--no-daily", dest="daily", action="store_false", help="skip the daily-batch runs"
    )
    parser.add_argument("--scale-run", type=int, help=argparse.SUPPRESS)
    parser.add_argument(
        "--index", choices=("auto", "exact", "approximate"), default="auto", help=argparse.SUPPRESS
    )
    parser.add_argument("--assignments", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    settings = StorySettings()
    if args.scale_run:
        data = args.data or (FULLTEXT, EXCERPTS)
        figures = scale_run(
            args.scale_run,
            data,
            args.per_day,
            args.cache,
            settings,
            lanes=args.lanes,
            index=args.index,
            assignments=args.assignments,
        )
        print(json.dumps(figures))
        return 0
    embedder = embedder_with_cache(args.device, args.cache)
    if args.tune:
        tuned = tune(embedder, args.cache)
        save_cache(embedder, args.cache)
        print(json.dumps(tuned))
        return 0
    data = args.data or DEFAULT_DATA
    results = quality(data, Params.of(settings), embedder, args.split)
    save_cache(embedder, args.cache)
    sizes = DEFAULT_SIZES if args.sizes is None else args.sizes
    scale_figures: dict[str, Any] = {}
    index: dict[str, Any] = {}
    if sizes:
        scale_data = [p for p in data if p != SHARED / "sample"] or list(data)
        print(
            f"\nscale ({args.lanes} lanes of {args.per_day or 'real dates'} articles/day; MiniLM"
            " vectors computed once per distinct text and reused by the replicas):"
        )
        scale_figures, index, rate = scale(
            sizes, scale_data, args.per_day, embedder, args.lanes, args.index_lanes
        )
        print(f"embedding ({args.device}): {rate:.1f} articles/s (headline + lead, and headline)")
        save_cache(embedder, args.cache)
    batches = {}
    for folder in data:
        if args.daily and folder.name in ("sample", "allsides_fulltext"):
            name = load(folder, args.split).name
            batches[name] = daily_batches(folder, args.split)
            print(f"daily batches, {name}: {batches[name]}")
    undated = undated_figures([p for p in data if p.name != "sample"] or list(data))
    print(f"hidden dates found again: {undated}")
    summary: dict[str, Any] = {
        "datasets": results,
        "scale": scale_figures,
        "daily_batches": batches,
        "undated": undated,
    }
    if index:
        summary["index"] = index
    print(json.dumps(summary))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
