"""What every part of the store shares: writes that belong together.

The store is split by role, one protocol each: ``ArticleStore`` (articles.py),
``StoryStore`` (stories.py), ``DraftStore`` (drafts.py), ``FeedStore``
(feeds.py) and ``RunStore`` (runs.py); ``Store`` (``newsdesk.store``) is all of
them. A stage is typed against the parts it uses. Stages talk to these
protocols only, never to SQL, so that another backend (PostgreSQL) can be added
by implementing them without touching a stage. Writes that belong together
happen inside ``transaction()``: a process killed at any point leaves either
all of them or none.
"""

from __future__ import annotations

from contextlib import AbstractContextManager
from typing import Protocol


class Transactional(Protocol):
    """A part of the store whose writes can be grouped into one transaction."""

    def transaction(self) -> AbstractContextManager[None]:
        """Group writes; nested calls join the outermost transaction."""
        ...
