"""What clustering compares, computed once per article and stored.

Each article gets two MiniLM vectors (headline + lead, headline alone), a
TF-IDF vector of its words (``terms.py``), its named entities when the
settings weigh them, its hits in the section lexicons (a story's category is
the best section over its articles) and, not stored but recomputed from the
text, the hashed word 5-grams that tell a syndicated copy from an article of
its own. Computing the vectors is by far the costliest step of clustering,
so they are stored with the article's hash and model name and reused by every
later run; only a changed article or another model computes them again.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from newsdesk.language.encoder import DIMENSIONS, MODEL_NAME
from newsdesk.language.entities import analyse_many
from newsdesk.language.sections import scores
from newsdesk.language.shingles import shingles
from newsdesk.records import Article, StoredFeatures
from newsdesk.stories.embeddings import Embedder, Vectors, lead_text, title_text
from newsdesk.stories.terms import DocumentCounts, TermVector

Shingles = npt.NDArray[np.uint32]


@dataclass(frozen=True)
class Features:
    """One article as clustering sees it. Vectors have unit length (or are all zero)."""

    article_id: str
    lead: Vectors
    title: Vectors
    words: TermVector
    names: frozenset[str] | None = None
    """Named entities, ``None`` when they were not computed (the settings do not weigh them)."""
    sections: tuple[tuple[str, int], ...] = ()
    shingles: Shingles | None = None

    def to_stored(self, article_hash: str, model: str = MODEL_NAME) -> StoredFeatures:
        """``model``: the name of the encoder that made the vectors (``Embedder.model_name``)."""
        return StoredFeatures(
            article_id=self.article_id,
            article_hash=article_hash,
            model=model,
            lead=self.lead.astype("<f4").tobytes(),
            title=self.title.astype("<f4").tobytes(),
            term_indices=self.words.indices.astype("<i4").tobytes(),
            term_weights=self.words.weights.astype("<f4").tobytes(),
            names=None
            if self.names is None
            else json.dumps(sorted(self.names), ensure_ascii=False),
            sections=json.dumps(dict(self.sections), sort_keys=True),
        )

    @classmethod
    def from_stored(cls, stored: StoredFeatures, article: Article) -> Features:
        """The stored features of ``article``, with its copy shingles recomputed from the text."""
        return cls(
            article_id=stored.article_id,
            lead=_vector(stored.lead),
            title=_vector(stored.title),
            words=TermVector(
                np.frombuffer(stored.term_indices, dtype="<i4").astype(np.int32),
                np.frombuffer(stored.term_weights, dtype="<f4").astype(np.float32),
            ),
            names=None if stored.names is None else frozenset(json.loads(stored.names)),
            sections=tuple(sorted(json.loads(stored.sections).items())),
            shingles=copy_shingles(article.text),
        )


def _vector(data: bytes) -> Vectors:
    vector = np.frombuffer(data, dtype="<f4").astype(np.float32)
    if vector.shape != (DIMENSIONS,):
        raise ValueError(f"stored vector has {vector.shape[0]} dimensions, not {DIMENSIONS}")
    return vector


def copy_shingles(text: str) -> Shingles:
    """The text's word 5-grams (as ingest's duplicate detection reads them), hashed to 32 bits.

    Every open story keeps these for each of its articles, so they are the
    largest part of clustering's memory; at a few hundred 5-grams per
    article, 32-bit hashes collide too rarely to move a containment figure.
    """
    hashed = {
        int.from_bytes(hashlib.blake2b(s.encode("utf-8"), digest_size=4).digest(), "little")
        for s in shingles(text)
    }
    return np.array(sorted(hashed), dtype=np.uint32)


def containment(a: Shingles | None, b: Shingles | None) -> float:
    """Share of the smaller shingle set found in the other (1.0: one text copies the other)."""
    if a is None or b is None or not len(a) or not len(b):
        return 0.0
    shared = len(np.intersect1d(a, b, assume_unique=True))
    return shared / min(len(a), len(b))


def has_text(article: Article) -> bool:
    """Whether there is anything to compare: a title or a text that is not just spaces."""
    return bool(article.title.strip() or article.text.strip())


def named_entities(articles: Sequence[Article]) -> list[frozenset[str]]:
    """Case-folded names of people, places and organisations in each headline and lead."""
    analyses = analyse_many(lead_text(a) for a in articles)
    return [frozenset(e.text.casefold() for e in analysis.entities) for analysis in analyses]


def texts_to_embed(articles: Sequence[Article]) -> list[str]:
    """What a chunk's vectors are made of: every lead, then every title."""
    return [lead_text(a) for a in articles] + [title_text(a) for a in articles]


def featurize(
    articles: Sequence[Article],
    embedder: Embedder,
    counts: DocumentCounts,
    *,
    names: bool = False,
    vectors: Vectors | None = None,
) -> list[Features]:
    """Features of one chunk of the stream, in order; ``counts`` is updated with the chunk.
    ``vectors``: the chunk's ``texts_to_embed`` embedded already (on a Dask worker)."""
    if not articles:
        return []
    if vectors is None:
        vectors = embedder.embed(texts_to_embed(articles))
    leads, titles = vectors[: len(articles)], vectors[len(articles) :]
    words = counts.vectors(articles)
    found: list[frozenset[str] | None] = (
        list(named_entities(articles)) if names else [None] * len(articles)
    )
    return [
        Features(
            article_id=article.id,
            lead=leads[n],
            title=titles[n],
            words=words[n],
            names=found[n],
            sections=tuple(sorted((k, v) for k, v in scores([article]).items() if v)),
            shingles=copy_shingles(article.text),
        )
        for n, article in enumerate(articles)
    ]
