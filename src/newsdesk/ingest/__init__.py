"""Ingest: bring reporting into the store from JSONL dumps, feeds, web pages and WARC archives."""

from newsdesk.dumps import ImportProblem, parse_article, read_jsonl
from newsdesk.ingest.stage import ImportResult, IngestStage, import_dump

__all__ = [
    "ImportProblem",
    "ImportResult",
    "IngestStage",
    "import_dump",
    "parse_article",
    "read_jsonl",
]
