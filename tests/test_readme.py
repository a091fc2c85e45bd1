"""The README's examples run as written and print what the README shows."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from newsdesk.cli import cli

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def blocks(language: str = "") -> list[str]:
    """The README's fenced code blocks of ``language`` ("" for unlabelled ones)."""
    return re.findall(rf"^```{language}\n(.*?)^```", README, flags=re.M | re.S)


def test_the_check_example_prints_what_the_readme_shows(monkeypatch: pytest.MonkeyPatch) -> None:
    (block,) = [b for b in blocks() if b.startswith("$ newsdesk check ")]
    command, *shown = block.rstrip("\n").split("\n")
    monkeypatch.chdir(ROOT)
    result = CliRunner().invoke(cli, command.split()[2:], catch_exceptions=False)
    assert result.exit_code == 1  # something is flagged
    assert result.stdout.rstrip("\n").split("\n") == shown


@pytest.mark.slow
def test_the_library_example_runs_as_written(tmp_path: Path) -> None:
    (code,) = [b for b in blocks("python") if "newsdesk.check(" in b]
    shutil.copytree(ROOT / "tests" / "fixtures" / "planted", tmp_path / "tests/fixtures/planted")
    run = subprocess.run(
        [sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, timeout=900
    )
    assert run.returncode == 0, run.stderr[-2000:]
    summary = "{'claims': 12, 'supported': 8, 'contradicted': 2, 'unsupported': 2}"
    assert summary in run.stdout.splitlines()
    assert (tmp_path / "news.db").is_file() and (tmp_path / "public" / "index.html").is_file()
