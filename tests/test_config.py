import re
import tomllib
from dataclasses import fields, is_dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import pytest

from newsdesk.config import (
    AMBIGUOUS,
    SAMPLE_DUMP,
    SECTIONS,
    Config,
    IngestSettings,
    LLMSettings,
    apply_overrides,
    load_config,
)
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
        (
            "[stories]\nwindow_days = 'two'\n",
            "'window_days' must be an integer, not the string \"two\"",
        ),
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


SHIPPED = Path(str(resources.files("newsdesk") / "settings.toml"))


def test_shipped_settings_file_matches_every_default() -> None:
    """settings.toml shows each section's dataclass defaults, every section and key."""
    config = load_config(SHIPPED)
    defaults = Config()
    for section in fields(Config):
        shipped, default = getattr(config, section.name), getattr(defaults, section.name)
        if not is_dataclass(default):
            assert shipped == default, section.name
            continue
        for key in fields(default):
            expected = getattr(default, key.name)
            if isinstance(expected, Path):  # the loader resolves paths against the file's folder
                expected = SHIPPED.parent / expected
            elif isinstance(expected, tuple) and "Path" in str(key.type):
                expected = tuple(SHIPPED.parent / p for p in expected)
            actual = getattr(shipped, key.name)
            assert actual == expected, f"[{section.name}] {key.name}"
            assert type(actual) is type(expected), f"[{section.name}] {key.name}"


def test_shipped_settings_file_documents_every_key() -> None:
    data = tomllib.loads(SHIPPED.read_text(encoding="utf-8"))
    assert list(SECTIONS) == [f.name for f in fields(Config) if f.name != "feeds"]
    assert list(data) == list(SECTIONS)
    for name, cls in SECTIONS.items():
        keys = {f.name for f in fields(cls)}
        missing, extra = sorted(keys - set(data[name])), sorted(set(data[name]) - keys)
        assert not missing, f"[{name}] keys missing from settings.toml: {missing}"
        assert not extra, f"[{name}] unknown keys in settings.toml: {extra}"
        for key, value in data[name].items():  # written as the default's TOML type
            default = getattr(cls(), key)
            kind = (
                str
                if isinstance(default, Path)
                else list
                if isinstance(default, tuple)
                else type(default)
            )
            assert type(value) is kind, f"[{name}] {key}"


def test_colliding_names_are_listed() -> None:
    owners: dict[str, list[str]] = {}
    for section in SECTIONS.values():
        for f in fields(section):
            owners.setdefault(f.name, []).append(section.__name__)
    colliding = sorted(name for name, where in owners.items() if len(where) > 1)
    assert list(AMBIGUOUS) == colliding
    assert colliding == [
        "backoff_s",
        "base_url",
        "connect_timeout_s",
        "max_retries",
        "max_wait_s",
        "min_words",
    ]
    doc = " ".join((apply_overrides.__doc__ or "").split())
    for name in colliding:
        assert f"``{name}``" in doc


def test_qualified_override_sets_the_named_section(tmp_path: Path) -> None:
    config = load_config(
        overrides={
            "publish.base_url": "https://news.example/",
            "llm.base_url": "http://127.0.0.1:11434/v1",
            "store.database": tmp_path / "x.db",
            "write.min_words": 5,
            "fetch.backoff_s": 2,
        }
    )
    assert config.publish.base_url == "https://news.example/"
    assert config.llm.base_url == "http://127.0.0.1:11434/v1"
    assert config.store.database == tmp_path / "x.db"
    assert config.write.min_words == 5
    assert config.ingest.min_words == IngestSettings().min_words
    assert config.fetch.backoff_s == 2.0 and isinstance(config.fetch.backoff_s, float)
    assert config.ingest.backoff_s == IngestSettings().backoff_s
    assert config.llm.backoff_s == LLMSettings().backoff_s
    updated = apply_overrides(config, {"publish.site_dir": "out", "ingest.dumps": ["a.jsonl"]})
    assert updated.publish.site_dir == Path("out")
    assert updated.ingest.dumps == (Path("a.jsonl"),)
    assert updated.publish.base_url == "https://news.example/"


def test_qualified_override_wins_over_settings_file(tmp_path: Path) -> None:
    settings = tmp_path / "newsdesk.toml"
    settings.write_text('[publish]\nbase_url = "https://a.example/"\n')
    config = load_config(settings, {"publish.base_url": "https://b.example/"})
    assert config.publish.base_url == "https://b.example/"
    assert config.llm.base_url == ""


def test_bare_unique_key_still_works(tmp_path: Path) -> None:
    config = load_config(database=tmp_path / "n.db", site_dir=str(tmp_path / "site"))
    assert config.store.database == tmp_path / "n.db"
    assert config.publish.site_dir == tmp_path / "site"
    assert apply_overrides(config, site_title="Desk").publish.site_title == "Desk"
    assert apply_overrides(config, {"threshold": 0.5}).stories.threshold == 0.5


def test_none_overrides_are_ignored() -> None:
    config = load_config(overrides={"store.database": None}, database=None, base_url=None)
    assert config == load_config()


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        (
            {"base_url": "x"},
            "ambiguous setting 'base_url': say llm.base_url or publish.base_url",
        ),
        (
            {"backoff_s": 1.0},
            "ambiguous setting 'backoff_s': say ingest.backoff_s, fetch.backoff_s or llm.backoff_s",
        ),
        ({"databse": "x.db"}, "unknown setting 'databse'"),
        ({"store.databse": "x.db"}, "unknown setting [store] 'databse'; known: database"),
        ({"stor.database": "x.db"}, "unknown setting section 'stor' in 'stor.database'"),
        ({"feeds": ()}, "unknown setting 'feeds'"),
        (
            {"stories.window_days": "two"},
            "'window_days' must be an integer, not the string \"two\"",
        ),
        ({"window_days": True}, "[stories] 'window_days' must be an integer, not true"),
        ({"fetch.respect_robots": 1}, "'respect_robots' must be true or false, not the number 1"),
        ({"store.database": 3}, "'database' must be a string (a path), not the number 3"),
        (
            {"ingest.dumps": "a.jsonl"},
            "'dumps' must be an array of strings, not the string \"a.jsonl\"",
        ),
        ({"fetch.concurrency": 0}, "[fetch] 'concurrency' must be > 0"),
    ],
)
def test_bad_overrides_are_one_line_errors(overrides: dict[str, Any], message: str) -> None:
    with pytest.raises(ConfigError, match=re.escape(message)) as info:
        load_config(overrides=overrides)
    assert "\n" not in str(info.value)
    with pytest.raises(ConfigError, match=re.escape(message)) as info:
        apply_overrides(Config(), overrides)
    assert "\n" not in str(info.value)
    if "." not in next(iter(overrides)):
        with pytest.raises(ConfigError, match=re.escape(message)):
            load_config(**overrides)
