"""File a story under one section of the fixed taxonomy.

A transparent keyword model: each section has a lexicon (``sections.toml``);
a story's score for a section counts lexicon hits in its articles, headlines
counting three times.
It is simple on purpose (a later classifier can replace ``classify``), but it
is explainable: ``scores`` shows why a story landed where it did.
"""

from __future__ import annotations

import tomllib
from collections import Counter
from collections.abc import Sequence
from importlib import resources

from newsdesk.language.text import words
from newsdesk.records import CATEGORIES, Article


def _lexicon() -> dict[str, frozenset[str]]:
    """Section -> words, from ``sections.toml`` beside this module."""
    text = (resources.files("newsdesk.language") / "sections.toml").read_text(encoding="utf-8")
    table = tomllib.loads(text)
    unknown = set(table) - set(CATEGORIES)
    if unknown:
        raise ValueError(f"sections.toml names unknown sections: {sorted(unknown)}")
    return {section: frozenset(entry["words"].split()) for section, entry in table.items()}


LEXICON = _lexicon()

TITLE_WEIGHT = 3


def scores(articles: Sequence[Article]) -> Counter[str]:
    """Lexicon hits per section over the articles' titles and texts."""
    counts: Counter[str] = Counter()
    for article in articles:
        tokens = Counter(words(article.text))
        for token, n in Counter(words(article.title)).items():
            tokens[token] += TITLE_WEIGHT * n
        for section, lexicon in LEXICON.items():
            counts[section] += sum(n for token, n in tokens.items() if token in lexicon)
    return counts


FIT_RATIO = 2
"""A declared section fits when it scores at least 1/FIT_RATIO of the best section."""


def best_of(counts: Counter[str]) -> str:
    """The best-scoring section; ties go to the earlier section in ``CATEGORIES``."""
    return max(CATEGORIES, key=lambda section: (counts[section], -CATEGORIES.index(section)))


def classify(articles: Sequence[Article]) -> str:
    """The best-scoring section of ``articles``."""
    return best_of(scores(articles))


def fits(declared: str, counts: Counter[str]) -> bool:
    """Whether ``declared`` (a section of the taxonomy) fits content that scored ``counts``.

    Close calls pass: a story about a trade deal is Business or World. A section
    scoring less than half the best one does not (peace talks are not Markets).
    """
    top = counts[best_of(counts)]
    return top == 0 or declared == best_of(counts) or counts[declared] * FIT_RATIO >= top
