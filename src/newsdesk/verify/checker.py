"""Grounding checks: is a claim backed by the exact source spans it cites?

This is the minimal checker: lexical entailment. A claim passes when its
citations point at real spans, every outlet it credits is the outlet of a
cited source, every quotation and number it contains appears in the cited
text, a quoted speaker is named there, and nearly all of its content words
(``min_coverage``) are found in the cited text. It cannot recognise a
paraphrase, so it errs towards "unsupported", never towards "supported".
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

from newsdesk.attribution import split_attribution
from newsdesk.records import Article, Citation, Sentence, VerdictLabel
from newsdesk.text import content_words, normalize, numbers, quotations, words

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


def same_outlet(named: str, outlet: str) -> bool:
    """Whether an outlet named in prose ("the Associated Press") is ``outlet``."""

    def fold(name: str) -> str:
        return " ".join(words(name.removeprefix("the ").removeprefix("The ")))

    return fold(named) == fold(outlet)


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
    min_coverage: float,
    speaker: str | None = None,
) -> ClaimResult:
    """Check ``text`` against ``evidence`` (already resolved spans)."""
    checks: list[Check] = []
    if not evidence:
        check = Check("support", "fail", "no source span is cited")
        return ClaimResult("unsupported", check.detail, (check,), ())
    attributed = split_attribution(text)
    claim = attributed.claim
    cited = " ".join(e.quote for e in evidence)
    outlets = sorted({e.source.outlet for e in evidence})
    if attributed.outlet is None:
        checks.append(Check("attribution", "n/a"))
    elif any(same_outlet(attributed.outlet, o) for o in outlets):
        checks.append(Check("attribution", "pass", attributed.outlet))
    else:
        checks.append(
            Check(
                "attribution",
                "fail",
                f"credits {attributed.outlet}, but the cited text is from {', '.join(outlets)}",
            )
        )

    quoted = quotations(claim)
    folded = normalize(cited)
    missing_quotes = [q for q in quoted if normalize(q) not in folded]
    if not quoted:
        checks.append(Check("quote", "n/a"))
    elif missing_quotes:
        checks.append(
            Check("quote", "fail", f"quotation not in the cited text: “{missing_quotes[0]}”")
        )
    else:
        checks.append(Check("quote", "pass"))

    if speaker is None:
        checks.append(Check("speaker", "n/a"))
    elif set(words(speaker)) <= set(words(cited)):
        checks.append(Check("speaker", "pass", speaker))
    else:
        checks.append(Check("speaker", "fail", f"the cited text does not name {speaker}"))

    claim_numbers = numbers(claim)
    cited_numbers = set(numbers(cited))
    absent = [n for n in claim_numbers if n not in cited_numbers]
    if not claim_numbers:
        checks.append(Check("number", "n/a"))
    elif absent:
        checks.append(Check("number", "fail", f"{absent[0]} does not appear in the cited text"))
    else:
        checks.append(Check("number", "pass"))

    claim_words = content_words(claim)
    cited_words = set(content_words(cited))
    coverage = sum(w in cited_words for w in claim_words) / len(claim_words) if claim_words else 1.0
    if coverage >= min_coverage:
        checks.append(Check("support", "pass", f"{coverage:.0%} of content words cited"))
    else:
        missing = [w for w in claim_words if w not in cited_words][:3]
        checks.append(
            Check(
                "support",
                "fail",
                f"only {coverage:.0%} of content words are in the cited text "
                f"(missing: {', '.join(missing)})",
            )
        )
    failures = [c for c in checks if c.verdict == "fail"]
    if failures:
        return ClaimResult("unsupported", failures[0].detail, tuple(checks), tuple(evidence))
    return ClaimResult("supported", "", tuple(checks), tuple(evidence))


def check_sentence(
    sentence: Sentence, sources: Mapping[str, Article], min_coverage: float
) -> ClaimResult:
    """Check a drafted sentence against the spans its own citations name."""
    evidence = resolve(sentence.citations, sources)
    if isinstance(evidence, str):
        check = Check("support", "fail", evidence)
        return ClaimResult("unsupported", evidence, (check,), ())
    return check_claim(sentence.text, evidence, min_coverage, speaker=sentence.speaker)
