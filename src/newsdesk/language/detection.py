"""Which language a text is in: a source's ``lang`` field, else py3langid's guess.

Stories, the writer and the checker treat English and other languages apart
(a claim in English can rest on a French source only through its names and
numbers), so all of them ask here.
"""

from __future__ import annotations

import functools
import re

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


@functools.lru_cache(maxsize=4096)
def detect(text: str) -> str:
    """``py3langid``'s guess at the language of ``text`` (English when there is no text)."""
    if not LETTERS.search(text):
        return ENGLISH
    import py3langid  # loads its model on first use

    code, _ = py3langid.classify(text[:5000])
    return str(code)


def language_name(code: str) -> str:
    """``French`` for ``fr``; the code itself for a language not listed."""
    return NAMES.get(code, code)
