"""MiniLM sentence embeddings of articles, batched, once per distinct text.

Clustering compares every article with the open stories, so each article is
embedded exactly once: its title with the start of its text (what names the
event), and its title alone. Texts are embedded in batches (the encoder's
per-call overhead dwarfs one short text) and cached by content, so a text that
arrives twice (a syndicated copy, a replayed dump) costs nothing the second
time. The model is the packaged all-MiniLM-L6-v2 (never downloaded): on the CPU
its 8-bit ONNX export on onnxruntime where installed (``encoder.backend_for``),
3.4 to 3.6 times PyTorch's rate on two cores; ``device="cuda"`` runs PyTorch on a GPU where one
is present. ``Embedder.model_name`` says which backend made the vectors.
"""

from __future__ import annotations

import functools
import hashlib
import threading
from collections import OrderedDict
from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from newsdesk.language.encoder import (
    DIMENSIONS,
    Backend,
    backend_for,
    check_device,
    load_encoder,
    model_name,
)
from newsdesk.records import Article

Vectors = npt.NDArray[np.float32]

LEAD_CHARS = 1000
"""Characters of the text embedded after the title: MiniLM reads 256 word pieces at most."""
MAX_TOKENS = 256
CACHE_SIZE = 20_000
"""Texts whose vectors stay cached per process (about 30 MB)."""


def lead_text(article: Article) -> str:
    """What the main vector is computed from: the headline and the lead."""
    return f"{article.title}\n{article.text[:LEAD_CHARS]}".strip()


def title_text(article: Article) -> str:
    """The headline alone (the lead when there is no headline)."""
    return article.title.strip() or article.text[:LEAD_CHARS].strip()


@functools.cache
def _encoder(device: str, backend: Backend) -> Any:
    """all-MiniLM-L6-v2 from the pinned package, loaded once per device and backend."""
    encoder = load_encoder(MAX_TOKENS, backend)
    if device != "cpu":
        encoder = encoder.to(device)
    return encoder


class Embedder:
    """Unit-length MiniLM vectors for texts, batched and cached by content."""

    def __init__(
        self,
        device: str = "cpu",
        batch_size: int = 64,
        capacity: int = CACHE_SIZE,
        backend: Backend | None = None,
    ) -> None:
        self.device = device
        self.backend: Backend = backend or backend_for(device)
        """``"onnx"`` or ``"torch"``; by default ONNX on the CPU where installed."""
        if self.backend == "onnx" and device != "cpu":
            raise ValueError(f"the ONNX encoder runs on the CPU only, not {device!r}")
        self.model_name = model_name(self.backend)
        """Stored with the vectors: those of the other backend are recomputed, never mixed."""
        self.batch_size = batch_size
        self._cache: OrderedDict[bytes, Vectors] = OrderedDict()
        self._lock = threading.Lock()
        self.capacity = capacity
        self.encoded = 0
        """Texts that went through the encoder (cache misses), for benchmarks."""

    def __reduce__(self) -> tuple[Any, ...]:
        """Sent to another process (a Dask worker) by its device and batch size: there it is
        that process's own embedder (``shared_embedder``), its model loaded once."""
        return (shared_embedder, (self.device, self.batch_size))

    def cached(self) -> tuple[list[bytes], Vectors]:
        """Every cached text key with its vector (to save a benchmark's embeddings)."""
        with self._lock:
            keys = list(self._cache)
            rows = np.stack([self._cache[k] for k in keys]) if keys else np.zeros((0, DIMENSIONS))
        return keys, rows.astype(np.float32)

    def remember(self, keys: Sequence[bytes], vectors: Vectors) -> None:
        """Cache vectors computed earlier (``cached()`` of another process)."""
        with self._lock:
            for key, row in zip(keys, vectors, strict=True):
                self._cache[bytes(key)] = np.asarray(row, dtype=np.float32)
            self.capacity = max(self.capacity, len(self._cache))

    def embed(self, texts: Sequence[str]) -> Vectors:
        """One row per text, in order; each distinct uncached text is encoded once."""
        keys = [hashlib.blake2b(t.encode("utf-8"), digest_size=16).digest() for t in texts]
        with self._lock:
            missing: dict[bytes, str] = {}
            for key, text in zip(keys, texts, strict=True):
                if key not in self._cache and key not in missing:
                    missing[key] = text
            if missing:
                check_device(self.device)
                encoded = _encoder(self.device, self.backend).encode(
                    list(missing.values()),
                    batch_size=self.batch_size,
                    normalize_embeddings=True,
                    convert_to_numpy=True,
                    show_progress_bar=False,
                )
                self.encoded += len(missing)
                for key, row in zip(missing, np.asarray(encoded, dtype=np.float32), strict=True):
                    self._cache[key] = row
            rows = np.zeros((len(texts), DIMENSIONS), dtype=np.float32)
            for position, key in enumerate(keys):
                self._cache.move_to_end(key)
                rows[position] = self._cache[key]
            while len(self._cache) > self.capacity:
                self._cache.popitem(last=False)
        return rows


@functools.cache
def shared_embedder(device: str = "cpu", batch_size: int = 64) -> Embedder:
    """The process-wide embedder for ``device``: its cache serves every run in the process."""
    return Embedder(device, batch_size)
