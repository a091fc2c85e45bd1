"""Person names across the spellings news uses for one person.

Sources of one story spell a name several ways: "Yuri" and "Yury" Ushakov,
"Sergey" and "Sergei" Lavrov, "Mohammed", "Mohamed" and "Muhammad" bin Salman,
"Aleksandr" and "Alexander". A checker that compares names letter for letter
reads two spellings as two people, and then as a contradiction. So names are
compared through keys:

* :func:`fold_word` is a rule, not a list: it undoes the choices that differ
  between transliteration schemes (y/i/j at the end of a word and "y" inside
  it, "Ye-"/"E-" and "Ju-"/"Iu-"/"Yu-" at the start, ph/f, kh/h, ks/x, ck/k,
  ou/u, doubled letters, accents), so every spelling of one name folds to one
  key. Both sides are folded, so the rule can only merge names that differ in
  nothing but these choices.
* :func:`loose_key` drops the inner vowels a transliteration guesses at
  ("Mohammed"/"Muhammad", "Ahmed"/"Ahmad"); it is used for given names only,
  where the surname already agrees, and only for names long enough that a
  vowel does not make another name ("Dan"/"Don").
* :data:`VARIANTS` is the short table for what no rule reaches: Ukrainian and
  Russian forms of one name, and the classic spellings of Gaddafi.

A name is split by :func:`parse_name` into a given name and a surname that
keeps its particles: "von der Leyen" is the surname, never "Leyen" or "der"
alone, and "bin Salman" is not "Salman" (a father's name, and another person).
The Arabic article is dropped instead ("al-Assad" is written "Assad").
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass

HONORIFICS = frozenset(
    """mr mrs ms miss mx dr prof professor sir dame lord lady rev reverend sheikh sheik emir
    prince princess ayatollah imam rabbi gen col lt sgt capt cmdr adm maj sen sens rep reps gov
    govs pres hon""".split()
)
"""Words that stand before a name without being part of it ("Dr. Anthony Fauci")."""

SURNAME_PARTICLES = frozenset(
    "von van der den de del della di da du dos das la le bin ibn bint ter ten zu st".split()
)
"""Words that belong to the surname that follows them: "von der Leyen", "bin Salman"."""

ARTICLES = frozenset({"al", "el"})
"""The Arabic article, which English news writes or leaves out: "al-Assad" is "Assad"."""

SUFFIXES = frozenset("jr sr ii iii iv".split())

VARIANTS: tuple[tuple[str, ...], ...] = (
    # Ukrainian and Russian forms of one name: the same person is written both ways.
    ("Oleksandr", "Aleksandr", "Alexander"),
    ("Volodymyr", "Vladimir"),
    ("Serhiy", "Sergei"),
    ("Mykola", "Nikolai"),
    ("Andriy", "Andrei"),
    ("Oleksiy", "Alexei"),
    ("Dmytro", "Dmitri"),
    # Arabic names whose first vowel English spellings disagree on.
    ("Omar", "Umar"),
    ("Osama", "Usama"),
    # The classic case: one Arabic consonant written as g, q or k.
    ("Gaddafi", "Qaddafi", "Gadhafi", "Kadhafi"),
)
"""Spellings of one name that :func:`fold_word` cannot bring together (another first letter
or consonant); every other variant comes from the rule."""

_VOWELS = frozenset("aeiou")
_DIGRAPHS = (("ph", "f"), ("kh", "h"), ("ks", "x"), ("ck", "k"), ("ou", "u"))


def _ascii(word: str) -> str:
    decomposed = unicodedata.normalize("NFKD", word)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return re.sub(r"[^a-z]", "", plain.lower())


@functools.lru_cache(maxsize=65_536)
def fold_word(word: str) -> str:
    """The transliteration key of one name word: "Yury", "Yuri", "Iurii", "Juri" -> "yuri".

    >>> [fold_word(w) for w in ("Sergey", "Sergei", "Sergej")]
    ['sergei', 'sergei', 'sergei']
    >>> fold_word("Yevgeny") == fold_word("Evgeny"), fold_word("Aleksei") == fold_word("Alexey")
    (True, True)
    """
    w = _ascii(word)
    if len(w) < 2:
        return w
    if w.startswith("ye") and len(w) > 3 and w[2] not in _VOWELS:
        w = w[1:]  # Yevgeny, Yelena, Yekaterina: the "y" is how one scheme writes the "e"
    if w.startswith(("ju", "iu")):
        w = "y" + w[1:]  # Juri, Iurii: Yuri
    w = w[0] + w[1:].replace("y", "i")  # Bryan/Brian, Yanukovych/Yanukovich
    for written, said in _DIGRAPHS:
        w = w.replace(written, said)
    w = re.sub(r"(.)\1+", r"\1", w)  # Mohammed/Mohamed, Hassan/Hasan, Zelenskyy
    w = re.sub(r"(?<=.)[ij]+$", "i", w)  # Dmitriy/Dmitrii/Dmitri, Sergej/Sergei
    return w


_VARIANT_KEY = {fold_word(w): group[0].lower() for group in VARIANTS for w in group}


def word_key(word: str) -> str:
    """:func:`fold_word`, then :data:`VARIANTS`: one key for every spelling of a name word."""
    key = fold_word(word)
    return _VARIANT_KEY.get(key, key)


def loose_key(key: str) -> str | None:
    """A word key without its inner vowels ("muhamad", "mohamed" -> "mhmd"), for long names.

    The first and last letters stay, so "Alexander" is not "Alexandra" nor
    "Mario" "Maria"; names under five letters have none ("Dan" is not "Don").
    """
    if len(key) < 5:
        return None
    return key[0] + "".join(c for c in key[1:-1] if c not in _VOWELS) + key[-1]


@dataclass(frozen=True, slots=True)
class Name:
    """A person's name as keys: every word, the given name, the surname with its particles.

    ``given`` is None when the name has none ("Pompeo", "von der Leyen");
    ``initial`` is the given name's first letter when only an initial is
    written ("J. Smith").
    """

    words: tuple[str, ...]
    given: str | None
    initial: str | None
    surname: tuple[str, ...]


def _is_initial(word: str) -> bool:
    return bool(re.fullmatch(r"(?:[A-Za-z]\.)+|[A-Za-z]", word))


def parse_name(name: str, is_title: Callable[[str], bool] | None = None) -> Name:
    """Split a written name into keys (see :class:`Name`).

    Leading honorifics and titles are dropped ("Dr.", "Sen.", and any word
    ``is_title`` accepts), as are suffixes ("Jr."), the Arabic article and
    middle initials. The surname is the last word with the particles right
    before it.

    >>> parse_name("Ursula von der Leyen").surname
    ('von', 'der', 'leien')
    >>> parse_name("Dr. Anthony S. Fauci").words
    ('anthoni', 'fauci')
    """
    raw = [w for w in re.findall(r"[^\W\d_][\w'’.-]*", name) if w.strip(".")]
    while len(raw) > 1 and (
        _ascii(raw[0]) in HONORIFICS or (is_title is not None and is_title(raw[0]))
    ):
        raw = raw[1:]
    while raw and _ascii(raw[-1]) in SUFFIXES:
        raw = raw[:-1]
    initial: str | None = None
    words: list[tuple[str, bool]] = []  # (key, whether it is a particle as written)
    for n, word in enumerate(raw):
        if _is_initial(word):
            if n == 0:
                initial = _ascii(word)[:1]
            continue
        parts = [p for p in re.split(r"[-‐]", word) if p]
        while len(parts) > 1 and _ascii(parts[0]) in ARTICLES | {"bin", "ibn"}:
            if _ascii(parts[0]) not in ARTICLES:
                words.append((_ascii(parts[0]), True))  # "bin-Salman": the particle stays
            parts = parts[1:]
        if _ascii(parts[0]) in ARTICLES and 0 < n < len(raw) - 1:
            continue  # "Bashar al Assad"; but "Al Gore" keeps its given name
        if len(parts) == 1 and _ascii(parts[0]) in SURNAME_PARTICLES:
            words.append((_ascii(parts[0]), True))
            continue
        key = "-".join(word_key(p) for p in parts)
        if key:
            words.append((key, False))
    while words and words[-1][1]:
        words.pop()  # a name cut short after its particle ("Ursula von der") has no surname
    if not words:
        return Name((), None, initial, ())
    start = len(words) - 1
    while start > 0 and words[start - 1][1]:
        start -= 1
    surname = tuple(key for key, _ in words[start:])
    given_words = [key for key, particle in words[:start] if not particle]
    given = given_words[0] if given_words else None
    keys = tuple(key for key, _ in words)
    return Name(keys, given, initial if given is None else None, surname)


NICKNAMES = frozenset(
    frozenset((word_key(a), word_key(b)))
    for a, b in (
        ("bill", "william"),
        ("will", "william"),
        ("chuck", "charles"),
        ("charlie", "charles"),
        ("bob", "robert"),
        ("rob", "robert"),
        ("mike", "michael"),
        ("jim", "james"),
        ("jimmy", "james"),
        ("joe", "joseph"),
        ("tony", "anthony"),
        ("tony", "antony"),
        ("anthony", "antony"),
        ("dick", "richard"),
        ("rick", "richard"),
        ("ted", "edward"),
        ("ted", "theodore"),
        ("andy", "andrew"),
        ("liz", "elizabeth"),
        ("beth", "elizabeth"),
        ("tom", "thomas"),
        ("dan", "daniel"),
        ("ron", "ronald"),
        ("steve", "steven"),
        ("steve", "stephen"),
        ("chris", "christopher"),
        ("matt", "matthew"),
        ("nick", "nicholas"),
        ("pete", "peter"),
        ("sam", "samuel"),
        ("ben", "benjamin"),
        ("bibi", "benjamin"),
        ("alex", "alexander"),
        ("alex", "alexandria"),
        ("kate", "katherine"),
        ("kathy", "kathleen"),
        ("jeff", "jeffrey"),
        ("greg", "gregory"),
        ("don", "donald"),
        ("hank", "henry"),
        ("larry", "lawrence"),
        ("jerry", "gerald"),
    )
)
"""Common English short forms of first names, so "Chuck Schumer" is "Charles E. Schumer"."""


def same_given(a: Name, b: Name) -> bool | None:
    """Whether two names' given names agree: True, False, or None when it cannot be told.

    Equal keys, a short form, or the same name with other inner vowels agree;
    an initial agrees with a name it begins; names that start with another
    letter (once folded) disagree.
    """
    if a.given is None or b.given is None:
        known = a.given or b.given
        initial = a.initial or b.initial
        if known is None or initial is None:
            return True
        return True if known.startswith(initial) else None
    if a.given == b.given or frozenset((a.given, b.given)) in NICKNAMES:
        return True
    loose = loose_key(a.given)
    if loose is not None and loose == loose_key(b.given):
        return True
    if a.given[0] != b.given[0]:
        return False
    return None
