"""Train the furniture classifier on the hand labels and measure it with the rules.

Reads ``training/furniture/labels.jsonl`` (600 hand-labelled sentences of
allsides_fulltext train articles, drawn by ``training/furniture_sample.py``,
labelled as ``training/furniture/GUIDELINE.md`` says). Rows of the ``train`` part
fit a logistic regression over ``newsdesk.language.furniture.features``; its
regularisation and threshold are chosen by cross-validation on that part alone.
The ``held`` part (30 % of the articles, by a hash of the article id) is
measured once: precision and recall of the rules alone, the classifier alone and
both together, for whole sentences and for furniture that opens or sits inside
a sentence (``part``). The last line is one JSON object with those figures.

Usage: python training/train_furniture.py [--out src/newsdesk/language/models/furniture.json]
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.feature_extraction import DictVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GroupKFold

from newsdesk.language.furniture import MODEL_PATH, FurnitureModel, features, rule_marks
from newsdesk.language.text import Span, words

LABELS = Path(__file__).resolve().parent / "furniture" / "labels.jsonl"
SEED = 15
MIN_COUNT = 2
"""A word must occur in this many training sentences to get a weight."""


def row_features(row: dict[str, Any]) -> dict[str, float]:
    return features(row["text"], row["paragraph"], row["paragraphs"], row["in_paragraph"])


def rules_say(row: dict[str, Any]) -> tuple[bool, set[str]]:
    """Whether the rules mark the whole sentence, and the kinds they mark within it."""
    span = Span(row["start"], row["end"], row["text"])
    marks = rule_marks(span, row["paragraph"])
    title = " ".join(words(row["title"]))
    whole = any(m.start <= span.start and m.end >= span.end for m in marks) or (
        not row["first_sentence"] and bool(title) and " ".join(words(row["text"])) == title
    )
    return whole, {m.kind for m in marks if not (m.start <= span.start and m.end >= span.end)}


def vocabulary(rows: Sequence[dict[str, Any]]) -> set[str]:
    counts: dict[str, int] = {}
    for row in rows:
        for name in row_features(row):
            counts[name] = counts.get(name, 0) + 1
    return {n for n, c in counts.items() if not n.startswith("w=") or c >= MIN_COUNT}


def fit(rows: Sequence[dict[str, Any]], c: float) -> FurnitureModel:
    kept = vocabulary(rows)
    vectorizer = DictVectorizer()
    x = vectorizer.fit_transform(
        [{k: v for k, v in row_features(r).items() if k in kept} for r in rows]
    )
    y = np.array([r["label"] != "reporting" for r in rows])
    model = LogisticRegression(C=c, class_weight="balanced", max_iter=5000, fit_intercept=False)
    model.fit(x, y)
    weights = {
        name: round(float(w), 6)
        for name, w in zip(vectorizer.get_feature_names_out(), model.coef_[0], strict=True)
        if abs(w) > 1e-6
    }
    return FurnitureModel(weights, 0.5)


def scores(truth: Sequence[bool], said: Sequence[bool]) -> dict[str, float | int]:
    tp = sum(t and s for t, s in zip(truth, said, strict=True))
    fp = sum(s and not t for t, s in zip(truth, said, strict=True))
    fn = sum(t and not s for t, s in zip(truth, said, strict=True))
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "precision": round(precision, 3),
        "recall": round(recall, 3),
        "f1": round(f1, 3),
        "n": len(truth),
        "positives": tp + fn,
    }


def combined(model: FurnitureModel, rows: Sequence[dict[str, Any]]) -> list[bool]:
    said = []
    for row in rows:
        whole, _ = rules_say(row)
        said.append(whole or model.probability(row_features(row)) >= model.threshold)
    return said


def choose(rows: list[dict[str, Any]]) -> tuple[float, float, dict[str, Any]]:
    """Regularisation and threshold by 5-fold cross-validation grouped by story: the
    pair with the best F1 of rules + classifier together."""
    groups = [r["cluster_id"] for r in rows]
    best: tuple[float, float, float] = (-1.0, 1.0, 0.5)
    tried = {}
    for c in (0.1, 0.3, 1.0, 3.0):
        probabilities = np.zeros(len(rows))
        for fit_at, test_at in GroupKFold(n_splits=5).split(rows, groups=groups):
            model = fit([rows[i] for i in fit_at], c)
            for i in test_at:
                probabilities[i] = model.probability(row_features(rows[i]))
        truth = [r["label"] != "reporting" for r in rows]
        rules = [rules_say(r)[0] for r in rows]
        for threshold in np.arange(0.3, 0.96, 0.05):
            said = [w or p >= threshold for w, p in zip(rules, probabilities, strict=True)]
            f1 = float(scores(truth, said)["f1"])
            tried[f"C={c} t={threshold:.2f}"] = f1
            if f1 > best[0]:
                best = (f1, c, float(threshold))
    return best[1], best[2], {"cv_f1": best[0]}


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--labels", type=Path, default=LABELS)
    parser.add_argument("--out", type=Path, default=MODEL_PATH)
    args = parser.parse_args(argv)
    rows = [json.loads(line) for line in args.labels.open(encoding="utf-8")]
    train = [r for r in rows if r["split"] == "train"]
    held = [r for r in rows if r["split"] == "held"]
    c, threshold, chosen = choose(train)
    model = fit(train, c)
    model = FurnitureModel(model.weights, round(threshold, 2))

    truth = [r["label"] != "reporting" for r in held]
    rules = [rules_say(r)[0] for r in held]
    alone = [model.probability(row_features(r)) >= model.threshold for r in held]
    parts = [r for r in held if r.get("part")]
    report: dict[str, Any] = {
        "labels": len(rows),
        "train": len(train),
        "held": len(held),
        "C": c,
        "threshold": model.threshold,
        **chosen,
        "rules": scores(truth, rules),
        "classifier": scores(truth, alone),
        "combined": scores(truth, combined(model, held)),
        "uniform_draw_share": round(
            sum(r["label"] != "reporting" for r in rows if r["draw"] == "uniform")
            / max(sum(r["draw"] == "uniform" for r in rows), 1),
            3,
        ),
        "parts_found": f"{sum(r['part'] in rules_say(r)[1] for r in parts)}/{len(parts)}",
    }
    misses = [
        (r["id"], r["label"], r["text"][:90])
        for r, t, s in zip(held, truth, combined(model, held), strict=True)
        if t != s
    ]
    for miss in misses:
        print("missed" if miss[1] != "reporting" else "false alarm", *miss, file=sys.stderr)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    payload = {
        "about": "newsdesk furniture classifier: logistic regression weights over "
        "newsdesk.language.furniture.features; trained by training/train_furniture.py",
        "threshold": model.threshold,
        "weights": dict(sorted(model.weights.items())),
    }
    args.out.write_text(json.dumps(payload, indent=0, sort_keys=False) + "\n", encoding="utf-8")
    print(json.dumps(report))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
