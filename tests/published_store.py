"""A small real store for the publish tests: one story the checker passed, one it blocked.

The budget story cites two outlets, has a sentence the checker failed (still in
the draft, with its verdict, as a draft stored without the gate would be) and a
gate record that says one sentence was left out.
"""

from __future__ import annotations

from typing import Literal

from newsdesk.records import (
    Article,
    Citation,
    Draft,
    Dropped,
    GateRecord,
    Sentence,
    SourceRef,
    Verdict,
)
from newsdesk.store import SQLiteStore

SCRIPT = "<script>alert(1)</script>"
STORY = "s-0123456789ab"
BLOCKED = "s-ba9876543210"
UNSUPPORTED = "The council also abolished all parking fees forever."

BUDGET = Article(
    id="a1",
    url="https://example.com/news/budget?ref=a&b=1",
    outlet="Example Times",
    title="Council approves $5m budget",
    text=(
        "The city council approved a $5m budget on Monday. "
        f"Residents found {SCRIPT} in the published minutes. "
        '"We kept every promise," Mayor Jane Roe said.'
    ),
    published="2024-03-05",
)
REACTION = Article(
    id="a2",
    url="https://news.example.org/reaction",
    outlet="Example Post",
    title="Residents react to the budget",
    text="Residents packed the hall to hear the vote on Monday evening.",
    published="2024-03-05",
)
OTHER = Article(
    id="a3",
    url="https://example.net/other",
    outlet="Example Net",
    title="Unrelated story",
    text="Something else happened somewhere else entirely.",
    published="2024-03-06",
)


def cite(article: Article, needle: str, field: Literal["text", "title"] = "text") -> Citation:
    """A citation of the exact span ``needle`` of ``article``'s ``field``."""
    start = getattr(article, field).index(needle)
    return Citation(article.id, start, start + len(needle), field)


def budget_draft() -> Draft:
    sentences = (
        Sentence("headline", "Council approves $5m budget", (cite(BUDGET, "$5m budget", "title"),)),
        Sentence("dek", "Residents packed the hall for the vote.", (cite(REACTION, "packed"),)),
        Sentence(
            "body",
            "The city council approved a $5m budget on Monday.",
            (cite(BUDGET, "The city council approved a $5m budget on Monday."),),
        ),
        Sentence("body", f"Residents found {SCRIPT} in the minutes.", (cite(BUDGET, SCRIPT),)),
        Sentence("body", UNSUPPORTED, (cite(REACTION, "Residents"),), paragraph=1),
        Sentence(
            "body",
            "Residents packed the hall on Monday evening.",
            (cite(REACTION, "packed the hall"),),
            paragraph=1,
        ),
        Sentence(
            "quote",
            '"We kept every promise."',
            (cite(BUDGET, "We kept every promise"),),
            speaker="Mayor Jane Roe",
            outlet="Example Times",
        ),
    )
    sources = tuple(
        SourceRef(a.id, a.outlet, a.title, a.url, a.published) for a in (BUDGET, REACTION)
    )
    return Draft(STORY, "hash", "Politics", "2024-03-05", sentences, sources)


def blocked_draft() -> Draft:
    sentences = (
        Sentence("headline", "Something unverified happened", (cite(OTHER, "Unrelated", "title"),)),
        Sentence("body", "Something else happened somewhere else.", (cite(OTHER, "Something"),)),
    )
    return Draft(BLOCKED, "hash", "World", "2024-03-06", sentences, ())


CHECKS = {
    "headline": ("support", "number"),
    "dek": ("support",),
    "body": ("support", "context"),
    "quote": ("support", "quote", "speaker"),
}


def fill(db: SQLiteStore) -> None:
    """Store both stories, their articles, verdicts and the budget story's gate record."""
    for article, story_id in ((BUDGET, STORY), (REACTION, STORY), (OTHER, BLOCKED)):
        db.add_article(article, None)
        db.assign(article, story_id, None)
    draft = budget_draft()
    verdicts = [
        Verdict(n, "unsupported")
        if s.text == UNSUPPORTED
        else Verdict(n, "supported", checks=CHECKS[s.kind])
        for n, s in enumerate(draft.sentences)
    ]
    record = GateRecord(
        STORY,
        "extractive",
        rounds=1,
        drafted=len(draft.sentences) + 1,
        kept=len(draft.sentences) - 1,
        dropped=(
            Dropped("body", UNSUPPORTED, "not in the evidence: abolished", 1, "support"),
            Dropped("body", "The budget is $9m.", "9m is not in the sources", 1, "number"),
        ),
    )
    db.save_gated(draft, verdicts, record)
    blocked = blocked_draft()
    db.save_draft(blocked)
    db.save_verdicts(blocked, [Verdict(0, "unsupported"), Verdict(1, "supported")])
