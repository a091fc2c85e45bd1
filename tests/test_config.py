from pathlib import Path

import pytest

from newsdesk.config import SAMPLE_DUMP, load_config
from newsdesk.errors import ConfigError


def test_defaults_use_the_bundled_sample() -> None:
    config = load_config()
    assert config.dumps == (Path(str(SAMPLE_DUMP)),)
    assert Path(str(SAMPLE_DUMP)).is_file()


def test_settings_file_overrides_and_resolves_paths(tmp_path: Path) -> None:
    settings = tmp_path / "newsdesk.toml"
    settings.write_text(
        '[store]\ndatabase = "data/news.db"\n[ingest]\ndumps = ["a.jsonl"]\n'
        "[stories]\nthreshold = 1\nwindow_days = 2\n"
    )
    config = load_config(settings)
    assert config.store.database == tmp_path / "data" / "news.db"
    assert config.dumps == (tmp_path / "a.jsonl",)
    assert config.stories.threshold == 1.0
    assert config.stories.window_days == 2


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("[storis]\n", "unknown section [storis]"),
        ("[stories]\nwindow_days = 'two'\n", "[stories] 'window_days' must be int, got 'two'"),
        ("[stories\n", "not valid TOML"),
    ],
)
def test_bad_settings_are_one_line_errors(tmp_path: Path, content: str, message: str) -> None:
    settings = tmp_path / "newsdesk.toml"
    settings.write_text(content)
    with pytest.raises(ConfigError, match=message.replace("[", r"\[")) as info:
        load_config(settings)
    assert "\n" not in str(info.value)


def test_missing_settings_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="settings file not found"):
        load_config(tmp_path / "none.toml")


def test_shipped_settings_file_matches_the_defaults() -> None:
    from importlib import resources

    shipped = resources.files("newsdesk") / "settings.toml"
    path = Path(str(shipped))
    config = load_config(path)
    defaults = load_config()
    assert config.stories == defaults.stories
    assert config.write == defaults.write
    assert config.verify == defaults.verify
    assert config.publish.min_outlets == defaults.publish.min_outlets
