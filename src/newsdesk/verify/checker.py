"""Grounding checks: is a claim backed by the source spans it rests on?

``check_claim`` runs every check of ``checks.CHECKS`` on one ``Claim`` and
combines them: attribution, quote and speaker, number, date, role, place and
support (the learned model, or word coverage); on a claim they all pass, then
``checks.AFTER``: a sentence in the newsroom's own voice (it credits no outlet)
must rest on two independent sources.
A claim is *contradicted* when a source says otherwise (a failed check names
it in ``conflict``), *unsupported* when the sources do not back it, and
*supported* only when every check passes or does not apply.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from functools import partial

from newsdesk.language.attribution import split_attribution
from newsdesk.language.support import combined_support, lexical_support
from newsdesk.records import Article, Citation, Draft, Evidence, Sentence
from newsdesk.verify.checks import AFTER, CHECKS, Check, Claim, ClaimResult, verdict_of
from newsdesk.verify.checks.base import SupportFn
from newsdesk.verify.checks.quotes import check_quotes

__all__ = [
    "check_claim",
    "check_sentence",
    "combined_support",
    "lexical_support",
    "page_contexts",
    "resolve",
]


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


def check_claim(
    text: str,
    evidence: Sequence[Evidence],
    min_coverage: float = 0.9,
    speaker: str | None = None,
    *,
    sources: Sequence[Article] | None = None,
    as_of: str | None = None,
    support: Callable[[str, Sequence[Evidence]], Check] | None = None,
    context: Sequence[str] = (),
    voiced: bool = True,
) -> ClaimResult:
    """Run every check on ``text`` against ``evidence`` (resolved spans) and ``sources``.

    ``sources`` are all the articles the claim may rest on (default: those of
    the evidence): quotes are searched in all of them, and a number, date,
    office-holder or place that one of them gives differently contradicts the
    claim. ``as_of`` is the date the claim speaks from. ``support`` scores
    entailment (default: ``lexical_support`` with ``min_coverage``). ``context``
    is what the page shows before the claim, nearest last. ``voiced``: whether the
    claim speaks for itself where it credits no outlet (not a table row), and so must
    rest on two independent sources.
    """
    if not evidence:
        check = Check("support", "fail", "no source span is cited")
        return ClaimResult("unsupported", check.detail, (check,), ())
    pool = (
        list(sources)
        if sources is not None
        else list({e.source.id: e.source for e in evidence}.values())
    )
    body = split_attribution(text).claim
    quote, said, quoted = check_quotes(body, pool, speaker)
    seen = list(evidence) + [e for e in quoted if e not in evidence]
    claim = Claim(
        text=text,
        body=body,
        cited=tuple(evidence),
        evidence=tuple(seen),
        sources=tuple(pool),
        speaker=speaker,
        as_of=as_of,
        quoted=(quote, said),
        support=_remembered(support or partial(lexical_support, min_coverage=min_coverage)),
        context=tuple(context),
        voiced=voiced,
    )
    checks = [check(claim) for check in CHECKS]
    passed = not any(c.verdict == "fail" for c in checks)
    for after in AFTER:
        checks.append(after(claim) if passed else Check("attribution", "n/a", _NOT_JUDGED))
    return verdict_of(checks, seen)


_NOT_JUDGED = "not judged: another check failed"


def _remembered(support: SupportFn) -> SupportFn:
    """``support`` answering each (claim, spans) question once: the support check and the
    corroboration check ask the same of a sentence whose spans are all one source's."""
    answers: dict[tuple[str, tuple[tuple[str, str, int, int], ...]], Check] = {}

    def judged(claim: str, evidence: Sequence[Evidence]) -> Check:
        key = (claim, tuple((e.source.id, e.field, e.start, e.end) for e in evidence))
        if key not in answers:
            answers[key] = support(claim, evidence)
        return answers[key]

    return judged


def check_sentence(
    sentence: Sentence,
    sources: Mapping[str, Article],
    min_coverage: float,
    as_of: str | None = None,
    support: Callable[[str, Sequence[Evidence]], Check] | None = None,
    context: Sequence[str] = (),
) -> ClaimResult:
    """Check a drafted sentence against the spans its own citations name.

    ``sources`` (all of the story's articles) is where conflicting reports
    are looked for; ``context`` is what the page shows before the sentence.
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
        context=context,
    )


def page_contexts(draft: Draft) -> list[tuple[str, ...]]:
    """What a reader has read before each sentence of ``draft``, nearest last.

    The headline, the dek and the body read as one text. Key quotes, "Where outlets
    differ" lines and timeline entries stand alone: each must make sense
    without the sentences around it, so their context is empty.
    """
    contexts: list[tuple[str, ...]] = []
    running: list[str] = []
    for sentence in draft.sentences:
        if sentence.kind in ("headline", "dek", "body"):
            contexts.append(tuple(running))
            running.append(sentence.text)
        else:
            contexts.append(())
    return contexts
