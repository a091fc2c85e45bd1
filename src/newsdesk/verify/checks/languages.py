"""Sources in other languages: which language a source is in, and what it can still back.

Every check of ``verify`` reads English: word coverage, the support model,
dates, offices and places. A source in French can still confirm a claim's
hard facts, because names and digits survive translation: a sentence of it
that holds every name and every number of the claim reports the same thing.
English evidence is preferred; this is the fallback, and each finding that
rests on another language says so.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace

from newsdesk.language.crosslingual import (
    DECIMAL_COMMA,
    MIN_FACTS,
    fold,
    matches,
    names,
    numbers,
)
from newsdesk.language.detection import ENGLISH, LETTERS, language_name
from newsdesk.language.retrieval import Candidate
from newsdesk.records import Evidence
from newsdesk.verify.checks.base import Check, ClaimResult, verdict_of

# Names and numbers are read in language/crosslingual.py, which the stories stage shares;
# they are re-exported here for the code that imports them from this module.
__all__ = [
    "DECIMAL_COMMA",
    "MIN_FACTS",
    "best_match",
    "cross_language_support",
    "fold",
    "matches",
    "names",
    "noted",
    "numbers",
    "with_numbers_matched",
]


def best_match(
    claim: str, candidates: Sequence[Candidate], languages: Mapping[str, str]
) -> Evidence | None:
    """The source span, in a language other than English, that holds every name and
    number of ``claim`` (see ``matches``); of several, the one sharing most of its words."""
    claim_words = set(LETTERS.findall(fold(claim)))
    found = [
        candidate.evidence
        for candidate in candidates
        if matches(claim, candidate.evidence.quote, languages[candidate.evidence.source.id])
    ]
    return max(
        found,
        key=lambda e: (len(claim_words & set(LETTERS.findall(fold(e.quote)))), -len(e.quote)),
        default=None,
    )


def cross_language_support(evidence: Evidence, languages: Mapping[str, str]) -> Check:
    """The ``support`` check of a claim backed by ``best_match``."""
    language = language_name(languages[evidence.source.id])
    return Check(
        "support",
        "pass",
        f"supported by a source in {language} ({evidence.source.id}): names and numbers match",
    )


def noted(result: ClaimResult, languages: Mapping[str, str]) -> ClaimResult:
    """``result`` with each check that rests on a source in another language saying so.

    A check rests on the source it names as conflicting, else (when it
    applied) on the claim's evidence.
    """
    checks = []
    for check in result.checks:
        if check.conflict is not None:
            sources = [check.conflict.source]
        elif check.verdict != "n/a":
            sources = [e.source for e in result.evidence]
        else:
            sources = []
        foreign = sorted({s.id for s in sources if languages.get(s.id, ENGLISH) != ENGLISH})
        if foreign and "a source in " not in check.detail:
            named = ", ".join(f"{language_name(languages[i])}: {i}" for i in foreign)
            check = replace(check, detail=f"{check.detail} (evidence in {named})".lstrip())
        checks.append(check)
    if checks == list(result.checks):
        return result
    return verdict_of(checks, result.evidence)


def with_numbers_matched(
    result: ClaimResult, claim: str, evidence: Evidence, languages: Mapping[str, str]
) -> ClaimResult:
    """``result`` of a claim judged on ``evidence`` in another language, with a number
    check that found no number there replaced by the match of values.

    The number check reads English units ("24 hours" is not in "24 horas");
    ``best_match`` has already found every number of the claim, as a value, in
    the evidence. A number a source gives differently (a conflict) still fails.
    """
    checks = list(result.checks)
    for position, check in enumerate(checks):
        if check.kind == "number" and check.verdict == "fail" and check.conflict is None:
            language = language_name(languages[evidence.source.id])
            values = ", ".join(format(v, "f") for v in sorted(numbers(claim)))
            detail = f"{values} in a source in {language} ({evidence.source.id}), as values"
            checks[position] = Check("number", "pass", detail)
    return result if checks == list(result.checks) else verdict_of(checks, result.evidence)
