"""Sentence structure from spaCy's small English pipeline: tags, lemmas and dependencies.

The entity recogniser (``entities.py``) loads spaCy without its parser, which most
checks never need. The writer needs it to compress a sentence into a headline (who
did what), so the parser is loaded here, once, on first use, and never the
entity recogniser with it.
"""

from __future__ import annotations

import functools
from typing import Any

from newsdesk.language.entities import MODEL

_EXCLUDE = ("ner",)


@functools.cache
def parser() -> Any:
    """spaCy with tagger, parser and lemmatizer, loaded by package name (no download)."""
    import spacy  # imported here: loading spaCy costs a second that most commands never need

    return spacy.load(MODEL, exclude=list(_EXCLUDE))


@functools.lru_cache(maxsize=1024)
def parse(text: str) -> Any:
    """The parsed ``Doc`` of ``text`` (cached: the writer parses the same lead again on
    revision)."""
    return parser()(text)
