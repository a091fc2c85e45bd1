"""Page furniture in a source's text: what a reader would never want printed as the news.

Extracted article text still carries the page around the report: photo captions
and credits, podcast speaker labels, newsletter greetings, related-link teasers,
datelines, section labels, bylines, subscription prompts, stray headlines, the
credit lines of embedded posts and scraping debris. ``mark`` finds them, and
ingest stores the marks beside the article (``Article.furniture``) instead of
cutting them out, so that every citation still points into the stored text.
Writers and the key-quote picker skip what is marked; the checker fails a
sentence that cites it.

Two readers decide together. The rules (``RULES``) name a kind and are
precise; a small logistic regression over the sentence's words and shape
(``FurnitureModel``, trained by ``training/train_furniture.py`` on hand-labelled
sentences, stored as JSON beside this module) catches furniture that no rule
names, such as a caption written as a plain sentence at the end of the page.
A rule's mark can cover part of a sentence: a dateline or a section label at
its start (the rest is reporting) or link text glued into it (the sentence is
unusable).
"""

from __future__ import annotations

import hashlib
import json
import math
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from functools import cache, lru_cache
from pathlib import Path

from newsdesk.language.text import Span, paragraphs, sentences, words
from newsdesk.records import Article, Furniture

MODEL_PATH = Path(__file__).resolve().parent / "models" / "furniture.json"
"""The classifier's weights (plain JSON: a vocabulary and its coefficients)."""

RULES_VERSION = "4"
"""Bump when a rule changes: stored marks of another version are made again."""

DATELINE_PARAGRAPHS = 3
"""Paragraphs from the top in which a dateline with a dash is looked for."""
_DASH = re.compile(r"[-—–]")

PREFIX_KINDS = frozenset({"dateline", "label"})
"""Kinds that can open a sentence whose rest is reporting."""


@dataclass(frozen=True)
class Rule:
    """A pattern that marks furniture of one kind.

    ``scope`` says what a match marks: ``sentence``, the whole sentence it is
    found in; ``prefix``, the match only, at the sentence's start; ``inside``,
    the match only, wherever it stands (the sentence around it is unusable).
    """

    kind: str
    pattern: re.Pattern[str]
    scope: str = "sentence"


def _rule(kind: str, pattern: str, scope: str = "sentence", flags: int = 0) -> Rule:
    return Rule(kind, re.compile(pattern, flags), scope)


_I = re.IGNORECASE
_DATELINE = (
    r"^(?:(?:[A-Z][\w.,'’/]*\s){0,4}\([A-Z][\w .&]{1,25}\)\s*(?:[-—–]+\s*)?"
    r"|[A-Z]{2,}(?:[ ,./]+[A-Z]{2,})*\.?\s*[-—–]+\s*"
    r"|[A-Z][a-z]{2,8}\.? \d{1,2},? \d{4} \([A-Z][\w .&]{1,25}\)\s*[-—–]+\s*)(?=[A-Z“\"])"
)
_LABELS = (
    "the big picture|why it matters|what's next|what’s next|go deeper|between the lines|"
    "the bottom line|bottom line|driving the news|details|yes, but|flashback|by the numbers|"
    "the backstory|our thought bubble|be smart|worth noting|the other side|what to watch|"
    "catch up quick|where it stands|reality check|the intrigue|state of play|zoom in|zoom out|"
    "what they're saying|what they’re saying|the latest|the facts|the context|context|"
    "background|the details|key quote|the response|what we're watching|what we’re watching|"
    "the news|the catch|the takeaway|the background|update|editor's note|editor’s note"
)

RULES: tuple[Rule, ...] = (
    _rule("dateline", _DATELINE, "prefix"),
    _rule("label", rf"^(?:{_LABELS}):\s+(?=\S)", "prefix", _I),
    _rule("label", rf"^(?:{_LABELS}):?$", flags=_I),
    # Captions and credits: "(AP Photo/Evan Vucci)", "Image copyright AFP", "FILE PHOTO: …".
    _rule(
        "caption",
        r"\((?:AP |Reuters |AFP |EPA |Getty |File )?(?:Photo|Image|Video)s?\b[^)]*(?:\)|$)",
    ),
    _rule(
        "caption",
        r"^(?:FILE )?PHOTO:|^FILE\s*[-—–]|\bfile photo\b|^(?:Image|Photo) (?:copyright|caption)\b"
        r"|toggle caption|\bHide Caption\b|^CLOSE\b|Media playback is unsupported|Media caption",
    ),
    _rule("caption", r"\b(?:Photo|Photograph|Image|Video)s? (?:by|courtesy of|credit)\b", flags=_I),
    _rule("caption", r"/\s?(?:Getty Images|AP|AFP|Reuters|EPA|Bloomberg|Shutterstock)\b"),
    _rule("caption", r"\bGetty Images\b|\bPool Photo\b"),
    # A gallery's caption counter: "1 of 2 This newspaper page provided by …".
    _rule("caption", r"^\d{1,2} of \d{1,2}\s+(?:In this|This|The|A|An|FILE)\s"),
    _rule("caption", r"\bvia (?:AP|Reuters|AFP|Getty Images|YouTube|Twitter|Facebook)\)?$"),
    # A wire photo's caption ends on the day in full, sometimes then the city: "…in Najaf,
    # Iraq, Saturday, Jan. 4, 2020." / "…of the White House, on April 27, 2020, in Washington."
    _rule(
        "caption",
        r",\s(?:(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday),\s|on\s)"
        r"(?:Jan|Feb|March|April|May|June|July|Aug|Sept?|Oct|Nov|Dec)[a-z]*\.?\s\d{1,2},\s\d{4}"
        r"(?:,\sin\s[A-Z][\w.]*(?:\s[A-Z][\w.]*){0,3})?\.?$",
    ),
    # Transcripts: "MICHAEL BARBARO: …", "archived recording (tom cotton)", "[MUSIC PLAYING]".
    _rule(
        "transcript",
        r"^(?:archived recording|\[(?:music|laughter|applause|crosstalk)[^\]]*\])",
        flags=_I,
    ),
    _rule("transcript", r"^From (?:The New York Times|NPR|the BBC|[A-Z]\w+ News)\b.{0,20}, I'm"),
    # Newsletters: greetings and sign-offs.
    _rule(
        "newsletter",
        r"^(?:Good (?:morning|afternoon|evening)|Welcome (?:back )?to (?:the |this )?\w+(?: \w+)?"
        r" (?:newsletter|briefing|edition))\b",
        flags=_I,
    ),
    _rule(
        "newsletter",
        r"^(?:See you (?:tomorrow|next week|Monday)|Thanks for reading|Until next time)\b",
        flags=_I,
    ),
    # Teasers: "READ MORE: …", "More: …", "► …", "Rep. Jason Crow:Democrat reads …".
    _rule(
        "teaser",
        r"^(?:READ (?:MORE|ALSO)|RELATED(?: STORIES| COVERAGE)?|SEE ALSO|ALSO READ|"
        r"MORE(?: FROM [A-Z ]+)?|WATCH|LISTEN|CLICK HERE[A-Z ]*)\s*:",
    ),
    _rule(
        "teaser",
        r"^(?:Read more|Related|See also|Also read|More|More from \w+|Watch|Listen)\s*:",
        flags=_I,
    ),
    _rule("teaser", r"^►|^[A-Z][\w.' ]{2,40}:[A-Z][a-z]"),
    # A speaker's label in a transcript, after the labels and teasers it could be taken for.
    _rule(
        "transcript",
        r"^(?:[A-Z][A-Z.'-]+ ){0,3}[A-Z][A-Z.'-]+(?: \([A-Z]+\))?:\s+(?=[A-Z\"“]).*[a-z]",
    ),
    # Bylines and credits of the report itself.
    _rule("byline", r"^By [A-Z][\w.'’-]+(?: [A-Z][\w.'’-]+){0,3}(?:,[^.]{0,60})?$"),
    _rule("byline", r"^[-–—]{1,2}\s*[A-Z][\w.'’-]+(?: [A-Z][\w.'’-]+){1,2}$"),
    _rule(
        "byline",
        r"\bcontributed (?:to )?(?:this|the) report\b|\bcontributed(?: reporting)?\.$"
        r"|\b(?:Additional )?Reporting by\b.*(?:Editing|Writing) by\b"
        r"|^(?:Reporting|Editing|Writing) by\b",
        flags=_I,
    ),
    _rule(
        "byline",
        r"^[A-Z][\w.'’-]+ [A-Z][\w.'’-]+ is an? (?:\w+ )?"
        r"(?:reporter|correspondent|writer|columnist|editor|contributor)\b",
    ),
    # Prompts to the reader.
    _rule(
        "prompt",
        r"\b(?:sign up (?:for|here|to)|subscribe (?:to|now|here|for)|click here|click the link"
        r"|follow us|download the|get (?:the|our) \w+(?: \w+)? newsletters?|breaking news alerts"
        r"|delivered (?:to your inbox|daily|every)|manage newsletters|reprint permission)\b",
        flags=_I,
    ),
    _rule(
        "prompt",
        r"^(?:Support|Become a member of) \w+(?:'s|’s)? (?:\w+ )?(?:journalism|work)"
        r"|^Visit \w.{0,40} for more\b"
        r"|^Follow (?:him|her|them|us|[A-Z]\w+) on (?:Twitter|Facebook|Instagram)\b"
        r"|^[\[(](?:You can )?(?:read|watch|see|listen to)\b.*\bhere\.?[\])]$",
        flags=_I,
    ),
    # The credit line and links of an embedded post.
    _rule(
        "embed",
        r"—\s*[^—()]{1,60}\(@\w{1,30}\)\s*(?:[A-Z][a-z]+ \d{1,2}, \d{4})?\s*$",
        "inside",
    ),
    _rule("embed", r"pic\.twitter\.com/\w+|https?://t\.co/\w+", "inside"),
    # Scraping debris: ad markers, share buttons, copyright, link text glued to the next word.
    _rule(
        "debris",
        r"^(?:Advertisement|ADVERTISEMENT|AD|Sponsored|Share this|Share|Continue reading"
        r"|Story continues(?: below)?|Scroll to continue)\b.{0,20}$"
        r"|^(?:_{3,}|\*{3,}|-{3,})$|^Copyright\b|©|enable javascript"
        r"|^(?:Updated|Last updated) (?:at|on)\b|^(?:Update: )?Story updated\b",
    ),
    _rule(
        "debris",
        r"(?:[A-Z][\w.'’()-]*\s){1,4}[A-Z]?[a-z'’]+[A-Z][\w'’]*.{0,400}?\bMORE\b",
        "inside",
    ),
    # A line in capitals: a related headline or a section heading.
    _rule("headline", r"^[^a-z]*[A-Z]{2,}[^a-z]*[A-Z]{2,}[^a-z]*$"),
)


def _terminal(text: str) -> bool:
    return text.rstrip("”\"’')]").endswith((".", "!", "?", ":", ";"))


# -- the classifier --------------------------------------------------------------------


def features(
    text: str, paragraph: int = 1, paragraphs_in_text: int = 3, in_paragraph: int = 2
) -> dict[str, float]:
    """The classifier's view of one sentence: its words and its shape on the page.

    ``paragraph`` is the sentence's paragraph index, ``paragraphs_in_text`` how many
    the text has and ``in_paragraph`` how many sentences its paragraph holds; the
    defaults describe a sentence in the middle of a long page (a sentence read alone).
    """
    tokens = words(text)
    found: dict[str, float] = {f"w={t}": 1.0 for t in set(tokens)}
    n = len(tokens)
    letters = [c for c in text if c.isalpha()]
    capitals = [w for w in text.split() if w[:1].isupper()]
    found.update(
        {
            "bias": 1.0,
            "log_words": math.log1p(n),
            "short": float(n < 6),
            "terminal": float(_terminal(text)),
            "quoted": float(any(q in text for q in '"“”')),
            "upper_share": sum(c.isupper() for c in letters) / max(len(letters), 1),
            "capital_share": len(capitals) / max(len(text.split()), 1),
            "digits": float(any(c.isdigit() for c in text)),
            "colon": float(":" in text),
            "parenthesis": float("(" in text),
            "slash": float("/" in text),
            "handle": float("@" in text),
            "first_paragraph": float(paragraph == 0),
            "last_paragraph": float(paragraph >= paragraphs_in_text - 1),
            "near_end": float(paragraph >= paragraphs_in_text - 3),
            "alone": float(in_paragraph == 1),
        }
    )
    return found


@dataclass(frozen=True)
class FurnitureModel:
    """Logistic regression over ``features``: P(the sentence is furniture)."""

    weights: dict[str, float]
    threshold: float

    @classmethod
    def load(cls, path: Path = MODEL_PATH) -> FurnitureModel:
        data = json.loads(path.read_text(encoding="utf-8"))
        return cls(dict(data["weights"]), float(data["threshold"]))

    def probability(self, found: dict[str, float]) -> float:
        z = sum(self.weights.get(name, 0.0) * value for name, value in found.items())
        return 1.0 / (1.0 + math.exp(-max(min(z, 30.0), -30.0)))


@cache
def default_model() -> FurnitureModel | None:
    """The shipped classifier, or None where its weights are not installed (rules only)."""
    return FurnitureModel.load() if MODEL_PATH.exists() else None


@cache
def marker_version() -> str:
    """What made the marks: the rules' version and the classifier's weights."""
    digest = hashlib.sha256(RULES_VERSION.encode())
    if MODEL_PATH.exists():
        digest.update(MODEL_PATH.read_bytes())
    return digest.hexdigest()[:16]


# -- marking ---------------------------------------------------------------------------


@dataclass(frozen=True)
class _Placed:
    """A sentence with its place on the page."""

    span: Span
    paragraph: int
    paragraphs_in_text: int
    in_paragraph: int


def _placed(text: str) -> list[_Placed]:
    paras = list(paragraphs(text))
    indices = []
    position = 0
    spans = list(sentences(text))
    for span in spans:
        while position + 1 < len(paras) and paras[position].end <= span.start:
            position += 1
        indices.append(position)
    counts = Counter(indices)
    return [
        _Placed(span, index, len(paras), counts[index])
        for span, index in zip(spans, indices, strict=True)
    ]


def rule_marks(span: Span, paragraph: int = 1) -> list[Furniture]:
    """What the rules mark in one sentence, the ``paragraph``-th of its text.

    A dateline is looked for only near the top: in the first paragraph, or with its
    dash ("WASHINGTON (AP) —") in the first ``DATELINE_PARAGRAPHS`` (a headline or a
    byline may stand above it). After a leading
    dateline or label, the rest of the sentence is read on its own: "THE FACTS: That's
    not true." is a label and a sentence, not a speaker's line.
    """
    marks: list[Furniture] = []
    offset = 0
    for rule in RULES:
        if rule.kind == "dateline" and paragraph >= DATELINE_PARAGRAPHS:
            continue
        rest = span.text[offset:]
        match = rule.pattern.search(rest)
        if match is None or match.end() == match.start():
            continue
        if rule.kind == "dateline" and paragraph > 0 and not _DASH.search(match.group()):
            continue
        start, end = span.start + offset + match.start(), span.start + offset + match.end()
        if rule.scope == "sentence":
            return [Furniture(span.start, span.end, rule.kind, "rule")]
        marks.append(Furniture(start, end, rule.kind, "rule"))
        if rule.scope == "prefix":
            offset += match.end()
    return marks


def mark(text: str, title: str = "", model: FurnitureModel | None = None) -> list[Furniture]:
    """The furniture of an article's text, as exact spans with their kind, in text order.

    ``model`` defaults to the shipped classifier; the rules run whether or not it is
    installed. A paragraph that repeats the title is a stray headline.
    """
    model = model if model is not None else default_model()
    headline = " ".join(words(title))
    marks: list[Furniture] = []
    for i, placed in enumerate(_placed(text)):
        span = placed.span
        found = rule_marks(span, placed.paragraph)
        if not found and headline and " ".join(words(span.text)) == headline and i > 0:
            found = [Furniture(span.start, span.end, "headline", "rule")]
        if not found and model is not None:
            shape = (placed.paragraph, placed.paragraphs_in_text, placed.in_paragraph)
            if model.probability(features(span.text, *shape)) >= model.threshold:
                found = [Furniture(span.start, span.end, "furniture", "model")]
        marks.extend(found)
    return marks


def mark_article(article: Article) -> Article:
    """The article with its furniture marked (``Article.furniture``)."""
    return replace(article, furniture=tuple(mark(article.text, article.title)))


def furniture_of(article: Article) -> tuple[Furniture, ...]:
    """The article's stored marks, or marks made now for an article never marked (once per
    text: the writer's candidates, the quote picker and the LLM's source blocks all ask)."""
    if article.furniture is not None:
        return article.furniture
    return _marks(article.text, article.title)


@lru_cache(maxsize=1024)
def _marks(text: str, title: str) -> tuple[Furniture, ...]:
    return tuple(mark(text, title))


def usable(span: Span, marks: Sequence[Furniture]) -> Span | None:
    """The part of a sentence a writer may use: None when furniture covers it, the span
    after a leading dateline or label, or the span itself when nothing touches it."""
    start = span.start
    for furniture in marks:
        if furniture.end <= start or furniture.start >= span.end:
            continue
        if furniture.kind in PREFIX_KINDS and furniture.start <= start < furniture.end < span.end:
            start = furniture.end
            continue
        return None
    if start == span.start:
        return span
    return Span(start, span.end, span.text[start - span.start :])


def inside(start: int, end: int, marks: Iterable[Furniture]) -> Furniture | None:
    """The first mark that overlaps ``[start, end)``, if any."""
    return next((m for m in marks if m.start < end and start < m.end), None)


def reporting_text(article: Article) -> str:
    """The article's text without its furniture, paragraphs kept: what a writer reads."""
    marks = furniture_of(article)
    kept: dict[int, list[str]] = {}
    for placed in _placed(article.text):
        part = usable(placed.span, marks)
        if part is not None:
            kept.setdefault(placed.paragraph, []).append(part.text)
    return "\n\n".join(" ".join(parts) for parts in kept.values())
