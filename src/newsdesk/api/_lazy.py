"""The stage modules, imported on first use rather than with the library API.

The stage packages bring torch, scikit-learn, spaCy, trafilatura and their like
(seconds), and ``newsdesk --help`` needs none of them. The API's modules reach each
stage module through a name defined here (``ingest_stage.IngestStage``): for the type
checker the module itself (the ``TYPE_CHECKING`` imports), at run time an
``OnFirstUse`` that imports it the first time one of its names is used.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

__all__ = [
    "OnFirstUse",
    "edits",
    "embeddings",
    "feeds",
    "ingest_stage",
    "jekyll",
    "model",
    "publish_stage",
    "stories",
    "verify",
    "web",
    "write",
]


class OnFirstUse:
    """Stands for a module until one of its names is used, then imports it (once: Python
    keeps it in ``sys.modules``) and hands out that name."""

    __slots__ = ("_module",)

    def __init__(self, module: str) -> None:
        self._module = module

    def __getattr__(self, name: str) -> object:
        return getattr(importlib.import_module(self._module), name)


if TYPE_CHECKING:
    from newsdesk import stories as stories
    from newsdesk import verify as verify
    from newsdesk import write as write
    from newsdesk.ingest import feeds as feeds
    from newsdesk.ingest import stage as ingest_stage
    from newsdesk.ingest import web as web
    from newsdesk.publish import jekyll as jekyll
    from newsdesk.publish import model as model
    from newsdesk.publish import stage as publish_stage
    from newsdesk.stories import embeddings as embeddings
    from newsdesk.verify import edits as edits
else:
    ingest_stage = OnFirstUse("newsdesk.ingest.stage")
    feeds = OnFirstUse("newsdesk.ingest.feeds")
    web = OnFirstUse("newsdesk.ingest.web")
    stories = OnFirstUse("newsdesk.stories")
    embeddings = OnFirstUse("newsdesk.stories.embeddings")
    write = OnFirstUse("newsdesk.write")
    verify = OnFirstUse("newsdesk.verify")
    publish_stage = OnFirstUse("newsdesk.publish.stage")
    jekyll = OnFirstUse("newsdesk.publish.jekyll")
    model = OnFirstUse("newsdesk.publish.model")
    edits = OnFirstUse("newsdesk.verify.edits")
