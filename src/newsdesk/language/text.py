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
from dataclasses import dataclass, replace

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


def tokens(text: str) -> list[str]:
    """Word tokens as written: the tokens of ``words``, case kept (a capital marks a name)."""
    return _WORD.findall(text)


def words(text: str) -> list[str]:
    """Lower-cased word tokens."""
    return [w.lower().replace("’", "'") for w in tokens(text)]


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


@dataclass(frozen=True)
class Quotation:
    """Words a text puts inside double quotation marks, read over sentences and paragraphs.

    ``start``/``end`` bound the quoted words. ``opener`` and ``closer`` are the offsets of
    the marks, None where the text has none there: a quotation whose opening mark a
    scraper lost starts at its paragraph, one that runs to the end of a paragraph with
    no closing mark (and no continuation) ends there.
    """

    start: int
    end: int
    opener: int | None
    closer: int | None

    def shown_by(self, start: int, end: int) -> bool:
        """Whether ``text[start:end]`` holds both of this quotation's marks: copied alone,
        it still reads as a quotation."""
        return (
            self.opener is not None
            and self.closer is not None
            and start <= self.opener
            and self.closer < end
        )


_MARK = re.compile(r"[“”\"]|’’|''|``")
"""A double quotation mark; two apostrophes (or backquotes) stand for one in some texts."""
_GLYPH_OPENS = {"“": True, "``": True, "”": False, "’’": False, "''": False}
_BEFORE_OPENER = "([{—–-/"
_AFTER_CLOSER = ".,;:!?)]}—–-…"
REACH = 3
"""Sentences a quotation with a lost mark is taken to run over, beyond which the text is
read as unsplit rather than quoted: a closing mark without an opening one quotes its
paragraph up to it, but a "paragraph" of ten sentences is a text that kept no breaks."""


def _opens(text: str, mark: re.Match[str], para: Span) -> bool | None:
    """Whether ``mark`` opens a quotation (False: closes one; None: cannot tell). Where the
    mark sits decides first (after a space, before a word: an opener), the glyph second:
    scraped text turns curly marks the wrong way round."""
    before = text[mark.start() - 1] if mark.start() > para.start else " "
    after = text[mark.end()] if mark.end() < para.end else " "
    opening = before.isspace() or before in _BEFORE_OPENER
    closing = after.isspace() or after in _AFTER_CLOSER
    if opening != closing:
        return opening
    return _GLYPH_OPENS.get(mark.group())


@functools.lru_cache(maxsize=4096)
def quotation_spans(text: str) -> tuple[Quotation, ...]:
    """Every quotation of ``text``, in order, across sentences and paragraphs.

    A sentence can be someone's words without a quotation mark of its own: the middle of
    a quotation several sentences long, or a paragraph of a multi-paragraph quotation
    (AP style opens a mark at each such paragraph and closes one only at the end, so a
    quotation still open at a paragraph's end goes on when the next paragraph opens with
    a mark). A closing mark with no opening one quotes its paragraph up to it, and an
    opening mark never closed quotes the rest of its paragraph, each over at most
    ``REACH`` sentences.
    """
    found: list[Quotation] = []
    pending: tuple[Quotation, int] | None = None
    for para in paragraphs(text):
        marks = list(_MARK.finditer(text, para.start, para.end))
        if pending is not None:
            first = marks[0] if marks else None
            if first and first.start() == para.start and _opens(text, first, para) is not False:
                marks = marks[1:]  # the same quotation goes on in this paragraph
                pending = (replace(pending[0], end=para.end), para.start)
            else:
                found.append(_unclosed(text, *pending))
                pending = None
        pending = _scan(text, para, marks, pending, found)
    if pending is not None:
        found.append(_unclosed(text, *pending))
    return tuple(q for q in found if q.end > q.start)


def _scan(
    text: str,
    para: Span,
    marks: list[re.Match[str]],
    pending: tuple[Quotation, int] | None,
    found: list[Quotation],
) -> tuple[Quotation, int] | None:
    """Read one paragraph's marks into ``found``; the quotation left open at its end."""
    open_at, opener = (pending[0].start, pending[0].opener) if pending else (None, None)
    for mark in marks:
        opens = _opens(text, mark, para)
        if open_at is None and opens is False:
            start = _lost_opener(text, para, mark.start())
            found.append(Quotation(start, mark.start(), None, mark.start()))
        elif open_at is None:
            open_at, opener = mark.end(), mark.start()
        elif opens is not True:
            found.append(Quotation(open_at, mark.start(), opener, mark.start()))
            open_at = opener = None
    if open_at is None:
        return None
    return Quotation(open_at, para.end, opener, None), pending[1] if pending else para.start


def _lost_opener(text: str, para: Span, closer: int) -> int:
    """Where a quotation whose opening mark is lost starts: its paragraph, when that is at
    most ``REACH`` sentences long up to the closing mark, else its own sentence."""
    before = [s for s in sentence_spans(text) if para.start <= s.start < closer]
    return para.start if len(before) <= REACH or not before else before[-1].start


def _unclosed(text: str, quotation: Quotation, last_para: int) -> Quotation:
    """A quotation whose closing mark is lost, cut to ``REACH`` sentences of its last
    paragraph."""
    start = max(quotation.start, last_para)
    over = [s for s in sentence_spans(text) if s.end > start and s.start < quotation.end]
    if len(over) <= REACH:
        return quotation
    return replace(quotation, end=over[REACH - 1].end)


def quotation_at(text: str, offset: int) -> Quotation | None:
    """The quotation of ``text`` whose words hold ``offset``, if any."""
    return next((q for q in quotation_spans(text) if q.start <= offset < q.end), None)


def inside_quotation(text: str, start: int, end: int) -> bool:
    """Whether ``text[start:end]`` holds quoted words without both marks of their quotation
    (a sentence in the middle of a quotation, or one that only ends it): copied alone, it
    would print someone's words as plain prose."""
    return any(
        q.start < end and start < q.end and not q.shown_by(start, end)
        for q in quotation_spans(text)
    )


@functools.lru_cache(maxsize=4096)
def word_spans(text: str) -> tuple[tuple[str, int, int], ...]:
    """Word tokens as ``words`` gives them, each with its offsets in ``text``."""
    return tuple(
        (m.group().lower().replace("’", "'"), m.start(), m.end()) for m in _WORD.finditer(text)
    )


def word_count(text: str) -> int:
    return len(_WORD.findall(text))
