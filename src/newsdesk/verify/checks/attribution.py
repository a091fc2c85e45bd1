"""The attribution check: an outlet a sentence credits must be where its words come from."""

from __future__ import annotations

from collections.abc import Sequence

from newsdesk.language.attribution import credited_outlets, same_outlet
from newsdesk.records import Article, Evidence
from newsdesk.verify.checks.base import Check, Claim


def check_attribution(
    claim: str, evidence: Sequence[Evidence], sources: Sequence[Article]
) -> Check:
    """Every outlet the claim credits must be the outlet of supporting text, or be cited by it.

    "According to Reuters" passes on a Reuters source, or on another source
    that itself says Reuters reported it; otherwise the credit is unfounded.
    """
    known = {s.outlet for s in sources}
    credited = credited_outlets(claim, known)
    if not credited:
        return Check("attribution", "n/a")
    outlets = sorted({e.source.outlet for e in evidence})
    for name in credited:
        if any(same_outlet(name, outlet) for outlet in outlets):
            continue
        if any(same_outlet(name, m) for e in evidence for m in credited_outlets(e.quote, known)):
            continue
        where = f"the supporting text is from {', '.join(outlets)}" if outlets else "no source"
        if not any(same_outlet(name, outlet) for outlet in known):
            where += f"; {name} is not among the sources"
        return Check("attribution", "fail", f"credits {name}, but {where}")
    return Check("attribution", "pass", ", ".join(credited))


def attribution_check(claim: Claim) -> Check:
    """``check_attribution`` on the sentence as written, against the spans it cites."""
    return check_attribution(claim.text, claim.cited, claim.sources)
