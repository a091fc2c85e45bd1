"""The queue: the stories an editor should look at, and why, built from store reads.

A story is queued when its stored draft was held by the verify gate (with the gate's
note), when the gate dropped sentences from it (how many, and by which checks), or
when it is a new version of a story (``Draft.version`` > 1: new reporting rewrote
it). With ``[desk] approve_before_publish`` every other gated draft is queued too, as
a new article. A draft an editor approved or rejected leaves the queue until the writer
makes a new version of it; one an editor held stays, saying so. The queue decides
nothing about publishing: the gate, the reviews and ``publish/model.py`` do.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from newsdesk.errors import InputError, shown
from newsdesk.records import CATEGORIES, Draft, GateRecord, Review
from newsdesk.store import Store

ReasonKind = Literal["held", "dropped", "updated", "new"]
_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


@dataclass(frozen=True)
class Reason:
    """Why a story is queued: its kind (for the badge) and a line saying what happened."""

    kind: ReasonKind
    text: str


@dataclass(frozen=True)
class QueueEntry:
    story_id: str
    headline: str
    category: str
    date: str | None
    version: int
    reasons: tuple[Reason, ...]
    kept: int | None
    drafted: int | None
    outlets: int


@dataclass(frozen=True)
class QueueFilter:
    """The queue's filters, as the query string gives them: a section, and days from
    ``since`` to ``until`` (both included, ``YYYY-MM-DD``); empty means any."""

    section: str = ""
    since: str = ""
    until: str = ""

    @classmethod
    def read(cls, section: str | None, since: str | None, until: str | None) -> QueueFilter:
        """Checked filters; ``InputError`` names a section or day that cannot be one."""
        section, since, until = (section or "").strip(), (since or "").strip(), (until or "")
        until = until.strip()
        if section and section not in CATEGORIES:
            raise InputError(f"section {shown(section)}: give one of {', '.join(CATEGORIES)}")
        for name, day in (("since", since), ("until", until)):
            if day and not _DAY.fullmatch(day):
                raise InputError(f"{name} {shown(day)}: give a day as YYYY-MM-DD")
        return cls(section, since, until)

    def admits(self, draft: Draft) -> bool:
        if self.section and draft.category != self.section:
            return False
        if (self.since or self.until) and draft.date is None:
            return False
        day = (draft.date or "")[:10]
        return not (self.since and day < self.since) and not (self.until and day > self.until)

    @property
    def active(self) -> bool:
        return bool(self.section or self.since or self.until)


def reasons(
    draft: Draft,
    record: GateRecord | None,
    approve_before_publish: bool,
    review: Review | None = None,
) -> tuple[Reason, ...]:
    """Why ``draft`` needs an editor, if it does; a draft not gated yet needs none, nor
    one whose version an editor approved or rejected (``review``, the story's latest)."""
    if record is None:
        return ()
    if review is not None and review.version == draft.version and review.decision != "held":
        return ()
    found = []
    if review is not None and review.decision == "held":
        why = f": {review.reason}" if review.reason else ""
        found.append(Reason("held", f"held on the desk by {review.editor}{why}"))
    if record.held:
        why = record.note or f"kept {record.kept} of {record.drafted} sentences"
        found.append(Reason("held", f"held by the gate: {why}"))
    if record.dropped:
        checks = sorted({d.check for d in record.dropped if d.check})
        by = f" ({', '.join(checks)})" if checks else ""
        count = len(record.dropped)
        found.append(Reason("dropped", f"{count} sentence{'s' * (count != 1)} dropped{by}"))
    if draft.version > 1:
        found.append(Reason("updated", f"version {draft.version}: rewritten after new reporting"))
    if not found and approve_before_publish:
        found.append(Reason("new", "new article: awaiting approval"))
    return tuple(found)


def build_queue(
    store: Store, filters: QueueFilter, approve_before_publish: bool = False
) -> list[QueueEntry]:
    """The queued stories that pass ``filters``, newest first. A draft that lost its
    headline at the gate is listed under its story's title."""
    entries = []
    for draft in store.drafts():
        if not filters.admits(draft):
            continue
        record = store.gate_record(draft.story_id)
        review = store.review(draft.story_id)
        why = reasons(draft, record, approve_before_publish, review)
        if why:
            story = None if draft.headline else store.story(draft.story_id)
            title = draft.headline or (story.title if story else "") or "(no headline)"
            entries.append(_entry(draft, title, record, why))
    return sorted(entries, key=lambda e: (e.date or "", e.story_id), reverse=True)


def _entry(
    draft: Draft, headline: str, record: GateRecord | None, why: Iterable[Reason]
) -> QueueEntry:
    return QueueEntry(
        story_id=draft.story_id,
        headline=headline,
        category=draft.category,
        date=draft.date,
        version=draft.version,
        reasons=tuple(why),
        kept=record.kept if record else None,
        drafted=record.drafted if record else None,
        outlets=len({s.outlet for s in draft.sources}),
    )
