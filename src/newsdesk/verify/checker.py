"""Grounding checks: is a claim backed by the source spans it rests on?

``check_claim`` runs every check and combines them: attribution (here),
quote and speaker (``quotes``), number (``numbers``), date (``dates``), role
(``roles``), place (``places``) and support (``support``, or word coverage).
A claim is *contradicted* when a source says otherwise (a failed check names
it in ``conflict``), *unsupported* when the sources do not back it, and
*supported* only when every check passes or does not apply.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

from newsdesk.attribution import credited_outlets, same_outlet, split_attribution
from newsdesk.records import Article, Citation, Sentence, VerdictLabel
from newsdesk.text import content_words

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
]


@dataclass(frozen=True)
class Evidence:
    """A span of a source that a claim rests on."""

    source: Article
    start: int
    end: int
    field: Literal["text", "title"] = "text"

    @property
    def quote(self) -> str:
        body = self.source.title if self.field == "title" else self.source.text
        return body[self.start : self.end]


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


@dataclass(frozen=True)
class ClaimResult:
    """The verdict on one claim, the checks behind it and the evidence used."""

    label: VerdictLabel
    reason: str
    checks: tuple[Check, ...]
    evidence: tuple[Evidence, ...]


def resolve(citations: Sequence[Citation], sources: Mapping[str, Article]) -> list[Evidence] | str:
    """The cited spans, or a one-line reason why a citation does not point at one."""
    evidence = []
    for number, citation in enumerate(citations, start=1):
        source = sources.get(citation.article_id)
        if source is None:
            return f"citation {number} names unknown article {citation.article_id!r}"
        body = source.title if citation.field == "title" else source.text
        if not 0 <= citation.start < citation.end <= len(body):
            return (
                f"citation {number} span [{citation.start}, {citation.end}) lies outside "
                f"the {citation.field} of {citation.article_id!r}"
            )
        evidence.append(Evidence(source, citation.start, citation.end, citation.field))
    return evidence


def lexical_support(claim: str, evidence: Sequence[Evidence], min_coverage: float) -> Check:
    """Support as word coverage: nearly every content word of the claim is in the evidence.

    Exact for copied sentences and fast; it cannot see a paraphrase or a
    negation, which is what the learned ``verify.support`` model is for.
    """
    claim_words = content_words(claim)
    cited_words = set(content_words(" ".join(e.quote for e in evidence)))
    coverage = sum(w in cited_words for w in claim_words) / len(claim_words) if claim_words else 1.0
    if coverage >= min_coverage:
        return Check("support", "pass", f"{coverage:.0%} of content words cited")
    missing = [w for w in claim_words if w not in cited_words][:3]
    return Check(
        "support",
        "fail",
        f"only {coverage:.0%} of content words are in the cited text "
        f"(missing: {', '.join(missing)})",
    )


_NEGATION = frozenset("not no never none nobody nothing neither nor cannot without".split())


def _negations(text: str) -> int:
    return sum(w in _NEGATION or w.endswith("n't") for w in text.lower().split())


def combined_support(
    model: Callable[[str, Sequence[Evidence]], Check], min_coverage: float
) -> Callable[[str, Sequence[Evidence]], Check]:
    """Word coverage first, the learned model for what coverage cannot settle.

    A claim whose content words are nearly all in the evidence, with the same
    negations, is a copy or a light edit: supported without asking the model,
    which is tuned on abstractive summaries and hesitates on copies. Anything
    else (a paraphrase, a merge, a swap) is the model's call.
    """

    def check(claim: str, evidence: Sequence[Evidence]) -> Check:
        lexical = lexical_support(claim, evidence, min_coverage)
        negated = [_negations(e.quote) > 0 for e in evidence]
        same_polarity = any(negated) if _negations(claim) else not all(negated)
        if lexical.verdict == "pass" and same_polarity:
            return lexical
        return model(claim, evidence)

    return check


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


def check_claim(
    text: str,
    evidence: Sequence[Evidence],
    min_coverage: float = 0.9,
    speaker: str | None = None,
    *,
    sources: Sequence[Article] | None = None,
    as_of: str | None = None,
    support: Callable[[str, Sequence[Evidence]], Check] | None = None,
) -> ClaimResult:
    """Run every check on ``text`` against ``evidence`` (resolved spans) and ``sources``.

    ``sources`` are all the articles the claim may rest on (default: those of
    the evidence): quotes are searched in all of them, and a number, date,
    office-holder or place that one of them gives differently contradicts the
    claim. ``as_of`` is the date the claim speaks from. ``support`` scores
    entailment (default: ``lexical_support`` with ``min_coverage``).
    """
    from newsdesk.verify.dates import check_dates
    from newsdesk.verify.numbers import check_numbers
    from newsdesk.verify.places import check_places
    from newsdesk.verify.quotes import check_quotes
    from newsdesk.verify.roles import check_roles

    if not evidence:
        check = Check("support", "fail", "no source span is cited")
        return ClaimResult("unsupported", check.detail, (check,), ())
    pool = (
        list(sources)
        if sources is not None
        else list({e.source.id: e.source for e in evidence}.values())
    )
    claim = split_attribution(text).claim
    quote, said, quoted = check_quotes(claim, pool, speaker)
    seen = list(evidence) + [e for e in quoted if e not in evidence]
    checks = [
        check_attribution(text, evidence, pool),
        quote,
        said,
        check_numbers(claim, seen, pool),
        check_dates(claim, seen, pool, as_of),
        check_roles(claim, seen, pool, as_of),
        check_places(claim, seen, pool),
        support(claim, seen) if support else lexical_support(claim, seen, min_coverage),
    ]
    return verdict_of(checks, seen)


def check_sentence(
    sentence: Sentence,
    sources: Mapping[str, Article],
    min_coverage: float,
    as_of: str | None = None,
    support: Callable[[str, Sequence[Evidence]], Check] | None = None,
) -> ClaimResult:
    """Check a drafted sentence against the spans its own citations name.

    ``sources`` (all of the story's articles) is where conflicting reports
    are looked for.
    """
    evidence = resolve(sentence.citations, sources)
    if isinstance(evidence, str):
        check = Check("support", "fail", evidence)
        return ClaimResult("unsupported", evidence, (check,), ())
    return check_claim(
        sentence.text,
        evidence,
        min_coverage,
        speaker=sentence.speaker,
        sources=list(sources.values()),
        as_of=as_of,
        support=support,
    )
