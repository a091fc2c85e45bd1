"""Measure how articles in another language find their story (``newsdesk.stories.languages``)
on labelled English events, translated in simulation.

Usage (from the repository root)::

    .venv/bin/python bench/other_languages.py [--data DIR ...] [--window DAYS] [--limit N]

No labelled multilingual set ships with the repository, so each labelled
article is "translated" the way the rule sees a translation: its headline and
first ``--chars`` characters keep their digits and links; of the names spaCy
finds there, people keep their spelling while places, organisations and
groups are translated (dropped) half the time ("United States" becomes
"États-Unis"); eight words a sentence in that language starts with are added
as capitalised words. Twice over: into French, and into Russian, where every
name is written in Cyrillic by a rough English-to-Russian transcription and
half of them take a case ending ("Уиткоффа"), so the rule must find them a
letter or two apart.

Each translated article is placed among the labelled stories with an article
within ``--window`` days of it (the clusterer's window: 1 day), its own story
without it, as the stories stage places it (``Reader.place``: ``overlap`` and
``choose``). Reported per rule: the share of articles that join their own
story, that join a wrong one (the costly error: a wrong story gains evidence
in another language), and that are further coverage, with how often their
nearest story is their own; and ``orphan_wrong``: with the article's own
story removed from the candidates, how often it joins another. The shipped
rule comes first, then variants: the union of a story's facts instead of the
average over its articles, other thresholds and margins.

The last line of output is one JSON object: ``{SET: {LANGUAGE: {RULE: {...}}}}``.
"""

from __future__ import annotations

import argparse
import gzip
import json
import random
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from newsdesk.language.entities import analyse_many
from newsdesk.language.text import numbers as digits
from newsdesk.records import Article
from newsdesk.stories import languages
from newsdesk.stories.languages import Facts, Overlap, choose, facts, overlap

SHARED = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "clusters"
SETS = ("allsides_fulltext", "allsides_2021_excerpts")
FRENCH_STARTS = "Le La Les Selon Dans Mais Pour Cette Depuis Après Lors Ainsi Un Une".split()
RUSSIAN_STARTS = (
    "Однако Также Ранее По В На Как Это Президент Министр Глава Кроме После Сейчас Тем "
    "Россия Москва Вашингтон США Европа Кремль Правительство Сенат Суд Власти"
).split()
_DIGRAPHS = (
    ("sh", "ш"),
    ("ch", "ч"),
    ("th", "т"),
    ("ph", "ф"),
    ("ck", "к"),
    ("ee", "и"),
    ("oo", "у"),
    ("ou", "у"),
    ("kh", "х"),
    ("ts", "ц"),
    ("zh", "ж"),
    ("ya", "я"),
    ("yu", "ю"),
)
_LETTERS = dict(zip("abcdefghiklmnoprstuvz", "абкдефгхиклмнопрстувз", strict=True))
_LETTERS |= {"j": "дж", "w": "у", "x": "кс", "y": "и", "q": "к"}
ENDINGS = ("а", "у", "ом", "е", "ой", "ым")


def cyrillic(name: str, rng: random.Random) -> str:
    """A rough Russian spelling of an English name (half the time with a case ending)."""
    word = name.lower()
    for latin, letter in _DIGRAPHS:
        word = word.replace(latin, letter)
    word = "".join(_LETTERS.get(char, char) for char in word)
    if rng.random() < 0.5 and len(word) > 3:
        word += rng.choice(ENDINGS)
    return word[:1].upper() + word[1:]


def load(folder: Path) -> list[dict[str, Any]]:
    """The set's dated articles (an excerpt takes its story's date)."""
    path = folder / "articles.jsonl"
    with gzip.open(f"{path}.gz", "rt") if not path.exists() else path.open() as lines:
        rows = [json.loads(line) for line in lines if line.strip()]
    stories = folder / "stories.jsonl"
    dates: dict[str, str] = {}
    if stories.exists():
        for line in stories.open():
            story = json.loads(line)
            if story.get("date"):
                dates[story["cluster_id"]] = str(story["date"])[:10]
    for row in rows:
        row["published"] = row.get("published") or dates.get(row["cluster_id"])
    return [row for row in rows if row.get("published")]


def english(row: Mapping[str, Any]) -> Article:
    return Article(
        row["id"], row.get("url") or "", row["outlet"], row["title"], row["text"],
        row["published"], "en",
    )  # fmt: skip


def translated(row: Mapping[str, Any], language: str, chars: int, rng: random.Random) -> Article:
    """``row`` as the rule would see it in ``language`` (see the module's docstring)."""
    text = f"{row['title']}\n{row['text'][:chars]}"
    words = []
    for entity in analyse_many([text])[0].entities:
        if entity.label != "PERSON" and rng.random() < 0.5:
            continue
        for word in entity.text.split():
            if word[:1].isupper():
                words.append(cyrillic(word, rng) if language == "ru" else word)
    words += rng.sample(RUSSIAN_STARTS if language == "ru" else FRENCH_STARTS, 8)
    figures = " ; ".join(digits(text))
    links = " ".join(re.findall(r"https?://\S+", text))
    body = f"{' '.join(words)}\n{figures}\n{links}"
    return Article(f"{row['id']}-{language}", "", "Foreign", "", body, row["published"], language)


@dataclass(frozen=True)
class Rule:
    """One way to decide: average over a story's articles or their union, thresholds, margin."""

    name: str
    union: bool = False
    min_names: float = languages.MIN_NAMES
    min_shared: float = languages.MIN_SHARED
    margin: float = languages.MARGIN

    def choose(self, overlaps: Mapping[str, Overlap]) -> tuple[str | None, bool]:
        if not overlaps:
            return None, False
        ranked = sorted(overlaps, key=lambda s: (-overlaps[s].shared, -overlaps[s].names, s))
        best = overlaps[ranked[0]]
        runner_up = overlaps[ranked[1]].shared if len(ranked) > 1 else 0.0
        matched = (
            best.names >= self.min_names and best.shared >= self.min_shared and not best.conflict
        )
        return ranked[0], matched and runner_up <= self.margin * best.shared


RULES = [
    Rule("union of the story's facts", union=True),
    *(
        Rule(f"shared>={s} names>={n} margin={m}", min_names=n, min_shared=s, margin=m)
        for s in (2.0, 3.0, 4.0)
        for n in (1.0, 2.0)
        if n <= s
        for m in (0.4, 0.5, 0.6)
    ),
]


class Tally:
    def __init__(self) -> None:
        self.counts = {"own": 0, "wrong": 0, "further": 0, "nearest_own": 0, "orphans": 0}
        self.counts["orphan_wrong"] = 0

    def add(self, own: str, overlaps: Mapping[str, Overlap], decide: Callable[..., Any]) -> None:
        story, joins = decide(overlaps)
        if joins:
            self.counts["own" if story == own else "wrong"] += 1
        else:
            self.counts["further"] += 1
            self.counts["nearest_own"] += story == own
        others = {s: o for s, o in overlaps.items() if s != own}
        if others:
            self.counts["orphans"] += 1
            self.counts["orphan_wrong"] += decide(others)[1]

    def shares(self, n: int) -> dict[str, float]:
        c = self.counts
        return {
            "joined_own": round(c["own"] / n, 3),
            "joined_wrong": round(c["wrong"] / n, 3),
            "further_coverage": round(c["further"] / n, 3),
            "nearest_is_own": round(c["nearest_own"] / max(c["further"], 1), 3),
            "orphan_wrong": round(c["orphan_wrong"] / max(c["orphans"], 1), 3),
        }


def measure(
    rows: Sequence[Mapping[str, Any]], language: str, window: int, chars: int, limit: int | None
) -> dict[str, Any]:
    rng = random.Random(7)
    by_story: dict[str, list[Mapping[str, Any]]] = {}
    for row in rows:
        by_story.setdefault(row["cluster_id"], []).append(row)
    read = {row["id"]: facts(english(row), "en") for row in rows}
    days = {row["id"]: date.fromisoformat(row["published"][:10]).toordinal() for row in rows}
    chosen = [row for row in rows if len(by_story[row["cluster_id"]]) > 1]
    rng.shuffle(chosen)
    chosen = chosen[:limit] if limit else chosen
    shipped = Tally()
    tallies = {rule.name: Tally() for rule in RULES}
    candidates = 0
    for row in chosen:
        mine = facts(translated(row, language, chars, rng), language)
        members: dict[str, list[Facts]] = {}
        for story_id, rows_of in by_story.items():
            found = [
                read[m["id"]]
                for m in rows_of
                if m["id"] != row["id"] and abs(days[m["id"]] - days[row["id"]]) <= window
            ]
            if found:
                members[story_id] = found
        if row["cluster_id"] not in members:
            continue
        candidates += len(members)
        mean = {s: overlap(mine, found) for s, found in members.items()}
        union = {s: overlap(mine, [_union(found)]) for s, found in members.items()}
        shipped.add(row["cluster_id"], mean, lambda o: choose(o, {}))
        for rule in RULES:
            tallies[rule.name].add(row["cluster_id"], union if rule.union else mean, rule.choose)
    n = max(sum(shipped.counts[k] for k in ("own", "wrong", "further")), 1)
    return {
        "n": n,
        "candidates_per_article": round(candidates / n, 1),
        "shipped": shipped.shares(n),
        "rules": {name: tally.shares(n) for name, tally in tallies.items()},
    }


def _union(found: Sequence[Facts]) -> Facts:
    return Facts(
        {name for f in found for name in f.names},
        {figure for f in found for figure in f.figures},
        {link for f in found for link in f.links},
    )


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--data", type=Path, nargs="*", default=[SHARED / s for s in SETS])
    parser.add_argument("--window", type=int, default=1)
    parser.add_argument("--chars", type=int, default=1500)
    parser.add_argument("--limit", type=int, default=None)
    args = parser.parse_args(argv)
    report: dict[str, Any] = {}
    for folder in args.data:
        if not folder.exists():
            print(f"{folder}: missing, skipped")
            continue
        rows = load(folder)
        report[folder.name] = {}
        for language in ("fr", "ru"):
            found = measure(rows, language, args.window, args.chars, args.limit)
            report[folder.name][language] = found
            print(f"{folder.name} {language}: n {found['n']}, {found['candidates_per_article']}"
                  " candidate stories per article")  # fmt: skip
            for name, shares in [("shipped", found["shipped"]), *found["rules"].items()]:
                print(
                    f"  {name:36} own {shares['joined_own']:.3f} wrong {shares['joined_wrong']:.3f}"
                    f" further {shares['further_coverage']:.3f} (nearest own"
                    f" {shares['nearest_is_own']:.3f}) orphan_wrong {shares['orphan_wrong']:.3f}"
                )
    print(json.dumps(report))


if __name__ == "__main__":
    main()
