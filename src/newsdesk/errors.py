"""Exceptions newsdesk raises on purpose. Each message is one line naming what was wrong."""

from __future__ import annotations


class NewsdeskError(Exception):
    """Base class: the CLI prints ``str(error)`` on one line and exits with status 2."""


class InputError(NewsdeskError):
    """A file or value given by the user cannot be used."""


class ConfigError(NewsdeskError):
    """``newsdesk.toml`` is malformed or names an unknown setting."""


class StoreError(NewsdeskError):
    """The database cannot be opened, migrated or queried."""
