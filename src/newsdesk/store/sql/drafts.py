"""The drafts part of the SQL store (``DraftStore``)."""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from dataclasses import asdict, astuple, replace

from newsdesk.records import (
    Citation,
    Correction,
    Draft,
    DraftEdit,
    Dropped,
    GateRecord,
    Publication,
    Review,
    Sentence,
    SourceRef,
    Story,
    Verdict,
)
from newsdesk.store.sql.base import Row, SQLDatabase


class SQLDraftStore(SQLDatabase):
    """Drafts, verdicts, gate records and publications."""

    def stories_to_write(self, writer_version: str | None = None) -> list[Story]:
        rows = self._all(
            "SELECT s.* FROM stories s LEFT JOIN drafts d ON d.story_id = s.id"
            " WHERE d.story_id IS NULL OR d.story_hash != s.hash OR d.sources_changed != 0"
            " OR (? IS NOT NULL AND d.writer_version IS NOT ?)"
            " ORDER BY s.id",
            (writer_version, writer_version),
        )
        return self._stories(rows)

    def save_draft(self, draft: Draft, writer_version: str | None = None) -> None:
        """Replace the story's draft (and its verdicts) in one transaction; record the
        writer version that wrote it (None keeps the version already recorded: the gate
        stores what the writer wrote, revised)."""
        sources = json.dumps([s.__dict__ for s in draft.sources], ensure_ascii=False)
        with self.transaction():
            if writer_version is None:
                row = self._one(
                    "SELECT writer_version FROM drafts WHERE story_id = ?", (draft.story_id,)
                )
                writer_version = None if row is None else row["writer_version"]
            self.db.execute("DELETE FROM drafts WHERE story_id = ?", (draft.story_id,))
            self.db.execute(
                "INSERT INTO drafts (story_id, story_hash, hash, category, date, writer, sources,"
                " version, changes, note, writer_version) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    draft.story_id,
                    draft.story_hash,
                    draft.hash,
                    draft.category,
                    draft.date,
                    draft.writer,
                    sources,
                    draft.version,
                    json.dumps(list(draft.changes), ensure_ascii=False),
                    draft.note,
                    writer_version,
                ),
            )
            self._save_sentences(draft)

    def _save_sentences(self, draft: Draft) -> None:
        """The draft's sentences and citations, replacing those stored (in a transaction)."""
        self.db.execute("DELETE FROM sentences WHERE story_id = ?", (draft.story_id,))
        self.db.execute("DELETE FROM citations WHERE story_id = ?", (draft.story_id,))
        for position, sentence in enumerate(draft.sentences):
            self.db.execute(
                "INSERT INTO sentences"
                " (story_id, position, kind, text, paragraph, speaker, outlet, date)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    draft.story_id,
                    position,
                    sentence.kind,
                    sentence.text,
                    sentence.paragraph,
                    sentence.speaker,
                    sentence.outlet,
                    sentence.date,
                ),
            )
            self.db.executemany(
                "INSERT INTO citations"
                ' (story_id, position, ordinal, article_id, field, start, "end")'
                " VALUES (?, ?, ?, ?, ?, ?, ?)",
                [
                    (draft.story_id, position, n, c.article_id, c.field, c.start, c.end)
                    for n, c in enumerate(sentence.citations)
                ],
            )

    def _draft(self, row: Row) -> Draft:
        story_id = row["story_id"]
        citations: dict[int, list[Citation]] = {}
        for c in self._all(
            "SELECT * FROM citations WHERE story_id = ? ORDER BY position, ordinal", (story_id,)
        ):
            citations.setdefault(c["position"], []).append(
                Citation(c["article_id"], c["start"], c["end"], c["field"])
            )
        sentences = tuple(
            Sentence(
                kind=s["kind"],
                text=s["text"],
                citations=tuple(citations.get(s["position"], ())),
                paragraph=s["paragraph"],
                speaker=s["speaker"],
                outlet=s["outlet"],
                date=s["date"],
            )
            for s in self._all(
                "SELECT * FROM sentences WHERE story_id = ? ORDER BY position", (story_id,)
            )
        )
        return Draft(
            story_id=story_id,
            story_hash=row["story_hash"],
            category=row["category"],
            date=row["date"],
            sentences=sentences,
            sources=tuple(SourceRef(**s) for s in json.loads(row["sources"])),
            writer=row["writer"],
            version=row["version"],
            changes=tuple(json.loads(row["changes"])),
            note=row["note"],
            sources_changed=bool(row["sources_changed"]),
        )

    def draft(self, story_id: str) -> Draft | None:
        row = self._one("SELECT * FROM drafts WHERE story_id = ?", (story_id,))
        return None if row is None else self._draft(row)

    def drafts(self) -> Iterator[Draft]:
        for row in self._all("SELECT * FROM drafts ORDER BY coalesce(date, '') DESC, story_id"):
            yield self._draft(row)

    def drafts_to_gate(self, checker: str) -> list[Draft]:
        rows = self._all(
            "SELECT * FROM drafts WHERE checker IS NULL OR checker != ? ORDER BY story_id",
            (checker,),
        )
        return [self._draft(r) for r in rows]

    def save_verdicts(self, draft: Draft, verdicts: Sequence[Verdict]) -> None:
        with self.transaction():
            self.db.execute("DELETE FROM verdicts WHERE story_id = ?", (draft.story_id,))
            self.db.executemany(
                "INSERT INTO verdicts (story_id, position, label, reason, checks)"
                " VALUES (?, ?, ?, ?, ?)",
                [
                    (draft.story_id, v.position, v.label, v.reason, " ".join(v.checks))
                    for v in verdicts
                ],
            )

    def save_gated(
        self,
        draft: Draft,
        verdicts: Sequence[Verdict],
        record: GateRecord,
        checker: str | None = None,
    ) -> None:
        """Store a draft that went through the verify gate, its verdicts and the gate's record.

        One transaction: a killed run leaves either the old draft or the whole
        new one, never a draft without the verdicts that decide what is published.
        ``checker`` names the checker that gated it (see ``drafts_to_gate``).
        """
        with self.transaction():
            self.save_draft(draft)
            self.save_verdicts(draft, verdicts)
            self.db.execute(
                "INSERT INTO gate_records (story_id, record) VALUES (?, ?)",
                (draft.story_id, json.dumps(asdict(record), ensure_ascii=False)),
            )
            self.db.execute(
                "UPDATE drafts SET checker = ? WHERE story_id = ?", (checker, draft.story_id)
            )

    def gate_record(self, story_id: str) -> GateRecord | None:
        row = self._one("SELECT record FROM gate_records WHERE story_id = ?", (story_id,))
        if row is None:
            return None
        data = json.loads(row["record"])
        data["dropped"] = tuple(Dropped(**d) for d in data["dropped"])
        return GateRecord(**data)

    def verdicts(self, story_id: str) -> list[Verdict]:
        return [
            Verdict(r["position"], r["label"], r["reason"], tuple((r["checks"] or "").split()))
            for r in self._all(
                "SELECT * FROM verdicts WHERE story_id = ? ORDER BY position", (story_id,)
            )
        ]

    # -- the desk's edits and reviews -------------------------------------

    def save_edit(self, draft: Draft, verdicts: Sequence[Verdict], edit: DraftEdit) -> DraftEdit:
        with self.transaction():
            self._save_sentences(draft)
            self.db.execute(
                "UPDATE drafts SET hash = ? WHERE story_id = ?", (draft.hash, draft.story_id)
            )
            self.save_verdicts(draft, verdicts)
            row = self._one(
                "SELECT coalesce(max(revision), 0) + 1 AS next FROM draft_edits WHERE story_id = ?",
                (draft.story_id,),
            )
            stored = replace(edit, revision=row["next"] if row else 1)
            self.db.execute(
                "INSERT INTO draft_edits (story_id, revision, version, position, kind, action,"
                " before, after, label, reason, editor, at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                astuple(stored),
            )
        return stored

    def edits(self, story_id: str) -> list[DraftEdit]:
        rows = self._all(
            "SELECT * FROM draft_edits WHERE story_id = ? ORDER BY revision", (story_id,)
        )
        return [DraftEdit(**dict(r)) for r in rows]

    def save_review(self, review: Review) -> None:
        with self.transaction():
            self.db.execute(
                "INSERT INTO reviews (story_id, version, decision, reason, editor, at)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                astuple(review),
            )

    def review(self, story_id: str) -> Review | None:
        found = self.reviews(story_id)
        return found[-1] if found else None

    def reviews(self, story_id: str) -> list[Review]:
        rows = self._all(
            "SELECT story_id, version, decision, reason, editor, at FROM reviews"
            " WHERE story_id = ? ORDER BY id",
            (story_id,),
        )
        return [Review(**dict(r)) for r in rows]

    def save_correction(self, correction: Correction) -> Correction:
        with self.transaction():
            cursor = self.db.execute(
                'INSERT INTO corrections (story_id, wrong, "right", source, editor, at)'
                " VALUES (?, ?, ?, ?, ?, ?)",
                astuple(correction)[:6],
            )
        return replace(correction, id=cursor.lastrowid)

    def corrections(self, story_id: str | None = None) -> list[Correction]:
        rows = self._all(
            "SELECT * FROM corrections WHERE ? IS NULL OR story_id = ? ORDER BY id",
            (story_id, story_id),
        )
        return [Correction(**dict(r)) for r in rows]

    # -- publications -----------------------------------------------------

    def publication(self, path: str) -> Publication | None:
        row = self._one("SELECT * FROM publications WHERE path = ?", (path,))
        return (
            None if row is None else Publication(row["path"], row["content_hash"], row["story_id"])
        )

    def save_publication(self, publication: Publication) -> None:
        self.db.execute(
            "INSERT INTO publications (path, content_hash, story_id) VALUES (?, ?, ?)"
            " ON CONFLICT(path) DO UPDATE SET content_hash = excluded.content_hash,"
            " story_id = excluded.story_id",
            (publication.path, publication.content_hash, publication.story_id),
        )
