"""Date mentions in news prose, resolved to calendar days (the date check compares them).

News prose rarely writes full dates. A wire story published on Tuesday says
"on Tuesday", "yesterday" or "last week", and a rewrite published two days
later must turn those into "on Tuesday" again, not copy "yesterday". Comparing
the words would therefore flag correct rewrites and miss wrong ones, so both
sides are resolved to calendar dates first: the claim against the article's
as-of date, every source against its own ``published`` date. Then a claim
date must equal, contain or fall inside a date the evidence gives.

Resolution follows news conventions: a bare weekday is the most recent such
day on or before the anchor ("on Tuesday" in Tuesday's paper is that day),
unless the clause is in the future tense ("is scheduled to be executed on
Wednesday"); a month or month-day without a year is the occurrence nearest to
the anchor (AP style omits the current year). Without an anchor a relative
date cannot be resolved, and the check says so instead of guessing.

Everything here is regular expressions and ``datetime``: no parser package, so
spans stay exact character offsets and the analysis of each source is cached.
"""

from __future__ import annotations

import calendar
import re
from bisect import bisect_right
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from typing import Literal

from newsdesk.language.text import QUOTED_SPAN, sentences

MentionKind = Literal["absolute", "weekday", "relative"]
Relation = Literal["equal", "contains", "within", "overlap", "disjoint"]
WeekdayMode = Literal["past", "future", "last", "next"]

WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
MONTHS = tuple(
    "January February March April May June July August September October November December".split()
)
WEEKDAY_WORDS = frozenset(day.lower() for day in WEEKDAYS)
MONTH_WORDS = frozenset(month.lower() for month in MONTHS)
_MONTH_NUMBER = {name.lower(): number for number, name in enumerate(MONTHS, start=1)}
_MONTH_NUMBER.update(
    {name.lower()[:3]: number for number, name in enumerate(MONTHS, start=1)} | {"sept": 9}
)
_NUMBER_WORDS = {"a": 1, "an": 1} | {
    word: number
    for number, word in enumerate(
        "one two three four five six seven eight nine ten eleven twelve".split(), start=1
    )
}


@dataclass(frozen=True)
class DateMention:
    """A date reference in a text: ``text[start:end]`` and the days it means.

    ``first``/``last`` are the inclusive calendar range it resolves to (equal for
    one day), or ``None`` when it cannot be resolved: a relative date without an
    anchor, or a month/day without a year and without an anchor, in which case
    ``month`` (and ``day``) keep what was said so that it can still be compared.
    ``weekday`` (0 = Monday) is the weekday the text names, if any.
    """

    start: int
    end: int
    text: str
    kind: MentionKind
    first: date | None
    last: date | None
    month: int | None = None
    day: int | None = None
    weekday: int | None = None

    @property
    def resolved(self) -> bool:
        """Whether the mention is pinned to calendar days."""
        return self.first is not None

    @property
    def partial(self) -> bool:
        """A month (and day) without a year: comparable to dates, but not a date."""
        return self.first is None and self.month is not None

    @property
    def known(self) -> bool:
        """Whether the mention says anything that can be compared."""
        return self.resolved or self.partial

    @property
    def days(self) -> int:
        """How many days the mention spans: how specific it is."""
        if self.first is not None and self.last is not None:
            return (self.last - self.first).days + 1
        if self.month is not None:
            return 1 if self.day is not None else 31
        return 0

    def in_year(self, year: int) -> tuple[date, date] | None:
        """The range of a partial mention placed in ``year`` (None if that day does not exist)."""
        if self.month is None:
            return None
        if self.day is not None:
            day = _valid(year, self.month, self.day)
            return None if day is None else (day, day)
        return _month_range(year, self.month)

    def describe(self) -> str:
        """The mention for a one-line report: "Tuesday, 14 July 2020", "July 2020", "2019"."""
        if self.first is not None and self.last is not None:
            return _describe_range(self.first, self.last)
        if self.month is not None:
            said = MONTHS[self.month - 1] if self.day is None else _day_month(self.month, self.day)
            return f"{said} (no year)"
        return f"{self.text!r} (no date to resolve it against)"


def date_mentions(text: str, anchor: date | None) -> list[DateMention]:
    """Every absolute and relative date reference in ``text``, in order, resolved against
    ``anchor`` (the day the text was written; None when unknown)."""
    return list(mentions_in(text, anchor))


def parse_anchor(value: str | None) -> date | None:
    """``YYYY-MM-DD`` (a longer timestamp is cut to its date) as a date; None if unreadable."""
    if not value:
        return None
    try:
        return date.fromisoformat(value.strip()[:10])
    except ValueError:
        return None


# --- resolution ---------------------------------------------------------------------------

_WD = r"(?P<wd>Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
_MON_ANY = (
    r"(?P<mon>January|February|March|April|May|June|July|August|September|October|November"
    r"|December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)(?![a-z-])\.?"
)
_MON_FULL = (
    r"(?P<mon>January|February|March|April|May|June|July|August|September|October|November"
    r"|December)(?![a-z])"
)
_DAY = r"(?P<day>\d{1,2})(?:st|nd|rd|th)?(?![\d:])(?![.,]\d)"
_YEAR_TAIL = r"(?:,?\s+(?P<year>\d{4})(?![\d%]))?"
_NUM = r"(?:a|an|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|\d{1,3})"
_PART = r"(?:\s+(?i:morning|afternoon|evening|night|overnight))?"

_MONTH_DAY = re.compile(
    rf"(?:{_WD},?\s+)?{_MON_ANY}\s+{_DAY}"
    r"(?:\s*[-–]\s*(?P<day2>\d{1,2})(?![\d-]))?"
    rf"{_YEAR_TAIL}"
)
_DAY_MONTH = re.compile(rf"(?:{_WD},?\s+)?(?<![\d.,:$/-]){_DAY}\s+(?:of\s+)?{_MON_ANY}{_YEAR_TAIL}")
_MONTH_YEAR = re.compile(rf"{_MON_ANY},?\s+(?:of\s+)?(?P<year>\d{{4}})(?![\d%])")
_BARE_MONTH = re.compile(
    r"\b(?:(?P<prep>(?i:in|since|until|till|by|during|through|throughout|from|before|after|of"
    r"|to|and|or|between))\s+(?:(?i:the)\s+(?i:end|beginning|start|middle)\s+of\s+)?)?"
    rf"(?P<core>(?:(?P<rel>(?i:last|next|this|early|mid|late))[-\s]+)?{_MON_FULL})"
    r"(?!\.?,?\s*\d)"
)
_ISO = re.compile(r"(?<![\d-])(?P<year>\d{4})-(?P<mon>\d{2})-(?P<day>\d{2})(?![\d-])")
_US_NUMERIC = re.compile(r"(?<![\d/])(?P<mon>\d{1,2})/(?P<day>\d{1,2})/(?P<year>\d{4})(?![\d/])")
_YEAR = re.compile(
    r"(?<![\d$£€#.,:/'’-])(?P<year>1[89]\d\d|20\d\d)"
    r"(?![\d%/]|s\b|[.,\-–]\d|\s*(?i:percent|per cent))"
)
_DECADE = re.compile(r"(?<![\d$'’-])(?P<year>1[89]\d0|20\d0)['’]?s\b")
_WEEKDAY = re.compile(
    r"(?:\b(?P<rel>(?i:this\s+past|last|next|this|late|early))\s+)?"
    rf"\b{_WD}{_PART}"
)
_SAME_DAY = re.compile(r"\b(?:today|tonight|this\s+(?:morning|afternoon|evening))\b", re.IGNORECASE)
_OFFSET_DAY = re.compile(
    r"\b(?:(?P<m2>(?:the\s+)?day\s+before\s+yesterday)|(?P<p2>(?:the\s+)?day\s+after\s+tomorrow)"
    r"|(?P<m1>yesterday(?:\s+(?:morning|afternoon|evening))?|last\s+night)"
    r"|(?P<p1>tomorrow(?:\s+(?:morning|afternoon|evening|night))?))\b",
    re.IGNORECASE,
)
_AGO = re.compile(rf"\b(?P<n>{_NUM})\s+(?P<unit>day|week|month|year)s?\s+ago\b", re.IGNORECASE)
_AHEAD = re.compile(
    rf"\b(?:in\s+(?P<n>{_NUM})\s+(?P<unit>day|week)s?\b(?!\s+(?:of|after|before|since))"
    rf"|(?P<n2>{_NUM})\s+(?P<unit2>day|week)s?\s+from\s+now\b)",
    re.IGNORECASE,
)
_PERIOD = re.compile(
    r"\b(?:(?P<which>last|this|next|past|coming|this\s+past|earlier\s+this|later\s+this)"
    r"\s+(?P<unit>week|month|year|weekend)|(?:over|on|at|during)\s+the\s+(?P<the>weekend))\b",
    re.IGNORECASE,
)
FUTURE_TENSE = re.compile(
    r"\b(?:will|won['’]t|shall)\b|['’]ll\b"
    r"|\b(?:is|are|am|['’]re)\s+(?:(?:now|also|still|not)\s+)?"
    r"(?:scheduled|set|expected|slated|due|going|planning|poised|to\s+be)\b"
    r"|\bplans?\s+to\b|\bupcoming\b",
    re.IGNORECASE,
)
PAST_TENSE = re.compile(
    r"\b(?:was|were|had|did|said|told|announced|wrote|added|ruled|reported|confirmed|declared"
    r"|stated|explained|testified)\b",
    re.IGNORECASE,
)


class _Context:
    """What resolving a match needs: the anchor, and the tense of the sentence around it."""

    def __init__(self, text: str, anchor: date | None) -> None:
        self.text = text
        self.anchor = anchor
        self._spans: list[tuple[int, int]] | None = None
        self._starts: list[int] = []

    def future(self, start: int, end: int) -> bool:
        """Whether the clause around ``text[start:end]`` speaks of the future.

        The nearest tense marker before the mention decides ("said Tuesday that
        it will" is past, "is scheduled ... on Wednesday" future); failing one,
        the first after it ("On Wednesday, Purkey will be executed"). Past is the
        default because news reports what happened.
        """
        if self._spans is None:
            self._spans = [(s.start, s.end) for s in sentences(self.text)] or [(0, len(self.text))]
            self._starts = [s for s, _ in self._spans]
        index = max(bisect_right(self._starts, start) - 1, 0)
        low, high = self._spans[index]
        low, high = min(low, start), max(high, end)
        before = [
            (m.start(), pattern is FUTURE_TENSE)
            for pattern in (FUTURE_TENSE, PAST_TENSE)
            for m in pattern.finditer(self.text, low, start)
        ]
        if before:
            return max(before)[1]
        after = [
            (m.start(), pattern is FUTURE_TENSE)
            for pattern in (FUTURE_TENSE, PAST_TENSE)
            for m in pattern.finditer(self.text, end, high)
        ]
        return min(after)[1] if after else False


_Handler = Callable[[re.Match[str], _Context], DateMention | None]


def _valid(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _month_range(year: int, month: int) -> tuple[date, date]:
    return date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])


def _shift_month(year: int, month: int, by: int) -> tuple[int, int]:
    index = year * 12 + month - 1 + by
    return index // 12, index % 12 + 1


def _week(anchor: date, by: int = 0) -> tuple[date, date]:
    monday = anchor - timedelta(days=anchor.weekday()) + timedelta(weeks=by)
    return monday, monday + timedelta(days=6)


def _nearest(anchor: date, month: int, day: int | None) -> tuple[date, date] | None:
    """The occurrence of a year-less month (day) nearest the anchor: AP style omits the
    current year, and "Dec. 20" in a January story means last December."""
    best: tuple[int, tuple[date, date]] | None = None
    for year in (anchor.year - 1, anchor.year, anchor.year + 1):
        if day is None:
            span: tuple[date, date] | None = _month_range(year, month)
        else:
            found = _valid(year, month, day)
            span = None if found is None else (found, found)
        if span is None:
            continue
        distance = _distance(anchor, *span)
        if best is None or distance < best[0]:
            best = (distance, span)
    return None if best is None else best[1]


def _distance(anchor: date, first: date, last: date) -> int:
    """Days from the anchor to the nearest day of ``[first, last]`` (0 inside it)."""
    if first <= anchor <= last:
        return 0
    return min(abs((first - anchor).days), abs((last - anchor).days))


def weekday_date(anchor: date, weekday: int, mode: WeekdayMode) -> date:
    """``past``: on or before the anchor; ``future``: on or after; ``last``/``next``: strictly."""
    back = (anchor.weekday() - weekday) % 7
    ahead = (weekday - anchor.weekday()) % 7
    if mode == "last":
        return anchor - timedelta(days=back or 7)
    if mode == "next":
        return anchor + timedelta(days=ahead or 7)
    if mode == "future":
        return anchor + timedelta(days=ahead)
    return anchor - timedelta(days=back)


def _number(word: str) -> int:
    return int(word) if word.isdigit() else _NUMBER_WORDS[word.lower()]


def _mention(
    match: re.Match[str],
    kind: MentionKind,
    span: tuple[date, date] | None,
    group: str | int = 0,
    *,
    month: int | None = None,
    day: int | None = None,
    weekday: int | None = None,
) -> DateMention:
    first, last = span if span is not None else (None, None)
    text = match.group(group)
    start = match.start(group)
    return DateMention(start, start + len(text), text, kind, first, last, month, day, weekday)


def _stated_weekday(match: re.Match[str]) -> int | None:
    name = match.groupdict().get("wd")
    return WEEKDAYS.index(name) if name else None


def _month_day(match: re.Match[str], context: _Context) -> DateMention | None:
    """ "June 1, 2020", "Tuesday, July 14", "1 June 2020", "July 14-16": one day or a few."""
    month = _MONTH_NUMBER[match.group("mon").lower()]
    day = int(match.group("day"))
    groups = match.groupdict()
    day2 = int(groups["day2"]) if groups.get("day2") else day
    if day2 < day:
        day2 = day
    weekday = _stated_weekday(match)
    if groups.get("year"):
        year = int(groups["year"])
        first, last = _valid(year, month, day), _valid(year, month, day2)
        if first is None or last is None:
            return None
        return _mention(match, "absolute", (first, last), month=month, day=day, weekday=weekday)
    if _valid(2000, month, day) is None or _valid(2000, month, day2) is None:
        return None
    if context.anchor is None:
        return _mention(match, "absolute", None, month=month, day=day, weekday=weekday)
    span = _nearest(context.anchor, month, day)
    if span is None:
        return None
    last_day = _valid(span[0].year, month, day2) or span[0]
    return _mention(match, "absolute", (span[0], last_day), month=month, day=day, weekday=weekday)


def _month_year(match: re.Match[str], context: _Context) -> DateMention | None:
    """ "June 2020", "June of 2020": the whole month."""
    month = _MONTH_NUMBER[match.group("mon").lower()]
    return _mention(match, "absolute", _month_range(int(match.group("year")), month), month=month)


def _bare_month(match: re.Match[str], context: _Context) -> DateMention | None:
    """ "in June", "last July", "since March": a month named without day or year.

    A capitalised month word alone is too often something else ("May", "March"),
    so it counts only after a preposition or with last/next/this/early/late.
    """
    rel = (match.group("rel") or "").lower()
    if not match.group("prep") and not rel:
        return None
    month = _MONTH_NUMBER[match.group("mon").lower()]
    anchor = context.anchor
    if anchor is None:
        return _mention(match, "absolute", None, "core", month=month)
    current = anchor.year * 12 + anchor.month - 1
    if rel == "last":
        index = max(i for i in range(current - 12, current) if i % 12 == month - 1)
        span: tuple[date, date] | None = _month_range(index // 12, month)
    elif rel == "next":
        index = min(i for i in range(current + 1, current + 13) if i % 12 == month - 1)
        span = _month_range(index // 12, month)
    elif rel == "this":
        span = _month_range(anchor.year, month)
    else:
        span = _nearest(anchor, month, None)
    return _mention(match, "absolute", span, "core", month=month)


def _numeric(match: re.Match[str], context: _Context) -> DateMention | None:
    """ "2020-06-01" and the US "6/1/2020"."""
    day = _valid(int(match.group("year")), int(match.group("mon")), int(match.group("day")))
    if day is None:
        return None
    return _mention(match, "absolute", (day, day), month=day.month, day=day.day)


def _year(match: re.Match[str], context: _Context) -> DateMention | None:
    """ "in 2019", "since 2003", "the 1996 murder": the whole year.

    AP style writes other four-digit numbers with a comma ("2,000"), so a bare
    1800-2099 is read as a year unless money, a percentage or a range.
    """
    year = int(match.group("year"))
    return _mention(match, "absolute", (date(year, 1, 1), date(year, 12, 31)))


def _decade(match: re.Match[str], context: _Context) -> DateMention | None:
    """ "the 1990s": ten years."""
    year = int(match.group("year"))
    return _mention(match, "absolute", (date(year, 1, 1), date(year + 9, 12, 31)))


def _weekday(match: re.Match[str], context: _Context) -> DateMention | None:
    """ "on Tuesday", "Tuesday night", "last Monday", "next Friday"."""
    weekday = _stated_weekday(match)
    assert weekday is not None
    anchor = context.anchor
    if anchor is None:
        return _mention(match, "weekday", None, weekday=weekday)
    rel = " ".join((match.group("rel") or "").lower().split())
    mode: WeekdayMode
    if rel in ("last", "this past"):
        mode = "last"
    elif rel == "next":
        mode = "next"
    else:
        mode = "future" if context.future(match.start(), match.end()) else "past"
    day = weekday_date(anchor, weekday, mode)
    return _mention(match, "weekday", (day, day), weekday=weekday)


def _same_day(match: re.Match[str], context: _Context) -> DateMention | None:
    """ "today", "tonight", "this morning": the anchor itself."""
    anchor = context.anchor
    return _mention(match, "relative", None if anchor is None else (anchor, anchor))


def _offset_day(match: re.Match[str], context: _Context) -> DateMention | None:
    """ "yesterday", "last night", "tomorrow", "the day before yesterday"."""
    anchor = context.anchor
    if anchor is None:
        return _mention(match, "relative", None)
    offsets = {"m2": -2, "p2": 2, "m1": -1, "p1": 1}
    by = next(v for k, v in offsets.items() if match.group(k))
    day = anchor + timedelta(days=by)
    return _mention(match, "relative", (day, day))


def _shifted(anchor: date, unit: str, by: int) -> tuple[date, date]:
    """The day, week (± 3 days: "two weeks ago" is approximate), month or year ``by`` away."""
    if unit == "day":
        day = anchor + timedelta(days=by)
        return day, day
    if unit == "week":
        middle = anchor + timedelta(weeks=by)
        return middle - timedelta(days=3), middle + timedelta(days=3)
    if unit == "month":
        return _month_range(*_shift_month(anchor.year, anchor.month, by))
    year = anchor.year + by
    return date(year, 1, 1), date(year, 12, 31)


def _ago(match: re.Match[str], context: _Context) -> DateMention | None:
    """ "two days ago", "a week ago", "three years ago"."""
    anchor = context.anchor
    if anchor is None:
        return _mention(match, "relative", None)
    by = -_number(match.group("n"))
    return _mention(match, "relative", _shifted(anchor, match.group("unit").lower(), by))


def _ahead(match: re.Match[str], context: _Context) -> DateMention | None:
    """ "in three days", "two weeks from now"."""
    anchor = context.anchor
    if anchor is None:
        return _mention(match, "relative", None)
    number = match.group("n") or match.group("n2")
    unit = (match.group("unit") or match.group("unit2")).lower()
    return _mention(match, "relative", _shifted(anchor, unit, _number(number)))


def _period(match: re.Match[str], context: _Context) -> DateMention | None:
    """ "last week", "this month", "earlier this month", "next year", "over the weekend"."""
    anchor = context.anchor
    if anchor is None:
        return _mention(match, "relative", None)
    which = " ".join((match.group("which") or "").lower().split())
    unit = (match.group("unit") or match.group("the")).lower()
    if unit == "weekend":
        return _mention(match, "relative", _weekend(anchor, which, match, context))
    if which in ("past", "coming"):
        length = {"week": 7, "month": 30, "year": 365}[unit]
        if which == "past":
            return _mention(match, "relative", (anchor - timedelta(days=length), anchor))
        return _mention(match, "relative", (anchor, anchor + timedelta(days=length)))
    by = {"last": -1, "this past": -1, "next": 1}.get(which, 0)
    if unit == "week":
        first, last = _week(anchor, by)
    elif unit == "month":
        first, last = _month_range(*_shift_month(anchor.year, anchor.month, by))
    else:
        first, last = date(anchor.year + by, 1, 1), date(anchor.year + by, 12, 31)
    if which == "earlier this":
        last = anchor
    elif which == "later this":
        first = anchor
    return _mention(match, "relative", (first, last))


def _weekend(
    anchor: date, which: str, match: re.Match[str], context: _Context
) -> tuple[date, date]:
    """Saturday-Sunday: "last weekend" before the anchor's week, "this weekend" in it, and
    "over the weekend" the latest one unless the clause is in the future tense."""
    monday, _ = _week(anchor)
    this = (monday + timedelta(days=5), monday + timedelta(days=6))
    last = (monday - timedelta(days=2), monday - timedelta(days=1))
    following = (this[0] + timedelta(weeks=1), this[1] + timedelta(weeks=1))
    if which in ("last", "this past", "past"):
        return last
    if which in ("next", "coming"):
        return following if anchor.weekday() >= 5 else this
    if which == "this":
        return this
    if context.future(match.start(), match.end()) or anchor.weekday() >= 5:
        return this
    return last


_RULES: tuple[tuple[re.Pattern[str], _Handler], ...] = (
    (_MONTH_DAY, _month_day),
    (_DAY_MONTH, _month_day),
    (_MONTH_YEAR, _month_year),
    (_BARE_MONTH, _bare_month),
    (_ISO, _numeric),
    (_US_NUMERIC, _numeric),
    (_YEAR, _year),
    (_DECADE, _decade),
    (_WEEKDAY, _weekday),
    (_SAME_DAY, _same_day),
    (_OFFSET_DAY, _offset_day),
    (_AGO, _ago),
    (_AHEAD, _ahead),
    (_PERIOD, _period),
)


@lru_cache(maxsize=4096)
def mentions_in(text: str, anchor: date | None) -> tuple[DateMention, ...]:
    """All mentions, the longest winning where patterns overlap ("Tuesday, July 14, 2020"
    is one date, not a weekday, a date and a year)."""
    context = _Context(text, anchor)
    found: list[tuple[int, int, DateMention]] = []
    for pattern, handler in _RULES:
        for match in pattern.finditer(text):
            mention = handler(match, context)
            if mention is not None:
                found.append((match.start(), match.end(), mention))
    found.sort(key=lambda item: (item[0] - item[1], item[0]))
    starts: list[int] = []
    """Starts of the chosen mentions, in order; ``chosen`` holds them by start."""
    chosen: dict[int, tuple[int, DateMention]] = {}
    for start, end, mention in found:
        place = bisect_right(starts, start)
        before = starts[place - 1] if place else None
        after = starts[place] if place < len(starts) else None
        if (before is None or chosen[before][0] <= start) and (after is None or end <= after):
            starts.insert(place, start)
            chosen[start] = (end, mention)
    return tuple(chosen[start][1] for start in starts)


# --- pinning ------------------------------------------------------------------------------

AP_MONTHS = (
    "Jan.",
    "Feb.",
    "March",
    "April",
    "May",
    "June",
    "July",
    "Aug.",
    "Sept.",
    "Oct.",
    "Nov.",
    "Dec.",
)
"""Month names as AP style prints them beside a day ("Dec. 2", "March 3")."""
_NAMED_DAY = re.compile(
    r"\b(?:Super|Black|Good|Cyber|Giving|Ash|Fat|Holy|Maundy|Easter|Palm|Shrove|Bloody|Blue)"
    r"\s+$"
)
"""A word that makes a weekday a named day: "Super Tuesday", "Black Friday"."""
_POSSESSIVE = re.compile(r"^['’]s?\b")
_PREPOSITION = re.compile(
    r"\b(?:in|until|till|since|by|from|through|during|for|of|before|after|to|between)\s+$",
    re.IGNORECASE,
)
_LATER = re.compile(r"^(earlier|later)\s+this\s+", re.IGNORECASE)


def ap_day(day: date) -> str:
    """ "Tuesday, Dec. 2": a day as AP style writes it within a year of the dateline."""
    return f"{WEEKDAYS[day.weekday()]}, {AP_MONTHS[day.month - 1]} {day.day}"


@dataclass(frozen=True)
class Pinned:
    """A text with its relative dates made absolute, and whether any is left relative."""

    text: str
    relative: bool
    """Whether a date relative to the day of writing is still in ``text``: one this
    module cannot pin ("last week", "tonight", "Tuesday's vote") or one inside a quotation,
    which is never rewritten."""


def pin_dates(text: str, anchor: date | None) -> Pinned:
    """``text`` with each date relative to ``anchor`` (its day of writing) made absolute.

    Copied into an article written days later, or read a year later, "on Tuesday" and
    "yesterday" mean another day or none; "on Tuesday, Dec. 2" means the same day for
    every reader, and the date check reads it back to the same day. Pinned: a weekday
    ("Tuesday", "last Tuesday"), "today", "yesterday", "tomorrow", "two days ago" (to
    "Tuesday, Dec. 2"), and a year or month ("last year" to "in 2018", "earlier this
    month" to "earlier in December"). Left alone, and reported as ``relative``: parts of
    a day ("Tuesday night", "tonight"), weeks, weekends, possessives ("Tuesday's vote"),
    and anything inside a quotation, whose words are the speaker's.
    """
    quoted = [(m.start(), m.end()) for m in QUOTED_SPAN.finditer(text)]
    out: list[str] = []
    done = 0
    relative = False
    for mention in mentions_in(text, anchor):
        if mention.kind == "absolute":
            continue
        inside = any(start <= mention.start < end for start, end in quoted)
        written = None if inside else _pinned(mention, text)
        if written is None:
            relative = relative or not _NAMED_DAY.search(text[: mention.start])
            continue
        if not text[: mention.start].strip():
            written = written[0].upper() + written[1:]
        out.append(text[done : mention.start])
        out.append(written)
        done = mention.end
    out.append(text[done:])
    return Pinned("".join(out), relative)


def _pinned(mention: DateMention, text: str) -> str | None:
    """What replaces ``mention``, or None when it stays as written."""
    first, last = mention.first, mention.last
    before, after = text[: mention.start], text[mention.end :]
    if first is None or last is None or _POSSESSIVE.match(after):
        return None
    said = " ".join(mention.text.lower().split())
    if first == last:
        if mention.kind == "weekday":
            if _NAMED_DAY.search(before) or said.split()[-1] not in WEEKDAY_WORDS:
                return None  # "Super Tuesday"; "Tuesday night"
        elif said not in ("today", "yesterday", "tomorrow") and not said.endswith("days ago"):
            return None  # "tonight", "this morning", "last night"
        pinned = ap_day(first)
        if said.endswith("ago") or (not before.strip() and after.startswith(",")):
            pinned = f"on {pinned}"  # "On Monday, Dec. 1, the leaders met"
        return pinned + ("," if re.match(r"\s+[\w“\"(]", after) else "")
    later = _LATER.match(said)
    unit = said.split()[-1]
    if unit == "year" and (first.month, first.day) == (1, 1) and first.year == last.year:
        name = str(first.year)
    elif unit == "month" and first.year == last.year and first.month == last.month:
        name = MONTHS[first.month - 1]
    else:
        return None  # weeks, weekends, "the past year": no calendar name
    if later:
        return f"{later.group(1)} in {name}"
    return name if _PREPOSITION.search(before) else f"in {name}"


# --- formatting ---------------------------------------------------------------------------


def _day_month(month: int, day: int) -> str:
    return f"{day} {MONTHS[month - 1]}"


def _full(day: date) -> str:
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def _describe_range(first: date, last: date) -> str:
    if first == last:
        return f"{WEEKDAYS[first.weekday()]}, {_full(first)}"
    if (first.month, first.day, last.month, last.day) == (1, 1, 12, 31):
        return str(first.year) if first.year == last.year else f"{first.year}–{last.year}"
    if (first.year, first.month) == (last.year, last.month):
        if (first, last) == _month_range(first.year, first.month):
            return f"{MONTHS[first.month - 1]} {first.year}"
        return f"{first.day}–{last.day} {MONTHS[first.month - 1]} {first.year}"
    return f"{_full(first)} to {_full(last)}"
