"""Benchmark the pipeline at scale: embed → cluster → write → verify, store by store and
with and without a Dask cluster, in one run.

Usage (from the repository root)::

    .venv/bin/python bench/scale.py                      # 20,000 articles, every config
    .venv/bin/python bench/scale.py --articles 2000 --configs sqlite,sqlite-dask-2

The articles of ``--data`` (default: ``allsides_fulltext``) are replicated under new ids
and URLs to ``--articles``, each replica moved ``REPLICA_SHIFT_DAYS`` further back so that
replicas never share a story window, its text ending in a line of its own so that no
replica is an exact copy; near-duplicate linking is turned off, so every replica is
ingested, clustered, written and gated as an article of its own. Replicas repeat
texts, so the per-text caches (sentence vectors, source indexes) help from the second
replica on: with ``--articles`` at or under the set's size, nothing repeats.

Each config runs the stages ``ingest, stories, write, verify`` (``newsdesk.run``) on a
fresh store in a fresh process (its peak RSS is that process's ``ru_maxrss``):

- ``sqlite``: SQLite, in process (the default newsdesk);
- ``postgres``: PostgreSQL (``--postgres URL``, or a throwaway cluster started as the
  tests start one), in process;
- ``sqlite-dask-1``, ``sqlite-dask-2``, ``postgres-dask-1``, ``postgres-dask-2``: the same
  with embedding, writing and gating on a ``distributed.LocalCluster`` of 1 or 2 single-threaded
  worker processes, started fresh for the config (their peak RSS is reported apart).

The encoder is measured in the same run on the same texts (``bench/embedding.py``): PyTorch
against the int8 ONNX export. The last line of output is one JSON object:
``{"articles": N, "configs": {NAME: {"articles_per_s", "peak_rss_mb", "stages":
{STAGE: {"seconds", "items_per_s"}}, "workers_peak_rss_mb"}}, "encoder": {"torch_per_s",
"onnx_per_s", "min_cosine", ...}}``.
"""

from __future__ import annotations

import argparse
import gzip
import json
import logging
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from datetime import date, timedelta
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
DEFAULT_DATA = REPO.parent / "shared" / "data" / "clusters" / "allsides_fulltext"
STAGES = ("ingest", "stories", "write", "verify")
CONFIGS = (
    "sqlite",
    "postgres",
    "sqlite-dask-1",
    "sqlite-dask-2",
    "postgres-dask-1",
    "postgres-dask-2",
)
REPLICA_SHIFT_DAYS = 1_600
"""Days each replica moves back: more than the set's span (2016-05 to 2020-07)."""


def articles_of(path: Path) -> Iterator[dict[str, Any]]:
    """The articles of a JSONL file (``.gz`` too) or of a folder's ``articles.jsonl[.gz]``."""
    if path.is_dir():
        path = next(p for p in (path / "articles.jsonl.gz", path / "articles.jsonl") if p.exists())
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                yield json.loads(line)


def replicated(records: Sequence[dict[str, Any]], total: int) -> Iterator[dict[str, Any]]:
    """``total`` articles: ``records`` again and again, each replica under new ids and URLs
    and ``REPLICA_SHIFT_DAYS`` further back."""
    for n in range(total):
        replica, index = divmod(n, len(records))
        record = dict(records[index])
        if replica:
            record["id"] = f"{record['id']}-r{replica}"
            record["url"] = f"{record['url']}#r{replica}"
            record["text"] = f"{record['text']}\n\nArchive copy {replica}."  # no exact copy
            if record.get("published"):
                day = date.fromisoformat(record["published"][:10])
                shifted = day - timedelta(days=REPLICA_SHIFT_DAYS * replica)
                record["published"] = shifted.isoformat()
        yield record


def child(args: argparse.Namespace) -> int:
    """One config in this process: the run's stages, then what each took."""
    from newsdesk import api
    from newsdesk.config import load_config

    config = load_config(
        database=args.database,
        site_dir=Path(args.database).parent / "site" if "://" not in args.database else None,
        dumps=(args.dump,),
        overrides={"compute.scheduler": args.scheduler or "", "ingest.near_duplicate": 1.01},
    )
    run = api.run(config, stages=STAGES)
    stages = {
        s.stage: {
            "seconds": round(s.wall_s, 2),
            "items_in": s.items_in,
            "items_per_s": round(s.items_in / s.wall_s, 1) if s.wall_s else None,
        }
        for s in run.stages
    }
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"status": run.status, "stages": stages, "peak_rss_mb": round(peak, 1)}))
    return 0


def run_config(name: str, dump: Path, folder: Path, postgres: str | None) -> dict[str, Any]:
    """Run ``name`` in a fresh process (and a fresh Dask cluster when it has one)."""
    database = str(folder / f"{name}.db")
    if name.startswith("postgres"):
        if postgres is None:
            return {"skipped": "no PostgreSQL"}
        database = fresh_database(postgres, "newsdesk_scale_" + name.replace("-", "_"))
    cluster = None
    command = [sys.executable, __file__, "--child", "--dump", str(dump), "--database", database]
    if "dask" in name:
        from distributed import LocalCluster

        workers = int(name.rsplit("-", 1)[1])
        cluster = LocalCluster(  # type: ignore[no-untyped-call]
            n_workers=workers,
            threads_per_worker=1,
            processes=True,
            dashboard_address=None,
            silence_logs=logging.ERROR,
        )
        command += ["--scheduler", cluster.scheduler_address]
    try:
        started = time.perf_counter()
        done = subprocess.run(command, capture_output=True, text=True, check=False)
        wall = time.perf_counter() - started
        if done.returncode != 0:
            return {"failed": done.stderr.strip().splitlines()[-1:]}
        found: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
        if cluster is not None:
            found["workers_peak_rss_mb"] = workers_peak_rss(cluster)
    finally:
        if cluster is not None:
            cluster.close()
    seconds = sum(s["seconds"] for s in found["stages"].values())
    found["articles_per_s"] = round(found["stages"]["ingest"]["items_in"] / seconds, 2)
    found["process_wall_s"] = round(wall, 1)
    return found


def workers_peak_rss(cluster: Any) -> list[float]:
    from distributed import Client

    with Client(cluster) as client:  # type: ignore[no-untyped-call]
        peaks = client.run(lambda: resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    return sorted(round(float(p), 1) for p in peaks.values())


def fresh_database(server: str, name: str) -> str:
    """An empty database ``name`` on ``server`` (dropped first if there), and its URL."""
    from urllib.parse import urlsplit

    import psycopg

    with psycopg.connect(server, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}"')
        connection.execute(f'CREATE DATABASE "{name}"')
    return urlsplit(server)._replace(path=f"/{name}").geturl()


def postgres_server(given: str | None) -> tuple[str | None, Any]:
    """``given``, else a throwaway cluster as the tests start one (``tests/postgres.py``)."""
    if given:
        return given, None
    sys.path.insert(0, str(REPO / "tests"))
    try:
        from postgres import Cluster  # type: ignore[import-not-found]

        cluster = Cluster()
    except Exception as error:  # no server here: the PostgreSQL configs are skipped
        print(f"PostgreSQL not available: {error}", file=sys.stderr)
        return None, None
    return cluster.url, cluster


def encoder_figures(data: Path, limit: int) -> dict[str, Any]:
    """PyTorch against the ONNX encoder on the same texts (``bench/embedding.py``)."""
    sys.path.insert(0, str(Path(__file__).parent))
    import embedding
    import numpy as np

    texts = embedding.read_texts(embedding.article_files(data), limit)
    encoders = {
        "torch": embedding.load(embedding.default_model(), "cpu", "float32"),
        "onnx": embedding.load_onnx(None),
    }
    rates, vectors = embedding.measure(encoders, texts, 64, 2)
    cosines = np.sum(vectors["torch"] * vectors["onnx"], axis=1)
    return {
        "texts": len(texts),
        "torch_per_s": round(rates["torch"], 1),
        "onnx_per_s": round(rates["onnx"], 1),
        "speedup": round(rates["onnx"] / rates["torch"], 2),
        "min_cosine": round(float(cosines.min()), 4),
        "mean_cosine": round(float(cosines.mean()), 4),
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="articles file or folder")
    parser.add_argument("--articles", type=int, default=20_000, help="articles, replicated")
    parser.add_argument("--configs", default=",".join(CONFIGS), help="comma-separated")
    parser.add_argument("--postgres", help="server URL (default: a throwaway cluster)")
    parser.add_argument("--encoder-texts", type=int, default=500, help="texts the encoders embed")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--dump", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--database", help=argparse.SUPPRESS)
    parser.add_argument("--scheduler", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        return child(args)
    names = [n.strip() for n in args.configs.split(",") if n.strip()]
    unknown = sorted(set(names) - set(CONFIGS))
    if unknown:
        parser.error(f"unknown config {unknown[0]!r}; known: {', '.join(CONFIGS)}")
    records = list(articles_of(args.data))
    postgres, server = (
        postgres_server(args.postgres) if any("postgres" in n for n in names) else (None, None)
    )
    results: dict[str, Any] = {}
    try:
        with tempfile.TemporaryDirectory(prefix="newsdesk-scale-") as temporary:
            folder = Path(temporary)
            dump = folder / "articles.jsonl"
            with dump.open("w", encoding="utf-8") as handle:
                for record in replicated(records, args.articles):
                    handle.write(json.dumps(record) + "\n")
            for name in names:
                results[name] = run_config(name, dump, folder, postgres)
                print(f"{name}: {json.dumps(results[name])}", flush=True)
    finally:
        if server is not None:
            server.stop()
    summary = {
        "articles": args.articles,
        "configs": results,
        "encoder": encoder_figures(args.data, args.encoder_texts),
    }
    print(json.dumps(summary))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
