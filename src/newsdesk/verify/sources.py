"""Source articles for ``newsdesk check``: a JSONL file, one source per line.

Each line is ``{"id", "url", "outlet", "date", "title", "text"}``; ``date`` is
``YYYY-MM-DD`` or null and ``title`` may be null. ``published`` is accepted in
place of ``date`` so that the shared article dumps can be used as they are.
The file is written by hand or by other tools, so every problem is reported as
one line that names the file, the line and what is wrong: the user must be able
to fix it without reading a traceback.
"""

from __future__ import annotations

import datetime
import json
import re
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from newsdesk.errors import InputError
from newsdesk.records import Article

_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_REQUIRED = ("id", "url", "text")
_MODELLED = frozenset({"id", "url", "outlet", "date", "published", "title", "text", "lang"})


def load_sources(path: str | Path) -> list[Article]:
    """Read the sources of an article check, failing on the first bad line."""
    path = Path(path)
    lines = _read_lines(path)
    articles: list[Article] = []
    first_line: dict[str, int] = {}
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        article = _parse_line(line, f"{path}:{number}")
        if article.id in first_line:
            raise InputError(
                f"{path}:{number}: duplicate id {article.id!r} (first on line "
                f"{first_line[article.id]})"
            )
        first_line[article.id] = number
        articles.append(article)
    if not articles:
        raise InputError(f"{path}: no sources: the file is empty")
    return articles


def _read_lines(path: Path) -> list[str]:
    """The file's lines, decoded strictly so that mojibake never reaches the checker."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise InputError(f"{path}: is a directory, not a JSONL file") from None
    except OSError as error:
        raise InputError(f"{path}: cannot read: {error.strerror}") from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        raise InputError(f"{path}:{line}: not UTF-8 (byte 0x{data[error.start]:02x})") from None
    return text.split("\n")


def _parse_line(line: str, where: str) -> Article:
    """One source from one JSON line; ``where`` is ``FILE:LINE`` for messages."""
    try:
        record = json.loads(line)
    except json.JSONDecodeError as error:
        raise InputError(f"{where}: invalid JSON: {error.msg} (column {error.colno})") from None
    if not isinstance(record, dict):
        raise InputError(f"{where}: expected a JSON object, got {_json_type(record)}")
    for key in _REQUIRED:
        _require_text(record, key, where)
    url = record["url"]
    title = _optional_text(record, "title", where) or ""
    outlet = _optional_text(record, "outlet", where) or urlsplit(url).hostname or ""
    date = _date(record, where)
    return Article(
        id=record["id"],
        url=url,
        outlet=outlet,
        title=title,
        text=record["text"],
        published=date,
        lang=_optional_text(record, "lang", where),
        extra={k: v for k, v in record.items() if k not in _MODELLED},
    )


def _require_text(record: dict[str, Any], key: str, where: str) -> None:
    """A required field must be a non-empty string: an empty id or text cannot be cited."""
    if key not in record or record[key] is None:
        raise InputError(f"{where}: missing {key!r}")
    value = record[key]
    if not isinstance(value, str):
        raise InputError(f"{where}: {key!r} must be a string, got {_json_type(value)}")
    if not value.strip():
        raise InputError(f"{where}: {key!r} is empty")


def _optional_text(record: dict[str, Any], key: str, where: str) -> str | None:
    value = record.get(key)
    if value is None or isinstance(value, str):
        return value
    raise InputError(f"{where}: {key!r} must be a string or null, got {_json_type(value)}")


def _date(record: dict[str, Any], where: str) -> str | None:
    """``date`` (or ``published``) as ``YYYY-MM-DD``: a date that cannot be compared is an error."""
    key = "date" if "date" in record else "published"
    value = _optional_text(record, key, where)
    if value is None:
        return None
    if not _ISO_DATE.fullmatch(value) or not _is_calendar_date(value):
        raise InputError(f"{where}: {key!r} must be YYYY-MM-DD or null, got {value!r}")
    return value


def _is_calendar_date(value: str) -> bool:
    try:
        datetime.date.fromisoformat(value)
    except ValueError:
        return False
    return True


def _json_type(value: object) -> str:
    """The JSON name of a decoded value's type, for messages about the input file."""
    names = {dict: "object", list: "array", str: "string", bool: "boolean", type(None): "null"}
    return names.get(type(value), "number")
