"""Persistence. Stages see only the ``Store`` protocol; ``open_store`` picks the backend."""

from __future__ import annotations

from pathlib import Path

from newsdesk.store.base import Store
from newsdesk.store.sqlite import SQLiteStore

__all__ = ["SQLiteStore", "Store", "open_store"]


def open_store(database: str | Path) -> Store:
    """Open (and migrate) the store at ``database``: a SQLite path or ``:memory:``."""
    text = str(database)
    if text.startswith(("postgres://", "postgresql://")):
        from newsdesk.errors import ConfigError

        raise ConfigError(f"database {text!r}: PostgreSQL is not supported yet; use a SQLite path")
    return SQLiteStore(text.removeprefix("sqlite:///"))
