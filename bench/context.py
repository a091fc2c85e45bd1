"""Benchmark the context checks: a sentence copied word for word that misleads where it lands.

Usage (from the repository root)::

    .venv/bin/python bench/context.py [--data FILE_OR_DIR ...] [--per-kind N] [--limit N]
                                      [--no-model] [--dump-cases FILE]

Every case is a pair of small Markdown articles built from one labelled story
(``cluster_id``) and checked with ``newsdesk.verify.check_article`` against all
of that story's articles. The pair shares one *target* sentence, copied from a
source; only the verdict on the target is measured:

* **distorted**: the target placed where it misleads;
* **faithful**: the same target where it means what it meant in the source.

Kinds:

``pronoun``
    A source sentence whose subject or speaker is a personal pronoun ("He
    said…", "“…,” she added", "His office…") right after a source sentence that
    names exactly one person. Distorted: after a sentence of the same story
    that names exactly one *other* person and that its own source follows with
    the same pronoun (so "he" is as natural for the intruder as for the original
    referent). Faithful: after its own preceding source sentence.
``speaker``
    A source sentence that quotes a named speaker (``speakers.speaker_of``,
    the speaker a PERSON entity). Distorted: the quotation alone, either credited
    to the outlet that printed it ("Reuters reported: “…”") or bare ("“…”").
    Faithful: the sentence as printed, speaker named.
``credit``
    A passage the source reproduced from another outlet: the paragraph after
    "… (via NBC News):", a sentence ending ", The Washington Post reported." or
    ", according to The Seattle Times.", or one saying someone "told The Post".
    Distorted: credited to the outlet that only reproduced it ("According to
    Townhall, …", "… told Townhall"). Faithful: credited to the original.
``time``
    A sentence opening with a relative time phrase that has no anchor of its own
    ("Hours later,", "The next day,", "Shortly afterward,"). Distorted: after a
    sentence of the same story about another event (it names a day, date or
    year, shares at most 10% of its content words with the target and its own
    preceding sentence, and sits in another article or at least 4 sentences
    away). Faithful: after its own preceding source sentence.

Cases come from the train and val splits only (``split`` in ``stories.jsonl``;
a set without a split field is used whole), at most ``--per-kind`` pairs per
kind and two per story and kind, chosen with a fixed seed.

A distorted case is *caught* when its target is not "supported"; the table
also shows how many were caught by a check of kind ``context``, ``speaker`` or
``attribution`` (the checks whose job this is). A faithful case is a *false
alarm* when its target is not supported. ``sentences_per_s`` is sentences
checked per second (every claim of each case article: headline, preceding
sentence and target), warm (after each story's sources were indexed once),
counting the ``check_article`` calls only; each call also indexes its sources
again, as ``newsdesk check`` does per article. The last line of output is one JSON
object: ``{"recall": float, "false_alarms": float, "per_kind": {KIND: {"recall":
float, "false_alarms": float, "n": int}}, "sentences_per_s": float}``.
"""

from __future__ import annotations

import argparse
import itertools
import json
import random
import re
import sys
import time
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from benchdata import data_file, read_articles, text_lines

from newsdesk.language.attribution import attribute, display_name, is_outlet, same_outlet
from newsdesk.language.entities import Analysis, analyse_many, pipeline
from newsdesk.language.speakers import speaker_of
from newsdesk.language.text import Span, content_words, normalize, sentences, words
from newsdesk.records import Article
from newsdesk.verify import check_article

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "data"
FULLTEXT = SHARED / "clusters" / "allsides_fulltext"
DEFAULT_DATA = (FULLTEXT,)
SPLITS = frozenset({"train", "val"})
"""Cases are built from these splits only: the test split stays unseen."""
KINDS = ("pronoun", "speaker", "credit", "time", "description", "place")
CONTEXT_CHECKS = frozenset({"context", "speaker", "attribution"})
"""Check kinds whose job these cases are: a catch by another check is counted apart."""
SEED = 20261127
PER_KIND = 100
PER_STORY = 2
"""Pairs per story and kind at most, so that a few long stories do not fill a kind."""
MIN_WORDS, MAX_WORDS = 6, 60
MIN_QUOTE_WORDS = 6
MAX_FRAME_WORDS = 10
"""Words of a speaker sentence outside its quotation: more, and the bare quote loses content."""
MAX_OVERLAP = 0.1
"""Content-word Jaccard above which an intruder may be about the same event."""
MIN_DISTANCE = 4
"""Sentences between a ``time`` target and an intruder taken from the same article."""

_SAY = (
    r"(?:said|says|added|adds|told|tells|wrote|writes|argued|noted|explained|continued"
    r"|insisted|warned|recalled)"
)
PRONOUN_START = re.compile(r"^\(?(?P<pronoun>He|She|His|Her)\b")
"""A pronoun opening a quotation ("“He's put victims in danger”") means what its speaker
meant, not what the page's last sentence suggests: not this kind."""
PRONOUN_SAID = re.compile(rf"[,”\"]\s+(?P<pronoun>he|she)\s+{_SAY}\b")
ANY_PRONOUN = re.compile(r"\b(?:he|she|his|her|him|hers)\b", re.IGNORECASE)
GENDER = {"he": "m", "his": "m", "she": "f", "her": "f"}

QUOTED = re.compile(r"[“\"]([^”\"]+)[”\"]")
QUOTE_FIRST = re.compile(r"^[“\"]")
QUOTE_LAST = re.compile(r"[:,]\s+[“\"][^”\"]+[”\"]$")
"""A speaker sentence is its quotation and the credit: the quote opens it, or closes it
after "Jane Doe said:"."""

VIA = re.compile(r"\(via (?P<outlet>[^()\n]{2,40})\)\s*:\s*$")
_NAME = r"(?:the\s+)?[A-Z][\w.&'’!-]*(?:\s+(?:of\s+|the\s+)?[A-Z][\w.&'’!-]*){0,5}"
CREDIT_FORMS = (
    re.compile(rf"^(?P<claim>[A-Z].+?),\s+(?P<outlet>{_NAME}) reported\.$", re.S),
    re.compile(rf"^(?P<claim>[A-Z].+?),\s+according to (?P<outlet>{_NAME})\.$", re.S),
    re.compile(rf"^According to (?P<outlet>{_NAME}),\s+(?P<claim>.+)$", re.S),
)
TOLD = re.compile(rf"\btold (?P<outlet>{_NAME})")
TRAILING = re.compile(
    r"(?:\s+(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|on|in|that))+$"
)
"""What a name match may run into after "told CNN": "told CNN Sunday"."""

_UNITS = r"(?:Seconds|Minutes|Moments|Hours|Days|Weeks|Months|Years)"
RELATIVE_TIME = re.compile(
    rf"^(?:{_UNITS} later"
    rf"|(?:The|A) (?:next|following) (?:day|morning|afternoon|evening|night|week)"
    rf"|(?:The|A) day (?:after|later)"
    rf"|(?:Later|Earlier) (?:that|the same) (?:day|morning|afternoon|evening|night|week)"
    rf"|(?:That|The) same (?:day|morning|afternoon|evening|night|week)"
    rf"|(?:Shortly|Soon|Not long|Immediately) (?:after|afterward|afterwards|thereafter)"
    rf"|Afterwards?|Moments afterward|Within (?:seconds|minutes|hours|days))\s*,"
)
"""A relative time phrase with nothing after it to anchor it: "Hours later," yes,
"Hours after the vote," no (that one says what it is after)."""
THERE = re.compile(
    r"(?<!here and )(?<!from )(?<!out )(?<!up )(?<!down )\bthere\b(?!\s+(?:is|are|was|were"
    r"|will|would|has|have|had|may|might|could|should|must|can|seems?|appears?|remains?"
    r"|exists?|be|been|being|also|still|now|just|never|likely|isn|aren|wasn|weren|won|hasn"
    r"|haven|hadn|doesn|didn|don|shouldn|couldn|for)\b)(?!\s*[’'])"
    r"|\b(?:was|were) also (?:present|there|on hand|in attendance)\b",
    re.IGNORECASE,
)
"""A place told by reference ("Trump won there", "Gore was also present"), not the "there"
of "there is"."""
PLACED = re.compile(r"\b(?:in|at|from|near|outside|inside|to)\s+(?:the\s+)?[A-Z][a-z]")
"""A sentence that may set something somewhere: the recogniser confirms the place."""
PLACE_LABELS = frozenset({"GPE", "LOC", "FAC"})

WHEN = re.compile(
    r"\b(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|January|February|March"
    r"|April|May|June|July|August|September|October|November|December|yesterday|today"
    r"|tonight|last (?:week|month|year|night)|(?:19|20)\d\d)\b"
)
"""An intruder for ``time`` must say when its own event happened."""

DESCRIPTION_NOUNS = (
    "deal|agreement|accord|treaty|newspaper|network|company|firm|bill"
    "|legislation|measure|ruling|decision|attack|shooting|report|study|statement|plan"
    "|proposal|downturn|recession|crisis|program|investigation|probe|lawsuit|case"
)
DESCRIPTION = re.compile(
    rf"^The (?P<noun>{DESCRIPTION_NOUNS})\b"
    r"(?!\s+(?:of|that|which|who|to|for|from|by|in|on|at)\b)(?![-’'])"
)
"""A sentence whose subject is a thing told before: "The deal would…", not "The deal that
Congress passed…" (which says which deal)."""

GLUED = re.compile(r"[a-z]{3}(?:[A-Z][a-z]|MORE\b)")
"""Link text run into the prose ("James Norman MattisFormer Mattis staffer…", "KellyMORE"),
as some pages of the data carry it: not a sentence a writer would copy."""
_MARKUP = re.compile(r"[\[\]`*_|<>#]|https?:|www\.|^\s*(?:[-+>]|\d+[.)])\s")


# --------------------------------------------------------------------------- data


@dataclass(frozen=True)
class Story:
    """A labelled story: its id, headline, date and articles."""

    id: str
    title: str
    date: str | None
    articles: tuple[Article, ...]


def make_story(story_id: str, title: str, articles: Sequence[Article]) -> Story:
    dates = sorted(a.published for a in articles if a.published)
    title = " ".join(title.split()) or " ".join(articles[0].title.split()) or "Story"
    return Story(story_id, title, dates[-1] if dates else None, tuple(articles))


def load_stories(path: Path, limit: int | None = None) -> tuple[str, list[Story]]:
    """The name of a dataset and its stories, train and val only where rows carry a split.

    ``path`` is an articles file (stories are its ``cluster_id`` groups) or a
    folder with ``articles.jsonl[.gz]`` and, optionally, ``stories.jsonl``.
    """
    if path.is_dir():
        articles_file = data_file(path, "articles")
        if articles_file is None:
            raise SystemExit(f"{path}: no articles.jsonl or articles.jsonl.gz")
        stories_file = data_file(path, "stories")
        name = path.name
    elif path.is_file():
        articles_file, stories_file = path, None
        name = path.name.split(".")[0]
    else:
        raise SystemExit(f"{path}: no such file or folder")
    articles = read_articles(articles_file)
    groups: dict[str, list[Article]] = {}
    for article in articles:
        cluster = article.extra.get("cluster_id")
        if cluster is not None:
            groups.setdefault(str(cluster), []).append(article)
    stories: list[Story] = []
    if stories_file is None:
        stories = [make_story(cid, group[0].title, group) for cid, group in groups.items()]
    else:
        rows = [json.loads(line) for line in text_lines(stories_file)]
        if any("split" in row for row in rows):
            rows = [row for row in rows if row.get("split") in SPLITS]
            name += " (train+val)"
        by_id = {a.id: a for a in articles}
        for row in rows:
            cid = str(row["cluster_id"])
            members = [by_id[i] for i in row.get("article_ids", ()) if i in by_id]
            members = members or groups.get(cid, [])
            if members:
                title = str(row.get("headline") or row.get("title") or "")
                stories.append(make_story(cid, title, members))
    return name, stories[:limit] if limit is not None else stories


# --------------------------------------------------------------------------- cases


@dataclass(frozen=True)
class Pair:
    """One case: the target sentence twice, where it misleads and where it does not."""

    kind: str
    form: str
    story_id: str
    title: str
    as_of: str | None
    source_id: str
    source_outlet: str
    original: str
    """The source sentence the target was copied or credited from, as printed."""
    note: str
    distorted_preceding: str | None
    distorted: str
    faithful_preceding: str | None
    faithful: str

    def markdown(self, variant: str) -> tuple[str, int]:
        """The case article and the offset where its target sentence starts."""
        preceding, target = (
            (self.distorted_preceding, self.distorted)
            if variant == "distorted"
            else (self.faithful_preceding, self.faithful)
        )
        head = f"# {self.title}\n\n"
        if preceding:
            head += f"{preceding}\n\n"
        return head + target + "\n", len(head)

    @property
    def order(self) -> tuple[str, str, str]:
        return (self.story_id, self.source_id, self.original)


@dataclass
class StoryText:
    """A story's sentences, split once: (article, index, span) in article order."""

    story: Story
    spans: dict[str, list[Span]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.spans = {a.id: list(sentences(a.text)) for a in self.story.articles}

    def each(self) -> Iterator[tuple[Article, int, Span]]:
        for article in self.story.articles:
            for index, span in enumerate(self.spans[article.id]):
                yield article, index, span


def usable(text: str, min_words: int = MIN_WORDS) -> bool:
    """A sentence that reads as one Markdown paragraph, unchanged, and is worth checking."""
    count = len(text.split())
    return (
        min_words <= count <= MAX_WORDS
        and "\n" not in text
        and _MARKUP.search(text) is None
        and text[-1] in ".!?”\"'’"
        and not text.rstrip("”\"'’").endswith(":")
        and text.count("“") == text.count("”")
        and text.count('"') % 2 == 0
        and GLUED.search(text) is None
    )


RELATIVE_DAY = re.compile(
    r"\b(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|yesterday|today|tonight"
    r"|tomorrow|(?:last|this|next) (?:week|month|year))\b",
    re.IGNORECASE,
)


def dated_apart(sentence: str, article: Article, story: Story) -> bool:
    """Whether ``sentence`` names a day relative to its article's date, and the case is
    checked as of a later one (the story's newest date, as newsdesk writes it): then
    "on Thursday" means another Thursday on the page, a date finding that has nothing
    to do with context and would hit both variants alike."""
    return article.published != story.date and RELATIVE_DAY.search(sentence) is not None


def _rng(*parts: str) -> random.Random:
    """A generator seeded by the case, so a choice never depends on what was built before it."""
    return random.Random("\x1f".join((str(SEED), *parts)))


def surname(name: str) -> str:
    found = words(re.sub(r"['’]s$", "", name.strip()))
    return found[-1] if found else ""


def same_person(a: str, b: str) -> bool:
    """Same person when one name's words hold the other's surname ("Pelosi" ~ "Nancy Pelosi")."""
    first, second = words(a), words(b)
    return bool(first and second) and (surname(a) in second or surname(b) in first)


def people(analysis: Analysis, end: int | None = None) -> list[tuple[str, int, bool]]:
    """The distinct people an analysis names (before ``end``): one (name, offset, quoted)
    per surname, at its first mention; ``quoted`` when that is inside a quotation."""
    quoted = [m.span() for m in QUOTED.finditer(analysis.text)]
    found: list[tuple[str, int, bool]] = []
    for entity in analysis.of("PERSON"):
        if end is not None and entity.start >= end:
            break
        name = re.sub(r"['’]s$", "", entity.text.strip())
        if surname(name) and not any(same_person(name, other[0]) for other in found):
            inside = any(a <= entity.start < b for a, b in quoted)
            found.append((name, entity.start, inside))
    return found


SUBJECT_PREFIX = re.compile(r"(?:[“\"]?(?:[A-Z][\w.’'-]*|the|former),?\s+)*")
"""What may stand before a sentence's subject: capitalised words ("But", "On Tuesday,",
"Senate Majority Leader"), "the" and "former". A lower-case word means the name sits
in a clause of its own ("the death of George Floyd"), not in subject position."""


def named_subject(sentence: str, analysis: Analysis) -> str | None:
    """The one person a sentence is about, if it names exactly one, outside quotations,
    as its subject ("Sen. Jane Doe said…") or as the speaker of its quotation."""
    named = people(analysis)
    if len(named) != 1 or named[0][2]:
        return None
    name, start, _ = named[0]
    if SUBJECT_PREFIX.fullmatch(sentence[:start]) is not None:
        return name
    speaker = speaker_of(sentence)
    return name if speaker is not None and same_person(speaker, name) else None


def mentions(text: str, name: str) -> bool:
    return surname(name) in words(text)


def pronoun_in(text: str) -> tuple[str, int] | None:
    """The pronoun a sentence uses as its subject or speaker, and where it is."""
    match = PRONOUN_START.match(text) or PRONOUN_SAID.search(text)
    if match is None:
        return None
    return match.group("pronoun").lower(), match.start("pronoun")


@dataclass(frozen=True)
class _Anchored:
    """A pronoun sentence and its preceding source sentence, naming one person."""

    article: Article
    gender: str
    pronoun: str
    person: str
    preceding: str
    target: str


def pronoun_pairs(text: StoryText) -> list[Pair]:
    story = text.story
    raw: list[tuple[Article, str, int, str, str]] = []
    for article, index, span in text.each():
        found = pronoun_in(span.text)
        if index == 0 or found is None:
            continue
        previous = text.spans[article.id][index - 1].text
        if pronoun_in(previous) is not None or ANY_PRONOUN.search(previous):
            continue  # the referent may be the previous sentence's own pronoun's
        raw.append((article, found[0], found[1], previous, span.text))
    analyses = analyse_many([t for r in raw for t in (r[3], r[4])])
    anchored: list[_Anchored] = []
    for n, (article, pronoun, at, previous, target) in enumerate(raw):
        person = named_subject(previous, analyses[2 * n])
        if person is None or people(analyses[2 * n + 1], end=at):
            continue
        anchored.append(_Anchored(article, GENDER[pronoun], pronoun, person, previous, target))
    pairs: list[Pair] = []
    for case in anchored:
        if not (usable(case.target) and usable(case.preceding)):
            continue
        if dated_apart(case.target, case.article, story):
            continue
        intruders = sorted(
            {
                (other.person, other.preceding)
                for other in anchored
                if other.gender == case.gender
                and usable(other.preceding)
                and normalize(other.preceding) != normalize(case.preceding)
                and not same_person(other.person, case.person)
                and not mentions(other.preceding, case.person)
                and not mentions(case.target, other.person)
            }
        )
        if not intruders:
            continue
        person, intruder = _rng(story.id, case.article.id, case.target).choice(intruders)
        pairs.append(
            Pair(
                kind="pronoun",
                form="start" if PRONOUN_START.match(case.target) else "said",
                story_id=story.id,
                title=story.title,
                as_of=story.date,
                source_id=case.article.id,
                source_outlet=case.article.outlet,
                original=case.target,
                note=f"{case.pronoun!r} is {case.person} in the source; the page names {person}",
                distorted_preceding=intruder,
                distorted=case.target,
                faithful_preceding=case.preceding,
                faithful=case.target,
            )
        )
    return pairs


def bare_quote(quote: str) -> str:
    """A quotation as a sentence of its own: “…,” becomes “….”."""
    quote = quote.strip().rstrip(",;: ")
    if quote[-1:] not in {".", "!", "?"}:
        quote += "."
    return f"“{quote}”"


def speaker_pairs(text: StoryText) -> list[Pair]:
    story = text.story
    raw: list[tuple[Article, str, str, str]] = []
    for article, _, span in text.each():
        quoted = QUOTED.findall(span.text)
        if len(quoted) != 1 or len(words(quoted[0])) < MIN_QUOTE_WORDS:
            continue
        frame = QUOTED.sub(" ", span.text)
        if not usable(span.text) or ANY_PRONOUN.search(frame) or not quoted[0][:1].isupper():
            continue
        if not (QUOTE_FIRST.match(span.text) or QUOTE_LAST.search(span.text)):
            continue  # "Covid-19 has “brought this nation to its knees”": a fragment
        if dated_apart(span.text, article, story):
            continue
        speaker = speaker_of(span.text)
        if speaker is None or len(frame.split()) > MAX_FRAME_WORDS:
            continue
        raw.append((article, span.text, quoted[0], speaker))
    analyses = analyse_many([r[1] for r in raw])
    pairs = []
    for (article, sentence, quote, speaker), analysis in zip(raw, analyses, strict=True):
        if not any(same_person(speaker, p[0]) for p in people(analysis)):
            continue  # "said the White House": not a person, not this kind
        form = _rng(story.id, article.id, sentence).choice(("outlet", "bare"))
        bare = bare_quote(quote)
        if not usable(bare):
            continue
        outlet = display_name(article.outlet)
        distorted = f"{outlet} reported: {bare}" if form == "outlet" else bare
        pairs.append(
            Pair(
                kind="speaker",
                form=form,
                story_id=story.id,
                title=story.title,
                as_of=story.date,
                source_id=article.id,
                source_outlet=article.outlet,
                original=sentence,
                note=f"the source gives these words to {speaker}",
                distorted_preceding=None,
                distorted=distorted,
                faithful_preceding=None,
                faithful=sentence,
            )
        )
    return pairs


def _lower_first(text: str) -> str:
    return text if text[:2].isupper() else text[:1].lower() + text[1:]


def press(credit: str) -> bool:
    """Whether a credit names a news outlet as such: not a programme or a reporter of one
    ("NBC’s “Meet the Press”", "CNN's Jake Tapper", "Fox News'") nor an agency that is not
    a news agency ("the U.N. Refugee Agency", which ``is_outlet`` reads as one)."""
    if re.search(r"['’](?:s\b|$)", credit, re.IGNORECASE):
        return False
    named = set(words(credit))
    return "agency" not in named or bool(named & {"news", "press"})


_DESK_WORDS = frozenset({"the", "news", "online", "web", "foundation", "com", "channel"})


def related(a: str, b: str) -> bool:
    """The same outlet or one of its desks: "Fox News" and "Fox Online News", "NPR" and "NPR
    Online News", "The Daily Caller" and "The Daily Caller News Foundation"."""
    if same_outlet(a, b):
        return True
    first = {w.removesuffix("'s") for w in words(display_name(a))} - _DESK_WORDS
    second = {w.removesuffix("'s") for w in words(display_name(b))} - _DESK_WORDS
    return bool(first and second) and (first <= second or second <= first)


def credit_pairs(text: StoryText) -> list[Pair]:
    story = text.story
    known = {a.outlet for a in story.articles}
    pairs = []

    def add(article: Article, form: str, original: str, credit: str, a: str, b: str) -> None:
        if not (usable(a) and usable(b)) or normalize(a) == normalize(b):
            return
        if ANY_PRONOUN.search(QUOTED.sub(" ", original)):
            return  # "he told the Post": leans on its context for the speaker too
        if dated_apart(original, article, story) or not press(credit):
            return
        pairs.append(
            Pair(
                kind="credit",
                form=form,
                story_id=story.id,
                title=story.title,
                as_of=story.date,
                source_id=article.id,
                source_outlet=article.outlet,
                original=original,
                note=f"{display_name(article.outlet)} reproduces {credit}",
                distorted_preceding=None,
                distorted=a,
                faithful_preceding=None,
                faithful=b,
            )
        )

    for article in story.articles:
        mine = display_name(article.outlet)
        paragraphs = [p.strip() for p in article.text.split("\n\n")]
        for before, after in itertools.pairwise(paragraphs):
            via = VIA.search(before)
            first = next(sentences(after), None)
            if via is None or first is None:
                continue
            credit = via.group("outlet").strip()
            if related(credit, article.outlet):
                continue
            add(
                article,
                "via",
                first.text,
                credit,
                attribute(first.text, mine),
                attribute(first.text, credit),
            )
        for span in text.spans[article.id]:
            for number, pattern in enumerate(CREDIT_FORMS):
                match = pattern.match(span.text)
                if match is None:
                    continue
                credit = match.group("outlet")
                if not is_outlet(credit, known) or related(credit, article.outlet):
                    break
                claim = match.group("claim")
                if number < 2:
                    claim += "."
                elif claim[:1].islower():
                    claim = claim[0].upper() + claim[1:]
                form = ("reported", "according", "according")[number]
                add(
                    article,
                    form,
                    span.text,
                    credit,
                    attribute(claim, mine),
                    attribute(claim, display_name(credit)),
                )
                break
            else:
                told = TOLD.search(span.text)
                if told is None:
                    continue
                credit = TRAILING.sub("", told.group("outlet"))
                start = told.start("outlet")
                if any(a < start < b for a, b in (m.span() for m in QUOTED.finditer(span.text))):
                    continue  # inside a quotation, a changed word is a misquote
                after = span.text[start + len(credit) : start + len(credit) + 2]
                if after[:1] in {"'", "’"}:
                    continue  # "told CNN’s “New Day”": a programme, not the outlet
                if not is_outlet(credit, known) or related(credit, article.outlet):
                    continue
                swapped = span.text[:start] + mine + span.text[start + len(credit) :]
                add(article, "told", span.text, credit, swapped, span.text)
    return pairs


Located = tuple[Article, int, str]
"""A sentence of a story: its article, its index there, its text."""


def intruder_pool(text: StoryText, marker: re.Pattern[str], own: re.Pattern[str]) -> list[Located]:
    """Sentences that could stand before a target as another event: long enough, holding
    ``marker`` (a date, a place), with no quotation, no reference of the target's own kind
    (``own``) and no pronoun, so that they lean on nothing themselves."""
    return [
        (article, index, span.text)
        for article, index, span in text.each()
        if usable(span.text, 8)
        and marker.search(span.text)
        and not QUOTED.search(span.text)
        and not own.search(span.text)
        and pronoun_in(span.text) is None
    ]


def unlike(pool: Iterable[Located], article: Article, index: int, anchor: set[str]) -> list[str]:
    """The pool's sentences far from the target (another article, or ``MIN_DISTANCE``
    sentences away) that share at most ``MAX_OVERLAP`` of the target's and its anchor's
    words: likely another event."""
    return sorted(
        {
            other
            for other_article, other_index, other in pool
            if (other_article.id != article.id or abs(other_index - index) >= MIN_DISTANCE)
            and _jaccard(set(content_words(other)), anchor) <= MAX_OVERLAP
        }
    )


def time_pairs(text: StoryText) -> list[Pair]:
    story = text.story
    every = intruder_pool(text, WHEN, RELATIVE_TIME)
    pairs = []
    for article, index, span in text.each():
        phrase = RELATIVE_TIME.match(span.text)
        if index == 0 or phrase is None or not usable(span.text):
            continue
        if ANY_PRONOUN.search(span.text) or dated_apart(span.text, article, story):
            continue  # "Afterward, she…" leans on its context twice: that is ``pronoun``
        preceding = text.spans[article.id][index - 1].text
        if not usable(preceding) or RELATIVE_TIME.match(preceding):
            continue
        anchor = set(content_words(preceding)) | set(content_words(span.text))
        intruders = unlike(every, article, index, anchor)
        if not intruders:
            continue
        note = f"{phrase.group(0).rstrip(' ,')!r} follows: {preceding}"
        form = phrase.group(0).rstrip(" ,").lower()
        pairs.append(placed("time", form, story, article, span.text, preceding, intruders, note))
    return pairs


def place_names(texts: Iterable[str]) -> dict[str, frozenset[str]]:
    """The places (countries, cities, regions, buildings) the recogniser finds in each text."""
    wanted = list(dict.fromkeys(texts))
    return {
        text: frozenset(e.text.lower() for e in analysis.entities if e.label in PLACE_LABELS)
        for text, analysis in zip(wanted, analyse_many(wanted), strict=True)
    }


def place_pairs(text: StoryText) -> list[Pair]:
    """Targets that lean on a place told before ("there", "was also present"), right after
    the source sentence that names it; intruders set something in other places (none the
    target's sentence before names) and share at most ``MAX_OVERLAP`` of its words."""
    story = text.story
    targets = []
    for article, index, span in text.each():
        match = THERE.search(span.text)
        if index == 0 or match is None or not usable(span.text) or QUOTED.search(span.text):
            continue
        if ANY_PRONOUN.search(span.text):
            continue  # it leans on a person too: that is ``pronoun``
        preceding = text.spans[article.id][index - 1].text
        if usable(preceding) and not THERE.search(preceding):
            form = match.group(0).lower()
            targets.append((article, index, span.text, preceding, form, match.start()))
    if not targets:
        return []
    every = intruder_pool(text, PLACED, THERE)
    openings = [t[2][: t[5]] for t in targets]
    names = place_names([t[3] for t in targets] + openings + [other for _, _, other in every])
    pairs = []
    for (article, index, target, preceding, form, _), opening in zip(
        targets, openings, strict=True
    ):
        own = names[preceding]
        if not own or names[opening]:
            continue  # nothing to lean on, or the target names its own place first
        anchor = set(content_words(preceding)) | set(content_words(target))
        elsewhere = [
            located for located in every if names[located[2]] and not names[located[2]] & own
        ]
        intruders = unlike(elsewhere, article, index, anchor)
        if not intruders:
            continue
        note = f"{form!r} is where: {preceding}"
        pairs.append(placed("place", form, story, article, target, preceding, intruders, note))
    return pairs


class Elsewhere:
    """Sentences of every story that name a thing of a ``DESCRIPTION`` noun, by noun.

    A ``description`` intruder comes from another story: within one story, a sentence
    that names "the bill" with few words in common with the target was as often the
    same bill as another one, so a label drawn from there would be a guess; across
    stories (different events by the cluster labels) it is another bill.
    """

    def __init__(self, texts: Iterable[StoryText]) -> None:
        self.by_noun: dict[str, list[tuple[str, str]]] = {}
        nouns = re.compile(rf"\b(?P<noun>{DESCRIPTION_NOUNS})s?\b", re.IGNORECASE)
        for text in texts:
            for _, _, span in text.each():
                if not usable(span.text, 8) or DESCRIPTION.match(span.text):
                    continue
                if QUOTED.search(span.text) or ANY_PRONOUN.search(span.text):
                    continue
                for noun in {m.group("noun").lower() for m in nouns.finditer(span.text)}:
                    self.by_noun.setdefault(noun, []).append((text.story.id, span.text))

    def naming(self, noun: str, story_id: str) -> list[str]:
        return sorted({t for other, t in self.by_noun.get(noun, []) if other != story_id})


def description_pairs(text: StoryText, elsewhere: Elsewhere) -> list[Pair]:
    """Targets opening with "The deal", "The newspaper", …, right after the source sentence
    that names the thing (same noun); intruders name a thing of that noun in another
    story (``Elsewhere``)."""
    story = text.story
    pairs = []
    for article, index, span in text.each():
        opening = DESCRIPTION.match(span.text)
        if index == 0 or opening is None or not usable(span.text):
            continue
        if ANY_PRONOUN.search(span.text) or RELATIVE_TIME.match(span.text):
            continue
        noun = opening.group("noun").lower()
        said = re.compile(rf"\b{noun}s?\b", re.IGNORECASE)
        preceding = text.spans[article.id][index - 1].text
        if not usable(preceding) or not said.search(preceding) or DESCRIPTION.match(preceding):
            continue
        anchor = set(content_words(preceding)) | set(content_words(span.text))
        intruders = [
            other
            for other in elsewhere.naming(noun, story.id)
            if _jaccard(set(content_words(other)), anchor) <= MAX_OVERLAP
        ]
        if not intruders:
            continue
        note = f"{opening.group(0)!r} is the one in: {preceding}"
        pairs.append(
            placed("description", noun, story, article, span.text, preceding, intruders, note)
        )
    return pairs


def placed(
    kind: str,
    form: str,
    story: Story,
    article: Article,
    target: str,
    preceding: str,
    intruders: Sequence[str],
    note: str,
) -> Pair:
    """A target after its own preceding sentence (faithful) or after an intruder chosen with
    the fixed seed (distorted)."""
    intruder = _rng(story.id, article.id, target).choice(intruders)
    return Pair(
        kind=kind,
        form=form,
        story_id=story.id,
        title=story.title,
        as_of=story.date,
        source_id=article.id,
        source_outlet=article.outlet,
        original=target,
        note=note,
        distorted_preceding=intruder,
        distorted=target,
        faithful_preceding=preceding,
        faithful=target,
    )


def _jaccard(a: set[str], b: set[str]) -> float:
    return len(a & b) / len(a | b) if a | b else 0.0


BUILDERS = {
    "pronoun": pronoun_pairs,
    "speaker": speaker_pairs,
    "credit": credit_pairs,
    "time": time_pairs,
    "place": place_pairs,
}
"""Builders that read one story; ``description`` also reads the others (``Elsewhere``)."""


def build_pairs(
    stories: Iterable[Story], per_kind: int, kinds: Sequence[str] = KINDS
) -> tuple[dict[str, list[Pair]], dict[str, int]]:
    """Up to ``per_kind`` pairs of each kind (two per story at most), and how many were found.

    Candidates are sorted, then shuffled with the fixed seed, so the same data
    always gives the same cases; a target printed by several sources counts once.
    """
    found: dict[str, list[Pair]] = {kind: [] for kind in kinds}
    texts = [StoryText(story) for story in stories]
    elsewhere = Elsewhere(texts) if "description" in kinds else Elsewhere(())
    for text in texts:
        for kind in kinds:
            if kind == "description":
                found[kind].extend(description_pairs(text, elsewhere))
            else:
                found[kind].extend(BUILDERS[kind](text))
    chosen: dict[str, list[Pair]] = {}
    available: dict[str, int] = {}
    for kind in kinds:
        candidates: dict[str, Pair] = {}
        for pair in sorted(found[kind], key=lambda p: p.order):
            candidates.setdefault(normalize(pair.distorted + "\x1f" + pair.faithful), pair)
        shuffled = list(candidates.values())
        random.Random(f"{SEED}:{kind}").shuffle(shuffled)
        available[kind] = len(shuffled)
        chosen[kind] = pick(shuffled, per_kind)
    return chosen, available


def pick(shuffled: Sequence[Pair], count: int) -> list[Pair]:
    """Up to ``count`` pairs, forms taking turns (so that a common form, "told X", does not
    crowd out a rare one, "(via X):"), at most ``PER_STORY`` from one story."""
    queues: dict[str, list[Pair]] = {}
    for pair in shuffled:
        queues.setdefault(pair.form, []).append(pair)
    per_story: dict[str, int] = {}
    picked: list[Pair] = []
    while len(picked) < count and any(queues.values()):
        for form in sorted(queues):
            queue = queues[form]
            while queue:
                pair = queue.pop(0)
                if per_story.get(pair.story_id, 0) < PER_STORY:
                    per_story[pair.story_id] = per_story.get(pair.story_id, 0) + 1
                    picked.append(pair)
                    break
            if len(picked) >= count:
                break
    return picked


# --------------------------------------------------------------------------- checking


@dataclass(frozen=True)
class Outcome:
    """The checker's finding on one variant's target sentence."""

    verdict: str
    failed: tuple[str, ...]
    reason: str
    checked: int = 0
    """Sentences of the case article the checker judged (headline and preceding included)."""

    @property
    def flagged(self) -> bool:
        return self.verdict != "supported"

    @property
    def by_context(self) -> bool:
        return bool(CONTEXT_CHECKS.intersection(self.failed))


def check_case(pair: Pair, variant: str, sources: Sequence[Article], model: bool) -> Outcome:
    """Check the variant's article and read the verdict on its target sentence only.

    Where Markdown reading splits the target into several units, it is supported
    only if all of them are.
    """
    article, offset = pair.markdown(variant)
    report = check_article(article, sources, name="case.md", as_of=pair.as_of, model=model)
    target = [c for c in report.claims if c.unit.field is None and c.unit.start >= offset]
    checked = len(report.claims)
    if not target:
        return Outcome(
            "unsupported", ("parse",), "the target sentence was not read as a claim", checked
        )
    flagged = [c for c in target if c.verdict != "supported"]
    failed = tuple(
        dict.fromkeys(k.kind for c in target for k in c.result.checks if k.verdict == "fail")
    )
    if not flagged:
        return Outcome("supported", failed, "", checked)
    worst = "contradicted" if any(c.verdict == "contradicted" for c in flagged) else "unsupported"
    return Outcome(worst, failed, " ".join(flagged[0].result.reason.split()), checked)


@dataclass
class Tally:
    n: int = 0
    caught: int = 0
    by_context: int = 0
    false_alarms: int = 0
    failed_kinds: dict[str, int] = field(default_factory=dict)

    def add(self, distorted: Outcome, faithful: Outcome) -> None:
        self.n += 1
        self.caught += distorted.flagged
        self.by_context += distorted.flagged and distorted.by_context
        self.false_alarms += faithful.flagged
        for kind in distorted.failed:
            self.failed_kinds[kind] = self.failed_kinds.get(kind, 0) + 1

    def rate(self, count: int) -> float:
        return round(count / self.n, 4) if self.n else 0.0


def run(
    pairs: dict[str, list[Pair]],
    sources: dict[str, tuple[Article, ...]],
    model: bool,
    dump: Path | None = None,
) -> tuple[dict[str, Tally], float]:
    """Check every pair; the tallies per kind and sentences checked per second (warm).

    Warm-up, outside the timing: every story's headline is checked alone against
    its sources first, which loads the models and indexes the sources (a newsdesk
    run indexes a story's sources once and checks all its sentences against them).
    """
    everything = [p for kind in pairs for p in pairs[kind]]
    started = time.perf_counter()
    titles = {p.story_id: (p.title, p.as_of) for p in everything}
    for story_id, (title, as_of) in titles.items():
        check_article(f"# {title}\n", sources[story_id], name="warm.md", as_of=as_of, model=model)
    print(
        f"  warm-up: sources of {len(titles)} stories indexed in"
        f" {time.perf_counter() - started:.1f}s",
        file=sys.stderr,
    )
    tallies = {kind: Tally() for kind in pairs}
    records: list[dict[str, Any]] = []
    elapsed = 0.0
    checked = 0
    for number, pair in enumerate(everything, start=1):
        started = time.perf_counter()
        distorted = check_case(pair, "distorted", sources[pair.story_id], model)
        faithful = check_case(pair, "faithful", sources[pair.story_id], model)
        elapsed += time.perf_counter() - started
        checked += distorted.checked + faithful.checked
        tallies[pair.kind].add(distorted, faithful)
        records.append(
            {
                **asdict(pair),
                "distorted_result": asdict(distorted),
                "faithful_result": asdict(faithful),
            }
        )
        if number % 50 == 0:
            print(f"  checked {number}/{len(everything)} pairs", file=sys.stderr)
    if dump is not None:
        dump.parent.mkdir(parents=True, exist_ok=True)
        with dump.open("w", encoding="utf-8") as handle:
            for record in records:
                handle.write(json.dumps(record, ensure_ascii=False) + "\n")
    speed = checked / elapsed if elapsed > 0 else 0.0
    return tallies, speed


def ner_speed(pairs: dict[str, list[Pair]]) -> float:
    """The same-run peer: sentences per second of spaCy's entity recogniser alone (the
    analysis every check builds on) over the case articles' sentences, uncached, batched.
    The checker's speed over this one is a ratio that the machine's load cancels out of."""
    texts = [
        sentence.text
        for kind in pairs
        for pair in pairs[kind]
        for variant in ("distorted", "faithful")
        for sentence in sentences(pair.markdown(variant)[0])
        if not sentence.text.startswith("#")
    ]
    nlp = pipeline()
    started = time.perf_counter()
    for _ in nlp.pipe(texts, batch_size=256):
        pass
    elapsed = time.perf_counter() - started
    return len(texts) / elapsed if elapsed > 0 else 0.0


def summary(tallies: dict[str, Tally], speed: float, peer: float) -> dict[str, Any]:
    total = Tally()
    for tally in tallies.values():
        total.n += tally.n
        total.caught += tally.caught
        total.false_alarms += tally.false_alarms
    return {
        "recall": total.rate(total.caught),
        "false_alarms": total.rate(total.false_alarms),
        "per_kind": {
            kind: {
                "recall": tally.rate(tally.caught),
                "false_alarms": tally.rate(tally.false_alarms),
                "n": tally.n,
            }
            for kind, tally in tallies.items()
        },
        "sentences_per_s": round(speed, 2),
        "ner_sentences_per_s": round(peer, 2),
        "speed_vs_ner": round(speed / peer, 3) if peer else None,
    }


def print_table(tallies: dict[str, Tally], available: dict[str, int]) -> None:
    print(
        f"\n{'kind':<8} {'found':>6} {'n':>4}  {'recall':>7} {'by context checks':>17}"
        f"  {'false alarms':>12}  failing checks on distorted"
    )
    total = Tally()
    for kind, tally in tallies.items():
        failing = ", ".join(f"{k} {v}" for k, v in sorted(tally.failed_kinds.items())) or "-"
        print(
            f"{kind:<8} {available.get(kind, 0):>6} {tally.n:>4}  {tally.rate(tally.caught):>7.1%}"
            f" {tally.rate(tally.by_context):>17.1%}  {tally.rate(tally.false_alarms):>12.1%}"
            f"  {failing}"
        )
        total.n += tally.n
        total.caught += tally.caught
        total.by_context += tally.by_context
        total.false_alarms += tally.false_alarms
    print(
        f"{'all':<8} {sum(available.values()):>6} {total.n:>4}  {total.rate(total.caught):>7.1%}"
        f" {total.rate(total.by_context):>17.1%}  {total.rate(total.false_alarms):>12.1%}"
    )


# --------------------------------------------------------------------------- main


def main(argv: Sequence[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument(
        "--data",
        type=Path,
        action="append",
        help="an articles JSONL(.gz) file or a cluster-schema folder (repeatable; default: "
        "../shared/data/clusters/allsides_fulltext, train and val splits)",
    )
    parser.add_argument("--per-kind", type=int, default=PER_KIND, help="pairs per kind at most")
    parser.add_argument("--limit", type=int, help="read only the first N stories of each set")
    parser.add_argument(
        "--kinds", nargs="+", choices=KINDS, default=list(KINDS), help="kinds to build"
    )
    parser.add_argument(
        "--no-model", action="store_true", help="word coverage instead of the support model"
    )
    parser.add_argument("--dump-cases", type=Path, help="write every case and verdict as JSONL")
    args = parser.parse_args(argv)

    stories: list[Story] = []
    for path in args.data or DEFAULT_DATA:
        name, found = load_stories(path, args.limit)
        seen = {story.id for story in stories}
        found = [story for story in found if story.id not in seen]
        print(
            f"{name}: {len(found)} stories, {sum(len(s.articles) for s in found)} articles",
            file=sys.stderr,
        )
        stories.extend(found)
    started = time.perf_counter()
    pairs, available = build_pairs(stories, args.per_kind, args.kinds)
    print(
        f"built {sum(len(p) for p in pairs.values())} pairs in"
        f" {time.perf_counter() - started:.1f}s ("
        + ", ".join(f"{k} {len(v)} of {available[k]}" for k, v in pairs.items())
        + ")",
        file=sys.stderr,
    )
    sources = {story.id: story.articles for story in stories}
    tallies, speed = run(pairs, sources, not args.no_model, args.dump_cases)
    print_table(tallies, available)
    peer = ner_speed(pairs)
    result = summary(tallies, speed, peer)
    print(
        f"\nspeed: {speed:.1f} sentences/s (warm; check_article calls only);"
        f" spaCy NER alone on the same sentences: {peer:.1f}/s (ratio {speed / peer:.2f})"
    )
    print(json.dumps(result))
    return result


if __name__ == "__main__":
    main()
