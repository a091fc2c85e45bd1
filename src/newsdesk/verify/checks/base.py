"""What every check shares: the claim it judges, the result it returns, one signature.

A check is a function ``(Claim) -> Check``. ``check_claim`` builds one
``Claim`` (the sentence, its evidence, the story's sources, the speaker it
names and the date it speaks from) and runs every check of ``CHECKS`` on it,
so a new check is one function added to that tuple.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from newsdesk.records import Article, Check, CheckKind, Evidence, VerdictLabel

__all__ = ["Check", "CheckKind", "Claim", "ClaimCheck", "ClaimResult", "SupportFn", "verdict_of"]

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
    what a reader has in mind when the sentence says "he". ``voiced``: whether the claim
    speaks for itself when it credits no outlet (a sentence, a headline, a list item),
    and so needs two independent sources; a table row reads under its table's heading.
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
    voiced: bool = True


ClaimCheck = Callable[[Claim], Check]


@dataclass(frozen=True)
class ClaimResult:
    """The verdict on one claim, the checks behind it and the evidence used."""

    label: VerdictLabel
    reason: str
    checks: tuple[Check, ...]
    evidence: tuple[Evidence, ...]

    @property
    def failed(self) -> tuple[Check, ...]:
        """Every failed check, in the order the checks ran."""
        return tuple(c for c in self.checks if c.verdict == "fail")

    @property
    def deciding(self) -> Check | None:
        """The check that decided the verdict, by the rule of ``verdict_of``.

        A claim is contradicted by the first failed check that names a source
        saying otherwise, which need not be the first failed check: reporting the
        first one would print one check's label with another's reason. Derived
        from ``label`` and ``checks`` rather than stored, so results built by hand
        (a link check, an unreadable date) name their check as well.
        """
        failed = self.failed
        if self.label == "supported" or not failed:
            return None
        if self.label == "contradicted":
            return next((c for c in failed if c.conflict is not None), failed[0])
        return failed[0]

    @property
    def probability(self) -> float | None:
        """The support model's probability that the evidence supports the claim; None when
        the model was not asked (a copy settled by word coverage, no evidence, no model)."""
        return next((c.score for c in self.checks if c.score is not None), None)

    @property
    def decided_by(self) -> CheckKind | None:
        """The kind of the deciding check; None for a supported claim."""
        deciding = self.deciding
        return deciding.kind if deciding is not None else None


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
