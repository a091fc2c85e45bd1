"""The role check: does the claim name the right office-holder for its date?

Automated writers get this wrong in a way no word-overlap check sees: "Secretary
of State Hillary Clinton said ..." in a 2020 story shares every word with a
source that says "former Secretary of State Hillary Clinton". So the checker
reads who holds which office *from the sources themselves*, never from a list of
office-holders, which would be out of date the day a cabinet changes:

* :func:`role_bindings` finds the phrases that bind a person to a role: a title
  before a name ("Senate Majority Leader Mitch McConnell", "Gov. Eric Holcomb")
  and an apposition after one ("Jens Stoltenberg, NATO's secretary general,").
  People come from the entity recogniser (:mod:`newsdesk.language.entities`); a
  bare surname ("Speaker Pelosi") is resolved to the full name the same text
  uses. Roles are normalised ("NATO's secretary general" == "NATO Secretary
  General"; "Speaker of the House" == "House Speaker") into a *head* (the
  office: "secretary general") and a *qualifier* (whose office: "nato").
* :func:`check_roles` compares a claim's bindings with the sources': a source
  binding the same person to a compatible role passes; a source calling the
  person a *former* holder, or naming someone else as the holder of a role
  only one person holds at a time, contradicts; nothing said is unsupported.

Only the small vocabulary of titles is hard-coded: the words that make a phrase a
role (secretary, governor, speaker ...), the departments that form cabinet
titles, and demonyms to fold "Israeli" into "israel".
"""

from __future__ import annotations

import datetime
import functools
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from typing import Literal

from newsdesk.language.entities import Analysis, analyse, analyse_many, source_index
from newsdesk.language.entities import pool as source_pool
from newsdesk.language.names import (
    ARTICLES,
    HONORIFICS,
    SURNAME_PARTICLES,
    Name,
    fold_word,
    parse_name,
    same_given,
)
from newsdesk.language.text import ABBREVIATIONS as _SENTENCE_ABBREVIATIONS
from newsdesk.language.text import STOPWORDS, sentences
from newsdesk.records import Article, Evidence
from newsdesk.verify.checks.base import Check, Claim

WINDOW_DAYS = 183
"""How far a source's date may be from the claim's date for what it says about who holds an
office to count: about half a year, shorter than most terms of office, long enough for the
sources of one story, which are days apart."""

# --- vocabulary ---------------------------------------------------------------------------

HEAD_NOUNS = frozenset(
    """secretary minister president chancellor governor senator representative speaker leader
    director ceo spokesperson general judge justice mayor ambassador premier chairman chair
    commissioner envoy czar whip treasurer administrator adviser counsel king queen pope chief
    superintendent sheriff undersecretary diplomat""".split()
) | {"secretary of state", "chief of staff", "top diplomat"}
"""Nouns that end a role: the office itself."""

MODIFIERS = frozenset(
    """prime foreign home deputy vice assistant associate lieutenant majority minority
    attorney secretary chief press surgeon solicitor inspector national security first executive
    treasury defense defence homeland commerce labor labour energy education health interior
    transportation agriculture veterans affairs housing finance trade justice environment culture
    economy special policy high""".split()
)
"""Words that belong to the office when they come right before its noun ("attorney general",
"prime minister", "treasury secretary"), not to its qualifier."""

_MULTI_PREFIXES = ("deputy ", "assistant ", "associate ", "under ", "special ", "undersecretary")

SINGLE_HEADS = frozenset(
    """president chancellor governor mayor director ceo chairman chair premier king queen pope
    treasurer speaker""".split()
) | {
    "vice president",
    "prime minister",
    "secretary general",
    "lieutenant governor",
    "chief justice",
    "majority leader",
    "minority leader",
    "majority whip",
    "minority whip",
    "secretary of state",
    "attorney general",
    "solicitor general",
    "surgeon general",
    "inspector general",
    "press secretary",
    "chief of staff",
    "first minister",
    "national security adviser",
    "foreign secretary",
    "home secretary",
    "foreign minister",
    "top diplomat",
    "high representative",
}
"""Offices one person holds at a time *once the qualifier says whose* ("Texas governor",
"NATO secretary general"). Senators, judges, spokespeople, ambassadors never are."""

US_DEFAULT = frozenset(
    {
        "secretary of state",
        "attorney general",
        "surgeon general",
        "press secretary",
        "treasury secretary",
        "defense secretary",
        "homeland security secretary",
        "commerce secretary",
        "labor secretary",
        "energy secretary",
        "interior secretary",
        "transportation secretary",
        "agriculture secretary",
        "veterans affairs secretary",
    }
)
"""Titles that, unqualified in English-language US news, mean the federal office: "Secretary of
State Antony Blinken" and "U.S. Secretary of State Antony Blinken" are the same role. (A state's
secretary of state is written with the state: "Georgia Secretary of State".)"""

ABBREVIATIONS = {
    "gov": "governor",
    "govs": "governor",
    "sen": "senator",
    "sens": "senator",
    "rep": "representative",
    "reps": "representative",
    "lt": "lieutenant",
    "gen": "general",
    "atty": "attorney",
    "sec": "secretary",
    "pres": "president",
    "amb": "ambassador",
    "supt": "superintendent",
    "spokesman": "spokesperson",
    "spokeswoman": "spokesperson",
    "chairwoman": "chair",
    "chairperson": "chair",
    "advisor": "adviser",
    "defence": "defense",
    "labour": "labor",
}

FORMER = frozenset("former ex then late onetime one-time erstwhile".split())
"""Words that say the person does not hold the role now."""
NOT_YET = frozenset("incoming future designate elect nominee would-be".split())
"""Words that say the person does not hold it yet: such a phrase binds nobody."""
DROP = frozenset(
    """acting interim current sitting incumbent outgoing top longtime embattled powerful
    veteran republican republicans democratic democrat democrats gop conservative tory liberal
    progressive independent socialist""".split()
)
"""Words that neither change the office nor say whose it is (party labels included: "Republican
Gov. Doug Ducey" holds the same office as "Gov. Doug Ducey")."""
DETERMINERS = frozenset("the a an its his her their our".split())

DEMONYMS = {
    "u.s.": "us",
    "us": "us",
    "u.s.a.": "us",
    "usa": "us",
    "american": "us",
    "america": "us",
    "america's": "us",
    "united states": "us",
    "u.k.": "uk",
    "uk": "uk",
    "british": "uk",
    "britain": "uk",
    "united kingdom": "uk",
    "israeli": "israel",
    "canadian": "canada",
    "french": "france",
    "german": "germany",
    "russian": "russia",
    "chinese": "china",
    "iranian": "iran",
    "ukrainian": "ukraine",
    "mexican": "mexico",
    "indian": "india",
    "japanese": "japan",
    "australian": "australia",
    "italian": "italy",
    "spanish": "spain",
    "turkish": "turkey",
    "afghan": "afghanistan",
    "iraqi": "iraq",
    "syrian": "syria",
    "saudi": "saudi arabia",
    "palestinian": "palestine",
    "egyptian": "egypt",
    "haitian": "haiti",
    "brazilian": "brazil",
    "irish": "ireland",
    "dutch": "netherlands",
    "polish": "poland",
    "swedish": "sweden",
    "korean": "korea",
    "south korean": "south korea",
    "north korean": "north korea",
    "venezuelan": "venezuela",
    "cuban": "cuba",
    "pakistani": "pakistan",
    "lebanese": "lebanon",
    "jordanian": "jordan",
    "belarusian": "belarus",
    "hungarian": "hungary",
    "greek": "greece",
    "nigerian": "nigeria",
    "ethiopian": "ethiopia",
    "scottish": "scotland",
    "welsh": "wales",
    "european": "european",
    "european union": "eu",
    "e.u.": "eu",
}
"""Nationality adjectives folded into the country, so "Israeli Prime Minister" == "Prime
Minister of Israel"."""

KNOWN_QUALIFIERS = frozenset(
    """house senate congress federal white pentagon supreme court county city state department
    joint chiefs cabinet police fire""".split()
)
"""Capitalised words that qualify an office even where the entity recogniser does not tag them."""

OFFICE_SYNONYMS: tuple[tuple[frozenset[str], frozenset[str] | None, str], ...] = (
    (
        frozenset({"top diplomat", "foreign minister"}),
        None,
        "News calls a country's foreign minister its top diplomat: \"Russia's top diplomat, "
        'Sergey Lavrov" is "Russian Foreign Minister Sergey Lavrov".',
    ),
    (
        frozenset({"top diplomat", "secretary of state"}),
        frozenset({"us"}),
        "America's foreign minister is the Secretary of State; only the federal one (a state's "
        "secretary of state runs its elections).",
    ),
    (
        frozenset({"top diplomat", "foreign secretary"}),
        frozenset({"uk"}),
        "Britain's foreign minister is the Foreign Secretary.",
    ),
    (
        frozenset({"top diplomat", "foreign policy chief", "high representative"}),
        frozenset({"eu"}),
        "The EU's High Representative for Foreign Affairs and Security Policy is reported as its "
        "foreign policy chief or top diplomat.",
    ),
    (
        frozenset({"special envoy", "special representative"}),
        None,
        "Governments title one post either way, and news follows neither consistently (the US "
        "Special Representative for Iran is reported as its special envoy).",
    ),
)
"""Common news names for one office: (heads, the qualifiers they hold for or None for any, why).

Only what news writes interchangeably for the *same* office; never a rank ("deputy")
or a neighbouring post. Besides these, a department's "secretary" and "minister" are
one office ("foreign secretary" == "foreign minister", see :func:`synonym_heads`), and
a story's sources teach more for the people they name (see :func:`learned_offices`)."""

RANKS = frozenset(
    """vice deputy assistant associate lieutenant under undersecretary attorney surgeon
    solicitor inspector prime first majority minority press high chief secretary""".split()
)
"""Words that make another office of the noun after them: a "vice president" is no
president, an "attorney general" no general. A head narrowed by any other word ("foreign
policy adviser", "special envoy") is still that noun, so the bare noun is compatible."""

_DEPARTMENTS = frozenset(
    """foreign home defense treasury finance health education trade interior justice energy
    commerce labor agriculture transportation environment culture economy""".split()
)

_STATUS_PREFIX = re.compile(r"^(former|ex|then|onetime|one-time)[-‐](.+)$", re.IGNORECASE)
_TOKEN = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9.'’&-]*[A-Za-z0-9.])?|\S")
_INITIALS = re.compile(r"(?:[A-Za-z]\.)+")
_POSSESSIVE = re.compile(r"['’]s?$")
_PARTICLES = SURNAME_PARTICLES | ARTICLES
_ARTICLE_NAME = re.compile(r"(?:al|el|bin|ibn)[-‐][A-Z][\w'’-]*")
"""A surname written with the lower-case Arabic article or "bin": "al-Assad", "el-Sisi"."""
_NAME_SUFFIXES = frozenset("jr jr. sr sr. ii iii iv".split())
_STOP_NAMES = frozenset(
    """the a an and but or in on at of for to by with from as monday tuesday wednesday thursday
    friday saturday sunday january february march april may june july august september october
    november december house senate congress court department office administration committee
    council party campaign government ministry agency times post news institute institutes
    university college school association foundation commission service services center centre
    bureau board authority organization organisation command assembly forces army navy union
    company corporation group bank fund network caucus conference summit""".split()
)
"""Capitalised words that end or cannot be a name ("President Trump Tuesday", "Attorney General
Office")."""
_APPOSITION_END = frozenset(
    ', ; : ) ( — – - . ! ? " ” “ and who whose which that said says told added'.split()
)
_HINT_WORDS = sorted(
    {w for h in HEAD_NOUNS for w in h.split() if len(w) > 3}
    | {"gov.", "sen.", "rep.", "lt.", "gen.", "spokesman", "spokeswoman", "chairwoman", "ceo"}
)
_HINT_PARTICLES = "|".join(sorted(p for p in SURNAME_PARTICLES if p.isalpha()))
_TITLE_RE = r"(?i:(?<![A-Za-z])(?:" + "|".join(re.escape(w) for w in _HINT_WORDS) + r"))"
_HINT = re.compile(
    # a title before a capitalised word: "Gov. Eric Holcomb", "Secretary of State Mike Pompeo"
    # (or "Iran's foreign minister, Mohammad Javad Zarif")
    rf"{_TITLE_RE}[a-z]*\.?,?(?:\s+(?i:of|the|for))*(?:\s+(?:{_HINT_PARTICLES}))*\s+[A-Z]"
    # or inside an apposition: ", NATO's secretary general,"
    rf"|,[^,.;]{{0,60}}{_TITLE_RE}[^,;]{{0,40}}[,;.]"
)
"""Cheap test that a text may bind someone to a role: no entity analysis without it."""


# --- records ---------------------------------------------------------------------------------


@functools.cache
def synonym_heads(head: str, qualifier: str | None) -> frozenset[str]:
    """Every head that names the same office as ``head`` for ``qualifier`` (itself included).

    The closure of :data:`OFFICE_SYNONYMS` entries that hold for the qualifier
    (an entry limited to some qualifiers holds too when the qualifier is unknown),
    with a department's "secretary" and "minister" as one office.
    """
    heads = {head}
    grown = True
    while grown:
        grown = False
        for names, qualifiers, _ in OFFICE_SYNONYMS:
            if qualifier is not None and qualifiers is not None and qualifier not in qualifiers:
                continue
            if heads & names and not names <= heads:
                heads |= names
                grown = True
        for known in list(heads):
            words = known.split()
            if (
                len(words) == 2
                and words[0] in _DEPARTMENTS
                and words[1] in {"secretary", "minister"}
            ):
                other = f"{words[0]} {'minister' if words[1] == 'secretary' else 'secretary'}"
                if other not in heads:
                    heads.add(other)
                    grown = True
    return frozenset(heads)


def _head_words(head: str) -> tuple[str, ...]:
    """A head's words with its noun last: "secretary of state" -> ("state", "secretary")."""
    left, of, right = head.partition(" of ")
    return (*right.split(), *left.split()) if of else tuple(head.split())


def _narrows(specific: str, bare: str) -> bool:
    """Whether ``specific`` is ``bare`` with words that only say which one ("foreign policy
    adviser", "special envoy"), none of them a :data:`RANKS` word."""
    narrow, wide = _head_words(specific), _head_words(bare)
    extra = narrow[: len(narrow) - len(wide)]
    return len(narrow) > len(wide) and narrow[len(extra) :] == wide and not set(extra) & RANKS


@functools.lru_cache(maxsize=16_384)
def _heads_compatible(a: str, b: str, qualifier: str | None) -> bool:
    """Whether two heads may name one office: synonyms, or one a narrower form of the other."""
    if a == b:
        return True
    left, right = synonym_heads(a, qualifier), synonym_heads(b, qualifier)
    return bool(left & right) or any(_narrows(x, y) or _narrows(y, x) for x in left for y in right)


@dataclass(frozen=True, slots=True)
class Role:
    """A normalised office: ``head`` is what the office is, ``qualifier`` whose it is.

    ``explicit`` is false when the qualifier is a default (``us`` for "Secretary of
    State") or missing: such a role is *compatible* with any qualified form of its
    head, but only an equal qualifier makes two roles the *same* office.
    """

    head: str
    qualifier: str | None
    explicit: bool
    former: bool = False

    @property
    def name(self) -> str:
        """The role as a phrase: "nato secretary general", "secretary of state"."""
        if self.qualifier and (self.explicit or self.head == "speaker"):
            return f"{self.qualifier} {self.head}"
        return self.head

    @property
    def unique(self) -> bool:
        """Whether one person holds it at a time, so that naming another contradicts.

        A head is single-holder when it, or a synonym of it for this qualifier, is
        ("the EU's foreign policy chief" is its High Representative).
        """
        if self.head.startswith(_MULTI_PREFIXES) or not self.qualifier:
            return False
        return any(
            (head in SINGLE_HEADS or head.endswith(("secretary", "minister")))
            and head not in {"secretary", "minister"}
            for head in synonym_heads(self.head, self.qualifier)
        )

    def _whose(self, other: Role) -> str | None:
        """The qualifier two roles are compared for: the one that is written, else any."""
        if self.explicit:
            return self.qualifier
        if other.explicit:
            return other.qualifier
        return self.qualifier or other.qualifier

    def compatible(self, other: Role) -> bool:
        """Maybe the same office: compatible heads (:func:`_heads_compatible`), and the same
        qualifier unless one of the two does not say whose."""
        if not (self.qualifier == other.qualifier or not self.explicit or not other.explicit):
            return False
        return _heads_compatible(self.head, other.head, self._whose(other))

    def same_office(self, other: Role) -> bool:
        """Certainly the same office: the same qualifier, and the same head or a synonym."""
        if self.qualifier != other.qualifier:
            return False
        return self.head == other.head or bool(
            synonym_heads(self.head, self.qualifier) & synonym_heads(other.head, self.qualifier)
        )


@dataclass(frozen=True, slots=True)
class RoleBinding:
    """``person`` holds (or, if ``former``, held) ``role``, as a text says in ``[start, end)``.

    ``start``/``end`` is the sentence (or title) that says so, as exact offsets into
    the text given to :func:`role_bindings`; ``title`` is the role as written
    there ("Secretary of State"), ``mention`` the name as written ("Pompeo").
    """

    person: str
    role: str
    head: str
    qualifier: str | None
    explicit: bool
    former: bool
    title: str
    mention: str
    start: int
    end: int
    field: Literal["text", "title"] = "text"

    @property
    def office(self) -> Role:
        return Role(self.head, self.qualifier, self.explicit, self.former)

    @property
    def unique(self) -> bool:
        return self.office.unique


@dataclass(frozen=True, slots=True)
class _Token:
    start: int
    end: int
    text: str

    @property
    def core(self) -> str:
        """The token without a possessive ending."""
        return _POSSESSIVE.sub("", self.text) if self.possessive else self.text

    @property
    def possessive(self) -> bool:
        return len(self.text) > 2 and bool(_POSSESSIVE.search(self.text)) and self.text[-1] != "'"

    @property
    def capitalised(self) -> bool:
        return self.text[:1].isupper()


@dataclass(frozen=True, slots=True)
class _Raw:
    """A binding inside one segment, before its name is resolved against the whole text."""

    name: str
    role: Role
    title: str


# --- tokens and names ------------------------------------------------------------------------


def _tokens(text: str) -> list[_Token]:
    """Word and punctuation tokens with offsets; a sentence-final period is its own token."""
    out: list[_Token] = []
    for match in _TOKEN.finditer(text):
        word = match.group()
        start, end = match.span()
        if (
            len(word) > 1
            and word.endswith(".")
            and not _INITIALS.fullmatch(word)
            and word.lower().rstrip(".") not in _SENTENCE_ABBREVIATIONS
            and word.lower().rstrip(".") not in ABBREVIATIONS
            and not _is_state_abbreviation(word)
        ):
            out.append(_Token(start, end - 1, word[:-1]))
            out.append(_Token(end - 1, end, "."))
        else:
            out.append(_Token(start, end, word))
    return out


_STATE_ABBREVIATIONS = frozenset(
    """ala ariz ark calif colo conn del fla ga ill ind kan kans ky la md mass mich minn miss mo
    mont neb nev okla ore pa tenn tex vt va wash wis wyo""".split()
)


def _is_state_abbreviation(word: str) -> bool:
    return word.lower().rstrip(".") in _STATE_ABBREVIATIONS


def _lower(word: str) -> str:
    return word.lower().replace("’", "'")


def _is_title_word(word: str) -> bool:
    low = _lower(word).rstrip(".")
    low = ABBREVIATIONS.get(low, low)
    return low in HEAD_NOUNS or low in MODIFIERS or low in FORMER or low in NOT_YET


def _name_like(token: _Token) -> bool:
    word = token.core
    low = _lower(word).rstrip(".")
    if _ARTICLE_NAME.fullmatch(word):
        return True
    if not word[:1].isupper() or low in _STOP_NAMES or low in DROP or low in DEMONYMS:
        return False
    if _is_title_word(word) or _STATUS_PREFIX.match(word):
        return False
    return bool(_INITIALS.fullmatch(word) or re.fullmatch(r"[\w'’-]+", word))


def _name_text(text: str) -> str:
    """A name without a possessive ending or surrounding punctuation."""
    return _POSSESSIVE.sub("", text.strip(" ,;:()")) if re.search(r"\w['’]s?$", text) else text


@functools.lru_cache(maxsize=16_384)
def _parse(name: str) -> Name:
    """A name as keys (:func:`newsdesk.language.names.parse_name`), leading titles dropped."""
    return parse_name(name, _is_title_word)


def _name_parts(name: str) -> tuple[str | None, str]:
    """(given name or None, surname) as transliteration keys; the surname keeps its particles.

    "Dr. Ursula von der Leyen" -> ("ursula", "von der leien"): a surname is never cut
    short to its last word, so "Leyen" alone, or "Salman" for "bin Salman", is not it.
    """
    parsed = _parse(name)
    return parsed.given, " ".join(parsed.surname)


def _last_word(name: str) -> str:
    """The last word of a name as written, lower-cased: how a text's tokens are matched."""
    words = [w for w in re.findall(r"[\w'’.-]+", _lower(name)) if w not in _NAME_SUFFIXES]
    return words[-1].rstrip(".") if words else ""


def same_person(a: str, b: str) -> bool | None:
    """True if ``a`` and ``b`` name the same person, False if different, None if unsure.

    Names match by surname, spelt any way a transliteration spells it ("Yury"/"Yuri",
    "Zelensky"/"Zelenskiy", see :mod:`newsdesk.language.names`), particles included:
    "von der Leyen" is "Ursula von der Leyen", while "Leyen" or "Salman" against "von der
    Leyen" or "bin Salman" is unsure, never the same. Titles and initials do not count
    ("Dr. Anthony Fauci" is "Anthony S. Fauci"). First names, where both are given, must
    agree (or be a short form: "Bill"/"William"; or another spelling: "Mohammed"/
    "Muhammad"). "Hillary Clinton" and "Bill Clinton" are different people; "Pompeo" and
    "Mike Pompeo" the same.
    """
    name_a, name_b = _parse(a), _parse(b)
    if not name_a.surname or not name_b.surname:
        return None
    if name_a.surname != name_b.surname:
        last_a, last_b = name_a.surname[-1], name_b.surname[-1]
        if (
            last_a == last_b  # "Leyen" / "von der Leyen": a surname cut short
            or _near_spelling(last_a, last_b)  # "Morsi" / "Mursi"
            or last_b in name_a.words  # "William Barr Bill" (page debris)
            or last_a in name_b.words
        ):
            return None
        return False
    short, long = sorted((name_a.words, name_b.words), key=len)
    if len(long) >= 4 and long[len(long) - len(short) :] == short:
        return True  # "López Obrador" is "Andrés Manuel López Obrador"
    return same_given(name_a, name_b)


def _near_spelling(a: str, b: str) -> bool:
    """Whether two surnames differ by one transliteration step (one edit, or two if long)."""
    if min(len(a), len(b)) < 4 or abs(len(a) - len(b)) > 2:
        return False
    previous = list(range(len(b) + 1))
    for i, x in enumerate(a, 1):
        current = [i]
        for j, y in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (x != y)))
        previous = current
    return previous[-1] <= (2 if min(len(a), len(b)) >= 7 else 1)


_NAME_PARTICLE = "(?:" + "|".join(sorted(p for p in _PARTICLES if p.isalpha())) + ")"
_FULL_NAME = re.compile(
    r"(?<![\w.])(?:[A-Z][\w'’-]+|[A-Z]\.)"
    r"(?:\s+(?:[A-Z][\w'’-]+|[A-Z]\.|"
    + _ARTICLE_NAME.pattern
    + "|"
    + _NAME_PARTICLE
    + rf"(?=(?:\s+{_NAME_PARTICLE})*\s+[A-Z]))){{1,6}}"
)


@functools.lru_cache(maxsize=4096)
def _full_names(text: str) -> tuple[tuple[int, str, str], ...]:
    """(offset, surname, full name) of every multi-word name-like phrase in ``text``.

    Plain regular expressions over the whole text, so that resolving "Pompeo" to
    "Mike Pompeo" does not need an entity analysis of every sentence. Leading
    titles are dropped ("Secretary of State Mike Pompeo" -> "Mike Pompeo").
    """
    found: list[tuple[int, str, str]] = []
    for match in _FULL_NAME.finditer(text):
        words = match.group().split()
        # The name is the longest run of name words at the end: "When Speaker Nancy Pelosi"
        # -> "Nancy Pelosi".
        keep = len(words)
        while keep > 0 and _is_name_word(words[keep - 1]):
            keep -= 1
        words = words[keep:]
        if len(words) < 2:
            continue
        name = _name_text(" ".join(words))
        surname = _last_word(name)
        if surname and _parse(name).given is not None:  # "von der Leyen" is no full name
            found.append((match.end() - len(" ".join(words)), surname, name))
    return tuple(found)


def _is_name_word(word: str) -> bool:
    low = _lower(word).rstrip(".")
    return not (
        _is_title_word(word)
        or _STATUS_PREFIX.match(word)
        or low in _STOP_NAMES
        or low in STOPWORDS
        or low in ABBREVIATIONS
        or _lower(word) in DEMONYMS
        or low in HONORIFICS
        or low in _OF_TITLE_ENDS  # "Secretary of State Pompeo": "State" is the title's
    )


def _resolve(name: str, at: int, text: str) -> str:
    """The full name a bare surname refers to in ``text``: the nearest one before ``at``.

    The whole surname must agree: "von der Leyen" is "Ursula von der Leyen", but
    "Salman" is not "Mohammed bin Salman".
    """
    parsed = _parse(name)
    if parsed.given is not None or not parsed.surname:
        return name
    last = _last_word(name)
    candidates = [
        (o, full)
        for o, s, full in _full_names(text)
        if s == last and _parse(full).surname == parsed.surname
    ]
    if not candidates:
        return name
    before = [c for c in candidates if c[0] <= at]
    return (before[-1] if before else candidates[0])[1]


# --- role phrases -----------------------------------------------------------------------------


def _words(phrase: Sequence[str]) -> list[str]:
    """Lower-cased words of a title phrase, abbreviations expanded and hyphens split."""
    out: list[str] = []
    for raw in phrase:
        low = _lower(raw)
        if low == "<anaphor>":
            out.append(low)
            continue
        for part in re.split(r"[-‐]", low) if not _INITIALS.fullmatch(low) else [low]:
            if not part:
                continue
            key = part.rstrip(".")
            if key in ABBREVIATIONS:
                out.append(ABBREVIATIONS[key])
            elif part in DEMONYMS or _INITIALS.fullmatch(part):
                out.append(part)
            else:
                out.append(key)
    return out


def parse_role(phrase: Sequence[str]) -> Role | None:
    """The office a title phrase names, or None if it names none.

    ``phrase`` is the phrase's words as written, possessive endings removed and a
    lower-case possessive ("the alliance's") replaced by ``"<anaphor>"``.
    """
    words = _words(phrase)
    for n in range(len(words) - 1, 0, -1):
        if words[n - 1 : n + 1] == ["top", "diplomat"]:
            words[n - 1 : n + 1] = ["top diplomat"]  # an office, where "top" alone says nothing
    former = any(w in FORMER for w in words)
    if any(w in NOT_YET for w in words):
        return None
    words = [w for w in words if w not in FORMER and w not in DROP]
    while words and (words[0] in DETERMINERS or words[0] in {"of", "for"}):
        words = words[1:]
    words = _fold_of(words)
    if not words:
        return None
    head_end = len(words)
    if words[-1] not in HEAD_NOUNS:
        return None
    head_start = head_end - 1
    while head_start > 0 and words[head_start - 1] in MODIFIERS:
        head_start -= 1
    head_words = words[head_start:]
    # "secretary general": "secretary" is a modifier of "general"; "attorney" needs "general".
    if head_words[0] == "attorney" and len(head_words) == 1:
        return None
    head = " ".join(head_words)
    qualifier_words = [w for w in words[:head_start] if w not in DETERMINERS]
    explicit = bool(qualifier_words) and "<anaphor>" not in qualifier_words
    qualifier_words = [w for w in qualifier_words if w != "<anaphor>"]
    qualifier = _qualifier(qualifier_words)
    explicit = explicit and qualifier is not None
    if head == "speaker":
        if qualifier in (None, "us", "house"):
            explicit = qualifier == "house"
            qualifier = "house"
    elif head in US_DEFAULT:
        if qualifier is None:
            qualifier, explicit = "us", False
        elif qualifier == "us":
            explicit = False
    return Role(head, qualifier, explicit, former)


def _fold_of(words: list[str]) -> list[str]:
    """Rewrite "X of Y" titles into "Y X": "speaker of the house" -> "house speaker"."""
    for _ in range(4):
        if "of" not in words:
            break
        i = words.index("of")
        left, right = words[:i], words[i + 1 :]
        while right and right[0] in DETERMINERS:
            right = right[1:]
        if not left or not right:
            return left or right
        if left[-1] == "house" and right[0] == "representatives":
            words = left + right[1:]
        elif left[-1] == "secretary" and right[0] == "state" and "for" in right:
            words = left[:-1] + right[right.index("for") + 1 :] + ["secretary"]
        elif left[-1] == "secretary" and right[0] == "state":
            words = [*left[:-1], "secretary of state", *right[1:]]
        elif left[-1] == "chief" and right[0] == "staff":
            words = [*left[:-1], "chief of staff", *right[1:]]
        elif left[-1] in HEAD_NOUNS or left[-1] in MODIFIERS:
            words = right + left
        else:
            return []
    if "for" in words[1:]:
        # "special envoy for Iran" -> "iran special envoy"; "adviser for national security"
        i = words.index("for", 1)
        left, right = words[:i], [w for w in words[i + 1 :] if w not in DETERMINERS]
        if left[-1] in HEAD_NOUNS and right:
            # whose goes between the qualifier and the office: "U.S. representative for Iran"
            # -> "u.s. iran representative"
            j = len(left) - 1
            while j > 0 and left[j - 1] in MODIFIERS:
                j -= 1
            words = left[:j] + right + left[j:]
    return words


def _qualifier(words: list[str]) -> str | None:
    """Whose office: demonyms folded ("israeli" -> "israel"), "U.S." and "federal" as "us"."""
    if not words:
        return None
    text = " ".join(words)
    for phrase in (
        "united states",
        "united kingdom",
        "european union",
        "south korean",
        "north korean",
    ):
        text = text.replace(phrase, DEMONYMS[phrase])
    folded = [DEMONYMS.get(w, w) for w in text.split()]
    folded = ["us" if w == "federal" else w for w in folded]
    if len(folded) > 1 and folded[0] == "us":
        folded = folded[1:]
    if folded == ["state"]:
        return None
    return " ".join(folded) or None


# --- finding bindings in one segment ----------------------------------------------------------


def _entity_at(analysis: Analysis, token: _Token, labels: Iterable[str]) -> bool:
    wanted = set(labels)
    end = token.start + len(token.core)  # "Iran’s": the entity is "Iran"
    return any(
        e.label in wanted and e.start <= token.start and end <= e.end for e in analysis.entities
    )


def _qualifier_token(token: _Token, analysis: Analysis, surnames: frozenset[str]) -> bool:
    """Whether a capitalised word can say whose office it is ("NATO", "Israeli", "Iowa")."""
    core = token.core
    low = _lower(core)
    if low.rstrip(".") in _STOP_NAMES - KNOWN_QUALIFIERS or low in surnames:
        return False
    if _entity_at(analysis, token, ("PERSON",)):
        return False
    if low in KNOWN_QUALIFIERS or low in DEMONYMS or _INITIALS.fullmatch(core):
        return True
    if len(core) >= 2 and core.isupper():
        return True
    if _is_state_abbreviation(core) or low in _STATE_NAMES:
        return True
    return _entity_at(analysis, token, ("ORG", "GPE", "NORP", "LOC", "FAC"))


_STATE_NAMES = frozenset(
    """alabama alaska arizona arkansas california colorado connecticut delaware florida georgia
    hawaii idaho illinois indiana iowa kansas kentucky louisiana maine maryland massachusetts
    michigan minnesota mississippi missouri montana nebraska nevada hampshire jersey mexico york
    carolina dakota ohio oklahoma oregon pennsylvania rhode island tennessee texas utah vermont
    virginia washington wisconsin wyoming""".split()
)


def _title_before(
    tokens: list[_Token], name_start: int, analysis: Analysis, surnames: frozenset[str]
) -> tuple[list[str], int] | None:
    """The title phrase right before a name, as words, and the index of its first token."""
    words: list[str] = []
    i = name_start - 1
    while i >= 0 and len(words) < 9:
        token = tokens[i]
        core = token.core
        low = _lower(core)
        status = _STATUS_PREFIX.match(core)
        if low == "then":
            break  # "then Speaker Pelosi" is time, not status; "then-Speaker" is status
        if status:
            words.insert(0, f"{status.group(1)}-{status.group(2)}")
        elif _is_title_word(core) or low.rstrip(".") in DROP:
            words.insert(0, core)
        elif low == "under" and words and _lower(words[0]) == "secretary":
            words[0] = "undersecretary"  # "Under Secretary of State" is not the secretary
        elif low in {"of", "the", "for"} and words:
            words.insert(0, low)
        elif token.capitalised and _qualifier_token(token, analysis, surnames):
            words.insert(0, core)
        elif core.isalpha() and _after_of(tokens, i):
            words.insert(0, low)  # "former secretary of state John Kerry"
        else:
            break
        i -= 1
    while words and words[0] in {"of", "the", "for"}:
        words.pop(0)
        i += 1
    if not words:
        return None
    # "Former Obama White House counsel Greg Craig": the scan stops at "Obama", but the
    # status word a few capitalised words further left still says the office is past.
    for k in range(i, max(-1, i - 5), -1):
        low = _lower(tokens[k].core)
        if low in FORMER - {"then"} or _STATUS_PREFIX.match(tokens[k].core):
            words.insert(0, "former")
            break
        if not tokens[k].capitalised:
            break
    return words, i + 1


def _after_of(tokens: list[_Token], i: int) -> bool:
    """Whether ``tokens[i]`` is the object of a title's "of" ("secretary of [the] state")."""
    before = [_lower(t.text) for t in tokens[max(0, i - 3) : i]]
    if before[-1:] == ["of"]:
        return len(before) >= 2 and _is_title_word(before[-2])
    return before[-2:] == ["of", "the"] and len(before) == 3 and _is_title_word(before[0])


def _apposition_after(
    tokens: list[_Token], comma: int, analysis: Analysis, surnames: frozenset[str]
) -> tuple[list[str], int] | None:
    """The title phrase of ", NATO's secretary general," after a name, and its end index."""
    words: list[str] = []
    i = comma + 1
    while i < len(tokens) and len(words) < 10:
        token = tokens[i]
        core = token.core
        low = _lower(core)
        if low in _APPOSITION_END:
            break
        status = _STATUS_PREFIX.match(core)
        if status:
            words.append(f"{status.group(1)}-{status.group(2)}")
        elif _is_title_word(core) or low.rstrip(".") in DROP:
            words.append(core)
        elif low in DETERMINERS or low in {"of", "for"}:
            words.append(low)
        elif token.capitalised and (
            _qualifier_token(token, analysis, surnames)
            or (words and words[-1] in {"of", "the"})
            or low in surnames
            or _entity_at(analysis, token, ("PERSON",))
        ):
            # "Clinton's spokesman": a person's office is not qualified by the person.
            words.append("<anaphor>" if token.possessive and low in surnames else core)
        elif token.possessive and core.isalpha():
            words.append("<anaphor>")  # "the alliance's secretary general"
        elif "of" in words and core.isalpha():
            words.append(low)  # "secretary of state", "speaker of the house"
        else:
            return None
        i += 1
    if not words:
        return None
    return words, i


_OF_TITLE_ENDS = frozenset({"house", "state", "staff", "representatives"})


def _name_spans(
    tokens: list[_Token], analysis: Analysis, surnames: frozenset[str]
) -> list[tuple[int, int]]:
    """Token ranges of the people in a segment.

    PERSON entities; names right after a title, which the small model misses
    ("Speaker Pelosi", "Speaker of the House Nancy Pelosi’s"), but never a word
    the model tags as something else from that very word on ("President Biden
    Administration" is no name); and the surnames of people the text names in
    full ("Stoltenberg, the alliance's secretary general"), unless tagged a place.
    """
    spans: list[tuple[int, int]] = []
    index = {t.start: n for n, t in enumerate(tokens)}
    for entity in analysis.of("PERSON"):
        first = index.get(entity.start)
        if first is None:
            continue
        last = first
        while last + 1 < len(tokens) and tokens[last + 1].start < entity.end:
            last += 1
        while first <= last and (
            (_ends_title(tokens, first) and _lower(tokens[first].core) in _OF_TITLE_ENDS)
            or _is_title_word(tokens[first].core)
            or _STATUS_PREFIX.match(tokens[first].core)
            or _lower(tokens[first].core).rstrip(".") in _STOP_NAMES
            or _lower(tokens[first].core).rstrip(".") in ABBREVIATIONS
            or _lower(tokens[first].core) in DROP
        ):
            first += 1
        seen: set[str] = set()
        for n in range(first, last + 1):  # "Benjamin Netanyahu Benjamin (Bibi) Netanyahu"
            if tokens[n].core in seen:
                last = n - 1
                break
            seen.add(tokens[n].core)
        if first <= last:
            spans.append((first, last + 1))
    taken = {n for a, b in spans for n in range(a, b)}
    headline = _headline_case(tokens)
    for n, token in enumerate(tokens[:-1]):
        if headline or not token.capitalised or token.possessive or not _ends_title(tokens, n):
            continue  # "Chief Justice Roberts Admonishes House Managers": no name ends there
        start = n + 1
        if start in taken or not _name_like(tokens[start]):
            continue
        if any(e.start == tokens[start].start and e.label != "PERSON" for e in analysis.entities):
            continue
        end = start
        while end < len(tokens) and end - start < 4 and end not in taken:
            token_end = tokens[end]
            if _name_like(token_end) or (
                _lower(token_end.text) in _PARTICLES
                and end + 1 < len(tokens)
                and tokens[end + 1].capitalised
            ):
                end += 1
                if token_end.possessive:
                    break
            else:
                break
        if end > start:
            spans.append((start, end))
            taken.update(range(start, end))
    for n, token in enumerate(tokens):
        if (
            n not in taken
            and token.capitalised
            and _lower(token.core) in surnames
            and _name_like(token)
            and not _entity_at(analysis, token, ("GPE", "LOC", "FAC", "NORP"))
        ):
            spans.append((n, n + 1))
            taken.add(n)
    return sorted(_with_particles(tokens, span, taken) for span in spans)


_LOWER_PARTICLES = SURNAME_PARTICLES - {"la", "le", "st"}
"""Particles that, written in lower case next to a name, are part of it ("la" and "le" are
too often French words, "st" a street)."""


def _with_particles(
    tokens: list[_Token], span: tuple[int, int], taken: set[int]
) -> tuple[int, int]:
    """The span grown left over the lower-case particles of its surname: "von der Leyen".

    Without them the name would be "Leyen", which is nobody's name.
    """
    first, end = span

    def particle(n: int) -> bool:
        token = tokens[n]
        low = _lower(token.text).rstrip(".")
        return n not in taken and not token.capitalised and low in _LOWER_PARTICLES

    while first > 0 and particle(first - 1):
        first -= 1
    # "Ursula von" (as the entity recogniser may cut it) + "der Leyen"
    k = end
    while k < len(tokens) and particle(k):
        k += 1
    ends_in_particle = _lower(tokens[end - 1].text) in _LOWER_PARTICLES
    if (
        (k > end or ends_in_particle)
        and k < len(tokens)
        and k not in taken
        and _name_like(tokens[k])
    ):
        end = k + 1
    return first, end


def _headline_case(tokens: list[_Token]) -> bool:
    """Whether a segment is a Title Case heading, where capitals do not mark names."""
    words = [t for t in tokens if t.text[:1].isalpha() and len(t.text) > 3]
    return len(words) >= 4 and sum(t.capitalised for t in words) >= 0.8 * len(words)


_PAST = frozenset(
    """was were wrote led served oversaw signed ran held took made gave had became left
    presided""".split()
)


def _past_clause(tokens: list[_Token], end: int) -> bool:
    """Whether an apposition goes on "who wrote ...": a past description, not the office now.

    "Roger B. Taney, the chief justice who wrote the Dred Scott decision" names a
    chief justice of 1857; such an apposition binds nobody.
    """
    if end + 1 >= len(tokens) or _lower(tokens[end].text) not in {"who", "whose"}:
        return False
    verb = _lower(tokens[end + 1].text)
    return verb in _PAST or (verb.endswith("ed") and len(verb) > 4)


def _word_before(tokens: list[_Token], start: int) -> str:
    """The lower-cased word before ``tokens[start]``, or "" at the start."""
    return _lower(tokens[start - 1].text) if start > 0 else ""


def _ends_title(tokens: list[_Token], n: int) -> bool:
    """Whether ``tokens[n]`` can be the last word of a title right before a name.

    A role noun or title abbreviation ("Speaker", "Gov."), or the last word of an
    "of the X" title ("Speaker of the House Nancy Pelosi"), but not a modifier
    ("president of the United States", "director of the National Institutes": no names).
    """
    low = _lower(tokens[n].core).rstrip(".")
    if ABBREVIATIONS.get(low, low) in HEAD_NOUNS:
        return True
    return (
        low in {"house", "state", "staff", "representatives"}
        and n >= 1
        and _lower(tokens[n - 1].text) in {"of", "the"}
    )


@functools.lru_cache(maxsize=32_768)
def _segment_bindings(text: str, surnames: frozenset[str]) -> tuple[tuple[_Raw, int], ...]:
    """The bindings of one sentence, with the offset of each name in it (cached by text)."""
    analysis = analyse(text)
    tokens = _tokens(text)
    found: list[tuple[_Raw, int]] = []
    for first, end in _name_spans(tokens, analysis, surnames):
        name = _name_text(text[tokens[first].start : tokens[end - 1].end])
        # "Secretary of State Mike Pompeo", or "Iran's foreign minister, Mohammad Javad Zarif,"
        # (after a comma only when the name is closed off too: "the governor, Pelosi said"
        # puts no one in office).
        title_end = first
        if first > 0 and tokens[first - 1].text == ",":
            closed = end >= len(tokens) or tokens[end].text in {",", ".", ")", ";"}
            title_end = first - 1 if closed else -1
        before = _title_before(tokens, title_end, analysis, surnames) if title_end > 0 else None
        if before is not None and _word_before(tokens, before[1]) not in {"under", "during"}:
            # "an official under President Donald J. Trump" dates the official, not the office.
            words, start = before
            role = parse_role(words)
            if role is not None:
                title = text[tokens[start].start : tokens[title_end - 1].end]
                found.append((_Raw(name, role, _clean_title(title)), tokens[first].start))
        after = end
        if after < len(tokens) and tokens[after].text == "(":
            close = next(
                (k for k in range(after, min(len(tokens), after + 8)) if tokens[k].text == ")"),
                None,
            )
            after = close + 1 if close is not None else after
        if after < len(tokens) and tokens[after].text == ",":
            appositive = _apposition_after(tokens, after, analysis, surnames)
            if appositive is not None and not _past_clause(tokens, appositive[1]):
                words, stop = appositive
                role = parse_role(words)
                if role is not None and stop > after + 1:
                    title = text[tokens[after + 1].start : tokens[stop - 1].end]
                    found.append((_Raw(name, role, _clean_title(title)), tokens[first].start))
    return tuple(found)


def _clean_title(title: str) -> str:
    """The title as written, without status words and determiners: "Secretary of State"."""
    words = title.split()
    while words and (
        _lower(words[0]) in DETERMINERS
        or _lower(words[0]) in FORMER
        or _STATUS_PREFIX.match(words[0])
    ):
        status = _STATUS_PREFIX.match(words[0])
        words = [status.group(2), *words[1:]] if status else words[1:]
    return " ".join(words)


# --- whole texts ------------------------------------------------------------------------------


@functools.cache
def _keywords(head: str) -> tuple[tuple[str, ...], ...]:
    """Substrings a sentence must contain to bind a role with ``head``: one of each group.

    "secretary of state" needs "secretary" and "state"; "governor" needs "governor"
    or "gov". The cheap filter that decides which source sentences are worth an
    entity analysis.
    """
    groups: list[tuple[str, ...]] = []
    for word in head.split():
        if word == "of":
            continue
        alternatives = {word} | {short for short, long in ABBREVIATIONS.items() if long == word}
        if word == "ceo":
            alternatives.add("chief executive")
        elif word == "undersecretary":
            alternatives = {"secretary"}
        groups.append(tuple(sorted(alternatives)))
    return tuple(groups)


def _matches(lower: str, groups: tuple[tuple[str, ...], ...]) -> bool:
    return all(any(k in lower for k in group) for group in groups)


@dataclass(frozen=True, slots=True)
class _Query:
    """Which source sentences one claim binding needs analysed.

    Those that name the claim's person (``surname``, as a transliteration key) with
    the noun of the office or of a synonym ("adviser" finds "foreign policy adviser"
    too), to support it or call it former; and, when the office is unique, those
    with the office's words, or a synonym's, and its qualifier (``rivals``: a prefix
    such as "isra", or "" for any), which may name another holder. With
    ``any_office`` it asks for the person's bindings to any office at all (see
    :func:`learned_offices`).
    """

    head: str
    heads: tuple[str, ...]
    surname: str
    rivals: tuple[str, ...] | None
    any_office: bool = False

    @staticmethod
    def of(binding: RoleBinding, any_office: bool = False) -> _Query:
        name = _parse(binding.person)
        surname = max(re.split(r"[^a-z]", name.surname[-1]), key=len) if name.surname else ""
        # its synonyms, and the table's heads that it is a wider form of ("representative":
        # "special envoy", through "special representative")
        heads = tuple(
            sorted(
                synonym_heads(binding.head, binding.qualifier)
                | {
                    head
                    for names, _, _ in OFFICE_SYNONYMS
                    for head in names
                    if _heads_compatible(binding.head, head, binding.qualifier)
                }
            )
        )
        rivals: tuple[str, ...] | None = None
        if binding.unique and not any_office:
            qualifier = str(binding.qualifier)
            if (
                not binding.explicit
                or any(head in US_DEFAULT for head in heads)
                or binding.head == "speaker"
            ):
                rivals = ("",)  # the qualifier may go unwritten: "Speaker Nancy Pelosi"
            elif qualifier == "us":
                rivals = ("u.s", "america", "united states", " us ")
            else:
                written = [q for q, folded in DEMONYMS.items() if folded == qualifier]
                rivals = tuple({w[:4] for w in [qualifier, *written]})
        return _Query(binding.head, heads, surname, rivals, any_office)

    def wants(self, lower: str) -> bool:
        if self.surname and self.surname in _folded_words(lower):
            if self.any_office:
                return any(word in lower for word in _HINT_WORDS)
            if any(_matches(lower, _keywords(_head_words(h)[-1])) for h in self.heads):
                return True
        return (
            self.rivals is not None
            and any(r in lower for r in self.rivals)
            and any(_matches(lower, _keywords(h)) for h in self.heads)
        )

    def asks_for(self, binding: RoleBinding) -> bool:
        """Whether a binding found in an asked-for sentence is one this query wants."""
        return self.any_office or _heads_compatible(self.head, binding.head, None)


@functools.lru_cache(maxsize=65_536)
def _folded_words(lower: str) -> frozenset[str]:
    """The transliteration keys of a sentence's words, to find a name however it is spelt."""
    return frozenset(fold_word(w) for w in re.findall(r"[^\W\d_]+", lower))


@functools.lru_cache(maxsize=4096)
def _surnames(text: str) -> frozenset[str]:
    """The last words of the names ``text`` writes in full ("al-Assad" also as "assad")."""
    out = {surname for _, surname, _ in _full_names(text)}
    return frozenset(out | {re.sub(r"^(?:al|el)[-‐]", "", s) for s in out})


_Segments = Sequence[tuple[Literal["text", "title"], int, int, str]]


def _bindings_in(segments: _Segments, body: str) -> list[RoleBinding]:
    """Bindings in ``segments`` (sentences of ``body`` or its title), names resolved in ``body``."""
    surnames = _surnames(body)
    analyse_many(segment_text for _, _, _, segment_text in segments)
    out: list[RoleBinding] = []
    for field, start, end, segment_text in segments:
        for raw, at in _segment_bindings(segment_text, surnames):
            offset = start + at if field == "text" else 0
            person = _resolve(raw.name, offset, body)
            role = raw.role
            out.append(
                RoleBinding(
                    person=person,
                    role=role.name,
                    head=role.head,
                    qualifier=role.qualifier,
                    explicit=role.explicit,
                    former=role.former,
                    title=raw.title,
                    mention=raw.name,
                    start=start,
                    end=end,
                    field=field,
                )
            )
    return _inherit(out)


def _inherit(bindings: list[RoleBinding]) -> list[RoleBinding]:
    """Give "the alliance's secretary general" the qualifier the same text gives that person.

    A text that once writes "NATO Secretary General Jens Stoltenberg" and later
    "Stoltenberg, the alliance's secretary general" means the same office both times.
    """
    out = list(bindings)
    for n, binding in enumerate(out):
        if binding.explicit:
            continue
        qualifiers = {
            other.qualifier
            for other in bindings
            if other.explicit
            and other.head == binding.head
            and same_person(other.person, binding.person)
        }
        if len(qualifiers) == 1:
            qualifier = qualifiers.pop()
            out[n] = replace(
                binding,
                qualifier=qualifier,
                explicit=True,
                role=Role(binding.head, qualifier, True).name,
            )
    return out


def role_bindings(text: str) -> list[RoleBinding]:
    """Every person-to-role binding in ``text``, with exact sentence offsets.

    >>> [(b.person, b.role) for b in role_bindings("Secretary of State Mike Pompeo spoke.")]
    [('Mike Pompeo', 'secretary of state')]
    """
    return list(_role_bindings(text))


@functools.lru_cache(maxsize=4096)
def _role_bindings(text: str) -> tuple[RoleBinding, ...]:
    segments: _Segments = [
        ("text", s.start, s.end, s.text) for s in sentences(text) if _HINT.search(s.text)
    ]
    return tuple(_bindings_in(segments, text))


def mentions_role(text: str) -> bool:
    """Cheap test: could ``text`` bind anyone to a role? (No analysis when it cannot.)"""
    return bool(_HINT.search(text))


def prefetch(claims: Iterable[str]) -> None:
    """Analyse, in one batch, the claims that :func:`check_roles` will need to analyse."""
    analyse_many(c for c in claims if mentions_role(c))


@functools.lru_cache(maxsize=16_384)
def _source_bindings(title: str, text: str, query: _Query) -> tuple[RoleBinding, ...]:
    """The bindings of one source that ``query`` asks for (cached per source and query)."""
    index = source_index(Article("", "", "", title, text))
    segments: _Segments = [
        (s.field, s.start, s.end, s.text) for s in index.segments if query.wants(s.lower)
    ]
    if not segments:
        return ()
    return tuple(b for b in _bindings_in(segments, text) if query.asks_for(b))


# --- the check --------------------------------------------------------------------------------


def _day(value: str | None) -> datetime.date | None:
    if not value:
        return None
    try:
        return datetime.date.fromisoformat(value[:10])
    except ValueError:
        return None


@dataclass(frozen=True, slots=True)
class _Said:
    """A source binding with its source and the date it speaks for."""

    source: Article
    binding: RoleBinding
    date: datetime.date | None

    @property
    def evidence(self) -> Evidence:
        return Evidence(self.source, self.binding.start, self.binding.end, self.binding.field)

    def label(self) -> str:
        when = f" ({self.source.published})" if self.date else ""
        return f"{self.source.id}{when}"


def _near(day: datetime.date | None, as_of: datetime.date | None) -> bool:
    """Whether a source of that date speaks for who held an office on ``as_of``."""
    window = datetime.timedelta(days=WINDOW_DAYS)
    return day is None or as_of is None or abs(day - as_of) <= window


def _before(day: datetime.date | None, as_of: datetime.date | None) -> bool:
    """Whether a source of that date may contradict a claim made on ``as_of``."""
    window = datetime.timedelta(days=WINDOW_DAYS)
    return day is None or as_of is None or as_of - window <= day <= as_of


def _holds(claim: RoleBinding, said: _Said, as_of: datetime.date | None) -> bool:
    """Whether ``said`` is support that no other source can outweigh if it is the newest."""
    office = claim.office
    other = said.binding.office
    fits = office.same_office(other) if office.explicit else office.compatible(other)
    return (
        fits
        and not said.binding.former
        and _before(said.date, as_of)
        and bool(same_person(claim.person, said.binding.person))
    )


def _said(
    pool: Sequence[Article], claim: RoleBinding, query: _Query, as_of: datetime.date | None
) -> list[_Said]:
    """The sources' bindings ``query`` asks for, newest source first.

    Sources are read newest first and reading stops at the first that holds the
    claim up (see :func:`_holds`): nothing older can outweigh it, so the other
    sources' sentences are never analysed. Sources outside the window are
    skipped unless the claim calls the person a *former* holder.
    """
    dated = [(source, _day(source.published)) for source in pool]
    if not claim.former:
        dated = [(source, day) for source, day in dated if _near(day, as_of)]
    dated.sort(key=lambda item: item[1] or as_of or datetime.date.min, reverse=True)
    out: list[_Said] = []
    for source, day in dated:
        found = [_Said(source, b, day) for b in _source_bindings(source.title, source.text, query)]
        out.extend(found)
        if not claim.former and any(_holds(claim, s, as_of) for s in found):
            break
    return out


def _rank(said: _Said, as_of: datetime.date | None) -> datetime.date:
    """How recent a source's word is; an undated source is taken to speak for the claim's date."""
    return said.date or as_of or datetime.date.min


def _newest(items: Sequence[_Said], as_of: datetime.date | None) -> _Said | None:
    return max(items, key=lambda s: _rank(s, as_of), default=None)


def _display(title: str) -> str:
    """A title for a report line: "Iowa Gov." -> "Iowa Governor"."""

    def expand(match: re.Match[str]) -> str:
        word = ABBREVIATIONS[match.group(1).lower()]
        return word.capitalize() if match.group(1)[0].isupper() else word

    pattern = r"\b(gov|govs|sen|sens|rep|reps|lt|gen|atty|sec|pres|amb|supt)\.(?=\s|$)"
    return re.sub(pattern, expand, title, flags=re.IGNORECASE)


def _supported(said: _Said) -> str:
    return f"{said.label()} calls {said.binding.person} {_display(said.binding.title)}"


def _judge(
    claim: RoleBinding, said: Sequence[_Said], as_of: datetime.date | None
) -> tuple[Literal["pass", "fail"], str, Evidence | None]:
    """The verdict on one binding of the claim, given every binding of its office's head.

    Sources dated on or before ``as_of`` (within the window) decide who held the
    office then, the newest winning; sources dated a little later only support.
    """
    window = datetime.timedelta(days=WINDOW_DAYS)

    def near(s: _Said) -> bool:
        return _near(s.date, as_of)

    def before(s: _Said) -> bool:
        return _before(s.date, as_of)

    office = claim.office
    person = claim.person
    title = _display(claim.title)
    same = [
        s
        for s in said
        if office.compatible(s.binding.office) and same_person(person, s.binding.person)
    ]
    # Someone else named as holding the claim's exact office, by a source dated by then.
    others = [
        s
        for s in said
        if not s.binding.former
        and before(s)
        and office.same_office(s.binding.office)
        and same_person(person, s.binding.person) is False
    ]
    if claim.former:
        called_former = _newest([s for s in same if s.binding.former and near(s)], as_of)
        if called_former is not None:
            detail = (
                f"{called_former.label()} calls {called_former.binding.person} a former "
                f"{_display(called_former.binding.title)}"
            )
            return "pass", detail, None
        long_ago = [s for s in same if s.date and as_of and s.date < as_of - window]
        if long_ago:
            return "pass", f"{_supported(long_ago[0])}, long before the claim's date", None
        held = _newest([s for s in same if not s.binding.former and before(s)], as_of)
        if held is not None and office.unique:
            # Someone else in the office as recently means the person has left it.
            successor = _newest([s for s in others if _rank(s, as_of) >= _rank(held, as_of)], as_of)
            if successor is not None:
                detail = f"{_supported(successor)}, so {person} is a former holder"
                return "pass", detail, None
            # Only a unique office makes a current mention mean "holds it now": "the
            # deal President Obama signed" names a past president without "former".
            return (
                "fail",
                f"claim calls {person} a former {title}; {held.label()} names "
                f"{held.binding.person} as {_display(held.binding.title)}",
                held.evidence,
            )
        return "fail", f"no source calls {person} a former {title}", None

    current = [s for s in same if not s.binding.former and near(s)]
    # A source that says exactly the claim's office outranks one that leaves out whose office
    # it is, when the claim says whose: "Iowa Gov. Eric Holcomb" is not supported by "Gov.
    # Eric Holcomb" when another source names "Iowa Gov. Kim Reynolds".
    exact = [s for s in current if office.same_office(s.binding.office)]
    strong = exact if office.explicit else current
    weak = [s for s in current if s not in exact] if office.explicit else []
    called_former = _newest([s for s in same if s.binding.former and before(s)], as_of)
    rival = None
    if office.unique:
        rival = _newest(others, as_of)
    held_then = _newest([s for s in strong if before(s)], as_of)
    # Only what is newer than the newest word that the person held the office counts against it.
    against = [
        s
        for s in (called_former, rival)
        if s is not None and (held_then is None or _rank(s, as_of) > _rank(held_then, as_of))
    ]
    if against:
        detail = f"claim names {person} as {title}"
        if called_former in against:
            assert called_former is not None
            detail += (
                f"; {called_former.label()} calls {called_former.binding.person} a former "
                f"{_display(called_former.binding.title)}"
            )
        # Whoever holds the office then is the conflict to show, when a source names them:
        # it says both that the claim is wrong and who is right.
        if rival in against:
            assert rival is not None
            detail += f"; {rival.label()} names {rival.binding.person}"
            return "fail", detail, rival.evidence
        return "fail", detail, against[0].evidence
    best = _newest(strong, as_of) or _newest(weak, as_of)
    if best is not None:
        return "pass", _supported(best), None
    return "fail", f"no source calls {person} the {title}", None


def _formal(office: Role) -> bool:
    """Whether an office is a formal single-holder post (not a description of one)."""
    head = office.head
    if head in {"secretary", "minister"} or head.startswith(_MULTI_PREFIXES):
        return False
    return head in SINGLE_HEADS or head.endswith(("secretary", "minister"))


def learned_offices(
    pool: Sequence[Article], person: RoleBinding
) -> list[tuple[Article, RoleBinding, frozenset[Role]]]:
    """The person's bindings in ``pool``, each with the offices the story makes it equal to.

    When one source text binds the same person, currently, to two role phrases
    ("Josep Borrell, the EU's foreign policy chief" and "High Representative
    Josep Borrell"), the two name one office *for that person in this story*, so
    a source that uses either phrase says the person holds the other. Two formal
    single-holder offices in one text are not merged: a person may hold both at
    once ("chief executive and chairman"), and holding one says nothing of the other.
    """
    query = _Query.of(person, any_office=True)
    found = [
        (source, binding)
        for source in pool
        for binding in _source_bindings(source.title, source.text, query)
        if not binding.former and same_person(person.person, binding.person)
    ]
    together: dict[tuple[str, str], set[Role]] = {}
    for source, binding in found:
        together.setdefault((source.id, source.url), set()).add(_bare(binding.office))
    out: list[tuple[Article, RoleBinding, frozenset[Role]]] = []
    for source, binding in found:
        office = _bare(binding.office)
        equal = {
            other
            for offices in together.values()
            if office in offices
            for other in offices
            if other.compatible(office) or not (_formal(other) and _formal(office))
        }
        out.append((source, binding, frozenset(equal)))
    return out


def _bare(office: Role) -> Role:
    return replace(office, former=False)


def _learned(
    pool: Sequence[Article],
    claim: RoleBinding,
    said: Sequence[_Said],
    as_of: datetime.date | None,
) -> list[_Said]:
    """Source bindings that name the claim's office by a phrase the story makes equal to it.

    For the claim's person (support) and for everyone the sources already name in a
    compatible office (who may hold it under the other phrase in a newer source).
    Each comes back restated as the office it equals, its title as written.
    """
    office = _bare(claim.office)
    people = [claim]
    for s in said:
        if (
            not s.binding.former
            and office.compatible(s.binding.office)
            and not any(same_person(p.person, s.binding.person) for p in people)
        ):
            people.append(s.binding)
    out: list[_Said] = []
    for person in people:
        for source, binding, equal in learned_offices(pool, person):
            day = _day(source.published)
            if office.compatible(binding.office) or (not claim.former and not _near(day, as_of)):
                continue
            target = next((o for o in sorted(equal, key=repr) if office.compatible(o)), None)
            if target is None:
                continue
            restated = replace(
                binding,
                head=target.head,
                qualifier=target.qualifier,
                explicit=target.explicit,
                role=target.name,
            )
            out.append(_Said(source, restated, day))
    return out


def check_roles(
    claim: str,
    evidence: Sequence[Evidence],
    sources: Sequence[Article],
    as_of: str | None = None,
) -> Check:
    """Check every person-to-role binding of ``claim`` against the sources.

    ``as_of`` is the date the claim speaks for (the article's date, ``YYYY-MM-DD``);
    sources count as evidence of who held an office then when they are dated
    within :data:`WINDOW_DAYS` of it, and can contradict the claim only when
    dated on or before it (the newest such source wins). Undated sources are
    taken to speak for ``as_of``. Offices several people hold at once
    (senators, judges, a bare "president") are only ever supported or
    unsupported, never contradicted by another holder.
    """
    if not mentions_role(claim):
        return Check("role", "n/a")
    bindings = role_bindings(claim)
    if not bindings:
        return Check("role", "n/a")
    pool = source_pool((e.source for e in evidence), sources)
    day = _day(as_of)
    passed: list[str] = []
    unsupported: str | None = None
    for binding in bindings:
        said = _said(pool, binding, _Query.of(binding), day)
        verdict, detail, conflict = _judge(binding, said, day)
        if verdict == "fail":
            learned = _learned(pool, binding, said, day)
            if learned:
                verdict, detail, conflict = _judge(binding, [*said, *learned], day)
        if conflict is not None:
            return Check("role", "fail", detail, conflict)
        if verdict == "pass":
            passed.append(detail)
        elif unsupported is None:
            unsupported = detail
    if unsupported is not None:
        return Check("role", "fail", unsupported)
    return Check("role", "pass", "; ".join(passed))


def role_check(claim: Claim) -> Check:
    """``check_roles`` as of the date the claim speaks from."""
    return check_roles(claim.body, claim.evidence, claim.sources, claim.as_of)
