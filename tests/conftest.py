"""Shared fixtures: the bundled sample, a fresh config per test, a CLI runner."""

from __future__ import annotations

import importlib.util
import json
import os
import sys
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

import pytest
from click.testing import CliRunner, Result
from hypothesis import settings

from browsing import browser, screenshots  # noqa: F401 (fixtures of the browser tests)
from newsdesk.cli import cli
from newsdesk.config import SAMPLE_DUMP, Config, load_config
from newsdesk.ingest import parse_article
from newsdesk.records import Article
from postgres import database, postgres_server, postgres_url  # noqa: F401 (store test fixtures)

# Hypothesis profiles, chosen by HYPOTHESIS_PROFILE: "default" (``make test``) runs a few
# examples per property; "ci" (``make test-fuzz``, and CI) runs many. Both are derandomized,
# so a run is repeatable and a result never depends on luck. "explore" (``make
# fuzz-explore``) runs more, random each time, to find new cases, and prints the blob that
# replays a failure: a case it finds becomes an ``@example``.
settings.register_profile(
    "default", max_examples=25, deadline=None, database=None, derandomize=True
)
settings.register_profile("ci", max_examples=300, deadline=None, database=None, derandomize=True)
settings.register_profile(
    "explore", max_examples=1000, deadline=None, database=None, derandomize=False, print_blob=True
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE") or "default")


@pytest.fixture(scope="session")
def sample_path() -> Path:
    return Path(str(SAMPLE_DUMP))


@pytest.fixture(scope="session")
def sample_records(sample_path: Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in sample_path.read_text(encoding="utf-8").splitlines()]


@pytest.fixture(scope="session")
def sample_articles(sample_records: list[dict[str, object]]) -> list[Article]:
    return [parse_article(r) for r in sample_records]


@pytest.fixture
def config(tmp_path: Path) -> Config:
    return load_config(database=tmp_path / "newsdesk.db", site_dir=tmp_path / "site")


@pytest.fixture
def invoke(tmp_path: Path) -> Callable[..., Result]:
    """Run ``newsdesk ARGS`` in-process against a database in ``tmp_path``."""

    def run(*args: str) -> Result:
        extra = ["--database", str(tmp_path / "newsdesk.db")]
        return CliRunner().invoke(cli, [*args, *extra], catch_exceptions=False)

    return run


BENCH = Path(__file__).resolve().parents[1] / "bench"


def load_bench(name: str) -> ModuleType:
    """``bench/NAME.py`` as a module. ``bench`` is a folder of scripts, not a package: a
    script finds its neighbours (``benchdata.py``) on ``sys.path`` as it would when run."""
    if str(BENCH) not in sys.path:
        sys.path.insert(0, str(BENCH))
    spec = importlib.util.spec_from_file_location(f"bench_{name}", BENCH / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses resolve annotations through sys.modules
    spec.loader.exec_module(module)
    return module
