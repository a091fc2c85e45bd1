"""The number check: every quantity a claim states must be one its sources state.

Reporters write the same quantity many ways (``€90bn``, ``90 billion euros``,
``EUR 90bn``; ``15%``, ``15 per cent``; ``five hours``, ``5-hour``) and round
or hedge it (``about 1.5 million`` for 1,523,000, ``more than 120,000`` for
121,000), so comparing digit strings, as ``text.numbers`` does, both misses
real matches and lets wrong numbers through. ``language.quantities`` reads each
numeric mention into a ``Quantity`` (kind, normalised value, currency, unit, hedge,
precision as written, exact span), and ``check_numbers`` compares a claim's
quantities with those of its evidence:

* ``pass``: every claimed quantity is matched (same kind and value, allowing
  the rounding and hedging reporters do);
* ``fail`` with ``conflict``: a source reports a *different* value of the same
  kind and unit about the same thing (the claim is contradicted);
* ``fail`` without ``conflict``: the number is simply not in the evidence;
* ``n/a``: the claim states no quantity.

Everything is rule-based and dependency-free so that it is fast and its
verdicts can be explained in one line; source analyses are cached per text
because ``newsdesk check`` looks at the same sources for every claim.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

from newsdesk.language.dates import date_mentions, parse_anchor
from newsdesk.language.quantities import (
    NUMBERISH,
    WEAK_WORDS,
    WORD_TOKEN,
    Quantity,
    contradicts,
    matches,
    quantities,
    scan,
)
from newsdesk.language.text import content_words, sentences
from newsdesk.records import Article, Evidence
from newsdesk.verify.checks.base import Check, Claim

__all__ = [
    "Quantity",
    "check_numbers",
    "contradicts",
    "matches",
    "number_check",
    "quantities",
]


# --------------------------------------------------------------------------- sources


@dataclass(frozen=True)
class _Found:
    """A quantity of a source with the content words around it, for telling which is which."""

    quantity: Quantity
    near: Mapping[str, int]


@dataclass(frozen=True)
class _Sentence:
    start: int
    end: int
    words: frozenset[str]
    found: tuple[_Found, ...]


def _context_word(word: str) -> str | None:
    low = word.lower().replace("’", "'")
    if low in WEAK_WORDS or low in NUMBERISH or any(ch.isdigit() for ch in low):
        return None
    return low.removesuffix("'s")


def _near(
    tokens: Sequence[tuple[int, int, str]], starts: Sequence[int], q: Quantity, lo: int, hi: int
) -> dict[str, int]:
    """Content words within eight tokens either side of ``q`` (inside ``[lo, hi)``).

    Each maps to its distance in tokens, so that of two figures in one
    sentence the one whose own neighbours match the claim's is preferred
    ("Lee, 47, ... a family of three" against "Lee, 48").
    """
    first = bisect.bisect_left(starts, q.start)
    last = bisect.bisect_left(starts, q.end)
    before = tokens[max(0, first - 8) : first]
    window = [(first - i, t) for i, t in enumerate(before, max(0, first - 8)) if t[0] >= lo]
    window += [(i + 1, t) for i, t in enumerate(tokens[last : last + 8]) if t[1] <= hi]
    near: dict[str, int] = {}
    for distance, (_, _, token) in window:
        word = _context_word(token)
        if word is not None and distance < near.get(word, 99):
            near[word] = distance
    return near


def _tokens(text: str) -> list[tuple[int, int, str]]:
    return [(m.start(), m.end(), m.group()) for m in WORD_TOKEN.finditer(text)]


@lru_cache(maxsize=4096)
def _analyse(body: str) -> tuple[_Sentence, ...]:
    """Sentences of a source body with their quantities: cached, sources are re-read per claim."""
    found = scan(body)
    tokens = _tokens(body)
    starts = [t[0] for t in tokens]
    result = []
    index = 0
    for span in sentences(body):
        while index < len(found) and found[index].start < span.start:
            index += 1
        inside = []
        while index < len(found) and found[index].end <= span.end:
            q = found[index]
            inside.append(_Found(q, _near(tokens, starts, q, span.start, span.end)))
            index += 1
        result.append(
            _Sentence(span.start, span.end, frozenset(content_words(span.text)), tuple(inside))
        )
    return tuple(result)


def _bodies(source: Article) -> Iterator[tuple[Literal["text", "title"], str]]:
    yield "title", source.title
    yield "text", source.text


def index_source(source: Article) -> None:
    """Find the figures of ``source`` now, once, rather than inside the first claim's check."""
    for _, body in _bodies(source):
        _analyse(body)


@dataclass(frozen=True)
class _Located:
    source: Article
    field: Literal["text", "title"]
    sentence: _Sentence
    found: _Found

    def evidence(self) -> Evidence:
        return Evidence(self.source, self.sentence.start, self.sentence.end, self.field)


def _cited(evidence: Sequence[Evidence]) -> list[_Located]:
    """Quantities lying inside the cited spans, each with the sentence it belongs to."""
    located = []
    for span in evidence:
        body = span.source.title if span.field == "title" else span.source.text
        for sentence in _analyse(body):
            if sentence.end <= span.start or sentence.start >= span.end:
                continue
            for found in sentence.found:
                if span.start <= found.quantity.start and found.quantity.end <= span.end:
                    located.append(_Located(span.source, span.field, sentence, found))
    return located


def _related(
    context: Mapping[str, int], claim_words: frozenset[str], sources: Sequence[Article]
) -> Iterator[_Located]:
    """Quantities of source sentences about what a claimed figure is about.

    A sentence qualifies when it shares at least two of the content words
    around the figure (``context``) and at least half of them, and a third of
    the claim's content words: two words alone are too easily shared by
    sentences about neighbouring facts of one story (two mortality rates,
    two polls), and calling a claim contradicted needs more than that.
    """
    needed = max(2, (len(context) + 1) // 2)
    overall = len(claim_words) / 3
    for source in sources:
        for field, body in _bodies(source):
            for sentence in _analyse(body):
                words = sentence.words
                if len(words & context.keys()) >= needed and len(words & claim_words) >= overall:
                    for found in sentence.found:
                        yield _Located(source, field, sentence, found)


def _rival_score(
    claimed: Quantity, context: Mapping[str, int], found: _Found, cited: bool
) -> float | None:
    """How surely ``found`` is the same figure as ``claimed`` with another value, or None.

    Calling a claim contradicted needs more than a different number nearby:
    sentences about neighbouring facts of one story share vocabulary ("Lee,
    47," / "Lee and four associates"; two polls; "Pence attended in 2017" /
    "... in 2019"). So the figure must contradict the claimed one, count the
    same noun (both named and equal, or both unnamed), and have neighbours
    like the claimed figure's: at least two shared content words and half of
    the smaller neighbourhood. Years and ordinals label events rather than
    measure them, so only the cited text can contradict them. Words close to
    both figures weigh most.
    """
    reported = found.quantity
    if not contradicts(claimed, reported):
        return None
    if not cited and claimed.kind in ("year", "ordinal"):
        return None
    if claimed.unit != reported.unit:
        return None
    shared = context.keys() & found.near.keys()
    if len(shared) < max(2, min(len(context), len(found.near)) / 2):
        return None
    closeness = sum(2 / (context[w] + found.near[w]) for w in shared)
    return closeness + (2 if claimed.unit is not None else 0)


def _best_rival(
    claimed: Quantity, context: Mapping[str, int], candidates: Sequence[_Located], cited: bool
) -> _Located | None:
    best: _Located | None = None
    best_score = -1.0
    for candidate in candidates:
        score = _rival_score(claimed, context, candidate.found, cited)
        if score is not None and score > best_score:
            best, best_score = candidate, score
    return best


def _claim_context(claim: str, q: Quantity) -> dict[str, int]:
    tokens = _tokens(claim)
    return _near(tokens, [t[0] for t in tokens], q, 0, len(claim))


_DEFINITE_BEFORE = re.compile(r"\b(?:the|these|those)\s+$", re.I)
_PARTY_NOUNS = frozenset(
    "side party camp rival ally neighbor neighbour superpower belligerent".split()
)
"""Nouns that, after "the two", name the parties to something already in view:
"the two sides" of a dispute is a reference whether or not they are named."""
_NAME = r"[A-Z][\w.’'-]*(?:\s+(?:of|de|al|bin|von|van)?\s*[A-Z][\w.’'-]*)*"
_NAMED_LIST = re.compile(
    rf"(?<![\w.])(?P<first>{_NAME})(?P<more>(?:\s*,\s*(?:the\s+)?{_NAME})*),?"
    rf"\s+(?:and|&)\s+(?:the\s+)?{_NAME}"
)
_CONTEXT_SENTENCES = 3


def _named_lists(text: str) -> Iterator[int]:
    """Sizes of the lists of names in ``text``: "the U.S. and China" -> 2."""
    for match in _NAMED_LIST.finditer(text):
        yield 2 + match.group("more").count(",")


def _refers_back(claim: str, q: Quantity, seen: Sequence[str]) -> bool:
    """Whether ``q`` is "the two" of "the two sides"/"the two men": a reference, not a count.

    "The two leaders met" after "Biden and Xi spoke" counts nothing a source
    must repeat: the sources name the two ("the U.S. and China", "both
    sides"). So a spelled number of two to ten right after "the" (or
    "these"/"those") refers back when the claim before it, or a text of
    ``seen`` (the last sentences the reader has seen, the cited text), names
    that many things in a list ("A and B", "A, B and C"), or when the noun
    names the parties to something ("the two sides"). Without such an
    antecedent "the two suspects were arrested" is the news and stays a
    count; "two people were killed", "two of the victims", "the two-day
    summit" and "their two sons" never qualify.
    """
    if q.kind != "count" or q.hedge is not None or not q.text.isalpha():
        return False
    if not 2 <= q.value <= 10 or not _DEFINITE_BEFORE.search(claim, max(0, q.start - 8), q.start):
        return False
    if q.unit in _PARTY_NOUNS:
        return True
    return any(size == q.value for text in (claim[: q.start], *seen) for size in _named_lists(text))


def _years_meant(evidence: Sequence[Evidence]) -> set[int]:
    """Years the evidence names without writing them: "last year" in a 2020 article is
    2019, as a rewrite that pins the date says."""
    years = set()
    for span in evidence:
        anchor = parse_anchor(span.source.published)
        for mention in date_mentions(span.quote, anchor):
            first, last = mention.first, mention.last
            if mention.kind == "relative" and first and last and first.year == last.year:
                years.add(first.year)
    return years


def check_numbers(
    claim: str,
    evidence: Sequence[Evidence],
    sources: Sequence[Article],
    context: Sequence[str] = (),
) -> Check:
    """The ``number`` check of a claim against its evidence spans.

    ``pass`` when every quantity of ``claim`` is matched (see ``matches``) by
    a quantity inside the cited spans; ``n/a`` when the claim states none.
    Otherwise ``fail``, and ``sources`` is searched only to tell a wrong
    number from a missing one: the cited sentences, or failing them a
    sentence of any source about the same thing (see ``_related``), that give
    another value for the same figure (see ``_rival_score``) make the claim
    contradicted, with that whole sentence as ``conflict`` and a detail like
    "claim says €30bn; <source id> says €20bn". A figure that some related
    source sentence does state is never called contradicted: the sources then
    disagree among themselves, and the claim is only unsupported by what it
    cites ("€30bn does not appear in the cited text"; "... in the sources"
    when no source states it at all).

    A number a set phrase implies rather than reports (not ``asserted``, or
    "the two" referring back to things named in the claim, its ``context``
    (the sentences before it) or the cited text: see ``_refers_back``) is held
    only to not being contradicted: when nothing else is missing it passes
    unstated, and ``n/a`` when it is all the claim has.
    """
    claimed = scan(claim)
    if not claimed:
        return Check("number", "n/a")
    cited = _cited(evidence)
    claim_words = frozenset(content_words(claim))
    seen = [*context[-_CONTEXT_SENTENCES:], *(span.quote for span in evidence)]
    implied = [q for q in claimed if not q.asserted or _refers_back(claim, q, seen)]
    dated = _years_meant(evidence)
    missing = [
        q
        for q in claimed
        if not any(matches(q, c.found.quantity) for c in cited)
        and not (q.kind == "year" and int(q.value) in dated)
    ]
    stated = [q for q in claimed if q not in implied or q not in missing]
    for q in missing:
        near = _claim_context(claim, q)
        related = list(_related(near, claim_words, sources))
        if any(matches(q, r.found.quantity) for r in related):
            continue
        rival = _best_rival(q, near, cited, True) or _best_rival(q, near, related, False)
        if rival is not None:
            return Check(
                "number",
                "fail",
                f"claim says {q.label}; {rival.source.id} says {rival.found.quantity.label}",
                conflict=rival.evidence(),
            )
    unstated = [q for q in missing if q not in implied]
    converted = {
        q.start: found
        for q in unstated
        if (found := _converted(claim, q, [p for p in claimed if p not in missing], sources))
    }
    unstated = [q for q in unstated if q.start not in converted]
    if not unstated:
        if not stated:
            return Check("number", "n/a", f"“{implied[0].text}” is implied, not reported")
        labels = [
            f"{q.label} (as {converted[q.start].source.id} converts it)"
            if q.start in converted
            else q.label
            for q in stated
        ]
        return Check("number", "pass", ", ".join(labels))
    first = unstated[0]
    elsewhere = any(
        matches(first, found.quantity)
        for source in sources
        for _, body in _bodies(source)
        for sentence in _analyse(body)
        for found in sentence.found
    )
    where = "the cited text" if elsewhere else "the sources"
    return Check("number", "fail", f"{first.label} does not appear in {where}")


_CONVERSION_GAP = re.compile(
    r"\s*(?:\(|[,;]?\s*(?:or|about|around|roughly|some|nearly|approximately|equivalent to)\s)"
    r"\s*(?:about\s|around\s|roughly\s|some\s|nearly\s)?\s*",
    re.IGNORECASE,
)
"""What stands between an amount and the same amount in another unit or currency:
"€90bn (£79bn)", "50 miles, or about 80 kilometres"."""


def _side_by_side(text: str, a: Quantity, b: Quantity) -> bool:
    """Are ``a`` and ``b`` one amount written in two units or currencies, one right after
    the other?"""
    first, second = sorted((a, b), key=lambda q: q.start)
    if first.kind != second.kind or (first.currency, first.unit) == (second.currency, second.unit):
        return False
    gap = text[first.end : second.start]
    return len(gap) <= 24 and _CONVERSION_GAP.fullmatch(gap) is not None


def _converted(
    claim: str, q: Quantity, backed: Sequence[Quantity], sources: Sequence[Article]
) -> _Located | None:
    """A source sentence that gives ``q`` beside a figure the claim's cited text backs, as
    the same amount in another unit or currency.

    A writer who cites the "€90bn" of one report may add the "(£79bn)" that another
    report prints beside it; the conversion is then the sources', not the writer's.
    """
    partners = [p for p in backed if p is not q and _side_by_side(claim, p, q)]
    if not partners:
        return None
    for source in sources:
        for field, body in _bodies(source):
            for sentence in _analyse(body):
                for found in sentence.found:
                    if not matches(q, found.quantity):
                        continue
                    for other in sentence.found:
                        if (
                            other is not found
                            and any(matches(p, other.quantity) for p in partners)
                            and _side_by_side(body, found.quantity, other.quantity)
                        ):
                            return _Located(source, field, sentence, found)
    return None


def number_check(claim: Claim) -> Check:
    """``check_numbers`` on the claim's body, its evidence, the story's sources and what the
    page says before it (where "the two leaders" finds the two it refers to)."""
    return check_numbers(claim.body, claim.evidence, claim.sources, claim.context)
