"""Candidate sentences for an article, and how they rank.

A candidate is a source sentence that can stand alone (``standalone``) and is
not page furniture. Candidates are ranked by centrality (cosine to the story's
centroid), with a bonus when another outlet reports something similar and a
smaller one for lead position; the pairwise cosine matrix comes with them, so
the writer can tell a repeat from a new fact.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from functools import lru_cache
from math import inf

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer

from newsdesk.config import WriteSettings
from newsdesk.language.furniture import furniture_of, usable
from newsdesk.language.references import relative_time
from newsdesk.language.text import (
    Span,
    content_stems,
    inside_quotation,
    numbers,
    sentences,
    word_count,
    words,
)
from newsdesk.records import Article, Citation
from newsdesk.write.standalone import standalone

_DANGLING_START = frozenset(
    """he she they it this that these those his her their its him them we i but and also however
    meanwhile so still yet then there here such both instead""".split()
)
_FURNITURE = re.compile(
    r"photo|getty|click|subscribe|sign up|newsletter|follow us|read more|http|www\.|@\w|"
    r"contributed to this report|all rights reserved|inbox|delivered (?:daily|weekday)|"
    r"stories that matter",
    re.IGNORECASE,
)
# Link text glued to the next word ("Donald John TrumpKamala Harris ... MORE"): scraping debris.
_GLUED = re.compile(r"\bMORE\b|[a-z]{3,}[A-Z][a-z]")
_TERMINAL = re.compile(r"""[.!]['"’”)]*$""")
DEK_WORDS = 35
"""The dek is the best-scoring sentence of at most this many words."""
LAMBDA = 0.7
"""MMR trade-off between relevance and novelty."""
DUPLICATE = 0.6
"""Cosine above which two sentences say the same thing."""
CORROBORATED = 0.3
"""Cosine above which a sentence from another outlet counts as reporting the same fact."""


@dataclass(frozen=True)
class Candidate:
    """A source sentence that may go into the article."""

    article: Article
    span: Span
    index: int
    text: str = ""
    """The sentence as printed: the span's text with a pronoun subject or speaker replaced
    by the person the source means and relative dates pinned (``standalone``); empty when
    that is the span's text."""
    naming: Citation | None = None
    """The span that names that person, cited beside the sentence's own."""

    @property
    def citation(self) -> Citation:
        return Citation(self.article.id, self.span.start, self.span.end)

    @property
    def printed(self) -> str:
        return self.text or self.span.text

    @property
    def citations(self) -> tuple[Citation, ...]:
        return (self.citation,) if self.naming is None else (self.citation, self.naming)


def _standalone(text: str, settings: WriteSettings) -> bool:
    """Whether a sentence can be read out of its context."""
    tokens = words(text)
    if not tokens or tokens[0].split("'")[0] in _DANGLING_START:
        return False
    if not settings.min_words <= word_count(text) <= settings.max_words:
        return False
    if not _TERMINAL.search(text):
        return False
    if _FURNITURE.search(text) or _GLUED.search(text):
        return False
    if relative_time(text) is not None:
        return False  # "Hours later, …" follows an event the page may not tell
    straight = text.count('"')
    return straight % 2 == 0 and text.count("“") == text.count("”")


def candidates(
    articles: Sequence[Article], settings: WriteSettings, as_of: str | None = None
) -> list[Candidate]:
    """Source sentences that can stand alone (questions, fragments and page furniture
    excluded; a leading dateline or section label is cut off the cited span; a pronoun
    subject or speaker is replaced by the person the source means, ``standalone``).

    A sentence that holds words of a quotation without both its marks (the middle of a
    quotation several sentences or paragraphs long, or its end: "…equipment,” he said")
    is left out: printed alone it would give someone's words as the newsroom's.

    Relative dates are pinned to the calendar ("on Monday" to "on Monday, Dec. 1").
    With ``as_of`` (the article's date), a sentence that keeps a date relative to
    its own day ("Monday night", "last week") is left out when its source was
    published on another day: copied into a later article it would be wrong.
    """
    found = []
    for article in articles:
        stale = as_of is not None and article.published not in (None, as_of)
        marks = furniture_of(article)
        for index, raw in enumerate(sentences(article.text)):
            span = usable(raw, marks)
            if span is None or inside_quotation(article.text, span.start, span.end):
                continue  # furniture, or someone's words that would lose their marks
            made = standalone(article, span)
            if made is None or not _standalone(made.text, settings):
                continue
            if stale and made.relative:
                continue
            naming = made.citations[1] if len(made.citations) > 1 else None
            text = made.text if made.text != span.text else ""
            found.append(Candidate(article, span, index, text, naming))
    return found


Embed = Callable[[Sequence[str]], np.ndarray]
"""Unit-length sentence embeddings, one row per text (MiniLM with ``[write] embeddings``)."""


@dataclass(frozen=True)
class Scale:
    """Cosine thresholds for one similarity measure: MiniLM and TF-IDF cosines differ in
    scale (two paraphrases score about 0.8 with MiniLM and 0.4 with TF-IDF)."""

    duplicate: float
    corroborated: float


TFIDF = Scale(duplicate=DUPLICATE, corroborated=CORROBORATED)
MINILM = Scale(duplicate=0.85, corroborated=0.6)


def _similarity(cands: Sequence[Candidate], embed: Embed | None) -> np.ndarray:
    """Sentence vectors: MiniLM embeddings when ``embed`` is given, else TF-IDF rows."""
    texts = [c.printed for c in cands]
    if embed is not None:
        return np.asarray(embed(texts), dtype=np.float64)
    vectorizer = TfidfVectorizer(sublinear_tf=True, stop_words="english")
    return np.asarray(vectorizer.fit_transform(texts).toarray(), dtype=np.float64)


NEWEST_DAY = 0.1
"""Score bonus for a sentence reported on the article's own day: the news leads."""


def _rank(
    cands: Sequence[Candidate], embed: Embed | None = None, as_of: str | None = None
) -> tuple[np.ndarray, np.ndarray, Scale]:
    """Scores and the sentence-by-sentence cosine matrix.

    A sentence scores for centrality (cosine to the story's centroid), for
    being corroborated by another outlet, for sitting in its article's lead and,
    when the sources span several days, for being reported on the newest one
    (``as_of``): the lead tells the newest event, not the first day's.
    """
    scale = MINILM if embed is not None else TFIDF
    matrix = _similarity(cands, embed)
    similarity = matrix @ matrix.T
    centroid = matrix.mean(axis=0)
    norm = np.linalg.norm(centroid) or 1.0
    centrality = matrix @ centroid / norm
    outlets = np.array([c.article.outlet for c in cands])
    other_outlet = outlets[:, None] != outlets[None, :]
    corroboration = np.where(other_outlet, similarity, 0.0).max(axis=1, initial=0.0)
    lead = np.array([0.15 if c.index < 3 else 0.0 for c in cands])
    days = {c.article.published for c in cands if c.article.published}
    newest = np.array(
        [NEWEST_DAY if len(days) > 1 and c.article.published == as_of else 0.0 for c in cands]
    )
    scores = centrality + 0.3 * (corroboration >= scale.corroborated) + lead + newest
    return scores, similarity, scale


@dataclass(frozen=True)
class Ranked:
    """A story's candidate sentences with their scores and pairwise similarity."""

    cands: list[Candidate]
    scores: np.ndarray
    similarity: np.ndarray
    duplicate: float = DUPLICATE
    corroborated: float = CORROBORATED
    """Cosine above which two outlets' sentences tell of the same thing."""

    def repeats(self, i: int, j: int) -> bool:
        """Whether candidates ``i`` and ``j`` tell the same fact.

        Alike as vectors (cosine above ``duplicate``), or one paraphrasing the other:
        most of the shorter one's content stems (``REPEAT_SHARE``, at least
        ``REPEAT_STEMS`` of them) in the other, with the same numbers and no name
        the other lacks ("the deal with China" is not "the deal with Mexico").
        """
        if self.similarity[i, j] > self.duplicate:
            return True
        (stems_i, numbers_i, names_i), (stems_j, numbers_j, names_j) = (
            _facts(self.cands[i].printed),
            _facts(self.cands[j].printed),
        )
        shared = len(stems_i & stems_j)
        return (
            shared >= REPEAT_STEMS
            and shared >= REPEAT_SHARE * min(len(stems_i), len(stems_j))
            and numbers_i == numbers_j
            and (names_i <= names_j or names_j <= names_i)
        )

    def repeats_any(self, i: int, others: Collection[int]) -> bool:
        """Whether candidate ``i`` tells a fact one of ``others`` already tells."""
        return any(self.repeats(i, j) for j in others)

    def select(self, limit: int, chosen: list[int]) -> list[int]:
        """Extend ``chosen`` by maximal marginal relevance, skipping repeats outright."""
        chosen = list(chosen)
        while len(chosen) < limit:
            best, best_value = -1, -inf
            for i in range(len(self.scores)):
                if i in chosen or self.repeats_any(i, chosen):
                    continue
                overlap = max((self.similarity[i, j] for j in chosen), default=0.0)
                value = LAMBDA * self.scores[i] - (1 - LAMBDA) * overlap
                if value > best_value:
                    best, best_value = i, value
            if best < 0:
                break
            chosen.append(best)
        return chosen

    def best(self, exclude: set[Citation], avoid: Sequence[int] = ()) -> int | None:
        """The best-scoring candidate not excluded and not repeating one of ``avoid``."""
        order = np.argsort(-self.scores, kind="stable")
        for i in order:
            cand = self.cands[int(i)]
            if cand.citation in exclude:
                continue
            if self.repeats_any(int(i), avoid):
                continue
            return int(i)
        return None


REPEAT_SHARE = 0.75
REPEAT_STEMS = 6
_NAME = re.compile(r"(?<!^)\b[A-Z][\w'’-]+")


@lru_cache(maxsize=8192)
def _facts(text: str) -> tuple[frozenset[str], frozenset[str], frozenset[str]]:
    """A sentence's content stems, numbers and capitalised words after the first."""
    return (
        frozenset(content_stems(text)),
        frozenset(numbers(text)),
        frozenset(_NAME.findall(text)),
    )


def rank(
    articles: Sequence[Article],
    settings: WriteSettings,
    as_of: str | None,
    embed: Embed | None = None,
) -> Ranked:
    """Candidates of ``articles`` ranked for an article dated ``as_of``."""
    cands = candidates(articles, settings, as_of)
    if not cands:
        return Ranked([], np.zeros(0), np.zeros((0, 0)))
    scores, similarity, scale = _rank(cands, embed, as_of)
    return Ranked(cands, scores, similarity, scale.duplicate, scale.corroborated)


def newest_date(articles: Sequence[Article]) -> str | None:
    dates = [a.published for a in articles if a.published]
    return max(dates) if dates else None
