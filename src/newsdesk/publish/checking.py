"""The "How this was checked" summary a story page and its JSON carry.

Readers are told what the checker did to the article before it reached them:
how many sentences it read, which checks the published ones passed, and how
many it left out and why. The dropped sentences themselves are not shown: the
sources did not support them, and printing them would publish them. The words
here are for readers; the check names (``support``, ``number``…) are the ones the
verify stage records, so the JSON API can carry both.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from newsdesk.records import GateRecord

CHECK_LABELS: dict[str, str] = {
    "support": "supported by the cited passage",
    "number": "figures",
    "date": "dates",
    "quote": "quotations",
    "speaker": "speakers",
    "role": "office-holders",
    "place": "places",
    "attribution": "credits to outlets",
    "url": "links",
    "context": "read in the context of the page",
    "opinion": "opinion kept apart from fact",
    "category": "section",
}
"""Each check as a reader would name what it tested, in the order the page lists them."""

DROP_REASONS: dict[str, str] = {
    "support": "not supported by the passage it cited",
    "number": "a figure the sources do not give",
    "date": "a date the sources do not give",
    "quote": "a quotation the sources do not contain",
    "speaker": "a quotation without the speaker the sources give",
    "role": "an office or title the sources do not confirm",
    "place": "a place the sources do not give",
    "attribution": "credited to an outlet that did not report it",
    "url": "a link to no source",
    "context": "misleading where it stood on the page",
    "opinion": "an opinion told as fact",
    "category": "the wrong section",
}
"""Why a sentence was left out, by the check that failed it."""
OTHER_REASON = "did not pass the checker"


@dataclass(frozen=True)
class CheckCount:
    """One check and how many published sentences passed it."""

    check: str
    label: str
    sentences: int


@dataclass(frozen=True)
class DropCount:
    """Sentences left out for one reason; ``check`` is empty when the record did not say."""

    check: str
    reason: str
    sentences: int


@dataclass(frozen=True)
class Checking:
    """What the checker did to one story before publication."""

    checked: int
    published: int
    rewritten: int
    sources: int
    checks: tuple[CheckCount, ...]
    dropped: tuple[DropCount, ...]

    @property
    def left_out(self) -> int:
        return sum(drop.sentences for drop in self.dropped)


def summarise(
    record: GateRecord | None,
    published: Sequence[Sequence[str]],
    sources: int,
) -> Checking:
    """The summary for a story whose published sentences passed ``published`` checks.

    Without a gate record (a draft stored by hand), only what is published is known.
    """
    passed = Counter(check for checks in published for check in dict.fromkeys(checks))
    counts = tuple(
        CheckCount(check, CHECK_LABELS.get(check, check), passed[check])
        for check in _ordered(passed)
    )
    dropped = _dropped(record)
    checked = record.drafted if record is not None else len(published)
    return Checking(
        checked=max(checked, len(published)),
        published=len(published),
        rewritten=record.revised if record is not None else 0,
        sources=sources,
        checks=counts,
        dropped=dropped,
    )


def _rank(check: str) -> tuple[int, str]:
    known = list(CHECK_LABELS)
    return (known.index(check) if check in known else len(known), check)


def _ordered(checks: Iterable[str]) -> list[str]:
    return sorted(checks, key=_rank)


def _dropped(record: GateRecord | None) -> tuple[DropCount, ...]:
    """Left-out sentences grouped by reason, the commonest first."""
    if record is None:
        return ()
    counts = Counter(drop.check for drop in record.dropped)
    order = sorted(counts, key=lambda check: (-counts[check], _rank(check)))
    return tuple(
        DropCount(check, DROP_REASONS.get(check, OTHER_REASON), counts[check]) for check in order
    )
