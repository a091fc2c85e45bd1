"""Which of a story's sources are independent of one another.

A fact the newsroom states in its own voice needs two independent sources
(``language.corroboration``). Two articles are *one* source when they come from the
same outlet (however a dataset labels its desks: ``attribution.same_outlet``) or
when one copies the other: an AP story run by two papers, a Reuters story re-run
with another headline and a trimmed tail. Copies are told as ingest and stories tell
them (``ingest/deduplication.py``): at least ``NEAR_DUPLICATE`` of the shorter text's
word 5-gram shingles occur in the other (containment, not Jaccard, because a copy
trimmed to half the original is still all copied text). Groups are closed under both
relations: two papers that each copy one wire story are one source with it.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass

from newsdesk.language.attribution import display_name, same_outlet
from newsdesk.language.shingles import (
    NEAR_DUPLICATE,
    SHINGLE_WORDS,
    containment,
    normalized_words,
    shingles,
)
from newsdesk.records import Article


@dataclass(frozen=True)
class SourceGroups:
    """A story's sources in groups of one independent source each.

    ``group`` maps an article id to its group's number; ``outlets`` holds, per group,
    the display names of its outlets in source order, each once.
    """

    group: dict[str, int]
    outlets: tuple[tuple[str, ...], ...]

    def __len__(self) -> int:
        return len(self.outlets)

    def of(self, article_id: str) -> int | None:
        """The group of an article, or None for one that is not among the sources."""
        return self.group.get(article_id)

    def name(self, number: int) -> str:
        """How a reader knows the group: its outlet, or its outlets joined ("CBS News and
        Newsmax")."""
        names = self.outlets[number]
        return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]

    def describe(self, number: int) -> str:
        """The group's name, saying so when it is several outlets running one story."""
        if len(self.outlets[number]) == 1:
            return self.name(number)
        return f"{self.name(number)} (copies of one story count once)"


def source_groups(sources: Sequence[Article]) -> SourceGroups:
    """The independent sources among ``sources``: same outlet or a copy, one group."""
    return _groups(tuple((a.id, a.outlet, a.text) for a in sources))


@functools.lru_cache(maxsize=256)
def _groups(keys: tuple[tuple[str, str, str], ...]) -> SourceGroups:
    parent = list(range(len(keys)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i, (_, outlet_i, text_i) in enumerate(keys):
        for j in range(i + 1, len(keys)):
            _, outlet_j, text_j = keys[j]
            if root(i) == root(j):
                continue
            if same_outlet(outlet_i, outlet_j) or copies(text_i, text_j):
                parent[root(j)] = root(i)
    numbers: dict[int, int] = {}
    group: dict[str, int] = {}
    names: list[list[str]] = []
    for i, (article_id, outlet, _) in enumerate(keys):
        number = numbers.setdefault(root(i), len(numbers))
        if number == len(names):
            names.append([])
        shown = display_name(outlet)
        if not any(same_outlet(shown, other) for other in names[number]):
            names[number].append(shown)
        group.setdefault(article_id, number)
    return SourceGroups(group, tuple(tuple(n) for n in names))


def copies(a: str, b: str, threshold: float = NEAR_DUPLICATE) -> bool:
    """Whether one text copies the other (texts too short to shingle never do)."""
    first, second = _shingles(a), _shingles(b)
    if first is None or second is None:
        return False
    return containment(first, second) >= threshold


@functools.lru_cache(maxsize=4096)
def _shingles(text: str) -> frozenset[str] | None:
    if len(normalized_words(text)) < 2 * SHINGLE_WORDS:
        return None
    return frozenset(shingles(text))
