"""Offline dumps: JSONL files with one article per line.

Each line is ``{id, url, outlet, published, title, text, lang}``; other fields
are kept in ``Article.extra``. A bad line never stops the file: it becomes an
``ImportProblem`` naming the file, the line number and what was wrong (on one
line, any echoed value cut short), and the remaining lines are read.

The work per line is bounded: a line longer than ``max_line_bytes`` (the
``[fetch] max_bytes`` cap on a fetched page) is skipped without being held in
memory, and JSON nested deeper than ``MAX_DEPTH`` is refused (``loads_bounded``).
A UTF-8 byte order mark at the start of the file is read past. Every string of
an article is cleaned at the door (``language/sanitise.py``), and a publication
date before 1900 or more than a day after ``today`` is dropped with a note (an
``ImportProblem`` with ``kept``: the article itself is imported). A ``published``
timestamp keeps its time and UTC offset (``Article.published_at``); its day is the
one written, in the source's own time zone.
"""

from __future__ import annotations

import codecs
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import IO, Any

from newsdesk.config import FetchSettings
from newsdesk.errors import InputError, one_line, shown
from newsdesk.language.dating import Published, date_of, read_published
from newsdesk.language.sanitise import clean_line, clean_text, clean_value, day_problem
from newsdesk.records import Article

REQUIRED = ("id", "url", "text")
KNOWN = ("id", "url", "outlet", "published", "date", "title", "text", "lang")
"""Modelled fields; ``date`` is the sources schema's name for ``published``."""
MAX_DEPTH = 64
"""The deepest nesting of arrays and objects a dump line may have."""
MAX_LINE_BYTES: int = FetchSettings.max_bytes
"""The default cap on one line: the same as on a fetched page (``[fetch] max_bytes``)."""
_URL = re.compile(r"^https?://[^\s/]+", re.IGNORECASE)


@dataclass(frozen=True)
class ImportProblem:
    """A line of a dump that could not be imported, or (``kept``) that was imported
    without something it carried, such as an impossible date.

    The message is kept to one line of at most ``errors.MESSAGE_LIMIT`` characters.
    """

    path: str
    line: int
    message: str
    kept: bool = False

    def __post_init__(self) -> None:
        object.__setattr__(self, "message", one_line(self.message))

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


def json_type(value: object) -> str:
    """The JSON name of a decoded value's type, for messages about the input file."""
    names = {dict: "object", list: "array", str: "string", bool: "boolean", type(None): "null"}
    return names.get(type(value), "number")


def too_deep(value: object, limit: int = MAX_DEPTH) -> bool:
    """Whether ``value`` nests arrays and objects more than ``limit`` levels deep."""
    level: list[tuple[object, int]] = [(value, 1)]
    while level:
        item, depth = level.pop()
        if isinstance(item, dict | list):
            if depth > limit:
                return True
            children = item.values() if isinstance(item, dict) else item
            level.extend((child, depth + 1) for child in children if isinstance(child, dict | list))
    return False


def loads_bounded(text: str | bytes, max_depth: int = MAX_DEPTH) -> Any:
    """``json.loads`` that refuses nesting deeper than ``max_depth`` with ``ValueError``
    (``json.JSONDecodeError`` for text that is not JSON), never ``RecursionError``."""
    try:
        value = json.loads(text)
    except RecursionError:
        raise ValueError(f"nested deeper than {max_depth} levels") from None
    if too_deep(value, max_depth):
        raise ValueError(f"nested deeper than {max_depth} levels")
    return value


def today_utc() -> date:
    """The day it is now in UTC: what a date is checked against when no run gives one."""
    return datetime.now(UTC).date()


def _published(record: dict[str, Any], today: date) -> tuple[Published | None, str | None]:
    """The date from ``YYYY-MM-DD`` or a longer ISO timestamp (``None`` if absent), and a
    note when the date was there but is impossible and so dropped.

    The day is the one written (the source's own time zone); a full ISO 8601
    timestamp is kept too, with its offset when it has one
    (``language.dating.read_published``). A value that is a date followed by
    anything else keeps its day alone, as before times were kept.
    """
    key = "published" if record.get("published") is not None else "date"
    value = record.get(key)
    if value in (None, ""):
        return None, None
    if not isinstance(value, str):
        raise ValueError(f"{key!r} must be a date string, got {json_type(value)}")
    try:
        day = date.fromisoformat(value[:10]).isoformat()
    except ValueError:
        raise ValueError(f"{key!r} is not an ISO date: {shown(value)}") from None
    wrong = day_problem(day, today)
    if wrong is not None:
        return None, f"{key!r} {day} {wrong}: imported without a date"
    found = read_published(value)
    return (found if found is not None and found.day == day else Published(day)), None


def read_article(record: object, today: date | None = None) -> tuple[Article, str | None]:
    """``parse_article``, with a note saying what was dropped from the record, if anything."""
    if not isinstance(record, dict):
        raise ValueError(f"expected a JSON object, got {json_type(record)}")
    missing = [k for k in REQUIRED if not record.get(k)]
    if missing:
        raise ValueError(f"missing {', '.join(repr(k) for k in missing)}")
    for key in KNOWN:
        value = record.get(key)
        if value is not None and not isinstance(value, str):
            raise ValueError(f"{key!r} must be a string, got {json_type(value)}")
    identity = clean_line(record["id"])
    if not identity:
        raise ValueError("'id' is empty")
    url = clean_line(record["url"])
    host = _URL.match(url)
    if host is None:
        raise ValueError(f"'url' is not an http(s) URL: {shown(url)}")
    text = clean_text(record["text"])
    if not text.strip():
        raise ValueError("'text' is empty")
    today = today or today_utc()
    given, note = _published(record, today)
    published, source = date_of(url, text, today, given=given.day if given else None)
    lang = record.get("lang")
    article = Article(
        id=identity,
        url=url,
        outlet=clean_line(record.get("outlet") or "") or host.group(0).split("//")[1],
        title=clean_line(record.get("title") or ""),
        text=text,
        published=published,
        lang=None if lang is None else clean_line(lang),
        extra=clean_value({k: v for k, v in record.items() if k not in KNOWN}),
        date_source=source,
        published_at=given.at if given and source == "given" else None,
    )
    return article, note


def parse_article(record: object, *, today: date | None = None) -> Article:
    """Turn one decoded JSON value into an ``Article``, or raise ``ValueError`` saying why.

    Its strings are cleaned (``language.sanitise``); a publication date before
    1900 or more than a day after ``today`` (UTC today by default) is dropped.
    """
    return read_article(record, today)[0]


def _lines(handle: IO[bytes], limit: int) -> Iterator[tuple[int, bytes | None]]:
    """``(line number, bytes)`` of each line, ``None`` for a line over ``limit`` bytes
    (read past in pieces, never held whole); a UTF-8 BOM opening the file is dropped."""
    number = 0
    while raw := handle.readline(limit + 1):
        number += 1
        if number == 1 and raw.startswith(codecs.BOM_UTF8):
            raw = raw[len(codecs.BOM_UTF8) :]
        if len(raw) > limit and not raw.endswith(b"\n"):
            while raw and not raw.endswith(b"\n"):
                raw = handle.readline(1 << 20)
            yield number, None
            continue
        yield number, raw


def read_jsonl(
    path: str | Path, *, today: date | None = None, max_line_bytes: int = MAX_LINE_BYTES
) -> Iterator[tuple[int, Article] | ImportProblem]:
    """``(line number, article)`` pairs of a JSONL dump in file order, with a problem
    in place of each bad line, and a ``kept`` problem before an article imported
    without its impossible date.

    ``today`` is the day dates are checked against (UTC today by default).
    Raises ``InputError`` only when the file as a whole cannot be read.
    """
    path = Path(path)
    name = str(path)
    day = today or today_utc()
    try:
        handle = path.open("rb")
    except FileNotFoundError:
        raise InputError(f"{name}: file not found") from None
    except IsADirectoryError:
        raise InputError(f"{name}: is a directory, expected a JSONL file") from None
    except OSError as exc:
        raise InputError(f"{name}: cannot read: {exc.strerror}") from None
    seen: dict[str, int] = {}
    empty = True
    with handle:
        for number, raw in _lines(handle, max_line_bytes):
            if raw is None:
                empty = False
                yield ImportProblem(name, number, f"line longer than {max_line_bytes} bytes")
                continue
            if not raw.strip():
                continue
            empty = False
            item = _read_line(name, number, raw, day)
            if isinstance(item, ImportProblem):
                yield item
                continue
            article, note = item
            if article.id in seen:
                yield ImportProblem(
                    name,
                    number,
                    f"duplicate id {shown(article.id)} (first on line {seen[article.id]})",
                )
                continue
            seen[article.id] = number
            if note is not None:
                yield ImportProblem(name, number, note, kept=True)
            yield number, article
    if empty:
        raise InputError(f"{name}: file is empty")


def _read_line(
    name: str, number: int, raw: bytes, today: date
) -> tuple[Article, str | None] | ImportProblem:
    """One line's article (and note), or the problem that stops it, whatever the line holds."""
    try:
        line = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        return ImportProblem(name, number, f"not UTF-8 (byte {exc.start})")
    try:
        return read_article(loads_bounded(line), today)
    except json.JSONDecodeError as exc:
        return ImportProblem(name, number, f"invalid JSON: {exc.msg} at column {exc.colno}")
    except ValueError as exc:
        return ImportProblem(name, number, str(exc))
    except Exception as exc:  # a line of the file, however odd, never stops the file
        return ImportProblem(name, number, f"unreadable: {type(exc).__name__}: {exc}")
