"""The roundups part of the store: weekly thread articles, written and gated."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from newsdesk.records import Draft, GatedRoundup, GateRecord, Roundup, Verdict
from newsdesk.store.base import Transactional


class RoundupStore(Transactional, Protocol):
    """Roundups as written (by the write stage) and as gated (by the verify stage)."""

    def roundup_keys(self) -> dict[str, tuple[str, str | None]]:
        """Every stored roundup's id, with the key it was written from and the writer
        version that wrote it."""
        ...

    def save_roundup(self, roundup: Roundup, draft: Draft, writer_version: str) -> None:
        """Store a roundup as written; whatever the gate said of an earlier one is cleared."""
        ...

    def remove_roundup(self, roundup_id: str) -> None: ...

    def roundups_to_gate(self, checker: str) -> list[tuple[Roundup, Draft]]:
        """Roundups, as written, that ``checker`` has not judged."""
        ...

    def save_gated_roundup(
        self,
        roundup_id: str,
        draft: Draft,
        verdicts: Sequence[Verdict],
        record: GateRecord,
        checker: str,
    ) -> None: ...

    def gated_roundups(self) -> list[GatedRoundup]:
        """Every roundup the gate has judged, newest week first."""
        ...
