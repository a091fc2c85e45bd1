"""Settings: typed defaults, overridden by a ``newsdesk.toml``.

The defaults live in ``settings.toml`` beside this module, with a comment on
each key; ``newsdesk.toml`` needs only the keys it changes. Unknown sections
or keys are an error rather than silently ignored, so a typo cannot quietly
leave a default in force.
"""

from __future__ import annotations

import ipaddress
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, is_dataclass, replace
from importlib import resources
from os import PathLike
from pathlib import Path
from typing import Any

from newsdesk.errors import ConfigError, InputError
from newsdesk.records import Feed

SAMPLE_DUMP = resources.files("newsdesk") / "sample" / "articles.jsonl"
SETTINGS_FILE = resources.files("newsdesk") / "settings.toml"
"""Every setting with its default and a comment on what it does."""


def write_settings(path: Path) -> Path:
    """Write the commented defaults (``settings.toml``) to ``path`` for a user to edit;
    an existing file is never overwritten (``InputError``)."""
    if path.exists():
        raise InputError(f"{path} already exists: edit it, or give another path")
    path.write_text(SETTINGS_FILE.read_text(encoding="utf-8"), encoding="utf-8")
    return path


@dataclass(frozen=True)
class StoreSettings:
    """Where the store is: a SQLite file (``database``, the embedded default), or a
    PostgreSQL server (``url``, ``postgresql://user@host/db``, which wins when set; a URL
    given as ``database`` is taken as ``url``)."""

    database: Path | str = Path("newsdesk.db")
    url: str = ""

    @property
    def location(self) -> Path | str:
        """What ``store.open_store`` opens: the URL when one is set, else the file."""
        return self.url or self.database

    @property
    def is_server(self) -> bool:
        """Whether the store is a server's (PostgreSQL), not a file this machine holds."""
        return "://" in str(self.location)


@dataclass(frozen=True)
class IngestSettings:
    """Dumps to import, and how feeds and pages are polled, read and de-duplicated.

    A feed is polled again ``poll_interval_s`` after a good poll; after ``n``
    failures in a row it waits ``backoff_s * 2**(n-1)``, at most
    ``max_backoff_s``. A page is tried ``page_attempts`` times, over as many
    polls, before its entry is given up. A new article is linked as a
    syndicated copy of a stored one when ``near_duplicate`` of the shorter
    text's word shingles occur in the other (see ``ingest/deduplication.py``).
    A feed is read up to its ``max_feed_elements``-th element, a page with more
    than ``max_page_elements`` is refused, and so is either with an element of
    more than ``max_attributes`` attributes (see ``ingest/markup.py``).
    """

    dumps: tuple[Path, ...] = ()
    poll_interval_s: float = 900.0
    backoff_s: float = 300.0
    max_backoff_s: float = 86400.0
    page_attempts: int = 3
    min_words: int = 20
    near_duplicate: float = 0.65
    snapshots: bool = True
    max_feed_elements: int = 20_000
    max_page_elements: int = 50_000
    max_attributes: int = 64

    def __post_init__(self) -> None:
        for name in ("max_feed_elements", "max_page_elements", "max_attributes"):
            if getattr(self, name) <= 0:
                raise ConfigError(f"setting [ingest] {name!r} must be > 0")


@dataclass(frozen=True)
class FetchSettings:
    """How newsdesk fetches feeds and pages from the web (see ``ingest/downloads.py``).

    Timeouts and waits are in seconds, ``max_bytes`` caps a body after
    decompression. ``per_host_delay_s`` is the least time between two requests
    to one host (a robots.txt Crawl-delay raises it, up to ``max_wait_s``).
    A poll takes at most ``max_entries_per_poll`` new entries from one feed.
    """

    user_agent: str = "newsdesk/0.1 (+https://github.com/newsdesk/newsdesk)"
    allow_networks: tuple[str, ...] = ()
    connect_timeout_s: float = 10.0
    read_timeout_s: float = 30.0
    total_timeout_s: float = 60.0
    max_bytes: int = 10_000_000
    max_redirects: int = 5
    max_retries: int = 3
    backoff_s: float = 1.0
    max_wait_s: float = 60.0
    concurrency: int = 16
    per_host_concurrency: int = 2
    per_host_delay_s: float = 1.0
    respect_robots: bool = True
    max_entries_per_poll: int = 200

    def __post_init__(self) -> None:
        """Refuse values that would make fetching hang or spin, at load time."""
        positive: tuple[str, ...] = ("connect_timeout_s", "read_timeout_s", "total_timeout_s")
        positive += ("max_bytes", "concurrency", "per_host_concurrency", "max_entries_per_poll")
        for name in positive:
            if getattr(self, name) <= 0:
                raise ConfigError(f"setting [fetch] {name!r} must be > 0")
        for name in ("max_redirects", "max_retries", "backoff_s", "max_wait_s", "per_host_delay_s"):
            if getattr(self, name) < 0:
                raise ConfigError(f"setting [fetch] {name!r} must be >= 0")
        for network in self.allow_networks:
            try:
                ipaddress.ip_network(network.strip(), strict=False)
            except ValueError:
                raise ConfigError(
                    f"setting [fetch] 'allow_networks': {network!r} is not a CIDR network"
                ) from None


DEVICES = ("cpu", "cuda")
"""Where MiniLM can run: the CPU, or an NVIDIA GPU (``cuda:N`` picks one of several)."""


@dataclass(frozen=True)
class StorySettings:
    """How articles are grouped into stories (see ``stories/clusterer.py``).

    An article joins the open story it is most similar to when the similarity
    (the mean over the story's articles of MiniLM and TF-IDF cosines) is at
    least ``threshold``, and only a story with an article within
    ``window_days`` of its date: the window moves with the story's newest
    article. The other weights and thresholds are ``stories.clusterer.Params``;
    all were tuned together on the train split of the AllSides full-text
    clusters (``bench/stories.py --tune``).
    """

    threshold: float = 0.3
    window_days: int = 1
    device: str = "cpu"
    """Where MiniLM embeds new articles: ``cpu``, or ``cuda`` on a machine with an NVIDIA GPU."""

    def __post_init__(self) -> None:
        """Refuse settings that cannot cluster anything, at load time."""
        if self.threshold < 0:
            raise ConfigError("setting [stories] 'threshold' must be >= 0")
        if self.window_days < 0:
            raise ConfigError("setting [stories] 'window_days' must be >= 0")
        if self.device not in DEVICES and not self.device.startswith("cuda:"):
            known = ", ".join(DEVICES)
            raise ConfigError(
                f"setting [stories] 'device' must be one of {known}, not {self.device!r}"
            )


@dataclass(frozen=True)
class WriteSettings:
    max_sentences: int = 10
    min_words: int = 8
    max_words: int = 60
    max_quotes: int = 3
    writer: str = "extractive"
    embeddings: bool = False
    roundups: bool = False
    roundup_stories: int = 2


@dataclass(frozen=True)
class LLMSettings:
    """An OpenAI-compatible chat-completions endpoint; the key is read from ``api_key_env``.

    ``token_budget`` caps the tokens (in + out) one run may spend, 0 for no cap;
    ``response_format`` is sent as ``{"type": ...}`` unless empty.
    """

    base_url: str = ""
    model: str = ""
    api_key_env: str = "NEWSDESK_LLM_API_KEY"
    temperature: float = 0.2
    max_tokens: int = 2048
    response_format: str = "json_object"
    timeout_s: float = 120.0
    connect_timeout_s: float = 10.0
    max_retries: int = 3
    backoff_s: float = 1.0
    max_wait_s: float = 60.0
    token_budget: int = 1_000_000
    price_in_per_mtok: float = 0.0
    price_out_per_mtok: float = 0.0


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
    language: str = "en"
    """The edition's language, a two-letter code: articles in others join a story only
    when their names, numbers, dates and links match it, and are otherwise listed as
    further coverage; no headline in another language is published."""

    def __post_init__(self) -> None:
        """Refuse a language that is not a two- or three-letter code (``en``, ``fr``)."""
        if not re.fullmatch(r"[a-z]{2,3}", self.language):
            raise ConfigError(
                f"setting [publish] 'language' must be a two-letter code such as \"en\","
                f" not {self.language!r}"
            )


_ENV_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


@dataclass(frozen=True)
class DeskSettings:
    """The editor's desk (``newsdesk desk``, see ``desk/``): where it listens, how long a
    sign-in lasts, how many failed sign-ins a user or an address may make in
    ``signin_window_minutes`` before it is refused (429), and which proxies it trusts to
    say the client's address and scheme (``X-Forwarded-For``, ``X-Forwarded-Proto``).

    The key that signs session cookies is never in a settings file: ``session_key_env``
    names the environment variable that holds it, as ``[llm] api_key_env`` does.
    ``approve_before_publish`` lists every new article in the queue, and publishing waits
    for an editor's approval of each story's current version (the publish stage passes
    it to ``publish.model.reviewed_off``). The queue lists ``queue_page_size`` stories a
    page (``/queue?page=N``).
    """

    host: str = "127.0.0.1"
    port: int = 8000
    session_key_env: str = "NEWSDESK_SESSION_KEY"
    session_hours: int = 12
    approve_before_publish: bool = False
    queue_page_size: int = 50
    max_failed_signins: int = 5
    signin_window_minutes: int = 15
    trusted_proxies: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        """Refuse values the desk cannot run with, at load time."""
        if not 0 <= self.port <= 65535:
            raise ConfigError(f"setting [desk] 'port' must be 0 to 65535, not {self.port}")
        for name in (
            "session_hours",
            "queue_page_size",
            "max_failed_signins",
            "signin_window_minutes",
        ):
            if getattr(self, name) <= 0:
                raise ConfigError(f"setting [desk] {name!r} must be > 0, not {getattr(self, name)}")
        if not _ENV_NAME.fullmatch(self.session_key_env):
            raise ConfigError(
                "setting [desk] 'session_key_env' must name an environment variable"
                f" (letters, digits, _), not {self.session_key_env!r}"
            )
        for proxy in self.trusted_proxies:
            try:
                ipaddress.ip_address(proxy.strip())
            except ValueError:
                raise ConfigError(
                    f"setting [desk] 'trusted_proxies': {proxy!r} is not an IP address"
                ) from None


@dataclass(frozen=True)
class ComputeSettings:
    """Where the stages' heavy, independent work runs (``compute.py``): in the run's own
    process when ``scheduler`` is empty, else on the Dask cluster whose scheduler has that
    address (``tcp://host:8786``); the run still stores every result itself."""

    scheduler: str = ""


@dataclass(frozen=True)
class Config:
    """Everything a run needs to know. Build one with ``load_config`` or by hand."""

    store: StoreSettings = field(default_factory=StoreSettings)
    ingest: IngestSettings = field(default_factory=IngestSettings)
    fetch: FetchSettings = field(default_factory=FetchSettings)
    stories: StorySettings = field(default_factory=StorySettings)
    write: WriteSettings = field(default_factory=WriteSettings)
    llm: LLMSettings = field(default_factory=LLMSettings)
    verify: VerifySettings = field(default_factory=VerifySettings)
    publish: PublishSettings = field(default_factory=PublishSettings)
    desk: DeskSettings = field(default_factory=DeskSettings)
    compute: ComputeSettings = field(default_factory=ComputeSettings)

    feeds: tuple[Feed, ...] = ()

    @property
    def dumps(self) -> tuple[Path, ...]:
        """The configured dumps, else the bundled sample: a corpus for tests and scripts.

        The pipeline does not fall back on the sample: it imports it only when
        asked (``newsdesk run --sample``, ``run(config, sample=True)``).
        """
        return self.ingest.dumps or (Path(str(SAMPLE_DUMP)),)


def _value(cls: type, name: str, key: str, value: Any, base: Path | None) -> Any:
    """``value`` for the field ``key`` of section ``[name]`` (class ``cls``), checked and
    coerced to the default's type: an int is taken for a float, a string for a path
    (relative paths are joined to ``base`` unless it is ``None``), a list of strings for a
    tuple. A wrong type is a one-line ``ConfigError``."""
    known = {f.name: f for f in fields(cls)}
    if key not in known:
        raise ConfigError(f"unknown setting [{name}] {key!r}; known: {', '.join(known)}")
    default = getattr(cls(), key)
    try:
        if isinstance(default, Path):
            if not isinstance(value, str | PathLike):
                raise TypeError
            if not (isinstance(value, str) and "://" in value):  # a URL is no path
                value = Path(value) if base is None else base / Path(value)
        elif isinstance(default, tuple):
            paths = "Path" in str(known[key].type)
            kinds: tuple[type, ...] = (str, PathLike) if paths else (str,)
            if not isinstance(value, list | tuple) or not all(isinstance(v, kinds) for v in value):
                raise TypeError
            if paths:
                value = tuple(Path(v) if base is None else base / Path(v) for v in value)
            else:
                value = tuple(value)
        elif isinstance(default, bool):
            if not isinstance(value, bool):
                raise TypeError
        elif not isinstance(value, type(default)) or isinstance(value, bool):
            if isinstance(default, float) and isinstance(value, int):
                value = float(value)
            else:
                raise TypeError
    except TypeError:
        raise ConfigError(
            f"setting [{name}] {key!r} must be {_toml_kind(default)}, not {_toml_value(value)}"
        ) from None
    return value


def _toml_kind(default: Any) -> str:
    """What a setting takes, in TOML's words: "an array of strings", "an integer"."""
    if isinstance(default, tuple):
        return "an array of strings"
    if isinstance(default, Path):
        return "a string (a path)"
    if isinstance(default, bool):
        return "true or false"
    if isinstance(default, int):
        return "an integer"
    if isinstance(default, float):
        return "a number"
    return "a string"


def _toml_value(value: Any) -> str:
    """A value as TOML would write it, with what it is: "the string "two"", "[1]"."""
    if isinstance(value, bool):
        return f"{str(value).lower()}"
    if isinstance(value, str):
        return f'the string "{value}"'
    if isinstance(value, list | tuple):
        return "an array"
    if isinstance(value, dict):
        return "a table"
    if isinstance(value, int | float):
        return f"the number {value}"
    return repr(value)


def _section(cls: type, values: dict[str, Any], name: str, base: Path) -> Any:
    return cls(**{key: _value(cls, name, key, value, base) for key, value in values.items()})


def _feeds(tables: Any, path: Path) -> tuple[Feed, ...]:
    """``[[feeds]]`` tables: ``name``, ``url`` and ``outlet`` required, ``category`` and
    ``language`` optional."""
    if not isinstance(tables, list) or not all(isinstance(t, dict) for t in tables):
        raise ConfigError(f"{path}: feeds must be [[feeds]] tables")
    known = {f.name for f in fields(Feed)}
    feeds = []
    for number, table in enumerate(tables, start=1):
        unknown = sorted(set(table) - known)
        if unknown:
            raise ConfigError(f"{path}: feed {number}: unknown key {unknown[0]!r}")
        missing = [key for key in ("name", "url", "outlet") if not table.get(key)]
        if missing:
            raise ConfigError(f"{path}: feed {number}: {missing[0]!r} is required")
        if not all(isinstance(v, str) for v in table.values()):
            raise ConfigError(f"{path}: feed {number}: every value must be a string")
        feeds.append(Feed(**table))
    return tuple(feeds)


def load_config(
    path: str | Path | None = None,
    overrides: Mapping[str, Any] | None = None,
    **settings: Any,
) -> Config:
    """Read ``path`` (default: ``./newsdesk.toml`` if it exists) over the defaults.

    Then ``overrides`` and ``settings`` set single fields, as ``apply_overrides`` does:
    ``load_config(path, {"store.database": "x.db", "publish.site_dir": "out"})``, or by a
    name only one section has, ``load_config(database="x.db", site_dir="out")``.
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
        feeds = data.pop("feeds", None)
        if feeds is not None:
            values["feeds"] = _feeds(feeds, path)
        for name, table in data.items():
            if name not in sections or not isinstance(table, dict):
                raise ConfigError(f"{path}: unknown section [{name}]; known: {', '.join(sections)}")
            values[name] = _section(type(getattr(config, name)), table, name, base)
        config = replace(config, **values)
    return apply_overrides(config, overrides, **settings)


SECTIONS: dict[str, type] = {
    f.name: type(getattr(Config(), f.name))
    for f in fields(Config)
    if is_dataclass(getattr(Config(), f.name))
}
"""The settings sections (``[store]``, ``[ingest]``, ...) and their dataclasses, in order."""


def _owners() -> dict[str, tuple[str, ...]]:
    """Each setting name and the sections that have it, in section order."""
    owners: dict[str, tuple[str, ...]] = {}
    for section, cls in SECTIONS.items():
        for f in fields(cls):
            owners[f.name] = (*owners.get(f.name, ()), section)
    return owners


AMBIGUOUS: tuple[str, ...] = tuple(sorted(k for k, v in _owners().items() if len(v) > 1))
"""Setting names that more than one section has; an override must name their section."""


def _where(name: str) -> tuple[str, str]:
    """The section and key an override ``name`` (``section.key`` or a bare key) sets."""
    if "." in name:
        section, key = name.split(".", 1)
        if section not in SECTIONS:
            raise ConfigError(
                f"unknown setting section {section!r} in {name!r}; known: {', '.join(SECTIONS)}"
            )
        if key not in {f.name for f in fields(SECTIONS[section])}:
            known = ", ".join(f.name for f in fields(SECTIONS[section]))
            raise ConfigError(f"unknown setting [{section}] {key!r}; known: {known}")
        return section, key
    owners = _owners().get(name, ())
    if not owners:
        raise ConfigError(f"unknown setting {name!r}; say section.key, e.g. store.database")
    if len(owners) > 1:
        candidates = [f"{section}.{name}" for section in owners]
        choice = ", ".join(candidates[:-1]) + " or " + candidates[-1]
        raise ConfigError(f"ambiguous setting {name!r}: say {choice}")
    return owners[0], name


def apply_overrides(
    config: Config, overrides: Mapping[str, Any] | None = None, **settings: Any
) -> Config:
    """Set single fields: ``apply_overrides(config, {"store.database": "x.db"})``.

    A name is ``section.key``, or a bare key (``database=...``, also accepted in
    ``overrides``) when only one section has it. These bare names are in several
    sections and must be qualified, or it is an error: ``backoff_s`` (ingest, fetch,
    llm), ``base_url`` (llm, publish), ``connect_timeout_s`` (fetch, llm),
    ``max_retries`` (fetch, llm), ``max_wait_s`` (fetch, llm), ``min_words`` (ingest,
    write); ``AMBIGUOUS`` holds them. Values are checked and coerced as in a settings
    file, except that relative paths stay as given. ``None`` is ignored.
    """
    for name, value in [*(overrides or {}).items(), *settings.items()]:
        if value is None:
            continue
        section, key = _where(name)
        value = _value(SECTIONS[section], section, key, value, None)
        updated: Any = replace(getattr(config, section), **{key: value})
        config = replace(config, **{section: updated})
    return config
