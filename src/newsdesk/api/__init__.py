"""The library API: what the CLI and the editor's desk call.

A small public surface re-exported from private modules, one per concern:

- ``_runs``: ``run`` the pipeline (or ``run_stages``), ``import_files``, ``ingest`` the
  feeds, ``update_stories``, ``publish`` the site or Jekyll posts; each a run of the
  ``Engine`` (logged in the ``runs`` table) holding the store's run lease, raising
  ``StoreBusy`` when another run holds it, or with ``wait=True`` waiting for it.
  ``evaluate_stories`` clusters a labelled set and stores nothing.
- ``_checks``: ``check_story`` and ``check_file``, what ``newsdesk check`` runs.
- ``_editorial``: the editor's desk changes a stored draft with ``edit_draft`` and
  ``move_paragraph`` (checked again by the gate's checker, stored as a new revision),
  decides on it with ``review_story`` (then a publish run), files corrections with
  ``file_correction`` and adds a source with ``add_source`` (pasted) or
  ``add_source_from_url`` (fetched).
- ``_feedlist``: ``add_feed``, ``import_opml``, ``list_feeds``.

The stage packages are imported on first use, not with this module (``_lazy``): they
bring torch, scikit-learn, spaCy, trafilatura and their like (seconds), and
``newsdesk --help`` needs none of them. ``ImportResult``, ``Evaluation`` and
``check_device``, re-exported for the CLI, are imported on first use by the module's
``__getattr__`` (PEP 562).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

from newsdesk.api._checks import check_file, check_story, read_text
from newsdesk.api._editorial import (
    MAX_SOURCE_TEXT,
    Corrected,
    Edited,
    Reviewed,
    SourceAdded,
    add_source,
    add_source_from_url,
    edit_draft,
    file_correction,
    move_paragraph,
    review_story,
    withheld_because,
)
from newsdesk.api._feedlist import AddedFeed, ListedFeed, add_feed, import_opml, list_feeds
from newsdesk.api._runs import (
    STAGE_NAMES,
    Polled,
    Published,
    evaluate_stories,
    import_files,
    ingest,
    opened,
    publish,
    run,
    run_stages,
    site_index,
    stages_for,
    update_stories,
)

if TYPE_CHECKING:
    from newsdesk.ingest import ImportResult as ImportResult
    from newsdesk.language.encoder import check_device as check_device
    from newsdesk.stories import Evaluation as Evaluation

__all__ = [
    "MAX_SOURCE_TEXT",
    "STAGE_NAMES",
    "AddedFeed",
    "Corrected",
    "Edited",
    "ListedFeed",
    "Polled",
    "Published",
    "Reviewed",
    "SourceAdded",
    "add_feed",
    "add_source",
    "add_source_from_url",
    "check_file",
    "check_story",
    "edit_draft",
    "evaluate_stories",
    "file_correction",
    "import_files",
    "import_opml",
    "ingest",
    "list_feeds",
    "move_paragraph",
    "opened",
    "publish",
    "read_text",
    "review_story",
    "run",
    "run_stages",
    "site_index",
    "stages_for",
    "update_stories",
    "withheld_because",
]

_REEXPORTED = {
    "ImportResult": "newsdesk.ingest",  # the CLI renders it
    "Evaluation": "newsdesk.stories",  # the CLI renders it
    "check_device": "newsdesk.language.encoder",  # the CLI checks --device before any work
}


def __getattr__(name: str) -> object:
    """The re-exported names of ``_REEXPORTED``, imported on first use (PEP 562)."""
    if name not in _REEXPORTED:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(_REEXPORTED[name]), name)
    globals()[name] = value
    return value
