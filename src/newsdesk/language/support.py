"""Support: does the evidence entail the claim?

The verify stage's checks and the writer both ask it: the checker of every sentence
against the spans it cites, the writer whether a second, independent source tells
what a sentence says (``language.corroboration``). It lives in the shared layer so
that both ask the same judge and get the same answer.

Word coverage (``lexical_support``) counts content words, so it fails every
paraphrase and passes a sentence that keeps the words but swaps who did what
to whom or which number goes where. The learned judge here reads paraphrases
and still runs at a few hundred claim sentences per second on two CPU cores;
``combined_support`` asks coverage first and the judge for what coverage cannot settle:

* **Retrieval** (``SupportModel.retrieve``): every source sentence, every pair
  of adjacent sentences (a written claim often merges two) and every title is
  a candidate span with exact offsets. Candidates are ranked by MiniLM cosine
  plus normalised BM25, because the embedding alone confuses topical
  neighbours and the words alone miss paraphrases. Sentence embeddings are
  cached per source text, so fifty sources are embedded once per process, not
  once per claim; a two-sentence window's embedding is the normalised mean of
  its sentences' (no second encoder pass).
* **Scoring** (``SupportModel.score``), SummaC-style: the claim is split into
  sentences; each claim sentence is compared with its best evidence spans
  through a dozen features (MiniLM cosine, content-word, bigram and trigram
  recall, missing numbers, missing capitalised names, missing rare words,
  negation mismatch, length) fed to gradient-boosted trees trained by
  ``training/train_support.py`` and stored as plain JSON in
  ``models/support.json`` (trees, not a linear model: the same recall means
  different things for a one-line abstractive summary and a copied sentence).
  The claim's probability is the *minimum* over its sentences: a claim is
  supported only when every fact in it is. A sentence that joins clauses
  ("…; …", "…, while …": ``clause_parts``), as a writer does with facts from two
  reports, is also retrieved and judged part by part, and scores the better of
  the whole and its weakest part: each part then rests on its own span.
* **Decision** (``check_support``): the probability against the threshold
  tuned on the validation cuts of the consistency benchmarks; a failure names
  the numbers, names and words the evidence lacks.

Model files (JSON and ONNX, never pickle) sit in ``models/``: ``support.json``, the
trees, their threshold and the news document frequencies their features use (written
by ``training/train_support.py``; recipe and figures in ``training/README.md``), and,
where installed, the cross-encoder of ``language.entailment`` (not shipped).

Everything heavy loads lazily, once per process (``default_model``).
"""

from __future__ import annotations

import functools
import itertools
import json
import math
import re
import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import numpy as np
import numpy.typing as npt

from newsdesk.language.dates import date_mentions
from newsdesk.language.encoder import DIMENSIONS, SentenceEncoder, default_encoder
from newsdesk.language.entailment import EntailmentModel, evidence_text
from newsdesk.language.text import (
    ABBREVIATIONS,
    NEGATIONS,
    STOPWORDS,
    Span,
    content_stems,
    content_words,
    sentences,
    stem,
    tokens,
    words,
)
from newsdesk.language.text import numbers as digit_numbers
from newsdesk.records import Article, Check, Evidence

Matrix = npt.NDArray[np.float32]
_Key = tuple[str, str, str]
"""A source as the caches know it: id, title and text."""
_T = TypeVar("_T")

MODEL_PATH = Path(__file__).resolve().parent / "models" / "support.json"
"""The trained pairwise model (boosted trees as plain JSON: no pickle)."""

LEXICAL_WEIGHT = 0.3
"""Weight of normalised BM25 beside cosine in retrieval: enough to prefer the
sentence that shares the claim's names over a topical neighbour, not enough to
prefer a word-salad over a paraphrase."""
SPANS_PER_SENTENCE = 3
"""Evidence spans each claim sentence is compared with (a window counts as one)."""
INDEX_CACHE_SIZE = 2_000
"""Source articles whose candidate spans (and whole-document words) stay indexed."""
RARE = 0.01
"""Share of news articles below which a missing word counts as rare (names, places)."""
UNCOMMON = 0.05
"""Share below which a missing word counts as uncommon."""
COPIED = 0.8
"""Share of a claim sentence's content words that one span must hold for the sentence to
count as copied from it (the anchor of the negation guard)."""
REVERSED = 0.05
"""The most a sentence that negates what every span it copies says can score."""

FEATURES: tuple[str, ...] = (
    "cos_best",
    "cos_union",
    "recall",
    "recall_best",
    "recall_idf",
    "bigram_recall",
    "trigram_recall",
    "pair_recall",
    "missing_words",
    "missing_rare",
    "missing_uncommon",
    "missing_common",
    "max_missing_idf",
    "missing_numbers",
    "numbers",
    "missing_names",
    "names",
    "negation_mismatch",
    "claim_length",
    "length_ratio",
    "lowercase",
    "doc_recall",
    "doc_recall_idf",
    "doc_missing_rare",
    "doc_missing_numbers",
    "doc_missing_names",
    "swapped",
)
"""Feature names, in the order of the vector the model was trained on.

The ``doc_`` features look for the claim's words in the whole of every source its
evidence comes from, not only in the chosen spans: a word the spans lack but the
document has is a paraphrase drawing on another paragraph; a name or number no
source has anywhere was added. ``swapped`` counts claim names and numbers that stand
where a span has another in the same frame of words (``_swapped``): a name or figure
swapped for another of the same story, which whole-document recall alone lets pass."""

_NUMBER_WORDS = {
    w: str(i)
    for i, w in enumerate(
        "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
        "fifteen sixteen seventeen eighteen nineteen twenty".split()
    )
}
_NUMBER_WORDS.update({"thirty": "30", "forty": "40", "fifty": "50", "sixty": "60", "seventy": "70"})
_NUMBER_WORDS.update({"eighty": "80", "ninety": "90", "hundred": "100", "dozen": "12"})
_PTB = (
    (re.compile(r"-lrb-|-lsb-|-lcb-", re.IGNORECASE), "("),
    (re.compile(r"-rrb-|-rsb-|-rcb-", re.IGNORECASE), ")"),
    (re.compile(r"\\'"), "'"),
    (re.compile(r"``|''"), '"'),
    (re.compile(r"(?<=\w) (n't|'s|'re|'ve|'ll|'d|'m)\b"), r"\1"),
    (re.compile(r" ([,.;:!?%)])"), r"\1"),
    (re.compile(r"([($]) "), r"\1"),
    (re.compile(r"\[unk\]|<unk>|\bunk\b", re.IGNORECASE), ""),
    (re.compile(r"[ \t]+"), " "),
)
_LOWER_BOUNDARY = re.compile(r"(?<=[.!?])[\"')\]]*\s+(?=[\"'(\[]?[a-z])")
_NAME = re.compile(r"\b[A-Z][\w'’.-]*")
_SENTENCE_ENDS = (".", "!", "?", '"', "“")


def clean(text: str) -> str:
    """Undo the tokenisation of CNN/DM and XSum system outputs (``don 't``, ``-lrb-``).

    Summaries in the benchmarks are written the way summarisers emit them; the
    encoder and the word features should see ordinary prose either way.
    """
    for pattern, replacement in _PTB:
        text = pattern.sub(replacement, text)
    return text.strip()


def claim_sentences(claim: str) -> list[str]:
    """The sentences of a claim, each judged on its own.

    ``text.sentences`` needs a capital after a full stop, which lower-cased
    system summaries never have; such text is split at any sentence-final
    mark that is not an abbreviation, and at line breaks.
    """
    parts = [
        span.text[begin:end].strip()
        for line in clean(claim).splitlines()
        for span in sentences(line)
        for begin, end in _lower_cuts(span.text)
    ]
    merged: list[str] = []
    for part in parts:
        if not part:
            continue
        if merged and len(words(part)) < 3:
            merged[-1] = f"{merged[-1]} {part}"
        else:
            merged.append(part)
    return merged or [clean(claim)]


def _lower_cuts(body: str) -> list[tuple[int, int]]:
    """``body`` cut at every sentence-final mark followed by a lower-case word, except one
    that ends an abbreviation ("u.s.", "gov."); a stop standing alone, as tokenised text
    has it ("a train . none of"), always cuts. Pieces as (start, end), unstripped."""
    cuts = []
    start = 0
    for match in _LOWER_BOUNDARY.finditer(body):
        head = body[start : match.start()].split()
        last = head[-1].lower().rstrip(".!?") if head else ""
        detached = bool(head) and not last
        if not detached and (last in ABBREVIATIONS or len(last) <= 1 or "." in last):
            continue
        cuts.append((start, match.start()))
        start = match.end()
    cuts.append((start, len(body)))
    return cuts


def source_sentences(text: str) -> list[Span]:
    """A source's sentences with exact offsets, lower-cased and tokenised text included.

    ``text.sentences`` needs a capital after a full stop, so a lower-cased source
    (system-summary benchmarks, some dumps) comes out as one page-long "sentence",
    and a page-long span holds every word of any claim about the page. Each
    sentence is split further at line breaks and, like ``claim_sentences``, at any
    sentence-final mark that does not end an abbreviation; a piece of fewer than
    three words joins the one before.
    """
    pieces: list[Span] = []
    for span in sentences(text):
        for line in re.finditer(r"[^\n]+", span.text):
            base = span.start + line.start()
            body = line.group()
            for begin, end in _lower_cuts(body):
                piece = body[begin:end]
                stripped = piece.strip()
                if not stripped:
                    continue
                lead = begin + len(piece) - len(piece.lstrip())
                first, last_end = base + lead, base + lead + len(stripped)
                if pieces and len(words(stripped)) < 3 and pieces[-1].end <= first:
                    previous = pieces.pop()
                    first = previous.start
                pieces.append(Span(first, last_end, text[first:last_end]))
    return pieces


_CLAUSE_BOUNDARY = re.compile(r";\s+|,\s+(?=(?:and|but|while|whereas)\s)")
_CONJUNCTION = re.compile(r"^(?:and|but|while|whereas)\s+", re.IGNORECASE)
MIN_PART_WORDS = 4
"""Content words each part of a joined sentence needs to be judged on its own."""


def clause_parts(sentence: str) -> list[str]:
    """The clauses a sentence joins ("…; …", "…, and …", "…, while …"), when each carries
    ``MIN_PART_WORDS`` content words; else the sentence alone.

    A writer joins facts from two reports into one sentence; each part then rests on its
    own source span, and the sentence is supported when every part is.
    """
    pieces = [
        _CONJUNCTION.sub("", p.strip()) for p in _CLAUSE_BOUNDARY.split(sentence) if p.strip()
    ]
    if len(pieces) < 2 or any(len(content_stems(p)) < MIN_PART_WORDS for p in pieces):
        return [sentence]
    return pieces


def number_values(text: str) -> set[str]:
    """Numbers written with digits or as words ("two" and "2" are the same number)."""
    found = set(digit_numbers(text))
    found.update(_NUMBER_WORDS[w] for w in words(text) if w in _NUMBER_WORDS)
    return found


def name_stems(text: str) -> set[str]:
    """Stems of capitalised words that are not the first of the sentence: names, mostly."""
    found: set[str] = set()
    for match in _NAME.finditer(text):
        token = match.group().rstrip(".'’")
        first = match.start() == 0 or text[: match.start()].rstrip().endswith(_SENTENCE_ENDS)
        if first and not (len(token) > 1 and token.isupper()):
            continue
        lowered = token.lower()
        if lowered in STOPWORDS or lowered in NEGATIONS:
            continue
        found.update(stem(w) for w in words(token))
    return found


def negated(text: str) -> bool:
    """Whether the text contains a negation ("not", "never", "didn't" ...)."""
    return any(w in NEGATIONS or w.endswith(("n't", "n’t")) for w in words(text))


def turned_negation(claim: str) -> str:
    """What a failing claim whose negation differs from its evidence's says about it."""
    return (
        "negated where the evidence is not"
        if negated(claim)
        else "the evidence says the opposite (negated)"
    )


def _ngrams(tokens: Sequence[str], n: int) -> set[tuple[str, ...]]:
    return {tuple(tokens[i : i + n]) for i in range(len(tokens) - n + 1)}


@dataclass(frozen=True)
class IdfTable:
    """Document frequencies of stems in a news corpus: how surprising a missing word is.

    A claim word that no evidence contains matters more when it is rare in
    news generally (a name, a place) than when it is common ("week", "new").
    """

    n_docs: int
    df: dict[str, int]

    def idf(self, stem_: str) -> float:
        return math.log((self.n_docs + 1) / (self.df.get(stem_, 0) + 1))

    @property
    def max_idf(self) -> float:
        return math.log(self.n_docs + 1)


@dataclass(frozen=True)
class SentenceFeatures:
    """The feature vector of one claim sentence against its evidence, and what it lacks."""

    sentence: str
    values: tuple[float, ...]
    missing: tuple[str, ...]
    evidence: tuple[Evidence, ...]
    reverses: bool = False
    """The sentence copies spans and negates what each of them says (``_reverses``)."""
    swaps: tuple[tuple[str, str], ...] = ()
    """(claim word, span word) for each name or number that stands where the evidence has
    another (``_swapped``): what changed, for the check's detail."""


@dataclass(frozen=True)
class Judgement:
    """A claim's support probability, decided by its weakest sentence."""

    score: float
    weakest: SentenceFeatures

    @property
    def missing(self) -> tuple[str, ...]:
        return self.weakest.missing


@dataclass(frozen=True)
class _Document:
    """Everything a source says, as sets: the ``doc_`` features look claim words up here."""

    stems: frozenset[str]
    """Content stems of the title and text."""
    words: frozenset[str]
    """Stems of every word, stopwords included (a name may be one: "May", "Will")."""
    numbers: frozenset[str]

    @classmethod
    def of(cls, source: Article) -> _Document:
        text = clean(f"{source.title}\n{source.text}")
        return cls(
            frozenset(content_stems(text)),
            frozenset(stem(w) for w in words(text)),
            frozenset(number_values(text)),
        )

    @classmethod
    def union(cls, documents: Sequence[_Document]) -> _Document:
        return cls(
            frozenset().union(*(d.stems for d in documents)),
            frozenset().union(*(d.words for d in documents)),
            frozenset().union(*(d.numbers for d in documents)),
        )


@dataclass(frozen=True)
class _Index:
    """Candidate spans of some sources, with embeddings and stems for ranking."""

    spans: tuple[Evidence, ...]
    texts: tuple[str, ...]
    stems: tuple[tuple[str, ...], ...]
    embeddings: Matrix


class _TreeEnsemble:
    """Gradient-boosted trees read from JSON: sum the leaves, add the baseline, sigmoid.

    The trees are sklearn's ``HistGradientBoostingClassifier`` written out node
    by node (``feature`` -1 marks a leaf), so no pickle is ever loaded.
    """

    def __init__(self, data: dict[str, Any]) -> None:
        names = tuple(data["features"])
        if names != FEATURES:
            raise ValueError(f"support model was trained on other features: {names}")
        self.baseline = float(data["baseline"])
        self.threshold = float(data["threshold"])
        self.trees = [
            (
                np.asarray(tree["feature"], dtype=np.int64),
                np.asarray(tree["threshold"], dtype=np.float64),
                np.asarray(tree["left"], dtype=np.int64),
                np.asarray(tree["right"], dtype=np.int64),
                np.asarray(tree["value"], dtype=np.float64),
            )
            for tree in data["trees"]
        ]

    def predict(self, rows: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
        raw = np.full(len(rows), self.baseline)
        everyone = np.arange(len(rows))
        for feature, threshold, left, right, value in self.trees:
            node = np.zeros(len(rows), dtype=np.int64)
            inner = feature[node] >= 0
            while inner.any():
                here = node[inner]
                goes_left = rows[everyone[inner], feature[here]] <= threshold[here]
                node[inner] = np.where(goes_left, left[here], right[here])
                inner = feature[node] >= 0
            raw += value[node]
        return np.asarray(1.0 / (1.0 + np.exp(-raw)), dtype=np.float64)


class SupportModel:
    """Retrieval and entailment scoring with MiniLM and a JSON tree ensemble.

    Loading is lazy and happens once (guarded by a lock); embeddings and
    source indexes are cached by text, so repeated calls with the same sources
    cost only the claims. ``model_path=None`` gives a featuriser with no
    classifier, which is what the training script needs.
    """

    def __init__(
        self,
        model_path: Path | None = MODEL_PATH,
        encoder: SentenceEncoder | None = None,
        entailment: EntailmentModel | None = None,
    ) -> None:
        self.model_path = model_path
        self.encoder = encoder or default_encoder()
        self.entailment = entailment
        """The cross-encoder that joins the trees; None: the trees decide alone."""
        self._lock = threading.RLock()
        self._classifier: _TreeEnsemble | None = None
        self._idf: IdfTable | None = None
        self._indexes: OrderedDict[_Key, _Index] = OrderedDict()
        self._documents: OrderedDict[_Key, _Document] = OrderedDict()

    def __reduce__(self) -> tuple[Any, ...]:
        """Sent to another process (a Dask worker) by what it is made of, never its loaded
        trees and caches: there it is that process's own model of those parts."""
        if self is _DEFAULT:
            return (default_model, ())
        return (shared_model, (self.model_path, self.encoder, self.entailment))

    @classmethod
    def installed(cls, trees_only: bool = False) -> SupportModel:
        """The shipped model: the trees, joined by the cross-encoder when its weights are
        installed (``trees_only`` leaves it out, for comparisons)."""
        entailment = EntailmentModel()
        return cls(entailment=None if trees_only or not entailment.available else entailment)

    # -- loading -----------------------------------------------------------------------------

    def _load(self) -> None:
        with self._lock:
            if self._classifier is not None or self.model_path is None:
                return
            data = json.loads(self.model_path.read_text(encoding="utf-8"))
            self._idf = IdfTable(int(data["idf"]["n_docs"]), dict(data["idf"]["df"]))
            self._classifier = _TreeEnsemble(data)

    @property
    def threshold(self) -> float:
        """The decision threshold stored with the model (tuned on validation cuts): the
        blend's when a cross-encoder joins the trees."""
        trees = self._trees()
        if self.entailment is not None:
            return float(self.entailment.settings["threshold"])
        return trees.threshold

    def _trees(self) -> _TreeEnsemble:
        self._load()
        if self._classifier is None:
            raise RuntimeError("this SupportModel has no classifier (model_path=None)")
        return self._classifier

    @property
    def idf(self) -> IdfTable:
        self._load()
        return self._idf if self._idf is not None else IdfTable(1, {})

    def set_idf(self, table: IdfTable) -> None:
        """Use ``table`` for rare-word features (the training script computes its own)."""
        self._idf = table

    def embed(self, texts: Sequence[str]) -> Matrix:
        """Unit-length MiniLM sentence embeddings (``SentenceEncoder.embed``)."""
        return self.encoder.embed(texts)

    # -- indexing ----------------------------------------------------------------------------

    def _cached(self, cache: OrderedDict[_Key, _T], source: Article, make: Callable[[], _T]) -> _T:
        """``cache``'s entry for ``source``, made once (outside the lock: an index embeds)
        and kept among the ``INDEX_CACHE_SIZE`` most recently used."""
        key = (source.id, source.title, source.text)
        with self._lock:
            cached = cache.get(key)
            if cached is not None:
                cache.move_to_end(key)
                return cached
        made = make()
        with self._lock:
            cache[key] = made
            while len(cache) > INDEX_CACHE_SIZE:
                cache.popitem(last=False)
        return made

    def _source_index(self, source: Article) -> _Index:
        return self._cached(self._indexes, source, lambda: self._build_index(source))

    def _build_index(self, source: Article) -> _Index:
        spans, sents = _single_spans(source)
        texts = [clean(e.quote) for e in spans]
        single = self.embed(texts)
        offset = len(spans) - len(sents)
        windows = [Evidence(source, a.start, b.end) for a, b in itertools.pairwise(sents)]
        mixed = single[offset:-1] + single[offset + 1 :] if windows else single[:0]
        norms = np.linalg.norm(mixed, axis=1, keepdims=True)
        mixed = mixed / np.maximum(norms, 1e-9)
        texts.extend(f"{texts[offset + i]} {texts[offset + i + 1]}" for i in range(len(windows)))
        spans.extend(windows)
        return _Index(
            tuple(spans),
            tuple(texts),
            tuple(tuple(content_stems(t)) for t in texts),
            np.vstack([single, mixed]).astype(np.float32),
        )

    def _document(self, sources: Sequence[Article]) -> _Document:
        """The words of every one of ``sources`` (each read once, then cached)."""
        unique = {(s.id, s.title, s.text): s for s in sources}.values()  # Articles: unhashable
        read = functools.partial(self._cached, self._documents)
        found = [read(s, functools.partial(_Document.of, s)) for s in unique]
        return found[0] if len(found) == 1 else _Document.union(found)  # none: empty sets

    def _index(self, sources: Sequence[Article]) -> _Index:
        with self._lock:
            new = [s for s in sources if (s.id, s.title, s.text) not in self._indexes]
        if len(new) > 1:  # one encoder batch for all new sources, not one per source
            self.embed([clean(e.quote) for s in new for e in _single_spans(s)[0]])
        parts = [self._source_index(s) for s in sources]
        if len(parts) == 1:
            return parts[0]
        return _Index(
            tuple(e for p in parts for e in p.spans),
            tuple(t for p in parts for t in p.texts),
            tuple(s for p in parts for s in p.stems),
            np.vstack([p.embeddings for p in parts])
            if parts
            else np.zeros((0, DIMENSIONS), np.float32),
        )

    # -- retrieval ---------------------------------------------------------------------------

    def retrieve(self, claim: str, sources: Sequence[Article], k: int = 3) -> list[Evidence]:
        """Candidate evidence for ``claim``: the ``k`` best spans for each of its sentences."""
        return self.retrieve_many([claim], sources, k)[0]

    def retrieve_many(
        self, claims: Sequence[str], sources: Sequence[Article], k: int = 3
    ) -> list[list[Evidence]]:
        """``retrieve`` for many claims against one set of sources, in one encoder batch."""
        index = self._index(sources)
        per_claim = [_queries(c) for c in claims]
        flat = [s for group in per_claim for s in group]
        if not index.spans or not flat:
            return [[] for _ in claims]
        relevance = self._relevance(flat, index)
        results: list[list[Evidence]] = []
        row = 0
        for group in per_claim:
            chosen: list[Evidence] = []
            for _ in group:
                for position in _top_spans(relevance[row], index.spans, k):
                    if index.spans[position] not in chosen:
                        chosen.append(index.spans[position])
                row += 1
            results.append(chosen)
        return results

    def _relevance(self, claim_sents: Sequence[str], index: _Index) -> Matrix:
        """Cosine plus ``LEXICAL_WEIGHT`` times BM25 scaled to [0, 1] per claim sentence."""
        cosine = self.embed(claim_sents) @ index.embeddings.T
        bm25 = _bm25([content_stems(s) for s in claim_sents], index.stems)
        top = bm25.max(axis=1, keepdims=True)
        lexical = np.divide(bm25, top, out=np.zeros_like(bm25), where=top > 0)
        return np.asarray(cosine + LEXICAL_WEIGHT * lexical, dtype=np.float32)

    # -- scoring -----------------------------------------------------------------------------

    def features_many(
        self, items: Sequence[tuple[str, Sequence[Evidence]]]
    ) -> list[list[SentenceFeatures]]:
        """Per claim, the features of each of its sentences against the given evidence."""
        per_claim = [claim_sentences(claim) for claim, _ in items]
        span_texts = {
            t for _, evidence in items for e in evidence for t in _span_sentences(e.quote)
        }
        self.embed([s for group in per_claim for s in group] + sorted(span_texts))
        idf = self.idf
        results = []
        for group, (_, evidence) in zip(per_claim, items, strict=True):
            texts = [clean(e.quote) for e in evidence]
            if evidence:
                vectors = np.stack(
                    [_mean_unit(self.embed(_span_sentences(e.quote))) for e in evidence]
                )
            else:
                vectors = np.zeros((0, DIMENSIONS), dtype=np.float32)
            claim_vectors = self.embed(group)
            stems = [content_stems(t) for t in texts]
            document = self._document([e.source for e in evidence])
            results.append(
                [
                    _features(
                        sentence, vector, list(evidence), texts, stems, vectors, idf, document
                    )
                    for sentence, vector in zip(group, claim_vectors, strict=True)
                ]
            )
        return results

    def tree_probabilities(self, features: Sequence[SentenceFeatures]) -> npt.NDArray[np.float64]:
        """The boosted trees' P(supported) for each sentence's features."""
        trees = self._trees()
        rows = np.array([f.values for f in features], dtype=np.float64)
        return trees.predict(rows) if len(rows) else np.zeros(0)

    def probabilities(self, features: Sequence[SentenceFeatures]) -> npt.NDArray[np.float64]:
        """P(supported) per sentence: the trees', blended with the cross-encoder's where the
        trees are unsure.

        Outside the band the trees are confident and the cross-encoder is not run (a
        copied sentence, a sentence with a missing name): that keeps the check at a few
        hundred sentences per second. Inside it the score is
        ``blend × cross-encoder + (1 − blend) × trees``; band, blend and threshold are
        tuned together on held-out pairs (``training/train_entailment.py``).
        """
        trees = self.tree_probabilities(features)
        if self.entailment is None or not len(trees):
            return trees
        settings = self.entailment.settings
        low, high = settings["band"]
        blend = float(settings["blend"])
        unsure = [i for i, p in enumerate(trees) if low < p < high]
        if not unsure:
            return trees
        pairs = [(features[i].sentence, evidence_text(features[i].evidence)) for i in unsure]
        combined = trees.copy()
        combined[unsure] = blend * self.entailment.predict(pairs) + (1 - blend) * trees[unsure]
        return combined

    def judge_many(self, items: Sequence[tuple[str, Sequence[Evidence]]]) -> list[Judgement]:
        """Support probability of each claim: the minimum over its sentences.

        A sentence that joins clauses (``clause_parts``) is also judged part by part, and
        scores the better of the whole and its weakest part: supported as a whole, or
        because each part is.
        """
        self._trees()  # fail before any embedding when there is no classifier
        expanded = list(items)
        parts_at: list[list[list[int]]] = []
        """Per claim, per sentence: the positions in ``expanded`` of its parts."""
        for claim, evidence in items:
            per_sentence = []
            for _, parts in _split(claim):
                per_sentence.append(list(range(len(expanded), len(expanded) + len(parts))))
                expanded.extend((part, evidence) for part in parts)
            parts_at.append(per_sentence)
        features = self.features_many(expanded)
        flat = [f for group in features for f in group]
        probabilities = self.probabilities(flat)
        reversed_at = [i for i, f in enumerate(flat) if f.reverses]
        probabilities[reversed_at] = np.minimum(probabilities[reversed_at], REVERSED)
        offsets = np.cumsum([0] + [len(group) for group in features])
        judged = [
            (float(probabilities[offsets[i] + j]), f)
            for i, group in enumerate(features)
            for j, f in enumerate(group)
        ]
        by_item = [judged[offsets[i] : offsets[i + 1]] for i in range(len(features))]

        def weakest(position: int) -> tuple[float, SentenceFeatures]:
            return min(by_item[position], key=lambda t: t[0])

        judgements = []
        for position, per_sentence in enumerate(parts_at):
            sentences_judged = []
            for whole, part_positions in zip(by_item[position], per_sentence, strict=True):
                if part_positions:
                    part = min((weakest(p) for p in part_positions), key=lambda t: t[0])
                    whole = max(whole, part, key=lambda t: t[0])
                sentences_judged.append(whole)
            score, features_of = min(sentences_judged, key=lambda t: t[0])
            judgements.append(Judgement(score, features_of))
        return judgements

    def score(self, claim: str, evidence: Sequence[Evidence]) -> float:
        """Probability in [0, 1] that ``evidence`` supports every sentence of ``claim``."""
        return self.judge_many([(claim, evidence)])[0].score

    def score_many(self, items: Sequence[tuple[str, Sequence[Evidence]]]) -> list[float]:
        """``score`` for many (claim, evidence) pairs with one encoder batch."""
        return [j.score for j in self.judge_many(items)]

    def check(
        self, claim: str, evidence: Sequence[Evidence], threshold: float | None = None
    ) -> Check:
        """A ``support`` check: pass when the score reaches the threshold."""
        return self.check_many([(claim, evidence)], threshold)[0]

    def check_many(
        self, items: Sequence[tuple[str, Sequence[Evidence]]], threshold: float | None = None
    ) -> list[Check]:
        """``check`` for many (claim, evidence) pairs at once."""
        limit = self.threshold if threshold is None else threshold
        return [_as_check(j, limit) for j in self.judge_many(items)]

    def check_sources(
        self,
        claims: Sequence[str],
        sources: Sequence[Article],
        k: int = 3,
        threshold: float | None = None,
    ) -> list[tuple[Check, list[Evidence]]]:
        """Retrieve evidence for each claim among ``sources`` and check it: the batch path."""
        evidence = self.retrieve_many(claims, sources, k)
        checks = self.check_many(list(zip(claims, evidence, strict=True)), threshold)
        return list(zip(checks, evidence, strict=True))


def _split(claim: str) -> list[tuple[str, list[str]]]:
    """Each sentence of the claim with the clauses it joins (empty when it joins none)."""
    split = []
    for sentence in claim_sentences(claim):
        parts = clause_parts(sentence)
        split.append((sentence, parts if len(parts) > 1 else []))
    return split


def _queries(claim: str) -> list[str]:
    """What evidence is retrieved for: each sentence of the claim, and each part of a
    sentence that joins clauses, so that every part finds its own span."""
    return [q for sentence, parts in _split(claim) for q in (sentence, *parts)]


def _single_spans(source: Article) -> tuple[list[Evidence], list[Evidence]]:
    """The title (if any) and the sentences of a source; and the sentences alone."""
    spans: list[Evidence] = []
    title = source.title.strip()
    if title:
        start = source.title.index(title)
        spans.append(Evidence(source, start, start + len(title), "title"))
    sents = [Evidence(source, s.start, s.end) for s in source_sentences(source.text)]
    return [*spans, *sents], sents


def _as_check(judgement: Judgement, threshold: float) -> Check:
    score = judgement.score
    if not judgement.weakest.evidence:
        return Check("support", "fail", "no evidence to judge the claim against")
    if score >= threshold:
        return Check("support", "pass", f"entailment {score:.2f} ≥ {threshold:.2f}", score=score)
    detail = f"entailment {score:.2f} < {threshold:.2f}"
    if judgement.missing:
        detail += f"; not in the evidence: {', '.join(judgement.missing)}"
    weakest = judgement.weakest
    if weakest.swaps:
        detail += "; " + ", ".join(
            f"{ours} where the source has {theirs}" for ours, theirs in weakest.swaps
        )
    if weakest.reverses or weakest.values[_NEGATION_MISMATCH]:
        detail += f"; {turned_negation(weakest.sentence)}"
    return Check("support", "fail", detail, score=score)


_NEGATION_MISMATCH = FEATURES.index("negation_mismatch")


def _span_sentences(quote: str) -> list[str]:
    """A span's sentences, cleaned: a window's embedding is the mean of its two sentences'."""
    parts = [clean(s.text) for s in source_sentences(quote)]
    return parts or [clean(quote)]


def _mean_unit(vectors: Matrix) -> npt.NDArray[np.float32]:
    mean = vectors.mean(axis=0)
    return np.asarray(mean / max(float(np.linalg.norm(mean)), 1e-9), dtype=np.float32)


def _top_spans(scores: Matrix, spans: Sequence[Evidence], k: int) -> list[int]:
    """The ``k`` best spans that do not overlap one another (a window hides its sentences)."""
    chosen: list[int] = []
    for position in np.argsort(-scores, kind="stable"):
        span = spans[int(position)]
        if any(_overlaps(span, spans[c]) for c in chosen):
            continue
        chosen.append(int(position))
        if len(chosen) == k:
            break
    return chosen


def _overlaps(a: Evidence, b: Evidence) -> bool:
    return a.source.id == b.source.id and a.field == b.field and a.start < b.end and b.start < a.end


def _bm25(
    queries: Sequence[Sequence[str]],
    documents: Sequence[Sequence[str]],
    k1: float = 1.2,
    b: float = 0.75,
) -> Matrix:
    """BM25 of each query against each document, as a dense (queries x documents) matrix."""
    vocabulary: dict[str, int] = {}
    for terms in queries:
        for term in terms:
            vocabulary.setdefault(term, len(vocabulary))
    scores = np.zeros((len(queries), len(documents)), dtype=np.float32)
    if not vocabulary or not documents:
        return scores
    lengths = np.array([len(d) for d in documents], dtype=np.float32)
    average = max(float(lengths.mean()), 1.0)
    tf = np.zeros((len(documents), len(vocabulary)), dtype=np.float32)
    for row, document in enumerate(documents):
        for term in document:
            column = vocabulary.get(term)
            if column is not None:
                tf[row, column] += 1
    df = (tf > 0).sum(axis=0)
    idf = np.log(1 + (len(documents) - df + 0.5) / (df + 0.5)).astype(np.float32)
    norm = (k1 * (1 - b + b * lengths / average))[:, None]
    weights = idf * tf * (k1 + 1) / (tf + norm)
    query = np.zeros((len(queries), len(vocabulary)), dtype=np.float32)
    for row, terms in enumerate(queries):
        for term in terms:
            query[row, vocabulary[term]] = 1.0
    return np.asarray(query @ weights.T, dtype=np.float32)


def _features(
    sentence: str,
    vector: npt.NDArray[np.float32],
    evidence: list[Evidence],
    texts: list[str],
    stems: list[list[str]],
    vectors: Matrix,
    idf: IdfTable,
    document: _Document,
) -> SentenceFeatures:
    """Compare one claim sentence with its best ``SPANS_PER_SENTENCE`` evidence spans, and
    with the whole of the sources they come from (``document``)."""
    claim_stems = content_stems(sentence)
    claim_set = set(claim_stems)
    if evidence:
        cosine = vectors @ vector
        overlap = np.array(
            [len(claim_set & set(s)) / max(len(claim_set), 1) for s in stems], dtype=np.float32
        )
        chosen = _top_spans(cosine + LEXICAL_WEIGHT * overlap, evidence, SPANS_PER_SENTENCE)
    else:
        cosine = np.zeros(0, dtype=np.float32)
        overlap = np.zeros(0, dtype=np.float32)
        chosen = []
    union_text = " ".join(texts[i] for i in chosen)
    union = {s for i in chosen for s in stems[i]}
    missing = [s for s in dict.fromkeys(claim_stems) if s not in union]
    recall = 1 - len(missing) / len(claim_set) if claim_set else 1.0
    weights = {s: idf.idf(s) for s in claim_set}
    total = sum(weights.values())
    recall_idf = 1 - sum(weights[s] for s in missing) / total if total > 0 else 1.0
    # How common a missing word is in news separates a paraphrase ("stated" for "said") from
    # a new fact (a name, a place): rare < 1% of articles, uncommon < 5%, common otherwise.
    share = {s: idf.df.get(s, 0) / max(idf.n_docs, 1) for s in missing}
    rare = [s for s in missing if share[s] < RARE]
    uncommon = [s for s in missing if RARE <= share[s] < UNCOMMON]

    claim_tokens_raw = words(sentence)
    claim_tokens = [stem(w) for w in claim_tokens_raw]
    evidence_tokens = [stem(w) for w in words(union_text)]
    ngram_recall = []
    for n in (2, 3):
        grams = _ngrams(claim_tokens, n)
        ngram_recall.append(len(grams & _ngrams(evidence_tokens, n)) / len(grams) if grams else 1.0)

    claim_numbers = number_values(sentence)
    missing_numbers = sorted(claim_numbers - number_values(union_text))
    lowercase = sentence == sentence.lower()
    names = name_stems(sentence)
    missing_names = sorted(names - union - {stem(w) for w in words(union_text)})
    # The same questions asked of the whole documents: extrinsic words (in no source at all)
    # against words another paragraph of a source holds.
    off_page = [s for s in claim_set if s not in document.stems]
    doc_recall = 1 - len(off_page) / len(claim_set) if claim_set else 1.0
    doc_recall_idf = 1 - sum(weights[s] for s in off_page) / total if total > 0 else 1.0
    off_page_rare = [s for s in off_page if s in share and share[s] < RARE]
    off_page_numbers = claim_numbers - document.numbers
    off_page_names = names - document.stems - document.words
    swaps = _swapped(sentence, set(missing), [texts[i] for i in chosen])
    best_by_cos = int(np.argmax(cosine)) if evidence else -1
    best_text = texts[best_by_cos] if best_by_cos >= 0 else ""
    union_vector = _mean_unit(vectors[chosen]) if chosen else np.zeros_like(vector)
    values = (
        float(cosine.max()) if evidence else 0.0,
        float(union_vector @ vector),
        recall,
        float(overlap.max()) if evidence else 0.0,
        recall_idf,
        ngram_recall[0],
        ngram_recall[1],
        _pair_recall(claim_stems, [stems[i] for i in chosen]),
        math.log1p(len(missing)),
        math.log1p(len(rare)),
        math.log1p(len(uncommon)),
        math.log1p(len(missing) - len(rare) - len(uncommon)),
        max((weights[s] for s in missing), default=0.0) / idf.max_idf,
        math.log1p(len(missing_numbers)),
        math.log1p(len(claim_numbers)),
        math.log1p(len(missing_names)),
        math.log1p(len(names)),
        float(_polarity_differs(claim_tokens_raw, claim_set, best_text)) if best_text else 0.0,
        math.log1p(len(claim_stems)),
        len(claim_tokens_raw) / max(len(words(best_text)), 1),
        float(lowercase),
        doc_recall,
        doc_recall_idf,
        math.log1p(len(off_page_rare)),
        math.log1p(len(off_page_numbers)),
        math.log1p(len(off_page_names)),
        math.log1p(len(swaps)),
    )
    shown = missing_numbers + missing_names + sorted(rare + uncommon, key=lambda s: -weights[s])
    surface = _surface(sentence, shown)
    evidence_used = tuple(evidence[i] for i in chosen)
    copied = [texts[i] for i in chosen if overlap[i] >= COPIED]
    return SentenceFeatures(
        sentence,
        values,
        tuple(dict.fromkeys(surface))[:4],
        evidence_used,
        reverses=_reverses(sentence, claim_set, copied),
        swaps=tuple(zip(_surface(sentence, list(swaps)), swaps.values(), strict=True)),
    )


def _reverses(sentence: str, claim_set: set[str], copied: Sequence[str]) -> bool:
    """Whether the sentence negates what every span it copies says, or drops their negation.

    The trees see a negation mismatch only against the closest span by meaning, and
    an embedding barely moves for "did not kick off" against "kicked off", so a
    negated copy could pass. The guard compares polarity where the two texts say
    the same thing: in the span's sentence that shares the most words with the claim,
    next to those words (a negation in another clause, or in the other sentence of a
    two-sentence window, does not count). Any copied span that agrees
    clears the sentence: another source may say the negative.
    """
    if len(claim_set) < 3 or not copied:
        return False
    claim_tokens = words(sentence)
    return all(_polarity_differs(claim_tokens, claim_set, text) for text in copied)


def _polarity_differs(claim_tokens: Sequence[str], claim_set: set[str], text: str) -> bool:
    """Whether the claim and ``text`` differ in negation where they say the same thing: in
    the sentence of ``text`` that shares the most content words with the claim, next to
    those words (``_negated_near``). A "not" elsewhere in the span is not a difference."""
    shared, tokens = max(
        ((claim_set & set(content_stems(part)), words(part)) for part in claim_sentences(text)),
        key=lambda pair: len(pair[0]),
        default=(set(), []),
    )
    return _negated_near(claim_tokens, shared) != _negated_near(tokens, shared)


def _negated_near(tokens: Sequence[str], anchor: set[str], before: int = 3) -> bool:
    """Whether a negation stands within ``before`` words ahead of an ``anchor`` stem ("did
    not kick off"), so that it bears on words the two texts share; a negation inside a
    clause the claim leaves out ("after Warren accused him of saying a woman could not
    win, Sanders sought to downplay…") does not count. "No. 1" is a rank, not a negation.
    """
    hits = [i for i, t in enumerate(tokens) if t not in STOPWORDS and stem(t) in anchor]
    near = {j for i in hits for j in range(max(i - before, 0), i + 1)}
    for i in sorted(near):
        token = tokens[i]
        if token == "no" and i + 1 < len(tokens) and tokens[i + 1][:1].isdigit():
            continue
        if token in NEGATIONS or token.endswith(("n't", "n’t")):
            return True
    return False


def _swapped(claim: str, missing: set[str], spans: Sequence[str]) -> dict[str, str]:
    """Missing claim stems that stand where a span has another name or number, each with
    that span word.

    A claim name (capitalised) or number the spans lack is swapped when a span holds a
    name or number the claim lacks in the same frame: between the same two words, or
    next to the same lower-case content word ("Pelosi told reporters" against "Schumer told
    reporters", "worth 90 billion" against "worth 80 billion"). A paraphrase rewords
    around a fact; a swap keeps the frame and changes the fact. Lower-cased text has no
    names, so there only numbers can be swapped.
    """
    if not missing:
        return {}
    claim_tokens = _kinded(claim)
    claim_stems = {t.stem for t in claim_tokens}
    frames: dict[tuple[str, str, str], str] = {}
    """(kind, left, right) of each span name or number the claim lacks, to that word;
    "" for a side left open, so that a one-sided frame needs a content neighbour."""
    for span in spans:
        framed = [_EDGE, *_kinded(span), _EDGE]
        for j in range(1, len(framed) - 1):
            token, before, after = framed[j], framed[j - 1], framed[j + 1]
            if token.kind == "word" or token.stem in claim_stems:
                continue
            frames.setdefault((token.kind, before.stem, after.stem), token.text)
            if before.content:
                frames.setdefault((token.kind, before.stem, ""), token.text)
            if after.content:
                frames.setdefault((token.kind, "", after.stem), token.text)
    padded = [_EDGE, *claim_tokens, _EDGE]
    found: dict[str, str] = {}
    for i in range(1, len(padded) - 1):
        token, before, after = padded[i], padded[i - 1], padded[i + 1]
        if token.kind == "word" or token.stem not in missing or token.stem in found:
            continue
        for frame in (
            (token.kind, before.stem, after.stem),
            (token.kind, before.stem, ""),
            (token.kind, "", after.stem),
        ):
            if frame in frames:
                found[token.stem] = frames[frame]
                break
    return found


@dataclass(frozen=True)
class _Token:
    text: str
    stem: str
    kind: str
    """``number`` when it holds a digit, ``name`` when capitalised, ``word`` otherwise."""

    @property
    def content(self) -> bool:
        """A lower-case word that carries meaning: what a one-sided frame hangs on. A name
        beside the slot is no anchor ("Friday, Trump" against "Donald Trump")."""
        return self.kind == "word" and self.text.lower() not in STOPWORDS


_EDGE = _Token("", "", "edge")


def _kinded(text: str) -> list[_Token]:
    """Each word of ``text`` with its stem and kind."""
    found = []
    for word in tokens(text):
        lowered = word.lower().replace("’", "'")
        if any(c.isdigit() for c in word):
            kind = "number"
        elif word[0].isupper():
            kind = "name"
        else:
            kind = "word"
        found.append(_Token(word, stem(lowered), kind))
    return found


def _pair_recall(claim: Sequence[str], spans: Sequence[Sequence[str]], reach: int = 6) -> float:
    """Share of consecutive claim content words that also stand close together in one span.

    Bag-of-words recall cannot tell "A beat B" from "B beat A" or see that an
    age or title now sits next to another name; word pairs kept within
    ``reach`` content words of each other in the evidence catch part of that.
    """
    pairs = [(a, b) for a, b in itertools.pairwise(claim) if a != b]
    if not pairs:
        return 1.0
    positions = []
    for span in spans:
        where: dict[str, list[int]] = {}
        for i, token in enumerate(span):
            where.setdefault(token, []).append(i)
        positions.append(where)
    kept = 0
    for a, b in pairs:
        if any(
            any(abs(i - j) <= reach for i in where.get(a, ()) for j in where.get(b, ()))
            for where in positions
        ):
            kept += 1
    return kept / len(pairs)


def _surface(sentence: str, stems: Sequence[str]) -> list[str]:
    """The claim's own spelling of each missing stem or number, for a readable detail."""
    tokens = words(sentence)
    shown = []
    for item in stems:
        match = next((t for t in tokens if stem(t) == item or t == item), None)
        shown.append(match or item)
    return shown


_DEFAULT: SupportModel | None = None
_DEFAULT_LOCK = threading.Lock()


def default_model() -> SupportModel:
    """The process-wide model: loaded on first use, shared by every caller."""
    global _DEFAULT
    with _DEFAULT_LOCK:
        if _DEFAULT is None:
            _DEFAULT = SupportModel.installed()
        return _DEFAULT


@functools.cache
def shared_model(
    model_path: Path | None, encoder: SentenceEncoder, entailment: EntailmentModel | None
) -> SupportModel:
    """This process's support model of these parts (``SupportModel.__reduce__``): one per
    worker however many tasks carry it."""
    return SupportModel(model_path, encoder, entailment)


def check_support(
    claim: str, evidence: Sequence[Evidence], threshold: float | None = None
) -> Check:
    """Does ``evidence`` entail ``claim``? A ``support`` check, with the score in its detail.

    Matches ``check_claim``'s ``support`` hook. ``threshold`` defaults to the
    one tuned on the benchmarks' validation cuts and stored with the model.
    """
    return default_model().check(claim, evidence, threshold)


def retrieve(claim: str, sources: Sequence[Article], k: int = 3) -> list[Evidence]:
    """``SupportModel.retrieve`` on the process-wide model."""
    return default_model().retrieve(claim, sources, k)


def lexical_support(claim: str, evidence: Sequence[Evidence], min_coverage: float) -> Check:
    """Support as word coverage: nearly every content word of the claim is in the evidence,
    with the same negations.

    Exact for copied sentences and fast; it cannot see a paraphrase, which is what
    the learned ``SupportModel`` is for. A claim whose words are all cited
    but which drops the evidence's "not" (or adds one) is no copy: it fails here.
    Dates are not counted: the date check resolves them against the sources' days,
    so "on Monday, June 24" is judged there as the day a Monday source meant.
    """
    claim_words = content_words(_without_dates(claim))
    cited_words = set(content_words(" ".join(e.quote for e in evidence)))
    cited_bases = {_base(w) for w in cited_words}
    covered = [w in cited_words or _base(w) in cited_bases for w in claim_words]
    coverage = sum(covered) / len(claim_words) if claim_words else 1.0
    polarities = [negated(e.quote) for e in evidence]
    same_polarity = any(polarities) if negated(claim) else not all(polarities)
    if coverage >= min_coverage and same_polarity:
        return Check("support", "pass", f"{coverage:.0%} of content words cited")
    if coverage >= min_coverage:
        turned = turned_negation(claim)
        return Check("support", "fail", f"{coverage:.0%} of content words cited, but {turned}")
    missing = [w for w, c in zip(claim_words, covered, strict=True) if not c][:3]
    return Check(
        "support",
        "fail",
        f"only {coverage:.0%} of content words are in the cited text "
        f"(missing: {', '.join(missing)})",
    )


_INFLECTION = re.compile(r"(?:ies|es|s|ed|d|ing)$")


def _base(word: str) -> str:
    """A word without its regular inflection: "votes", "voted" and "voting" share "vot",
    so a headline's "votes" is covered by its source's "voted"."""
    return _INFLECTION.sub("", word) if len(word) > 4 else word


def combined_support(
    model: Callable[[str, Sequence[Evidence]], Check], min_coverage: float
) -> Callable[[str, Sequence[Evidence]], Check]:
    """Word coverage first, the learned model for what coverage cannot settle.

    A claim whose content words are nearly all in the evidence, with the same
    negations, is a copy or a light edit: supported without asking the model,
    which is tuned on abstractive summaries and hesitates on copies. Anything
    else (a paraphrase, a merge, a swap, a turned negation) is the model's call.
    """

    def check(claim: str, evidence: Sequence[Evidence]) -> Check:
        lexical = lexical_support(claim, evidence, min_coverage)
        return lexical if lexical.verdict == "pass" else model(claim, evidence)

    return check


def _without_dates(text: str) -> str:
    """``text`` with its date mentions blanked out."""
    mentions = date_mentions(text, None)
    for mention in reversed(mentions):
        text = text[: mention.start] + " " + text[mention.end :]
    return text
