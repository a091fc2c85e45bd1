"""Benchmark the offline writer: grounding before and after the verify gate, ROUGE, speed.

Usage (from the repository root)::

    .venv/bin/python bench/write.py [--data DIR ...] [--limit N] [--no-model]

For every dataset (default: ``../shared/data/sample`` and the test split of
``../shared/data/clusters/allsides_fulltext``; any folder in the cluster
schema with ``--data``) each labelled story (its ``cluster_id``, not a
clustering of ours, so that the writer is measured alone) is drafted by the
offline writer and passed through the verify gate. It reports:

* the share of drafted sentences the checker marks supported (pre-gate) and
  the share of published sentences an independent re-check marks supported;
* ROUGE-1/2/L F1 of the published dek and body against the story's
  human-written roundup (``summary``), beside a lead and a TextRank baseline
  cut to the same number of words, computed in the same process;
* the share of the story's outlets the published article cites, its length,
  and articles written and gated per minute;
* how the published article reads: the share of its sentences that are page
  furniture (``furniture_rate``: by the rules or the classifier of
  ``language/furniture.py``; each alone in ``furniture_rate_rules`` and
  ``furniture_rate_classifier``), the share of drafted sentences whose context
  check fails before the gate (``unresolved_rate``), pairs of sentences per
  article that state the same fact (``repeated_facts``: each supports the
  other), sentences credited twice (``double_credits``), the share of headlines
  that copy a source's title (``headline_is_source_title``) and the stories whose
  sources span several days but whose article has no timeline (``timeline_missing``);
* who the published sentences speak for: the share in the newsroom's own voice (they
  credit no outlet: ``own_voice``), those of them whose cited spans do not give two
  independent sources that each support them alone (``single_source``, judged as the
  gate's ``attribution`` check judges), those for which no second independent source
  says it anywhere among the story's sources (``no_second_source``: the corroborator
  finds none), and the share of headlines credited to an outlet (``headline_credited``).

The last line of output is one JSON object:
``{"datasets": {NAME: {"pre_gate_supported", "published_supported", "rouge1",
"rouge2", "rougeL", "lead_rouge1", "textrank_rouge1", "outlet_coverage",
"furniture_rate", "furniture_rate_rules", "furniture_rate_classifier",
"unresolved_rate", "repeated_facts", "double_credits", "headline_is_source_title",
"timeline_missing", "own_voice", "single_source", "no_second_source", "headline_credited",
"held", "n"}}, "articles_per_min": float}``.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from functools import partial
from itertools import combinations
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
from benchdata import data_file, read_articles, text_lines
from rouge_score import rouge_scorer
from sklearn.feature_extraction.text import TfidfVectorizer

from newsdesk.config import Config, VerifySettings
from newsdesk.language.attribution import credit_mentions, quoted_headline, split_attribution
from newsdesk.language.corroboration import Corroborator, own_voice
from newsdesk.language.furniture import default_model as furniture_model
from newsdesk.language.furniture import features, rule_marks
from newsdesk.language.independence import source_groups
from newsdesk.language.support import check_support, default_model
from newsdesk.language.text import Span, content_stems, sentences, words
from newsdesk.records import Article, Draft, Evidence, Story
from newsdesk.verify.checker import combined_support, lexical_support, resolve
from newsdesk.verify.checks import Check, ClaimResult
from newsdesk.verify.gate import check_draft_sentences, run_gate
from newsdesk.write.stage import offline_writer

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "data"
DEFAULT_DATA = (SHARED / "sample", SHARED / "clusters" / "allsides_fulltext")

ROUGE_TYPES = ("rouge1", "rouge2", "rougeL")
SYSTEMS = ("newsdesk", "lead", "textrank")
ARTICLE_KINDS = frozenset({"dek", "body"})
"""The sentences scored against the roundup: the article's running text, not its
headline or pull quotes (the roundup is a short prose summary)."""
DAMPING = 0.85
"""PageRank damping of the TextRank baseline (Mihalcea & Tarau 2004)."""

SupportFn = Callable[[str, Sequence[Evidence]], Check]


# --------------------------------------------------------------------------- data


@dataclass(frozen=True)
class Reference:
    """A labelled story: its record, its articles and the human roundup (if any)."""

    story: Story
    articles: tuple[Article, ...]
    summary: str | None


def load_articles(folder: Path) -> list[Article]:
    """The folder's articles, parsed as the ingest stage parses a dump.

    A line that ingest would reject is skipped (and counted on stderr), so a
    benchmark run sees exactly the articles a newsdesk run would.
    """
    path = data_file(folder, "articles")
    if path is None:
        raise SystemExit(f"{folder}: no articles.jsonl or articles.jsonl.gz")
    return read_articles(path)


def make_story(story_id: str, title: str, articles: Sequence[Article]) -> Story:
    """The ``Story`` record the stories stage would have built for these articles."""
    dates = sorted(a.published for a in articles if a.published)
    return Story(
        id=story_id,
        title=title,
        article_ids=tuple(a.id for a in articles),
        outlets=tuple(sorted({a.outlet for a in articles})),
        first_seen=dates[0] if dates else None,
        last_seen=dates[-1] if dates else None,
    )


def load_references(folder: Path) -> list[Reference]:
    """Labelled stories of a cluster-schema folder, in file order.

    With a ``split`` field only the test split is used (the others may have
    tuned something); without one every story is. Without ``stories.jsonl``
    articles are grouped by ``cluster_id`` and there is no roundup to score.
    """
    articles = load_articles(folder)
    by_id = {a.id: a for a in articles}
    path = data_file(folder, "stories")
    if path is None:
        groups: dict[str, list[Article]] = {}
        for article in articles:
            cluster = article.extra.get("cluster_id")
            if cluster is not None:
                groups.setdefault(str(cluster), []).append(article)
        return [
            Reference(make_story(cid, group[0].title, group), tuple(group), None)
            for cid, group in groups.items()
        ]
    rows = [json.loads(line) for line in text_lines(path) if line.strip()]
    if any("split" in row for row in rows):
        rows = [row for row in rows if row.get("split") == "test"]
    references = []
    for row in rows:
        members = [by_id[i] for i in row.get("article_ids", ()) if i in by_id]
        if not members:
            members = [a for a in articles if a.extra.get("cluster_id") == row["cluster_id"]]
        if members:
            story = make_story(str(row["cluster_id"]), str(row.get("headline", "")), members)
            references.append(Reference(story, tuple(members), row.get("summary") or None))
    return references


# ---------------------------------------------------------------------- baselines


def within_budget(texts: Iterable[str], budget: int) -> str:
    """The first ``budget`` words of ``texts`` in order: every system gets the same length."""
    taken: list[str] = []
    for text in texts:
        if len(taken) >= budget:
            break
        taken.extend(text.split())
    return " ".join(taken[:budget])


def earliest(articles: Sequence[Article]) -> Article:
    """The first article published (undated ones last, ties by id): the lead's source."""
    return min(articles, key=lambda a: (a.published is None, a.published or "", a.id))


def lead_baseline(articles: Sequence[Article], budget: int) -> str:
    """The opening of the story's earliest article, cut to ``budget`` words."""
    return within_budget((s.text for s in sentences(earliest(articles).text)), budget)


def pagerank(weights: npt.NDArray[np.float64], damping: float = DAMPING) -> npt.NDArray[np.float64]:
    """PageRank of a weighted graph by power iteration.

    A node without edges jumps anywhere, so the ranks always sum to one and
    the iteration converges (the walk is irreducible thanks to the damping).
    """
    n = len(weights)
    if n == 0:
        return np.zeros(0)
    out = weights.sum(axis=1, keepdims=True)
    transition = np.where(out > 0, weights / np.where(out > 0, out, 1.0), 1.0 / n)
    rank = np.full(n, 1.0 / n)
    for _ in range(200):
        updated = (1 - damping) / n + damping * (transition.T @ rank)
        if np.abs(updated - rank).sum() < 1e-9:
            return np.asarray(updated, dtype=np.float64)
        rank = updated
    return rank


def textrank_order(texts: Sequence[str]) -> list[int]:
    """Indices of ``texts`` by TextRank: PageRank over the TF-IDF cosine sentence graph."""
    try:
        matrix = TfidfVectorizer(stop_words="english").fit_transform(texts)
    except ValueError:  # no word survives the stop list: keep the given order
        return list(range(len(texts)))
    similarity = np.asarray((matrix @ matrix.T).toarray(), dtype=np.float64)
    np.fill_diagonal(similarity, 0.0)
    scores = pagerank(similarity)
    return sorted(range(len(texts)), key=lambda i: (-scores[i], i))


def textrank_baseline(articles: Sequence[Article], budget: int) -> str:
    """The story's most central sentences (of all its articles), best first, to ``budget`` words."""
    ordered = sorted(articles, key=lambda a: (a.published is None, a.published or "", a.id))
    texts = [s.text for a in ordered for s in sentences(a.text)]
    return within_budget((texts[i] for i in textrank_order(texts)), budget)


# ------------------------------------------------------------- writing and gating


def support_hook(use_model: bool, min_coverage: float) -> SupportFn:
    """The verify stage's support check, or word coverage alone (``--no-model``).

    Always an explicit hook, so that nothing downstream falls back to its own
    default and loads the model that ``--no-model`` promises to skip.
    """
    if use_model:
        return combined_support(check_support, min_coverage)
    return partial(lexical_support, min_coverage=min_coverage)


def supported(
    draft: Draft, articles: Sequence[Article], settings: VerifySettings, support: SupportFn
) -> list[bool]:
    """The checker's verdict on every sentence of ``draft``, as the gate reaches it."""
    return [r.label == "supported" for r in checked(draft, articles, settings, support)]


def checked(
    draft: Draft, articles: Sequence[Article], settings: VerifySettings, support: SupportFn
) -> list[ClaimResult]:
    """The checker's result on every sentence of ``draft``, as the gate reaches it."""
    return check_draft_sentences(draft, articles, settings, support)


@dataclass(frozen=True)
class Outcome:
    """One story through the writer and the gate."""

    drafted: Draft
    published: Draft
    held: bool


def run_story(
    config: Config,
    support: SupportFn,
    story: Story,
    articles: Sequence[Article],
    corroborator: Corroborator | None = None,
) -> Outcome:
    """Write ``story`` with the offline writer as the pipeline configures it, then gate it.

    A fresh writer per story: its revisions remember what the gate rejected.
    ``corroborator`` finds second sources (default: the support model's).
    """
    writer = offline_writer(config, corroborator)
    draft = writer.write(story, articles)
    gated = run_gate(draft, articles, writer, config.verify, support=support)
    return Outcome(draft, gated.draft, gated.record.held)


# -------------------------------------------------------------------- measurement


@dataclass(frozen=True)
class Reading:
    """How one published article reads: furniture, unresolved references, repeats, credits."""

    sentences: int = 0
    furniture_rules: int = 0
    furniture_classifier: int = 0
    furniture_either: int = 0
    drafted: int = 0
    unresolved: int = 0
    repeated_pairs: int = 0
    double_credits: int = 0
    headline_is_source_title: bool = False
    multi_day: bool = False
    has_timeline: bool = False
    own_voice: int = 0
    single_source: int = 0
    no_second_source: int = 0
    headline_credited: bool = False


HEADLINE_STYLE = frozenset({"headline", "timeline"})
"""Lines written in headline style: no full stop, few words. The classifier, which reads
a sentence's shape, would take them all for stray headlines; only the rules judge them."""


def is_furniture(text: str, kind: str = "body") -> tuple[bool, bool]:
    """Whether the rules, and whether the classifier, take ``text`` for page furniture.

    An outlet's headline quoted as such ("Reuters’s headline: “…”") is a title by design."""
    if quoted_headline(text) is not None:
        return False, False
    bare = split_attribution(text).claim
    span = Span(0, len(bare), bare)
    by_rules = bool(rule_marks(span))
    model = furniture_model()
    by_model = (
        kind not in HEADLINE_STYLE
        and model is not None
        and model.probability(features(bare)) >= model.threshold
    )
    return by_rules, by_model


def repeated_facts(draft: Draft, support: SupportFn) -> int:
    """Pairs of running-text sentences that each support the other: one fact told twice.

    Only pairs sharing at least half of the shorter one's content words are judged,
    since a pair that shares less cannot support each other both ways."""
    claims = [split_attribution(s.text).claim for s in draft.sentences if s.kind in ARTICLE_KINDS]
    stems = [set(content_stems(c)) for c in claims]
    pairs = 0
    for i, j in combinations(range(len(claims)), 2):
        shared = len(stems[i] & stems[j])
        if not stems[i] or not stems[j] or shared < 0.5 * min(len(stems[i]), len(stems[j])):
            continue
        if all(
            support(claims[a], [as_evidence(claims[b])]).verdict == "pass"
            for a, b in ((i, j), (j, i))
        ):
            pairs += 1
    return pairs


def as_evidence(text: str) -> Evidence:
    """A sentence of the article as the whole of a pseudo-source."""
    article = Article(f"page:{hash(text)}", "page:", "page", "", text)
    return Evidence(article, 0, len(text))


def title_key(text: str) -> str:
    return " ".join(words(split_attribution(text).claim))


def voices(
    published: Draft, articles: Sequence[Article], support: SupportFn, corroborator: Corroborator
) -> tuple[int, int, int]:
    """Published sentences in the newsroom's own voice; those whose cited spans do not give
    two independent sources each supporting them alone; and those of these for which the
    corroborator finds no second independent source anywhere in the story."""
    outlets = [a.outlet for a in articles]
    by_id = {a.id: a for a in articles}
    groups = source_groups(articles)
    voiced = [s for s in published.sentences if s.citations and own_voice(s.text, outlets)]
    single: list[tuple[str, list[Evidence]]] = []
    for sentence in voiced:
        spans = resolve(sentence.citations, by_id)
        if isinstance(spans, str):
            single.append((sentence.text, []))
            continue
        claim = split_attribution(sentence.text).claim
        by_group: dict[int | None, list[Evidence]] = {}
        for span in spans:
            by_group.setdefault(groups.of(span.source.id), []).append(span)
        alone = [g for g, found in by_group.items() if support(claim, found).verdict == "pass"]
        if len(alone) < 2:
            single.append((sentence.text, spans))
    found = corroborator.second_sources(single, articles)
    return len(voiced), len(single), sum(not spans for spans in found)


def reading(
    drafted: Sequence[ClaimResult],
    published: Draft | None,
    articles: Sequence[Article],
    support: SupportFn,
    corroborator: Corroborator,
) -> Reading:
    unresolved = sum(
        any(c.kind == "context" and c.verdict == "fail" for c in r.checks) for r in drafted
    )
    days = {a.published for a in articles if a.published}
    if published is None:
        return Reading(drafted=len(drafted), unresolved=unresolved, multi_day=len(days) > 1)
    flags = [is_furniture(s.text, s.kind) for s in published.sentences]
    known = [a.outlet for a in articles]
    headline = next((s.text for s in published.sentences if s.kind == "headline"), "")
    titles = {title_key(a.title) for a in articles if a.title.strip()}
    voiced, single, alone = voices(published, articles, support, corroborator)
    return Reading(
        sentences=len(flags),
        furniture_rules=sum(r for r, _ in flags),
        furniture_classifier=sum(m for _, m in flags),
        furniture_either=sum(r or m for r, m in flags),
        drafted=len(drafted),
        unresolved=unresolved,
        repeated_pairs=repeated_facts(published, support),
        double_credits=sum(len(credit_mentions(s.text, known)) > 1 for s in published.sentences),
        headline_is_source_title=bool(headline) and title_key(headline) in titles,
        multi_day=len(days) > 1,
        has_timeline=any(s.kind == "timeline" for s in published.sentences),
        own_voice=voiced,
        single_source=single,
        no_second_source=alone,
        headline_credited=bool(headline) and bool(credit_mentions(headline, known)),
    )


@dataclass(frozen=True)
class StoryResult:
    """Everything measured on one story."""

    drafted: int
    drafted_supported: int
    published: int
    published_supported: int
    held: bool
    rouge: dict[str, dict[str, float]]
    outlet_coverage: float
    words: int
    seconds: float
    reading: Reading


def article_text(draft: Draft) -> str:
    """The running text of a draft (dek and body) in order: what ROUGE scores."""
    return " ".join(s.text for s in draft.sentences if s.kind in ARTICLE_KINDS)


def outlet_coverage(draft: Draft, articles: Sequence[Article]) -> float:
    """Share of the story's outlets that at least one sentence of ``draft`` cites."""
    outlet_of = {a.id: a.outlet for a in articles}
    outlets = set(outlet_of.values())
    cited = {
        outlet_of[c.article_id]
        for s in draft.sentences
        for c in s.citations
        if c.article_id in outlet_of
    }
    return len(cited) / len(outlets) if outlets else 0.0


def rouge_f1(scorer: Any, summary: str | None, text: str) -> dict[str, float]:
    """ROUGE F1 of ``text`` against the roundup; NaN for each type without a roundup."""
    if summary is None:
        return dict.fromkeys(ROUGE_TYPES, math.nan)
    scores = scorer.score(summary, text)
    return {kind: float(scores[kind].fmeasure) for kind in ROUGE_TYPES}


def evaluate_story(
    reference: Reference,
    config: Config,
    support: SupportFn,
    scorer: Any,
    corroborator: Corroborator,
) -> StoryResult:
    """Write and gate one story (timed), then check and score what came out (not timed)."""
    articles = reference.articles
    start = time.perf_counter()
    outcome = run_story(config, support, reference.story, articles, corroborator)
    seconds = time.perf_counter() - start
    draft, published, held = outcome.drafted, outcome.published, outcome.held
    drafted = checked(draft, articles, config.verify, support)
    before = [r.label == "supported" for r in drafted]
    after = [] if held else supported(published, articles, config.verify, support)
    text = "" if held else article_text(published)
    budget = len(text.split())
    rouge = {
        "newsdesk": rouge_f1(scorer, reference.summary, text),
        "lead": rouge_f1(scorer, reference.summary, lead_baseline(articles, budget)),
        "textrank": rouge_f1(scorer, reference.summary, textrank_baseline(articles, budget)),
    }
    return StoryResult(
        drafted=len(before),
        drafted_supported=sum(before),
        published=len(after),
        published_supported=sum(after),
        held=held,
        rouge=rouge,
        outlet_coverage=0.0 if held else outlet_coverage(published, articles),
        words=0 if held else sum(len(s.text.split()) for s in published.sentences),
        seconds=seconds,
        reading=reading(drafted, None if held else published, articles, support, corroborator),
    )


@dataclass
class DatasetResult:
    """Per-story results of one dataset and the figures drawn from them."""

    name: str
    stories: list[StoryResult] = field(default_factory=list)

    @property
    def shown(self) -> list[StoryResult]:
        """Stories whose article was published: a held story has no text to score."""
        return [s for s in self.stories if not s.held]

    def rate(self, hits: str, total: str) -> float:
        """A share pooled over all sentences of the dataset."""
        denominator = sum(getattr(s, total) for s in self.stories)
        return (
            sum(getattr(s, hits) for s in self.stories) / denominator if denominator else math.nan
        )

    def mean(self, values: Iterable[float]) -> float:
        """Mean over stories, ignoring NaN (stories without a roundup)."""
        kept = [v for v in values if not math.isnan(v)]
        return sum(kept) / len(kept) if kept else math.nan

    def rouge(self, system: str, kind: str) -> float:
        return self.mean(s.rouge[system][kind] for s in self.shown)

    @property
    def seconds(self) -> float:
        return sum(s.seconds for s in self.stories)

    def summary(self) -> dict[str, float | int | None]:
        """The dataset's entry in the final JSON line."""
        return {
            "pre_gate_supported": rounded(self.rate("drafted_supported", "drafted")),
            "published_supported": rounded(self.rate("published_supported", "published")),
            "rouge1": rounded(self.rouge("newsdesk", "rouge1")),
            "rouge2": rounded(self.rouge("newsdesk", "rouge2")),
            "rougeL": rounded(self.rouge("newsdesk", "rougeL")),
            "lead_rouge1": rounded(self.rouge("lead", "rouge1")),
            "textrank_rouge1": rounded(self.rouge("textrank", "rouge1")),
            "outlet_coverage": rounded(self.mean(s.outlet_coverage for s in self.shown)),
            "furniture_rate": rounded(self.reading_rate("furniture_either", "sentences")),
            "furniture_rate_rules": rounded(self.reading_rate("furniture_rules", "sentences")),
            "furniture_rate_classifier": rounded(
                self.reading_rate("furniture_classifier", "sentences")
            ),
            "unresolved_rate": rounded(self.reading_rate("unresolved", "drafted")),
            "repeated_facts": rounded(
                self.mean(float(s.reading.repeated_pairs) for s in self.shown)
            ),
            "double_credits": sum(s.reading.double_credits for s in self.shown),
            "headline_is_source_title": rounded(
                self.mean(float(s.reading.headline_is_source_title) for s in self.shown)
            ),
            "timeline_missing": sum(
                s.reading.multi_day and not s.reading.has_timeline for s in self.shown
            ),
            "own_voice": rounded(self.reading_rate("own_voice", "sentences")),
            "single_source": sum(s.reading.single_source for s in self.shown),
            "no_second_source": sum(s.reading.no_second_source for s in self.shown),
            "headline_credited": rounded(
                self.mean(float(s.reading.headline_credited) for s in self.shown)
            ),
            "held": len(self.stories) - len(self.shown),
            "n": len(self.stories),
        }

    def reading_rate(self, hits: str, total: str) -> float:
        """A share of the ``Reading`` counts, pooled over the dataset's stories."""
        readings = [s.reading for s in self.stories]
        denominator = sum(getattr(r, total) for r in readings)
        return sum(getattr(r, hits) for r in readings) / denominator if denominator else math.nan


def rounded(value: float) -> float | None:
    """Four decimals, or None (JSON null) when there was nothing to measure."""
    return None if math.isnan(value) else round(value, 4)


def percent(value: float) -> str:
    return "n/a" if math.isnan(value) else f"{100 * value:.1f}"


def print_table(result: DatasetResult) -> None:
    """One readable block per dataset."""
    stories, shown = result.stories, result.shown
    drafted = sum(s.drafted for s in stories)
    published = sum(s.published for s in shown)
    words = result.mean(float(s.words) for s in shown)
    per_min = 60 * len(stories) / result.seconds if result.seconds else math.nan
    print()
    held = len(stories) - len(shown)
    print(f"{result.name}: {len(stories)} stories, {held} held for review by the gate")
    print(
        f"  supported: {percent(result.rate('drafted_supported', 'drafted'))}% of {drafted} "
        f"drafted sentences, {percent(result.rate('published_supported', 'published'))}% of "
        f"{published} published"
    )
    print(
        f"  outlets cited {percent(result.mean(s.outlet_coverage for s in shown))}%; "
        f"{words:.0f} words per article; {per_min:.1f} articles/min (write + gate)"
    )
    figures = result.summary()
    copied = result.mean(float(s.reading.headline_is_source_title) for s in shown)
    print(
        f"  furniture {percent(result.reading_rate('furniture_either', 'sentences'))}% of "
        f"published sentences (rules {percent(result.reading_rate('furniture_rules', 'sentences'))}"
        f"%, classifier {percent(result.reading_rate('furniture_classifier', 'sentences'))}%); "
        f"unresolved before the gate {percent(result.reading_rate('unresolved', 'drafted'))}%"
    )
    print(
        f"  repeated facts {figures['repeated_facts']} pairs/article; double credits "
        f"{figures['double_credits']}; headline = a source title in "
        f"{percent(copied)}%; multi-day stories "
        f"without a timeline {figures['timeline_missing']}"
    )
    print(
        f"  own voice {percent(result.reading_rate('own_voice', 'sentences'))}% of published "
        f"sentences; resting on one source {figures['single_source']} (no second source in "
        f"the story for {figures['no_second_source']}); headlines credited to an outlet "
        f"{percent(result.mean(float(s.reading.headline_credited) for s in shown))}%"
    )
    header = f"  {'system':<10} {'R1':>6} {'R2':>6} {'RL':>6}"
    print(header)
    print("  " + "-" * (len(header) - 2))
    for system in SYSTEMS:
        cells = " ".join(f"{percent(result.rouge(system, kind)):>6}" for kind in ROUGE_TYPES)
        print(f"  {system:<10} {cells}")
    print(
        f"  (ROUGE F1 %, mean over the {len(shown)} published articles, vs the human roundup; "
        "baselines cut to each article's dek+body length)"
    )


# --------------------------------------------------------------------------- main


def warm_up(
    reference: Reference,
    config: Config,
    support: SupportFn,
    use_model: bool,
    corroborator: Corroborator,
) -> None:
    """Load every model once, outside the timings: the writer's and checker's on a story,
    and the support model explicitly, since copied sentences never reach it."""
    run_story(config, support, reference.story, reference.articles, corroborator)
    if use_model:
        source = reference.articles[0]
        claim = next(iter(sentences(source.text)))
        check_support(f"Not {claim.text}", [Evidence(source, claim.start, claim.end)])


def evaluate(
    folders: Sequence[Path], limit: int | None, use_model: bool, embeddings: bool = False
) -> tuple[list[DatasetResult], float]:
    """Every dataset's results and the articles written and gated per minute overall."""
    config = Config()
    config = replace(config, write=replace(config.write, embeddings=embeddings))
    support = support_hook(use_model, config.verify.min_coverage)
    corroborator = Corroborator(default_model() if use_model else None, config.verify.min_coverage)
    scorer = rouge_scorer.RougeScorer(list(ROUGE_TYPES), use_stemmer=True)
    results, warmed = [], False
    started = time.time()
    for folder in folders:
        references = load_references(folder)[:limit]
        if not references:
            continue
        if not warmed:
            warm_up(references[0], config, support, use_model, corroborator)
            warmed = True
        result = DatasetResult(folder.name)
        for reference in references:
            result.stories.append(evaluate_story(reference, config, support, scorer, corroborator))
        print(
            f"  {result.name}: {len(references)} stories, {time.time() - started:.0f}s",
            file=sys.stderr,
        )
        results.append(result)
    seconds = sum(r.seconds for r in results)
    count = sum(len(r.stories) for r in results)
    return results, 60 * count / seconds if seconds else math.nan


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--data", type=Path, nargs="+", help="cluster-schema folders to evaluate")
    parser.add_argument("--limit", type=int, help="evaluate the first N stories per dataset")
    parser.add_argument(
        "--no-model", action="store_true", help="word coverage only: skip the support model"
    )
    parser.add_argument(
        "--embeddings",
        action="store_true",
        help="rank sentences with MiniLM embeddings instead of TF-IDF ([write] embeddings)",
    )
    args = parser.parse_args(argv)
    data = args.data or DEFAULT_DATA
    results, per_min = evaluate(data, args.limit, not args.no_model, args.embeddings)
    for result in results:
        print_table(result)
    print(f"\nspeed: {per_min:.1f} articles/min over all datasets (write + gate, models warm)")
    summary = {
        "datasets": {r.name: r.summary() for r in results},
        "articles_per_min": rounded(per_min),
    }
    print(json.dumps(summary))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
