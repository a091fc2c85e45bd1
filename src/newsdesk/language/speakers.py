"""Key quotes: source sentences that quote a named person, with the speaker found.

Only quotes whose speaker is named in the same sentence are used: a quote
credited to "he" or "the official" cannot be checked and is left out, and so is
a sentence that holds only part of a longer quotation (one of its marks lies
outside the sentence).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from newsdesk.language.furniture import furniture_of, inside
from newsdesk.language.text import inside_quotation, sentences, word_count
from newsdesk.records import Article, Citation

_SAY = r"(?:said|says|added|wrote|told reporters|told \w+|tweeted|stated|argued|explained)"
_PERSON = r"(?P<speaker>[A-Z][\w.'’-]+(?:\s+[A-Z][\w.'’-]+){0,5})"
_TITLE = r"(?:,\s+(?!(?:he|she|they|it|we|i)\s)(?:the\s+)?[a-z][\w\s-]{0,40}?)?"
"""A description set after the name ("Jane Doe, the mayor, said"); never a pronoun:
in "Nothing, he added, “…”" the speaker is "he", not "Nothing"."""
SPEAKER_PATTERNS = (
    # “...,” said Jane Doe / ”... ," Jane Doe said
    re.compile(rf"[”\"],?\s+{_SAY}\s+{_PERSON}"),
    re.compile(rf"[”\"],?\s+{_PERSON}{_TITLE}\s+{_SAY}"),
    # Jane Doe said: “...
    re.compile(rf"{_PERSON}{_TITLE}\s+{_SAY}[:,]?\s+(?:that\s+)?[“\"]"),
)
_QUOTED = re.compile(r"[“\"]([^”\"]+)[”\"]")
_NOT_A_NAME = frozenset(
    """He She They It We I The This That These Those His Her Their Its A An In On But And According
    Officials Critics Others Some""".split()
)
MIN_QUOTE_WORDS = 6


@dataclass(frozen=True)
class Quote:
    """A source sentence quoting ``speaker``."""

    article: Article
    text: str
    speaker: str
    citation: Citation


def speaker_of(sentence: str) -> str | None:
    """The named person a sentence credits with its quotation, if any."""
    for pattern in SPEAKER_PATTERNS:
        match = pattern.search(sentence)
        if match:
            name = match.group("speaker").strip().rstrip(".,;:")
            if name.split()[0] not in _NOT_A_NAME:
                return name
    return None


def find_quotes(articles: Sequence[Article], limit: int) -> list[Quote]:
    """Up to ``limit`` quotes, at most one per speaker, longest quotation first; none
    from page furniture."""
    found: list[tuple[int, Quote]] = []
    for article in articles:
        marks = furniture_of(article)
        for span in sentences(article.text):
            if inside(span.start, span.end, marks) is not None:
                continue  # a caption or a teaser quoting someone is not a key quote
            if inside_quotation(article.text, span.start, span.end):
                continue  # part of a longer quotation: alone it would lose a mark
            quoted = _QUOTED.findall(span.text)
            longest = max((word_count(q) for q in quoted), default=0)
            if longest < MIN_QUOTE_WORDS or word_count(span.text) > 70:
                continue
            speaker = speaker_of(span.text)
            if speaker is None:
                continue
            citation = Citation(article.id, span.start, span.end)
            found.append((longest, Quote(article, span.text, speaker, citation)))
    found.sort(key=lambda item: (-item[0], item[1].article.id, item[1].citation.start))
    chosen: list[Quote] = []
    speakers: set[str] = set()
    for _, quote in found:
        if quote.speaker not in speakers:
            chosen.append(quote)
            speakers.add(quote.speaker)
        if len(chosen) >= limit:
            break
    return chosen
