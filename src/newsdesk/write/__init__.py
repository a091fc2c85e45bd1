"""Write: one multi-source article per story."""

from newsdesk.write.categories import classify
from newsdesk.write.extractive import write_story
from newsdesk.write.quotes import find_quotes, speaker_of
from newsdesk.write.stage import WriteStage

__all__ = ["WriteStage", "classify", "find_quotes", "speaker_of", "write_story"]
