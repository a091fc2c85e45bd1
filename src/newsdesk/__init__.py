"""newsdesk: a grounded newsroom.

Reads reporting from many outlets, groups it into stories, writes one cited
multi-source article per story, checks every sentence against its sources
and publishes what the sources support.

The public API is small: ``run`` the pipeline, ``check`` any article against
sources (``load_sources`` reads a JSONL file of them), ``check_story`` a stored
draft, ``load_config`` / ``Config`` for settings, ``open_store`` for the database.
"""

from newsdesk.api import check_story, run, site_index, stages_for
from newsdesk.config import Config, load_config
from newsdesk.errors import ConfigError, InputError, NewsdeskError, StoreError
from newsdesk.store import Store, open_store
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
