"""Words that mean something only through what came before them.

"He said", "Hours later," and "the deal" are complete sentences in their
source and incomplete anywhere else: their meaning is borrowed from the
sentence before. The writer must not move them away from it, and the
checker must read them where the page puts them, so both find them here:

* :func:`pronoun_reference`: a personal pronoun as the subject or the speaker
  of a sentence ("He noted…", "“…,” she said", "His office…");
* :func:`relative_time`: a sentence that opens with a time given only
  relative to the last event told ("Seconds later,", "The next day,",
  "Shortly afterward,"), not one that names its own anchor ("Hours after the
  vote,");
* :func:`definite_description`: a sentence whose subject is "the deal", "the
  newspaper", "the downturn": a thing the text introduced before, under the
  same noun or one of a few that news prose uses for it (``KINDS``);
* :func:`anchor_overlap`: how much of one sentence's content another repeats,
  the measure of whether two sentences tell the same event.
"""

from __future__ import annotations

import functools
import math
import re
from collections import Counter
from collections.abc import Iterable

from newsdesk.language.text import QUOTED_SPAN, content_words, sentences

_SAY = (
    r"(?:said|says|added|adds|told|tells|wrote|writes|argued|argues|noted|notes|explained"
    r"|explains|continued|insisted|warned|recalled|stressed|acknowledged|conceded|declared)"
)
_PRONOUN_REFERENCE = (
    # He said / She told reporters / His office …  at the start of the sentence
    re.compile(r"^[\s(]*(?P<pronoun>He|She|His|Her)\b"),
    # “…,” he said / …, she added
    re.compile(rf"[,”\"]\s+(?P<pronoun>he|she)\s+(?:also\s+)?{_SAY}\b"),
)

_UNITS = r"(?:seconds|minutes|moments|hours|days|weeks|months|years)"
_PART = r"(?:day|morning|afternoon|evening|night|week|month|year)"
_RELATIVE_TIME = re.compile(
    rf"^(?:(?:a few |several |two |three |\w+ )?{_UNITS} (?:later|afterwards?|earlier)"
    rf"|(?:the|a) (?:next|following|previous) {_PART}"
    rf"|(?:the|a) {_PART} (?:after|before|later|earlier)"
    rf"|(?:later|earlier) (?:that|the same|in the) {_PART}"
    rf"|(?:that|the) same {_PART}"
    rf"|(?:shortly|soon|not long|immediately|right|just) (?:after|afterwards?|thereafter|before)"
    rf"|afterwards?|thereafter|moments? later|minutes? later|by then|at that (?:point|time|moment)"
    rf"|within (?:seconds|minutes|hours|days))(?P<after>\s*,|\s+(?=[a-z]))",
    re.IGNORECASE,
)
"""A relative time that opens a sentence and is not followed by its own anchor: "Hours
later," yes; "Hours after the vote," no (that one says what it is after)."""
_OPEN = frozenset({"after", "before"})
"""Last words of a phrase that, without a comma, go on to name their own anchor."""


_NOT_A_PLACE = (
    r"(?:is|are|was|were|will|would|has|have|had|may|might|could|should|must|can|shall"
    r"|seems?|seemed|appears?|appeared|remains?|remained|exists?|existed|be|been|being"
    r"|also|still|now|just|simply|really|never|certainly|clearly|probably|likely|initially"
    r"|needs?|used|ought|did|does|do|isn|aren|wasn|weren|won|wouldn|hasn|haven|hadn"
    r"|doesn|didn|don|shouldn|couldn|mightn|mustn|ain|for)"
)
_PLACE_REFERENCE = re.compile(
    rf"(?<!here and )(?<!from )(?<!out )(?<!up )(?<!down )\bthere\b(?!\s+{_NOT_A_PLACE}\b)"
    r"(?!\s*[’'])"
    r"|\b(?:was|were) also (?:present|there|on hand|in attendance)\b",
    re.IGNORECASE,
)
"""A place told only by reference: "Trump won there", "There he will lie in state", "Biden
was also present". Not the "there" of "there is/was…", nor "from there" and "out there",
which rarely point at a place."""


KINDS: dict[str, tuple[str, ...]] = {
    "outlet": ("outlet", "newspaper", "paper", "network", "publication", "broadcaster"),
    "deal": ("deal", "agreement", "accord", "pact", "treaty"),
    "downturn": ("downturn", "recession", "slump", "crisis", "crash"),
    "bill": ("bill", "legislation", "measure", "law"),
    "ruling": ("ruling", "decision", "verdict", "judgment", "order"),
    "attack": ("attack", "shooting", "assault", "bombing", "blast", "explosion", "incident"),
    "report": ("report", "study", "survey", "memo", "letter"),
    "company": ("company", "firm", "carrier", "automaker", "retailer"),
    "statement": ("statement", "remarks", "comments", "sentence", "post", "tweet"),
    "move": ("move", "step", "plan", "proposal", "policy"),
    "inquiry": ("investigation", "probe", "inquiry"),
    "lawsuit": ("lawsuit", "suit", "case", "complaint", "trial"),
    "program": ("program", "programme", "scheme", "initiative"),
}
"""Nouns that, as "the X" opening a sentence, point back at something already told, grouped
with the nouns news prose uses for the same thing ("the deal" after "the agreement"). A
small table: nouns outside it are not judged."""
_NOUN_KIND = {noun: kind for kind, nouns in KINDS.items() for noun in nouns}
_DESCRIPTION = re.compile(
    r"^[\s(“\"]*(?P<phrase>(?:The|That|This) (?P<noun>"
    + "|".join(sorted(_NOUN_KIND, key=len, reverse=True))
    + r"))\b(?!\s+(?:of|that|which|who|to|for|from|by|in|on|at|against|over|with|between"
    r"|involving|about)\b)(?![-’'])"
)
""""The deal would…" yes; "The deal that Congress passed…" and "The report by the
inspector general…" no: those say which deal, which report."""


def definite_description(text: str) -> re.Match[str] | None:
    """The definite description ("The deal") a sentence opens with as its subject, if any."""
    return _DESCRIPTION.match(text)


def kind_nouns(noun: str) -> tuple[str, ...]:
    """``noun`` and the nouns of its kind ("agreement", "accord"… for "deal")."""
    kind = _NOUN_KIND.get(noun.lower())
    return KINDS[kind] if kind else (noun.lower(),)


def mentions_kind(text: str, noun: str) -> bool:
    """Does ``text`` mention ``noun`` or a noun of its kind ("agreement" for "deal")?"""
    return any(re.search(rf"\b{n}s?\b", text, re.IGNORECASE) for n in kind_nouns(noun))


def pronoun_reference(text: str) -> re.Match[str] | None:
    """The personal pronoun a sentence uses as its subject or speaker, if any."""
    for pattern in _PRONOUN_REFERENCE:
        match = pattern.search(text)
        if match:
            return match
    return None


def place_reference(text: str) -> re.Match[str] | None:
    """The first place reference ("there", "was also present") outside quotation marks."""
    quoted = [m.span() for m in QUOTED_SPAN.finditer(text)]
    for match in _PLACE_REFERENCE.finditer(text):
        if not any(a <= match.start() < b for a, b in quoted):
            return match
    return None


def relative_time(text: str) -> re.Match[str] | None:
    """The relative time phrase a sentence opens with, if it names no anchor of its own.

    Without a comma only a phrase that cannot take an object counts: "Moments later the
    gunman fled" opens with one, "Shortly after the vote" does not.
    """
    match = _RELATIVE_TIME.match(text.lstrip('“"( '))
    if match is None:
        return None
    if "," not in match.group("after") and match.group().split()[-1].casefold() in _OPEN:
        return None
    return match


class Vocabulary:
    """How common each content word is across a story's source sentences.

    Two sentences of one story share its common words ("Supreme Court", "Trump")
    whether or not they tell the same event; what they share that is rare in
    the story is what shows they do. Words weigh their inverse document
    frequency over the sources' sentences.
    """

    def __init__(self, texts: Iterable[str]) -> None:
        counts: Counter[str] = Counter()
        total = 0
        for text in texts:
            for span in sentences(text):
                counts.update(set(content_words(span.text)))
                total += 1
        self._counts = counts
        self._total = max(total, 1)

    def weight(self, word: str) -> float:
        return math.log((self._total + 1) / (self._counts.get(word, 0) + 1)) + 1.0


_FLAT = Vocabulary(())


@functools.lru_cache(maxsize=256)
def vocabulary(texts: tuple[str, ...]) -> Vocabulary:
    """The cached vocabulary of a story's source texts."""
    return Vocabulary(texts)


def anchor_overlap(
    a: str, b: str, vocabulary: Vocabulary = _FLAT, ignore: Iterable[str] = ()
) -> float:
    """Weight of the content words two sentences share over the lighter sentence's weight:
    1.0 when one repeats the other, near 0 when they share only the story's common words.

    ``ignore``: words that say nothing about which event it is, such as the noun a
    definite description looks for, which both sentences hold by construction.
    """
    skip = set(ignore)
    left = set(content_words(a)) - skip
    right = set(content_words(b)) - skip
    if not left or not right:
        return 0.0
    weight = vocabulary.weight
    shared = sum(weight(w) for w in left & right)
    return shared / min(sum(weight(w) for w in left), sum(weight(w) for w in right))
