"""Every command is documented, and the CLI reports errors on one line."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import click
import pytest
from click.testing import CliRunner, Result

from newsdesk.cli import cli, render
from newsdesk.cli.render import counted
from newsdesk.config import Config, load_config
from newsdesk.records import Lease
from newsdesk.store import SQLiteStore

COMMANDS = sorted(cli.commands)  # type: ignore[attr-defined]


def all_commands(group: click.Group, prefix: tuple[str, ...] = ()) -> dict[str, click.Command]:
    """Every command by its full name (``feeds add``), the groups' subcommands included."""
    found: dict[str, click.Command] = {}
    for name, command in group.commands.items():
        found[" ".join((*prefix, name))] = command
        if isinstance(command, click.Group):
            found.update(all_commands(command, (*prefix, name)))
    return found


EVERY_COMMAND = all_commands(cli)  # type: ignore[arg-type]


def test_the_documented_commands_exist() -> None:
    assert {"run", "import", "stories", "write", "check", "publish", "status"} <= set(COMMANDS)
    assert {"ingest", "feeds add", "feeds import", "feeds list"} <= set(EVERY_COMMAND)


@pytest.mark.parametrize("name", sorted(EVERY_COMMAND))
def test_every_command_has_help_with_an_example(name: str) -> None:
    command = EVERY_COMMAND[name]
    assert command.help, f"newsdesk {name} has no help text"
    result = CliRunner().invoke(cli, [*name.split(), "--help"])
    assert result.exit_code == 0
    assert "Example:" in result.output, f"newsdesk {name} --help lacks an Example: block"
    assert f"newsdesk {name}" in result.output.split("Example:", 1)[1]


def test_the_group_has_help_with_an_example() -> None:
    result = CliRunner().invoke(cli, ["--help"])
    assert result.exit_code == 0
    assert "newsdesk run" in result.output.split("Example:", 1)[1]


HEAVY = (
    "torch",
    "sklearn",
    "scipy",
    "numpy",
    "sentence_transformers",
    "spacy",
    "trafilatura",
    "usearch",
    "feedparser",
    "datasketch",
    "httpx",
)
"""What the stages load (seconds of imports): no help page may need any of it."""

HELP_PROBE = """
import contextlib, io, json, sys
from newsdesk.cli import cli

heavy, pages = json.loads(sys.argv[1]), json.loads(sys.argv[2])
loaded = {}
for page in pages:
    with contextlib.redirect_stdout(io.StringIO()):
        cli.main([*page, "--help"], prog_name="newsdesk", standalone_mode=False)
    loaded[" ".join(["newsdesk", *page, "--help"])] = sorted(m for m in heavy if m in sys.modules)
print(json.dumps(loaded))
"""


def test_help_pages_load_no_stage_library() -> None:
    """`newsdesk --help` and every `newsdesk COMMAND --help` answer without importing the
    stages' libraries, which is what keeps them quick (bench/cli_startup.py times it)."""
    pages = [[], *(name.split() for name in sorted(EVERY_COMMAND))]
    probe = subprocess.run(
        [sys.executable, "-c", HELP_PROBE, json.dumps(HEAVY), json.dumps(pages)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert probe.returncode == 0, probe.stderr[-2000:]
    loaded = json.loads(probe.stdout)
    assert len(loaded) == len(pages)
    assert {page: modules for page, modules in loaded.items() if modules} == {}


def test_every_option_has_help() -> None:
    for name, command in EVERY_COMMAND.items():
        for param in command.params:
            if isinstance(param, click.Option):
                assert param.help, f"newsdesk {name} {param.opts[0]} has no help"


def test_bad_settings_file_is_a_one_line_error(tmp_path: Path) -> None:
    settings = tmp_path / "newsdesk.toml"
    settings.write_text("[stories]\nthreshhold = 0.4\n")
    result = CliRunner().invoke(cli, ["status", "--config", str(settings)])
    assert result.exit_code == 2
    assert result.stderr.strip().splitlines() == [
        "error: unknown setting [stories] 'threshhold'; known: threshold, window_days, device"
    ]


@pytest.mark.slow
def test_status_after_run_shows_counts_and_stage_times(
    invoke: Callable[..., Result], tmp_path: Path
) -> None:
    assert invoke("run", "--sample", "--site", str(tmp_path / "site")).exit_code == 0
    result = invoke("status")
    assert result.exit_code == 0
    assert "articles" in result.stdout and "84" in result.stdout
    assert "publish" in result.stdout


def test_stories_lists_and_shows(invoke: Callable[..., Result], tmp_path: Path) -> None:
    assert invoke("run", "--sample", "--site", str(tmp_path / "site")).exit_code == 0
    listing = invoke("stories")
    assert listing.exit_code == 0
    story_id = next(w for w in listing.stdout.split() if w.startswith("s-"))
    shown = invoke("stories", story_id)
    assert shown.exit_code == 0
    assert "https://" in shown.stdout
    status = invoke("status", "--story", story_id)
    assert status.exit_code == 0
    assert "supported" in status.stdout
    missing = invoke("stories", "s-nope")
    assert missing.exit_code == 2
    assert "no story 's-nope'" in missing.stderr


FIXTURES = Path(__file__).parent / "fixtures" / "check"


def test_check_exit_codes_and_json(invoke: Callable[..., Result]) -> None:
    sources = str(FIXTURES / "sources.jsonl")
    flagged = invoke("check", str(FIXTURES / "article.md"), "--sources", sources)
    assert flagged.exit_code == 1
    assert f"{FIXTURES / 'article.md'}:" in flagged.stdout
    assert flagged.stdout.strip().splitlines()[-1].endswith("unsupported")
    faithful = invoke(
        "check", str(FIXTURES / "faithful.md"), "--sources", sources, "--format", "json"
    )
    assert faithful.exit_code == 0
    report = json.loads(faithful.stdout)
    assert report["summary"]["claims"] == report["summary"]["supported"] > 0


def test_check_bad_input_exits_2(invoke: Callable[..., Result], tmp_path: Path) -> None:
    missing = invoke(
        "check", str(tmp_path / "none.md"), "--sources", str(FIXTURES / "sources.jsonl")
    )
    assert missing.exit_code == 2
    assert missing.stderr.strip() == f"error: {tmp_path / 'none.md'}: file not found"
    neither = invoke("check")
    assert neither.exit_code == 2
    assert "give ARTICLE and --sources, or --story ID" in neither.stderr


def test_check_story_rechecks_a_stored_draft(invoke: Callable[..., Result], tmp_path: Path) -> None:
    assert invoke("run", "--sample", "--site", str(tmp_path / "site")).exit_code == 0
    story_id = next(w for w in invoke("stories").stdout.split() if w.startswith("s-"))
    result = invoke("check", "--story", story_id, "--format", "json")
    assert result.exit_code in (0, 1)
    report = json.loads(result.stdout)
    assert report["claims"]
    for claim in report["claims"]:
        assert claim["evidence"] or claim["verdict"] != "supported"


@pytest.mark.parametrize(
    "command",
    [
        ["stories"],
        ["status"],
        ["status", "--story", "s-1"],
        ["publish"],
        ["publish", "--format", "jekyll", "blog"],
        ["write"],
        ["feeds", "list"],
        ["check", "--story", "s-1"],
    ],
    ids=lambda command: "-".join(command),
)
def test_a_command_that_reads_the_store_never_creates_one(
    command: list[str], tmp_path: Path, invoke: Callable[..., Result]
) -> None:
    result = invoke(*command)
    assert result.exit_code == 2
    assert result.stderr.strip().splitlines() == [
        f"error: no newsdesk database at {tmp_path / 'newsdesk.db'}: run `newsdesk run` or "
        "`newsdesk import FILE` here first, or give --database PATH"
    ]
    assert not (tmp_path / "newsdesk.db").exists()


def test_counts_take_the_right_number() -> None:
    assert [counted(1, "article"), counted(2, "article"), counted(0, "story", "stories")] == [
        "1 article",
        "2 articles",
        "0 stories",
    ]


def test_init_writes_the_commented_defaults_and_never_overwrites(tmp_path: Path) -> None:
    path = tmp_path / "newsdesk.toml"
    runner = CliRunner()
    first = runner.invoke(cli, ["init", str(path)])
    assert first.exit_code == 0, first.output
    assert path.read_text("utf-8").startswith("# newsdesk settings with their defaults.")
    written, defaults = load_config(path), Config()
    assert (written.stories, written.verify, written.write) == (
        defaults.stories,
        defaults.verify,
        defaults.write,
    )
    assert written.publish.base_url == defaults.publish.base_url
    path.write_text("[publish]\nsite_title = 'Mine'\n", "utf-8")
    again = runner.invoke(cli, ["init", str(path)])
    assert again.exit_code == 2
    assert again.stderr.strip() == f"error: {path} already exists: edit it, or give another path"
    assert path.read_text("utf-8") == "[publish]\nsite_title = 'Mine'\n"


# -- one run at a time per database ----------------------------------------------------------

STARTED = r"started \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC"


def test_a_second_run_on_a_held_database_exits_at_once_with_one_line(
    invoke: Callable[..., Result], tmp_path: Path, sample_path: Path
) -> None:
    holder = SQLiteStore(tmp_path / "newsdesk.db")
    holder.start_run(lease_s=60)
    refused = invoke("run", "--dump", str(sample_path), "--site", str(tmp_path / "site"))
    assert refused.exit_code == 2
    assert re.fullmatch(
        rf"error: another run \(pid {os.getpid()}, {STARTED}\) holds this store;"
        r" add --wait to wait for it to end",
        refused.stderr.strip(),
    ), refused.stderr
    assert holder.counts()["articles"] == 0 and len(holder.runs()) == 1
    assert not (tmp_path / "site").exists()
    holder.close()


def test_an_import_told_to_wait_says_whom_for_and_runs_when_the_store_is_free(
    invoke: Callable[..., Result],
    tmp_path: Path,
    sample_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    holder = SQLiteStore(tmp_path / "newsdesk.db")
    held = holder.start_run(lease_s=60)
    waiting = render.waiting

    def then_finish(lease: Lease) -> None:
        waiting(lease)
        held.status = "finished"
        holder.finish_run(held)  # the holder ends while the import waits

    monkeypatch.setattr(render, "waiting", then_finish)
    result = invoke("import", str(sample_path), "--wait")
    assert result.exit_code == 0, result.output
    assert re.fullmatch(
        rf"waiting for run 1 \(pid {os.getpid()}, {STARTED}\)", result.stderr.strip()
    ), result.stderr
    assert "84 added" in result.stdout
    assert [(r.id, r.status) for r in holder.runs()] == [(2, "finished"), (1, "finished")]
    holder.close()


def test_status_shows_a_live_run_with_its_pid_and_a_lapsed_one_as_interrupted(
    invoke: Callable[..., Result], tmp_path: Path
) -> None:
    holder = SQLiteStore(tmp_path / "newsdesk.db")
    holder.start_run(lease_s=60)
    live = invoke("status")
    assert live.exit_code == 0
    assert f"run 1: running (pid {os.getpid()})" in live.stdout, live.stdout
    holder.db.execute("UPDATE run_lease SET heartbeat = heartbeat - 120, expires = expires - 120")
    lapsed = invoke("status")
    assert "run 1: interrupted" in lapsed.stdout and "running" not in lapsed.stdout
    holder.close()
