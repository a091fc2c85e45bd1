"""The drafts part of the store: what write, verify and publish read and write."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Protocol

from newsdesk.records import (
    Correction,
    Draft,
    DraftEdit,
    GateRecord,
    Publication,
    Review,
    Story,
    Verdict,
)
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

    # the desk's edits and reviews
    def save_edit(self, draft: Draft, verdicts: Sequence[Verdict], edit: DraftEdit) -> DraftEdit:
        """Store an editor's change in one transaction: the draft's sentences and verdicts
        replaced (the rest of its row, the checker that gated it included, kept) and the
        edit added as the story's next revision, which the returned edit carries."""
        ...

    def edits(self, story_id: str) -> list[DraftEdit]:
        """The story's edits, oldest first."""
        ...

    def save_review(self, review: Review) -> None: ...

    def review(self, story_id: str) -> Review | None:
        """The story's latest review: the one that counts."""
        ...

    def reviews(self, story_id: str) -> list[Review]:
        """The story's reviews, oldest first."""
        ...

    def save_correction(self, correction: Correction) -> Correction:
        """Store a correction; the returned one carries its id."""
        ...

    def corrections(self, story_id: str | None = None) -> list[Correction]:
        """The story's corrections (every story's, without ``story_id``), oldest first."""
        ...

    # publications
    def publication(self, path: str) -> Publication | None: ...

    def save_publication(self, publication: Publication) -> None: ...
