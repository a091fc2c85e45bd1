"""Exceptions newsdesk raises on purpose. Each message is one line naming what was wrong."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from newsdesk.records import Lease


class NewsdeskError(Exception):
    """Base class: the CLI prints ``str(error)`` on one line and exits with status 2."""


class InputError(NewsdeskError):
    """A file or value given by the user cannot be used."""


class ConfigError(NewsdeskError):
    """``newsdesk.toml`` is malformed or names an unknown setting."""


class StoreError(NewsdeskError):
    """The database cannot be opened, migrated or queried."""


class StoreBusy(StoreError):
    """Another run holds the store's run lease: ``holder`` names it (see ``store/runs.py``)."""

    def __init__(self, holder: Lease) -> None:
        self.holder = holder
        super().__init__(f"another run ({holder.owner()}) holds this store")


MESSAGE_LIMIT = 200
"""The most characters of a message about one bad input (a line, a record, a page)."""
SHOWN_LIMIT = 80
"""The most characters of a value echoed inside such a message."""
_UNPRINTABLE = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]+")


def one_line(message: str, limit: int = MESSAGE_LIMIT) -> str:
    """``message`` on one line of at most ``limit`` characters: control characters and
    line breaks become a space (bidi controls too), lone surrogates ``?``, and a longer
    message is cut with ``…``."""
    message = _UNPRINTABLE.sub(" ", message)
    message = message.encode("utf-8", "replace").decode("utf-8")
    if len(message) > limit:
        message = message[: max(limit - 1, 0)].rstrip() + "…"
    return message


def shown(value: object, limit: int = SHOWN_LIMIT) -> str:
    """``repr(value)`` to echo in a message about bad input: escaped, on one line, and
    at most ``limit`` characters, a longer string cut with its full length named."""
    text = repr(value)  # escapes what is not printable: controls, surrogates, bidi
    if len(text) <= limit:
        return text
    size = f" ({len(value)} characters)" if isinstance(value, str) else ""
    return text[: max(limit - 1 - len(size), 0)] + "…" + size
