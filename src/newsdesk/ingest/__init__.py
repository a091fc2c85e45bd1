"""Ingest: bring reporting into the store from JSONL dumps, feeds, web pages and WARC archives."""

from newsdesk.dumps import ImportProblem, parse_article, read_jsonl
from newsdesk.ingest.result import ImportResult
from newsdesk.ingest.stage import ImportStage, IngestStage, import_dump, import_file

__all__ = [
    "ImportProblem",
    "ImportResult",
    "ImportStage",
    "IngestStage",
    "import_dump",
    "import_file",
    "parse_article",
    "read_jsonl",
]
