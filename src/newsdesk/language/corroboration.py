"""Two independent sources, or a credit: who a sentence speaks for.

A sentence that credits no outlet ("According to Reuters, …", "…, The Hill
reported.", "…, CNN reports") speaks in the newsroom's own voice: a headline, a
dek, a lead, a body sentence left uncredited, a timeline line, a key quote
("“…,” Lee said."). The newsroom may say that only of what at least two
independent sources (``independence``: an outlet once, copies of one story once)
each report, on their own; a fact only one of them reports is credited to it.

The verify stage's ``attribution`` check enforces the rule on the spans a sentence
cites; the writer follows it with ``Corroborator.second_sources``, which looks in
the other independent sources for spans that the support judge (``support``: word
coverage, then the learned model, as the checker judges) says entail the sentence
alone, so the sentence can cite both. Both ask the same judge, so what the writer
finds is what the checker passes.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass

from newsdesk.language.attribution import credited_outlets, quoted_headline
from newsdesk.language.independence import source_groups
from newsdesk.language.quoting import quotation_pieces
from newsdesk.language.retrieval import candidates_of
from newsdesk.language.support import SupportModel, lexical_support
from newsdesk.language.text import content_stems, normalized, quotations
from newsdesk.records import Article, Check, Evidence

CORROBORATING = 2
"""Independent sources a sentence in the newsroom's own voice must rest on."""
SECOND_SPANS = 2
"""Spans read in another source when looking for a second one: its best span alone, then
its best ``SECOND_SPANS`` together."""


def own_voice(text: str, outlets: Sequence[str] = ()) -> bool:
    """Whether ``text`` speaks in the newsroom's voice: it credits no outlet (``outlets``
    are the story's, named like outlets or not) and is no outlet's quoted headline."""
    return not credited_outlets(text, outlets) and quoted_headline(text) is None


def prints_quotations(text: str, sources: Sequence[Article]) -> bool:
    """Whether every phrase ``text`` quotes stands, word for word, in one of ``sources``.

    A source that never prints the quoted words does not report them, however close
    its paraphrase: "wants a full admission of guilt" does not second "a 'step in the
    right direction'". Pieces between cuts are looked up one by one
    (``quoting.quotation_pieces``).
    """
    pieces = [piece for quoted in quotations(text) for piece in quotation_pieces(quoted)]
    if not pieces:
        return True
    bodies = [normalized(f"{s.title}\n{s.text}") for s in sources]
    return all(any(piece in body for body in bodies) for piece in pieces)


@dataclass(frozen=True)
class Corroborator:
    """Finds, for sentences resting on one source, spans of another that support them.

    ``model`` is the support model (``support.default_model()`` in a run); without it,
    word coverage alone judges and lexical retrieval finds, as the checker does with
    ``--no-model``. ``min_coverage`` is the checker's (``[verify] min_coverage``):
    a span holding that share of a sentence's content words supports it without the
    model. ``spans``: spans read in each other source, best first.
    """

    model: SupportModel | None = None
    min_coverage: float = 0.9
    spans: int = SECOND_SPANS

    def judge_many(self, items: Sequence[tuple[str, Sequence[Evidence]]]) -> list[Check]:
        """The support check of each (claim, evidence), as ``support.combined_support``
        judges it: word coverage first, the model (in one batch) for the rest."""
        checks = [lexical_support(claim, evidence, self.min_coverage) for claim, evidence in items]
        if self.model is None:
            return checks
        rest = [i for i, check in enumerate(checks) if check.verdict != "pass"]
        for i, check in zip(rest, self.model.check_many([items[i] for i in rest]), strict=True):
            checks[i] = check
        return checks

    def second_sources(
        self, claims: Sequence[tuple[str, Sequence[Evidence]]], sources: Sequence[Article]
    ) -> list[tuple[Evidence, ...]]:
        """For each (claim, the spans it cites): spans of one independent source it does
        not cite that support the claim on their own (and print what it quotes:
        ``prints_quotations``), or ``()`` when none does, or when
        its own spans do not support it alone (a headline cut too far from its sentence):
        the gate asks both of a sentence in the newsroom's voice.

        Each other source is tried with its best span alone, then with its best
        ``spans`` spans together; the first that passes is returned (a source of a lower
        group number first: the story's order).
        """
        found: list[tuple[Evidence, ...]] = [() for _ in claims]
        groups = source_groups(sources)
        if len(groups) < 2 or not claims:
            return found
        cited = [{groups.of(e.source.id) for e in spans} for _, spans in claims]
        best: list[tuple[int, list[Evidence]]] = []
        for number in range(len(groups)):
            members = [a for a in sources if groups.of(a.id) == number]
            wanted = [
                i
                for i, (claim, _) in enumerate(claims)
                if number not in cited[i] and claim and prints_quotations(claim, members)
            ]
            if wanted:
                retrieved = self._retrieve([claims[i][0] for i in wanted], members)
                best.extend(zip(wanted, retrieved, strict=True))
        # The best span alone first; the best few together only for what that leaves.
        for size in (1, self.spans):
            trials = [
                (i, tuple(spans[:size]))
                for i, spans in best
                if not found[i]
                and len(spans) >= size
                and (size == 1 or len(spans) > 1)
                and _share(claims[i][0], spans[:size]) >= JUDGED
            ]
            checks = self.judge_many([(claims[i][0], spans) for i, spans in trials])
            for (i, spans), check in zip(trials, checks, strict=True):
                if check.verdict == "pass" and not found[i]:
                    found[i] = spans
        seconded = [i for i, spans in enumerate(found) if spans]
        own = self.judge_many([claims[i] for i in seconded])
        for i, check in zip(seconded, own, strict=True):
            if check.verdict != "pass":
                found[i] = ()
        return found

    def _retrieve(self, claims: Sequence[str], sources: Sequence[Article]) -> list[list[Evidence]]:
        return [best_spans(claim, sources, self.spans) for claim in claims]


def best_spans(claim: str, sources: Sequence[Article], k: int) -> list[Evidence]:
    """The ``k`` source spans (titles and sentences) holding most of the claim's content
    stems, best first; none holding less than ``MIN_SHARE``.

    Found by words, not by embeddings: a span that the judge can read as telling the
    same fact holds most of its words, and ranking by them spares embedding every
    sentence of every source (the judge embeds only the spans it reads).
    """
    wanted = _stems(claim)
    pool = [candidate.evidence for source in sources for candidate in candidates_of(source)]
    if not wanted or not pool:
        return []
    stems = [_stems(span.quote) for span in pool]
    scores = [len(wanted & have) / len(wanted) for have in stems]
    order = sorted(range(len(pool)), key=lambda i: (-scores[i], len(stems[i])))
    return [pool[i] for i in order[:k] if scores[i] >= MIN_SHARE]


MIN_SHARE = 0.3
"""Share of a claim's content stems a span must hold to be read as a second source."""
JUDGED = 0.45
"""Share of a claim's content stems the spans read together must hold to be put to the
judge. Below half, the model passed none of 385 (claim, spans) pairs of 30 stories
(sample and AllSides test), and most of its time goes on embedding what it reads."""


def _share(claim: str, spans: Sequence[Evidence]) -> float:
    wanted = _stems(claim)
    held = frozenset().union(*(_stems(span.quote) for span in spans))
    return len(wanted & held) / len(wanted) if wanted else 0.0


@functools.lru_cache(maxsize=8192)
def _stems(text: str) -> frozenset[str]:
    return frozenset(content_stems(text))
