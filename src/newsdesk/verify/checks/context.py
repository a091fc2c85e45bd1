"""The context check: a pronoun must mean on the page whom it meant in the source.

A sentence copied word for word can still mislead where it lands. "“A culture
of defensiveness is not acceptable,” he said" is true in its source, where
"he" is Sessions; placed after a sentence about Trump, it puts the words in
Trump's mouth. So a sentence whose subject or speaker is a personal pronoun
("He said…", "…, she added", "His office…") is read twice:

- in the source, around the cited span: the person the pronoun refers to is
  the last person named before it (in the span itself, or in the sentences
  of the paragraph before it);
- on the page, in the sentences that precede the claim (``Claim.context``):
  the last person named there is whom a reader takes it to mean.

The same person on both sides passes. Another person on the page contradicts
the claim, naming the source sentence that says who it was; no person on the
page leaves it unsupported. When the source does not say whom the pronoun
means, the check says so and does not guess. People are found by spaCy's
entity recogniser (``language/entities.py``) and compared by name
(``same_person``: surname, and first names where both are given).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from newsdesk.language.entities import analyse, analyse_many
from newsdesk.language.speakers import speaker_of
from newsdesk.language.text import QUOTED_SPAN, sentences
from newsdesk.records import Article, Evidence
from newsdesk.verify.checks.base import Check, Claim
from newsdesk.verify.checks.roles import same_person

_SAY = (
    r"(?:said|says|added|adds|told|tells|wrote|writes|argued|argues|noted|notes|explained"
    r"|explains|continued|insisted|warned|recalled)"
)
_PRONOUN_REFERENCE = (
    # He said / She told reporters / His office …  at the start of the sentence
    re.compile(r"^[\s(]*(?P<pronoun>He|She|His|Her)\b"),
    # “…,” he said / …, she added
    re.compile(rf"[,”\"]\s+(?P<pronoun>he|she)\s+{_SAY}\b"),
)
SOURCE_WINDOW = 3
"""Source sentences before the cited one that may name whom its pronoun means."""
PAGE_WINDOW = 3
"""Page sentences before the claim that a reader looks back over for the person meant."""
_PERSON = ("PERSON",)
_CAPITALISED = re.compile(r"\b[A-Z][a-z]+(?:['’-][A-Za-z]+)?\b")


@dataclass(frozen=True)
class Referent:
    """The person a pronoun means on one side, with where that side names them."""

    name: str
    evidence: Evidence | None = None


def pronoun_reference(text: str) -> re.Match[str] | None:
    """The personal pronoun a sentence uses as its subject or speaker, if any."""
    for pattern in _PRONOUN_REFERENCE:
        match = pattern.search(text)
        if match:
            return match
    return None


def known_people(sources: Sequence[Article]) -> frozenset[str]:
    """Surnames of the people the sources name in full: spaCy's small model often misses
    a bare "Pelosi" that follows a "Nancy Pelosi" it did recognise."""
    names = {
        e.text.split()[-1].casefold()
        for analysis in analyse_many(s.text for s in sources)
        for e in analysis.of(*_PERSON)
        if len(e.text.split()) > 1
    }
    return frozenset(names)


def _people(text: str, known: frozenset[str] = frozenset(), end: int | None = None) -> list[str]:
    """The people ``text`` names outside quotation marks (before ``end``), in order."""
    quoted = [m.span() for m in QUOTED_SPAN.finditer(text)]
    found = [(e.start, e.end, e.text) for e in analyse(text).of(*_PERSON)]
    found += [
        (m.start(), m.end(), m.group())
        for m in _CAPITALISED.finditer(text)
        if m.group().casefold() in known and not any(a <= m.start() < b for a, b, _ in found)
    ]
    return [
        name
        for start, stop, name in sorted(found)
        if (end is None or stop <= end) and not any(a <= start < b for a, b in quoted)
    ]


def salient(sentence: str, known: frozenset[str] = frozenset()) -> tuple[str, list[str]] | None:
    """Whom a following pronoun most likely means, and everyone the sentence names.

    The speaker the sentence credits comes first ("…,” Sessions said); else the
    first person it names, the subject in most news sentences.
    """
    people = _people(sentence, known)
    if not people:
        return None
    speaker = speaker_of(sentence)
    return (speaker if speaker is not None else people[0]), people


def source_referent(evidence: Evidence, known: frozenset[str] = frozenset()) -> Referent | None:
    """Whom a pronoun opening (or speaking in) the cited span means in its source."""
    if evidence.field != "text":
        return None
    text = evidence.source.text
    paragraph_start = text.rfind("\n\n", 0, evidence.start)
    paragraph_start = 0 if paragraph_start < 0 else paragraph_start + 2
    spans = [s for s in sentences(text) if paragraph_start <= s.start < evidence.start]
    for span in reversed(spans[-SOURCE_WINDOW:]):
        found = salient(span.text, known)
        if found is not None:
            return Referent(found[0], Evidence(evidence.source, span.start, span.end))
    return None


def page_referent(
    context: tuple[str, ...], known: frozenset[str] = frozenset()
) -> tuple[str, list[str]] | None:
    """Whom a reader takes a pronoun to mean, from the nearest sentence that names anyone."""
    for sentence in reversed(context[-PAGE_WINDOW:]):
        found = salient(sentence, known)
        if found is not None:
            return found
    return None


def check_context(claim: Claim) -> Check:
    """Does the claim's pronoun refer on the page to the person it refers to in the source?"""
    match = pronoun_reference(claim.text)
    if match is None:
        return Check("context", "n/a")
    pronoun = match.group("pronoun").lower()
    if claim.text.count("”") > claim.text.count("“"):
        return Check("context", "n/a", "the sentence ends a quotation: its words are a speaker's")
    known = known_people(claim.sources)
    if _people(claim.text, known, match.start("pronoun")):
        return Check("context", "pass", f"{pronoun!r} refers to someone the sentence names")
    meant = next(
        (r for r in (source_referent(e, known) for e in claim.cited) if r is not None),
        None,
    )
    if meant is None:
        return Check(
            "context", "n/a", f"the source does not say whom {pronoun!r} means; not judged"
        )
    where = meant.evidence.source.id if meant.evidence else "the source"
    shown = page_referent(claim.context, known)
    if shown is None:
        return Check(
            "context",
            "fail",
            f"{pronoun!r} names no one on the page; in {where} it is {meant.name}",
        )
    person, named = shown
    if same_person(person, meant.name) is False and not any(
        same_person(other, meant.name) for other in named
    ):
        return Check(
            "context",
            "fail",
            f"{pronoun!r} reads as {person} here, but in {where} it is {meant.name}",
            meant.evidence,
        )
    return Check("context", "pass", f"{pronoun!r} is {meant.name} on the page and in {where}")
