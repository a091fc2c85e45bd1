"""newsdesk: a grounded newsroom.

Reads reporting from many outlets, groups it into stories, writes one cited
multi-source article per story, checks every sentence against its sources
and publishes what the sources support.

The public API is small: ``run`` the pipeline, ``check`` any article against
sources (``load_sources`` reads a JSONL file of them), ``check_story`` a stored
draft, ``load_config`` / ``Config`` for settings, ``open_store`` for the database.

``check``, ``load_sources`` and ``Report`` come from the checker, which loads
scikit-learn, spaCy and their like; they are imported on first use (the
module's ``__getattr__``, PEP 562), so that ``import newsdesk``, and with it
every ``newsdesk`` command's ``--help``, stays quick.
"""

import importlib
from typing import TYPE_CHECKING

from newsdesk.api import check_story, run, site_index, stages_for
from newsdesk.config import Config, load_config
from newsdesk.errors import ConfigError, InputError, NewsdeskError, StoreBusy, StoreError
from newsdesk.store import Store, open_store

if TYPE_CHECKING:
    from newsdesk.verify import Report, load_sources
    from newsdesk.verify import check_article as check

__version__ = "0.1.0"

__all__ = [
    "Config",
    "ConfigError",
    "InputError",
    "NewsdeskError",
    "Report",
    "Store",
    "StoreBusy",
    "StoreError",
    "__version__",
    "check",
    "check_story",
    "load_config",
    "load_sources",
    "open_store",
    "run",
    "site_index",
    "stages_for",
]

_FROM_VERIFY = {"Report": "Report", "load_sources": "load_sources", "check": "check_article"}
"""The checker's names this package re-exports, each under the name it has here."""


def __getattr__(name: str) -> object:
    """The checker's re-exported names, imported on first use (PEP 562)."""
    if name not in _FROM_VERIFY:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module("newsdesk.verify"), _FROM_VERIFY[name])
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
