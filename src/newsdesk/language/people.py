"""Who a text names, and whom a pronoun in it means.

A reader takes "he said" to mean the person the text last put in front of
them. Both the writer (which must not place a sentence where its pronoun
changes meaning) and the checker (which must catch one that does) need the
same answer, read the same way, so it lives here:

* :func:`people_in` lists the people a text names outside quotation marks:
  spaCy's PERSON entities (:mod:`newsdesk.language.entities`), plus bare
  surnames ("Pelosi", "Mr. Sasse") that the small model often misses once it has
  seen the full name. A capitalised word counts as a surname when a source of
  the story names someone in full with it (:class:`Roster`), which is looked up
  lazily, word by word, so that a story's long source texts are never run
  through the entity recogniser whole.
* :func:`salient` is whom a following pronoun most likely means: the speaker a
  sentence credits ("…,” Sessions said), else the first person it names, the
  subject of most news sentences.
* :func:`referent_before` walks back from a position in a source text to the
  nearest sentence that names someone: whom a pronoun at that position means
  in its source.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from newsdesk.language.entities import analyse, analyse_many
from newsdesk.language.speakers import speaker_of
from newsdesk.language.text import QUOTED_SPAN, Span, sentence_spans, sentences_before

_CAPITALISED = re.compile(r"\b[A-Z][a-z]+(?:['’-][A-Za-z]+)?\b")
_PERSON = "PERSON"
_FULL_NAME_LOOKUPS = 3
"""Sentences a surname is looked up in per source: the first full mention is enough."""
WINDOW = 3
"""Sentences before a position that may name whom a pronoun there means."""


@dataclass(frozen=True)
class Mention:
    """A person named in a text, with the character span of the name."""

    name: str
    start: int
    end: int


@functools.lru_cache(maxsize=65_536)
def _full_name_in(surname: str, text: str) -> bool:
    """Does ``text`` name someone in full whose last name is ``surname``?

    A word the text also writes in lower case ("house", "court") is a common noun
    capitalised, not a surname; it is ruled out before any entity recognition.
    """
    if re.search(rf"\b{re.escape(surname.lower())}\b", text):
        return False
    pattern = re.compile(rf"\b[A-Z][\w.'’-]*\s+(?:[A-Z]\.\s+)*{re.escape(surname)}\b")
    spans = sentence_spans(text)
    found: dict[str, None] = {}
    for match in pattern.finditer(text):
        found[next(s.text for s in spans if match.start() < s.end)] = None
        if len(found) >= _FULL_NAME_LOOKUPS:
            break
    return any(
        len(parts) > 1 and parts[-1] == surname
        for analysis in analyse_many(found)
        for parts in (entity.text.split() for entity in analysis.of(_PERSON))
    )


class Roster:
    """The people a story's sources name in full, asked about one surname at a time."""

    def __init__(self, texts: Iterable[str]) -> None:
        self._texts = tuple(texts)

    def is_surname(self, word: str) -> bool:
        return any(_full_name_in(word, text) for text in self._texts)


NOBODY = Roster(())
"""A roster that knows no one: people are then only what the entity recogniser finds."""


def people_in(text: str, roster: Roster = NOBODY, end: int | None = None) -> list[Mention]:
    """The people ``text`` names outside quotation marks (ending before ``end``), in order."""
    quoted = [m.span() for m in QUOTED_SPAN.finditer(text)]
    found = [Mention(e.text, e.start, e.end) for e in analyse(text).of(_PERSON)]
    found += [
        Mention(m.group(), m.start(), m.end())
        for m in _CAPITALISED.finditer(text)
        if m.start() > 0
        and not any(f.start <= m.start() < f.end for f in found)
        and roster.is_surname(m.group())
    ]
    return [
        m
        for m in sorted(found, key=lambda m: m.start)
        if (end is None or m.end <= end) and not any(a <= m.start < b for a, b in quoted)
    ]


def salient(sentence: str, roster: Roster = NOBODY) -> tuple[str, list[str]] | None:
    """Whom a following pronoun most likely means, and everyone the sentence names."""
    people = [m.name for m in people_in(sentence, roster)]
    if not people:
        return None
    speaker = speaker_of(sentence)
    return (speaker if speaker is not None else people[0]), people


@dataclass(frozen=True)
class Referent:
    """Whom a pronoun means, and the sentence (a span of the text read) that says so."""

    name: str
    named: tuple[str, ...]
    sentence: Span


def referent_before(
    text: str, offset: int, roster: Roster = NOBODY, window: int = WINDOW
) -> Referent | None:
    """Whom a pronoun at ``offset`` of ``text`` means: the salient person of the nearest of
    the ``window`` sentences before it that names anyone (across paragraph breaks: news
    paragraphs are often a single sentence)."""
    before = sentences_before(text, offset)
    for span in reversed(before[-window:]):
        found = salient(span.text, roster)
        if found is not None:
            return Referent(found[0], tuple(found[1]), span)
    return None


def referent_in(context: Sequence[str], roster: Roster = NOBODY) -> Referent | None:
    """Whom a reader of ``context`` (sentences, nearest last) takes a pronoun to mean."""
    for sentence in reversed(context[-WINDOW:]):
        found = salient(sentence, roster)
        if found is not None:
            return Referent(found[0], tuple(found[1]), Span(0, len(sentence), sentence))
    return None
