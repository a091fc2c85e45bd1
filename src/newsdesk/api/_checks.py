"""Checking a stored draft or any article file against its sources: what
``newsdesk check`` runs. Nothing is stored."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from newsdesk.api._lazy import (
    verify,
)
from newsdesk.api._runs import opened
from newsdesk.config import Config
from newsdesk.errors import InputError

if TYPE_CHECKING:
    from newsdesk.verify import Report


def check_story(config: Config, story_id: str) -> Report:
    """Re-check the stored draft of ``story_id`` against its stored source articles."""
    with opened(config) as store:
        draft = store.draft(story_id)
        if draft is None:
            raise InputError(f"no draft for story {story_id!r}")
        ids = sorted({c.article_id for s in draft.sentences for c in s.citations})
        return verify.check_draft(draft, store.articles(ids), config.verify.min_coverage)


def check_file(config: Config, article: Path, sources: Path, as_of: str | None = None) -> Report:
    """Check an article file (Markdown, HTML or text) against a JSONL file of sources.

    ``as_of`` is the date the article speaks from (default: its own date).
    """
    text = read_text(article)
    return verify.check_article(
        text,
        verify.load_sources(sources),
        name=str(article),
        as_of=as_of,
        min_coverage=config.verify.min_coverage,
    )


def read_text(path: Path) -> str:
    """A UTF-8 text file, or an ``InputError`` naming it."""
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError(f"{path}: file not found") from None
    except UnicodeDecodeError as exc:
        raise InputError(f"{path}: not UTF-8 (byte {exc.start})") from None
    except OSError as exc:
        raise InputError(f"{path}: cannot read: {exc.strerror}") from None
