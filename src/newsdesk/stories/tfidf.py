"""The previous story clusterer, kept as a peer in the benchmark: online TF-IDF.

Each article, in date order, joins the most similar open story or starts a
new one. Articles are TF-IDF vectors of their title (counted twice, since headlines name
the event) and lead. A story is the sum of its members' vectors; similarity is
the cosine between an article and that sum. A story is open to an article only
within ``window_days`` of the story's newest article, so the window moves with
the story and two same-named events weeks apart stay apart.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer

from newsdesk.records import Article
from newsdesk.stories.clusterer import story_id_for_article

LEAD_CHARS = 2000


def document(article: Article) -> str:
    return f"{article.title}\n{article.title}\n{article.text[:LEAD_CHARS]}"


def fit_vectorizer(articles: Sequence[Article]) -> TfidfVectorizer:
    vectorizer = TfidfVectorizer(
        sublinear_tf=True, stop_words="english", lowercase=True, dtype=np.float64
    )
    vectorizer.fit([document(a) for a in articles])
    return vectorizer


@dataclass
class _OpenStory:
    id: str
    total: sparse.csr_matrix
    last_seen: date | None
    members: list[str] = field(default_factory=list)

    def similarity(self, vector: sparse.csr_matrix) -> float:
        norm = float(sparse.linalg.norm(self.total))
        if norm == 0.0:
            return 0.0
        return float(self.total.multiply(vector).sum()) / norm


def _day(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


class TfidfClusterer:
    """Assign articles to stories one at a time, in the order given."""

    def __init__(self, vectorizer: TfidfVectorizer, threshold: float, window_days: int) -> None:
        self.vectorizer = vectorizer
        self.threshold = threshold
        self.window_days = window_days
        self.stories: dict[str, _OpenStory] = {}

    def _vector(self, article: Article) -> sparse.csr_matrix:
        return sparse.csr_matrix(self.vectorizer.transform([document(article)]))

    def add_existing(self, story_id: str, article: Article) -> None:
        """Load an article that an earlier run already placed in ``story_id``."""
        self._join(story_id, article, self._vector(article))

    def _join(self, story_id: str, article: Article, vector: sparse.csr_matrix) -> None:
        day = _day(article.published)
        story = self.stories.get(story_id)
        if story is None:
            self.stories[story_id] = _OpenStory(story_id, vector, day, [article.id])
            return
        story.total = story.total + vector
        story.members.append(article.id)
        if day and (story.last_seen is None or day > story.last_seen):
            story.last_seen = day

    def _open_to(self, story: _OpenStory, day: date | None) -> bool:
        if day is None or story.last_seen is None:
            return True
        return abs((day - story.last_seen).days) <= self.window_days

    def assign(self, article: Article) -> str:
        """The id of the story ``article`` joins (possibly a new one)."""
        vector = self._vector(article)
        day = _day(article.published)
        best_id, best = None, self.threshold
        for story in self.stories.values():
            if not self._open_to(story, day):
                continue
            score = story.similarity(vector)
            if score >= best:
                best_id, best = story.id, score
        story_id = best_id or story_id_for_article(article.id)
        self._join(story_id, article, vector)
        return story_id


def cluster(
    articles: Sequence[Article],
    threshold: float,
    window_days: int,
    on_assign: Callable[[Article, str], None] | None = None,
) -> dict[str, str]:
    """Cluster ``articles`` from scratch as one stream in date order: article id -> story id.

    The vocabulary is fitted on all of ``articles`` first, which an online
    clusterer cannot do in a real stream; the benchmark runs it as it was.
    """
    ordered = sorted(articles, key=lambda a: (a.published or "", a.id))
    clusterer = TfidfClusterer(fit_vectorizer(ordered), threshold, window_days)
    result = {}
    for article in ordered:
        result[article.id] = clusterer.assign(article)
        if on_assign:
            on_assign(article, result[article.id])
    return result
