"""Benchmark newsdesk's page extraction against trafilatura called alone.

Usage (from the repository root)::

    .venv/bin/python bench/extraction.py [--data DIR] [--repeat N]

``DIR`` (default ``../shared/data/extraction``) holds the article-extraction
benchmark: ``html/<id>.html.gz`` pages and ``ground-truth.json``. Both
systems read the same gzip-decoded bytes in the same process:

- **newsdesk**: ``newsdesk.ingest.extraction.extract_page``, exactly as ingest
  calls it (text plus title, author, date, language and canonical URL); a page
  it rejects as having no article text scores as an empty prediction;
- **trafilatura**: ``trafilatura.extract(html, include_comments=False)``, the
  call the benchmark's own ``extractors/run_trafilatura.py`` makes.

Accuracy is the benchmark's metric (its ``evaluate.py``, described in
``DIR/README.md``): ``\\w+`` tokens, multisets of 4-token shingles, per-page
TP/FP/FN normalised to sum to one, precision and recall averaged over pages,
F1 of the two averages. A whitespace-token bag F1 is printed beside it.
Speed is pages per second over all pages, the best of ``--repeat`` passes,
the two systems taking turns (the first pass also loads models, so at least
two are run).

The last line of output is one JSON object:
``{"newsdesk_f1", "trafilatura_f1", "newsdesk_pages_per_s", "trafilatura_pages_per_s"}``.
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import statistics
import sys
import time
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import trafilatura

from newsdesk.ingest.extraction import ExtractionError, extract_page

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data" / "extraction"
PUBLISHED_TRAFILATURA_F1 = 0.958
"""trafilatura 2.0.0 in the benchmark's README (181 pages)."""

_TOKEN = re.compile(r"\w+")
Scores = tuple[float, float, float]
Extractor = Callable[[bytes, str], str]


def shingles(text: str, n: int = 4) -> Counter[tuple[str, ...]]:
    """The benchmark's shingles: consecutive ``\\w+`` n-grams (one shorter one for a short text)."""
    tokens = _TOKEN.findall(text or "")
    return Counter(
        tuple(tokens[i : i + n]) for i in range(max(1, len(tokens) - n + 1)) if tokens[i : i + n]
    )


def matching(true: Counter[Any], pred: Counter[Any]) -> Scores:
    """TP, FP, FN over two multisets, normalised so that every page weighs the same."""
    tp = float(sum((true & pred).values()))
    fp = float(sum((pred - true).values()))
    fn = float(sum((true - pred).values()))
    total = tp + fp + fn
    return (tp / total, fp / total, fn / total) if total else (0.0, 0.0, 0.0)


def f1_of(pages: Sequence[Scores]) -> tuple[float, float, float]:
    """F1, precision and recall as the benchmark's ``evaluate.py`` computes them."""

    def precision(tp: float, fp: float, fn: float) -> float:
        return 1.0 if fp == fn == 0 else (0.0 if tp == fp == 0 else tp / (tp + fp))

    def recall(tp: float, fp: float, fn: float) -> float:
        return 1.0 if fp == fn == 0 else (0.0 if tp == fn == 0 else tp / (tp + fn))

    p = statistics.mean(precision(*s) for s in pages if s[0] + s[1] > 0)
    r = statistics.mean(recall(*s) for s in pages if s[0] + s[2] > 0)
    return 2 * p * r / (p + r), p, r


def shingle_f1(
    truth: Mapping[str, str], predicted: Mapping[str, str]
) -> tuple[float, float, float]:
    return f1_of([matching(shingles(truth[k]), shingles(predicted[k])) for k in truth])


def bag_f1(truth: Mapping[str, str], predicted: Mapping[str, str]) -> tuple[float, float, float]:
    """The same averaging over bags of whitespace tokens instead of shingles."""
    return f1_of(
        [matching(Counter(truth[k].split()), Counter(predicted[k].split())) for k in truth]
    )


def newsdesk(html: bytes, url: str) -> str:
    try:
        return extract_page(html, url, content_type="text/html; charset=utf-8").text
    except ExtractionError:
        return ""


def trafilatura_alone(html: bytes, url: str) -> str:
    return trafilatura.extract(html.decode("utf-8"), include_comments=False) or ""


def timed(
    extractors: Mapping[str, Extractor], pages: Mapping[str, tuple[bytes, str]], repeat: int
) -> dict[str, tuple[dict[str, str], float]]:
    """Each system's text per page and its best pages/s over ``repeat`` passes.

    The systems take turns pass by pass, so that a burst of load on the
    machine slows both rather than one.
    """
    best = dict.fromkeys(extractors, float("inf"))
    texts: dict[str, dict[str, str]] = {}
    for _ in range(repeat):
        for name, extractor in extractors.items():
            started = time.perf_counter()
            texts[name] = {key: extractor(html, url) for key, (html, url) in pages.items()}
            best[name] = min(best[name], time.perf_counter() - started)
    return {name: (texts[name], len(pages) / best[name]) for name in extractors}


def load(folder: Path) -> tuple[dict[str, str], dict[str, tuple[bytes, str]]]:
    """Ground-truth bodies and (html bytes, url) per page id."""
    truth_file = folder / "ground-truth.json"
    if not truth_file.is_file():
        sys.exit(f"error: {truth_file}: not found (give the benchmark folder with --data)")
    data = json.loads(truth_file.read_text(encoding="utf-8"))
    truth = {key: item.get("articleBody", "") for key, item in data.items()}
    pages = {}
    for key, item in data.items():
        with gzip.open(folder / "html" / f"{key}.html.gz", "rb") as handle:
            pages[key] = (handle.read(), item.get("url") or f"https://example.com/{key}")
    return truth, pages


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=DATA, help="benchmark folder")
    parser.add_argument("--repeat", type=int, default=5, help="timed passes (best one counts)")
    args = parser.parse_args(argv)
    truth, pages = load(args.data)
    repeat = max(2, args.repeat)
    systems = {"newsdesk": newsdesk, "trafilatura": trafilatura_alone}
    results = {
        name: (shingle_f1(truth, texts), bag_f1(truth, texts), speed)
        for name, (texts, speed) in timed(systems, pages, repeat).items()
    }
    print(f"{len(pages)} pages from {args.data}")
    print(f"{'system':<12} {'F1':>6} {'P':>6} {'R':>6} {'bag F1':>7} {'pages/s':>8}")
    for name, ((f1, p, r), (bag, _, _), speed) in results.items():
        print(f"{name:<12} {f1:6.3f} {p:6.3f} {r:6.3f} {bag:7.3f} {speed:8.1f}")
    print(f"published:   trafilatura 2.0.0 F1 {PUBLISHED_TRAFILATURA_F1}")
    print(
        json.dumps(
            {
                "newsdesk_f1": round(results["newsdesk"][0][0], 4),
                "trafilatura_f1": round(results["trafilatura"][0][0], 4),
                "newsdesk_pages_per_s": round(results["newsdesk"][2], 1),
                "trafilatura_pages_per_s": round(results["trafilatura"][2], 1),
            }
        )
    )


if __name__ == "__main__":
    main()
