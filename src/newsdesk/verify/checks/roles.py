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
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from typing import Literal

from newsdesk.language.entities import Analysis, analyse, analyse_many, source_index
from newsdesk.language.entities import pool as source_pool
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
    superintendent sheriff undersecretary""".split()
) | {"secretary of state", "chief of staff"}
"""Nouns that end a role: the office itself."""

MODIFIERS = frozenset(
    """prime foreign home deputy vice assistant associate lieutenant majority minority
    attorney secretary chief press surgeon solicitor inspector national security first executive
    treasury defense defence homeland commerce labor labour energy education health interior
    transportation agriculture veterans affairs housing finance trade justice environment culture
    economy special""".split()
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
}
"""Nationality adjectives folded into the country, so "Israeli Prime Minister" == "Prime
Minister of Israel"."""

KNOWN_QUALIFIERS = frozenset(
    """house senate congress federal white pentagon supreme court county city state department
    joint chiefs cabinet police fire""".split()
)
"""Capitalised words that qualify an office even where the entity recogniser does not tag them."""

_STATUS_PREFIX = re.compile(r"^(former|ex|then|onetime|one-time)[-‐](.+)$", re.IGNORECASE)
_TOKEN = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9.'’&-]*[A-Za-z0-9.])?|\S")
_INITIALS = re.compile(r"(?:[A-Za-z]\.)+")
_POSSESSIVE = re.compile(r"['’]s?$")
_PARTICLES = frozenset("de del della da di du van von der den bin al el le la st.".split())
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
_TITLE_RE = r"(?i:(?<![A-Za-z])(?:" + "|".join(re.escape(w) for w in _HINT_WORDS) + r"))"
_HINT = re.compile(
    # a title before a capitalised word: "Gov. Eric Holcomb", "Secretary of State Mike Pompeo"
    rf"{_TITLE_RE}[a-z]*\.?(?:\s+(?i:of|the|for))*\s+[A-Z]"
    # or inside an apposition: ", NATO's secretary general,"
    rf"|,[^,.;]{{0,60}}{_TITLE_RE}[^,;]{{0,40}}[,;.]"
)
"""Cheap test that a text may bind someone to a role: no entity analysis without it."""


# --- records ---------------------------------------------------------------------------------


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
        """Whether one person holds it at a time, so that naming another contradicts."""
        if self.head.startswith(_MULTI_PREFIXES):
            return False
        single = self.head in SINGLE_HEADS or self.head.endswith(("secretary", "minister"))
        return single and self.head not in {"secretary", "minister"} and bool(self.qualifier)

    def compatible(self, other: Role) -> bool:
        """Same office, or one of the two does not say whose (so it may be the same)."""
        if self.head != other.head:
            return False
        return self.qualifier == other.qualifier or not self.explicit or not other.explicit

    def same_office(self, other: Role) -> bool:
        """Certainly the same office: same head and the same qualifier."""
        return self.head == other.head and self.qualifier == other.qualifier


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
    if not word[:1].isupper() or low in _STOP_NAMES or low in DROP or low in DEMONYMS:
        return False
    if _is_title_word(word) or _STATUS_PREFIX.match(word):
        return False
    return bool(_INITIALS.fullmatch(word) or re.fullmatch(r"[\w'’-]+", word))


def _name_text(text: str) -> str:
    """A name without a possessive ending or surrounding punctuation."""
    return _POSSESSIVE.sub("", text.strip(" ,;:()")) if re.search(r"\w['’]s?$", text) else text


def _name_parts(name: str) -> tuple[str | None, str]:
    """(first name or None, surname), lower-cased; initials and suffixes dropped."""
    words = [w for w in re.findall(r"[\w'’.-]+", _lower(name)) if w not in _NAME_SUFFIXES]
    words = [w.rstrip(".") for w in words if w]
    if not words:
        return None, ""
    surname = words[-1]
    given = [w for w in words[:-1] if len(w) > 1 and w not in _PARTICLES]
    return (given[0] if given else None), surname


_NICKNAMES = {
    frozenset(p)
    for p in (
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
}
"""Common English short forms of first names, so "Chuck Schumer" is "Charles E. Schumer"."""


def same_person(a: str, b: str) -> bool | None:
    """True if ``a`` and ``b`` name the same person, False if different, None if unsure.

    Names match by surname; first names, where both are given, must agree (or be a
    known short form: "Bill"/"William"). "Hillary Clinton" and "Bill Clinton" are
    different people; "Pompeo" and "Mike Pompeo" the same.
    """
    first_a, last_a = _name_parts(_fold(a))
    first_b, last_b = _name_parts(_fold(b))
    if not last_a or not last_b:
        return None
    if last_a != last_b:
        if _near_spelling(last_a, last_b) or _has_word(a, last_b) or _has_word(b, last_a):
            return None  # "Zelensky"/"Zelenskiy"; "William Barr Bill" (page debris)
        return False
    if first_a is None or first_b is None or first_a == first_b:
        return True
    if frozenset((first_a, first_b)) in _NICKNAMES:
        return True
    if first_a[0] != first_b[0]:
        return False
    return None


def _fold(name: str) -> str:
    """Without accents: "Moïse" -> "Moise"."""
    decomposed = unicodedata.normalize("NFKD", name)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _has_word(name: str, word: str) -> bool:
    return word in {w.rstrip(".") for w in re.findall(r"[\w'’.-]+", _lower(_fold(name)))}


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


_FULL_NAME = re.compile(
    r"(?<![\w.])(?:[A-Z][\w'’-]+|[A-Z]\.)"
    r"(?:\s+(?:[A-Z][\w'’-]+|[A-Z]\.|(?:de|van|von|der|bin|al|da|di)(?=\s+[A-Z]))){1,4}"
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
        _, surname = _name_parts(name)
        if surname:
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
        or low in {"mr", "mrs", "ms", "dr"}
    )


def _resolve(name: str, at: int, text: str) -> str:
    """The full name a bare surname refers to in ``text``: the nearest one before ``at``."""
    first, surname = _name_parts(name)
    if first is not None or not surname:
        return name
    candidates = [(o, full) for o, s, full in _full_names(text) if s == surname]
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
    return words


def _qualifier(words: list[str]) -> str | None:
    """Whose office: demonyms folded ("israeli" -> "israel"), "U.S." and "federal" as "us"."""
    if not words:
        return None
    text = " ".join(words)
    for phrase in ("united states", "united kingdom", "south korean", "north korean"):
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
            _is_title_word(tokens[first].core)
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
    return sorted(spans)


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

    Those that name the claim's person (``surname``) with the office's words, to
    support it or call it former; and, when the office is unique, those with the
    office's words and its qualifier (``rivals``: a prefix such as "isra", or ""
    for any), which may name another holder.
    """

    head: str
    surname: str
    rivals: tuple[str, ...] | None

    @staticmethod
    def of(binding: RoleBinding) -> _Query:
        _, surname = _name_parts(binding.person)
        surname = max(re.split(r"[^a-z]", surname), key=len)
        rivals: tuple[str, ...] | None = None
        if binding.unique:
            qualifier = str(binding.qualifier)
            if not binding.explicit or binding.head in US_DEFAULT or binding.head == "speaker":
                rivals = ("",)  # the qualifier may go unwritten: "Speaker Nancy Pelosi"
            elif qualifier == "us":
                rivals = ("u.s", "america", "united states", " us ")
            else:
                written = [q for q, folded in DEMONYMS.items() if folded == qualifier]
                rivals = tuple({w[:4] for w in [qualifier, *written]})
        return _Query(binding.head, surname, rivals)

    def wants(self, lower: str) -> bool:
        if not _matches(lower, _keywords(self.head)):
            return False
        if self.surname and self.surname in lower:
            return True
        return self.rivals is not None and any(r in lower for r in self.rivals)


@functools.lru_cache(maxsize=4096)
def _surnames(text: str) -> frozenset[str]:
    return frozenset(surname for _, surname, _ in _full_names(text))


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
    return tuple(b for b in _bindings_in(segments, text) if b.head == query.head)


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
    for against in sorted(
        (s for s in (called_former, rival) if s is not None),
        key=lambda s: _rank(s, as_of),
        reverse=True,
    ):
        if held_then is not None and _rank(held_then, as_of) >= _rank(against, as_of):
            break
        if against is called_former:
            detail = (
                f"claim names {person} as {title}; {against.label()} calls "
                f"{against.binding.person} a former {_display(against.binding.title)}"
            )
        else:
            detail = (
                f"claim names {person} as {title}; {against.label()} names {against.binding.person}"
            )
        return "fail", detail, against.evidence
    best = _newest(strong, as_of) or _newest(weak, as_of)
    if best is not None:
        return "pass", _supported(best), None
    return "fail", f"no source calls {person} the {title}", None


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
