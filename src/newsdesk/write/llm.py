"""The LLM writer: drafts with any OpenAI-compatible chat-completions endpoint.

An article is asked for in two steps. The outline request sees every source
and returns the headline, dek, category, key quotes and a few sections, each
naming its sources. Then each section is one request that sees only the
sources the outline named for it. One request per section, rather than one for
the whole body, keeps each reply short (a reply cut off at ``max_tokens`` is
the commonest failure of small local models), means a bad reply costs one
section's retry rather than the article's, and sends each source only where it
is used, so the tokens spent stay close to one request over all sources.

The model never supplies spans or URLs. It names source ids, and each sentence
is cited with the exact spans ``find_evidence`` finds in those sources (in all
the story's sources when the named ones give nothing); a sentence with no
evidence keeps no citation and the verify gate drops it. A sentence that credits
no outlet speaks in the newsroom's voice and must rest on two independent sources
(``language.corroboration``): it cites the best spans of each independent source it
names, so the gate can judge each alone. The Sources list is built from the story's own
articles.
"""

from __future__ import annotations

import logging
import math
import os
import random
import time
import weakref
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from typing import Any, TypeVar

import httpx

from newsdesk.config import LLMSettings, WriteSettings
from newsdesk.errors import ConfigError
from newsdesk.language.attribution import credited_outlets, same_outlet
from newsdesk.language.corroboration import own_voice
from newsdesk.language.independence import source_groups
from newsdesk.language.retrieval import find_evidence
from newsdesk.language.sections import classify
from newsdesk.records import (
    CATEGORIES,
    Article,
    Citation,
    Draft,
    Evidence,
    Sentence,
    SentenceKind,
    SourceRef,
    Story,
)
from newsdesk.retrying import retry_after
from newsdesk.write.base import Flag, Usage, WriterError
from newsdesk.write.prompts import (
    Claim,
    Message,
    Outline,
    Problem,
    ReplyError,
    Revision,
    correction,
    outline_messages,
    parse_json,
    parse_outline,
    parse_revisions,
    parse_sentences,
    revise_messages,
    section_messages,
    source_ids,
)

log = logging.getLogger("newsdesk.write.llm")

T = TypeVar("T")

MAX_SECTIONS = 4
"""Sections beyond this many in an outline are ignored."""
RETRY_STATUS = frozenset({408, 409, 429})
"""Client errors worth retrying (timeouts, conflicts, rate limits); every 5xx is retried too."""
CHARS_PER_TOKEN = 4
"""Token estimate for a server that reports no usage, so the budget still holds."""


class _Retry(Exception):
    """An attempt failed in a way that asking again may fix."""

    def __init__(self, problem: str, wait: float | None = None, reply: bool = False) -> None:
        super().__init__(problem)
        self.problem = problem
        self.wait = wait
        self.reply = reply


def _one_line(text: str, limit: int = 160) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


class LLMWriter:
    """A ``Writer`` backed by a chat-completions endpoint.

    One ``httpx.Client`` serves every request of the writer; call ``close``
    (or use the writer as a context manager) when done. ``usage`` adds up the
    tokens and cost of every request, and ``settings.token_budget`` stops the
    writer before it sends a request once the run has spent that many tokens.
    """

    name = "llm"
    version = "4"
    """2: sources shown without their page furniture; the prompts ask for an own headline,
    a lead, developments in time order, where the sources differ, standalone sentences
    and one credit per paragraph. 3: words a source quotes keep their marks and speaker.
    4: a sentence that credits no outlet names two independent sources and cites both."""

    def __init__(
        self,
        settings: LLMSettings,
        write: WriteSettings,
        *,
        transport: httpx.BaseTransport | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        if not settings.base_url.strip():
            raise ConfigError("[llm] base_url is not set: name an OpenAI-compatible endpoint")
        if not settings.model.strip():
            raise ConfigError("[llm] model is not set: name the model to write with")
        self.settings = settings
        self.write_settings = write
        self.usage = Usage()
        self._sleep = sleep
        self._random = random.Random()
        self._client = httpx.Client(
            base_url=settings.base_url.strip().rstrip("/") + "/",
            timeout=httpx.Timeout(
                settings.timeout_s,
                connect=min(settings.connect_timeout_s, settings.timeout_s),
                pool=settings.connect_timeout_s,
            ),
            transport=transport,
        )
        self._closer = weakref.finalize(self, self._client.close)

    def close(self) -> None:
        """Close the HTTP client and its connections."""
        self._closer()

    def __enter__(self) -> LLMWriter:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- Writer ------------------------------------------------------------

    def write(self, story: Story, articles: Sequence[Article]) -> Draft:
        """Outline, then one request per section; every sentence cited from the sources."""
        articles = sorted(articles, key=lambda a: (a.published or "", a.id))
        if not articles:
            raise WriterError(f"story {story.id} has no articles to write from")
        ids = source_ids(articles)
        dates = [a.published for a in articles if a.published]
        date = max(dates) if dates else None
        outline = self._chat(
            "outline", outline_messages(ids, date, self.write_settings), parse_outline
        )
        sentences = [self._sentence("headline", outline.headline, ids)]
        if outline.dek is not None:
            sentences.append(self._sentence("dek", outline.dek, ids))
        sentences.extend(self._body(outline, ids, date))
        sentences.extend(self._quotes(outline, ids))
        category = next((c for c in CATEGORIES if c.lower() == outline.category.lower()), None)
        return Draft(
            story_id=story.id,
            story_hash=story.hash,
            category=category or classify(articles),
            date=date,
            sentences=tuple(sentences),
            sources=tuple(SourceRef(a.id, a.outlet, a.title, a.url, a.published) for a in articles),
            writer=self.name,
        )

    def revise(self, draft: Draft, flags: Sequence[Flag], articles: Sequence[Article]) -> Draft:
        """One request for all flagged sentences; each is replaced (re-cited) or removed.

        A flagged sentence the reply does not mention is removed: the gate
        would only flag it again.
        """
        flagged = {f.position: f for f in flags if 0 <= f.position < len(draft.sentences)}
        if not flagged:
            return draft
        articles = sorted(articles, key=lambda a: (a.published or "", a.id))
        ids = source_ids(articles)
        problems = [
            Problem(p, draft.sentences[p].kind, f.text, f.verdict, f.reason)
            for p, f in sorted(flagged.items())
        ]
        revisions = self._chat("revision", revise_messages(ids, draft, problems), parse_revisions)
        answers: dict[int, Revision] = {}
        for revision in revisions:
            if revision.position in flagged:
                answers.setdefault(revision.position, revision)
        out = []
        for position, sentence in enumerate(draft.sentences):
            if position not in flagged:
                out.append(sentence)
                continue
            answer = answers.get(position)
            if answer is None or answer.text is None:
                continue
            new = self._sentence(
                sentence.kind,
                Claim(answer.text, answer.sources),
                ids,
                paragraph=sentence.paragraph,
                speaker=answer.speaker or sentence.speaker,
            )
            out.append(replace(new, date=sentence.date))
        return replace(draft, sentences=tuple(out))

    # --- drafting ----------------------------------------------------------

    def _body(
        self, outline: Outline, ids: Mapping[str, Article], date: str | None
    ) -> list[Sentence]:
        sections = outline.sections[:MAX_SECTIONS]
        limit = self.write_settings.max_sentences
        per_section = max(1, math.ceil(limit / len(sections)))
        topics = [s.topic for s in sections]
        body: list[Sentence] = []
        for index, section in enumerate(sections):
            if len(body) >= limit:
                break
            named = {i: ids[i] for i in section.sources if i in ids} or dict(ids)
            messages = section_messages(
                named,
                date,
                outline.headline.text,
                topics,
                index,
                min(per_section, limit - len(body)),
                self.write_settings,
            )
            claims = self._chat(f"section {index + 1}", messages, parse_sentences)
            for claim in claims[: limit - len(body)]:
                body.append(self._sentence("body", claim, ids, paragraph=index + 1))
        return body

    def _quotes(self, outline: Outline, ids: Mapping[str, Article]) -> list[Sentence]:
        """Key quotes, one per speaker, cited from the source the model named."""
        quotes: list[Sentence] = []
        speakers: set[str] = set()
        for quote in outline.quotes:
            if len(quotes) >= self.write_settings.max_quotes:
                break
            if quote.speaker.lower() in speakers:
                continue
            speakers.add(quote.speaker.lower())
            named = (quote.source,) if quote.source else ()
            claim = Claim(quote.text, named)
            quotes.append(self._sentence("quote", claim, ids, speaker=quote.speaker))
        return quotes

    def _sentence(
        self,
        kind: SentenceKind,
        claim: Claim,
        ids: Mapping[str, Article],
        *,
        paragraph: int = 0,
        speaker: str | None = None,
    ) -> Sentence:
        """``claim`` cited with the exact spans of its named sources (else of any source).

        When the sentence credits an outlet ("..., NBC News reported."), that
        outlet's sources among the named ones are searched first, so the
        credit and the cited text agree. A sentence that credits none also cites the
        best spans of every other independent source it names: in the newsroom's voice
        it must rest on two. Unknown ids are ignored; a claim with no evidence anywhere
        keeps no citation, which the gate drops.
        """
        named = [ids[i] for i in claim.sources if i in ids]
        credited = credited_outlets(claim.text, [a.outlet for a in named])
        pools = (
            [a for a in named if any(same_outlet(c, a.outlet) for c in credited)],
            named,
            list(ids.values()),
        )
        evidence: list[Evidence] = []
        for pool in pools:
            evidence = find_evidence(claim.text, pool) if pool else []
            if evidence:
                break
        if evidence and own_voice(claim.text, [a.outlet for a in ids.values()]):
            evidence = [*evidence, *_other_sources(claim.text, evidence, named)]
        citations = tuple(Citation(e.source.id, e.start, e.end, e.field) for e in evidence)
        outlet = evidence[0].source.outlet if evidence else None
        return Sentence(
            kind, claim.text, citations, paragraph=paragraph, speaker=speaker, outlet=outlet
        )

    # --- the endpoint ------------------------------------------------------

    def _chat(self, what: str, messages: list[Message], parse: Callable[[dict[str, Any]], T]) -> T:
        """Send ``messages`` until a reply parses, retrying what may pass on a second try."""
        attempts = max(0, self.settings.max_retries) + 1
        asked = list(messages)
        problem = ""
        for attempt in range(1, attempts + 1):
            self._check_budget()
            try:
                content = self._post(asked)
                try:
                    return parse(parse_json(content))
                except ReplyError as error:
                    raise _Retry(str(error), reply=True) from None
            except _Retry as failure:
                problem = failure.problem
                if failure.reply:
                    asked = [*messages, correction(problem)]
                if attempt == attempts:
                    break
                wait = failure.wait if failure.wait is not None else self._backoff(attempt)
                wait = min(wait, self.settings.max_wait_s)
                log.warning(
                    "%s: attempt %d of %d failed (%s); retrying in %.2fs",
                    what,
                    attempt,
                    attempts,
                    problem,
                    wait,
                )
                self._sleep(wait)
        raise WriterError(f"LLM {what} request failed after {attempts} attempts: {problem}")

    def _backoff(self, attempt: int) -> float:
        """Exponential backoff with jitter: between half and all of ``backoff_s * 2**(n-1)``."""
        ceiling = min(self.settings.max_wait_s, self.settings.backoff_s * 2.0 ** (attempt - 1))
        return ceiling / 2 + self._random.uniform(0, ceiling / 2)

    def _check_budget(self) -> None:
        budget = self.settings.token_budget
        spent = self.usage.tokens_in + self.usage.tokens_out
        if budget > 0 and spent >= budget:
            raise WriterError(f"token budget of {budget} tokens exhausted ({spent} spent this run)")

    def _headers(self) -> dict[str, str]:
        """The bearer key, read from the environment at each request and never kept."""
        name = self.settings.api_key_env
        key = os.environ.get(name, "").strip() if name else ""
        return {"Authorization": f"Bearer {key}"} if key else {}

    def _post(self, messages: list[Message]) -> str:
        """One request; the reply's content, or ``_Retry``, or ``WriterError`` when hopeless."""
        body: dict[str, Any] = {
            "model": self.settings.model,
            "messages": messages,
            "temperature": self.settings.temperature,
        }
        if self.settings.max_tokens > 0:
            body["max_tokens"] = self.settings.max_tokens
        if self.settings.response_format:
            body["response_format"] = {"type": self.settings.response_format}
        try:
            response = self._client.post("chat/completions", json=body, headers=self._headers())
        except httpx.TimeoutException as error:
            raise _Retry(f"timed out ({type(error).__name__})") from None
        except httpx.TransportError as error:
            raise _Retry(
                f"cannot reach the endpoint: {_one_line(str(error)) or type(error).__name__}"
            ) from None
        status = response.status_code
        if status in RETRY_STATUS or status >= 500:
            wait = retry_after(response.headers.get("Retry-After"))
            raise _Retry(f"HTTP {status}", wait)
        if status >= 400:
            raise WriterError(f"LLM endpoint answered HTTP {status} {response.reason_phrase}")
        return self._content(response, messages)

    def _content(self, response: httpx.Response, messages: list[Message]) -> str:
        """The reply's text, after counting its tokens (spent even when the reply is unusable)."""
        try:
            data = response.json()
        except ValueError:
            data = None
        if not isinstance(data, dict):
            raise _Retry("the response body is not a JSON object")
        choices = data.get("choices")
        choice = choices[0] if isinstance(choices, list) and choices else None
        message = choice.get("message") if isinstance(choice, dict) else None
        content = message.get("content") if isinstance(message, dict) else None
        self._count(data.get("usage"), messages, content if isinstance(content, str) else "")
        if not isinstance(content, str):
            raise _Retry("the response has no choices[0].message.content")
        assert isinstance(choice, dict)
        if choice.get("finish_reason") == "length":
            raise _Retry("the reply was cut off at max_tokens (finish_reason 'length')", reply=True)
        return content

    def _count(self, usage: object, messages: list[Message], content: str) -> None:
        tokens_in = tokens_out = None
        if isinstance(usage, dict):
            tokens_in, tokens_out = usage.get("prompt_tokens"), usage.get("completion_tokens")
        if not isinstance(tokens_in, int):
            tokens_in = sum(len(m["content"]) for m in messages) // CHARS_PER_TOKEN
        if not isinstance(tokens_out, int):
            tokens_out = len(content) // CHARS_PER_TOKEN
        self.usage.tokens_in += tokens_in
        self.usage.tokens_out += tokens_out
        self.usage.cost_usd += (
            tokens_in * self.settings.price_in_per_mtok
            + tokens_out * self.settings.price_out_per_mtok
        ) / 1_000_000


def _other_sources(
    text: str, evidence: Sequence[Evidence], named: Sequence[Article]
) -> list[Evidence]:
    """The best spans of each independent source among ``named`` that ``evidence`` does
    not cite yet: what a sentence in the newsroom's voice needs beside its first source."""
    groups = source_groups(named)
    cited = {groups.of(e.source.id) for e in evidence}
    found: list[Evidence] = []
    for number in range(len(groups)):
        if number not in cited:
            found.extend(find_evidence(text, [a for a in named if groups.of(a.id) == number]))
    return found
