"""The opinion check: commentary in the article's own voice is not reporting.

A news sentence reports what happened and who said what. Evaluation ("a
stunning rebuke", "a disastrous decision"), prediction ("will likely reshape",
"is poised to", "it remains to be seen") and loaded framing ("in a major
blow", "exposing deep rifts", "a clear sign that") in the writer's own voice
are none of the sources' facts: no span can support them, and the support
score may still pass a sentence whose facts are right around them. This check
finds such wording with a small lexicon (``MARKERS``, each entry with the
sense it carries) and reports it.

What is not ours passes:

* Words inside quotation marks belong to the speaker.
* A sentence credited to an outlet or a person ("according to Reuters",
  "..., Smith said", "critics called it ...", "Democrats hailed the ruling as
  ...") reports their judgement. A sentence-opening phrase ("In a stunning
  rebuke, ...") frames what follows in the writer's voice, so it is judged on
  its own: the credit must be inside it ("In what critics called a stunning
  rebuke, ...").
* A marker inside a proper name ("Brilliant Earth", "the Stunning Studios
  group") is a name, not a judgement: names come from the shared spaCy entity
  analysis (``language.entities``), asked only when a marker is found.

A phrase copied from a source without credit is still flagged. An outlet's
evaluation is that outlet's; printed uncredited it reads as the article's own
finding, and that is the failure this check exists for. The detail then names
the source whose wording it is, so the fix is to credit it ("..., Reuters
reported") or quote it.

A failure makes the claim *unsupported*, never *contradicted*: commentary is
not a fact that a source can deny.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from newsdesk.language.entities import analyse
from newsdesk.language.text import normalize
from newsdesk.records import Evidence
from newsdesk.verify.checks.base import Check, Claim

Sense = Literal["judgement", "prediction", "framing"]

_JUDGEMENT_WORDS = """
    stunning stunningly shocking shockingly astonishing astonishingly appalling appallingly
    disgraceful shameful shamefully outrageous outrageously egregious egregiously
    disastrous disastrously reckless recklessly baffling bafflingly
    laughable ludicrous absurd absurdly farcical pathetic inexcusable unforgivable
    deplorable despicable abhorrent scandalous brazen brazenly
    brilliant brilliantly masterful masterfully heroic heroically admirable admirably
    laudable commendable praiseworthy
    sadly unfortunately fortunately thankfully mercifully ironically tellingly
    predictably inevitably undoubtedly undeniably unquestionably indisputably
    obviously arguably
    embattled beleaguered hapless
    debacle fiasco bombshell firestorm
""".split()
"""Adjectives, adverbs and nouns of judgement: calling a thing good or bad, or treating an
opinion as beyond doubt. Words that news uses for plain description ("devastating
floods", "controversial bill", "unprecedented", "so-called") are left out."""

_SCHEDULE = (
    r"(?! (?:start|begin|end|last|take place|be held|vote|voting|meet|open|close|resume|arrive"
    r"|conclude|continue|testify|land|launch)\b)"
)
"""Not before a verb of the calendar: "will likely start on January 6" and "are poised to
begin voting" report a plan, not a judgement."""
_BLOWS = "blow|setback|rebuke|defeat|embarrassment"
_WINS = "win|victory|triumph"
_PHRASES: tuple[tuple[str, Sense], ...] = (
    # Predictions and hedged forecasts in the writer's voice.
    (rf"will (?:very |most |almost certainly |surely |probably )?likely{_SCHEDULE}", "prediction"),
    (rf"(?:is|are|was|were|appears?|seems?|now) poised to{_SCHEDULE}", "prediction"),
    (r"(?:is|are) (?:all but )?(?:certain|bound|destined|sure) to", "prediction"),
    (r"(?:it )?remains to be seen", "prediction"),
    (r"only time will tell", "prediction"),
    (r"will almost certainly", "prediction"),
    (r"could (?:well|easily) (?:be|become|prove|spell|mean)", "prediction"),
    (r"(?:is|are) (?:likely|unlikely) to (?:reshape|transform|define|doom|upend)", "prediction"),
    # Readings of what an event means.
    (
        r"(?:a |the )?(?:clear|strong|telling|unmistakable|sure|worrying|troubling) "
        r"(?:sign|signal|indication)",
        "framing",
    ),
    (
        r"signal(?:s|ed|ing|led|ling)? (?:a (?:shift|change|new|turn|break)|an (?:end|era)"
        r"|the (?:end|beginning|start))",
        "framing",
    ),
    (r"marks? a (?:turning point|watershed|new (?:era|chapter)|sea change)", "framing"),
    (r"(?:a|the) turning point", "framing"),
    (r"(?:a|an) (?:watershed|historic) moment", "framing"),
    (r"game[- ]changer", "framing"),
    (r"wake-up call", "framing"),
    (r"sen(?:d|ds|t|ding) a (?:clear |strong |powerful |chilling )?message", "framing"),
    (r"raises? (?:serious|troubling|uncomfortable|fresh) questions", "framing"),
    (r"(?:lays?|laid|laying) bare", "framing"),
    (r"exposing (?:deep |the )?(?:rifts?|divisions?|cracks|fault lines)", "framing"),
    (r"deep(?:ening)? (?:rifts?|divisions?)", "framing"),
    (
        rf"(?:in )?a (?:major|huge|serious|severe|significant|crushing|devastating|stinging) "
        rf"(?:{_BLOWS})",
        "framing",
    ),
    (r"(?:dealt|deals|dealing|deal) a blow", "framing"),
    (r"(?:a|an) (?:stunning|stinging|scathing|sharp|humiliating|remarkable) rebuke", "framing"),
    (r"slap in the face", "framing"),
    (rf"(?:a|an) (?:huge|major|stunning|big|resounding) (?:{_WINS})", "framing"),
    (r"(?:it is|it's) (?:clear|obvious|no surprise|no secret|telling|ironic) that", "judgement"),
    (r"(?:needless|suffice it) to say", "judgement"),
)
"""Predictions, readings of what an event means and loaded framings, as patterns over
words (any run of blanks between them)."""


def _compile(pattern: str) -> re.Pattern[str]:
    spaced = pattern.replace(" ", r"\s+")
    return re.compile(rf"(?<![\w-]){spaced}(?![\w-])", re.IGNORECASE)


MARKERS: tuple[tuple[re.Pattern[str], Sense], ...] = (
    *((_compile(pattern), sense) for pattern, sense in _PHRASES),
    (_compile("(?:" + "|".join(_JUDGEMENT_WORDS) + ")"), "judgement"),
)
"""The lexicon: each pattern with the sense of the wording it finds."""

_SPEECH = re.compile(
    r"(?<![\w-])(?:"
    r"said|says|say|saying|told|tells|telling|add(?:ed|s)|wr(?:ote|ites|iting)|"
    r"argu(?:ed|es|ing)|claim(?:ed|s|ing)|contend(?:ed|s)|insist(?:ed|s|ing)|"
    r"warn(?:ed|s|ing)|predict(?:ed|s|ing)|not(?:ed|es)|stat(?:ed|es)|declar(?:ed|es)|"
    r"describ(?:ed|es|ing)|call(?:ed|s|ing)|believ(?:e|ed|es)|think|thinks|thought|"
    r"according to|in a statement|in an interview|tweet(?:ed|s)|post(?:ed|s) on|"
    r"acknowledg(?:ed|es)|conced(?:ed|es)|admitt(?:ed)|admits|announc(?:ed|es)|"
    r"suggest(?:ed|s)|assert(?:ed|s)|maintain(?:ed|s)|report(?:ed|s)|"
    r"characteri[sz](?:ed|es)|label(?:ed|led|s)|dubb(?:ed)|dubs|brand(?:ed|s)|"
    r"decr(?:ied|ies)|denounc(?:ed|es|ing)|condemn(?:ed|s|ing)|criticiz(?:ed|es|ing)|"
    r"prais(?:ed|es|ing)|hail(?:ed|s|ing)|laud(?:ed|s)|blast(?:ed|s)|slamm(?:ed)|slams|"
    r"accus(?:ed|es|ing)|tout(?:ed|s|ing)|fram(?:ed|es|ing)|fear(?:ed|s)|hop(?:ed|es)|"
    r"expect(?:ed|s)|view(?:ed|s)? (?:it|this|the)|"
    r"in (?:his|her|their|its) (?:view|words|opinion)|to (?:critics|supporters|analysts)"
    r")(?![\w-])",
    re.IGNORECASE,
)
"""Reported speech and thought: a clause holding one of these gives its words to someone."""

_SPEAKER_LABEL = re.compile(r"(?<![\w’'])[A-Z][\w.’'-]+(?: [A-Z][\w.’'-]+){0,3}:\s")
"""A speaker's name before a colon, as transcripts and captions give words ("Sarah Sanders:
Frankly the suggestion is absurd")."""

_OPENER = re.compile(r"(?:In|With|For|As|Amid|Amidst|Despite|After)\b[^,;:]{2,120}?,\s")
"""A sentence-opening phrase ("In a major blow to the president, "): the writer's frame, judged
apart from the rest unless it credits someone itself ("As Johnson says, ...")."""

_SINGLE_QUOTED = re.compile(r"(?<![\w’'])[‘'][^‘’'\n]*?[’'](?![\w’'])")
"""Words in single quotes, as headlines quote them; an apostrophe ("don't", "the '90s")
is not one."""


TITLE_WORD, TITLE_WORDS, TITLE_SHARE = 4, 3, 0.7
"""A headline in title case: of its words of 4 letters or more (3 at least), 70% capitalised."""
QUOTE_LOOKBACK = 4
"""Sentences looked back through for a quotation still open: a quoted statement runs a few
sentences, rarely more."""
_MARKS = '"“”'


@dataclass(frozen=True)
class Marker:
    """Wording of opinion found at ``[start, end)`` of the sentence."""

    text: str
    start: int
    end: int
    sense: Sense


def markers(text: str) -> list[Marker]:
    """The lexicon's matches in ``text`` outside quotations, in order, without overlaps."""
    masked = _mask_quotes(text)
    found: list[Marker] = []
    for pattern, sense in MARKERS:
        for match in pattern.finditer(masked):
            if not any(m.start < match.end() and match.start() < m.end for m in found):
                found.append(Marker(text[match.start() : match.end()], *match.span(), sense))
    return sorted(found, key=lambda m: m.start)


def own_voice(text: str, context: Sequence[str] = ()) -> list[Marker]:
    """The markers in the writer's own voice: not quoted, not credited, not part of a name.

    ``context`` is what the page shows before the sentence, nearest last: a
    sentence that follows an opened, unclosed quotation is inside it (the
    middle sentences of a quoted statement carry no marks of their own).
    """
    if inside_quotation(context):
        return []
    found = markers(text)
    if not found:
        return []
    masked = _mask_quotes(text)
    opener = _OPENER.match(text)
    cut = opener.end() if opener is not None else 0
    if _credited(masked[:cut]):
        return []
    if _credited(masked[cut:]):
        found = [m for m in found if m.start < cut]
    if not found:
        return []
    if _title_case(text):
        return found
    names = analyse(text).entities
    return [m for m in found if not any(e.start < m.end and m.start < e.end for e in names)]


def _title_case(text: str) -> bool:
    """Whether ``text`` capitalises its words as a headline does: there every capital looks
    like a name to the entity recogniser ("Issues Stunning Rebuke" as a person), so names
    are not asked for."""
    longer = [w for w in re.findall(r"[A-Za-z]+", text) if len(w) >= TITLE_WORD]
    capitals = sum(w[0].isupper() for w in longer)
    return len(longer) >= TITLE_WORDS and capitals >= TITLE_SHARE * len(longer)


def _credited(masked: str) -> bool:
    """Whether a stretch of a sentence (its quotations blanked) gives its words to someone."""
    return _SPEECH.search(masked) is not None or _SPEAKER_LABEL.search(masked) is not None


def inside_quotation(context: Sequence[str], lookback: int = QUOTE_LOOKBACK) -> bool:
    """Whether a sentence after ``context`` starts inside a quotation: the nearest earlier
    sentence with a quotation mark leaves one open."""
    for sentence in list(reversed(context))[:lookback]:
        if not any(mark in sentence for mark in _MARKS):
            continue
        return _masked(sentence)[1]
    return False


def opinion_check(claim: Claim) -> Check:
    """Fail a claim that evaluates, predicts or frames in the article's own voice."""
    return check_opinion(claim.text, claim.context, claim.evidence)


def check_opinion(
    text: str, context: Sequence[str] = (), evidence: Sequence[Evidence] = ()
) -> Check:
    """The opinion check on a sentence, for callers without a ``Claim`` (a sentence that no
    source matches still gets it); ``evidence`` names a source whose wording it copies."""
    found = own_voice(text, context)
    if not found:
        return Check("opinion", "pass", "no commentary in the article's own voice")
    shown = ", ".join(f"“{m.text}” ({m.sense})" for m in found[:3])
    copied = _source_of(found, evidence)
    fix = "quote it or credit who said it"
    if copied is not None:
        fix = f"the wording is {copied}'s: quote it or credit {copied}"
    return Check("opinion", "fail", f"commentary in the article's own voice: {shown}; {fix}")


def _source_of(found: list[Marker], evidence: Sequence[Evidence]) -> str | None:
    """The source whose cited text uses one of the markers' wording, if one does."""
    for marker in found:
        wording = normalize(marker.text)
        for span in evidence:
            if wording in normalize(span.quote):
                return span.source.id
    return None


def _mask_quotes(text: str) -> str:
    """``text`` with quoted words blanked, offsets kept (see ``_masked``)."""
    return _masked(text)[0]


def _masked(text: str) -> tuple[str, bool]:
    """``text`` with quoted words blanked, offsets kept, and whether a quotation is left open.

    A sentence may begin or end inside a quotation that runs over several
    sentences, so a closing mark with no opening one blanks everything before
    it, and an opening mark with no closing one everything after. A straight
    mark opens when it follows a blank or the start and precedes a word.
    """
    chars = list(text)
    opened: int | None = None
    for index, char in enumerate(text):
        if char == '"':
            before = text[index - 1] if index else " "
            after = text[index + 1] if index + 1 < len(text) else " "
            opens = (before.isspace() or before in "([{—–-") and not after.isspace()
        elif char in "“”":
            opens = char == "“"
        else:
            continue
        if opens and opened is None:
            opened = index
        elif not opens:
            first = 0 if opened is None else opened
            chars[first : index + 1] = " " * (index + 1 - first)
            opened = None
    if opened is not None:
        chars[opened:] = " " * (len(text) - opened)
    masked = _SINGLE_QUOTED.sub(lambda m: " " * len(m.group()), "".join(chars))
    return masked, opened is not None
