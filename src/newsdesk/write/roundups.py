"""Roundups: the week's stories of one thread, written up as one article.

A roundup is composed from the drafts of its stories, oldest first: each story
gives one paragraph, its lead sentence and, where it stands alone, the sentence
after it, each citing the spans it cited in its story. The headline is that of
the story most outlets reported. Nothing is new in a roundup but the order, so
the verify gate judges it like any draft, against the articles of all its
stories; ``RoundupWriter.revise`` then credits a claim that rests on one
outlet and drops any other flagged sentence, since a replacement drawn from
the whole week could land in another story's paragraph.
"""

from __future__ import annotations

import datetime
import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import replace

from newsdesk.language.corroboration import own_voice
from newsdesk.language.dates import date_mentions, parse_anchor
from newsdesk.language.references import (
    definite_description,
    pronoun_reference,
    relative_time,
)
from newsdesk.language.text import content_stems
from newsdesk.records import (
    Article,
    Draft,
    Roundup,
    Sentence,
    SourceRef,
    Story,
    Thread,
    content_hash,
)
from newsdesk.write.base import Flag, Usage, WriterError
from newsdesk.write.extractive import credited

_LEANS_BACK = re.compile(
    r"(?:The|This|That|These|Those|Such|Its|Their|His|Her|Both|Another|Also|But|And|Yet"
    r"|However|Meanwhile|Still|Instead)\b"
)
"""Openings that lean on the sentence before ("The talks ended…", "But…"): in a roundup
the sentence before may be another story's."""

SAME_EVENT = 0.5
"""Share of content words two stories' headline and lead share when they tell one event."""

ROUNDUP_WRITER = "roundup"
ROUNDUP_VERSION = "1"


def iso_week(day: str | None) -> str | None:
    """``2025-W49`` for a ``YYYY-MM-DD`` day; None for an undated or unreadable one."""
    try:
        year, week, _ = datetime.date.fromisoformat((day or "")[:10]).isocalendar()
    except ValueError:
        return None
    return f"{year}-W{week:02d}"


def weekly_roundups(
    thread: Thread,
    drafts: Mapping[str, Draft],
    stories: Mapping[str, Story],
    min_stories: int,
    min_outlets: int = 1,
) -> list[Roundup]:
    """The roundups of ``thread``: one for each ISO week in which ``min_stories`` of its
    stories have drafts and ``min_outlets`` outlets each (as many as publishing asks of a
    story: a roundup retells only stories that can be published). Undated stories are
    left out (a roundup is a week's news). Each roundup's ``key`` covers its stories'
    articles, so it is written again only when their reporting changes."""
    weeks: dict[str, list[Draft]] = {}
    for story_id in thread.story_ids:
        draft, story = drafts.get(story_id), stories.get(story_id)
        week = iso_week(draft.date) if draft is not None else None
        wide = story is not None and len(set(story.outlets)) >= min_outlets
        if draft is not None and week is not None and wide:
            weeks.setdefault(week, []).append(draft)
    found = []
    for week, members in sorted(weeks.items()):
        if len(members) < max(2, min_stories):
            continue
        members.sort(key=lambda d: (d.date or "", d.story_id))
        ids = tuple(d.story_id for d in members)
        key = content_hash(thread.id, week, [stories[i].hash for i in ids if i in stories])
        roundup_id = f"{thread.id}-{week.lower()}"
        found.append(Roundup(roundup_id, thread.id, thread.name, week, ids, key))
    return found


def compose_roundup(roundup: Roundup, drafts: Sequence[Draft]) -> Draft | None:
    """The roundup's draft from its stories' ``drafts`` (in ``roundup.story_ids`` order);
    None when they give no headline or no lead, or tell fewer than two events."""
    by_id = {d.story_id: d for d in drafts}
    members = _distinct([by_id[i] for i in roundup.story_ids if i in by_id])
    if len(members) < 2:  # one event, however many stories: no week to round up
        return None
    date = max((d.date for d in members if d.date), default=None)
    if date is None:
        return None
    headline = _headline(members, date)
    body: list[Sentence] = []
    for paragraph, draft in enumerate(members):
        lead = [s for s in lead_sentences(draft) if reads_the_same(s.text, draft.date, date)]
        body += [replace(s, paragraph=paragraph, date=draft.date) for s in lead]
    if headline is None or not body:
        return None
    sources: dict[str, SourceRef] = {}
    for draft in members:
        for source in draft.sources:
            sources.setdefault(source.article_id, source)
    categories = Counter(d.category for d in members)
    lead_story = next(d for d in members if headline in d.sentences)
    top = max(categories.values())
    category = (
        lead_story.category
        if categories[lead_story.category] == top
        else (categories.most_common(1)[0][0])
    )
    return Draft(
        story_id=roundup.id,
        story_hash=roundup.key,
        category=category,
        date=date,
        sentences=(headline, *body),
        sources=tuple(sources.values()),
        writer=ROUNDUP_WRITER,
    )


def _distinct(members: Sequence[Draft]) -> list[Draft]:
    """``members`` less each story that retells an earlier one: an event split across
    two stories is told once. Two stories retell one event when at least ``SAME_EVENT``
    of the content words of the shorter headline and lead are in the other's."""
    kept: list[tuple[Draft, set[str]]] = []
    for draft in members:
        words = _lead_words(draft)
        if not any(_overlap(words, earlier) >= SAME_EVENT for _, earlier in kept):
            kept.append((draft, words))
    return [draft for draft, _ in kept]


def _lead_words(draft: Draft) -> set[str]:
    told = [s.text for s in draft.sentences if s.kind == "headline"]
    told += [s.text for s in lead_sentences(draft, most=1)]
    return set(content_stems(" ".join(told)))


def _overlap(a: set[str], b: set[str]) -> float:
    return len(a & b) / min(len(a), len(b)) if a and b else 0.0


def lead_sentences(draft: Draft, most: int = 2) -> list[Sentence]:
    """A story's lead: its first body sentence, and the next ones of its first paragraph
    that stand alone (no pronoun subject, no "The talks", no "But", no "Hours later")."""
    body = [s for s in draft.sentences if s.kind == "body"]
    if not body:
        return []
    first = body[0]
    lead = [first]
    for sentence in body[1:]:
        if len(lead) >= most or sentence.paragraph != first.paragraph:
            break
        text = sentence.text
        if (
            _LEANS_BACK.match(text)
            or pronoun_reference(text)
            or definite_description(text)
            or relative_time(text)
        ):
            break
        lead.append(sentence)
    return lead


def _headline(members: Sequence[Draft], date: str) -> Sentence | None:
    """The headline of the story with the most sources, the latest on a tie, that reads
    the same on the roundup's ``date`` as on its story's."""
    ranked = sorted(members, key=lambda d: (len(d.sources), d.date or ""), reverse=True)
    for draft in ranked:
        for sentence in draft.sentences:
            if sentence.kind == "headline" and reads_the_same(sentence.text, draft.date, date):
                return sentence
    return None


def reads_the_same(text: str, said: str | None, read: str) -> bool:
    """Whether every date ``text`` mentions means the same days read on ``read`` as on the
    day it was ``said``: "Wednesday evening" said on 4 December is not the Wednesday a
    roundup dated 11 December would mean (the gate reads a draft as of its date)."""
    then, now = parse_anchor(said), parse_anchor(read)
    if then == now:
        return True
    meant = [(m.first, m.last) for m in date_mentions(text, then)]
    return meant == [(m.first, m.last) for m in date_mentions(text, now)]


class RoundupWriter:
    """Revises roundups for the verify gate. Roundups are composed by ``compose_roundup``
    from their stories' drafts, never written from articles, so ``write`` refuses."""

    name = ROUNDUP_WRITER
    local = True
    """It computes from its settings alone, so the gate may revise with it on a Dask worker
    (``compute.py``); an LLM writer, with its connection and token budget, stays in the run."""
    version = ROUNDUP_VERSION

    def __init__(self) -> None:
        self.usage = Usage()

    def write(self, story: Story, articles: Sequence[Article]) -> Draft:
        raise WriterError(f"story {story.id}: a roundup is composed from its stories' drafts")

    def revise(self, draft: Draft, flags: Sequence[Flag], articles: Sequence[Article]) -> Draft:
        """Credit a flagged claim that only one outlet's reporting holds; drop the rest."""
        by_position = {flag.position: flag for flag in flags}
        outlets = [a.outlet for a in articles]
        kept: list[Sentence] = []
        for position, sentence in enumerate(draft.sentences):
            flag = by_position.get(position)
            if flag is None:
                kept.append(sentence)
            elif flag.check == "attribution" and own_voice(sentence.text, outlets):
                kept.append(credited(sentence, articles))
        return replace(draft, sentences=tuple(kept))
