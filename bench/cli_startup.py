"""Benchmark the command line's start: ``newsdesk --help`` against a bare ``python -c pass``.

Usage (from the repository root)::

    .venv/bin/python bench/cli_startup.py [--runs N] [--args "run --help"]

Each run starts a new interpreter (``python -m newsdesk --help``, which
imports what the ``newsdesk`` script imports; output discarded) and times it
from start to exit, wall clock: what someone typing ``newsdesk --help``
waits for, the interpreter's own start included. The peer is
``python -c pass`` with the same interpreter, the floor no command goes
under. The two take turns run by run, so a burst of load on a shared
machine slows both, and each is reported as the median of N runs after one
warm-up run each (which fills the file cache). ``--args`` times another
command line instead of ``--help``, e.g. a subcommand's help page.

The last line of output is one JSON object:
``{"help_s": float, "python_s": float, "ratio": float}`` (``ratio`` is
``help_s / python_s``).
"""

from __future__ import annotations

import argparse
import json
import shlex
import statistics
import subprocess
import sys
import time
from collections.abc import Sequence


def wall_s(command: Sequence[str]) -> float:
    """Seconds from starting ``command`` to its exit; a failing command ends the benchmark."""
    start = time.perf_counter()
    subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
    return time.perf_counter() - start


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--runs", type=int, default=20, help="timed runs of each command")
    parser.add_argument("--args", default="--help", help="newsdesk's arguments (default: --help)")
    args = parser.parse_args(argv)
    if args.runs < 1:
        parser.error("--runs must be at least 1")

    newsdesk = [sys.executable, "-m", "newsdesk", *shlex.split(args.args)]
    python = [sys.executable, "-c", "pass"]
    wall_s(newsdesk), wall_s(python)  # warm-up: the file cache, not the measurement
    help_times, python_times = [], []
    for _ in range(args.runs):
        help_times.append(wall_s(newsdesk))
        python_times.append(wall_s(python))

    help_s, python_s = statistics.median(help_times), statistics.median(python_times)
    print(
        f"newsdesk {args.args}: median {help_s:.3f} s over {args.runs} runs"
        f" (min {min(help_times):.3f}, max {max(help_times):.3f})"
    )
    print(
        f"python -c pass: median {python_s:.3f} s"
        f" (min {min(python_times):.3f}, max {max(python_times):.3f})"
    )
    print(f"ratio: {help_s / python_s:.1f}")
    summary = {
        "help_s": round(help_s, 4),
        "python_s": round(python_s, 4),
        "ratio": round(help_s / python_s, 2),
    }
    print(json.dumps(summary))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
