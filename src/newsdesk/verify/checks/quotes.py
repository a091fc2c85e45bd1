"""The quote and speaker checks.

A quotation must appear in a source word for word, up to quote style,
whitespace, case and ellipses ("...", "…" mark cuts: each piece must appear,
in order). The speaker the claim names must be the person the source credits
with those words; a different named speaker contradicts the claim. And words a
cited source prints only inside quotation marks must not be printed outside
them (``unmarked_check``): they would read as the newsroom's own, or the outlet's.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from newsdesk.language.quoting import (
    MIN_PIECE_WORDS,
    quotation_pieces,
    quotation_speaker,
    unmarked_quote,
)
from newsdesk.language.speakers import speaker_of
from newsdesk.language.text import (
    QUOTED_SPAN,
    normalized,
    quotation_at,
    quotations,
    sentence_spans,
    words,
)
from newsdesk.records import Article, Evidence
from newsdesk.verify.checks.base import Check, Claim

MIN_SPOKEN_WORDS = 5
"""A quotation this long is someone's statement, not a quoted phrase: it needs a speaker."""
_SPEECH = re.compile(
    r"\b(?:said|says|say|saying|added|told|tells|wrote|writes|tweeted|stated|argued|asked"
    r"|called|declared|announced|insisted|warned)\b",
    re.IGNORECASE,
)
"""A verb that credits words to someone; where the claim names no one, ``speaker_of`` has
already failed to find a name, and the one it credits is described ("the organization")."""
_PRONOUN_SPEAKER = re.compile(
    r"(?:[,”\"]\s+|^)(?:he|she|they)\s+(?:said|says|added|told|wrote|argued|noted)\b"
    r"|\b(?:said|says|added)\s+(?:he|she)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Found:
    """Where a quotation was found: the source sentence holding it, the speaker named
    around it, and ``at``, the offset of its first words in the source."""

    evidence: Evidence
    speaker: str | None
    at: int

    def quoted_by(self) -> str | None:
        """The speaker named around the quotation, else whom the source's quotation holding
        it is credited to over sentences and paragraphs ("…,” he said" after a paragraph
        naming him): a quotation several sentences long names its speaker once."""
        if self.speaker is not None:
            return self.speaker
        text = self.evidence.source.text
        quotation = quotation_at(text, self.at)
        return quotation_speaker(text, quotation) if quotation is not None else None


def _sentence_at(source: Article, offset: int) -> tuple[Evidence, str | None]:
    """The sentence holding ``offset`` and the speaker its paragraph credits.

    A quotation running over several sentences names its speaker once, often
    at the end ("... as we are," said Friedman), so when the sentence itself
    names nobody, the next sentences of the paragraph are read, then the one
    before.
    """
    spans = sentence_spans(source.text)
    for index, span in enumerate(spans):
        if span.start <= offset < span.end:
            evidence = Evidence(source, span.start, span.end)
            paragraph_end = source.text.find("\n\n", span.end)
            paragraph_end = len(source.text) if paragraph_end < 0 else paragraph_end
            following = [s for s in spans[index + 1 : index + 3] if s.start < paragraph_end]
            preceding = spans[index - 1 : index] if index else []
            for candidate in [span, *following, *preceding]:
                speaker = speaker_of(candidate.text)
                if speaker is not None:
                    return evidence, speaker
            return evidence, None
    return Evidence(source, offset, min(len(source.text), offset + 1)), None


def _neighbours(source: Article, evidence: Evidence) -> str:
    """The sentence before and after, where "he said" often names the speaker."""
    spans = sentence_spans(source.text)
    for index, span in enumerate(spans):
        if span.start == evidence.start:
            around = spans[max(0, index - 1) : index + 2]
            return " ".join(s.text for s in around)
    return evidence.quote


def index_source(source: Article) -> None:
    """Fold and split ``source`` now, once: every quotation is searched in the folded text."""
    normalized(source.text)
    sentence_spans(source.text)


def find_quote(quote: str, sources: Sequence[Article]) -> list[Found]:
    """Every source sentence that holds ``quote`` (all its pieces, in order)."""
    pieces = quotation_pieces(quote)
    found: list[Found] = []
    if not pieces:
        return found
    for source in sources:
        folded = normalized(source.text)
        position = 0
        for piece in pieces:
            position = folded.find(piece, position)
            if position < 0:
                break
            position += len(piece)
        else:
            start = _raw_offset(source.text, folded.find(pieces[0]))
            evidence, speaker = _sentence_at(source, start)
            found.append(Found(evidence, speaker, start))
    return found


def _raw_offset(text: str, folded_offset: int) -> int:
    """Map an offset in ``normalize(text)`` back to ``text`` (whitespace runs fold to one)."""
    count = 0
    previous_space = True
    for index, char in enumerate(text):
        if count >= folded_offset:
            return index
        space = char.isspace()
        if not (space and previous_space):
            count += 1
        previous_space = space
    return len(text)


def _same_person(a: str, b: str) -> bool:
    """Same person when one name's words contain the other's surname ("Pelosi" ~ "Nancy Pelosi")."""
    first, second = words(a), words(b)
    return bool(first and second) and (first[-1] in second or second[-1] in first)


def check_quotes(
    claim: str, sources: Sequence[Article], speaker: str | None = None
) -> tuple[Check, Check, list[Evidence]]:
    """The quote and speaker checks of ``claim``, and the source sentences that hold its quotes."""
    quoted = [q for q in quotations(claim) if len(words(q)) >= MIN_PIECE_WORDS]
    if not quoted:
        return Check("quote", "n/a"), Check("speaker", "n/a"), []
    speaker = speaker or speaker_of(claim)
    holders: list[list[Found]] = []
    for quote in quoted:
        where = find_quote(quote, sources)
        if not where:
            detail = f"quotation not in any source: “{quote}”"
            return Check("quote", "fail", detail), Check("speaker", "n/a"), []
        holders.append(where)
    evidence = [where[0].evidence for where in holders]
    quote_check = Check("quote", "pass", f"found in {', '.join(e.source.id for e in evidence)}")
    if speaker is None:
        return quote_check, _unspoken(claim, quoted, holders), evidence
    for where in holders:
        credited = [f for f in where if f.speaker is not None]
        if any(_same_person(f.speaker or "", speaker) for f in credited):
            continue
        if credited:
            other = credited[0]
            detail = (
                f"{other.evidence.source.id} gives these words to {other.speaker}, not {speaker}"
            )
            return quote_check, Check("speaker", "fail", detail, other.evidence), evidence
        if not any(_spoken_by(f, speaker) for f in where):
            detail = f"{where[0].evidence.source.id} does not say {speaker} said this"
            return quote_check, Check("speaker", "fail", detail), evidence
    return quote_check, Check("speaker", "pass", speaker), evidence


def _spoken_by(found: Found, speaker: str) -> bool:
    """Whether the source names ``speaker`` beside the quotation or credits its quotation
    to them (a quotation whose speaker the paragraph before names)."""
    if _mentions(speaker, _neighbours(found.evidence.source, found.evidence)):
        return True
    return _same_person(found.quoted_by() or "", speaker)


def _unspoken(claim: str, quoted: Sequence[str], holders: Sequence[Sequence[Found]]) -> Check:
    """The speaker check of a claim that names no speaker.

    A quotation printed without the person the source credits it to reads as
    the newsroom's own words (or the outlet's that reported it). A claim whose
    speaker is a pronoun ("…,” he said) is the context check's to judge, and a
    short quoted phrase inside a paraphrase ("called it “a hoax”") needs no
    speaker of its own when the claim names that person anywhere.
    """
    if _PRONOUN_SPEAKER.search(claim):
        return Check("speaker", "n/a", "the speaker is a pronoun (see the context check)")
    if _SPEECH.search(QUOTED_SPAN.sub(" ", claim)):
        return Check("speaker", "n/a", "the claim credits its words to someone it describes")
    for quote, where in zip(quoted, holders, strict=True):
        if len(words(quote)) < MIN_SPOKEN_WORDS:
            continue
        credited = _credited(where)
        if credited is None or _mentions(credited[1], claim):
            continue
        detail = (
            f"{credited[0].evidence.source.id} gives these words to {credited[1]};"
            " the sentence does not say who said them"
        )
        return Check("speaker", "fail", detail)
    return Check("speaker", "n/a", "the claim names no speaker")


def _credited(where: Sequence[Found]) -> tuple[Found, str] | None:
    """The first place that names who said a quotation: beside it, else over the source's
    whole quotation (read only when no place names the speaker beside it)."""
    for found in where:
        if found.speaker is not None:
            return found, found.speaker
    for found in where:
        name = found.quoted_by()
        if name is not None:
            return found, name
    return None


def _mentions(speaker: str, context: str) -> bool:
    """Whether the context names the speaker (by surname)."""
    names = words(speaker)
    return bool(names) and names[-1] in words(context)


def quote_check(claim: Claim) -> Check:
    """Whether the claim's quotations are in a source (found before the checks run)."""
    return claim.quoted[0]


def speaker_check(claim: Claim) -> Check:
    """Whether the source gives the quotation to the speaker the claim names."""
    return claim.quoted[1]


def unmarked_check(claim: Claim) -> Check:
    """Whether the claim prints a cited source's quoted words as plain prose.

    A run of the claim's words outside its quotation marks that a cited source prints
    only inside a quotation (``language.quoting.unmarked_quote``: long enough to be a
    statement, not a stock phrase) is someone's words passed off as the newsroom's or
    the outlet's, whatever else the sentence credits: "According to CNN, at that time,
    there was a paucity of equipment" where CNN quoted Fauci. A speaker check: the
    failure is whose words they are.
    """
    cited = {(e.source.id, e.field): e for e in claim.cited}
    evidence = list(cited.values())
    texts = [e.source.title if e.field == "title" else e.source.text for e in evidence]
    found = unmarked_quote(claim.text, texts)
    if found is None:
        return Check("speaker", "n/a", "no quoted words outside quotation marks")
    source = evidence[found.source].source
    run = claim.text[found.start : found.end]
    speaker = quotation_speaker(texts[found.source], found.quotation)
    whose = f"words of {speaker}" if speaker is not None else "quoted words"
    return Check(
        "speaker",
        "fail",
        f"{whose} published without quotation marks: “{run}” (quoted in {source.id})",
    )
