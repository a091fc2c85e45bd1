"""The attribution check: an outlet a sentence credits must be where its words come from.

Two mistakes look alike on the page. Crediting an outlet that printed nothing
of the kind ("according to Fox News" on a Reuters sentence) is one. Crediting
the outlet that only reproduced the words is the other: Townhall quoting an
NBC News excerpt "(via NBC News):", or Breitbart repeating what "The Washington
Post reported". The source itself names the original (``embedded_credit``),
so the credit must go to it; the reproducing outlet's credit is contradicted,
with the source's own words as the conflict.
"""

from __future__ import annotations

from collections.abc import Sequence

from newsdesk.language.attribution import (
    EmbeddedCredit,
    credited_outlets,
    embedded_credit,
    quoted_headline,
    same_outlet,
)
from newsdesk.language.text import content_words, normalize
from newsdesk.records import Article, Evidence
from newsdesk.verify.checks.base import Check, Claim


def check_attribution(
    claim: str, evidence: Sequence[Evidence], sources: Sequence[Article]
) -> Check:
    """Every outlet the claim credits must be the outlet of supporting text, or be cited by it.

    "According to Reuters" passes on a Reuters source, or on another source
    that itself says Reuters reported it; otherwise the credit is unfounded.
    A credit to the outlet of the supporting text fails when that text is
    another outlet's, reproduced, and the claim does not credit the original.
    """
    known = [s.outlet for s in sources]
    credited = credited_outlets(claim, known)
    if not credited:
        return Check("attribution", "n/a")
    headline = quoted_headline(claim)
    if headline is not None and headline.outlet is not None:
        return _check_headline(headline.outlet, headline.claim, evidence)
    outlets = sorted({e.source.outlet for e in evidence})
    originals = [(e, _original(e, known)) for e in evidence]
    for name in credited:
        own = [(e, c) for e, c in originals if same_outlet(name, e.source.outlet)]
        if own:
            evidence_of, credit = max(own, key=lambda pair: _cover(claim, pair[0].quote))
            if credit is None or any(same_outlet(other, credit.outlet) for other in credited):
                continue
            return Check(
                "attribution",
                "fail",
                f"credits {name}, but {evidence_of.source.id} only reproduces "
                f"{credit.outlet}'s words",
                Evidence(evidence_of.source, credit.start, credit.end),
            )
        if any(c is not None and same_outlet(name, c.outlet) for _, c in originals):
            continue
        if any(same_outlet(name, m) for e in evidence for m in credited_outlets(e.quote, known)):
            continue
        where = f"the supporting text is from {', '.join(outlets)}" if outlets else "no source"
        if not any(same_outlet(name, outlet) for outlet in known):
            where += f"; {name} is not among the sources"
        return Check("attribution", "fail", f"credits {name}, but {where}")
    return Check("attribution", "pass", ", ".join(credited))


def _check_headline(outlet: str, title: str, evidence: Sequence[Evidence]) -> Check:
    """A quoted headline must be, word for word, the title of the outlet it credits."""
    wanted = normalize(title).strip(" .")
    for span in evidence:
        if (
            span.field == "title"
            and same_outlet(outlet, span.source.outlet)
            and normalize(span.quote).strip(" .") == wanted
        ):
            return Check("attribution", "pass", f"{outlet}’s headline")
    return Check("attribution", "fail", f"quotes a headline that no cited {outlet} title has")


def _cover(claim: str, quote: str) -> float:
    """Share of the claim's content words a span holds: the span that carries the claim."""
    wanted = set(content_words(claim))
    return len(wanted & set(content_words(quote))) / len(wanted) if wanted else 0.0


def _original(evidence: Evidence, known: Sequence[str]) -> EmbeddedCredit | None:
    if evidence.field != "text":
        return None
    return embedded_credit(
        evidence.source.text, evidence.start, evidence.end, evidence.source.outlet, known
    )


def attribution_check(claim: Claim) -> Check:
    """``check_attribution`` on the sentence as written, against the spans it cites."""
    return check_attribution(claim.text, claim.cited, claim.sources)
