"""Write: one multi-source article per story, by the offline or an LLM writer."""

from newsdesk.write.base import Flag, Usage, Writer, WriterError
from newsdesk.write.extractive import ExtractiveWriter, write_story
from newsdesk.write.stage import WriteStage, make_writer, offline_writer

__all__ = [
    "ExtractiveWriter",
    "Flag",
    "Usage",
    "WriteStage",
    "Writer",
    "WriterError",
    "make_writer",
    "offline_writer",
    "write_story",
]
