"""Source articles for ``newsdesk check``: a JSONL file, one source per line.

Each line is ``{"id", "url", "outlet", "date", "title", "text"}``; ``date`` is
``YYYY-MM-DD`` or null and ``title`` may be null. Lines are parsed by the same
reader as ``newsdesk import`` dumps (``published`` works in place of ``date``),
but strictly: a check against a source list with a broken line would quietly
judge claims on partial evidence, so the first bad line is an error.
"""

from __future__ import annotations

from pathlib import Path

from newsdesk.dumps import ImportProblem, read_jsonl
from newsdesk.errors import InputError
from newsdesk.records import Article


def load_sources(path: str | Path) -> list[Article]:
    """Read the sources of an article check; ``InputError`` names the first bad line."""
    articles = []
    try:
        for item in read_jsonl(path):
            if isinstance(item, ImportProblem):
                if item.kept:  # a note (an impossible date left out): the source still counts
                    continue
                raise InputError(str(item))
            articles.append(item[1])
    except InputError as error:
        if str(error).endswith("file is empty"):
            raise InputError(f"{path}: no sources: the file is empty") from None
        raise
    return articles
