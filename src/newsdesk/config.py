"""Settings: typed defaults, overridden by a ``newsdesk.toml``.

The defaults live in ``settings.toml`` beside this module, with a comment on
each key; ``newsdesk.toml`` needs only the keys it changes. Unknown sections
or keys are an error rather than silently ignored, so a typo cannot quietly
leave a default in force.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field, fields, replace
from importlib import resources
from pathlib import Path
from typing import Any

from newsdesk.errors import ConfigError

SAMPLE_DUMP = resources.files("newsdesk") / "sample" / "articles.jsonl"


@dataclass(frozen=True)
class StoreSettings:
    database: Path = Path("newsdesk.db")


@dataclass(frozen=True)
class IngestSettings:
    dumps: tuple[Path, ...] = ()


@dataclass(frozen=True)
class StorySettings:
    threshold: float = 0.15
    window_days: int = 1


@dataclass(frozen=True)
class WriteSettings:
    max_sentences: int = 10
    min_words: int = 8
    max_words: int = 60
    max_quotes: int = 3
    writer: str = "extractive"


@dataclass(frozen=True)
class LLMSettings:
    """An OpenAI-compatible chat-completions endpoint; the key is read from ``api_key_env``."""

    base_url: str = ""
    model: str = ""
    api_key_env: str = "NEWSDESK_LLM_API_KEY"


@dataclass(frozen=True)
class VerifySettings:
    min_coverage: float = 0.9
    max_rounds: int = 2
    min_kept: float = 0.6


@dataclass(frozen=True)
class PublishSettings:
    site_dir: Path = Path("site")
    site_title: str = "newsdesk"
    base_url: str = "http://localhost:8000/"
    min_outlets: int = 2


@dataclass(frozen=True)
class Config:
    """Everything a run needs to know. Build one with ``load_config`` or by hand."""

    store: StoreSettings = field(default_factory=StoreSettings)
    ingest: IngestSettings = field(default_factory=IngestSettings)
    stories: StorySettings = field(default_factory=StorySettings)
    write: WriteSettings = field(default_factory=WriteSettings)
    llm: LLMSettings = field(default_factory=LLMSettings)
    verify: VerifySettings = field(default_factory=VerifySettings)
    publish: PublishSettings = field(default_factory=PublishSettings)

    @property
    def dumps(self) -> tuple[Path, ...]:
        """The dumps to import: the configured ones, else the bundled sample."""
        return self.ingest.dumps or (Path(str(SAMPLE_DUMP)),)


def _section(cls: type, values: dict[str, Any], name: str, base: Path) -> Any:
    known = {f.name: f for f in fields(cls)}
    kwargs: dict[str, Any] = {}
    for key, value in values.items():
        if key not in known:
            raise ConfigError(f"unknown setting [{name}] {key!r}; known: {', '.join(known)}")
        default = getattr(cls(), key)
        try:
            if isinstance(default, Path):
                value = base / Path(value)
            elif isinstance(default, tuple):
                value = tuple(base / Path(v) for v in value)
            elif isinstance(default, bool) or not isinstance(value, type(default)):
                if isinstance(default, float) and isinstance(value, int):
                    value = float(value)
                else:
                    raise TypeError
        except TypeError:
            raise ConfigError(
                f"setting [{name}] {key!r} must be {type(default).__name__}, got {value!r}"
            ) from None
        kwargs[key] = value
    return cls(**kwargs)


def load_config(path: str | Path | None = None, **overrides: Any) -> Config:
    """Read ``path`` (default: ``./newsdesk.toml`` if it exists) over the defaults.

    ``overrides`` replace whole sections' fields, e.g.
    ``load_config(database="x.db", site_dir="out")``.
    """
    config = Config()
    if path is None and Path("newsdesk.toml").is_file():
        path = Path("newsdesk.toml")
    if path is not None:
        path = Path(path)
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise ConfigError(f"{path}: settings file not found") from None
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise ConfigError(f"{path}: not valid TOML: {exc}") from None
        base = path.parent
        sections = {f.name: f for f in fields(Config)}
        values: dict[str, Any] = {}
        for name, table in data.items():
            if name not in sections or not isinstance(table, dict):
                raise ConfigError(f"{path}: unknown section [{name}]; known: {', '.join(sections)}")
            values[name] = _section(type(getattr(config, name)), table, name, base)
        config = replace(config, **values)
    return apply_overrides(config, **overrides)


def apply_overrides(config: Config, **overrides: Any) -> Config:
    """Set single fields by name (``database=...``), wherever they live; ``None`` is ignored."""
    for key, value in overrides.items():
        if value is None:
            continue
        for section in fields(Config):
            current = getattr(config, section.name)
            if key in {f.name for f in fields(current)}:
                config = replace(config, **{section.name: replace(current, **{key: value})})
                break
        else:
            raise ConfigError(f"unknown setting {key!r}")
    return config
