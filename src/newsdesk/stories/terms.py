"""Words as TF-IDF vectors, with document frequencies kept as a stream goes by.

Embeddings place "the Senate votes on trial rules" next to "the Chief Justice
rebukes both sides" (same trial, same day); the words that differ ("rules",
"rebuke") are what tell two events apart, and TF-IDF weighs exactly those.
A fitted vocabulary would grow with history, so words are hashed into a
fixed number of buckets, and the document frequencies are a fixed-size array
of counts updated chunk by chunk as articles arrive: memory does not grow
with the archive, and the counts are stored with the articles' features so a
later run (or a resumed one) continues from the same figures.

An article's vector is computed once, with the counts as of its chunk, and
normalised; it never changes afterwards, so a story's sum of vectors is the
same whether it was built in one run or rebuilt from the store.
"""

from __future__ import annotations

import math
import zlib
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from sklearn.feature_extraction.text import HashingVectorizer

from newsdesk.records import Article

BUCKETS = 2**18
"""Hash buckets for words: collisions are rare enough at a few thousand words per day."""
WORDS_CHARS = 2000
"""Characters of the text used after the title (the title counts twice: it names the event)."""

Indices = npt.NDArray[np.int32]
Weights = npt.NDArray[np.float32]

_HASHER = HashingVectorizer(
    n_features=BUCKETS,
    stop_words="english",
    alternate_sign=False,
    norm=None,
    lowercase=True,
    dtype=np.float32,
)


def words_text(article: Article) -> str:
    return f"{article.title}\n{article.title}\n{article.text[:WORDS_CHARS]}"


@dataclass(frozen=True)
class TermVector:
    """A sparse unit vector: sorted bucket indices and their weights."""

    indices: Indices
    weights: Weights

    def dot(self, other: TermVector) -> float:
        shared, mine, theirs = np.intersect1d(
            self.indices, other.indices, assume_unique=True, return_indices=True
        )
        if not len(shared):
            return 0.0
        return float(np.dot(self.weights[mine], other.weights[theirs]))


EMPTY = TermVector(np.zeros(0, dtype=np.int32), np.zeros(0, dtype=np.float32))


class DocumentCounts:
    """How many articles contain each word bucket, and how many articles were counted."""

    def __init__(self, documents: int = 0, counts: npt.NDArray[np.uint32] | None = None) -> None:
        self.documents = documents
        self.counts = np.zeros(BUCKETS, dtype=np.uint32) if counts is None else counts.copy()

    def to_bytes(self) -> bytes:
        return zlib.compress(self.counts.astype("<u4").tobytes(), 6)

    @classmethod
    def from_bytes(cls, documents: int, data: bytes) -> DocumentCounts:
        counts = np.frombuffer(zlib.decompress(data), dtype="<u4").astype(np.uint32)
        if counts.shape != (BUCKETS,):
            raise ValueError(f"stored word counts have {counts.shape[0]} buckets, not {BUCKETS}")
        return cls(documents, counts)

    def vectors(self, articles: Sequence[Article]) -> list[TermVector]:
        """Count ``articles`` (one chunk of the stream) and return their TF-IDF unit vectors.

        Term frequency is sublinear (1 + log tf); idf is smoothed, as in
        scikit-learn: ``log((1 + n) / (1 + df)) + 1``.
        """
        if not articles:
            return []
        matrix = _HASHER.transform([words_text(a) for a in articles]).tocsr()
        matrix.sort_indices()
        for row in range(matrix.shape[0]):
            start, end = matrix.indptr[row], matrix.indptr[row + 1]
            self.counts[matrix.indices[start:end]] += 1
        self.documents += len(articles)
        idf = np.log((1.0 + self.documents) / (1.0 + self.counts.astype(np.float64))) + 1.0
        result = []
        for row in range(matrix.shape[0]):
            start, end = matrix.indptr[row], matrix.indptr[row + 1]
            indices = matrix.indices[start:end].astype(np.int32)
            weights = (1.0 + np.log(matrix.data[start:end].astype(np.float64))) * idf[indices]
            norm = math.sqrt(float(np.dot(weights, weights)))
            if norm == 0.0:
                result.append(EMPTY)
                continue
            result.append(TermVector(indices, (weights / norm).astype(np.float32)))
        return result
