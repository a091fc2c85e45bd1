"""The editor's desk: a web app over the store, beside the CLI (``newsdesk desk``).

Like the CLI it is a thin layer: it reads the store and the library and decides
nothing about stories itself. ``accounts.py`` manages users (the ``newsdesk users``
commands and the users page share it), ``passwords.py`` hashes with argon2id,
``auth.py`` keeps sessions, CSRF tokens and the sign-in limit, ``queue.py`` and
``story.py`` build what the queue and the story view show, ``app.py`` makes the
FastAPI app from ``web.py`` (shared request plumbing) and the routes of
``signin.py``, ``pages.py``, ``editing.py`` (edits and reviews, whose work is the
library's: ``api.edit_draft``, ``api.review_story``) and ``admin.py``, and ``server.py``
runs it with uvicorn.
Templates (Jinja2, autoescaped) and static files (htmx, CSS) ship in the package:
nothing is fetched at run time. No stage imports the desk.

This module imports nothing, so that ``newsdesk --help`` stays quick: the CLI loads
the desk's modules on first use.
"""
