"""The ingest stage: bring articles from dumps into the store, once each."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from newsdesk.engine import Context
from newsdesk.ingest.dumps import ImportProblem, read_jsonl
from newsdesk.records import Article, StageRun
from newsdesk.store import Store

BATCH = 200
"""Articles committed per transaction: a crash loses at most one uncommitted batch."""


@dataclass
class ImportResult:
    """What importing one dump did."""

    path: str
    added: int = 0
    unchanged: int = 0
    problems: list[ImportProblem] = field(default_factory=list)


def import_dump(store: Store, path: str | Path, run_id: int | None = None) -> ImportResult:
    """Add the new articles of a JSONL dump to ``store``.

    An article already stored with the same content is skipped, so importing
    a file twice changes nothing. One stored under the same id with different
    content is reported and left as it is: nothing stored is overwritten.
    """
    result = ImportResult(str(path))
    batch: list[Article] = []

    def flush() -> None:
        with store.transaction():
            for article in batch:
                store.add_article(article, run_id)
        result.added += len(batch)
        batch.clear()

    for item in read_jsonl(path):
        if isinstance(item, ImportProblem):
            result.problems.append(item)
            continue
        line, article = item
        stored = store.article_hash(article.id)
        if stored == article.hash:
            result.unchanged += 1
        elif stored is not None:
            result.problems.append(
                ImportProblem(
                    result.path,
                    line,
                    f"id {article.id!r} is already stored with different content;"
                    " kept the stored one",
                )
            )
        else:
            batch.append(article)
            if len(batch) >= BATCH:
                flush()
    if batch:
        flush()
    return result


class IngestStage:
    """Import every configured dump."""

    name = "ingest"

    def __init__(self, dumps: Sequence[Path]) -> None:
        self.dumps = list(dumps)

    def run(self, context: Context) -> StageRun:
        record = StageRun(self.name)
        context.progress.start(self.name, len(self.dumps))
        for path in self.dumps:
            result = import_dump(context.store, path, context.run.id)
            record.items_in += result.added + result.unchanged + len(result.problems)
            record.items_out += result.added
            record.skipped += result.unchanged
            record.errors.extend(str(p) for p in result.problems)
            context.progress.advance(self.name)
        return record
