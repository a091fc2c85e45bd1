"""The queue: the stories an editor should look at, and why, built from store reads.

A story is queued when its stored draft was held by the verify gate (with the gate's
note), when the gate dropped sentences from it (how many, and by which checks), or
when it is a new version of a story (``Draft.version`` > 1: new reporting rewrote
it). With ``[desk] approve_before_publish`` every other gated draft is queued too, as
a new article. A draft an editor approved or rejected leaves the queue until the writer
makes a new version of it; one an editor held stays, saying so. The queue decides
nothing about publishing: the gate, the reviews and ``publish/model.py`` do.

The queue is shown a page at a time (``QueuePage``, ``[desk] queue_page_size`` stories
each). Whether a draft is queued depends on its gate record and latest review, so the
whole queue is built and then sliced: the count is the whole queue's, and since the
order is total (newest first, then story id) no story is shown on two pages or skipped.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal
from urllib.parse import urlencode

from newsdesk.errors import InputError, shown
from newsdesk.records import CATEGORIES, Draft, GateRecord, Review
from newsdesk.store import Store

ReasonKind = Literal["held", "dropped", "updated", "new"]
_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
_PAGE = re.compile(r"[0-9]+")


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

    def url(self, page: int = 1) -> str:
        """The queue's URL with these filters and ``page`` (left out for the first)."""
        given = (("section", self.section), ("since", self.since), ("until", self.until))
        params = [(name, value) for name, value in given if value]
        if page > 1:
            params.append(("page", str(page)))
        return "/queue" + (f"?{urlencode(params)}" if params else "")


def read_page(value: str | None) -> int:
    """The page number the query string gives (1-based; none or empty: the first);
    ``InputError`` for anything but a whole number from 1."""
    given = (value or "").strip()
    if not given:
        return 1
    number = 0
    if _PAGE.fullmatch(given):
        try:
            number = int(given)
        except ValueError:  # more digits than int() reads: no page number either
            number = 0
    if number < 1:
        raise InputError(f"page {shown(given)}: give a page number, 1 or more")
    return number


@dataclass(frozen=True)
class QueuePage:
    """One page of the queue: its entries, its number (1-based), the page size and how
    many stories the whole (filtered) queue holds. A number past the last page is a page
    with no entries (``past_end``), not an error."""

    entries: tuple[QueueEntry, ...]
    number: int
    size: int
    total: int

    @classmethod
    def of(cls, queue: Sequence[QueueEntry], number: int, size: int) -> QueuePage:
        """Page ``number`` of ``queue`` (as ``build_queue`` orders it), ``size`` a page."""
        if number < 1 or size < 1:
            raise ValueError(f"page {number} of size {size}: both must be 1 or more")
        start = (number - 1) * size
        return cls(tuple(queue[start : start + size]), number, size, len(queue))

    @property
    def pages(self) -> int:
        """How many pages the queue fills (an empty queue is one empty page)."""
        return max(1, -(-self.total // self.size))

    @property
    def past_end(self) -> bool:
        return self.number > self.pages

    @property
    def first(self) -> int:
        """The position in the queue of this page's first entry (1-based)."""
        return (self.number - 1) * self.size + 1

    @property
    def last(self) -> int:
        return self.first + len(self.entries) - 1

    @property
    def previous(self) -> int | None:
        """The page before, if any (from past the end: the last page)."""
        return min(self.number - 1, self.pages) if self.number > 1 else None

    @property
    def next(self) -> int | None:
        return self.number + 1 if self.number < self.pages else None


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
        why = record.note.removeprefix("held for review: ").removeprefix("held for review")
        why = why or f"kept {record.kept} of {record.drafted} sentences"
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
    """The queued stories that pass ``filters``, newest first (by day, then by story id,
    so the order is total and pages never overlap). A draft that lost its headline at the
    gate is listed under its story's title."""
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
