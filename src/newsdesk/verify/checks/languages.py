"""Sources in other languages: which language a source is in, and what it can still back.

Every check of ``verify`` reads English: word coverage, the support model,
dates, offices and places. A source in French can still confirm a claim's
hard facts, because names and digits survive translation: a sentence of it
that holds every name and every number of the claim reports the same thing.
English evidence is preferred; this is the fallback, and each finding that
rests on another language says so.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from decimal import Decimal, InvalidOperation

from newsdesk.language.detection import ENGLISH, LETTERS, language_name
from newsdesk.language.retrieval import Candidate
from newsdesk.language.text import STOPWORDS
from newsdesk.records import Evidence
from newsdesk.verify.checks.base import Check, ClaimResult, verdict_of

MIN_FACTS = 2
"""Names plus numbers a claim needs for a name-and-number match to mean anything: one
name alone ("Lee") is in most sentences of a story."""

DECIMAL_COMMA = frozenset(
    "ca cs da de el es fi fr hr hu id it lt lv nl no pl pt ro ru sk sl sr sv tr uk".split()
)
"""Languages that write 2,5 for two and a half and 2 500 or 2.500 for two thousand five hundred."""

_CAPITALISED = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?")
_POINT_NUMBER = re.compile(r"(?<![\d.,])\d{1,3}(?:,\d{3})+(?:\.\d+)?|(?<![\d.,])\d+(?:\.\d+)?")
_COMMA_NUMBER = re.compile(
    r"(?<![\d.,])\d{1,3}(?:[ \u00a0\u202f.]\d{3})+(?:,\d+)?|(?<![\d.,])\d+(?:,\d+)?"
)
_CALENDAR = frozenset(
    "monday tuesday wednesday thursday friday saturday sunday january february march april "
    "may june july august september october november december".split()
)
"""Capitalised in English, translated elsewhere: dates are the date check's business."""
_NUMBER_WORDS = frozenset(
    "one two three four five six seven eight nine ten eleven twelve twenty thirty forty fifty "
    "hundred thousand million billion dozen".split()
)
"""Capitalised only at the start of a sentence, and translated."""


def names(claim: str) -> set[str]:
    """The claim's names, folded: capitalised words that are not function words or days.

    A capitalised first word counts too ("Lee, 47, was executed"), unless it is
    a word any sentence may start with ("The", "Before").
    """
    found: set[str] = set()
    for match in _CAPITALISED.finditer(claim):
        word = re.sub(r"['’]s$", "", match.group())
        if not word[0].isupper() or len(word) < 2:
            continue
        folded = fold(word)
        if folded in STOPWORDS or folded in _CALENDAR or folded in _NUMBER_WORDS:
            continue
        found.update(part for part in LETTERS.findall(folded) if len(part) > 1)
    return found


def numbers(text: str, language: str = ENGLISH, *, lenient: bool = False) -> set[Decimal]:
    """Numbers written with digits, as values, read with the digit grouping of ``language``.

    ``lenient`` also keeps the other reading of a spaced group ("2 500" in
    French is 2500, or 2 and 500 in a list), so a source never fails a claim
    for the way it spaced a number.
    """
    comma = language in DECIMAL_COMMA
    found: set[Decimal] = set()
    for match in (_COMMA_NUMBER if comma else _POINT_NUMBER).finditer(text):
        raw = match.group()
        if comma:
            found |= _values([re.sub(r"[ \u00a0\u202f.]", "", raw).replace(",", ".")])
            if lenient and re.search(r"[ \u00a0\u202f]", raw):
                found |= _values(
                    part.replace(",", ".") for part in re.split(r"[ \u00a0\u202f]", raw)
                )
        else:
            found |= _values([raw.replace(",", "")])
    return found


def matches(claim: str, sentence: str, language: str) -> bool:
    """Whether ``sentence`` (in ``language``) holds every name and number of ``claim``.

    The claim must have ``MIN_FACTS`` names and numbers between them.
    """
    wanted = names(claim)
    values = numbers(claim)
    if len(wanted) + len(values) < MIN_FACTS:
        return False
    words = set(LETTERS.findall(fold(sentence)))
    return wanted <= words and values <= numbers(sentence, language, lenient=True)


def fold(text: str) -> str:
    """Lower case without accents, so that "Etats" meets "États" and "Indiana" "indiana"."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def _values(parts: Iterable[str]) -> set[Decimal]:
    found = set()
    for part in parts:
        try:
            found.add(Decimal(part).normalize())
        except InvalidOperation:
            continue
    return found


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
