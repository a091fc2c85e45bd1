"""Whether an article in another language reports a story's event, by what survives translation.

The clusterer compares MiniLM vectors and TF-IDF words, and both read
English: a Russian report shares almost no words with the English reports of
its event and its vectors are noise, so left to the clusterer it starts a
story of its own, which the edition could only headline in Russian. What
translation leaves alone is compared instead (``language/crosslingual.py``):
names ("Witkoff", "NATO", and "Уиткофф" once transliterated), figures ("28")
and links. Dates are the clusterer's: only the stories open to the article's
day (within ``[stories] window_days`` of their articles) are candidates.

The rule, measured by ``bench/other_languages.py`` on the AllSides events
(3,825 articles, each translated in simulation into French, and into Russian
with its names in Cyrillic, then placed among the stories open to its day):
the article *matches* a story when, on average over the story's articles, it
shares ``MIN_NAMES`` names and ``MIN_SHARED`` names, figures and links with
each, and its figures do not conflict with theirs (``Overlap.conflict``). It
*joins* the story it shares most with only when that story matches and no
other shares more than ``MARGIN`` as much: two stories of one saga a day apart
match the same articles, and picking one would be a guess. Measured, 34 to 48%
of articles join their own story and 0.6 to 1.0% a wrong one; the others are
further coverage of their nearest story (``choose``), their own for 61 to 68%
of them. The average over a story's articles rather than the union of their
facts, because a big story's union holds every common name ("Trump",
"House"): with the union 1.4 to 1.7% joined a wrong story. With its own story
missing, an article joins another in 6% (excerpts) to 23% (full texts) of
cases, mostly a story of the same saga.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from newsdesk.language.crosslingual import (
    fold,
    name_key,
    names,
    numbers,
    transliterate,
    within_one_edit,
)
from newsdesk.language.detection import ENGLISH, language_of, other_language_of
from newsdesk.language.urls import normalize_url
from newsdesk.records import Article
from newsdesk.store import ArticleStore

MIN_NAMES = 2.0
"""Names an article must share, on average, with each article of a story."""
MIN_SHARED = 3.0
"""Names, figures and links it must share, on average, with each: at 2, 11 to 27% of
articles whose own story was missing joined another (6 to 23% at 3); at 4, the excerpts'
articles joining their own story fell from 34-38% to 25-28%."""
MARGIN = 0.5
"""The most another story may share, as a share of what the best one shares, for the
article to join the best: at 0.6, 1.0 to 2.0% of articles joined a wrong story; at 0.4,
0.2 to 0.3%, but only 28 to 37% their own."""
MIN_FIGURES = 3
"""Figures an article must give before none of them in a story's articles is a conflict:
among pairs that pass the names test, 9 to 12% of wrong stories conflict so, and 2 to 6%
of the articles' own."""
MIN_NAME = 3
"""Letters of the shortest name compared: "Lee" is one, "По" ("on") is not."""
FUZZY_NAME = 5
"""Letters (as ``name_key`` spells them) a name needs before one transliterated from
another script may differ from it by a letter: "Трамп" is "tramp", "Witkoff" "vitkof"."""
ENDING = 3
"""Letters a name may carry after it in an inflected language ("Путина", "Trumpem")."""

_URL = re.compile(r"https?://[^\s<>\"'()\[\]]+")
_LATIN = re.compile(r"[a-z]")


def figures(values: Iterable[Decimal]) -> frozenset[Decimal]:
    """Numbers that tell one event from another: not years (1900 to 2100), which every
    story of a season shares, and not under 10, which any article gives."""
    return frozenset(
        v for v in values if v >= 10 and not (v == v.to_integral_value() and 1900 <= v <= 2100)
    )


class Facts:
    """What of one article survives translation: its names (as ``name_key`` spells them,
    each with whether it was written in another script than Latin), figures and links
    (its own URL among them), with the names indexed for finding one a letter apart."""

    def __init__(
        self, names: Iterable[tuple[str, bool]], figures: Iterable[Decimal], links: Iterable[str]
    ) -> None:
        self.names = frozenset(names)
        self.figures = frozenset(figures)
        self.links = frozenset(links)
        self.keys = frozenset(key for key, _ in self.names)
        self._near: dict[str, set[str]] = {}
        for key in self.keys:
            if len(key) >= FUZZY_NAME:
                for variant in _deletions(key):
                    self._near.setdefault(variant, set()).add(key)

    def name_for(self, key: str, other_script: bool) -> str | None:
        """This article's name that ``key`` (from another article) spells, inflected or
        not; one written in another script may also be a letter off. None when none is."""
        for cut in range(len(key), max(len(key) - ENDING, MIN_NAME) - 1, -1):
            stem = key[:cut]
            if stem in self.keys and (cut == len(key) or len(stem) > MIN_NAME):
                return stem
        if not other_script:
            return None
        for cut in range(len(key), max(len(key) - ENDING, FUZZY_NAME - 1) - 1, -1):
            stem = key[:cut]
            for variant in _deletions(stem):
                for name in sorted(self._near.get(variant, ())):
                    if within_one_edit(stem, name):
                        return name
        return None


def _deletions(key: str) -> set[str]:
    return {key} | {key[:i] + key[i + 1 :] for i in range(len(key))}


def facts(article: Article, language: str | None = None) -> Facts:
    """The names, figures and links of ``article`` (in ``language``, else its own)."""
    language = language or language_of(article)
    text = f"{article.title}\n{article.text}"
    found = set()
    for name in names(text):
        if len(transliterate(name, language)) >= MIN_NAME:
            found.add((name_key(name, language), not _LATIN.search(fold(name))))
    links = {normalize_url(url.rstrip(".,;:!?")) for url in _URL.findall(text)}
    if article.url:
        links.add(normalize_url(article.url))
    return Facts(found, figures(numbers(text, language, lenient=True)), links)


@dataclass(frozen=True)
class Shared:
    """What an article shares with one other article."""

    names: frozenset[str]
    figures: frozenset[Decimal]
    links: frozenset[str]

    @property
    def count(self) -> int:
        return len(self.names) + len(self.figures) + len(self.links)


def shared(article: Facts, other: Facts) -> Shared:
    """The names (as ``other`` spells them), figures and links ``article`` shares with
    ``other``."""
    found = {other.name_for(key, foreign) for key, foreign in article.names}
    return Shared(
        frozenset(name for name in found if name is not None),
        article.figures & other.figures,
        article.links & other.links,
    )


@dataclass(frozen=True)
class Overlap:
    """What an article in another language shares with a story's articles."""

    names: float
    """Names shared with each of the story's articles, on average."""
    shared: float
    """Names, figures and links shared with each, on average."""
    figures: frozenset[Decimal]
    """The article's figures that some article of the story gives too."""
    links: frozenset[str]
    given: int
    """Figures the article gives."""

    @property
    def conflict(self) -> bool:
        """The article gives ``MIN_FIGURES`` figures or more, no article of the story
        gives any of them and they share no link: another count, likely another event."""
        return self.given >= MIN_FIGURES and not self.figures and not self.links

    @property
    def matched(self) -> bool:
        """Whether the story's articles share enough with the article (see the module's
        docstring); ``choose`` adds that no other story may come close."""
        return self.names >= MIN_NAMES and self.shared >= MIN_SHARED and not self.conflict


def overlap(article: Facts, members: Sequence[Facts]) -> Overlap:
    """What ``article`` shares with ``members``, a story's articles."""
    if not members:
        return Overlap(0.0, 0.0, frozenset(), frozenset(), len(article.figures))
    each = [shared(article, member) for member in members]
    return Overlap(
        names=sum(len(s.names) for s in each) / len(each),
        shared=sum(s.count for s in each) / len(each),
        figures=frozenset().union(*(s.figures for s in each)),
        links=frozenset().union(*(s.links for s in each)),
        given=len(article.figures),
    )


def matches(article: Article, members: Sequence[Article], edition: str = ENGLISH) -> bool:
    """Whether ``article``, in another language than ``edition``, reports the event of
    ``members`` (a story's articles, in ``edition``): ``Overlap.matched``."""
    story = [facts(member, edition) for member in members]
    return overlap(facts(article), story).matched


def choose(overlaps: Mapping[str, Overlap], scores: Mapping[str, float]) -> tuple[str | None, bool]:
    """The story an article in another language goes to, and whether it joins it.

    It joins the story that shares most with it when that story matches and no
    other shares more than ``MARGIN`` of as much. Otherwise it is further
    coverage of the nearest story: the one sharing most, else (when none
    shares anything) the one the clusterer scores highest. Ties go to the
    clusterer's higher score, then the lower id. None for no candidate.
    """
    if not overlaps:
        return None, False

    def rank(story_id: str) -> tuple[float, float, float, str]:
        found = overlaps[story_id]
        return (-found.shared, -found.names, -scores.get(story_id, 0.0), story_id)

    ranked = sorted(overlaps, key=rank)
    best = overlaps[ranked[0]]
    runner_up = overlaps[ranked[1]].shared if len(ranked) > 1 else 0.0
    return ranked[0], best.matched and runner_up <= MARGIN * best.shared


class Reader:
    """The edition's language, and the facts of the articles one run compares, each read
    once: a story's articles are compared with every article in another language that
    could join it."""

    def __init__(self, store: ArticleStore, edition: str) -> None:
        self.store = store
        self.edition = edition
        self._facts: dict[str, Facts] = {}

    def language(self, article: Article) -> str | None:
        """The article's language when it is not the edition's, else None."""
        return other_language_of(article, self.edition)

    def other_languages(self, article_ids: Iterable[str]) -> list[str]:
        """The stored articles among ``article_ids`` in another language than the edition's."""
        return [a.id for a in self.store.articles(sorted(set(article_ids))) if self.language(a)]

    def place(
        self,
        article: Article,
        language: str,
        stories: Mapping[str, Sequence[str]],
        scores: Mapping[str, float],
    ) -> tuple[str | None, bool]:
        """Where ``article`` (in ``language``) goes among ``stories`` (each story's article
        ids; ``scores``, the clusterer's) and whether it joins: see ``choose``."""
        wanted = sorted({i for ids in stories.values() for i in ids} - set(self._facts))
        for member in self.store.articles(wanted):
            self._facts[member.id] = facts(member, self.edition)
        mine = facts(article, language)
        overlaps = {
            story_id: overlap(mine, [self._facts[i] for i in ids if i in self._facts])
            for story_id, ids in stories.items()
        }
        return choose(overlaps, scores)
