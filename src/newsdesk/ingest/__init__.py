"""Ingest: bring reporting into the store (offline dumps today; feeds and pages later)."""

from newsdesk.ingest.dumps import ImportProblem, parse_article, read_jsonl
from newsdesk.ingest.stage import ImportResult, IngestStage, import_dump

__all__ = [
    "ImportProblem",
    "ImportResult",
    "IngestStage",
    "import_dump",
    "parse_article",
    "read_jsonl",
]
