"""The offline writer: an article made of sentences taken verbatim from the sources.

Every body sentence is a source sentence plus an attribution phrase, so each
carries an exact citation. Sentences are ranked by centrality (TF-IDF cosine to
the story's centroid), with a bonus when another outlet reports something
similar and a smaller one for lead position; maximal marginal relevance keeps
the selection from repeating itself. Sentences that cannot stand alone
(opening pronouns, photo captions, page furniture) are never candidates.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, replace
from math import inf

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer

from newsdesk.config import WriteSettings
from newsdesk.language.attribution import attribute, credit_mentions
from newsdesk.language.dates import date_mentions
from newsdesk.language.furniture import furniture_of, usable
from newsdesk.language.sections import classify
from newsdesk.language.speakers import find_quotes
from newsdesk.language.text import Span, quotations, sentences, word_count, words
from newsdesk.records import Article, Citation, Draft, Sentence, SourceRef, Story
from newsdesk.write.base import Flag, Usage
from newsdesk.write.headlines import cut, headline
from newsdesk.write.standalone import standalone

_DANGLING_START = frozenset(
    """he she they it this that these those his her their its him them we i but and also however
    meanwhile so still yet then there here such both instead""".split()
)
_FURNITURE = re.compile(
    r"photo|getty|click|subscribe|sign up|newsletter|follow us|read more|http|www\.|@\w|"
    r"contributed to this report|all rights reserved|inbox|delivered (?:daily|weekday)|"
    r"stories that matter",
    re.IGNORECASE,
)
# Link text glued to the next word ("Donald John TrumpKamala Harris ... MORE"): scraping debris.
_GLUED = re.compile(r"\bMORE\b|[a-z]{3,}[A-Z][a-z]")
_TERMINAL = re.compile(r"""[.!]['"’”)]*$""")
DEK_WORDS = 35
"""The dek is the best-scoring sentence of at most this many words."""
LAMBDA = 0.7
"""MMR trade-off between relevance and novelty."""
DUPLICATE = 0.6
"""Cosine above which two sentences say the same thing."""
CORROBORATED = 0.3
"""Cosine above which a sentence from another outlet counts as reporting the same fact."""


@dataclass(frozen=True)
class Candidate:
    """A source sentence that may go into the article."""

    article: Article
    span: Span
    index: int
    text: str = ""
    """The sentence as printed: the span's text with a pronoun subject or speaker replaced
    by the person the source means (``standalone``); empty when that is the span's text."""
    naming: Citation | None = None
    """The span that names that person, cited beside the sentence's own."""

    @property
    def citation(self) -> Citation:
        return Citation(self.article.id, self.span.start, self.span.end)

    @property
    def printed(self) -> str:
        return self.text or self.span.text

    @property
    def citations(self) -> tuple[Citation, ...]:
        return (self.citation,) if self.naming is None else (self.citation, self.naming)


def _standalone(text: str, settings: WriteSettings) -> bool:
    """Whether a sentence can be read out of its context."""
    tokens = words(text)
    if not tokens or tokens[0].split("'")[0] in _DANGLING_START:
        return False
    if not settings.min_words <= word_count(text) <= settings.max_words:
        return False
    if not _TERMINAL.search(text):
        return False
    if _FURNITURE.search(text) or _GLUED.search(text):
        return False
    straight = text.count('"')
    return straight % 2 == 0 and text.count("“") == text.count("”")


def candidates(
    articles: Sequence[Article], settings: WriteSettings, as_of: str | None = None
) -> list[Candidate]:
    """Source sentences that can stand alone (questions, fragments and page furniture
    excluded; a leading dateline or section label is cut off the cited span; a pronoun
    subject or speaker is replaced by the person the source means, ``standalone``).

    With ``as_of`` (the article's date), a sentence that dates things relative
    to its own day ("on Monday", "yesterday") is left out when its source was
    published on another day: copied into a later article it would be wrong.
    """
    found = []
    for article in articles:
        stale = as_of is not None and article.published not in (None, as_of)
        marks = furniture_of(article)
        for index, raw in enumerate(sentences(article.text)):
            span = usable(raw, marks)
            if span is None:
                continue
            made = standalone(article, span)
            if made is None or not _standalone(made.text, settings):
                continue
            if stale and _relative_dates(span.text):
                continue
            naming = made.citations[1] if len(made.citations) > 1 else None
            text = made.text if naming is not None else ""
            found.append(Candidate(article, span, index, text, naming))
    return found


def _relative_dates(text: str) -> bool:
    """Whether ``text`` names a day relative to when it was written."""
    return any(m.kind != "absolute" for m in date_mentions(text, None))


Embed = Callable[[Sequence[str]], np.ndarray]
"""Unit-length sentence embeddings, one row per text (MiniLM with ``[write] embeddings``)."""


@dataclass(frozen=True)
class Scale:
    """Cosine thresholds for one similarity measure: MiniLM and TF-IDF cosines differ in
    scale (two paraphrases score about 0.8 with MiniLM and 0.4 with TF-IDF)."""

    duplicate: float
    corroborated: float


TFIDF = Scale(duplicate=DUPLICATE, corroborated=CORROBORATED)
MINILM = Scale(duplicate=0.85, corroborated=0.6)


def _similarity(cands: Sequence[Candidate], embed: Embed | None) -> np.ndarray:
    """Sentence vectors: MiniLM embeddings when ``embed`` is given, else TF-IDF rows."""
    texts = [c.printed for c in cands]
    if embed is not None:
        return np.asarray(embed(texts), dtype=np.float64)
    vectorizer = TfidfVectorizer(sublinear_tf=True, stop_words="english")
    return np.asarray(vectorizer.fit_transform(texts).toarray(), dtype=np.float64)


def _rank(
    cands: Sequence[Candidate], embed: Embed | None = None
) -> tuple[np.ndarray, np.ndarray, Scale]:
    """Scores and the sentence-by-sentence cosine matrix.

    A sentence scores for centrality (cosine to the story's centroid), for
    being corroborated by another outlet, and for sitting in its article's lead.
    """
    scale = MINILM if embed is not None else TFIDF
    matrix = _similarity(cands, embed)
    similarity = matrix @ matrix.T
    centroid = matrix.mean(axis=0)
    norm = np.linalg.norm(centroid) or 1.0
    centrality = matrix @ centroid / norm
    outlets = np.array([c.article.outlet for c in cands])
    other_outlet = outlets[:, None] != outlets[None, :]
    corroboration = np.where(other_outlet, similarity, 0.0).max(axis=1, initial=0.0)
    lead = np.array([0.15 if c.index < 3 else 0.0 for c in cands])
    scores = centrality + 0.3 * (corroboration >= scale.corroborated) + lead
    return scores, similarity, scale


def _select(
    scores: np.ndarray,
    similarity: np.ndarray,
    limit: int,
    chosen: list[int],
    duplicate: float = DUPLICATE,
) -> list[int]:
    """Extend ``chosen`` by maximal marginal relevance, skipping near-duplicates outright."""
    chosen = list(chosen)
    while len(chosen) < limit:
        best, best_value = -1, -inf
        for i in range(len(scores)):
            if i in chosen:
                continue
            overlap = max((similarity[i, j] for j in chosen), default=0.0)
            if overlap > duplicate:
                continue
            value = LAMBDA * scores[i] - (1 - LAMBDA) * overlap
            if value > best_value:
                best, best_value = i, value
        if best < 0:
            break
        chosen.append(best)
    return chosen


def _dek(cands: Sequence[Candidate], scores: np.ndarray) -> int:
    """The best-scoring sentence short enough to stand under a headline.

    Quotations are avoided: a dek reads as the desk's own summary, and a quote
    there would lose its speaker.
    """
    short = [i for i, c in enumerate(cands) if word_count(c.printed) <= DEK_WORDS]
    plain = [i for i in short if not re.search(r"[“”\"]", cands[i].printed)]
    pool = plain or short or list(range(len(cands)))
    return max(pool, key=lambda i: scores[i])


def _central_article(articles: Sequence[Article]) -> Article:
    """The article whose title is closest to all the others: the headline source."""
    if len(articles) < 2:
        return articles[0]
    vectorizer = TfidfVectorizer(stop_words="english")
    try:
        matrix = vectorizer.fit_transform([f"{a.title} {a.text[:1000]}" for a in articles])
    except ValueError:
        return articles[0]
    totals = np.asarray((matrix @ matrix.T).sum(axis=1)).ravel()
    return articles[int(np.argmax(totals))]


def _body(chosen: Sequence[Candidate], settings: WriteSettings) -> list[Sentence]:
    """Lead first, the rest in the order they sat in their articles.

    A sentence is attributed when it opens a paragraph or its outlet differs
    from the previous sentence's, so every outlet change is visible in the text.
    """
    lead, rest = chosen[0], sorted(chosen[1:], key=lambda c: (c.index, c.article.id))
    body = []
    previous = None
    for position, cand in enumerate([lead, *rest]):
        paragraph = 1 + (position + 1) // 2
        outlet = cand.article.outlet
        new_paragraph = position % 2 == 1 or position == 0
        text = cand.printed
        if outlet != previous or new_paragraph:
            text = attribute(text, outlet)
        body.append(Sentence("body", text, cand.citations, paragraph=paragraph, outlet=outlet))
        previous = outlet
    return body


@dataclass(frozen=True)
class Ranked:
    """A story's candidate sentences with their scores and pairwise similarity."""

    cands: list[Candidate]
    scores: np.ndarray
    similarity: np.ndarray
    duplicate: float = DUPLICATE

    def best(self, exclude: set[Citation], avoid: Sequence[int] = ()) -> int | None:
        """The best-scoring candidate not excluded and not repeating one of ``avoid``."""
        order = np.argsort(-self.scores, kind="stable")
        for i in order:
            cand = self.cands[int(i)]
            if cand.citation in exclude:
                continue
            if any(self.similarity[int(i), j] > self.duplicate for j in avoid):
                continue
            return int(i)
        return None


def rank(
    articles: Sequence[Article],
    settings: WriteSettings,
    as_of: str | None,
    embed: Embed | None = None,
) -> Ranked:
    """Candidates of ``articles`` ranked for an article dated ``as_of``."""
    cands = candidates(articles, settings, as_of)
    if not cands:
        return Ranked([], np.zeros(0), np.zeros((0, 0)))
    scores, similarity, scale = _rank(cands, embed)
    return Ranked(cands, scores, similarity, scale.duplicate)


def newest_date(articles: Sequence[Article]) -> str | None:
    dates = [a.published for a in articles if a.published]
    return max(dates) if dates else None


class ExtractiveWriter:
    """The offline writer (the default): no network, every sentence copied with its span.

    ``revise`` replaces a flagged body sentence or dek with the next-best
    candidate that neither repeats the article nor was rejected before, a
    flagged headline with the next most central article's title, and drops
    flagged quotes, coverage and timeline lines.
    """

    name = "extractive"
    version = "2"
    """2: page furniture left out, its own headline, timeline lines in headline style."""

    def __init__(self, settings: WriteSettings, embed: Embed | None = None) -> None:
        self.settings = settings
        self.embed = embed
        self.usage = Usage()
        self._rejected: dict[str, set[str]] = {}

    def write(self, story: Story, articles: Sequence[Article]) -> Draft:
        return write_story(story, articles, self.settings, self.embed)

    def revise(self, draft: Draft, flags: Sequence[Flag], articles: Sequence[Article]) -> Draft:
        rejected = self._rejected.setdefault(draft.story_id, set())
        rejected.update(flag.text for flag in flags)
        flagged = {flag.position for flag in flags}
        ranked = rank(articles, self.settings, draft.date, self.embed)
        used = {c for s in draft.sentences for c in s.citations}
        out: list[Sentence] = []
        for position, sentence in enumerate(draft.sentences):
            if position not in flagged:
                out.append(sentence)
                continue
            replacement = self._replacement(
                sentence, ranked, used, rejected, out, articles, draft.sentences
            )
            if replacement is not None:
                out.append(replacement)
                used.update(replacement.citations)
        return replace(draft, sentences=tuple(out))

    def _replacement(
        self,
        sentence: Sentence,
        ranked: Ranked,
        used: set[Citation],
        rejected: set[str],
        kept: Sequence[Sentence],
        articles: Sequence[Article],
        written: Sequence[Sentence],
    ) -> Sentence | None:
        if sentence.kind == "headline":
            by_citation = {c.citation: c for c in ranked.cands}
            chosen = [
                by_citation[c]
                for s in written
                if s.kind in ("dek", "body")
                for c in s.citations
                if c in by_citation
            ]
            revised = _headline(chosen, articles, None, newest_date(articles), rejected)
            return revised if revised.citations else None
        if sentence.kind == "timeline" and sentence.date:
            day = [a for a in articles if a.published == sentence.date]
            leads = [c for c in candidates(day, self.settings) if c.index < LEAD_SENTENCES]
            return _headline_line(_in_order(leads), sentence.date, rejected | {sentence.text})
        if sentence.kind not in ("dek", "body"):
            return None
        index = {c.citation: i for i, c in enumerate(ranked.cands)}
        avoid = [index[c] for s in kept for c in s.citations if c in index]
        exclude = used | {c.citation for c in ranked.cands if c.printed in rejected}
        while (best := ranked.best(exclude, avoid)) is not None:
            cand = ranked.cands[best]
            text = cand.printed
            if sentence.kind == "body":
                text = attribute(text, cand.article.outlet)
            if text not in rejected and (sentence.kind == "body" or word_count(text) <= DEK_WORDS):
                return replace(
                    sentence, text=text, citations=cand.citations, outlet=cand.article.outlet
                )
            exclude.add(cand.citation)
        return None


LEAD_SENTENCES = 4
"""Sentences from the top of an article that a timeline line may come from."""
HEADLINE_TRIES = 5
"""Chosen sentences (dek first) tried for the headline."""


def _headline(
    chosen: Sequence[Candidate],
    articles: Sequence[Article],
    story: Story | None,
    newest: str | None,
    rejected: set[str],
) -> Sentence:
    """The article's own headline, cited to the span of the sentence it is cut from.

    Of the first ``HEADLINE_TRIES`` chosen sentences that make one
    (``headlines.cut``), a sentence of the newest day goes first, then one whose
    headline's subject names someone or something ("Iraqi lawmakers", not "The
    resolution", which leans on the story), then the higher ranked. Only
    when none makes a headline, the most central source title; without titles,
    the story's own.
    """
    made = []
    for position, cand in enumerate(chosen[:HEADLINE_TRIES]):
        line = cut(cand.printed)
        if line and line.text not in rejected:
            stale = cand.article.published not in (None, newest)
            made.append(((stale, not line.named, position), line.text, cand))
    if made:
        _, text, cand = min(made, key=lambda m: m[0])
        return Sentence("headline", text, cand.citations, outlet=cand.article.outlet)
    titled = [a for a in articles if a.title and a.title not in rejected]
    if titled:
        article = _central_article(titled)
        citation = Citation(article.id, 0, len(article.title), "title")
        return Sentence("headline", article.title, (citation,), outlet=article.outlet)
    return Sentence("headline", story.title if story else "", ())


def write_story(
    story: Story,
    articles: Sequence[Article],
    settings: WriteSettings,
    embed: Embed | None = None,
) -> Draft:
    """An extractive draft for ``story`` from its ``articles``.

    ``embed`` ranks sentences with sentence embeddings (the pipeline passes
    MiniLM's when ``[write] embeddings`` is on); without it, TF-IDF vectors.
    """
    articles = sorted(articles, key=lambda a: (a.published or "", a.id))
    date = newest_date(articles)
    sentences_out: list[Sentence] = []
    chosen: list[Candidate] = []
    ranked = rank(articles, settings, date, embed)
    if ranked.cands:
        cands, scores = ranked.cands, ranked.scores
        limit = settings.max_sentences + 1
        first = [_dek(cands, scores)]
        order = _select(scores, ranked.similarity, limit, first, ranked.duplicate)
        chosen = [cands[i] for i in order]
        dek = chosen[0]
        sentences_out.append(Sentence("dek", dek.printed, dek.citations, outlet=dek.article.outlet))
        if len(chosen) > 1:
            sentences_out.extend(_body(chosen[1:], settings))
        taken = list(order)
        lines = coverage(ranked, taken)
        sentences_out.extend(lines)
        avoid = {c for line in lines for c in line.citations}
        sentences_out.extend(timeline(articles, settings, ranked, taken, avoid))
    sentences_out.insert(0, _headline(chosen, articles, story, date, set()))
    used = {s.citations[0] for s in sentences_out if s.citations}
    for quote in find_quotes(articles, settings.max_quotes):
        if quote.citation not in used and quotations(quote.text):
            sentences_out.append(
                Sentence(
                    "quote",
                    quote.text,
                    (quote.citation,),
                    speaker=quote.speaker,
                    outlet=quote.article.outlet,
                )
            )
    return Draft(
        story_id=story.id,
        story_hash=story.hash,
        category=classify(articles),
        date=date,
        sentences=tuple(sentences_out),
        sources=tuple(SourceRef(a.id, a.outlet, a.title, a.url, a.published) for a in articles),
    )


def coverage(ranked: Ranked, taken: list[int]) -> list[Sentence]:
    """ "How outlets covered it": each outlet's most distinctive relevant sentence, attributed.

    Distinctive means least like what the other outlets wrote (1 - the best
    cosine to another outlet's sentence), weighed by the sentence's own score,
    so each line shows where that outlet's account differs from the others'.
    Only for stories with two or more outlets, and never repeating a sentence
    in ``taken`` (the indices already used, which this extends). A sentence that
    credits another outlet ("…, the Chicago Sun-Times reported") tells that
    outlet's account, not this one's, and is passed over.
    """
    outlets = sorted({c.article.outlet for c in ranked.cands})
    if len(outlets) < 2:
        return []
    names = np.array([c.article.outlet for c in ranked.cands])
    other = names[:, None] != names[None, :]
    shared = np.where(other, ranked.similarity, 0.0).max(axis=1, initial=0.0)
    value = ranked.scores * (1.0 - shared)
    lines = []
    for outlet in outlets:
        pool = [
            i
            for i in np.argsort(-value, kind="stable")
            if names[i] == outlet
            and int(i) not in taken
            and not credit_mentions(ranked.cands[int(i)].printed)
            and all(ranked.similarity[int(i), j] <= ranked.duplicate for j in taken)
        ]
        if not pool:
            continue
        cand = ranked.cands[int(pool[0])]
        taken.append(int(pool[0]))
        text = attribute(cand.printed, outlet)
        lines.append(Sentence("coverage", text, cand.citations, outlet=outlet))
    return lines


def timeline(
    articles: Sequence[Article],
    settings: WriteSettings,
    ranked: Ranked,
    taken: list[int],
    avoid: Collection[Citation] = (),
) -> list[Sentence]:
    """One dated line per day of reporting, when the story spans several days.

    Each day's line is what was new that day, in headline style: the first lead
    sentence (among the first ``LEAD_SENTENCES`` of that day's articles) that cuts down
    to a headline (``headlines.headline``), cited to that sentence. The cut drops
    "on Saturday" and the like, and the line carries its date, so a sentence too
    old for the body ("on Saturday" in a Saturday article) still serves its own
    day. A line may retell a fact of the body in a few words, as a printed
    timeline does; a flagged line is revised to the day's next lead that makes a
    headline. A day none of whose leads makes a headline gets its best lead
    sentence not already used, attributed. ``taken`` as in ``coverage``; spans in
    ``avoid`` (the coverage lines') are not cited again.
    """
    days = sorted({a.published for a in articles if a.published})
    if len(days) < 2:
        return []
    lines = []
    for day in days:
        same_day = [a for a in articles if a.published == day]
        leads = [c for c in candidates(same_day, settings) if c.index < LEAD_SENTENCES]
        line = _headline_line(_in_order([c for c in leads if c.citation not in avoid]), day)
        if line is None:
            line = _fresh_line(ranked, taken, day)
        if line is not None:
            lines.append(line)
    return lines if len(lines) > 1 else []


def _in_order(leads: Sequence[Candidate]) -> list[Candidate]:
    return sorted(leads, key=lambda c: (c.index, c.article.id))


def _headline_line(
    leads: Sequence[Candidate], day: str, rejected: Collection[str] = ()
) -> Sentence | None:
    """The first lead that cuts down to a headline not rejected, as the day's line."""
    for cand in leads:
        made = headline(cand.printed)
        if made and made not in rejected and not _relative_dates(made):
            return Sentence("timeline", made, cand.citations, outlet=cand.article.outlet, date=day)
    return None


def _fresh_line(ranked: Ranked, taken: list[int], day: str) -> Sentence | None:
    """The day's best lead sentence that the article does not already tell, attributed."""
    pool = [
        i
        for i, c in enumerate(ranked.cands)
        if c.article.published == day
        and c.index < 3
        and all(ranked.similarity[i, j] <= ranked.duplicate for j in taken)
    ]
    if not pool:
        return None
    best = max(pool, key=lambda i: ranked.scores[i])
    cand = ranked.cands[best]
    taken.append(best)
    text = attribute(cand.printed, cand.article.outlet)
    return Sentence("timeline", text, cand.citations, outlet=cand.article.outlet, date=day)
