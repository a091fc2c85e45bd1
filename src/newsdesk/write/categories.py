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

from newsdesk.records import CATEGORIES, Article
from newsdesk.text import words


def _lexicon() -> dict[str, frozenset[str]]:
    """Section -> words, from ``sections.toml`` beside this module."""
    text = (resources.files("newsdesk.write") / "sections.toml").read_text(encoding="utf-8")
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


def classify(articles: Sequence[Article]) -> str:
    """The best-scoring section; ties go to the earlier section in ``CATEGORIES``."""
    counts = scores(articles)
    return max(CATEGORIES, key=lambda section: (counts[section], -CATEGORIES.index(section)))
