"""The date check: a claim's dates must match the dates its evidence gives.

Both sides are resolved to calendar days first (``newsdesk.language.dates``):
the claim against the article's as-of date, every source against its own
``published`` date. Then a claim date must equal, contain or fall inside a
date the evidence gives; a source that dates the same event otherwise
contradicts the claim.
"""

from __future__ import annotations

import math
import re
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date
from functools import lru_cache
from typing import Literal

from newsdesk.language.dates import (
    FUTURE_TENSE,
    PAST_TENSE,
    DateMention,
    Relation,
    mentions_in,
    parse_anchor,
    weekday_date,
)
from newsdesk.language.text import QUOTED_SPAN, content_words, sentences
from newsdesk.records import Article, Evidence
from newsdesk.verify.checks.base import Check, Claim

MIN_SHARED = 2
"""Content words (besides the date words) a source sentence must share with a claim to be
about the same event: one shared name is not enough to call a different date a contradiction."""
RELATED_SHARE = 0.5
"""An uncited sentence contradicts a claim only if it also shares this fraction of the claim's
content words: sentences of one story share names ("Sanders", "Tehran") across many events, so
two words are enough to confirm a date but not to contradict one."""


def check_dates(
    claim: str,
    evidence: Sequence[Evidence],
    sources: Sequence[Article],
    as_of: str | None,
) -> Check:
    """The ``date`` check: each date in ``claim`` must be one the sources give for it.

    The claim is resolved against ``as_of``; each source against its own
    ``published``. Dates are looked up in the evidence spans, then in any source
    sentence sharing ``MIN_SHARED`` content words with the claim (retrieval may
    have cited the sentence with the facts but not the one with the day). A
    source date for the same event that differs makes the claim contradicted
    (``conflict`` set); no date at all leaves it unsupported.
    """
    anchor = parse_anchor(as_of)
    quoted = [m.span() for m in QUOTED_SPAN.finditer(claim)]
    mentions = [
        m for m in mentions_in(claim, anchor) if not any(a <= m.start < b for a, b in quoted)
    ]
    if not mentions:
        return Check("date", "n/a", "the claim states no date")
    known = [m for m in mentions if m.known]
    skipped = [m for m in mentions if not m.known]
    if not known:
        return Check("date", "n/a", f"cannot resolve {skipped[0].text!r}: no as-of date is known")
    claim_words = _words_outside(claim, mentions)
    pool = _pool(claim_words, evidence, sources)
    matched: list[tuple[DateMention, _Found]] = []
    undated: list[tuple[DateMention, _Found]] = []
    missing: list[DateMention] = []
    for mention in known:
        outcome = _judge(mention, pool, known, _needed(claim_words))
        if not isinstance(outcome, tuple):
            outcome = _other_weekday(claim, mention, anchor, pool, known, claim_words) or outcome
        if isinstance(outcome, Check):
            return outcome
        if outcome is None:
            missing.append(mention)
        elif outcome[0] == "undated":
            undated.append((mention, outcome[1]))
        else:
            matched.append((mention, outcome[1]))
    if missing:
        return Check("date", "fail", f"no source dates this: claim says {missing[0].describe()}")
    if undated:
        mention, found = undated[0]
        return Check(
            "date",
            "n/a",
            f"cannot check {mention.describe()}: {found.source.id} says "
            f"{found.mention.text!r} and has no published date",
        )
    detail = "; ".join(f"{m.describe()} ({f.source.id})" for m, f in matched)
    if skipped:
        detail += f"; {skipped[0].text!r} not checked (no as-of date)"
    return Check("date", "pass", f"dates match the sources: {detail}")


"""A quotation: its dates are the speaker's ("today", said last month), not the claim's."""


def _other_weekday(
    claim: str,
    mention: DateMention,
    anchor: date | None,
    pool: Sequence[_Found],
    known: Sequence[DateMention],
    claim_words: frozenset[str],
) -> tuple[Literal["match", "undated"], _Found] | None:
    """A bare weekday in a claim with no tense ("Purkey: Wednesday" in a schedule table)
    may mean the coming one: accept it when that day matches a source."""
    if mention.kind != "weekday" or anchor is None or mention.weekday is None:
        return None
    if re.search(r"\b(?:last|next|this past)\s+\w*day\b", mention.text, re.IGNORECASE):
        return None
    if PAST_TENSE.search(claim) or FUTURE_TENSE.search(claim):
        return None
    day = weekday_date(anchor, mention.weekday, "next")
    ahead = replace(mention, first=day, last=day)
    outcome = _judge(
        ahead, pool, [ahead if m is mention else m for m in known], _needed(claim_words)
    )
    return outcome if isinstance(outcome, tuple) else None


# --- comparison ---------------------------------------------------------------------------

_RANK: dict[Relation, int] = {"equal": 4, "contains": 3, "within": 2, "overlap": 1, "disjoint": 0}


def _range_relation(a: tuple[date, date], b: tuple[date, date]) -> Relation:
    """How claim range ``a`` stands to source range ``b``."""
    if a == b:
        return "equal"
    if a[0] <= b[0] and b[1] <= a[1]:
        return "contains"
    if b[0] <= a[0] and a[1] <= b[1]:
        return "within"
    if a[1] < b[0] or b[1] < a[0]:
        return "disjoint"
    return "overlap"


def _span(mention: DateMention) -> tuple[date, date] | None:
    if mention.first is None or mention.last is None:
        return None
    return mention.first, mention.last


def _relation(claim: DateMention, source: DateMention) -> Relation | None:
    """How a claim date stands to a source date; None when either cannot be compared.

    A year-less mention is placed in each year the other side covers (a leap
    year when neither has one) and the best fit counts, so "July 14" agrees
    with "Tuesday" of 14 July 2020 even when the claim has no as-of date.
    """
    claim_span, source_span = _span(claim), _span(source)
    if claim_span is not None and source_span is not None:
        return _range_relation(claim_span, source_span)
    if not (claim.known and source.known):
        return None
    pairs: list[tuple[tuple[date, date] | None, tuple[date, date] | None]]
    if claim_span is not None:
        years = range(claim_span[0].year, claim_span[1].year + 1)
        pairs = [(claim_span, source.in_year(y)) for y in years]
    elif source_span is not None:
        years = range(source_span[0].year, source_span[1].year + 1)
        pairs = [(claim.in_year(y), source_span) for y in years]
    else:
        pairs = [(claim.in_year(2000), source.in_year(2000))]
    relations = [_range_relation(a, b) for a, b in pairs if a is not None and b is not None]
    best: Relation = max(relations, key=lambda r: _RANK[r], default="disjoint")
    return best


@dataclass(frozen=True)
class _Sentence:
    """A source sentence with its date mentions and its other content words."""

    start: int
    end: int
    words: frozenset[str]
    mentions: tuple[DateMention, ...]


def _words_outside(text: str, mentions: Sequence[DateMention], offset: int = 0) -> frozenset[str]:
    """Content words of ``text`` not inside a date mention: "Tuesday" must not make two
    sentences look like the same event."""
    pieces, position = [], 0
    for mention in mentions:
        pieces.append(text[position : mention.start - offset])
        position = mention.end - offset
    pieces.append(text[position:])
    return frozenset(content_words(" ".join(pieces)))


@lru_cache(maxsize=1024)
def _analyse(text: str, anchor: date | None) -> tuple[_Sentence, ...]:
    """A source's sentences, their dates and words: computed once per (text, anchor)."""
    mentions = mentions_in(text, anchor)
    starts = [m.start for m in mentions]
    result = []
    for span in sentences(text):
        low, high = bisect_right(starts, span.start - 1), bisect_right(starts, span.end - 1)
        inside = tuple(m for m in mentions[low:high] if m.end <= span.end)
        words = _words_outside(span.text, inside, span.start)
        result.append(_Sentence(span.start, span.end, words, inside))
    return tuple(result)


def index_source(source: Article) -> None:
    """Find the dates of ``source`` now, once, rather than inside the first claim's check."""
    _analyse(source.text, parse_anchor(source.published))


@dataclass(frozen=True)
class _Found:
    """A source date, where it was said, and how related that sentence is to the claim."""

    mention: DateMention
    source: Article
    where: Evidence
    cited: bool
    shared: int


def _pool(
    claim_words: frozenset[str], evidence: Sequence[Evidence], sources: Sequence[Article]
) -> list[_Found]:
    """Source dates that may bear on the claim: first those inside the cited spans, then
    those in other sentences sharing ``MIN_SHARED`` content words with the claim."""
    pool: list[_Found] = []
    seen: set[tuple[str, str, int]] = set()
    for item in evidence:
        source = item.source
        anchor = parse_anchor(source.published)
        if item.field == "title":
            title = source.title
            where = Evidence(source, 0, len(title), "title")
            mentions = [m for m in mentions_in(title, anchor) if item.start <= m.start < item.end]
            shared = len(claim_words & _words_outside(title, mentions_in(title, anchor)))
            for mention in mentions:
                if ("title", source.id, mention.start) not in seen:
                    seen.add(("title", source.id, mention.start))
                    pool.append(_Found(mention, source, where, True, shared))
            continue
        for sentence in _analyse(source.text, anchor):
            if sentence.end <= item.start or sentence.start >= item.end:
                continue
            where = Evidence(source, sentence.start, sentence.end)
            for mention in sentence.mentions:
                key = ("text", source.id, mention.start)
                if item.start <= mention.start < item.end and key not in seen:
                    seen.add(key)
                    shared = len(claim_words & sentence.words)
                    pool.append(_Found(mention, source, where, True, shared))
    related: list[_Found] = []
    for source in sources:
        for sentence in _analyse(source.text, parse_anchor(source.published)):
            shared = len(claim_words & sentence.words)
            if shared < MIN_SHARED or not sentence.mentions:
                continue
            where = Evidence(source, sentence.start, sentence.end)
            for mention in sentence.mentions:
                key = ("text", source.id, mention.start)
                if key not in seen:
                    seen.add(key)
                    related.append(_Found(mention, source, where, False, shared))
    related.sort(key=lambda f: -f.shared)
    return pool + related


def _needed(claim_words: frozenset[str]) -> int:
    """Shared words an uncited sentence needs to contradict the claim (see ``RELATED_SHARE``)."""
    return max(MIN_SHARED, math.ceil(RELATED_SHARE * len(claim_words)))


def _judge(
    mention: DateMention, pool: Sequence[_Found], claimed: Sequence[DateMention], needed: int
) -> Check | tuple[Literal["match", "undated"], _Found] | None:
    """One claim date: a source giving the same or an enclosed date, a contradiction, an
    undated source that might say it, or nothing (None).

    The cited spans decide first (a match there beats a contradiction there);
    failing them, the related sentence sharing most words with the claim does,
    so that "executed last week" is not confirmed by "halted Friday" when the
    sentence about the execution says Tuesday. A claim date that merely falls
    inside a vaguer source date ("this week") passes only when nothing decided.
    """
    decisive: list[tuple[_Found, bool]] = []
    loose: _Found | None = None
    unresolved: _Found | None = None
    for found in pool:
        relation = _relation(mention, found.mention)
        if relation in ("equal", "contains"):
            decisive.append((found, True))
        elif relation == "disjoint" and _contradicts(found, mention, claimed, needed):
            decisive.append((found, False))
        elif relation in ("within", "overlap"):
            loose = loose or found
        elif relation is None and found.cited:
            unresolved = unresolved or found
    cited = [item for item in decisive if item[0].cited]
    related = sorted(
        (item for item in decisive if not item[0].cited),
        key=lambda item: (-item[0].shared, not item[1]),
    )
    decided = next((item for item in cited if item[1]), None) or next(iter(cited + related), None)
    if decided is not None:
        found, agrees = decided
        if agrees:
            return "match", found
        return Check(
            "date",
            "fail",
            f"claim says {mention.describe()}; {found.source.id} says {found.mention.describe()}",
            conflict=found.where,
        )
    if loose is not None:
        return "match", loose
    if unresolved is not None:
        return "undated", unresolved
    return None


def _grain(days: int) -> int:
    """0 day, 1 week, 2 month, 3 year, 4 longer: how vague a date is."""
    return next((grain for grain, most in enumerate((1, 7, 31, 366)) if days <= most), 4)


def _contradicts(
    found: _Found, judged: DateMention, claimed: Sequence[DateMention], needed: int
) -> bool:
    """Whether a source date disjoint from a claim date says the event happened elsewhen.

    Only a sentence about the same event (``MIN_SHARED`` words if cited,
    ``needed`` if not); only a date as precise as the claim's, days and weeks
    counting alike ("in 2016" against "Friday" of 2020 is two events, not one
    event misdated); and only one that no other date of the claim accounts for.
    """
    if found.shared < (MIN_SHARED if found.cited else needed):
        return False
    grains = _grain(found.mention.days), _grain(judged.days)
    if grains[0] != grains[1] and max(grains) > 1:
        return False
    return not _accounted(found.mention, judged, claimed)


def _accounted(source: DateMention, judged: DateMention, claimed: Sequence[DateMention]) -> bool:
    """Whether another date of the claim, at least as specific as ``judged``, covers
    ``source``: then that source date is about that part of the claim, not a contradiction."""
    for other in claimed:
        if other is judged:
            continue
        relation = _relation(other, source)
        if relation == "equal" or (
            relation not in (None, "disjoint") and other.days <= judged.days
        ):
            return True
    return False


def date_check(claim: Claim) -> Check:
    """``check_dates`` as of the date the claim speaks from."""
    return check_dates(claim.body, claim.evidence, claim.sources, claim.as_of)
