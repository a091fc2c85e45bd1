"""What every check shares: the claim it judges, the result it returns, one signature.

A check is a function ``(Claim) -> Check``. ``check_claim`` builds one
``Claim`` (the sentence, its evidence, the story's sources, the speaker it
names and the date it speaks from) and runs every check of ``CHECKS`` on it,
so a new check is one function added to that tuple.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Literal

from newsdesk.records import Article, Evidence, VerdictLabel

CheckKind = Literal[
    "support",
    "number",
    "date",
    "quote",
    "speaker",
    "role",
    "place",
    "attribution",
    "url",
    "category",
    "context",
]


@dataclass(frozen=True)
class Check:
    """One test applied to a claim.

    ``conflict`` is set on a failed check when a source says something else
    (another number, date, office-holder, place): the claim is then
    *contradicted*, not merely *unsupported*, and the reason names that source.
    """

    kind: CheckKind
    verdict: Literal["pass", "fail", "n/a"]
    detail: str = ""
    conflict: Evidence | None = None


SupportFn = Callable[[str, Sequence[Evidence]], Check]
"""Scores entailment of a claim by evidence: word coverage, the learned model, or both."""


@dataclass(frozen=True)
class Claim:
    """A sentence as the checks see it.

    ``text`` is the sentence as written; ``body`` is the same without its credit
    ("according to Reuters"), which is what numbers, dates and support are
    judged on. ``evidence`` holds the cited spans plus the spans where the
    sentence's quotations were found (``quoted``: the quote and speaker checks,
    computed once because what they find is evidence for every other check).
    ``sources`` are all the articles the claim may rest on: where a source that
    says otherwise is looked for. ``as_of`` is the date the claim speaks from.
    ``context`` holds the sentences the page shows before this one, nearest last:
    what a reader has in mind when the sentence says "he".
    """

    text: str
    body: str
    cited: tuple[Evidence, ...]
    evidence: tuple[Evidence, ...]
    sources: tuple[Article, ...]
    speaker: str | None
    as_of: str | None
    quoted: tuple[Check, Check]
    support: SupportFn
    context: tuple[str, ...] = ()


ClaimCheck = Callable[[Claim], Check]


@dataclass(frozen=True)
class ClaimResult:
    """The verdict on one claim, the checks behind it and the evidence used."""

    label: VerdictLabel
    reason: str
    checks: tuple[Check, ...]
    evidence: tuple[Evidence, ...]


def verdict_of(checks: Sequence[Check], evidence: Sequence[Evidence]) -> ClaimResult:
    """Contradicted when a failed check names a source that says otherwise; unsupported when
    any check fails; supported when none does."""
    failed = [c for c in checks if c.verdict == "fail"]
    conflicting = next((c for c in failed if c.conflict is not None), None)
    if conflicting is not None:
        assert conflicting.conflict is not None
        seen = list(evidence)
        if conflicting.conflict not in seen:
            seen.append(conflicting.conflict)
        return ClaimResult("contradicted", conflicting.detail, tuple(checks), tuple(seen))
    if failed:
        return ClaimResult("unsupported", failed[0].detail, tuple(checks), tuple(evidence))
    return ClaimResult("supported", "", tuple(checks), tuple(evidence))
