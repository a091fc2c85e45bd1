"""``newsdesk check``: verify an article written by anyone against source articles.

Every unit of the article (see ``verify.articles``) is matched with source
spans and judged by the same ``check_claim`` that gates newsdesk's own drafts,
so the command and the pipeline can never disagree about what "supported"
means. The difference is where the evidence comes from: a draft cites its
spans, an outside article does not, so here they are retrieved (the source
sentences and titles that best cover the claim's content words). Source links,
the category and the date get checks of their own, and every URL written inside a
unit gets a ``url`` check.

English sources are preferred: claims are judged on them first, and a source in
another language backs a claim only where they do not (``verify.languages``).
With the support model, retrieval for all the claims of an article runs as one
batch before the claims are judged, so the encoder sees one large batch rather
than one or two sentences at a time.

A claim that credits no outlet speaks in the article's own voice and must rest on
two independent sources (the ``attribution`` check, ``corroboration_check``): its
evidence then holds the best spans of every independent source (an outlet once,
copies of one story once), so that each is judged on what it says best.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from newsdesk.errors import InputError
from newsdesk.language.attribution import display_name, same_outlet, split_attribution
from newsdesk.language.corroboration import best_spans, own_voice
from newsdesk.language.detection import ENGLISH, language_of
from newsdesk.language.independence import source_groups
from newsdesk.language.retrieval import Candidate, candidates_of, select
from newsdesk.language.sections import best_of, fits
from newsdesk.language.sections import scores as section_scores
from newsdesk.language.support import SupportModel, check_support, combined_support, default_model
from newsdesk.language.text import content_words, normalize, normalized, quotations
from newsdesk.records import CATEGORIES, Article, Draft, Evidence, VerdictLabel
from newsdesk.verify.articles.parse import (
    ParsedArticle,
    Unit,
    UnitField,
    iso_date,
    without_urls,
)
from newsdesk.verify.articles.reading import parse_article
from newsdesk.verify.checker import check_claim, check_sentence, page_contexts
from newsdesk.verify.checks import Check, ClaimResult, index_sources, prefetch, verdict_of
from newsdesk.verify.checks.attribution import uncorroborated
from newsdesk.verify.checks.languages import (
    best_match,
    cross_language_support,
    noted,
    with_numbers_matched,
)
from newsdesk.verify.checks.links import check_link
from newsdesk.verify.checks.opinion import check_opinion

RETRIEVED = 2
"""Spans the support model adds per claim sentence beside the lexical cover."""
SPANS = 2
"""Spans of each independent source that hold most of a claim's words, added beside the
cover and the model's for a claim in the article's own voice (the writer's second-source
search reads the same)."""

MIN_CLAIM_WORDS = 2
"""Content words a unit with links needs, beside them, to be a claim of its own."""

_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


@dataclass(frozen=True)
class ClaimReport:
    """The finding on one unit of the article: ``id`` is ``c1``, ``c2``... in document order."""

    id: str
    unit: Unit
    result: ClaimResult

    @property
    def verdict(self) -> VerdictLabel:
        return self.result.label

    @property
    def kind(self) -> str:
        """The kind of the check that decided the verdict (``ClaimResult.decided_by``), for
        one-line reports; ``support`` for a supported claim."""
        return self.result.decided_by or "support"

    @property
    def reason(self) -> str:
        """Why the deciding check failed, on one line: its own detail, never another's."""
        deciding = self.result.deciding
        reason = deciding.detail if deciding is not None and deciding.detail else self.result.reason
        return " ".join(reason.split())

    @property
    def also_failed(self) -> tuple[Check, ...]:
        """The failed checks besides the deciding one, in the order they ran."""
        deciding = self.result.deciding
        return tuple(c for c in self.result.failed if c is not deciding)

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "text": self.unit.text,
            "start": self.unit.start,
            "end": self.unit.end,
            "field": self.unit.field,
            "verdict": self.verdict,
            "checks": [
                {"kind": c.kind, "verdict": c.verdict, "detail": c.detail}
                for c in self.result.checks
            ],
            "evidence": [
                {"source_id": e.source.id, "url": e.source.url, "quote": e.quote}
                for e in self.result.evidence
            ],
            "reason": self.result.reason,
            "decided_by": self.result.decided_by,
            "probability": _rounded(self.result.probability),
            "failed": [
                {
                    "kind": c.kind,
                    "detail": c.detail,
                    "source_id": c.conflict.source.id if c.conflict is not None else None,
                }
                for c in self.result.failed
            ],
        }


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


@dataclass(frozen=True)
class Report:
    """Everything ``newsdesk check`` found in one article, ready for text or JSON output."""

    name: str
    text: str
    article: ParsedArticle
    claims: tuple[ClaimReport, ...]
    as_of: str | None = None

    @property
    def summary(self) -> dict[str, int]:
        counts = {"claims": len(self.claims), "supported": 0, "contradicted": 0, "unsupported": 0}
        for claim in self.claims:
            counts[claim.verdict] += 1
        return counts

    @property
    def exit_code(self) -> int:
        """0 when every claim is supported, 1 when anything is flagged (like a linter)."""
        return 0 if all(claim.verdict == "supported" for claim in self.claims) else 1

    def to_dict(self) -> dict[str, Any]:
        return {
            "article": {
                "title": self.article.title,
                "date": self.article.date,
                "category": self.article.category,
            },
            "claims": [claim.to_dict() for claim in self.claims],
            "summary": self.summary,
        }

    def position(self, offset: int) -> tuple[int, int]:
        """1-based line and column of a character offset, as editors count them."""
        line = self.text.count("\n", 0, offset) + 1
        column = offset - (self.text.rfind("\n", 0, offset) + 1) + 1
        return line, column

    def format_text(self, name: str | None = None) -> str:
        """One line per flagged claim, an indented line per other failed check, a summary.

        The claim's line is ``NAME:LINE:COL verdict kind reason``, where ``kind``
        is the check that decided the verdict and ``reason`` is that check's own
        detail. Every other check that failed follows on a line of its own,
        ``  NAME:LINE:COL also kind reason``: indented, so a pattern anchored at
        the start of a line (``^NAME:``) still finds exactly one line per claim,
        and carrying the place and the kind, so ``grep ' also number '`` or
        ``grep NAME:12:`` finds each failure without its neighbours.
        """
        name = self.name if name is None else name
        lines = []
        for claim in self.claims:
            if claim.verdict == "supported":
                continue
            line, column = self.position(claim.unit.start)
            where = f"{name}:{line}:{column}"
            lines.append(f"{where} {claim.verdict} {claim.kind} {claim.reason}")
            for check in claim.also_failed:
                detail = " ".join(check.detail.split()) or "failed"
                lines.append(f"  {where} also {check.kind} {detail}")
        s = self.summary
        noun = "claim" if s["claims"] == 1 else "claims"
        lines.append(
            f"{s['claims']} {noun}: {s['supported']} supported, {s['contradicted']} contradicted, "
            f"{s['unsupported']} unsupported"
        )
        return "\n".join(lines)


def check_article(
    article_text: str,
    sources: Sequence[Article],
    *,
    name: str = "article",
    as_of: str | None = None,
    min_coverage: float = 0.9,
    model: bool = True,
) -> Report:
    """Check every unit of ``article_text`` against ``sources``.

    ``model`` uses the learned support model (MiniLM retrieval and an
    entailment score); without it, support is word coverage (``min_coverage``).
    ``as_of`` (default: the article's own date, else the newest source's) is
    the day the article speaks from: relative dates ("on Tuesday") and who
    holds an office are resolved as of then.
    """
    if as_of is not None and (_ISO_DATE.fullmatch(as_of) is None or iso_date(as_of) is None):
        raise InputError(f"--as-of must be a date written YYYY-MM-DD, got {as_of!r}")
    parsed = parse_article(article_text, name)
    as_of = as_of or parsed.date or max((s.published for s in sources if s.published), default=None)
    body = "\n".join(u.clean for u in parsed.units if u.field is None and u.kind != "source_link")
    index_sources(sources)
    prefetch(unit.clean for unit in parsed.units if _is_claim(unit))
    index = _Index(sources, body, as_of, default_model() if model else None)
    _retrieve_all(index, parsed.units)
    claims = tuple(
        ClaimReport(f"c{number}", unit, _check_unit(unit, index, as_of, min_coverage, context))
        for number, (unit, context) in enumerate(
            zip(parsed.units, _contexts(parsed.units), strict=True), start=1
        )
    )
    return Report(name, article_text, parsed, claims, as_of)


def check_draft(draft: Draft, sources: Sequence[Article], min_coverage: float = 0.9) -> Report:
    """Re-check a stored draft, each sentence against the spans it cites.

    The report's text is the draft with one sentence per line, so line numbers
    in ``format_text`` are sentence numbers (headline first).
    """
    by_id = {source.id: source for source in sources}
    index_sources(sources)
    prefetch(sentence.text for sentence in draft.sentences)
    support = combined_support(check_support, min_coverage)
    units, claims, offset = [], [], 0
    contexts = page_contexts(draft)
    for number, (sentence, context) in enumerate(zip(draft.sentences, contexts, strict=True), 1):
        field: UnitField | None = "title" if sentence.kind == "headline" else None
        unit = Unit(sentence.text, offset, offset + len(sentence.text), field, clean=sentence.text)
        units.append(unit)
        result = check_sentence(
            sentence, by_id, min_coverage, as_of=draft.date, support=support, context=context
        )
        claims.append(ClaimReport(f"c{number}", unit, result))
        offset = unit.end + 1
    text = "\n".join(sentence.text for sentence in draft.sentences)
    parsed = ParsedArticle(draft.headline, draft.date, draft.category, units, "text")
    return Report(draft.story_id, text, parsed, tuple(claims), draft.date)


class _Index:
    """Every source sentence and title as a candidate, built once per article."""

    def __init__(
        self,
        sources: Sequence[Article],
        body: str = "",
        as_of: str | None = None,
        model: SupportModel | None = None,
    ) -> None:
        self.sources = list(sources)
        self.body = body
        self.as_of = as_of
        self.model = model
        self.languages = {s.id: language_of(s) for s in self.sources}
        english = [s for s in self.sources if self.languages[s.id] == ENGLISH]
        self.preferred = english or self.sources
        """Claims are judged on these first: the English sources, or all when none is."""
        by_source = {s.id: candidates_of(s) for s in self.sources}
        self.candidates = [c for s in self.preferred for c in by_source[s.id]]
        self.foreign = [
            c for s in self.sources if self.languages[s.id] != ENGLISH for c in by_source[s.id]
        ]
        self.retrieved: dict[str, list[Evidence]] = {}
        """Spans the model retrieved for each claim among all the preferred sources."""
        self.outlets = [s.outlet for s in self.sources]
        self.groups = source_groups(self.preferred)
        """The preferred sources by independent source: an outlet once, copies once."""
        self.members = [
            [s for s in self.preferred if self.groups.of(s.id) == number]
            for number in range(len(self.groups))
        ]
        self.by_group: dict[tuple[int, str], list[Evidence]] = {}
        """Spans the model retrieved for each own-voice claim in each independent source."""

    def corroborating(self, claim: str) -> bool:
        """Whether ``claim`` speaks in the article's own voice among several independent
        sources: its evidence is then gathered from each of them."""
        return len(self.groups) > 1 and own_voice(claim, self.outlets)


def _is_claim(unit: Unit) -> bool:
    """Text judged by ``check_claim``: not a source link, the category or the date."""
    return unit.kind != "source_link" and unit.field not in ("category", "date")


def _retrieve_all(index: _Index, units: Sequence[Unit]) -> None:
    """Retrieve evidence for every claim of the article in one batch.

    ``SupportModel.retrieve_many`` embeds all the claims' sentences in one
    encoder call (and caches them, so the support score reuses them), where
    claim-by-claim retrieval pays the encoder's fixed cost for every sentence.
    """
    if index.model is None:
        return
    texts = [_claim_text(u) for u in units if _is_claim(u)]
    claims = list(dict.fromkeys(split_attribution(text).claim for text in texts))
    found = index.model.retrieve_many(claims, index.preferred, k=RETRIEVED)
    index.retrieved = dict(zip(claims, found, strict=True))
    voiced = [text for text in dict.fromkeys(texts) if index.corroborating(text)]
    for number, members in enumerate(index.members):
        if voiced:
            spans = index.model.retrieve_many(voiced, members, k=RETRIEVED)
            index.by_group.update(((number, t), s) for t, s in zip(voiced, spans, strict=True))


def _contexts(units: Sequence[Unit]) -> list[tuple[str, ...]]:
    """What a reader has read before each unit: the text units above it, nearest last."""
    contexts: list[tuple[str, ...]] = []
    running: list[str] = []
    for unit in units:
        contexts.append(tuple(running))
        if unit.kind != "source_link" and unit.field in (None, "title"):
            running.append(unit.clean)
    return contexts


def _check_unit(
    unit: Unit,
    index: _Index,
    as_of: str | None,
    min_coverage: float,
    context: tuple[str, ...] = (),
) -> ClaimResult:
    if unit.kind == "source_link":
        result = _check_url(unit, index)
    elif unit.field == "category":
        result = _check_category(unit, index.body)
    elif unit.field == "date":
        result = _check_date(unit, index, as_of)
    else:
        result = _check_text(unit, index, min_coverage, context)
    return _with_links(noted(result, index.languages), unit, index)


def _check_url(unit: Unit, index: _Index) -> ClaimResult:
    """A link must point at one of the sources given (see ``verify.links``)."""
    label = unit.clean if unit.clean != unit.url else None
    return check_link(unit.url or unit.clean, label, index.sources)


def _with_links(result: ClaimResult, unit: Unit, index: _Index) -> ClaimResult:
    """Add a ``url`` check for each link written in the unit: a sentence that cites a page
    no source is at is unsupported however true its words are."""
    if not unit.links:
        return result
    checks = list(result.checks)
    for link in unit.links:
        found = check_link(link.url, link.label, index.sources)
        checks.extend(noted(found, index.languages).checks)
    return verdict_of(checks, result.evidence)


def _check_category(unit: Unit, body: str) -> ClaimResult:
    """The declared section must fit what the article is about.

    The article's own text is scored with the writer's section lexicons; a
    section that scores less than half of the best one does not fit (a story
    about peace talks filed under Markets).
    """
    sections = {category.lower(): category for category in CATEGORIES}
    declared = sections.get(unit.clean.lower())
    if declared is None:
        detail = f"{unit.clean!r} is not a section of the taxonomy ({', '.join(CATEGORIES)})"
        return ClaimResult("unsupported", detail, (Check("category", "fail", detail),), ())
    scores = section_scores([Article("article", "", "", "", body)])
    best = best_of(scores)
    if fits(declared, scores):
        detail = f"{declared} fits the content (section scores: {_top_scores(scores)})"
        return ClaimResult("supported", "", (Check("category", "pass", detail),), ())
    detail = f"the content reads as {best}, not {declared} (section scores: {_top_scores(scores)})"
    return ClaimResult("unsupported", detail, (Check("category", "fail", detail),), ())


def _top_scores(scores: Mapping[str, int]) -> str:
    ranked = sorted(scores.items(), key=lambda item: -item[1])[:3]
    return ", ".join(f"{name} {value}" for name, value in ranked if value)


def _check_date(unit: Unit, index: _Index, as_of: str | None) -> ClaimResult:
    """The article's date must be a source's date or be written in a source."""
    support = Check("support", "n/a", "dates are checked against the sources")
    date = iso_date(unit.clean)
    if date is None:
        return _failed(support, f"cannot read {unit.clean!r} as a date")
    if as_of is not None and date > as_of:
        return _failed(support, f"{date} is after the as-of date {as_of}")
    dated = [source.id for source in index.sources if source.published == date]
    if dated:
        check = Check("date", "pass", f"{date} is the date of {', '.join(dated)}")
        return ClaimResult("supported", "", (support, check), ())
    evidence = _find_written(index.sources, (unit.clean, date))
    if evidence is not None:
        check = Check("date", "pass", f"{unit.clean} is written in {evidence.source.id}")
        return ClaimResult("supported", "", (support, check), (evidence,))
    known = sorted({s.published for s in index.sources if s.published})
    dates = f"sources are dated {', '.join(known)}" if known else "no source is dated"
    return _failed(support, f"{date} is not the date of any source ({dates})")


def _failed(support: Check, detail: str) -> ClaimResult:
    return ClaimResult("unsupported", detail, (support, Check("date", "fail", detail)), ())


def _find_written(sources: Sequence[Article], forms: Sequence[str]) -> Evidence | None:
    """The first place a source's text writes one of ``forms``, ignoring case."""
    for source in sources:
        for form in forms:
            match = re.search(re.escape(form), source.text, re.IGNORECASE)
            if match is not None:
                return Evidence(source, match.start(), match.end())
    return None


def _claim_text(unit: Unit) -> str:
    """What a unit claims: its clean text without the URLs written in it."""
    return without_urls(unit.clean) if unit.links else unit.clean


def _check_text(
    unit: Unit, index: _Index, min_coverage: float, context: tuple[str, ...] = ()
) -> ClaimResult:
    """Retrieve the best spans for a claim and run ``check_claim`` on them; what the
    preferred sources leave unsupported may rest on a source in another language.

    A unit that is little more than its links ("See https://...", "[Wire
    report](...)") claims nothing of its own: its ``url`` checks decide it.
    """
    text = _claim_text(unit)
    attributed = split_attribution(text)
    claim_words = set(content_words(attributed.claim))
    if unit.links and len(claim_words) < MIN_CLAIM_WORDS:
        check = Check("support", "n/a", "nothing to check besides its links")
        return ClaimResult("supported", "", (check,), ())
    pool = index.candidates
    voiced = unit.kind != "table_row"
    if attributed.outlet is None:
        result = _judge(text, claim_words, pool, index, min_coverage, context, voiced)
    else:
        result = _judge_credited(text, attributed.outlet, claim_words, index, min_coverage, context)
    if result.label != "unsupported" or not index.foreign:
        return result
    other = _in_other_language(text, index, min_coverage, context, voiced)
    if other is None:
        return result
    failed = {c.kind for c in other.checks if c.verdict == "fail"}
    return other if other.label == "supported" or failed == {"attribution"} else result


def _in_other_language(
    text: str,
    index: _Index,
    min_coverage: float,
    context: tuple[str, ...] = (),
    voiced: bool = True,
) -> ClaimResult | None:
    """Judge a claim on the sentence in another language that holds all its names and
    numbers, if one does: support is that match, the other checks run as usual. Where
    that fails too, the finding on the preferred sources is the one reported."""
    match = best_match(split_attribution(text).claim, index.foreign, index.languages)
    if match is None:
        return None
    support = cross_language_support(match, index.languages)
    sources = list({s.id: s for s in [*index.preferred, match.source]}.values())
    result = check_claim(
        text,
        [match],
        min_coverage,
        sources=sources,
        as_of=index.as_of,
        support=lambda _claim, _evidence: support,
        context=context,
        voiced=voiced,
    )
    result = with_numbers_matched(result, split_attribution(text).claim, match, index.languages)
    if result.label != "supported" or not voiced or not own_voice(text, index.outlets):
        return result
    # one source in another language backs it: in the article's own voice that is one
    # source too (the corroboration check was not judged while the numbers failed)
    outlet = display_name(match.source.outlet)
    checks = [c for c in result.checks if not (c.kind == "attribution" and c.verdict == "n/a")]
    return verdict_of([*checks, uncorroborated(outlet, outlet)], result.evidence)


def _judge(
    text: str,
    claim_words: set[str],
    pool: Sequence[Candidate],
    index: _Index,
    min_coverage: float,
    context: tuple[str, ...] = (),
    voiced: bool = True,
) -> ClaimResult:
    evidence = select(claim_words, pool)
    if not evidence:
        return _unmatched(text, {c.evidence.source.id for c in pool}, index, context)
    if index.model is not None:
        allowed = {c.evidence.source.id for c in pool}
        sources = [s for s in index.preferred if s.id in allowed]
        claim = split_attribution(text).claim
        spans = index.retrieved.get(claim) if len(sources) == len(index.preferred) else None
        if spans is None:
            spans = index.model.retrieve(claim, sources, k=RETRIEVED)
        for span in spans:
            if not any(_overlaps(span, e) for e in evidence):
                evidence.append(span)
    if voiced and len(pool) == len(index.candidates) and index.corroborating(text):
        _add_each_source(text, claim_words, evidence, index)
    return check_claim(
        text,
        evidence,
        min_coverage,
        sources=index.preferred,
        as_of=index.as_of,
        support=combined_support(index.model.check, min_coverage) if index.model else None,
        context=context,
        voiced=voiced,
    )


def _add_each_source(
    text: str, claim_words: set[str], evidence: list[Evidence], index: _Index
) -> None:
    """Add to ``evidence`` the best spans of every independent source (the cover of the
    claim's words, the spans holding most of them and what the model retrieved there),
    each source judged alone by the corroboration check."""
    for number, members in enumerate(index.members):
        ids = {s.id for s in members}
        pool = [c for c in index.candidates if c.evidence.source.id in ids]
        spans = select(claim_words, pool)
        spans += best_spans(split_attribution(text).claim, members, SPANS)
        spans += index.by_group.get((number, text), [])
        if index.model is not None and (number, text) not in index.by_group:
            spans += index.model.retrieve(split_attribution(text).claim, members, k=RETRIEVED)
        for span in spans:
            if not any(_overlaps(span, e) for e in evidence):
                evidence.append(span)


def _overlaps(a: Evidence, b: Evidence) -> bool:
    return a.source.id == b.source.id and a.field == b.field and a.start < b.end and b.start < a.end


def _unmatched(
    text: str, source_ids: set[str], index: _Index, context: tuple[str, ...] = ()
) -> ClaimResult:
    """Nothing matches the claim: name a quotation that no source has, the likeliest cause,
    or commentary in the article's own voice, which no source could match; the opinion
    check needs no evidence, so it runs here as it does in ``check_claim``."""
    support = Check("support", "fail", "no source sentence matches its content words")
    opinion = check_opinion(text, context)
    by_id = {s.id: s for s in index.sources}
    folded = [normalized(f"{by_id[i].title}\n{by_id[i].text}") for i in sorted(source_ids)]
    checks = [opinion, support]
    for quote in quotations(split_attribution(text).claim):
        if not any(normalize(quote) in body for body in folded):
            checks.insert(0, Check("quote", "fail", f"quotation not in any source: “{quote}”"))
            break
    return verdict_of(checks, ())


def _judge_credited(
    text: str,
    outlet: str,
    claim_words: set[str],
    index: _Index,
    min_coverage: float,
    context: tuple[str, ...] = (),
) -> ClaimResult:
    """A claim credited to an outlet is judged on that outlet's sources first.

    When they do not support it, the other sources are tried: if they do, the
    claim is true but misattributed and ``check_claim``'s attribution check
    says so; if they do not either, the credited outlet's verdict is the more
    useful one.
    """
    own = [c for c in index.candidates if same_outlet(outlet, c.evidence.source.outlet)]
    others = [c for c in index.candidates if not same_outlet(outlet, c.evidence.source.outlet)]
    credited = _judge(text, claim_words, own, index, min_coverage, context) if own else None
    if credited is not None and credited.label == "supported":
        return credited
    if not others:
        return credited or _judge(text, claim_words, others, index, min_coverage, context)
    elsewhere = _judge(text, claim_words, others, index, min_coverage, context)
    failed = {c.kind for c in elsewhere.checks if c.verdict == "fail"}
    return elsewhere if credited is None or failed == {"attribution"} else credited
