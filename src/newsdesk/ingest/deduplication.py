"""Exact and near-duplicate articles: syndicated copies linked to their original.

A wire story runs in many outlets, often with another headline, a dateline
added and the tail trimmed. Counted as separate sources, one Reuters story
re-run by three papers would look like four outlets confirming each other.
So every new article is compared with the stored ones:

- **exact**: the same normalised text (case, punctuation and spacing folded),
  by hash;
- **near**: MinHash LSH over word 5-shingles proposes candidates whose
  estimated Jaccard similarity is at least ``CANDIDATE_JACCARD``; a candidate
  is a copy when at least ``near_duplicate`` (0.65) of the shorter text's
  shingles occur in the other, computed exactly. Containment rather than
  Jaccard, because a copy trimmed to half the original has a Jaccard of only
  0.5 yet is all copied text.

Tuning: among the 2,507 pairs of different outlets reporting the same event
in the AllSides full-text clusters, five are wire copies (Reuters in the
Washington Times and the Guardian, AP in CBS News, Newsmax and the Daily
Mail): containment 0.71-1.0, Jaccard 0.47-1.0. The next pairs are outlets
quoting each other: containment at most 0.53 and Jaccard at most 0.25. In the
84-article sample the highest containment between two outlets is 0.50.
Copies of a sample wire story trimmed to 40% of its paragraphs keep a
containment of 0.98 and a Jaccard of 0.42, so the 0.2 candidate threshold
finds them with room to spare.

The copy is stored (every outlet that ran the story stays on record) with a
link to the article it copies, or to that article's own original, so a group
of copies always points at one article.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Literal, cast

import numpy as np
from datasketch import MinHash, MinHashLSH

from newsdesk.language.shingles import NEAR_DUPLICATE, containment, shingles, text_hash
from newsdesk.records import DuplicateLink, Fingerprint
from newsdesk.store import ArticleStore

NUM_PERM = 128
SEED = 1
SCHEME = "affine32"
"""MinHash permutations, their seed and scheme (32-bit hash values): fixed, because
stored signatures are compared with new ones across runs."""
CANDIDATE_JACCARD = 0.2


def minhash(shingle_set: Iterable[str]) -> MinHash:
    signature = MinHash(num_perm=NUM_PERM, seed=SEED, scheme=SCHEME)
    signature.update_batch([s.encode("utf-8") for s in shingle_set])
    return signature


def signature_bytes(signature: MinHash) -> bytes:
    """A signature as stored: its hash values as little-endian 32-bit integers."""
    return cast(bytes, signature.hashvalues.astype("<u4").tobytes())


def signature_from(data: bytes) -> MinHash:
    values = np.frombuffer(data, dtype="<u4").astype(np.uint32)
    return MinHash(num_perm=NUM_PERM, seed=SEED, hashvalues=values, scheme=SCHEME)


@dataclass(frozen=True)
class Match:
    """A stored article that a new text copies."""

    article_id: str
    outlet: str
    kind: Literal["exact", "near"]
    similarity: float
    repeat: bool = False
    """An exact copy of an article the same outlet already published under another URL:
    the same article again, not a syndicated copy."""

    def link(self, copy_id: str) -> DuplicateLink:
        return DuplicateLink(copy_id, self.article_id, self.kind, round(self.similarity, 4))


@dataclass(frozen=True)
class Fingerprinted:
    """A text with what the index compares: hash, shingles and MinHash signature."""

    text_hash: str
    shingles: set[str]
    signature: MinHash

    @classmethod
    def of(cls, text: str) -> Fingerprinted:
        shingle_set = shingles(text)
        return cls(text_hash(text), shingle_set, minhash(shingle_set))

    @property
    def signature_bytes(self) -> bytes:
        return signature_bytes(self.signature)


class DuplicateIndex:
    """Finds the stored article a new text copies.

    ``text_of`` returns a stored article's text: near-duplicate candidates are
    confirmed on their exact shingles, which are not kept in memory.
    """

    def __init__(
        self,
        text_of: Callable[[str], str | None],
        near_duplicate: float = NEAR_DUPLICATE,
    ) -> None:
        self.text_of = text_of
        self.near_duplicate = near_duplicate
        self.lsh = MinHashLSH(threshold=CANDIDATE_JACCARD, num_perm=NUM_PERM)
        self.by_hash: dict[str, list[str]] = {}
        self.hash_of: dict[str, str] = {}
        self.outlet_of: dict[str, str] = {}
        self.original_of: dict[str, str] = {}

    @classmethod
    def from_store(
        cls, store: ArticleStore, near_duplicate: float = NEAR_DUPLICATE
    ) -> DuplicateIndex:
        """The index over every stored article; fingerprints missing (articles from dumps)
        are computed and stored first, so the next run reads them."""
        missing = store.articles_without_fingerprint()
        if missing:
            with store.transaction():
                for article in missing:
                    found = Fingerprinted.of(article.text)
                    store.save_fingerprint(article.id, found.text_hash, found.signature_bytes)

        def text_of(article_id: str) -> str | None:
            article = store.article(article_id)
            return None if article is None else article.text

        index = cls(text_of, near_duplicate)
        for link in store.duplicate_links():
            index.original_of[link.article_id] = link.duplicate_of
        for fingerprint in store.fingerprints():
            index.add_fingerprint(fingerprint)
        return index

    def __len__(self) -> int:
        return len(self.hash_of)

    def add_fingerprint(self, fingerprint: Fingerprint) -> None:
        self.add(
            fingerprint.article_id,
            fingerprint.outlet,
            fingerprint.text_hash,
            signature_from(fingerprint.signature),
        )

    def add(
        self,
        article_id: str,
        outlet: str,
        text_hash: str,
        signature: MinHash,
        duplicate_of: str | None = None,
    ) -> None:
        """Index an article (again, after its text changed)."""
        if article_id in self.hash_of:
            self.lsh.remove(article_id)
            self.by_hash[self.hash_of[article_id]].remove(article_id)
        self.hash_of[article_id] = text_hash
        self.outlet_of[article_id] = outlet
        self.by_hash.setdefault(text_hash, []).append(article_id)
        if duplicate_of is not None:
            self.original_of[article_id] = duplicate_of
        self.lsh.insert(article_id, signature)

    def original(self, article_id: str) -> str:
        """The article a group of copies points at."""
        seen = {article_id}
        while article_id in self.original_of and self.original_of[article_id] not in seen:
            article_id = self.original_of[article_id]
            seen.add(article_id)
        return article_id

    def match(
        self, text: Fingerprinted, outlet: str | None = None, exclude: str | None = None
    ) -> Match | None:
        """The stored article ``text`` (by ``outlet``) copies, if any; never ``exclude``,
        the article itself."""
        exact = [i for i in self.by_hash.get(text.text_hash, ()) if i != exclude]
        if exact:
            own = next((i for i in exact if self.outlet_of[i] == outlet), None)
            if own is not None:
                return Match(own, self.outlet_of[own], "exact", 1.0, repeat=True)
            return self._match(exact[0], "exact", 1.0)
        best: tuple[float, str] | None = None
        for candidate in self.lsh.query(text.signature):
            if candidate == exclude:
                continue
            stored = self.text_of(str(candidate))
            if stored is None:
                continue
            share = containment(text.shingles, shingles(stored))
            if share >= self.near_duplicate and (best is None or (share, candidate) > best):
                best = (share, str(candidate))
        return None if best is None else self._match(best[1], "near", best[0])

    def _match(self, article_id: str, kind: Literal["exact", "near"], similarity: float) -> Match:
        original = self.original(article_id)
        return Match(original, self.outlet_of.get(original, ""), kind, similarity)
