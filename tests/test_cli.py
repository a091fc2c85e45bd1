"""Every command is documented, and the CLI reports errors on one line."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import click
import pytest
from click.testing import CliRunner, Result

from newsdesk.cli import cli
from newsdesk.cli.render import counted
from newsdesk.config import Config, load_config
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
    assert invoke("run", "--site", str(tmp_path / "site")).exit_code == 0
    result = invoke("status")
    assert result.exit_code == 0
    assert "articles" in result.stdout and "84" in result.stdout
    assert "publish" in result.stdout


def test_stories_lists_and_shows(invoke: Callable[..., Result], tmp_path: Path) -> None:
    assert invoke("run", "--site", str(tmp_path / "site")).exit_code == 0
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
    import json

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
    import json

    assert invoke("run", "--site", str(tmp_path / "site")).exit_code == 0
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


def test_the_bundled_sample_never_joins_a_store_that_holds_other_articles(
    invoke: Callable[..., Result], tmp_path: Path
) -> None:
    mine = tmp_path / "mine.jsonl"
    mine.write_text(
        '{"id": "mine-1", "url": "https://news.example.org/1", "outlet": "Example News",'
        ' "published": "2024-05-01", "title": "Harbor bridge reopens",'
        ' "text": "The harbor bridge reopened on Wednesday after a year of repairs."}\n',
        encoding="utf-8",
    )
    assert invoke("import", str(mine)).exit_code == 0
    ran = invoke("run", "--site", str(tmp_path / "site"))
    assert ran.exit_code == 0, ran.output
    db = SQLiteStore(tmp_path / "newsdesk.db")
    articles = db.counts()["articles"]
    db.close()
    assert articles == 1


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
