"""Which language a text is in: a source's ``lang`` field, else py3langid's guess.

Stories, the writer, the checker and publishing treat the edition's language
and others apart (a claim in English can rest on a French source only through
its names and numbers; an English edition publishes no headline in another
language), so all of them ask here.
"""

from __future__ import annotations

import functools
import re
from typing import Any

from newsdesk.records import Article

ENGLISH = "en"

NAMES = {
    "ar": "Arabic",
    "ca": "Catalan",
    "da": "Danish",
    "de": "German",
    "el": "Greek",
    "en": "English",
    "es": "Spanish",
    "fi": "Finnish",
    "fr": "French",
    "he": "Hebrew",
    "hi": "Hindi",
    "it": "Italian",
    "ja": "Japanese",
    "ko": "Korean",
    "nl": "Dutch",
    "no": "Norwegian",
    "pl": "Polish",
    "pt": "Portuguese",
    "ro": "Romanian",
    "ru": "Russian",
    "sv": "Swedish",
    "tr": "Turkish",
    "uk": "Ukrainian",
    "zh": "Chinese",
}

LETTERS = re.compile(r"[^\W\d_]+")


def language_of(source: Article) -> str:
    """The source's language as a two-letter code: its ``lang`` when given, else detected."""
    if source.lang and source.lang.strip():
        return source.lang.strip().lower().replace("_", "-").split("-")[0]
    return detect(f"{source.title}\n{source.text}")


def other_language_of(source: Article, language: str = ENGLISH) -> str | None:
    """The source's language when it is not ``language`` (the edition's), else None: its
    ``lang`` when given, else a confident guess (``other_language``), so that a short
    text in ``language`` that py3langid misreads is never taken for another."""
    if source.lang and source.lang.strip():
        found = language_of(source)
        return None if found == language else found
    return other_language(f"{source.title}\n{source.text}", language)


@functools.lru_cache(maxsize=4096)
def detect(text: str) -> str:
    """``py3langid``'s guess at the language of ``text`` (English when there is no text)."""
    if not LETTERS.search(text):
        return ENGLISH
    import py3langid  # loads its model on first use

    code, _ = py3langid.classify(text[:5000])
    return str(code)


HEADLINE_CONFIDENCE = 0.5
"""Probability (among the languages named here) another language needs before a short
text counts as written in it. Over 4,905 English headlines of the AllSides sets, py3langid
on its own calls 4% another language (Nigerian Pidgin for "UN Ambassador Nikki Haley
resigns"); restricted to these languages it calls none another with more than 0.41, while
39 of 40 headlines written in nine other languages come out above 0.5."""


def other_language(text: str, language: str = ENGLISH) -> str | None:
    """The language of ``text`` when it is confidently not ``language``, else None.

    For short texts such as headlines: py3langid chooses only among the
    languages named here (and ``language``), and its choice must carry
    ``HEADLINE_CONFIDENCE`` of the probability.
    """
    if not LETTERS.search(text):
        return None
    code, probability = _identifier(language).classify(text[:5000])
    if code == language or probability < HEADLINE_CONFIDENCE:
        return None
    return str(code)


@functools.lru_cache(maxsize=8)
def _identifier(language: str) -> Any:
    """py3langid's model with probabilities, choosing among ``NAMES`` and ``language``."""
    from py3langid.langid import MODEL_FILE, LanguageIdentifier  # loads its model on first use

    identifier = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    identifier.set_languages(sorted({*NAMES, language}))
    return identifier


def language_name(code: str) -> str:
    """``French`` for ``fr``; the code itself for a language not listed."""
    return NAMES.get(code, code)
