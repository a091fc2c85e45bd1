"""The interface every writer implements, so the verify gate can drive any of them.

A writer drafts an article for a story and, when the gate flags sentences,
revises the draft: the offline writer replaces a flagged sentence from its
next-best evidence or drops it; an LLM writer is asked for a revision with
the checker's reason. A writer that cannot do its job (an endpoint down, a
reply that is not the JSON asked for) raises ``WriterError``, and the write
stage falls back to the offline writer for that story.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from typing import Protocol

from newsdesk.errors import NewsdeskError
from newsdesk.records import Article, Draft, StageRun, Story


class WriterError(NewsdeskError):
    """A writer could not produce or revise a draft; the message says why, on one line."""


@dataclass(frozen=True)
class Flag:
    """A sentence of a draft that the checker did not pass, with its reason and the kind
    of the check that decided (``attribution`` on a sentence that credits no outlet: it
    rests on one source and speaks in the newsroom's voice; credit that outlet)."""

    position: int
    text: str
    verdict: str
    reason: str
    check: str = ""


@dataclass
class Usage:
    """Tokens and cost a writer spent; the write stage adds them to its run record."""

    tokens_in: int = 0
    tokens_out: int = 0
    cost_usd: float = 0.0


class Writer(Protocol):
    """Drafts and revises articles. ``name`` is stored as the draft's ``writer``;
    ``version`` changes when the writer's rules do, so that stored drafts are rewritten."""

    name: str
    version: str
    usage: Usage

    def write(self, story: Story, articles: Sequence[Article]) -> Draft:
        """A draft for ``story`` in which every sentence cites the spans it rests on."""
        ...

    def revise(self, draft: Draft, flags: Sequence[Flag], articles: Sequence[Article]) -> Draft:
        """``draft`` with each flagged sentence replaced by a supported one, or removed."""
        ...


class UsageMeter:
    """What some writers spend from now on, for the run record of the stage using them.

    Writing and the gate's revisions use the same writers, so each stage charges
    its own record with only what was spent while it ran.
    """

    def __init__(self, writers: Iterable[Writer]) -> None:
        unique = {id(writer): writer for writer in writers}.values()
        self._start = [(writer, replace(writer.usage)) for writer in unique]

    def charge(self, record: StageRun) -> None:
        """Add the tokens and cost spent since the meter started to ``record``."""
        for writer, before in self._start:
            record.tokens_in += writer.usage.tokens_in - before.tokens_in
            record.tokens_out += writer.usage.tokens_out - before.tokens_out
            record.cost_usd += writer.usage.cost_usd - before.cost_usd
