"""Whose words a quotation holds, and where another text reprints them without its marks.

A source's quotation is someone's words. Copied without the marks they read as
the newsroom's own, or the outlet's ("According to CNN, at that time, there
was a paucity of equipment…" where CNN quoted Fauci). The writer leaves such
sentences out by reading ``text.quotation_spans``; the checker, which must catch
them from any writer, reads the same spans here:

* :func:`quotation_speaker`: the person a text credits with a quotation, named
  where it opens or closes ("Fauci said: “…", "“…,” said Fauci"), else the
  person a pronoun credit ("…,” he said") means before the quotation began;
* :func:`unmarked_quote`: the longest run of words that a claim prints outside
  quotation marks and a source prints only inside them, when it is long enough
  to be someone's statement rather than a stock phrase (``MIN_RUN_WORDS``
  words, ``MIN_RUN_CONTENT`` of them content words that are not names).
"""

from __future__ import annotations

import functools
import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from newsdesk.language.people import Roster, people_in, referent_before
from newsdesk.language.speakers import speaker_of
from newsdesk.language.text import (
    STOPWORDS,
    Quotation,
    Span,
    normalize,
    quotation_spans,
    sentence_spans,
    word_spans,
    words,
)

MIN_PIECE_WORDS = 2
"""Words a piece of a cut quotation needs to be looked for: one word is no evidence."""
_ELLIPSIS = re.compile(r"\s*(?:\.\s?\.\s?\.|…)\s*")
_BRACKETED = re.compile(r"\[[^\]]*\]")


def quotation_pieces(quote: str) -> list[str]:
    """The parts of a quotation between ellipses, with editorial [insertions] as gaps,
    folded (``normalize``) and stripped of end punctuation, as a source is searched."""
    parts = _ELLIPSIS.split(_BRACKETED.sub("…", quote))
    return [normalize(p).strip(" ,.;:!?'\"") for p in parts if len(words(p)) >= MIN_PIECE_WORDS]


MIN_RUN_WORDS = 7
"""Words in a row a claim must share with a quotation to reprint it. Six-word runs are
often a quotation's phrase in indirect speech ("Barr said Lee faced the justice he
deserved"), a name with its title, or a stock phrase."""
MIN_RUN_CONTENT = 3
"""Content words (not stopwords, numbers or capitalised names) such a run must hold:
"one of the things that we have to" is anyone's phrase."""

_PRONOUN_CREDIT = re.compile(
    r"(?:[,”\"’]\s*|^)(?:he|she)\s+(?:also\s+)?(?:said|says|added|told|wrote|argued|noted"
    r"|explained|continued|insisted|warned|stressed|declared)\b"
    r"|[,”\"’]\s*(?:said|added)\s+(?:he|she)\b",
    re.IGNORECASE,
)
"""A pronoun credited with the words: "…,” he said", "She said “…"."""

_SPEECH_BEFORE = re.compile(
    r"\b(?:said|says|urged|wrote|writes|added|told \w+|tweeted|warned|declared|insisted"
    r"|continued|explained|argued|stated|noted|asked|answered|replied|recalled|concluded"
    r"|countered|quipped|responded)(?:\s+that)?[\s,:]*$"
)
"""A speech verb right before an opening quotation mark: "Barr countered: “…"."""


@dataclass(frozen=True)
class Unmarked:
    """Words of a source's quotation that a claim prints outside quotation marks.

    ``source`` indexes the texts searched; ``start``/``end`` bound the run in the claim;
    ``words`` counts it."""

    source: int
    quotation: Quotation
    start: int
    end: int
    words: int


@dataclass(frozen=True)
class _Read:
    """A text's words, each with the index of the quotation holding it (-1: none)."""

    tokens: tuple[tuple[str, int, int], ...]
    inside: tuple[int, ...]
    content: tuple[bool, ...]
    """Whether each word carries meaning of its own: no stopword, number or name (a
    capitalised word after the text's first)."""
    quotations: tuple[Quotation, ...]
    positions: dict[str, list[int]]


@functools.lru_cache(maxsize=1024)
def _read(text: str) -> _Read:
    """``text`` tokenised once: a story's sources are searched for every claim."""
    tokens = word_spans(text)
    quotations = quotation_spans(text)
    inside = []
    current = 0
    for _, start, _ in tokens:
        while current < len(quotations) and quotations[current].end <= start:
            current += 1
        held = current < len(quotations) and quotations[current].start <= start
        inside.append(current if held else -1)
    positions: dict[str, list[int]] = defaultdict(list)
    for index, (word, _, _) in enumerate(tokens):
        positions[word].append(index)
    content = tuple(
        word not in STOPWORDS and not word[0].isdigit() and (i == 0 or not text[start].isupper())
        for i, (word, start, _) in enumerate(tokens)
    )
    return _Read(tokens, tuple(inside), content, quotations, dict(positions))


def unmarked_quote(claim: str, sources: Sequence[str]) -> Unmarked | None:
    """The longest run of words of ``claim``, outside its quotation marks, that one of
    ``sources`` prints inside a quotation and none prints outside one; None when no run
    is ``MIN_RUN_WORDS`` words with ``MIN_RUN_CONTENT`` content words.

    A run some source also prints as its own prose is that outlet's wording, copied
    faithfully; a claim's words after its first are judged names by their capital.
    """
    own = _read(claim)
    plain = [i for i, q in enumerate(own.inside) if q < 0]
    if len(plain) < MIN_RUN_WORDS:
        return None
    reads = [_read(text) for text in sources]
    best: Unmarked | None = None
    for number, read in enumerate(reads):
        if not read.quotations:
            continue
        for first, last, where in _runs(own, read):
            words = last - first + 1
            if (best is None or words > best.words) and _qualifies(own, first, last, reads):
                start, end = own.tokens[first][1], own.tokens[last][2]
                best = Unmarked(number, read.quotations[where], start, end, words)
    return best


def _runs(own: _Read, read: _Read) -> list[tuple[int, int, int]]:
    """Maximal runs (first and last claim word, the quotation) of claim words outside its
    quotation marks that equal words of one quotation of ``read``, seeded on content words."""
    found: set[tuple[int, int, int]] = set()
    count = len(own.tokens)
    for i, (word, _, _) in enumerate(own.tokens):
        if own.inside[i] >= 0 or word in STOPWORDS:
            continue
        for j in read.positions.get(word, ()):
            where = read.inside[j]
            if where < 0:
                continue
            back = 0
            while _same(own, read, i - back - 1, j - back - 1, where):
                back += 1
            ahead = 0
            while i + ahead + 1 < count and _same(own, read, i + ahead + 1, j + ahead + 1, where):
                ahead += 1
            if back + ahead + 1 >= MIN_RUN_WORDS:
                found.add((i - back, i + ahead, where))
    return sorted(found)


def _same(own: _Read, read: _Read, i: int, j: int, where: int) -> bool:
    """Whether claim word ``i`` (outside the claim's quotations) is source word ``j`` of
    quotation ``where``."""
    return (
        i >= 0
        and 0 <= j < len(read.tokens)
        and own.inside[i] < 0
        and read.inside[j] == where
        and own.tokens[i][0] == read.tokens[j][0]
    )


def _qualifies(own: _Read, first: int, last: int, reads: Sequence[_Read]) -> bool:
    """Contentful enough to be someone's statement, and no source's own prose."""
    run = range(first, last + 1)
    content = sum(own.content[i] for i in run)
    words = [own.tokens[i][0] for i in run]
    return content >= MIN_RUN_CONTENT and not any(_in_prose(words, read) for read in reads)


def _in_prose(words: Sequence[str], read: _Read) -> bool:
    """Whether ``read`` prints ``words`` in a row with one of them outside a quotation."""
    size = len(words)
    return any(
        [t[0] for t in read.tokens[j : j + size]] == list(words)
        and any(where < 0 for where in read.inside[j : j + size])
        for j in read.positions.get(words[0], ())
    )


def quotation_speaker(text: str, quotation: Quotation) -> str | None:
    """The person ``text`` credits with ``quotation``, or None when it names no one.

    Named where the quotation closes or opens ("…,” said Fauci", "Fauci said: “…"), in
    the sentence before it in its paragraph ("“…,” Friedman said. “And…"), or the one
    person named before a speech verb that opens it ("William Barr countered: “…");
    else, for a pronoun credit ("…,” he said), the person the sentences before the
    quotation put in front of the reader, when they name one person only: a wrong name
    would be worse than none.
    """
    spans = sentence_spans(text)
    opens = quotation.opener if quotation.opener is not None else quotation.start
    closes = quotation.closer if quotation.closer is not None else quotation.end - 1
    opening, closing = _sentence_index(spans, opens), _sentence_index(spans, closes)
    if opening is None or closing is None:
        return None
    for span in dict.fromkeys(
        (spans[closing], spans[opening], *_credit_before(text, spans, opening, opens))
    ):
        named = speaker_of(span.text)
        if named is not None:
            return named
    roster = Roster([text])
    lead = spans[opening]
    before = lead.text[: max(0, opens - lead.start)]
    if _SPEECH_BEFORE.search(before):
        people = {m.name for m in people_in(before, roster)}
        if len(people) == 1:
            return people.pop()
    if not any(_PRONOUN_CREDIT.search(spans[i].text) for i in {opening, closing}):
        return None
    meant = referent_before(text, lead.start, roster)
    return meant.name if meant is not None and len(set(meant.named)) == 1 else None


def _credit_before(text: str, spans: Sequence[Span], opening: int, opens: int) -> list[Span]:
    """The sentence before the one a quotation opens, in the same paragraph: in "“…,”
    Friedman said. “And it is beyond shameful…" it names the speaker of both. Only when
    the mark begins its sentence: "The mayor disagreed: “…" credits someone else."""
    if opening == 0 or spans[opening].start != opens:
        return []
    if "\n\n" in text[spans[opening - 1].end : spans[opening].start]:
        return []
    return [spans[opening - 1]]


def _sentence_index(spans: Sequence[Span], offset: int) -> int | None:
    """The index of the sentence holding ``offset`` (or the nearest one starting after)."""
    for index, span in enumerate(spans):
        if offset < span.end:
            return index
    return None
