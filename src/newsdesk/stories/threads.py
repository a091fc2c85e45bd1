"""Threads: the stories of one developing topic, linked across days and weeks.

A story is one event ("EU agrees a loan for Ukraine"); a thread is the run of
events a reader follows ("the Ukraine peace talks": the loan, the Kremlin
meeting, the Berlin talks, the summit). Stories join threads online, in date
order, the way articles join stories:

- a story is described by the mean of its articles' MiniLM vectors (headline +
  lead, as clustering computes them) and by the names its headlines share
  (``headline_names``: people, places, organisations, as capitalised words);
- it joins the thread holding the most similar story seen within
  ``window_days`` before it (single link: a thread drifts as its topic does),
  when that similarity reaches ``threshold`` and the two share a name, or reaches
  ``strong`` without one; otherwise it starts a thread of its own.

A thread's id is made from its first story's id, so it never changes as the
thread grows; its name is the names most of its stories share (``thread_name``).
The settings were tuned on the train split of ``allsides_fulltext``, where two
stories are in one thread when they share their AllSides topic and lie within a
week of each other (``bench/threads.py``).
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

Vector = npt.NDArray[np.float32]

_NAME = re.compile(r"\b(?:[A-Z][a-z]+(?:[-'’][A-Z]?[a-z]+)*|[A-Z]{2,6})\b")
_NOT_NAMES = frozenset(
    """A An The This That These Those It Its In On At Of For To From By With After Before Over
    Under As And Or But If How Why What Who When Where Will Would Could Should Can May Might
    Must Is Are Was Were Be Been Has Have Had Do Does Did Not No New Says Said Say Report
    Reports Amid Into Out Up Down More Most First Last Year Years Day Days Week Weeks Monday
    Tuesday Wednesday Thursday Friday Saturday Sunday January February March April May June
    July August September October November December US U S TV CEO GOP Dem Dems""".split()
)
"""Capitalised words that are no names: headline style capitalises every word."""


@dataclass(frozen=True)
class ThreadParams:
    """``threshold`` and ``strong``: cosine similarities of two stories' vectors (with a
    shared name, and without one); ``window_days``: how far back a story looks for its
    thread's latest stories."""

    threshold: float = 0.55
    strong: float = 0.6
    window_days: int = 3


@dataclass
class ThreadState:
    """A thread as the threader holds it: its stories' days, vectors and names."""

    id: str
    days: list[int] = field(default_factory=list)
    vectors: list[Vector] = field(default_factory=list)
    names: list[frozenset[str]] = field(default_factory=list)
    stories: list[str] = field(default_factory=list)

    def add(self, story_id: str, day: int, vector: Vector, names: frozenset[str]) -> None:
        self.stories.append(story_id)
        self.days.append(day)
        self.vectors.append(vector)
        self.names.append(names)


def thread_id(story_id: str) -> str:
    """The id of a thread that ``story_id`` started: stable however the thread grows."""
    return "t-" + hashlib.sha256(story_id.encode("utf-8")).hexdigest()[:12]


def headline_names(titles: Iterable[str]) -> frozenset[str]:
    """The names in some headlines: capitalised words that headline style does not explain
    (function words, days, months), lower-cased."""
    found: set[str] = set()
    for title in titles:
        for match in _NAME.finditer(title):
            word = match.group(0)
            if word not in _NOT_NAMES and len(word) > 2:
                found.add(word.lower())
    return frozenset(found)


def story_vector(vectors: Sequence[Vector]) -> Vector:
    """The mean of unit vectors, made unit again (all zero for none)."""
    if not vectors:
        return np.zeros(0, dtype=np.float32)
    mean: Vector = np.mean(np.stack(vectors), axis=0).astype(np.float32)
    norm = float(np.linalg.norm(mean))
    return mean / np.float32(norm) if norm else mean


def thread_name(names: Sequence[frozenset[str]], titles: Sequence[str], limit: int = 3) -> str:
    """The names its stories share most (two to ``limit``, most shared first), or its first
    story's headline when they share fewer than two: one name alone ("Trump") names no
    topic."""
    counts = Counter(name for story in names for name in story)
    spelled: dict[str, str] = {}  # each name as first written, in the order first written
    for title in titles:
        for match in _NAME.finditer(title):
            spelled.setdefault(match.group(0).lower(), match.group(0))
    order = {name: position for position, name in enumerate(spelled)}
    ranked = sorted(counts, key=lambda n: (-counts[n], order.get(n, len(order)), n))
    shared = [n for n in ranked if counts[n] >= 2][:limit]
    if len(shared) < 2:
        return titles[0] if titles else ""
    return ", ".join(spelled.get(n, n.title()) for n in shared)


class Threader:
    """Assigns stories to threads in date order (see the module docstring)."""

    def __init__(self, params: ThreadParams, threads: Iterable[ThreadState] = ()) -> None:
        self.params = params
        self.threads: dict[str, ThreadState] = {t.id: t for t in threads}
        self.thread_of: dict[str, str] = {s: t.id for t in self.threads.values() for s in t.stories}

    def assign(self, story_id: str, day: int, vector: Vector, names: frozenset[str]) -> str:
        """The thread ``story_id`` joins (a new one when none fits); a story already in a
        thread stays there."""
        if story_id in self.thread_of:
            return self.thread_of[story_id]
        best: tuple[float, str] | None = None
        for thread in self.threads.values():
            score = self._score(thread, day, vector, names)
            if score is not None and (best is None or (score, thread.id) > best):
                best = (score, thread.id)
        chosen = best[1] if best is not None else thread_id(story_id)
        thread = self.threads.setdefault(chosen, ThreadState(chosen))
        thread.add(story_id, day, vector, names)
        self.thread_of[story_id] = chosen
        return chosen

    def _score(
        self, thread: ThreadState, day: int, vector: Vector, names: frozenset[str]
    ) -> float | None:
        """The best link from the story to the thread's stories of the last ``window_days``,
        or None when none is strong enough."""
        p = self.params
        best: float | None = None
        for other_day, other, other_names in zip(
            thread.days, thread.vectors, thread.names, strict=True
        ):
            if abs(day - other_day) > p.window_days or not len(other) or not len(vector):
                continue
            similarity = float(np.dot(vector, other))
            if similarity >= p.strong or (similarity >= p.threshold and names & other_names):
                best = similarity if best is None else max(best, similarity)
        return best
