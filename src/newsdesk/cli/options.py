"""Options shared by the commands."""

from __future__ import annotations

import functools
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from newsdesk.cli.render import fail
from newsdesk.config import load_config
from newsdesk.errors import NewsdeskError

F = TypeVar("F", bound=Callable[..., Any])


def config_options(function: F) -> F:
    """``--config`` and ``--database``, shared by every command that opens the store.

    The command gets the loaded settings as ``config``; a bad settings file
    is a one-line error and exit status 2.
    """

    @click.option(
        "--config",
        "config_path",
        type=click.Path(dir_okay=False, path_type=Path),
        help="Settings file (default: ./newsdesk.toml if present).",
    )
    @click.option(
        "--database",
        metavar="PATH|URL",
        help="SQLite database file, or a PostgreSQL URL (postgresql://user@host/db)"
        " (default from settings: newsdesk.db).",
    )
    @functools.wraps(function)
    def wrapper(*args: Any, config_path: Path | None, database: str | None, **kwargs: Any) -> Any:
        url = database if database and "://" in database else None
        where = {"store.url": url or ""} if database else {}  # --database beats the settings
        path = Path(database) if database and url is None else None
        try:
            config = load_config(config_path, where, database=path)
        except NewsdeskError as exc:
            fail(str(exc))
        return function(*args, config=config, **kwargs)

    return wrapper  # type: ignore[return-value]


def wait_option(function: F) -> F:
    """``--wait``, for every command that runs stages and so takes the store's run lease."""
    return click.option(
        "--wait",
        is_flag=True,
        help="When another run holds the database, wait for it to end"
        " (default: exit at once with status 2).",
    )(function)
