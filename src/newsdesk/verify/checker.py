"""Grounding checks: is a claim backed by the source spans it rests on?

``check_claim`` runs every check of ``checks.CHECKS`` on one ``Claim`` and
combines them: attribution, quote and speaker, number, date, role, place and
support (the learned model, or word coverage).
A claim is *contradicted* when a source says otherwise (a failed check names
it in ``conflict``), *unsupported* when the sources do not back it, and
*supported* only when every check passes or does not apply.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Mapping, Sequence

from newsdesk.language.attribution import split_attribution
from newsdesk.language.dates import date_mentions
from newsdesk.language.text import content_words
from newsdesk.records import Article, Citation, Draft, Evidence, Sentence
from newsdesk.verify.checks import CHECKS, Check, Claim, ClaimResult, verdict_of
from newsdesk.verify.checks.quotes import check_quotes
from newsdesk.verify.checks.support import negated, turned_negation


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
    """Support as word coverage: nearly every content word of the claim is in the evidence,
    with the same negations.

    Exact for copied sentences and fast; it cannot see a paraphrase, which is what
    the learned ``verify.support`` model is for. A claim whose words are all cited
    but which drops the evidence's "not" (or adds one) is no copy: it fails here.
    Dates are not counted: the date check resolves them against the sources' days,
    so "on Monday, June 24" is judged there as the day a Monday source meant.
    """
    claim_words = content_words(_without_dates(claim))
    cited_words = set(content_words(" ".join(e.quote for e in evidence)))
    cited_bases = {_base(w) for w in cited_words}
    covered = [w in cited_words or _base(w) in cited_bases for w in claim_words]
    coverage = sum(covered) / len(claim_words) if claim_words else 1.0
    polarities = [negated(e.quote) for e in evidence]
    same_polarity = any(polarities) if negated(claim) else not all(polarities)
    if coverage >= min_coverage and same_polarity:
        return Check("support", "pass", f"{coverage:.0%} of content words cited")
    if coverage >= min_coverage:
        turned = turned_negation(claim)
        return Check("support", "fail", f"{coverage:.0%} of content words cited, but {turned}")
    missing = [w for w, c in zip(claim_words, covered, strict=True) if not c][:3]
    return Check(
        "support",
        "fail",
        f"only {coverage:.0%} of content words are in the cited text "
        f"(missing: {', '.join(missing)})",
    )


_INFLECTION = re.compile(r"(?:ies|es|s|ed|d|ing)$")


def _base(word: str) -> str:
    """A word without its regular inflection: "votes", "voted" and "voting" share "vot",
    so a headline's "votes" is covered by its source's "voted"."""
    return _INFLECTION.sub("", word) if len(word) > 4 else word


def combined_support(
    model: Callable[[str, Sequence[Evidence]], Check], min_coverage: float
) -> Callable[[str, Sequence[Evidence]], Check]:
    """Word coverage first, the learned model for what coverage cannot settle.

    A claim whose content words are nearly all in the evidence, with the same
    negations, is a copy or a light edit: supported without asking the model,
    which is tuned on abstractive summaries and hesitates on copies. Anything
    else (a paraphrase, a merge, a swap, a turned negation) is the model's call.
    """

    def check(claim: str, evidence: Sequence[Evidence]) -> Check:
        lexical = lexical_support(claim, evidence, min_coverage)
        return lexical if lexical.verdict == "pass" else model(claim, evidence)

    return check


def _without_dates(text: str) -> str:
    """``text`` with its date mentions blanked out."""
    mentions = date_mentions(text, None)
    for mention in reversed(mentions):
        text = text[: mention.start] + " " + text[mention.end :]
    return text


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
) -> ClaimResult:
    """Run every check on ``text`` against ``evidence`` (resolved spans) and ``sources``.

    ``sources`` are all the articles the claim may rest on (default: those of
    the evidence): quotes are searched in all of them, and a number, date,
    office-holder or place that one of them gives differently contradicts the
    claim. ``as_of`` is the date the claim speaks from. ``support`` scores
    entailment (default: ``lexical_support`` with ``min_coverage``). ``context``
    is what the page shows before the claim, nearest last.
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
        support=support or functools.partial(lexical_support, min_coverage=min_coverage),
        context=tuple(context),
    )
    checks = [check(claim) for check in CHECKS]
    return verdict_of(checks, seen)


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
