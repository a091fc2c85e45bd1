"""Entailment: a cross-encoder that reads the claim sentence and its evidence together.

The support model's features count words and compare embeddings; they cannot
read that "did not formally kick off" denies "kicked off", or that two names
traded places. A cross-encoder attends across the pair:
all-MiniLM-L6-v2 (the encoder newsdesk already ships) fine-tuned on
(claim sentence, evidence) pairs by ``training/train_entailment.py`` and
exported to ONNX with int8 weights, run by onnxruntime (as story clustering's
encoder is) without PyTorch. No weights ship yet: the one trained so far helped on CNN/DailyMail
summaries and hurt on XSum ones (``training/README.md``); where
``models/entailment.onnx`` is installed, ``SupportModel.installed`` uses it.

The input is the claim sentence and its retrieved spans, best first, joined
(``evidence_text``): training and inference build it with the same function.
The output is P(the evidence entails the sentence).
"""

from __future__ import annotations

import functools
import json
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from newsdesk.records import Evidence

MODEL_DIR = Path(__file__).resolve().parent / "models"
MODEL_PATH = MODEL_DIR / "entailment.onnx"
"""The int8 ONNX cross-encoder; its tokenizer and settings sit beside it."""
TOKENIZER_PATH = MODEL_DIR / "entailment.tokenizer.json"
SETTINGS_PATH = MODEL_DIR / "entailment.json"
MAX_TOKENS = 128
"""Claim plus evidence, in word pieces: a claim sentence and three or four source sentences."""
BATCH = 32
SEPARATOR = " … "
"""Between spans in the evidence text: they are not consecutive in the source."""


def evidence_text(evidence: Sequence[Evidence]) -> str:
    """The evidence as the cross-encoder reads it: the spans best first, so that truncation
    drops the weakest."""
    return SEPARATOR.join(" ".join(e.quote.split()) for e in evidence)


class EntailmentModel:
    """The ONNX cross-encoder, loaded on first use (one session per process)."""

    def __init__(self, model_path: Path = MODEL_PATH, threads: int = 0) -> None:
        self.model_path = model_path
        self.threads = threads
        self._session: Any = None
        self._tokenizer: Any = None
        self._settings: dict[str, Any] = {}
        self._lock = threading.Lock()

    def __reduce__(self) -> tuple[Any, ...]:
        """Sent to another process by its path, loaded there once (``shared_entailment``)."""
        return (shared_entailment, (self.model_path, self.threads))

    @property
    def available(self) -> bool:
        """Whether the weights are installed (a checkout without them falls back to trees)."""
        return self.model_path.exists()

    def _load(self) -> None:
        with self._lock:
            if self._session is not None:
                return
            import onnxruntime
            from tokenizers import Tokenizer

            options = onnxruntime.SessionOptions()
            if self.threads:
                options.intra_op_num_threads = self.threads
            self._session = onnxruntime.InferenceSession(
                str(self.model_path), options, providers=["CPUExecutionProvider"]
            )
            tokenizer = Tokenizer.from_file(str(self.model_path.parent / TOKENIZER_PATH.name))
            tokenizer.enable_truncation(MAX_TOKENS, strategy="only_second")
            tokenizer.enable_padding()
            self._tokenizer = tokenizer
            settings = self.model_path.parent / SETTINGS_PATH.name
            if settings.exists():
                self._settings = json.loads(settings.read_text(encoding="utf-8"))

    @property
    def settings(self) -> dict[str, Any]:
        """What training stored beside the weights (threshold, blend, figures)."""
        self._load()
        return self._settings

    def predict(self, pairs: Sequence[tuple[str, str]]) -> npt.NDArray[np.float64]:
        """P(entailed) for each (claim sentence, evidence text)."""
        self._load()
        out = np.zeros(len(pairs), dtype=np.float64)
        order = sorted(range(len(pairs)), key=lambda i: len(pairs[i][0]) + len(pairs[i][1]))
        for start in range(0, len(order), BATCH):
            chunk = order[start : start + BATCH]
            encoded = self._tokenizer.encode_batch([pairs[i] for i in chunk])
            feeds = {
                "input_ids": np.array([e.ids for e in encoded], dtype=np.int64),
                "attention_mask": np.array([e.attention_mask for e in encoded], dtype=np.int64),
                "token_type_ids": np.array([e.type_ids for e in encoded], dtype=np.int64),
            }
            (logits,) = self._session.run(None, feeds)
            out[chunk] = 1.0 / (1.0 + np.exp(-np.asarray(logits, dtype=np.float64).reshape(-1)))
        return out


@functools.cache
def shared_entailment(model_path: Path, threads: int) -> EntailmentModel:
    """This process's cross-encoder for ``model_path``: what one sent from another process
    becomes, so a worker opens one ONNX session however many tasks it runs."""
    return EntailmentModel(model_path, threads)
