"""Shared fixtures: the bundled sample, a fresh config per test, a CLI runner."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from newsdesk.cli import cli
from newsdesk.config import SAMPLE_DUMP, Config, load_config
from newsdesk.ingest import parse_article
from newsdesk.records import Article


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

    def run(*args: str, database: bool = True) -> Result:
        extra = ["--database", str(tmp_path / "newsdesk.db")] if database else []
        return CliRunner().invoke(cli, [*args, *extra], catch_exceptions=False)

    return run
