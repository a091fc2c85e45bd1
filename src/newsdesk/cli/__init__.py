"""The ``newsdesk`` command: a thin layer over the library API.

``commands.py`` parses options and calls ``newsdesk.api``, which runs every
stage through the engine; ``render.py`` prints the results with rich;
``options.py`` holds the options commands share. Errors newsdesk raises on
purpose (``NewsdeskError``) are printed on one line and exit with status 2.
"""

from newsdesk.cli.commands import cli, main

__all__ = ["cli", "main"]
