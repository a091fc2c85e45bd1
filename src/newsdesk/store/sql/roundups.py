"""The roundups part of the SQL store (``RoundupStore``).

A roundup's drafts are kept as JSON in its own row: it is one article over
several stories, and the ``drafts`` tables belong to stories.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import asdict
from typing import Any

from newsdesk.records import (
    Citation,
    Draft,
    Dropped,
    GatedRoundup,
    GateRecord,
    Roundup,
    Sentence,
    SourceRef,
    Verdict,
)
from newsdesk.store.sql.base import Row, SQLDatabase


class SQLRoundupStore(SQLDatabase):
    """Roundups, one row each."""

    def roundup_keys(self) -> dict[str, tuple[str, str | None]]:
        rows = self._all("SELECT id, key, writer_version FROM roundups")
        return {r["id"]: (r["key"], r["writer_version"]) for r in rows}

    def save_roundup(self, roundup: Roundup, draft: Draft, writer_version: str) -> None:
        self.db.execute(
            "INSERT OR REPLACE INTO roundups (id, thread_id, thread_name, week, story_ids, key,"
            " writer_version, written) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (
                roundup.id,
                roundup.thread_id,
                roundup.thread_name,
                roundup.week,
                json.dumps(list(roundup.story_ids)),
                roundup.key,
                writer_version,
                _dumps(asdict(draft)),
            ),
        )

    def remove_roundup(self, roundup_id: str) -> None:
        self.db.execute("DELETE FROM roundups WHERE id = ?", (roundup_id,))

    def roundups_to_gate(self, checker: str) -> list[tuple[Roundup, Draft]]:
        rows = self._all(
            "SELECT * FROM roundups WHERE checker IS NULL OR checker != ? ORDER BY id", (checker,)
        )
        return [(_roundup(r), _draft(json.loads(r["written"]))) for r in rows]

    def save_gated_roundup(
        self,
        roundup_id: str,
        draft: Draft,
        verdicts: Sequence[Verdict],
        record: GateRecord,
        checker: str,
    ) -> None:
        self.db.execute(
            "UPDATE roundups SET gated = ?, verdicts = ?, record = ?, checker = ? WHERE id = ?",
            (
                _dumps(asdict(draft)),
                _dumps([asdict(v) for v in verdicts]),
                _dumps(asdict(record)),
                checker,
                roundup_id,
            ),
        )

    def gated_roundups(self) -> list[GatedRoundup]:
        rows = self._all("SELECT * FROM roundups WHERE gated IS NOT NULL ORDER BY week DESC, id")
        return [
            GatedRoundup(
                _roundup(r),
                _draft(json.loads(r["gated"])),
                tuple(_verdict(v) for v in json.loads(r["verdicts"])),
                _record(json.loads(r["record"])),
            )
            for r in rows
        ]


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def _roundup(row: Row) -> Roundup:
    return Roundup(
        id=row["id"],
        thread_id=row["thread_id"],
        thread_name=row["thread_name"],
        week=row["week"],
        story_ids=tuple(json.loads(row["story_ids"])),
        key=row["key"],
    )


def _draft(data: dict[str, Any]) -> Draft:
    sentences = tuple(
        Sentence(**{**s, "citations": tuple(Citation(**c) for c in s["citations"])})
        for s in data["sentences"]
    )
    return Draft(
        **{
            **data,
            "sentences": sentences,
            "sources": tuple(SourceRef(**s) for s in data["sources"]),
            "changes": tuple(data["changes"]),
        }
    )


def _verdict(data: dict[str, Any]) -> Verdict:
    return Verdict(**{**data, "checks": tuple(data["checks"])})


def _record(data: dict[str, Any]) -> GateRecord:
    return GateRecord(**{**data, "dropped": tuple(Dropped(**d) for d in data["dropped"])})
