"""The attribution checks: an outlet a sentence credits must be where its words come from,
and a sentence that credits none must rest on two independent sources.

Two mistakes look alike on the page. Crediting an outlet that printed nothing
of the kind ("according to Fox News" on a Reuters sentence) is one. Crediting
the outlet that only reproduced the words is the other: Townhall quoting an
NBC News excerpt "(via NBC News):", or Breitbart repeating what "The Washington
Post reported". The source itself names the original (``embedded_credit``),
so the credit must go to it; the reproducing outlet's credit is contradicted,
with the source's own words as the conflict.

A sentence that credits no outlet speaks in the newsroom's own voice
(``corroboration_check``): the newsroom may say so only what two independent sources
each report on their own (``language.corroboration``), so such a sentence must cite
spans of two, each supporting it alone. What only one outlet reports is credited to
that outlet.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from newsdesk.language.attribution import (
    EmbeddedCredit,
    credited_outlets,
    display_name,
    embedded_credit,
    quoted_headline,
    same_outlet,
)
from newsdesk.language.corroboration import (
    CORROBORATING,
    SECOND_SPANS,
    best_spans,
    own_voice,
)
from newsdesk.language.independence import source_groups
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


def corroboration_check(claim: Claim) -> Check:
    """A sentence in the newsroom's own voice must rest on two independent sources.

    Own voice: the sentence credits no outlet (``corroboration.own_voice``). Its cited
    spans are grouped by independent source (an outlet once, copies of one story once:
    ``independence``) and two groups must each support the sentence on their own (all
    their spans together, or one of them alone), judged by the claim's ``support`` as
    the support check judges. A sentence that its spans do not support at all is the
    support check's to fail: here it is not judged.
    """
    if not claim.voiced or not claim.cited:
        return Check("attribution", "n/a")
    if not own_voice(claim.text, [s.outlet for s in claim.sources]):
        return Check("attribution", "n/a")
    whole = claim.support(claim.body, claim.cited)
    if whole.verdict != "pass":
        return Check("attribution", "n/a", "not judged: the cited spans do not support it")
    pool = {s.id: s for s in (*claim.sources, *(e.source for e in claim.cited))}
    groups = source_groups(list(pool.values()))
    by_group: dict[int, list[Evidence]] = {}
    for span in claim.cited:
        number = groups.of(span.source.id)
        if number is not None:
            by_group.setdefault(number, []).append(span)
    if len(by_group) < 2:
        alone = list(by_group)
    else:
        alone = [n for n, spans in by_group.items() if _supports(claim, spans)]
    if len(alone) >= CORROBORATING:
        return Check("attribution", "pass", f"reported by {_joined(groups.name(n) for n in alone)}")
    if not alone:
        return Check(
            "attribution",
            "fail",
            "no one source reports all of this; the sentence speaks in the newsroom's voice:"
            " credit each part to its outlet",
        )
    number = alone[0]
    credit = display_name(by_group[number][0].source.outlet)
    return uncorroborated(groups.name(number), credit, copies=len(groups.outlets[number]) > 1)


def uncorroborated(name: str, credit: str, copies: bool = False) -> Check:
    """The failed ``attribution`` check of a claim in the newsroom's own voice that only
    ``name`` (one outlet, or outlets running ``copies`` of one story) reports."""
    reports = (
        f"only {name}, copies of one story, report this" if copies else f"only {name} reports this"
    )
    return Check(
        "attribution",
        "fail",
        f"{reports}; the sentence speaks in the newsroom's voice: credit {credit} or cite a"
        " second independent source",
    )


def _supports(claim: Claim, spans: Sequence[Evidence]) -> bool:
    """Whether one source's spans support the claim on their own: together, or one alone
    (``newsdesk check`` retrieves several spans of each source, and more spans than the
    one that tells the fact can blur it); else the spans the writer reads in that source
    for a second source (``corroboration.best_spans``: the best alone, then the best
    ``SECOND_SPANS`` together), so that what the writer's search found, the check finds."""
    if claim.support(claim.body, spans).verdict == "pass":
        return True
    if len(spans) > 1 and any(
        claim.support(claim.body, [span]).verdict == "pass" for span in spans
    ):
        return True
    sources = list({span.source.id: span.source for span in spans}.values())
    found = best_spans(claim.body, sources, SECOND_SPANS)
    return any(
        claim.support(claim.body, found[:size]).verdict == "pass"
        for size in range(1, len(found) + 1)
        if found[:size] != list(spans)
    )


def _joined(names: Iterable[str]) -> str:
    shown = list(dict.fromkeys(names))
    return shown[0] if len(shown) == 1 else ", ".join(shown[:-1]) + " and " + shown[-1]
