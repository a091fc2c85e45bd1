"""The context check: a sentence must mean on the page what it meant in its source.

A sentence copied word for word can still mislead where it lands. "“A culture
of defensiveness is not acceptable,” he said" is true in its source, where
"he" is Sessions; placed after a sentence about Trump, it puts the words in
Trump's mouth. "Seconds later, three gunshots sounded" is true after the
sentence about the execution chamber and false after one about the autopsy.
So a sentence whose meaning leans on the one before it is read twice, in the
source around its cited span and on the page (``Claim.context``, the
sentences the page shows before it), and the two readings must agree:

- **pronouns** ("He said…", "…, she added", "His office…"): the person the
  pronoun means is the one the nearest preceding sentence puts forward
  (``language/people.py``: the speaker it credits, else the first person it
  names). The same person on both sides passes; another person on the page
  contradicts the claim, naming the source sentence that says who it was; no
  person on the page leaves it unsupported.
- **relative times** ("Hours later,", "The next day,"): the event it is
  relative to is the one the sentence before tells. The page's sentence before
  must tell the source's event (share most of its content words); one that
  shares almost nothing tells another event and contradicts the claim. The two
  source sentences before the claim's span are both taken as its anchor.
- **definite descriptions** ("The deal would…", "The downturn produced…"):
  the thing meant is the one the nearest preceding sentence mentions under
  that noun or a noun of its kind (``references.KINDS``). A page that mentions
  none leaves the claim unsupported; one whose mention tells another event
  than the source's contradicts it.

- **places by reference** ("Trump won there", "…were also present"): the place
  meant is the one the nearest preceding sentence names. The page must name the
  source's place, or tell the same event; none on the page leaves the claim
  unsupported, another event contradicts it.

Words are weighed by how rare they are among the story's source sentences
(``references.Vocabulary``): two sentences of one story share its common words
whatever they tell; sharing its rare ones is what shows the same event.

When the source does not say what the reference means, or the overlap is too
partial to tell, the check says so in its detail and does not guess.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from newsdesk.language.entities import analyse, source_index
from newsdesk.language.people import (
    Referent,
    Roster,
    people_in,
    referent_before,
    referent_in,
)
from newsdesk.language.references import (
    anchor_overlap,
    definite_description,
    kind_nouns,
    mentions_kind,
    place_reference,
    pronoun_reference,
    relative_time,
    vocabulary,
)
from newsdesk.language.text import (
    Span,
    content_words,
    paragraphs,
    sentences_before,
)
from newsdesk.records import Evidence
from newsdesk.verify.checks.base import Check, Claim
from newsdesk.verify.checks.places import places
from newsdesk.verify.checks.roles import same_person

SAME_EVENT = 0.5
"""Share of the shorter sentence's content words that makes two sentences tell one event."""
OTHER_EVENT = 0.2
"""At or below this share, the page's sentence before tells another event."""
ANCHORS = 2
"""Paragraphs before a relative time whose closing sentence may be what it is relative to:
the nearest one is sometimes an aside (a sign-up box left in the text, a one-line quote)."""
TELLS = 0.8
"""Share of a claim's content words a source sentence holds to tell the same thing."""
PLACE_LABELS = ("GPE", "LOC", "FAC")
"""Entity labels of places: countries and cities, regions, buildings."""
WINDOW = 3
"""Sentences looked back over, on the page and in the source, for what "the deal" means."""


def check_context(claim: Claim) -> Check:
    """Does each reference in the claim resolve on the page as it does in the source?"""
    for rule in (_pronoun, _time, _description, _place):
        check = rule(claim)
        if check is not None:
            return check
    return Check("context", "n/a")


def _text_evidence(claim: Claim) -> list[Evidence]:
    return [e for e in claim.cited if e.field == "text"]


def _pronoun(claim: Claim) -> Check | None:
    """The pronoun rule, or None when the claim has no pronoun subject or speaker."""
    match = pronoun_reference(claim.text)
    if match is None:
        return None
    pronoun = match.group("pronoun").lower()
    if claim.text.count("”") > claim.text.count("“"):
        return Check("context", "n/a", "the sentence ends a quotation: its words are a speaker's")
    roster = Roster(s.text for s in claim.sources)
    if people_in(claim.text, roster, match.start("pronoun")):
        return Check("context", "pass", f"{pronoun!r} refers to someone the sentence names")
    found = [
        (e, r)
        for e in _text_evidence(claim)
        if (r := referent_before(e.source.text, e.start, roster)) is not None
    ]
    if not found:
        return Check(
            "context", "n/a", f"the source does not say whom {pronoun!r} means; not judged"
        )
    evidence, meant = found[0]
    where = evidence.source.id
    conflict = _span_evidence(evidence, meant.sentence)
    shown = referent_in(claim.context, roster)
    if shown is None:
        return Check(
            "context",
            "fail",
            f"{pronoun!r} names no one on the page; in {where} it is {meant.name}",
        )
    if _agrees(shown, meant):
        return Check("context", "pass", f"{pronoun!r} is {meant.name} on the page and in {where}")
    return Check(
        "context",
        "fail",
        f"{pronoun!r} reads as {shown.name} here, but in {where} it is {meant.name}",
        conflict,
    )


def _agrees(shown: Referent, meant: Referent) -> bool:
    """Does the page put forward the source's person? A page sentence naming several people
    passes when one of them is the source's: the reader may take it either way."""
    if same_person(shown.name, meant.name) is not False:
        return True
    return any(same_person(other, meant.name) for other in shown.named)


def _span_evidence(evidence: Evidence, span: Span) -> Evidence:
    return Evidence(evidence.source, span.start, span.end)


def _time(claim: Claim) -> Check | None:
    """The relative-time rule, or None when the claim opens with no relative time."""
    match = relative_time(claim.text)
    if match is None:
        return None
    phrase = match.group().strip(" ,")
    anchors = [(e, span) for e in _tellings(claim) for span in _anchors(e.source.text, e.start)]
    if not anchors:
        return Check("context", "n/a", f"the source tells nothing before {phrase!r}; not judged")
    if not claim.context:
        evidence, anchor = anchors[-1]
        return Check(
            "context",
            "fail",
            f"{phrase!r} follows nothing on the page; in {evidence.source.id} it follows "
            f"“{_short(anchor.text)}”",
        )
    return _same_event(claim, repr(phrase), "follows", claim.context[-1], anchors)


def _description(claim: Claim) -> Check | None:
    """The definite-description rule, or None when the claim opens with none."""
    match = definite_description(claim.text)
    if match is None:
        return None
    phrase, noun = match.group("phrase"), match.group("noun")
    said = f"“{phrase[0].lower()}{phrase[1:]}”"
    anchors = [
        (e, span)
        for e in _tellings(claim)
        for span in sentences_before(e.source.text, e.start)[-WINDOW:]
        if mentions_kind(span.text, noun)
    ]
    if not anchors:
        return Check("context", "n/a", f"the source does not say what {said} is; not judged")
    page = next((s for s in reversed(claim.context[-WINDOW:]) if mentions_kind(s, noun)), None)
    if page is None:
        evidence, anchor = anchors[-1]
        return Check(
            "context",
            "fail",
            f"{said} points at nothing on the page; in {evidence.source.id} it is the one in "
            f"“{_short(anchor.text)}”",
        )
    nouns = kind_nouns(noun)
    given = {*nouns, *(f"{n}s" for n in nouns)}
    return _same_event(claim, said, "means the one in", page, anchors, given)


def _place(claim: Claim) -> Check | None:
    """The place-reference rule, or None when the claim leans on no place told before.

    The place meant is the one the nearest sentence before that names a place names.

    A sentence that names a place itself before "there" ("Kansas is a red state; Trump
    won there") resolves it on its own and is left to the place check.
    """
    match = place_reference(claim.text)
    if match is None or _places_named(claim.text[: match.start()]):
        return None
    said = f"“{match.group().lower()}”"
    anchors = []
    for evidence in _tellings(claim):
        before = sentences_before(evidence.source.text, evidence.start)[-WINDOW:]
        nearest = next((s for s in reversed(before) if _places_named(s.text)), None)
        if nearest is not None:
            anchors.append((evidence, nearest))
    if not anchors:
        return Check("context", "n/a", f"the source does not say where {said} is; not judged")
    page = next((s for s in reversed(claim.context[-WINDOW:]) if _places_named(s)), None)
    evidence, anchor = anchors[-1]
    if page is None:
        return Check(
            "context",
            "fail",
            f"{said} points at no place on the page; in {evidence.source.id} it is "
            f"{_names(anchor.text)}",
        )
    shown = _places_named(page)
    for evidence, anchor in reversed(anchors):
        if shown & _places_named(anchor.text):
            return Check(
                "context", "pass", f"{said} is {_names(anchor.text)} as in {evidence.source.id}"
            )
    return _same_event(claim, said, "is the place in", page, anchors)


def _places_named(text: str) -> frozenset[str]:
    """Places a text names: the place check's (which folds "Ind." into "indiana") and any
    country, city, region or building the recogniser finds."""
    keys = {key for place in places(text) for key in place.keys}
    return frozenset(keys | {e.text.lower() for e in analyse(text).of(*PLACE_LABELS)})


def _names(text: str) -> str:
    found = [p.name for p in places(text)] or [e.text for e in analyse(text).of(*PLACE_LABELS)]
    return " and ".join(dict.fromkeys(found))


def _same_event(
    claim: Claim,
    said: str,
    relation: str,
    page: str,
    anchors: Sequence[tuple[Evidence, Span]],
    given: Iterable[str] = (),
) -> Check:
    """Does the page sentence a reference leans on tell what its source anchor tells?

    ``given``: words the two hold by construction (the description's noun), left out.
    """
    words = vocabulary(tuple(s.text for s in claim.sources))
    scored = [(anchor_overlap(page, anchor.text, words, given), e, anchor) for e, anchor in anchors]
    overlap, evidence, anchor = max(reversed(scored), key=lambda t: t[0])  # nearest on ties
    where = evidence.source.id
    if overlap >= SAME_EVENT:
        return Check("context", "pass", f"{said} {relation} the same event as in {where}")
    if overlap > OTHER_EVENT:
        return Check(
            "context",
            "n/a",
            f"{said} may lean on another event than in {where} "
            f"({overlap:.0%} of its words shared); not judged",
        )
    return Check(
        "context",
        "fail",
        f"{said} here {relation} “{_short(page)}”, but in {where} it {relation} "
        f"“{_short(anchor.text)}”",
        _span_evidence(evidence, anchor),
    )


def _tellings(claim: Claim) -> list[Evidence]:
    """The source sentences that tell the claim (hold ``TELLS`` of its content words), the
    cited ones first: each source may tell the event after another one, and the page may
    follow any of them. A cited span that holds only part of the claim is not where the
    claim is told, and what comes before it says nothing about the claim's references;
    when no sentence tells the claim (a paraphrase), the cited spans are all there is."""
    cited = _text_evidence(claim)
    wanted = set(content_words(claim.body))
    if not wanted:
        return cited
    needed = TELLS * len(wanted)
    found = [e for e in cited if len(wanted & set(content_words(e.quote))) >= needed]
    for source in claim.sources:
        for segment in source_index(source).segments:
            if segment.field != "text" or len(wanted & segment.words) < needed:
                continue
            if not any(e.source.id == source.id and e.start == segment.start for e in found):
                found.append(Evidence(source, segment.start, segment.end))
    return found or cited


def _anchors(text: str, offset: int) -> list[Span]:
    """What a relative time at ``offset`` may be relative to: the sentence before it and the
    closing sentences of the ``ANCHORS`` paragraphs before, nearest last."""
    before = sentences_before(text, offset)
    ends = {p.end for p in paragraphs(text) if p.end <= offset}
    closing = [s for s in before if s.end in ends][-ANCHORS:]
    return sorted(set(closing + before[-1:]), key=lambda s: s.start)


def _short(text: str, words: int = 12) -> str:
    parts = text.split()
    return " ".join(parts[:words]) + ("…" if len(parts) > words else "")
