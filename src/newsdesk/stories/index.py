"""Nearest open stories to an article: exact while few, approximate (usearch) when many.

Every article is compared with the open stories, so the cost of one
comparison pass decides how a busy newsroom scales. Up to ``ann_min`` stories
one matrix product over all of them is exact and as fast as a graph (on two
cores the two rates meet at about 25,000 open stories, ``bench/stories.py``);
past that an HNSW graph (usearch, inner product) returns the nearest few in
logarithmic time, and the caller rescores those exactly. A story's graph
entry is refreshed only once its vector has drifted (``REFRESH_COSINE``). Stories leave the
index when they settle, so its size follows the window, not the archive.
Removed entries leave tombstones in the graph; it is rebuilt from the live
vectors once they outnumber the live ones.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

Vector = npt.NDArray[np.float32]

CONNECTIVITY = 16
EXPANSION_ADD = 64
EXPANSION_SEARCH = 64
REFRESH_COSINE = 0.98
"""A story's vector in the graph is replaced only once the story has moved this far from it:
a story's mean changes little after its first articles, and updating a graph entry costs
more than a search. Candidates are rescored exactly, so a slightly stale entry only has to
bring its story into the nearest few."""


class StoryIndex:
    """Inner-product search over one vector per story id."""

    def __init__(self, dimensions: int, ann_min: int) -> None:
        self.dimensions = dimensions
        self.ann_min = ann_min
        self._slot: dict[str, int] = {}
        self._keys: list[str | None] = []
        self._free: list[int] = []
        self._matrix = np.zeros((64, dimensions), dtype=np.float32)
        self._graphed = np.zeros((64, dimensions), dtype=np.float32)
        """The vector the graph holds for each slot (``REFRESH_COSINE``)."""
        self._graph: Any = None
        self._tombstones = 0

    def __len__(self) -> int:
        return len(self._slot)

    def __contains__(self, key: str) -> bool:
        return key in self._slot

    @property
    def approximate(self) -> bool:
        """Whether searches go through the HNSW graph (the index holds ``ann_min`` or more)."""
        return self._graph is not None

    def put(self, key: str, vector: Vector) -> None:
        """Add ``key`` or replace its vector."""
        slot = self._slot.get(key)
        replacing = slot is not None
        if slot is None:
            slot = self._free.pop() if self._free else len(self._keys)
            if slot == len(self._keys):
                self._keys.append(key)
            else:
                self._keys[slot] = key
            if slot >= self._matrix.shape[0]:
                self._matrix = _grown(self._matrix)
                self._graphed = _grown(self._graphed)
            self._slot[key] = slot
        self._matrix[slot] = vector
        if self._graph is None:
            if len(self._slot) >= self.ann_min:
                self._build_graph()
            return
        if replacing:
            if _cosine(self._graphed[slot], vector) >= REFRESH_COSINE:
                return
            self._graph.remove(slot)
            self._tombstones += 1
        if self._tombstones > max(len(self._slot), self.ann_min):
            self._build_graph()
        else:
            self._graph.add(slot, vector)
            self._graphed[slot] = vector

    def remove(self, key: str) -> None:
        slot = self._slot.pop(key, None)
        if slot is None:
            return
        self._keys[slot] = None
        self._matrix[slot] = 0.0
        self._free.append(slot)
        if self._graph is None:
            return
        if len(self._slot) < self.ann_min // 2:
            self._graph = None
            return
        self._graph.remove(slot)
        self._tombstones += 1
        if self._tombstones > max(len(self._slot), self.ann_min):
            self._build_graph()

    def search(self, query: Vector, count: int) -> list[tuple[str, float]]:
        """The ``count`` keys with the largest inner product with ``query``, best first."""
        if not self._slot:
            return []
        if self._graph is not None:
            found = self._graph.search(query, count)
            hits = [
                (self._keys[int(slot)], 1.0 - float(d))
                for slot, d in zip(found.keys, found.distances, strict=True)
            ]
            return [(key, score) for key, score in hits if key is not None]
        used = len(self._keys)
        scores = self._matrix[:used] @ query
        if self._free:
            scores[self._free] = -np.inf
        if count < len(self._slot):
            # Every slot as good as the count-th best: ties never depend on slot order.
            bound = np.partition(scores, used - count)[used - count]
            top = np.flatnonzero(scores >= bound)
        else:
            top = np.flatnonzero(scores > -np.inf)
        ranked = sorted(
            top.tolist(), key=lambda slot: (-float(scores[slot]), str(self._keys[slot]))
        )
        return [(str(self._keys[slot]), float(scores[slot])) for slot in ranked]

    def _build_graph(self) -> None:
        from usearch.index import Index

        graph = Index(
            ndim=self.dimensions,
            metric="ip",
            dtype="f32",
            connectivity=CONNECTIVITY,
            expansion_add=EXPANSION_ADD,
            expansion_search=EXPANSION_SEARCH,
        )
        slots = np.array(sorted(self._slot.values()), dtype=np.uint64)
        if len(slots):
            graph.add(slots, self._matrix[slots.astype(np.int64)], threads=1)
            self._graphed[slots.astype(np.int64)] = self._matrix[slots.astype(np.int64)]
        self._graph = graph
        self._tombstones = 0


def _grown(matrix: npt.NDArray[np.float32]) -> npt.NDArray[np.float32]:
    grown = np.zeros((2 * matrix.shape[0], matrix.shape[1]), dtype=np.float32)
    grown[: matrix.shape[0]] = matrix
    return grown


def _cosine(a: Vector, b: Vector) -> float:
    norms = float(np.linalg.norm(a)) * float(np.linalg.norm(b))
    return float(np.dot(a, b)) / norms if norms else 0.0
