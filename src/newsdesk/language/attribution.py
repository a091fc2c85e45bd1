"""Attribution phrases: how the writer credits an outlet, and how the checker reads them back.

Both sides live in one module so that what the writer produces is exactly what
the checker recognises: "According to Reuters, ...", "..., Reuters reported.",
"Reuters reported: ..." and, in headline style (a headline, a timeline line), "...,
Reuters reports"; for an outlet's own headline, "Reuters’s headline: “...”".
The checker also reads these forms in articles newsdesk did not write.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from newsdesk.language.text import sentence_spans

# Words that may start a sentence and read naturally after "According to X, "
# once lower-cased. Anything else (a name, "I", an acronym) keeps its capital.
_LOWERABLE = frozenset(
    """the a an in on at after before during for by with as when while since until over under more
    most some many several about nearly almost only two three four five six seven eight nine ten
    dozens hundreds thousands millions""".split()
)

_PARTICLES = r"of|the|and|du|de|des|di|da|del|della|la|le|van|von|am|im"
"""Lower-case words inside an outlet's name: "Le Courrier du Midi", "Corriere della Sera"."""
_NAME = (
    rf"(?:the\s+)?[A-Z][\w.&'’!-]*"
    rf"(?:\s+(?:(?:{_PARTICLES})\s+)?(?:[A-Z][\w.&'’!-]*|\d+\b)){{0,5}}"
)
_HEADLINE_CREDIT = re.compile(
    rf"^(?P<outlet>{_NAME})['’]s headline:\s+[“\"](?P<claim>.+?)[”\"]$", re.S
)
"""An outlet's headline quoted as its words (``headline_credit``)."""
_HEADLINE_REPORTS = re.compile(rf"^(?P<claim>[^\n]+?),\s+(?P<outlet>{_NAME}) reports$")
"""A headline credited to the one outlet that reports it (``credit_headline``)."""
_PATTERNS = (
    re.compile(rf"^According to (?P<outlet>{_NAME}),\s+(?P<claim>.+)$", re.S),
    re.compile(rf"^(?P<claim>.+?),\s+(?P<outlet>{_NAME}) reported\.$", re.S),
    re.compile(rf"^(?P<outlet>{_NAME}) reported:\s+(?P<claim>.+)$", re.S),
    _HEADLINE_CREDIT,
    _HEADLINE_REPORTS,
)


MEDIA_WORDS = frozenset(
    """news times post journal press radio tv television network networks broadcasting
    broadcaster agency gazette herald tribune daily weekly magazine telegraph guardian chronicle
    observer examiner bulletin wire reuters bloomberg bbc cnn nbc abc cbs npr pbs msnbc afp ap
    axios politico""".split()
)
"""Words that make a name an outlet's ("... News", "... Times"): a vocabulary, not a list
of outlets, so that "according to Johns Hopkins University" is not read as a press credit."""

_CREDIT = re.compile(
    rf"[Aa]ccording to (?:a |an |the )?(?:(?:report|story|article) (?:by|from|in) )?(?P<a>{_NAME})"
    rf"|(?P<b>{_NAME}) (?:first )?(?:reported|reports|has reported|was first to report)"
    rf"|\btold (?P<c>{_NAME})"
    rf"|\bin an interview with (?P<d>{_NAME})"
    rf"|\b(?:said|says) in a statement to (?P<e>{_NAME})"
    rf"|^(?P<f>{_NAME})['’]s headline:"
)


_QUALIFIER = re.compile(
    r"\s*(?:\((?:[^()]*)\)|\s-\s+(?:news|opinion|editorial|online|left|right|center|web news))\s*$",
    re.IGNORECASE,
)
"""A desk label after an outlet's name in some datasets: "CNN (Web News)", "Wall Street
Journal - News", "New York Times - Opinion"."""


def display_name(outlet: str) -> str:
    """The outlet's name as a reader knows it, without a dataset's desk label."""
    name = outlet.strip()
    while (match := _QUALIFIER.search(name)) is not None and match.start() > 0:
        name = name[: match.start()].rstrip()
    return name or outlet.strip()


SHORT_NAMES = {
    "ap": "associated press",
    "afp": "agence france presse",
    "wapo": "washington post",
    "nyt": "new york times",
    "ny times": "new york times",
    "wsj": "wall street journal",
    "ft": "financial times",
    "lat": "los angeles times",
    "la times": "los angeles times",
    "nypost": "new york post",
}
"""Short forms the press uses for other outlets ("(via WaPo)", "the NYT reported"): names no
vocabulary rule can read as an outlet's."""


def _fold(name: str) -> str:
    name = re.sub(r"^the\s+", "", display_name(name), flags=re.IGNORECASE)
    name = re.sub(r"(?:['’]s)?(?:\s+(?:report|reports|story|article))?$", "", name)
    folded = " ".join(re.findall(r"[a-z0-9]+", name.lower()))
    return SHORT_NAMES.get(folded, folded)


def same_outlet(named: str, outlet: str) -> bool:
    """Whether an outlet named in prose ("the Associated Press") is ``outlet``."""
    return _fold(named) == _fold(outlet)


def is_outlet(name: str, known: Iterable[str] = ()) -> bool:
    """Whether ``name`` is a news outlet: one of ``known``, or named like one."""
    if any(same_outlet(name, outlet) for outlet in known):
        return True
    return any(word in MEDIA_WORDS for word in _fold(name).split())


def credit_mentions(text: str, known: Iterable[str] = ()) -> list[str]:
    """Every credit to an outlet in ``text``, in order, repeats included.

    "…the Chicago Sun-Times reported Sunday, New York Post reported." holds two: one
    sentence credited twice, which a reader takes for clumsy or for two reports.
    Names that are not outlets ("according to Johns Hopkins University", "told
    reporters") are left out: their claims are checked, not their credits.
    """
    known = list(known)
    found: list[str] = []
    for match in _CREDIT.finditer(text):
        name = next(group for group in match.groups() if group)
        name = re.sub(r"(?:['’]s)?(?:\s+(?:report|reports|story|article))?$", "", name).strip()
        if is_outlet(name, known):
            found.append(name)
    return found


def credited_outlets(text: str, known: Iterable[str] = ()) -> list[str]:
    """The outlets ``text`` credits, each once: "according to Reuters", "told CNN"."""
    found: list[str] = []
    for name in credit_mentions(text, known):
        if not any(same_outlet(name, f) for f in found):
            found.append(name)
    return found


_INTRODUCTION = re.compile(
    rf"(?:\(via (?P<a>[^()\n]{{2,60}})\)"
    rf"|(?P<b>{_NAME}) (?:reported|reports|wrote|writes|noted|notes)(?: that)?"
    rf"|\btold (?P<c>{_NAME})(?: that)?"
    rf"|[Aa]ccording to (?P<d>{_NAME})"
    rf"|\b(?:via|from) (?P<e>{_NAME}))"
    rf"\s*:\s*[“\"]?\s*$"
)
"""An introduction that hands the next passage to another outlet: "(via NBC News):",
"The Washington Post reported:", "told The Post:". It ends with a colon: the passage
that follows is the other outlet's words, reproduced."""


@dataclass(frozen=True)
class EmbeddedCredit:
    """The outlet a source itself credits for a passage it reproduces, and where it says so."""

    outlet: str
    start: int
    end: int


def embedded_credit(
    text: str, start: int, end: int, own: str, known: Iterable[str] = ()
) -> EmbeddedCredit | None:
    """The outlet other than ``own`` that ``text`` credits for its passage ``start:end``.

    A source that reproduces another outlet's reporting says so in one of two
    places: in the sentence itself ("…, The Washington Post reported.", "…,
    she told The Post") or in the line that introduces the passage ("(via NBC
    News):", "Politico reported:"), just before it in the same paragraph or at
    the end of the paragraph before. Whoever credits ``own`` for that passage
    credits the outlet that only reproduced it.
    """
    known = list(known)
    for sentence in sentence_spans(text):
        if sentence.start <= start < sentence.end or start <= sentence.start < end:
            for name in credited_outlets(sentence.text, known):
                if not same_outlet(name, own):
                    return EmbeddedCredit(name, sentence.start, sentence.end)
            break
    for at, before in _introductions(text, start):
        match = _INTRODUCTION.search(before)
        if match is None:
            continue
        name = next(group for group in match.groups() if group).strip()
        via = match.group("a") is not None  # "(via X)" names a source, whatever X is
        if same_outlet(name, own) or not (via or is_outlet(name, known)):
            return None
        return EmbeddedCredit(name, at + match.start(), at + match.end())
    return None


def _introductions(text: str, start: int) -> list[tuple[int, str]]:
    """Where an introduction of the passage at ``start`` may stand, with its offset: the
    text before it in its paragraph, then the end of the paragraph before (an excerpt
    introduced by "(via NBC News):" fills the whole next paragraph)."""
    head = text.rfind("\n\n", 0, start)
    head = head + 2 if head >= 0 else 0
    found = [_tail(text, head, start)]
    if head >= 2:
        previous = text.rfind("\n\n", 0, head - 2)
        found.append(_tail(text, previous + 2 if previous >= 0 else 0, head - 2))
    return [(at, tail) for at, tail in found if tail]


def _tail(text: str, start: int, stop: int, size: int = 200) -> tuple[int, str]:
    """The last ``size`` characters of ``text[start:stop]`` without trailing space, and
    where they begin."""
    chunk = text[start:stop].rstrip()[-size:]
    return start + len(text[start:stop].rstrip()) - len(chunk), chunk


@dataclass(frozen=True)
class Attributed:
    """A sentence split into the outlet it credits (if any) and the claim itself."""

    outlet: str | None
    claim: str
    claim_offset: int


def attribute(sentence: str, outlet: str) -> str:
    """Credit ``outlet`` for ``sentence`` in the form that reads best for that sentence.

    A sentence that already credits an outlet ("…, he told The Washington Times",
    "…, the Chicago Sun-Times reported") is left as it is: a second credit reads as
    a second report, and the citation still links the outlet that printed it.
    """
    outlet = display_name(outlet)
    sentence = sentence.strip()
    if credit_mentions(sentence, [outlet]):
        return sentence
    first, _, rest = sentence.partition(" ")
    if first.lower() in _LOWERABLE and rest:
        return f"According to {outlet}, {first.lower()} {rest}"
    if sentence.endswith(".") and not sentence.endswith(("..", '."', ".”", ".'", ".’")):
        return f"{sentence[:-1]}, {outlet} reported."
    return f"{outlet} reported: {sentence}"


def credit_headline(line: str, outlet: str) -> str:
    """A headline-style line credited to the outlet that reports it: "Senate passes the
    bill, Reuters reports", as aggregators headline what one outlet reports.

    A line that already credits an outlet is left as it is.
    """
    line = line.strip()
    if credit_mentions(line, [outlet]):
        return line
    return f"{line.rstrip(' .')}, {display_name(outlet)} reports"


def headline_credit(title: str, outlet: str) -> str:
    """An outlet's headline quoted as its own words: "Fox News’s headline: “…”".

    How outlets frame a story shows first in their headlines; quoted and credited,
    a headline is the outlet's words, checked against the title it cites.
    """
    return f"{display_name(outlet)}’s headline: “{title.strip()}”"


def quoted_headline(text: str) -> Attributed | None:
    """The outlet and the headline of a ``headline_credit`` line, or None for any other."""
    match = _HEADLINE_CREDIT.match(text)
    if match is None:
        return None
    return Attributed(match.group("outlet"), match.group("claim"), match.start("claim"))


def split_attribution(text: str) -> Attributed:
    """Find an attribution phrase in ``text`` and return the outlet and the bare claim.

    When the claim was lower-cased by ``attribute``, its first letter is
    restored so it compares equal to the source.
    """
    for pattern in _PATTERNS:
        match = pattern.match(text)
        if match is None:
            continue
        claim = match.group("claim")
        offset = match.start("claim")
        if pattern is _PATTERNS[0] and claim[:1].islower():
            claim = claim[0].upper() + claim[1:]
        elif pattern is _PATTERNS[1]:
            claim = claim + "."
        return Attributed(match.group("outlet"), claim, offset)
    return Attributed(None, text, 0)
