"""Make a source sentence stand on its own before the writer uses it.

Moved out of its article, "He said the talks had failed" says nothing about who
spoke, and next to another person on the page it names the wrong one. A sentence
whose subject or speaker is a personal pronoun ("He said…", "…, she added") has
the pronoun replaced by the person the source's own context gives: the salient
person of the nearest sentence before it that names anyone
(``language.people.referent_before``, the same reading the context check
makes), and only when that sentence names one person and no other personal
pronoun is left after it: a pronoun resolved to the wrong one of two people
would put one person's deeds on another, which is worse than leaving the
sentence out. The sentence then cites its own span and the span of the sentence that
names the person, so the checker finds the name in the evidence. A pronoun the
source does not resolve leaves the sentence unusable.

Dates relative to the source's day ("on Tuesday", "yesterday", "last year") are
pinned to the calendar ("on Tuesday, Dec. 2", "in 2024"): copied into an article
written days later they would mean another day.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from newsdesk.language.dates import parse_anchor, pin_dates
from newsdesk.language.people import Roster, people_in, referent_before
from newsdesk.language.references import pronoun_reference
from newsdesk.language.text import Span
from newsdesk.records import Article, Citation

_PRONOUN = re.compile(r"\b(?:he|she|him|her|his|hers)\b", re.IGNORECASE)


_NAME_RUN = re.compile(r"(?:[A-Z][\w’'.-]+\s+){1,5}[A-Z][\w’'.-]+")


def _first_named(name: str, sentence: str) -> bool:
    """Whether ``name`` is the first full name the sentence gives (a pronoun that follows
    means that sentence's first person far more often than a later one; the recogniser
    may miss a name, so the check reads capitalised words, not entities)."""
    first = _NAME_RUN.search(sentence)
    return first is not None and name.split()[-1] in first.group()


@dataclass(frozen=True)
class Standalone:
    """A sentence as the writer may print it, and the source spans it rests on."""

    text: str
    citations: tuple[Citation, ...]
    relative: bool = False
    """Whether a date relative to the source's day is left in ``text`` (``pin_dates``)."""


def standalone(article: Article, span: Span, roster: Roster | None = None) -> Standalone | None:
    """``span`` of ``article`` made to stand alone, or None when its pronoun cannot be
    resolved from the source. Its relative dates are pinned to the calendar
    ("on Tuesday" to "on Tuesday, Dec. 2", against the source's publication date)."""
    named = _named(article, span, roster)
    if named is None:
        return None
    pinned = pin_dates(named.text, parse_anchor(article.published))
    return Standalone(pinned.text, named.citations, pinned.relative)


def _named(article: Article, span: Span, roster: Roster | None) -> Standalone | None:
    """``span`` with a pronoun subject or speaker replaced by the person it means."""
    own = Citation(article.id, span.start, span.end)
    match = pronoun_reference(span.text)
    if match is None:
        return Standalone(span.text, (own,))
    roster = roster if roster is not None else Roster([article.text])
    if people_in(span.text, roster, match.start("pronoun")):
        return Standalone(span.text, (own,))  # the sentence names the person itself
    meant = referent_before(article.text, span.start, roster)
    if (
        meant is None
        or len(set(meant.named)) != 1
        or not _first_named(meant.name, meant.sentence.text)
    ):
        return None  # nobody, or maybe someone else: the wrong name would be worse than none
    pronoun = match.group("pronoun")
    name = meant.name
    replacement = f"{name}’s" if pronoun.lower() in ("his", "her") else name
    start, end = match.start("pronoun"), match.end("pronoun")
    text = span.text[:start] + replacement + span.text[end:]
    if _PRONOUN.search(text[start + len(replacement) :]):
        return None  # "…though she and Trump remained in touch": another pronoun left
    naming = Citation(article.id, meant.sentence.start, meant.sentence.end)
    return Standalone(text, (own, naming))
