"""The drafts part of the store: what write, verify and publish read and write."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Protocol

from newsdesk.records import Draft, GateRecord, Publication, Story, Verdict
from newsdesk.store.base import Transactional


class DraftStore(Transactional, Protocol):
    """Drafts and the stories still to write, verdicts, gate records and publications."""

    def stories_to_write(self, writer_version: str | None = None) -> list[Story]:
        """Stories with no draft, a stale one, or (given ``writer_version``) one written by
        another version of the writer."""
        ...

    def save_draft(self, draft: Draft, writer_version: str | None = None) -> None: ...

    def draft(self, story_id: str) -> Draft | None: ...

    def drafts(self) -> Iterator[Draft]: ...

    def drafts_to_gate(self, checker: str) -> list[Draft]:
        """Drafts not yet gated, or gated by a checker other than ``checker``."""
        ...

    def save_verdicts(self, draft: Draft, verdicts: Sequence[Verdict]) -> None: ...

    def save_gated(
        self,
        draft: Draft,
        verdicts: Sequence[Verdict],
        record: GateRecord,
        checker: str | None = None,
    ) -> None: ...

    def gate_record(self, story_id: str) -> GateRecord | None: ...

    def verdicts(self, story_id: str) -> list[Verdict]: ...

    # publications
    def publication(self, path: str) -> Publication | None: ...

    def save_publication(self, publication: Publication) -> None: ...
