"""The place check: does the claim put its event where the sources put it?

A writer that merges sources can move an event to the wrong city ("executed at
the federal prison in Indianapolis") without changing a single other word, so
the support check, which counts shared words, still passes it. This check:

1. finds where the claim puts things: a place the entity recogniser tags (GPE,
   LOC, FAC) right after "in", "at", "from", "near", "outside" or "inside", or a
   dateline ("TERRE HAUTE, Ind. (AP) —");
2. looks for that place, alias-tolerant ("D.C." is Washington, "Ind." is
   Indiana, "U.S." the United States), in the cited evidence and in the source
   sentences about the same event (sharing at least :data:`MIN_SHARED` content
   words besides the place names) and passes if one puts something there ("in
   Orlando"; a mere "The Orlando Sentinel" counts only in a sentence that is
   clearly about the same event);
3. otherwise contradicts the claim with a sentence clearly about the same event
   (:data:`CONFLICT_SHARE`, or the same words just before the place:
   :data:`CONTEXT_SHARED`) that puts it in a *different place of the same
   kind* (a city for a city, a state for a state, a country for a country), or
   reports it unsupported.

Places of different kinds never contradict each other: "Paris" and "France", or
"Terre Haute" and "Indiana", may both be right. Regions and buildings (LOC, FAC)
are only ever supported or unsupported, because one can lie inside another
("the Rose Garden" is at "the White House") and no gazetteer says which.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from typing import Literal

from newsdesk.language.entities import Analysis, Segment, analyse, analyse_many, source_index
from newsdesk.language.entities import pool as source_pool
from newsdesk.language.text import content_words, normalize, words
from newsdesk.records import Article, Evidence
from newsdesk.verify.checks.base import Check, Claim

MIN_SHARED = 2
"""Content words (besides place names) a source sentence must share with a claim to be about
the same event."""
CONFLICT_SHARE = 1 / 3
"""To *contradict*, a sentence must also share this fraction of the claim's content words: a
wrong place is a strong finding, so the sentence must clearly be about the same event."""

CONTEXT_SHARED = 3
"""Or, for a sentence less clearly about the same event, the words just before its place that
must match the words just before the claim's ("NATO Summit in")."""

PlaceKind = Literal["city", "state", "country", "region", "facility"]

_PREPOSITION = re.compile(
    r"\b(in|at|from|near|outside|inside|outside of)\s+"
    r"(?:the\s+)?(?:(?:downtown|central|northern|southern|eastern|western|north|south|east|west|"
    r"suburban|rural|nearby|neighboring|neighbouring)\s+)?"
    r"(?:(?:city|town|village|state|province|capital|suburbs?|streets?) of\s+(?:the\s+)?)?$",
    re.IGNORECASE,
)
_LOCATIVE = frozenset({"in", "at", "near", "outside", "inside", "outside of"})
"""Prepositions that say where something happened (not "from", which says where it came from)."""
_DATELINE = re.compile(
    r"^(?P<place>[A-Z][A-Z.'’ -]*[A-Z.])(?:,\s+(?P<state>[A-Z][A-Za-z.]+(?:\s[A-Z][A-Za-z.]+)?))?"
    r"\s*(?:\([^)]{1,40}\))?\s*(?:—|–|--|-)\s"
)
_NOT_PLACES = (
    r"(?:January|February|March|April|May|June|July|August|September|October|November|December"
    r"|Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b|(?:Jan|Feb|Aug|Sept?|Oct|Nov|Dec)\."
)
_HINT = re.compile(
    rf"\b(?:in|at|from|near|outside|inside)\s+(?:the\s+)?(?!{_NOT_PLACES})[A-Z]"
    r"|^[A-Z][A-Z.'’ -]+[A-Z.][,\s(—–-]"
)
"""Cheap test that a text may place something: no entity analysis without it."""

US_STATES = {
    "alabama": ("Ala.",),
    "alaska": (),
    "arizona": ("Ariz.",),
    "arkansas": ("Ark.",),
    "california": ("Calif.",),
    "colorado": ("Colo.",),
    "connecticut": ("Conn.",),
    "delaware": ("Del.",),
    "florida": ("Fla.",),
    "georgia": ("Ga.",),
    "hawaii": (),
    "idaho": (),
    "illinois": ("Ill.",),
    "indiana": ("Ind.",),
    "iowa": (),
    "kansas": ("Kan.", "Kans."),
    "kentucky": ("Ky.",),
    "louisiana": ("La.",),
    "maine": (),
    "maryland": ("Md.",),
    "massachusetts": ("Mass.",),
    "michigan": ("Mich.",),
    "minnesota": ("Minn.",),
    "mississippi": ("Miss.",),
    "missouri": ("Mo.",),
    "montana": ("Mont.",),
    "nebraska": ("Neb.",),
    "nevada": ("Nev.",),
    "new hampshire": ("N.H.",),
    "new jersey": ("N.J.",),
    "new mexico": ("N.M.",),
    "north carolina": ("N.C.",),
    "north dakota": ("N.D.",),
    "ohio": (),
    "oklahoma": ("Okla.",),
    "oregon": ("Ore.",),
    "pennsylvania": ("Pa.",),
    "rhode island": ("R.I.",),
    "south carolina": ("S.C.",),
    "south dakota": ("S.D.",),
    "tennessee": ("Tenn.",),
    "texas": ("Texas", "Tex."),
    "utah": (),
    "vermont": ("Vt.",),
    "virginia": ("Va.",),
    "west virginia": ("W.Va.", "W. Va."),
    "wisconsin": ("Wis.",),
    "wyoming": ("Wyo.",),
}
"""US states with their AP-style abbreviations (as datelines and "Terre Haute, Ind." write them)."""

OTHER_STATES = frozenset(
    """england scotland wales ontario quebec alberta manitoba saskatchewan bavaria catalonia
    queensland tasmania""".split()
) | {"northern ireland", "british columbia", "nova scotia", "new south wales", "puerto rico"}
"""First-level divisions outside the US that the news names like states."""

COUNTRIES = frozenset(
    """afghanistan albania algeria andorra angola argentina armenia australia austria azerbaijan
    bahamas bahrain bangladesh barbados belarus belgium belize benin bhutan bolivia bosnia
    botswana brazil brunei bulgaria burkina burundi cambodia cameroon canada chad chile china
    colombia comoros congo croatia cuba cyprus czechia denmark djibouti dominica ecuador egypt
    eritrea estonia eswatini ethiopia fiji finland france gabon gambia germany ghana greece
    grenada guatemala guinea guyana haiti honduras hungary iceland india indonesia iran iraq
    ireland israel italy jamaica japan jordan kazakhstan kenya kiribati kosovo kuwait kyrgyzstan
    laos latvia lebanon lesotho liberia libya liechtenstein lithuania luxembourg madagascar malawi
    malaysia maldives mali malta mauritania mauritius mexico micronesia moldova monaco mongolia
    montenegro morocco mozambique myanmar burma namibia nauru nepal netherlands holland nicaragua
    niger nigeria norway oman pakistan palau palestine panama paraguay peru philippines poland
    portugal qatar romania russia rwanda samoa senegal serbia seychelles singapore slovakia
    slovenia somalia spain sudan suriname sweden switzerland syria taiwan tajikistan tanzania
    thailand togo tonga tunisia turkey turkmenistan tuvalu uganda ukraine uruguay uzbekistan
    vanuatu venezuela vietnam yemen zambia zimbabwe""".split()
) | {
    "united states",
    "united kingdom",
    "south korea",
    "north korea",
    "saudi arabia",
    "south africa",
    "new zealand",
    "sri lanka",
    "costa rica",
    "el salvador",
    "dominican republic",
    "czech republic",
    "ivory coast",
    "united arab emirates",
    "sierra leone",
    "papua new guinea",
    "vatican",
    "east timor",
}
"""Country names (a gazetteer of countries is vocabulary, not a list of facts that go stale)."""

REGIONS = frozenset(
    """europe asia africa america americas antarctica oceania arctic caribbean balkans
    scandinavia gaza crimea kashmir donbas siberia kurdistan""".split()
) | {
    "middle east",
    "latin america",
    "south america",
    "north america",
    "central america",
    "west bank",
    "gaza strip",
    "southeast asia",
    "east asia",
}
"""Continents and regions that hold cities: a city never contradicts them."""

_REGION_WORDS = frozenset(
    "county province region district valley territory parish borough peninsula coast".split()
)

_ALIASES: dict[str, tuple[str, ...]] = {
    "united states": ("United States", "U.S.", "US", "USA", "U.S.A.", "America"),
    "united kingdom": ("United Kingdom", "U.K.", "UK", "Britain", "Great Britain"),
    "washington": ("Washington", "D.C.", "DC", "District of Columbia"),
    "new york": ("New York", "New York City", "NYC", "N.Y."),
    "los angeles": ("Los Angeles", "L.A."),
    "netherlands": ("Netherlands", "Holland"),
    "myanmar": ("Myanmar", "Burma"),
    "czechia": ("Czechia", "Czech Republic"),
}
"""Other names for a place, beyond the state abbreviations."""

_KEY_OF: dict[str, str] = {}
for _key, _forms in _ALIASES.items():
    for _form in _forms:
        _KEY_OF[re.sub(r"[.\s]+", " ", _form.lower()).strip()] = _key
for _state, _abbreviations in US_STATES.items():
    for _form in _abbreviations:
        _KEY_OF[re.sub(r"[.\s]+", " ", _form.lower()).strip()] = _state
_KEY_OF["washington dc"] = "washington"
_KEY_OF["washington d c"] = "washington"
_KEY_OF["new york city"] = "new york"


@dataclass(frozen=True, slots=True)
class Place:
    """Where a text puts something: ``text[start:end] == name``.

    ``key`` is the canonical name ("indiana" for "Ind."), ``container`` the key of
    the state or country written after it ("Terre Haute, Ind."), ``also`` the
    places listed with it ("in Utah, Wyoming and Arizona"), ``preposition`` the
    word before it, or ``"dateline"``.
    """

    name: str
    key: str
    kind: PlaceKind
    start: int
    end: int
    preposition: str
    container: str | None = None
    also: tuple[str, ...] = ()

    @property
    def keys(self) -> tuple[str, ...]:
        """This place and the places listed with it: naming any of them names the event's."""
        return (self.key, *self.also)


def place_key(name: str) -> str:
    """The canonical name of a place: lower case, no periods or "the", aliases folded."""
    folded = re.sub(r"^the\s+", "", name.strip().lower())
    folded = re.sub(r"['’]s$", "", folded)
    folded = re.sub(r"[.\s]+", " ", folded).strip()
    return _KEY_OF.get(folded, folded)


def place_kind(key: str, label: str) -> PlaceKind:
    """City, state, country, region or facility, from the entity label and a small gazetteer."""
    if label == "FAC":
        return "facility"
    if label == "LOC" or key in REGIONS or set(key.split()) & _REGION_WORDS:
        return "region"
    if key in COUNTRIES:
        return "country"
    if key == "washington" or key == "new york":
        return "city"  # in the news "Washington" is the capital and "New York" mostly the city
    if key in US_STATES or key in OTHER_STATES:
        return "state"
    return "city"


def forms(key: str) -> tuple[str, ...]:
    """The ways a text may write the place with canonical name ``key``."""
    found = {key}
    found.update(_ALIASES.get(key, ()))
    found.update(US_STATES.get(key, ()))
    return tuple(sorted(found, key=len, reverse=True))


def _form_pattern(form: str) -> re.Pattern[str]:
    body = r"\s+".join(re.escape(part) for part in form.split())
    flags = 0 if (form.isupper() or len(form.replace(".", "")) <= 3) else re.IGNORECASE
    return re.compile(rf"(?<![\w.]){body}(?![\w])", flags)


_PATTERNS: dict[str, tuple[re.Pattern[str], ...]] = {}


_SLOT = re.compile(
    r"(?:\b(?:in|at|near|outside|inside|from|to|into|across|throughout)\s+(?:the\s+)?"
    r"(?:(?:downtown|central|northern|southern|eastern|western|north|south|east|west|"
    r"suburban|rural|nearby)\s+)?"
    r"(?:(?:city|town|village|state|province|capital|suburbs?|streets?) of\s+(?:the\s+)?)?"
    r"|[A-Z][\w.'’-]*,\s+)$",
    re.IGNORECASE,
)
"""What comes right before a place where a sentence says something happened there: a
preposition ("in downtown Tehran"), or the city it is the state of ("Terre Haute, Ind.")."""


def names(text: str, key: str, locative: bool = False) -> bool:
    """Whether ``text`` names the place ``key`` in any of its forms.

    With ``locative``, only where the text puts something there ("in Orlando",
    a dateline), not in passing ("The Orlando Sentinel").
    """
    patterns = _PATTERNS.get(key)
    if patterns is None:
        patterns = tuple(_form_pattern(f) for f in forms(key))
        _PATTERNS[key] = patterns
    for pattern in patterns:
        for match in pattern.finditer(text):
            if not locative or match.start() == 0:
                return True
            if _SLOT.search(text[max(0, match.start() - 60) : match.start()]):
                return True
    return False


_RANK = {"facility": 0, "city": 1, "state": 2, "country": 3, "region": 4}
_LIST = re.compile(r",?\s*(?:and|or)\s+|,\s*")
_MEDIA = re.compile(
    r"\b(?:report|reports|reported|article|story|interview|column|editorial|piece|published|"
    r"wrote|letter|statement|tweet|op-ed|appearance)\s+$",
    re.IGNORECASE,
)
"""Words before "in" that make what follows a publication, not a place: "a report in El País"."""


def _places_in(analysis: Analysis, locative_only: bool = False) -> list[Place]:
    """The places ``analysis.text`` puts things in, in text order.

    A place written after another ("Terre Haute, Ind.", "Kabul, Afghanistan")
    is its ``container`` when it is of a larger kind, and listed with it
    (``also``) when it is not ("in Utah, Wyoming and Arizona").
    """
    text = analysis.text
    found: list[Place] = []
    previous_end = -1
    for entity in analysis.of("GPE", "LOC", "FAC"):
        name = entity.text
        start = entity.start
        if name.lower().startswith("the "):
            name, start = name[4:], start + 4
        key = place_key(name)
        kind = place_kind(key, entity.label)
        if found and previous_end >= 0 and _LIST.fullmatch(text[previous_end:start]):
            last = found[-1]
            if (
                _RANK[kind] > _RANK[last.kind]
                and last.container is None
                and "," in text[previous_end:start]
            ):
                found[-1] = replace(last, container=key)
            else:
                found[-1] = replace(last, also=(*last.also, key))
            previous_end = entity.end
            continue
        before = text[max(0, entity.start - 60) : entity.start]
        match = _PREPOSITION.search(before)
        if match is None or _MEDIA.search(before[: match.start()]):
            previous_end = -1
            continue
        preposition = match.group(1).lower()
        if locative_only and preposition not in _LOCATIVE:
            previous_end = -1
            continue
        found.append(Place(name, key, kind, start, entity.end, preposition))
        previous_end = entity.end
    dateline = _DATELINE.match(text)
    if dateline and not locative_only:
        name = dateline.group("place").strip().title()
        key = place_key(name)
        state = dateline.group("state")
        container = place_key(state) if state else None
        found.insert(
            0,
            Place(
                name,
                key,
                place_kind(key, "GPE"),
                dateline.start("place"),
                dateline.end("place"),
                "dateline",
                container,
            ),
        )
    return found


def places(text: str) -> list[Place]:
    """Where ``text`` puts things: places after "in/at/from/near/..." and a dateline."""
    if not mentions_place(text):
        return []
    return _places_in(analyse(text))


def mentions_place(text: str) -> bool:
    """Cheap test: could ``text`` place anything? (No analysis when it cannot.)"""
    return bool(_HINT.search(text))


def prefetch(claims: Iterable[str]) -> None:
    """Analyse, in one batch, the claims that :func:`check_places` will need to analyse."""
    analyse_many(c for c in claims if mentions_place(c))


@dataclass(frozen=True, slots=True)
class _Candidate:
    """A source segment about the claim's event, and how many content words it shares."""

    source: Article
    segment: Segment
    shared: int
    cited: bool

    @property
    def evidence(self) -> Evidence:
        return Evidence(self.source, self.segment.start, self.segment.end, self.segment.field)


def _cited(evidence: Sequence[Evidence], source: Article, segment: Segment) -> bool:
    return any(
        e.source.id == source.id
        and e.field == segment.field
        and e.start < segment.end
        and segment.start < e.end
        for e in evidence
    )


def _candidates(
    claim_words: set[str], evidence: Sequence[Evidence], pool: Sequence[Article]
) -> list[_Candidate]:
    out: list[_Candidate] = []
    for source in pool:
        index = source_index(source)
        for position, shared in index.sharing(claim_words).items():
            if shared >= MIN_SHARED:
                segment = index.segments[position]
                out.append(_Candidate(source, segment, shared, _cited(evidence, source, segment)))
    out.sort(key=lambda c: (-c.shared, not c.cited))
    return out


def _differs(place: Place, other: Place, claimed: set[str]) -> bool:
    """Whether ``other`` is a different place of the same kind as ``place``.

    ``claimed`` are all the places the claim names: a sentence that puts the
    event in one of them agrees with the claim, whichever it is.
    """
    if other.kind != place.kind or place.kind not in {"city", "state", "country"}:
        return False
    if other.key in claimed or any(other.key in k or k in other.key for k in place.keys):
        return False
    return place.key != other.container


def _context(text: str, start: int) -> set[str]:
    """The content words just before a place: what happened there ("NATO summit in")."""
    return set(content_words(text[max(0, start - 60) : start])[-6:])


def _rival(
    place: Place, context: set[str], analysis: Analysis, claimed: set[str], min_context: int = 0
) -> Place | None:
    """The place a same-event sentence gives instead of ``place``, if it gives one.

    A sentence may name several places ("the G-7 summit in Cornwall ... then the
    NATO Summit in Brussels"): the one whose own context shares most words with
    the claim's is the event's. With several places and no shared context the
    sentence does not say which is the event's, so it contradicts nothing.
    """
    found = _places_in(analysis, locative_only=True)
    scored = [(len(context & _context(analysis.text, p.start)), p) for p in found]
    best = max(scored, key=lambda item: item[0], default=None)
    if best is None or (len(found) > 1 and best[0] == 0) or best[0] < min_context:
        return None
    return best[1] if _differs(place, best[1], claimed) else None


def check_places(claim: str, evidence: Sequence[Evidence], sources: Sequence[Article]) -> Check:
    """Check that every place the claim puts its event in is the sources' place for it."""
    claimed = places(claim)
    if not claimed:
        return Check("place", "n/a")
    keys = {k for p in claimed for k in (*p.keys, p.container) if k}
    keys |= {place_key(e.text) for e in analyse(claim).of("GPE", "LOC", "FAC")}
    place_words = {w for p in claimed for w in words(p.name)} | {w for k in keys for w in words(k)}
    claim_words = {w for w in content_words(claim) if w not in place_words}
    pool = source_pool((e.source for e in evidence), sources)
    candidates = _candidates(claim_words, evidence, pool)
    needed = max(MIN_SHARED, math.ceil(len(claim_words) * CONFLICT_SHARE))
    passed: list[str] = []
    unsupported: str | None = None
    for place in claimed:
        cited = next(
            (
                e
                for e in evidence
                if any(names(e.quote, k) for k in place.keys)
                or normalize(place.name) in normalize(e.quote)
            ),
            None,
        )
        if cited is not None:
            passed.append(f"{cited.source.id} places it in {place.name}")
            continue
        # A sentence about the event that puts something there, or that is clearly about
        # the event (as many shared words as a contradiction needs) and names it at all.
        naming = next(
            (
                c
                for c in candidates
                if any(names(c.segment.text, k, locative=c.shared < needed) for k in place.keys)
            ),
            None,
        )
        if naming is not None:
            passed.append(f"{naming.source.id} places it in {place.name}")
            continue
        # Clearly the same event (or cited); or less clearly, but then the words right
        # before the place must match too ("NATO Summit in Paris" / "NATO Summit in Brussels").
        context = _context(claim, place.start)
        rivals = [
            c
            for c in candidates
            if c.shared >= needed or c.cited or len(context & c.segment.words) >= CONTEXT_SHARED
        ]
        analyse_many(c.segment.text for c in rivals)
        for candidate in rivals:
            strong = candidate.shared >= needed or candidate.cited
            analysis = analyse(candidate.segment.text)
            other = _rival(place, context, analysis, keys, 0 if strong else CONTEXT_SHARED)
            if other is not None:
                return Check(
                    "place",
                    "fail",
                    f"claim places it in {place.name}; {candidate.source.id} says {other.name}",
                    candidate.evidence,
                )
        if unsupported is None:
            unsupported = f"no source places it in {place.name}"
    if unsupported is not None:
        return Check("place", "fail", unsupported)
    return Check("place", "pass", "; ".join(passed))


def place_check(claim: Claim) -> Check:
    """``check_places`` on the claim's body and evidence."""
    return check_places(claim.body, claim.evidence, claim.sources)
