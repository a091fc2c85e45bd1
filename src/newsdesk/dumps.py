"""Offline dumps: JSONL files with one article per line.

Each line is ``{id, url, outlet, published, title, text, lang}``; other fields
are kept in ``Article.extra``. A bad line never stops the file: it becomes an
``ImportProblem`` naming the file, the line number and what was wrong, and
the remaining lines are read.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from newsdesk.errors import InputError
from newsdesk.records import Article

REQUIRED = ("id", "url", "text")
KNOWN = ("id", "url", "outlet", "published", "date", "title", "text", "lang")
"""Modelled fields; ``date`` is the sources schema's name for ``published``."""
_URL = re.compile(r"^https?://[^\s/]+", re.IGNORECASE)


@dataclass(frozen=True)
class ImportProblem:
    """A line of a dump that could not be imported."""

    path: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


def json_type(value: object) -> str:
    """The JSON name of a decoded value's type, for messages about the input file."""
    names = {dict: "object", list: "array", str: "string", bool: "boolean", type(None): "null"}
    return names.get(type(value), "number")


def _published(record: dict[str, Any]) -> str | None:
    """An ISO date from ``YYYY-MM-DD`` or a longer ISO timestamp; ``None`` if absent."""
    key = "published" if record.get("published") is not None else "date"
    value = record.get(key)
    if value in (None, ""):
        return None
    if not isinstance(value, str):
        raise ValueError(f"{key!r} must be a date string, got {value!r}")
    try:
        return date.fromisoformat(value[:10]).isoformat()
    except ValueError:
        raise ValueError(f"{key!r} is not an ISO date: {value!r}") from None


def parse_article(record: object) -> Article:
    """Turn one decoded JSON value into an ``Article``, or raise ``ValueError`` saying why."""
    if not isinstance(record, dict):
        raise ValueError(f"expected a JSON object, got {json_type(record)}")
    missing = [k for k in REQUIRED if not record.get(k)]
    if missing:
        raise ValueError(f"missing {', '.join(repr(k) for k in missing)}")
    for key in KNOWN:
        value = record.get(key)
        if value is not None and not isinstance(value, str):
            raise ValueError(f"{key!r} must be a string, got {json_type(value)}")
    url = record["url"].strip()
    if not _URL.match(url):
        raise ValueError(f"'url' is not an http(s) URL: {url!r}")
    if not record["text"].strip():
        raise ValueError("'text' is empty")
    outlet = (record.get("outlet") or "").strip() or _URL.match(url).group(0).split("//")[1]  # type: ignore[union-attr]
    return Article(
        id=record["id"].strip(),
        url=url,
        outlet=outlet,
        title=(record.get("title") or "").strip(),
        text=record["text"],
        published=_published(record),
        lang=record.get("lang"),
        extra={k: v for k, v in record.items() if k not in KNOWN},
    )


def read_jsonl(path: str | Path) -> Iterator[tuple[int, Article] | ImportProblem]:
    """``(line number, article)`` pairs of a JSONL dump in file order, with a problem
    in place of each bad line.

    Raises ``InputError`` only when the file as a whole cannot be read.
    """
    path = Path(path)
    name = str(path)
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
        for number, raw in enumerate(handle, start=1):
            if not raw.strip():
                continue
            empty = False
            try:
                line = raw.decode("utf-8")
            except UnicodeDecodeError as exc:
                yield ImportProblem(name, number, f"not UTF-8 (byte {exc.start})")
                continue
            try:
                article = parse_article(json.loads(line))
            except json.JSONDecodeError as exc:
                yield ImportProblem(name, number, f"invalid JSON: {exc.msg} at column {exc.colno}")
                continue
            except ValueError as exc:
                yield ImportProblem(name, number, str(exc))
                continue
            if article.id in seen:
                yield ImportProblem(
                    name, number, f"duplicate id {article.id!r} (first on line {seen[article.id]})"
                )
                continue
            seen[article.id] = number
            yield number, article
    if empty:
        raise InputError(f"{name}: file is empty")
