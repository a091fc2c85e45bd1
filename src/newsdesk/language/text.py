"""Text helpers shared by the writer and the checker: sentences with exact spans,
word tokens, content words, numbers and quotations.

Sentence splitting is done here rather than with an NLP package because every
citation must be an exact character span of the source: the splitter returns
``(start, end)`` offsets into the original string and never rewrites text.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass

ABBREVIATIONS = frozenset(
    """mr mrs ms dr prof sen sens rep reps gov govs gen col lt sgt capt cmdr adm st jr sr inc
    corp co ltd u.s u.k u.n e.g i.e etc vs jan feb mar apr jun jul aug sep sept oct nov dec
    no dept ft mt rev hon pres supt d.c a.m p.m""".split()
)

# A sentence ends at . ! or ? (optionally followed by closing quotes/brackets),
# then whitespace, then something that can start a sentence.
_BOUNDARY = re.compile(r"""[.!?]['"’”)\]]*\s+(?=['"“‘(\[]?[A-Z0-9])""")
_PARAGRAPH = re.compile(r"\n\s*\n")
_WORD = re.compile(r"[A-Za-z0-9]+(?:['’][A-Za-z]+)*")
_NUMBER = re.compile(r"(?<![\w.])\$?\d[\d,]*(?:\.\d+)?%?")
_FOLD = str.maketrans("’‘“”–—", "''\"\"--")
_QUOTE = re.compile(r"[“\"]([^”\"]{3,})[”\"]")
QUOTED_SPAN = re.compile(r"[“\"][^”\"]*[”\"]")
"""A quotation with its marks: what checks mask to read only the words outside quotes."""

STOPWORDS = frozenset(
    """a an the and or but if of at by for with about against between into through during before
    after above below to from up down in out on off over under again further then once here
    there when where why how all any both each few more most other some such no nor not only own
    same so than too very s t can will just don should now is are was were be been being have
    has had having do does did doing i me my we our you your he him his she her it its they them
    their what which who whom this that these those am would could also said says according
    reported report reports told""".split()
)


@dataclass(frozen=True)
class Span:
    """``text[start:end]`` of some source string."""

    start: int
    end: int
    text: str


def paragraphs(text: str) -> Iterator[Span]:
    """Blank-line separated paragraphs, stripped, with their offsets."""
    position = 0
    for match in [*_PARAGRAPH.finditer(text), None]:
        end = match.start() if match else len(text)
        chunk = text[position:end]
        stripped = chunk.strip()
        if stripped:
            start = position + chunk.index(stripped)
            yield Span(start, start + len(stripped), stripped)
        if match:
            position = match.end()


def _ends_with_abbreviation(text: str) -> bool:
    words = text.rstrip(".!?'\"’”)]").split()
    if not words:
        return False
    last = words[-1].lower().rstrip(".")
    if last in ABBREVIATIONS:
        return True
    # Initials ("John F. Kennedy", "George H.W. Bush") do not end a sentence.
    return (len(last) == 1 and last.isalpha()) or _INITIALS.fullmatch(last) is not None


_INITIALS = re.compile(r"(?:[a-z]\.){1,2}[a-z]")


def sentences(text: str) -> Iterator[Span]:
    """Sentences of ``text`` (within paragraphs), each with its exact offsets."""
    for para in paragraphs(text):
        start = 0
        body = para.text
        for match in _BOUNDARY.finditer(body):
            candidate = body[start : match.end()]
            if _ends_with_abbreviation(candidate.rstrip()):
                continue
            stripped = candidate.strip()
            if stripped:
                offset = para.start + start + candidate.index(stripped)
                yield Span(offset, offset + len(stripped), stripped)
            start = match.end()
        rest = body[start:].strip()
        if rest:
            offset = para.start + start + body[start:].index(rest)
            yield Span(offset, offset + len(rest), rest)


@functools.lru_cache(maxsize=4096)
def sentence_spans(text: str) -> tuple[Span, ...]:
    """``sentences`` kept for texts read again and again (a story's sources)."""
    return tuple(sentences(text))


def sentences_before(text: str, offset: int) -> list[Span]:
    """The sentences of ``text`` that end at or before ``offset``: what a reader has read."""
    return [s for s in sentence_spans(text) if s.end <= offset]


def normalize(text: str) -> str:
    """Fold quotes, dashes, case and spacing so that copies compare equal."""
    text = unicodedata.normalize("NFKC", text)
    text = text.translate(_FOLD)
    return " ".join(text.lower().split())


@functools.lru_cache(maxsize=4096)
def normalized(text: str) -> str:
    """``normalize`` kept for texts searched again and again (a story's sources)."""
    return normalize(text)


def words(text: str) -> list[str]:
    """Lower-cased word tokens."""
    return [w.lower().replace("’", "'") for w in _WORD.findall(text)]


def content_words(text: str) -> list[str]:
    """Words that carry meaning: no stopwords, no possessive endings."""
    return [w.removesuffix("'s") for w in words(text) if w not in STOPWORDS]


NEGATIONS = frozenset("not no never none nobody nothing neither nor cannot without".split())


def stem(word: str) -> str:
    """A crude stem that lets "announced" meet "announcement" and "states" meet "state"."""
    word = word.replace("’", "'").removesuffix("'s")
    if len(word) > 4 and word.endswith("s") and not word.endswith("ss"):
        word = word[:-1]
    return word[:6]


def content_stems(text: str) -> list[str]:
    """Stems of the words that carry meaning (no stopwords, no negations)."""
    return [stem(w) for w in words(text) if w not in STOPWORDS and w not in NEGATIONS]


def numbers(text: str) -> list[str]:
    """Numbers as written, normalised to digits: ``$1,200`` -> ``1200``."""
    found = []
    for raw in _NUMBER.findall(text):
        value = raw.strip("$%").replace(",", "")
        if value:
            found.append(value)
    return found


def quotations(text: str) -> list[str]:
    """Text inside double quotation marks (straight or curly)."""
    return [q.strip() for q in _QUOTE.findall(text)]


def word_count(text: str) -> int:
    return len(_WORD.findall(text))
