"""Word shingles: how much of one text another contains.

Ingest links a syndicated copy to its original with these, stories counts
a copy once among a story's sources with the same measure, and the checker and the
writer count copies of one story as one source (``independence``), so all ask here.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Set

SHINGLE_WORDS = 5
"""Words per shingle: long enough that two reports of one event rarely share one by chance."""
NEAR_DUPLICATE = 0.65
"""Containment at which a text is a copy of another (the ``[ingest] near_duplicate``
default): tuned on the AllSides clusters, where wire copies reach 0.71-1.0 and outlets
quoting each other at most 0.53 (see ``ingest/deduplication.py``)."""
_WORD = re.compile(r"\w+")


def normalized_words(text: str) -> list[str]:
    """The words of ``text`` with case, accents' composition and punctuation folded away."""
    return _WORD.findall(unicodedata.normalize("NFKC", text).casefold())


def text_hash(text: str) -> str:
    """Hash of the normalised text: equal for copies that differ only in markup or spacing."""
    return hashlib.sha256(" ".join(normalized_words(text)).encode("utf-8")).hexdigest()


def shingles(text: str, size: int = SHINGLE_WORDS) -> set[str]:
    """Word ``size``-grams of the normalised text (the whole text when it is shorter)."""
    words = normalized_words(text)
    return {" ".join(words[i : i + size]) for i in range(max(1, len(words) - size + 1))}


def containment(a: Set[str], b: Set[str]) -> float:
    """Share of the smaller set found in the other: 1.0 when one text copies the other."""
    if not a or not b:
        return 0.0
    return len(a & b) / min(len(a), len(b))
