"""What a written sentence may be, given the source spans it cites."""

from __future__ import annotations

from collections.abc import Mapping

from newsdesk.language.dates import parse_anchor, pin_dates
from newsdesk.records import Article, Citation

PRONOUNS = frozenset({"he", "she", "his", "her"})


def cited_text(citation: Citation, sources: Mapping[str, Article]) -> str:
    source = sources[citation.article_id]
    body = source.title if citation.field == "title" else source.text
    return body[citation.start : citation.end]


def own_citations(citations: tuple[Citation, ...]) -> tuple[Citation, ...]:
    """The citations of the article a sentence is taken from (its first citation's): the
    rest cite a second source that tells the same."""
    return tuple(c for c in citations if c.article_id == citations[0].article_id)


def told_by(claim: str, citations: tuple[Citation, ...], sources: Mapping[str, Article]) -> bool:
    """Whether ``claim`` is its first cited span, or that span with one pronoun replaced
    by a name that its second cited span (the sentence naming the person) holds; either
    with its relative dates pinned to the source's calendar (``pin_dates``). Citations of
    other articles (a second, independent source that tells the same) are left aside."""
    citations = own_citations(citations)
    own = cited_text(citations[0], sources)
    anchor = parse_anchor(sources[citations[0].article_id].published)
    pinned = pin_dates(own, anchor).text
    return _told(claim, own, citations, sources) or _told(claim, pinned, citations, sources)


def _told(
    claim: str, own: str, citations: tuple[Citation, ...], sources: Mapping[str, Article]
) -> bool:
    if claim == own:
        return True
    if len(citations) != 2:
        return False
    mine, theirs = claim.split(" "), own.split(" ")
    front = 0
    while front < min(len(mine), len(theirs)) and mine[front] == theirs[front]:
        front += 1
    back = 0
    while back < min(len(mine), len(theirs)) - front and mine[-1 - back] == theirs[-1 - back]:
        back += 1
    replaced = theirs[front : len(theirs) - back]
    name = " ".join(mine[front : len(mine) - back]).removesuffix("’s")
    if len(replaced) != 1 or replaced[0].lower().strip(",.") not in PRONOUNS or not name:
        return False
    return name.split()[-1] in cited_text(citations[1], sources)
