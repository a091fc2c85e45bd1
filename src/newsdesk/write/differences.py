"""Where outlets differ: the section after the body that sets the outlets' accounts side by side.

Three kinds of line, each a source's own words, credited and cited like any
other sentence:

* **Figures**: two outlets give one figure different values on the same day
  ("lost 1,255 points" / "dropped more than 1,800 points"). Both sentences are
  printed, each with its outlet. A pair counts only when the two sentences are
  about the same thing (similar overall, at least ``SHARED_WORDS`` content words
  shared near the figures), the figures count the same thing (kind, currency and
  counted noun alike) and contradict each other (``language.quantities``), and
  neither sentence also states the other's value: "50 percent support, 46
  oppose" beside "46 percent oppose, 50 support" agrees.
* **Headlines**: outlets frame a story first in their headlines. When their
  titles differ in their words, the most different ones are quoted, each as
  its outlet's headline (``attribution.headline_credit``); the checker holds
  each to the exact title it cites.
* **What one outlet adds**: each outlet's most distinctive relevant sentence,
  the one least like what the other outlets wrote.

Only for stories with two or more outlets. Nothing here repeats a sentence the
article already uses.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from itertools import combinations

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer

from newsdesk.language.attribution import attribute, credit_mentions, headline_credit
from newsdesk.language.quantities import (
    NUMBERISH,
    WEAK_WORDS,
    Quantity,
    contradicts,
    matches,
    quantities,
)
from newsdesk.language.text import content_words
from newsdesk.records import Article, Citation, Sentence
from newsdesk.write.ranking import Ranked

SHARED_WORDS = 3
"""Content words two figures' neighbourhoods must share to be one figure."""
NEAR = 60
"""Characters on each side of a figure that make its neighbourhood."""
MAX_FIGURE_PAIRS = 2
HEADLINE_DIFFERENT = 0.5
"""TF-IDF cosine below which two titles frame the story differently."""
MAX_HEADLINES = 3
_FIGURE_KINDS = frozenset({"count", "money", "percent"})


def differences(
    ranked: Ranked,
    articles: Sequence[Article],
    taken: list[int],
    cited: Collection[Citation] = (),
) -> list[Sentence]:
    """The lines of "Where outlets differ" in order: figures, headlines, what each adds.

    ``taken`` holds the indices of the candidates the article already uses; it is
    extended with those used here. Titles in ``cited`` (the timeline's) are not quoted
    again."""
    if len({a.outlet for a in articles}) < 2:
        return []
    disputed = figures(ranked, taken)
    framed = headlines([a for a in articles if Citation.title_of(a) not in cited])
    quoted = {line.outlet for line in disputed if line.outlet}
    return [*disputed, *framed, *distinctive(ranked, taken, quoted)]


def figures(ranked: Ranked, taken: list[int]) -> list[Sentence]:
    """Pairs of sentences in which two outlets give one figure different values."""
    cands = ranked.cands
    found = [_figures(c.printed) for c in cands]
    pairs: list[tuple[float, int, int]] = []
    for i, j in combinations(range(len(cands)), 2):
        a, b = cands[i].article, cands[j].article
        if not found[i] or not found[j] or a.outlet == b.outlet:
            continue
        if a.published and b.published and a.published != b.published:
            continue  # a figure that changes from one day to the next is news, not a dispute
        if ranked.similarity[i, j] < ranked.corroborated:
            continue
        if _disputed(cands[i].printed, found[i], cands[j].printed, found[j]):
            pairs.append((float(ranked.similarity[i, j]), i, j))
    lines: list[Sentence] = []
    for _, i, j in sorted(pairs, reverse=True):
        if len(lines) >= 2 * MAX_FIGURE_PAIRS or not _free(ranked, (i, j), taken):
            continue
        for index in (i, j):
            cand = cands[index]
            taken.append(index)
            text = attribute(cand.printed, cand.article.outlet)
            lines.append(Sentence("coverage", text, cand.citations, outlet=cand.article.outlet))
    return lines


def _figures(text: str) -> list[Quantity]:
    """The figures of ``text`` two outlets could dispute: counts of a named thing, money,
    percentages, as reported (not "for the first time")."""
    return [
        q
        for q in quantities(text)
        if q.kind in _FIGURE_KINDS and q.asserted and (q.unit is not None or q.kind != "count")
    ]


def _disputed(
    first: str, first_figures: list[Quantity], second: str, second_figures: list[Quantity]
) -> bool:
    """Whether a figure of each sentence is one figure with two values."""
    for a in first_figures:
        if any(matches(a, other) for other in second_figures):
            continue
        for b in second_figures:
            if (a.kind, a.unit, a.currency) != (b.kind, b.unit, b.currency):
                continue
            if any(matches(b, other) for other in first_figures) or not contradicts(a, b):
                continue
            if len(_near(first, a) & _near(second, b)) >= SHARED_WORDS:
                return True
    return False


def _near(text: str, figure: Quantity) -> set[str]:
    """The content words around a figure, without number words and the counted noun."""
    around = content_words(text[max(0, figure.start - NEAR) : figure.end + NEAR])
    return {w for w in around if w not in WEAK_WORDS and w not in NUMBERISH and not w.isdigit()} - {
        figure.unit or ""
    }


def _free(ranked: Ranked, indices: Sequence[int], taken: Sequence[int]) -> bool:
    """Whether none of ``indices`` is used or repeats a sentence already used."""
    return all(i not in taken and not ranked.repeats_any(i, taken) for i in indices)


def headlines(articles: Sequence[Article]) -> list[Sentence]:
    """The outlets' headlines that frame the story most differently, quoted and credited.

    One title per outlet (its first article's), furniture-free and of a few
    words; the two least alike, then any other title unlike both, when the least
    alike pair has a TF-IDF cosine under ``HEADLINE_DIFFERENT``.
    """
    titled: dict[str, Article] = {}
    for article in articles:
        title = article.title.strip()
        if article.outlet not in titled and 4 <= len(title.split()) <= 25 and _plain(title):
            titled[article.outlet] = article
    chosen = list(titled.values())
    if len(chosen) < 2:
        return []
    try:
        matrix = TfidfVectorizer(stop_words="english").fit_transform([a.title for a in chosen])
    except ValueError:
        return []
    similarity = np.asarray((matrix @ matrix.T).todense())
    pairs = sorted(combinations(range(len(chosen)), 2), key=lambda p: similarity[p])
    first, second = pairs[0]
    if similarity[first, second] >= HEADLINE_DIFFERENT:
        return []
    picked = [first, second]
    for k in np.argsort(similarity[first] + similarity[second], kind="stable"):
        if len(picked) >= MAX_HEADLINES:
            break
        if int(k) not in picked and all(similarity[int(k), p] < HEADLINE_DIFFERENT for p in picked):
            picked.append(int(k))
    lines = []
    for index in picked:
        article = chosen[index]
        text = headline_credit(article.title, article.outlet)
        lines.append(
            Sentence("coverage", text, (Citation.title_of(article),), outlet=article.outlet)
        )
    return lines


def _plain(title: str) -> bool:
    """A title that reads as a headline: no quotation inside the quotation, not all capitals."""
    return not any(mark in title for mark in '“”"') and not title.isupper()


def distinctive(ranked: Ranked, taken: list[int], skip: Collection[str] = ()) -> list[Sentence]:
    """Each outlet's most distinctive relevant sentence, attributed.

    Distinctive means least like what the other outlets wrote (1 - the best
    cosine to another outlet's sentence), weighed by the sentence's own score,
    so each line shows what that outlet's account adds to the others'. Never
    repeating a sentence in ``taken``, and none for the outlets in ``skip`` (those
    a figure line already quotes). A sentence that credits another outlet
    ("…, the Chicago Sun-Times reported") tells that outlet's account, not this
    one's, and is passed over.
    """
    outlets = sorted({c.article.outlet for c in ranked.cands})
    if len(outlets) < 2:
        return []
    names = np.array([c.article.outlet for c in ranked.cands])
    other = names[:, None] != names[None, :]
    shared = np.where(other, ranked.similarity, 0.0).max(axis=1, initial=0.0)
    value = ranked.scores * (1.0 - shared)
    lines = []
    for outlet in outlets:
        if outlet in skip:
            continue
        pool = [
            int(i)
            for i in np.argsort(-value, kind="stable")
            if names[i] == outlet
            and not credit_mentions(ranked.cands[int(i)].printed)
            and _free(ranked, (int(i),), taken)
        ]
        if not pool:
            continue
        cand = ranked.cands[pool[0]]
        taken.append(pool[0])
        text = attribute(cand.printed, outlet)
        lines.append(Sentence("coverage", text, cand.citations, outlet=outlet))
    return lines
