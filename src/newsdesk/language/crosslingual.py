"""Names and numbers across languages: what survives translation, and how to compare it.

A report in French or Russian about an English story shares few words with
it, and the MiniLM model reads English only; but names written in Latin
letters ("Witkoff", "NATO"), digits ("28") and links come through
translation unchanged, and a name in Cyrillic or Greek letters comes back
close to its Latin spelling once transliterated ("Уиткофф" is "uitkoff").
The checker matches a claim against a sentence in another language by them
(``matches``), and the stories stage decides by them whether an article in
another language reports a story's event (``stories/languages.py``). Both
read names and numbers here, the same way.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation

from newsdesk.language.detection import ENGLISH, LETTERS
from newsdesk.language.text import STOPWORDS

MIN_FACTS = 2
"""Names plus numbers a claim needs for a name-and-number match to mean anything: one
name alone ("Lee") is in most sentences of a story."""

DECIMAL_COMMA = frozenset(
    "ca cs da de el es fi fr hr hu id it lt lv nl no pl pt ro ru sk sl sr sv tr uk".split()
)
"""Languages that write 2,5 for two and a half and 2 500 or 2.500 for two thousand five hundred."""

_CAPITALISED = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?")
_ELIDED = re.compile(r"^(?:[cdjlmnst]|qu)['’](?=[^\W\d_])")
_POINT_NUMBER = re.compile(r"(?<![\d.,])\d{1,3}(?:,\d{3})+(?:\.\d+)?|(?<![\d.,])\d+(?:\.\d+)?")
_COMMA_NUMBER = re.compile(
    r"(?<![\d.,])\d{1,3}(?:[ \u00a0\u202f.]\d{3})+(?:,\d+)?|(?<![\d.,])\d+(?:,\d+)?"
)
_CALENDAR = frozenset(
    "monday tuesday wednesday thursday friday saturday sunday january february march april "
    "may june july august september october november december".split()
)
"""Capitalised in English, translated elsewhere: dates are the date check's business."""
_NUMBER_WORDS = frozenset(
    "one two three four five six seven eight nine ten eleven twelve twenty thirty forty fifty "
    "hundred thousand million billion dozen".split()
)
"""Capitalised only at the start of a sentence, and translated."""


def names(claim: str) -> set[str]:
    """The claim's names, folded: capitalised words that are not function words or days.

    A capitalised first word counts too ("Lee, 47, was executed"), unless it is
    a word any sentence may start with ("The", "Before"). A French or Italian
    elision is read past ("l'Indiana" names Indiana).
    """
    found: set[str] = set()
    for match in _CAPITALISED.finditer(claim):
        word = _ELIDED.sub("", re.sub(r"['’]s$", "", match.group()))
        if not word[0].isupper() or len(word) < 2:
            continue
        folded = fold(word)
        if folded in STOPWORDS or folded in _CALENDAR or folded in _NUMBER_WORDS:
            continue
        found.update(part for part in LETTERS.findall(folded) if len(part) > 1)
    return found


def numbers(text: str, language: str = ENGLISH, *, lenient: bool = False) -> set[Decimal]:
    """Numbers written with digits, as values, read with the digit grouping of ``language``.

    ``lenient`` also keeps the other reading of a spaced group ("2 500" in
    French is 2500, or 2 and 500 in a list), so a source never fails a claim
    for the way it spaced a number.
    """
    comma = language in DECIMAL_COMMA
    found: set[Decimal] = set()
    for match in (_COMMA_NUMBER if comma else _POINT_NUMBER).finditer(text):
        raw = match.group()
        if comma:
            found |= _values([re.sub(r"[ \u00a0\u202f.]", "", raw).replace(",", ".")])
            if lenient and re.search(r"[ \u00a0\u202f]", raw):
                found |= _values(
                    part.replace(",", ".") for part in re.split(r"[ \u00a0\u202f]", raw)
                )
        else:
            found |= _values([raw.replace(",", "")])
    return found


def matches(claim: str, sentence: str, language: str) -> bool:
    """Whether ``sentence`` (in ``language``) holds every name and number of ``claim``.

    The claim must have ``MIN_FACTS`` names and numbers between them.
    """
    wanted = names(claim)
    values = numbers(claim)
    if len(wanted) + len(values) < MIN_FACTS:
        return False
    words = set(LETTERS.findall(fold(sentence)))
    return wanted <= words and values <= numbers(sentence, language, lenient=True)


def fold(text: str) -> str:
    """Lower case without accents, so that "Etats" meets "États" and "Indiana" "indiana"."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(char for char in decomposed if not unicodedata.combining(char))


_CYRILLIC = dict(
    zip(
        "абвгдезиклмнопрстуфхцчшщъыьэюяіўђјљњћџѓќѕ",
        "a b v g d e z i k l m n o p r s t u f kh ts ch sh shch - y - e yu ya i u dj j lj nj c dz"
        " g k dz".split(),
        strict=True,
    )
)
"""Russian, Ukrainian, Belarusian, Serbian and Macedonian letters, folded (``й`` is ``и``,
``ё`` is ``е``, ``ї`` is ``і`` once accents go), in a plain English-reader's spelling."""
_CYRILLIC |= {"ж": "zh", "ъ": "", "ь": "", "є": "ye", "ґ": "g"}
_GREEK = dict(
    zip(
        "αβγδεζηθικλμνξοπρσςτυφχψω",
        "a v g d e z i th i k l m n ks o p r s s t i f kh ps o".split(),
        strict=True,
    )
)
_SPELLINGS = (
    ("dzh", "j"),
    ("shch", "sh"),
    ("sch", "sh"),
    ("ph", "f"),
    ("w", "v"),
    ("y", "i"),
    ("q", "k"),
    ("x", "ks"),
    ("c", "k"),
)
_SILENT_H = re.compile(r"(?<=[^aeiou])h|(?<=.)h(?=[^aeiou]|$)")
_DOUBLED = re.compile(r"(.)\1+")


def transliterate(word: str, language: str = "") -> str:
    """``word`` folded, with Cyrillic and Greek letters in Latin ones (other scripts kept).

    Ukrainian and Belarusian ``г`` is an h ("Гончаренко" is Honcharenko).
    """
    table = _CYRILLIC | ({"г": "h"} if language in ("uk", "be") else {})
    return "".join(table.get(char, _GREEK.get(char, char)) for char in fold(word))


def name_key(word: str, language: str = "") -> str:
    """How a name sounds rather than how one alphabet spells it: transliterated, with
    the spellings English and transliteration disagree on made one (w and v, y and i,
    c and k, an h beside a consonant, doubled letters), so that "Witkoff" and
    "Уиткофф" become "vitkof" and "uitkof", a letter apart, and "Zelensky" and
    "Zelenski" the same."""
    key = transliterate(word, language)
    for spelling, sound in _SPELLINGS:
        key = key.replace(spelling, sound)
    return _DOUBLED.sub(r"\1", _SILENT_H.sub("", key))


def within_one_edit(a: str, b: str) -> bool:
    """Whether ``a`` becomes ``b`` by at most one inserted, deleted or changed letter."""
    if a == b:
        return True
    if abs(len(a) - len(b)) > 1:
        return False
    if len(a) > len(b):
        a, b = b, a
    start = 0
    while start < len(a) and a[start] == b[start]:
        start += 1
    if len(a) == len(b):
        return a[start + 1 :] == b[start + 1 :]
    return a[start:] == b[start + 1 :]


def _values(parts: Iterable[str]) -> set[Decimal]:
    found = set()
    for part in parts:
        try:
            found.add(Decimal(part).normalize())
        except InvalidOperation:
            continue
    return found
