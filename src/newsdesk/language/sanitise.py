"""Text and dates made safe at the door: what every source's article goes through once.

Whatever a dump, an archive, a feed or a page carries, the text newsdesk
stores is valid Unicode that any XML or HTML writer can print, and no title
can turn itself around on the reader's screen:

- ``clean_text`` for body text (and the string values of ``Article.extra``):
  lone surrogates become U+FFFD (a valid pair becomes its character), C0 and
  C1 controls go except tab and newline (CR LF and a lone CR become a
  newline; vertical tab, form feed and NEL a newline; the other separators a
  space), and so do the characters XML 1.0 refuses or Unicode never assigns
  to text (U+FFFE, U+FFFF and the other noncharacters, a BOM inside text).
  The bidi embeddings, overrides and isolates (U+202A-U+202E, U+2066-U+2069)
  go too: a sentence copied from the text must read as it did. Then NFC.
- ``clean_line`` for titles, outlets, names, ids and languages: the same,
  and a line of one: every line break or tab becomes a space, the
  invisible direction marks (LRM, RLM, ALM) go, and the ends are stripped.
- ``clean_article`` applies both to an ``Article`` (never to its ``id``),
  returning the very same object when nothing changes.

Citations are character offsets into the stored text, so text is cleaned
once, before it is first stored, and never again: text already stored is
never rewritten. Every function here is idempotent.

``plausible_day`` and ``day_problem`` keep publication dates in a sane range:
from 1900 to one day after the run's own day. A date outside it is treated as
no date at all.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import replace
from datetime import date, timedelta
from typing import Any

from newsdesk.records import Article

EARLIEST = date(1900, 1, 1)
"""The first publication date newsdesk believes; an earlier one is a placeholder or a typo."""
FUTURE = timedelta(days=1)
"""How far after the run's day a publication date may be (time zones): a later one is wrong."""

_SURROGATE = re.compile("[\ud800-\udfff]")
_NONCHARACTERS = "\ufdd0-\ufdef\ufffe\uffff" + "".join(
    f"{chr(plane * 0x10000 + 0xFFFE)}{chr(plane * 0x10000 + 0xFFFF)}" for plane in range(1, 17)
)
_BIDI = "\u202a-\u202e\u2066-\u2069"
"""Embeddings, overrides (LRO, RLO), their pop, and the isolates: they reorder what follows."""
_MARKS = "\u200e\u200f\u061c"
"""LRM, RLM and ALM: invisible, harmless in running text, noise in a one-line name."""

_TEXT_DROP = re.compile(f"[\x00-\x08\x0e-\x1b\x7f-\x84\x86-\x9f\ufeff{_NONCHARACTERS}{_BIDI}]")
"""Removed from body text: controls other than whitespace, noncharacters, BOMs, bidi."""
_TEXT_BREAKS = re.compile("\r\n?|[\x0b\x0c\x85]")
"""Line breaks that are not a newline: CR LF, a lone CR, vertical tab, form feed, NEL."""
_TEXT_SPACES = re.compile("[\x1c-\x1f]")
"""The information separators Python counts as whitespace: a space each."""
_LINE_DROP = re.compile(f"[{_MARKS}]")
_LINE_SPACES = re.compile(r"[\t\n\u2028\u2029]")


def _fix_surrogates(text: str) -> str:
    """A valid surrogate pair joined into its character, a lone surrogate made U+FFFD."""
    if _SURROGATE.search(text) is None:
        return text
    return text.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace")


def clean_text(text: str) -> str:
    """Body text made safe to store, cite and print (see the module docstring)."""
    text = _fix_surrogates(text)
    text = _TEXT_BREAKS.sub("\n", text)
    text = _TEXT_SPACES.sub(" ", text)
    text = _TEXT_DROP.sub("", text)
    if not text.isascii():
        text = unicodedata.normalize("NFC", text)
    return text


def clean_line(text: str) -> str:
    """A title, outlet, name, id or language: ``clean_text``, on one line, stripped."""
    text = clean_text(text)
    text = _LINE_DROP.sub("", text)
    return _LINE_SPACES.sub(" ", text).strip()


def clean_value(value: Any) -> Any:
    """A decoded JSON value with every string in it (keys too) cleaned as body text."""
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, Mapping):
        return {clean_text(str(k)): clean_value(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [clean_value(v) for v in value]
    return value


def clean_article(article: Article) -> Article:
    """``article`` with its text cleaned, or ``article`` itself when it is clean already.

    The id is left as it is (it names the article to the caller). Furniture
    marks are dropped when the text changed, since their offsets no longer fit.
    """
    fields: dict[str, Any] = {
        "url": clean_line(article.url),
        "outlet": clean_line(article.outlet),
        "title": clean_line(article.title),
        "text": clean_text(article.text),
        "lang": None if article.lang is None else clean_line(article.lang),
        "extra": clean_value(article.extra),
        "published_at": None if article.published_at is None else clean_line(article.published_at),
    }
    changed = {k: v for k, v in fields.items() if v != getattr(article, k)}
    if not changed:
        return article
    if "text" in changed:
        changed["furniture"] = None
    return replace(article, **changed)


def day_problem(value: str, today: date) -> str | None:
    """Why ``value`` (an ISO date) is not a believable publication date for a run on
    ``today``, or ``None`` when it is one."""
    try:
        day = date.fromisoformat(value[:10])
    except ValueError:
        return "is not an ISO date"
    if day < EARLIEST:
        return f"is before {EARLIEST.year}"
    if day > today + FUTURE:
        return f"is more than a day after today ({today.isoformat()})"
    return None


def plausible_day(value: str | None, today: date) -> str | None:
    """``YYYY-MM-DD`` of ``value`` when it is a believable publication date for a run on
    ``today``; ``None`` when it is absent, not a date, before 1900 or in the future."""
    if not value or day_problem(value, today) is not None:
        return None
    return value[:10]
