"""The offline writer: an article made of sentences taken from the sources.

Every body sentence is a source sentence, made to stand alone (a pronoun named,
a relative date pinned: ``standalone``), plus an attribution phrase, so each
carries an exact citation. Candidates are ranked (``ranking``); maximal
marginal relevance keeps the selection from repeating itself. The article is
its own headline cut from a chosen sentence (``headlines``), the dek, the body,
"Where outlets differ" (``differences``), a timeline when the sources span
several days, and key quotes.

What the article says in its own voice (the headline, the dek, any sentence left
uncredited, a timeline line, a key quote) two independent sources must each report
(``language.corroboration``): the writer looks for the second source's span and cites
it beside the first, or credits the one outlet that reports it ("…, The Hill
reported.", a headline "…, The Hill reports"). The headline is cut, where it can be,
from a sentence that two sources report.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence
from dataclasses import replace

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer

from newsdesk.config import WriteSettings
from newsdesk.language.attribution import (
    attribute,
    credit_headline,
    embedded_credit,
    headline_credit,
    split_attribution,
)
from newsdesk.language.corroboration import CORROBORATING, Corroborator, own_voice
from newsdesk.language.dates import date_mentions, parse_anchor
from newsdesk.language.independence import source_groups
from newsdesk.language.sections import classify
from newsdesk.language.speakers import find_quotes
from newsdesk.language.support import default_model
from newsdesk.language.text import Span, quotations, word_count
from newsdesk.records import Article, Citation, Draft, Evidence, Sentence, SourceRef, Story
from newsdesk.write.base import Flag, Usage
from newsdesk.write.differences import differences
from newsdesk.write.headlines import cut, dates_the_event, headline
from newsdesk.write.ranking import (
    DEK_WORDS,
    Candidate,
    Embed,
    Ranked,
    candidates,
    newest_date,
    rank,
)
from newsdesk.write.standalone import standalone

__all__ = ["ExtractiveWriter", "candidates", "write_story"]


def _relative_dates(text: str) -> bool:
    """Whether ``text`` names a day relative to when it was written."""
    return any(m.kind != "absolute" for m in date_mentions(text, None))


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
    """Lead first, then the developments in time order, then background.

    Developments go by the day they were reported, then by where they sat in
    their articles; background is what happened well before (``_background``).
    A sentence is attributed when it opens a paragraph or its outlet differs
    from the previous sentence's, so every outlet change is visible in the text.
    """
    lead, rest = chosen[0], sorted(chosen[1:], key=_story_order)
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


BACKGROUND_DAYS = 30
"""A sentence dated this many days before its report is background, not a development."""


def _story_order(cand: Candidate) -> tuple[bool, str, int, str]:
    return (_background(cand), cand.article.published or "", cand.index, cand.article.id)


def _background(cand: Candidate) -> bool:
    """Whether the sentence tells of something well before its report ("In 2014, a similar
    bill failed"): what a reader needs after the news, not before it. The old date must
    say when the main event happened (``headlines.dates_the_event``): "the worst day since
    the 2008 crisis" is today's news."""
    anchor = parse_anchor(cand.article.published)
    if anchor is None:
        return False
    text = cand.printed
    return any(
        m.last is not None
        and (anchor - m.last).days > BACKGROUND_DAYS
        and dates_the_event(text, m.start, m.end)
        for m in date_mentions(text, anchor)
    )


class ExtractiveWriter:
    """The offline writer (the default): no network, every sentence copied with its span.

    ``revise`` replaces a flagged body sentence or dek with the next-best
    candidate that neither repeats the article nor was rejected before, a
    flagged headline with the next most central article's title, and drops
    flagged quotes, coverage and timeline lines.
    """

    name = "extractive"
    local = True
    """It computes from its settings alone, so the gate may revise with it on a Dask worker
    (``compute.py``); an LLM writer, with its connection and token budget, stays in the run."""
    version = "5"
    """2: page furniture left out, its own headline, timeline lines in headline style.
    3: relative dates pinned, "Where outlets differ". 4: no sentence that holds part of
    a quotation without its marks. 5: what one source alone reports is credited to it;
    what the article says in its own voice cites two independent sources."""

    def __init__(
        self,
        settings: WriteSettings,
        embed: Embed | None = None,
        corroborator: Corroborator | None = None,
    ) -> None:
        self.settings = settings
        self.embed = embed
        self.corroborator = corroborator or Corroborator(default_model())
        """Finds a second source's span (the support model, as the checker judges)."""
        self.usage = Usage()
        self._rejected: dict[str, set[str]] = {}

    def write(self, story: Story, articles: Sequence[Article]) -> Draft:
        return write_story(story, articles, self.settings, self.embed, self.corroborator)

    def revise(self, draft: Draft, flags: Sequence[Flag], articles: Sequence[Article]) -> Draft:
        rejected = self._rejected.setdefault(draft.story_id, set())
        rejected.update(flag.text for flag in flags)
        # A flagged line the writer credited is rejected as cut, too: crediting it anew
        # would only bring it back.
        rejected.update(split_attribution(flag.text).claim for flag in flags)
        by_position = {flag.position: flag for flag in flags}
        ranked = rank(articles, self.settings, draft.date, self.embed)
        used = {c for s in draft.sentences for c in s.citations}
        outlets = [a.outlet for a in articles]
        out: list[Sentence] = []
        new: list[int] = []
        for position, sentence in enumerate(draft.sentences):
            flag = by_position.get(position)
            if flag is None:
                out.append(sentence)
                continue
            if flag.check == "attribution" and own_voice(sentence.text, outlets):
                # One source tells it: the same sentence, credited to the outlet that does.
                out.append(credited(sentence, articles))
                continue
            staying = [
                s for p, s in enumerate(draft.sentences) if p > position and p not in by_position
            ]
            replacement = self._replacement(
                sentence, ranked, used, rejected, [*out, *staying], articles, draft.sentences
            )
            if replacement is not None:
                new.append(len(out))
                out.append(replacement)
                used.update(replacement.citations)
        out = _settled(out, articles, self.corroborator, new)
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
            revised = _headline(
                chosen, articles, None, newest_date(articles), rejected, self.corroborator
            )
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


LEAD_SENTENCES = 8
"""Sentences from the top of an article that a timeline line may come from."""
HEADLINE_TRIES = 5
"""Chosen sentences (dek first) tried for the headline."""


def _headline(
    chosen: Sequence[Candidate],
    articles: Sequence[Article],
    story: Story | None,
    newest: str | None,
    rejected: set[str],
    corroborator: Corroborator,
) -> Sentence:
    """The article's own headline, cited to the span of the sentence it is cut from and
    to a second, independent source's span that supports it.

    Of the first ``HEADLINE_TRIES`` chosen sentences that make one
    (``headlines.cut``), a sentence of the newest day goes first, then one that a
    second independent source supports (``Corroborator.second_sources``), then one
    whose headline's subject names someone or something ("Iraqi lawmakers", not "The
    resolution", which leans on the story), then the higher ranked. A headline only
    one source supports is credited to it ("…, The Hill reports"): the news of the
    day comes before a headline in the newsroom's voice. Only when no sentence makes
    a headline, the most central source title (credited the same way when no other
    source supports it); without titles, the story's own.
    """
    made = []
    for position, cand in enumerate(chosen[:HEADLINE_TRIES]):
        line = cut(cand.printed)
        if line and line.text not in rejected:
            stale = cand.article.published not in (None, newest)
            made.append(((stale, not line.named, position), line.text, cand))
    if made:
        found = corroborator.second_sources(
            [(text, _spans(cand.citations, articles)) for _, text, cand in made], articles
        )
        best = min(range(len(made)), key=lambda i: (made[i][0][0], not found[i], *made[i][0][1:]))
        _, text, cand = made[best]
        title = Sentence("headline", text, cand.citations, outlet=cand.article.outlet)
        return _voiced(title, found[best], articles)
    titled = [a for a in articles if a.title and a.title not in rejected]
    if titled:
        article = _central_article(titled)
        citation = Citation.title_of(article)
        title = Sentence("headline", article.title, (citation,), outlet=article.outlet)
        return _settled([title], articles, corroborator)[0]
    return Sentence("headline", story.title if story else "", ())


VOICED = frozenset({"headline", "dek", "body", "quote", "timeline"})
"""Kinds of sentence that may speak in the newsroom's voice ("Where outlets differ"
lines always credit their outlets)."""


def _settled(
    sentences: Sequence[Sentence],
    articles: Sequence[Article],
    corroborator: Corroborator,
    only: Collection[int] | None = None,
) -> list[Sentence]:
    """``sentences`` (those at ``only``, or all) each in the newsroom's voice with a second
    independent source's span cited beside its own, or credited to its outlet.

    A sentence that already credits an outlet, or already cites two independent
    sources, stays as it is.
    """
    outlets = [a.outlet for a in articles]
    groups = source_groups(articles)
    out = list(sentences)
    positions = [
        i
        for i, s in enumerate(out)
        if (only is None or i in only)
        and s.kind in VOICED
        and s.citations
        and own_voice(s.text, outlets)
        and len({groups.of(c.article_id) for c in s.citations}) < CORROBORATING
    ]
    found = corroborator.second_sources(
        [(out[i].text, _spans(out[i].citations, articles)) for i in positions], articles
    )
    for i, spans in zip(positions, found, strict=True):
        out[i] = _voiced(out[i], spans, articles)
    return out


def _spans(citations: Sequence[Citation], articles: Sequence[Article]) -> list[Evidence]:
    """The cited spans, as the checker resolves them."""
    by_id = {a.id: a for a in articles}
    return [
        Evidence(by_id[c.article_id], c.start, c.end, c.field)
        for c in citations
        if c.article_id in by_id
    ]


def _voiced(
    sentence: Sentence, second: Sequence[Evidence], articles: Sequence[Article]
) -> Sentence:
    """The sentence citing the second source's spans too, or, with none, credited."""
    if not second:
        return credited(sentence, articles)
    extra = tuple(Citation(e.source.id, e.start, e.end, e.field) for e in second)
    cited = tuple(dict.fromkeys((*sentence.citations, *extra)))
    return replace(sentence, citations=cited)


def credited(sentence: Sentence, articles: Sequence[Article]) -> Sentence:
    """The sentence credited to the outlet of the article it first cites, citing only that
    article: the one source that tells it; or to the outlet that article names as the
    one whose words it reproduces ("…, The Associated Press reported." in a Newsmax copy)."""
    first = sentence.citations[0] if sentence.citations else None
    article = next((a for a in articles if first and a.id == first.article_id), None)
    outlet = article.outlet if article is not None else sentence.outlet
    if outlet is None:
        return sentence
    credit = outlet
    if article is not None and first is not None and first.field == "text":
        known = [a.outlet for a in articles]
        original = embedded_credit(article.text, first.start, first.end, outlet, known)
        if original is not None:
            credit = original.outlet
    own = tuple(c for c in sentence.citations if first and c.article_id == first.article_id)
    if sentence.kind in ("headline", "timeline"):
        text = credit_headline(sentence.text, credit)
    else:
        text = attribute(sentence.text, credit)
    return replace(sentence, text=text, citations=own, outlet=outlet)


def write_story(
    story: Story,
    articles: Sequence[Article],
    settings: WriteSettings,
    embed: Embed | None = None,
    corroborator: Corroborator | None = None,
) -> Draft:
    """An extractive draft for ``story`` from its ``articles``.

    ``embed`` ranks sentences with sentence embeddings (the pipeline passes
    MiniLM's when ``[write] embeddings`` is on); without it, TF-IDF vectors.
    ``corroborator`` finds a second source for what the article says in its own
    voice (default: the support model's, as the checker judges).
    """
    corroborator = corroborator or Corroborator(default_model())
    articles = sorted(articles, key=lambda a: (a.published or "", a.id))
    date = newest_date(articles)
    sentences_out: list[Sentence] = []
    chosen: list[Candidate] = []
    ranked = rank(articles, settings, date, embed)
    if ranked.cands:
        cands, scores = ranked.cands, ranked.scores
        limit = settings.max_sentences + 1
        first = [_dek(cands, scores)]
        order = ranked.select(limit, first)
        chosen = [cands[i] for i in order]
        dek = chosen[0]
        sentences_out.append(Sentence("dek", dek.printed, dek.citations, outlet=dek.article.outlet))
        if len(chosen) > 1:
            sentences_out.extend(_body(chosen[1:], settings))
        taken = list(order)
        # The timeline first: a day whose leads cannot be printed may need its title,
        # which "Where outlets differ" would otherwise quote.
        dated = timeline(articles, settings, ranked, taken)
        cited = {c for line in dated for c in line.citations}
        taken.extend(i for i, c in enumerate(ranked.cands) if c.citation in cited)
        sentences_out.extend(differences(ranked, articles, taken, cited))
        sentences_out.extend(dated)
    title = _headline(chosen, articles, story, date, set(), corroborator)
    # A source title that had to serve as the headline is not quoted again below it.
    sentences_out = [
        s for s in sentences_out if s.kind != "coverage" or s.citations[:1] != title.citations[:1]
    ]
    sentences_out.insert(0, title)
    used = {s.citations[0] for s in sentences_out if s.citations}
    for quote in find_quotes(articles, settings.max_quotes):
        if quote.citation in used or not quotations(quote.text):
            continue
        # A key quote stands alone too: "…, he added" names its speaker, or is left out.
        span = Span(quote.citation.start, quote.citation.end, quote.text)
        made = standalone(quote.article, span)
        if made is None or (made.relative and quote.article.published != date):
            continue
        sentences_out.append(
            Sentence(
                "quote",
                made.text,
                made.citations,
                speaker=quote.speaker,
                outlet=quote.article.outlet,
            )
        )
    return Draft(
        story_id=story.id,
        story_hash=story.hash,
        category=classify(articles),
        date=date,
        sentences=tuple(_settled(sentences_out, articles, corroborator)),
        sources=tuple(SourceRef(a.id, a.outlet, a.title, a.url, a.published) for a in articles),
    )


def timeline(
    articles: Sequence[Article],
    settings: WriteSettings,
    ranked: Ranked,
    taken: list[int],
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
    sentence not already told, attributed; failing that, its first lead sentence not
    already printed, attributed; failing that, its first title, quoted as its outlet's
    headline. ``taken`` holds the indices of the candidates the article prints; it is
    extended with those a line prints in full.
    """
    days = sorted({a.published for a in articles if a.published})
    if len(days) < 2:
        return []
    lines = []
    for day in days:
        same_day = [a for a in articles if a.published == day]
        leads = [c for c in candidates(same_day, settings) if c.index < LEAD_SENTENCES]
        line = _headline_line(_in_order(leads), day)
        if line is None:
            line = _fresh_line(ranked, taken, day)
        if line is None:
            line = _retold_line(leads, ranked, taken, day)
        if line is None:
            line = _title_line(same_day, day)
        if line is not None:
            lines.append(line)
    return lines if len(lines) > 1 else []


def _title_line(same_day: Sequence[Article], day: str) -> Sentence | None:
    """The day's first title, quoted as its outlet's headline: what that day's reporting
    said, when none of its lead sentences can be printed again."""
    for article in same_day:
        citation = Citation.title_of(article)
        if article.title.strip():
            text = headline_credit(article.title, article.outlet)
            return Sentence("timeline", text, (citation,), outlet=article.outlet, date=day)
    return None


def _retold_line(
    leads: Sequence[Candidate], ranked: Ranked, taken: list[int], day: str
) -> Sentence | None:
    """The day's first lead sentence, attributed, when every lead of that day is already
    told in the article: a timeline retells, as long as no sentence is printed twice."""
    printed = {ranked.cands[i].citation for i in taken}
    for cand in _in_order(leads):
        if cand.citation not in printed:
            taken.extend(i for i, c in enumerate(ranked.cands) if c.citation == cand.citation)
            text = attribute(cand.printed, cand.article.outlet)
            return Sentence("timeline", text, cand.citations, outlet=cand.article.outlet, date=day)
    return None


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
        if c.article.published == day and c.index < 3 and not ranked.repeats_any(i, taken)
    ]
    if not pool:
        return None
    best = max(pool, key=lambda i: ranked.scores[i])
    cand = ranked.cands[best]
    taken.append(best)
    text = attribute(cand.printed, cand.article.outlet)
    return Sentence("timeline", text, cand.citations, outlet=cand.article.outlet, date=day)
