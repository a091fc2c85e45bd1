"""When an article was published, when its feed or dump does not say.

A date given with the article (a feed entry's, a dump's ``published``) wins;
ingest asks the page's metadata next (htmldate, in ``ingest/extraction.py``).
What is left is read here, in this order:

- ``url_date``: a year, month and day in the URL's path (``/2025/12/03/``,
  ``/2025-12-03-``), as news sites print it. On AllSides articles whose date is
  known, 1,535 of 1,536 dated URLs gave the right day.
- ``text_date``: the latest day the text states firmly (a full date with its
  weekday, or the same full date twice). It is an estimate: on AllSides articles
  whose URL gives no day it dated 183 of 1,242, 49% on the right day and 67%
  within a day (the latest full date said at all dated 533, but only 34% on the
  right day). The stories stage therefore clusters an article dated this way by
  content, as if undated, and gives its story no dates from it.

``date_of`` runs the chain and says which link answered (``DateSource``), so the
store keeps where each date came from. An article none of them dates stays
undated: it is never given the day it was read.

A date given with a time keeps it: ``read_published`` reads an ISO 8601 / RFC
3339 or RFC 822 value into its day *in the source's own time zone* (a report
filed Tuesday 23:30 at -05:00 is Tuesday's news, though it is Wednesday in UTC)
and the full timestamp with the UTC offset the source gave (``Article.published_at``).
A time without an offset keeps none (none is invented), and a date alone stays a date.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime
from email.utils import parsedate_to_datetime

from newsdesk.language.dates import date_mentions
from newsdesk.language.sanitise import EARLIEST, FUTURE
from newsdesk.records import DateSource

_URL_DATE = re.compile(r"\D((?:19[5-9]\d|20\d\d))[/_-]([01]?\d)[/_-]([0-3]?\d)(?:\D|$)")
"""A year, month and day in a URL, as htmldate's URL pattern reads them (and from 1950)."""
TEXT_LIMIT = 20_000
"""Characters of the text searched for dates: a dateline and the body's first pages."""


@dataclass(frozen=True)
class Published:
    """A publication date as its source gave it: ``day`` (``YYYY-MM-DD``) in the source's own
    time zone, and ``at``, the timestamp (ISO 8601: ``2025-12-02T23:30:00-05:00``, with the
    offset only when the source gave one), ``None`` for a date given without a time."""

    day: str
    at: str | None = None


def read_published(value: object) -> Published | None:
    """``value`` (an ISO 8601 / RFC 3339 date or timestamp, or an RFC 822 one as RSS writes
    it) read as its source meant it; ``None`` for anything else, or a day no calendar holds.

    Never converted to UTC: the day is the one the source's clock showed. RFC 822's
    ``-0000`` (a zone unknown) and a zone it does not name keep no offset.
    """
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip()
    try:
        return Published(date.fromisoformat(text).isoformat())
    except ValueError:
        pass
    try:
        stamp = datetime.fromisoformat(text.upper())  # RFC 3339 allows "t" and "z"
    except ValueError:
        try:
            stamp = parsedate_to_datetime(text)
        except (TypeError, ValueError, IndexError, OverflowError):
            return None
    return Published(stamp.date().isoformat(), stamp.isoformat())


def url_date(url: str) -> date | None:
    """The day in ``url``'s path, if it names one that exists."""
    match = _URL_DATE.search(url)
    if match is None:
        return None
    try:
        return date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        return None


def text_date(text: str, today: date) -> date | None:
    """The latest day ``text`` states firmly, up to a day after ``today``, or None.

    Firmly: as a full date with its weekday ("Tuesday, Dec. 3, 2019"), or as the
    same full date twice. A full date said once is most often an earlier event
    the article recalls; taken as the article's date, it put a third of such
    articles on the right day and split their stories across weeks.
    """
    days = [
        m
        for m in date_mentions(text[:TEXT_LIMIT], None)
        if m.first is not None and m.first == m.last and _believable(m.first, today)
    ]
    said = Counter(m.first for m in days)
    firm = [
        m.first
        for m in days
        if m.first is not None and (m.weekday is not None or said[m.first] > 1)
    ]
    return max(firm, default=None)


def _believable(day: date, today: date) -> bool:
    return EARLIEST <= day <= today + FUTURE


def date_of(
    url: str,
    text: str,
    today: date,
    given: str | None = None,
    page: str | None = None,
) -> tuple[str | None, DateSource | None]:
    """The article's publication date (ISO) and where it came from, or ``(None, None)``.

    ``given`` and ``page`` are what the article's source and its page's metadata
    said (already checked to be believable); the URL and the text are read only
    when both are missing, and a day they give counts only from 1900 to a day
    after ``today``.
    """
    if given:
        return given, "given"
    if page:
        return page, "page"
    found = url_date(url)
    if found is not None and _believable(found, today):
        return found.isoformat(), "url"
    found = text_date(text, today)
    if found is not None:
        return found.isoformat(), "text"
    return None, None
