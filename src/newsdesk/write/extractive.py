"""The offline writer: an article made of sentences taken verbatim from the sources.

Every body sentence is a source sentence plus an attribution phrase, so each
carries an exact citation. Sentences are ranked by centrality (TF-IDF cosine to
the story's centroid), with a bonus when another outlet reports something
similar and a smaller one for lead position; maximal marginal relevance keeps
the selection from repeating itself. Sentences that cannot stand alone
(opening pronouns, photo captions, page furniture) are never candidates.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from math import inf

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer

from newsdesk.attribution import attribute
from newsdesk.config import WriteSettings
from newsdesk.records import Article, Citation, Draft, Sentence, SourceRef, Story
from newsdesk.text import Span, quotations, sentences, word_count, words
from newsdesk.write.categories import classify
from newsdesk.write.quotes import find_quotes

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
_DATELINE = re.compile(
    r"^(?:(?:[A-Z][\w.,'’]*\s){0,4}\([A-Z][\w .&]{1,25}\)\s*(?:[-—–]+\s*)?"
    r"|[A-Z]{2,}(?:[ ,.]+[A-Z]{2,})*\.?\s*[-—–]+\s*)(?=[A-Z“\"])"
)
"""A leading dateline: "WASHINGTON (AP) — ", "New York (CNN Business) ", "(CNN) ", "LONDON — "."""

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

    @property
    def citation(self) -> Citation:
        return Citation(self.article.id, self.span.start, self.span.end)


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
    straight = text.count('"')
    return straight % 2 == 0 and text.count("“") == text.count("”")


def without_dateline(span: Span) -> Span:
    """The sentence with a leading dateline removed, still an exact span of the source.

    Only an article's first sentence carries a dateline, and only there is this
    applied: elsewhere "Rep. Jane Doe (NY) said" must keep its name.
    """
    match = _DATELINE.match(span.text)
    if match is None or match.end() == 0:
        return span
    return Span(span.start + match.end(), span.end, span.text[match.end() :])


def candidates(articles: Sequence[Article], settings: WriteSettings) -> list[Candidate]:
    """Source sentences that can stand alone (questions and fragments excluded)."""
    found = []
    for article in articles:
        for index, raw in enumerate(sentences(article.text)):
            span = without_dateline(raw) if index == 0 else raw
            if _standalone(span.text, settings):
                found.append(Candidate(article, span, index))
    return found


def _rank(cands: Sequence[Candidate]) -> tuple[np.ndarray, np.ndarray]:
    """Scores and the sentence-by-sentence cosine matrix."""
    vectorizer = TfidfVectorizer(sublinear_tf=True, stop_words="english")
    matrix = vectorizer.fit_transform([c.span.text for c in cands])
    similarity = (matrix @ matrix.T).toarray()
    centroid = np.asarray(matrix.mean(axis=0)).ravel()
    norm = np.linalg.norm(centroid) or 1.0
    centrality = np.asarray(matrix @ centroid).ravel() / norm
    outlets = np.array([c.article.outlet for c in cands])
    other_outlet = outlets[:, None] != outlets[None, :]
    corroboration = np.where(other_outlet, similarity, 0.0).max(axis=1, initial=0.0)
    lead = np.array([0.15 if c.index < 3 else 0.0 for c in cands])
    scores = centrality + 0.3 * (corroboration >= CORROBORATED) + lead
    return scores, similarity


def _select(scores: np.ndarray, similarity: np.ndarray, limit: int, chosen: list[int]) -> list[int]:
    """Extend ``chosen`` by maximal marginal relevance, skipping near-duplicates outright."""
    chosen = list(chosen)
    while len(chosen) < limit:
        best, best_value = -1, -inf
        for i in range(len(scores)):
            if i in chosen:
                continue
            overlap = max((similarity[i, j] for j in chosen), default=0.0)
            if overlap > DUPLICATE:
                continue
            value = LAMBDA * scores[i] - (1 - LAMBDA) * overlap
            if value > best_value:
                best, best_value = i, value
        if best < 0:
            break
        chosen.append(best)
    return chosen


def _dek(cands: Sequence[Candidate], scores: np.ndarray) -> int:
    """The best-scoring sentence short enough to stand under a headline.

    Quotations are avoided: a dek reads as the desk's own summary, and a quote
    there would lose its speaker.
    """
    short = [i for i, c in enumerate(cands) if word_count(c.span.text) <= DEK_WORDS]
    plain = [i for i in short if not re.search(r"[“”\"]", cands[i].span.text)]
    pool = plain or short or list(range(len(cands)))
    return max(pool, key=lambda i: scores[i])


def _central_article(articles: Sequence[Article]) -> Article:
    """The article whose title is closest to all the others: the headline source."""
    if len(articles) < 2:
        return articles[0]
    vectorizer = TfidfVectorizer(stop_words="english")
    try:
        matrix = vectorizer.fit_transform([f"{a.title} {a.text[:1000]}" for a in articles])
    except ValueError:
        return articles[0]
    totals = np.asarray((matrix @ matrix.T).sum(axis=1)).ravel()
    return articles[int(np.argmax(totals))]


def _body(chosen: Sequence[Candidate], settings: WriteSettings) -> list[Sentence]:
    """Lead first, the rest in the order they sat in their articles.

    A sentence is attributed when it opens a paragraph or its outlet differs
    from the previous sentence's, so every outlet change is visible in the text.
    """
    lead, rest = chosen[0], sorted(chosen[1:], key=lambda c: (c.index, c.article.id))
    body = []
    previous = None
    for position, cand in enumerate([lead, *rest]):
        paragraph = 1 + (position + 1) // 2
        outlet = cand.article.outlet
        new_paragraph = position % 2 == 1 or position == 0
        text = cand.span.text
        if outlet != previous or new_paragraph:
            text = attribute(text, outlet)
        body.append(Sentence("body", text, (cand.citation,), paragraph=paragraph, outlet=outlet))
        previous = outlet
    return body


def write_story(story: Story, articles: Sequence[Article], settings: WriteSettings) -> Draft:
    """An extractive draft for ``story`` from its ``articles``."""
    articles = sorted(articles, key=lambda a: (a.published or "", a.id))
    central = _central_article(articles)
    headline = Sentence(
        "headline",
        central.title or story.title,
        (Citation(central.id, 0, len(central.title), "title"),) if central.title else (),
        outlet=central.outlet,
    )
    sentences_out = [headline]
    cands = candidates(articles, settings)
    if cands:
        scores, similarity = _rank(cands)
        order = _select(scores, similarity, settings.max_sentences + 1, [_dek(cands, scores)])
        chosen = [cands[i] for i in order]
        dek = chosen[0]
        sentences_out.append(
            Sentence("dek", dek.span.text, (dek.citation,), outlet=dek.article.outlet)
        )
        if len(chosen) > 1:
            sentences_out.extend(_body(chosen[1:], settings))
    used = {s.citations[0] for s in sentences_out if s.citations}
    for quote in find_quotes(articles, settings.max_quotes):
        if quote.citation not in used and quotations(quote.text):
            sentences_out.append(
                Sentence(
                    "quote",
                    quote.text,
                    (quote.citation,),
                    speaker=quote.speaker,
                    outlet=quote.article.outlet,
                )
            )
    dates = [a.published for a in articles if a.published]
    return Draft(
        story_id=story.id,
        story_hash=story.hash,
        category=classify(articles),
        date=max(dates) if dates else None,
        sentences=tuple(sentences_out),
        sources=tuple(SourceRef(a.id, a.outlet, a.title, a.url, a.published) for a in articles),
    )
