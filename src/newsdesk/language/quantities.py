"""Quantities in news prose: every numeric mention read into a ``Quantity``, and compared.

Reporters write the same quantity many ways (``€90bn``, ``90 billion euros``,
``EUR 90bn``; ``15%``, ``15 per cent``; ``five hours``, ``5-hour``) and round
or hedge it (``about 1.5 million`` for 1,523,000, ``more than 120,000`` for
121,000), so comparing digit strings misses real matches and lets wrong numbers
through. ``quantities`` reads each numeric mention into a ``Quantity`` (kind,
normalised value, currency, counted noun, hedge, precision as written, exact
span); ``matches`` says whether two mentions can be the same figure, as reported,
and ``contradicts`` whether one gives the other a different value.

The number check reads claims and sources with it; the writer reads it to find
outlets that give one figure different values ("Where outlets differ").
Everything is rule-based and dependency-free so that it is fast and its
verdicts can be explained in one line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from decimal import Decimal
from functools import lru_cache
from typing import Literal

from newsdesk.language.text import STOPWORDS

QuantityKind = Literal[
    "money", "percent", "count", "fraction", "duration", "ordinal", "year", "score", "time"
]
Hedge = Literal["about", "nearly", "over", "under"]
"""How a mention qualifies its value: ``about``/``around``; ``nearly``/``almost``
(at most, close below); ``more than``/``at least``; ``less than``/``up to``."""

__all__ = [
    "NUMBERISH",
    "WEAK_WORDS",
    "WORD_TOKEN",
    "Hedge",
    "Quantity",
    "QuantityKind",
    "contradicts",
    "matches",
    "quantities",
    "scan",
]


@dataclass(frozen=True)
class Quantity:
    """One numeric mention of a text, normalised so that spellings compare equal.

    ``value`` is in base units: currency units for money (``currency`` is an
    ISO code), percent for percentages, seconds for durations, the ratio for
    fractions, minutes after midnight for clock times, the first number for
    scores (``pair`` holds them all). ``precision``
    is the place value of the last significant digit as written (``1.5
    million`` -> 100,000; ``120,000`` -> 10,000), which is what rounding
    tolerance is measured in. ``unit`` is the counted noun, singular
    (``troops``, ``people`` -> ``person``), or the time unit of a duration
    (``hour``; ``year-old`` for ages), or ``point`` for percentage points.
    ``upper`` is the top of a range (``10-15%``). ``qualifier`` is the hedge as
    written ("at least"), for details. ``start``/``end`` delimit the
    mention (number, currency, scale and unit words; not the hedge, not the
    counted noun) in the analysed text, and ``text`` is that slice.

    ``asserted`` is False for a number a set phrase implies rather than
    reports ("for the first time", "one person died", "the two sides"):
    a claim must not contradict its sources with it, but need not find it
    stated there, since reporters rarely repeat what such phrases take for
    granted (see ``_SET_PHRASES`` and ``_refers_back``).
    """

    kind: QuantityKind
    value: float
    start: int
    end: int
    text: str
    precision: float = 1.0
    currency: str | None = None
    unit: str | None = None
    hedge: Hedge | None = None
    pair: tuple[int, ...] | None = None
    upper: float | None = None
    qualifier: str = ""
    asserted: bool = True

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        """A short canonical rendering for one-line details (``more than €30bn``)."""
        if self.qualifier:
            return f"{self.qualifier} {self._bare()}"
        return (_HEDGE_LABEL[self.hedge] if self.hedge else "") + self._bare()

    def _bare(self) -> str:
        if self.kind == "score" and self.pair:
            return "-".join(str(n) for n in self.pair)
        if self.kind == "fraction" and self.pair:
            return f"{self.pair[0]}/{self.pair[1]}"
        if self.kind == "year":
            return str(int(self.value))
        if self.kind == "time":
            hour, minute = divmod(int(self.value), 60)
            clock = f"{(hour - 1) % 12 + 1}" + (f":{minute:02d}" if minute else "")
            return clock + (" p.m." if hour >= 12 else " a.m.")
        if self.kind == "ordinal":
            return _ordinal(int(self.value))
        if self.kind == "percent":
            span = _plain(self.value) + (f"-{_plain(self.upper)}" if self.upper else "")
            return f"{span} percentage points" if self.unit == "point" else f"{span}%"
        if self.kind == "duration":
            unit = self.unit or "second"
            size = _SECONDS[unit.removesuffix("-old")]
            amount = _plain(self.value / size)
            if self.upper is not None:
                amount += f"-{_plain(self.upper / size)}"
            if unit.endswith("-old"):
                return f"{amount}-{unit}"
            return f"{amount} {unit}" + ("" if amount == "1" else "s")
        if self.kind == "money":
            code = self.currency or ""
            symbol = _SYMBOL.get(code, f"{code} ")
            return symbol + _scaled(self.value, short=True)
        return _scaled(self.value, short=False) + (f"-{_plain(self.upper)}" if self.upper else "")


# --------------------------------------------------------------------------- vocabulary

_CARDINALS = {
    word: value
    for value, word in enumerate(
        "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
        "fifteen sixteen seventeen eighteen nineteen".split()
    )
}
_TENS = {
    word: 10 * value
    for value, word in enumerate("twenty thirty forty fifty sixty seventy eighty ninety".split(), 2)
}
_SCALES = {"thousand": 10**3, "million": 10**6, "billion": 10**9, "trillion": 10**12}
_ORDINALS = {
    word: value
    for value, word in enumerate(
        "first second third fourth fifth sixth seventh eighth ninth tenth eleventh twelfth "
        "thirteenth fourteenth fifteenth sixteenth seventeenth eighteenth nineteenth".split(),
        1,
    )
}
_ORDINALS |= {word.removesuffix("y") + "ieth": value for word, value in _TENS.items()}
_ORDINALS |= {"hundredth": 100, "thousandth": 1000, "millionth": 10**6}
_DENOMINATORS = {"half": 2, "halves": 2, "quarter": 4} | {
    word: _ORDINALS[word] for word in "third fourth fifth sixth seventh eighth ninth tenth".split()
}
_SECONDS = {
    "second": 1,
    "minute": 60,
    "hour": 3600,
    "day": 86400,
    "week": 604800,
    "month": 2629746,  # a twelfth of the Gregorian year, so 12 months == 1 year
    "year": 31556952,
    "decade": 315569520,
    "century": 3155695200,
}
_TIME_UNITS = {
    alias: unit
    for unit, aliases in {
        "second": "sec secs second seconds",
        "minute": "min mins minute minutes",
        "hour": "hr hrs hour hours",
        "day": "day days",
        "week": "wk wks week weeks",
        "month": "month months",
        "year": "yr yrs year years",
        "decade": "decade decades",
        "century": "century centuries",
    }.items()
    for alias in aliases.split()
}
_SYMBOLS = {
    "US$": "USD",
    "$": "USD",
    "C$": "CAD",
    "A$": "AUD",
    "HK$": "HKD",
    "NZ$": "NZD",
    "€": "EUR",
    "£": "GBP",
    "¥": "JPY",
    "₹": "INR",
}
_SYMBOL = {"USD": "$", "EUR": "€", "GBP": "£", "JPY": "¥"}
_CODES = ("USD", "EUR", "GBP", "JPY", "CNY", "CHF", "CAD", "AUD", "INR", "HKD", "NZD", "RUB")
_CURRENCY_WORDS = {
    "dollar": "USD",
    "euro": "EUR",
    "pound": "GBP",
    "yen": "JPY",
    "yuan": "CNY",
    "renminbi": "CNY",
    "rupee": "INR",
    "franc": "CHF",
    "rouble": "RUB",
    "ruble": "RUB",
}
_DOLLAR_COUNTRY = {"canadian": "CAD", "australian": "AUD", "hong kong": "HKD", "new zealand": "NZD"}
_HEDGE_PHRASES: tuple[tuple[Hedge, str], ...] = (
    ("over", "more than|greater than|over|at least|upwards of|in excess of|exceeding|above"),
    ("over", "north of|just over"),
    ("nearly", "nearly|almost|close to|just under"),
    ("about", "about|around|roughly|approximately|an estimated|estimated|some|~"),
    ("under", "as many as|as much as|up to|less than|fewer than|under|below|at most"),
    ("under", "no more than|not more than"),
)
_HEDGES: dict[str, Hedge] = {
    phrase: hedge for hedge, phrases in _HEDGE_PHRASES for phrase in phrases.split("|")
}
_HEDGE_LABEL: dict[Hedge, str] = {
    "about": "about ",
    "nearly": "nearly ",
    "over": "more than ",
    "under": "at most ",
}
_MONTH = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?"
    r"|Sept?(?:ember)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)"
)
# Words after a number that describe rather than name what is counted.
_ADJECTIVES = frozenset(
    """new more additional other further total confirmed known suspected straight consecutive
    separate major federal state local foreign former current previous last next full whole
    entire single different young small large big top leading senior armed active unarmed
    civilian daily weekly monthly annual extra key main worth estimated reported registered
    recorded likely possible potential so-called""".split()
)
_YEAR_CUES = frozenset(
    "in since by from until till to of during before after through between the early late mid "
    "circa around a an his her their its our my your this that".split()
)
_NUMBER_WORDS = frozenset(
    [*_CARDINALS, *_TENS, *_SCALES, *_ORDINALS, "hundred", "dozen", "half", "halves", "thirds"]
)
NUMBERISH = _NUMBER_WORDS | frozenset(
    [
        *_CURRENCY_WORDS,
        *"dollars euros pounds rupees francs percent cent per pct percentage points".split(),
        *"bn m k mn tn least nearly almost roughly approximately around estimated".split(),
        *"upwards excess exceeding fewer less greater plus".split(),
    ]
)

# Words too common to tie a figure to a fact.
WEAK_WORDS = STOPWORDS | frozenset(
    "as while among u us s mr mrs ms also new last first year years time times per one".split()
)

# --------------------------------------------------------------------------- patterns

_ALT = "|".join
_NW = _ALT(sorted([*_CARDINALS, *_TENS, *_SCALES, "hundred", "dozen"], key=len, reverse=True))
_ORD = _ALT(sorted(_ORDINALS, key=len, reverse=True))
_DEN = r"halves|half|thirds?|quarters?|fourths?|fifths?|sixths?|sevenths?|eighths?|ninths?|tenths?"
_AMPM = r"(?:\s*[ap]\.m\.|\s*[ap]m\b)"
_START = re.compile(
    rf"""
    (?P<skip>
        \b\d{{4}}-\d{{1,2}}-\d{{1,2}}\b                    # ISO date: the date check's
      | \b\d{{1,4}}/\d{{1,4}}(?:/\d{{1,4}})?\b              # 6/1/2020, 24/7
      | \b\d{{1,2}}:\d{{2}}(?::\d{{2}})?\b(?!{_AMPM})        # 12:30: a time of what zone?
    )
  | (?P<time>\b(?P<hour>\d{{1,2}})(?:[:.](?P<minute>\d{{2}}))?(?P<meridiem>{_AMPM}))
  | (?P<digits>(?<![\w.,/])(?:\d{{1,3}}(?:,\d{{3}})+|\d+)(?:\.\d+)?)
  | (?P<afrac>\ba\s+(?:half|third|quarter|fourth|fifth|sixth|seventh|eighth|ninth|tenth)
        (?=\s+of\b))
  | (?P<half>\bhalf(?=\s+of\b))
  | (?P<ordw>\b(?:(?:{_ALT(_TENS)})-)?(?:{_ORD})\b)
  | (?P<words>\b(?:a\s+)?(?:{_NW})\b(?:(?:\s+and\s+|[ \t-]+)(?:{_NW})\b){{0,12}})
    """,
    re.IGNORECASE | re.VERBOSE,
)
_LETTERS = re.compile(r"[A-Za-z]+")
_WORD_END = re.compile(r"[\w\-‑]*")
_YEAR_RANGE = re.compile(r"[-–](?:\d{4}|\d{2})\b")
_PREFIX_CURRENCY = re.compile(
    rf"(?:(?P<sym>US\$|C\$|A\$|HK\$|NZ\$|\$|€|£|¥|₹)|\b(?P<code>{_ALT(_CODES)})\s?)$"
)
_LONG_SCALE = re.compile(r"(?:\s+|\s*-\s*)(thousand|million|billion|trillion)\b", re.I)
_SHORT_SCALE = re.compile(r"\s?(bn|bln|mn|mln|tn|trn)\b|(m|k|b)\b", re.I)
_SHORT_SIZES = {"bn": 10**9, "bln": 10**9, "mn": 10**6, "mln": 10**6, "tn": 10**12, "trn": 10**12}
_SHORT_SIZES |= {"m": 10**6, "k": 10**3, "b": 10**9}
_PERCENT = re.compile(
    r"\s?(?:(?P<points>percentage[\s-]points?)|%|percent\b|per\s?cent\b|pct\b)", re.I
)
_CURRENCY_AFTER = re.compile(
    rf"""\s+(?:(?P<country>US|U\.S\.|American|Canadian|Australian|Hong\s+Kong|New\s+Zealand)\s+)?
    (?P<word>(?i:dollars?|euros?|pounds?(?P<sterling>\s+sterling)?|yen|yuan|renminbi|rupees?
        |francs?|roubles?|rubles?))\b
    | \s?(?P<code>{_ALT(_CODES)})\b""",
    re.VERBOSE,
)
_DURATION = re.compile(
    rf"(?:\s+|\s*[-‑]\s*)(?P<unit>{_ALT(sorted(_TIME_UNITS, key=len, reverse=True))})\b"
    r"(?P<old>(?:[-‑]|\s+)old\b)?",
    re.I,
)
_FRACTION = re.compile(rf"(?:\s+|[-‑])(?P<den>{_DEN})\b", re.I)
_SCORE = re.compile(r"(?:[-–—]|-to-)(?P<b>\d{1,3})(?:[-–—](?P<c>\d{1,3}))?\b(?![-–/:.,]\d)", re.I)
_AND_HALF = re.compile(
    r"(?:\s+|-)and(?:\s+|-)a(?:\s+|-)half\b|(?:\s+|-)(?P<n>[1-9])/(?P<d>[2-9]|1[0-6])\b(?!/)", re.I
)
_IN_EVERY = re.compile(
    rf"\s+(?:in|out\s+of)\s+(?P<m>\d{{1,3}}(?:,\d{{3}})?|{_ALT(_CARDINALS)}|{_ALT(_TENS)})\b"
    r"(?![.,]\d|\s+(?:million|billion|thousand|hundred|percent|per\s?cent))",
    re.I,
)
_AFTER_HEDGE = re.compile(r"\s*\+|[-\s]plus\b|\s+or\s+(?P<w>more|so|fewer|less)\b", re.I)
_HEDGE_BEFORE = re.compile(
    r"(?:^|(?<=\W))(?P<h>"
    + _ALT(re.escape(h).replace(r"\ ", r"\s+") for h in sorted(_HEDGES, key=len, reverse=True))
    + r")\s*$",
    re.I,
)
_MONTH_BEFORE = re.compile(rf"\b{_MONTH}\.?\s+$")
_MONTH_AFTER = re.compile(rf"(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTH}\b")
_LINE_START = re.compile(r"(?:^|\n)[ \t(]*$")
_NUMBERING_BEFORE = re.compile(r"(?:\bNos?\.|#)\s*$")
_NEXT_WORD = re.compile(r"[ \t\-‑]*([A-Za-z][A-Za-z'’\-]*[A-Za-z'’]|[A-Za-z])")
WORD_TOKEN = re.compile(r"[A-Za-z0-9]+(?:['’][A-Za-z]+)*")
_IRREGULAR = {
    "people": "person",
    "persons": "person",
    "men": "man",
    "women": "woman",
    "children": "child",
    "feet": "foot",
    "lives": "life",
    "police": "police",
    "news": "news",
}

# --------------------------------------------------------------------------- set phrases

_SET_PHRASES: tuple[tuple[str, str], ...] = (
    # (pattern, with the counting words as group ``n``; why it counts nothing)
    (
        r"\b(?P<n>one\s+or\s+two|two\s+or\s+three|three\s+or\s+four|four\s+or\s+five"
        r"|five\s+or\s+six)\b",
        "a shrug, not a count: 'one or two people'",
    ),
    (
        r"\ban?\s+(?:day|night|week|month|year|hour|minute|moment|time|while)\s+or\s+(?P<n>two)\b",
        "'a day or two': a vague stretch",
    ),
    (r"\b(?P<n>one|two)[-\s]way\b", "'a two-way street', 'two-way trade': a kind, not a count"),
    (r"\b(?P<n>two)[-\s]state\s+solution", "a named policy"),
    (r"\b(?P<n>two)[-\s]party\s+system", "a kind of politics"),
    (r"\b(?P<n>two)-(?:faced|bit|pronged|tier(?:ed)?|track|horse)\b", "figures of speech"),
    (r"\b(?P<n>one\s+by\s+one|two\s+by\s+two)\b", "'one by one': a manner, not a count"),
    (r"\b(?P<n>two\s+and\s+two)\s+together\b", "'put two and two together'"),
    (r"\bin\s+(?P<n>two)\s+minds\b|\b(?P<n2>two)\s+of\s+a\s+kind\b", "figures of speech"),
    (r"\b(?:my|his|her|their|our|your)\s+(?P<n>two)\s+cents\b", "'my two cents': an opinion"),
    (r"\b(?P<n>nine[-\s]to[-\s]five)\b", "'a nine-to-five job': office hours"),
    (r"\b(?P<n>zero)[-\s](?:tolerance|sum)\b", "'zero tolerance', 'zero-sum': a stance"),
    (r"\b(?:ground|patient|year)\s+(?P<n>zero)\b|\b(?P<n2>zero)\s+hour\b", "names, not amounts"),
    (r"\b(?P<n>a\s+(?:hundred|thousand|million))\s+times\s+(?:over|more)?", "hyperbole"),
    (r"\b(?P<n>first|second)[-\s]hand\b", "'first-hand': how, not which"),
    (r"\b(?P<n>first|second|third)[-\s]rate\b", "a judgement of quality"),
    (r"\b(?P<n>second)[-\s]guess", "'second-guess': to doubt"),
    (r"\b(?P<n>second)\s+(?:nature|thoughts|to\s+none|fiddle)\b", "figures of speech"),
    (r"\b(?P<n>first)\s+(?:and\s+foremost|of\s+all)\b", "a connective: 'first of all'"),
    (r"\bin\s+the\s+(?P<n>first)\s+place\b", "a connective: 'in the first place'"),
    (r"\bat\s+(?P<n>first)\s+(?:glance|sight|blush)\b", "'at first glance'"),
    (r"\b(?P<n>first)\s+thing\s+in\s+the\s+morning\b", "'first thing in the morning'"),
    (r"\b(?P<n>first)[-\s]names?\b", "a person's given name"),
    (
        r"\b(?P<n>third)\s+(?:world|wheel)\b|\b(?P<n2>sixth)\s+sense\b"
        r"|\b(?P<n3>seventh)\s+heaven\b|\b(?P<n4>fourth)\s+estate\b|\b(?P<n5>fifth)\s+column",
        "names and figures of speech",
    ),
)
"""Set phrases whose counting words count nothing a source could state otherwise.

Most "one"s are already left alone (a lone "one" is an article or a pronoun:
"one of the", "one another", "no one", "the other one", "at one point",
"on the one hand", "one-on-one"), and "both", "a couple of" and "once" are
not number words; this table holds the rest, each with why. Whatever its
pattern marks as ``n`` is not read as a quantity, so "two-way trade" cannot
fail for want of a source saying "two".
"""

_SET_PHRASE = re.compile(
    "|".join(
        f"(?:{pattern})".replace("(?P<n", f"(?P<p{index}_n")
        for index, (pattern, _) in enumerate(_SET_PHRASES)
    ),
    re.IGNORECASE,
)


def _set_phrase_spans(text: str) -> list[tuple[int, int]]:
    """Spans of the counting words of ``text``'s set phrases (see ``_SET_PHRASES``)."""
    spans = []
    for match in _SET_PHRASE.finditer(text):
        for name, value in match.groupdict().items():
            if value is not None and "_n" in name:
                spans.append(match.span(name))
    return spans


_MODAL_BEFORE = re.compile(
    r"\b(?:will|would|could|might|may|can|should|must|shall|to|hope|hopes|hoped)\s+$", re.I
)
_CLAUSE_WORDS = frozenset("and but then until that when so where while because".split())
_POINT_AFTER = re.compile(
    r"(?:[-‑]|\s+(?:after|before|later|earlier|ago|of|into|apart|long|old|away|left|remaining"
    r"|early|late|behind|ahead|and|or|to|per|a|an|in|for|from|since|more|less|than)\b)",
    re.I,
)


def _someday(text: str, start: int, end: int) -> bool:
    """Whether "one day" (or week, year) at ``start:end`` means "some day", not a span.

    It does after a modal ("could one day replace") or opening a clause ("One
    day, he ..."), unless what follows makes it a span or a point in time
    ("one day after", "one day later", "one day in jail"): "the most in one
    day" and "a one-day strike" stay durations.
    """
    if _POINT_AFTER.match(text, end) or not re.match(r"\s*[A-Za-z,]", text[end:]):
        return False
    if _MODAL_BEFORE.search(text, max(0, start - 12), start):
        return True
    before = text[max(0, start - 40) : start].rstrip(" \t\"'“‘(")
    if not before or before[-1] in ".!?;:,\n":
        return True
    words = before.split()
    return bool(words) and words[-1].lower() in _CLAUSE_WORDS


_ONE_COUNTED = re.compile(
    r"\s+(?:(?:more|other|additional|further)\s+)?(?P<noun>person|man|woman|child|boy|girl"
    r"|baby|officer|soldier|civilian|passenger|student|worker|patient|victim|protester"
    r"|resident|firefighter|journalist|migrant|inmate|prisoner|suspect|hostage|pedestrian"
    r"|driver|teenager|employee|crew\s+member|service\s+member)\s+(?:was|is|has|had|remains"
    r"|remained|died|dies|killed|injured|wounded|hurt|dead|missing)\b",
    re.I,
)
"""A lone "one" that counts: "one person died", "one officer was injured".

Such a "one" answers "how many were hurt" as surely as "two" does, so a
source saying "two people died" must contradict it; yet it is read as not
``asserted``, because a source writing "a man died" states it without a
number.
"""

_FIRST_TIME = re.compile(r"[-\s]+(?:time\b|of\s+(?:its|his|her|their)\s+kind\b)", re.I)
"""After "first": "for the first time", "the first of its kind": a presupposition
that the sources word many ways ("never before", "unprecedented"), so it is not
``asserted``; another ordinal in the cited text ("the second time") still
contradicts it."""

# --------------------------------------------------------------------------- formatting


def _plain(value: float | None) -> str:
    """``1,200`` / ``1.55``: no float noise, thousands separated."""
    if value is None:
        return ""
    rounded = round(value, 6)
    if rounded == int(rounded):
        return f"{int(rounded):,}"
    return f"{rounded:,.6f}".rstrip("0").rstrip(".")


def _scaled(value: float, short: bool) -> str:
    """``30bn`` (money) or ``1.55 million`` (counts): how reporters write big numbers."""
    for size, long_name, short_name in (
        (1e12, "trillion", "tn"),
        (1e9, "billion", "bn"),
        (1e6, "million", "m"),
    ):
        if abs(value) >= size:
            amount = _plain(value / size)
            return f"{amount}{short_name}" if short else f"{amount} {long_name}"
    return _plain(value)


def _ordinal(value: int) -> str:
    suffix = "th" if 10 <= value % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(value % 10, "th")
    return f"{value}{suffix}"


# --------------------------------------------------------------------------- scanning


def _precision(value: Decimal, decimals: int, scale: int) -> Decimal:
    """Place value of the last significant digit as written.

    Trailing zeros count as significant below 1,000 (``20 people`` is exact)
    but not above it, where they are how reporters round (``120,000``).
    """
    if decimals:
        return Decimal(1).scaleb(-decimals) * scale
    whole = int(value)
    if whole >= 1000:
        digits = str(whole)
        return Decimal(10) ** (len(digits) - len(digits.rstrip("0")))
    return Decimal(scale)


def _singular(word: str) -> str:
    word = word.lower().replace("’", "'").removesuffix("'s").rstrip("'")
    if word in _IRREGULAR:
        return _IRREGULAR[word]
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith(("ches", "shes", "sses", "xes", "zes")):
        return word[:-2]
    if word.endswith("s") and not word.endswith(("ss", "us", "is")) and len(word) > 3:
        return word[:-1]
    return word


def _noun_after(text: str, position: int) -> str | None:
    """The noun a number counts: the next word, skipping names and describing words.

    Cheap on purpose: "1.5 million Florida felons" -> ``felon``, "212 new
    cases" -> ``case``; it stops at punctuation or a function word ("93,406
    have died" counts nothing it can name).
    """
    for _ in range(4):
        match = _NEXT_WORD.match(text, position)
        if match is None:
            return None
        word = match.group(1)
        position = match.end()
        low = word.lower().replace("’", "'")
        if word[0].isupper():
            continue
        if low in STOPWORDS or low in _NUMBER_WORDS or (low.endswith("ed") and len(low) > 4):
            return None  # a verb ("93,406 died") names nothing counted
        if low in _ADJECTIVES or low.endswith("ly"):
            continue
        return _singular(low)
    return None


def _word_end(text: str, position: int) -> int:
    """Where the identifier-like word running on from ``position`` ends."""
    match = _WORD_END.match(text, position)
    return match.end() if match else position


def _hedge_before(text: str, start: int) -> tuple[Hedge | None, str]:
    """The hedge written just before a number ("more than", "about") and its words."""
    match = _HEDGE_BEFORE.search(text, max(0, start - 30), start)
    if match is None:
        return None, ""
    words = " ".join(match.group("h").lower().split())
    return _HEDGES[words], words


def _is_sentence_start(text: str, start: int) -> bool:
    before = text[max(0, start - 40) : start].rstrip(" \t\"'“‘(")
    return not before or before[-1] in ".!?:\n"


@dataclass
class _Draft:
    """A number being read: its core value and what has been found around it."""

    start: int
    end: int
    value: Decimal
    precision: Decimal
    words: bool
    integer: bool
    lone_one: bool = False
    currency: str | None = None
    scaled: bool = False


def _finish(text: str, draft: _Draft) -> tuple[Quantity | None, int]:
    """Read what follows a number (scale, %, currency, time unit, ...) into a Quantity.

    Returns the quantity (``None`` when the mention is not a quantity after
    all, e.g. a bare "one") and where scanning should resume.
    """
    end = draft.end
    kind: QuantityKind = "count"
    unit: str | None = None
    pair: tuple[int, ...] | None = None
    upper: float | None = None
    value, precision = draft.value, draft.precision

    if draft.integer and not draft.scaled and (half := _AND_HALF.match(text, end)):
        top, bottom = int(half.group("n") or 1), int(half.group("d") or 2)
        if top < bottom:
            value += Decimal(top) / bottom
            precision, end = Decimal(1) / bottom, half.end()
            draft.integer = False
    if not draft.words and not draft.scaled:
        scale_match = _LONG_SCALE.match(text, end)
        if scale_match:
            size = _SCALES[scale_match.group(1).lower()]
            value, precision = value * size, _scale_precision(draft, size)
            end, draft.scaled = scale_match.end(), True
    if draft.currency is None and (money := _CURRENCY_AFTER.match(text, end)):
        currency = _currency_of(money)
        if currency and (draft.scaled or money.group("word") is None or _not_weight(money)):
            draft.currency, end = currency, money.end()
    elif draft.currency is not None and (money := _CURRENCY_AFTER.match(text, end)):
        end = money.end()  # "$5 million dollars"

    small = draft.integer and not draft.scaled and draft.currency is None
    percent = _PERCENT.match(text, end) if draft.currency is None else None
    duration = _DURATION.match(text, end) if draft.currency is None else None
    if draft.currency is not None:
        kind = "money"
    elif percent:
        kind, end = "percent", percent.end()
        unit = "point" if percent.group("points") else None
    elif duration:
        name = _TIME_UNITS[duration.group("unit").lower()]
        seconds = _SECONDS[name]
        kind, end = "duration", duration.end()
        value, precision = value * seconds, precision * seconds
        unit = f"{name}-old" if duration.group("old") else name
    elif small and 1 <= value <= 10 and (fraction := _FRACTION.match(text, end)):
        denominator = fraction.group("den").lower()
        if denominator.endswith("s") == (value > 1):
            bottom = _DENOMINATORS.get(denominator) or _DENOMINATORS[denominator[:-1]]
            kind, end, pair = "fraction", fraction.end(), (int(value), bottom)
    elif small and not draft.words and value < 1000 and (score := _SCORE.match(text, end)):
        second = int(score.group("b"))
        end = score.end()
        ranged = _PERCENT.match(text, end) or _DURATION.match(text, end)
        if ranged is not None and ranged.re is _PERCENT:
            kind, upper, end = "percent", float(second), ranged.end()
        elif ranged is not None:
            name = _TIME_UNITS[ranged.group("unit").lower()]
            kind, unit, end = "duration", name, ranged.end()
            value, precision = value * _SECONDS[name], precision * _SECONDS[name]
            upper = float(second * _SECONDS[name])
        else:
            third = (int(score.group("c")),) if score.group("c") else ()
            kind, pair = "score", (int(value), second, *third)
    if kind == "count" and small and (every := _IN_EVERY.match(text, end)):
        whole = _small_number(every.group("m"))
        if whole is not None and whole > value >= 1:
            kind, end, pair = "fraction", every.end(), (int(value), whole)

    asserted = True
    if draft.lone_one and kind == "duration" and _someday(text, draft.start, end):
        return None, end
    if kind == "count" and draft.lone_one:
        counted = _ONE_COUNTED.match(text, end) if text[draft.start] in "oO" else None
        if counted is None:
            return None, end
        asserted = False
    if (
        kind == "count"
        and draft.integer
        and not draft.words
        and not draft.scaled
        and 1000 <= value <= 2100
        and len(text[draft.start : draft.end]) == 4
        and _is_year(text, draft.start, end)
    ):
        kind = "year"
        year_range = _YEAR_RANGE.match(text, end)
        end = year_range.end() if year_range else end

    hedge, qualifier = _hedge_before(text, draft.start)
    after = _AFTER_HEDGE.match(text, end)
    if after and kind not in ("year", "ordinal", "score"):
        word = (after.group("w") or "more").lower()
        hedge = "about" if word == "so" else "under" if word in ("fewer", "less") else "over"
        qualifier, end = "", after.end()
    if kind in ("year", "ordinal", "score") or (kind == "duration" and qualifier == "over"):
        # "over two days" is mostly "during two days".
        hedge, qualifier = None, ""
    if kind in ("count", "score", "money", "fraction"):
        unit = _noun_after(text, end)
    if kind == "fraction" and pair is not None:
        value = Decimal(pair[0]) / Decimal(pair[1])
        precision = Decimal(0)
    return (
        Quantity(
            kind=kind,
            value=float(value),
            start=draft.start,
            end=end,
            text=text[draft.start : end],
            precision=float(precision),
            currency=draft.currency if kind == "money" else None,
            unit=unit,
            hedge=hedge,
            pair=pair,
            upper=upper,
            qualifier=qualifier,
            asserted=asserted,
        ),
        end,
    )


def _scale_precision(draft: _Draft, size: int) -> Decimal:
    if draft.integer:
        return _precision(draft.value * size, 0, size)
    return draft.precision * size


def _not_weight(money: re.Match[str]) -> bool:
    """ "200 pounds" is a weight unless it says sterling; "£200" or "2 million pounds" is money."""
    word = money.group("word") or ""
    return not word.lower().startswith("pound") or bool(money.group("sterling"))


def _currency_of(money: re.Match[str]) -> str | None:
    if money.group("code"):
        return money.group("code")
    word = money.group("word").lower().split()[0].rstrip("s")
    country = " ".join((money.group("country") or "").lower().split())
    if word == "dollar" and country in _DOLLAR_COUNTRY:
        return _DOLLAR_COUNTRY[country]
    return _CURRENCY_WORDS.get(word)


def _small_number(raw: str) -> int | None:
    low = raw.lower().replace(",", "")
    if low.isdigit():
        return int(low)
    return _CARDINALS.get(low, _TENS.get(low))


def _is_year(text: str, start: int, end: int) -> bool:
    """A four-digit number is a year unless it counts something ("2000 troops")."""
    before = text[max(0, start - 20) : start].split()
    cue = bool(before) and before[-1].lower().strip("(") in _YEAR_CUES
    if cue or _MONTH_BEFORE.search(text, max(0, start - 12), start):
        return True
    noun = _NEXT_WORD.match(text, end)
    if noun is None or noun.group(1)[0].isupper():
        return True
    word = noun.group(1).lower()
    if word in STOPWORDS or (before and before[-1].endswith(("'s", "’s"))):
        return True
    counts = (word.endswith("s") and not word.endswith("ss")) or word in _IRREGULAR
    return not counts


def _from_digits(text: str, match: re.Match[str]) -> tuple[Quantity | None, int]:
    start, end = match.span()
    raw = match.group()
    if len(raw) > 24:
        return None, end  # a run of digits no reporter writes as a number
    # Inside an identifier: COVID-19, F-35, baly-2W1W... (but mid-2020, pre-2008 are years).
    if start >= 2 and text[start - 1] in "-‑" and text[start - 2].isalpha():
        prefix = re.search(r"[A-Za-z]+$", text[max(0, start - 8) : start - 1])
        if prefix is None or prefix.group().lower() not in ("mid", "pre", "post"):
            return None, _word_end(text, end)
    # List numbering at the start of a line: "1. ", "2) ".
    if (
        len(raw) <= 2
        and _LINE_START.search(text, max(0, start - 8), start)
        and re.match(r"[.)]\s", text[end : end + 2])
    ):
        return None, end + 1
    if _NUMBERING_BEFORE.search(text, max(0, start - 6), start):
        return None, _word_end(text, end)
    if len(raw) > 1 and raw[0] == "0" and raw[1] != ".":
        return None, end  # "000", "007": codes, or digit groups split by spaces
    whole, _, decimals = raw.replace(",", "").partition(".")
    value = Decimal(raw.replace(",", ""))
    integer = not decimals and "," not in raw
    day = integer and len(raw) <= 2 and 1 <= int(whole) <= 31
    if day and (
        _MONTH_BEFORE.search(text, max(0, start - 12), start) or _MONTH_AFTER.match(text, end)
    ):
        suffix = re.match(r"(?:st|nd|rd|th)\b", text[end:])
        return None, end + (suffix.end() if suffix else 0)

    currency: str | None = None
    mention_start = start
    prefix_match = _PREFIX_CURRENCY.search(text, max(0, start - 5), start)
    if prefix_match:
        symbol = prefix_match.group("sym")
        currency = _SYMBOLS[symbol] if symbol else prefix_match.group("code")
        mention_start = prefix_match.start()

    draft = _Draft(
        start=mention_start,
        end=end,
        value=value,
        precision=_precision(value, len(decimals), 1),
        words=False,
        integer=not decimals,
        currency=currency,
    )
    letters = _LETTERS.match(text, end)
    if letters:
        if letters.group().lower() in ("st", "nd", "rd", "th") and integer:
            return _ordinal_quantity(text, mention_start, letters.end(), int(whole))
        short = _SHORT_SCALE.match(text, end)
        if short is None or short.start() != end:
            return None, _word_end(text, end)
        size = _SHORT_SIZES[(short.group(1) or short.group(2)).lower()]
        if short.group(2) and currency is None and not _CURRENCY_AFTER.match(text, short.end()):
            return None, short.end()  # "5m" alone may be metres
        draft.value, draft.precision = value * size, _scale_precision(draft, size)
        draft.end, draft.scaled = short.end(), True
    elif (short := _SHORT_SCALE.match(text, end)) and short.group(1):
        size = _SHORT_SIZES[short.group(1).lower()]
        draft.value, draft.precision = value * size, _scale_precision(draft, size)
        draft.end, draft.scaled = short.end(), True
    return _finish(text, draft)


def _ordinal_quantity(text: str, start: int, end: int, value: int) -> tuple[Quantity | None, int]:
    """``3rd``/``third``, unless it is a date's day ("June 1st", "the 4th of July")."""
    if _MONTH_BEFORE.search(text, max(0, start - 12), start) or _MONTH_AFTER.match(text, end):
        return None, end
    return (
        Quantity(
            kind="ordinal",
            value=float(value),
            start=start,
            end=end,
            text=text[start:end],
            unit=_noun_after(text, end),
        ),
        end,
    )


def _from_ordinal_word(text: str, match: re.Match[str]) -> tuple[Quantity | None, int]:
    start, end = match.span()
    word = match.group()
    low = word.lower()
    following = _NEXT_WORD.match(text, end)
    next_word = following.group(1) if following else ""
    if word[0].isupper():
        # Mid-sentence capitals name things ("Eighth Amendment", "Second World War");
        # "First," opens a sentence without counting anything.
        if not _is_sentence_start(text, start) or text[end : end + 1] == ",":
            return None, end
        if next_word[:1].isupper():
            return None, end
    previous = text[max(0, start - 12) : start].split()
    before = previous[-1].lower() if previous else ""
    if low == "first" and (
        before == "at" or next_word.lower() in ("lady", "ladies", "responders", "aid", "hand")
    ):
        return None, end
    if low == "second" and (
        before in ("per", "split")
        or ((before in ("a", "one", "every") or before.isdigit()) and not _noun_after(text, end))
    ):
        return None, end  # "for a second", "per second"; but "a second wave" is an ordinal
    head, _, tail = low.partition("-")
    value = _TENS[head] + _ORDINALS[tail] if tail else _ORDINALS[low]
    quantity, resume = _ordinal_quantity(text, start, end, value)
    if quantity is not None and low == "first" and _FIRST_TIME.match(text, end):
        quantity = replace(quantity, asserted=False)
    return quantity, resume


def _parse_words(tokens: list[str]) -> tuple[int, int, int] | None:
    """Value of the longest valid number-word phrase: (value, first token, end token).

    "one hundred and twenty five thousand" -> 125,000; "a dozen" -> 12; a
    phrase that stops making sense ("five six") is cut where it does.
    """
    begin = 0
    if tokens[0] == "a":
        if len(tokens) < 2 or tokens[1] not in (*_SCALES, "hundred", "dozen"):
            begin = 1
        if len(tokens) < 2:
            return None
    total = current = 0
    last: str | None = None  # "unit", "teen", "tens", "hundred", "scale"
    last_scale = 10**15
    stop = begin
    index = begin
    while index < len(tokens):
        token = tokens[index]
        if token == "a" and index == begin:
            current, last = 1, "unit"
        elif token == "and":
            if last not in ("hundred", "scale") or index + 1 >= len(tokens):
                break
            index += 1
            continue
        elif token in _CARDINALS and _CARDINALS[token] < 10:
            if last in ("unit", "teen"):
                break
            current += _CARDINALS[token]
            last = "unit"
        elif token in _CARDINALS:
            if last in ("unit", "teen", "tens"):
                break
            current += _CARDINALS[token]
            last = "teen"
        elif token in _TENS:
            if last in ("unit", "teen", "tens"):
                break
            current += _TENS[token]
            last = "tens"
        elif token == "hundred":
            if last == "hundred" or current >= 100:
                break
            current = (current or 1) * 100
            last = "hundred"
        elif token == "dozen":
            if last in ("hundred", "scale", "dozen"):
                break
            current = (current or 1) * 12
            last = "dozen"
        elif token in _SCALES:
            size = _SCALES[token]
            if size >= last_scale:
                break
            total += (current or 1) * size
            current, last, last_scale = 0, "scale", size
        else:
            break
        index += 1
        stop = index
    if stop <= begin or (tokens[begin] in (*_SCALES, "hundred", "dozen")):
        return None  # "trillion-dollar deficits", "dozens": no number is stated
    return total + current, begin, stop


def _from_words(text: str, match: re.Match[str]) -> tuple[Quantity | None, int]:
    located = [(m.group().lower(), m.start(), m.end()) for m in _LETTERS.finditer(match.group())]
    parsed = _parse_words([word for word, _, _ in located])
    base = match.start()
    if parsed is None:
        return None, base + located[0][2]
    value, begin, stop = parsed
    start, end = base + located[begin][1], base + located[stop - 1][2]
    spoken = [word for word, _, _ in located[begin:stop]]
    draft = _Draft(
        start=start,
        end=end,
        value=Decimal(value),
        precision=_precision(Decimal(value), 0, 1),
        words=True,
        integer=True,
        lone_one=spoken in (["one"], ["a"]),
        scaled=any(word in _SCALES for word in spoken),
    )
    return _finish(text, draft)


def _fraction_words(text: str, match: re.Match[str]) -> tuple[Quantity | None, int]:
    """ "a third of", "half of": a share, not an ordinal."""
    start, end = match.span()
    word = match.group().split()[-1].lower()
    bottom = _DENOMINATORS[word]
    hedge, qualifier = _hedge_before(text, start)
    return (
        Quantity(
            kind="fraction",
            value=1 / bottom,
            start=start,
            end=end,
            text=text[start:end],
            precision=0.0,
            hedge=hedge,
            pair=(1, bottom),
            qualifier=qualifier,
        ),
        end,
    )


def _clock_time(text: str, match: re.Match[str]) -> tuple[Quantity | None, int]:
    """ "4 p.m.", "8:07 a.m.": minutes after midnight, so that a misreported hour is caught."""
    start, end = match.span()
    hour, minute = int(match.group("hour")), int(match.group("minute") or 0)
    if not 1 <= hour <= 12 or minute > 59:
        return None, end
    evening = match.group("meridiem").strip().lower().startswith("p")
    minutes = (hour % 12 + (12 if evening else 0)) * 60 + minute
    hedge, qualifier = _hedge_before(text, start)
    return (
        Quantity(
            kind="time",
            value=float(minutes),
            start=start,
            end=end,
            text=text[start:end],
            precision=1.0 if match.group("minute") else 60.0,
            hedge=hedge if hedge in ("about", "nearly") else None,
            qualifier=qualifier if hedge in ("about", "nearly") else "",
        ),
        end,
    )


@lru_cache(maxsize=8192)
def scan(text: str) -> tuple[Quantity, ...]:
    found: list[Quantity] = []
    idioms = _set_phrase_spans(text)
    position = 0
    while (match := _START.search(text, position)) is not None:
        group = match.lastgroup
        quantity: Quantity | None = None
        resume = match.end()
        if group == "digits":
            quantity, resume = _from_digits(text, match)
        elif group == "words":
            quantity, resume = _from_words(text, match)
        elif group == "ordw":
            quantity, resume = _from_ordinal_word(text, match)
        elif group in ("afrac", "half"):
            quantity, resume = _fraction_words(text, match)
        elif group == "time":
            quantity, resume = _clock_time(text, match)
        if quantity is not None and not any(a <= quantity.start < b for a, b in idioms):
            found.append(quantity)
        position = max(resume, match.start() + 1)
    return tuple(found)


def quantities(text: str) -> list[Quantity]:
    """Every numeric mention of ``text``, in order, with its span and normalised value.

    Dates' days ("May 25", "2020-06-01"), clock times, list numbering,
    "No. 7" and numbers inside identifiers ("COVID-19", "F-35") are left out:
    they are not quantities a claim can get wrong in the way this check means
    (the date check handles dates).
    """
    return list(scan(text))


# --------------------------------------------------------------------------- comparison


def _close(a: float, b: float) -> bool:
    return abs(a - b) <= 1e-9 * max(1.0, abs(a), abs(b))


def _rounding(q: Quantity) -> float:
    """How far a plain figure may be from the true value: half its last digit, at most 3%.

    A clock time on the hour ("4 p.m.") may stand for a few minutes past it.
    """
    if q.kind == "time":
        return 10.0 if q.precision >= 60 else 0.5
    return min(q.precision / 2, 0.03 * abs(q.value))


def _approximation(q: Quantity) -> float:
    """Tolerance of "about"/"nearly": at least 5% (or half the last digit), at most 10%.

    For clock times, whose value is minutes after midnight, half an hour.
    """
    if q.kind == "time":
        return 30.0
    return min(max(q.precision / 2, 0.05 * abs(q.value)), 0.10 * abs(q.value))


def _same_measure(a: Quantity, b: Quantity) -> bool:
    """Whether two quantities measure the same sort of thing and can be compared at all."""
    if a.kind != b.kind:
        return {a.kind, b.kind} == {"fraction", "percent"} and "point" not in (a.unit, b.unit)
    if a.kind == "money":
        return a.currency == b.currency
    if a.kind == "percent":
        return (a.unit == "point") == (b.unit == "point")
    return True


def _as_percent(q: Quantity) -> float:
    return q.value * 100 if q.kind == "fraction" else q.value


def matches(claimed: Quantity, reported: Quantity) -> bool:
    """Whether ``reported`` (from a source) backs ``claimed`` (from the claim).

    Equal values always do. A plain claim may round a more precise source
    figure (1.5 million for 1,523,000; not 1,523,000 for 1.5 million). A
    hedged claim may be looser: "about"/"nearly" within 5-10%, "more than X"
    by a value at or a little above X, "less than X" at or a little below.
    Scores compare as pairs in either order (5-4 = 4-5), years and ordinals
    exactly, fractions with percentages to within a point (two-thirds = 67%),
    a clock time on the hour with one up to ten minutes past it.
    """
    if not _same_measure(claimed, reported):
        return False
    if claimed.kind != reported.kind:
        return abs(_as_percent(claimed) - _as_percent(reported)) <= 1.0 + 1e-9
    if claimed.kind == "score":
        return sorted(claimed.pair or ()) == sorted(reported.pair or ())
    if claimed.kind in ("year", "ordinal", "fraction"):
        return _close(claimed.value, reported.value)
    if claimed.upper is not None or reported.upper is not None:
        return (
            claimed.upper is not None
            and reported.upper is not None
            and _close(claimed.value, reported.value)
            and _close(claimed.upper, reported.upper)
        )
    c, r = claimed.value, reported.value
    if _close(c, r):
        return True
    slack = 1e-9 * max(1.0, abs(c), abs(r))
    if claimed.hedge is None:
        return reported.precision < claimed.precision and abs(c - r) <= _rounding(claimed) + slack
    if claimed.hedge == "about":
        return abs(c - r) <= _approximation(claimed) + slack
    if claimed.hedge == "nearly":
        return r <= c + slack and c - r <= _approximation(claimed) + slack
    margin = max(claimed.precision, 0.25 * abs(c)) + slack
    if claimed.hedge == "over":
        return reported.hedge != "under" and r >= c - slack and r - c <= margin
    return reported.hedge != "over" and r <= c + slack and c - r <= margin


def _interval(q: Quantity) -> tuple[float, float]:
    """The values a mention allows, read generously (for deciding contradiction)."""
    v, r = q.value, _rounding(q)
    if q.upper is not None:
        return v - r, q.upper + r
    spread = max(r, _approximation(q) if q.kind == "time" else 0.10 * abs(v))
    if q.hedge == "about":
        return v - spread, v + spread
    if q.hedge == "nearly":
        return v - spread, v + r
    if q.hedge == "over":
        return v - r, float("inf")
    if q.hedge == "under":
        return float("-inf"), v + r
    return v - r, v + r


def _units_agree(claimed: Quantity, reported: Quantity) -> bool:
    if claimed.kind == "duration":  # "31 minutes" and "17 years" are not one span misreported
        return claimed.unit == reported.unit
    if claimed.kind in ("year", "percent"):
        return True
    return claimed.unit is None or reported.unit is None or claimed.unit == reported.unit


def contradicts(claimed: Quantity, reported: Quantity) -> bool:
    """Whether ``reported`` gives a different value for what ``claimed`` measures.

    Needs the same kind, currency and (when both are known) unit, and values
    no rounding or hedging can reconcile. Two figures hedged the same way
    ("at least 39,406" against "at least 93,406") are compared as figures:
    a reporter's lower bound is a statement of the number, not a licence to
    lower it.
    """
    if claimed.kind != reported.kind or not _same_measure(claimed, reported):
        return False
    if not _units_agree(claimed, reported) or matches(claimed, reported):
        return False
    if claimed.kind == "score":
        return sorted(claimed.pair or ()) != sorted(reported.pair or ())
    if claimed.kind in ("year", "ordinal", "fraction"):
        return not _close(claimed.value, reported.value)
    c, r = claimed.value, reported.value
    if _close(c, r):
        return False
    if claimed.hedge == reported.hedge != "about" and claimed.hedge and claimed.upper is None:
        return abs(c - r) > max(_rounding(claimed), _rounding(reported))
    low_c, high_c = _interval(claimed)
    low_r, high_r = _interval(reported)
    return not (low_c < high_r and low_r < high_c)
