"""A paraphrase suite for the support check: human roundup sentences and perturbed twins.

The consistency sets score system summaries of one article; a newsdesk story
summarises several, in words an editor chose. The AllSides roundups
(``stories.jsonl`` ``summary``) are exactly that: short, abstractive,
human-written summaries of the story's two or three articles. This module
turns them into labelled (sources, claim) pairs:

* **Positives**: roundup sentences whose facts align with the story's
  articles (``align``): every number they state and every named person,
  place, organisation or group occurs in some article, and the best-matching
  source sentences hold enough of their content words. Sentences about the
  coverage itself ("Coverage from the left focused on…") are dropped
  (``framing``): they are about outlets, not events, and no article states them.
  Roundups sometimes add background no article carries; the alignment keeps
  those out, so a positive is a paraphrase of what the sources say.
* **Negatives**: one controlled perturbation per positive that changes a fact
  and nothing else (``perturb``): an entity swapped for another of the same
  label named in the story's sources, a number changed, a weekday, month or
  year changed, or "not" added or removed after an auxiliary. The kinds take
  turns (the kind made least so far is tried first). A swap is skipped when
  the new value occurs in the source sentences the positive aligns with: there
  it might, by accident, be true.

Everything is deterministic: stories are read in ``cluster_id`` order, and
the only randomness is ``random.Random`` seeded per story.

Run it alone to read the suite: ``.venv/bin/python bench/roundups.py --show 20``.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
import time
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from benchdata import data_file, read_articles, text_lines

from newsdesk.language.encoder import SentenceEncoder, default_encoder
from newsdesk.language.entities import analyse_many
from newsdesk.language.support import clean, number_values
from newsdesk.language.text import content_stems, sentences, stem, words
from newsdesk.records import Article

ROOT = Path(__file__).resolve().parents[1]
ALLSIDES = ROOT.parent / "shared" / "data" / "clusters" / "allsides_fulltext"

SEED = 13
"""Seed of the per-story random choices (which entity, which number) and of ``limit``."""
ENTITY_LABELS = ("PERSON", "GPE", "ORG", "NORP")
"""Entities a positive must share with its sources, and the labels an entity swap draws from."""
TOP_SENTENCES = 3
"""Source sentences (by MiniLM cosine) whose words must cover a positive's."""
NEIGHBOURS = 12
"""Source sentences nearest a positive whose entities an entity swap may draw from: names
of the same part of the story make plausible swaps, and spaCy reads a dozen sentences per
positive instead of every article (a third of the suite's build time otherwise)."""
MIN_COVERAGE = 0.5
"""Share of a sentence's content stems the ``TOP_SENTENCES`` best source sentences must hold.

Read on the allsides test split: at 0.5 the sentences kept restate an article
sentence or two in other words; below it most add a fact or a judgement of the
editor's ("a move critics say…"), which no source carries."""
MIN_COSINE = 0.5
"""Best MiniLM cosine with one source sentence or title a positive needs.

Paraphrases of a source sentence score 0.6–0.9; under 0.5 the best match was
most often another event of the same story or a sentence sharing only names."""
MIN_WORDS = 6
"""Shorter roundup pieces are splitting accidents ("Illinois Gov. J.B.") or questions."""
KINDS = ("entity-swap", "number-swap", "date-swap", "negation")
"""Perturbation kinds, in the order they are tried when counts are equal."""

_FRAMING = re.compile(
    r"\b(coverage|covered|outlets?|(news|some|other|many|several) sites|pundits|commentators|"
    r"headlines?|publications?|reporting (voices|outlets)|reports? on|voices|framed|framing|"
    r"(the|mainstream) media|media (coverage|reports?|outlets?|attention)|in the media|"
    r"(left|right|center)[- ]rated|(left|right)[- ]leaning (outlets?|sources|media|sites|writers)|"
    r"(on|from|in) the (left|right|center)|(left|right)[- ]?(and|or) (left|right)|"
    r"(all|many|some|other) (sides|perspectives|sources)|"
    r"(across|around) the (political )?spectrum|"
    r"this (post|story) was updated|allsides)\b",
    re.IGNORECASE,
)
"""Words that make a roundup sentence about the coverage rather than the event."""
_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_MONTHS = (
    "January February March April May June July August September October November December"
).split()
_DATE_WORD = re.compile(r"\b(" + "|".join(_WEEKDAYS + tuple(_MONTHS)) + r")\b")
_YEAR = re.compile(r"(?<![\w.,$-])(19[5-9]\d|20[0-4]\d)(?![\w%-]|[.,]\d)")
_NUMBER = re.compile(r"(?<![\w.,-])\d+(?:,\d{3})*(?:\.\d+)?(?![\w-]|[.,]\d)")
_WORD_VALUES = {
    word: value
    for value, word in enumerate(
        "two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen "
        "sixteen seventeen eighteen nineteen twenty".split(),
        start=2,
    )
} | {"thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80}
"""Number words a swap changes ("one" is too often not a number: "one of", "no one")."""
_NUMBER_WORD = re.compile(r"\b(" + "|".join(_WORD_VALUES) + r")\b", re.IGNORECASE)
_AUX = re.compile(
    r"\b(?P<aux>is|are|was|were|will|would|can|could|should|must|has|have|had)"
    r" (?!not\b|n['’]t\b)(?P<next>[a-z]+)\b"
)
_PARTICIPLE = re.compile(
    r"\w+(ed|en|wn|ne)|been|made|said|told|left|won|lost|had|got|put|set|hit|cut|led|met|paid"
    r"|sent|spent|built|held|kept|brought|bought|found|struck|fought|taught|caught|thought"
)
"""Words after "has", "have" or "had" that make it an auxiliary ("has said"), not a verb."""
_NOT = re.compile(
    r"\b(is|are|was|were|will|would|has|have|had|can|could|should|did|does|do|must) not\b"
)
_CONTRACTED = {
    "isn't": "is",
    "aren't": "are",
    "wasn't": "was",
    "weren't": "were",
    "won't": "will",
    "wouldn't": "would",
    "hasn't": "has",
    "haven't": "have",
    "hadn't": "had",
    "can't": "can",
    "couldn't": "could",
    "shouldn't": "should",
    "didn't": "did",
    "doesn't": "does",
    "don't": "do",
}
_CONTRACTION = re.compile(
    r"\b(" + "|".join(c.replace("'", "['’]") for c in _CONTRACTED) + r")\b", re.IGNORECASE
)
_US = frozenset({"us", "u.s", "u.s.", "usa", "u.s.a.", "united states", "america"})
"""Names of the United States: one entity, however written."""
_METONYMS = (
    {"north korea", "pyongyang"},
    {"south korea", "seoul"},
    {"china", "beijing"},
    {"russia", "moscow", "kremlin"},
    {"iran", "tehran"},
    {"ukraine", "kyiv", "kiev"},
    {"israel", "jerusalem"},
    {"britain", "uk", "u.k", "u.k.", "united kingdom", "london"},
    {"congress", "capitol hill", "lawmakers"},
    {"white house", "trump administration", "administration"},
    {"washington", *_US},
)
"""Names news uses for one another ("Pyongyang" for North Korea): never a swap."""
_US_PREFIX = re.compile(r"^(u\.s\.?|us|united states|american) ")
_AFTER_AUX = frozenset("also still likely reportedly already now soon probably even just".split())
"""Adverbs that "not" goes after: "will likely not", not "will not likely"."""
_NEGATIVE_NEXT = frozenset("no never nothing none nobody neither nor yet longer".split())
"""Words that make an added or removed "not" a double negative or a broken idiom."""
_CLEAN_ENTITY = re.compile(r"[A-Z][\w.'’-]*(?: [A-Z][\w.'’-]*){0,3}")


@dataclass(frozen=True)
class Story:
    """A labelled story: its human roundup and the articles it summarises."""

    cluster_id: str
    split: str | None
    summary: str
    articles: tuple[Article, ...]


@dataclass(frozen=True)
class Alignment:
    """How one roundup sentence lines up with its story's articles.

    ``reason`` is None for a kept sentence, else why it was dropped
    (``framing``, ``number``, ``entity``, ``coverage``, ``cosine``; ``detail``
    names the missing numbers or entities). ``neighbours`` are the source
    sentences nearest it, best first; the first ``TOP_SENTENCES`` of them are
    its context: a perturbed value found there might be true, so perturbations
    avoid it.
    """

    sentence: str
    reason: str | None
    cosine: float
    coverage: float
    neighbours: tuple[str, ...]
    detail: str = ""

    @property
    def context(self) -> tuple[str, ...]:
        return self.neighbours[:TOP_SENTENCES]


@dataclass(frozen=True)
class Example:
    """One labelled pair: ``claim`` checked against all ``articles`` of the story.

    ``kind`` is ``roundup`` for a positive, else the perturbation; ``original``
    is the positive a negative was made from (the claim itself for a
    positive); ``old`` and ``new`` the text replaced and its replacement.
    """

    story_id: str
    claim: str
    label: int
    kind: str
    original: str
    old: str
    new: str
    articles: tuple[Article, ...]


# -- reading --------------------------------------------------------------------------------


def load_stories(
    articles_path: Path,
    stories_path: Path,
    splits: Collection[str] | None = frozenset({"test"}),
) -> list[Story]:
    """Stories with a roundup and at least one readable article, by ``cluster_id``.

    ``splits`` keeps rows whose ``split`` is one of them; rows without a split
    are always kept (a folder of unsplit stories is all test data); None keeps
    every row.
    """
    by_id = {a.id: a for a in read_articles(articles_path)}
    stories = []
    for line in text_lines(stories_path):
        row = json.loads(line)
        split = row.get("split")
        if splits is not None and split is not None and split not in splits:
            continue
        summary = str(row.get("summary") or "").strip()
        articles = tuple(by_id[i] for i in row.get("article_ids", []) if i in by_id)
        if summary and articles:
            stories.append(Story(str(row["cluster_id"]), split, summary, articles))
    return sorted(stories, key=lambda s: s.cluster_id)


def folder_files(folder: Path) -> tuple[Path, Path]:
    """``articles.jsonl[.gz]`` and ``stories.jsonl[.gz]`` of a folder in the cluster schema."""
    articles, stories = data_file(folder, "articles"), data_file(folder, "stories")
    if articles is None or stories is None:
        raise FileNotFoundError(f"{folder}: needs articles.jsonl[.gz] and stories.jsonl[.gz]")
    return articles, stories


# -- alignment ------------------------------------------------------------------------------


def framing(sentence: str) -> bool:
    """Whether a roundup sentence is about the coverage ("outlets on the right…")."""
    return _FRAMING.search(sentence) is not None


def source_sentences(articles: Iterable[Article]) -> list[str]:
    """Titles and text sentences of the articles, cleaned as the checker cleans them."""
    found: list[str] = []
    for article in articles:
        if article.title.strip():
            found.append(clean(article.title))
        found.extend(clean(s.text) for s in sentences(article.text))
    return list(dict.fromkeys(t for t in found if t))


def _folded(text: str) -> str:
    return " ".join(text.replace("’", "'").lower().split())


def _entity_key(text: str) -> str:
    """An entity as compared: no leading "the", no possessive, no format characters, folded."""
    return _folded(_tidy(text))


def _named(entity: str, label: str, haystack: str) -> bool:
    """Whether ``haystack`` (folded source text) names ``entity``: a surname is enough."""
    key = _entity_key(entity)
    options = {key}
    if label == "PERSON" and " " in key:
        options.add(key.split()[-1])
    if key in _US:
        options |= _US
    if _US_PREFIX.match(key):  # "U.S. Senate": the sources may say "the Senate"
        options.add(_US_PREFIX.sub("", key))
    if label == "NORP":  # "Democrats" names what "Democratic" does
        options.add(stem(key))
        return any(stem(w) in options for w in words(haystack)) or _contains(haystack, key)
    return any(_contains(haystack, o) for o in options if o)


def _contains(haystack: str, needle: str) -> bool:
    return re.search(r"(?<!\w)" + re.escape(needle) + r"(?!\w)", haystack) is not None


def align(
    story: Story, encoder: SentenceEncoder | None = None, parts: Sequence[str] | None = None
) -> list[Alignment]:
    """Each sentence of the roundup (or ``parts``) against the story's articles."""
    encoder = encoder or default_encoder()
    parts = list(parts) if parts is not None else [s.text for s in sentences(story.summary)]
    if not parts:
        return []
    doc = source_sentences(story.articles)
    haystack = _folded(" ".join(f"{a.title}\n{a.text}" for a in story.articles))
    source_numbers = number_values(haystack)
    cosine = encoder.embed([clean(p) for p in parts]) @ encoder.embed(doc).T
    analyses = analyse_many(parts)
    results = []
    for row, (part, analysis) in enumerate(zip(parts, analyses, strict=True)):
        best = np.argsort(-cosine[row], kind="stable")[:NEIGHBOURS]
        neighbours = tuple(doc[int(i)] for i in best)
        claim = set(content_stems(part))
        union = {s for t in neighbours[:TOP_SENTENCES] for s in content_stems(t)}
        coverage = len(claim & union) / len(claim) if claim else 0.0
        top = float(cosine[row, best[0]]) if len(best) else 0.0
        missing_numbers = sorted(number_values(part) - source_numbers)
        missing_entities = [
            e.text for e in analysis.of(*ENTITY_LABELS) if not _named(e.text, e.label, haystack)
        ]
        reason, detail = None, ""
        if framing(part) or len(words(part)) < MIN_WORDS:
            reason = "framing"
        elif missing_numbers:
            reason, detail = "number", ", ".join(missing_numbers)
        elif missing_entities:
            reason, detail = "entity", ", ".join(missing_entities)
        elif coverage < MIN_COVERAGE:
            reason = "coverage"
        elif top < MIN_COSINE:
            reason = "cosine"
        results.append(Alignment(part, reason, top, coverage, neighbours, detail))
    return results


# -- perturbations --------------------------------------------------------------------------


def _replace(sentence: str, start: int, end: int, new: str) -> str:
    return sentence[:start] + new + sentence[end:]


def _cased(new: str, like: str) -> str:
    return new[0].upper() + new[1:] if like[:1].isupper() else new


def swap_entity(
    sentence: str,
    entities: Sequence[tuple[str, int, int, str]],
    candidates: dict[str, list[str]],
    context: str,
    rng: random.Random,
) -> tuple[str, str, str] | None:
    """One entity of the sentence replaced by another of its label from the story's sources.

    ``entities`` are the sentence's (label, start, end, text); ``candidates``
    the sources' entity names by label. A candidate must be absent from the
    sentence and from ``context`` (the aligned source sentences), not be another
    name of the same thing (``same_entity``), and not be a person already named
    by surname. A person named by surname alone is replaced by a candidate's
    surname, one named in full by a full name. Returns (perturbed sentence, old,
    new) or None.
    """
    folded = _folded(sentence)
    context_folded = _folded(context)
    order = list(entities)
    rng.shuffle(order)
    for label, start, end, text in order:
        old = text
        if old.lower().startswith("the "):
            start, old = start + 4, old[4:]
        if old.endswith(("'s", "’s")):
            end, old = end - 2, old[:-2]
        pool = []
        for name in candidates.get(label, []):
            if label == "PERSON" and (" " in old) != (" " in name):
                if " " in old:
                    continue  # a full name for a full name
                name = name.split()[-1]
            key = _entity_key(name)
            if (
                not key
                or _contains(folded, key)
                or _contains(context_folded, key)
                or same_entity(old, name)
                or (label == "PERSON" and _contains(folded, name.split()[-1].lower()))
            ):
                continue
            pool.append(name)
        if pool:
            new = rng.choice(sorted(set(pool)))
            if new.endswith(".") and sentence[end : end + 1] == ".":
                end += 1  # "the E.U." at the end of the sentence
            return _replace(sentence, start, end, new), old, new
    return None


def same_entity(a: str, b: str) -> bool:
    """Whether two names may name one thing: a shared word or a shared 3-letter start
    ("Democrats" and "Dems", "Donald Trump" and "Trump"), or two names of the U.S."""
    a_key, b_key = _entity_key(a), _entity_key(b)
    if any(a_key in group and b_key in group for group in (_US, *_METONYMS)):
        return True
    if _initials(a_key) == b_key.replace(".", "") or _initials(b_key) == a_key.replace(".", ""):
        return True  # "European Union" and "E.U."
    a_words, b_words = words(a_key), words(b_key)
    return any(x[:3] == y[:3] for x in a_words for y in b_words)


def _initials(key: str) -> str:
    return "".join(w[0] for w in key.split() if w not in ("of", "the", "and", "for"))


def _format_like(value: float, original: str) -> str:
    digits = original.replace(",", "")
    if "." in digits:
        places = len(digits.split(".")[1])
        return f"{value:.{places}f}"
    whole = round(value)
    return f"{whole:,}" if "," in original or whole >= 10_000 else str(whole)


def swap_number(
    sentence: str, source_numbers: Sequence[str], context: str, rng: random.Random
) -> tuple[str, str, str] | None:
    """One number (digits or a number word, not a year) replaced by a different one.

    Digits become another number the sources state (half the time, when one
    within a factor of 5 exists) or a scaled value, formatted like the
    original; a number word becomes another number word within a factor of 3
    ("two" → "five", not "ninety"). The new value must not occur in
    ``context`` or elsewhere in the sentence. Returns (perturbed sentence,
    old, new) or None.
    """
    taken = number_values(context) | number_values(sentence)
    found = [m for m in _NUMBER.finditer(sentence) if not _YEAR.fullmatch(m.group())]
    found += list(_NUMBER_WORD.finditer(sentence))
    found.sort(key=lambda m: m.start())
    rng.shuffle(found)
    for match in found:
        old = match.group()
        if old.lower() in _WORD_VALUES:
            value = _WORD_VALUES[old.lower()]
            options = [
                w
                for w, v in _WORD_VALUES.items()
                if v != value and value / 3 <= v <= value * 3 and str(v) not in taken
            ]
            if not options:
                continue
            new = _cased(rng.choice(options), old)
        else:
            number = float(old.replace(",", ""))
            similar = [
                n
                for n in source_numbers
                if n not in taken and number > 0 and 0.2 <= float(n) / number <= 5
            ]
            if similar and rng.random() < 0.5:
                new = _format_like(float(rng.choice(sorted(similar))), old)
            else:
                factor = rng.choice([0.5, 2.0, 3.0, 1.5, 0.25, 10.0])
                scaled = number * factor if number > 3 else number + rng.choice([2, 3, 5])
                new = _format_like(scaled, old)
            if new.replace(",", "") in taken or new == old:
                continue
        return _replace(sentence, match.start(), match.end(), new), old, new
    return None


def swap_date(
    sentence: str, haystack: str, context: str, rng: random.Random
) -> tuple[str, str, str] | None:
    """A weekday, month or year replaced by another one absent from ``context``.

    Only a date the sources state (in ``haystack``) is changed, so the positive
    is sourced in that respect and the negative is not. "May" counts as a
    month only before a day number or after "in", "last", "since" or "early"/"late".
    Returns (perturbed sentence, old, new) or None.
    """
    found = []
    for match in _DATE_WORD.finditer(sentence):
        word = match.group()
        if word == "May" and not (
            re.match(r" \d", sentence[match.end() :])
            or re.search(r"\b(in|last|since|early|late|until|mid-)\s*$", sentence[: match.start()])
        ):
            continue
        if _contains(_folded(haystack), word.lower()):
            found.append(match)
    found.extend(m for m in _YEAR.finditer(sentence) if m.group() in haystack)
    found.sort(key=lambda m: m.start())
    rng.shuffle(found)
    context_folded = _folded(context)
    for match in found:
        old = match.group()
        if old in _WEEKDAYS or old in _MONTHS:
            group = list(_WEEKDAYS if old in _WEEKDAYS else _MONTHS)
            options = [w for w in group if w != old and not _contains(context_folded, w.lower())]
            options = [w for w in options if w not in sentence and w != "May"]
        else:
            options = [str(int(old) + d) for d in (-3, -2, -1, 1, 2, 3)]
            options = [y for y in options if y not in context and y not in sentence]
        if options:
            new = rng.choice(options)
            return _replace(sentence, match.start(), match.end(), new), old, new
    return None


def negate(sentence: str) -> tuple[str, str, str] | None:
    """Remove the first negation of an auxiliary, or add "not" after the first auxiliary.

    "didn't" becomes "did", "was not" becomes "was"; "will face" becomes
    "will not face", "has said" "has not said". "has", "have" and "had" count
    as auxiliaries only before a participle, and "do" never when adding (both
    are main verbs as often); sentences with no auxiliary are left alone:
    negating a bare verb ("announced" → "did not announce") needs a lemmatiser.
    Returns (perturbed sentence, old, new) or None.
    """
    removal = [m for m in (_NOT.search(sentence), _CONTRACTION.search(sentence)) if m]
    if removal:
        match = min(removal, key=lambda m: m.start())
        if sentence[match.end() :].split()[:1] in (["yet"], ["only"], ["just"]):
            return None  # "has not yet passed" has no positive twin by deletion
        old = match.group()
        if _NOT.fullmatch(old):
            new = match.group(1)
        else:
            new = _cased(_CONTRACTED[old.lower().replace("’", "'")], old)
        return _replace(sentence, match.start(), match.end(), new), old, new
    for match in _AUX.finditer(sentence):
        aux, after = match.group("aux"), match["next"]
        if aux.lower() in ("has", "have", "had") and not _PARTICIPLE.fullmatch(after):
            continue
        if after in _NEGATIVE_NEXT:
            return None
        if after in _AFTER_AUX:  # "will likely not rise"
            end = match.end("next")
            old = sentence[match.start() : end]
            return _replace(sentence, match.start(), end, f"{old} not"), old, f"{old} not"
        end = match.end("aux")
        return _replace(sentence, match.start(), end, f"{aux} not"), aux, f"{aux} not"
    return None


# -- the suite ------------------------------------------------------------------------------


def candidates(alignment: Alignment, story: Story) -> dict[str, list[str]]:
    """Names an entity swap may put in, by label: spaCy's entities of the sentence's
    ``NEIGHBOURS`` (titles left out: spaCy reads Title Case headlines as names), tidy
    ones only (capitalised words, no stray symbols), without "the" or a possessive.
    Sentences with The Hill's "MORE" link teasers (names run together) are skipped."""
    titles = {clean(a.title) for a in story.articles}
    found: dict[str, set[str]] = defaultdict(set)
    texts = [t for t in alignment.neighbours if t not in titles and "MORE" not in t]
    for analysis in analyse_many(texts):
        for entity in analysis.of(*ENTITY_LABELS):
            name = _tidy(entity.text)
            if _CLEAN_ENTITY.fullmatch(name) and len(name) > 2:
                found[entity.label].add(name)
    return {label: sorted(names) for label, names in found.items()}


def _tidy(text: str) -> str:
    text = "".join(c for c in text if unicodedata.category(c) != "Cf").strip()
    return re.sub(r"['’]s$", "", re.sub(r"^[Tt]he ", "", text))


def perturb(
    alignment: Alignment, story: Story, kinds: Sequence[str], rng: random.Random
) -> tuple[str, str, str, str] | None:
    """The first of ``kinds`` that applies to a kept sentence: (kind, sentence, old, new)."""
    sentence, context = alignment.sentence, "\n".join(alignment.context)
    haystack = "\n".join(f"{a.title}\n{a.text}" for a in story.articles)
    for kind in kinds:
        made: tuple[str, str, str] | None = None
        if kind == "entity-swap":
            entities = [
                (e.label, e.start, e.end, e.text)
                for e in analyse_many([sentence])[0].of(*ENTITY_LABELS)
            ]
            if entities:
                pool = candidates(alignment, story)
                made = swap_entity(sentence, entities, pool, context, rng)
        elif kind == "number-swap":
            made = swap_number(sentence, sorted(number_values(haystack)), context, rng)
        elif kind == "date-swap":
            made = swap_date(sentence, haystack, context, rng)
        elif kind == "negation":
            made = negate(sentence)
        if made is not None and made[0] != sentence:
            return kind, *made
    return None


def build_suite(
    articles_path: Path,
    stories_path: Path,
    splits: Collection[str] | None = frozenset({"test"}),
    limit: int | None = None,
    encoder: SentenceEncoder | None = None,
    report: dict[str, Counter[str]] | None = None,
) -> list[Example]:
    """Positives (aligned roundup sentences) and one negative each, story by story.

    With ``limit``, stories are drawn in a seeded random order until ``limit``
    examples are made, and the list is cut there. ``report``, when given,
    receives the count of kept and dropped sentences by reason
    (``report["sentences"]``) and of negatives by kind (``report["kinds"]``).
    """
    stories = load_stories(articles_path, stories_path, splits)
    if limit is not None:
        random.Random(SEED).shuffle(stories)
    made: Counter[str] = Counter()
    reasons: Counter[str] = Counter()
    examples: list[Example] = []
    for story in stories:
        if limit is not None and len(examples) >= limit:
            break
        rng = random.Random(f"{SEED}:{story.cluster_id}")
        for alignment in align(story, encoder):
            reasons[alignment.reason or "kept"] += 1
            if alignment.reason is not None:
                continue
            s = alignment.sentence
            examples.append(Example(story.cluster_id, s, 1, "roundup", s, "", "", story.articles))
            order = sorted(KINDS, key=lambda k: (made[k], KINDS.index(k)))
            negative = perturb(alignment, story, order, rng)
            if negative is None:
                continue
            kind, claim, old, new = negative
            made[kind] += 1
            examples.append(Example(story.cluster_id, claim, 0, kind, s, old, new, story.articles))
    if report is not None:
        report["sentences"] = reasons
        report["kinds"] = made
    return examples if limit is None else examples[:limit]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=ALLSIDES, help="folder, cluster schema")
    parser.add_argument("--splits", nargs="*", default=["test"], help="none: every row")
    parser.add_argument("--limit", type=int, help="stop after N examples")
    parser.add_argument("--show", type=int, default=10, help="print N positives with twins")
    parser.add_argument("--dropped", action="store_true", help="print dropped sentences too")
    args = parser.parse_args(argv)
    articles, stories = folder_files(args.data)
    splits = set(args.splits) if args.splits else None
    if args.dropped:
        for story in load_stories(articles, stories, splits)[: args.show]:
            for a in align(story):
                mark = a.reason or "KEPT"
                print(f"[{mark} cos={a.cosine:.2f} cov={a.coverage:.2f} {a.detail}] {a.sentence}")
        return 0
    started = time.perf_counter()
    report: dict[str, Counter[str]] = {}
    suite = build_suite(articles, stories, splits, args.limit, report=report)
    seconds = time.perf_counter() - started
    shown = 0
    for example in suite:
        if example.label == 0 and shown < args.show:
            shown += 1
            print(f"+ {example.original}\n- [{example.kind}] {example.old!r} -> {example.new!r}")
    print(f"sentences: {dict(report['sentences'])}", file=sys.stderr)
    print(f"negatives: {dict(report['kinds'])}", file=sys.stderr)
    positives = sum(e.label for e in suite)
    print(f"{len(suite)} examples, {positives} positive, built in {seconds:.0f}s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
