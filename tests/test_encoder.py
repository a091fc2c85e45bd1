"""The sentence encoder's two backends: 8-bit ONNX on the CPU agrees with PyTorch."""

from __future__ import annotations

import numpy as np
import pytest

from newsdesk.errors import InputError
from newsdesk.language.encoder import (
    DIMENSIONS,
    MODEL_NAME,
    ONNX_MODEL_NAME,
    ONNX_PATH,
    SentenceEncoder,
    backend_for,
    check_device,
    load_encoder,
    model_name,
)
from newsdesk.language.text import sentences
from newsdesk.records import Article
from newsdesk.stories.embeddings import MAX_TOKENS, Embedder, lead_text, title_text

MIN_COSINE = 0.99
"""What ``training/export_encoder.py`` promises for headlines and leads."""


def _texts(articles: list[Article]) -> list[str]:
    """Headlines with leads and headlines alone, as story clustering embeds them."""
    chosen = articles[:24]
    return [lead_text(a) for a in chosen] + [title_text(a) for a in chosen]


def _encode(backend: str, texts: list[str], max_tokens: int = MAX_TOKENS) -> np.ndarray:
    encoder = load_encoder(max_tokens, backend)  # type: ignore[arg-type]
    return np.asarray(
        encoder.encode(texts, batch_size=16, normalize_embeddings=True, convert_to_numpy=True)
    )


def test_the_onnx_model_ships_and_is_the_cpu_default() -> None:
    assert ONNX_PATH.is_file()
    assert ONNX_PATH.stat().st_size <= 25_000_000
    assert backend_for("cpu") == "onnx"
    assert backend_for("cuda") == "torch"
    assert backend_for("mps") == "torch"


def test_onnx_agrees_with_torch_on_sample_headlines_and_leads(
    sample_articles: list[Article],
) -> None:
    texts = _texts(sample_articles)
    onnx, torch = _encode("onnx", texts), _encode("torch", texts)
    assert onnx.shape == torch.shape == (len(texts), DIMENSIONS)
    assert onnx.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(onnx, axis=1), 1.0, atol=1e-4)
    assert float(np.sum(onnx * torch, axis=1).min()) >= MIN_COSINE


def test_onnx_agrees_with_torch_on_sentences(sample_articles: list[Article]) -> None:
    body = [s.text for a in sample_articles[:6] for s in sentences(a.text)][:80]
    onnx, torch = _encode("onnx", body, 128), _encode("torch", body, 128)
    cosines = np.sum(onnx * torch, axis=1)
    assert cosines.mean() >= 0.995
    assert cosines.min() >= 0.98  # short sentences ("Why?") move most; see training/README.md


def test_onnx_keeps_the_order_and_truncates_long_texts() -> None:
    encoder = load_encoder(16, "onnx")
    texts = ["A short one.", "word " * 500, "Another, somewhat longer sentence about a vote."]
    together = encoder.encode(texts, batch_size=2)
    alone = np.stack([encoder.encode([t])[0] for t in texts])
    np.testing.assert_allclose(together, alone, atol=2e-2)
    assert together.shape == (3, DIMENSIONS)
    # truncated to 16 word pieces: more of the same words change nothing
    np.testing.assert_allclose(encoder.encode(["word " * 600])[0], together[1], atol=1e-5)


def test_onnx_never_pads() -> None:
    """The graph reads word pieces only; texts of other lengths never share a call, so a
    text's vector does not depend on its neighbours' lengths."""
    encoder = load_encoder(backend="onnx")
    assert [i.name for i in encoder.session.get_inputs()] == ["input_ids"]
    texts = ["Rain.", "The council voted on the budget late on Tuesday night.", "A vote."]
    together = encoder.encode(texts, batch_size=8)
    alone = np.stack([encoder.encode([t])[0] for t in texts])
    np.testing.assert_array_equal(together, alone)


def test_empty_input() -> None:
    assert load_encoder(backend="onnx").encode([]).shape == (0, DIMENSIONS)
    assert SentenceEncoder(backend="onnx").embed([]).shape == (0, DIMENSIONS)
    assert Embedder(backend="onnx").embed([]).shape == (0, DIMENSIONS)
    one = load_encoder(backend="onnx").encode([""])
    assert one.shape == (1, DIMENSIONS)
    assert np.isfinite(one).all()


def test_sentence_encoder_caches_per_text() -> None:
    encoder = SentenceEncoder(cache_size=10, backend="onnx")
    first = encoder.embed(["The vote passed.", "The vote passed.", "It rained."])
    assert len(encoder._embeddings) == 2
    np.testing.assert_array_equal(first[0], first[1])
    again = encoder.embed(["It rained."])
    np.testing.assert_array_equal(again[0], first[2])


def test_each_backend_stores_its_own_model_name() -> None:
    assert model_name("torch") == MODEL_NAME
    assert model_name("onnx") == ONNX_MODEL_NAME != MODEL_NAME
    assert Embedder("cpu").model_name == ONNX_MODEL_NAME
    assert Embedder("cpu", backend="torch").model_name == MODEL_NAME
    assert Embedder("cuda").backend == "torch"
    with pytest.raises(ValueError, match="CPU only"):
        Embedder("cuda", backend="onnx")


def test_embedder_counts_only_new_texts() -> None:
    embedder = Embedder(backend="onnx")
    rows = embedder.embed(["Storm hits the coast.", "Storm hits the coast.", "Markets fall."])
    assert embedder.encoded == 2
    np.testing.assert_array_equal(rows[0], rows[1])
    embedder.embed(["Markets fall."])
    assert embedder.encoded == 2


def test_a_gpu_that_is_not_there_is_a_one_line_error() -> None:
    import torch

    if torch.cuda.is_available():
        pytest.skip("this machine has a CUDA GPU")
    with pytest.raises(InputError) as error:
        check_device("cuda")
    assert str(error.value) == "device 'cuda': no CUDA GPU is available here; use --device cpu"
    with pytest.raises(InputError):
        Embedder("cuda").embed(["A text."])
    check_device("cpu")
