"""The verify stage: the gate between every draft and the reader.

Each draft the write stage stored is checked sentence by sentence against its
story's sources (``gate.run_gate``); flagged sentences go back to the writer
that wrote them, what still fails is dropped, and the result is stored with
its verdicts and the gate's record. Drafts are keyed on the checker's version
(``checker_version``): when the rules, the support model or the ``[verify]``
settings change, every stored draft is judged again, published ones included.

Gating a draft is pure work on what the stage reads for it (``GateTask``), so it runs
on the run's executor (``compute.py``: in process, or on a Dask cluster); the stage stores
each outcome in draft order, as it comes back.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from functools import partial
from typing import Protocol

from newsdesk.compute import InProcess, Outcome
from newsdesk.config import VerifySettings
from newsdesk.engine import Context, Quarantine
from newsdesk.language.entailment import MODEL_PATH as ENTAILMENT_PATH
from newsdesk.language.entailment import SETTINGS_PATH as ENTAILMENT_SETTINGS
from newsdesk.language.support import MODEL_PATH, check_support, combined_support
from newsdesk.records import Article, Draft, GateRecord, Roundup, StageRun
from newsdesk.store import ArticleStore, DraftStore, RoundupStore, StoryStore
from newsdesk.verify.gate import Gated, Support, run_gate
from newsdesk.write.base import UsageMeter, Writer

log = logging.getLogger("newsdesk.verify")

RULES_VERSION = 5
"""Raise when a check's rules change what it passes: stored drafts are then judged again.
5: a sentence in the newsroom's own voice must rest on two independent sources."""


def checker_version(settings: VerifySettings) -> str:
    """Names the checker a draft was gated by: rules, support models and settings."""
    digest = hashlib.sha256(MODEL_PATH.read_bytes())
    for path in (ENTAILMENT_PATH, ENTAILMENT_SETTINGS):
        if path.exists():
            digest.update(path.read_bytes())
    model = digest.hexdigest()[:12]
    knobs = json.dumps(asdict(settings), sort_keys=True, default=str)
    return f"{RULES_VERSION}-{model}-{hashlib.sha256(knobs.encode()).hexdigest()[:8]}"


class GateStore(ArticleStore, StoryStore, DraftStore, RoundupStore, Protocol):
    """What the verify stage uses: drafts and roundups to gate, their stories and
    articles, and the gate's records."""


class VerifyStage:
    """Gate every draft that the current checker has not judged.

    ``writers`` revise flagged sentences, each the drafts it wrote (by
    ``Writer.name``); a draft whose writer is not among them is revised by the
    first. A draft judged before by another checker keeps the record of what
    was dropped then (see ``run_gate``). ``items_out`` counts drafts cleared for publication,
    ``skipped`` those held for review.

    Roundups (``[write] roundups``) pass the same gate, against the articles of all
    their stories, and are counted the same way.
    """

    name = "verify"

    def __init__(self, writers: Sequence[Writer]) -> None:
        if not writers:
            raise ValueError("the verify gate needs a writer to send flagged sentences back to")
        self.writers: Mapping[str, Writer] = {}
        for writer in writers:
            self.writers.setdefault(writer.name, writer)
        self.default = writers[0]

    def run(self, context: Context) -> StageRun:
        store: GateStore = context.store
        settings = context.config.verify
        record = StageRun(self.name)
        checker = checker_version(settings)
        drafts = store.drafts_to_gate(checker)
        record.items_in = len(drafts)
        context.progress.start(self.name, len(drafts))
        meter = UsageMeter(self.writers.values())
        support = combined_support(check_support, settings.min_coverage)
        quarantine = Quarantine(context, self.name, record)
        todo = []
        for draft in drafts:
            if quarantine.held(draft.story_id, f"{draft.story_hash}/{checker}"):
                context.progress.advance(self.name)
            else:
                todo.append(draft)
        tasks = (self._task(store, draft, settings, support) for draft in todo)
        local = all(getattr(w, "local", False) for w in self.writers.values())
        executor = context.executor if local else InProcess()  # see ExtractiveWriter.local
        outcomes = executor.map(gate_one, tasks)
        for draft, outcome in zip(todo, outcomes, strict=True):
            save = partial(self._save, store, outcome, checker, record)
            quarantine.attempt(draft.story_id, f"{draft.story_hash}/{checker}", save)
            context.progress.advance(self.name)
        for roundup, draft in store.roundups_to_gate(checker):
            record.items_in += 1
            key = f"{roundup.key}/{checker}"
            if not quarantine.held(roundup.id, key):
                gate = partial(
                    self._gate_roundup, store, roundup, draft, settings, support, checker, record
                )
                quarantine.attempt(roundup.id, key, gate)
        meter.charge(record)
        return record

    def _task(
        self, store: GateStore, draft: Draft, settings: VerifySettings, support: Support
    ) -> GateTask:
        """What gating ``draft`` needs, read from the store: its story's articles (those it
        cites when the story is gone), its writer and its earlier gate record."""
        story = store.story(draft.story_id)
        cited = sorted({c.article_id for s in draft.sentences for c in s.citations})
        articles = store.articles(story.article_ids if story else cited)
        writer = self.writers.get(draft.writer, self.default)
        earlier = store.gate_record(draft.story_id)
        return GateTask(draft, tuple(articles), writer, settings, support, earlier)

    @staticmethod
    def _save(store: GateStore, outcome: Outcome[Gated], checker: str, record: StageRun) -> None:
        gated = outcome.get()
        store.save_gated(gated.draft, gated.verdicts, gated.record, checker)
        _count(record, gated, "story")

    def _gate_roundup(
        self,
        store: GateStore,
        roundup: Roundup,
        draft: Draft,
        settings: VerifySettings,
        support: Support,
        checker: str,
        record: StageRun,
    ) -> None:
        """Gate a roundup as written against every article of its stories."""
        stories = (store.story(story_id) for story_id in roundup.story_ids)
        ids = [i for story in stories if story is not None for i in story.article_ids]
        writer = self.writers.get(draft.writer, self.default)
        gated = run_gate(draft, store.articles(ids), writer, settings, support=support)
        store.save_gated_roundup(roundup.id, gated.draft, gated.verdicts, gated.record, checker)
        _count(record, gated, "roundup")


@dataclass(frozen=True)
class GateTask:
    """One draft's gating, as a worker runs it (``gate_one``): everything it reads."""

    draft: Draft
    articles: tuple[Article, ...]
    writer: Writer
    settings: VerifySettings
    support: Support
    earlier: GateRecord | None


def gate_one(task: GateTask) -> Gated:
    """Gate one draft: pure work on its inputs, so it may run in another process (a Dask
    worker, ``compute.py``) while the stage stores the outcomes in order."""
    return run_gate(
        task.draft,
        task.articles,
        task.writer,
        task.settings,
        support=task.support,
        earlier=task.earlier,
    )


def _count(record: StageRun, gated: Gated, what: str) -> None:
    """Count a gated draft as cleared (``items_out``) or held for review (``skipped``)."""
    if gated.held:
        record.skipped += 1
        log.info("%s %s held for review: %s", what, gated.draft.story_id, gated.record.note)
    else:
        record.items_out += 1
